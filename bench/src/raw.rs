//! HTTP/1.1 on a bare keep-alive connection: one request at a time, read
//! back by its Content-Length. It costs next to nothing (no pool, no URL or
//! header parsing, no body decoding), so what a figure measures is the
//! server: the benchmark shares the machine with it, and a heavier client
//! (reqwest took about as much CPU as Chime in `create`) would be measured
//! with it.

use std::io::Write as _;
use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Connection {
    stream: TcpStream,
    /// The request being written, then the response being read.
    buffer: Vec<u8>,
    /// Headers sent with every request (`host`, an `authorization`), each
    /// ending in CRLF.
    headers: String,
}

impl Connection {
    pub async fn open(addr: SocketAddr, key: Option<&str>) -> Result<Connection> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true)?;
        let mut headers = format!("host: {addr}\r\ncontent-type: application/json\r\n");
        if let Some(key) = key {
            headers.push_str(&format!("authorization: Bearer {key}\r\n"));
        }
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(1024),
            headers,
        })
    }

    /// POSTs `body` to `path` and reads the whole answer; fails unless its
    /// status is `expected`.
    pub async fn post(&mut self, path: &str, body: &[u8], expected: u16) -> Result<()> {
        self.buffer.clear();
        write!(
            self.buffer,
            "POST {path} HTTP/1.1\r\n{}content-length: {}\r\n\r\n",
            self.headers,
            body.len()
        )?;
        self.buffer.extend_from_slice(body);
        self.stream.write_all(&self.buffer).await?;
        let (status, end) = self.read_response().await?;
        if status != expected {
            bail!(
                "POST {path}: {status} {}",
                String::from_utf8_lossy(&self.buffer[end..])
            );
        }
        Ok(())
    }

    /// Reads one whole response: its head, then Content-Length bytes of
    /// body. Answers its status and where its body starts.
    async fn read_response(&mut self) -> Result<(u16, usize)> {
        self.buffer.clear();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = head_end(&self.buffer) {
                let whole = end + content_length(&self.buffer[..end])?;
                if self.buffer.len() >= whole {
                    return Ok((status(&self.buffer[..end])?, end));
                }
            }
            let read = self.stream.read(&mut chunk).await?;
            if read == 0 {
                bail!("the server closed a keep-alive connection");
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
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

/// The status code of `HTTP/1.1 201 Created`.
fn status(head: &[u8]) -> Result<u16> {
    head.get(9..12)
        .and_then(|code| std::str::from_utf8(code).ok())
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("no status in {:?}", String::from_utf8_lossy(head)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_response_head() {
        let response = b"HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
        let end = head_end(response).unwrap();
        assert_eq!(content_length(&response[..end]).unwrap(), 11);
        assert_eq!(status(&response[..end]).unwrap(), 201);
        assert_eq!(end + 11, response.len());
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\n"), None);
    }
}
