//! An attempt: one try at sending a job's request, what was sent and what came
//! back, and what it means for the job.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::job::JobState;
use crate::request::SentRequest;
use crate::retry::{self, RetryPolicy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Outcome {
    /// A 2xx or 3xx response.
    Success,
    /// A response with an error status.
    Failure,
    /// No response: the network failed, the attempt timed out, or Chime stopped.
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Outcome {
        match text {
            "success" => Outcome::Success,
            "failure" => Outcome::Failure,
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
}

impl ResponseRecord {
    /// The response as the log keeps it: credentials (`Set-Cookie`, tokens in
    /// redirect URLs) redacted.
    pub fn into_log(mut self) -> ResponseRecord {
        self.headers = crate::redact::headers(&self.headers);
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

/// Bodies stored for the log are cut here.
pub const BODY_CAP: usize = 1024 * 1024;
pub const CUT_MARKER: &str = "\n…[cut by Chime at 1 MiB]";

/// An attempt as stored and shown, with its request and response.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Attempt {
    pub attempt: u32,
    #[serde(serialize_with = "crate::time::ser")]
    pub started_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::ser")]
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub outcome: Outcome,
    pub request: Option<SentRequest>,
    pub response: Option<ResponseRecord>,
    pub error: Option<String>,
    #[serde(serialize_with = "crate::time::ser_opt")]
    pub retry_at: Option<DateTime<Utc>>,
}

/// What an attempt means for its job.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub state: JobState,
    pub retry_at: Option<DateTime<Utc>>,
}

/// Decides the job's next state from the attempt's result. Network errors,
/// timeouts, 5xx and 429 are retried (429 and 503 after the server's
/// `Retry-After` when it gives one); other 4xx fail for good.
pub fn verdict(
    response: Option<&ResponseRecord>,
    policy: &RetryPolicy,
    attempt: u32,
    now: DateTime<Utc>,
) -> Verdict {
    let (outcome, retryable, asked_wait) = match response {
        None => (Outcome::Error, true, None),
        Some(r) if r.status < 400 => (Outcome::Success, false, None),
        Some(r) => {
            let retryable = r.status == 429 || r.status >= 500;
            let asked =
                header_text(&r.headers, "retry-after").and_then(|v| retry::retry_after(v, now));
            (Outcome::Failure, retryable, asked)
        }
    };
    if outcome == Outcome::Success {
        return Verdict {
            outcome,
            state: JobState::Completed,
            retry_at: None,
        };
    }
    if !retryable || policy.exhausted(attempt) {
        return Verdict {
            outcome,
            state: JobState::Discarded,
            retry_at: None,
        };
    }
    let wait = asked_wait
        .unwrap_or_else(|| policy.delay(attempt))
        .max(Duration::zero());
    Verdict {
        outcome,
        state: JobState::Retryable,
        retry_at: Some(now + wait),
    }
}

fn header_text<'a>(headers: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    crate::request::header(headers, name)
}

/// Caps a body for storage, marking where it was cut.
pub fn cap_body(bytes: &[u8], more_followed: bool) -> (String, bool) {
    let cut = more_followed || bytes.len() > BODY_CAP;
    let kept = &bytes[..bytes.len().min(BODY_CAP)];
    let mut text = String::from_utf8_lossy(kept).into_owned();
    if cut {
        text.push_str(CUT_MARKER);
    }
    (text, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> ResponseRecord {
        let mut headers = Map::new();
        if let Some(v) = retry_after {
            headers.insert("retry-after".into(), v.into());
        }
        ResponseRecord {
            status,
            headers,
            body: String::new(),
            truncated: false,
            redirects: Vec::new(),
        }
    }

    #[test]
    fn statuses_decide_retry_or_not() {
        let p = RetryPolicy::default();
        let now = Utc::now();
        assert_eq!(
            verdict(Some(&response(200, None)), &p, 1, now).state,
            JobState::Completed
        );
        assert_eq!(
            verdict(Some(&response(302, None)), &p, 1, now).state,
            JobState::Completed
        );
        assert_eq!(
            verdict(Some(&response(404, None)), &p, 1, now).state,
            JobState::Discarded
        );
        assert_eq!(
            verdict(Some(&response(503, None)), &p, 1, now).state,
            JobState::Retryable
        );
        assert_eq!(verdict(None, &p, 1, now).state, JobState::Retryable);
        assert_eq!(verdict(None, &p, 3, now).state, JobState::Discarded);
    }

    #[test]
    fn too_many_requests_waits_as_asked() {
        let now = Utc::now();
        let v = verdict(
            Some(&response(429, Some("120"))),
            &RetryPolicy::default(),
            1,
            now,
        );
        assert_eq!(v.state, JobState::Retryable);
        assert_eq!(v.retry_at, Some(now + Duration::seconds(120)));
    }

    #[test]
    fn bodies_over_the_cap_are_cut_with_a_marker() {
        let big = vec![b'a'; BODY_CAP + 10];
        let (text, cut) = cap_body(&big, false);
        assert!(cut);
        assert!(text.ends_with(CUT_MARKER));
        assert_eq!(text.len(), BODY_CAP + CUT_MARKER.len());
        assert_eq!(cap_body(b"ok", false), ("ok".to_string(), false));
    }
}
