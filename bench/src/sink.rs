//! The sink: a local HTTP/1.1 server (keep-alive) that the jobs are sent
//! to. It stamps each request on the wall clock when its body is in (the
//! clock Chime keeps its due instants on: see `clock.rs`), keeps the body,
//! and answers 200 at once; bodies are read afterwards, off the measured
//! path.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::Router;
use chrono::{DateTime, Utc};

/// One request as it reached the sink.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub at: DateTime<Utc>,
    pub body: Bytes,
}

#[derive(Default)]
struct Log {
    arrivals: Mutex<Vec<Arrival>>,
    count: AtomicUsize,
}

pub struct Sink {
    pub addr: SocketAddr,
    log: Arc<Log>,
    server: tokio::task::JoinHandle<()>,
}

impl Sink {
    pub async fn start() -> Result<Sink> {
        let listener = listen()?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Log::default());
        let app = Router::new().fallback(record).with_state(log.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Sink { addr, log, server })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn count(&self) -> usize {
        self.log.count.load(Ordering::Acquire)
    }

    /// Everything recorded so far; the sink starts afresh.
    pub fn take(&self) -> Vec<Arrival> {
        let mut arrivals = self.log.arrivals.lock().unwrap();
        self.log.count.store(0, Ordering::Release);
        std::mem::take(&mut *arrivals)
    }

    /// Waits until `n` requests arrived; false if `deadline` came first.
    pub async fn wait_for(&self, n: usize, deadline: Instant) -> bool {
        // Polling costs nothing measured: arrivals are stamped by the sink.
        while self.count() < n {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A listener with a deep accept queue: a burst opens hundreds of
/// connections at once, and the usual backlog of 128 would drop some until
/// a SYN retry a second later (as crates/testkit's target does).
fn listen() -> Result<tokio::net::TcpListener> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    socket.listen(4096).context("listening for the sink")
}

async fn record(
    State(log): State<Arc<Log>>,
    body: Bytes,
) -> ([(header::HeaderName, &'static str); 1], &'static str) {
    let at = Utc::now();
    {
        let mut arrivals = log.arrivals.lock().unwrap();
        arrivals.push(Arrival { at, body });
        // Counted under the lock: whoever sees the count sees the arrivals.
        log.count.fetch_add(1, Ordering::Release);
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"ok":true}"#,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_each_request_with_its_body() {
        let sink = Sink::start().await.unwrap();
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(sink.url("/x"))
            .body(r#"{"n":7}"#)
            .send()
            .await
            .unwrap();
        let arrivals = sink.take();
        assert_eq!(arrivals.len(), 1);
        assert_eq!(&arrivals[0].body[..], br#"{"n":7}"#);
        assert_eq!(sink.count(), 0);
    }
}
