//! Credentials out of everything Chime records or forwards: the log, the
//! live stream, webhooks, callbacks, curl export and error messages. What
//! goes on the wire is never changed; only its record is.
//!
//! A credential is the value of a header or query parameter whose name is
//! `Authorization`, `Proxy-Authorization`, `Cookie` or `Set-Cookie`, or
//! contains `token`, `secret`, `key`, `password` or `auth`; and a URL's
//! user and password.

use serde_json::{Map, Value};
use url::Url;

/// What a credential is replaced with. Plain letters, so it reads the same
/// in a header, a query string and a URL's userinfo (no percent-encoding).
pub const REDACTED: &str = "REDACTED";

const SECRET_WORDS: &[&str] = &["token", "secret", "key", "password", "auth"];
const SECRET_NAMES: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// The letters the secret words begin with, a bit each (`a` is bit 0).
const FIRST_LETTERS: u32 = {
    let mut mask = 0;
    let mut i = 0;
    while i < SECRET_WORDS.len() {
        mask |= 1 << (SECRET_WORDS[i].as_bytes()[0] - b'a');
        i += 1;
    }
    mask
};

/// A header or query parameter name whose value is a credential.
pub fn is_secret_name(name: &str) -> bool {
    // Compared in place, without a lowercased copy or a substring searcher,
    // and only where a word's first letter is: every header of every
    // attempt is asked (a copy and the searchers were 3 % of a burst's
    // instructions, comparing every word at every place 1 %).
    let name = name.as_bytes();
    let word_at = |i: usize, word: &&str| {
        name.get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    let may_start_a_word = |b: u8| {
        let b = b.to_ascii_lowercase();
        b.is_ascii_lowercase() && FIRST_LETTERS & (1 << (b - b'a')) != 0
    };
    SECRET_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        || (0..name.len())
            .filter(|&i| may_start_a_word(name[i]))
            .any(|i| SECRET_WORDS.iter().any(|w| word_at(i, w)))
}

/// Headers with each credential's value replaced. An authorization keeps
/// its scheme ("Bearer REDACTED"), so the record still says how it was sent.
pub fn headers(headers: &Map<String, Value>) -> Map<String, Value> {
    // A copy of the map keeps its hash table; building one anew hashes every
    // name (SipHash: 4 k instructions for an attempt's four headers).
    let mut copy = headers.clone();
    headers_in_place(&mut copy);
    copy
}

/// [`headers`], replacing the values in `headers` itself.
pub fn headers_in_place(headers: &mut Map<String, Value>) {
    for (name, value) in headers.iter_mut() {
        if is_secret_name(name) {
            *value = Value::String(redacted_value(value.as_str().unwrap_or_default()));
        }
    }
}

fn redacted_value(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _))
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            format!("{scheme} {REDACTED}")
        }
        _ => REDACTED.to_string(),
    }
}

/// A query object (a job's `query`) with each credential's value replaced.
pub fn query(query: &Map<String, Value>) -> Map<String, Value> {
    query
        .iter()
        .map(|(name, value)| {
            let value = if is_secret_name(name) {
                Value::String(REDACTED.into())
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect()
}

/// A URL with its user, password and credential query values replaced.
/// Text that is not a URL (a template not yet rendered) is kept as it is.
pub fn url(text: &str) -> String {
    // A user or password needs an '@', a query value a '?': without either
    // there is nothing to take out, and parsing (this runs for every job
    // shown and every attempt recorded) is skipped.
    if !text.contains(['@', '?']) {
        return text.to_string();
    }
    let Ok(mut url) = Url::parse(text) else {
        return text.to_string();
    };
    let mut changed = false;
    if !url.username().is_empty() {
        changed |= url.set_username(REDACTED).is_ok();
    }
    if url.password().is_some() {
        changed |= url.set_password(Some(REDACTED)).is_ok();
    }
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if pairs.iter().any(|(k, _)| is_secret_name(k)) {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (k, v) in &pairs {
            query.append_pair(k, if is_secret_name(k) { REDACTED } else { v });
        }
        drop(query);
        changed = true;
    }
    if changed {
        url.to_string()
    } else {
        text.to_string()
    }
}

/// A message (an error) with `raw_url`, wherever it appears, redacted.
pub fn message(message: &str, raw_url: &str) -> String {
    let safe = url(raw_url);
    if safe == raw_url || raw_url.is_empty() {
        message.to_string()
    } else {
        message.replace(raw_url, &safe)
    }
}

/// Whether `value`, as recorded, had a credential taken out.
pub fn is_redacted(value: &str) -> bool {
    value.contains(REDACTED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_are_named_by_the_rules() {
        for secret in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "Set-Cookie",
            "X-Api-Key",
            "X-Auth-Token",
            "client_secret",
            "password",
            "access_token",
            "X-TOKEN",
            "mykey",
            "KEY",
            "db-PassWord-2",
            "\u{e9}t\u{e9}-auth",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "Content-Type",
            "Accept",
            "X-Request-Id",
            "page",
            "user",
            "",
            "ke",
            "toke",
            "pass-word",
            "cookies-ok",
            "\u{e9}t\u{e9}",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }

    #[test]
    fn headers_keep_their_names_and_an_authorizations_scheme() {
        let h = json!({"Authorization": "Bearer abc.def", "X-Api-Key": "k1", "Accept": "*/*",
                       "Cookie": "a=1; b=2"});
        assert_eq!(
            Value::Object(headers(h.as_object().unwrap())),
            json!({"Authorization": "Bearer REDACTED", "X-Api-Key": "REDACTED", "Accept": "*/*",
                   "Cookie": "REDACTED"})
        );
    }

    #[test]
    fn urls_lose_their_userinfo_and_credential_parameters_only() {
        assert_eq!(
            url("https://me:pw@x.test/a?page=2&api_key=k&token=t"),
            "https://REDACTED:REDACTED@x.test/a?page=2&api_key=REDACTED&token=REDACTED"
        );
        assert_eq!(url("https://me@x.test/"), "https://REDACTED@x.test/");
        assert_eq!(
            url("https://x.test/a?token=t"),
            "https://x.test/a?token=REDACTED"
        );
        assert_eq!(url("https://x.test/a/b"), "https://x.test/a/b");
        let plain = "https://x.test/a?q=hello%20world";
        assert_eq!(url(plain), plain, "untouched when there is nothing to hide");
        assert_eq!(
            url("https://x.test/{{$state.page}}"),
            "https://x.test/{{$state.page}}"
        );
        assert_eq!(
            message(
                "error sending request for url (https://me:pw@x.test/)",
                "https://me:pw@x.test/"
            ),
            "error sending request for url (https://REDACTED:REDACTED@x.test/)"
        );
    }
}
