//! The calendar past its cap of upcoming bands: the busiest schedules keep
//! their own band, the rest are drawn together, and no run is lost; and in
//! any zone, across clock changes, every run is counted once; a running job
//! is drawn among the finished.

mod common;

use std::sync::Arc;

use chime_engine::calendar::{DEFAULT_DENSE, MAX_ITEMS};
use chime_engine::{Config, Engine, JobState, ManualClock};
use chime_testkit::{Gate, Reply, Target};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::job_in;
use serde_json::json;

/// The calendar keeps this many schedule bands (calendar::upcoming::MAX_BANDS).
const MAX_BANDS: usize = 200;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

async fn start(dir: &tempfile::TempDir) -> Engine {
    Engine::start(
        Config::new(dir.path().join("chime.db")),
        Arc::new(ManualClock::new(t0())),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn past_the_cap_the_busiest_schedules_keep_their_bands_and_every_run_counts() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    // Every one dense (more than 48 runs a day), each a little less busy,
    // over one whole day in UTC.
    let from = Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap();
    let to = from + Duration::days(1);
    let mut runs = std::collections::HashMap::new();
    for i in 0..MAX_BANDS as i64 + 30 {
        let every = Duration::seconds(60 + 7 * i);
        let url = format!("https://example.test/{i}");
        let created = engine
            .create_job(json!({"url": url, "repeat_every": every.num_seconds()}))
            .await
            .unwrap();
        // An interval schedule's first run is one interval after it is made.
        let rule = chime_engine::rule::every(every, t0() + every).unwrap();
        let first = rule.next_after(from - Duration::milliseconds(1)).unwrap();
        runs.insert(
            created.job.schedule_id.clone().unwrap(),
            (rule.count_between(from, to), first),
        );
    }
    let cal = engine
        .calendar(from, to, chrono_tz::Tz::UTC, DEFAULT_DENSE)
        .await
        .unwrap();

    assert!(cal.upcoming.is_empty(), "every schedule-day is dense");
    let (kept, folded): (Vec<_>, Vec<_>) = cal.bands.iter().partition(|b| b.schedule_id.is_some());
    assert_eq!(kept.len(), MAX_BANDS);
    for b in &kept {
        let id = b.schedule_id.as_deref().unwrap();
        assert_eq!((b.count, b.first), runs[id], "{id}: its runs, all of them");
        assert!(b.summary.starts_with("Every"), "{}", b.summary);
    }
    let least_kept = kept.iter().map(|b| b.count).min().unwrap();
    let kept_ids: Vec<&str> = kept
        .iter()
        .filter_map(|b| b.schedule_id.as_deref())
        .collect();
    let others: Vec<(usize, DateTime<Utc>)> = (runs.iter())
        .filter(|(id, _)| !kept_ids.contains(&id.as_str()))
        .map(|(_, r)| *r)
        .collect();
    let most_folded = others.iter().map(|(n, _)| *n).max().unwrap();
    assert!(least_kept >= most_folded, "{least_kept} < {most_folded}");
    assert!(
        kept.windows(2).all(|w| w[0].count >= w[1].count),
        "busiest first"
    );

    // The other 30 share one day: one band drawn together.
    assert_eq!(folded.len(), 1);
    assert_eq!(folded[0].name.as_deref(), Some("30 schedules"));
    let first = others.iter().map(|(_, at)| *at).min().unwrap();
    assert_eq!(folded[0].first, first, "the first run of any of them");
    let total: usize = cal.bands.iter().map(|b| b.count).sum();
    let expected: usize = runs.values().map(|(n, _)| n).sum();
    assert_eq!(total, expected, "no run lost");
    engine.shutdown().await;
}

#[tokio::test]
async fn past_the_cap_of_listed_runs_the_busiest_days_become_bands_and_every_run_counts() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    // Twelve schedules every 30 minutes: 48 runs a day each, not dense, so
    // each would be listed; over ten days that is 5,760 runs.
    let from = Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap();
    let to = from + Duration::days(10);
    let mut expected = 0;
    for i in 0..12 {
        engine
            .create_job(json!({"url": format!("https://example.test/{i}"), "cron": "*/30 * * * *"}))
            .await
            .unwrap();
        expected += 48 * 10;
    }
    assert!(expected > MAX_ITEMS);
    let cal = engine
        .calendar(from, to, chrono_tz::Tz::UTC, DEFAULT_DENSE)
        .await
        .unwrap();

    let listed = cal.past.len() + cal.upcoming.len();
    assert!(listed <= MAX_ITEMS, "{listed} listed");
    assert!(
        listed >= MAX_ITEMS - 48,
        "the budget is used: {listed} listed"
    );
    let banded: usize = cal.bands.iter().map(|b| b.count).sum();
    assert_eq!(listed + banded, expected, "no run lost");
}

