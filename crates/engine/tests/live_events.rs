//! Live events reach subscribers in the order they were stored, however many
//! tasks write at once: a subscriber that resumes by "after id" relies on it.

use std::sync::Arc;

use chime_engine::{Config, Engine, SystemClock};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_are_published_in_id_order_under_concurrent_writes() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(
        Config::new(dir.path().join("chime.db")),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let mut live = engine.subscribe();
    let writers: Vec<_> = (0..32)
        .map(|w| {
            let engine = engine.clone();
            tokio::spawn(async move {
                for i in 0..25 {
                    let job = json!({"url": format!("https://example.test/{w}/{i}"), "schedule_in": "1 hour"});
                    engine.create_job(job).await.unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let mut ids = Vec::new();
    while let Ok(event) = live.try_recv() {
        ids.push(event.id);
    }
    assert_eq!(ids.len(), 32 * 25);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "published in the order stored");
    engine.shutdown().await;
}
