//! W2, the spread: 2,000 one-off jobs due one every 10 ms over 20 s. Each
//! job's lateness (its arrival at the sink after its due instant): p50,
//! p99 and max; none lost, early or sent twice. Beside them, what the
//! machine did meanwhile ([`Witness`]): how late a bare thread woke, how
//! late each job was beyond the machine's pauses, how long a sync of one
//! page took beside it, and the CPU time the host took.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::burst::{GRACE, PLANNED_CREATES, WALL_MOVED};
use super::Bench;
use crate::check::Deliveries;
use crate::clock::{Anchor, Due};
use crate::procfs;
use crate::report::{Figure, Goal, Unit};
use crate::stats::{max, percentile};
use crate::witness::{Witness, SYNC_EVERY};

const WORKLOAD: &str = "W2 spread";
const JOBS: usize = 2_000;
const OVER: Duration = Duration::from_secs(20);
/// Jobs are due this many ms apart.
const EVERY_MS: f64 = OVER.as_millis() as f64 / JOBS as f64;
/// How long after the last instant the witness keeps waking.
const LATE_SEEN: Duration = Duration::from_millis(200);
/// How late the last job may be before the ones missing count as lost.
const LIMIT: Duration = Duration::from_secs(60);

struct Run {
    min: f64,
    p50: f64,
    p99: f64,
    max: f64,
    lost: usize,
    early: usize,
    twice: usize,
    /// The latest a bare thread woke in the run ...
    witness_max: f64,
    /// ... the most a job was late beyond the machine's pauses ...
    beyond_max: f64,
    /// ... the longest a sync of one page took beside them ...
    sync_max: f64,
    /// ... and the CPU time the host took in the run, in ms: /proc/stat
    /// counts it in 10 ms ticks, so a 28 ms pause may count 0 or 30 ms, and
    /// it goes to stderr, not the table.
    stolen_ms: f64,
    rss: f64,
    /// How far the wall clock moved against the monotonic one in the run.
    clock_ms: f64,
}

pub async fn run(bench: &Bench) -> Result<Vec<Figure>> {
    let mut runs = Vec::new();
    for i in 1..=bench.runs {
        let run = once(bench).await?;
        eprintln!(
            "  run {i}: lateness min {:.3} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; lost {}, early {}, twice {}; the wall clock moved {:+.1} ms",
            run.min, run.p50, run.p99, run.max, run.lost, run.early, run.twice, run.clock_ms
        );
        eprintln!(
            "    a bare thread woke up to {:.2} ms late; a job was up to {:.2} ms late beyond the machine's pauses; a sync beside them took up to {:.2} ms; the host took {:.0} ms of CPU (steal)",
            run.witness_max, run.beyond_max, run.sync_max, run.stolen_ms
        );
        runs.push(run);
    }
    let of = |f: fn(&Run) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    let count = |f: fn(&Run) -> usize| runs.iter().map(f).collect::<Vec<_>>();
    Ok(vec![
        Figure::new(WORKLOAD, "lateness p50", Unit::Ms, of(|r| r.p50)),
        Figure::new(WORKLOAD, "lateness p99", Unit::Ms, of(|r| r.p99)).goal(Goal::AtMost(2.0)),
        Figure::new(WORKLOAD, "lateness max", Unit::Ms, of(|r| r.max)).goal(Goal::AtMost(10.0)),
        Figure::must_be_zero(WORKLOAD, "lost", &count(|r| r.lost)),
        Figure::must_be_zero(WORKLOAD, "early", &count(|r| r.early)),
        Figure::must_be_zero(WORKLOAD, "sent twice", &count(|r| r.twice)),
        Figure::new(
            WORKLOAD,
            "a bare thread's lateness, woken every ms, max",
            Unit::Ms,
            of(|r| r.witness_max),
        ),
        Figure::new(
            WORKLOAD,
            "lateness beyond the machine's pauses, max",
            Unit::Ms,
            of(|r| r.beyond_max),
        ),
        Figure::new(
            WORKLOAD,
            "a sync of one page beside them, max",
            Unit::Ms,
            of(|r| r.sync_max),
        ),
        Figure::new(WORKLOAD, "RSS at the end", Unit::Bytes, of(|r| r.rss)),
        Figure::new(WORKLOAD, WALL_MOVED, Unit::Ms, of(|r| r.clock_ms)),
    ])
}

