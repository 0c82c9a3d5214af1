//! The recorder: writes what attempts did (the request sent, the response or
//! error, the job's new state, the schedule's `$state` and `$previous`) in
//! batches, one transaction for everything that arrived since the last one.
//! Throughput comes from these group commits, not from more threads. A
//! batch goes to the writer as several writes, so a claim (which goes ahead)
//! never waits for a whole batch.

use std::hash::BuildHasher;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::core::Core;
use crate::error::Result;
use crate::event::Payload;
use crate::lifecycle::{self, runs::Record};
use crate::store::Tx;

/// Records gathered at most before they are written: enough to amortise
/// the commit in a burst.
const BATCH: usize = 1_024;

/// How long a batch waits for company after its first record. Attempts end
/// one by one; gathering them for a few milliseconds turns a burst's
/// thousands of tiny transactions into a few large ones.
const GATHER: std::time::Duration = std::time::Duration::from_millis(5);

pub(crate) async fn run(core: Arc<Core>, mut rx: mpsc::UnboundedReceiver<Record>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let deadline = tokio::time::Instant::now() + GATHER;
        while batch.len() < BATCH {
            let room = BATCH - batch.len();
            match tokio::time::timeout_at(deadline, rx.recv_many(&mut batch, room)).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let records = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
        let chunks = by_owner(records).into_iter().map(Arc::new);
        futures::future::join_all(chunks.map(|c| record_until_written(&core, c))).await;
    }
}

/// Records one write holds, about. The batch's writes share a transaction
/// (the writer joins them), but the scheduler's claim, which goes ahead of
/// them, waits only for the one running when it came, not for the batch.
const CHUNK: usize = 64;

/// Splits a batch into writes of about CHUNK records. A job's records, and
/// a schedule's, stay together and in order: a write refused and tried
/// again later never puts them out of order.
fn by_owner(records: Vec<Record>) -> Vec<Vec<Record>> {
    let hasher = std::hash::RandomState::new();
    split(records, |record| {
        let job = record.job();
        match &job.schedule_id {
            Some(id) => hasher.hash_one(id),
            None => hasher.hash_one(job.seq),
        }
    })
}

/// `items` in parts of about CHUNK, each owner's (by `owner`) in one part,
/// in the order they came.
fn split<T>(items: Vec<T>, owner: impl Fn(&T) -> u64) -> Vec<Vec<T>> {
    let count = items.len().div_ceil(CHUNK).max(1);
    let mut parts: Vec<Vec<T>> = (0..count).map(|_| Vec::new()).collect();
    for item in items {
        parts[(owner(&item) % count as u64) as usize].push(item);
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// The longest wait between tries to record a batch the store refused.
const LONGEST_RETRY: std::time::Duration = std::time::Duration::from_secs(10);

/// Writes a batch, trying again while the store cannot take it for a reason
/// that passes (a full disk, a locked or read-only file): what attempts did
/// is kept until it is written, so nothing is sent twice once there is room.
async fn record_until_written(core: &Core, records: Arc<Vec<Record>>) {
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        let batch = records.clone();
        match core.write(move |tx| write_batch(tx, &batch)).await {
            Ok(()) => return,
            Err(e) if e.is_transient() && !core.stop.is_cancelled() => {
                tracing::warn!(
                    count = records.len(),
                    "recording attempts failed ({e}); trying again in {wait:?}"
                );
                tokio::select! {
                    _ = core.stop.cancelled() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(LONGEST_RETRY);
            }
            Err(e) => {
                // The jobs stay `executing`, so they are retried at the next start.
                tracing::error!(count = records.len(), "recording attempts failed: {e}");
                return;
            }
        }
    }
}

fn write_batch(tx: &mut Tx, records: &[Record]) -> Result<()> {
    for record in records {
        match record {
            Record::Sent { job, request } => {
                let payload = Payload::Request(request.clone());
                lifecycle::emit(tx, job, Some(job.attempt), payload)?;
            }
            Record::Waiting { job, waiting } => {
                let payload = Payload::Waiting(waiting.clone());
                lifecycle::emit(tx, job, Some(job.attempt), payload)?;
            }
            Record::Ended(end) => lifecycle::runs::end_attempt(tx, end)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every item lands in one part, an owner's all in the same one and in
    /// the order they came, in parts of about CHUNK.
    #[test]
    fn a_batch_splits_by_owner_keeping_each_owners_order() {
        let items: Vec<(u64, usize)> = (0..1_000).map(|i| ((i % 37) as u64, i)).collect();
        let parts = super::split(items, |(owner, _)| *owner);
        assert_eq!(parts.len(), 1_000usize.div_ceil(super::CHUNK));
        // Each owner's part, and the last item of theirs seen in it.
        let mut seen: Vec<Option<(usize, usize)>> = vec![None; 37];
        let mut all: Vec<usize> = Vec::new();
        for (p, part) in parts.iter().enumerate() {
            for &(owner, i) in part {
                if let Some((home, last)) = seen[owner as usize] {
                    assert_eq!(home, p, "owner {owner} is in two parts");
                    assert!(last < i, "owner {owner}: {i} after {last}");
                }
                seen[owner as usize] = Some((p, i));
                all.push(i);
            }
        }
        all.sort_unstable();
        assert_eq!(all, (0..1_000).collect::<Vec<_>>(), "every item, once");
    }
}
