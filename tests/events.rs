//! Every run tells its story: dynamic fields carry a cursor from run to run,
//! webhooks and callbacks arrive signed and in order (even through a
//! receiver's outage and a restart), and the live stream resumes exactly.

mod support;

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use support::{eventually, Chime, Reply, SseClient, Target};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_polling_schedule_carries_its_cursor_from_run_to_run() {
    // The target reads the cursor it is sent and asks Chime to store the next one.
    let target = Target::start(|seen| {
        let cursor = seen.json()["cursor"].as_i64().unwrap_or(-1);
        Reply::json(200, json!({"$set": {"cursor": cursor + 1}, "got": cursor}))
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (status, body) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/poll"), "repeat_every": 1,
                   "state": {"cursor": 0}, "body": {"cursor": "$state.cursor", "label": "page {{$state.cursor}}"}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let seen = target.wait_for(5, WAIT).await;
    for (k, request) in seen.iter().take(5).enumerate() {
        let body = request.json();
        assert_eq!(
            body["cursor"],
            json!(k),
            "run {} sends cursor {k}, as a number",
            k + 1
        );
        assert!(body["cursor"].is_i64());
        assert_eq!(body["label"], format!("page {k}"));
        assert_eq!(body["$job"]["run"], json!(k + 1));
        assert_eq!(body["$state"], json!({"cursor": k}));
        let expected_previous = if k == 0 {
            Value::Null
        } else {
            json!({"$set": {"cursor": k}, "got": k - 1})
        };
        assert_eq!(
            body["$previous"],
            expected_previous,
            "run {} sees the last response body",
            k + 1
        );
    }
}

#[tokio::test]
async fn the_next_request_of_a_schedule_can_be_previewed() {
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": "http://127.0.0.1:9/items?page={{$state.page}}", "repeat_every": "1 hour",
                   "state": {"page": 3}, "headers": {"X-Page": "{{$state.page}}"}, "body": {"page": "$state.page"}}),
        )
        .await;
    let schedule = body["data"]["schedule_id"].as_str().unwrap();
    let (status, next) = chime
        .get(&format!("/api/schedules/{schedule}/next-request"))
        .await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["data"]["url"], "http://127.0.0.1:9/items?page=3");
    assert_eq!(next["data"]["headers"]["X-Page"], "3");
    let sent: Value = serde_json::from_str(next["data"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent["page"], 3);
    assert_eq!(sent["$job"]["run"], 1);
}

/// The signature check a receiver would write, from the Standard Webhooks
/// specification, independent of Chime's code.
fn signature_is_valid(secret: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let signed = format!(
        "{}.{}.{}",
        header("webhook-id"),
        header("webhook-timestamp"),
        String::from_utf8_lossy(body)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    header("webhook-signature")
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

async fn job_events(chime: &Chime, job_id: &str) -> Vec<i64> {
    let (_, logs) = chime
        .get(&format!("/api/logs?job_id={job_id}&order=asc&limit=1000"))
        .await;
    logs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn webhooks_bring_every_event_signed_and_in_order_and_callbacks_the_result() {
    let target = Target::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let hooks = Target::ok().await;
    let callbacks = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, settings) = chime.get("/api/settings").await;
    let secret = settings["data"]["signing_secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(secret.starts_with("whsec_"));
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/run"), "repeat_every": 1, "body": {"k": 1},
                   "webhook_url": hooks.url("/hook"), "callback_url": callbacks.url("/done")}),
        )
        .await;
    let schedule = body["data"]["schedule_id"].as_str().unwrap().to_string();
    target.wait_for(2, WAIT).await;
    chime
        .post(&format!("/api/schedules/{schedule}/disable"), json!({}))
        .await;

    // Every event of the schedule's first two jobs reaches the webhook, in order.
    let (_, jobs) = chime
        .get(&format!(
            "/api/jobs?schedule_id={schedule}&order_by=job_id,asc&limit=10"
        ))
        .await;
    let runs: Vec<String> = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap().to_string())
        .collect();
    let mut expected = Vec::new();
    for job in &runs[..2] {
        let ids = eventually("the job's events to be logged", WAIT, async || {
            let ids = job_events(&chime, job).await;
            (ids.len() >= 5).then_some(ids)
        })
        .await;
        expected.extend(ids);
    }
    expected.sort(); // the two runs' events interleave: run 2 is created as run 1 starts
    let delivered = eventually("the webhook to receive those events", WAIT, async || {
        let seen = hooks.seen();
        let ids: Vec<i64> = seen
            .iter()
            .map(|s| s.json()["data"]["id"].as_i64().unwrap())
            .filter(|id| expected.contains(id))
            .collect();
        (ids.len() >= expected.len()).then_some(seen)
    })
    .await;
    let ids: Vec<i64> = delivered
        .iter()
        .map(|s| s.json()["data"]["id"].as_i64().unwrap())
        .collect();
    let ours: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| expected.contains(id))
        .collect();
    assert_eq!(ours, expected, "every event, once, in order");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the receiver saw them in order");
    for hook in &delivered {
        assert!(
            signature_is_valid(&secret, &hook.headers, &hook.body),
            "a valid signature on {}",
            hook.text()
        );
        let body = hook.json();
        assert!(body["type"].as_str().unwrap().starts_with("job."));
        assert!(
            body["data"]["job"]["job"]["state"].is_string(),
            "the job in booper's shape"
        );
    }
    let first_run: Vec<Value> = delivered
        .iter()
        .map(|s| s.json())
        .filter(|b| b["data"]["job_id"] == runs[0].as_str())
        .collect();
    let kinds: Vec<&str> = first_run
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "job.created",
            "job.started",
            "job.request",
            "job.response",
            "job.finished"
        ]
    );
    // Each carries the job as it was at its event, though the attempt's end
    // may be stored in one row with its request and finish (0023): running
    // until it is finished.
    let states: Vec<&str> = first_run
        .iter()
        .map(|b| b["data"]["job"]["job"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states[2..], ["executing", "executing", "completed"]);

    // One callback per finished job, with the job, the request and the response.
    let done = callbacks.wait_for(2, WAIT).await;
    let first = done[0].json();
    assert!(signature_is_valid(&secret, &done[0].headers, &done[0].body));
    assert_eq!(first["data"]["job"]["state"], "completed");
    assert_eq!(first["data"]["request"]["method"], "POST");
    assert_eq!(first["data"]["response"]["status"], 200);
    assert!(first["data"]["error"].is_null());
}

