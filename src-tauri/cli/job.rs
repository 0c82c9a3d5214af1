//! Flags that describe a job (`chime run`, `chime import-curl`) and the
//! `POST /api/jobs` fields they become, as the typed `JobInput`. The API
//! checks every field; the CLI only reads what the API cannot see: local
//! times, files, key=value pairs.

use std::collections::BTreeMap;
use std::io::Read;

use chime_engine::protocol::{DurationInput, InstantInput, JobInput, QueryValue, Scalar};
use chrono::{DateTime, FixedOffset, Local, NaiveDateTime, NaiveTime, TimeZone, Utc};
use clap::Args;
use serde_json::Value;

use super::client::CliError;
use super::data;

/// The request: body, headers, query.
#[derive(Debug, Clone, Default, Args)]
pub struct RequestFlags {
    /// A body field: key=value (a string) or key:=JSON (number, true, [..], {..}).
    /// Dotted and bracket keys nest (user.name=x, 'user[name]=x'); 'tags[]=x' appends.
    #[arg(long, short = 'd', value_name = "KEY=VALUE", help_heading = "Request")]
    pub data: Vec<String>,
    /// The whole body as JSON; @FILE reads it from a file, - from stdin.
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "data",
        help_heading = "Request"
    )]
    pub json: Option<String>,
    /// A request header, 'Name: value' (repeat for more).
    #[arg(
        long,
        short = 'H',
        value_name = "NAME: VALUE",
        help_heading = "Request"
    )]
    pub header: Vec<String>,
    /// A query parameter, key=value (repeat a key for a list).
    #[arg(long, short = 'q', value_name = "KEY=VALUE", help_heading = "Request")]
    pub query: Vec<String>,
}

/// When: once (now, in, at) and how often (every, cron).
#[derive(Debug, Clone, Default, Args)]
pub struct WhenFlags {
    /// First run after this long: '30 seconds', 5m, '2 hours', 90 (seconds).
    #[arg(long = "in", value_name = "DURATION", help_heading = "When")]
    pub in_: Option<String>,
    /// First run at this time: 2026-12-01T09:00:00Z (RFC 3339), '2026-12-01 09:00'
    /// or 09:00 (local time, or --tz; 09:00 is the next one), or a unix timestamp.
    #[arg(
        long,
        value_name = "TIME",
        conflicts_with = "in_",
        help_heading = "When"
    )]
    pub at: Option<String>,
    /// Send it now (what `chime run` does without --in or --at).
    #[arg(long, conflicts_with_all = ["in_", "at"], help_heading = "When")]
    pub now: bool,
    /// Repeat at this interval (a schedule): '5 minutes', 1h, '1 day'.
    #[arg(long, value_name = "DURATION", help_heading = "When")]
    pub every: Option<String>,
    /// Repeat on a cron rule (a schedule): '0 9 * * 1-5', @daily.
    #[arg(
        long,
        value_name = "EXPR",
        conflicts_with = "every",
        help_heading = "When"
    )]
    pub cron: Option<String>,
    /// Time zone for --cron (default UTC, as booper) and for a local --at time
    /// (default this machine's): an IANA name such as Europe/Berlin.
    #[arg(long, value_name = "ZONE", help_heading = "When")]
    pub tz: Option<String>,
}

/// For people and for receivers of the job's results.
#[derive(Debug, Clone, Default, Args)]
pub struct JobFlags {
    /// A name for the job (and its schedule).
    #[arg(long, value_name = "NAME", help_heading = "Job")]
    pub name: Option<String>,
    /// While a job with this key has not run, another with the same key is not created.
    #[arg(long, value_name = "KEY", help_heading = "Job")]
    pub idempotency_key: Option<String>,
    /// URL that receives the result of each run.
    #[arg(long, value_name = "URL", help_heading = "Job")]
    pub callback: Option<String>,
    /// URL that receives every event of the job.
    #[arg(long, value_name = "URL", help_heading = "Job")]
    pub webhook: Option<String>,
}

