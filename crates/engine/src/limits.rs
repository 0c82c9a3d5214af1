//! What may stop or move a schedule's run (SPEC 7.4): another run still
//! executing (`overlap`), a count or an end (`max_runs`, `until`), and hours
//! when it must keep quiet (`quiet_hours`).

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::FieldError;

/// What a run does when it comes due while the schedule's previous one is
/// still executing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Overlap {
    /// Both run.
    #[default]
    Allow,
    /// The new run is skipped.
    Skip,
    /// The new run waits for the previous one to end.
    Queue,
    /// The previous run's attempt is cancelled, and the new one runs.
    Replace,
}

impl Overlap {
    pub fn is_allow(&self) -> bool {
        *self == Overlap::Allow
    }
}

/// What happens to a run that comes due in quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum QuietAction {
    /// It does not run.
    #[default]
    Skip,
    /// It runs when they end (once, for all the runs due in them).
    Defer,
}

/// Hours of the day, in a zone, when a schedule sends nothing. `from` after
/// `to` spans midnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct QuietHours {
    /// `HH:MM`.
    pub from: String,
    /// `HH:MM`.
    pub to: String,
    /// An IANA zone; the schedule's own when left out.
    pub timezone: String,
    pub action: QuietAction,
}

impl QuietHours {
    fn times(&self) -> Option<(NaiveTime, NaiveTime, Tz)> {
        Some((
            NaiveTime::parse_from_str(&self.from, "%H:%M").ok()?,
            NaiveTime::parse_from_str(&self.to, "%H:%M").ok()?,
            self.timezone.parse().ok()?,
        ))
    }

    /// When the quiet hours that `t` falls in end; none when `t` is not in them.
    pub fn end_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (from, to, zone) = self.times()?;
        let local = t.with_timezone(&zone);
        let now = local.time();
        let quiet = if from < to {
            from <= now && now < to
        } else {
            now >= from || now < to
        };
        if !quiet {
            return None;
        }
        let day = if from > to && now >= from {
            local.date_naive().succ_opt()?
        } else {
            local.date_naive()
        };
        let end = day.and_time(to);
        // A repeated hour has two ends; the one after `t` counts.
        match zone.from_local_datetime(&end) {
            chrono::LocalResult::Ambiguous(first, second) => [first, second]
                .into_iter()
                .map(|e| e.with_timezone(&Utc))
                .find(|e| *e > t),
            _ => crate::rule::resolve_local(zone, end),
        }
    }
}

impl QuietHours {
    /// The quiet hours `t` falls in, as [start, end); none when it is not
    /// in them.
    pub fn window_at(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let end = self.end_after(t)?;
        let (from, to, zone) = self.times()?;
        // They began at `from` on the day they end, or on the day before
        // when they span midnight.
        let last_day = end.with_timezone(&zone).date_naive();
        let day = match from < to {
            true => last_day,
            false => last_day.pred_opt()?,
        };
        let start = crate::rule::resolve_local(zone, day.and_time(from))?;
        Some((start.min(t), end))
    }

