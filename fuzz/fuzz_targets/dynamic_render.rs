//! Dynamic fields: a request template filled from what a run knows
//! (`$job`, `$previous`, `$state`; paths such as `"$state.cursor"` and
//! `{{$previous.items.0.id}}` templates). The input is a JSON object
//! `{"spec": <request>, "job", "previous", "state", "inject"}`. Rendering
//! never panics; the rendered request goes to its wire form and the log's
//! redacted copy as a run does; a template with nothing dynamic in it (and
//! headers that are text, as a job's are) comes out as it went in.
#![no_main]

use chime_engine::dynamic::{render, RunContext};
use chime_engine::request::RequestSpec;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some(Ok(spec)) = input
        .get("spec")
        .map(|s| serde_json::from_value::<RequestSpec>(s.clone()))
    else {
        return;
    };
    let part = |name: &str| input.get(name).cloned().unwrap_or(Value::Null);
    let ctx = RunContext {
        job: part("job"),
        previous: part("previous"),
        state: part("state"),
        inject: input.get("inject").and_then(Value::as_bool).unwrap_or(true),
    };
    let out = render(&spec, &ctx);
    let static_template = !serde_json::to_string(&spec).unwrap().contains('$')
        && spec.headers.values().all(Value::is_string);
    if !ctx.inject && static_template {
        assert_eq!(out, spec, "nothing dynamic, nothing changed");
    }
    if let Ok(sent) = out.to_sent() {
        let _ = sent.into_log();
    }
});
