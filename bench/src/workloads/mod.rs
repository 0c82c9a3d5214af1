//! The workloads, each on a fresh data folder, and what they share: a
//! session with `chime serve`, and timed API reads.

mod burst;
mod create;
mod history;
mod idle;
mod scale;
mod spread;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::api::Api;
use crate::procfs;
use crate::report::{Figure, Goal, Unit};
use crate::server::Server;
use crate::sink::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Workload {
    /// W1: one-off jobs due at one instant.
    Burst,
    /// W2: jobs spread evenly over 20 s.
    Spread,
    /// W3: one schedule, 30 s idle.
    Idle,
    /// Jobs created per second over HTTP.
    Create,
    /// Many schedules: start-up, list and search pages, a calendar month.
    Scale,
    /// Many finished jobs: jobs and log pages, search, a day's calendar.
    History,
    /// Idle RSS and peak RSS in a burst (runs idle and burst).
    Footprint,
}

impl Workload {
    pub const ALL: [Workload; 6] = [
        Workload::Burst,
        Workload::Spread,
        Workload::Idle,
        Workload::Create,
        Workload::Scale,
        Workload::History,
    ];

    pub async fn run(self, bench: &Bench) -> Result<Vec<Figure>> {
        match self {
            Workload::Burst => burst::run(bench).await,
            Workload::Spread => spread::run(bench).await,
            Workload::Idle => idle::run(bench).await,
            Workload::Create => create::run(bench).await,
            Workload::Scale => scale::run(bench).await,
            Workload::History => history::run(bench).await,
            Workload::Footprint => unreachable!("footprint is idle and burst"),
        }
    }
}

/// What every workload is given.
pub struct Bench {
    pub chime: PathBuf,
    pub sink: Sink,
    /// Requests a second the sink answered when measured (a floor).
    pub sink_capacity: f64,
    /// Runs of the cheap workloads (burst, spread, create); their median is reported.
    pub runs: usize,
    /// Jobs due at one instant in the burst, and created in each create run.
    pub jobs: usize,
    /// Schedules in `scale`, finished jobs in `history`.
    pub scale: usize,
    /// Keep each workload's data folder, to look into after the run.
    pub keep: bool,
}

impl Bench {
    /// `chime serve` on a new data folder.
    pub async fn fresh(&self) -> Result<Session> {
        let dir = tempfile::Builder::new().prefix("chime-bench-").tempdir()?;
        let data = dir.path().join("data");
        let dir = if self.keep {
            eprintln!("    data folder (kept): {}", data.display());
            let _ = dir.keep();
            None
        } else {
            Some(dir)
        };
        let server = Server::start(&self.chime, &data).await?;
        let api = Api::new(server.port, server.key()?)?;
        Ok(Session {
            chime: self.chime.clone(),
            server,
            api,
            data,
            _dir: dir,
        })
    }
}

/// `chime serve` on a data folder that lives as long as the session.
pub struct Session {
    chime: PathBuf,
    pub server: Server,
    pub api: Api,
    data: PathBuf,
    /// Removed with the session, unless kept (`--keep`).
    _dir: Option<tempfile::TempDir>,
}

impl Session {
    pub fn data(&self) -> &Path {
        &self.data
    }

    /// Stops Chime and starts it again on the same folder (the folder is
    /// locked: the old process stops first); answers how long the new one
    /// took to "listening".
    pub async fn restart(&mut self) -> Result<Duration> {
        self.server.stop().await?;
        self.server = Server::start(&self.chime, &self.data).await?;
        self.api = Api::new(self.server.port, self.server.key()?)?;
        Ok(self.server.startup)
    }

    pub async fn stop(mut self) -> Result<()> {
        self.server.stop().await
    }
}

/// The jobs view's own read (ui/src/features/jobs/JobsView.tsx): one-off
/// jobs, all of them or in one state, newest made first (the table's
/// order), a page of 100 from `offset` (the first, or after "Show more").
pub fn jobs_view(state: Option<&str>, offset: usize) -> String {
    one_off_jobs(state, 100, offset, "inserted_at")
}

/// A page of one-off jobs by due time, the latest first, at any depth, as
/// a script paging over the API reads it.
pub fn jobs_by_due(state: Option<&str>, limit: usize, offset: usize) -> String {
    one_off_jobs(state, limit, offset, "scheduled_at")
}

