//! The wire: the envelopes, request bodies and answers of the API that are
//! not domain types of their own, exported to TypeScript with ts-rs (into
//! ui/src/api/generated) so the UI and the CLI speak them as typed values.
//! The domain types that cross the wire (JobView, ScheduleView, Event and
//! its payloads, Settings, Calendar, Status) are exported where they live.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::alert::Channel;
use crate::draft::CatchUp;
use crate::limits::{Overlap, QuietAction};
use crate::request::Method;
use crate::retry::Backoff;
use crate::settings::Settings;

/// booper's envelope for one object: `{"data": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Data<T> {
    pub data: T,
}

impl<T> Data<T> {
    pub fn new(data: T) -> Data<T> {
        Data { data }
    }
}

/// A page of a list: `{"data": [...], "limit", "offset", "total"}`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub limit: i64,
    pub offset: i64,
    /// How many match in all.
    pub total: i64,
}

/// `GET /api/logs`: events, newest first unless `after` asks for the
/// following ones (then oldest first).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LogPage<T> {
    pub data: Vec<T>,
    pub limit: i64,
}

/// Every refusal: `{"error": {"code", "field", "message"}}`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorDetail {
    /// `invalid`, `malformed`, `unauthorized`, `forbidden_host`, `not_found`,
    /// `conflict`, `too_large`, `disk_full`, `storage_unavailable`,
    /// `database_damaged` or `internal` (docs/api.md).
    pub code: String,
    /// The field at fault, dotted for nested ones (`retry.max_attempts`).
    pub field: Option<String>,
    /// What is wrong, starting with the field's name.
    pub message: String,
}

/// `GET /api/settings`: the settings, and the API key beside them (the key
/// lives in its own file, not among the settings).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SettingsAnswer {
    #[serde(flatten)]
    #[ts(flatten)]
    pub settings: Settings,
    pub api_key: String,
}

/// `POST /api/schedules/preview`: a rule in words, its next runs (RFC 3339
/// with the zone's offset) and notes, daylight saving among them.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewAnswer {
    pub description: String,
    pub next: Vec<String>,
    pub notes: Vec<String>,
}

impl From<crate::rule::Preview> for PreviewAnswer {
    fn from(p: crate::rule::Preview) -> PreviewAnswer {
        PreviewAnswer {
            description: p.description,
            next: p
                .next
                .iter()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
                .collect(),
            notes: p.notes,
        }
    }
}

/// `GET /api/jobs/{id}/curl`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CurlExport {
    pub curl: String,
}

/// `POST /api/import/curl`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CurlCommand {
    pub command: String,
}

/// `POST /api/echo`: the request as it arrived.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Echo {
    pub method: String,
    pub path: String,
    pub query: Map<String, Value>,
    pub headers: Map<String, Value>,
    pub body: Value,
}

/// A duration as a request body gives it: seconds, `[n, "unit"]`, or
/// `"30 seconds"` / `"5m"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum DurationInput {
    Seconds(f64),
    Pair(f64, String),
    Text(String),
}

/// An instant as a request body gives it: RFC 3339 with an offset, or unix
/// seconds (fractions allowed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum InstantInput {
    Unix(f64),
    Text(String),
}

/// A query value: arrays repeat the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum QueryValue {
    One(Scalar),
    Many(Vec<Scalar>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Scalar {
    Text(String),
    Number(f64),
    Flag(bool),
}

/// `retry` as a request body gives it; each member optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RetryInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub backoff: Option<Backoff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub base: Option<DurationInput>,
}

/// The body of `POST /api/jobs` as JSON: booper's fields and ours (SPEC
/// section 1). A form-encoded body reads into the same shape. The engine
/// reads it field by field for errors that name the field; what the UI and
/// the CLI build is this type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JobInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub method: Option<Method>,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub query: Option<std::collections::BTreeMap<String, QueryValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub schedule_in: Option<DurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub scheduled_at: Option<InstantInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub repeat_every: Option<DurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cron: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub callback_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub webhook_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timeout: Option<DurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry: Option<RetryInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub catch_up: Option<CatchUp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub state: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub inject_fields: Option<bool>,
    /// Checks every response must pass (SPEC 7.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<Vec<crate::check::AssertItem>>", optional)]
    pub assert: Option<Vec<Value>>,
    /// What a schedule tells its user (SPEC 7.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub alert: Option<AlertInput>,
    /// What a run does while the schedule's previous one executes (SPEC 7.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub overlap: Option<Overlap>,
    /// The schedule disables itself after this many runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_runs: Option<u32>,
    /// No run after this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub until: Option<InstantInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quiet_hours: Option<QuietHoursInput>,
    /// A schedule's catch-up runs wait this long for the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub network_wait: Option<DurationInput>,
}

