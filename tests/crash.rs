//! A kill in the middle of a burst loses no job: 200 jobs due together,
//! SIGKILL while they are in flight, restart, and every job reaches the
//! target; a second time only if it was in flight at the kill.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

const JOBS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_mid_burst_loses_no_job() {
    // Answers take 0 to 1.9 s, so at the kill some jobs are done and many in flight.
    let target = Target::start(|seen| {
        Reply::status(200).after(Duration::from_millis(seen.n as u64 % 20 * 100))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let due = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let mut ids = Vec::new();
    for i in 0..JOBS {
        let (status, body) = chime
            .post("/api/jobs", json!({"method": "post", "url": target.url("/burst"), "body": {"i": i}, "scheduled_at": due}))
            .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["data"]["id"].as_str().unwrap().to_string());
    }
    target.wait_for(JOBS * 3 / 4, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // let the quick answers be recorded
    let reached_before_kill = target.count();
    chime.kill().await;

    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    eventually(
        "every job to complete after the restart",
        Duration::from_secs(60),
        async || {
            let (_, page) = chime.get("/api/jobs?state=completed&limit=1").await;
            (page["total"].as_u64() == Some(JOBS as u64)).then_some(())
        },
    )
    .await;

    let mut arrivals: HashMap<u64, usize> = HashMap::new();
    for seen in target.seen() {
        *arrivals
            .entry(seen.json()["i"].as_u64().unwrap())
            .or_default() += 1;
    }
    let mut interrupted = 0;
    for (i, id) in ids.iter().enumerate() {
        let (_, job) = chime.get(&format!("/api/jobs/{id}")).await;
        let attempts = job["data"]["attempts"].as_array().unwrap().clone();
        let was_in_flight = attempts.iter().any(|a| {
            a["error"]
                .as_str()
                .is_some_and(|e| e.contains("interrupted"))
        });
        interrupted += usize::from(was_in_flight);
        let n = arrivals.get(&(i as u64)).copied().unwrap_or(0);
        assert!(n >= 1, "job {i} reached the target");
        assert!(
            n == 1 || was_in_flight,
            "job {i} arrived {n} times without having been in flight at the kill"
        );
        assert!(n <= 2, "job {i} arrived {n} times");
        assert_eq!(
            attempts.last().map(|a: &Value| a["outcome"].clone()),
            Some(json!("success"))
        );
    }
    let once = arrivals.values().filter(|n| **n == 1).count();
    let twice = arrivals.values().filter(|n| **n == 2).count();
    println!(
        "crash test: {JOBS} jobs; {reached_before_kill} requests had reached the target at the kill; \
         {} had completed and {interrupted} were interrupted; in all, {once} jobs arrived once and {twice} twice",
        JOBS - interrupted
    );
}

/// A service manager may stop Chime the moment it says where it listens:
/// the stop is clean (exit 0, its instance file removed), never the
/// default action of SIGTERM, which kills it mid-write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigterm_as_soon_as_it_listens_stops_chime_cleanly() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let status = Chime::start_in(dir.path(), &[]).await.terminate().await;
        assert!(status.success(), "a clean exit: {status:?}");
        assert!(
            !dir.path().join("instance.json").exists(),
            "a clean stop removes its instance file"
        );
    }
}
