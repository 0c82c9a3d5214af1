//! Overlap, limits and pauses (SPEC 7.4) through the real binary: a slow
//! target under each overlap policy, `max_runs` and `until` ending a
//! schedule, and pauses that end by themselves, across a restart.

mod support;

use std::time::Duration;

use chime_testkit::Gate;
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

const WAIT: Duration = Duration::from_secs(30);

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("an RFC 3339 time")
        .to_utc()
}

/// Makes a schedule every second with `extra` fields and answers its id.
async fn every_second(chime: &Chime, url: String, extra: Value) -> String {
    let mut body = json!({"url": url, "repeat_every": "1 second", "retry": {"max_attempts": 1}});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, created) = chime.post("/api/jobs", body).await;
    assert_eq!(status, 201, "{created}");
    created["data"]["schedule_id"].as_str().unwrap().to_string()
}

async fn ledger(chime: &Chime, schedule: &str) -> Vec<Value> {
    let (_, runs) = chime
        .get(&format!("/api/schedules/{schedule}/runs?limit=1000"))
        .await;
    runs["data"].as_array().unwrap().clone()
}

/// Waits for a ledger row that `want` accepts, and answers it.
async fn ledger_row(
    chime: &Chime,
    schedule: &str,
    what: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, WAIT, async || {
        ledger(chime, schedule).await.into_iter().find(|r| want(r))
    })
    .await
}

/// A target whose first request is held until `gate` opens.
async fn first_held(gate: &Gate) -> Target {
    let gate = gate.clone();
    Target::start(move |seen| {
        if seen.n == 1 {
            Reply::status(200).until(&gate)
        } else {
            Reply::status(200)
        }
    })
    .await
}

fn is(row: &Value, reason: &str, action: &str) -> bool {
    row["reason"] == reason && row["action"] == action
}

#[tokio::test]
async fn overlap_allow_lets_the_next_run_go_while_one_is_on_the_wire() {
    let gate = Gate::default();
    let target = first_held(&gate).await;
    let chime = Chime::start(&["--allow-http"]).await;
    every_second(&chime, target.url("/slow"), json!({})).await;
    // The second request arrives while the first is still unanswered.
    target.wait_for(2, WAIT).await;
    gate.open();
}

#[tokio::test]
async fn overlap_skip_skips_runs_while_one_is_on_the_wire() {
    let gate = Gate::default();
    let target = first_held(&gate).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let id = every_second(&chime, target.url("/slow"), json!({"overlap": "skip"})).await;
    eventually("two runs to be skipped for the overlap", WAIT, async || {
        let skipped = ledger(&chime, &id)
            .await
            .iter()
            .filter(|r| is(r, "overlap", "skipped"))
            .count();
        (skipped >= 2).then_some(())
    })
    .await;
    assert_eq!(target.count(), 1, "nothing went out beside the held run");
    gate.open();
    // Once it has answered, the next run goes.
    target.wait_for(2, WAIT).await;
}

#[tokio::test]
async fn overlap_queue_holds_the_next_run_until_the_one_before_ends() {
    let gate = Gate::default();
    let target = first_held(&gate).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let id = every_second(&chime, target.url("/slow"), json!({"overlap": "queue"})).await;
    let held = ledger_row(&chime, &id, "the next run to be held", |r| {
        is(r, "overlap", "deferred")
    })
    .await;
    assert_eq!(target.count(), 1);
    let opened = Utc::now();
    gate.open();
    let seen = target.wait_for(2, WAIT).await;
    assert!(
        seen[1].at >= opened,
        "the held run went after the first ended"
    );
    let went = ledger_row(&chime, &id, "the held run to go", |r| {
        r["planned_at"] == held["planned_at"] && r["started_at"].is_string()
    })
    .await;
    assert!(is(&went, "overlap", "deferred"), "{went}");
    assert!(time(&went["started_at"]) >= time(&held["planned_at"]));
}

