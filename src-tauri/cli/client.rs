//! Finding the running Chime and talking to its API.
//!
//! Discovery: `--url`/`CHIME_URL` if given; else the instance file that a
//! running Chime writes in its data folder (`--data-dir`, `CHIME_DATA_DIR`, or
//! the OS data folder). The key: `--key`/`CHIME_API_KEY`, else the folder's
//! `api-key` file. An instance only counts if it answers `GET /api/ping`: the
//! file outlives a Chime that was killed.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use chime_engine::client::{Body, HttpClient, Response};
use chime_engine::protocol::ErrorBody;
use http::header::{self, HeaderValue};
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::Value;

use super::Global;
use crate::datadir;

/// What `chime` prints, exactly, when it finds no Chime to talk to.
pub const NOT_RUNNING: &str = "no Chime is running (start the app or `chime serve`)";

/// How long a ping may take before the instance counts as gone (a host
/// that does not answer a connection is bounded by it too).
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// A plain API call; creating or listing never takes long on loopback.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a command failed, and the exit status that says so.
#[derive(Debug)]
pub enum CliError {
    /// No instance file, or the instance does not answer (exit 2).
    NotRunning,
    /// `--url` was given and nothing answers there (exit 2).
    NotAnswering(String),
    /// The command line is wrong in a way clap cannot see (exit 2, as clap's own).
    Usage(String),
    /// The API refused the request (exit 1); `message` starts with the field.
    Api { message: String },
    /// Anything else: I/O, a broken connection, an unreadable answer (exit 1).
    Other(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::NotRunning | CliError::NotAnswering(_) | CliError::Usage(_) => 2,
            CliError::Api { .. } | CliError::Other(_) => 1,
        }
    }

    pub fn message(&self) -> String {
        match self {
            CliError::NotRunning => NOT_RUNNING.to_string(),
            CliError::NotAnswering(url) => format!(
                "no Chime answers at {url} (check --url / CHIME_URL, or start `chime serve`)"
            ),
            CliError::Usage(message) | CliError::Other(message) => message.clone(),
            CliError::Api { message } => message.clone(),
        }
    }
}

/// Where the API is and the key it wants.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    pub key: String,
}

/// A connection to one running Chime.
#[derive(Clone)]
pub struct Client {
    http: HttpClient,
    pub endpoint: Endpoint,
}

impl Client {
    /// Finds the running Chime, checks that it answers, and reads its key.
    pub async fn connect(global: &Global) -> Result<Client, CliError> {
        // The engine's client, so the binary holds one HTTP stack; it also
        // speaks https, for a --url that does.
        let http = HttpClient::new(Vec::new())
            .map_err(|e| CliError::Other(format!("cannot start an HTTP client: {e}")))?;
        let explicit = global.url.as_deref().map(|u| u.trim_end_matches('/'));
        // The folder is only needed to find the instance or the key, so a
        // system without one still works with --url and --key.
        let dir = datadir::resolve(global.data_dir.clone());
        let base = match explicit {
            Some(url) => url.to_string(),
            None => {
                let dir = dir
                    .as_ref()
                    .map_err(|e| CliError::Usage(format!("{e:#}")))?;
                datadir::read_instance(dir).ok_or(CliError::NotRunning)?.url
            }
        };
        if !answers_ping(&http, &base).await {
            return Err(match explicit {
                Some(url) => CliError::NotAnswering(url.to_string()),
                None => CliError::NotRunning,
            });
        }
        let key = api_key(global, dir.as_deref().ok())?;
        Ok(Client {
            http,
            endpoint: Endpoint { base, key },
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.base)
    }

    /// A request with the key, for callers that read the answer themselves
    /// (the log stream); `path` may carry a query.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Request<Body>, CliError> {
        let mut request = plain(method, &self.url(path), body)?;
        let bearer = HeaderValue::try_from(format!("Bearer {}", self.endpoint.key))
            .map_err(|_| CliError::Usage("the API key holds a character a header cannot".into()))?;
        request.headers_mut().insert(header::AUTHORIZATION, bearer);
        Ok(request)
    }

    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> Result<Response, chime_engine::client::Error> {
        self.http.send(request).await
    }

    pub async fn get(&self, path: &str) -> Result<Value, CliError> {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Option<&Value>) -> Result<Value, CliError> {
        self.call(Method::POST, path, body).await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, CliError> {
        self.call(Method::DELETE, path, None).await
    }

    /// Sends one request; answers the JSON body of a success, or the API's error.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, CliError> {
        let request = self.request(method, path, body)?;
        let base = &self.endpoint.base;
        let answer = async {
            let response = self.send(request).await.map_err(|e| {
                CliError::Other(format!("cannot reach Chime at {base}: {}", root_cause(&e)))
            })?;
            let status = response.status();
            let text = text(response).await.map_err(|e| {
                CliError::Other(format!(
                    "the answer from Chime was cut off: {}",
                    root_cause(&e)
                ))
            })?;
            Ok::<_, CliError>((status, text))
        };
        let (status, text) = tokio::time::timeout(CALL_TIMEOUT, answer)
            .await
            .map_err(|_| {
                CliError::Other(format!(
                    "cannot reach Chime at {base}: no answer in {} s",
                    CALL_TIMEOUT.as_secs()
                ))
            })??;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if status.is_success() {
            Ok(body)
        } else {
            Err(api_error(status, &body))
        }
    }
}

