//! Flags for what a job checks, tells and limits (SPEC 7.2-7.4): `--assert`,
//! the alert flags, `--overlap`, `--max-runs`, `--until` and `--quiet`, and
//! the `JobInput` fields they become.
//!
//! `--assert` has a small grammar, one check per flag:
//!
//! | flag | check |
//! |---|---|
//! | `status=2xx`, `status=200,204` | `{"status": "2xx"}`, `{"status": [200, 204]}` |
//! | `json:PATH=VALUE` | `{"json": PATH, "equals": VALUE}` |
//! | `json:PATH~VALUE` | `{"json": PATH, "contains": VALUE}` |
//! | `json:PATH?`, `json:PATH!` | `{"json": PATH, "exists": true}`, `false` |
//! | `body~REGEX` | `{"body_matches": REGEX}` |
//! | `header:NAME~REGEX` | `{"header": NAME, "matches": REGEX}` |
//! | `latency<MS` (or `800ms`, `2s`) | `{"latency_ms_max": MS}` |
//! | `cert>DAYS` (or `14d`, `14 days`) | `{"cert_days_min": DAYS}` |
//!
//! A VALUE that reads as JSON is that JSON (`true`, `3`, `"3"`, `[1]`), any
//! other is text (`ok`).

use chime_engine::alert::Channel;
use chime_engine::check::{AssertItem, StatusSet};
use chime_engine::limits::{Overlap, QuietAction};
use chime_engine::protocol::{AlertInput, JobInput, QuietHoursInput};
use chrono::{DateTime, NaiveTime, Utc};
use clap::Args;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::CliError;
use super::job::{is_local_time, parse_at, parse_zone};

const HEADING: &str = "Checks, alerts and limits";

#[derive(Debug, Clone, Default, Args)]
pub struct CheckFlags {
    /// A check every response must pass, or the attempt fails (repeat for
    /// more): status=2xx, status=200,204, json:PATH=VALUE, json:PATH~VALUE
    /// (contains), json:PATH? (exists), json:PATH! (absent), body~REGEX,
    /// header:NAME~REGEX, latency<MS, cert>DAYS.
    #[arg(long = "assert", value_name = "CHECK", help_heading = HEADING)]
    pub assert: Vec<String>,
    /// Alert (a notification, the webhook) once after N failed runs in a
    /// row, and once when it works again [default with any alert flag: 3].
    #[arg(long, value_name = "N", help_heading = HEADING)]
    pub alert_after: Option<u32>,
    /// Alert when a run's response (status and body) differs from the previous run's.
    #[arg(long, help_heading = HEADING)]
    pub on_change: bool,
    /// A path --on-change leaves out (repeat), such as body.generated_at or
    /// body.items.*.updated_at (headers are never compared).
    #[arg(long, value_name = "PATH", requires = "on_change", help_heading = HEADING)]
    pub change_ignore: Vec<String>,
    /// Where alerts go: desktop, webhook (repeat, or separate with commas) [default: both].
    #[arg(long, value_name = "CHANNEL", value_delimiter = ',',
          value_parser = ["desktop", "webhook"], help_heading = HEADING)]
    pub alert_channel: Vec<String>,
    /// What a run does when it comes due while the previous one still runs:
    /// allow (both run), skip, queue (waits), replace (the running one is cancelled).
    #[arg(long, value_name = "POLICY", value_parser = ["allow", "skip", "queue", "replace"],
          help_heading = HEADING)]
    pub overlap: Option<String>,
    /// The schedule disables itself after N runs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..),
          help_heading = HEADING)]
    pub max_runs: Option<u32>,
    /// No run after this time (written as for --at).
    #[arg(long, value_name = "TIME", help_heading = HEADING)]
    pub until: Option<String>,
    /// Quiet hours, FROM-TO on this machine's clock (or --tz): no run then.
    /// 22:00-07:00 spans midnight.
    #[arg(long, value_name = "FROM-TO", help_heading = HEADING)]
    pub quiet: Option<String>,
    /// What a run due in quiet hours does: skip (the default) or defer (it
    /// runs when they end).
    #[arg(long, value_name = "ACTION", value_parser = ["skip", "defer"], requires = "quiet",
          help_heading = HEADING)]
    pub quiet_action: Option<String>,
}

