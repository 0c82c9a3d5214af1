//! The API against a hostile caller that is not a local process with the
//! key: a key sent anywhere but `Authorization: Bearer`, a web page in a
//! browser (cross-origin posts, CORS preflights), and requests too large to
//! read. Each is refused in the documented error shape, writes nothing, and
//! the server serves the next request. (Hosts, idle floods and file modes
//! are in tests/security.rs; redaction in tests/redaction.rs.)

mod support;

use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::Chime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(20);
const JOB: &str = r#"{"url": "https://example.test/hook", "schedule_in": "1 hour"}"#;
const PAGE: &str = "https://evil.example";

/// A refusal in SPEC's error shape, with the code given.
fn assert_refused(what: &str, status: StatusCode, body: &Value, code: &str) {
    let error = &body["error"];
    assert_eq!(error["code"], code, "{what}: {status} {body}");
    assert!(
        error["message"].as_str().is_some_and(|m| m.len() > 10),
        "{what}: a message that says why: {body}"
    );
}

fn assert_unauthorized(what: &str, status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
    assert_refused(what, status, body, "unauthorized");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
            || body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("api-key file"),
        "{what}: says where the key goes or where it is: {body}"
    );
}

/// The CORS headers that would let a page read an answer or send a request.
fn cors_headers(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k.starts_with("access-control-allow-"))
        .collect()
}

/// (what, query string, headers): a key, or a wrong one, sent the wrong way.
type WrongKey = (&'static str, String, Vec<(&'static str, String)>);

#[tokio::test]
async fn a_key_anywhere_but_the_bearer_header_is_refused() {
    let chime = Chime::start(&[]).await;
    let key = chime.key.clone();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("chime:{key}"));
    let cases: Vec<WrongKey> = vec![
        ("no key at all", String::new(), vec![]),
        (
            "a wrong key",
            String::new(),
            vec![("Authorization", "Bearer chime_wrong".into())],
        ),
        (
            "an empty bearer",
            String::new(),
            vec![("Authorization", "Bearer ".into())],
        ),
        ("?key=", format!("?key={key}"), vec![]),
        ("?api_key=", format!("?api_key={key}"), vec![]),
        ("?access_token=", format!("?access_token={key}"), vec![]),
        (
            "a cookie named key",
            String::new(),
            vec![("Cookie", format!("key={key}"))],
        ),
        (
            "a cookie named api_key",
            String::new(),
            vec![("Cookie", format!("api_key={key}"))],
        ),
        (
            "the key as a basic-auth password",
            String::new(),
            vec![("Authorization", format!("Basic {basic}"))],
        ),
        (
            "the key with no scheme",
            String::new(),
            vec![("Authorization", key.clone())],
        ),
        (
            "an X-Api-Key header",
            String::new(),
            vec![("X-Api-Key", key.clone())],
        ),
    ];
    let http = reqwest::Client::new();
    for (what, query, headers) in &cases {
        for method in [Method::GET, Method::POST] {
            let mut request = http.request(method.clone(), chime.url(&format!("/api/jobs{query}")));
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            if method == Method::POST {
                request = request.header("Content-Type", "application/json").body(JOB);
            }
            let (status, body) = support::read(request.send().await.unwrap()).await;
            assert_unauthorized(&format!("{method} with {what}"), status, &body);
        }
    }
    assert_eq!(
        (chime.rows("jobs"), chime.rows("events")),
        (0, 0),
        "nothing written"
    );
    // The same create, with the key where it belongs, goes through.
    let (status, _) = chime
        .post("/api/jobs", serde_json::from_str(JOB).unwrap())
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// What a page at another origin can send without a preflight: a "simple"
/// POST (text/plain, a form, multipart), with no Authorization header,
/// since a browser adds none. None is served, and none can be read.
#[tokio::test]
async fn a_web_page_cannot_drive_the_api_across_origins() {
    let chime = Chime::start(&[]).await;
    let key_before = std::fs::read_to_string(chime.dir.join("api-key")).unwrap();
    let http = reqwest::Client::new();
    let form = "url=https%3A%2F%2Fexample.test%2Fhook&schedule_in=3600";
    let multipart = "--b\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://example.test/hook\r\n--b--\r\n";
    let posts = [
        ("/api/jobs", "text/plain", JOB),
        ("/api/jobs", "text/plain;charset=UTF-8", JOB),
        ("/api/jobs", "application/x-www-form-urlencoded", form),
        ("/api/jobs", "multipart/form-data; boundary=b", multipart),
        ("/api/pause", "text/plain", ""),
        ("/api/settings/api_key/regenerate", "text/plain", ""),
        (
            "/api/import/curl",
            "text/plain",
            r#"{"command": "curl https://example.test"}"#,
        ),
    ];
    for (path, content_type, body) in posts {
        let response = http
            .post(chime.url(path))
            .header("Origin", PAGE)
            .header("Referer", format!("{PAGE}/attack.html"))
            .header("Content-Type", content_type)
            .header("Sec-Fetch-Site", "cross-site")
            .body(body)
            .send()
            .await
            .unwrap();
        let what = format!("{path} as {content_type}");
        assert!(
            cors_headers(&response).is_empty(),
            "{what}: the page may not read the answer"
        );
        let (status, body) = support::read(response).await;
        assert_unauthorized(&what, status, &body);
    }
    assert_eq!(chime.rows("jobs"), 0, "no job was made");
    let (_, status) = chime.get("/api/status").await;
    assert_eq!(status["data"]["paused"], false, "not paused: {status}");
    assert_eq!(
        std::fs::read_to_string(chime.dir.join("api-key")).unwrap(),
        key_before,
        "the key was not regenerated"
    );
}

