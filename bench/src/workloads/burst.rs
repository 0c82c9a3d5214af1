//! W1, the burst: N one-off jobs (10,000) due at one instant. How long
//! after that instant the last one reached the sink and the last attempt
//! was recorded, Chime's peak memory, and none lost, early or sent twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use chrono::Utc;
use serde_json::json;

use super::{cpu_report, mb, wait_total, Bench, Session};
use crate::check::Deliveries;
use crate::clock::{wall_ms, Anchor, Due};
use crate::procfs;
use crate::report::{Figure, Goal, Unit};

const WORKLOAD: &str = "W1 burst";
/// How long the drain may take before the jobs still missing count as lost.
const LIMIT: Duration = Duration::from_secs(120);
/// How long to keep listening after the last job, for any sent twice.
pub const GRACE: Duration = Duration::from_millis(500);
/// Creates a second to plan for: a due instant must come after the last
/// create, even on a loaded machine (Chime does about 1,800 over HTTP).
pub const PLANNED_CREATES: f64 = 800.0;

struct Run {
    /// Seconds from the due instant to the last job's arrival.
    delivered: f64,
    /// Seconds from the due instant until every job was recorded completed.
    recorded: f64,
    /// Milliseconds from the due instant to the first arrival.
    first_ms: f64,
    lost: usize,
    early: usize,
    twice: usize,
    peak: f64,
    /// Chime's CPU seconds from the last create to the last job recorded.
    cpu: f64,
    /// The sink's (this process's) CPU seconds from the last create to the
    /// last arrival: what it took of the two cores Chime shares with it.
    sink_cpu: f64,
    creates: f64,
    /// How far the wall clock moved against the monotonic one in the run.
    clock_ms: f64,
}

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let mut runs = Vec::new();
    for i in 1..=bench.runs {
        let run = once(bench).await?;
        eprintln!(
            "  run {i}: last arrival {:.3} s after the due instant, all recorded by {:.3} s; lost {}, early {}, twice {}; the sink's CPU {:.2} s; the wall clock moved {:+.1} ms",
            run.delivered, run.recorded, run.lost, run.early, run.twice, run.sink_cpu, run.clock_ms
        );
        runs.push(run);
    }
    Ok(figures(&runs, bench))
}

async fn once(bench: &Bench) -> Result<Run> {
    bench.sink.take();
    let session = bench.fresh().await?;
    let anchor = Anchor::now();
    let (due, creates) = create(bench, &session, &anchor).await?;
    let pid = session.server.pid();
    let before = procfs::activity(pid)?;
    let (recorded, sink_cpu) = drain(bench, &session, due).await?;
    let cpu = cpu_report("in the drain", &procfs::activity(pid)?, &before);
    tokio::time::sleep(GRACE).await;
    let peak = session.server.memory()?.peak as f64;
    session.stop().await?;
    let deliveries = Deliveries::of(&bench.sink.take(), bench.jobs);
    let lateness = deliveries.lateness_ms(|_| due.wall);
    Ok(Run {
        delivered: deliveries
            .last()
            .map_or(f64::NAN, |last| wall_ms(last, due.wall) / 1e3),
        recorded,
        first_ms: crate::stats::min(&lateness),
        lost: deliveries.lost(),
        early: lateness.iter().filter(|&&l| l < 0.0).count(),
        twice: deliveries.twice,
        peak,
        cpu,
        sink_cpu,
        creates,
        clock_ms: anchor.wall_moved_ms(),
    })
}

/// The jobs, all due at one instant after the last is made; answers that
/// instant and the creates a second.
async fn create(bench: &Bench, session: &Session, anchor: &Anchor) -> Result<(Due, f64)> {
    let n = bench.jobs;
    let due = anchor.after(Duration::from_secs_f64(2.0 + n as f64 / PLANNED_CREATES));
    let (url, at) = (bench.sink.url("/burst"), due.rfc3339());
    let job = move |i| json!({"method": "post", "url": url, "body": {"n": i}, "scheduled_at": at});
    let took = session.api.create_jobs(n, Arc::new(job)).await?;
    ensure!(
        Instant::now() < due.mono,
        "creating {n} jobs took {took:?}, past their due instant: the machine is too loaded for this burst size"
    );
    Ok((due, n as f64 / took.as_secs_f64()))
}

