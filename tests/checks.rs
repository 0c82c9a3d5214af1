//! Checks (SPEC 7.2) through the real binary: every kind of `assert` item
//! passes and fails with what the response showed, a failed one fails the
//! attempt as `assertion_failed` and is retried like a 5xx, and the
//! certificate check reads the certificate the TLS handshake saw.

mod support;

use std::time::Duration;

use chime_testkit::Cert;
use serde_json::{json, Value};
use support::{Chime, Reply, Target};

const WAIT: Duration = Duration::from_secs(15);

fn finished(job: &Value) -> bool {
    matches!(
        job["state"].as_str(),
        Some("completed" | "discarded" | "cancelled")
    )
}

/// Creates a job with `assert` on `url`, and waits for it to finish.
async fn run_checked(chime: &Chime, url: String, assert: Value, attempts: u32) -> Value {
    let (status, body) = chime
        .post(
            "/api/jobs",
            json!({"url": url, "assert": assert,
                   "retry": {"max_attempts": attempts, "backoff": "fixed", "base": 0.1}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["data"]["id"].as_str().unwrap().to_string();
    chime
        .job_when(&id, "the job to finish", WAIT, finished)
        .await
}

/// `(item, passed, actual)` of each check of an attempt.
fn results(attempt: &Value) -> Vec<(Value, bool, Value)> {
    attempt["response"]["assertions"]
        .as_array()
        .expect("the attempt's check results")
        .iter()
        .map(|r| (r["item"].clone(), r["passed"] == true, r["actual"].clone()))
        .collect()
}

fn orders_target_body() -> Value {
    json!({"data": {"items": [{"ok": true, "sku": "A-1"}], "name": "orders", "tags": ["x", "y"]}})
}

#[tokio::test]
async fn each_kind_of_check_passes_and_fails_with_what_the_response_showed() {
    let target =
        Target::start(|_| Reply::json(200, orders_target_body()).header("x-build", "2026.12.1"))
            .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let passing = json!([
        {"status": "2xx"},
        {"status": [200, 204]},
        {"json": "data.items[0].ok", "equals": true},
        {"json": "data.name", "contains": "ord"},
        {"json": "data.tags", "contains": "y"},
        {"json": "data.items[0].sku", "exists": true},
        {"json": "data.missing", "exists": false},
        {"body_matches": "\"sku\":\\s*\"A-\\d\""},
        {"header": "X-Build", "matches": "^2026\\."},
        {"latency_ms_max": 10000}
    ]);
    let job = run_checked(&chime, target.url("/orders"), passing.clone(), 1).await;
    assert_eq!(job["state"], "completed", "{job}");
    let attempt = &job["attempts"][0];
    assert_eq!(attempt["outcome"], "success");
    let seen = results(attempt);
    assert_eq!(seen.len(), 10);
    assert!(seen.iter().all(|r| r.1), "{seen:?}");
    let actuals: Vec<Value> = seen.iter().map(|r| r.2.clone()).collect();
    assert_eq!(
        actuals[..9],
        [
            json!(200),
            json!(200),
            json!(true),
            json!("orders"),
            json!(["x", "y"]),
            json!("A-1"),
            Value::Null,
            json!("\"sku\":\"A-1\""),
            json!("2026.12.1"),
        ]
    );
    assert!(actuals[9]
        .as_i64()
        .is_some_and(|ms| (0..10000).contains(&ms)));

    let failing = json!([
        {"status": [204]},
        {"json": "data.items[0].ok", "equals": false},
        {"json": "data.name", "contains": "users"},
        {"json": "data.items[0].price", "exists": true},
        {"body_matches": "error"},
        {"header": "x-build", "matches": "^2025"},
        {"header": "x-missing", "matches": "."},
        {"latency_ms_max": 0}
    ]);
    let slow = Target::start(|_| {
        Reply::json(200, orders_target_body())
            .header("x-build", "2026.12.1")
            .after(Duration::from_millis(50))
    })
    .await;
    let job = run_checked(&chime, slow.url("/orders"), failing, 1).await;
    assert_eq!(job["state"], "discarded", "{job}");
    let attempt = &job["attempts"][0];
    assert_eq!(attempt["outcome"], "assertion_failed");
    let seen = results(attempt);
    assert!(seen.iter().all(|r| !r.1), "every check fails: {seen:?}");
    let actuals: Vec<Value> = seen.iter().map(|r| r.2.clone()).collect();
    assert_eq!(
        actuals[..7],
        [
            json!(200),
            json!(true),
            json!("orders"),
            Value::Null,
            Value::Null,
            json!("2026.12.1"),
            Value::Null,
        ]
    );
    assert!(
        actuals[7].as_i64().is_some_and(|ms| ms >= 50),
        "{actuals:?}"
    );

    // The job.response event carries the same results, for the log.
    let id = job["id"].as_str().unwrap();
    let (_, logs) = chime
        .get(&format!("/api/logs?job_id={id}&event=job.response"))
        .await;
    let event = &logs["data"][0];
    assert_eq!(
        event["payload"]["assertions"],
        attempt["response"]["assertions"]
    );
}

#[tokio::test]
async fn a_failed_check_is_retried_like_a_5xx_and_a_status_check_accepts_a_404() {
    // Healthy only from the third request on.
    let target = Target::start(|seen| {
        let ok = seen.n >= 3;
        Reply::json(200, json!({"healthy": ok}))
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let job = run_checked(
        &chime,
        target.url("/health"),
        json!([{"json": "healthy", "equals": true}]),
        5,
    )
    .await;
    assert_eq!(job["state"], "completed");
    let outcomes: Vec<&str> = job["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["assertion_failed", "assertion_failed", "success"]
    );
    assert_eq!(target.count(), 3);

    // A page that should be gone: the status check decides, not "below 400".
    let gone = Target::start(|_| Reply::status(404)).await;
    let job = run_checked(&chime, gone.url("/old"), json!([{"status": [404, 410]}]), 3).await;
    assert_eq!(
        (&job["state"], job["attempt"].as_i64()),
        (&json!("completed"), Some(1))
    );
    // Without a status check, a 404 fails for good before any other check.
    let job = run_checked(&chime, gone.url("/old"), json!([{"body_matches": "x"}]), 3).await;
    assert_eq!(job["state"], "discarded");
    assert_eq!(job["attempts"][0]["outcome"], "failure");
    assert_eq!(job["attempt"], 1);
}

#[tokio::test]
async fn the_certificate_check_reads_the_certificate_the_handshake_saw() {
    let target = Target::start_tls_with(Cert::ExpiresInDays(2), |_| Reply::status(200)).await;
    let ca = target.ca_file.clone().unwrap();
    let chime = Chime::start(&["--ca-cert", ca.to_str().unwrap()]).await;

    let job = run_checked(&chime, target.url("/"), json!([{"cert_days_min": 14}]), 1).await;
    assert_eq!(job["attempts"][0]["outcome"], "assertion_failed");
    assert_eq!(
        results(&job["attempts"][0]),
        [(json!({"cert_days_min": 14}), false, json!(2))]
    );
    assert!(job["attempts"][0]["response"]["cert_expires_at"].is_string());

    let job = run_checked(&chime, target.url("/"), json!([{"cert_days_min": 2}]), 1).await;
    assert_eq!(job["state"], "completed");
    assert_eq!(
        results(&job["attempts"][0]),
        [(json!({"cert_days_min": 2}), true, json!(2))]
    );
}

#[tokio::test]
async fn a_bad_check_is_refused_with_its_field_and_nothing_is_made() {
    let chime = Chime::start(&["--allow-http"]).await;
    for (assert, field) in [
        (json!({"status": 200}), "assert"),
        (
            json!([{"status": "2xx"}, {"body_matches": "(unclosed"}]),
            "assert[1].body_matches",
        ),
        (json!([{"json": "data.ok"}]), "assert[0]"),
        (
            json!([{"latency_ms_max": "fast"}]),
            "assert[0].latency_ms_max",
        ),
    ] {
        let (status, body) = chime
            .post(
                "/api/jobs",
                json!({"url": "http://127.0.0.1:9/", "assert": assert}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    assert_eq!(chime.rows("jobs"), 0);
}
