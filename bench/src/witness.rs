//! The machine's own pauses, witnessed beside W2. This development machine
//! is a virtual one whose host now and then stops both its CPUs for 20–45
//! ms: a `perf sched` trace of 5 December shows each CPU idle, or one
//! thread "running", through such a gap while other threads wait to run,
//! and /proc/stat counts it as time stolen. Every process is late across
//! it. So a bare thread of the harness wakes every millisecond of the run
//! and notes how late it woke; a wake late by more than a millisecond
//! spent the time between its instant and its wake in a pause. A job's
//! lateness less the time the machine was paused between its instant and
//! its arrival is Chime's. (A witness that woke only at the jobs' instants
//! was on time when a pause began just after it woke, and counted the pause
//! the job then waited out as Chime's: BENCHMARKS.md, "5 December 2026,
//! from 15:07 UTC".) For the disk, a second thread writes and syncs
//! one page of a file beside Chime's data every 100 ms (a twentieth of the
//! syncs Chime makes in W2), as each claim of Chime's is synced before its
//! job may go.

use std::os::unix::fs::FileExt;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::clock::signed_ms;

/// The bare thread wakes every millisecond; this many wakes make one sync.
pub const SYNC_EVERY: usize = 100;
/// A wake later than this (ms) came out of a pause: the thread only sleeps,
/// and wakes 0.1 ms late as a rule, under 4 ms on this machine at rest.
const PAUSED_MS: f64 = 1.0;
/// The longest pause looked for before an instant.
const LONGEST_PAUSE_MS: f64 = 1_000.0;

pub struct Witness {
    woke: JoinHandle<Vec<f64>>,
    synced: JoinHandle<std::io::Result<Vec<f64>>>,
}

/// What the witnesses saw, millisecond by millisecond from the start.
pub struct Seen {
    /// How late the bare thread woke at each millisecond, in ms.
    pub woke: Vec<f64>,
    /// How long each sync took, in ms: the k-th at ms `k * SYNC_EVERY`.
    pub synced: Vec<f64>,
}

impl Witness {
    /// Wakes at each of `ms` milliseconds from `start` on a thread of its
    /// own, and syncs a page at every hundredth on another.
    pub fn start(start: Instant, ms: usize) -> Result<Witness> {
        // In $TMPDIR, where the data folders are (bench/README.md), and
        // unlinked: nothing to remove after the run.
        let file = tempfile::tempfile().context("a file for the disk's witness")?;
        let at = move |k: usize| start + Duration::from_millis(k as u64);
        Ok(Witness {
            woke: spawn("witness", move || (0..ms).map(|k| wake_at(at(k))).collect()),
            synced: spawn("witness-sync", move || {
                let page = [0x5au8; 4096];
                let sync = |k| {
                    wake_at(at(k));
                    let begun = Instant::now();
                    file.write_all_at(&page, 0)?;
                    file.sync_data()?;
                    Ok(begun.elapsed().as_secs_f64() * 1e3)
                };
                (0..ms).step_by(SYNC_EVERY).map(sync).collect()
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

impl Seen {
    /// How long (ms) the machine was paused between `from` and `to` (ms
    /// from the start): the union of the spans from each paused wake's
    /// instant to its wake, within the two.
    pub fn paused_within(&self, from: f64, to: f64) -> f64 {
        let first = (from - LONGEST_PAUSE_MS).max(0.0) as usize;
        let last = to.max(0.0).floor() as usize;
        let (mut paused, mut covered_to) = (0.0, from);
        for (k, &late) in self.woke.iter().enumerate().take(last + 1).skip(first) {
            if late <= PAUSED_MS {
                continue;
            }
            // Wakes come in the order of their instants, so a span starts
            // no earlier than the last one did.
            let (start, end) = ((k as f64).max(covered_to), (k as f64 + late).min(to));
            if end > start {
                paused += end - start;
                covered_to = end;
            }
        }
        paused
    }

    /// How late something due at `due` and done at `done` (ms from the
    /// start) was beyond the machine's pauses between the two.
    pub fn beyond_pauses(&self, due: f64, done: f64) -> f64 {
        (done - due - self.paused_within(due, done)).max(0.0)
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

    #[test]
    fn wakes_every_millisecond_never_before_and_syncs_every_hundredth() {
        let seen = Witness::start(Instant::now(), 120).unwrap().seen().unwrap();
        assert_eq!(seen.woke.len(), 120);
        assert!(seen.woke.iter().all(|&ms| ms >= 0.0), "{:?}", seen.woke);
        assert_eq!(seen.synced.len(), 2, "at 0 and 100 ms");
        assert!(seen.synced.iter().all(|&ms| ms > 0.0), "{:?}", seen.synced);
    }

    /// A start already past is woken at once, as late as it is past.
    #[test]
    fn a_start_already_past_counts_as_late() {
        let past = Instant::now() - Duration::from_millis(30);
        assert!(Witness::start(past, 1).unwrap().seen().unwrap().woke[0] >= 30.0);
    }

    /// The machine paused from 12.5 ms to 40 ms: the wakes due at 13 to 39
    /// woke at 40. A job due at 10 that arrived at 41 was 31 ms late, 27 of
    /// them paused, though the witness woke on time at its instant; one due
    /// at 50 that arrived at 58, after the pause, was 8 ms late all its own.
    #[test]
    fn a_job_is_late_beyond_the_pauses_it_waited_out() {
        let woke = (0..100)
            .map(|k| {
                if (13..40).contains(&k) {
                    40.0 - k as f64
                } else {
                    0.1
                }
            })
            .collect();
        let seen = Seen {
            woke,
            synced: Vec::new(),
        };
        assert_eq!(seen.paused_within(10.0, 41.0), 27.0);
        assert_eq!(seen.beyond_pauses(10.0, 41.0), 4.0);
        assert_eq!(seen.beyond_pauses(20.0, 41.0), 1.0, "due in the pause");
        assert_eq!(seen.beyond_pauses(50.0, 58.0), 8.0);
        assert_eq!(seen.beyond_pauses(10.0, 11.0), 1.0, "before the pause");
        assert_eq!(seen.paused_within(10.0, 30.0), 17.0, "up to the arrival");
        assert_eq!(
            seen.beyond_pauses(95.0, 130.0),
            35.0,
            "past the witness's last wake"
        );
    }

    /// Two pauses with a moment between count as what they paused, and a
    /// wake a hair late is no pause.
    #[test]
    fn pauses_add_up_and_a_hair_is_none() {
        let mut woke = vec![0.1; 100];
        woke[20] = 5.0; // 20 to 25
        woke[21] = 4.0;
        woke[30] = 10.0; // 30 to 40
        woke[50] = 0.9;
        let seen = Seen {
            woke,
            synced: Vec::new(),
        };
        assert_eq!(seen.paused_within(0.0, 100.0), 15.0);
        assert_eq!(seen.paused_within(22.0, 35.0), 8.0);
        assert_eq!(seen.paused_within(45.0, 60.0), 0.0);
    }
}
