//! How instants are read (RFC 3339 with an offset, or unix seconds), stored
//! (integer milliseconds since the epoch, UTC) and shown (RFC 3339 in UTC
//! with microseconds, as booper's Oban does).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::Serializer;
use serde_json::Value;

use crate::error::FieldError;

pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads an absolute time: RFC 3339 with an offset, or unix seconds.
pub fn parse_instant(field: &str, value: &Value) -> Result<DateTime<Utc>, FieldError> {
    let seconds = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(n) => Some(n),
            Err(_) => return parse_rfc3339(field, s.trim()),
        },
        _ => None,
    }
    .ok_or_else(|| {
        FieldError::new(
            field,
            "must be an RFC 3339 time such as \"2026-12-01T09:00:00+01:00\" or unix seconds",
        )
    })?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(FieldError::new(
            field,
            "must be a positive number of unix seconds",
        ));
    }
    let millis = (seconds * 1000.0).round() as i64;
    Utc.timestamp_millis_opt(millis)
        .single()
        .filter(|t| t.timestamp() < 253_402_300_800) // before year 10000
        .ok_or_else(|| FieldError::new(field, "is too far in the future"))
}

fn parse_rfc3339(field: &str, text: &str) -> Result<DateTime<Utc>, FieldError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        // An offset can carry 9999-12-31 into the year 10000, or 0000-01-01
        // into the year -1, neither of which has an RFC 3339 form to answer
        // with: in UTC the year must have four digits.
        let t = t.with_timezone(&Utc);
        return match t.timestamp() {
            ..-62_167_219_200 => Err(FieldError::new(field, "is too far in the past")),
            253_402_300_800.. => Err(FieldError::new(field, "is too far in the future")),
            _ => Ok(t),
        };
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .any(|f| NaiveDateTime::parse_from_str(text, f).is_ok());
    if naive {
        return Err(FieldError::new(
            field,
            format!("\"{text}\" has no UTC offset; add Z or an offset such as +01:00"),
        ));
    }
    Err(FieldError::new(
        field,
        format!("\"{text}\" is not an RFC 3339 time such as \"2026-12-01T09:00:00Z\""),
    ))
}

/// `#[serde(serialize_with = "crate::time::ser")]`
pub fn ser<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// `#[serde(serialize_with = "crate::time::ser_opt")]`
pub fn ser_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// `#[serde(with = "crate::time::rfc")]`: written as [`rfc3339`], read from
/// any RFC 3339 time (for payloads that are stored and read back).
pub mod rfc {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        super::ser(t, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        DateTime::<Utc>::deserialize(d)
    }
}

/// [`rfc`] for an optional time (`null` when absent).
pub mod rfc_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        super::ser_opt(t, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}
