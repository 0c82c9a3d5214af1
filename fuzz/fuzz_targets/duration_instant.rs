//! Durations (`schedule_in`, `repeat_every`, `timeout`) and timestamps
//! (`scheduled_at`): any JSON, or any text as a JSON string, reads as a
//! value or an error naming the field. A duration read is never negative
//! and its words read back to it; a time read (from the year 0 on) prints as
//! RFC 3339 that reads back to the same instant.
#![no_main]

use chime_engine::{draft, duration};
use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut inputs = Vec::new();
    if let Ok(text) = std::str::from_utf8(data) {
        inputs.push(Value::String(text.to_string()));
    }
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        inputs.push(value);
    }
    for input in &inputs {
        match duration::parse("repeat_every", input) {
            Ok(d) => {
                assert!(d >= chrono::Duration::zero(), "{input}: {d}");
                let (n, unit) = duration::whole_units(d);
                let again = duration::parse("repeat_every", &serde_json::json!([n, unit]));
                if !unit.starts_with("milli") {
                    assert_eq!(again, Ok(d), "{input}: [{n}, {unit}]");
                }
                let _ = duration::words(d);
            }
            Err(e) => assert!(e.message.starts_with("repeat_every: "), "{e:?}"),
        }
        match draft::parse_instant("scheduled_at", input) {
            // A time before the year 0 (an offset can take 0000-01-01 there)
            // runs now, and is never shown.
            Ok(t) if t.year() < 0 => {}
            Ok(t) => {
                let text = t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                assert_eq!(
                    draft::parse_instant("scheduled_at", &Value::String(text.clone())),
                    Ok(t),
                    "{input} printed as {text}"
                );
            }
            Err(e) => assert!(e.message.starts_with("scheduled_at: "), "{e:?}"),
        }
    }
});