impl CheckFlags {
    pub fn is_set(&self) -> bool {
        !self.assert.is_empty()
            || self.wants_alert()
            || self.overlap.is_some()
            || self.max_runs.is_some()
            || self.until.is_some()
            || self.quiet.is_some()
    }

    /// True when `--tz` means something here: a local `--until`, `--quiet`.
    pub fn uses_tz(&self) -> bool {
        self.quiet.is_some() || self.until.as_deref().is_some_and(is_local_time)
    }

    fn wants_alert(&self) -> bool {
        self.alert_after.is_some() || self.on_change || !self.alert_channel.is_empty()
    }

    /// `assert`, `alert`, `overlap`, `max_runs`, `until`, `quiet_hours`, for
    /// those given; `zone` is `--tz`.
    pub fn apply(
        &self,
        input: &mut JobInput,
        zone: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), CliError> {
        if !self.assert.is_empty() {
            let items: Result<Vec<Value>, String> =
                self.assert.iter().map(|a| assert_item(a)).collect();
            input.assert = Some(items.map_err(CliError::Usage)?);
        }
        if self.wants_alert() {
            input.alert = Some(self.alert()?);
        }
        if let Some(overlap) = &self.overlap {
            input.overlap = Some(choice::<Overlap>("--overlap", overlap)?);
        }
        input.max_runs = self.max_runs;
        if let Some(until) = &self.until {
            input.until = Some(parse_at("--until", until, zone, now).map_err(CliError::Usage)?);
        }
        if let Some(quiet) = &self.quiet {
            input.quiet_hours = Some(self.quiet_hours(quiet, zone)?);
        }
        Ok(())
    }

    fn alert(&self) -> Result<AlertInput, CliError> {
        let channels = self
            .alert_channel
            .iter()
            .map(|c| choice::<Channel>("--alert-channel", c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AlertInput {
            after_failures: self.alert_after,
            on_change: self.on_change.then_some(true),
            change_ignore: (!self.change_ignore.is_empty()).then(|| self.change_ignore.clone()),
            channels: (!channels.is_empty()).then_some(channels),
            on_recovery: None,
        })
    }

    /// `--quiet 22:00-07:00`, in `--tz` or else this machine's zone (the
    /// schedule's own zone when the machine's cannot be told).
    fn quiet_hours(&self, text: &str, zone: Option<&str>) -> Result<QuietHoursInput, CliError> {
        let bad = || {
            CliError::Usage(format!(
                "--quiet {text}: write FROM-TO as hours and minutes, such as 22:00-07:00"
            ))
        };
        let (from, to) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map(|t| t.format("%H:%M").to_string())
                .map_err(|_| bad())
        };
        let timezone = match zone {
            Some(name) => Some(
                parse_zone(name)
                    .map_err(CliError::Usage)?
                    .name()
                    .to_string(),
            ),
            None => iana_time_zone::get_timezone().ok(),
        };
        let action = match &self.quiet_action {
            Some(a) => Some(choice::<QuietAction>("--quiet-action", a)?),
            None => None,
        };
        Ok(QuietHoursInput {
            from: time(from)?,
            to: time(to)?,
            timezone,
            action,
        })
    }
}

/// A word of the contract (`skip`, `desktop`) as its typed value; the flag
/// lists the words, so a wrong one is named with them.
fn choice<T: DeserializeOwned>(flag: &str, word: &str) -> Result<T, CliError> {
    serde_json::from_value(Value::String(word.to_string()))
        .map_err(|_| CliError::Usage(format!("{flag}: `{word}` is not one of its choices")))
}

/// One `--assert` check (see the module's table), as the API's `assert` item.
fn assert_item(text: &str) -> Result<Value, String> {
    let item = read_check(text.trim()).map_err(|why| format!("--assert {text}: {why}"))?;
    serde_json::to_value(item).map_err(|e| format!("--assert {text}: {e}"))
}