/// A page that wants to send the key (or JSON) must ask first; no answer
/// lets it, on any route, for any method.
#[tokio::test]
async fn a_cors_preflight_is_never_granted() {
    let chime = Chime::start(&[]).await;
    let http = reqwest::Client::new();
    for path in [
        "/api/jobs",
        "/api/jobs/some-id",
        "/api/settings",
        "/api/ping",
        "/",
    ] {
        for method in ["GET", "POST", "PATCH", "DELETE"] {
            for origin in [PAGE, "null", "http://localhost:3000"] {
                let response = http
                    .request(Method::OPTIONS, chime.url(path))
                    .header("Origin", origin)
                    .header("Access-Control-Request-Method", method)
                    .header(
                        "Access-Control-Request-Headers",
                        "authorization, content-type",
                    )
                    .send()
                    .await
                    .unwrap();
                let what = format!("OPTIONS {path} for {method} from {origin}");
                assert!(
                    cors_headers(&response).is_empty(),
                    "{what}: {:?}",
                    response.headers()
                );
                assert!(
                    !response.status().is_success(),
                    "{what}: a preflight must not pass: {}",
                    response.status()
                );
            }
        }
    }
    // An answer the key did get is not shared with the page either.
    let answer = http
        .get(chime.url("/api/status"))
        .bearer_auth(&chime.key)
        .header("Origin", PAGE)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(cors_headers(&answer).is_empty(), "{:?}", answer.headers());
}

/// Sends raw bytes on a new connection and reads until the server closes
/// it: the status and body of its answer, or None if it closed (or reset)
/// without one. Panics if it neither answers nor closes within WAIT.
async fn exchange(chime: &Chime, request: &[u8]) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", chime.port)).await.unwrap();
    let (mut reader, mut writer) = stream.split();
    let mut answer = Vec::new();
    let send = async {
        // The server may answer and close before it has read everything.
        let _ = writer.write_all(request).await;
    };
    tokio::time::timeout(WAIT, async {
        tokio::join!(send, async {
            let _ = reader.read_to_end(&mut answer).await;
        })
    })
    .await
    .expect("the server answers or closes the connection");
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

fn request_head(chime: &Chime, method: &str, path: &str, extra: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n{extra}",
        chime.port, chime.key
    )
}

