//! The recorder: writes what attempts did (the request sent, the response or
//! error, the job's new state, the schedule's `$state` and `$previous`) in
//! batches, one transaction for everything that arrived since the last one.
//! Throughput comes from these group commits, not from more threads.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::attempt::{self, Outcome, ResponseRecord, Verdict};
use crate::engine::Engine;
use crate::error::Result as EngineResult;
use crate::event::EventKind;
use crate::job::{Job, JobState};
use crate::request::SentRequest;
use crate::schedule::Schedule;
use crate::store::{attempts, jobs, schedules, AttemptWrite, Tx};
use crate::time::rfc3339;

/// Records taken per transaction: large enough to amortise the commit, small
/// enough that a claim waiting for the writer is not held up for long.
const BATCH: usize = 1_024;

pub enum Record {
    /// The request went out; `payload` is the request as sent, as JSON
    /// (a `SentRequest` always serialises: its maps have string keys).
    Sent { job: Arc<Job>, payload: Value },
    /// The attempt is over.
    Finished(Box<Finished>),
}

pub struct Finished {
    pub job: Arc<Job>,
    /// The request as it went out, when it did.
    pub sent: Option<SentRequest>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub result: Result,
}

pub enum Result {
    Response(ResponseRecord),
    Failed {
        message: String,
        /// Network errors and timeouts are worth another try; a request that
        /// cannot be built is not.
        retryable: bool,
    },
}

/// How long a batch waits for company after its first record. Attempts end
/// one by one; gathering them for a few milliseconds turns a burst's
/// thousands of tiny transactions into a few large ones.
const GATHER: std::time::Duration = std::time::Duration::from_millis(5);

pub(crate) async fn run(engine: Engine, mut rx: mpsc::UnboundedReceiver<Record>) {
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
        record_until_written(&engine, records).await;
    }
}

/// The longest wait between tries to record a batch the store refused.
const LONGEST_RETRY: std::time::Duration = std::time::Duration::from_secs(10);

/// Writes a batch, trying again while the store cannot take it for a reason
/// that passes (a full disk, a locked or read-only file): what attempts did
/// is kept until it is written, so nothing is sent twice once there is room.
async fn record_until_written(engine: &Engine, records: Arc<Vec<Record>>) {
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        let batch = records.clone();
        match engine.write(move |tx| write_batch(tx, &batch)).await {
            Ok(()) => return,
            Err(e) if e.is_transient() && !engine.inner.stop.is_cancelled() => {
                tracing::warn!(
                    count = records.len(),
                    "recording attempts failed ({e}); trying again in {wait:?}"
                );
                tokio::select! {
                    _ = engine.inner.stop.cancelled() => {}
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

fn write_batch(tx: &mut Tx, records: &[Record]) -> EngineResult<()> {
    for record in records {
        match record {
            Record::Sent { job, payload } => {
                tx.emit_job(EventKind::Request, job, Some(job.attempt), payload.clone())?;
            }
            Record::Finished(f) => finish(tx, f)?,
        }
    }
    Ok(())
}

fn finish(tx: &mut Tx, f: &Finished) -> EngineResult<()> {
    let job = &f.job;
    let sid = job.schedule_id.as_deref();
    let duration_ms = (f.finished_at - f.started_at).num_milliseconds();
    let policy = &job.options.retry;
    let (verdict, error) = match &f.result {
        Result::Response(r) => (attempt::verdict(Some(r), policy, job.attempt, tx.now), None),
        Result::Failed {
            message,
            retryable: true,
            ..
        } => (
            attempt::verdict(None, policy, job.attempt, tx.now),
            Some(message.as_str()),
        ),
        Result::Failed {
            message,
            retryable: false,
            ..
        } => (
            Verdict {
                outcome: Outcome::Error,
                state: JobState::Discarded,
                retry_at: None,
            },
            Some(message.as_str()),
        ),
    };
    let status = match &f.result {
        Result::Response(r) => Some(r.status),
        Result::Failed { .. } => None,
    };
    attempts::insert(
        &tx.sql,
        &AttemptWrite {
            job_seq: job.seq,
            attempt: job.attempt,
            started_at: f.started_at,
            finished_at: f.finished_at,
            outcome: verdict.outcome,
            status,
            error,
            retry_at: verdict.retry_at,
        },
    )?;
    match &f.result {
        Result::Response(r) => {
            let mut payload = serde_json::to_value(r)?;
            payload["duration_ms"] = json!(duration_ms);
            tx.emit_job(EventKind::Response, job, Some(job.attempt), payload)?;
        }
        Result::Failed { message, .. } => {
            tx.emit_job(
                EventKind::Error,
                job,
                Some(job.attempt),
                json!({
                    "error": message,
                    "duration_ms": duration_ms,
                    "will_retry": verdict.state == JobState::Retryable,
                    "retry_at": verdict.retry_at.map(rfc3339),
                }),
            )?;
        }
    }
    jobs::finish_attempt(&tx.sql, job.seq, verdict.state, verdict.retry_at, tx.now)?;
    if let Some(sid) = sid {
        if let Some(mut s) = schedules::get(&tx.sql, sid)? {
            if let Result::Response(r) = &f.result {
                remember_response(&mut s, r, verdict.outcome);
            }
            crate::scheduler::catch_up_after(tx, &mut s, job)?;
            schedules::save(&tx.sql, &s, tx.now)?;
        }
    }
    let finished_id = tx.emit_job(
        EventKind::Finished,
        job,
        Some(job.attempt),
        json!({
            "state": verdict.state,
            "outcome": verdict.outcome,
            "status": status,
            "duration_ms": duration_ms,
            "retry_at": verdict.retry_at.map(rfc3339),
        }),
    )?;
    if matches!(verdict.state, JobState::Completed | JobState::Discarded) {
        let (response, error) = match &f.result {
            Result::Response(r) => (Some(r), None),
            Result::Failed { message, .. } => (None, Some(message.as_str())),
        };
        crate::delivery::enqueue_callback(tx, job, f.sent.as_ref(), response, error, finished_id)?;
    }
    Ok(())
}

/// Keeps a schedule's `$previous` (the last response body, parsed when it is
/// JSON) and merges a successful response's top-level `$set` into `$state`;
/// the caller saves it in the same transaction as the attempt.
fn remember_response(s: &mut Schedule, r: &ResponseRecord, outcome: Outcome) {
    let body: Value =
        serde_json::from_str(&r.body).unwrap_or_else(|_| Value::String(r.body.clone()));
    if outcome == Outcome::Success {
        if let Some(set) = body.get("$set").and_then(Value::as_object) {
            for (k, v) in set {
                s.state.insert(k.clone(), v.clone());
            }
        }
    }
    s.previous = Some(body);
}
