//! Request bodies: JSON, or booper's form encoding with bracket keys
//! (`body[content]=Testing 123`), read into one JSON value, with the size
//! bounded and every failure in the error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The largest request body taken: room for a job with a 1 MiB body.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// A request body as JSON. An empty body reads as `{}`.
pub struct Input(pub Value);

impl<S: Send + Sync> FromRequest<S> for Input {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let bytes = read_bounded(req.into_body()).await?;
        parse(&bytes, is_form).map(Input)
    }
}

/// Past this, an oversized body is no longer read to the end before the
/// answer: the connection is cut instead.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Reads the body up to MAX_BODY. An oversized one is read to its end (up to
/// DRAIN_LIMIT) and dropped, so the client finishes sending and gets its 413.
pub async fn read_bounded(body: axum::body::Body) -> Result<Bytes, ApiError> {
    use futures::StreamExt;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::malformed(format!("the body could not be read: {e}")))?;
        total += chunk.len();
        if total <= MAX_BODY {
            kept.extend_from_slice(&chunk);
        } else if total > DRAIN_LIMIT {
            break;
        }
    }
    if total > MAX_BODY {
        return Err(ApiError::too_large(MAX_BODY));
    }
    Ok(Bytes::from(kept))
}

fn parse(bytes: &Bytes, is_form: bool) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    // curl -d sends JSON as form data unless told otherwise: a form body
    // that is a JSON object is read as the JSON it is.
    let looks_like_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if is_form && !(looks_like_json && serde_json::from_slice::<Value>(bytes).is_ok()) {
        return form_to_json(bytes);
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::malformed(format!("the body is not valid JSON: {e}")))
}

/// The deepest form key taken (`a[b][c]` is 3 deep). No job field needs
/// more, and it bounds the recursion below far inside the stack.
pub const MAX_FORM_DEPTH: usize = 32;

/// `a[b][c]=v` becomes `{"a": {"b": {"c": "v"}}}`; `a[]=x&a[]=y` and
/// `a[0]=x&a[1]=y` become arrays. Values stay strings, as booper's do; the
/// job's fields read them as numbers or booleans where they expect one.
pub fn form_to_json(bytes: &[u8]) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
        .map_err(|e| ApiError::malformed(format!("the form body does not decode: {e}")))?;
    let mut root = Value::Object(Map::new());
    for (key, value) in pairs {
        let path = key_path(&key).ok_or_else(|| {
            ApiError::malformed(format!("form key \"{key}\" has unbalanced brackets"))
        })?;
        if path[0].is_empty() {
            // `=x` or `[]=x`: a value with no field's name, which would turn
            // the whole body into a list.
            return Err(ApiError::invalid(
                "body",
                format!(
                    "the form has a value with no field name (key \"{key}\"); \
                     send each as name=value, such as url=https%3A%2F%2Fexample.com"
                ),
            ));
        }
        if path.len() > MAX_FORM_DEPTH {
            return Err(ApiError::invalid(
                &path[0],
                format!("is nested more than {MAX_FORM_DEPTH} levels deep"),
            ));
        }
        insert(&mut root, &path, Value::String(value)).map_err(|_| {
            ApiError::malformed(format!("form key \"{key}\" conflicts with another key"))
        })?;
    }
    Ok(arrays_from_indexes(root))
}

fn key_path(key: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut path = vec![head.to_string()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        path.push(inner[..end].to_string());
        rest = &inner[end + 1..];
    }
    Some(path)
}

fn insert(node: &mut Value, path: &[String], value: Value) -> Result<(), ()> {
    let Some((first, rest)) = path.split_first() else {
        *node = value;
        return Ok(());
    };
    if first.is_empty() {
        // `[]`: append to an array.
        if node.is_null() || node.as_object().is_some_and(Map::is_empty) {
            *node = Value::Array(Vec::new());
        }
        let items = node.as_array_mut().ok_or(())?;
        let mut child = Value::Null;
        insert(&mut child, rest, value)?;
        items.push(child);
        return Ok(());
    }
    if node.is_null() {
        *node = Value::Object(Map::new());
    }
    let obj = node.as_object_mut().ok_or(())?;
    let child = obj.entry(first.clone()).or_insert(Value::Null);
    insert(child, rest, value)
}