fn read_check(text: &str) -> Result<AssertItem, String> {
    if let Some(statuses) = text.strip_prefix("status=") {
        return status(statuses).map(|status| AssertItem::Status { status });
    }
    if let Some(rest) = text.strip_prefix("json:") {
        return json_check(rest);
    }
    if let Some(regex) = text.strip_prefix("body~") {
        return Ok(AssertItem::BodyMatches {
            body_matches: regex.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("header:") {
        let (name, regex) = rest
            .split_once('~')
            .filter(|(name, _)| !name.trim().is_empty())
            .ok_or("write header:NAME~REGEX, such as header:content-type~json")?;
        return Ok(AssertItem::Header {
            header: name.trim().to_string(),
            matches: regex.to_string(),
        });
    }
    if let Some(limit) = at_most(text, "latency<") {
        let latency_ms_max = milliseconds(limit)
            .ok_or("write latency<MS, such as latency<800, latency<800ms or latency<2s")?;
        return Ok(AssertItem::LatencyMax { latency_ms_max });
    }
    if let Some(days) = at_most(text, "cert>") {
        let cert_days_min = whole_days(days)
            .ok_or("write cert>DAYS, such as cert>14 or cert>14d (the certificate's days left)")?;
        return Ok(AssertItem::CertDaysMin { cert_days_min });
    }
    Err(
        "not a check; write status=2xx, status=200,204, json:PATH=VALUE, json:PATH~VALUE, \
         json:PATH?, json:PATH!, body~REGEX, header:NAME~REGEX, latency<MS or cert>DAYS"
            .into(),
    )
}

/// What follows `prefix` (`latency<`), with or without `=` after it: the
/// bound is inclusive either way, as the check is.
fn at_most<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?;
    Some(rest.strip_prefix('=').unwrap_or(rest).trim())
}

/// `2xx`, `200`, `200,204`.
fn status(text: &str) -> Result<StatusSet, String> {
    let text = text.trim();
    if let Some(class) = text.strip_suffix("xx") {
        return match class.parse::<u16>() {
            Ok(1..=5) => Ok(StatusSet::Class(text.to_string())),
            _ => Err("a class of statuses is 1xx to 5xx".into()),
        };
    }
    let codes = text
        .split(',')
        .map(|c| {
            c.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..600).contains(c))
        })
        .collect::<Option<Vec<u16>>>()
        .ok_or("write status=2xx or statuses from 100 to 599, such as status=200,204")?;
    Ok(match codes.as_slice() {
        [one] => StatusSet::One(*one),
        _ => StatusSet::List(codes),
    })
}

/// `PATH=VALUE`, `PATH~VALUE`, `PATH?`, `PATH!`.
fn json_check(rest: &str) -> Result<AssertItem, String> {
    let item = |path: &str, equals, contains, exists| {
        if path.trim().is_empty() {
            return Err("the JSON path is empty; write json:data.items[0].ok=true".to_string());
        }
        Ok(AssertItem::Json {
            json: path.trim().to_string(),
            equals,
            contains,
            exists,
        })
    };
    match rest.find(['=', '~']) {
        Some(at) if rest[at..].starts_with('=') => {
            item(&rest[..at], Some(json_or_text(&rest[at + 1..])), None, None)
        }
        Some(at) => item(&rest[..at], None, Some(json_or_text(&rest[at + 1..])), None),
        None => match (rest.strip_suffix('?'), rest.strip_suffix('!')) {
            (Some(path), _) => item(path, None, None, Some(true)),
            (_, Some(path)) => item(path, None, None, Some(false)),
            _ => Err("write json:PATH=VALUE, json:PATH~VALUE, json:PATH? or json:PATH!".into()),
        },
    }
}

/// `true`, `3`, `"3"` and `[1]` are JSON; `ok` is the text "ok".
fn json_or_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// `800`, `800ms`, `2s`, `1.5s`.
fn milliseconds(text: &str) -> Option<u64> {
    let (number, scale) = match text.strip_suffix("ms") {
        Some(n) => (n, 1.0),
        None => match text.strip_suffix('s') {
            Some(n) => (n, 1000.0),
            None => (text, 1.0),
        },
    };
    let ms = number.trim().parse::<f64>().ok()? * scale;
    (ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0).then_some(ms as u64)
}

