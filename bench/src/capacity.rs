//! The sink's capacity, measured before any workload so that W1's rate is
//! known to be Chime's: raw HTTP/1.1 keep-alive connections, each sending
//! its next request as soon as the last is answered. The client costs next
//! to nothing (no pool, no parser beyond Content-Length), so the figure is
//! the sink's own; the two still share the machine, so it is a floor.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
    let mut stream = TcpStream::connect(addr)
        .await
        .context("connecting to the sink")?;
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(512);
    for n in numbers {
        let body = format!(r#"{{"n":{n}}}"#);
        let request = format!(
            "POST /capacity HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        read_response(&mut stream, &mut buffer).await?;
    }
    Ok(())
}

/// Reads one whole response: its head, then Content-Length bytes of body.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<()> {
    buffer.clear();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = head_end(buffer) {
            let whole = end + content_length(&buffer[..end])?;
            if buffer.len() >= whole {
                ensure!(
                    buffer.starts_with(b"HTTP/1.1 200"),
                    "the sink answered {:?}",
                    String::from_utf8_lossy(&buffer[..end])
                );
                return Ok(());
            }
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("the sink closed a keep-alive connection");
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Where a response's head ends (past its blank line), once it is all in.
fn head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

fn content_length(head: &[u8]) -> Result<usize> {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .context("a response without Content-Length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_response_head() {
        let response = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
        let end = head_end(response).unwrap();
        assert_eq!(content_length(&response[..end]).unwrap(), 11);
        assert_eq!(end + 11, response.len());
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\n"), None);
    }

    #[tokio::test]
    async fn the_sink_answers_every_request() {
        let sink = Sink::start().await.unwrap();
        assert!(measure(&sink, 40, 4).await.unwrap() > 0.0);
        assert_eq!(sink.count(), 0);
    }
}
