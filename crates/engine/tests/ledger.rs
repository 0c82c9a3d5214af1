//! The run ledger on an injected clock: suspends of a minute, eight hours
//! and three days under each catch-up policy give exactly the ledger rows and
//! `job.missed` events they should; Chime closed or paused says so; a clock
//! set back runs nothing early; catch-up runs go out staggered; and one waits
//! for the network until its target listens.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::run::{Action, Reason, Run, RunOutcome};
use chime_engine::{Clock, Config, Engine, EventKind, LogQuery, ManualClock, Payload};
use chime_testkit::{eventually, Target};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

const WAIT: StdDuration = StdDuration::from_secs(15);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

/// The first planned run of the minutely schedules below.
fn p1() -> DateTime<Utc> {
    t0() + Duration::minutes(1)
}

async fn engine_at(clock: &ManualClock, dir: &std::path::Path) -> Engine {
    let mut config = Config::new(dir.join("chime.db"));
    config.allow_http = true;
    Engine::start(config, Arc::new(clock.clone()))
        .await
        .unwrap()
}

/// A schedule every minute (first run at `p1`) with `policy`.
async fn minutely(engine: &Engine, target: &Target, policy: &str) -> String {
    let created = engine
        .create_job(
            json!({"method": "post", "url": target.url("/tick"), "body": {},
                           "repeat_every": "1 minute", "catch_up": policy}),
        )
        .await
        .unwrap();
    created.job.schedule_id.unwrap()
}

async fn ledger(engine: &Engine, schedule: &str) -> Vec<Run> {
    let far = Duration::days(30);
    engine
        .schedule_runs(schedule, t0() - far, t0() + far, 1_000, false)
        .await
        .unwrap()
}

