//! The run ledger through the real binary: `chime serve` stopped across
//! schedules' due times and started again; each catch-up policy's ledger and
//! `job.missed` events read back through the API.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{eventually, Chime, Target};

const WAIT: Duration = Duration::from_secs(30);

fn rows_with<'a>(runs: &'a [Value], action: &str) -> Vec<&'a Value> {
    runs.iter().filter(|r| r["action"] == action).collect()
}

/// How many runs the ledger says came due while Chime was closed.
fn missed_while_closed(runs: &[Value]) -> u64 {
    runs.iter()
        .filter(|r| r["reason"] == "closed")
        .map(|r| r["count"].as_u64().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_missed_while_chime_was_closed_are_in_the_ledger_by_policy() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let mut schedules = Vec::new();
    for policy in ["once", "skip", "all"] {
        let (status, body) = chime
            .post(
                "/api/jobs",
                json!({"method": "post", "url": target.url(&format!("/{policy}")),
                                      "body": {}, "repeat_every": 1, "catch_up": policy}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        schedules.push((
            policy,
            body["data"]["schedule_id"].as_str().unwrap().to_string(),
        ));
    }
    target.wait_for(3, WAIT).await; // each ran once while Chime was up
    chime.terminate().await;
    // Closed across several due times (each schedule runs every second).
    let closed_at = chrono::Utc::now();
    while chrono::Utc::now() - closed_at < chrono::Duration::milliseconds(4_500) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;

    for (policy, id) in &schedules {
        let runs = eventually("the catch-up to be in the ledger", WAIT, async || {
            let (_, body) = chime.get(&format!("/api/schedules/{id}/runs")).await;
            let runs = body["data"].as_array()?.clone();
            let settled = runs
                .iter()
                .all(|r| r["started_at"].is_null() || !r["outcome"].is_null());
            // `all` replays its missed runs one by one: wait for three of them,
            // not for the first two rows.
            (missed_while_closed(&runs) >= 3 && settled).then_some(runs)
        })
        .await;
        let missed = missed_while_closed(&runs);
        assert!(
            missed >= 3,
            "{policy}: at least 3 runs came due while closed: {runs:#?}"
        );
        match *policy {
            "once" => {
                assert_eq!(
                    rows_with(&runs, "ran").len(),
                    1,
                    "{policy}: one run for all: {runs:#?}"
                );
                let merged = rows_with(&runs, "merged");
                assert_eq!(merged.len(), 1, "{policy}: one merged stretch");
                assert_eq!(merged[0]["outcome"], "cancelled");
            }
            "skip" => {
                // Less than a minute late, the pending run still goes; the ones after it do not.
                assert_eq!(rows_with(&runs, "ran").len(), 1, "{policy}: {runs:#?}");
                let skipped = rows_with(&runs, "skipped");
                assert_eq!(skipped.len(), 1, "{policy}: one skipped stretch: {runs:#?}");
                assert_eq!(skipped[0]["job_id"], Value::Null, "never became jobs");
            }
            _ => {
                let ran = rows_with(&runs, "ran");
                assert!(
                    ran.len() >= 3,
                    "{policy}: each missed run went out: {runs:#?}"
                );
                assert!(ran.iter().all(|r| r["outcome"] == "success"));
            }
        }
        for r in runs.iter().filter(|r| !r["started_at"].is_null()) {
            assert!(r["drift_ms"].as_i64().unwrap() >= 0, "{r}");
        }
        // Stretches expand to each planned time on request.
        let (_, expanded) = chime
            .get(&format!("/api/schedules/{id}/runs?expand=true"))
            .await;
        let each: u64 = expanded["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["reason"] == "closed")
            .count() as u64;
        assert_eq!(each, missed, "{policy}: one entry per missed run");
        assert!(expanded["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["count"] == 1));
    }

    // Each missed run or stretch wrote a job.missed event.
    let (_, logs) = chime.get("/api/logs?event=job.missed&limit=100").await;
    let events = logs["data"].as_array().unwrap();
    let of = |id: &str| events.iter().filter(|e| e["schedule_id"] == id).count();
    assert_eq!(of(&schedules[0].1), 1, "once: the merged stretch");
    assert_eq!(of(&schedules[1].1), 1, "skip: the stretch skipped");
    assert!(events.iter().all(|e| e["payload"]["reason"] == "closed"));
}
