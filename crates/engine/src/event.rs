//! Events: one line of the log each. Stored in the same transaction as the
//! change they describe, then published to live subscribers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::broadcast;

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
    /// The request went out, exactly as sent.
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
}

pub const ALL_KINDS: [EventKind; 8] = [
    EventKind::Created,
    EventKind::Updated,
    EventKind::Cancelled,
    EventKind::Started,
    EventKind::Request,
    EventKind::Response,
    EventKind::Error,
    EventKind::Finished,
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
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        ALL_KINDS.into_iter().find(|k| k.as_str() == text)
    }
}

/// One stored event, in booper's log shape plus the schedule and attempt.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Event {
    pub id: i64,
    pub event: EventKind,
    #[serde(serialize_with = "crate::time::ser")]
    pub inserted_at: DateTime<Utc>,
    pub job_id: Option<String>,
    pub schedule_id: Option<String>,
    pub attempt: Option<u32>,
    pub payload: Value,
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
