//! A job as asked for by `POST /api/jobs` (and by PATCH, which merges into the
//! stored request and asks again): every field read, every rule of SPEC
//! section 1 checked, before anything is written.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::alert::Alert;
use crate::duration;
use crate::error::FieldError;
use crate::limits::{self, Overlap, QuietHours};
use crate::request::{self, Method, RequestSpec};
use crate::retry::RetryPolicy;
use crate::rule::Rule;
pub use crate::time::parse_instant;

/// What a request may change about how jobs are checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    pub allow_http: bool,
}

/// Per-job settings that travel with every job a schedule creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOptions {
    pub timeout_ms: i64,
    pub retry: RetryPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// A catch-up run waits this long for the network (else the setting's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_wait_ms: Option<i64>,
    /// Checks every response must pass (SPEC 7.2), as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assert: Vec<Value>,
    /// What a schedule tells its user (SPEC 7.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Alert>,
    /// What a schedule's run does while the previous one executes (SPEC 7.4).
    #[serde(default, skip_serializing_if = "Overlap::is_allow")]
    pub overlap: Overlap,
    /// A schedule disables itself after this many runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_runs: Option<u32>,
    /// A schedule runs no more after this.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::time::rfc_opt"
    )]
    pub until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::seconds(30);
const MAX_TIMEOUT: Duration = Duration::hours(1);
const MAX_NETWORK_WAIT: Duration = Duration::minutes(10);

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            timeout_ms: DEFAULT_TIMEOUT.num_milliseconds(),
            retry: RetryPolicy::default(),
            callback_url: None,
            webhook_url: None,
            network_wait_ms: None,
            assert: Vec::new(),
            alert: None,
            overlap: Overlap::Allow,
            max_runs: None,
            until: None,
            quiet_hours: None,
        }
    }
}

/// When the first run is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    Now,
    In(Duration),
    At(DateTime<Utc>),
}

impl Start {
    pub fn resolve(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Start::Now => now,
            Start::In(d) => now + d,
            // A time in the past runs now.
            Start::At(t) => t.max(now),
        }
    }
}

/// What a schedule does with runs it missed while the machine slept or Chime was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CatchUp {
    #[default]
    Once,
    Skip,
    All,
}

impl CatchUp {
    pub fn as_str(self) -> &'static str {
        match self {
            CatchUp::Once => "once",
            CatchUp::Skip => "skip",
            CatchUp::All => "all",
        }
    }
}

#[derive(Debug, Clone)]
pub struct JobDraft {
    pub request: RequestSpec,
    pub start: Start,
    /// A schedule's rule (an interval's grid starts at its first run).
    pub rule: Option<Rule>,
    pub timezone: Tz,
    pub idempotency_key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub options: JobOptions,
    pub catch_up: CatchUp,
    pub state: Map<String, Value>,
    pub inject_fields: bool,
    /// What was asked, echoed back as booper's `args`.
    pub args: Value,
}

const FIELDS: &[&str] = &[
    "method",
    "url",
    "query",
    "body",
    "headers",
    "schedule_in",
    "scheduled_at",
    "repeat_every",
    "cron",
    "timezone",
    "idempotency_key",
    "callback_url",
    "webhook_url",
    "name",
    "description",
    "timeout",
    "retry",
    "catch_up",
    "state",
    "inject_fields",
    "network_wait",
    "assert",
    "alert",
    "overlap",
    "max_runs",
    "until",
    "quiet_hours",
];

/// Fields that make a schedule's rule.
pub(crate) const RULE_FIELDS: &[&str] = &["repeat_every", "cron", "timezone"];
/// Fields that only mean something for a schedule.
pub(crate) const SCHEDULE_ONLY_FIELDS: &[&str] = &[
    "catch_up",
    "state",
    "inject_fields",
    "network_wait",
    "alert",
    "overlap",
    "max_runs",
    "until",
    "quiet_hours",
];
/// Fields that time a single job.
pub(crate) const TIMING_FIELDS: &[&str] = &["schedule_in", "scheduled_at"];

