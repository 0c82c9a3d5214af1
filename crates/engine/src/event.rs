//! Events: one line of the log each, typed by kind. Stored in the same
//! transaction as the change they describe, then published to live
//! subscribers, streamed, and forwarded to webhooks.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::alert::Channel;
use crate::attempt::{Outcome, ResponseRecord};
use crate::draft::CatchUp;
use crate::job::JobState;
use crate::request::{Method, SentRequest};
use crate::run::{Action, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum EventKind {
    /// A job was created (by a request, a schedule, or a replay).
    #[serde(rename = "job.created")]
    Created,
    /// A pending job's time or request was changed.
    #[serde(rename = "job.updated")]
    Updated,
    /// A job was cancelled before it finished (or skipped by its catch-up policy).
    #[serde(rename = "job.cancelled")]
    Cancelled,
    /// An attempt began: the job was claimed for dispatch.
    #[serde(rename = "job.started")]
    Started,
    /// The request went out, exactly as sent (credentials redacted).
    #[serde(rename = "job.request")]
    Request,
    /// A response came back.
    #[serde(rename = "job.response")]
    Response,
    /// The attempt failed without a response (network, timeout, interruption).
    #[serde(rename = "job.error")]
    Error,
    /// The attempt is over; the payload says the job's new state.
    #[serde(rename = "job.finished")]
    Finished,
    /// A schedule's planned run (or a stretch of them) did not go out as
    /// planned: why, and what was done.
    #[serde(rename = "job.missed")]
    Missed,
    /// A catch-up attempt waits for the network before it is sent.
    #[serde(rename = "job.waiting")]
    Waiting,
    /// A run's response differs from the previous run's (`alert.on_change`).
    #[serde(rename = "job.changed")]
    Changed,
    /// A schedule's runs failed its alert's number of times in a row.
    #[serde(rename = "schedule.failing")]
    Failing,
    /// The first success of a failing schedule.
    #[serde(rename = "schedule.recovered")]
    Recovered,
}

pub const ALL_KINDS: [EventKind; 13] = [
    EventKind::Created,
    EventKind::Updated,
    EventKind::Cancelled,
    EventKind::Started,
    EventKind::Request,
    EventKind::Response,
    EventKind::Error,
    EventKind::Finished,
    EventKind::Missed,
    EventKind::Waiting,
    EventKind::Changed,
    EventKind::Failing,
    EventKind::Recovered,
];

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "job.created",
            EventKind::Updated => "job.updated",
            EventKind::Cancelled => "job.cancelled",
            EventKind::Started => "job.started",
            EventKind::Request => "job.request",
            EventKind::Response => "job.response",
            EventKind::Error => "job.error",
            EventKind::Finished => "job.finished",
            EventKind::Missed => "job.missed",
            EventKind::Waiting => "job.waiting",
            EventKind::Changed => "job.changed",
            EventKind::Failing => "schedule.failing",
            EventKind::Recovered => "schedule.recovered",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        ALL_KINDS.into_iter().find(|k| k.as_str() == text)
    }
}

/// An event's content, by kind: `{"event": "job.created", "payload": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "event", content = "payload")]
#[ts(export)]
pub enum Payload {
    #[serde(rename = "job.created")]
    Created(Created),
    #[serde(rename = "job.updated")]
    Updated(Updated),
    #[serde(rename = "job.cancelled")]
    Cancelled(Cancelled),
    #[serde(rename = "job.started")]
    Started(Started),
    #[serde(rename = "job.request")]
    Request(SentRequest),
    #[serde(rename = "job.response")]
    Response(Response),
    #[serde(rename = "job.error")]
    Error(AttemptError),
    #[serde(rename = "job.finished")]
    Finished(Finished),
    #[serde(rename = "job.missed")]
    Missed(Missed),
    #[serde(rename = "job.waiting")]
    Waiting(Waiting),
    #[serde(rename = "job.changed")]
    Changed(Changed),
    #[serde(rename = "schedule.failing")]
    Failing(Failing),
    #[serde(rename = "schedule.recovered")]
    Recovered(Recovered),
}

impl Payload {
    pub fn kind(&self) -> EventKind {
        match self {
            Payload::Created(_) => EventKind::Created,
            Payload::Updated(_) => EventKind::Updated,
            Payload::Cancelled(_) => EventKind::Cancelled,
            Payload::Started(_) => EventKind::Started,
            Payload::Request(_) => EventKind::Request,
            Payload::Response(_) => EventKind::Response,
            Payload::Error(_) => EventKind::Error,
            Payload::Finished(_) => EventKind::Finished,
            Payload::Missed(_) => EventKind::Missed,
            Payload::Waiting(_) => EventKind::Waiting,
            Payload::Changed(_) => EventKind::Changed,
            Payload::Failing(_) => EventKind::Failing,
            Payload::Recovered(_) => EventKind::Recovered,
        }
    }