async fn missed_events(engine: &Engine) -> Vec<chime_engine::event::Missed> {
    let query = LogQuery {
        kinds: vec![EventKind::Missed],
        limit: 1_000,
        ascending: true,
        ..Default::default()
    };
    engine
        .list_events(query)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            Payload::Missed(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// Moves the clock a quarter second at a time, never past `limit`, until
/// `n` requests arrived: catch-up runs go out staggered on the engine's clock.
async fn advance_until(clock: &ManualClock, target: &Target, n: usize, limit: DateTime<Utc>) {
    eventually("the staggered runs to arrive", WAIT, async || {
        if target.count() >= n {
            return Some(());
        }
        if clock.now() + Duration::milliseconds(250) <= limit {
            clock.advance(Duration::milliseconds(250));
        }
        tokio::time::sleep(StdDuration::from_millis(20)).await;
        None
    })
    .await;
}

/// Waits until every run of the ledger that went out has an outcome.
async fn settled(engine: &Engine, schedule: &str) -> Vec<Run> {
    eventually("every run that went out to be recorded", WAIT, async || {
        let rows = ledger(engine, schedule).await;
        rows.iter()
            .all(|r| r.started_at.is_none() || r.outcome.is_some())
            .then_some(rows)
    })
    .await
}

fn row(
    planned: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    count: u32,
) -> (DateTime<Utc>, Option<DateTime<Utc>>, u32) {
    (planned, until, count)
}

/// One suspend of `asleep` under `policy`, checked row by row.
async fn suspend(policy: &str, asleep: Duration) {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, dir.path()).await;
    let schedule = minutely(&engine, &target, policy).await;
    // The laptop sleeps from just before the first run; it wakes 30 s into a minute.
    let woke = p1() + asleep + Duration::seconds(30);
    clock.set(woke);
    let n = (asleep.num_minutes()) as u32; // runs after p1 that came due by `woke`
    let next = p1() + Duration::minutes(i64::from(n) + 1);
    let minute = |k: u32| p1() + Duration::minutes(i64::from(k));
    let what = format!("{policy} after {} minutes asleep", asleep.num_minutes());

    let (expected_rows, expected_missed, arrivals): (Vec<_>, Vec<_>, usize) = match policy {
        "once" => (
            vec![
                (
                    row(p1(), None, 1),
                    Some(RunOutcome::Success),
                    Some(Action::Ran),
                ),
                (
                    row(minute(1), (n > 1).then(|| minute(n)), n),
                    Some(RunOutcome::Cancelled),
                    Some(Action::Merged),
                ),
                (row(next, None, 1), None, None),
            ],
            vec![(minute(1), n, Action::Merged)],
            1,
        ),
        "skip" => (
            vec![
                (
                    row(p1(), None, 1),
                    Some(RunOutcome::Cancelled),
                    Some(Action::Skipped),
                ),
                (
                    row(minute(1), (n > 1).then(|| minute(n)), n),
                    Some(RunOutcome::Cancelled),
                    Some(Action::Skipped),
                ),
                (row(next, None, 1), None, None),
            ],
            vec![(p1(), 1, Action::Skipped), (minute(1), n, Action::Skipped)],
            0,
        ),
        _ => {
            let kept = n.min(99);
            let dropped = n - kept;
            let mut rows = vec![(
                row(p1(), None, 1),
                Some(RunOutcome::Success),
                Some(Action::Ran),
            )];
            let mut missed = Vec::new();
            if dropped > 0 {
                rows.push((
                    row(minute(1), (dropped > 1).then(|| minute(dropped)), dropped),
                    Some(RunOutcome::Cancelled),
                    Some(Action::Skipped),
                ));
                missed.push((minute(1), dropped, Action::Skipped));
            }
            for k in dropped + 1..=n {
                rows.push((
                    row(minute(k), None, 1),
                    Some(RunOutcome::Success),
                    Some(Action::Ran),
                ));
            }
            rows.push((row(next, None, 1), None, None));
            (rows, missed, 1 + kept as usize)
        }
    };

    advance_until(&clock, &target, arrivals, woke + Duration::seconds(29)).await;
    let rows = if arrivals == 0 {
        // Nothing goes out: the skip is done when the next run is planned.
        eventually("the next run to be planned", WAIT, async || {
            let rows = ledger(&engine, &schedule).await;
            rows.iter().any(|r| r.planned_at == next).then_some(rows)
        })
        .await
    } else {
        eventually("the last caught-up run to be recorded", WAIT, async || {
            let rows = settled(&engine, &schedule).await;
            rows.iter().any(|r| r.planned_at == next).then_some(rows)
        })
        .await
    };
    let got: Vec<_> = rows
        .iter()
        .map(|r| ((r.planned_at, r.until, r.count), r.outcome, r.action))
        .collect();
    assert_eq!(got, expected_rows, "{what}: the ledger");
    for r in rows.iter().filter(|r| r.action.is_some()) {
        assert_eq!(r.reason, Some(Reason::Asleep), "{what}: {r:?}");
    }
    for r in rows.iter().filter(|r| r.started_at.is_some()) {
        let drift = r.drift_ms.unwrap();
        assert!(
            drift >= (woke - r.planned_at).num_milliseconds(),
            "{what}: drift of {r:?}"
        );
    }
    let missed: Vec<_> = missed_events(&engine)
        .await
        .into_iter()
        .map(|m| {
            assert_eq!(m.reason, Reason::Asleep, "{what}");
            (m.planned_at, m.count, m.action)
        })
        .collect();
    assert_eq!(missed, expected_missed, "{what}: the job.missed events");
    assert_eq!(target.count(), arrivals, "{what}: the requests sent");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspends_of_a_minute_eight_hours_and_three_days_under_each_policy() {
    for policy in ["once", "skip", "all"] {
        for asleep in [Duration::minutes(1), Duration::hours(8), Duration::days(3)] {
            suspend(policy, asleep).await;
        }
    }
}

/// Runs planned while Chime was not running are `closed`; while everything
/// was paused, `paused`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_chime_and_a_pause_are_told_apart_from_sleep() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, dir.path()).await;
    let schedule = minutely(&engine, &target, "once").await;
    engine.shutdown().await;
    drop(engine);
    // Chime starts again an hour later.
    clock.set(t0() + Duration::hours(1));
    let engine = engine_at(&clock, dir.path()).await;
    target.wait_for(1, WAIT).await;
    let rows = settled(&engine, &schedule).await;
    assert_eq!(rows[0].reason, Some(Reason::Closed), "{rows:?}");
    assert_eq!(rows[1].reason, Some(Reason::Closed), "{rows:?}");
    assert_eq!(rows[1].count, 59, "08:02 to 09:00");

    // Paused from 09:00:30 to 09:05:30.
    engine.set_paused(true);
    clock.set(t0() + Duration::minutes(65) + Duration::seconds(30));
    engine.set_paused(false);
    target.wait_for(2, WAIT).await;
    let rows = settled(&engine, &schedule).await;
    let paused: Vec<_> = rows
        .iter()
        .filter(|r| r.reason == Some(Reason::Paused))
        .collect();
    assert_eq!(
        paused.len(),
        2,
        "the run held and the ones merged into it: {rows:?}"
    );
    assert_eq!(paused[1].count, 4);
    engine.shutdown().await;
}

/// The clock set back: nothing runs early, and the run goes out once its
/// time comes again, on time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_set_back_runs_nothing_early() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, dir.path()).await;
    let schedule = minutely(&engine, &target, "once").await;
    clock.set(p1());
    target.wait_for(1, WAIT).await;
    // Back by two hours: the next run (08:02) is far ahead now.
    clock.set(t0() - Duration::hours(2));
    // A one-off job due now shows the engine has looked at the time since.
    engine
        .create_job(json!({"url": target.url("/now")}))
        .await
        .unwrap();
    target.wait_for(2, WAIT).await;
    assert_eq!(
        target.count(),
        2,
        "the schedule's next run did not go early"
    );
    clock.set(p1() + Duration::minutes(1));
    target.wait_for(3, WAIT).await;
    let rows = settled(&engine, &schedule).await;
    assert_eq!(rows[1].planned_at, p1() + Duration::minutes(1));
    assert_eq!(rows[1].action, None, "on time: {rows:?}");
    engine.shutdown().await;
}

