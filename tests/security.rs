//! The API as a hostile local process meets it: floods of idle and
//! half-sent connections, and requests whose Host is missing or doubled.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{eventually, Chime, Target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(60);

/// The soft open-file limit of a process, from /proc.
fn soft_open_files(pid: i32) -> u64 {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    line.split_whitespace().nth(3).unwrap().parse().unwrap()
}

fn raise_own_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid rlimit.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

/// More idle and half-sent connections than a desktop's open-file limit:
/// a job due meanwhile runs, the server closes them, and the API answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_idle_connections_blocks_neither_jobs_nor_the_api_for_long() {
    raise_own_open_files();
    let target = Target::ok().await;
    let chime = Chime::start_with_open_files(1024, &["--allow-http"]).await;
    let hard = {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: as above.
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        limit.rlim_max
    };
    assert_eq!(
        soft_open_files(chime.pid()),
        hard,
        "chime raised its soft limit to the hard one"
    );
    let (status, _) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/during"), "schedule_in": 3}),
        )
        .await;
    assert_eq!(status, 201);

    let mut flood = Vec::new();
    for n in 0..1_130 {
        let connect = TcpStream::connect(("127.0.0.1", chime.port));
        let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(2), connect).await else {
            continue; // the kernel's queue is full: that connection never got in
        };
        if n % 10 == 0 {
            // Half-sent: headers that never end.
            let _ = stream
                .write_all(b"GET /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .await;
        }
        flood.push(stream);
    }
    assert!(flood.len() > 1_024, "the flood got in: {}", flood.len());

    // The job due during the flood runs.
    target.wait_for(1, WAIT).await;
    // The server closes what sends no request: the first ones, served first, see the end.
    let mut first = flood.swap_remove(0);
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(WAIT, first.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "an idle connection is closed by the server: {closed:?}"
    );
    // And the API answers again while the rest of the flood is still open.
    eventually("the API to answer during the flood", WAIT, async || {
        let answer = reqwest::Client::new()
            .get(chime.url("/api/status"))
            .bearer_auth(&chime.key)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        (answer.status() == 200).then_some(())
    })
    .await;
    drop(flood);
}

/// Speaks raw HTTP to the API and answers the status line.
async fn raw(chime: &Chime, request: String) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", chime.port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_request_needs_exactly_one_loopback_host() {
    let chime = Chime::start(&[]).await;
    let key = &chime.key;
    let ok = raw(&chime, format!("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n")).await;
    assert!(ok.contains(" 200 "), "{ok}");
    let doubled = raw(&chime, format!("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n")).await;
    assert!(doubled.contains(" 403 "), "two Hosts: {doubled}");
    let missing = raw(
        &chime,
        format!("GET /api/status HTTP/1.0\r\nAuthorization: Bearer {key}\r\n\r\n"),
    )
    .await;
    assert!(
        missing.contains(" 403 "),
        "HTTP/1.0 with no Host: {missing}"
    );
    let foreign = raw(&chime, format!("GET /api/status HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n")).await;
    assert!(foreign.contains(" 403 "), "{foreign}");
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file Chime makes is its owner's only, and a folder the user already
/// had keeps its mode (`--data-dir /tmp` must not break /tmp), with a warning.
#[tokio::test]
async fn chimes_files_are_private_and_an_existing_folder_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let shared = tempfile::tempdir().unwrap();
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_chime"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(shared.path())
        .env("CHIME_LOG", "info")
        .env_remove("CHIME_API_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = tokio::io::BufReader::new(serve.stderr.take().unwrap());
    let mut warned = String::new();
    use tokio::io::AsyncBufReadExt;
    while !warned.contains("others can open the data folder") {
        warned.clear();
        let read = tokio::time::timeout(WAIT, stderr.read_line(&mut warned)).await;
        assert!(
            matches!(read, Ok(Ok(n)) if n > 0),
            "chime warns about the open folder"
        );
    }
    let mut stdout = tokio::io::BufReader::new(serve.stdout.take().unwrap());
    let mut listening = String::new();
    tokio::time::timeout(WAIT, stdout.read_line(&mut listening))
        .await
        .unwrap()
        .unwrap();
    assert!(listening.starts_with("listening"), "{listening}");

    assert_eq!(
        mode(shared.path()),
        0o1777,
        "the user's folder keeps its mode"
    );
    let dir = shared.path();
    for file in [
        "chime.db",
        "chime.db-wal",
        "chime.db-shm",
        "api-key",
        "chime.lock",
        "instance.json",
    ] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&dir.join("logs")), 0o700, "logs/");
    let logs: Vec<_> = std::fs::read_dir(dir.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!logs.is_empty());
    for log in logs {
        assert_eq!(mode(&log), 0o600, "{}", log.display());
    }

    // A folder Chime makes is private.
    let parent = tempfile::tempdir().unwrap();
    let fresh = parent.path().join("new").join("chime");
    let chime = Chime::start_in(&fresh, &[]).await;
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&parent.path().join("new")), 0o700);
    drop(chime);
}
