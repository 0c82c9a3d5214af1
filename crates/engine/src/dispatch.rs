//! Sends a job's request over HTTP and reads what comes back. Redirects are
//! followed here, not by the HTTP client, so every hop obeys the rule the
//! job's own URL did (https unless plain http is allowed) and is recorded.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::{Map, Value};
use url::Url;

use crate::attempt::{Redirect, ResponseRecord};
use crate::body_cap::{cap_body, BODY_CAP};
use crate::client::{HttpClient, PeerCertificate};
use crate::error::{Error, Result};
use crate::redact;
use crate::request::SentRequest;

/// Hops followed before an attempt gives up (browsers and curl stop near here).
pub const MAX_REDIRECTS: usize = 10;

#[derive(Clone)]
pub struct Dispatcher {
    client: HttpClient,
}

/// Why an attempt got no response.
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    pub message: String,
    /// Worth another attempt: the network may be back, the server up. A
    /// redirect to a refused URL is not: it will redirect there again.
    pub retryable: bool,
}

impl SendError {
    fn for_good(message: String) -> SendError {
        SendError {
            message,
            retryable: false,
        }
    }
}

/// One request on the wire: the first, or a redirect's.
struct Hop {
    method: Method,
    url: Url,
    headers: HeaderMap,
    /// Empty for none; shared, not copied, by each hop that repeats it.
    body: Bytes,
}

impl Dispatcher {
    /// A client that trusts the web's roots plus the certificates in `ca_files` (PEM).
    pub fn new(ca_files: &[impl AsRef<Path>]) -> Result<Dispatcher> {
        let mut roots = Vec::new();
        for file in ca_files {
            roots.extend(read_certificates(file.as_ref())?);
        }
        let client = HttpClient::new(roots)
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Dispatcher { client })
    }

    /// Sends `request`, following redirects that obey the same rule as its
    /// URL (`allow_http`), and gives the whole exchange, every hop and the
    /// body included, `timeout`.
    pub async fn send(
        &self,
        request: &SentRequest,
        timeout: Duration,
        allow_http: bool,
    ) -> Result<ResponseRecord, SendError> {
        let url =
            Url::parse(&request.url).map_err(|e| SendError::for_good(format!("bad url: {e}")))?;
        self.send_to(request, url, timeout, allow_http).await
    }

    /// [`Dispatcher::send`] to `url`, the request's URL already parsed (an
    /// attempt parses it once, to check it).
    pub async fn send_to(
        &self,
        request: &SentRequest,
        url: Url,
        timeout: Duration,
        allow_http: bool,
    ) -> Result<ResponseRecord, SendError> {
        let first = Hop {
            method: Method::from_bytes(request.method.as_bytes())
                .map_err(|_| SendError::for_good(format!("bad method {}", request.method)))?,
            url,
            headers: header_map(&request.headers)?,
            body: request.body.clone().map(Bytes::from).unwrap_or_default(),
        };
        match tokio::time::timeout(timeout, self.follow(first, allow_http)).await {
            Ok(result) => result,
            Err(_) => Err(SendError {
                message: format!("timed out after {}", humanize(timeout)),
                retryable: true,
            }),
        }
    }

    async fn follow(&self, mut hop: Hop, allow_http: bool) -> Result<ResponseRecord, SendError> {
        let mut redirects = Vec::new();
        loop {
            let response = self
                .client
                .send(hop.request()?)
                .await
                .map_err(|e| could_not_send(e, &hop.url))?;
            let Some(next) = redirect_target(&response, &hop.url) else {
                let mut record = read(response).await.map_err(|e| broke_off(e, &hop.url))?;
                record.redirects = redirects;
                return Ok(record);
            };
            let status = response.status();
            if redirects.len() == MAX_REDIRECTS {
                return Err(SendError {
                    message: format!("too many redirects: more than {MAX_REDIRECTS}"),
                    retryable: true,
                });
            }
            let next = next.map_err(SendError::for_good)?;
            check_hop(&next, allow_http).map_err(|why| {
                SendError::for_good(format!(
                    "redirected ({}) from {} to {}, which is refused: {why}",
                    status.as_u16(),
                    redact::url(hop.url.as_str()),
                    redact::url(next.as_str()),
                ))
            })?;
            redirects.push(Redirect {
                status: status.as_u16(),
                url: next.to_string(),
            });
            hop = hop.redirected(status, next);
        }
    }
}

