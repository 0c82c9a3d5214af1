//! An attempt: one try at sending a job's request, what was sent and what
//! came back. What it means for the job is the lifecycle's verdict.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::check::CheckResult;
use crate::request::SentRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    /// A 2xx or 3xx response.
    Success,
    /// A response with an error status.
    Failure,
    /// A response that failed one of the job's checks (`assert`).
    AssertionFailed,
    /// No response: the network failed, the attempt timed out, or Chime stopped.
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::AssertionFailed => "assertion_failed",
            Outcome::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Outcome {
        match text {
            "success" => Outcome::Success,
            "failure" => Outcome::Failure,
            "assertion_failed" => Outcome::AssertionFailed,
            _ => Outcome::Error,
        }
    }
}

/// A response as recorded, its body capped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Map<String, Value>,
    pub body: String,
    /// The body was cut at the cap; a marker at its end says so too.
    pub truncated: bool,
    /// The redirects followed to reach this response, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Redirect>>", optional)]
    pub redirects: Vec<Redirect>,
    /// When the certificate the TLS handshake saw expires (https only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::time::rfc_opt"
    )]
    #[ts(optional, type = "string")]
    pub cert_expires_at: Option<DateTime<Utc>>,
    /// The job's checks (`assert`) and what each saw; a failed one fails the attempt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<CheckResult>>", optional)]
    pub assertions: Vec<CheckResult>,
}

impl ResponseRecord {
    /// The response as the log keeps it: credentials (`Set-Cookie`, tokens in
    /// redirect URLs) redacted.
    pub fn into_log(mut self) -> ResponseRecord {
        crate::redact::headers_in_place(&mut self.headers);
        for hop in &mut self.redirects {
            hop.url = crate::redact::url(&hop.url);
        }
        self
    }
}

/// One redirect followed: the status that sent the request on, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Redirect {
    pub status: u16,
    pub url: String,
}

/// An attempt as stored and shown, with its request and response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Attempt {
    pub attempt: u32,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub started_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub outcome: Outcome,
    pub request: Option<SentRequest>,
    pub response: Option<ResponseRecord>,
    pub error: Option<String>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub retry_at: Option<DateTime<Utc>>,
}

/// A status in words, `503 Service Unavailable` (the code alone when it has
/// no standard reason).
pub fn status_text(status: u16) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}