/// Waits for every job to arrive and be recorded; answers seconds from the
/// due instant to the last one recorded (NaN if some never arrived), and the
/// sink's CPU seconds until the last arrived.
async fn drain(bench: &Bench, session: &Session, due: Due) -> Result<(f64, f64)> {
    let n = bench.jobs;
    let sink = procfs::cpu(std::process::id())?;
    let arrived = bench.sink.wait_for(n, due.mono + LIMIT).await;
    let sink = procfs::cpu(std::process::id())?.saturating_sub(sink);
    if !arrived {
        return Ok((f64::NAN, sink.as_secs_f64()));
    }
    // Polled only once every job arrived, so the polls do not slow the drain.
    wait_total(&session.api, COMPLETED, n as u64, LIMIT).await?;
    Ok((wall_ms(Utc::now(), due.wall) / 1e3, sink.as_secs_f64()))
}

/// The figure that says whether a run's due instants were on a clock that
/// moved (set or slewed) while it ran: its lateness is then the wall clock's.
pub const WALL_MOVED: &str = "wall clock moved against the monotonic in a run";

/// How many jobs are completed (the list's total).
pub const COMPLETED: &str = "/api/jobs?state=completed&limit=1";

fn figures(runs: &[Run], bench: &Bench) -> Vec<Figure> {
    let of = |f: fn(&Run) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    let count = |f: fn(&Run) -> usize| runs.iter().map(f).collect::<Vec<_>>();
    let n = bench.jobs as f64;
    let rates: Vec<f64> = of(|r| r.delivered).iter().map(|s| n / s).collect();
    let headroom: Vec<f64> = rates.iter().map(|r| bench.sink_capacity / r).collect();
    vec![
        Figure::new(
            WORKLOAD,
            "drained: last arrival after the due instant",
            Unit::Secs,
            of(|r| r.delivered),
        )
        .goal(Goal::AtMost(0.4)),
        Figure::new(WORKLOAD, "rate: jobs ÷ drain time", Unit::PerSec, rates)
            .goal(Goal::AtLeast(25_000.0)),
        Figure::new(
            WORKLOAD,
            "every attempt recorded, after the due instant",
            Unit::Secs,
            of(|r| r.recorded),
        ),
        Figure::new(
            WORKLOAD,
            "first arrival after the due instant",
            Unit::Ms,
            of(|r| r.first_ms),
        ),
        Figure::must_be_zero(WORKLOAD, "lost", &count(|r| r.lost)),
        Figure::must_be_zero(WORKLOAD, "early", &count(|r| r.early)),
        Figure::must_be_zero(WORKLOAD, "sent twice", &count(|r| r.twice)),
        Figure::new(
            WORKLOAD,
            "sink headroom: its capacity ÷ this rate",
            Unit::Times,
            headroom,
        )
        .goal(Goal::AtLeast(2.0)),
        Figure::new(
            WORKLOAD,
            "Chime's CPU time in the drain",
            Unit::Secs,
            of(|r| r.cpu),
        ),
        Figure::new(
            WORKLOAD,
            "the sink's CPU time until the last arrival",
            Unit::Secs,
            of(|r| r.sink_cpu),
        ),
        Figure::new(
            WORKLOAD,
            "creates a second (setup, 8 connections)",
            Unit::PerSec,
            of(|r| r.creates),
        ),
        Figure::new(WORKLOAD, WALL_MOVED, Unit::Ms, of(|r| r.clock_ms)),
        Figure::new(
            "memory",
            "peak RSS in W1 (VmHWM)",
            Unit::Bytes,
            of(|r| r.peak),
        )
        .goal(Goal::AtMost(mb(60))),
    ]
}
