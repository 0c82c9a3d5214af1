//! Alerts (SPEC 7.3): what a schedule tells its user, and where. A run of
//! failures past a threshold is told once (`schedule.failing`), the first
//! success after it once (`schedule.recovered`), and with `on_change` a
//! response that differs from the last run's (`job.changed`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FieldError;

/// A schedule's `alert`, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Alert {
    /// Failed runs in a row that make the schedule `failing`; 0 never does.
    pub after_failures: u32,
    /// Tell the first success after failing.
    pub on_recovery: bool,
    /// Compare each response with the last run's, and tell a difference.
    pub on_change: bool,
    /// Paths the comparison ignores, such as `body.generated_at`. Only the
    /// status and the body are compared, never the headers (a `Date` or a
    /// request id would make every run a change), so `headers.date` (SPEC
    /// 7.3's example) is accepted and changes nothing.
    pub change_ignore: Vec<String>,
    pub channels: Vec<Channel>,
}

/// Where an alert goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Channel {
    /// A desktop notification (the app; `chime serve` logs it).
    Desktop,
    /// The job's `webhook_url`, signed like every other event.
    Webhook,
}

const DEFAULT_AFTER_FAILURES: u32 = 3;
const MAX_AFTER_FAILURES: u32 = 1_000;
const MAX_IGNORED: usize = 100;

impl Alert {
    pub fn wants(&self, channel: Channel) -> bool {
        self.channels.contains(&channel)
    }
}

/// Reads `alert`. Left out, a member takes its default: after 3 failures,
/// on recovery, no change detection, both channels.
pub fn parse(value: &Value) -> Result<Alert, FieldError> {
    let obj = value.as_object().ok_or_else(|| {
        FieldError::new(
            "alert",
            "must be an object such as {\"after_failures\": 3, \"on_recovery\": true}",
        )
    })?;
    const KNOWN: &[&str] = &[
        "after_failures",
        "on_recovery",
        "on_change",
        "change_ignore",
        "channels",
    ];
    if let Some(unknown) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("alert.{unknown}"),
            format!("is not an alert setting; use {}", KNOWN.join(", ")),
        ));
    }
    Ok(Alert {
        after_failures: match present(obj, "after_failures") {
            None => DEFAULT_AFTER_FAILURES,
            Some(v) => crate::forgiving::as_whole(v)
                .filter(|n| *n <= u64::from(MAX_AFTER_FAILURES))
                .map(|n| n as u32)
                .ok_or_else(|| {
                    FieldError::new(
                        "alert.after_failures",
                        format!("must be a whole number from 0 (never) to {MAX_AFTER_FAILURES}"),
                    )
                })?,
        },
        on_recovery: flag(obj, "on_recovery", true)?,
        on_change: flag(obj, "on_change", false)?,
        change_ignore: ignored_paths(present(obj, "change_ignore"))?,
        channels: channels(present(obj, "channels"))?,
    })
}

fn present<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

fn flag(obj: &Map<String, Value>, name: &str, default: bool) -> Result<bool, FieldError> {
    match present(obj, name) {
        None => Ok(default),
        Some(v) => crate::forgiving::as_bool(v)
            .ok_or_else(|| FieldError::new(format!("alert.{name}"), "must be true or false")),
    }
}

fn ignored_paths(value: Option<&Value>) -> Result<Vec<String>, FieldError> {
    let bad = || {
        FieldError::new(
            "alert.change_ignore",
            format!("must be a list of up to {MAX_IGNORED} paths such as [\"body.generated_at\"]"),
        )
    };
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = value
        .as_array()
        .filter(|a| a.len() <= MAX_IGNORED)
        .ok_or_else(bad)?;
    items
        .iter()
        .map(|p| {
            p.as_str()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .ok_or_else(bad)
        })
        .collect()
}

fn channels(value: Option<&Value>) -> Result<Vec<Channel>, FieldError> {
    let bad = || {
        FieldError::new(
            "alert.channels",
            "must be a list of \"desktop\" and \"webhook\"",
        )
    };
    let Some(value) = value else {
        return Ok(vec![Channel::Desktop, Channel::Webhook]);
    };
    let mut out = Vec::new();
    for item in value.as_array().ok_or_else(bad)? {
        let channel = match item.as_str() {
            Some("desktop") => Channel::Desktop,
            Some("webhook") => Channel::Webhook,
            _ => return Err(bad()),
        };
        if !out.contains(&channel) {
            out.push(channel);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_alert_takes_defaults_for_what_it_leaves_out() {
        assert_eq!(
            parse(&json!({})).unwrap(),
            Alert {
                after_failures: 3,
                on_recovery: true,
                on_change: false,
                change_ignore: vec![],
                channels: vec![Channel::Desktop, Channel::Webhook],
            }
        );
        let a = parse(&json!({"after_failures": "5", "on_change": true,
            "change_ignore": ["headers.date"], "channels": ["webhook"]}))
        .unwrap();
        assert_eq!(
            (a.after_failures, a.on_change, a.channels),
            (5, true, vec![Channel::Webhook])
        );
    }

    #[test]
    fn a_bad_alert_names_its_member() {
        let field = |v: Value| parse(&v).unwrap_err().field;
        assert_eq!(field(json!(3)), "alert");
        assert_eq!(field(json!({"after_failures": -1})), "alert.after_failures");
        assert_eq!(field(json!({"on_change": "maybe"})), "alert.on_change");
        assert_eq!(field(json!({"channels": ["email"]})), "alert.channels");
        assert_eq!(
            field(json!({"change_ignore": "date"})),
            "alert.change_ignore"
        );
        assert_eq!(field(json!({"after_failure": 3})), "alert.after_failure");
    }
}
