//! Requests on the wire at once: a burst to one host goes out a few at a
//! time, and does not hold back jobs to other hosts.

mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::{Config, Engine, EventKind, JobState, LogQuery, ManualClock, Payload};
use chime_testkit::{Gate, Reply, Target};
use chrono::{TimeZone, Utc};
use common::job_in;
use serde_json::json;

const PER_HOST: usize = 2;
const TO_ONE_HOST: usize = 5;
const WAIT: StdDuration = StdDuration::from_secs(10);

/// Requests logged as sent so far, of any job.
async fn requests_logged(engine: &Engine) -> usize {
    let query = LogQuery {
        kinds: vec![EventKind::Request],
        limit: 100,
        ..Default::default()
    };
    engine.list_events(query).await.unwrap().len()
}

/// Host A, which holds each request until the test opens its gate (in the
/// order they arrived), host B, which answers at once, and an engine with
/// `jobs` jobs to A, sending at most `in_flight` requests at once.
struct HeldHost {
    gates: Arc<Vec<Gate>>,
    held: Target,
    other: Target,
    engine: Engine,
    to_held: Vec<String>,
    _dir: tempfile::TempDir,
}

async fn a_held_host(jobs: usize, in_flight: Option<usize>) -> HeldHost {
    let gates: Arc<Vec<Gate>> = Arc::new((0..jobs).map(|_| Gate::default()).collect());
    let held = {
        let gates = gates.clone();
        Target::start(move |seen| Reply::status(200).until(&gates[seen.n - 1])).await
    };
    let other = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap());
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    config.max_per_host = PER_HOST;
    if let Some(n) = in_flight {
        config.max_in_flight = n;
    }
    let engine = Engine::start(config, Arc::new(clock)).await.unwrap();
    let mut to_held = Vec::new();
    for n in 0..jobs {
        let job = json!({"method": "post", "url": held.url("/held"), "body": {"n": n}});
        to_held.push(engine.create_job(job).await.unwrap().job.id);
    }
    HeldHost {
        gates,
        held,
        other,
        engine,
        to_held,
        _dir: dir,
    }
}

#[tokio::test]
async fn a_burst_to_one_host_goes_out_a_few_at_a_time() {
    let HeldHost {
        gates,
        held,
        other,
        engine,
        to_held,
        _dir,
    } = a_held_host(TO_ONE_HOST, None).await;
    let to_other = engine
        .create_job(json!({"method": "post", "url": other.url("/other")}))
        .await
        .unwrap()
        .job
        .id;

    // The other host's job is done while host A holds its first two.
    job_in(&engine, &to_other, JobState::Completed).await;
    held.wait_for(PER_HOST, WAIT).await;
    assert_eq!(
        held.count(),
        PER_HOST,
        "A gets no more than its bound at once"
    );
    // The ones waiting for their turn are not logged as sent: two to A, one to B.
    assert_eq!(requests_logged(&engine).await, PER_HOST + 1);

    // Each reply A gives back lets one more through.
    for k in 0..TO_ONE_HOST {
        gates[k].open();
        let next = (k + 1 + PER_HOST).min(TO_ONE_HOST);
        held.wait_for(next, WAIT).await;
        assert!(
            held.count() <= next,
            "{} at A after {} replies",
            held.count(),
            k + 1
        );
    }
    for id in &to_held {
        job_in(&engine, id, JobState::Completed).await;
    }
    assert_eq!(held.count(), TO_ONE_HOST);
}

/// With the claim budget spent on a slow host (its jobs claimed, two on the
/// wire and four waiting for their turn), a job to another host is claimed
/// and sent as soon as one of them finishes, not once the whole budget is
/// free again.
#[tokio::test]
async fn a_spent_claim_budget_takes_other_jobs_as_soon_as_one_job_finishes() {
    // Three on the wire at once (two to a host), and twice that claimed.
    const BUDGET: usize = 6;
    let a = a_held_host(BUDGET, Some(BUDGET / 2)).await;
    let engine = &a.engine;
    for id in &a.to_held {
        job_in(engine, id, JobState::Executing).await;
    }
    a.held.wait_for(PER_HOST, WAIT).await;
    let to_other = engine
        .create_job(json!({"method": "post", "url": a.other.url("/other")}))
        .await
        .unwrap()
        .job
        .id;

    a.gates[0].open();
    job_in(engine, &to_other, JobState::Completed).await;
    // Done while the slow host still holds its other claimed jobs.
    for id in &a.to_held[1..] {
        assert_eq!(engine.get_job(id).await.unwrap().state, JobState::Executing);
    }
    a.gates.iter().for_each(Gate::open);
    for id in &a.to_held {
        job_in(engine, id, JobState::Completed).await;
    }
}

/// A burst to a host that answers at once: each job's log holds its
/// attempt's events in their order, each once, and the request it sent,
/// whether its request's record reached the writer with its end (logged in
/// one row, 0023) or before it.
#[tokio::test]
async fn each_job_of_a_burst_logs_its_attempt_in_order() {
    const JOBS: usize = 200;
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap());
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    let engine = Engine::start(config, Arc::new(clock)).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..JOBS {
        let job = json!({"method": "post", "url": target.url(&format!("/{n}"))});
        ids.push(engine.create_job(job).await.unwrap().job.id);
    }
    for id in &ids {
        job_in(&engine, id, JobState::Completed).await;
    }
    let attempt = [
        EventKind::Created,
        EventKind::Started,
        EventKind::Request,
        EventKind::Response,
        EventKind::Finished,
    ];
    for (n, id) in ids.iter().enumerate() {
        let query = LogQuery {
            job_id: Some(id.clone()),
            ascending: true,
            limit: 100,
            ..Default::default()
        };
        let log = engine.list_events(query).await.unwrap();
        let kinds: Vec<EventKind> = log.iter().map(|e| e.kind()).collect();
        assert_eq!(kinds, attempt, "job {n}");
        assert!(log.windows(2).all(|w| w[0].id < w[1].id), "job {n}");
        let Payload::Request(sent) = &log[2].body else {
            unreachable!("the kinds are checked above");
        };
        assert_eq!(sent.url, target.url(&format!("/{n}")), "job {n}");
    }
    assert_eq!(target.count(), JOBS, "each sent once");
}
