//! `--data` pairs → a JSON object body, as the booper CLI builds it.
//!
//! - `key=value` sets a string (`'$state.cursor'` stays a string: the engine
//!   reads it as a dynamic field at run time);
//! - `key:=JSON` sets any JSON value (`count:=3`, `tags:='["a","b"]'`), as HTTPie does;
//! - dotted and bracket keys nest: `user.name=x` and `'user[name]=x'` both give
//!   `{"user": {"name": "x"}}`; `'tags[]=a'` appends to an array;
//! - a backslash keeps the next character literal: `'a\.b=x'` gives `{"a.b": "x"}`.
//!
//! Members keep the order they were given in (the body is sent as written).

use serde_json::{Map, Value};

/// One step of a key path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    /// `[]`: push onto an array.
    Append,
}

/// Builds the body from every `--data` pair, in order.
pub fn body_from_pairs(pairs: &[String]) -> Result<Value, String> {
    let mut body = Map::new();
    for pair in pairs {
        let (path, value) = parse_pair(pair).map_err(|e| format!("--data {pair}: {e}"))?;
        insert(&mut body, &path, value).map_err(|e| format!("--data {pair}: {e}"))?;
    }
    Ok(Value::Object(body))
}

/// `key=value` or `key:=JSON`, split at the first unescaped `=`.
fn parse_pair(pair: &str) -> Result<(Vec<Segment>, Value), String> {
    let (key, raw_value) = split_at_equals(pair).ok_or(
        "has no `=`; write key=value (a string) or key:=JSON (a number, true, [..], {..})",
    )?;
    let (key, value) = match key.strip_suffix(':') {
        Some(key) if !key.ends_with('\\') => {
            let value = serde_json::from_str(raw_value)
                .map_err(|e| format!("the value after `:=` is not JSON ({e})"))?;
            (key, value)
        }
        _ => (key, Value::String(raw_value.to_string())),
    };
    Ok((parse_key(key)?, value))
}

fn split_at_equals(pair: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (i, c) in pair.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '=' => return Some((&pair[..i], &pair[i + 1..])),
            _ => {}
        }
    }
    None
}

/// `user.name`, `user[name]`, `tags[]`, `a\.b` → path segments.
fn parse_key(key: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut name = String::new();
    let mut chars = key.chars();
    // True right after `]`, where a name may not follow without a `.` or `[`.
    let mut after_bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next().ok_or("the key ends with a lone `\\`")?;
                if after_bracket {
                    return Err(format!(
                        "`{escaped}` follows `]`; use `.` or `[...]` for the next level"
                    ));
                }
                name.push(escaped);
            }
            '.' => {
                if !after_bracket {
                    segments.push(Segment::Key(take_name(&mut name, key)?));
                }
                after_bracket = false;
                continue;
            }
            '[' => {
                if !after_bracket {
                    segments.push(Segment::Key(take_name(&mut name, key)?));
                }
                segments.push(read_bracket(&mut chars)?);
                after_bracket = true;
                continue;
            }
            ']' => return Err("has a `]` without its `[`".into()),
            other => {
                if after_bracket {
                    return Err(format!(
                        "`{other}` follows `]`; use `.` or `[...]` for the next level"
                    ));
                }
                name.push(other);
            }
        }
        after_bracket = false;
    }
    if !after_bracket {
        segments.push(Segment::Key(take_name(&mut name, key)?));
    }
    if let Some(i) = segments.iter().position(|s| *s == Segment::Append) {
        if i + 1 != segments.len() {
            return Err("`[]` (append) must come last in the key".into());
        }
    }
    Ok(segments)
}

fn take_name(name: &mut String, key: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err(if key.is_empty() {
            "the key is empty".into()
        } else {
            format!("the key `{key}` has an empty part")
        });
    }
    Ok(std::mem::take(name))
}

/// The inside of `[...]`: a key, or nothing for append.
fn read_bracket(chars: &mut std::str::Chars) -> Result<Segment, String> {
    let mut inner = String::new();
    loop {
        match chars.next() {
            None => return Err("has a `[` without its `]`".into()),
            Some(']') => break,
            Some('\\') => inner.push(chars.next().ok_or("the key ends with a lone `\\`")?),
            Some(c) => inner.push(c),
        }
    }
    Ok(if inner.is_empty() {
        Segment::Append
    } else {
        Segment::Key(inner)
    })
}

