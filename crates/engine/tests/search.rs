//! Searching jobs: past the few that a search scans, jobs are indexed in
//! bulk when a search needs them; what it finds does not change.

use std::sync::Arc;
use std::time::Duration;

use chime_engine::{Config, Engine, JobFilter, ManualClock};
use chrono::{TimeZone, Utc};
use serde_json::json;

async fn make(engine: &Engine, name: &str) {
    engine
        .create_job(json!({
            "url": format!("https://example.org/{}", name.replace(' ', "-")),
            "name": name,
            "schedule_in": "30 days",
        }))
        .await
        .unwrap();
}

async fn search(engine: &Engine, q: &str) -> Vec<String> {
    let page = engine
        .list_jobs(JobFilter {
            q: Some(q.into()),
            limit: 100,
            ..JobFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.data.len());
    page.data
        .into_iter()
        .map(|j| j.name.unwrap_or_default())
        .collect()
}

/// Jobs made in bulk are indexed for search once no more are made for a
/// moment, or after a restart if Chime stopped first, so the first search
/// of a busy day does not wait for them (until then a search indexes what
/// it needs itself: below); and the index is kept in few segments.
#[tokio::test]
async fn jobs_made_in_bulk_are_indexed_once_no_more_are_made() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chime.db");
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
    let engine = Engine::start(Config::new(db.clone()), Arc::new(clock))
        .await
        .unwrap();
    // More than a search would scan, made and stopped before a quiet moment
    // came: indexed after the next start.
    for i in 0..1_200 {
        make(&engine, &format!("report {i:04}")).await;
    }
    engine.shutdown().await;
    drop(engine);
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
    let engine = Engine::start(Config::new(db.clone()), Arc::new(clock))
        .await
        .unwrap();
    let unindexed = || -> i64 {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row(
            "SELECT COUNT(*) FROM jobs WHERE seq > (SELECT seq FROM jobs_text_through)",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Indexed in five slices of 250, each a segment of the index, and then
    // merged, segments of a size together: a search looks its every trigram
    // up in each segment.
    let segments = || -> i64 {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row("SELECT COUNT(DISTINCT segid) FROM jobs_text_idx", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    chime_testkit::eventually(
        "the jobs indexed, in two segments at most",
        Duration::from_secs(60),
        async || (unindexed() == 0 && segments() <= 2).then_some(()),
    )
    .await;
    assert_eq!(search(&engine, "report 0042").await, ["report 0042"]);
    // Made while running: indexed once no more are made for a moment, and
    // merged as well.
    for i in 0..1_200 {
        make(&engine, &format!("invoice {i:04}")).await;
    }
    chime_testkit::eventually(
        "the new jobs indexed, in two segments at most",
        Duration::from_secs(60),
        async || (unindexed() == 0 && segments() <= 2).then_some(()),
    )
    .await;
    assert_eq!(search(&engine, "invoice 1199").await, ["invoice 1199"]);
    assert_eq!(search(&engine, "report 0042").await, ["report 0042"]);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_search_among_thousands_of_jobs_finds_each_one_made_before_or_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap());
    let engine = Engine::start(Config::new(dir.path().join("chime.db")), Arc::new(clock))
        .await
        .unwrap();
    // More than a search scans, so the first search indexes them.
    for i in 0..1_500 {
        make(&engine, &format!("report {i:04}")).await;
    }
    assert_eq!(search(&engine, "report 0042").await, ["report 0042"]);
    assert_eq!(search(&engine, "REPORT 1499").await, ["report 1499"]);
    assert_eq!(search(&engine, "example.org/report-000").await.len(), 10);

    make(&engine, "invoice 7").await;
    assert_eq!(search(&engine, "invoice").await, ["invoice 7"]);
    assert_eq!(search(&engine, "report 14").await.len(), 100);
    engine.shutdown().await;
}
