//! The sink's capacity, measured before any workload so that W1's rate is
//! known to be Chime's: raw HTTP/1.1 keep-alive connections, each sending
//! its next request as soon as the last is answered. The client costs next
//! to nothing (`raw.rs`), so the figure is the sink's own; the two still
//! share the machine, so it is a floor.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{ensure, Result};

use crate::raw;
use crate::sink::Sink;

/// Requests a second the sink answered: `n` requests over `connections`
/// connections, opened in the measured time as Chime opens its own.
pub async fn measure(sink: &Sink, n: usize, connections: usize) -> Result<f64> {
    let per_connection = n.div_ceil(connections);
    let start = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..connections {
        let first = c * per_connection;
        clients.spawn(client(sink.addr, first..first + per_connection));
    }
    while let Some(done) = clients.join_next().await {
        done??;
    }
    let rate = (per_connection * connections) as f64 / start.elapsed().as_secs_f64();
    let seen = sink.take().len();
    ensure!(
        seen == per_connection * connections,
        "the sink saw {seen} of {} requests",
        per_connection * connections
    );
    Ok(rate)
}

/// One connection sending jobs `numbers`, one at a time, with bodies like Chime's.
async fn client(addr: SocketAddr, numbers: std::ops::Range<usize>) -> Result<()> {
    let mut connection = raw::Connection::open(addr, None).await?;
    for n in numbers {
        let body = format!(r#"{{"n":{n}}}"#);
        connection.post("/capacity", body.as_bytes(), 200).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sink_answers_every_request() {
        let sink = Sink::start().await.unwrap();
        assert!(measure(&sink, 40, 4).await.unwrap() > 0.0);
        assert_eq!(sink.count(), 0);
    }
}
