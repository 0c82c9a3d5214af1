//! Retention: rows older than `retention_days` go, newer rows and pending
//! jobs stay.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::{Config, Engine, Event, JobFilter, JobState, LogQuery, ManualClock};
use chime_testkit::{eventually, Target};
use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

async fn completed(engine: &Engine, id: &str) {
    eventually(
        "the job to complete",
        StdDuration::from_secs(10),
        async || (engine.get_job(id).await.unwrap().state == JobState::Completed).then_some(()),
    )
    .await;
}

/// An engine in `dir` on a clock that starts on 1 January 2026.
async fn started(dir: &tempfile::TempDir) -> (Engine, ManualClock) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    let engine = Engine::start(config, Arc::new(clock.clone()))
        .await
        .unwrap();
    (engine, clock)
}

/// A job sent now to `path` on `target`, once it has completed.
async fn sent(engine: &Engine, target: &Target, path: &str) -> String {
    let id = engine
        .create_job(json!({"method": "post", "url": target.url(path), "body": {}}))
        .await
        .unwrap()
        .job
        .id;
    completed(engine, &id).await;
    id
}

/// Every event in the log, oldest first.
async fn whole_log(engine: &Engine) -> Vec<Event> {
    let page = LogQuery {
        limit: 1000,
        ascending: true,
        ..Default::default()
    };
    engine.list_events(page).await.unwrap()
}

#[tokio::test]
async fn pruning_removes_old_rows_and_keeps_new_ones() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let (engine, clock) = started(&dir).await;
    engine
        .update_settings(json!({"retention_days": 30}))
        .await
        .unwrap();

    let old = sent(&engine, &target, "/old").await;
    // A job created long ago for far in the future stays, however old.
    let pending = engine
        .create_job(json!({"url": target.url("/later"), "schedule_in": "100 days"}))
        .await
        .unwrap()
        .job
        .id;

    // Every event so far is old: the old job's five and the pending one's
    // `job.created`, however many rows they take (0023).
    let old_events = whole_log(&engine).await.len();
    assert_eq!(old_events, 6);

    clock.advance(Duration::days(31));
    let new = sent(&engine, &target, "/new").await;

    let pruned = engine.prune().await.unwrap();
    assert_eq!(pruned.jobs, 1, "{pruned:?}");
    assert_eq!(pruned.attempts, 1, "{pruned:?}");
    assert_eq!(pruned.events, old_events, "{pruned:?}");

    assert!(engine.get_job(&old).await.is_err(), "the old job is gone");
    assert_eq!(
        engine.get_job(&new).await.unwrap().attempts.unwrap().len(),
        1,
        "the new job keeps its attempt"
    );
    assert_eq!(
        engine.get_job(&pending).await.unwrap().state,
        JobState::Scheduled,
        "a pending job stays"
    );
    let events = whole_log(&engine).await;
    assert!(
        events
            .iter()
            .all(|e| e.job_id.as_deref() != Some(old.as_str())),
        "the old job's events are gone"
    );
    assert!(
        events
            .iter()
            .filter(|e| e.job_id.as_deref() == Some(new.as_str()))
            .count()
            >= 5,
        "the new job's events stay"
    );
    let left = engine
        .list_jobs(JobFilter {
            limit: 10,
            ..JobFilter::default()
        })
        .await
        .unwrap()
        .total;
    assert_eq!(left, 2);
    // A second pass finds nothing more.
    assert_eq!(engine.prune().await.unwrap(), Default::default());
    engine.shutdown().await;
}

/// A log whose every event is old keeps its newest one, so the ids of the
/// events that follow go on from where they were: a client resuming from
/// the last id it saw misses nothing.
#[tokio::test]
async fn pruning_keeps_the_newest_event_so_ids_never_go_back() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let (engine, clock) = started(&dir).await;
    sent(&engine, &target, "/old").await;
    let log = async || {
        let events = whole_log(&engine).await;
        events.iter().map(|e| e.id).collect::<Vec<_>>()
    };
    let before = log().await;
    let newest = *before.last().unwrap();

    clock.advance(Duration::days(31));
    let pruned = engine.prune().await.unwrap();
    // The newest row stays: the last attempt's end (0023), which holds its
    // response and job.finished, and its request when the two were
    // recorded together.
    let kept = log().await;
    assert!(
        before.ends_with(&kept) && (2..=3).contains(&kept.len()),
        "{kept:?} of {before:?}"
    );
    assert_eq!(pruned.events, before.len() - kept.len(), "{pruned:?}");

    sent(&engine, &target, "/new").await;
    let after = log().await;
    assert!(after.starts_with(&kept), "{after:?}");
    assert!(after.len() > kept.len(), "{after:?}");
    assert!(
        after.iter().skip(kept.len()).all(|id| *id > newest),
        "ids go on after {newest}: {after:?}"
    );
    engine.shutdown().await;
}
