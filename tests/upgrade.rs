//! Upgrades keep data: a database made by an earlier Chime (schema version 4,
//! tests/fixtures/make-upgrade-fixture.py) opens, migrates and serves its
//! jobs, schedules, attempts, events and settings; a database from a newer
//! Chime is refused with a message that names both versions.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use support::Chime;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/schema-v4/chime.db"
);

/// A data folder holding a copy of the fixture's database.
fn data_dir_from_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(FIXTURE, dir.path().join("chime.db")).expect("the fixture database");
    dir
}

/// The schema versions recorded in the database in `dir`, in order.
fn schema_versions(dir: &Path) -> Vec<i64> {
    let db = rusqlite::Connection::open(dir.join("chime.db")).unwrap();
    let mut query = db
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap();
    let versions = query.query_map([], |r| r.get(0)).unwrap();
    versions.map(Result::unwrap).collect()
}

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["data"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .unwrap_or_else(|| panic!("no {name:?} in {list}"))
}

#[tokio::test]
async fn a_schema_4_database_opens_migrates_and_serves_its_data() {
    let dir = data_dir_from_fixture();
    assert_eq!(schema_versions(dir.path()), [1, 2, 3, 4]);
    let chime = Chime::start_in(dir.path(), &[]).await;
    let versions = schema_versions(dir.path());
    assert_eq!(
        versions,
        (1..=*versions.last().unwrap()).collect::<Vec<_>>(),
        "every migration of this build applied, in order"
    );

    let (status, jobs) = chime.get("/api/jobs?limit=100").await;
    assert_eq!(status, 200, "{jobs}");
    let report = named(&jobs, "fixture: nightly report");
    assert_eq!(report["state"], "completed");
    assert_eq!(named(&jobs, "fixture: in 2036")["state"], "scheduled");
    let (_, schedules) = chime.get("/api/schedules").await;
    let hourly = named(&schedules, "fixture: every hour");
    assert_eq!(hourly["frequency"]["repeat_every"], json!([1, "hour"]));
    assert_eq!(hourly["state"]["cursor"], 3, "its stored state");
    assert!(hourly["disabled_at"].is_string(), "{hourly}");

    let id = report["id"].as_str().unwrap();
    let (_, job) = chime.get(&format!("/api/jobs/{id}")).await;
    let attempts = job["data"]["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 1, "{job}");
    // Its id was made before ids began with their time (0024): it is found
    // by its start as before, and so is a job made now.
    let (_, by_start) = chime.get(&format!("/api/jobs/{}", &id[..8])).await;
    assert_eq!(by_start["data"]["id"], id, "{by_start}");
    let (status, made) = chime
        .post(
            "/api/jobs",
            json!({"url": "https://example.com/after", "schedule_in": "1 day"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let new_id = made["data"]["id"].as_str().unwrap();
    let (_, by_start) = chime.get(&format!("/api/jobs/{}", &new_id[..8])).await;
    assert_eq!(by_start["data"]["id"], new_id, "{by_start}");
    let (_, events) = chime
        .get(&format!("/api/logs?job_id={id}&order=asc&limit=100"))
        .await;
    let kinds: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert!(kinds.contains(&"job.response"), "{kinds:?}");
    let (_, settings) = chime.get("/api/settings").await;
    assert_eq!(settings["data"]["retention_days"], 3650);
}

#[tokio::test]
async fn a_database_from_a_newer_chime_is_refused_naming_both_versions() {
    let dir = data_dir_from_fixture();
    // This build's version: the one it migrates the fixture to.
    Chime::start_in(dir.path(), &[]).await.terminate().await;
    let known = *schema_versions(dir.path()).last().unwrap();
    let newer = known + 1;
    let db = rusqlite::Connection::open(dir.path().join("chime.db")).unwrap();
    db.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'from the future', 0)",
        [newer],
    )
    .unwrap();
    drop(db);

    let serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_chime"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .env_remove("CHIME_API_KEY")
        .output();
    let out = tokio::time::timeout(Duration::from_secs(30), serve)
        .await
        .expect("chime serve gives up within 30 s")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused: {stderr}");
    assert!(
        stderr.contains(&format!("schema version {newer}"))
            && stderr.contains(&format!("this Chime's {known}")),
        "the message names both versions: {stderr}"
    );
    assert_eq!(
        schema_versions(dir.path()).last(),
        Some(&newer),
        "the newer database is left as it was"
    );
}