/// Objects whose keys are exactly 0..n become arrays.
fn arrays_from_indexes(value: Value) -> Value {
    match value {
        Value::Object(m) => {
            let is_list = !m.is_empty()
                && m.keys()
                    .enumerate()
                    .all(|(i, k)| k.parse::<usize>().ok() == Some(i));
            let m: Map<String, Value> = m
                .into_iter()
                .map(|(k, v)| (k, arrays_from_indexes(v)))
                .collect();
            if is_list {
                Value::Array(m.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(m)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(arrays_from_indexes).collect()),
        other => other,
    }
}

/// A query string as pairs, for routes with several filters.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|e| ApiError::malformed(format!("the query string does not decode: {e}")))
    }
}

impl Params {
    /// The last value given for `name` (or `name[]`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).pop()
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A whole number in `range`, or `default` when absent.
    pub fn number(
        &self,
        name: &str,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        format!(
                            "must be a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    )
                }),
        }
    }

    /// Rejects parameters this route does not know, so a typo is not a silent no-op.
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self
            .0
            .iter()
            .find(|(k, _)| !known.contains(&k.trim_end_matches("[]")))
        {
            Some((k, _)) => Err(ApiError::invalid(
                k,
                format!("is not a filter here; use {}", known.join(", ")),
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bracket_keys_nest_as_booper_reads_them() {
        let v = form_to_json(b"method=post&url=https%3A%2F%2Fx.test&body[content]=Testing+123&body[meta][n]=1&schedule_in[]=30&schedule_in[]=seconds&headers[X-Key]=k").unwrap();
        assert_eq!(
            v,
            json!({"method": "post", "url": "https://x.test", "body": {"content": "Testing 123", "meta": {"n": "1"}},
                   "schedule_in": ["30", "seconds"], "headers": {"X-Key": "k"}})
        );
        assert_eq!(
            form_to_json(b"a[0]=x&a[1]=y").unwrap(),
            json!({"a": ["x", "y"]})
        );
    }

    #[test]
    fn json_sent_as_form_data_is_read_as_json() {
        let body = Bytes::from_static(br#"{"url": "https://x.test", "body": {"a": 1}}"#);
        assert_eq!(
            parse(&body, true).unwrap(),
            json!({"url": "https://x.test", "body": {"a": 1}})
        );
        assert_eq!(
            parse(&Bytes::from_static(b"url=https%3A%2F%2Fx.test"), true).unwrap(),
            json!({"url": "https://x.test"})
        );
    }

    #[test]
    fn deep_form_keys_are_refused_on_their_field() {
        let deep = format!("url=https%3A%2F%2Fx.test&body{}=1", "[a]".repeat(3_000));
        let e = form_to_json(deep.as_bytes()).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (422, "invalid"));
        assert_eq!(e.field.as_deref(), Some("body"));
        assert!(e.message.contains("32 levels"), "{}", e.message);
        let ok = format!("body{}=1", "[a]".repeat(MAX_FORM_DEPTH - 1));
        assert!(form_to_json(ok.as_bytes()).is_ok());
    }

    #[test]
    fn a_value_with_no_field_name_is_refused_in_words() {
        for form in [
            &b"=x"[..],
            b"[]=x",
            b"url=https%3A%2F%2Fx.test&=x",
            b"=x&url=y",
        ] {
            let e = form_to_json(form).unwrap_err();
            assert_eq!((e.status.as_u16(), e.code), (422, "invalid"), "{form:?}");
            assert_eq!(e.field.as_deref(), Some("body"));
            assert!(e.message.contains("no field name"), "{}", e.message);
        }
    }

    #[test]
    fn broken_form_keys_are_malformed() {
        assert_eq!(form_to_json(b"a[b=1").unwrap_err().code, "malformed");
        assert_eq!(form_to_json(b"a=1&a[b]=2").unwrap_err().code, "malformed");
    }
}
