//! The machine's own pauses, witnessed beside W2. This development machine
//! is a virtual one whose host now and then stops both its CPUs for 20–45
//! ms: a `perf sched` trace of 5 December shows each CPU idle, or one
//! thread "running", through such a gap while other threads wait to run,
//! and /proc/stat counts it as time stolen. Every process is late across
//! it. So a bare thread of the harness sleeps to each of W2's due instants
//! and notes how late it woke: what a job was late by beyond the witness at
//! its instant is Chime's, or its disk's, unless a pause began just after
//! the witness woke (it is then on time, and the job waits the pause out:
//! BENCHMARKS.md, "5 December 2026, from 15:07 UTC"). For the disk, a
//! second thread writes and syncs one page of a file beside Chime's data at
//! every tenth instant (100 ms apart, a twentieth of the syncs Chime makes
//! in W2), as each claim of Chime's is synced before its job may go.

use std::os::unix::fs::FileExt;
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::clock::signed_ms;

/// Every this many instants, the disk's witness syncs a page.
pub const SYNC_EVERY: usize = 10;

pub struct Witness {
    woke: JoinHandle<Vec<f64>>,
    synced: JoinHandle<std::io::Result<Vec<f64>>>,
}

/// What the witnesses saw, instant by instant.
pub struct Seen {
    /// How late the bare thread woke at each instant, in ms.
    pub woke: Vec<f64>,
    /// How long each sync took, in ms: the k-th at instant `k * SYNC_EVERY`.
    pub synced: Vec<f64>,
}

impl Witness {
    /// Wakes at each of `instants`, in order, on a thread of its own, and
    /// syncs a page at every tenth on another.
    pub fn start(instants: Vec<Instant>) -> Result<Witness> {
        // In $TMPDIR, where the data folders are (bench/README.md), and
        // unlinked: nothing to remove after the run.
        let file = tempfile::tempfile().context("a file for the disk's witness")?;
        let every_tenth = instants.iter().copied().step_by(SYNC_EVERY).collect();
        Ok(Witness {
            woke: spawn("witness", move || {
                instants.into_iter().map(wake_at).collect()
            }),
            synced: spawn("witness-sync", move || {
                let page = [0x5au8; 4096];
                let sync = |due| {
                    wake_at(due);
                    let start = Instant::now();
                    file.write_all_at(&page, 0)?;
                    file.sync_data()?;
                    Ok(start.elapsed().as_secs_f64() * 1e3)
                };
                Vec::into_iter(every_tenth).map(sync).collect()
            }),
        })
    }

    pub fn seen(self) -> Result<Seen> {
        let woke = self
            .woke
            .join()
            .expect("the witness only sleeps and reads a clock");
        let synced = self
            .synced
            .join()
            .expect("the disk's witness returns its errors")
            .context("the disk's witness writing its page")?;
        Ok(Seen { woke, synced })
    }
}

fn spawn<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .expect("the system gives the harness a thread")
}

/// Sleeps until `due` and says how late it woke, in ms.
fn wake_at(due: Instant) -> f64 {
    if let Some(wait) = due.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
    signed_ms(Instant::now(), due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn wakes_at_each_instant_never_before_and_syncs_at_every_tenth() {
        let now = Instant::now();
        let instants = (1..=12)
            .map(|i| now + Duration::from_millis(5 * i))
            .collect();
        let seen = Witness::start(instants).unwrap().seen().unwrap();
        assert_eq!(seen.woke.len(), 12);
        assert!(seen.woke.iter().all(|&ms| ms >= 0.0), "{:?}", seen.woke);
        assert_eq!(seen.synced.len(), 2, "at the first and the eleventh");
        assert!(seen.synced.iter().all(|&ms| ms > 0.0), "{:?}", seen.synced);
    }

    /// An instant already past is woken at once, as late as it is past.
    #[test]
    fn an_instant_already_past_counts_as_late() {
        let past = Instant::now() - Duration::from_millis(30);
        assert!(Witness::start(vec![past]).unwrap().seen().unwrap().woke[0] >= 30.0);
    }
}
