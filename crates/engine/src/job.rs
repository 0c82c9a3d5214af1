//! A job: one HTTP request to be sent at one time, with its lifecycle of
//! attempts. States follow Oban's model, as booper exposes it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::attempt::Attempt;
use crate::draft::JobOptions;
use crate::request::RequestSpec;
use crate::retry::RetryPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum JobState {
    /// Waiting for its time.
    Scheduled,
    /// Due, waiting for a dispatch slot.
    Available,
    /// An attempt is in flight.
    Executing,
    /// An attempt failed; another will come at `scheduled_at`.
    Retryable,
    Completed,
    /// Failed for good.
    Discarded,
    Cancelled,
}

pub const ALL_STATES: [JobState; 7] = [
    JobState::Scheduled,
    JobState::Available,
    JobState::Executing,
    JobState::Retryable,
    JobState::Completed,
    JobState::Discarded,
    JobState::Cancelled,
];

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Scheduled => "scheduled",
            JobState::Available => "available",
            JobState::Executing => "executing",
            JobState::Retryable => "retryable",
            JobState::Completed => "completed",
            JobState::Discarded => "discarded",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<JobState> {
        ALL_STATES.into_iter().find(|s| s.as_str() == text)
    }

    /// Waiting to run (again): it can still be changed, run now or cancelled.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            JobState::Scheduled | JobState::Available | JobState::Retryable
        )
    }

    /// The state as of `now`. The store keeps `scheduled` and `retryable`
    /// until a job is claimed; once its time has come it is `available`
    /// (due), as Oban's stager would have made it, with no write at that instant.
    pub fn at(self, scheduled_at: DateTime<Utc>, now: DateTime<Utc>) -> JobState {
        match self {
            JobState::Scheduled | JobState::Retryable if scheduled_at <= now => JobState::Available,
            other => other,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Completed | JobState::Discarded | JobState::Cancelled
        )
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    /// booper's integer `job_id`.
    pub seq: i64,
    /// booper's `id`: the job's uuid.
    pub id: String,
    pub schedule_id: Option<String>,
    /// The schedule's 1-based run count for this job.
    pub run: Option<i64>,
    pub idempotency_key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub state: JobState,
    pub request: RequestSpec,
    pub options: JobOptions,
    pub args: Args,
    pub attempt: u32,
    pub scheduled_at: DateTime<Utc>,
    /// The time the rule planned, for a schedule's job (retries move `scheduled_at`).
    pub planned_at: Option<DateTime<Utc>>,
    pub inserted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attempted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    /// Why the job ended as it did, when the state alone does not say.
    pub note: Option<String>,
}

/// What was asked for a job, as booper echoes it back (`args`), kept as
/// the JSON text it is stored as. Every claimed job's row is read for its
/// request, and its args are only ever shown, or merged into a change, so
/// they are parsed then, not at each claim (a fifth of reading a claimed
/// row: 6 k instructions a job in a burst).
#[derive(Debug, Clone)]
pub struct Args(String);

impl Args {
    /// `text` as stored: Chime wrote it, from a JSON value.
    pub(crate) fn stored(text: String) -> Args {
        Args(text)
    }

    /// The args as a JSON value. Text that is not JSON (a database edited
    /// by hand) reads as null, so the job is still listed and shown.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

/// The last attempt's result, for tables and strips of outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct OutcomeSummary {
    pub attempt: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i64,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub finished_at: DateTime<Utc>,
}

/// The job as the API shows it: booper's shape, then fields of ours.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JobView {
    pub id: String,
    pub idempotency_key: Option<String>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub inserted_at: DateTime<Utc>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub user_id: Option<String>,
    pub schedule_id: Option<String>,
    pub job_id: i64,
    pub job: ExecutionView,
    pub args: Value,
    pub state: JobState,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub scheduled_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub updated_at: DateTime<Utc>,
    pub attempt: u32,
    pub max_attempts: u32,
    pub run: Option<i64>,
    pub request: RequestSpec,
    pub timeout_ms: i64,
    pub retry: RetryPolicy,
    pub callback_url: Option<String>,
    pub webhook_url: Option<String>,
    pub note: Option<String>,
    pub last_outcome: Option<OutcomeSummary>,
    /// Only on `GET /api/jobs/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub attempts: Option<Vec<Attempt>>,
}

/// booper's `job` member: the execution record.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExecutionView {
    pub id: i64,
    pub state: JobState,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub inserted_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub scheduled_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub attempted_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub discarded_at: Option<DateTime<Utc>>,
    pub has_conflict: bool,
    /// booper's docs spell it this way; both are sent.
    pub has_confict: bool,
}

impl JobView {
    /// The job as it is forwarded to webhooks and callbacks: its credentials
    /// redacted, in the request and in booper's `args` echo alike.
    pub fn redacted(mut self) -> JobView {
        use crate::redact;
        let request = &mut self.request;
        request.url = redact::url(&request.url);
        redact::headers_in_place(&mut request.headers);
        request.query = redact::query(&request.query);
        for url in [&mut self.callback_url, &mut self.webhook_url]
            .into_iter()
            .flatten()
        {
            *url = redact::url(url);
        }
        if let Some(args) = self.args.as_object_mut() {
            for (name, value) in args.iter_mut() {
                match (name.as_str(), value) {
                    ("url" | "callback_url" | "webhook_url", Value::String(url)) => {
                        *url = redact::url(url)
                    }
                    ("headers", Value::Object(h)) => redact::headers_in_place(h),
                    ("query", Value::Object(q)) => *q = redact::query(q),
                    _ => {}
                }
            }
        }
        self
    }
}

impl Job {
    /// The job as the API shows it at `now` (which decides `available`).
    pub fn view(
        &self,
        now: DateTime<Utc>,
        last_outcome: Option<OutcomeSummary>,
        has_conflict: bool,
    ) -> JobView {
        let state = self.state.at(self.scheduled_at, now);
        JobView {
            id: self.id.clone(),
            idempotency_key: self.idempotency_key.clone(),
            inserted_at: self.inserted_at,
            name: self.name.clone(),
            description: self.description.clone(),
            user_id: None,
            schedule_id: self.schedule_id.clone(),
            job_id: self.seq,
            job: ExecutionView {
                id: self.seq,
                state,
                inserted_at: self.inserted_at,
                scheduled_at: self.scheduled_at,
                attempted_at: self.attempted_at,
                completed_at: self.completed_at,
                cancelled_at: self.cancelled_at,
                discarded_at: self.discarded_at,
                has_conflict,
                has_confict: has_conflict,
            },
            args: self.args.value(),
            state,
            scheduled_at: self.scheduled_at,
            updated_at: self.updated_at,
            attempt: self.attempt,
            max_attempts: self.options.retry.max_attempts,
            run: self.run,
            request: self.request.clone(),
            timeout_ms: self.options.timeout_ms,
            retry: self.options.retry.clone(),
            callback_url: self.options.callback_url.clone(),
            webhook_url: self.options.webhook_url.clone(),
            note: self.note.clone(),
            last_outcome,
            attempts: None,
        }
    }
}