    /// Whether the job's (or schedule's) webhook gets this event: every one,
    /// but an alert only when its channels name the webhook.
    pub fn for_webhook(&self) -> bool {
        let channels = match self {
            Payload::Changed(p) => &p.channels,
            Payload::Failing(p) => &p.channels,
            Payload::Recovered(p) => &p.channels,
            _ => return true,
        };
        channels.contains(&Channel::Webhook)
    }

    /// The payload alone, as stored in the `payload` column.
    pub fn content(&self) -> serde_json::Result<String> {
        match self {
            Payload::Created(p) => serde_json::to_string(p),
            Payload::Updated(p) => serde_json::to_string(p),
            Payload::Cancelled(p) => serde_json::to_string(p),
            Payload::Started(p) => serde_json::to_string(p),
            Payload::Request(p) => serde_json::to_string(p),
            Payload::Response(p) => serde_json::to_string(p),
            Payload::Error(p) => serde_json::to_string(p),
            Payload::Finished(p) => serde_json::to_string(p),
            Payload::Missed(p) => serde_json::to_string(p),
            Payload::Waiting(p) => serde_json::to_string(p),
            Payload::Changed(p) => serde_json::to_string(p),
            Payload::Failing(p) => serde_json::to_string(p),
            Payload::Recovered(p) => serde_json::to_string(p),
        }
    }

    /// Reads a stored payload back by its kind.
    pub fn read(kind: EventKind, content: &str) -> serde_json::Result<Payload> {
        Ok(match kind {
            EventKind::Created => Payload::Created(serde_json::from_str(content)?),
            EventKind::Updated => Payload::Updated(serde_json::from_str(content)?),
            EventKind::Cancelled => Payload::Cancelled(serde_json::from_str(content)?),
            EventKind::Started => Payload::Started(serde_json::from_str(content)?),
            EventKind::Request => Payload::Request(serde_json::from_str(content)?),
            EventKind::Response => Payload::Response(serde_json::from_str(content)?),
            EventKind::Error => Payload::Error(serde_json::from_str(content)?),
            EventKind::Finished => Payload::Finished(serde_json::from_str(content)?),
            EventKind::Missed => Payload::Missed(serde_json::from_str(content)?),
            EventKind::Waiting => Payload::Waiting(serde_json::from_str(content)?),
            EventKind::Changed => Payload::Changed(serde_json::from_str(content)?),
            EventKind::Failing => Payload::Failing(serde_json::from_str(content)?),
            EventKind::Recovered => Payload::Recovered(serde_json::from_str(content)?),
        })
    }
}

/// Who made a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum Source {
    /// `POST /api/jobs`.
    #[serde(rename = "request")]
    Request,
    /// Its schedule's rule.
    #[serde(rename = "schedule")]
    Schedule,
    /// `POST /api/schedules/{id}/run`: a run outside the rule.
    #[serde(rename = "extra run")]
    ExtraRun,
    /// `POST /api/jobs/{id}/run` on a finished job.
    #[serde(rename = "replay")]
    Replay,
}

/// `job.created`: who made the job, when it runs, and what it will send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobCreatedPayload")]
pub struct Created {
    pub source: Source,
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub scheduled_at: DateTime<Utc>,
    /// The schedule's run number, for a schedule's job.
    pub run: Option<i64>,
    pub name: Option<String>,
    pub method: Method,
    /// The URL, its credentials redacted.
    pub url: String,
}

/// `job.updated`: which fields changed, and the job's time now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobUpdatedPayload")]
pub struct Updated {
    pub changed: Vec<String>,
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub scheduled_at: DateTime<Utc>,
    /// Why, when a person did not ask for the change field by field ("run now").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// `job.cancelled`: why the job will not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobCancelledPayload")]
pub struct Cancelled {
    pub reason: String,
    /// Set when the schedule's catch-up policy skipped the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub catch_up: Option<CatchUpNote>,
}

/// What a schedule did about runs it missed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CatchUpNote {
    pub policy: CatchUp,
    /// Runs of the rule that came due while nothing ran.
    pub missed: usize,
    /// With `all`: missed runs past the limit, not made up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub dropped: Option<usize>,
    /// The same, in words.
    pub message: String,
}

