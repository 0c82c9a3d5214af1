//! The answer to a create is the job as it is stored: it is built from what
//! was written, not read back, so it must not differ from a later read.

use std::sync::Arc;

use chime_engine::{Config, Engine, ManualClock};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

/// A view as JSON, without what only a read adds (attempts).
fn stored(mut view: Value) -> Value {
    view.as_object_mut().unwrap().remove("attempts");
    view
}

#[tokio::test]
async fn a_created_job_answers_exactly_what_reading_it_back_gives() {
    let dir = tempfile::tempdir().unwrap();
    // Sub-millisecond "now": the store keeps milliseconds.
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
        + chrono::Duration::microseconds(1_234_567);
    let engine = Engine::start(
        Config::new(dir.path().join("chime.db")),
        Arc::new(ManualClock::new(now)),
    )
    .await
    .unwrap();
    let inputs = [
        json!({"url": "https://example.org/a", "schedule_in": [90, "seconds"]}),
        json!({
            "method": "put",
            "url": "https://user:secret@example.org/b?x=1&y=%20z",
            "headers": {"X-Token": "abc", "Content-Type": "application/json"},
            "query": {"page": 2, "tags": ["a", "b"]},
            "body": {"n": 1.5, "nested": {"ok": true, "none": null}, "list": [1, "two"]},
            "name": "Nightly", "description": "with all the options",
            "scheduled_at": "2026-03-02T08:30:00.123456+01:00",
            "timeout": [5, "seconds"],
            "retry": {"max_attempts": 4},
            "callback_url": "https://example.org/callback",
            "idempotency_key": "k-1",
        }),
        json!({"url": "https://example.org/c", "cron": "*/5 * * * *", "timezone": "Europe/Berlin"}),
    ];
    for input in inputs {
        let created = engine.create_job(input.clone()).await.unwrap();
        assert!(created.created, "{input}");
        let answered = stored(serde_json::to_value(&created.job).unwrap());
        let read =
            stored(serde_json::to_value(engine.get_job(&created.job.id).await.unwrap()).unwrap());
        assert_eq!(answered, read, "{input}");
    }
    engine.shutdown().await;
}