impl RequestFlags {
    /// `body`, `headers` and `query`, for those given.
    pub fn apply(&self, input: &mut JobInput) -> Result<(), CliError> {
        if let Some(json) = &self.json {
            input.body = Some(json_body(json)?);
        } else if !self.data.is_empty() {
            input.body = Some(data::body_from_pairs(&self.data).map_err(CliError::Usage)?);
        }
        if !self.header.is_empty() {
            input.headers = Some(headers(&self.header)?);
        }
        if !self.query.is_empty() {
            input.query = Some(query(&self.query)?);
        }
        Ok(())
    }
}

/// `--json '{...}'`, `--json @body.json` or `--json -` (stdin).
fn json_body(arg: &str) -> Result<Value, CliError> {
    let text = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Usage(format!("--json -: cannot read stdin: {e}")))?;
        text
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("--json {arg}: cannot read {path}: {e}")))?
    } else {
        arg.to_string()
    };
    serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "--json: the body is not JSON ({e}); for key=value fields use --data"
        ))
    })
}

/// `Name: value` pairs; a repeated name gets its values joined with ", ", as HTTP allows.
fn headers(lines: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut headers = BTreeMap::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .map(|(n, v)| (n.trim(), v.trim()))
            .filter(|(n, _)| !n.is_empty())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--header {line}: write it as 'Name: value', quoted"
                ))
            })?;
        headers
            .entry(name.to_string())
            .and_modify(|existing: &mut String| {
                existing.push_str(", ");
                existing.push_str(value);
            })
            .or_insert_with(|| value.to_string());
    }
    Ok(headers)
}

/// `key=value` pairs; a repeated key becomes a list (the API repeats it in the URL).
fn query(pairs: &[String]) -> Result<BTreeMap<String, QueryValue>, CliError> {
    let mut query = BTreeMap::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| CliError::Usage(format!("--query {pair}: write it as key=value")))?;
        let value = Scalar::Text(value.to_string());
        let slot = query
            .entry(key.to_string())
            .or_insert_with(|| QueryValue::Many(Vec::new()));
        if let QueryValue::Many(values) = slot {
            values.push(value);
        }
    }
    // A key given once is one value, as a person wrote it.
    for value in query.values_mut() {
        if let QueryValue::Many(values) = value {
            if values.len() == 1 {
                *value = QueryValue::One(values.remove(0));
            }
        }
    }
    Ok(query)
}

impl WhenFlags {
    /// True when any of them is given: `import-curl` then creates the job.
    pub fn is_set(&self) -> bool {
        self.in_.is_some()
            || self.at.is_some()
            || self.now
            || self.every.is_some()
            || self.cron.is_some()
    }

    /// `--tz` given where nothing reads it is a mistake worth saying: it
    /// applies to a cron rule, a local `--at`, and (`elsewhere`) the job's
    /// local `--until` and `--quiet` hours.
    pub fn check_tz(&self, elsewhere: bool) -> Result<(), CliError> {
        let used = self.cron.is_some() || self.at.as_deref().is_some_and(is_local_time);
        if self.tz.is_some() && !used && !elsewhere {
            return Err(CliError::Usage(
                "--tz: applies to --cron, to a local --at or --until time and to --quiet; \
                 give one of them"
                    .into(),
            ));
        }
        Ok(())
    }

    /// `schedule_in` | `scheduled_at`, `repeat_every` | `cron` (+ `timezone`).
    pub fn apply(&self, input: &mut JobInput, now: DateTime<Utc>) -> Result<(), CliError> {
        if let Some(d) = &self.in_ {
            input.schedule_in = Some(duration(d));
        }
        if let Some(at) = &self.at {
            let at = parse_at("--at", at, self.tz.as_deref(), now).map_err(CliError::Usage)?;
            input.scheduled_at = Some(at);
        }
        if let Some(d) = &self.every {
            input.repeat_every = Some(duration(d));
        }
        if let Some(cron) = &self.cron {
            input.cron = Some(cron.clone());
            input.timezone = self.tz.clone();
        }
        Ok(())
    }
}

impl JobFlags {
    pub fn is_set(&self) -> bool {
        self.name.is_some()
            || self.idempotency_key.is_some()
            || self.callback.is_some()
            || self.webhook.is_some()
    }

    pub fn apply(&self, input: &mut JobInput) {
        input.name.clone_from(&self.name);
        input.idempotency_key.clone_from(&self.idempotency_key);
        input.callback_url.clone_from(&self.callback);
        input.webhook_url.clone_from(&self.webhook);
    }
}

