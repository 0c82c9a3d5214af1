//! The HTTP client a job's requests go out on (and the `chime` CLI's, so the
//! binary holds one): hyper's pooled client over rustls, with the proxies the
//! environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`),
//! but never for a loopback host: no proxy can reach the user's own machine.
//!
//! Not reqwest, which Chime used before: redirects are followed by dispatch
//! and time limits kept by the attempt, so its layers for both were work for
//! nothing, and they parsed each request's URL twice more (its redirect layer,
//! present even with redirects off, and its response's URL). In a burst that
//! was a quarter of the CPU a request took on Chime's side.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, PROXY_AUTHORIZATION};
use http::uri::{Scheme, Uri};
use http_body_util::Full;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use tower_service::Service;

pub type Body = Full<Bytes>;
pub type Response = http::Response<hyper::body::Incoming>;
pub type Error = hyper_util::client::legacy::Error;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The certificate the server showed (DER), in the extensions of a response
/// that came over TLS: the `cert_days_min` check reads its expiry.
#[derive(Clone)]
pub struct PeerCertificate(pub CertificateDer<'static>);

#[derive(Clone)]
pub struct HttpClient {
    client: hyper_util::client::legacy::Client<Connector, Body>,
    proxies: Arc<Matcher>,
}

impl HttpClient {
    /// A client that trusts the web's roots (Mozilla's, as browsers do) and
    /// `extra_roots`. Connections are kept alive and reused (idle ones for 90
    /// s, any number a host), so a burst to one endpoint does not reconnect.
    pub fn new(extra_roots: Vec<CertificateDer<'static>>) -> Result<HttpClient, rustls::Error> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in extra_roots {
            roots.add(cert)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(Duration::from_secs(30)));
        let proxies = Arc::new(Matcher::from_env());
        let connector = Connector {
            direct: https(tls.clone(), tcp.clone()),
            tls: Arc::new(tls),
            tcp,
            proxies: proxies.clone(),
        };
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        Ok(HttpClient { client, proxies })
    }

    /// Sends `request`, whose URI is absolute, and gives the response's head;
    /// its body is read from the response.
    pub async fn send(&self, mut request: http::Request<Body>) -> Result<Response, Error> {
        // A plain http request through a proxy goes to the proxy whole (the
        // client writes its URI in absolute form on a proxied connection),
        // with the proxy's credentials; an https one is tunnelled instead.
        if request.uri().scheme() == Some(&Scheme::HTTP) {
            if let Some(auth) = self.proxy_auth(request.uri()) {
                request.headers_mut().insert(PROXY_AUTHORIZATION, auth);
            }
        }
        self.client.request(request).await
    }

    fn proxy_auth(&self, uri: &Uri) -> Option<HeaderValue> {
        proxy_for(&self.proxies, uri)?.basic_auth().cloned()
    }
}

/// The proxy a request to `uri` goes through, if any. None for a loopback
/// host (`localhost`, `*.localhost`, 127.0.0.0/8, ::1), whatever `NO_PROXY`
/// says: a job to a server on the user's machine, or the CLI talking to
/// Chime, would otherwise go to a proxy that cannot reach it (Go's client
/// makes the same exception).
fn proxy_for(proxies: &Matcher, uri: &Uri) -> Option<Intercept> {
    if crate::host::is_loopback(uri.host()?) {
        return None;
    }
    proxies.intercept(uri)
}

/// A request to `uri` with `body` (empty for none), for its headers to be set.
pub fn request(method: http::Method, uri: Uri, body: Bytes) -> http::Request<Body> {
    let mut request = http::Request::new(Full::new(body));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    request
}

/// TLS where the URI says https, plain TCP where it says http; both HTTP/1.1
/// and HTTP/2, as the server's ALPN chooses.
fn https<C>(tls: rustls::ClientConfig, tcp: C) -> HttpsConnector<C> {
    HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(tcp)
}

/// Opens a connection to a URI's host: straight, or through its proxy.
#[derive(Clone)]
struct Connector {
    direct: HttpsConnector<HttpConnector>,
    tls: Arc<rustls::ClientConfig>,
    tcp: HttpConnector,
    proxies: Arc<Matcher>,
}

impl Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, target: Uri) -> Self::Future {
        Box::pin(self.clone().connect(target))
    }
}

impl Connector {
    async fn connect(mut self, target: Uri) -> Result<Conn, BoxError> {
        let Some(proxy) = proxy_for(&self.proxies, &target) else {
            return Ok(Conn::new(self.direct.call(target).await?, false));
        };
        self.through(&proxy, target)
            .await
            .map_err(|source| ThroughProxy::new(proxy.uri(), source).into())
    }

    async fn through(mut self, proxy: &Intercept, target: Uri) -> Result<Conn, BoxError> {
        if !matches!(proxy.uri().scheme_str(), Some("http" | "https")) {
            return Err("only http and https proxies are supported".into());
        }
        if target.scheme() != Some(&Scheme::HTTPS) {
            return Ok(Conn::new(
                self.direct.call(proxy.uri().clone()).await?,
                true,
            ));
        }
        // A tunnel through the proxy (CONNECT), and TLS to the target in it.
        let to_proxy = https((*self.tls).clone(), self.tcp);
        let mut tunnel = Tunnel::new(proxy.uri().clone(), to_proxy);
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        let io = https((*self.tls).clone(), tunnel).call(target).await?;
        Ok(Conn::new(io, false))
    }
}

/// A connection through a proxy that failed, saying which proxy: the user
/// set it, perhaps long ago, and the target's URL does not show it.
#[derive(Debug)]
struct ThroughProxy {
    proxy: String,
    source: BoxError,
}

impl ThroughProxy {
    fn new(proxy: &Uri, source: BoxError) -> ThroughProxy {
        ThroughProxy {
            proxy: crate::redact::url(&proxy.to_string()),
            source,
        }
    }
}

impl std::fmt::Display for ThroughProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "through the proxy {}", self.proxy)
    }
}

impl std::error::Error for ThroughProxy {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// A connection, and what the client learns of it: whether it goes through
/// a proxy, whether TLS chose HTTP/2, and the server's certificate.
struct Conn {
    io: Box<dyn Stream>,
    proxied: bool,
    h2: bool,
    peer: Option<PeerCertificate>,
}

trait Stream: Read + Write + Send + Unpin + 'static {}
impl<T: Read + Write + Send + Unpin + 'static> Stream for T {}

impl Conn {
    fn new<T: Stream>(io: MaybeHttpsStream<T>, proxied: bool) -> Conn {
        let (h2, peer) = match &io {
            MaybeHttpsStream::Http(_) => (false, None),
            MaybeHttpsStream::Https(tls) => {
                let (_, session) = tls.inner().get_ref();
                let peer = session.peer_certificates().and_then(|chain| chain.first());
                (
                    session.alpn_protocol() == Some(b"h2"),
                    peer.map(|cert| PeerCertificate(cert.clone().into_owned())),
                )
            }
        };
        Conn {
            io: Box::new(io),
            proxied,
            h2,
            peer,
        }
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let mut connected = Connected::new().proxy(self.proxied);
        if self.h2 {
            connected = connected.negotiated_h2();
        }
        match &self.peer {
            Some(peer) => connected.extra(peer.clone()),
            None => connected,
        }
    }
}

impl Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}