#[tokio::test]
async fn a_calendar_in_another_zone_counts_every_run_of_its_day() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    // Rules in UTC, days in Auckland (UTC+13 in March): each local day
    // spans two of the rules' days, split at 11:00 UTC.
    let hourly = engine
        .create_job(json!({"url": "https://example.test/h", "cron": "0 * * * *"}))
        .await
        .unwrap();
    let dense = engine
        .create_job(json!({"url": "https://example.test/d", "cron": "*/10 * * * *"}))
        .await
        .unwrap();
    let zone: chrono_tz::Tz = "Pacific/Auckland".parse().unwrap();
    let from = zone.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap().to_utc();
    let to = from + Duration::days(2);
    let cal = engine
        .calendar(from, to, zone, DEFAULT_DENSE)
        .await
        .unwrap();

    let hours = (cal.upcoming.iter())
        .filter(|u| u.schedule_id == hourly.job.schedule_id)
        .count();
    assert_eq!(hours, 48, "every hour of both local days");
    let band: Vec<_> = (cal.bands.iter())
        .filter(|b| b.schedule_id == dense.job.schedule_id)
        .map(|b| (b.day.to_string(), b.days, b.count, b.per_day))
        .collect();
    assert_eq!(band, [("2026-03-03".to_string(), 2, 288, Some(144))]);
    engine.shutdown().await;
}

/// Rules in several zones (one with a half-hour offset, one whose run falls
/// in a spring-forward gap), drawn in calendars of other zones over five
/// weeks that hold the clock changes of three continents: each schedule's
/// runs, listed and banded, add up to its runs walked one by one.
#[tokio::test]
async fn in_any_zone_across_clock_changes_every_run_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let zone = |name: &str| -> chrono_tz::Tz { name.parse().unwrap() };
    let crons = [
        ("0 9 * * 1-5", "America/New_York"),
        ("*/15 * * * *", "Asia/Kolkata"),
        ("30 2 * * *", "Europe/Berlin"),
        ("0 */6 * * *", "Australia/Adelaide"),
        ("45 23 * * 0", "UTC"),
    ];
    let mut rules = std::collections::HashMap::new();
    for (i, (text, tz)) in crons.iter().enumerate() {
        let created = engine
            .create_job(
                json!({"url": format!("https://example.test/c{i}"), "cron": text, "timezone": tz}),
            )
            .await
            .unwrap();
        let rule = chime_engine::rule::cron(text, zone(tz)).unwrap();
        rules.insert(created.job.schedule_id.unwrap(), rule);
    }
    for (i, minutes) in [7, 90].into_iter().enumerate() {
        let every = Duration::minutes(minutes);
        let created = engine
            .create_job(json!({"url": format!("https://example.test/e{i}"), "repeat_every": every.num_seconds()}))
            .await
            .unwrap();
        let rule = chime_engine::rule::every(every, t0() + every).unwrap();
        rules.insert(created.job.schedule_id.unwrap(), rule);
    }
    // 8 March (America), 29 March (Europe), 5 April (Australia).
    let from = Utc.with_ymd_and_hms(2026, 3, 5, 13, 17, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 4, 9, 6, 41, 0).unwrap();
    for shown in [
        "UTC",
        "Australia/Adelaide",
        "America/Los_Angeles",
        "Europe/Berlin",
    ] {
        let cal = engine
            .calendar(from, to, zone(shown), DEFAULT_DENSE)
            .await
            .unwrap();
        for (id, rule) in &rules {
            let listed = (cal.upcoming.iter()).filter(|u| u.schedule_id.as_ref() == Some(id));
            for u in listed.clone() {
                let at = u.at;
                assert_eq!(
                    rule.next_after(at - Duration::milliseconds(1)),
                    Some(at),
                    "{id} at {at}"
                );
            }
            let banded: usize = (cal.bands.iter())
                .filter(|b| b.schedule_id.as_ref() == Some(id))
                .map(|b| b.count)
                .sum();
            assert_eq!(
                listed.count() + banded,
                rule.count_between(from, to),
                "{} shown in {shown}",
                rule.describe()
            );
        }
    }
    engine.shutdown().await;
}

