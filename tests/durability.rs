//! What the API acknowledges is on disk: a power cut right after a 201
//! loses no job (issue 15, D10). The power cut is made by a small shim
//! (tests/support/sync_shadow.c) that keeps each database file as it was at
//! its last fsync; after a SIGKILL those copies are what a disk holds when
//! every write not yet synced is lost.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use support::Chime;
use tokio::io::AsyncBufReadExt;

const WAIT: Duration = Duration::from_secs(30);

fn build_shim(dir: &Path) -> PathBuf {
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/sync_shadow.c");
    let shim = dir.join("sync_shadow.so");
    let built = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&shim)
        .arg(source)
        .arg("-ldl")
        .arg("-lpthread")
        .status()
        .expect("a C compiler (build-essential)");
    assert!(built.success(), "the shim builds");
    shim
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_create_survives_a_power_cut() {
    let work = tempfile::tempdir().unwrap();
    let shim = build_shim(work.path());
    let dir = work.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_chime"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(&dir)
        .env("LD_PRELOAD", &shim)
        .env("CHIME_SYNC_SHADOW", dir.join("chime.db"))
        .env("CHIME_LOG", "warn")
        .env_remove("CHIME_API_KEY")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(serve.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let port: u16 = line.rsplit(':').next().unwrap().parse().unwrap();
    let key = std::fs::read_to_string(dir.join("api-key")).unwrap();
    let http = reqwest::Client::new();

    // Creates from 4 clients at once; the power goes while they are at it.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..4 {
        let (http, key, acknowledged) = (http.clone(), key.clone(), acknowledged.clone());
        clients.spawn(async move {
            for n in 0.. {
                let sent = http
                    .post(format!("http://127.0.0.1:{port}/api/jobs"))
                    .bearer_auth(key.trim())
                    .json(&json!({"url": "https://example.test/", "name": format!("{c}-{n}"), "schedule_in": "1 day"}))
                    .send()
                    .await;
                let Ok(answer) = sent else { return };
                if answer.status() != 201 {
                    return;
                }
                let Ok(body) = answer.json::<Value>().await else { return };
                acknowledged.lock().unwrap().insert(body["data"]["id"].as_str().unwrap().to_string());
            }
        });
    }
    support::eventually("300 acknowledged creates", WAIT, async || {
        (acknowledged.lock().unwrap().len() >= 300).then_some(())
    })
    .await;
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(serve.id().unwrap() as i32, libc::SIGKILL) };
    let _ = serve.wait().await;
    while clients.join_next().await.is_some() {}
    let acknowledged = acknowledged.lock().unwrap().clone();

    // The disk after the power cut: each file as it was last synced.
    let after = work.path().join("after");
    std::fs::create_dir(&after).unwrap();
    for file in ["chime.db", "chime.db-wal"] {
        let synced = dir.join(format!("{file}.synced"));
        if synced.exists() {
            std::fs::copy(&synced, after.join(file)).unwrap();
        }
    }
    std::fs::copy(dir.join("api-key"), after.join("api-key")).unwrap();
    let chime = Chime::start_in(&after, &[]).await;
    let mut found = HashSet::new();
    for offset in (0..).step_by(100) {
        let (_, page) = chime
            .get(&format!("/api/jobs?limit=100&offset={offset}"))
            .await;
        let jobs = page["data"].as_array().unwrap();
        found.extend(jobs.iter().map(|j| j["id"].as_str().unwrap().to_string()));
        if jobs.len() < 100 {
            break;
        }
    }
    let lost: Vec<_> = acknowledged.difference(&found).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged jobs were lost by the power cut",
        lost.len(),
        acknowledged.len()
    );
}
