//! An event of a job, and the outbox rows that carry it: the job's webhook
//! gets every event, its callback the one that finishes it. Both are written
//! in the transaction of the change, so a delivery exists if and only if
//! the change committed.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::attempt::ResponseRecord;
use crate::error::Result;
use crate::event::{Event, Payload};
use crate::job::{Job, JobView};
use crate::request::SentRequest;
use crate::schedule::Schedule;
use crate::store::deliveries::{self, DeliveryKind, NewDelivery};
use crate::store::{jobs, End, NewEvent, Tx};

/// How long a webhook or callback is retried before it is given up.
pub const DELIVERY_MAX_AGE: Duration = Duration::hours(24);

/// The Standard Webhooks envelope: `{"type", "timestamp", "data"}`.
#[derive(Debug, Serialize)]
struct Envelope<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(serialize_with = "crate::time::ser")]
    timestamp: DateTime<Utc>,
    data: T,
}

/// What a webhook receives: the event, and the job as it is now.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookData {
    #[serde(flatten)]
    #[ts(flatten)]
    pub event: Event,
    /// The job in booper's shape, its credentials redacted.
    pub job: Option<JobView>,
}

/// What a callback receives when its job is done.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CallbackData {
    /// The job in booper's shape, its credentials redacted.
    pub job: Option<JobView>,
    /// The last request sent, as the log keeps it.
    pub request: Option<SentRequest>,
    pub response: Option<ResponseRecord>,
    pub error: Option<String>,
}

/// Stores an event about `job`, and its webhook delivery when the job has a
/// `webhook_url`. Answers the event's id.
pub(crate) fn emit(tx: &mut Tx, job: &Job, attempt: Option<u32>, payload: Payload) -> Result<i64> {
    let event = tx.emit(about(job, attempt, payload))?;
    webhook(tx, job, &event)?;
    Ok(event.id)
}

/// Stores an attempt's end in one row: `ending` (its response or error),
/// with the request sent when it is logged with the end, and the
/// `job.finished`. Their webhooks are the caller's ([`webhook`]), each sent
/// with the job as it is at its point: the request's and the end's before
/// the job takes its new state, the finish's after.
pub(crate) fn emit_end(
    tx: &mut Tx,
    job: &Job,
    request: Option<Payload>,
    ending: Payload,
    finished: Payload,
) -> Result<End<Arc<Event>>> {
    tx.emit_end(about(job, Some(job.attempt), ending), request, finished)
}

fn about(job: &Job, attempt: Option<u32>, payload: Payload) -> NewEvent {
    NewEvent {
        job: Some((job.seq, job.id.clone())),
        schedule_id: job.schedule_id.clone(),
        attempt,
        payload,
    }
}

/// Queues `event`'s delivery to its job's webhook, when the job has one,
/// with the job as it is now in this transaction.
pub(crate) fn webhook(tx: &mut Tx, job: &Job, event: &Event) -> Result<()> {
    let Some(url) = job
        .options
        .webhook_url
        .as_ref()
        .filter(|_| event.body.for_webhook())
    else {
        return Ok(());
    };
    let data = WebhookData {
        event: event.clone(),
        job: job_view(tx, job.seq)?,
    };
    let body = envelope(event.kind().as_str(), event.inserted_at, &data)?;
    enqueue(
        tx,
        DeliveryKind::Webhook,
        url,
        event.id,
        Some(job.seq),
        body,
    )
}

/// Stores an event about a schedule itself (a run that never became a job),
/// and its delivery to the schedule's `webhook_url`.
pub(crate) fn emit_for_schedule(tx: &mut Tx, s: &Schedule, payload: Payload) -> Result<i64> {
    let webhook = s
        .options
        .webhook_url
        .as_ref()
        .filter(|_| payload.for_webhook());
    let event = tx.emit(NewEvent {
        job: None,
        schedule_id: Some(s.id.clone()),
        attempt: None,
        payload,
    })?;
    if let Some(url) = webhook {
        let data = WebhookData {
            event: (*event).clone(),
            job: None,
        };
        let body = envelope(event.kind().as_str(), event.inserted_at, &data)?;
        enqueue(tx, DeliveryKind::Webhook, url, event.id, None, body)?;
    }
    Ok(event.id)
}

/// Queues the one callback of a finished job: the job, the request sent, and
/// the response or the error. `parts` copies them out of the attempt only
/// when the job has a callback.
pub(crate) fn enqueue_callback(
    tx: &mut Tx,
    job: &Job,
    parts: impl FnOnce() -> CallbackParts,
    event_id: i64,
) -> Result<()> {
    let Some(url) = &job.options.callback_url else {
        return Ok(());
    };
    let data = parts();
    let data = CallbackData {
        job: job_view(tx, job.seq)?,
        request: data.request,
        response: data.response,
        error: data.error,
    };
    let body = envelope("job.finished", tx.now, &data)?;
    enqueue(
        tx,
        DeliveryKind::Callback,
        url,
        event_id,
        Some(job.seq),
        body,
    )
}

/// A callback's content, as the finishing attempt knows it.
pub(crate) struct CallbackParts {
    pub request: Option<SentRequest>,
    pub response: Option<ResponseRecord>,
    pub error: Option<String>,
}

/// The job in booper's shape, as it is now in this transaction, with its
/// credentials redacted: a receiver gets what happened, not the job's keys.
fn job_view(tx: &Tx, seq: i64) -> Result<Option<JobView>> {
    let Some(job) = jobs::get(&tx.sql, &seq.to_string())? else {
        return Ok(None);
    };
    let last = jobs::last_outcomes(&tx.sql, &[seq])?.remove(&seq);
    Ok(Some(job.view(tx.now, last, false).redacted()))
}

fn envelope(kind: &str, at: DateTime<Utc>, data: &impl Serialize) -> Result<String> {
    Ok(serde_json::to_string(&Envelope {
        kind,
        timestamp: at,
        data,
    })?)
}

fn enqueue(
    tx: &mut Tx,
    kind: DeliveryKind,
    url: &str,
    event_id: i64,
    job_seq: Option<i64>,
    body: String,
) -> Result<()> {
    deliveries::insert(
        &tx.sql,
        &NewDelivery {
            kind,
            url,
            event_id: Some(event_id),
            job_seq,
            body,
            expires_at: tx.now + DELIVERY_MAX_AGE,
        },
        tx.now,
    )?;
    tx.deliveries += 1;
    Ok(())
}
