//! Every event kind, made for real by the engine (the recovery after a
//! crash included), written as a TypeScript module of typed values
//! (ui/src/api/fixtures/events.ts) that `tsc` checks against the generated
//! `Event` type: a field the engine sends and the UI's types lack, or one
//! the types require and the engine leaves out, fails the UI's type check.
//! Volatile values (ids, times, ports, durations) are normalised, so the file
//! only changes when a shape does; `make test` fails if it is stale.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chime_engine::{Config, Engine, Event, LogQuery, ManualClock, SystemClock};
use chime_testkit::{eventually, Reply, Target};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

const WAIT: StdDuration = StdDuration::from_secs(10);

async fn start(dir: &std::path::Path, clock: Arc<dyn chime_engine::Clock>) -> Engine {
    let mut config = Config::new(dir.join("chime.db"));
    config.allow_http = true;
    Engine::start(config, clock).await.unwrap()
}

async fn all_events(engine: &Engine) -> Vec<Event> {
    engine
        .list_events(LogQuery {
            limit: 1000,
            ascending: true,
            ..Default::default()
        })
        .await
        .unwrap()
}

async fn job_finished(engine: &Engine, id: &str) {
    eventually("the job to finish", WAIT, async || {
        engine
            .get_job(id)
            .await
            .ok()
            .filter(|j| j.state.is_finished())
    })
    .await;
}