/// A plain number is seconds; anything else ('30 seconds', 5m) goes to the API as text.
fn duration(text: &str) -> DurationInput {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() => DurationInput::Seconds(seconds),
        _ => DurationInput::Text(text.to_string()),
    }
}

const NAIVE_FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];
const CLOCK_FORMATS: [&str; 2] = ["%H:%M:%S", "%H:%M"];

pub fn is_local_time(text: &str) -> bool {
    let text = text.trim();
    NAIVE_FORMATS
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(text, f).is_ok())
        || CLOCK_FORMATS
            .iter()
            .any(|f| NaiveTime::parse_from_str(text, f).is_ok())
}

/// A time flag (`--at`, `--until`): an RFC 3339 time or a unix timestamp
/// goes to the API as given; a local date-time, or a clock time (the next
/// one), is read in `zone` (else this machine's zone) and sent with its
/// offset, since the API rightly refuses a time without one. `flag` names
/// the flag in errors.
pub fn parse_at(
    flag: &str,
    text: &str,
    zone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InstantInput, String> {
    let text = text.trim();
    if let Some(seconds) = text.parse::<f64>().ok().filter(|s| s.is_finite()) {
        return Ok(InstantInput::Unix(seconds));
    }
    if DateTime::parse_from_rfc3339(text).is_ok() {
        return Ok(InstantInput::Text(text.to_string()));
    }
    let local = match zone {
        Some(name) => read_local(flag, text, &parse_zone(name)?, now)?,
        None => read_local(flag, text, &Local, now)?,
    };
    Ok(InstantInput::Text(local.to_rfc3339()))
}

/// `--tz`: an IANA zone name.
pub fn parse_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.parse().map_err(|_| {
        format!("--tz: unknown time zone `{name}`; use an IANA name such as Europe/Berlin")
    })
}

fn read_local<Z: TimeZone>(
    flag: &str,
    text: &str,
    zone: &Z,
    now: DateTime<Utc>,
) -> Result<DateTime<FixedOffset>, String> {
    if let Some(naive) = NAIVE_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        return localize(flag, naive, zone, text);
    }
    if let Some(time) = CLOCK_FORMATS
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(text, f).ok())
    {
        let today = now.with_timezone(zone).date_naive();
        let at = localize(flag, today.and_time(time), zone, text)?;
        if at > now {
            return Ok(at);
        }
        let tomorrow = today
            .succ_opt()
            .ok_or_else(|| format!("{flag}: the date is out of range"))?;
        return localize(flag, tomorrow.and_time(time), zone, text);
    }
    Err(format!(
        "{flag}: cannot read `{text}` as a time; write 2026-12-01T09:00:00Z (RFC 3339), \
         '2026-12-01 09:00' or 09:00 (local time; 09:00 is the next one), or a unix timestamp"
    ))
}