#[tokio::test]
async fn bodies_over_2_mib_are_refused_with_413_on_every_route_that_reads_one() {
    let chime = Chime::start(&[]).await;
    let limit = 2 * 1024 * 1024;
    let http = reqwest::Client::new();
    let big = |content: &str| content.repeat(limit / content.len() + 1);
    let json_body = format!(
        r#"{{"url": "https://example.test/", "name": "{}"}}"#,
        big("n")
    );
    let form_body = format!("url=https%3A%2F%2Fexample.test%2F&name={}", big("n"));
    let sends = [
        (Method::POST, "/api/jobs", "application/json", &json_body),
        (
            Method::POST,
            "/api/jobs",
            "application/x-www-form-urlencoded",
            &form_body,
        ),
        (
            Method::PATCH,
            "/api/settings",
            "application/json",
            &json_body,
        ),
        (
            Method::POST,
            "/api/import/curl",
            "application/json",
            &json_body,
        ),
        (
            Method::POST,
            "/api/schedules/preview",
            "application/json",
            &json_body,
        ),
    ];
    for (method, path, content_type, body) in sends {
        let what = format!("{method} {path} as {content_type}");
        let (status, answer) = support::read(
            http.request(method, chime.url(path))
                .bearer_auth(&chime.key)
                .header("Content-Type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{what}: {answer}");
        assert_refused(&what, status, &answer, "too_large");
        assert_eq!(answer["error"]["field"], "body", "{what}");
    }

    // Sent in chunks, with no Content-Length to refuse it by.
    let mut chunked = request_head(
        &chime,
        "POST",
        "/api/jobs",
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .into_bytes();
    for piece in json_body.as_bytes().chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, answer) = exchange(&chime, &chunked)
        .await
        .expect("an answer to a chunked body");
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "too_large");

    // Right at the limit, a body is still read (and judged on its fields).
    let name = "n".repeat(limit - r#"{"url": "https://example.test/", "name": ""}"#.len());
    let at_limit = format!(r#"{{"url": "https://example.test/", "name": "{name}"}}"#);
    assert_eq!(at_limit.len(), limit);
    let (status, answer) = support::read(
        http.post(chime.url("/api/jobs"))
            .bearer_auth(&chime.key)
            .header("Content-Type", "application/json")
            .body(at_limit)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
        "read whole, refused on its field"
    );
    assert_eq!(
        (chime.rows("jobs"), chime.rows("events")),
        (0, 0),
        "nothing written"
    );
    let (status, _) = chime.get("/api/status").await;
    assert_eq!(status, StatusCode::OK, "still serving");
}

#[tokio::test]
async fn request_headers_too_large_are_refused_and_the_server_lives_on() {
    let chime = Chime::start(&[]).await;
    let one_huge = format!("X-Big: {}\r\n\r\n", "a".repeat(1024 * 1024));
    let very_many: String = (0..10_000)
        .map(|i| format!("X-Many-{i}: {i}\r\n"))
        .collect::<String>()
        + "\r\n";
    let long_path = format!("/api/jobs?q={}", "a".repeat(1024 * 1024));
    let requests = [
        (
            "one 1 MiB header",
            request_head(&chime, "GET", "/api/status", &one_huge),
        ),
        (
            "10,000 headers",
            request_head(&chime, "GET", "/api/status", &very_many),
        ),
        (
            "a 1 MiB request line",
            request_head(&chime, "GET", &long_path, "\r\n"),
        ),
    ];
    for (what, request) in requests {
        match exchange(&chime, request.as_bytes()).await {
            None => {} // closed without an answer: refused
            Some((status, _)) => assert!(
                status == 431 || status == 414 || status == 400,
                "{what}: refused, not served: {status}"
            ),
        }
        let (status, _) = chime.get("/api/status").await;
        assert_eq!(status, StatusCode::OK, "still serving after {what}");
    }
    // A request of ordinary size on a raw connection is served, so the
    // refusals above are about size, not about how they were sent.
    let ok = exchange(
        &chime,
        request_head(&chime, "GET", "/api/status", "\r\n").as_bytes(),
    )
    .await;
    assert_eq!(ok.map(|(s, _)| s), Some(200));
}