async fn once(bench: &Bench) -> Result<Run> {
    bench.sink.take();
    let session = bench.fresh().await?;
    let anchor = Anchor::now();
    let start = anchor.after(Duration::from_secs_f64(2.0 + JOBS as f64 / PLANNED_CREATES));
    let due = move |i: usize| Due {
        wall: start.wall + OVER * i as u32 / JOBS as u32,
        mono: start.mono + OVER * i as u32 / JOBS as u32,
    };
    let url = bench.sink.url("/spread");
    let job = move |i| json!({"method": "post", "url": url, "body": {"n": i}, "scheduled_at": due(i).rfc3339()});
    let took = session.api.create_jobs(JOBS, Arc::new(job)).await?;
    ensure!(
        Instant::now() < start.mono,
        "creating {JOBS} jobs took {took:?}, past the first one's due instant: the machine is too loaded"
    );
    // Every ms of the spread, and the last job's LATE_SEEN after it.
    let witness = Witness::start(start.mono, (OVER + LATE_SEEN).as_millis() as usize)?;
    let stolen_before = procfs::stolen()?;
    bench.sink.wait_for(JOBS, due(JOBS - 1).mono + LIMIT).await;
    let stolen = procfs::stolen()?.saturating_sub(stolen_before);
    tokio::time::sleep(GRACE).await;
    let rss = session.server.memory()?.rss as f64;
    session.stop().await?;
    let deliveries = Deliveries::of(&bench.sink.take(), JOBS);
    let jobs = deliveries.lateness_by_job(|i| due(i).wall);
    let seen = witness.seen()?;
    // Each job's instant and arrival, in ms from the start.
    let span = |i: usize, ms: f64| (i as f64 * EVERY_MS, i as f64 * EVERY_MS + ms);
    let lateness: Vec<f64> = jobs.iter().map(|&(_, ms)| ms).collect();
    let beyond: Vec<f64> = jobs
        .iter()
        .map(|&(i, ms)| {
            let (due, done) = span(i, ms);
            seen.beyond_pauses(due, done)
        })
        .collect();
    let wall = |ms: f64| start.wall + TimeDelta::microseconds((ms * 1e3) as i64);
    eprintln!(
        "  the latest: {}",
        latest(&jobs, 5, |i, ms| {
            let (due, done) = span(i, ms);
            (wall(due), seen.paused_within(due, done))
        })
    );
    eprintln!(
        "  syncs over 5 ms: {}",
        slow_syncs(&seen.synced, 5.0, |k| wall((k * SYNC_EVERY) as f64))
    );
    Ok(Run {
        min: crate::stats::min(&lateness),
        p50: percentile(&lateness, 50.0),
        p99: percentile(&lateness, 99.0),
        max: max(&lateness),
        lost: deliveries.lost(),
        early: lateness.iter().filter(|&&l| l < 0.0).count(),
        twice: deliveries.twice,
        witness_max: max(&seen.woke),
        beyond_max: max(&beyond),
        sync_max: max(&seen.synced),
        stolen_ms: stolen.as_secs_f64() * 1e3,
        rss,
        clock_ms: anchor.wall_moved_ms(),
    })
}

/// The `n` latest jobs, by number: whether the first (a cold start) or one
/// in the middle (the machine, or a commit in the way) set the maximum;
/// when each was due on the wall clock, to find the moment in a trace taken
/// beside the run; and how long the machine was paused between its instant
/// and its arrival.
fn latest(
    jobs: &[(usize, f64)],
    n: usize,
    at: impl Fn(usize, f64) -> (DateTime<Utc>, f64),
) -> String {
    let mut jobs = jobs.to_vec();
    jobs.sort_by(|a, b| b.1.total_cmp(&a.1));
    jobs.iter()
        .take(n)
        .map(|&(i, ms)| {
            let (due, paused) = at(i, ms);
            format!(
                "job {i} {ms:.2} ms (due {}, the machine paused {paused:.2} ms of it)",
                due.format("%H:%M:%S%.3f")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The disk's witness's syncs that took over `ms`: when, and how long.
fn slow_syncs(synced: &[f64], ms: f64, at: impl Fn(usize) -> DateTime<Utc>) -> String {
    let slow: Vec<String> = synced
        .iter()
        .enumerate()
        .filter(|&(_, &took)| took > ms)
        .map(|(k, took)| format!("at {} {took:.2} ms", at(k).format("%H:%M:%S%.3f")))
        .collect();
    if slow.is_empty() {
        "none".into()
    } else {
        slow.join(", ")
    }
}