#[tokio::test]
async fn overlap_replace_cancels_the_attempt_on_the_wire_for_the_next_run() {
    let gate = Gate::default(); // never opened: the first run would hang
    let target = first_held(&gate).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let id = every_second(&chime, target.url("/slow"), json!({"overlap": "replace"})).await;
    let replaced = ledger_row(&chime, &id, "the first run to be replaced", |r| {
        r["outcome"] == "cancelled" && r["reason"] == "overlap"
    })
    .await;
    let (_, job) = chime
        .get(&format!(
            "/api/jobs/{}",
            replaced["job_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(job["data"]["state"], "cancelled");
    assert!(job["data"]["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("replaced"));
    // The run that replaced it went out and was answered.
    ledger_row(&chime, &id, "the replacing run to succeed", |r| {
        r["outcome"] == "success"
    })
    .await;
    assert!(target.count() >= 2);
}

#[tokio::test]
async fn max_runs_sends_exactly_that_many_and_the_ledger_says_expired() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let id = every_second(&chime, target.url("/three"), json!({"max_runs": 3})).await;
    let expired = ledger_row(&chime, &id, "the schedule to expire", |r| {
        is(r, "expired", "skipped")
    })
    .await;
    assert!(expired["job_id"].is_null());
    let (_, schedule) = chime.get(&format!("/api/schedules/{id}")).await;
    assert!(schedule["data"]["disabled_at"].is_string());
    assert_eq!(schedule["data"]["runs_sent"], 3);
    // The third run was claimed as the schedule expired, a moment before its
    // instant, and goes out at it: once all three are answered, none more went.
    eventually("the three runs to be answered", WAIT, async || {
        let runs = ledger(&chime, &id).await;
        let answered = runs.iter().filter(|r| r["outcome"] == "success").count();
        (answered >= 3).then_some(())
    })
    .await;
    assert_eq!(target.count(), 3);

    let (status, body) = chime
        .post(&format!("/api/schedules/{id}/enable"), json!({}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("made its 3 runs"));
}

#[tokio::test]
async fn until_ends_the_schedule_and_no_run_goes_after_it() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let until = Utc::now() + chrono::Duration::milliseconds(2_500);
    let id = every_second(
        &chime,
        target.url("/until"),
        json!({"until": until.to_rfc3339()}),
    )
    .await;
    let expired = ledger_row(&chime, &id, "the schedule to expire", |r| {
        is(r, "expired", "skipped")
    })
    .await;
    assert!(time(&expired["planned_at"]) > until);
    assert!(target.count() >= 1);
    for seen in target.seen() {
        assert!(
            seen.at <= until + chrono::Duration::milliseconds(500),
            "{}",
            seen.at
        );
    }
    // A first run after `until` is refused when the schedule is made.
    let (status, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/late"), "repeat_every": "1 hour",
                   "until": Utc::now().to_rfc3339()}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "until");
}

#[tokio::test]
async fn a_schedule_paused_until_a_time_enables_itself_then_even_after_a_restart() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let id = every_second(&chime, target.url("/tick"), json!({})).await;
    target.wait_for(1, WAIT).await;

    // A whole millisecond, as Chime keeps times (see the pause-all test).
    let until = (Utc::now() + chrono::Duration::seconds(4)).trunc_subsecs(3);
    let (status, paused) = chime
        .post(
            &format!("/api/schedules/{id}/disable"),
            json!({"until": until.to_rfc3339()}),
        )
        .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(time(&paused["data"]["resume_at"]), until);
    // A run already on the wire when the pause came ends as it would; wait for
    // it, or the kill leaves it to be sent again at the restart (at least
    // once), which is not a new run.
    eventually("the run on the wire to end", WAIT, async || {
        let (_, on_the_wire) = chime
            .get(&format!("/api/jobs?schedule_id={id}&state=executing"))
            .await;
        (on_the_wire["total"] == 0).then_some(())
    })
    .await;
    chime.kill().await;
    let before = target.count();

    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let seen = target.wait_for(before + 1, WAIT).await;
    assert!(seen[before].at >= until, "no run before the pause ended");
    let (_, schedule) = chime.get(&format!("/api/schedules/{id}")).await;
    assert!(schedule["data"]["disabled_at"].is_null());
    assert!(schedule["data"]["resume_at"].is_null());

    for (body, field) in [
        (json!({"until": "2020-01-01T00:00:00Z"}), "until"),
        (json!({"for": "1h"}), "for"),
    ] {
        let (status, answer) = chime
            .post(&format!("/api/schedules/{id}/disable"), body)
            .await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["field"], field);
    }
}

#[tokio::test]
async fn pause_all_for_a_while_resumes_by_itself() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    // A whole millisecond, as Chime keeps times: it would resume at the
    // millisecond of a finer instant, which can be before it.
    let until = (Utc::now() + chrono::Duration::seconds(2)).trunc_subsecs(3);
    let (status, paused) = chime
        .post("/api/pause", json!({"until": until.to_rfc3339()}))
        .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(paused["data"]["paused"], true);
    assert_eq!(time(&paused["data"]["paused_until"]), until);
    chime
        .post("/api/jobs", json!({"url": target.url("/now")}))
        .await;
    let seen = target.wait_for(1, WAIT).await;
    assert!(seen[0].at >= until, "the job waited for the pause to end");
    let (_, status) = chime.get("/api/status").await;
    assert_eq!(status["data"]["paused"], false);
    assert!(status["data"]["paused_until"].is_null());
}
