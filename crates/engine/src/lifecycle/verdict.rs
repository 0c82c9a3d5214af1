//! What an attempt's result means for its job: done, tried again (when),
//! or given up. Network errors, timeouts, 5xx and 429 are retried (429 and
//! 503 after the server's `Retry-After` when it gives one); other 4xx fail
//! for good.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::attempt::{Outcome, ResponseRecord};
use crate::check;
use crate::job::JobState;
use crate::retry::{self, RetryPolicy};

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
        // A failed check is retried like a 5xx. A status check says which
        // statuses are fine (a 404 may be what the user expects); without
        // one, an error status is a failure before any check.
        Some(r) if (r.status < 400 || check::judges_status(&r.assertions)) => {
            if r.assertions.iter().all(|a| a.passed) {
                (Outcome::Success, false, None)
            } else {
                (Outcome::AssertionFailed, true, None)
            }
        }
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
            cert_expires_at: None,
            assertions: Vec::new(),
        }
    }

    fn checked(status: u16, item: serde_json::Value, passed: bool) -> ResponseRecord {
        ResponseRecord {
            assertions: vec![check::CheckResult {
                item,
                passed,
                actual: status.into(),
                message: None,
            }],
            ..response(status, None)
        }
    }

    #[test]
    fn a_failed_check_is_retried_and_a_status_check_says_which_statuses_succeed() {
        let p = RetryPolicy::default();
        let now = Utc::now();
        let judge = |r: ResponseRecord| {
            let v = verdict(Some(&r), &p, 1, now);
            (v.outcome, v.state)
        };
        let body = serde_json::json!({"body_matches": "ok"});
        let gone = serde_json::json!({"status": [404]});
        assert_eq!(
            judge(checked(200, body.clone(), false)),
            (Outcome::AssertionFailed, JobState::Retryable)
        );
        assert_eq!(
            judge(checked(200, body.clone(), true)),
            (Outcome::Success, JobState::Completed)
        );
        // An error status stays a failure (with its own retry rule) before any check.
        assert_eq!(
            judge(checked(404, body, false)),
            (Outcome::Failure, JobState::Discarded)
        );
        assert_eq!(
            judge(checked(404, gone.clone(), true)),
            (Outcome::Success, JobState::Completed)
        );
        assert_eq!(
            judge(checked(200, gone, false)),
            (Outcome::AssertionFailed, JobState::Retryable)
        );
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
}
