//! Paths into JSON values, as dynamic fields, checks and change detection
//! write them: `data.items.0.id` or `data.items[0].id`.

use serde_json::Value;

/// The keys of a path: `a.b[0].c` and `a.b.0.c` are both `a`, `b`, `0`, `c`.
pub fn keys(path: &str) -> impl Iterator<Item = &str> {
    path.split(['.', '[', ']']).filter(|k| !k.is_empty())
}

/// The value at `path` in `value`, if there is one.
pub fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    keys(path).try_fold(value, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dots_and_brackets_read_the_same() {
        let v = json!({"data": {"items": [{"ok": true}, {"ok": false}]}});
        assert_eq!(get(&v, "data.items[1].ok"), Some(&json!(false)));
        assert_eq!(get(&v, "data.items.0.ok"), Some(&json!(true)));
        assert_eq!(get(&v, "data.items[2].ok"), None);
        assert_eq!(get(&v, "data.nothing"), None);
        assert_eq!(get(&v, ""), Some(&v));
    }
}