/// The API's `{"error": {"code", "field", "message"}}` as a CLI error. The
/// message already starts with the field (`cron: ...`); a message that does
/// not gets the field put in front, so every refusal reads `field: message`.
pub fn api_error(status: StatusCode, body: &Value) -> CliError {
    let Ok(ErrorBody { error }) = ErrorBody::deserialize(body) else {
        return CliError::Api {
            message: format!("Chime answered {status}: {}", compact(body)),
        };
    };
    let mut message = error.message;
    if let Some(field) = error.field {
        if !message.starts_with(&format!("{field}:")) {
            message = format!("{field}: {message}");
        }
    }
    CliError::Api { message }
}

fn compact(body: &Value) -> String {
    match body {
        Value::String(text) => text.chars().take(200).collect(),
        other => other.to_string(),
    }
}

/// `--key` / `CHIME_API_KEY` (clap reads both into `global.key`), else the key file.
fn api_key(global: &Global, dir: Option<&Path>) -> Result<String, CliError> {
    if let Some(key) = global
        .key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        return Ok(key.to_string());
    }
    let Some(dir) = dir else {
        return Err(CliError::Usage(
            "no API key: pass --key or set CHIME_API_KEY".into(),
        ));
    };
    let path = dir.join(datadir::KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().to_string()),
        Ok(_) => Err(CliError::Other(format!(
            "the key file {} is empty; pass --key or set CHIME_API_KEY",
            path.display()
        ))),
        Err(e) => Err(CliError::Other(format!(
            "cannot read the API key in {} ({e}); pass --key or set CHIME_API_KEY",
            path.display()
        ))),
    }
}

/// True when `base` is a Chime: `GET /api/ping` answers `Pong`.
async fn answers_ping(http: &HttpClient, base: &str) -> bool {
    let Ok(request) = plain(Method::GET, &format!("{base}/api/ping"), None) else {
        return false;
    };
    let pong = async {
        let response = http.send(request).await.ok()?;
        let ok = response.status().is_success();
        Some(ok && text(response).await.ok()?.trim() == "Pong")
    };
    matches!(
        tokio::time::timeout(PING_TIMEOUT, pong).await,
        Ok(Some(true))
    )
}

/// A request as the CLI sends every one: with its User-Agent, and a JSON body if any.
fn plain(method: Method, url: &str, body: Option<&Value>) -> Result<Request<Body>, CliError> {
    let uri = url
        .parse::<http::Uri>()
        .map_err(|e| CliError::Usage(format!("{url} is not a URL: {e}")))?;
    let bytes = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
    let mut request = chime_engine::client::request(method, uri, bytes);
    let headers = request.headers_mut();
    headers.insert(
        header::USER_AGENT,
        HeaderValue::from_static(concat!("chime-cli/", env!("CARGO_PKG_VERSION"))),
    );
    if body.is_some() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    Ok(request)
}

/// A response's whole body, as text.
pub async fn text(response: Response) -> Result<String, hyper::Error> {
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// HTTP errors nest; the innermost says what actually went wrong.
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_errors_read_field_colon_message() {
        let body = json!({"error": {"code": "invalid", "field": "cron",
                                     "message": "cron: day-of-week 8 is out of range 0-7"}});
        let err = api_error(StatusCode::UNPROCESSABLE_ENTITY, &body);
        assert_eq!(err.message(), "cron: day-of-week 8 is out of range 0-7");
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn a_message_without_its_field_gets_it_in_front() {
        let body =
            json!({"error": {"code": "invalid", "field": "url", "message": "must be https"}});
        assert_eq!(
            api_error(StatusCode::UNPROCESSABLE_ENTITY, &body).message(),
            "url: must be https"
        );
    }

    #[test]
    fn an_answer_that_is_not_the_error_shape_is_still_shown() {
        let err = api_error(
            StatusCode::BAD_GATEWAY,
            &Value::String("upstream down".into()),
        );
        assert_eq!(
            err.message(),
            "Chime answered 502 Bad Gateway: upstream down"
        );
    }

    #[test]
    fn not_running_is_exit_two_with_the_exact_words() {
        assert_eq!(CliError::NotRunning.exit_code(), 2);
        assert_eq!(
            CliError::NotRunning.message(),
            "no Chime is running (start the app or `chime serve`)"
        );
    }
}