#[tokio::test]
async fn a_receiver_that_is_down_still_gets_every_event_across_a_restart() {
    // The receiver refuses its first three tries.
    let hooks = Target::start(|seen| {
        if seen.n <= 3 {
            Reply::status(503)
        } else {
            Reply::status(200)
        }
    })
    .await;
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/x"), "webhook_url": hooks.url("/hook")}),
        )
        .await;
    let job = body["data"]["id"].as_str().unwrap().to_string();
    target.wait_for(1, WAIT).await;
    hooks.wait_for(2, WAIT).await; // it has refused twice
    let status = chime.terminate().await;
    assert!(status.success());

    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let expected = job_events(&chime, &job).await;
    assert_eq!(
        expected.len(),
        5,
        "created, started, request, response, finished"
    );
    let delivered = eventually(
        "every event to be delivered after the outage",
        Duration::from_secs(40),
        async || {
            let ok: Vec<i64> = hooks
                .seen()
                .iter()
                .skip(3)
                .map(|s| s.json()["data"]["id"].as_i64().unwrap())
                .collect();
            (ok.len() >= expected.len()).then_some(ok)
        },
    )
    .await;
    assert_eq!(delivered, expected, "every event, once delivered, in order");
    let refused: Vec<i64> = hooks
        .seen()
        .iter()
        .take(3)
        .map(|s| s.json()["data"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        refused,
        vec![expected[0]; 3],
        "the first event was retried until accepted, and nothing overtook it"
    );
}

#[tokio::test]
async fn the_live_stream_resumes_from_last_event_id_with_no_gap_and_no_duplicate() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let mut stream = SseClient::connect(&chime, "", None).await;
    chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/tick"), "repeat_every": 1, "body": {}}),
        )
        .await;
    let mut received = Vec::new();
    while received.len() < 8 {
        let (id, event) = stream.next(WAIT).await.expect("events stream in");
        assert_eq!(event["id"].as_i64(), Some(id));
        received.push(id);
    }
    drop(stream); // the client goes away while events keep coming
    let arrived = target.count();
    target.wait_for(arrived + 2, WAIT).await;
    let mut resumed = SseClient::connect(&chime, "", received.last().copied()).await;
    while received.len() < 25 {
        let (id, _) = resumed.next(WAIT).await.expect("the stream resumes");
        received.push(id);
    }
    let (_, logs) = chime
        .get(&format!(
            "/api/logs?after={}&order=asc&limit=1000",
            received[0] - 1
        ))
        .await;
    let stored: Vec<i64> = logs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .take(received.len())
        .collect();
    assert_eq!(
        received, stored,
        "exactly the stored events, in order: no gap, no duplicate"
    );
}

/// A client that read another log (the data folder was replaced since)
/// resumes from an id past this log's end: it is sent this log from its
/// first event, not nothing until the ids catch up.
#[tokio::test]
async fn a_resume_past_the_logs_end_streams_the_log_from_its_start() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/once"), "body": {}}),
        )
        .await;
    target.wait_for(1, WAIT).await;
    let (_, logs) = chime.get("/api/logs?order=asc&limit=1").await;
    let first = logs["data"][0]["id"].as_i64().expect("a stored event");
    let mut resumed = SseClient::connect(&chime, "", Some(first + 1_000_000)).await;
    let (id, event) = resumed.next(WAIT).await.expect("the log streams");
    assert_eq!(id, first);
    assert_eq!(event["event"], "job.created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_stream_misses_nothing_in_a_burst() {
    const JOBS: usize = 300;
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let mut stream = SseClient::connect(&chime, "", None).await;
    let due = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    for i in 0..JOBS {
        chime.post("/api/jobs", json!({"method": "post", "url": target.url("/burst"), "body": {"i": i}, "scheduled_at": due})).await;
    }
    // Each job: created, started, request, response, finished.
    let mut received = Vec::new();
    while received.len() < JOBS * 5 {
        let (id, _) = stream
            .next(WAIT)
            .await
            .unwrap_or_else(|| panic!("only {} events streamed", received.len()));
        received.push(id);
    }
    let mut stored = Vec::new();
    let mut after = received[0] - 1;
    while stored.len() < received.len() {
        let (_, page) = chime
            .get(&format!("/api/logs?after={after}&order=asc&limit=1000"))
            .await;
        let ids: Vec<i64> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        assert!(!ids.is_empty());
        after = *ids.last().unwrap();
        stored.extend(ids);
    }
    stored.truncate(received.len());
    assert_eq!(
        received, stored,
        "every event, in order, while the burst commits from several tasks"
    );
}
