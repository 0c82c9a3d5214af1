//! History: N one-off jobs (100,000), made over the API due at once and
//! delivered to the sink (checked: each once), so the store holds what real
//! use leaves: each job, its attempt and its events. Then the database's
//! size, start-up, the jobs and log pages (first, deep, filtered), one
//! job's log, a search, today's calendar, and RSS.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{Days, Utc};
use serde_json::json;

use super::burst::{COMPLETED, GRACE};
use super::{
    jobs_by_due, jobs_view, mb, memory_figures, restarts, timed_read, wait_total, Bench, Session,
};
use crate::api::Api;
use crate::check::Deliveries;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "history";
/// Any jobs or log page's target.
const PAGE: Goal = Goal::AtMost(5.0);

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let n = bench.scale;
    bench.sink.take();
    let mut session = bench.fresh().await?;
    let mut figures = fill(bench, &session, n).await?;
    session.server.stop().await?;
    figures.extend(database_size(&session, n)?);
    figures.push(restarts(&mut session, WORKLOAD, None).await?);
    figures.extend(reads(&session, n).await?);
    figures.extend(memory_figures(
        &session.server,
        WORKLOAD,
        "RSS after the reads",
        Some(Goal::AtMost(mb(80))),
    )?);
    session.stop().await?;
    Ok(figures)
}

/// Jobs 0..n, due at once, all delivered and recorded: the history.
async fn fill(bench: &Bench, session: &Session, n: usize) -> Result<Vec<Figure>> {
    let url = bench.sink.url("/history");
    let job = move |i| json!({"name": format!("job {i}"), "method": "post", "url": url, "body": {"n": i}});
    let took = session.api.create_jobs(n, Arc::new(job)).await?;
    let limit = Duration::from_secs(120);
    if bench.sink.wait_for(n, Instant::now() + limit).await {
        wait_total(&session.api, COMPLETED, n as u64, limit).await?;
    }
    tokio::time::sleep(GRACE).await;
    let deliveries = Deliveries::of(&bench.sink.take(), n);
    Ok(vec![
        Figure::one(
            WORKLOAD,
            format!("jobs created and run a second ({n})"),
            Unit::PerSec,
            n as f64 / took.as_secs_f64(),
        ),
        Figure::must_be_zero(WORKLOAD, "lost", &[deliveries.lost()]),
        Figure::must_be_zero(WORKLOAD, "sent twice", &[deliveries.twice]),
    ])
}

/// The database's files after a clean stop: all of them (a job's share
/// of the disk), and the WAL alone, which a stop may leave behind.
fn database_size(session: &Session, n: usize) -> Result<Vec<Figure>> {
    let (mut all, mut wal) = (0, 0);
    for entry in std::fs::read_dir(session.data())? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("chime.db") {
            let bytes = entry.metadata()?.len();
            all += bytes;
            if name.ends_with("-wal") {
                wal += bytes;
            }
        }
    }
    Ok(vec![
        Figure::one(
            WORKLOAD,
            "database on disk (chime.db*)",
            Unit::Bytes,
            all as f64,
        ),
        Figure::one(
            WORKLOAD,
            "  of which the WAL (chime.db-wal)",
            Unit::Bytes,
            wal as f64,
        ),
        Figure::one(
            WORKLOAD,
            "bytes on disk a job",
            Unit::Bytes,
            all as f64 / n as f64,
        ),
        // The WAL left at the end is the last checkpoint's timing (5-61 MB
        // in runs of one build): without it, builds compare.
        Figure::one(
            WORKLOAD,
            "bytes a job without the WAL",
            Unit::Bytes,
            (all - wal) as f64 / n as f64,
        ),
    ])
}

/// How long after a start a person's first search comes, at the soonest.
const BEFORE_THE_FIRST_SEARCH: Duration = Duration::from_secs(10);

/// The first search after a start, as a person makes it some seconds in:
/// the jobs were indexed in the background by then (0.5-0.9 s for the
/// search to index 100,000 itself before).
async fn first_search(api: &Api, n: usize) -> Result<Figure> {
    tokio::time::sleep(BEFORE_THE_FIRST_SEARCH).await;
    let path = format!("/api/jobs?limit=50&q=job%20{}", n / 7);
    let (took, _) = api.timed_get(&path).await?;
    let mut figure = Figure::one(
        WORKLOAD,
        format!(
            "the first search, {} s after a start: GET {path}",
            BEFORE_THE_FIRST_SEARCH.as_secs()
        ),
        Unit::Ms,
        took.as_secs_f64() * 1e3,
    );
    figure.goal = Some(PAGE);
    Ok(figure)
}

async fn reads(session: &Session, n: usize) -> Result<Vec<Figure>> {
    let api = &session.api;
    let newest = api.get_json("/api/logs?limit=1").await?;
    let last_event = newest["data"][0]["id"]
        .as_i64()
        .context("the log's newest event")?;
    let jobs = api.get_json("/api/jobs?state=completed&limit=1").await?;
    let job = jobs["data"][0]["id"]
        .as_str()
        .context("a completed job")?
        .to_string();
    let today = Utc::now().date_naive();
    let tomorrow = today + Days::new(1);
    let mut figures = vec![first_search(api, n).await?];
    for path in [
        "/api/jobs?state=completed&limit=50".to_string(),
        format!("/api/jobs?state=completed&limit=50&offset={}", n / 2),
        // The last page, which a store that gathers a state's jobs to sort
        // them would read all of.
        format!(
            "/api/jobs?state=completed&limit=50&offset={}",
            n.saturating_sub(50)
        ),
        // Every job, in the order made, from the middle: the table's rows
        // were walked to it before 0021.
        format!("/api/jobs?limit=50&offset={}", n / 2),
        format!("/api/jobs?limit=50&q=job%20{}", n / 3),
        "/api/logs?limit=50".to_string(),
        format!("/api/logs?limit=50&before={}", last_event / 2),
        "/api/logs?limit=50&event=job.error".to_string(),
        // A kind every attempt logs, which the kind index leaves out: read
        // back along the log from the middle.
        format!(
            "/api/logs?limit=50&event=job.finished&before={}",
            last_event / 2
        ),
        format!("/api/logs?job_id={job}"),
        // The jobs view's tabs: every one-off job, the completed ones, and
        // a state none of them is in; and the first two from the middle, as
        // "Show more" reaches it.
        jobs_view(None, 0),
        jobs_view(Some("completed"), 0),
        jobs_view(Some("discarded"), 0),
        jobs_view(None, n / 2),
        jobs_view(Some("completed"), n / 2),
        // One-off jobs by due time, as a script pages them: from the middle
        // (each skipped job's row was read for its state before 0022), and
        // a page of one (which SQLite sorted the whole tab for).
        jobs_by_due(None, 50, n / 2),
        jobs_by_due(Some("completed"), 50, n / 2),
        jobs_by_due(Some("completed"), 1, 0),
    ] {
        figures.push(timed_read(api, WORKLOAD, &path, Some(PAGE)).await?.0);
    }
    let day = format!("/api/calendar?from={today}T00:00:00Z&to={tomorrow}T00:00:00Z&tz=UTC");
    let (calendar, size) = timed_read(api, WORKLOAD, &day, Some(Goal::AtMost(50.0))).await?;
    figures.push(calendar);
    figures.push(Figure::one(
        WORKLOAD,
        "today's calendar's JSON",
        Unit::Bytes,
        size as f64,
    ));
    Ok(figures)
}
