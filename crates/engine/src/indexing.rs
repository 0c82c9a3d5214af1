//! The search index's upkeep. Jobs are indexed for free-text search in bulk,
//! not as they are made, so a create stays cheap; a search that would scan
//! more than a few unindexed jobs indexes them first. After a busy day that
//! was the first search's wait: 100,000 jobs took it 0.5–0.85 s. So once a
//! burst of jobs has been made and the store has been quiet for a moment,
//! they are indexed here, a small slice a transaction with a pause between,
//! so runs and the API have the writer in between; and once at start, for
//! what a stop left. With nothing made, this waits on `Core::jobs_made` and
//! never wakes.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::core::Core;
use crate::error::Result;
use crate::store::search;

/// How long no job may be made before the index catches up.
const QUIET: Duration = Duration::from_secs(1);
/// Jobs made without a quiet moment (many schedules' runs) are indexed
/// after this, quiet or not.
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// Jobs indexed a transaction: 1.5–2.5 ms of the writer at 6–10 µs a job,
/// the most a claim or a create waits for it (W2's lateness is held to a
/// 10 ms max).
const SLICE: i64 = 250;
/// Between slices, so the writer is this one's a sixth of the time at most:
/// 100,000 jobs are indexed in about 5 s.
const PAUSE: Duration = Duration::from_millis(10);

pub(crate) async fn run(core: Arc<Core>) {
    // Jobs left unindexed when Chime last stopped (mid-way, or before a
    // quiet moment came) are caught up on at start too.
    core.jobs_made.notify_one();
    loop {
        tokio::select! {
            _ = core.stop.cancelled() => return,
            _ = core.jobs_made.notified() => {}
        }
        if !quiet(&core).await {
            return;
        }
        if let Err(e) = catch_up(&core).await {
            tracing::warn!("indexing jobs for search failed: {e}");
        }
    }
}

/// Waits until no job has been made for [`QUIET`], or [`LONGEST_WAIT`] has
/// passed; false when the engine stops first.
async fn quiet(core: &Core) -> bool {
    let give_up = Instant::now() + LONGEST_WAIT;
    while Instant::now() < give_up {
        let until = (Instant::now() + QUIET).min(give_up);
        tokio::select! {
            _ = core.stop.cancelled() => return false,
            _ = core.jobs_made.notified() => {}
            _ = tokio::time::sleep_until(until) => return true,
        }
    }
    true
}

/// Indexes every job not in the index yet, once they are more than a search
/// scans (fewer are left to the next search, which scans them in well under
/// a millisecond, rather than cost a commit for each few jobs made).
async fn catch_up(core: &Arc<Core>) -> Result<()> {
    let behind = core
        .read(|c| search::more_unindexed_than(c, search::SCANNED_AT_MOST))
        .await?;
    if !behind {
        return Ok(());
    }
    loop {
        let indexed = core.write(|tx| search::index_jobs(&tx.sql, SLICE)).await?;
        if indexed < SLICE {
            return Ok(());
        }
        tokio::select! {
            _ = core.stop.cancelled() => return Ok(()),
            _ = tokio::time::sleep(PAUSE) => {}
        }
    }
}
