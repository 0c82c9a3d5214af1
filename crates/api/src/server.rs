//! The API on a socket: HTTP/1.1 on loopback, with limits a local process
//! cannot exhaust. Every connection must send its request headers within
//! [`HEADER_TIMEOUT`] (an idle keep-alive connection waiting for its next
//! request counts), and at most [`max_connections`] are served at once, so
//! a flood of idle or half-sent connections neither blocks the API for long
//! nor takes the file descriptors that jobs' own requests need.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long a connection may take to send a request's headers, or sit idle
/// between requests. Live streams are not idle: they are answering.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// Connections served at once: a desktop's window, CLI and scripts need a
/// few. A quarter of the open-file limit at most, so jobs' own connections
/// (hundreds in flight in a burst) always have room.
pub fn max_connections(open_file_limit: u64) -> usize {
    (open_file_limit / 4).clamp(16, 256) as usize
}

/// Serves `app` on `listener` until `stop` fires, then lets requests in
/// flight finish (up to a few seconds).
pub async fn serve(listener: TcpListener, app: Router, stop: CancellationToken) {
    let slots = Arc::new(Semaphore::new(max_connections(raise_open_file_limit())));
    let connections = TaskTracker::new();
    loop {
        // A slot first: past the cap, connections wait in the kernel's queue.
        let slot = tokio::select! {
            _ = stop.cancelled() => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let (stream, _) = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let stop = stop.clone();
        connections.spawn(async move {
            let _slot = slot;
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop.cancelled() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    connections.close();
    if tokio::time::timeout(DRAIN, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight at the stop were cut off");
    }
}

/// Raises the soft open-file limit to the hard one (desktops start apps with
/// 1,024), and answers the limit now in force.
#[cfg(unix)]
pub fn raise_open_file_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit with a valid pointer to an rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every platform
    let current = limit.rlim_cur as u64;
    current
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> u64 {
    // Windows has no such per-process limit on sockets.
    4096
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_leaves_most_descriptors_to_jobs() {
        assert_eq!(max_connections(1024), 256);
        assert_eq!(max_connections(256), 64);
        assert_eq!(max_connections(20), 16);
        assert_eq!(max_connections(1 << 20), 256);
    }
}
