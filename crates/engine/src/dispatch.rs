//! Sends a job's request over HTTP and reads what comes back.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::attempt::{cap_body, ResponseRecord, BODY_CAP};
use crate::error::{Error, Result};
use crate::request::SentRequest;

#[derive(Clone)]
pub struct Dispatcher {
    client: reqwest::Client,
}

/// Why an attempt got no response.
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    pub message: String,
}

impl Dispatcher {
    /// A client that trusts the system's roots plus the certificates in `ca_files` (PEM).
    /// Connections are kept alive and reused (reqwest's pool keeps idle ones
    /// per host without limit), so a burst to one endpoint does not reconnect.
    pub fn new(ca_files: &[impl AsRef<Path>]) -> Result<Dispatcher> {
        let mut builder = reqwest::Client::builder()
            .user_agent(crate::request::USER_AGENT)
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(30));
        for file in ca_files {
            let path = file.as_ref();
            let pem = std::fs::read(path).map_err(|e| {
                Error::io(format!("cannot read CA certificate {}", path.display()), e)
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::Internal(format!(
                    "{} holds no usable PEM certificate: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(Error::Internal(format!(
                    "{} holds no PEM certificate",
                    path.display()
                )));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Dispatcher { client })
    }

    /// Sends `request`, giving the whole exchange (body included) `timeout`.
    pub async fn send(
        &self,
        request: &SentRequest,
        timeout: Duration,
    ) -> Result<ResponseRecord, SendError> {
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| SendError {
                message: format!("bad method {}", request.method),
            })?;
        let mut builder = self
            .client
            .request(method, &request.url)
            .headers(header_map(&request.headers)?)
            .timeout(timeout);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let exchange = async {
            let mut response = builder.send().await?;
            let status = response.status().as_u16();
            let headers = header_object(response.headers());
            let mut body = Vec::new();
            let mut more = false;
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > BODY_CAP {
                    body.extend_from_slice(&chunk[..BODY_CAP - body.len()]);
                    more = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            let (body, truncated) = cap_body(&body, more);
            Ok::<_, reqwest::Error>(ResponseRecord {
                status,
                headers,
                body,
                truncated,
            })
        };
        exchange.await.map_err(|e| describe(&e, timeout))
    }
}

fn header_map(headers: &Map<String, Value>) -> Result<HeaderMap, SendError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let bad = || SendError {
            message: format!("header {name} cannot be sent"),
        };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let value = HeaderValue::from_str(value.as_str().unwrap_or_default()).map_err(|_| bad())?;
        map.append(name, value);
    }
    Ok(map)
}

fn header_object(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match out.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&text);
            }
            _ => {
                out.insert(name.as_str().to_string(), Value::String(text));
            }
        }
    }
    out
}

/// An error as a person reads it: "timed out after 30s", "could not connect: ...".
fn describe(e: &reqwest::Error, timeout: Duration) -> SendError {
    let message = if e.is_timeout() {
        format!("timed out after {}", humanize(timeout))
    } else if e.is_connect() {
        format!("could not connect: {}", root_cause(e))
    } else if e.is_redirect() {
        format!("too many redirects: {}", root_cause(e))
    } else if e.is_body() || e.is_decode() {
        format!("the response broke off: {}", root_cause(e))
    } else {
        root_cause(e)
    };
    SendError { message }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn humanize(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}
