//! Settings are applied live: whoever watches them (the desktop shell keeps
//! launch at login in step) hears of each change, and of the stored ones at start.

use std::sync::Arc;
use std::time::Duration;

use chime_engine::{Config, Engine, SystemClock};
use serde_json::json;

/// An engine on the database in `dir`.
async fn start_in(dir: &std::path::Path) -> Engine {
    let config = Config::new(dir.join("chime.db"));
    Engine::start(config, Arc::new(SystemClock)).await.unwrap()
}

#[tokio::test]
async fn watchers_hear_of_changes_and_of_the_stored_settings_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start_in(dir.path()).await;
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

    let engine = start_in(dir.path()).await;
    assert!(
        engine.watch_settings().borrow().launch_at_login,
        "a watcher starts from the stored settings, not the defaults"
    );
    engine.shutdown().await;
}

/// A CA file Chime cannot trust a certificate from is refused with the field
/// and why, and nothing is stored; a CA's own certificate is taken.
#[tokio::test]
async fn a_ca_file_without_a_usable_certificate_is_refused_by_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start_in(dir.path()).await;
    let missing = dir.path().join("missing.pem");
    let words = dir.path().join("words.pem");
    std::fs::write(&words, "not a certificate\n").unwrap();
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    for (file, why) in [
        (&missing, "is not a readable file"),
        (&words, "holds no PEM certificate"),
        (&broken, "holds no usable PEM certificate"),
    ] {
        let error = engine
            .update_settings(json!({ "ca_cert_path": file }))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("ca_cert_path: ")
                && error.contains(why)
                && error.contains(file.to_str().unwrap()),
            "{error}"
        );
        assert_eq!(engine.settings().ca_cert_path, None, "nothing is stored");
    }
    let tls = chime_testkit::Target::start_tls(|_| chime_testkit::Reply::status(200)).await;
    let ca = tls.ca_file.clone().unwrap().to_str().unwrap().to_string();
    let settings = engine
        .update_settings(json!({ "ca_cert_path": ca }))
        .await
        .unwrap();
    assert_eq!(settings.ca_cert_path, Some(ca));
    engine.shutdown().await;
}
