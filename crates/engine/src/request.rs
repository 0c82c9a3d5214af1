//! The HTTP request a job sends: its template as stored, and the request as
//! actually sent (after dynamic fields), which the log records.

use http::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn parse(value: &Value) -> Result<Method, FieldError> {
        let text = value
            .as_str()
            .ok_or_else(|| FieldError::new("method", "must be a string such as \"post\""))?;
        match text.to_ascii_lowercase().as_str() {
            "get" => Ok(Method::Get),
            "post" => Ok(Method::Post),
            "put" => Ok(Method::Put),
            "patch" => Ok(Method::Patch),
            "delete" => Ok(Method::Delete),
            _ => Err(FieldError::new(
                "method",
                format!("\"{text}\" is not supported; use get, post, put, patch or delete"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A job's request as asked: it may hold dynamic fields (`$state.x`, `{{...}}`)
/// that are filled in at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RequestSpec {
    pub method: Method,
    pub url: String,
    #[serde(default)]
    pub query: Map<String, Value>,
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub body: Option<Value>,
}

/// The longest URL Chime takes; browsers and servers stop around here.
const MAX_URL: usize = 8_192;

/// Reads and checks a URL. `allow_http` lets plain `http://` through.
pub fn parse_url(field: &str, text: &str, allow_http: bool) -> Result<Url, FieldError> {
    if text.len() > MAX_URL {
        return Err(FieldError::new(field, "is longer than 8192 characters"));
    }
    // Dynamic parts (`{{$state.page}}`) are checked as if they were plain text.
    let probe = strip_templates(text);
    let url = Url::parse(probe.trim()).map_err(|e| not_a_url(field, text, e))?;
    check_url(field, &url, allow_http)?;
    Ok(url)
}

/// Reads a URL as it is (a rendered one: no templates left), unchecked.
pub fn parse_as_is(field: &str, text: &str) -> Result<Url, FieldError> {
    Url::parse(text.trim()).map_err(|e| not_a_url(field, text, e))
}

fn not_a_url(field: &str, text: &str, e: impl std::fmt::Display) -> FieldError {
    FieldError::new(field, format!("\"{text}\" is not a valid URL ({e})"))
}

/// Checks a URL's length, scheme (https, and http where `allow_http`) and host.
pub fn check_url(field: &str, url: &Url, allow_http: bool) -> Result<(), FieldError> {
    if url.as_str().len() > MAX_URL {
        return Err(FieldError::new(field, "is longer than 8192 characters"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(FieldError::new(
                field,
                "must use https; plain http is refused unless Chime is started with --allow-http (or the allow_http setting)",
            ))
        }
        other => {
            return Err(FieldError::new(
                field,
                format!("scheme \"{other}\" is not supported; use https"),
            ))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(FieldError::new(field, "has no host"));
    }
    Ok(())
}

fn strip_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('x');
                rest = &rest[start + end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn check_query(query: &Map<String, Value>) -> Result<(), FieldError> {
    for (key, value) in query {
        let ok = match value {
            Value::Array(items) => items.iter().all(is_scalar),
            v => is_scalar(v),
        };
        if !ok {
            return Err(FieldError::new(
                format!("query.{key}"),
                "must be a string, number or boolean, or an array of them",
            ));
        }
    }
    Ok(())
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// Headers Chime sets itself; a job that sets them would send a broken request.
const RESERVED_HEADERS: &[&str] = &["content-length", "transfer-encoding", "connection", "host"];

/// A header the HTTP client sets for each connection, which a job cannot set.
pub fn is_reserved_header(name: &str) -> bool {
    RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

pub fn check_headers(headers: &Map<String, Value>) -> Result<(), FieldError> {
    for (name, value) in headers {
        let field = format!("headers.{name}");
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| FieldError::new(&field, "is not a valid header name"))?;
        if is_reserved_header(name) {
            return Err(FieldError::new(&field, "is set by Chime itself"));
        }
        let text = value
            .as_str()
            .ok_or_else(|| FieldError::new(&field, "must be a string"))?;
        HeaderValue::from_str(text)
            .map_err(|_| FieldError::new(&field, "has characters a header cannot carry"))?;
    }
    Ok(())
}

/// A request as it goes on the wire, with every dynamic field filled in and
/// every header sent, those Chime adds included (User-Agent, Accept,
/// Content-Type, Content-Length).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub body: Option<String>,
    /// The body was cut for the log (see [`SentRequest::to_log`]); what
    /// went on the wire was whole.
    #[serde(default)]
    pub truncated: bool,
}

/// Who Chime says it is, unless a job says otherwise.
pub const USER_AGENT: &str = concat!("Chime/", env!("CARGO_PKG_VERSION"));
/// What Chime accepts, unless a job says otherwise (what curl sends).
const ACCEPT: &str = "*/*";

impl SentRequest {
    /// The request as the log keeps it: credentials redacted (see
    /// [`crate::redact`]) and the body capped as responses' are, with the
    /// same marker.
    pub fn to_log(&self) -> SentRequest {
        let (body, truncated) = match &self.body {
            Some(body) if body.len() > crate::body_cap::BODY_CAP => {
                let (capped, cut) = crate::body_cap::cap_body(body.as_bytes(), false);
                (Some(capped), cut)
            }
            body => (body.clone(), self.truncated),
        };
        SentRequest {
            method: self.method.clone(),
            url: crate::redact::url(&self.url),
            headers: crate::redact::headers(&self.headers),
            body,
            truncated,
        }
    }
}

impl RequestSpec {
    /// The wire form of this (already rendered) request.
    pub fn to_sent(&self) -> Result<SentRequest, String> {
        let mut url = Url::parse(self.url.trim()).map_err(|e| format!("url: {e}"))?;
        Ok(self.to_sent_at(&mut url))
    }

    /// The wire form, to `url`: this request's URL, already parsed, to
    /// which its query is added.
    pub fn to_sent_at(&self, url: &mut Url) -> SentRequest {
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &self.query {
                match value {
                    Value::Array(items) => items.iter().for_each(|v| {
                        pairs.append_pair(key, &scalar_text(v));
                    }),
                    v => {
                        pairs.append_pair(key, &scalar_text(v));
                    }
                }
            }
        }
        let mut headers = self.headers.clone();
        for (name, value) in [("user-agent", USER_AGENT), ("accept", ACCEPT)] {
            if header(&headers, name).is_none() {
                headers.insert(name.into(), value.into());
            }
        }
        let body = self.body.as_ref().map(|body| {
            let declared = header(&headers, "content-type").map(str::to_ascii_lowercase);
            match (body, declared) {
                // A string body under a non-JSON content type is sent as it is
                // (form data, plain text), the way curl would.
                (Value::String(text), Some(ct)) if !ct.contains("json") => text.clone(),
                (body, declared) => {
                    if declared.is_none() {
                        headers.insert("content-type".into(), "application/json".into());
                    }
                    body.to_string()
                }
            }
        });
        if let Some(body) = &body {
            headers.insert("content-length".into(), body.len().to_string().into());
        }
        SentRequest {
            method: self.method.as_str().to_string(),
            url: url.to_string(),
            headers,
            body,
            truncated: false,
        }
    }
}

/// A job or schedule as a person knows it: its name, else its method and
/// URL (with credentials in the URL redacted). Alerts and notifications
/// use it.
pub fn display_name(name: Option<&str>, request: &RequestSpec) -> String {
    match name {
        Some(name) => name.to_string(),
        None => format!(
            "{} {}",
            request.method.as_str(),
            crate::redact::url(&request.url)
        ),
    }
}

impl RequestSpec {
    /// The template that sends `sent` again exactly (for replays).
    pub fn from_sent(sent: &SentRequest) -> RequestSpec {
        let method = Method::parse(&Value::String(sent.method.clone())).unwrap_or(Method::Get);
        let is_json = header(&sent.headers, "content-type").is_some_and(|ct| ct.contains("json"));
        let body = sent.body.as_ref().map(|text| {
            let parsed = is_json.then(|| serde_json::from_str(text).ok()).flatten();
            parsed.unwrap_or_else(|| Value::String(text.clone()))
        });
        // What Chime added itself is added again when it is sent.
        let headers = sent
            .headers
            .iter()
            .filter(|(name, value)| {
                let chimes = [("user-agent", USER_AGENT), ("accept", ACCEPT)]
                    .iter()
                    .any(|(n, v)| name.eq_ignore_ascii_case(n) && value.as_str() == Some(v));
                !(chimes || is_reserved_header(name))
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        RequestSpec {
            method,
            url: sent.url.clone(),
            query: Map::new(),
            headers,
            body,
        }
    }
}

impl RequestSpec {
    /// The template that sends a logged request again (a replay). The log
    /// keeps it with its credentials redacted; they come back from
    /// `template`, the job's own request.
    pub fn from_logged(logged: &SentRequest, template: &RequestSpec) -> RequestSpec {
        let mut spec = RequestSpec::from_sent(logged);
        for (name, value) in spec.headers.iter_mut() {
            if value.as_str().is_some_and(crate::redact::is_redacted) {
                if let Some(own) = header(&template.headers, name) {
                    *value = Value::String(own.to_string());
                }
            }
        }
        if crate::redact::is_redacted(&spec.url) {
            spec.url = template.url.clone();
            spec.query = template.query.clone();
        }
        spec
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A header's value by case-insensitive name.
pub fn header<'a>(headers: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> RequestSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn query_arrays_repeat_the_key_and_json_bodies_get_a_content_type() {
        let sent = spec(json!({"method": "post", "url": "https://x.test/a?z=0",
            "query": {"tag": ["a", "b"], "n": 3, "on": true}, "body": {"k": 1}}))
        .to_sent()
        .unwrap();
        assert_eq!(sent.url, "https://x.test/a?z=0&tag=a&tag=b&n=3&on=true");
        assert_eq!(sent.headers["content-type"], "application/json");
        assert_eq!(sent.body.as_deref(), Some(r#"{"k":1}"#));
    }

    #[test]
    fn the_sent_request_lists_every_header_chime_adds_and_a_replay_adds_them_again() {
        let sent = spec(json!({"method": "post", "url": "https://x.test/a",
            "headers": {"X-Key": "k"}, "body": {"k": 1}}))
        .to_sent()
        .unwrap();
        assert_eq!(sent.headers["user-agent"], USER_AGENT);
        assert_eq!(sent.headers["accept"], "*/*");
        assert_eq!(sent.headers["content-type"], "application/json");
        assert_eq!(sent.headers["content-length"], "7");
        assert_eq!(sent.headers["X-Key"], "k");
        let replay = RequestSpec::from_sent(&sent);
        assert_eq!(
            replay.headers,
            json!({"X-Key": "k", "content-type": "application/json"})
                .as_object()
                .unwrap()
                .clone()
        );
        assert_eq!(replay.to_sent().unwrap(), sent, "a replay sends the same");

        let own = spec(json!({"method": "get", "url": "https://x.test/",
            "headers": {"User-Agent": "mine/1", "Accept": "application/json"}}))
        .to_sent()
        .unwrap();
        assert_eq!(own.headers.len(), 2, "{:?}", own.headers);
        assert_eq!(own.headers["User-Agent"], "mine/1");
        assert!(
            !own.headers.contains_key("content-length"),
            "no body, no length"
        );
        assert_eq!(RequestSpec::from_sent(&own).headers, own.headers);
    }

    #[test]
    fn the_log_keeps_no_credential_and_a_replay_restores_them_from_the_job() {
        let template = spec(json!({"method": "post", "url": "https://me:pw@x.test/a",
            "query": {"api_key": "k", "page": 2},
            "headers": {"Authorization": "Bearer t0k", "X-Trace": "1"}, "body": {"a": 1}}));
        let sent = template.to_sent().unwrap();
        assert_eq!(
            sent.headers["Authorization"], "Bearer t0k",
            "the wire is unchanged"
        );
        let logged = sent.to_log();
        assert_eq!(logged.headers["Authorization"], "Bearer REDACTED");
        assert_eq!(logged.headers["X-Trace"], "1");
        assert_eq!(
            logged.url,
            "https://REDACTED:REDACTED@x.test/a?api_key=REDACTED&page=2"
        );
        let text = serde_json::to_string(&logged).unwrap();
        assert!(
            !text.contains("t0k") && !text.contains(":pw@") && !text.contains("=k&"),
            "{text}"
        );
        let replay = RequestSpec::from_logged(&logged, &template);
        assert_eq!(
            replay.to_sent().unwrap(),
            sent,
            "a replay sends what was sent"
        );
    }

    #[test]
    fn a_request_body_is_capped_in_the_log_as_responses_are() {
        let big = "a".repeat(crate::body_cap::BODY_CAP + 10);
        let sent = spec(json!({"method": "post", "url": "https://x.test/",
            "headers": {"Content-Type": "text/plain"}, "body": big}))
        .to_sent()
        .unwrap();
        assert_eq!(
            sent.body.as_ref().unwrap().len(),
            crate::body_cap::BODY_CAP + 10
        );
        let logged = sent.to_log();
        assert!(logged.truncated);
        let body = logged.body.unwrap();
        assert!(body.ends_with(crate::body_cap::CUT_MARKER));
        assert_eq!(
            body.len(),
            crate::body_cap::BODY_CAP + crate::body_cap::CUT_MARKER.len()
        );
        let small = spec(json!({"method": "post", "url": "https://x.test/", "body": {"a": 1}}))
            .to_sent()
            .unwrap();
        assert_eq!(small.to_log(), small, "a small body is kept whole");
    }

    #[test]
    fn a_string_body_under_a_form_content_type_goes_out_raw() {
        let sent = spec(json!({"method": "post", "url": "https://x.test/",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": "a=1&b=2"}))
        .to_sent()
        .unwrap();
        assert_eq!(sent.body.as_deref(), Some("a=1&b=2"));
        assert!(!sent.headers.contains_key("content-type"));
    }

    #[test]
    fn urls_must_be_https_unless_http_is_allowed() {
        assert!(parse_url("url", "https://example.com/x", false).is_ok());
        assert!(parse_url("url", "http://127.0.0.1:9/x", true).is_ok());
        let e = parse_url("url", "http://example.com", false).unwrap_err();
        assert!(e.message.contains("must use https"), "{}", e.message);
        assert!(parse_url("url", "ftp://example.com", true)
            .unwrap_err()
            .message
            .contains("scheme \"ftp\""));
        assert!(parse_url("url", "not a url", true)
            .unwrap_err()
            .message
            .contains("not a valid URL"));
        assert!(parse_url("url", "https://x.test/{{$state.page}}", false).is_ok());
    }

    #[test]
    fn headers_must_be_valid_strings() {
        let check = |v: Value| check_headers(v.as_object().unwrap()).map_err(|e| e.message);
        assert!(check(json!({"X-Ok": "yes"})).is_ok());
        assert_eq!(
            check(json!({"X-Count": 3})).unwrap_err(),
            "headers.X-Count: must be a string"
        );
        assert!(check(json!({"Bad Name": "x"}))
            .unwrap_err()
            .contains("not a valid header name"));
        assert!(check(json!({"X-Nl": "a\nb"}))
            .unwrap_err()
            .contains("cannot carry"));
        assert!(check(json!({"Content-Length": "3"}))
            .unwrap_err()
            .contains("set by Chime"));
    }
}