/// Every field that belongs to a schedule rather than to one of its jobs.
pub(crate) fn schedule_fields() -> impl Iterator<Item = &'static str> + Clone {
    RULE_FIELDS.iter().chain(SCHEDULE_ONLY_FIELDS).copied()
}

const MAX_NAME: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;
const MAX_KEY: usize = 255;

/// Reads a job's fields as asked at `now` (the engine's clock).
pub fn parse(input: &Value, policy: Policy, now: DateTime<Utc>) -> Result<JobDraft, FieldError> {
    let obj = input.as_object().ok_or_else(|| {
        FieldError::new("body", "the request must be a JSON object of job fields")
    })?;
    check_known_fields(obj)?;
    let field = |name: &str| obj.get(name).filter(|v| !v.is_null());

    let request = parse_request(obj, policy)?;
    let start = match (field("schedule_in"), field("scheduled_at")) {
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "scheduled_at",
                "give either schedule_in or scheduled_at, not both",
            ))
        }
        (Some(v), None) => Start::In(duration::parse("schedule_in", v)?),
        (None, Some(v)) => Start::At(parse_instant("scheduled_at", v)?),
        (None, None) => Start::Now,
    };
    let timezone = match field("timezone") {
        Some(v) => crate::rule::parse_zone(
            "timezone",
            v.as_str().ok_or_else(|| {
                FieldError::new("timezone", "must be a string such as \"Europe/Berlin\"")
            })?,
        )?,
        None => Tz::UTC,
    };
    let rule = match (field("repeat_every"), field("cron")) {
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "cron",
                "give either repeat_every or cron, not both",
            ))
        }
        (Some(v), None) => {
            let interval = duration::parse("repeat_every", v)?;
            // The grid starts at the first run: the one asked for, else one interval on.
            let anchor = match start {
                Start::Now => now + interval,
                asked => asked.resolve(now),
            };
            Some(crate::rule::every(interval, anchor)?)
        }
        (None, Some(v)) => Some(crate::rule::cron(
            v.as_str().ok_or_else(|| {
                FieldError::new("cron", "must be a string such as \"0 9 * * 1-5\"")
            })?,
            timezone,
        )?),
        (None, None) => None,
    };
    if rule.is_none() {
        if let Some(name) = SCHEDULE_ONLY_FIELDS.iter().find(|f| field(f).is_some()) {
            return Err(FieldError::new(
                *name,
                "only applies to a schedule; add repeat_every or cron",
            ));
        }
    }
    Ok(JobDraft {
        request,
        start,
        rule,
        timezone,
        idempotency_key: text_field(obj, "idempotency_key", MAX_KEY)?,
        name: text_field(obj, "name", MAX_NAME)?,
        description: text_field(obj, "description", MAX_DESCRIPTION)?,
        options: parse_options(obj, policy, timezone)?,
        catch_up: parse_catch_up(field("catch_up"))?,
        state: match field("state") {
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(FieldError::new("state", "must be a JSON object")),
            None => Map::new(),
        },
        inject_fields: match field("inject_fields") {
            None => true,
            Some(v) => crate::forgiving::as_bool(v)
                .ok_or_else(|| FieldError::new("inject_fields", "must be true or false"))?,
        },
        args: echo(obj),
    })
}

fn check_known_fields(obj: &Map<String, Value>) -> Result<(), FieldError> {
    match obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        Some(unknown) => Err(FieldError::new(
            unknown.as_str(),
            match suggest(unknown) {
                Some(near) => format!("is not a job field; did you mean {near}?"),
                None => "is not a job field".to_string(),
            },
        )),
        None => Ok(()),
    }
}