/// A local wall-clock time in `zone`; in an autumn overlap, the first of the two.
fn localize<Z: TimeZone>(
    flag: &str,
    naive: NaiveDateTime,
    zone: &Z,
    text: &str,
) -> Result<DateTime<FixedOffset>, String> {
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| {
            format!("{flag}: {text} does not exist in that time zone (the clocks skip it)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn text(t: &str) -> InstantInput {
        InstantInput::Text(t.into())
    }

    #[test]
    fn rfc3339_and_timestamps_pass_through() {
        let now = utc("2026-11-29T08:00:00Z");
        assert_eq!(
            parse_at("--at", "2026-12-01T09:00:00+01:00", None, now).unwrap(),
            text("2026-12-01T09:00:00+01:00")
        );
        assert_eq!(
            parse_at("--at", "1780000000", None, now).unwrap(),
            InstantInput::Unix(1780000000.0)
        );
        assert_eq!(
            parse_at("--at", "1780000000.5", None, now).unwrap(),
            InstantInput::Unix(1780000000.5)
        );
    }

    #[test]
    fn local_times_get_the_zones_offset() {
        let now = utc("2026-11-29T08:00:00Z");
        let at = parse_at("--at", "2026-12-01 09:00", Some("Europe/Berlin"), now).unwrap();
        assert_eq!(at, text("2026-12-01T09:00:00+01:00"));
        let summer = parse_at("--at", "2026-07-01T09:00:30", Some("Europe/Berlin"), now).unwrap();
        assert_eq!(summer, text("2026-07-01T09:00:30+02:00"));
    }

    #[test]
    fn a_clock_time_is_the_next_one() {
        // 08:00 UTC is 09:00 in Berlin: 10:00 is today, 08:30 is tomorrow.
        let now = utc("2026-11-29T08:00:00Z");
        assert_eq!(
            parse_at("--at", "10:00", Some("Europe/Berlin"), now).unwrap(),
            text("2026-11-29T10:00:00+01:00")
        );
        assert_eq!(
            parse_at("--at", "08:30", Some("Europe/Berlin"), now).unwrap(),
            text("2026-11-30T08:30:00+01:00")
        );
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused() {
        let now = utc("2026-01-01T00:00:00Z");
        let err = parse_at("--at", "2026-03-29 02:30", Some("Europe/Berlin"), now).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn unreadable_times_and_zones_say_what_to_write() {
        let now = utc("2026-01-01T00:00:00Z");
        let err = parse_at("--at", "tomorrow", None, now).unwrap_err();
        assert!(err.starts_with("--at: cannot read `tomorrow`"), "{err}");
        let err = parse_at("--at", "09:00", Some("Mars/Olympus"), now).unwrap_err();
        assert!(err.starts_with("--tz: unknown time zone"), "{err}");
    }

    #[test]
    fn durations_are_seconds_or_text() {
        assert_eq!(duration("90"), DurationInput::Seconds(90.0));
        assert_eq!(duration("1.5"), DurationInput::Seconds(1.5));
        assert_eq!(
            duration("30 seconds"),
            DurationInput::Text("30 seconds".into())
        );
    }

    #[test]
    fn tz_without_cron_or_local_at_is_a_mistake() {
        let flags = WhenFlags {
            in_: Some("5m".into()),
            tz: Some("Europe/Berlin".into()),
            ..WhenFlags::default()
        };
        let err = flags.check_tz(false).unwrap_err();
        assert!(err.message().starts_with("--tz:"), "{}", err.message());
        assert!(
            flags.check_tz(true).is_ok(),
            "--quiet or a local --until reads it"
        );
    }

    #[test]
    fn cron_carries_its_zone() {
        let flags = WhenFlags {
            cron: Some("0 9 * * 1-5".into()),
            tz: Some("Europe/Berlin".into()),
            ..WhenFlags::default()
        };
        let mut input = JobInput::default();
        flags.apply(&mut input, Utc::now()).unwrap();
        assert_eq!(
            (input.cron.as_deref(), input.timezone.as_deref()),
            (Some("0 9 * * 1-5"), Some("Europe/Berlin"))
        );
    }

    #[test]
    fn headers_and_query_collect_repeats() {
        let h = headers(&[
            "Accept: text/plain".into(),
            "Accept:application/json".into(),
            "X-Empty:".into(),
        ])
        .unwrap();
        assert_eq!(
            serde_json::to_value(h).unwrap(),
            json!({"Accept": "text/plain, application/json", "X-Empty": ""})
        );
        assert!(headers(&["NoColon".into()]).is_err());
        let q = query(&["a=1".into(), "a=2".into(), "a=3".into(), "b=".into()]).unwrap();
        assert_eq!(
            serde_json::to_value(q).unwrap(),
            json!({"a": ["1", "2", "3"], "b": ""})
        );
        assert!(query(&["=x".into()]).is_err());
    }

    #[test]
    fn json_bodies_are_checked_before_sending() {
        let flags = RequestFlags {
            json: Some("{\"a\": [1, 2]}".into()),
            ..RequestFlags::default()
        };
        let mut input = JobInput::default();
        flags.apply(&mut input).unwrap();
        assert_eq!(input.body, Some(json!({"a": [1, 2]})));
        let bad = RequestFlags {
            json: Some("{a: 1}".into()),
            ..RequestFlags::default()
        };
        assert!(bad
            .apply(&mut JobInput::default())
            .unwrap_err()
            .message()
            .starts_with("--json: the body is not JSON"));
    }
}
