//! Target faults, through the real `chime serve`: a target that refuses,
//! resets, shows a bad certificate, never answers, dribbles its headers,
//! sends 100 MB, redirects forever, or has no DNS name. Each checks what a
//! person sees: the job's state, an attempt error that says what failed and
//! where, and as many attempts as the retry policy asks for.
//! (429 with Retry-After, a hang that recovers and https→http redirects are
//! in tests/api.rs.)

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chime_testkit::{read_head, reset, Cert, RawTarget};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};
use tokio::io::AsyncWriteExt;

const WAIT: Duration = Duration::from_secs(30);

/// Creates `job` (its retry policy: `attempts` tries, 100 ms apart) and
/// answers it once it has completed or been discarded.
async fn run_to_the_end(chime: &Chime, mut job: Value, attempts: u32) -> Value {
    job["retry"] = json!({"max_attempts": attempts, "backoff": "fixed", "base": 0.1});
    let (status, created) = chime.post("/api/jobs", job).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    chime
        .job_when(
            created["data"]["id"].as_str().unwrap(),
            "the job to complete or be discarded",
            WAIT,
            |j| matches!(j["state"].as_str(), Some("completed" | "discarded")),
        )
        .await
}

/// The job was tried exactly `attempts` times, each an error with no
/// response, and discarded; answers each attempt's error.
fn discarded_after(job: &Value, attempts: usize) -> Vec<String> {
    assert_eq!(job["state"], "discarded", "{job}");
    let tries = job["attempts"].as_array().unwrap();
    assert_eq!(tries.len(), attempts, "tried as the policy says: {job}");
    for (i, attempt) in tries.iter().enumerate() {
        assert_eq!(attempt["outcome"], "error", "{attempt}");
        assert!(attempt["response"].is_null(), "{attempt}");
        let last = i + 1 == attempts;
        assert_eq!(
            attempt["retry_at"].is_null(),
            last,
            "retried until the last attempt: {attempt}"
        );
    }
    tries
        .iter()
        .map(|a| a["error"].as_str().expect("an error text").to_string())
        .collect()
}