/// A schedule ends at its `until` or when it has made its `max_runs`
/// (SPEC 7.4): the calendar draws none of its runs past that, listed or
/// banded.
#[tokio::test]
async fn the_calendar_draws_no_run_past_until_or_max_runs() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let until = t0() + Duration::minutes(5 * 60 + 30);
    let schedule = async |body: serde_json::Value| {
        let created = engine.create_job(body).await.unwrap();
        created.job.schedule_id.unwrap()
    };
    let hourly_until = schedule(json!({"url": "https://example.test/u", "cron": "0 * * * *",
        "until": until.to_rfc3339()}))
    .await;
    let dense_200 = schedule(
        json!({"url": "https://example.test/d", "repeat_every": "10 minutes",
        "max_runs": 200}),
    )
    .await;
    let hourly_3 =
        schedule(json!({"url": "https://example.test/m", "repeat_every": 3600, "max_runs": 3}))
            .await;
    let from = t0();
    let to = from + Duration::days(3);
    let cal = engine
        .calendar(from, to, chrono_tz::Tz::UTC, DEFAULT_DENSE)
        .await
        .unwrap();
    let listed = |id: &str| -> Vec<DateTime<Utc>> {
        (cal.upcoming.iter())
            .filter(|u| u.schedule_id.as_deref() == Some(id))
            .map(|u| u.at)
            .collect()
    };

    // 09:00 to 13:00: the last at or before 13:30.
    let hours = listed(&hourly_until);
    assert_eq!(
        (hours.len(), hours.last()),
        (5, Some(&(t0() + Duration::hours(5))))
    );
    assert_eq!(
        listed(&hourly_3).len(),
        3,
        "three runs, then max_runs is made"
    );
    let bands: Vec<_> = (cal.bands.iter())
        .filter(|b| b.schedule_id.as_deref() == Some(dense_200.as_str()))
        .collect();
    let drawn: usize = bands.iter().map(|b| b.count).sum::<usize>() + listed(&dense_200).len();
    assert_eq!(drawn, 200, "{bands:?}");
    let last = bands.iter().map(|b| b.last).max().unwrap();
    assert_eq!(
        last,
        t0() + Duration::minutes(10 * 200),
        "its 200th run is its last"
    );
    engine.shutdown().await;
}

/// An hourly schedule made at t0: its id and its pending job's.
async fn hourly(engine: &Engine) -> (String, String) {
    let created = engine
        .create_job(json!({"url": "https://example.test/p", "cron": "0 * * * *"}))
        .await
        .unwrap();
    (created.job.schedule_id.unwrap(), created.job.id)
}

/// The runs of `schedule` the calendar lists over `hours` from t0, each
/// with its job's id when it has one.
async fn listed(
    engine: &Engine,
    schedule: &str,
    hours: i64,
) -> Vec<(DateTime<Utc>, Option<String>)> {
    let to = t0() + Duration::hours(hours);
    let cal = (engine.calendar(t0(), to, chrono_tz::Tz::UTC, DEFAULT_DENSE))
        .await
        .unwrap();
    (cal.upcoming.iter())
        .filter(|u| u.schedule_id.as_deref() == Some(schedule))
        .map(|u| (u.at, u.job_id.clone()))
        .collect()
}

fn hour(h: i64) -> DateTime<Utc> {
    t0() + Duration::hours(h)
}