/// Ids, times, ports and durations made the same from run to run.
fn normalize(value: &mut Value, ids: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key.ends_with("_ms") && v.is_number() {
                    *v = json!(0);
                } else if key == "id" && v.is_number() {
                    *v = json!(1);
                } else {
                    normalize(v, ids);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| normalize(v, ids)),
        Value::String(s) => {
            if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
                *s = "2026-03-02T08:00:00.000000Z".into();
            } else if chrono::DateTime::parse_from_rfc2822(s).is_ok() {
                *s = "Mon, 02 Mar 2026 08:00:00 GMT".into();
            } else if uuid_like(s) {
                let n = ids.len() + 1;
                *s = ids
                    .entry(s.clone())
                    .or_insert_with(|| format!("00000000-0000-4000-8000-{n:012}"))
                    .clone();
            } else if let Some(i) = s.find("127.0.0.1:") {
                let end = s[i + 10..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(s.len(), |e| i + 10 + e);
                s.replace_range(i..end, "127.0.0.1:7391");
            }
        }
        _ => {}
    }
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36
        && s.chars().filter(|c| *c == '-').count() == 4
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_kind_is_written_as_a_typed_fixture_for_the_ui() {
    let target = Target::start(|seen| match seen.path.as_str() {
        "/slow" => Reply::status(200).after(StdDuration::from_secs(30)),
        _ => Reply::json(200, json!({"ok": true})),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();

    // A crash mid-attempt, so the next start recovers it.
    let slow = target.url("/slow");
    let db_dir = dir.path().to_path_buf();
    let rt = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let engine = start(&db_dir, Arc::new(SystemClock)).await;
            engine.create_job(json!({"url": slow})).await.unwrap();
            // The request is on record before the crash, so it is the first job.request.
            eventually("the request to be recorded", WAIT, async || {
                let events = all_events(&engine).await;
                events
                    .iter()
                    .any(|e| e.kind() == chime_engine::EventKind::Request)
                    .then_some(())
            })
            .await;
        });
        rt
    })
    .await
    .unwrap();
    target.wait_for(1, WAIT).await;
    tokio::task::spawn_blocking(move || rt.shutdown_background())
        .await
        .unwrap();

    let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    let clock = ManualClock::new(t0);
    let engine = start(dir.path(), Arc::new(clock.clone())).await;
    // Created, started, request, response, finished.
    let ok = engine
        .create_job(
            json!({"method": "post", "url": target.url("/ok"), "body": {"a": 1}, "name": "ok",
                    "assert": [{"status": "2xx"}, {"json": "ok", "equals": true}]}),
        )
        .await
        .unwrap();
    // Done before the error's job is made, so the first job.finished (the
    // one the fixture keeps) is always this one's.
    job_finished(&engine, &ok.job.id).await;
    // Updated, then cancelled.
    let later = engine
        .create_job(json!({"url": target.url("/later"), "schedule_in": "1 hour"}))
        .await
        .unwrap();
    engine
        .patch_job(&later.job.id, json!({"schedule_in": "2 hours"}))
        .await
        .unwrap();
    engine.cancel_job(&later.job.id).await.unwrap();
    // An error: nothing listens on port 9.
    let refused = engine
        .create_job(json!({"url": "http://127.0.0.1:9/", "retry": {"max_attempts": 1}}))
        .await
        .unwrap();
    job_finished(&engine, &refused.job.id).await;
    // A schedule that fails once, then works with another body: failing,
    // recovered and changed.
    let flip = Target::start(|seen| {
        if seen.n == 1 {
            Reply::json(503, json!({"v": 1}))
        } else {
            Reply::json(200, json!({"v": 2}))
        }
    })
    .await;
    let flipping = engine
        .create_job(
            json!({"url": flip.url("/flip"), "repeat_every": "1 minute", "name": "flip",
            "retry": {"max_attempts": 1}, "alert": {"after_failures": 1, "on_change": true}}),
        )
        .await
        .unwrap();
    let schedule_id = flipping.job.schedule_id.clone().unwrap();
    for (run, told) in [
        (1, chime_engine::EventKind::Failing),
        (2, chime_engine::EventKind::Recovered),
    ] {
        clock.advance(chrono::Duration::seconds(60));
        flip.wait_for(run, WAIT).await;
        eventually("the run's alert", WAIT, async || {
            let events = all_events(&engine).await;
            events.iter().any(|e| e.kind() == told).then_some(())
        })
        .await;
    }
    engine
        .disable_schedule(&schedule_id, json!({}))
        .await
        .unwrap();

    // Missed runs, and a catch-up that waits for a network that never comes.
    let schedule = engine
        .create_job(
            json!({"url": "http://127.0.0.1:9/", "repeat_every": "1 minute",
                           "network_wait": "1 second", "retry": {"max_attempts": 1}}),
        )
        .await
        .unwrap();
    clock.set(t0 + chrono::Duration::seconds(330));
    eventually("the catch-up to wait for the network", WAIT, async || {
        let events = all_events(&engine).await;
        events
            .iter()
            .any(|e| e.kind() == chime_engine::EventKind::Waiting)
            .then_some(())
    })
    .await;
    clock.advance(chrono::Duration::seconds(1));
    eventually("the catch-up to be sent anyway", WAIT, async || {
        let job = engine.get_job(&schedule.job.id).await.ok()?;
        job.state.is_finished().then_some(())
    })
    .await;

    let mut by_kind: BTreeMap<String, Value> = BTreeMap::new();
    for event in all_events(&engine).await {
        let mut name = event.kind().as_str().to_string();
        if matches!(&event.body, chime_engine::Payload::Finished(f) if f.interrupted)
            || matches!(&event.body, chime_engine::Payload::Error(e) if e.error.contains("interrupted"))
        {
            name.push_str(" (recovered after a crash)");
        }
        by_kind
            .entry(name)
            .or_insert(serde_json::to_value(&event).unwrap());
    }
    engine.shutdown().await;
    assert_eq!(
        by_kind.len(),
        chime_engine::event::ALL_KINDS.len() + 2,
        "every kind, and the recovery's two: {:?}",
        by_kind.keys()
    );

    let mut ids = BTreeMap::new();
    let mut module = String::from(
        "// Written by crates/engine/tests/event_fixtures.rs when `cargo test` runs: do not edit.\n\
         // One real event of each kind, checked by tsc against the generated Event type.\n\
         import type { Event } from '../generated/Event';\n\n\
         export const eventFixtures = {\n",
    );
    for (n, (name, mut event)) in by_kind.into_iter().enumerate() {
        normalize(&mut event, &mut ids);
        // Ids in the order written, so the fixtures read as one history.
        event["id"] = json!(n + 1);
        let text = serde_json::to_string_pretty(&event)
            .unwrap()
            .replace('\n', "\n  ");
        module.push_str(&format!(
            "  {}: {text},\n",
            serde_json::to_string(&name).unwrap()
        ));
    }
    module.push_str("} satisfies Record<string, Event>;\n");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/src/api/fixtures/events.ts"
    );
    std::fs::write(path, module).unwrap();
}