/// Puts `value` at `path`, creating objects and arrays on the way; refuses to
/// overwrite, since a repeated key is almost always a typo.
fn insert(object: &mut Map<String, Value>, path: &[Segment], value: Value) -> Result<(), String> {
    let Some((Segment::Key(key), rest)) = path.split_first() else {
        return Err("`[]` (append) needs a key before it".into());
    };
    match rest.first() {
        None => {
            if object.contains_key(key) {
                return Err(format!("`{key}` is already set by an earlier --data"));
            }
            object.insert(key.clone(), value);
            Ok(())
        }
        Some(Segment::Append) => {
            let slot = object
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = slot else {
                return Err(format!(
                    "`{key}` is already set to a value that is not a list"
                ));
            };
            items.push(value);
            Ok(())
        }
        Some(Segment::Key(_)) => {
            let slot = object
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(inner) = slot else {
                return Err(format!(
                    "`{key}` is already set to a value, so it cannot hold fields too"
                ));
            };
            insert(inner, rest, value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(pairs: &[&str]) -> Result<Value, String> {
        let pairs: Vec<String> = pairs.iter().map(|s| s.to_string()).collect();
        body_from_pairs(&pairs)
    }

    #[test]
    fn the_booper_example_keeps_strings_and_order() {
        let built = body(&["content=Testing 123", "channel=discord"]).unwrap();
        assert_eq!(
            built.to_string(),
            r#"{"content":"Testing 123","channel":"discord"}"#
        );
    }

    #[test]
    fn dotted_and_bracket_keys_nest_into_one_object() {
        let built = body(&[
            "user.name=x",
            "user[email]=x@example.com",
            "user[address][city]=Paris",
            "user.address[zip]=75001",
        ])
        .unwrap();
        assert_eq!(
            built,
            json!({"user": {"name": "x", "email": "x@example.com",
                            "address": {"city": "Paris", "zip": "75001"}}})
        );
    }

    #[test]
    fn dynamic_fields_stay_untouched_strings() {
        let built = body(&["cursor=$state.cursor", "seen=$previous.body.ids"]).unwrap();
        assert_eq!(
            built,
            json!({"cursor": "$state.cursor", "seen": "$previous.body.ids"})
        );
    }

    #[test]
    fn values_keep_everything_after_the_first_equals() {
        let built = body(&["q=a=b", "empty=", "url=https://x/?a=1&b=2"]).unwrap();
        assert_eq!(
            built,
            json!({"q": "a=b", "empty": "", "url": "https://x/?a=1&b=2"})
        );
    }

    #[test]
    fn raw_json_values_with_colon_equals() {
        let built = body(&[
            "count:=3",
            "ok:=true",
            "tags:=[\"a\",\"b\"]",
            "meta:={\"x\":null}",
        ])
        .unwrap();
        assert_eq!(
            built,
            json!({"count": 3, "ok": true, "tags": ["a", "b"], "meta": {"x": null}})
        );
        let err = body(&["count:=three"]).unwrap_err();
        assert!(
            err.starts_with("--data count:=three: the value after `:=` is not JSON"),
            "{err}"
        );
    }

    #[test]
    fn empty_brackets_append_to_a_list() {
        let built = body(&["tags[]=a", "tags[]=b", "ids[]:=1"]).unwrap();
        assert_eq!(built, json!({"tags": ["a", "b"], "ids": [1]}));
    }

    #[test]
    fn backslash_keeps_dots_brackets_and_equals_literal() {
        let built = body(&[r"a\.b=1", r"c\[d\]=2", r"e\=f=3", r"g\:=4"]).unwrap();
        assert_eq!(
            built,
            json!({"a.b": "1", "c[d]": "2", "e=f": "3", "g:": "4"})
        );
    }

    #[test]
    fn mistakes_say_what_to_write() {
        let cases = [
            ("content", "has no `=`"),
            ("=x", "the key is empty"),
            ("a..b=x", "empty part"),
            ("a[b=x", "without its `]`"),
            ("a]=x", "without its `[`"),
            ("a[b]c=x", "follows `]`"),
            ("a[][b]=x", "must come last"),
            ("[]=x", "empty part"),
        ];
        for (pair, expected) in cases {
            let err = body(&[pair]).unwrap_err();
            assert!(err.contains(expected), "{pair}: {err}");
            assert!(err.starts_with(&format!("--data {pair}: ")), "{err}");
        }
    }

    #[test]
    fn conflicting_pairs_are_refused_not_overwritten() {
        let err = body(&["a=1", "a=2"]).unwrap_err();
        assert!(err.contains("already set"), "{err}");
        let err = body(&["user=x", "user.name=y"]).unwrap_err();
        assert!(err.contains("cannot hold fields"), "{err}");
        let err = body(&["tags=x", "tags[]=y"]).unwrap_err();
        assert!(err.contains("not a list"), "{err}");
    }

    #[test]
    fn no_pairs_is_an_empty_object() {
        assert_eq!(body(&[]).unwrap(), json!({}));
    }
}
