//! Test helpers shared by the engine's tests and the black-box tests of the
//! `chime` binary: local targets on 127.0.0.1 (plain and TLS, with a CA made
//! for the test) that record every request and answer as the test scripts,
//! TLS targets with a bad certificate, and raw TCP targets for faults no
//! HTTP server makes on purpose (resets, dribbled headers, silence).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// One request as it reached a target.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: DateTime<Utc>,
    /// 1-based count of requests seen so far, this one included.
    pub n: usize,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a target answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (a slow or hanging endpoint).
    pub delay: Duration,
    /// Wait for this gate to open before answering.
    pub gate: Option<Gate>,
}

/// A gate a test opens when it is ready for held replies to go out.
#[derive(Debug, Clone)]
pub struct Gate(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Gate {
    fn default() -> Self {
        Gate(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Gate {
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    async fn passed(&self) {
        let _ = self.0.subscribe().wait_for(|open| *open).await;
    }
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: String::new(),
            headers: Vec::new(),
            delay: Duration::ZERO,
            gate: None,
        }
    }

    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            body: body.to_string(),
            headers: vec![("content-type".into(), "application/json".into())],
            ..Reply::status(status)
        }
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Holds the reply until `gate` opens.
    pub fn until(mut self, gate: &Gate) -> Reply {
        self.gate = Some(gate.clone());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Responder = dyn Fn(&Seen) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    respond: Arc<Responder>,
}

/// A local HTTP(S) server that records what it receives.
pub struct Target {
    pub addr: SocketAddr,
    pub scheme: &'static str,
    shared: Shared,
    /// For a TLS target: the PEM file of the CA that signed its certificate.
    pub ca_file: Option<PathBuf>,
    _tls_dir: Option<tempfile::TempDir>,
    handle: axum_server::Handle,
}

impl Target {
    /// A plain-http target on 127.0.0.1 that answers with `respond`.
    pub async fn start(respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Target {
        Self::serve(respond, None).await
    }

    /// A plain-http target on the given port of 127.0.0.1 (one a test
    /// chose before anything listened there).
    pub async fn start_on(
        port: u16,
        respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Target {
        Self::serve_on(port, respond, None).await
    }

    /// A target that answers 200 `{"ok": true}` to everything.
    pub async fn ok() -> Target {
        Self::start(|_| Reply::json(200, serde_json::json!({"ok": true}))).await
    }

    /// An https target whose certificate (for 127.0.0.1 and localhost) is
    /// signed by a CA made for this test; `ca_file` holds that CA.
    pub async fn start_tls(respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Target {
        Self::start_tls_with(Cert::Valid, respond).await
    }

    /// An https target that shows `cert`; `ca_file` holds the test's CA
    /// (which a bad certificate fails against all the same).
    pub async fn start_tls_with(
        cert: Cert,
        respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Target {
        Self::serve(respond, Some(TestCa::new(cert))).await
    }

    async fn serve(
        respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
        tls: Option<TestCa>,
    ) -> Target {
        Self::serve_on(0, respond, tls).await
    }

    async fn serve_on(
        port: u16,
        respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
        tls: Option<TestCa>,
    ) -> Target {
        let shared = Shared {
            seen: Arc::new(Mutex::new(Vec::new())),
            respond: Arc::new(respond),
        };
        let app = Router::new().fallback(handle).with_state(shared.clone());
        // A deep accept queue: a burst opens hundreds of connections at once,
        // and std's default backlog of 128 would drop some until a 1 s SYN retry.
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
            .expect("bind a local port");
        let listener = socket
            .listen(4096)
            .expect("listen")
            .into_std()
            .expect("a std listener");
        let addr = listener.local_addr().expect("local address");
        let handle = axum_server::Handle::new();
        let server_handle = handle.clone();
        let (scheme, ca_file, dir) = match tls {
            None => {
                tokio::spawn(async move {
                    let _ = axum_server::from_tcp(listener)
                        .handle(server_handle)
                        .serve(app.into_make_service())
                        .await;
                });
                ("http", None, None)
            }
            Some(ca) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let config = axum_server::tls_rustls::RustlsConfig::from_pem(
                    ca.leaf_pem.into_bytes(),
                    ca.leaf_key.into_bytes(),
                )
                .await
                .expect("TLS config from the test certificate");
                tokio::spawn(async move {
                    let _ = axum_server::from_tcp_rustls(listener, config)
                        .handle(server_handle)
                        .serve(app.into_make_service())
                        .await;
                });
                ("https", Some(ca.ca_file), Some(ca.dir))
            }
        };
        Target {
            addr,
            scheme,
            shared,
            ca_file,
            _tls_dir: dir,
            handle,
        }
    }

    /// The target's URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.shared.seen.lock().unwrap().len()
    }

    /// Waits (up to `timeout`) until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Seen> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let seen = self.seen();
            if seen.len() >= n || tokio::time::Instant::now() >= deadline {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = {
        let mut all = shared.seen.lock().unwrap();
        let seen = Seen {
            method: method.to_string(),
            path: uri.path().to_string(),
            query: uri.query().unwrap_or_default().to_string(),
            headers,
            body: body.to_vec(),
            at: Utc::now(),
            n: all.len() + 1,
        };
        all.push(seen.clone());
        seen
    };
    let reply = (shared.respond)(&seen);
    if let Some(gate) = &reply.gate {
        gate.passed().await;
    }
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK),
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (name.parse::<axum::http::HeaderName>(), value.parse()) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}

/// The certificate a TLS target shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cert {
    /// Signed by the test's CA, for 127.0.0.1 and localhost.
    Valid,
    /// Signed by its own key: no CA vouches for it.
    SelfSigned,
    /// Signed by the test's CA, but for another name (`other.test`).
    WrongHost,
    /// Signed by the test's CA for 127.0.0.1 and localhost, but expired in 2020.
    Expired,
    /// Signed by the test's CA for 127.0.0.1 and localhost, and valid for
    /// this many whole days more (it expires at a midnight UTC just after).
    ExpiresInDays(u8),
}

/// A CA made for one test, and the certificate its target shows (see [`Cert`]).
struct TestCa {
    dir: tempfile::TempDir,
    ca_file: PathBuf,
    leaf_pem: String,
    leaf_key: String,
}

impl TestCa {
    fn new(kind: Cert) -> TestCa {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, SanType,
        };
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "Chime test CA");
        ca_params.distinguished_name = name;
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");

        let leaf_key = KeyPair::generate().expect("leaf key");
        let name = if kind == Cert::WrongHost {
            "other.test"
        } else {
            "localhost"
        };
        let mut leaf_params = CertificateParams::new(vec![name.to_string()]).expect("leaf params");
        if kind != Cert::WrongHost {
            leaf_params
                .subject_alt_names
                .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
        }
        if kind == Cert::Expired {
            leaf_params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            leaf_params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        if let Cert::ExpiresInDays(days) = kind {
            use chrono::Datelike;
            // The midnight after `days` whole days from now.
            let end = chrono::Utc::now().date_naive() + chrono::Days::new(u64::from(days) + 1);
            leaf_params.not_after =
                rcgen::date_time_ymd(end.year(), end.month() as u8, end.day() as u8);
        }
        let leaf = match kind {
            Cert::SelfSigned => leaf_params.self_signed(&leaf_key),
            _ => leaf_params.signed_by(&leaf_key, &ca, &ca_key),
        }
        .expect("leaf certificate");

        let dir = tempfile::tempdir().expect("temp dir");
        let ca_file = dir.path().join("test-ca.pem");
        std::fs::write(&ca_file, ca.pem()).expect("write the CA");
        TestCa {
            dir,
            ca_file,
            leaf_pem: leaf.pem(),
            leaf_key: leaf_key.serialize_pem(),
        }
    }
}

/// A plain TCP listener on 127.0.0.1 that hands each connection, with its
/// 1-based number, to a script: for faults an HTTP server does not make on
/// purpose (a reset mid-response, headers dribbled a byte at a time, a
/// connection that never answers, an endless body). Dropping it stops the
/// listener and every connection's script.
pub struct RawTarget {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawTarget {
    pub async fn start<F, Fut>(script: F) -> RawTarget
    where
        F: Fn(usize, tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            // Owned here, so aborting this task ends every connection's script.
            let mut scripts = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                scripts.spawn(script(n, stream));
            }
        });
        RawTarget {
            addr,
            accepted,
            task,
        }
    }

    /// The target's `http://` URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for RawTarget {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads a request's head (up to the blank line) from a raw connection;
/// None if the peer closed first.
pub async fn read_head(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Closes a raw connection with a TCP reset instead of an orderly close.
pub fn reset(stream: tokio::net::TcpStream) {
    stream.set_zero_linger().expect("SO_LINGER 0");
    drop(stream);
}

/// Polls `check` every 10 ms until it returns Some, or panics after `timeout`
/// with `what` in the message.
pub async fn eventually<T>(
    what: &str,
    timeout: Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
