//! Storage faults: Chime on a disk that fills up and empties again, and on
//! a database it must not write to.

mod support;

use std::io::Write;
use std::time::Duration;

use chime_testkit::Gate;
use reqwest::StatusCode;
use serde_json::json;
use support::{eventually, Chime, Reply, Target};

const WAIT: Duration = Duration::from_secs(30);

/// Fills the disk under `dir` with one file until it refuses more.
fn fill(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("create the filler");
    let block = vec![0u8; 64 * 1024];
    loop {
        match file.write_all(&block) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    // Smaller writes take the last blocks, so SQLite finds none.
    while file.write_all(&[0u8; 512]).is_ok() {}
    path
}

/// Attempts in flight when the disk fills keep their results until there is
/// room, then catch up with no restart and nothing sent twice; meanwhile
/// creates are refused with 507 and a message that says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_keeps_results_until_there_is_room_and_sends_nothing_twice() {
    // Answers once the disk is full, with bodies large enough that recording
    // them must grow the database's files.
    let gate = Gate::default();
    let held = gate.clone();
    let target = Target::start(move |_| {
        Reply::json(200, json!({"ok": true, "pad": "p".repeat(300_000)})).until(&held)
    })
    .await;
    let chime = Chime::start_on_small_disk("8m", &["--allow-http"]).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let (status, created) = chime
            .post(
                "/api/jobs",
                json!({"method": "post", "url": target.url(&format!("/j{n}")), "body": {"n": n}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["data"]["id"].as_str().unwrap().to_string());
    }
    eventually("five attempts in flight", WAIT, async || {
        (target.count() == 5).then_some(())
    })
    .await;

    let filler = fill(&chime.disk());
    let (status, refused) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/late"), "body": {"big": "x".repeat(1_500_000)}}),
        )
        .await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{refused}");
    assert_eq!(refused["error"]["code"], "disk_full");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("the disk is full"));
    gate.open();
    // The answers come while the disk is full: they wait to be recorded.
    let (_, listed) = chime.get("/api/jobs?state=executing").await;
    assert_eq!(listed["total"], 5, "{listed}");

    std::fs::remove_file(filler).unwrap();
    for id in &ids {
        let job = chime
            .job_when(id, "the job to be recorded once there is room", WAIT, |j| {
                j["state"] == "completed"
            })
            .await;
        assert_eq!(
            job["attempts"].as_array().unwrap().len(),
            1,
            "one attempt: {job}"
        );
    }
    assert_eq!(target.count(), 5, "nothing was sent twice");
    let (status, _) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/after"), "schedule_in": "1 hour"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "creates work again");
}

/// Damage in the middle of the file stops the start before anything is
/// written, with a message that names the file and the way out; `chime
/// doctor` copies what can be read into a new database and keeps the old.
#[tokio::test]
async fn a_damaged_database_is_refused_unwritten_and_doctor_recovers_what_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &[]).await;
    for n in 0..400 {
        let (status, _) = chime
            .post(
                "/api/jobs",
                json!({"url": "https://example.test/", "name": format!("job {n}"),
                                      "schedule_in": "1 day", "body": {"pad": "x".repeat(2_000)}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    chime.terminate().await;
    let db = dir.path().join("chime.db");
    {
        // Everything into the main file, so the damage below is what a start reads.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 8192]
        .iter_mut()
        .for_each(|b| *b = 0x5a);
    std::fs::write(&db, &bytes).unwrap();

    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_chime"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("is damaged") && stderr.contains("chime doctor"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&db.display().to_string()),
        "names the file: {stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "nothing was written to it"
    );

    let repaired = support::cli_in(dir.path(), &["doctor"], None).await;
    assert_eq!(repaired.code, 0, "{repaired:?}");
    assert!(repaired.stdout.contains("Repaired"), "{}", repaired.stdout);
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("chime.db.damaged-")
                && !name.ends_with("-wal")
                && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept");
    assert_eq!(std::fs::read(kept[0].path()).unwrap(), bytes);

    let chime = Chime::start_in(dir.path(), &[]).await;
    let (status, listed) = chime.get("/api/jobs?limit=100").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let total = listed["total"].as_i64().unwrap();
    assert!(
        (300..400).contains(&total),
        "most jobs were read back: {total}"
    );
    let again = support::cli_in(dir.path(), &["doctor"], None).await;
    assert_eq!(again.code, 2, "doctor refuses while Chime runs: {again:?}");
}

/// A data folder on a read-only filesystem (a backup mounted to look at, a
/// disk the kernel remounted read-only after errors): Chime refuses to start
/// and says which folder and why, and writes nothing.
#[tokio::test]
async fn a_read_only_data_folder_is_refused_at_start_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &[]).await;
    chime
        .post(
            "/api/jobs",
            json!({"url": "https://example.test/a", "schedule_in": "1 hour"}),
        )
        .await;
    chime.terminate().await;
    let before = std::fs::read(dir.path().join("chime.db")).unwrap();
    // The folder's content, on a filesystem of its own mounted read-only, in
    // a mount namespace of the server's own.
    let mount = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new("unshare");
    // SAFETY: geteuid only reads the process's effective user id.
    if unsafe { libc::geteuid() } != 0 {
        command.arg("--map-root-user");
    }
    let script = "mount -t tmpfs chime-test \"$0\" && cp -a \"$1\"/. \"$0\" \
                  && mount -o remount,ro \"$0\" && shift && exec \"$@\"";
    let refused = command
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .arg(mount.path())
        .arg(dir.path())
        .arg(env!("CARGO_BIN_EXE_chime"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(mount.path())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.contains("Read-only file system"),
        "says why: {stderr}"
    );
    assert!(
        stderr.contains(&mount.path().display().to_string()),
        "names the folder: {stderr}"
    );
    assert_eq!(std::fs::read(dir.path().join("chime.db")).unwrap(), before);
}

/// Another process holds the database's write lock: a create waits for it,
/// then is refused with 503, an attempt's result waits to be recorded, and
/// when the lock goes both go through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_refuses_creates_and_records_attempts_once_free() {
    let gate = Gate::default();
    let held = gate.clone();
    let target = Target::start(move |_| Reply::json(200, json!({"ok": true})).until(&held)).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, job) = chime
        .post("/api/jobs", json!({"url": target.url("/x")}))
        .await;
    let id = job["data"]["id"].as_str().unwrap().to_string();
    target.wait_for(1, WAIT).await;

    let locker = rusqlite::Connection::open(chime.dir.join("chime.db")).unwrap();
    locker.execute_batch("BEGIN IMMEDIATE").unwrap();
    gate.open(); // the answer comes while the database is locked
    let (status, refused) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/y"), "schedule_in": "1 hour"}),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{refused}");
    assert_eq!(refused["error"]["code"], "storage_unavailable");
    locker.execute_batch("COMMIT").unwrap();

    let done = chime
        .job_when(&id, "the attempt to be recorded", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
    assert_eq!(done["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(target.count(), 1, "nothing was sent twice");
    let (status, _) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/z"), "schedule_in": "1 hour"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}
