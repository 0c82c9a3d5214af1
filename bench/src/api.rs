//! Chime's API over HTTP/1.1 keep-alive, as scripts and the UI use it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use axum::body::Bytes;
use reqwest::Method;
use serde_json::Value;

use crate::raw;

/// Connections that create a workload's jobs at once, as a few scripts or
/// a busy UI would; the "create" workload's figure is for this many.
pub const CONNECTIONS: usize = 8;

#[derive(Clone)]
pub struct Api {
    addr: SocketAddr,
    key: String,
    http: reqwest::Client,
}

/// A function from a job's number to its JSON, shared by the creators.
pub type JobMaker = Arc<dyn Fn(usize) -> Value + Send + Sync>;

impl Api {
    pub fn new(port: u16, key: String) -> Result<Api> {
        Ok(Api {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            key,
            http: client()?,
        })
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Bytes> {
        let mut request = self
            .http
            .request(method.clone(), format!("http://{}{path}", self.addr))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            bail!(
                "{method} {path}: {status} {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(bytes)
    }

    /// A GET's answer, read whole, and how long it took.
    pub async fn timed_get(&self, path: &str) -> Result<(Duration, Bytes)> {
        let start = Instant::now();
        let bytes = self.send(Method::GET, path, None).await?;
        Ok((start.elapsed(), bytes))
    }

    pub async fn get_json(&self, path: &str) -> Result<Value> {
        let bytes = self.send(Method::GET, path, None).await?;
        serde_json::from_slice(&bytes).with_context(|| format!("GET {path}: not JSON"))
    }

    /// `total` from a list endpoint (`/api/jobs?state=completed`, say).
    pub async fn total(&self, path: &str) -> Result<u64> {
        let page = self.get_json(path).await?;
        page["total"]
            .as_u64()
            .with_context(|| format!("GET {path}: no total"))
    }

    /// POSTs jobs 0..n to /api/jobs over [`CONNECTIONS`] keep-alive
    /// connections, one request at a time on each, each answered 201;
    /// answers how long it took. The client is the lightest there is
    /// (`raw.rs`), so the time is Chime's.
    pub async fn create_jobs(&self, n: usize, job: JobMaker) -> Result<Duration> {
        let done = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut creators = tokio::task::JoinSet::new();
        for first in 0..CONNECTIONS {
            let (job, done) = (job.clone(), done.clone());
            let mut connection = raw::Connection::open(self.addr, Some(&self.key)).await?;
            creators.spawn(async move {
                let mut body = Vec::with_capacity(512);
                for i in (first..n).step_by(CONNECTIONS) {
                    body.clear();
                    serde_json::to_writer(&mut body, &job(i))?;
                    connection.post("/api/jobs", &body, 201).await?;
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, n);
                }
                anyhow::Ok(())
            });
        }
        while let Some(created) = creators.join_next().await {
            created??;
        }
        Ok(start.elapsed())
    }
}

/// A line every tenth of a long creation, so a long run shows it is alive.
fn progress(done: usize, n: usize) {
    if n >= 20_000 && done % (n / 10) == 0 {
        eprintln!("    created {done} of {n}");
    }
}

/// How long a kept-alive connection may sit idle here before it is dropped:
/// under the 10 s after which Chime closes one (`HEADER_TIMEOUT` in
/// crates/api/src/server.rs). A request sent as Chime closed its connection
/// failed ("connection closed before message completed"): the history's
/// first search, which comes 10 s after a start, did once.
const IDLE_AT_MOST: Duration = Duration::from_secs(5);

fn client() -> Result<reqwest::Client> {
    // No proxy: a proxy from the environment would sit between the
    // benchmark and Chime and be measured with it.
    Ok(reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_idle_timeout(IDLE_AT_MOST)
        .build()?)
}
