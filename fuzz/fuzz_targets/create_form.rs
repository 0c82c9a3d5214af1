//! `POST /api/jobs` with a form body (`body[content]=Testing+123`): any bytes
//! decode to JSON or to an API error that blames the client, never a panic
//! or a stack overflow (issue 15, D1); what decodes goes through the job
//! decoder as the API sends it. (A value with no field name, `=x` or `[]=x`,
//! is refused with a 422 on `body`.)
#![no_main]

use chime_engine::draft::{parse, Policy};
use libfuzzer_sys::fuzz_target;

/// A fixed "now", so an input always does the same.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap()
}

fuzz_target!(|data: &[u8]| {
    match chime_api::form_to_json(data) {
        Ok(value) => {
            let _ = parse(&value, Policy { allow_http: true }, now());
        }
        Err(error) => assert!(
            error.status.is_client_error(),
            "a bad form is the client's error: {error:?}"
        ),
    }
});
