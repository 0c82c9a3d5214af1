//! Durations as booper writes them: a number of seconds, `[n, "unit"]`, or a
//! string such as `"30 seconds"` or `"5m"`. Used by `schedule_in`,
//! `repeat_every`, `timeout` and `retry.base`.

use chrono::Duration;
use serde_json::Value;

use crate::error::FieldError;

const UNITS: &[(&[&str], i64, &str)] = &[
    (&["s", "sec", "secs", "second", "seconds"], 1, "second"),
    (&["m", "min", "mins", "minute", "minutes"], 60, "minute"),
    (&["h", "hr", "hrs", "hour", "hours"], 3_600, "hour"),
    (&["d", "day", "days"], 86_400, "day"),
    (&["w", "wk", "wks", "week", "weeks"], 604_800, "week"),
];

/// The longest duration any field takes: far enough for any laptop's plans,
/// short enough that arithmetic on timestamps cannot overflow.
const MAX_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

/// Reads a duration from any of its accepted forms. `field` names it in errors.
pub fn parse(field: &str, value: &Value) -> Result<Duration, FieldError> {
    let seconds = match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| FieldError::new(field, "is not a number"))?,
        Value::Array(pair) => parse_pair(field, pair)?,
        Value::String(text) => parse_text(field, text)?,
        _ => {
            return Err(FieldError::new(
                field,
                "must be a number of seconds, [n, \"unit\"] or a string such as \"30 seconds\"",
            ))
        }
    };
    to_duration(field, seconds)
}

fn parse_pair(field: &str, pair: &[Value]) -> Result<f64, FieldError> {
    let [amount, unit] = pair else {
        return Err(FieldError::new(
            field,
            "must be a pair [n, \"unit\"], such as [30, \"seconds\"]",
        ));
    };
    let amount = match amount {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or_else(|| FieldError::new(field, "the first item of [n, \"unit\"] must be a number"))?;
    let unit = unit.as_str().ok_or_else(|| {
        FieldError::new(
            field,
            "the second item of [n, \"unit\"] must be a unit such as \"seconds\"",
        )
    })?;
    Ok(amount * unit_seconds(field, unit)? as f64)
}

fn parse_text(field: &str, text: &str) -> Result<f64, FieldError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let (amount, unit) = text.split_at(split);
    let amount: f64 = amount.parse().map_err(|_| {
        FieldError::new(
            field,
            format!("\"{text}\" is not a duration; write it like \"30 seconds\" or \"5m\""),
        )
    })?;
    let unit = unit.trim();
    if unit.is_empty() {
        return Ok(amount);
    }
    Ok(amount * unit_seconds(field, unit)? as f64)
}

fn unit_seconds(field: &str, unit: &str) -> Result<i64, FieldError> {
    let lower = unit.trim().to_ascii_lowercase();
    UNITS
        .iter()
        .find(|(names, _, _)| names.contains(&lower.as_str()))
        .map(|(_, seconds, _)| *seconds)
        .ok_or_else(|| {
            FieldError::new(
                field,
                format!("unknown unit \"{unit}\"; use seconds, minutes, hours, days or weeks"),
            )
        })
}

fn to_duration(field: &str, seconds: f64) -> Result<Duration, FieldError> {
    if !seconds.is_finite() {
        return Err(FieldError::new(field, "is not a finite number"));
    }
    if seconds < 0.0 {
        return Err(FieldError::new(field, "must not be negative"));
    }
    if seconds > MAX_SECONDS {
        return Err(FieldError::new(field, "is longer than 100 years"));
    }
    Ok(Duration::milliseconds((seconds * 1000.0).round() as i64))
}

/// The duration in the largest whole unit, as `[n, "unit"]` would say it:
/// `(5, "minutes")`, `(90, "seconds")`, `(1500, "milliseconds")`.
pub fn whole_units(d: Duration) -> (i64, String) {
    let ms = d.num_milliseconds();
    if ms % 1000 != 0 {
        return (ms, "milliseconds".into());
    }
    let seconds = ms / 1000;
    let (_, size, name) = UNITS
        .iter()
        .rev()
        .find(|(_, size, _)| seconds != 0 && seconds % size == 0)
        .unwrap_or(&UNITS[0]);
    let n = seconds / size;
    let plural = if n == 1 { "" } else { "s" };
    (n, format!("{name}{plural}"))
}

/// "5 minutes", "1 day", "1500 milliseconds".
pub fn words(d: Duration) -> String {
    let (n, unit) = whole_units(d);
    format!("{n} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secs(v: Value) -> f64 {
        parse("f", &v).unwrap().num_milliseconds() as f64 / 1000.0
    }

    #[test]
    fn every_accepted_form_reads_the_same() {
        assert_eq!(secs(json!(30)), 30.0);
        assert_eq!(secs(json!(1.5)), 1.5);
        assert_eq!(secs(json!([30, "seconds"])), 30.0);
        assert_eq!(secs(json!([2, "m"])), 120.0);
        assert_eq!(secs(json!(["3", "hours"])), 10_800.0);
        assert_eq!(secs(json!("30 seconds")), 30.0);
        assert_eq!(secs(json!("5m")), 300.0);
        assert_eq!(secs(json!("1 Day")), 86_400.0);
        assert_eq!(secs(json!("2 weeks")), 1_209_600.0);
        assert_eq!(secs(json!("45")), 45.0);
        assert_eq!(secs(json!("0.5 min")), 30.0);
    }

    #[test]
    fn bad_forms_name_the_field_and_the_problem() {
        let err = |v: Value| parse("schedule_in", &v).unwrap_err().message;
        assert_eq!(err(json!(-5)), "schedule_in: must not be negative");
        assert!(err(json!("3 fortnights")).contains("unknown unit \"fortnights\""));
        assert!(err(json!([1, 2, 3])).contains("must be a pair"));
        assert!(err(json!("soon")).contains("is not a duration"));
        assert!(err(json!(true)).contains("must be a number of seconds"));
        assert!(err(json!(1e300)).contains("longer than 100 years"));
    }

    #[test]
    fn whole_units_pick_the_largest_exact_unit() {
        assert_eq!(whole_units(Duration::seconds(300)), (5, "minutes".into()));
        assert_eq!(whole_units(Duration::seconds(90)), (90, "seconds".into()));
        assert_eq!(whole_units(Duration::days(1)), (1, "day".into()));
        assert_eq!(whole_units(Duration::weeks(2)), (2, "weeks".into()));
        assert_eq!(
            whole_units(Duration::milliseconds(1500)),
            (1500, "milliseconds".into())
        );
        assert_eq!(words(Duration::hours(1)), "1 hour");
    }
}
