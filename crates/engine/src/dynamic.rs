//! Dynamic fields (SPEC section 3): what a schedule's job knows only at run
//! time, `$job`, `$previous` and `$state`, put into its request.
//!
//! - A JSON-object body gets the three as members (unless `inject_fields` is off).
//! - A string that is a path (`"$previous.sent"`, `"$state.cursor"`, `"$job.id"`)
//!   becomes the value found there, with its JSON type (missing: null).
//! - `{{$state.page}}` inside a longer string is replaced by the value as text,
//!   in the body, the query, the headers and the URL.

use serde_json::{Map, Value};

use crate::request::RequestSpec;

const ROOTS: [&str; 3] = ["$job", "$previous", "$state"];

/// What a run knows: `{"$job": {...}, "$previous": ..., "$state": {...}}`.
#[derive(Debug, Clone)]
pub struct RunContext {
    pub job: Value,
    pub previous: Value,
    pub state: Value,
    pub inject: bool,
}

impl RunContext {
    fn root(&self, name: &str) -> Option<&Value> {
        match name {
            "$job" => Some(&self.job),
            "$previous" => Some(&self.previous),
            "$state" => Some(&self.state),
            _ => None,
        }
    }

    /// The value at a path such as `$previous.items.0.id`; None if the string
    /// is not a path at all.
    fn lookup(&self, path: &str) -> Option<Value> {
        let path = path.trim();
        let (root, rest) = match path.split_once('.') {
            Some((root, rest)) => (root, Some(rest)),
            None => (path, None),
        };
        let value = self.root(root)?;
        let found = crate::path::get(value, rest.unwrap_or_default());
        Some(found.cloned().unwrap_or(Value::Null))
    }
}

/// The request with every dynamic field filled in.
pub fn render(spec: &RequestSpec, ctx: &RunContext) -> RequestSpec {
    let mut out = spec.clone();
    out.url = interpolate(&spec.url, ctx);
    out.query = spec
        .query
        .iter()
        .map(|(k, v)| (k.clone(), substitute(v, ctx)))
        .collect();
    out.headers = spec
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(as_text(&substitute(v, ctx)))))
        .collect();
    out.body = spec.body.as_ref().map(|body| {
        let mut body = substitute(body, ctx);
        if ctx.inject {
            if let Value::Object(members) = &mut body {
                members.insert("$job".into(), ctx.job.clone());
                members.insert("$previous".into(), ctx.previous.clone());
                members.insert("$state".into(), ctx.state.clone());
            }
        }
        body
    });
    out
}

/// Replaces paths and templates throughout a JSON value.
fn substitute(value: &Value, ctx: &RunContext) -> Value {
    match value {
        Value::String(s) if is_path(s) => ctx.lookup(s).unwrap_or(Value::Null),
        Value::String(s) => Value::String(interpolate(s, ctx)),
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, ctx)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), substitute(v, ctx)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn is_path(s: &str) -> bool {
    ROOTS.iter().any(|root| {
        s.strip_prefix(root).is_some_and(|rest| {
            rest.is_empty() || (rest.starts_with('.') && !rest.contains(char::is_whitespace))
        })
    })
}

/// Replaces each `{{path}}` with the value at the path, as text. Text that is
/// not a known path is left as it was, braces and all.
fn interpolate(text: &str, ctx: &RunContext) -> String {
    if !text.contains("{{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) if is_path(after[..end].trim()) => {
                let value = ctx.lookup(&after[..end]).unwrap_or(Value::Null);
                out.push_str(&as_text(&value));
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> RunContext {
        RunContext {
            job: json!({"id": "j1", "run": 3}),
            previous: json!({"sent": ["a", "b"], "items": [{"id": 7}]}),
            state: json!({"cursor": 4, "page": "p2"}),
            inject: true,
        }
    }

    fn spec(v: Value) -> RequestSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn path_strings_keep_their_json_type() {
        let out = render(
            &spec(json!({"method": "post", "url": "https://x.test",
                "body": {"cursor": "$state.cursor", "exclude": "$previous.sent", "first": "$previous.items.0.id",
                         "missing": "$state.nope", "plain": "$5 off", "run": "$job.run"}})),
            &ctx(),
        );
        let body = out.body.unwrap();
        assert_eq!(body["cursor"], json!(4));
        assert_eq!(body["exclude"], json!(["a", "b"]));
        assert_eq!(body["first"], json!(7));
        assert_eq!(body["missing"], Value::Null);
        assert_eq!(body["plain"], json!("$5 off"));
        assert_eq!(body["run"], json!(3));
    }

    #[test]
    fn object_bodies_carry_the_three_unless_turned_off() {
        let s = spec(json!({"method": "post", "url": "https://x.test", "body": {"k": 1}}));
        let body = render(&s, &ctx()).body.unwrap();
        assert_eq!(body["$state"], json!({"cursor": 4, "page": "p2"}));
        assert_eq!(body["$job"]["id"], "j1");
        assert_eq!(body["$previous"]["sent"], json!(["a", "b"]));
        let off = RunContext {
            inject: false,
            ..ctx()
        };
        assert_eq!(render(&s, &off).body.unwrap(), json!({"k": 1}));
    }

    #[test]
    fn templates_fill_the_url_query_and_headers_as_text() {
        let out = render(
            &spec(
                json!({"method": "get", "url": "https://x.test/{{$state.page}}/items",
                "query": {"after": "$state.cursor", "tag": "t-{{ $job.run }}"},
                "headers": {"X-Cursor": "{{$state.cursor}}", "X-Literal": "{{not a path}}"}}),
            ),
            &ctx(),
        );
        assert_eq!(out.url, "https://x.test/p2/items");
        assert_eq!(out.query["after"], json!(4));
        assert_eq!(out.query["tag"], json!("t-3"));
        assert_eq!(out.headers["X-Cursor"], json!("4"));
        assert_eq!(out.headers["X-Literal"], json!("{{not a path}}"));
    }
}
