//! The recorder: writes what attempts did (the request sent, the response or
//! error, the job's new state, the schedule's `$state` and `$previous`) in
//! batches, one transaction for everything that arrived since the last one.
//! Throughput comes from these group commits, not from more threads.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::attempt::{self, Outcome, ResponseRecord, Verdict};
use crate::engine::Engine;
use crate::error::Result as EngineResult;
use crate::event::EventKind;
use crate::job::{Job, JobState};
use crate::request::SentRequest;
use crate::store::{attempts, jobs, schedules, AttemptWrite, JobUpdate, Tx};
use crate::time::rfc3339;

/// Records taken per transaction.
const BATCH: usize = 4_096;

pub enum Record {
    /// The request went out.
    Sent {
        job_id: String,
        schedule_id: Option<String>,
        attempt: u32,
        request: SentRequest,
    },
    /// The attempt is over.
    Finished(Box<Finished>),
}

pub struct Finished {
    pub job: Job,
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

pub(crate) async fn run(engine: Engine, mut rx: mpsc::UnboundedReceiver<Record>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let records = std::mem::take(&mut batch);
        let count = records.len();
        if let Err(e) = engine.write(move |tx| write_batch(tx, records)).await {
            // The jobs stay `executing`, so they are retried at the next start.
            tracing::error!(count, "recording attempts failed: {e}");
        }
    }
}

fn write_batch(tx: &mut Tx, records: Vec<Record>) -> EngineResult<()> {
    for record in records {
        match record {
            Record::Sent {
                job_id,
                schedule_id,
                attempt,
                request,
            } => {
                tx.emit_job(
                    EventKind::Request,
                    &job_id,
                    schedule_id.as_deref(),
                    Some(attempt),
                    serde_json::to_value(&request)?,
                )?;
            }
            Record::Finished(f) => finish(tx, *f)?,
        }
    }
    Ok(())
}

fn finish(tx: &mut Tx, f: Finished) -> EngineResult<()> {
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
            job_id: &job.id,
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
            tx.emit_job(
                EventKind::Response,
                &job.id,
                sid,
                Some(job.attempt),
                payload,
            )?;
        }
        Result::Failed { message, .. } => {
            tx.emit_job(
                EventKind::Error,
                &job.id,
                sid,
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
    jobs::update(
        &tx.sql,
        job.seq,
        &JobUpdate {
            state: Some(verdict.state),
            scheduled_at: verdict.retry_at,
            ..JobUpdate::default()
        },
        tx.now,
    )?;
    if let (Some(sid), Result::Response(r)) = (sid, &f.result) {
        remember_response(tx, sid, r, verdict.outcome)?;
    }
    tx.emit_job(
        EventKind::Finished,
        &job.id,
        sid,
        Some(job.attempt),
        json!({
            "state": verdict.state,
            "outcome": verdict.outcome,
            "status": status,
            "duration_ms": duration_ms,
            "retry_at": verdict.retry_at.map(rfc3339),
        }),
    )?;
    Ok(())
}

/// Keeps a schedule's `$previous` (the last response body, parsed when it is
/// JSON) and merges a successful response's top-level `$set` into `$state`,
/// in the same transaction as the attempt.
fn remember_response(
    tx: &mut Tx,
    schedule_id: &str,
    r: &ResponseRecord,
    outcome: Outcome,
) -> EngineResult<()> {
    let Some(mut s) = schedules::get(&tx.sql, schedule_id)? else {
        return Ok(()); // deleted while the attempt ran
    };
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
    schedules::save(&tx.sql, &s, tx.now)
}
