//! Checks (SPEC 7.2): what a response must show, beyond a 2xx, for its
//! attempt to succeed. Each item of a job's `assert` list is one check; a
//! failed one fails the attempt (`assertion_failed`), which is retried like a
//! 5xx. Every check's result, and the value it saw, goes in the record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FieldError;

/// One check, read from an `assert` item.
#[derive(Debug, Clone)]
enum Check {
    /// `{"status": [200, 204]}` or `{"status": "2xx"}`.
    Status(Vec<u16>, Option<u16>),
    /// `{"json": "data.items[0].ok", "equals" | "contains" | "exists": ...}`.
    Json { path: String, test: JsonTest },
    /// `{"body_matches": "regex"}`.
    BodyMatches(regex::Regex),
    /// `{"header": "content-type", "matches": "json"}`.
    Header { name: String, pattern: regex::Regex },
    /// `{"latency_ms_max": 800}`.
    LatencyMax(u64),
    /// `{"cert_days_min": 14}`.
    CertDaysMin(i64),
}

#[derive(Debug, Clone, PartialEq)]
enum JsonTest {
    Equals(Value),
    Contains(Value),
    Exists(bool),
}

/// One `assert` item's shape, for the typed contract. The engine reads
/// items by hand, for errors that name the member.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum AssertItem {
    Status {
        status: StatusSet,
    },
    Json {
        json: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        equals: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        contains: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        exists: Option<bool>,
    },
    BodyMatches {
        body_matches: String,
    },
    Header {
        header: String,
        matches: String,
    },
    LatencyMax {
        latency_ms_max: u64,
    },
    CertDaysMin {
        cert_days_min: u32,
    },
}

/// The statuses a status check accepts: a list, one, or a class (`"2xx"`).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum StatusSet {
    List(Vec<u16>),
    One(u16),
    Class(String),
}

/// A check's result, as `job.response` and the attempt record carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CheckResult {
    /// The `assert` item, as given.
    #[ts(as = "AssertItem")]
    pub item: Value,
    pub passed: bool,
    /// What the response showed (the status, the value at the path, the
    /// header, the latency, the days left), or null when it had none.
    pub actual: Value,
    /// Why a failed check failed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// What a check looks at besides the response record.
pub struct Seen<'a> {
    pub status: u16,
    pub headers: &'a Map<String, Value>,
    pub body: &'a str,
    pub latency_ms: i64,
    /// When the certificate the TLS handshake saw expires (https only).
    pub cert_expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Reads and checks `assert` (a list of items), for the 422 on bad input.
pub fn parse_all(value: &Value) -> Result<Vec<Value>, FieldError> {
    let items = value.as_array().ok_or_else(|| {
        FieldError::new(
            "assert",
            "must be a list of checks such as [{\"status\": \"2xx\"}]",
        )
    })?;
    for (i, item) in items.iter().enumerate() {
        parse(&format!("assert[{i}]"), item)?;
    }
    Ok(items.clone())
}

fn parse(field: &str, item: &Value) -> Result<Check, FieldError> {
    let obj = item
        .as_object()
        .ok_or_else(|| FieldError::new(field, "must be an object such as {\"status\": \"2xx\"}"))?;
    let has = |k: &str| obj.contains_key(k);
    let text = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| FieldError::new(format!("{field}.{k}"), "must be a string"))
    };
    let pattern = |k: &str| -> Result<regex::Regex, FieldError> {
        regex::Regex::new(text(k)?).map_err(|e| {
            FieldError::new(format!("{field}.{k}"), format!("is not a valid regex: {e}"))
        })
    };
    let check = if has("status") {
        status(field, &obj["status"])?
    } else if has("json") {
        let test = match (obj.get("equals"), obj.get("contains"), obj.get("exists")) {
            (Some(v), None, None) => JsonTest::Equals(v.clone()),
            (None, Some(v), None) => JsonTest::Contains(v.clone()),
            (None, None, Some(Value::Bool(b))) => JsonTest::Exists(*b),
            (None, None, Some(_)) => {
                return Err(FieldError::new(
                    format!("{field}.exists"),
                    "must be true or false",
                ))
            }
            _ => {
                return Err(FieldError::new(
                    field,
                    "a json check needs one of equals, contains or exists",
                ))
            }
        };
        Check::Json {
            path: text("json")?.to_string(),
            test,
        }
    } else if has("body_matches") {
        Check::BodyMatches(pattern("body_matches")?)
    } else if has("header") {
        Check::Header {
            name: text("header")?.to_ascii_lowercase(),
            pattern: pattern("matches")?,
        }
    } else if has("latency_ms_max") {
        Check::LatencyMax(obj["latency_ms_max"].as_u64().ok_or_else(|| {
            FieldError::new(
                format!("{field}.latency_ms_max"),
                "must be a whole number of milliseconds",
            )
        })?)
    } else if has("cert_days_min") {
        let days = obj["cert_days_min"].as_u64().filter(|d| *d <= 3650);
        Check::CertDaysMin(days.ok_or_else(|| {
            FieldError::new(
                format!("{field}.cert_days_min"),
                "must be a whole number of days up to 3650",
            )
        })? as i64)
    } else {
        return Err(FieldError::new(field, "is not a check; use status, json, body_matches, header, latency_ms_max or cert_days_min"));
    };
    Ok(check)
}