/// Where a redirect response sends the request, if it is one Chime follows.
fn redirect_target<B>(response: &http::Response<B>, url: &Url) -> Option<Result<Url, String>> {
    let status = response.status();
    let follows = [301, 302, 303, 307, 308].contains(&status.as_u16());
    let location = response.headers().get(header::LOCATION)?;
    if !follows {
        return None;
    }
    let target = location
        .to_str()
        .ok()
        .and_then(|l| url.join(l).ok())
        .ok_or_else(|| {
            format!(
                "redirected ({}) to a Location that is not a URL",
                status.as_u16()
            )
        });
    Some(target)
}

/// A redirect's URL obeys the rule a job's URL does.
fn check_hop(url: &Url, allow_http: bool) -> Result<(), &'static str> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http => Ok(()),
        "http" => Err("it must use https; plain http is refused unless Chime is started with --allow-http (or the allow_http setting)"),
        _ => Err("only https (and http where allowed) is followed"),
    }
}

impl Hop {
    /// The hop as it goes on the wire. Each hop also carries Chime's
    /// User-Agent and accepts any type, unless the job says otherwise.
    fn request(&self) -> Result<http::Request<crate::client::Body>, SendError> {
        let uri = http::Uri::try_from(self.url.as_str())
            .map_err(|e| SendError::for_good(format!("bad url: {e}")))?;
        let mut request = crate::client::request(self.method.clone(), uri, self.body.clone());
        let headers = request.headers_mut();
        *headers = self.headers.clone();
        if !headers.contains_key(header::USER_AGENT) {
            headers.insert(
                header::USER_AGENT,
                HeaderValue::from_static(crate::request::USER_AGENT),
            );
        }
        if !headers.contains_key(header::ACCEPT) {
            headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        }
        Ok(request)
    }

    /// The next hop, as browsers and curl -L make it: 303 (and 301 and 302
    /// after a POST) become a GET without a body; 307 and 308 repeat the
    /// request. Credentials do not follow the request to another origin.
    fn redirected(mut self, status: StatusCode, to: Url) -> Hop {
        let to_get = status == StatusCode::SEE_OTHER && self.method != Method::HEAD
            || matches!(status.as_u16(), 301 | 302) && self.method == Method::POST;
        if to_get {
            self.method = Method::GET;
            self.body = Bytes::new();
            for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH] {
                self.headers.remove(name);
            }
        }
        if to.origin() != self.url.origin() {
            for name in [
                header::AUTHORIZATION,
                header::PROXY_AUTHORIZATION,
                header::COOKIE,
                header::WWW_AUTHENTICATE,
            ] {
                self.headers.remove(name);
            }
        }
        self.url = to;
        self
    }
}

