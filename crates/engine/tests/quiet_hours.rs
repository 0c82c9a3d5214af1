//! Quiet hours on an injected clock: runs due in them are skipped (one
//! ledger stretch, the next run at their end) or deferred (one run at their
//! end for all of them), across midnight and across a daylight-saving change.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::run::{Action, Reason, Run};
use chime_engine::{Config, Engine, ManualClock};
use chime_testkit::{eventually, Target};
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

const WAIT: StdDuration = StdDuration::from_secs(15);

fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let zone: Tz = "Europe/Berlin".parse().unwrap();
    zone.with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

async fn engine_at(clock: &ManualClock, dir: &std::path::Path) -> Engine {
    let mut config = Config::new(dir.join("chime.db"));
    config.allow_http = true;
    Engine::start(config, Arc::new(clock.clone()))
        .await
        .unwrap()
}

/// A schedule on `target` every `every` from `first`, with `quiet`.
async fn schedule(
    engine: &Engine,
    target: &Target,
    every: &str,
    first: DateTime<Utc>,
    quiet: Value,
) -> String {
    let created = engine
        .create_job(json!({
            "url": target.url("/tick"), "repeat_every": every,
            "scheduled_at": first.to_rfc3339(), "timezone": "Europe/Berlin",
            "quiet_hours": quiet, "retry": {"max_attempts": 1}
        }))
        .await
        .unwrap();
    created.job.schedule_id.unwrap()
}

/// A ledger row as these tests look at it: when, how many, why, what was done.
type Row = (DateTime<Utc>, u32, Option<Reason>, Option<Action>);

async fn ledger(engine: &Engine, schedule: &str, around: DateTime<Utc>) -> Vec<Run> {
    let far = Duration::days(3);
    engine
        .schedule_runs(schedule, around - far, around + far, 1_000, false)
        .await
        .unwrap()
}

/// When the schedule's pending run is due.
async fn next_run(engine: &Engine, schedule: &str) -> Option<DateTime<Utc>> {
    engine.get_schedule(schedule).await.unwrap().next_run_at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_in_quiet_hours_across_midnight_are_skipped_to_their_end() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let evening = berlin(2026, 6, 1, 21, 30);
    let clock = ManualClock::new(evening);
    let engine = engine_at(&clock, dir.path()).await;
    let quiet = json!({"from": "22:00", "to": "07:00", "action": "skip"});
    let id = schedule(
        &engine,
        &target,
        "30 minutes",
        evening + Duration::minutes(30),
        quiet,
    )
    .await;

    // 22:00 is quiet: skipped with the rest of the night, and the next run is 07:00.
    let morning = berlin(2026, 6, 2, 7, 0);
    clock.set(evening + Duration::minutes(30));
    eventually("the night to be skipped", WAIT, async || {
        (next_run(&engine, &id).await == Some(morning)).then_some(())
    })
    .await;
    let rows = ledger(&engine, &id, morning).await;
    let night: Vec<Row> = rows
        .iter()
        .filter(|r| r.reason.is_some())
        .map(|r| (r.planned_at, r.count, r.reason, r.action))
        .collect();
    assert_eq!(
        night,
        [
            (
                berlin(2026, 6, 1, 22, 0),
                1,
                Some(Reason::QuietHours),
                Some(Action::Skipped)
            ),
            (
                berlin(2026, 6, 1, 22, 30),
                17,
                Some(Reason::QuietHours),
                Some(Action::Skipped)
            ),
        ],
        "{rows:?}"
    );
    let stretch = rows.iter().find(|r| r.count == 17).unwrap();
    assert_eq!(stretch.until, Some(berlin(2026, 6, 2, 6, 30)));
    assert_eq!(target.count(), 0);

    // At 07:00 it runs again.
    clock.set(morning);
    target.wait_for(1, WAIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deferred_runs_go_once_when_quiet_hours_end() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let evening = berlin(2026, 6, 1, 21, 0);
    let clock = ManualClock::new(evening);
    let engine = engine_at(&clock, dir.path()).await;
    let quiet = json!({"from": "22:00", "to": "06:30", "action": "defer"});
    let id = schedule(
        &engine,
        &target,
        "1 hour",
        evening + Duration::hours(1),
        quiet,
    )
    .await;

    let end = berlin(2026, 6, 2, 6, 30);
    clock.set(evening + Duration::hours(1));
    eventually("the run to be deferred to 06:30", WAIT, async || {
        (next_run(&engine, &id).await == Some(end)).then_some(())
    })
    .await;
    let rows = ledger(&engine, &id, end).await;
    let held: Vec<(DateTime<Utc>, u32, Option<Action>)> = rows
        .iter()
        .filter(|r| r.reason == Some(Reason::QuietHours))
        .map(|r| (r.planned_at, r.count, r.action))
        .collect();
    assert_eq!(
        held,
        [
            (berlin(2026, 6, 1, 22, 0), 1, Some(Action::Deferred)),
            (berlin(2026, 6, 1, 23, 0), 8, Some(Action::Merged)),
        ],
        "{rows:?}"
    );

    // At 06:30 one request goes for the whole night, and 07:00 is next.
    clock.set(end);
    target.wait_for(1, WAIT).await;
    eventually("the next run to be planned", WAIT, async || {
        (next_run(&engine, &id).await == Some(berlin(2026, 6, 2, 7, 0))).then_some(())
    })
    .await;
    let deferred = ledger(&engine, &id, end)
        .await
        .into_iter()
        .find(|r| r.planned_at == berlin(2026, 6, 1, 22, 0))
        .unwrap();
    assert_eq!(deferred.started_at, Some(end));
    assert_eq!(target.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_over_a_clock_change_end_at_their_wall_clock_time() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    // The night Berlin's clocks go from 02:00 to 03:00.
    let start = berlin(2026, 3, 29, 0, 30);
    let clock = ManualClock::new(start);
    let engine = engine_at(&clock, dir.path()).await;
    let quiet = json!({"from": "01:00", "to": "03:00"});
    let id = schedule(
        &engine,
        &target,
        "15 minutes",
        start + Duration::minutes(30),
        quiet,
    )
    .await;

    clock.set(start + Duration::minutes(30));
    // 01:00 CET to 03:00 CEST is one real hour: 03:00 is the next run.
    let after = berlin(2026, 3, 29, 3, 0);
    assert_eq!(after - (start + Duration::minutes(30)), Duration::hours(1));
    eventually("the quiet hour to be skipped", WAIT, async || {
        (next_run(&engine, &id).await == Some(after)).then_some(())
    })
    .await;
    let skipped: u32 = ledger(&engine, &id, after)
        .await
        .iter()
        .filter(|r| r.reason == Some(Reason::QuietHours))
        .map(|r| r.count)
        .sum();
    assert_eq!(
        skipped, 4,
        "01:00, 01:15, 01:30 and 01:45 (02:xx does not exist)"
    );
    clock.set(after);
    target.wait_for(1, WAIT).await;
}