fn one_off_jobs(state: Option<&str>, limit: usize, offset: usize, order: &str) -> String {
    let state = state.map(|s| format!("state={s}&")).unwrap_or_default();
    let offset = match offset {
        0 => String::new(),
        n => format!("offset={n}&"),
    };
    format!("/api/jobs?{state}schedule_id=none&limit={limit}&{offset}order_by=%5B%22{order}%22%2C%22desc%22%5D")
}

/// One API read, repeated: a figure in ms per repeat (the first is the
/// cold one), and the size of the last answer. Repeats stop early once
/// `budget` is spent, so a read that takes seconds is not run five times.
pub async fn timed_read(
    api: &Api,
    workload: &'static str,
    path: &str,
    goal: Option<Goal>,
) -> Result<(Figure, usize)> {
    const REPEATS: usize = 5;
    const BUDGET: Duration = Duration::from_secs(20);
    let start = Instant::now();
    let mut times = Vec::new();
    let mut size = 0;
    while times.len() < REPEATS && (times.is_empty() || start.elapsed() < BUDGET) {
        let (took, bytes) = api
            .timed_get(path)
            .await
            .with_context(|| format!("{workload}: GET {path}"))?;
        times.push(took.as_secs_f64() * 1e3);
        size = bytes.len();
    }
    let mut figure = Figure::new(workload, format!("GET {path}"), Unit::Ms, times);
    figure.goal = goal;
    Ok((figure, size))
}

/// Start-up on a full folder: Chime stopped and started again three times
/// (the first start also replays what the last run left in the WAL).
pub async fn restarts(
    session: &mut Session,
    workload: &'static str,
    goal: Option<Goal>,
) -> Result<Figure> {
    let mut times = Vec::new();
    for _ in 0..3 {
        times.push(session.restart().await?.as_secs_f64() * 1e3);
    }
    let mut figure = Figure::new(workload, "start-up to \"listening\"", Unit::Ms, times);
    figure.goal = goal;
    Ok(figure)
}

/// Polls `total` at `path` until it reaches `n`; answers when it did.
pub async fn wait_total(api: &Api, path: &str, n: u64, limit: Duration) -> Result<Instant> {
    let deadline = Instant::now() + limit;
    loop {
        let total = api.total(path).await?;
        if total >= n {
            return Ok(Instant::now());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "GET {path}: total {total} of {n} after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Resident memory as figures, after whatever the workload did: the
/// target's RSS, its peak, and what it is made of (heap or mapped files).
pub fn memory_figures(
    server: &Server,
    workload: &'static str,
    name: &str,
    goal: Option<Goal>,
) -> Result<Vec<Figure>> {
    let memory = server.memory()?;
    let mut rss = Figure::one(workload, name, Unit::Bytes, memory.rss as f64);
    rss.goal = goal;
    let part = |what: &str, bytes: u64| {
        Figure::one(
            workload,
            format!("  of which {what}"),
            Unit::Bytes,
            bytes as f64,
        )
    };
    Ok(vec![
        rss,
        part("heap and stacks (RssAnon)", memory.anon),
        part("mapped files (RssFile)", memory.file),
        Figure::one(
            workload,
            "peak RSS (VmHWM)",
            Unit::Bytes,
            memory.peak as f64,
        ),
    ])
}

/// Chime's CPU seconds between two readings, printed by thread with the
/// kernel's share (`what` says when): which part of Chime the time went to,
/// and whether in its own code or in its syscalls.
pub fn cpu_report(what: &str, after: &procfs::Activity, before: &procfs::Activity) -> f64 {
    let by_thread: Vec<String> = after
        .cpu_by_thread(before)
        .iter()
        .map(|(name, cpu)| {
            let (total, kernel) = (cpu.total.as_secs_f64(), cpu.kernel.as_secs_f64());
            format!("{name} {total:.2} s, {kernel:.2} in the kernel")
        })
        .collect();
    let total = after.cpu.saturating_sub(before.cpu).as_secs_f64();
    eprintln!("    CPU {what}: {total:.2} s ({})", by_thread.join(", "));
    total
}

/// Megabytes, for targets written in MB.
pub const fn mb(n: u64) -> f64 {
    (n * 1024 * 1024) as f64
}