/// The known field closest to a misspelt one, when it is close enough to be a typo.
fn suggest(unknown: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .map(|f| (edit_distance(unknown, f), *f))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, f)| f)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn parse_request(obj: &Map<String, Value>, policy: Policy) -> Result<RequestSpec, FieldError> {
    let method = match obj.get("method").filter(|v| !v.is_null()) {
        Some(v) => Method::parse(v)?,
        None => Method::Get,
    };
    let url = match obj.get("url") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(FieldError::new("url", "is required"))
        }
        Some(_) => return Err(FieldError::new("url", "must be a string")),
    };
    request::parse_url("url", &url, policy.allow_http)?;
    let query = object_field(obj, "query")?;
    request::check_query(&query)?;
    let headers = object_field(obj, "headers")?;
    request::check_headers(&headers)?;
    Ok(RequestSpec {
        method,
        url,
        query,
        headers,
        body: obj.get("body").cloned(),
    })
}

fn object_field(obj: &Map<String, Value>, name: &str) -> Result<Map<String, Value>, FieldError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(FieldError::new(name, "must be a JSON object")),
    }
}

fn parse_options(
    obj: &Map<String, Value>,
    policy: Policy,
    zone: Tz,
) -> Result<JobOptions, FieldError> {
    let field = |name: &str| obj.get(name).filter(|v| !v.is_null());
    let mut options = JobOptions {
        alert: field("alert").map(crate::alert::parse).transpose()?,
        overlap: field("overlap")
            .map(limits::parse_overlap)
            .transpose()?
            .unwrap_or_default(),
        max_runs: field("max_runs").map(limits::parse_max_runs).transpose()?,
        until: field("until")
            .map(|v| parse_instant("until", v))
            .transpose()?,
        quiet_hours: field("quiet_hours")
            .map(|v| limits::parse_quiet_hours(v, zone))
            .transpose()?,
        ..JobOptions::default()
    };
    if let Some(v) = obj.get("timeout").filter(|v| !v.is_null()) {
        let timeout = duration::parse("timeout", v)?;
        if timeout <= Duration::zero() || timeout > MAX_TIMEOUT {
            return Err(FieldError::new(
                "timeout",
                "must be more than 0 and at most 1 hour",
            ));
        }
        options.timeout_ms = timeout.num_milliseconds();
    }
    if let Some(v) = obj.get("retry").filter(|v| !v.is_null()) {
        options.retry = RetryPolicy::parse(v)?;
    }
    if let Some(v) = obj.get("assert").filter(|v| !v.is_null()) {
        options.assert = crate::check::parse_all(v)?;
    }
    if let Some(v) = obj.get("network_wait").filter(|v| !v.is_null()) {
        let wait = duration::parse("network_wait", v)?;
        if wait < Duration::zero() || wait > MAX_NETWORK_WAIT {
            return Err(FieldError::new(
                "network_wait",
                "must be from 0 seconds to 10 minutes",
            ));
        }
        options.network_wait_ms = Some(wait.num_milliseconds());
    }
    for (name, slot) in [
        ("callback_url", &mut options.callback_url),
        ("webhook_url", &mut options.webhook_url),
    ] {
        if let Some(v) = obj.get(name).filter(|v| !v.is_null()) {
            let text = v
                .as_str()
                .ok_or_else(|| FieldError::new(name, "must be a string"))?;
            request::parse_url(name, text, policy.allow_http)?;
            *slot = Some(text.trim().to_string());
        }
    }
    Ok(options)
}

fn parse_catch_up(value: Option<&Value>) -> Result<CatchUp, FieldError> {
    match value.map(|v| v.as_str()) {
        None => Ok(CatchUp::default()),
        Some(Some("once")) => Ok(CatchUp::Once),
        Some(Some("skip")) => Ok(CatchUp::Skip),
        Some(Some("all")) => Ok(CatchUp::All),
        Some(_) => Err(FieldError::new(
            "catch_up",
            "must be \"once\", \"skip\" or \"all\"",
        )),
    }
}

fn text_field(
    obj: &Map<String, Value>,
    name: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > max => Err(FieldError::new(
            name,
            format!("is longer than {max} characters"),
        )),
        Some(Value::String(s)) if name == "idempotency_key" && s.is_empty() => {
            Err(FieldError::new(name, "must not be empty"))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(FieldError::new(name, "must be a string")),
    }
}