/// Fifty schedules missed while asleep catch up a quarter second apart,
/// not all in one millisecond.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_catch_up_runs_are_staggered() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, dir.path()).await;
    let mut schedules = Vec::new();
    for _ in 0..50 {
        schedules.push(minutely(&engine, &target, "once").await);
    }
    clock.set(p1() + Duration::minutes(10) + Duration::seconds(10));
    // The first goes at once, and each step of the clock makes the next one
    // due. A step only once the one before has arrived: each run's start is
    // then read at its own instant, however long this machine takes to get
    // to it (a catch-up first opens a real connection to check the network).
    for due in 1..=50 {
        let seen = target.wait_for(due, WAIT).await.len();
        assert_eq!(seen, due, "runs arrived with {} steps made", due - 1);
        clock.advance(Duration::milliseconds(250));
    }
    let mut started = Vec::new();
    for s in &schedules {
        let jobs = engine
            .list_jobs(chime_engine::JobFilter {
                schedule_id: Some(s.clone()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        for j in jobs.data.iter().filter(|j| j.attempt > 0) {
            let job = engine.get_job(&j.id).await.unwrap();
            started.extend(job.attempts.unwrap().iter().map(|a| a.started_at));
        }
    }
    started.sort();
    assert_eq!(started.len(), 50);
    let span = *started.last().unwrap() - started[0];
    assert!(
        span >= Duration::milliseconds(49 * 250),
        "spread over {span}"
    );
    for pair in started.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::milliseconds(250), "{pair:?}");
    }
    engine.shutdown().await;
}

/// A catch-up run whose target does not answer yet waits for it, says so,
/// and goes out when it starts listening.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_up_waits_for_the_network_until_its_target_listens() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine_at(&clock, dir.path()).await;
    engine
        .create_job(
            json!({"method": "post", "url": format!("http://127.0.0.1:{port}/back"), "body": {},
                           "repeat_every": "1 minute", "network_wait": "30 seconds"}),
        )
        .await
        .unwrap();
    clock.set(p1() + Duration::minutes(5));
    let waiting = eventually("a job.waiting event", WAIT, async || {
        let query = LogQuery {
            kinds: vec![EventKind::Waiting],
            limit: 10,
            ..Default::default()
        };
        engine.list_events(query).await.unwrap().pop()
    })
    .await;
    let Payload::Waiting(w) = &waiting.body else {
        panic!("{waiting:?}")
    };
    assert_eq!(
        (w.reason.as_str(), w.host.as_str()),
        ("network", format!("127.0.0.1:{port}").as_str())
    );
    assert_eq!(w.up_to_ms, 30_000);
    let target = Target::start_on(port, |_| chime_testkit::Reply::status(200)).await;
    // The wait tries again each second of the engine's clock.
    let limit = p1() + Duration::minutes(5) + Duration::seconds(29);
    advance_until(&clock, &target, 1, limit).await;
    assert_eq!(target.seen()[0].path, "/back");
    engine.shutdown().await;
}
