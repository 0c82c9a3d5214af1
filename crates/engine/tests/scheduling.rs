//! The engine on an injected clock: schedules keep to their rule, missed runs
//! follow the catch-up policy, and an interrupted attempt is never lost.

mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::run::Action;
use chime_engine::{
    Clock, Config, Engine, EventKind, JobFilter, JobOrder, JobState, LogQuery, ManualClock, Payload,
};
use chime_testkit::{eventually, Gate, Reply, Target};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::job_in;
use serde_json::{json, Value};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

async fn engine_at(clock: &ManualClock, dir: &tempfile::TempDir) -> Engine {
    engine_with(clock, dir, |_| {}).await
}

/// [`engine_at`], its config changed by `change` first.
async fn engine_with(
    clock: &ManualClock,
    dir: &tempfile::TempDir,
    change: impl FnOnce(&mut Config),
) -> Engine {
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    change(&mut config);
    Engine::start(config, Arc::new(clock.clone()))
        .await
        .expect("engine starts")
}

async fn jobs_of(engine: &Engine, schedule_id: &str) -> Vec<chime_engine::JobView> {
    engine
        .list_jobs(JobFilter {
            schedule_id: Some(schedule_id.to_string()),
            limit: 100,
            order: JobOrder {
                by: chime_engine::store::jobs::OrderField::ScheduledAt,
                descending: false,
            },
            ..JobFilter::default()
        })
        .await
        .unwrap()
        .data
}

/// The log, oldest first: one job's, or all of it.
async fn log_of(engine: &Engine, job_id: Option<String>) -> Vec<chime_engine::Event> {
    let query = LogQuery {
        job_id,
        limit: 100,
        ascending: true,
        ..Default::default()
    };
    engine.list_events(query).await.unwrap()
}