/// `[200, 204]`, or a class such as `"2xx"`.
fn status(field: &str, v: &Value) -> Result<Check, FieldError> {
    let bad = || {
        FieldError::new(
            format!("{field}.status"),
            "must be a list of statuses such as [200, 204] or a class such as \"2xx\"",
        )
    };
    match v {
        Value::Array(items) => {
            let codes = items
                .iter()
                .map(|c| {
                    c.as_u64()
                        .filter(|c| (100..600).contains(c))
                        .map(|c| c as u16)
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(bad)?;
            Ok(Check::Status(codes, None))
        }
        Value::Number(n) => Ok(Check::Status(
            vec![n
                .as_u64()
                .filter(|c| (100..600).contains(c))
                .ok_or_else(bad)? as u16],
            None,
        )),
        Value::String(s) => {
            let class = s
                .strip_suffix("xx")
                .and_then(|d| d.parse::<u16>().ok())
                .filter(|d| (1..=5).contains(d))
                .ok_or_else(bad)?;
            Ok(Check::Status(Vec::new(), Some(class)))
        }
        _ => Err(bad()),
    }
}

/// Runs every check of `items` on what the response showed.
pub fn run_all(items: &[Value], seen: &Seen) -> Vec<CheckResult> {
    items
        .iter()
        .map(|item| match parse("assert", item) {
            Ok(check) => {
                let (passed, actual) = run(&check, seen);
                CheckResult {
                    item: item.clone(),
                    passed,
                    message: (!passed).then(|| failure(&check, &actual)),
                    actual,
                }
            }
            // Checked when the job was made; a stored item that no longer reads fails.
            Err(e) => CheckResult {
                item: item.clone(),
                passed: false,
                actual: Value::Null,
                message: Some(e.message),
            },
        })
        .collect()
}

fn run(check: &Check, seen: &Seen) -> (bool, Value) {
    match check {
        Check::Status(codes, class) => {
            let passed =
                codes.contains(&seen.status) || class.is_some_and(|c| seen.status / 100 == c);
            (passed, seen.status.into())
        }
        Check::Json { path, test } => {
            let body: Option<Value> = serde_json::from_str(seen.body).ok();
            let found = body
                .as_ref()
                .and_then(|b| crate::path::get(b, path))
                .cloned();
            let passed = match (test, &found) {
                (JsonTest::Exists(want), f) => f.is_some() == *want,
                (JsonTest::Equals(want), Some(f)) => f == want,
                (JsonTest::Contains(want), Some(f)) => contains(f, want),
                (_, None) => false,
            };
            (passed, found.unwrap_or(Value::Null))
        }
        Check::BodyMatches(re) => {
            let found = re
                .find(seen.body)
                .map(|m| Value::String(m.as_str().chars().take(200).collect()));
            (found.is_some(), found.unwrap_or(Value::Null))
        }
        Check::Header { name, pattern } => {
            let value = crate::request::header(seen.headers, name);
            (
                value.is_some_and(|v| pattern.is_match(v)),
                value.map_or(Value::Null, Into::into),
            )
        }
        Check::LatencyMax(max) => (seen.latency_ms <= *max as i64, seen.latency_ms.into()),
        Check::CertDaysMin(min) => match seen.cert_expires_at {
            Some(expires) => {
                let left = (expires - seen.now).num_days();
                (left >= *min, left.into())
            }
            None => (false, Value::Null),
        },
    }
}

/// Why `check` failed on `actual`, in words.
fn failure(check: &Check, actual: &Value) -> String {
    let missing = actual.is_null();
    match check {
        Check::Status(codes, class) => {
            let wanted = match class {
                Some(c) => format!("{c}xx"),
                None => or_list(codes.iter().map(u16::to_string)),
            };
            format!("status is {actual}, expected {wanted}")
        }
        Check::Json { path, .. } if missing => format!("{path} is missing"),
        Check::Json { path, test } => match test {
            JsonTest::Equals(want) => format!("{path} is {actual}, expected {want}"),
            JsonTest::Contains(want) => {
                format!("{path} is {actual}, expected it to contain {want}")
            }
            JsonTest::Exists(_) => format!("{path} is {actual}, expected it missing"),
        },
        Check::BodyMatches(re) => format!("the body does not match /{re}/"),
        Check::Header { name, .. } if missing => format!("header {name} is missing"),
        Check::Header { name, pattern } => {
            format!("header {name} is {actual}, expected it to match /{pattern}/")
        }
        Check::LatencyMax(max) => format!("took {actual} ms, more than {max} ms"),
        Check::CertDaysMin(_) if missing => "no TLS certificate to check (not https)".into(),
        Check::CertDaysMin(min) => {
            format!("the certificate expires in {actual} days, fewer than {min}")
        }
    }
}

fn or_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// The failed checks of `results`, in words, for the attempt's error; none
/// when every check passed.
pub fn failures(results: &[CheckResult]) -> Option<String> {
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.passed)
        .filter_map(|r| r.message.as_deref())
        .collect();
    (!failed.is_empty()).then(|| format!("check failed: {}", failed.join("; ")))
}

/// Whether one of the results is a status check, which then decides which
/// statuses succeed instead of "below 400".
pub fn judges_status(results: &[CheckResult]) -> bool {
    results.iter().any(|r| r.item.get("status").is_some())
}

/// A string contains a substring; an array an element; an object a member
/// of the same value.
fn contains(found: &Value, want: &Value) -> bool {
    match (found, want) {
        (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
        (Value::Array(items), w) => items.contains(w),
        (Value::Object(m), Value::Object(w)) => w.iter().all(|(k, v)| m.get(k) == Some(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seen<'a>(status: u16, headers: &'a Map<String, Value>, body: &'a str) -> Seen<'a> {
        Seen {
            status,
            headers,
            body,
            latency_ms: 120,
            cert_expires_at: None,
            now: Utc::now(),
        }
    }

    #[test]
    fn each_kind_of_check_passes_and_fails_with_what_it_saw() {
        let headers = json!({"content-type": "application/json; charset=utf-8"})
            .as_object()
            .unwrap()
            .clone();
        let body = r#"{"data": {"items": [{"ok": true, "tags": ["a", "b"]}], "name": "chime"}}"#;
        let s = seen(200, &headers, body);
        let cases = [
            (json!({"status": "2xx"}), true, json!(200)),
            (json!({"status": [201, 204]}), false, json!(200)),
            (
                json!({"json": "data.items[0].ok", "equals": true}),
                true,
                json!(true),
            ),
            (
                json!({"json": "data.name", "contains": "hi"}),
                true,
                json!("chime"),
            ),
            (
                json!({"json": "data.items[0].tags", "contains": "c"}),
                false,
                json!(["a", "b"]),
            ),
            (
                json!({"json": "data.missing", "exists": false}),
                true,
                Value::Null,
            ),
            (
                json!({"json": "data.missing", "equals": 1}),
                false,
                Value::Null,
            ),
            (
                json!({"body_matches": "\"name\":\\s*\"ch"}),
                true,
                json!("\"name\": \"ch"),
            ),
            (
                json!({"header": "Content-Type", "matches": "json"}),
                true,
                json!("application/json; charset=utf-8"),
            ),
            (json!({"latency_ms_max": 100}), false, json!(120)),
            (json!({"cert_days_min": 14}), false, Value::Null),
        ];
        let items: Vec<Value> = cases.iter().map(|c| c.0.clone()).collect();
        parse_all(&Value::Array(items.clone())).unwrap();
        for (result, (item, passed, actual)) in run_all(&items, &s).iter().zip(cases) {
            assert_eq!(
                (&result.item, result.passed, &result.actual),
                (&item, passed, &actual),
                "{item}"
            );
        }
    }

    #[test]
    fn a_failed_check_says_why_in_words() {
        let headers = Map::new();
        let s = seen(503, &headers, r#"{"data": {"ok": false}}"#);
        let items = [
            json!({"status": [200, 204]}),
            json!({"json": "data.ok", "equals": true}),
            json!({"json": "data.price", "exists": true}),
            json!({"header": "x-build", "matches": "."}),
            json!({"latency_ms_max": 100}),
            json!({"cert_days_min": 14}),
        ];
        let results = run_all(&items, &s);
        assert_eq!(
            failures(&results).unwrap(),
            "check failed: status is 503, expected 200 or 204; data.ok is false, expected true; \
             data.price is missing; header x-build is missing; took 120 ms, more than 100 ms; \
             no TLS certificate to check (not https)"
        );
        assert_eq!(failures(&run_all(&[json!({"status": "5xx"})], &s)), None);
    }

    #[test]
    fn bad_checks_are_refused_on_their_field() {
        let field = |v: Value| parse_all(&v).unwrap_err().field;
        assert_eq!(field(json!({"status": 200})), "assert");
        assert_eq!(field(json!([{"status": "6xx"}])), "assert[0].status");
        assert_eq!(
            field(json!([{"status": "2xx"}, {"body_matches": "("}])),
            "assert[1].body_matches"
        );
        assert_eq!(field(json!([{"json": "a"}])), "assert[0]");
        assert_eq!(field(json!([{"colour": 1}])), "assert[0]");
        assert_eq!(
            field(json!([{"cert_days_min": -1}])),
            "assert[0].cert_days_min"
        );
    }
}
