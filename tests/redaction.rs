//! A job's credentials go on the wire and nowhere else: not in the stored
//! events, the live stream, the log file, webhooks, callbacks, errors or a
//! curl export (issue 15, D4).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{Chime, Reply, SseClient, Target};

const WAIT: Duration = Duration::from_secs(20);

const SECRETS: &[&str] = &[
    "bearer-s3cr3t",
    "apikey-s3cr3t",
    "cookie-s3cr3t",
    "query-s3cr3t",
    "userinfo-s3cr3t",
    "set-cookie-s3cr3t",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} holds {secret}:\n{text}");
    }
}

#[tokio::test]
async fn secrets_are_sent_but_never_recorded_or_forwarded() {
    // The target answers 503 with a Set-Cookie once, then 200: a retry, an error and a success.
    let target = Target::start(|seen| {
        let status = if seen.n == 1 { 503 } else { 200 };
        Reply::json(status, json!({"ok": status == 200}))
            .header("Set-Cookie", "session=set-cookie-s3cr3t; HttpOnly")
    })
    .await;
    let hooks = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let mut stream = SseClient::connect(&chime, "", None).await;
    let url = target
        .url("/private?token=query-s3cr3t&page=1")
        .replace("http://", "http://user:userinfo-s3cr3t@");
    let (status, created) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": url, "body": {"n": 1},
                   "headers": {"Authorization": "Bearer bearer-s3cr3t", "X-Api-Key": "apikey-s3cr3t",
                               "Cookie": "c=cookie-s3cr3t"},
                   "retry": {"max_attempts": 2, "backoff": "fixed", "base": 0.1},
                   "webhook_url": hooks.url("/hook"), "callback_url": hooks.url("/callback")}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let job = chime
        .job_when(&id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;

    // The wire got every credential, unchanged.
    let wire = &target.seen()[1];
    assert_eq!(wire.header("authorization"), Some("Bearer bearer-s3cr3t"));
    assert_eq!(wire.header("x-api-key"), Some("apikey-s3cr3t"));
    assert_eq!(wire.header("cookie"), Some("c=cookie-s3cr3t"));
    assert!(wire.query.contains("token=query-s3cr3t"));
    assert!(wire.header("authorization").is_some());

    // The record says how it was sent, without the values.
    let request = &job["attempts"][1]["request"];
    assert_eq!(request["headers"]["Authorization"], "Bearer REDACTED");
    assert!(request["url"]
        .as_str()
        .unwrap()
        .contains("token=REDACTED&page=1"));
    assert_clean("the job's attempts", &job["attempts"].to_string());

    // Every stored event, the stream, every webhook and the callback.
    let (_, logs) = chime
        .get(&format!("/api/logs?job_id={id}&limit=1000"))
        .await;
    let events = logs["data"].as_array().unwrap();
    assert!(events.len() >= 8, "two attempts' events: {}", events.len());
    assert_clean("the stored events", &logs.to_string());
    let mut streamed = Vec::new();
    while streamed.len() < events.len() {
        let (_, event) = stream.next(WAIT).await.expect("the stream has every event");
        streamed.push(event);
    }
    assert_clean("the live stream", &Value::Array(streamed).to_string());
    let deliveries = hooks.wait_for(events.len() + 1, WAIT).await;
    assert!(deliveries.iter().any(|d| d.path == "/callback"));
    for d in &deliveries {
        assert_clean(&format!("the delivery to {}", d.path), &d.text());
    }

    // Exports, the database's events and the log file.
    let (_, curl) = chime.get(&format!("/api/jobs/{id}/curl")).await;
    assert_clean("the curl export", &curl.to_string());
    assert!(curl["data"]["curl"]
        .as_str()
        .unwrap()
        .contains("Bearer REDACTED"));
    let (_, asked) = chime
        .get(&format!("/api/jobs/{id}/curl?secrets=include"))
        .await;
    assert!(
        asked["data"]["curl"]
            .as_str()
            .unwrap()
            .contains("Bearer bearer-s3cr3t"),
        "only when asked"
    );
    // Every column of the log: a row of an attempt's end holds its request
    // and its finish beside its own payload (0023).
    let db = rusqlite::Connection::open(chime.dir.join("chime.db")).unwrap();
    let stored: Vec<String> = db
        .prepare(
            "SELECT payload || COALESCE(request, '') || COALESCE(finished, '') FROM events
             UNION ALL SELECT body FROM deliveries UNION ALL SELECT COALESCE(error, '') FROM attempts",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_clean("the database's history", &stored.join("\n"));
    for entry in std::fs::read_dir(chime.dir.join("logs")).unwrap() {
        let path = entry.unwrap().path();
        assert_clean(
            &path.display().to_string(),
            &std::fs::read_to_string(&path).unwrap(),
        );
    }

    // The job's own definition still holds them, for the UI's reveal and for replays.
    assert_eq!(
        job["request"]["headers"]["Authorization"],
        "Bearer bearer-s3cr3t"
    );
    let (_, replay) = chime.post(&format!("/api/jobs/{id}/run"), json!({})).await;
    let replay_id = replay["data"]["id"].as_str().unwrap().to_string();
    chime
        .job_when(&replay_id, "the replay to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
    let resent = &target.seen()[2];
    assert_eq!(
        resent.header("authorization"),
        Some("Bearer bearer-s3cr3t"),
        "a replay sends the credentials"
    );
    assert!(resent.query.contains("token=query-s3cr3t"));
}

#[tokio::test]
async fn an_error_message_never_holds_the_urls_credentials() {
    let chime = Chime::start(&["--allow-http"]).await;
    // Nothing listens on port 9 of 127.0.0.1: the connection is refused.
    let (_, created) = chime
        .post(
            "/api/jobs",
            json!({"url": "http://user:userinfo-s3cr3t@127.0.0.1:9/x?token=query-s3cr3t", "retry": {"max_attempts": 1}}),
        )
        .await;
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let job = chime
        .job_when(&id, "the job to fail", WAIT, |j| j["state"] == "discarded")
        .await;
    let error = job["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("could not connect"), "{error}");
    assert_clean("the error", &job["attempts"].to_string());
    let (_, logs) = chime.get(&format!("/api/logs?job_id={id}")).await;
    assert_clean("the events", &logs.to_string());
}
