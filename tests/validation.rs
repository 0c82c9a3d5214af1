//! Bad input to `POST /api/jobs`: each gets the error shape with the right
//! status and field, a message a person can act on, and nothing is written.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::Chime;

const URL: &str = "https://example.test/hook";

/// (what, input, status, field). Inputs are merged over a valid job.
fn cases() -> Vec<(&'static str, Value, u16, &'static str)> {
    let long = "x".repeat(201);
    vec![
        ("no url", json!({"url": null}), 422, "url"),
        ("empty url", json!({"url": ""}), 422, "url"),
        ("url not a string", json!({"url": 42}), 422, "url"),
        ("url not a URL", json!({"url": "not a url"}), 422, "url"),
        (
            "plain http without --allow-http",
            json!({"url": "http://example.test/"}),
            422,
            "url",
        ),
        (
            "ftp url",
            json!({"url": "ftp://example.test/file"}),
            422,
            "url",
        ),
        ("unknown method", json!({"method": "head"}), 422, "method"),
        ("method not a string", json!({"method": 5}), 422, "method"),
        (
            "headers not an object",
            json!({"headers": ["a"]}),
            422,
            "headers",
        ),
        (
            "non-string header",
            json!({"headers": {"X-Count": 3}}),
            422,
            "headers.X-Count",
        ),
        (
            "bad header name",
            json!({"headers": {"Bad Name": "x"}}),
            422,
            "headers.Bad Name",
        ),
        (
            "header with a newline",
            json!({"headers": {"X-Evil": "a\r\nb"}}),
            422,
            "headers.X-Evil",
        ),
        ("query not an object", json!({"query": "a=1"}), 422, "query"),
        (
            "query value an object",
            json!({"query": {"a": {"b": 1}}}),
            422,
            "query.a",
        ),
        (
            "unknown unit",
            json!({"schedule_in": "3 fortnights"}),
            422,
            "schedule_in",
        ),
        (
            "negative schedule_in",
            json!({"schedule_in": -5}),
            422,
            "schedule_in",
        ),
        (
            "schedule_in of three",
            json!({"schedule_in": [1, 2, 3]}),
            422,
            "schedule_in",
        ),
        (
            "schedule_in a boolean",
            json!({"schedule_in": true}),
            422,
            "schedule_in",
        ),
        (
            "both schedule_in and scheduled_at",
            json!({"schedule_in": 5, "scheduled_at": "2030-01-01T00:00:00Z"}),
            422,
            "scheduled_at",
        ),
        (
            "naive datetime",
            json!({"scheduled_at": "2030-01-01T09:00:00"}),
            422,
            "scheduled_at",
        ),
        (
            "scheduled_at in words",
            json!({"scheduled_at": "tomorrow"}),
            422,
            "scheduled_at",
        ),
        (
            "negative unix time",
            json!({"scheduled_at": -1}),
            422,
            "scheduled_at",
        ),
        (
            "year 10000",
            json!({"scheduled_at": 253402300800i64}),
            422,
            "scheduled_at",
        ),
        (
            "both repeat_every and cron",
            json!({"repeat_every": 60, "cron": "* * * * *"}),
            422,
            "cron",
        ),
        (
            "zero interval",
            json!({"repeat_every": "0s"}),
            422,
            "repeat_every",
        ),
        (
            "interval in parsecs",
            json!({"repeat_every": "5 parsecs"}),
            422,
            "repeat_every",
        ),
        ("day-of-week 8", json!({"cron": "0 9 * * 8"}), 422, "cron"),
        ("minute 60", json!({"cron": "60 * * * *"}), 422, "cron"),
        ("hour 24", json!({"cron": "* 24 * * *"}), 422, "cron"),
        (
            "day-of-month 32",
            json!({"cron": "0 0 32 * *"}),
            422,
            "cron",
        ),
        ("month 13", json!({"cron": "0 0 * 13 *"}), 422, "cron"),
        ("six fields", json!({"cron": "0 0 0 * * *"}), 422, "cron"),
        ("four fields", json!({"cron": "0 0 * *"}), 422, "cron"),
        ("step zero", json!({"cron": "*/0 * * * *"}), 422, "cron"),
        (
            "backwards range",
            json!({"cron": "0 17-9 * * *"}),
            422,
            "cron",
        ),
        ("@reboot", json!({"cron": "@reboot"}), 422, "cron"),
        ("cron not a string", json!({"cron": 5}), 422, "cron"),
        (
            "a date that never comes",
            json!({"cron": "0 0 30 2 *"}),
            422,
            "cron",
        ),
        (
            "unknown zone",
            json!({"cron": "0 9 * * *", "timezone": "Mars/Olympus_Mons"}),
            422,
            "timezone",
        ),
        (
            "zero attempts",
            json!({"retry": {"max_attempts": 0}}),
            422,
            "retry.max_attempts",
        ),
        (
            "linear backoff",
            json!({"retry": {"backoff": "linear"}}),
            422,
            "retry.backoff",
        ),
        (
            "unknown retry setting",
            json!({"retry": {"tries": 3}}),
            422,
            "retry.tries",
        ),
        (
            "retry not an object",
            json!({"retry": "three"}),
            422,
            "retry",
        ),
        ("zero timeout", json!({"timeout": 0}), 422, "timeout"),
        (
            "timeout over an hour",
            json!({"timeout": "2 hours"}),
            422,
            "timeout",
        ),
        (
            "unknown catch-up",
            json!({"cron": "0 9 * * *", "catch_up": "sometimes"}),
            422,
            "catch_up",
        ),
        (
            "catch-up without a schedule",
            json!({"catch_up": "all"}),
            422,
            "catch_up",
        ),
        (
            "state not an object",
            json!({"repeat_every": 60, "state": [1]}),
            422,
            "state",
        ),
        (
            "inject_fields not a boolean",
            json!({"repeat_every": 60, "inject_fields": "maybe"}),
            422,
            "inject_fields",
        ),
        ("name too long", json!({"name": long}), 422, "name"),
        (
            "description not a string",
            json!({"description": {"a": 1}}),
            422,
            "description",
        ),
        (
            "empty idempotency key",
            json!({"idempotency_key": ""}),
            422,
            "idempotency_key",
        ),
        (
            "callback not a URL",
            json!({"callback_url": "nope"}),
            422,
            "callback_url",
        ),
        (
            "plain-http webhook",
            json!({"webhook_url": "http://example.test/hook"}),
            422,
            "webhook_url",
        ),
        (
            "misspelt field",
            json!({"shedule_in": 30}),
            422,
            "shedule_in",
        ),
    ]
}

