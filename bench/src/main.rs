//! A black-box benchmark of Chime: `chime serve --allow-http` on a fresh
//! data folder per workload, the workload made over the API, the jobs sent
//! to a local sink that stamps each arrival. Prints a Markdown table of the
//! figures against issue 13's targets; fails if any job was lost, early or
//! sent twice. See bench/README.md.
//!
//! `chime-bench --chime target/release/chime [--workload burst,scale] [--scale 10000]`

mod api;
mod capacity;
mod check;
mod clock;
mod procfs;
mod raw;
mod report;
mod server;
mod sink;
mod stats;
mod witness;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use report::{Figure, Goal, Unit};
use sink::Sink;
use workloads::{Bench, Workload};

#[derive(Debug, Parser)]
#[command(about = "A black-box benchmark of `chime serve` (see bench/README.md)")]
struct Args {
    /// The `chime` binary (a release build).
    #[arg(long, default_value = "target/release/chime")]
    chime: PathBuf,
    /// Workloads to run, comma-separated [default: all]
    #[arg(long, short, value_enum, value_delimiter = ',')]
    workload: Vec<Workload>,
    /// Schedules in `scale`, finished jobs in `history`.
    #[arg(long, default_value_t = 100_000)]
    scale: usize,
    /// Jobs due at one instant in `burst`, and created in each `create` run.
    #[arg(long, default_value_t = 10_000)]
    jobs: usize,
    /// Runs of burst, spread and create (each on a fresh folder); the table
    /// shows their median.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Keep the data folders (their paths are printed), to look into the
    /// database after the run.
    #[arg(long)]
    keep: bool,
}

impl Args {
    /// The workloads asked for, in the order they run, each once.
    fn workloads(&self) -> Vec<Workload> {
        let asked = |w| self.workload.is_empty() || self.workload.contains(&w);
        let footprint = self.workload.contains(&Workload::Footprint);
        Workload::ALL
            .into_iter()
            .filter(|&w| asked(w) || (footprint && matches!(w, Workload::Burst | Workload::Idle)))
            .collect()
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Hundreds of the sink's connections and the capacity client's at once.
    raise_open_file_limit();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chime-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<ExitCode> {
    let chime = std::fs::canonicalize(&args.chime).with_context(|| {
        format!(
            "no chime binary at {} (build it: cargo build --release --bin chime)",
            args.chime.display()
        )
    })?;
    let (bench, mut figures) = prepare(&args, chime).await?;
    let mut failed = false;
    for workload in args.workloads() {
        eprintln!("== {workload:?}");
        match workload.run(&bench).await {
            Ok(measured) => {
                eprint!("{}", report::table(&measured));
                figures.extend(measured);
            }
            Err(e) => {
                eprintln!("{workload:?} failed: {e:#}");
                failed = true;
            }
        }
    }
    println!("{}", report::table(&figures));
    failed |= figures.iter().any(Figure::failed);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The sink, and its capacity measured first: W1's rate is only Chime's if
/// the sink answers much faster.
async fn prepare(args: &Args, chime: PathBuf) -> Result<(Bench, Vec<Figure>)> {
    let sink = Sink::start().await?;
    let mut rates = Vec::new();
    for _ in 0..3 {
        rates.push(capacity::measure(&sink, 2 * args.jobs.max(10_000), 512).await?);
    }
    let figure = Figure::new(
        "sink",
        "requests answered a second (512 raw keep-alive connections)",
        Unit::PerSec,
        rates,
    )
    .goal(Goal::AtLeast(50_000.0));
    eprintln!(
        "sink: {}",
        report::format_value(figure.median(), Unit::PerSec)
    );
    let bench = Bench {
        chime,
        sink,
        sink_capacity: figure.median(),
        runs: args.runs.max(1),
        jobs: args.jobs,
        scale: args.scale,
        keep: args.keep,
    };
    Ok((bench, vec![figure]))
}

/// Raises the soft open-file limit to the hard one (often 1,024 soft).
fn raise_open_file_limit() {
    // SAFETY: getrlimit and setrlimit with a valid pointer to an rlimit.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
