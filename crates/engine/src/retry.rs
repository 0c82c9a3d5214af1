//! When an attempt fails: whether to try again, and when.

use chrono::Duration;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::duration;
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Backoff {
    Exponential,
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub backoff: Backoff,
    pub base_ms: i64,
}

/// No retry waits longer than this, however many attempts came before.
const MAX_DELAY: Duration = Duration::hours(24);
const MAX_ATTEMPTS: u64 = 100;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            backoff: Backoff::Exponential,
            base_ms: 10_000,
        }
    }
}

impl RetryPolicy {
    /// Reads `retry` from a request: `{"max_attempts", "backoff", "base"}`, each optional.
    pub fn parse(value: &Value) -> Result<RetryPolicy, FieldError> {
        let obj = value.as_object().ok_or_else(|| {
            FieldError::new("retry", "must be an object such as {\"max_attempts\": 5, \"backoff\": \"fixed\", \"base\": \"30 seconds\"}")
        })?;
        let mut policy = RetryPolicy::default();
        for (key, v) in obj {
            match key.as_str() {
                "max_attempts" => {
                    let n = crate::forgiving::as_whole(v)
                        .filter(|n| (1..=MAX_ATTEMPTS).contains(n))
                        .ok_or_else(|| {
                            FieldError::new(
                                "retry.max_attempts",
                                "must be a whole number from 1 to 100",
                            )
                        })?;
                    policy.max_attempts = n as u32;
                }
                "backoff" => {
                    policy.backoff = match v.as_str() {
                        Some("exponential") => Backoff::Exponential,
                        Some("fixed") => Backoff::Fixed,
                        _ => {
                            return Err(FieldError::new(
                                "retry.backoff",
                                "must be \"exponential\" or \"fixed\"",
                            ))
                        }
                    }
                }
                "base" => {
                    let base = duration::parse("retry.base", v)?;
                    if base > MAX_DELAY {
                        return Err(FieldError::new("retry.base", "must be at most 24 hours"));
                    }
                    policy.base_ms = base.num_milliseconds();
                }
                other => {
                    return Err(FieldError::new(
                        format!("retry.{other}"),
                        "is not a retry setting; use max_attempts, backoff or base",
                    ))
                }
            }
        }
        Ok(policy)
    }

    /// How long to wait after failed attempt number `attempt` (1-based).
    /// Exponential backoff doubles from `base` with ±25% jitter, so a fleet of
    /// jobs that failed together does not retry together.
    pub fn delay(&self, attempt: u32) -> Duration {
        let base = Duration::milliseconds(self.base_ms);
        match self.backoff {
            Backoff::Fixed => base,
            Backoff::Exponential => {
                let doublings = attempt.saturating_sub(1).min(30);
                let raw = self.base_ms.saturating_mul(1 << doublings);
                let capped = raw.min(MAX_DELAY.num_milliseconds());
                let jitter = rand::thread_rng().gen_range(0.75..=1.25);
                Duration::milliseconds((capped as f64 * jitter) as i64).min(MAX_DELAY)
            }
        }
    }

    pub fn exhausted(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts
    }
}

/// How long to wait as a server asked in `Retry-After`: seconds or an HTTP date.
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<i64>() {
        Ok(seconds) => Duration::seconds(seconds),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            at.with_timezone(&chrono::Utc) - now
        }
    };
    Some(wait.clamp(Duration::zero(), MAX_DELAY))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exponential_backoff_doubles_within_its_jitter() {
        let p = RetryPolicy::default();
        for (attempt, nominal) in [(1, 10_000), (2, 20_000), (3, 40_000)] {
            let d = p.delay(attempt).num_milliseconds();
            assert!(
                (nominal * 3 / 4..=nominal * 5 / 4).contains(&d),
                "attempt {attempt}: {d}"
            );
        }
        assert!(p.delay(40) <= MAX_DELAY);
    }

    #[test]
    fn fixed_backoff_waits_the_base() {
        let p = RetryPolicy::parse(&json!({"backoff": "fixed", "base": "2s", "max_attempts": 5}))
            .unwrap();
        assert_eq!(p.delay(4), Duration::seconds(2));
        assert!(!p.exhausted(4));
        assert!(p.exhausted(5));
    }

    #[test]
    fn bad_settings_name_their_field() {
        let err = |v| RetryPolicy::parse(&v).unwrap_err().field;
        assert_eq!(err(json!({"max_attempts": 0})), "retry.max_attempts");
        assert_eq!(err(json!({"max_attempts": 1.5})), "retry.max_attempts");
        assert_eq!(err(json!({"backoff": "linear"})), "retry.backoff");
        assert_eq!(err(json!({"base": "2 eons"})), "retry.base");
        assert_eq!(err(json!({"tries": 2})), "retry.tries");
        assert_eq!(err(json!(3)), "retry");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = chrono::Utc::now();
        assert_eq!(retry_after("7", now), Some(Duration::seconds(7)));
        let later = (now + Duration::seconds(90)).to_rfc2822();
        let d = retry_after(&later, now).unwrap();
        assert!((89..=90).contains(&d.num_seconds()));
        assert_eq!(retry_after("soon", now), None);
    }
}
