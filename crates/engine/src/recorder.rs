//! The recorder: writes what attempts did (the request sent, the response or
//! error, the job's new state, the schedule's `$state` and `$previous`) in
//! batches, one transaction for everything that arrived since the last one.
//! Throughput comes from these group commits, not from more threads.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::core::Core;
use crate::error::Result;
use crate::event::Payload;
use crate::lifecycle::{self, runs::Record};
use crate::store::Tx;

/// Records taken per transaction: large enough to amortise the commit, small
/// enough that a claim waiting for the writer is not held up for long.
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
        let records = Arc::new(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
        record_until_written(&core, records).await;
    }
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
    let with_end = logged_with_end(records);
    let mut sent = HashMap::new();
    for (record, with_end) in records.iter().zip(with_end) {
        match record {
            Record::Sent { job, request } if with_end => {
                sent.insert((job.seq, job.attempt), request);
            }
            Record::Sent { job, request } => {
                let payload = Payload::Request(request.clone());
                lifecycle::emit(tx, job, Some(job.attempt), payload)?;
            }
            Record::Waiting { job, waiting } => {
                let payload = Payload::Waiting(waiting.clone());
                lifecycle::emit(tx, job, Some(job.attempt), payload)?;
            }
            Record::Ended(end) => {
                let request = sent.remove(&(end.job.seq, end.job.attempt));
                lifecycle::runs::end_attempt(tx, end, request)?;
            }
        }
    }
    Ok(())
}

/// Which records are requests whose attempt ends later in the same batch:
/// each is logged with its end, in the end's row (0023), as most are in a
/// burst. Records of one attempt come in its order, so a request's end
/// follows it.
fn logged_with_end(records: &[Record]) -> Vec<bool> {
    let mut ending = HashSet::new();
    let mut with_end: Vec<bool> = records
        .iter()
        .rev()
        .map(|record| match record {
            Record::Ended(end) => {
                ending.insert((end.job.seq, end.job.attempt));
                false
            }
            Record::Sent { job, .. } => ending.contains(&(job.seq, job.attempt)),
            Record::Waiting { .. } => false,
        })
        .collect();
    with_end.reverse();
    with_end
}
