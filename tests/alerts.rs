//! Alerts (SPEC 7.3) through the real binary, against local targets that
//! answer in a scripted sequence: a run of failures is told once when it
//! passes the threshold and once when it ends, a changed body once with the
//! path that changed, and alert events reach the webhook only when asked.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

const WAIT: Duration = Duration::from_secs(30);

/// Makes a schedule every second and answers its id.
async fn every_second(chime: &Chime, job: Value) -> String {
    let mut body = json!({"repeat_every": "1 second", "retry": {"max_attempts": 1}});
    body.as_object_mut()
        .unwrap()
        .extend(job.as_object().unwrap().clone());
    let (status, created) = chime.post("/api/jobs", body).await;
    assert_eq!(status, 201, "{created}");
    created["data"]["schedule_id"].as_str().unwrap().to_string()
}

/// Waits for `n` of the schedule's runs to have ended.
async fn runs_ended(chime: &Chime, schedule: &str, n: usize) -> Vec<Value> {
    eventually("the runs to end", WAIT, async || {
        let (_, runs) = chime
            .get(&format!("/api/schedules/{schedule}/runs?limit=1000"))
            .await;
        let ended: Vec<Value> = runs["data"]
            .as_array()?
            .iter()
            .filter(|r| r["job_id"].is_string() && !r["outcome"].is_null())
            .cloned()
            .collect();
        (ended.len() >= n).then_some(ended)
    })
    .await
}

/// The schedule's events of `kind`, oldest first.
async fn told(chime: &Chime, schedule: &str, kind: &str) -> Vec<Value> {
    let (_, logs) = chime
        .get(&format!(
            "/api/logs?schedule_id={schedule}&event={kind}&order=asc&limit=1000"
        ))
        .await;
    logs["data"].as_array().unwrap().clone()
}

/// The job of the schedule's run number `run` (1-based).
async fn job_of_run(chime: &Chime, schedule: &str, run: i64) -> String {
    let (_, jobs) = chime
        .get(&format!("/api/jobs?schedule_id={schedule}&limit=100"))
        .await;
    jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["run"] == run)
        .map(|j| j["id"].as_str().unwrap().to_string())
        .expect("the run's job")
}

#[tokio::test]
async fn three_failures_in_a_row_are_told_once_and_the_recovery_once() {
    // 200, then 500 three times, then 200 for good.
    let target = Target::start(|seen| match seen.n {
        2..=4 => Reply::status(500),
        _ => Reply::status(200),
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let id = every_second(
        &chime,
        json!({"url": target.url("/sync"), "name": "Sync orders", "alert": {"after_failures": 3}}),
    )
    .await;
    // Two runs after the recovery have ended: a second failing or recovered
    // would have been written by then.
    runs_ended(&chime, &id, 7).await;

    let failing = told(&chime, &id, "schedule.failing").await;
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(
        failing[0]["job_id"],
        json!(job_of_run(&chime, &id, 4).await)
    );
    assert_eq!(
        failing[0]["payload"]["message"],
        "Sync orders failed 3 times in a row: 500 Internal Server Error"
    );
    let recovered = told(&chime, &id, "schedule.recovered").await;
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    assert_eq!(
        recovered[0]["job_id"],
        json!(job_of_run(&chime, &id, 5).await)
    );
    assert_eq!(recovered[0]["payload"]["failures"], 3);

    let (_, schedule) = chime.get(&format!("/api/schedules/{id}")).await;
    assert_eq!(schedule["data"]["failures_in_row"], 0);
    assert!(schedule["data"]["failing_since"].is_null());
}

#[tokio::test]
async fn a_body_that_changes_once_is_told_once_with_its_path() {
    // `generated_at` changes every time and is ignored; `v` changes once.
    let target = Target::start(|seen| {
        let v = if seen.n >= 3 { 2 } else { 1 };
        Reply::json(200, json!({"v": v, "generated_at": seen.n}))
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let alert = json!({"on_change": true, "change_ignore": ["body.generated_at", "headers.date"]});
    let id = every_second(&chime, json!({"url": target.url("/price"), "alert": alert})).await;
    runs_ended(&chime, &id, 5).await;

    let changed = told(&chime, &id, "job.changed").await;
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        changed[0]["job_id"],
        json!(job_of_run(&chime, &id, 3).await)
    );
    assert_eq!(
        changed[0]["payload"]["diff"],
        json!([{"path": "body.v", "before": 1, "after": 2}])
    );
    assert_eq!(
        changed[0]["payload"]["previous_job_id"],
        json!(job_of_run(&chime, &id, 2).await)
    );

    // Without the ignored path, every run differs from the one before.
    let noisy = every_second(
        &chime,
        json!({"url": target.url("/price"), "alert": {"on_change": true}}),
    )
    .await;
    runs_ended(&chime, &noisy, 3).await;
    let changed = told(&chime, &noisy, "job.changed").await;
    assert!(changed.len() >= 2, "{changed:?}");
    assert!(changed
        .iter()
        .all(|c| c["payload"]["diff"][0]["path"] == "body.generated_at"
            || c["payload"]["diff"][1]["path"] == "body.generated_at"));
}

#[tokio::test]
async fn alert_events_reach_the_webhook_only_when_its_channel_is_asked() {
    let target = Target::start(|_| Reply::status(503)).await;
    let hooks = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let to_webhook = every_second(
        &chime,
        json!({"url": target.url("/a"), "webhook_url": hooks.url("/a"),
               "alert": {"after_failures": 1, "channels": ["webhook"]}}),
    )
    .await;
    let desktop_only = every_second(
        &chime,
        json!({"url": target.url("/b"), "webhook_url": hooks.url("/b"),
               "alert": {"after_failures": 1, "channels": ["desktop"]}}),
    )
    .await;
    for id in [&to_webhook, &desktop_only] {
        runs_ended(&chime, id, 2).await;
        assert_eq!(told(&chime, id, "schedule.failing").await.len(), 1);
    }
    // Every event of both is delivered, in order; wait for the second run's
    // job.finished of each before looking for the failing one.
    let kinds = |path: &'static str| {
        let hooks = &hooks;
        move || -> Vec<String> {
            hooks
                .seen()
                .iter()
                .filter(|d| d.path == path)
                .map(|d| d.json()["type"].as_str().unwrap_or("").to_string())
                .collect()
        }
    };
    for path in ["/a", "/b"] {
        let delivered = kinds(path);
        eventually("the runs' events to be delivered", WAIT, async || {
            let finished = delivered().iter().filter(|k| *k == "job.finished").count();
            (finished >= 2).then_some(())
        })
        .await;
    }
    assert!(kinds("/a")().contains(&"schedule.failing".to_string()));
    assert!(!kinds("/b")().contains(&"schedule.failing".to_string()));
}
