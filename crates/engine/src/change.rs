//! Change detection (`alert.on_change`): a JSON-aware difference between two
//! runs' responses, their `status` and `body`, path by path. A body that is
//! not JSON is compared as text.

use serde_json::{json, Value};

use crate::event::Change;

/// Differences listed in one `job.changed`; the rest are counted.
pub const MAX_LISTED: usize = 50;
/// A string value in a difference is cut to this many characters.
const MAX_TEXT: usize = 200;

/// A response as compared: its status and its body.
pub fn compared(status: u16, body: &str) -> Value {
    let body = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()));
    json!({"status": status, "body": body})
}

/// The differences from `before` to `after` outside the `ignore` paths (a
/// path ignores everything under it; `*` stands for any one key): the first
/// [`MAX_LISTED`], and how many more there are.
pub fn diff(before: &Value, after: &Value, ignore: &[String]) -> (Vec<Change>, usize) {
    let ignore: Vec<Vec<&str>> = ignore
        .iter()
        .map(|p| crate::path::keys(p).collect())
        .collect();
    let mut out = Diff {
        ignore,
        listed: Vec::new(),
        more: 0,
    };
    out.walk(&mut Vec::new(), Some(before), Some(after));
    (out.listed, out.more)
}

struct Diff<'a> {
    ignore: Vec<Vec<&'a str>>,
    listed: Vec<Change>,
    more: usize,
}

impl Diff<'_> {
    fn walk(&mut self, keys: &mut Vec<String>, before: Option<&Value>, after: Option<&Value>) {
        if self.ignored(keys) {
            return;
        }
        match (before, after) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                let mut names: Vec<&String> = a.keys().collect();
                names.extend(b.keys().filter(|k| !a.contains_key(*k)));
                for name in names {
                    keys.push(name.clone());
                    self.walk(keys, a.get(name), b.get(name));
                    keys.pop();
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) => {
                for i in 0..a.len().max(b.len()) {
                    keys.push(i.to_string());
                    self.walk(keys, a.get(i), b.get(i));
                    keys.pop();
                }
            }
            (a, b) if a != b => self.note(keys, a, b),
            _ => {}
        }
    }

    fn ignored(&self, keys: &[String]) -> bool {
        self.ignore
            .iter()
            .any(|p| p.len() <= keys.len() && p.iter().zip(keys).all(|(p, k)| *p == "*" || p == k))
    }

    fn note(&mut self, keys: &[String], before: Option<&Value>, after: Option<&Value>) {
        if self.listed.len() == MAX_LISTED {
            self.more += 1;
            return;
        }
        self.listed.push(Change {
            path: path_text(keys),
            before: before.map(short),
            after: after.map(short),
        });
    }
}

/// `body.data.items[0].ok`: keys with dots, indexes in brackets.
fn path_text(keys: &[String]) -> String {
    let mut text = String::new();
    for key in keys {
        if key.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
            text.push_str(&format!("[{key}]"));
        } else {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(key);
        }
    }
    text
}

/// A value as a difference shows it: long text cut, a big object or list
/// summarised.
fn short(v: &Value) -> Value {
    match v {
        Value::String(s) if s.chars().count() > MAX_TEXT => {
            Value::String(format!("{}…", s.chars().take(MAX_TEXT).collect::<String>()))
        }
        Value::Object(m) if m.len() > 20 => Value::String(format!("{{{} keys}}", m.len())),
        Value::Array(a) if a.len() > 20 => Value::String(format!("[{} items]", a.len())),
        other => other.clone(),
    }
}

/// The differences in words, for a notification: the first few paths.
pub fn in_words(diff: &[Change], more: usize) -> String {
    let total = diff.len() + more;
    let first = diff.first().map(|c| {
        let side = |v: &Option<Value>| v.as_ref().map_or("nothing".into(), Value::to_string);
        format!("{} {} → {}", c.path, side(&c.before), side(&c.after))
    });
    match (first, total) {
        (Some(first), 1) => first,
        (Some(first), n) => format!("{first} and {} more", n - 1),
        (None, _) => "no differences".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_listed_by_path_outside_the_ignored_ones() {
        let before = compared(
            200,
            r#"{"data": {"items": [{"ok": true}], "generated_at": "09:00"}, "v": 1}"#,
        );
        let after = compared(
            503,
            r#"{"data": {"items": [{"ok": false}, {"ok": true}], "generated_at": "09:05"}, "w": 2}"#,
        );
        let (changes, more) = diff(&before, &after, &["body.data.generated_at".into()]);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "status",
                "body.data.items[0].ok",
                "body.data.items[1]",
                "body.v",
                "body.w"
            ]
        );
        assert_eq!(more, 0);
        assert_eq!(changes[0].before, Some(json!(200)));
        assert_eq!(changes[2].before, None);
        assert_eq!(changes[3].after, None);
        assert_eq!(in_words(&changes, more), "status 200 → 503 and 4 more");
    }

    #[test]
    fn a_wildcard_ignores_a_key_in_every_item_and_text_bodies_compare_whole() {
        let before = compared(200, r#"[{"id": 1, "ts": 5}, {"id": 2, "ts": 6}]"#);
        let after = compared(200, r#"[{"id": 1, "ts": 7}, {"id": 2, "ts": 8}]"#);
        assert_eq!(diff(&before, &after, &["body.*.ts".into()]).0, vec![]);
        let (changes, _) = diff(&compared(200, "up"), &compared(200, "down"), &[]);
        assert_eq!(changes[0].path, "body");
        assert_eq!(diff(&before, &before, &[]).0, vec![]);
    }
}
