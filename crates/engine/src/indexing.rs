//! The search index's upkeep. Jobs are indexed for free-text search in bulk,
//! not as they are made, so a create stays cheap; a search that would scan
//! more than a few unindexed jobs indexes them first. After a busy day that
//! was the first search's wait: 100,000 jobs took it 0.5–0.85 s. So once
//! jobs have been made and the store has been quiet for a moment (no commit
//! that logged anything: no job made, claimed or recorded), they are indexed
//! here, a small slice a transaction with a pause between, and the work
//! stops at the next busy moment, so a burst of runs due just after a burst
//! of creates never shares the writer with it. Once at start too, for what
//! a stop left. Each slice is a segment of the index, and a search looks its
//! every trigram up in each segment: after a catch-up, segments of a size
//! are merged here too, in the same small steps, so the index stays in two
//! or three. With no job made, this waits on `Core::jobs_made` and never
//! wakes.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::core::Core;
use crate::error::Result;
use crate::store::{search, Tx};

/// How long the store must be quiet before the index catches up.
const QUIET: Duration = Duration::from_secs(1);
/// A store never quiet this long (a steady stream of runs) has its jobs
/// indexed anyway, a slice at a time between its writes.
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// Jobs indexed a transaction: 1.5–2.5 ms of the writer at 6–10 µs a job,
/// the most a claim or a create waits for it (W2's lateness is held to a
/// 10 ms max).
const SLICE: i64 = 250;
/// Between slices, so the writer is this one's a sixth of the time at most:
/// 100,000 jobs are indexed in about 5 s.
const PAUSE: Duration = Duration::from_millis(10);
/// Pages of the index merged a transaction (FTS5 finishes a term's list, so
/// some steps write more: 0.5 ms of the writer at the median, 3.9 ms at
/// most). 100,000 jobs' 15 segments took 83 steps to fold into 2, and five
/// more slices 6-45.
const MERGED_AT_ONCE: i64 = 8;

pub(crate) async fn run(core: Arc<Core>) {
    // Jobs left unindexed when Chime last stopped (mid-way, or before a
    // quiet moment came) are caught up on at start too.
    core.jobs_made.notify_one();
    loop {
        tokio::select! {
            _ = core.stop.cancelled() => return,
            _ = core.jobs_made.notified() => {}
        }
        let give_up = Instant::now() + LONGEST_WAIT;
        loop {
            if !quiet(&core, give_up).await {
                return;
            }
            match catch_up(&core, give_up).await {
                Ok(Done::Caught) | Ok(Done::Stopping) => break,
                Ok(Done::Interrupted) => continue,
                Err(e) => {
                    tracing::warn!("indexing jobs for search failed: {e}");
                    break;
                }
            }
        }
    }
}

/// Waits until nothing has been committed for [`QUIET`], or `give_up`;
/// false when the engine stops first.
async fn quiet(core: &Core, give_up: Instant) -> bool {
    while Instant::now() < give_up {
        let until = (Instant::now() + QUIET).min(give_up);
        tokio::select! {
            _ = core.stop.cancelled() => return false,
            _ = core.committed.notified() => {}
            _ = tokio::time::sleep_until(until) => return true,
        }
    }
    true
}

/// How a catch-up ended.
enum Done {
    /// Every job is indexed, or too few are left to be worth a commit, and
    /// no segments are left to merge.
    Caught,
    /// Something else was committed before `give_up`: the store is busy.
    Interrupted,
    Stopping,
}

/// Indexes every job not in the index yet, once they are more than a search
/// scans (fewer are left to the next search, which scans them in well under
/// a millisecond, rather than cost a commit for each few jobs made), then
/// merges the index's segments of a size (a step with none to merge writes
/// nothing). Stops when anything else is committed, until `give_up`.
async fn catch_up(core: &Arc<Core>, give_up: Instant) -> Result<Done> {
    let behind = core
        .read(|c| search::more_unindexed_than(c, search::SCANNED_AT_MOST))
        .await?;
    if behind {
        let indexed = in_steps(core, give_up, |tx| {
            Ok(search::index_jobs(&tx.sql, SLICE)? == SLICE)
        })
        .await?;
        if !matches!(indexed, Done::Caught) {
            return Ok(indexed);
        }
    }
    in_steps(core, give_up, |tx| {
        search::JOBS.merge(&tx.sql, MERGED_AT_ONCE)
    })
    .await
}

/// Runs `step` on the writer, a transaction at a time with a pause between,
/// until it answers that nothing is left to do. Stops when anything else is
/// committed, until `give_up`.
async fn in_steps(
    core: &Arc<Core>,
    give_up: Instant,
    step: fn(&mut Tx) -> Result<bool>,
) -> Result<Done> {
    loop {
        if !core.write(step).await? {
            return Ok(Done::Caught);
        }
        let busy = async {
            match Instant::now() < give_up {
                true => core.committed.notified().await,
                false => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = core.stop.cancelled() => return Ok(Done::Stopping),
            _ = busy => return Ok(Done::Interrupted),
            _ = tokio::time::sleep(PAUSE) => {}
        }
    }
}