/// Reads a response, its body capped at the log's cap.
async fn read(response: crate::client::Response) -> Result<ResponseRecord, hyper::Error> {
    let status = response.status().as_u16();
    let headers = header_object(response.headers());
    let cert_expires_at = response
        .extensions()
        .get::<PeerCertificate>()
        .and_then(|peer| crate::cert::not_after(&peer.0));
    let mut incoming = response.into_body();
    let mut body = Vec::new();
    let mut more = false;
    while let Some(frame) = incoming.frame().await {
        let Ok(chunk) = frame?.into_data() else {
            continue; // trailers
        };
        if body.len() + chunk.len() > BODY_CAP {
            body.extend_from_slice(&chunk[..BODY_CAP - body.len()]);
            more = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let (body, truncated) = cap_body(&body, more);
    Ok(ResponseRecord {
        status,
        headers,
        body,
        truncated,
        redirects: Vec::new(),
        cert_expires_at,
        assertions: Vec::new(),
    })
}

fn header_map(headers: &Map<String, Value>) -> Result<HeaderMap, SendError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let bad = || SendError::for_good(format!("header {name} cannot be sent"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let value = HeaderValue::from_str(value.as_str().unwrap_or_default()).map_err(|_| bad())?;
        map.append(name, value);
    }
    Ok(map)
}

fn header_object(headers: &HeaderMap) -> Map<String, Value> {
    // Each name once, its values joined as they came: one insert a name,
    // not a lookup and an insert a value (the map hashes each with SipHash).
    let mut out = Map::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let mut values = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()));
        let mut text = values.next().unwrap_or_default().into_owned();
        for more in values {
            text.push_str(", ");
            text.push_str(&more);
        }
        out.insert(name.as_str().to_string(), Value::String(text));
    }
    out
}

/// An error as a person reads it: "could not connect to URL: ...", the URL
/// with its credentials redacted. Network failures are worth another attempt.
fn could_not_send(e: crate::client::Error, url: &Url) -> SendError {
    let url = redact::url(url.as_str());
    let what = if e.is_connect() {
        format!("could not connect to {url}")
    } else {
        format!("the request to {url} failed")
    };
    network_error(what, &e)
}

/// A response whose body did not come whole.
fn broke_off(e: hyper::Error, url: &Url) -> SendError {
    let what = format!("the response from {} broke off", redact::url(url.as_str()));
    network_error(what, &e)
}

fn network_error(what: String, e: &(dyn std::error::Error + 'static)) -> SendError {
    SendError {
        message: with_hint(format!("{what}: {}", root_cause(e))),
        retryable: true,
    }
}

/// The certificates of a PEM file, the roots Chime trusts besides the web's.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::io(format!("cannot read CA certificate {}", path.display()), e))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
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
    Ok(certs)
}

/// An error with what to do about it, where Chime knows: a certificate from
/// a CA it does not trust (a company's or a test's own) needs `--ca-cert`.
fn with_hint(message: String) -> String {
    if message.contains("UnknownIssuer") {
        format!(
            "{message}; Chime does not trust the CA that issued the target's certificate: \
             for a private CA, start Chime with --ca-cert FILE (its PEM certificate) \
             or set ca_cert_path in the settings"
        )
    } else {
        message
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A response's headers as the log keeps them: each name once, in the
    /// order they came, a repeated one's values joined with commas.
    #[test]
    fn response_headers_are_one_entry_a_name_with_repeats_joined() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("content-type", "text/plain"),
            ("set-cookie", "a=1"),
            ("x-trace", "t"),
            ("set-cookie", "b=2"),
            ("set-cookie", "c=\u{e9}"),
        ] {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        let object = header_object(&headers);
        let entries: Vec<(&str, &str)> = object
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        assert_eq!(
            entries,
            [
                ("content-type", "text/plain"),
                ("set-cookie", "a=1, b=2, c=\u{e9}"),
                ("x-trace", "t"),
            ]
        );
    }

    #[test]
    fn an_untrusted_ca_is_worded_with_the_way_to_trust_it() {
        let message = with_hint(
            "could not connect to https://x.test/: client error (Connect): \
             invalid peer certificate: UnknownIssuer"
                .into(),
        );
        assert!(
            message.starts_with("could not connect to https://x.test/: "),
            "{message}"
        );
        assert!(message.contains("UnknownIssuer"), "{message}");
        assert!(message.contains("--ca-cert"), "{message}");
        assert!(message.contains("ca_cert_path"), "{message}");
        let refused = "could not connect to https://x.test/: Connection refused".to_string();
        assert_eq!(with_hint(refused.clone()), refused, "no hint for others");
    }
}