/// `alert` as asked: what is left out takes its default (after 3 failures,
/// on recovery, no change detection, both channels).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AlertInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after_failures: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub on_recovery: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub on_change: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub change_ignore: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub channels: Option<Vec<Channel>>,
}

/// `quiet_hours` as asked: the zone is the schedule's, and the action
/// `skip`, unless given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct QuietHoursInput {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub action: Option<QuietAction>,
}

/// `POST /api/schedules/{id}/disable`: paused until a time, else until enabled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DisableInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub until: Option<InstantInput>,
}

/// `POST /api/schedules/preview`: a rule to describe, with `count` next runs
/// (1 to 100, default 10) from `from` (default now).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cron: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub repeat_every: Option<DurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<InstantInput>,
    /// The zone the viewer sees times in (the machine's): when it is not the
    /// rule's, a note says what the next run is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub display_zone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{self, Policy};

    /// What the UI and the CLI build as a `JobInput` is what the engine takes.
    #[test]
    fn every_job_input_field_is_one_the_engine_reads() {
        let input = JobInput {
            method: Some(Method::Post),
            url: "https://example.test/hook".into(),
            query: Some(
                [(
                    "tag".into(),
                    QueryValue::Many(vec![Scalar::Text("a".into()), Scalar::Number(2.0)]),
                )]
                .into(),
            ),
            headers: Some([("X-Key".into(), "k".into())].into()),
            body: Some(serde_json::json!({"a": 1})),
            scheduled_at: Some(InstantInput::Text("2030-01-01T09:00:00+01:00".into())),
            repeat_every: Some(DurationInput::Pair(5.0, "minutes".into())),
            timezone: Some("Europe/Berlin".into()),
            idempotency_key: Some("k1".into()),
            callback_url: Some("https://example.test/cb".into()),
            webhook_url: Some("https://example.test/wh".into()),
            name: Some("n".into()),
            description: Some("d".into()),
            timeout: Some(DurationInput::Text("10s".into())),
            retry: Some(RetryInput {
                max_attempts: Some(5),
                backoff: Some(Backoff::Fixed),
                base: Some(DurationInput::Seconds(2.0)),
            }),
            catch_up: Some(CatchUp::All),
            state: Some(Map::new()),
            inject_fields: Some(false),
            network_wait: Some(DurationInput::Seconds(10.0)),
            assert: Some(vec![serde_json::json!({"status": "2xx"})]),
            alert: Some(AlertInput {
                after_failures: Some(2),
                channels: Some(vec![Channel::Desktop]),
                ..AlertInput::default()
            }),
            overlap: Some(Overlap::Queue),
            max_runs: Some(10),
            until: Some(InstantInput::Text("2031-01-01T00:00:00Z".into())),
            quiet_hours: Some(QuietHoursInput {
                from: "22:00".into(),
                to: "07:00".into(),
                timezone: None,
                action: Some(QuietAction::Defer),
            }),
            ..JobInput::default()
        };
        let value = serde_json::to_value(&input).unwrap();
        let fields = value.as_object().unwrap().len();
        assert_eq!(
            fields, 25,
            "every field but schedule_in and cron, which exclude others"
        );
        let now = chrono::Utc::now();
        let draft = draft::parse(&value, Policy::default(), now).unwrap();
        assert_eq!(draft.options.retry.max_attempts, 5);
        assert!(draft.rule.is_some());
        assert_eq!(draft.options.network_wait_ms, Some(10_000));
        assert_eq!(draft.options.alert.unwrap().after_failures, 2);
        assert_eq!(draft.options.overlap, Overlap::Queue);
        assert_eq!(
            draft.options.quiet_hours.unwrap().timezone,
            "Europe/Berlin",
            "quiet hours keep the schedule's zone"
        );
        let cron = JobInput {
            url: "https://example.test/".into(),
            schedule_in: Some(DurationInput::Seconds(30.0)),
            cron: Some("0 9 * * 1-5".into()),
            ..JobInput::default()
        };
        draft::parse(
            &serde_json::to_value(&cron).unwrap(),
            Policy::default(),
            now,
        )
        .unwrap();
    }
}