/// booper's `args`: the fields as asked, with the method spelt out.
fn echo(obj: &Map<String, Value>) -> Value {
    let mut args = obj.clone();
    let method = obj
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("get")
        .to_ascii_lowercase();
    args.insert("method".into(), Value::String(method));
    Value::Object(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn ok(v: Value) -> JobDraft {
        parse(&v, Policy::default(), Utc::now()).unwrap()
    }

    fn err(v: Value) -> FieldError {
        parse(&v, Policy::default(), Utc::now()).unwrap_err()
    }

    #[test]
    fn the_seed_example_reads() {
        let d = ok(json!({"method": "POST", "url": "https://example.com/hook",
            "body": {"content": "Testing 123"}, "schedule_in": [30, "seconds"]}));
        assert_eq!(d.request.method, Method::Post);
        assert_eq!(d.start, Start::In(Duration::seconds(30)));
        assert_eq!(d.args["method"], "post");
        assert_eq!(d.args["schedule_in"], json!([30, "seconds"]));
        assert!(d.rule.is_none());
    }

    #[test]
    fn typos_are_caught_with_a_suggestion() {
        let e = err(json!({"url": "https://x.test", "shedule_in": 30}));
        assert_eq!(e.field, "shedule_in");
        assert!(
            e.message.contains("did you mean schedule_in?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn schedule_only_fields_need_a_schedule() {
        assert_eq!(
            err(json!({"url": "https://x.test", "catch_up": "all"})).field,
            "catch_up"
        );
        assert!(parse(
            &json!({"url": "https://x.test", "catch_up": "all", "cron": "* * * * *"}),
            Policy::default(),
            Utc::now()
        )
        .is_ok());
    }

    #[test]
    fn times_are_read_with_their_offsets() {
        let d = ok(json!({"url": "https://x.test", "scheduled_at": "2030-01-01T10:00:00+01:00"}));
        assert_eq!(
            d.start,
            Start::At(Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap())
        );
        let d = ok(json!({"url": "https://x.test", "scheduled_at": 1893456000.5}));
        assert_eq!(
            d.start,
            Start::At(Utc.timestamp_millis_opt(1_893_456_000_500).unwrap())
        );
        assert!(
            err(json!({"url": "https://x.test", "scheduled_at": "2030-01-01T10:00:00"}))
                .message
                .contains("no UTC offset")
        );
    }

    /// Caught by the round trip of the fuzz target duration_instant (its seed
    /// year-10000): a time whose offset took it past 9999 was taken, and
    /// answered as "+10000-01-01…", which is not RFC 3339 and which Chime
    /// itself could not read back.
    #[test]
    fn a_time_past_the_year_9999_is_refused_whatever_its_offset() {
        let e = err(json!({"url": "https://x.test", "scheduled_at": "9999-12-31T23:30:00-01:00"}));
        assert_eq!(e.message, "scheduled_at: is too far in the future");
        let last = ok(json!({"url": "https://x.test", "scheduled_at": "9999-12-31T23:59:59Z"}));
        assert_eq!(
            last.start,
            Start::At(Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap())
        );
    }

    /// The other end, noticed by the same fuzzing campaign: an offset can
    /// carry the year 0000 back into the year -1, which has no RFC 3339 form
    /// either ("-0001-12-31T23:30:00Z").
    #[test]
    fn a_time_before_the_year_0_is_refused_whatever_its_offset() {
        let e = err(json!({"url": "https://x.test", "scheduled_at": "0000-01-01T00:30:00+01:00"}));
        assert_eq!(e.message, "scheduled_at: is too far in the past");
        let first = ok(json!({"url": "https://x.test", "scheduled_at": "0000-01-01T00:00:00Z"}));
        assert_eq!(
            first.start,
            Start::At(Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap())
        );
    }
}