fn scheduled_at_of(body: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(body["$job"]["scheduled_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn an_interval_schedule_runs_a_thousand_times_without_drift() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, &dir).await;
    let interval = Duration::seconds(10);
    let anchor = t0() + interval;
    engine
        .create_job(
            json!({"method": "post", "url": target.url("/tick"), "body": {}, "repeat_every": 10}),
        )
        .await
        .unwrap();
    for run in 1..=1000i32 {
        // Each wake is late by a different amount, as a busy laptop's would be.
        let late = Duration::milliseconds(i64::from(run) * 7919 % 9_000);
        clock.set(anchor + interval * (run - 1) + late);
        target
            .wait_for(run as usize, StdDuration::from_secs(10))
            .await;
    }
    let seen = target.seen();
    assert_eq!(seen.len(), 1000, "every run arrived, once");
    for (k, request) in seen.iter().enumerate() {
        let body = request.json();
        assert_eq!(body["$job"]["run"], json!(k + 1));
        assert_eq!(
            scheduled_at_of(&body),
            anchor + interval * k as i32,
            "run {} is on its grid",
            k + 1
        );
    }
    engine.shutdown().await;
}

/// A schedule every 10 s with `policy`, and a laptop that sleeps through ten
/// of its runs and wakes at 08:01:45.
async fn after_missed_runs(
    policy: &str,
) -> (Target, Engine, tempfile::TempDir, String, ManualClock) {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, &dir).await;
    let created = engine
        .create_job(
            json!({"method": "post", "url": target.url("/catch-up"), "body": {},
                           "repeat_every": 10, "catch_up": policy}),
        )
        .await
        .unwrap();
    let schedule_id = created.job.schedule_id.clone().unwrap();
    clock.set(t0() + Duration::seconds(105));
    (target, engine, dir, schedule_id, clock)
}

async fn next_run(engine: &Engine, schedule: &str) -> DateTime<Utc> {
    engine
        .get_schedule(schedule)
        .await
        .unwrap()
        .next_run_at
        .unwrap()
}

#[tokio::test]
async fn catch_up_once_runs_one_of_the_missed_runs_then_moves_on() {
    let (target, engine, _dir, schedule, clock) = after_missed_runs("once").await;
    target.wait_for(1, StdDuration::from_secs(5)).await;
    assert_eq!(
        next_run(&engine, &schedule).await,
        t0() + Duration::seconds(110)
    );
    // The next run on the rule comes second: nothing else was made up.
    let seen = next_rule_run(&clock, &target, 2).await;
    assert_eq!(
        scheduled_at_of(&seen[1].json()),
        t0() + Duration::seconds(110)
    );
    let events = log_of(&engine, None).await;
    let started = events
        .iter()
        .find_map(|e| match &e.body {
            Payload::Started(started) => Some(started),
            _ => None,
        })
        .unwrap();
    let note = started.catch_up.as_ref().unwrap();
    assert_eq!(note.policy, chime_engine::draft::CatchUp::Once);
    assert_eq!(note.missed, 9);
}

#[tokio::test]
async fn catch_up_all_runs_each_missed_run_in_order() {
    let (target, engine, _dir, schedule, clock) = after_missed_runs("all").await;
    // Caught-up runs go out a quarter second apart on the engine's clock.
    let before_next = t0() + Duration::seconds(109);
    advance_until(&clock, &target, 10, before_next).await;
    assert_eq!(
        next_run(&engine, &schedule).await,
        t0() + Duration::seconds(110)
    );
    let seen = next_rule_run(&clock, &target, 11).await;
    let times: Vec<DateTime<Utc>> = seen.iter().map(|s| scheduled_at_of(&s.json())).collect();
    let expected: Vec<DateTime<Utc>> = (1..=11).map(|k| t0() + Duration::seconds(10 * k)).collect();
    assert_eq!(
        times, expected,
        "each missed run, in order, then the rule's next"
    );
}

#[tokio::test]
async fn catch_up_skip_skips_the_missed_runs_and_says_so() {
    let (target, engine, _dir, schedule, clock) = after_missed_runs("skip").await;
    let skipped = eventually(
        "the missed run to be skipped",
        StdDuration::from_secs(5),
        async || {
            jobs_of(&engine, &schedule)
                .await
                .into_iter()
                .find(|j| j.state == JobState::Cancelled)
        },
    )
    .await;
    assert!(
        skipped
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("skipped"),
        "{:?}",
        skipped.note
    );
    assert_eq!(
        next_run(&engine, &schedule).await,
        t0() + Duration::seconds(110)
    );
    let seen = next_rule_run(&clock, &target, 1).await;
    assert_eq!(
        scheduled_at_of(&seen[0].json()),
        t0() + Duration::seconds(110),
        "the first run sent is the rule's next: nothing missed was sent"
    );
}

/// Cancelling the job a schedule has pending cancels that one run: the
/// schedule plans the rule's next, and the cancelled run stays in its history.
#[tokio::test]
async fn cancelling_a_schedules_pending_job_skips_one_run_and_keeps_the_schedule() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, &dir).await;
    let created = engine
        .create_job(
            json!({"method": "post", "url": target.url("/tick"), "body": {}, "repeat_every": 10}),
        )
        .await
        .unwrap();
    let schedule = created.job.schedule_id.clone().unwrap();
    let cancelled = engine.cancel_job(&created.job.id).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    assert_eq!(
        next_run(&engine, &schedule).await,
        t0() + Duration::seconds(20),
        "the rule's next run, not none"
    );
    let jobs = jobs_of(&engine, &schedule).await;
    assert_eq!(
        jobs.iter()
            .map(|j| (j.state, j.scheduled_at))
            .collect::<Vec<_>>(),
        [
            (JobState::Cancelled, t0() + Duration::seconds(10)),
            (JobState::Scheduled, t0() + Duration::seconds(20)),
        ]
    );
    assert_eq!(jobs[0].note.as_deref(), Some("cancelled by request"));
    clock.set(t0() + Duration::seconds(20));
    let seen = target.wait_for(1, StdDuration::from_secs(5)).await;
    assert_eq!(
        scheduled_at_of(&seen[0].json()),
        t0() + Duration::seconds(20)
    );

    // Cancelling a due job that "pause all" held plans from now, not the past.
    engine.set_paused(true);
    clock.set(t0() + Duration::seconds(35));
    let pending = engine
        .get_schedule(&schedule)
        .await
        .unwrap()
        .pending_job_id
        .unwrap();
    engine.cancel_job(&pending).await.unwrap();
    assert_eq!(
        next_run(&engine, &schedule).await,
        t0() + Duration::seconds(40)
    );
    engine.shutdown().await;
}