/// A schedule's runs are drawn from its pending job on, the first of them
/// carrying that job's id; and so in a database made before the calendar
/// found the job by its seq (schema 16), which the upgrade fills in.
#[tokio::test]
async fn a_schedules_first_run_drawn_is_its_pending_job_after_an_upgrade_too() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let (schedule, pending) = hourly(&engine).await;
    let expected = vec![(hour(1), Some(pending)), (hour(2), None), (hour(3), None)];
    assert_eq!(listed(&engine, &schedule, 4).await, expected);
    engine.shutdown().await;

    // Back to schema 16: no seq beside the pending job's id, and no end of
    // an attempt in the row of its finish (0023).
    let db = rusqlite::Connection::open(dir.path().join("chime.db")).unwrap();
    db.execute_batch(
        "DROP INDEX schedules_plans;
         ALTER TABLE schedules DROP COLUMN pending_job_seq;
         ALTER TABLE events DROP COLUMN request;
         ALTER TABLE events DROP COLUMN finished;
         CREATE INDEX schedules_plans ON schedules (
             disabled_at, every_ms, anchor_at, cron, timezone, pending_job_id,
             json_extract(options, '$.until'), json_extract(options, '$.max_runs'), runs_sent);
         DELETE FROM schema_migrations WHERE version >= 17;",
    )
    .unwrap();
    drop(db);
    let engine = start(&dir).await;
    let upgraded = listed(&engine, &schedule, 4).await;
    assert_eq!(upgraded, expected, "after the upgrade");
    engine.shutdown().await;
}

/// A pending job moved off its rule's times (`PATCH` of its `scheduled_at`)
/// is drawn where it was moved, with its id, and the rule's runs after it:
/// the engine plans the next run from the time it ran. Drawn in a band, it is
/// counted there, and the band starts with it.
#[tokio::test]
async fn a_pending_job_moved_by_hand_is_drawn_where_it_was_moved() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let (schedule, pending) = hourly(&engine).await;
    let move_to = |at: DateTime<Utc>| json!({"scheduled_at": at.to_rfc3339()});
    let later = hour(1) + Duration::minutes(30);
    engine.patch_job(&pending, move_to(later)).await.unwrap();
    let expected = vec![
        (later, Some(pending.clone())),
        (hour(2), None),
        (hour(3), None),
    ];
    assert_eq!(listed(&engine, &schedule, 4).await, expected, "moved later");
    let earlier = t0() + Duration::minutes(20);
    engine.patch_job(&pending, move_to(earlier)).await.unwrap();
    let expected = vec![(earlier, Some(pending)), (hour(1), None), (hour(2), None)];
    assert_eq!(
        listed(&engine, &schedule, 3).await,
        expected,
        "moved earlier"
    );

    // Every 10 minutes, its 08:10 run moved to 08:15: the rule's 142 runs
    // after it in the day from 08:00, and itself.
    let created = engine
        .create_job(json!({"url": "https://example.test/p", "cron": "*/10 * * * *"}))
        .await
        .unwrap();
    let (busy, job) = (created.job.schedule_id.unwrap(), created.job.id);
    let moved = t0() + Duration::minutes(15);
    engine.patch_job(&job, move_to(moved)).await.unwrap();
    let to = t0() + Duration::days(1);
    let cal = (engine.calendar(t0(), to, chrono_tz::Tz::UTC, DEFAULT_DENSE))
        .await
        .unwrap();
    let bands: Vec<_> = (cal.bands.iter())
        .filter(|b| b.schedule_id.as_deref() == Some(busy.as_str()))
        .collect();
    let listed = (cal.upcoming.iter())
        .filter(|u| u.schedule_id.as_deref() == Some(busy.as_str()))
        .count();
    assert_eq!(bands[0].first, moved, "the band starts with the moved run");
    assert_eq!(bands.iter().map(|b| b.count).sum::<usize>() + listed, 143);
    engine.shutdown().await;
}

/// A schedule paused until a time is drawn from then on, with the runs it
/// will make when it enables itself: the rule's after that time. Disabled
/// with no time to resume, it is drawn as nothing.
#[tokio::test]
async fn a_schedule_paused_until_a_time_is_drawn_from_then() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let (schedule, _) = hourly(&engine).await;
    let resumes = t0() + Duration::minutes(3 * 60 + 30);
    (engine.disable_schedule(&schedule, json!({"until": resumes.to_rfc3339()})))
        .await
        .unwrap();
    let times: Vec<_> = (listed(&engine, &schedule, 6).await.into_iter())
        .map(|(at, _)| at)
        .collect();
    assert_eq!(times, [hour(4), hour(5)], "from 12:00, after 11:30");

    engine.disable_schedule(&schedule, json!({})).await.unwrap();
    let none = listed(&engine, &schedule, 6).await;
    assert!(none.is_empty(), "disabled until enabled: {none:?}");
    engine.shutdown().await;
}