/// `14`, `14d`, `14 days`.
fn whole_days(text: &str) -> Option<u32> {
    let number = ["days", "day", "d"]
        .iter()
        .find_map(|unit| text.strip_suffix(unit))
        .unwrap_or(text);
    number.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(text: &str) -> Value {
        assert_item(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_kind_of_check_has_a_short_form() {
        let cases = [
            ("status=2xx", json!({"status": "2xx"})),
            ("status=200", json!({"status": 200})),
            ("status=200,204", json!({"status": [200, 204]})),
            (
                "json:data.ok=true",
                json!({"json": "data.ok", "equals": true}),
            ),
            (
                "json:data.id=\"3\"",
                json!({"json": "data.id", "equals": "3"}),
            ),
            (
                "json:data.state=ok",
                json!({"json": "data.state", "equals": "ok"}),
            ),
            (
                "json:data.tags~urgent",
                json!({"json": "data.tags", "contains": "urgent"}),
            ),
            (
                "json:data.items[0].price?",
                json!({"json": "data.items[0].price", "exists": true}),
            ),
            (
                "json:data.error!",
                json!({"json": "data.error", "exists": false}),
            ),
            (
                "body~\"ok\":\\s*true",
                json!({"body_matches": "\"ok\":\\s*true"}),
            ),
            (
                "header:Content-Type~json",
                json!({"header": "Content-Type", "matches": "json"}),
            ),
            ("latency<800", json!({"latency_ms_max": 800})),
            ("latency<=800ms", json!({"latency_ms_max": 800})),
            ("latency<2s", json!({"latency_ms_max": 2000})),
            ("cert>14", json!({"cert_days_min": 14})),
            ("cert>=14 days", json!({"cert_days_min": 14})),
            ("cert>30d", json!({"cert_days_min": 30})),
        ];
        for (text, item) in cases {
            assert_eq!(check(text), item, "{text}");
        }
    }

    #[test]
    fn a_wrong_check_names_the_flag_and_says_what_to_write() {
        let cases = [
            ("status=6xx", "1xx to 5xx"),
            ("status=200,abc", "statuses from 100 to 599"),
            ("json:=1", "the JSON path is empty"),
            ("json:data.ok", "json:PATH=VALUE"),
            ("header:~json", "header:NAME~REGEX"),
            ("latency<fast", "latency<MS"),
            ("cert>soon", "cert>DAYS"),
            ("content-type=json", "not a check"),
        ];
        for (text, expected) in cases {
            let err = assert_item(text).unwrap_err();
            assert!(err.starts_with(&format!("--assert {text}: ")), "{err}");
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn the_flags_fill_the_typed_contract() {
        let flags = CheckFlags {
            assert: vec!["status=2xx".into()],
            alert_after: Some(3),
            on_change: true,
            change_ignore: vec!["headers.date".into()],
            overlap: Some("skip".into()),
            max_runs: Some(10),
            until: Some("2030-01-01T00:00:00Z".into()),
            quiet: Some("22:00-7:00".into()),
            quiet_action: Some("defer".into()),
            ..CheckFlags::default()
        };
        let mut input = JobInput::default();
        flags
            .apply(&mut input, Some("Europe/Berlin"), Utc::now())
            .unwrap();
        let value = serde_json::to_value(&input).unwrap();
        assert_eq!(value["assert"], json!([{"status": "2xx"}]));
        assert_eq!(
            value["alert"],
            json!({"after_failures": 3, "on_change": true, "change_ignore": ["headers.date"]})
        );
        assert_eq!(value["overlap"], "skip");
        assert_eq!(value["max_runs"], 10);
        assert_eq!(value["until"], "2030-01-01T00:00:00Z");
        assert_eq!(
            value["quiet_hours"],
            json!({"from": "22:00", "to": "07:00", "timezone": "Europe/Berlin", "action": "defer"})
        );
    }

    #[test]
    fn quiet_hours_must_be_two_clock_times() {
        let flags = |q: &str| CheckFlags {
            quiet: Some(q.into()),
            ..CheckFlags::default()
        };
        for bad in ["22-7", "22:00", "late-early", "25:00-07:00"] {
            let err = flags(bad)
                .apply(&mut JobInput::default(), None, Utc::now())
                .unwrap_err();
            assert!(
                err.message()
                    .starts_with(&format!("--quiet {bad}: write FROM-TO")),
                "{}",
                err.message()
            );
        }
    }
}
