//! Create: how many one-off jobs a second Chime takes over its API from 8
//! keep-alive connections (jobs due in a day, so none runs meanwhile), and
//! that every one of them was stored.

use std::sync::Arc;

use anyhow::{ensure, Result};
use serde_json::json;

use super::Bench;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "create";

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let n = bench.jobs;
    let mut rates = Vec::new();
    for i in 1..=bench.runs {
        let session = bench.fresh().await?;
        let url = bench.sink.url("/create");
        let job = move |i| json!({"method": "post", "url": url, "body": {"n": i}, "schedule_in": "1 day"});
        let took = session.api.create_jobs(n, Arc::new(job)).await?;
        let stored = session.api.total("/api/jobs?limit=1").await?;
        session.stop().await?;
        ensure!(stored == n as u64, "{n} jobs created, {stored} stored");
        let rate = n as f64 / took.as_secs_f64();
        eprintln!(
            "  run {i}: {n} jobs in {:.2} s, {rate:.0} a second",
            took.as_secs_f64()
        );
        rates.push(rate);
    }
    Ok(vec![Figure::new(
        WORKLOAD,
        format!("jobs created a second ({n}, 8 keep-alive connections)"),
        Unit::PerSec,
        rates,
    )
    .goal(Goal::AtLeast(10_000.0))])
}
