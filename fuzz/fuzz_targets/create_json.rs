//! `POST /api/jobs` with a JSON body: whatever JSON arrives, the job decoder
//! answers a job or an error that names its field, and never panics.
//! Allowing plain http never turns a valid job into an invalid one.
#![no_main]

use chime_engine::draft::{parse, Policy};
use libfuzzer_sys::fuzz_target;

/// A fixed "now", so an input always does the same.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let strict = parse(&input, Policy { allow_http: false }, now());
    let lax = parse(&input, Policy { allow_http: true }, now());
    for error in [&strict, &lax].into_iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            error.message.starts_with(&format!("{}: ", error.field)),
            "the message names its field: {error:?}"
        );
    }
    if strict.is_ok() {
        assert!(
            lax.is_ok(),
            "valid without --allow-http, invalid with it: {lax:?}"
        );
    }
});
