//! Requests go through the proxy the environment names, as curl's do: plain
//! http to the proxy whole, https through a tunnel (CONNECT) with TLS to the
//! target inside it, both with the proxy's credentials. `NO_PROXY`'s hosts
//! and loopback hosts go straight, and a proxy that fails is named.
//!
//! A test binary of its own: the proxy variables are the process's, read
//! when a client is made, and no other test may see them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chime_engine::dispatch::Dispatcher;
use chime_engine::request::SentRequest;
use chime_testkit::{Cert, Reply, Target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const WAIT: Duration = Duration::from_secs(10);
/// `user:secret`, as a Basic credential.
const CREDENTIALS: &str = "proxy-authorization: basic dxnlcjpzzwnyzxq=";

/// A forward proxy on 127.0.0.1 that keeps the head of each request it gets:
/// it tunnels a CONNECT to its target and answers any other request itself.
struct Proxy {
    addr: std::net::SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let kept = heads.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, kept.clone()));
            }
        });
        Proxy { addr, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

async fn serve(mut client: TcpStream, heads: Arc<Mutex<Vec<String>>>) {
    let head = read_head(&mut client).await;
    heads.lock().unwrap().push(head.clone());
    if let Some(authority) = head
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split(' ').next())
    {
        // Every name the test uses lives on this machine.
        let port = authority.rsplit(':').next().unwrap();
        let mut target = TcpStream::connect(format!("127.0.0.1:{port}"))
            .await
            .unwrap();
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .unwrap();
        let _ = tokio::io::copy_bidirectional(&mut client, &mut target).await;
    } else {
        let body = "from the proxy";
        let reply = format!(
            "HTTP/1.1 203 Non-Authoritative Information\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        client.write_all(reply.as_bytes()).await.unwrap();
    }
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(stream.read_u8().await.unwrap());
    }
    String::from_utf8(head).unwrap()
}

fn get(url: String) -> SentRequest {
    SentRequest {
        method: "GET".into(),
        url,
        headers: Default::default(),
        body: None,
        truncated: false,
    }
}

#[tokio::test]
async fn requests_go_through_the_proxy_the_environment_names() {
    let proxy = Proxy::start().await;
    // A certificate for other.test: a name only the proxy can reach.
    let tls = Target::start_tls_with(Cert::WrongHost, |_| Reply::status(200)).await;
    let direct = Target::ok().await;
    let via = format!("http://user:secret@{}", proxy.addr);
    std::env::set_var("HTTPS_PROXY", &via);
    std::env::set_var("HTTP_PROXY", &via);
    std::env::set_var("NO_PROXY", "skip.invalid");
    let dispatcher = Dispatcher::new(&[tls.ca_file.clone().unwrap()]).unwrap();

    // https: a tunnel to the target, TLS with the target inside it.
    let url = tls.url("/tunnelled").replace("127.0.0.1", "other.test");
    let record = dispatcher.send(&get(url), WAIT, false).await.unwrap();
    assert_eq!(record.status, 200);
    assert!(
        record.cert_expires_at.is_some(),
        "the target's certificate is read through the tunnel"
    );
    assert_eq!(tls.seen()[0].path, "/tunnelled");
    let head = proxy.heads()[0].to_lowercase();
    let port = tls.url("").rsplit(':').next().unwrap().to_string();
    assert!(
        head.starts_with(&format!("connect other.test:{port} http/1.1\r\n")),
        "{head}"
    );
    assert!(head.contains(CREDENTIALS), "{head}");

    // Plain http: the whole URL to the proxy, which answers. The name has
    // no address, so only the proxy can have answered.
    let record = dispatcher
        .send(&get("http://plain.invalid/whole?q=1".into()), WAIT, true)
        .await
        .unwrap();
    assert_eq!(record.status, 203);
    assert_eq!(record.body, "from the proxy");
    let head = proxy.heads()[1].to_lowercase();
    assert!(
        head.starts_with("get http://plain.invalid/whole?q=1 http/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains(CREDENTIALS), "{head}");

    // Loopback hosts, by address and by name: straight to the target, though
    // NO_PROXY does not name them.
    for url in [
        direct.url("/by-address"),
        direct.url("/by-name").replace("127.0.0.1", "localhost"),
    ] {
        let record = dispatcher.send(&get(url), WAIT, true).await.unwrap();
        assert_eq!(record.status, 200);
    }
    let paths: Vec<String> = direct.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/by-address", "/by-name"]);

    // NO_PROXY's host: straight, so its name is looked up here, and fails.
    let error = dispatcher
        .send(&get("http://skip.invalid/".into()), WAIT, true)
        .await
        .unwrap_err();
    assert!(
        error
            .message
            .starts_with("could not connect to http://skip.invalid/: ")
            && error.message.contains("dns"),
        "{}",
        error.message
    );
    assert_eq!(proxy.heads().len(), 2, "the proxy saw nothing more");

    // A proxy that is not there: the error says which, without its password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    std::env::set_var("HTTPS_PROXY", format!("http://user:secret@{closed}"));
    let dispatcher = Dispatcher::new(&[tls.ca_file.clone().unwrap()]).unwrap();
    let url = tls.url("/never").replace("127.0.0.1", "other.test");
    let error = dispatcher
        .send(&get(url.clone()), WAIT, false)
        .await
        .unwrap_err();
    assert!(
        error
            .message
            .starts_with(&format!("could not connect to {url}: "))
            && error
                .message
                .contains(&format!("through the proxy http://{closed}/"))
            && error.message.contains("refused"),
        "{}",
        error.message
    );
    assert!(!error.message.contains("secret"), "{}", error.message);
    assert!(error.retryable);
}
