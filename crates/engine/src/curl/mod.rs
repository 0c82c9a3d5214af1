//! Curl commands ⇄ job drafts.
//!
//! [`parse`] reads a curl command line, as pasted from a terminal, API docs or a browser's
//! "Copy as cURL", into the request fields of a job. [`to_curl`] prints those fields as a
//! command that curl runs and that [`parse`] reads back unchanged.
//!
//! # The JSON Content-Type rule
//! Chime sends a JSON body (any body that is not a JSON string) as `application/json` on its
//! own, so a job does not keep that header:
//! - `parse` drops a `Content-Type` header whose value is exactly `application/json` (any
//!   case) when the body is JSON. Other values (`application/json; charset=utf-8`,
//!   `application/vnd.api+json`) are kept: they say something Chime would not.
//! - `to_curl` prints `-H 'Content-Type: application/json'` for a JSON body that has no
//!   Content-Type header, so the printed command sends what Chime sends.
//!
//! Together these make `parse(&to_curl(&r)) == Ok(r)` for every `r` that `parse` returns,
//! header order included. (A job written by hand can differ: a string body without a
//! Content-Type comes back with curl's `application/x-www-form-urlencoded`.)
//!
//! # Reading commands
//! Words split as POSIX sh does (quotes, `$'...'`, backslashes, `\` + newline, `#` comments),
//! but nothing is expanded or run: `$VAR` and `` `cmd` `` stay as written. A command that
//! starts `curl ^"` is a Windows "Copy as cURL (cmd)" and is read with cmd.exe's rules.
//! JSON bodies go through `serde_json`, so a number beyond `u64`/`f64` precision is rounded.

mod options;
mod print;
mod query;
#[cfg(test)]
mod tests;
mod words;

use serde_json::{Map, Value};

use options::{check_program, find_header, Draft};
use print::{command_head, header_arg, quote, value_text};
use words::{is_cmd_style, split_cmd_words, split_shell_words};

/// A request as a job describes it (the subset of a job's fields that curl can express).
#[derive(Debug, Clone, PartialEq)]
pub struct CurlRequest {
    /// Lowercase: get, post, put, patch or delete.
    pub method: String,
    /// Without the query string or fragment.
    pub url: String,
    /// Strings, or arrays of strings when a key repeats.
    pub query: Map<String, Value>,
    /// Strings; names as the user wrote them.
    pub headers: Map<String, Value>,
    /// JSON when the body is JSON, else a JSON string holding the raw text.
    pub body: Option<Value>,
}

/// Why a command can't become a job, worded for the person who pasted it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CurlError {
    #[error("the command is empty; paste a curl command")]
    Empty,
    #[error("not a curl command: it starts with `{0}` instead of `curl`; expected curl, its options and the URL, such as curl -X POST https://example.com/hook -d 'a=1'")]
    NotCurl(String),
    #[error("unclosed {0}")]
    Unclosed(&'static str),
    #[error("{0} needs a value")]
    MissingValue(String),
    #[error("unknown option {0}")]
    UnknownOption(String),
    #[error("option {0} is not supported")]
    Unsupported(String),
    #[error("multipart form uploads ({0}) are not supported; send the fields with -d or --json")]
    Multipart(String),
    #[error("{option} reads the file `{file}`, which a job can't do; paste the content instead")]
    FileInput { option: String, file: String },
    #[error("the URL is missing")]
    MissingUrl,
    #[error("unexpected argument `{0}` after the URL; a job sends one request to one URL")]
    ExtraArgument(String),
    #[error("URL scheme `{0}` is not supported; use http or https")]
    Scheme(String),
    #[error("method {0} is not supported; Chime sends GET, POST, PUT, PATCH and DELETE")]
    Method(String),
    #[error("header `{0}` has no colon; write it as 'Name: value'")]
    BadHeader(String),
    #[error("{0} needs user:password (curl would prompt for the password)")]
    NoPassword(String),
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const CONTENT_TYPE: &str = "Content-Type";
const JSON_TYPE: &str = "application/json";
const FORM_TYPE: &str = "application/x-www-form-urlencoded";

/// Parses a curl command line into a job's request fields.
pub fn parse(command: &str) -> Result<CurlRequest, CurlError> {
    let words = if is_cmd_style(command) {
        split_cmd_words(command)?
    } else {
        split_shell_words(command)?
    };
    let mut words = words.into_iter();
    check_program(words.next())?;
    let mut draft = Draft::default();
    while let Some(word) = words.next() {
        draft.read_word(word, &mut words)?;
    }
    draft.into_request()
}

/// Prints a request as a curl command (single-quoted, one `-H` per header).
pub fn to_curl(req: &CurlRequest) -> String {
    let mut parts = vec![command_head(req)];
    parts.extend(
        req.headers
            .iter()
            .map(|(name, value)| header_arg(name, value)),
    );
    if let Some(body) = &req.body {
        if !matches!(body, Value::String(_)) && find_header(&req.headers, CONTENT_TYPE).is_none() {
            parts.push(header_arg(CONTENT_TYPE, &Value::from(JSON_TYPE)));
        }
        parts.push(format!("--data-raw {}", quote(&value_text(body))));
    }
    let separator = if req.headers.len() > 1 || req.body.is_some() {
        " \\\n  "
    } else {
        " "
    };
    parts.join(separator)
}

/// What a job does beyond its request that a curl command cannot say (SPEC
/// 7.2-7.4): its checks, alerts and limits, by their field names.
pub const NOT_IN_CURL: [&str; 6] = [
    "assert",
    "alert",
    "overlap",
    "max_runs",
    "until",
    "quiet_hours",
];

/// `command` (from [`to_curl`]) with a job's settings that curl cannot carry
/// written above it as `# field: JSON` comments, from the job's `args`, so
/// an export drops nothing silently. The shell and [`parse`] skip comments,
/// so the command runs and imports as before.
pub fn with_settings(command: String, args: &Value) -> String {
    let lines: Vec<String> = NOT_IN_CURL
        .iter()
        .filter_map(|name| {
            let value = args.get(*name)?;
            let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
            // Compact JSON escapes newlines, so each stays one comment line.
            (!empty).then(|| format!("# {name}: {value}"))
        })
        .collect();
    if lines.is_empty() {
        return command;
    }
    format!(
        "# Chime's checks, alerts and limits for this job (curl does not apply them):\n{}\n{command}",
        lines.join("\n")
    )
}

/// The request as job fields: `{"method","url","query","headers","body"}`, leaving out an
/// empty query, empty headers and an absent body.
pub fn to_json(req: &CurlRequest) -> Value {
    let mut job = Map::new();
    job.insert("method".into(), req.method.clone().into());
    job.insert("url".into(), req.url.clone().into());
    if !req.query.is_empty() {
        job.insert("query".into(), Value::Object(req.query.clone()));
    }
    if !req.headers.is_empty() {
        job.insert("headers".into(), Value::Object(req.headers.clone()));
    }
    if let Some(body) = &req.body {
        job.insert("body".into(), body.clone());
    }
    Value::Object(job)
}