fn merged(over: &Value) -> Value {
    let mut job = json!({"method": "post", "url": URL, "body": {"k": 1}});
    for (k, v) in over.as_object().unwrap() {
        job[k] = v.clone();
    }
    job
}

#[tokio::test]
async fn bad_inputs_get_a_clear_error_and_write_nothing() {
    let chime = Chime::start(&[]).await;
    let cases = cases();
    assert!(cases.len() >= 40);
    for (what, input, status, field) in &cases {
        let (got, body) = chime.post("/api/jobs", merged(input)).await;
        assert_eq!(got.as_u16(), *status, "{what}: {body}");
        assert_eq!(body["error"]["field"], *field, "{what}: {body}");
        assert_eq!(body["error"]["code"], "invalid", "{what}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{what}: the message names the field: {message}"
        );
        assert!(
            message.len() > field.len() + 8,
            "{what}: the message says what is wrong: {message}"
        );
    }
    assert_eq!(
        (
            chime.rows("jobs"),
            chime.rows("schedules"),
            chime.rows("events")
        ),
        (0, 0, 0),
        "nothing written"
    );
    // The same request, put right, goes through.
    let (status, _) = chime.post("/api/jobs", merged(&json!({}))).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn messages_say_exactly_what_is_wrong() {
    let chime = Chime::start(&[]).await;
    let message = |input: Value| {
        let chime = &chime;
        async move {
            chime.post("/api/jobs", merged(&input)).await.1["error"]["message"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(
        message(json!({"cron": "0 9 * * 8"})).await,
        "cron: day-of-week 8 is out of range 0-7"
    );
    assert!(message(json!({"scheduled_at": "2030-01-01T09:00:00"}))
        .await
        .contains("has no UTC offset"));
    assert!(message(json!({"shedule_in": 5}))
        .await
        .contains("did you mean schedule_in?"));
    assert!(message(json!({"url": "http://example.test"}))
        .await
        .contains("--allow-http"));
    assert!(message(json!({"cron": "0 0 0 * * *"}))
        .await
        .contains("has 6 fields"));
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_refused_whole() {
    let chime = Chime::start(&[]).await;
    let http = reqwest::Client::new();
    let send = |body: Vec<u8>, content_type: &'static str| {
        http.post(chime.url("/api/jobs"))
            .bearer_auth(&chime.key)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let (status, body) = support::read(
        send(b"{\"url\": ".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "malformed");
    assert!(body["error"]["field"].is_null());

    let (status, body) =
        support::read(send(b"[1, 2]".to_vec(), "application/json").await.unwrap()).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );

    let huge = json!({"url": URL, "body": "x".repeat(3 * 1024 * 1024)})
        .to_string()
        .into_bytes();
    let (status, body) = support::read(send(huge, "application/json").await.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["field"], "body");

    let (status, body) = support::read(
        send(
            b"url=%ZZ&body[=1".to_vec(),
            "application/x-www-form-urlencoded",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!((chime.rows("jobs"), chime.rows("events")), (0, 0));
}