    /// The quiet hours `t` falls in, or else the next to begin after it.
    pub fn window_from(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if let Some(window) = self.window_at(t) {
            return Some(window);
        }
        let (from, _, zone) = self.times()?;
        let today = t.with_timezone(&zone).date_naive();
        [Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
            .filter_map(|day| crate::rule::resolve_local(zone, day.and_time(from)))
            .find(|start| *start > t)
            .and_then(|start| self.window_at(start))
    }
}

/// Reads `overlap`.
pub fn parse_overlap(value: &Value) -> Result<Overlap, FieldError> {
    match value.as_str() {
        Some("allow") => Ok(Overlap::Allow),
        Some("skip") => Ok(Overlap::Skip),
        Some("queue") => Ok(Overlap::Queue),
        Some("replace") => Ok(Overlap::Replace),
        _ => Err(FieldError::new(
            "overlap",
            "must be \"allow\", \"skip\", \"queue\" or \"replace\"",
        )),
    }
}

const MAX_RUNS: u64 = 1_000_000;

/// Reads `max_runs`.
pub fn parse_max_runs(value: &Value) -> Result<u32, FieldError> {
    crate::forgiving::as_whole(value)
        .filter(|n| (1..=MAX_RUNS).contains(n))
        .map(|n| n as u32)
        .ok_or_else(|| {
            FieldError::new(
                "max_runs",
                format!("must be a whole number from 1 to {MAX_RUNS}"),
            )
        })
}

/// Reads `quiet_hours`; `zone` is the schedule's, for a window without its own.
pub fn parse_quiet_hours(value: &Value, zone: Tz) -> Result<QuietHours, FieldError> {
    let obj = value.as_object().ok_or_else(|| {
        FieldError::new(
            "quiet_hours",
            "must be an object such as {\"from\": \"22:00\", \"to\": \"07:00\"}",
        )
    })?;
    if let Some(unknown) = obj
        .keys()
        .find(|k| !["from", "to", "timezone", "action"].contains(&k.as_str()))
    {
        return Err(FieldError::new(
            format!("quiet_hours.{unknown}"),
            "is not a quiet-hours setting; use from, to, timezone and action",
        ));
    }
    let time = |name: &str| -> Result<String, FieldError> {
        let text = obj.get(name).and_then(Value::as_str).map(str::trim);
        text.and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
            .map(|t| t.format("%H:%M").to_string())
            .ok_or_else(|| {
                FieldError::new(
                    format!("quiet_hours.{name}"),
                    "must be a time of day such as \"22:00\"",
                )
            })
    };
    let (from, to) = (time("from")?, time("to")?);
    if from == to {
        return Err(FieldError::new(
            "quiet_hours.to",
            "must differ from quiet_hours.from",
        ));
    }
    let timezone = match obj.get("timezone").filter(|v| !v.is_null()) {
        None => zone,
        Some(v) => crate::rule::parse_zone(
            "quiet_hours.timezone",
            v.as_str().ok_or_else(|| {
                FieldError::new(
                    "quiet_hours.timezone",
                    "must be a string such as \"Europe/Berlin\"",
                )
            })?,
        )?,
    };
    let action = match obj
        .get("action")
        .filter(|v| !v.is_null())
        .map(Value::as_str)
    {
        None => QuietAction::Skip,
        Some(Some("skip")) => QuietAction::Skip,
        Some(Some("defer")) => QuietAction::Defer,
        Some(_) => {
            return Err(FieldError::new(
                "quiet_hours.action",
                "must be \"skip\" or \"defer\"",
            ))
        }
    };
    Ok(QuietHours {
        from,
        to,
        timezone: timezone.name().to_string(),
        action,
    })
}

/// Reads the body of a pause (`{"until": ...}`, or `{}` for no end): the
/// time it ends by itself, which must be ahead of `now`.
pub fn parse_pause(body: &Value, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, FieldError> {
    let obj = body.as_object().ok_or_else(|| {
        FieldError::new(
            "body",
            "must be a JSON object such as {\"until\": \"2030-01-01T09:00:00Z\"}",
        )
    })?;
    if let Some(unknown) = obj.keys().find(|k| *k != "until") {
        return Err(FieldError::new(
            unknown.as_str(),
            "is not a pause setting; use until",
        ));
    }
    let Some(value) = obj.get("until").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    // Kept to the millisecond, as the store keeps times.
    let until = chrono::SubsecRound::trunc_subsecs(crate::time::parse_instant("until", value)?, 3);
    if until <= now {
        return Err(FieldError::new(
            "until",
            "is in the past; give a time ahead",
        ));
    }
    Ok(Some(until))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        zone.with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_that_span_midnight_end_the_next_morning() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let q = parse_quiet_hours(
            &json!({"from": "22:00", "to": "7:00", "action": "defer"}),
            berlin,
        )
        .unwrap();
        assert_eq!(
            (q.to.as_str(), q.timezone.as_str()),
            ("07:00", "Europe/Berlin")
        );
        let morning = Some(at(berlin, 2026, 6, 2, 7, 0));
        assert_eq!(q.end_after(at(berlin, 2026, 6, 1, 22, 0)), morning);
        assert_eq!(q.end_after(at(berlin, 2026, 6, 1, 23, 59)), morning);
        assert_eq!(q.end_after(at(berlin, 2026, 6, 2, 3, 0)), morning);
        assert_eq!(q.end_after(at(berlin, 2026, 6, 2, 7, 0)), None);
        assert_eq!(q.end_after(at(berlin, 2026, 6, 1, 21, 59)), None);
        assert_eq!(q.end_after(at(berlin, 2026, 6, 1, 12, 0)), None);
    }

    #[test]
    fn quiet_hours_across_a_clock_change_end_at_the_wall_clock_time() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 01:00-03:00 on the night the clocks go forward (02:00 -> 03:00):
        // the window is one real hour long.
        let q = parse_quiet_hours(&json!({"from": "01:00", "to": "03:00"}), berlin).unwrap();
        let start = at(berlin, 2026, 3, 29, 1, 0);
        let end = q.end_after(start).unwrap();
        assert_eq!(end - start, chrono::Duration::hours(1));
        // 02:00-02:30 on the night they go back: the repeated hour is quiet twice.
        let q = parse_quiet_hours(&json!({"from": "02:00", "to": "02:30"}), berlin).unwrap();
        let first = at(berlin, 2026, 10, 25, 2, 10);
        let second = first + chrono::Duration::hours(1);
        assert_eq!(
            q.end_after(first).unwrap() - first,
            chrono::Duration::minutes(20)
        );
        assert_eq!(
            q.end_after(second).unwrap() - second,
            chrono::Duration::minutes(20)
        );
    }

    #[test]
    fn bad_limits_name_their_field() {
        let utc = Tz::UTC;
        let field = |v: Value| parse_quiet_hours(&v, utc).unwrap_err().field;
        assert_eq!(field(json!("22-7")), "quiet_hours");
        assert_eq!(
            field(json!({"from": "25:00", "to": "07:00"})),
            "quiet_hours.from"
        );
        assert_eq!(
            field(json!({"from": "22:00", "to": "22:00"})),
            "quiet_hours.to"
        );
        assert_eq!(
            field(json!({"from": "22:00", "to": "07:00", "action": "mute"})),
            "quiet_hours.action"
        );
        assert_eq!(
            field(json!({"from": "22:00", "to": "07:00", "timezone": "Mars/Base"})),
            "quiet_hours.timezone"
        );
        assert_eq!(parse_overlap(&json!("later")).unwrap_err().field, "overlap");
        assert_eq!(parse_max_runs(&json!(0)).unwrap_err().field, "max_runs");
        assert_eq!(parse_max_runs(&json!("3")).unwrap(), 3);
    }
}
