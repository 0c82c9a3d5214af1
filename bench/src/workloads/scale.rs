//! Scale: N schedules (100,000), half cron and half interval, made over the
//! API. Start-up on that folder, the list, a deep page, a search, the
//! one-off jobs page, a calendar month with its size, and RSS. Runs that
//! come due meanwhile go to the sink and are checked: none early or twice.

use std::sync::Arc;

use anyhow::Result;
use chrono::{Datelike, Months, NaiveDate, Utc};
use serde_json::{json, Value};

use super::{jobs_view, mb, memory_figures, restarts, timed_read, Bench, Session};
use crate::check::schedule_runs;
use crate::clock::Anchor;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "scale";
/// A list or search page's target.
const PAGE: Goal = Goal::AtMost(5.0);

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let n = bench.scale;
    bench.sink.take();
    let anchor = Anchor::now();
    let mut session = bench.fresh().await?;
    let url = bench.sink.url("/scale");
    let took = session
        .api
        .create_jobs(n, Arc::new(move |i| schedule(i, &url)))
        .await?;
    let mut figures = vec![Figure::one(
        WORKLOAD,
        format!("schedules created a second ({n})"),
        Unit::PerSec,
        n as f64 / took.as_secs_f64(),
    )];
    let restarting = anchor.seconds_to(std::time::Instant::now());
    figures.push(restarts(&mut session, WORKLOAD, Some(Goal::AtMost(500.0))).await?);
    let restarted = anchor.seconds_to(std::time::Instant::now());
    eprintln!("    restarts from +{restarting:.3} s to +{restarted:.3} s");
    figures.extend(reads(&session, n).await?);
    figures.extend(memory_figures(
        &session.server,
        WORKLOAD,
        "RSS after the reads",
        Some(Goal::AtMost(mb(80))),
    )?);
    session.stop().await?;
    let runs = schedule_runs(&bench.sink.take(), &anchor);
    for example in &runs.twice_examples {
        eprintln!("    sent twice: {example}");
    }
    figures.extend([
        Figure::one(
            WORKLOAD,
            "schedule runs that came due meanwhile",
            Unit::Count,
            runs.runs as f64,
        ),
        Figure::must_be_zero(WORKLOAD, "runs early", &[runs.early]),
        Figure::must_be_zero(WORKLOAD, "runs sent twice", &[runs.twice]),
    ]);
    Ok(figures)
}

/// Schedule `i`: rules as people write them, spread over the hours so
/// that runs trickle in rather than coincide. Even numbers are cron rules
/// (in three zones), odd ones intervals; each rule is an eighth of all.
fn schedule(i: usize, url: &str) -> Value {
    let (minute, hour, day) = (i % 60, i / 60 % 24, 1 + i % 28);
    let zone = ["UTC", "Europe/Berlin", "America/New_York"][i / 2 % 3];
    let rule = match i % 8 {
        0 => json!({"cron": format!("{minute} {hour} * * *"), "timezone": zone}),
        2 => json!({"cron": format!("{minute} {hour} * * 1-5"), "timezone": zone}),
        4 => json!({"cron": format!("{minute} * * * *"), "timezone": zone}),
        6 => json!({"cron": format!("{minute} {hour} {day} * *"), "timezone": zone}),
        1 => json!({"repeat_every": "15 minutes"}),
        3 => json!({"repeat_every": "1 hour"}),
        5 => json!({"repeat_every": "6 hours"}),
        _ => json!({"repeat_every": "1 day"}),
    };
    let mut job = json!({
        "name": format!("schedule {i}"),
        "method": "post",
        "url": format!("{url}/{i}"),
        "body": {"schedule": i},
    });
    job.as_object_mut()
        .unwrap()
        .extend(rule.as_object().unwrap().clone());
    job
}

async fn reads(session: &Session, n: usize) -> Result<Vec<Figure>> {
    let api = &session.api;
    let today = Utc::now().date_naive();
    let month =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("the first of a month");
    let next = month + Months::new(1);
    let calendar = format!("/api/calendar?from={month}T00:00:00Z&to={next}T00:00:00Z&tz=UTC");
    let mut figures = Vec::new();
    for path in [
        "/api/schedules?limit=50".to_string(),
        format!("/api/schedules?limit=50&offset={}", n / 2),
        format!("/api/schedules?limit=50&q=schedule%20{}", n / 3),
        "/api/jobs?limit=50&schedule_id=none".to_string(),
        // The jobs view's tabs, where every job is a schedule's run.
        jobs_view(None, 0),
        jobs_view(Some("scheduled"), 0),
    ] {
        figures.push(timed_read(api, WORKLOAD, &path, Some(PAGE)).await?.0);
    }
    let (month, size) = timed_read(api, WORKLOAD, &calendar, Some(Goal::AtMost(200.0))).await?;
    figures.push(month);
    figures.push(
        Figure::one(
            WORKLOAD,
            "the calendar month's JSON",
            Unit::Bytes,
            size as f64,
        )
        .goal(Goal::AtMost(mb(1))),
    );
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_cron_half_interval() {
        let rules: Vec<Value> = (0..800).map(|i| schedule(i, "http://sink")).collect();
        let cron = rules.iter().filter(|r| r.get("cron").is_some()).count();
        let every = rules
            .iter()
            .filter(|r| r.get("repeat_every").is_some())
            .count();
        assert_eq!((cron, every), (400, 400));
        assert_eq!(rules[4]["cron"], "4 * * * *");
        assert_eq!(rules[4]["url"], "http://sink/4");
    }
}
