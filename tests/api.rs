//! Black-box tests of `chime serve`: the real binary, over real sockets, with
//! local targets (an https one with a CA made for the test, a plain-http one).

mod support;

use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

const WAIT: Duration = Duration::from_secs(15);

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("an RFC 3339 time")
        .to_utc()
}

fn finished(job: &Value) -> bool {
    matches!(
        job["state"].as_str(),
        Some("completed" | "discarded" | "cancelled")
    )
}

#[tokio::test]
async fn the_seed_example_works_with_the_host_and_key_changed() {
    let target = Target::start_tls(|_| Reply::status(204)).await;
    let ca = target.ca_file.clone().unwrap();
    let chime = Chime::start(&["--ca-cert", ca.to_str().unwrap()]).await;
    // The seed's curl example, with the host and key changed (and 2 s instead of 30).
    let output = tokio::process::Command::new("curl")
        .args(["-s", "-X", "POST", &chime.url("/api/jobs")])
        .args(["-H", &format!("Authorization: Bearer {}", chime.key)])
        .args(["-H", "Content-Type: application/json"])
        .arg("--data-raw")
        .arg(format!(
            r#"{{"method":"post","url":"{}","body":{{"content":"Testing 123"}},"schedule_in":[2,"seconds"]}}"#,
            target.url("/hooks/discord")
        ))
        .output()
        .await
        .expect("curl runs");
    let created: Value = serde_json::from_slice(&output.stdout).expect("a JSON answer");
    let data = &created["data"];
    assert_eq!(data["job"]["state"], "scheduled");
    assert_eq!(data["args"]["schedule_in"], json!([2, "seconds"]));
    assert!(data["job_id"].is_i64() && data["id"].is_string() && data["user_id"].is_null());
    for field in [
        "id",
        "state",
        "inserted_at",
        "scheduled_at",
        "attempted_at",
        "completed_at",
        "cancelled_at",
        "discarded_at",
        "has_conflict",
        "has_confict",
    ] {
        assert!(
            data["job"].get(field).is_some(),
            "booper's job.{field} is there"
        );
    }

    let seen = target.wait_for(1, WAIT).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/hooks/discord");
    assert_eq!(seen[0].json(), json!({"content": "Testing 123"}));
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let inserted: DateTime<Utc> = data["inserted_at"].as_str().unwrap().parse().unwrap();
    assert!(
        seen[0].at >= inserted + chrono::Duration::seconds(2),
        "not early"
    );
    let id = data["id"].as_str().unwrap();
    let job = chime
        .job_when(id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
    assert_eq!(job["attempts"][0]["response"]["status"], 204);
}

#[tokio::test]
async fn https_targets_need_a_trusted_certificate() {
    let target = Target::start_tls(|_| Reply::status(200)).await;
    let chime = Chime::start(&[]).await; // no --ca-cert: the test CA is not trusted
    let (status, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/x"), "retry": {"max_attempts": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let job = chime
        .job_when(
            body["data"]["id"].as_str().unwrap(),
            "the job to fail",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(job["state"], "discarded");
    let error = job["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("certificate"), "{error}");
    assert!(error.contains("--ca-cert"), "says how to trust it: {error}");
    assert_eq!(target.count(), 0);
}

#[tokio::test]
async fn previews_read_cron_in_its_zone() {
    let chime = Chime::start(&[]).await;
    let (status, body) = chime
        .post(
            "/api/schedules/preview",
            json!({"cron": "0 9 * * 1-5", "timezone": "Europe/Berlin", "count": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"]["description"]
        .as_str()
        .unwrap()
        .contains("09:00"));
    let next: Vec<DateTime<chrono::FixedOffset>> = body["data"]["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| DateTime::parse_from_rfc3339(t.as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(next.len(), 10);
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    for t in &next {
        let local = t.with_timezone(&berlin);
        assert_eq!((local.hour(), local.minute()), (9, 0), "{t}");
        assert!(
            !matches!(local.weekday(), Weekday::Sat | Weekday::Sun),
            "{t} is a weekday"
        );
        assert_eq!(
            t.offset().local_minus_utc(),
            local.offset().fix_seconds(),
            "shown with Berlin's offset"
        );
    }

    let (_, body) = chime
        .post(
            "/api/schedules/preview",
            json!({"cron": "*/5 * * * *", "count": 6}),
        )
        .await;
    let next: Vec<DateTime<chrono::FixedOffset>> = body["data"]["next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| DateTime::parse_from_rfc3339(t.as_str().unwrap()).unwrap())
        .collect();
    for pair in next.windows(2) {
        assert_eq!(pair[1] - pair[0], chrono::Duration::minutes(5));
    }
    assert_eq!(next[0].minute() % 5, 0);

    let (status, body) = chime
        .post("/api/schedules/preview", json!({"cron": "0 9 * * 8"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "cron: day-of-week 8 is out of range 0-7"
    );
}

trait FixSeconds {
    fn fix_seconds(&self) -> i32;
}
impl FixSeconds for chrono_tz::TzOffset {
    fn fix_seconds(&self) -> i32 {
        use chrono::Offset;
        self.fix().local_minus_utc()
    }
}

#[tokio::test]
async fn a_second_create_with_the_same_idempotency_key_returns_the_first_job() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let job = json!({"method": "post", "url": target.url("/once"), "idempotency_key": "order-42", "schedule_in": "1s"});
    let (first_status, first) = chime.post("/api/jobs", job.clone()).await;
    let (second_status, second) = chime.post("/api/jobs", job.clone()).await;
    assert_eq!(first_status, StatusCode::CREATED);
    assert_eq!(second_status, StatusCode::OK);
    assert_eq!(first["data"]["id"], second["data"]["id"]);
    assert_eq!(second["data"]["job"]["has_conflict"], true);
    assert_eq!(chime.rows("jobs"), 1);
    // Once it has run, the key is free again.
    let id = first["data"]["id"].as_str().unwrap();
    chime
        .job_when(id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
    let (third_status, third) = chime.post("/api/jobs", job).await;
    assert_eq!(third_status, StatusCode::CREATED);
    assert_ne!(third["data"]["id"], first["data"]["id"]);
}

#[tokio::test]
async fn a_503_then_200_target_completes_on_attempt_two() {
    let target = Target::start(|seen| {
        if seen.n == 1 {
            Reply::status(503)
        } else {
            Reply::status(200)
        }
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/flaky"), "retry": {"backoff": "fixed", "base": 0.2}}),
        )
        .await;
    let id = body["data"]["id"].as_str().unwrap();
    let job = chime
        .job_when(id, "the job to finish", WAIT, finished)
        .await;
    assert_eq!(job["state"], "completed");
    assert_eq!(job["attempt"], 2);
    let attempts = job["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["response"]["status"], 503);
    assert_eq!(attempts[0]["outcome"], "failure");
    assert!(attempts[0]["retry_at"].is_string());
    assert_eq!(attempts[1]["response"]["status"], 200);
    assert_eq!(target.count(), 2);
}

#[tokio::test]
async fn a_429_is_retried_after_the_servers_retry_after() {
    let target = Target::start(|seen| {
        if seen.n == 1 {
            Reply::status(429).header("retry-after", "1")
        } else {
            Reply::status(200)
        }
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/limited"), "retry": {"backoff": "fixed", "base": 0.01}}),
        )
        .await;
    let job = chime
        .job_when(
            body["data"]["id"].as_str().unwrap(),
            "the job to finish",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(job["state"], "completed");
    let seen = target.seen();
    assert!(
        seen[1].at - seen[0].at >= chrono::Duration::milliseconds(990),
        "waited as asked: {:?}",
        seen[1].at - seen[0].at
    );
}

#[tokio::test]
async fn a_target_that_hangs_is_timed_out_and_retried() {
    let target = Target::start(|seen| {
        if seen.n == 1 {
            Reply::status(200).after(Duration::from_secs(20))
        } else {
            Reply::status(200)
        }
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post("/api/jobs", json!({"url": target.url("/hang"), "timeout": 0.5, "retry": {"backoff": "fixed", "base": 0.1}}))
        .await;
    let job = chime
        .job_when(
            body["data"]["id"].as_str().unwrap(),
            "the job to finish",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(job["state"], "completed");
    let attempts = job["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["error"], "timed out after 500ms");
    assert!(attempts[0]["response"].is_null());
    assert_eq!(attempts[1]["response"]["status"], 200);
}

#[tokio::test]
async fn a_4xx_fails_for_good_and_a_discarded_job_says_why() {
    let target = Target::start(|_| Reply::json(404, json!({"error": "no such hook"}))).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post("/api/jobs", json!({"url": target.url("/gone")}))
        .await;
    let job = chime
        .job_when(
            body["data"]["id"].as_str().unwrap(),
            "the job to finish",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(job["state"], "discarded");
    assert!(job["job"]["discarded_at"].is_string());
    assert_eq!(
        job["attempts"].as_array().unwrap().len(),
        1,
        "a 404 is not retried"
    );
    assert_eq!(job["last_outcome"]["status"], 404);
    assert_eq!(
        job["attempts"][0]["response"]["body"],
        r#"{"error":"no such hook"}"#
    );
}

#[tokio::test]
async fn a_cancelled_job_never_arrives() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/never"), "schedule_in": 1}),
        )
        .await;
    let id = body["data"]["id"].as_str().unwrap();
    let (status, cancelled) = chime
        .post(&format!("/api/jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["data"]["state"], "cancelled");
    assert!(cancelled["data"]["job"]["cancelled_at"].is_string());
    // A job due after the cancelled one arrives; the cancelled one never did.
    chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/later"), "schedule_in": 2}),
        )
        .await;
    let seen = target.wait_for(1, WAIT).await;
    assert_eq!(
        seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
        ["/later"]
    );
    let (status, again) = chime
        .post(&format!("/api/jobs/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
}

#[tokio::test]
async fn a_disabled_schedule_stops_and_an_enabled_one_goes_on() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (status, body) = chime
        .post("/api/jobs", json!({"method": "post", "url": target.url("/every"), "repeat_every": "1 second", "body": {}}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let schedule = body["data"]["schedule_id"].as_str().unwrap().to_string();
    target.wait_for(2, WAIT).await;
    let (status, disabled) = chime
        .post(&format!("/api/schedules/{schedule}/disable"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(disabled["data"]["disabled_at"].is_string());
    assert!(disabled["data"]["next_run_at"].is_null());
    let disabled_at = time(&disabled["data"]["disabled_at"]);
    // Runs planned after the disable would come before this later one-off job.
    chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/marker"), "schedule_in": "2.5 seconds"}),
        )
        .await;
    eventually("the marker job to arrive", WAIT, async || {
        target
            .seen()
            .iter()
            .any(|s| s.path == "/marker")
            .then_some(())
    })
    .await;
    let every: Vec<_> = target
        .seen()
        .into_iter()
        .filter(|s| s.path == "/every")
        .collect();
    for run in &every {
        // An attempt already in flight at the disable may land; nothing planned after it.
        assert!(
            time(&run.json()["$job"]["scheduled_at"]) <= disabled_at,
            "nothing after disable: {}",
            run.text()
        );
    }
    let count = target.count();

    let (_, enabled) = chime
        .post(&format!("/api/schedules/{schedule}/enable"), json!({}))
        .await;
    assert!(enabled["data"]["next_run_at"].is_string());
    target.wait_for(count + 1, WAIT).await;
    assert!(target.count() > count, "runs again once enabled");

    let (_, listed) = chime.get("/api/schedules").await;
    assert_eq!(listed["data"][0]["id"], schedule.as_str());
    assert_eq!(
        listed["data"][0]["frequency"]["repeat_every"],
        json!([1, "second"])
    );
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn the_api_needs_its_key_and_a_loopback_host() {
    let chime = Chime::start(&[]).await;
    let http = reqwest::Client::new();
    let ping = http.get(chime.url("/api/ping")).send().await.unwrap();
    assert_eq!(ping.status(), StatusCode::OK);
    assert_eq!(ping.text().await.unwrap(), "Pong");

    let (status, body) =
        support::read(http.get(chime.url("/api/jobs")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = support::read(
        http.get(chime.url("/api/jobs"))
            .bearer_auth("chime_wrong")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let rebound = http
        .get(chime.url("/api/jobs"))
        .bearer_auth(&chime.key)
        .header("Host", "evil.example:80")
        .send()
        .await
        .unwrap();
    assert_eq!(
        rebound.status(),
        StatusCode::FORBIDDEN,
        "DNS rebinding is refused"
    );

    let no_cors = http
        .request(Method::OPTIONS, chime.url("/api/jobs"))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        no_cors
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no permissive CORS"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(chime.dir.join("api-key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the key is owner-only");
    }
    // Only loopback: the port is not open on another address of this machine.
    let outside = std::net::TcpStream::connect(("0.0.0.0", chime.port));
    let external =
        local_non_loopback_ip().map(|ip| std::net::TcpStream::connect((ip, chime.port)).is_ok());
    assert_ne!(external, Some(true), "not listening beyond loopback");
    drop(outside);
}

fn local_non_loopback_ip() -> Option<std::net::IpAddr> {
    // The address a UDP socket would use to reach a public address; no packet is sent.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback()).then_some(ip)
}

#[tokio::test]
async fn form_encoded_creates_read_bracket_keys() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let form = format!(
        "method=post&url={}&body[content]=Testing+123&body[channel]=discord&schedule_in[]=1&schedule_in[]=seconds",
        urlencode(&target.url("/form"))
    );
    let response = reqwest::Client::new()
        .post(chime.url("/api/jobs"))
        .bearer_auth(&chime.key)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let seen = target.wait_for(1, WAIT).await;
    assert_eq!(
        seen[0].json(),
        json!({"content": "Testing 123", "channel": "discord"})
    );
}

#[tokio::test]
async fn form_encoded_creates_read_numbers_booleans_and_lists_as_their_fields_expect() {
    let chime = Chime::start(&[]).await;
    let form =
        "method=post&url=https%3A%2F%2Fexample.test%2Fform&repeat_every[]=1&repeat_every[]=hour\
        &retry[max_attempts]=5&retry[backoff]=fixed&retry[base]=30&timeout=12\
        &inject_fields=false&catch_up=skip&body[n]=1";
    let (status, created) = chime.post_form("/api/jobs", form).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let job = &created["data"];
    assert_eq!(
        job["retry"],
        json!({"max_attempts": 5, "backoff": "fixed", "base_ms": 30_000})
    );
    assert_eq!(job["max_attempts"], 5);
    assert_eq!(job["timeout_ms"], 12_000);
    assert_eq!(
        job["request"]["body"],
        json!({"n": "1"}),
        "a body's values stay text"
    );
    let (_, schedule) = chime
        .get(&format!(
            "/api/schedules/{}",
            job["schedule_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(schedule["data"]["inject_fields"], false);
    assert_eq!(schedule["data"]["catch_up"], "skip");
    assert_eq!(
        schedule["data"]["frequency"]["repeat_every"],
        json!([1, "hour"])
    );

    let (status, refused) = chime
        .post_form(
            "/api/jobs",
            "url=https%3A%2F%2Fexample.test&retry[max_attempts]=three",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["field"], "retry.max_attempts");
}

#[tokio::test]
async fn a_deeply_nested_form_is_refused_on_its_field_and_the_server_lives_on() {
    let chime = Chime::start(&[]).await;
    for depth in [40, 3_000, 20_000] {
        let form = format!("url=https%3A%2F%2Fx.test&body{}=1", "[a]".repeat(depth));
        let (status, body) = chime.post_form("/api/jobs", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{depth}: {body}");
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(body["error"]["field"], "body");
    }
    let (status, _) = chime.get("/api/jobs").await;
    assert_eq!(status, StatusCode::OK, "still serving");
    assert_eq!(chime.rows("jobs"), 0);
}

#[tokio::test]
async fn the_log_records_every_header_sent_and_caps_request_bodies() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let big = "x".repeat(1024 * 1024 + 100);
    let (_, created) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": target.url("/big"), "body": {"big": big}, "headers": {"X-Mine": "1"}}),
        )
        .await;
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let seen = target.wait_for(1, WAIT).await;
    let wire = &seen[0];
    let job = chime
        .job_when(&id, "the job to finish", WAIT, finished)
        .await;
    let request = &job["attempts"][0]["request"];
    for name in [
        "user-agent",
        "accept",
        "content-type",
        "content-length",
        "x-mine",
    ] {
        let logged = request["headers"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str().unwrap());
        assert_eq!(logged, wire.header(name), "{name} as it went on the wire");
    }
    assert_eq!(wire.body.len(), big.len() + 10, "the whole body was sent");
    let logged = request["body"].as_str().unwrap();
    assert!(
        logged.ends_with("[cut by Chime at 1 MiB]"),
        "capped with the marker"
    );
    assert!(logged.len() < 1024 * 1024 + 64);
    assert_eq!(request["truncated"], true);
}

#[tokio::test]
async fn status_serves_the_defaults_a_job_gets() {
    let chime = Chime::start(&[]).await;
    let (_, status) = chime.get("/api/status").await;
    let defaults = &status["data"]["defaults"];
    let (_, created) = chime
        .post(
            "/api/jobs",
            json!({"url": "https://example.test/", "schedule_in": "1 hour"}),
        )
        .await;
    assert_eq!(defaults["retry"], created["data"]["retry"]);
    assert_eq!(defaults["timeout_ms"], created["data"]["timeout_ms"]);
    assert_eq!(defaults["catch_up"], "once");
    let (_, scheduled) = chime.get("/api/jobs?state=scheduled").await;
    let (_, available) = chime.get("/api/jobs?state=available").await;
    assert_eq!(
        (scheduled["total"].as_i64(), available["total"].as_i64()),
        (Some(1), Some(0))
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn jobs_list_filters_orders_and_pages() {
    let chime = Chime::start(&["--allow-http"]).await;
    for (i, name) in ["alpha", "beta", "gamma"].iter().enumerate() {
        let (status, _) = chime
            .post("/api/jobs", json!({"url": "http://127.0.0.1:9/x", "name": name, "schedule_in": [i + 1, "hours"]}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, page) = chime
        .get("/api/jobs?limit=2&order_by=%5B%22scheduled_at%22%2C%22asc%22%5D")
        .await;
    let names: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(
        (page["total"].as_i64(), page["limit"].as_i64()),
        (Some(3), Some(2))
    );
    let (_, page) = chime
        .get("/api/jobs?order_by=scheduled_at,desc&offset=1")
        .await;
    assert_eq!(page["data"][0]["name"], "beta");
    let (_, page) = chime.get("/api/jobs?q=gam").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let (_, page) = chime.get("/api/jobs?state=completed").await;
    assert_eq!(page["total"], 0);
    let (status, body) = chime.get("/api/jobs?state=done").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "state");
    let (status, body) = chime.get("/api/jobs?limit=500").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );

    // A schedule's job is newer than the one-offs: with schedule_id=none the
    // newest page still holds the one-offs (the jobs view relies on it).
    let (status, schedule) = chime
        .post(
            "/api/jobs",
            json!({"url": "http://127.0.0.1:9/x", "name": "every", "repeat_every": [1, "days"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = chime.get("/api/jobs?limit=1&order_by=job_id,desc").await;
    assert_eq!(page["data"][0]["name"], "every");
    let (_, page) = chime
        .get("/api/jobs?limit=1&order_by=job_id,desc&schedule_id=none")
        .await;
    assert_eq!(page["data"][0]["name"], "gamma");
    assert_eq!(page["total"], 3);
    let sid = schedule["data"]["schedule_id"].as_str().unwrap();
    let (_, page) = chime.get(&format!("/api/jobs?schedule_id={sid}")).await;
    assert_eq!(page["total"], 1);

    // The start of an id is enough, as with git, for jobs and schedules alike.
    let jid = schedule["data"]["id"].as_str().unwrap();
    let (status, job) = chime.get(&format!("/api/jobs/{}", &jid[..8])).await;
    assert_eq!(
        (status, job["data"]["id"].as_str()),
        (StatusCode::OK, Some(jid))
    );
    let (status, found) = chime.get(&format!("/api/schedules/{}", &sid[..8])).await;
    assert_eq!(
        (status, found["data"]["id"].as_str()),
        (StatusCode::OK, Some(sid))
    );
    let (status, _) = chime.get("/api/jobs/00000000-dead").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pending_job_can_be_changed_and_run_now_and_a_finished_one_replayed() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, body) = chime.post("/api/jobs", json!({"method": "post", "url": target.url("/a"), "schedule_in": "1 hour", "body": {"v": 1}})).await;
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let (status, patched) = chime
        .call(
            Method::PATCH,
            &format!("/api/jobs/{id}"),
            Some(json!({"url": target.url("/b"), "body": {"v": 2}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["data"]["request"]["url"], target.url("/b"));
    let (status, bad) = chime
        .call(
            Method::PATCH,
            &format!("/api/jobs/{id}"),
            Some(json!({"timeout": "forever"})),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("timeout"))
    );

    let (status, _) = chime.post(&format!("/api/jobs/{id}/run"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let seen = target.wait_for(1, WAIT).await;
    assert_eq!(
        (seen[0].path.as_str(), seen[0].json()),
        ("/b", json!({"v": 2}))
    );
    chime
        .job_when(&id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;

    let (status, replay) = chime.post(&format!("/api/jobs/{id}/run"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(replay["data"]["id"], id.as_str());
    let seen = target.wait_for(2, WAIT).await;
    assert_eq!(
        (seen[1].path.as_str(), seen[1].json()),
        ("/b", json!({"v": 2})),
        "the same request again"
    );
}

#[tokio::test]
async fn sigterm_lets_the_attempt_in_flight_finish() {
    let target = Target::start(|_| Reply::status(200).after(Duration::from_millis(1500))).await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let (_, body) = chime
        .post("/api/jobs", json!({"url": target.url("/slow")}))
        .await;
    let id = body["data"]["id"].as_str().unwrap().to_string();
    target.wait_for(1, WAIT).await;
    let status = chime.terminate().await;
    assert!(status.success(), "a clean exit: {status:?}");
    let db = rusqlite::Connection::open(dir.path().join("chime.db")).unwrap();
    let state: String = db
        .query_row("SELECT state FROM jobs WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(
        state, "completed",
        "the attempt in flight finished and was recorded"
    );
    assert!(
        !dir.path().join("instance.json").exists(),
        "the instance file is removed"
    );
}

#[tokio::test]
async fn pause_all_holds_due_jobs_until_resumed() {
    let target = Target::ok().await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (status, paused) = chime.post("/api/pause", json!({})).await;
    assert_eq!(
        (status, paused["data"]["paused"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    // The status says the flag, not the (off) setting, lets plain http through.
    assert_eq!(paused["data"]["allow_http_for_this_run"], true);
    let (_, settings) = chime.get("/api/settings").await;
    assert_eq!(settings["data"]["allow_http"], false);
    let (_, body) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/held"), "name": "held", "schedule_in": 1}),
        )
        .await;
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let (_, later) = chime
        .post(
            "/api/jobs",
            json!({"url": target.url("/later"), "schedule_in": "2.5 seconds"}),
        )
        .await;
    // Once the later job is due too, the held one has been due for 1.5 s:
    // unpaused, it would have gone out long before.
    chime
        .job_when(
            later["data"]["id"].as_str().unwrap(),
            "the later job to be due",
            WAIT,
            |j| j["state"] == "available",
        )
        .await;
    let held = chime.get(&format!("/api/jobs/{id}")).await.1["data"].clone();
    assert_eq!(held["job"]["state"], "available", "due and waiting: {held}");
    assert!(
        held["job"]["attempted_at"].is_null(),
        "never attempted: {held}"
    );
    let (_, listed) = chime.get("/api/jobs?state=available").await;
    assert_eq!(listed["total"], 2, "{listed}");
    let (_, status_now) = chime.get("/api/status").await;
    assert_eq!(status_now["data"]["next_run"]["name"], "held");
    assert_eq!(target.count(), 0, "nothing went out while paused");
    chime.post("/api/resume", json!({})).await;
    target.wait_for(2, WAIT).await;
    chime
        .job_when(&id, "the held job to run", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
}

#[tokio::test]
async fn serve_also_serves_the_ui_for_a_browser() {
    let chime = Chime::start(&[]).await;
    let http = reqwest::Client::new();
    let page = http.get(chime.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    let script = html
        .split('"')
        .find(|s| s.starts_with("./assets/") && s.ends_with(".js"))
        .expect("a script in the page");
    let js = http.get(chime.url(&script[1..])).send().await.unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    // The page needs no key; the API still does, and other hosts get nothing.
    assert_eq!(
        http.get(chime.url("/api/jobs"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let rebound = http
        .get(chime.url("/"))
        .header("Host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
}

/// An https target that redirects to plain http: refused without
/// --allow-http (nothing re-sent in clear), followed and recorded with it.
#[tokio::test]
async fn every_redirect_hop_obeys_the_https_rule_and_is_recorded() {
    let plain = Target::ok().await;
    let to_plain = plain.url("/landing");
    let secure = Target::start_tls(move |_| Reply::status(307).header("Location", &to_plain)).await;
    let ca = secure.ca_file.clone().unwrap();
    let job = json!({"method": "post", "url": secure.url("/start"), "body": {"secret": "s3"},
                     "headers": {"X-Custom": "c"}, "retry": {"max_attempts": 3}});

    let strict = Chime::start(&["--ca-cert", ca.to_str().unwrap()]).await;
    let (_, created) = strict.post("/api/jobs", job.clone()).await;
    let refused = strict
        .job_when(
            created["data"]["id"].as_str().unwrap(),
            "the job to end",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(
        refused["state"], "discarded",
        "not retried: it would redirect again"
    );
    let error = refused["attempts"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("redirected (307)") && error.contains("must use https"),
        "{error}"
    );
    assert_eq!(refused["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(plain.count(), 0, "nothing went out in clear");

    let lax = Chime::start(&["--ca-cert", ca.to_str().unwrap(), "--allow-http"]).await;
    let (_, created) = lax.post("/api/jobs", job).await;
    let followed = lax
        .job_when(
            created["data"]["id"].as_str().unwrap(),
            "the job to end",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(followed["state"], "completed", "{followed}");
    let response = &followed["attempts"][0]["response"];
    assert_eq!(
        response["redirects"],
        json!([{"status": 307, "url": plain.url("/landing")}])
    );
    let landed = &plain.seen()[0];
    assert_eq!(
        (landed.method.as_str(), landed.path.as_str()),
        ("POST", "/landing")
    );
    assert_eq!(landed.json()["secret"], "s3", "a 307 repeats the request");
}

/// A 303 becomes a GET without the body, and credentials stay with their origin.
#[tokio::test]
async fn a_redirect_to_another_origin_drops_credentials_and_a_303_becomes_a_get() {
    let other = Target::ok().await;
    let to_other = other.url("/elsewhere");
    let first = Target::start(move |_| Reply::status(303).header("Location", &to_other)).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let (_, created) = chime
        .post(
            "/api/jobs",
            json!({"method": "post", "url": first.url("/form"), "body": {"a": 1},
                   "headers": {"Authorization": "Bearer t0ken", "Cookie": "c=1", "X-Keep": "k"}}),
        )
        .await;
    let job = chime
        .job_when(
            created["data"]["id"].as_str().unwrap(),
            "the job to end",
            WAIT,
            finished,
        )
        .await;
    assert_eq!(job["state"], "completed", "{job}");
    assert_eq!(
        first.seen()[0].header("authorization"),
        Some("Bearer t0ken")
    );
    let landed = &other.seen()[0];
    assert_eq!(landed.method, "GET");
    assert!(landed.body.is_empty(), "no body after a 303");
    assert_eq!(landed.header("authorization"), None);
    assert_eq!(landed.header("cookie"), None);
    assert_eq!(landed.header("x-keep"), Some("k"));
    assert_eq!(landed.header("content-length"), None);
}

/// A machine whose zone is not the rule's (it travelled, or the rule is kept
/// in UTC): the rule stays in its own zone, and the preview says what its next
/// run is where the viewer is.
#[tokio::test]
async fn a_preview_notes_the_next_run_in_the_viewers_zone() {
    let chime = Chime::start(&[]).await;
    let (status, body) = chime
        .post(
            "/api/schedules/preview",
            json!({"cron": "0 9 * * *", "timezone": "UTC", "display_zone": "Asia/Tokyo", "count": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let next = body["data"]["next"][0].as_str().unwrap();
    assert!(next.contains("T09:00:00+00:00"), "still 09:00 UTC: {next}");
    let notes = body["data"]["notes"].to_string();
    assert!(
        notes.contains("This rule runs in UTC; here (Asia/Tokyo) its next run 09:00 is 18:00"),
        "{notes}"
    );
    let (_, same) = chime
        .post(
            "/api/schedules/preview",
            json!({"cron": "0 9 * * *", "timezone": "Asia/Tokyo", "display_zone": "Asia/Tokyo"}),
        )
        .await;
    assert!(
        !same["data"]["notes"].to_string().contains("here ("),
        "no note in its own zone"
    );
}

/// A first start shows times in the machine's zone and proposes it for new
/// rules: a laptop in Tokyo does not start in UTC. From then on the zone is
/// the user's setting, and a machine that moves on does not change it.
#[tokio::test]
async fn a_first_start_takes_the_machines_zone_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let zone = async |chime: &Chime| {
        let (status, settings) = chime.get("/api/settings").await;
        assert_eq!(status, StatusCode::OK, "{settings}");
        settings["data"]["default_timezone"].clone()
    };
    // glibc's form for a zone by name, with a leading colon.
    let chime = Chime::start_in_env(dir.path(), &[("TZ", ":Asia/Tokyo")], &[]).await;
    assert_eq!(zone(&chime).await, "Asia/Tokyo");
    chime.terminate().await;

    let chime = Chime::start_in_env(dir.path(), &[("TZ", "Europe/Berlin")], &[]).await;
    assert_eq!(zone(&chime).await, "Asia/Tokyo", "the first start's, kept");

    // A machine on UTC by another name gets the name rules get by default,
    // so the two compare equal and no preview notes a difference.
    let other = tempfile::tempdir().unwrap();
    let chime = Chime::start_in_env(other.path(), &[("TZ", "Etc/UTC")], &[]).await;
    assert_eq!(zone(&chime).await, "UTC");
}
