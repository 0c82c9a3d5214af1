//! Query strings: read into a job's query object, printed back.

use serde_json::{Map, Value};

use super::print::value_text;

// ---------------------------------------------------------------- query strings

pub(super) fn parse_query(text: &str) -> Map<String, Value> {
    let mut query = Map::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = Value::String(percent_decode(value));
        match query.get_mut(&percent_decode(key)) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                query.insert(percent_decode(key), value);
            }
        }
    }
    query
}

/// Form-style decoding: `+` is a space; a `%` not followed by two hex digits stays as is.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let hex = bytes
            .get(at + 1..at + 3)
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| std::str::from_utf8(pair).ok());
        match (byte, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                at += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            _ => out.push(byte),
        }
        at += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything but RFC 3986's unreserved characters, as curl's `curl_easy_escape` does.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub(super) fn query_string(query: &Map<String, Value>) -> String {
    let pair = |key: &str, value: &Value| {
        format!(
            "{}={}",
            percent_encode(key),
            percent_encode(&value_text(value))
        )
    };
    let mut pairs = Vec::new();
    for (key, value) in query {
        match value {
            Value::Array(values) => pairs.extend(values.iter().map(|v| pair(key, v))),
            value => pairs.push(pair(key, value)),
        }
    }
    pairs.join("&")
}