/// Quiet hours (SPEC 7.4) are drawn as they are kept: no run inside them;
/// deferred, one run when they end for all that were due inside.
#[tokio::test]
async fn quiet_hours_are_drawn_as_they_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(&dir).await;
    let schedule = async |rule: serde_json::Value, quiet: serde_json::Value| {
        let mut body = json!({"url": "https://example.test/q", "quiet_hours": quiet});
        body.as_object_mut()
            .unwrap()
            .extend(rule.as_object().unwrap().clone());
        let created = engine.create_job(body).await.unwrap();
        created.job.schedule_id.unwrap()
    };
    // Every 10 minutes on the hour's tens (its first run is 08:10), quiet
    // from 22:00 to 06:35.
    let night =
        |action: &str| json!({"from": "22:00", "to": "06:35", "timezone": "UTC", "action": action});
    let every = json!({"repeat_every": "10 minutes"});
    let skipped = schedule(every.clone(), night("skip")).await;
    let deferred = schedule(every, night("defer")).await;
    let lunch = json!({"from": "12:00", "to": "14:30", "timezone": "UTC", "action": "defer"});
    let hourly = schedule(json!({"cron": "0 * * * *"}), lunch).await;

    let day = Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap();
    let cal = (engine.calendar(
        day,
        day + Duration::days(1),
        chrono_tz::Tz::UTC,
        DEFAULT_DENSE,
    ))
    .await
    .unwrap();
    let at = |h: i64, m: i64| day + Duration::minutes(h * 60 + m);
    let band = |id: &str| {
        let band = (cal.bands.iter())
            .find(|b| b.schedule_id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no band of {id}: {:?}", cal.bands));
        (band.count, band.first, band.last)
    };
    // 144 runs a day; 40 from 00:00 to 06:30 and 12 from 22:00 are quiet.
    assert_eq!(band(&skipped), (92, at(6, 40), at(21, 50)));
    assert_eq!(band(&deferred), (93, at(6, 35), at(21, 50)), "one at 06:35");
    let listed: Vec<DateTime<Utc>> = (cal.upcoming.iter())
        .filter(|u| u.schedule_id.as_deref() == Some(hourly.as_str()))
        .map(|u| u.at)
        .collect();
    let expected: Vec<DateTime<Utc>> = (0..12)
        .map(|h| at(h, 0))
        .chain([at(14, 30)])
        .chain((15..24).map(|h| at(h, 0)))
        .collect();
    assert_eq!(listed, expected, "12:00 to 14:00 go at 14:30");
    engine.shutdown().await;
}

/// A job that is running is drawn among the finished ones in its place in
/// time, as running, and as finished once it is (the calendar reads both
/// from one index, `jobs_past`).
#[tokio::test]
async fn a_running_job_is_drawn_in_its_place_among_the_finished() {
    let gate = Gate::default();
    let held = {
        let gate = gate.clone();
        Target::start(move |_| Reply::status(200).until(&gate)).await
    };
    let answers = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    let engine = Engine::start(config, clock.clone()).await.unwrap();
    // Each due a minute after the one before, the second held by its host,
    // and each sent on time as the clock reaches it.
    let mut jobs = Vec::new();
    for (minute, target, state) in [
        (1, &answers, JobState::Completed),
        (2, &held, JobState::Executing),
        (3, &answers, JobState::Completed),
    ] {
        let at = t0() + Duration::minutes(minute);
        let body = json!({"url": target.url("/run"), "scheduled_at": at.to_rfc3339()});
        let id = engine.create_job(body).await.unwrap().job.id;
        clock.set(at);
        job_in(&engine, &id, state).await;
        jobs.push((at, id, state));
    }
    let drawn = async || {
        let to = t0() + Duration::hours(1);
        let cal = engine.calendar(t0(), to, chrono_tz::Tz::UTC, DEFAULT_DENSE);
        let past = cal.await.unwrap().past;
        (past.into_iter())
            .map(|run| (run.scheduled_at, run.job_id, run.state))
            .collect::<Vec<_>>()
    };
    assert_eq!(drawn().await, jobs, "in time order, the second running");

    gate.open();
    job_in(&engine, &jobs[1].1, JobState::Completed).await;
    jobs[1].2 = JobState::Completed;
    assert_eq!(drawn().await, jobs, "the second done");
    engine.shutdown().await;
}
