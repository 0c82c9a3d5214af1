//! W3, idle: one schedule (hourly, so it does not run in the window), and
//! 30 s of nothing. Chime's wake-ups (voluntary context switches, summed
//! over its threads) and CPU time in that window, and its idle RSS.

use std::time::{Duration, Instant};

use anyhow::Result;
use reqwest::Method;
use serde_json::json;

use super::{mb, memory_figures, Bench};
use crate::api::Api;
use crate::procfs;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "W3 idle";
const WINDOW: Duration = Duration::from_secs(30);
/// Quiet time before the window: tokio ends a blocking-pool thread 10 s
/// after its last task, and that end belongs to the setup, not to idling.
const SETTLE: Duration = Duration::from_secs(12);

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    bench.sink.take();
    let mut session = bench.fresh().await?;
    let schedule =
        json!({"name": "idle", "url": bench.sink.url("/idle"), "repeat_every": "1 hour"});
    session
        .api
        .send(Method::POST, "/api/jobs", Some(&schedule))
        .await?;
    // Hang up: an open keep-alive connection is the benchmark's, not Chime's idling.
    session.api = Api::new(session.server.port, session.server.key()?)?;
    tokio::time::sleep(SETTLE).await;

    let pid = session.server.pid();
    let (before, start) = (procfs::activity(pid)?, Instant::now());
    tokio::time::sleep(WINDOW).await;
    let (after, seconds) = (procfs::activity(pid)?, start.elapsed().as_secs_f64());
    let memory = memory_figures(
        &session.server,
        "memory",
        "idle RSS (W3, after 42 s)",
        Some(Goal::AtMost(mb(25))),
    )?;
    session.stop().await?;

    let (voluntary, involuntary) = after.switches_since(&before);
    for (thread, switches) in after.wakeups_by_thread(&before) {
        eprintln!("  {thread}: {switches} voluntary context switches in the window");
    }
    let cpu_ms = (after.cpu.saturating_sub(before.cpu)).as_secs_f64() * 1e3;
    let mut figures = vec![
        Figure::one(
            WORKLOAD,
            "wake-ups (voluntary context switches)",
            Unit::PerSec,
            voluntary as f64 / seconds,
        )
        .goal(Goal::AtMost(0.0)),
        Figure::one(
            WORKLOAD,
            "involuntary context switches",
            Unit::PerSec,
            involuntary as f64 / seconds,
        ),
        Figure::one(
            WORKLOAD,
            "CPU time over 30 s (10 ms ticks)",
            Unit::Ms,
            cpu_ms,
        ),
        Figure::one(
            WORKLOAD,
            format!("threads (at the start: {})", before.threads()),
            Unit::Count,
            after.threads() as f64,
        ),
    ];
    figures.extend(memory);
    Ok(figures)
}