/// `job.started`: an attempt began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobStartedPayload")]
pub struct Started {
    pub attempt: u32,
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub scheduled_at: DateTime<Utc>,
    /// How late the attempt began, in milliseconds.
    pub late_ms: i64,
    pub catch_up: Option<CatchUpNote>,
}

/// `job.response`: the response as recorded, and how long the attempt took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobResponsePayload")]
pub struct Response {
    #[serde(flatten)]
    #[ts(flatten)]
    pub response: ResponseRecord,
    pub duration_ms: i64,
}

/// `job.error`: the attempt got no response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobErrorPayload")]
pub struct AttemptError {
    /// What failed, in words (credentials redacted).
    pub error: String,
    #[serde(default)]
    pub duration_ms: i64,
    pub will_retry: bool,
    #[serde(default, with = "crate::time::rfc_opt")]
    #[ts(type = "string | null")]
    pub retry_at: Option<DateTime<Utc>>,
}

/// `job.finished`: the attempt is over, and the job's state now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobFinishedPayload")]
pub struct Finished {
    pub state: JobState,
    pub outcome: Outcome,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub duration_ms: i64,
    #[serde(default, with = "crate::time::rfc_opt")]
    #[ts(type = "string | null")]
    pub retry_at: Option<DateTime<Utc>>,
    /// Chime stopped during the attempt; it runs again.
    #[serde(default)]
    pub interrupted: bool,
}

/// `job.missed`: a schedule's planned run, or a stretch of `count` of them
/// up to `until`, did not go out as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobMissedPayload")]
pub struct Missed {
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub planned_at: DateTime<Utc>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::time::rfc_opt"
    )]
    #[ts(optional, type = "string")]
    pub until: Option<DateTime<Utc>>,
    pub count: u32,
    pub reason: Reason,
    pub action: Action,
}

/// `job.waiting`: a catch-up attempt waits, up to `up_to_ms`, for the
/// target's host to resolve and accept a connection before it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobWaitingPayload")]
pub struct Waiting {
    /// What it waits for: `network`.
    pub reason: String,
    /// The host and port it waits to reach.
    pub host: String,
    pub up_to_ms: i64,
}

/// `job.changed`: how this run's response differs from the previous run's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "JobChangedPayload")]
pub struct Changed {
    /// The previous run's job, compared with.
    pub previous_job_id: Option<String>,
    /// Each difference, by path (`status`, `body.data.items[0].ok`).
    pub diff: Vec<Change>,
    /// Differences past the first ones listed.
    #[serde(default)]
    pub more: usize,
    /// What the notification says.
    pub message: String,
    pub channels: Vec<Channel>,
}

/// One difference: a value `before` and `after` (absent on one side when
/// the path was added or removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Change {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after: Option<serde_json::Value>,
}

/// `schedule.failing`: its runs failed `failures` times in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "ScheduleFailingPayload")]
pub struct Failing {
    pub failures: u32,
    /// The last failure in words: a status (`503 Service Unavailable`), a
    /// failed check, or the error.
    pub last_failure: String,
    /// What the notification says.
    pub message: String,
    pub channels: Vec<Channel>,
}

/// `schedule.recovered`: a run succeeded after the schedule was failing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "ScheduleRecoveredPayload")]
pub struct Recovered {
    /// Failed runs in a row before this success.
    pub failures: u32,
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub failing_since: DateTime<Utc>,
    /// What the notification says.
    pub message: String,
    pub channels: Vec<Channel>,
}

/// One stored event, in booper's log shape (`id`, `event`, `inserted_at`,
/// `job_id`, `payload`) plus the schedule and attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Event {
    pub id: i64,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    #[ts(type = "string")]
    pub inserted_at: DateTime<Utc>,
    pub job_id: Option<String>,
    pub schedule_id: Option<String>,
    pub attempt: Option<u32>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub body: Payload,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.body.kind()
    }
}

/// Live events for in-process subscribers (the SSE stream, the desktop window).
/// A subscriber that falls behind is told how far (`Lagged`) and catches up
/// from the store, so nothing is lost.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<Event>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            tx: broadcast::Sender::new(16_384),
        }
    }
}

impl EventBus {
    pub fn publish(&self, events: Vec<Arc<Event>>) {
        for e in events {
            // No subscriber is not an error: the store keeps every event.
            let _ = self.tx.send(e);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.tx.subscribe()
    }
}