/// Moves the clock a quarter second at a time, never past `limit`, until
/// `n` requests arrived: catch-up runs go out staggered on the engine's clock.
async fn advance_until(clock: &ManualClock, target: &Target, n: usize, limit: DateTime<Utc>) {
    eventually(
        "the staggered runs to arrive",
        StdDuration::from_secs(10),
        async || {
            if target.count() >= n {
                return Some(());
            }
            if clock.now() + Duration::milliseconds(250) <= limit {
                clock.advance(Duration::milliseconds(250));
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
            None
        },
    )
    .await;
}

/// Moves the clock to the schedule's next rule run (08:01:50) and waits for
/// `n` arrivals in all.
async fn next_rule_run(clock: &ManualClock, target: &Target, n: usize) -> Vec<chime_testkit::Seen> {
    clock.set(t0() + Duration::seconds(110));
    target.wait_for(n, StdDuration::from_secs(5)).await
}

/// The scheduler claims a job a moment before it is due, long enough
/// before that a slow sync of the claim's commit is not on the send's path
/// (90 ms before it here: a laptop's busy disk can take tens of ms); the
/// job still goes out at its instant, and its log and attempt say it
/// started then.
#[tokio::test]
async fn a_job_claimed_ahead_of_its_instant_goes_out_at_it() {
    let clock = ManualClock::new(t0());
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::new()));
    let target = {
        let (clock, arrivals) = (clock.clone(), arrivals.clone());
        Target::start(move |_| {
            arrivals.lock().unwrap().push(clock.now());
            Reply::status(200)
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_at(&clock, &dir).await;
    let due = t0() + Duration::seconds(10);
    let job = engine
        .create_job(json!({"url": target.url("/ahead"), "scheduled_at": due.to_rfc3339()}))
        .await
        .unwrap()
        .job
        .id;
    clock.set(due - Duration::milliseconds(90));
    job_in(&engine, &job, JobState::Executing).await; // claimed ahead
    clock.set(due);
    target.wait_for(1, StdDuration::from_secs(10)).await;
    assert_eq!(*arrivals.lock().unwrap(), [due], "sent at its instant");
    let done = job_in(&engine, &job, JobState::Completed).await;
    assert_eq!(done.attempts.unwrap()[0].started_at, due);
    let log = log_of(&engine, Some(job)).await;
    let started = log
        .iter()
        .find(|e| matches!(e.body, Payload::Started(_)))
        .unwrap();
    assert_eq!(started.inserted_at, due, "job.started says when it started");
    engine.shutdown().await;
}

/// A schedule every 10 s with an `overlap` rule, its first run held on the
/// wire until `gate` opens, and the clock 5 ms before its second run's
/// instant (`second_at`): the second run is being claimed ahead.
struct BehindHeldFirst {
    engine: Engine,
    clock: ManualClock,
    target: Target,
    /// The clock at each arrival.
    arrivals: Arc<std::sync::Mutex<Vec<DateTime<Utc>>>>,
    first: String,
    schedule: String,
    second_at: DateTime<Utc>,
    _dir: tempfile::TempDir,
}

async fn second_run_behind_a_held_first(overlap: &str, gate: &Gate) -> BehindHeldFirst {
    second_run_behind_a_held_first_with(overlap, gate, |_| {}).await
}

/// [`second_run_behind_a_held_first`], the engine's config changed by `change`.
async fn second_run_behind_a_held_first_with(
    overlap: &str,
    gate: &Gate,
    change: impl FnOnce(&mut Config),
) -> BehindHeldFirst {
    let clock = ManualClock::new(t0());
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::new()));
    let target = {
        let (clock, gate, arrivals) = (clock.clone(), gate.clone(), arrivals.clone());
        Target::start(move |seen| {
            arrivals.lock().unwrap().push(clock.now());
            match seen.n {
                1 => Reply::status(200).until(&gate),
                _ => Reply::status(200),
            }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(&clock, &dir, change).await;
    let created = engine
        .create_job(json!({"url": target.url("/o"), "repeat_every": 10, "overlap": overlap}))
        .await
        .unwrap();
    clock.set(t0() + Duration::seconds(10));
    target.wait_for(1, StdDuration::from_secs(10)).await; // the first run is on the wire
    let second_at = t0() + Duration::seconds(20);
    clock.set(second_at - Duration::milliseconds(5));
    BehindHeldFirst {
        engine,
        clock,
        target,
        arrivals,
        first: created.job.id,
        schedule: created.job.schedule_id.unwrap(),
        second_at,
        _dir: dir,
    }
}

/// Overlap `replace`: the next run, claimed a moment before its instant,
/// takes over from the run still on the wire at that instant, not earlier;
/// also when the run it replaces holds the host's only place on the wire
/// (an attempt on time takes its place before its instant; a replacing
/// one must not wait for it).
#[tokio::test]
async fn a_replacing_run_takes_over_at_its_instant_not_at_its_claim() {
    for places in [None, Some(1)] {
        let gate = Gate::default(); // never opened: the first run hangs
        let o = second_run_behind_a_held_first_with("replace", &gate, |config| {
            if let Some(places) = places {
                config.max_per_host = places;
            }
        })
        .await;
        replaced_at_its_instant(o).await;
    }
}

async fn replaced_at_its_instant(o: BehindHeldFirst) {
    eventually(
        "the second run to be claimed",
        StdDuration::from_secs(10),
        async || {
            let jobs = jobs_of(&o.engine, &o.schedule).await;
            let executing = jobs.iter().filter(|j| j.state == JobState::Executing);
            (executing.count() == 2).then_some(())
        },
    )
    .await;
    o.clock.set(o.second_at);
    job_in(&o.engine, &o.first, JobState::Cancelled).await; // replaced
    let log = log_of(&o.engine, Some(o.first.clone())).await;
    let finished = log
        .iter()
        .find(|e| matches!(e.body, Payload::Finished(_)))
        .unwrap();
    assert!(
        finished.inserted_at >= o.second_at,
        "replaced at {}, before the next run's instant",
        finished.inserted_at
    );
    o.target.wait_for(2, StdDuration::from_secs(10)).await;
    o.engine.shutdown().await;
}

/// Overlap `queue`: the next run, claimed a moment before its instant, is
/// held behind the run on the wire; when that one ends before the instant,
/// the held run goes at its instant, not earlier, and not at the end of its
/// hold (the running attempt's timeout).
#[tokio::test]
async fn a_queued_run_whose_wait_ends_before_its_instant_goes_at_it() {
    let gate = Gate::default();
    let o = second_run_behind_a_held_first("queue", &gate).await;
    eventually(
        "the second run to be held",
        StdDuration::from_secs(10),
        async || {
            let far = Duration::days(1);
            let runs = o
                .engine
                .schedule_runs(&o.schedule, t0() - far, t0() + far, 10, false);
            let deferred = runs
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.action == Some(Action::Deferred));
            deferred.map(|_| ())
        },
    )
    .await;
    gate.open();
    job_in(&o.engine, &o.first, JobState::Completed).await;
    o.clock.set(o.second_at);
    o.target.wait_for(2, StdDuration::from_secs(10)).await;
    assert_eq!(
        o.arrivals.lock().unwrap()[1],
        o.second_at,
        "sent at its instant"
    );
    o.engine.shutdown().await;
}

/// A first engine is dropped (its runtime torn down, as in a crash) while an
/// attempt is in flight; a second engine on the same database runs it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_dropped_mid_attempt_loses_no_job() {
    let target = Target::start(|seen| {
        if seen.n == 1 {
            Reply::status(200).after(StdDuration::from_secs(30)) // still in flight at the crash
        } else {
            Reply::status(200)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chime.db");
    let url = target.url("/slow");
    let first_db = db.clone();
    let (rt, job_id) = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let job_id = rt.block_on(async {
            let mut config = Config::new(first_db);
            config.allow_http = true;
            let engine = Engine::start(config, Arc::new(chime_engine::SystemClock))
                .await
                .unwrap();
            let job = engine
                .create_job(json!({"method": "post", "url": url, "body": {"n": 1}}))
                .await
                .unwrap();
            job.job.id
        });
        (rt, job_id)
    })
    .await
    .unwrap();
    target.wait_for(1, StdDuration::from_secs(10)).await; // the first attempt is in flight
    tokio::task::spawn_blocking(move || rt.shutdown_background())
        .await
        .unwrap();

    let mut config = Config::new(db);
    config.allow_http = true;
    let engine = Engine::start(config, Arc::new(chime_engine::SystemClock))
        .await
        .unwrap();
    let job = job_in(&engine, &job_id, JobState::Completed).await; // run again
    assert_eq!(target.count(), 2, "sent again after the restart");
    let attempts = job.attempts.unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts[0]
        .error
        .as_deref()
        .unwrap()
        .contains("interrupted"));
    assert_eq!(attempts[1].response.as_ref().unwrap().status, 200);
    engine.shutdown().await;
}

/// An attempt parses its URL once, to check it, and sends to that: with the
/// job's `query` added to the URL's own, as the log shows it too.
#[tokio::test]
async fn a_job_goes_to_its_url_with_its_query_added() {
    let (clock, target, dir) = (
        ManualClock::new(t0()),
        Target::ok().await,
        tempfile::tempdir().unwrap(),
    );
    let engine = engine_at(&clock, &dir).await;
    let due = t0() + Duration::seconds(1);
    let job = json!({"url": target.url("/q?a=1"), "query": {"b": 2, "c": ["x", "y z"]},
                     "scheduled_at": due.to_rfc3339()});
    let created = engine.create_job(job).await.unwrap();
    clock.set(due);
    let seen = target.wait_for(1, StdDuration::from_secs(10)).await;
    assert_eq!(
        (seen[0].path.as_str(), seen[0].query.as_str()),
        ("/q", "a=1&b=2&c=x&c=y+z")
    );
    let logged = eventually(
        "the request in the log",
        StdDuration::from_secs(10),
        async || {
            let query = LogQuery {
                job_id: Some(created.job.id.clone()),
                kinds: vec![EventKind::Request],
                limit: 1,
                ..Default::default()
            };
            match engine.list_events(query).await.unwrap().pop()?.body {
                Payload::Request(sent) => Some(sent.url),
                other => panic!("{other:?}"),
            }
        },
    )
    .await;
    assert_eq!(logged, target.url("/q?a=1&b=2&c=x&c=y+z"));
    engine.shutdown().await;
}
