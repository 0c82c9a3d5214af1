//! Settings are applied live: whoever watches them (the desktop shell keeps
//! launch at login in step) hears of each change, and of the stored ones at start.

use std::sync::Arc;
use std::time::Duration;

use chime_engine::{Config, Engine, SystemClock};
use serde_json::json;

#[tokio::test]
async fn watchers_hear_of_changes_and_of_the_stored_settings_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        Engine::start(
            Config::new(dir.path().join("chime.db")),
            Arc::new(SystemClock),
        )
    };
    let engine = start().await.unwrap();
    let mut watch = engine.watch_settings();
    assert!(!watch.borrow_and_update().launch_at_login);

    engine
        .update_settings(json!({"launch_at_login": true}))
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), watch.changed())
        .await
        .expect("the change is announced")
        .unwrap();
    assert!(watch.borrow_and_update().launch_at_login);
    engine.shutdown().await;
    drop(engine);

    let engine = start().await.unwrap();
    assert!(
        engine.watch_settings().borrow().launch_at_login,
        "a watcher starts from the stored settings, not the defaults"
    );
    engine.shutdown().await;
}
