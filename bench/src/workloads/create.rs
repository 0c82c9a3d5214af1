//! Create: how many one-off jobs a second Chime takes over its API from 8
//! keep-alive connections (jobs due in a day, so none runs meanwhile), and
//! that every one of them was stored.

use std::sync::Arc;

use anyhow::{ensure, Result};
use serde_json::json;

use super::{cpu_report, Bench};
use crate::procfs;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "create";

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let n = bench.jobs;
    let (mut rates, mut cpu_per_create, mut cores) = (Vec::new(), Vec::new(), Vec::new());
    for i in 1..=bench.runs {
        let session = bench.fresh().await?;
        let before = procfs::activity(session.server.pid())?;
        let url = bench.sink.url("/create");
        let job = move |i| json!({"method": "post", "url": url, "body": {"n": i}, "schedule_in": "1 day"});
        let took = session
            .api
            .create_jobs(n, Arc::new(job))
            .await?
            .as_secs_f64();
        let cpu = cpu_report(
            "creating",
            &procfs::activity(session.server.pid())?,
            &before,
        );
        let stored = session.api.total("/api/jobs?limit=1").await?;
        session.stop().await?;
        ensure!(stored == n as u64, "{n} jobs created, {stored} stored");
        eprintln!(
            "  run {i}: {n} jobs in {took:.2} s, {:.0} a second",
            n as f64 / took
        );
        rates.push(n as f64 / took);
        cpu_per_create.push(cpu * 1e3 / n as f64);
        cores.push(cpu / took);
    }
    Ok(vec![
        Figure::new(
            WORKLOAD,
            format!("jobs created a second ({n}, 8 keep-alive connections)"),
            Unit::PerSec,
            rates,
        )
        .goal(Goal::AtLeast(10_000.0)),
        Figure::new(
            WORKLOAD,
            "Chime's CPU time a create",
            Unit::Ms,
            cpu_per_create,
        ),
        // Under 2 on this 2-core machine: Chime waits for something (a
        // sync, a lock, the client), not for CPU.
        Figure::new(
            WORKLOAD,
            "Chime's CPU while creating, in cores",
            Unit::Times,
            cores,
        ),
    ])
}