#[tokio::test]
async fn a_refused_connection_is_retried_as_the_policy_says_then_discarded() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/refused");
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_to_the_end(&chime, json!({"url": url}), 3).await;
    for error in discarded_after(&job, 3) {
        assert!(
            error.starts_with(&format!("could not connect to {url}")) && error.contains("refused"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_connection_reset_mid_response_is_recorded_and_retried() {
    let target = RawTarget::start(|n, mut stream| async move {
        read_head(&mut stream).await;
        if n == 1 {
            // The headers and part of the body; a moment for Chime to read
            // them, then a reset.
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
                .await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            reset(stream);
        } else {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .await;
        }
    })
    .await;
    let url = target.url("/reset");
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_to_the_end(&chime, json!({"url": url}), 3).await;
    assert_eq!(job["state"], "completed", "{job}");
    let attempts = job["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{job}");
    let error = attempts[0]["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("the response from {url} broke off")),
        "{error}"
    );
    assert!(error.contains("reset"), "{error}");
    assert!(attempts[0]["retry_at"].is_string());
    assert_eq!(attempts[1]["response"]["status"], 200);
    assert_eq!(attempts[1]["response"]["body"], "ok");
}

/// A target showing `cert` is never sent the request, though its CA is
/// trusted; each attempt says what is wrong with the certificate.
async fn a_bad_certificate_is_refused(cert: Cert, what: &str) {
    let target = Target::start_tls_with(cert, |_| Reply::status(200)).await;
    let ca = target.ca_file.clone().unwrap();
    let chime = Chime::start(&["--ca-cert", ca.to_str().unwrap()]).await;
    let url = target.url("/tls");
    let job = run_to_the_end(&chime, json!({"url": url}), 2).await;
    for error in discarded_after(&job, 2) {
        assert!(
            error.starts_with(&format!("could not connect to {url}")),
            "{error}"
        );
        assert!(
            error.contains("certificate") && error.contains(what),
            "{cert:?}: {error}"
        );
    }
    assert_eq!(target.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused() {
    a_bad_certificate_is_refused(Cert::SelfSigned, "UnknownIssuer").await;
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    a_bad_certificate_is_refused(Cert::WrongHost, "not valid for name").await;
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    a_bad_certificate_is_refused(Cert::Expired, "expired").await;
}

#[tokio::test]
async fn a_target_that_never_answers_times_out_on_every_attempt() {
    // Takes the request and holds the connection, silent, until Chime gives up.
    let target = RawTarget::start(|_, mut stream| async move {
        read_head(&mut stream).await;
        std::future::pending::<()>().await;
        drop(stream);
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_to_the_end(
        &chime,
        json!({"url": target.url("/silent"), "timeout": 0.5}),
        2,
    )
    .await;
    for error in discarded_after(&job, 2) {
        assert_eq!(error, "timed out after 500ms");
    }
    for attempt in job["attempts"].as_array().unwrap() {
        let took = attempt["duration_ms"].as_i64().unwrap();
        assert!((500..5_000).contains(&took), "{attempt}");
    }
    assert_eq!(target.connections(), 2, "one connection per attempt");
}

#[tokio::test]
async fn headers_dribbled_a_byte_at_a_time_are_cut_off_at_the_timeout() {
    // Slowloris, from the server's side: bytes keep coming, the headers never end.
    let target = RawTarget::start(|_, mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nX-Slow: ").await;
        while stream.write_all(b"a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_to_the_end(&chime, json!({"url": target.url("/slow"), "timeout": 1}), 2).await;
    for error in discarded_after(&job, 2) {
        assert_eq!(error, "timed out after 1s");
    }
    for attempt in job["attempts"].as_array().unwrap() {
        let took = attempt["duration_ms"].as_i64().unwrap();
        assert!(
            (1_000..5_000).contains(&took),
            "the timeout holds the whole exchange: {attempt}"
        );
    }
}

/// The peak resident memory of a process, from /proc.
fn peak_memory_bytes(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Answers a request for `/huge` with 100 MB and anything else with 2 MiB
/// (both over the cap), counting what went through for `/huge` and noting
/// when its writes end.
async fn serve_big_bodies(
    mut stream: tokio::net::TcpStream,
    sent: Arc<AtomicUsize>,
    ended: Arc<AtomicBool>,
) {
    let huge = read_head(&mut stream)
        .await
        .is_some_and(|head| head.starts_with("GET /huge "));
    let size = if huge { 100 << 20 } else { 2 << 20 };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let chunk = vec![b'a'; 64 * 1024];
    let mut through = 0;
    while through < size && stream.write_all(&chunk).await.is_ok() {
        through += chunk.len();
        if huge {
            sent.store(through, Ordering::SeqCst);
        }
    }
    if huge {
        ended.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_100_mb_response_is_kept_to_1_mib_and_never_held_whole() {
    let sent = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(AtomicBool::new(false));
    let (sent_by_target, ended_by_target) = (sent.clone(), ended.clone());
    let target = RawTarget::start(move |_, stream| {
        serve_big_bodies(stream, sent_by_target.clone(), ended_by_target.clone())
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let marker = "\n…[cut by Chime at 1 MiB]";
    // First a 2 MiB body, capped too: the memory a capped response takes.
    let control = run_to_the_end(&chime, json!({"url": target.url("/control")}), 1).await;
    assert_eq!(control["attempts"][0]["response"]["truncated"], true);
    let peak_before = peak_memory_bytes(chime.pid());

    let job = run_to_the_end(&chime, json!({"url": target.url("/huge")}), 1).await;
    assert_eq!(job["state"], "completed", "{job}");
    let response = &job["attempts"][0]["response"];
    assert_eq!(response["status"], 200);
    assert_eq!(response["truncated"], true);
    let body = response["body"].as_str().unwrap();
    assert!(body.ends_with(marker), "the cut is marked");
    assert_eq!(body.len(), 1024 * 1024 + marker.len());

    // Chime hung up once it had its 1 MiB: the target could not send the rest.
    eventually("the target's writes to fail", WAIT, async || {
        ended.load(Ordering::SeqCst).then_some(())
    })
    .await;
    let through = sent.load(Ordering::SeqCst);
    assert!(
        through < 32 << 20,
        "Chime read on: {through} bytes went through"
    );
    let grown = peak_memory_bytes(chime.pid()).saturating_sub(peak_before);
    assert!(
        grown < 48 << 20,
        "the 100 MB response took {} MiB more than a 2 MiB one",
        grown >> 20
    );
}

#[tokio::test]
async fn a_redirect_loop_is_recorded_as_too_many_redirects() {
    let target =
        Target::start(|seen| Reply::status(302).header("Location", &format!("/loop/{}", seen.n)))
            .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_to_the_end(&chime, json!({"url": target.url("/loop/0")}), 2).await;
    for error in discarded_after(&job, 2) {
        assert_eq!(error, "too many redirects: more than 10");
    }
    assert_eq!(
        target.count(),
        2 * 11,
        "each attempt: the request and 10 redirects followed"
    );
}

#[tokio::test]
async fn a_host_with_no_dns_name_is_an_error_that_names_it() {
    let chime = Chime::start(&[]).await;
    let url = "https://chime-test.invalid/hook";
    let job = run_to_the_end(&chime, json!({"url": url}), 2).await;
    for error in discarded_after(&job, 2) {
        assert!(
            error.starts_with(&format!("could not connect to {url}")) && error.contains("dns"),
            "{error}"
        );
    }
}
