//! The curl importer: any text is a request or an error a person can read,
//! never a panic; and what it reads prints as a curl command that reads back
//! to the same request (`parse(&to_curl(&r)) == Ok(r)`, as curl.rs promises).
#![no_main]

use chime_engine::curl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    match curl::parse(command) {
        Ok(request) => {
            let printed = curl::to_curl(&request);
            assert_eq!(
                curl::parse(&printed),
                Ok(request.clone()),
                "{command:?} printed as {printed:?}"
            );
            let _ = curl::to_json(&request);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
