//! The crash soak: jobs due together and schedules with webhooks, and
//! `chime serve` killed with SIGKILL at moments of a seeded random choice,
//! then restarted on the same data folder, round after round. It passes when
//! no job is lost, a job arrives twice only if an attempt of it was cut off
//! by a kill, every stored webhook event reached its receiver, and SQLite's
//! integrity check is ok.
//!
//! `make test` runs 3 rounds; `make soak` runs 10 with more jobs
//! (CHIME_SOAK_ROUNDS, CHIME_SOAK_JOBS; CHIME_SOAK_SEED repeats a run).

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so a failing seed can be rerun.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kills_at_random_moments_lose_no_job_and_no_webhook_event() {
    let rounds = setting("CHIME_SOAK_ROUNDS", 3);
    let per_round = setting("CHIME_SOAK_JOBS", 60);
    let seed = setting(
        "CHIME_SOAK_SEED",
        chrono::Utc::now().timestamp_millis() as u64,
    ) | 1;
    println!("soak: {rounds} rounds of {per_round} jobs, seed {seed}");
    let mut dice = Dice(seed);

    // Answers take 0 to 900 ms, so every kill finds some attempts in flight.
    let target = Target::start(|seen| {
        Reply::status(200).after(Duration::from_millis(seen.n as u64 * 7919 % 10 * 100))
    })
    .await;
    let hooks = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let mut chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let mut schedules = Vec::new();
    for n in 0..2 {
        let (status, body) = chime
            .post(
                "/api/jobs",
                json!({"method": "post", "url": target.url("/every"), "repeat_every": 1,
                                      "body": {"schedule": n}, "webhook_url": hooks.url("/hook")}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        schedules.push(body["data"]["schedule_id"].as_str().unwrap().to_string());
    }

    let burst_arrivals = || target.seen().iter().filter(|s| s.path == "/once").count();
    let mut jobs: Vec<String> = Vec::new();
    for round in 0..rounds {
        // Paused while the burst is made, so it is all due at once when
        // resumed and the kill lands in it: made one by one, its first jobs
        // would run (and could all be done) before the last was made.
        let (status, _) = chime.post("/api/pause", json!({})).await;
        assert_eq!(status, 200);
        let due = chrono::Utc::now().to_rfc3339();
        for _ in 0..per_round {
            let i = jobs.len();
            let (status, body) = chime
                .post(
                    "/api/jobs",
                    json!({"method": "post", "url": target.url("/once"), "body": {"i": i},
                                          "scheduled_at": due, "webhook_url": hooks.url("/hook")}),
                )
                .await;
            assert_eq!(status, 201, "{body}");
            jobs.push(body["data"]["id"].as_str().unwrap().to_string());
        }
        // The kill comes at a random moment of the burst, counted in one-off
        // jobs' arrivals since the resume (retries of jobs cut off by the last
        // kill included; the schedules' do not count).
        let reached = burst_arrivals();
        let kill_at = reached + dice.below(per_round) as usize;
        let (status, _) = chime.post("/api/resume", json!({})).await;
        assert_eq!(status, 200);
        eventually(
            "the burst to reach the kill",
            Duration::from_secs(60),
            async || (burst_arrivals() >= kill_at).then_some(()),
        )
        .await;
        println!(
            "round {round}: killed after {} of the burst's {per_round} arrivals",
            burst_arrivals() - reached
        );
        chime.kill().await;
        chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    }

    // Every one-off job completes; then the schedules stop.
    let total = jobs.len();
    eventually(
        "every one-off job to complete",
        Duration::from_secs(120),
        async || {
            let (_, page) = chime
                .get("/api/jobs?state=completed&schedule_id=none&limit=1")
                .await;
            (page["total"].as_u64() == Some(total as u64)).then_some(())
        },
    )
    .await;
    for s in &schedules {
        chime
            .post(&format!("/api/schedules/{s}/disable"), json!({}))
            .await;
    }

    // No job lost; a second arrival only for an attempt a kill cut off.
    let mut arrivals: HashMap<u64, usize> = HashMap::new();
    for seen in target.seen().iter().filter(|s| s.path == "/once") {
        *arrivals
            .entry(seen.json()["i"].as_u64().unwrap())
            .or_default() += 1;
    }
    let (mut twice, mut interrupted) = (0, 0);
    for (i, id) in jobs.iter().enumerate() {
        let (_, job) = chime.get(&format!("/api/jobs/{id}")).await;
        let attempts = job["data"]["attempts"].as_array().unwrap();
        let cut_off = attempts
            .iter()
            .filter(|a| {
                a["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("interrupted"))
            })
            .count();
        let n = arrivals.get(&(i as u64)).copied().unwrap_or(0);
        assert!(n >= 1, "job {i} reached the target");
        assert!(
            n <= 1 + cut_off,
            "job {i} arrived {n} times with {cut_off} attempts cut off"
        );
        twice += usize::from(n > 1);
        interrupted += cut_off;
    }

    // Every webhook event stored reached the receiver.
    let stored: HashSet<i64> = {
        let db = rusqlite::Connection::open(dir.path().join("chime.db")).unwrap();
        let ids = db
            .prepare("SELECT event_id FROM deliveries WHERE kind = 'webhook'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<HashSet<i64>, _>>()
            .unwrap();
        ids
    };
    // Deliveries to one receiver go one at a time, in order: the backlog of
    // a full soak (over 20,000 events) takes minutes to drain on a slow
    // machine. Waiting is fine while it drains; a stall of 30 s fails.
    let delivered_to = || -> HashSet<i64> {
        hooks
            .seen()
            .iter()
            .filter_map(|d| serde_json::from_slice::<Value>(&d.body).ok()?["data"]["id"].as_i64())
            .collect()
    };
    let started = std::time::Instant::now();
    let (mut last, mut progressed) = (0, std::time::Instant::now());
    let delivered = loop {
        let got = delivered_to();
        if stored.is_subset(&got) {
            break got;
        }
        if got.len() > last {
            (last, progressed) = (got.len(), std::time::Instant::now());
        }
        let missing = stored.difference(&got).count();
        assert!(
            progressed.elapsed() < Duration::from_secs(30),
            "webhook delivery stalled: {missing} of {} stored events not delivered",
            stored.len()
        );
        // A second between looks: each copies every delivery seen so far.
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let drained = started.elapsed();
    chime.terminate().await;
    let db = rusqlite::Connection::open(dir.path().join("chime.db")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    println!(
        "soak: {total} jobs, all arrived; {twice} twice, all with an attempt cut off by a kill \
         ({interrupted} attempts cut off in all); {} webhook events, all delivered ({:.0} s \
         of waiting for the last); integrity_check ok",
        delivered.len(),
        drained.as_secs_f64()
    );
}
