//! Values as booper's forgiving parsing reads them: a form-encoded body's
//! values are all text, so a field that expects a number or a boolean takes
//! its digits or `true`/`false` as well.

use serde_json::Value;

/// A whole number, given as one or as its digits (a form's values are text).
pub fn as_whole(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean, given as one or as `true`/`false` (a form's values are text).
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}
