//! Printing a request as a command curl runs and the importer reads back.

use serde_json::Value;

use super::query::query_string;
use super::CurlRequest;

// ---------------------------------------------------------------- printing

pub(super) fn command_head(req: &CurlRequest) -> String {
    let mut head = String::from("curl");
    let implied = if req.body.is_some() { "post" } else { "get" };
    if !req.method.eq_ignore_ascii_case(implied) {
        head.push_str(&format!(" -X {}", req.method.to_ascii_uppercase()));
    }
    let mut url = req.url.clone();
    if !req.query.is_empty() {
        // A job's URL may carry a query of its own beside `query`.
        let joint = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{joint}{}", query_string(&req.query));
    }
    // Unquoted brackets and braces would make curl expand the URL into several.
    if url.contains(['[', ']', '{', '}']) {
        head.push_str(" --globoff");
    }
    format!("{head} {}", quote(&url))
}

/// `-H 'K: V'`, or curl's `-H 'K;'` for a header with an empty value.
pub(super) fn header_arg(name: &str, value: &Value) -> String {
    match value_text(value) {
        text if text.is_empty() => format!("-H {}", quote(&format!("{name};"))),
        text => format!("-H {}", quote(&format!("{name}: {text}"))),
    }
}

pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub(super) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
