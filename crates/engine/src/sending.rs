//! How many requests are on the wire at once: a bound for all of them, and a
//! smaller one for each host. A burst of jobs to one server then goes out
//! over a few dozen kept-alive connections, as a browser or an HTTP client
//! library would send it, rather than one connection a request; jobs to
//! other hosts are not held behind it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
use url::Url;

/// Requests to one host at once, unless the engine is set up otherwise.
///
/// In a burst to one server, more connections cost more than they bring:
/// each is a handshake, buffers on both sides, and a socket the server must
/// serve. W1's 10,000 jobs to a local sink drained faster and used less
/// memory at 32 than at 512 (BENCHMARKS.md, "3 December 2026, late morning").
pub const PER_HOST: usize = 32;

pub struct Sending {
    all: Semaphore,
    per_host: usize,
    /// Each host with a request on the wire or waiting for its turn; a host
    /// leaves when its last permit does.
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A request's place on the wire, given back when dropped.
pub struct SendPermit<'a> {
    sending: &'a Sending,
    host: String,
    permit: Option<OwnedSemaphorePermit>,
    _all: SemaphorePermit<'a>,
}

impl Sending {
    /// Bounds of 0 are taken as 1: a bound of none would never send.
    pub fn new(all: usize, per_host: usize) -> Sending {
        Sending {
            all: Semaphore::new(all.max(1)),
            per_host: per_host.max(1),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a place for a request to `url`: its host's first, then one
    /// of all, so a host at its bound takes none of the places others need.
    pub async fn acquire(&self, url: &Url) -> SendPermit<'_> {
        let host = origin(url);
        let semaphore = self.host(&host);
        // The semaphores are never closed, so acquiring only waits.
        let permit = semaphore.acquire_owned().await.expect("never closed");
        let all = self.all.acquire().await.expect("never closed");
        SendPermit {
            sending: self,
            host,
            permit: Some(permit),
            _all: all,
        }
    }

    /// The host's semaphore, made when it has none; its name is copied
    /// only then.
    fn host(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self.lock();
        if let Some(semaphore) = hosts.get(host) {
            return semaphore.clone();
        }
        let semaphore = Arc::new(Semaphore::new(self.per_host));
        hosts.insert(host.to_string(), semaphore.clone());
        semaphore
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Semaphore>>> {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(test)]
    fn hosts(&self) -> usize {
        self.lock().len()
    }
}

/// The scheme, host and port `url` is sent to, as one text: its origin,
/// from the parts of the URL as parsed (which leaves out a scheme's default
/// port), not by `Url::origin`'s formatting, which cost every attempt 2 k
/// instructions.
fn origin(url: &Url) -> String {
    let mut origin = [url.scheme(), "://", url.host_str().unwrap_or_default()].concat();
    if let Some(port) = url.port() {
        origin.push(':');
        origin.push_str(&port.to_string());
    }
    origin
}

impl Drop for SendPermit<'_> {
    fn drop(&mut self) {
        // Under the lock, so no one takes the host's semaphore between the
        // count and the removal.
        let mut hosts = self.sending.lock();
        drop(self.permit.take());
        if hosts
            .get(&self.host)
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            hosts.remove(&self.host);
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// A URL's origin is its scheme, host and port, whatever its user, path
    /// or query, and a scheme's default port written out is the same origin.
    #[test]
    fn an_origin_is_the_scheme_host_and_port() {
        for (text, expected) in [
            ("http://a.test/x?y=1", "http://a.test"),
            ("http://a.test:80/", "http://a.test"),
            ("https://user:pw@a.test:443/z", "https://a.test"),
            ("http://a.test:8080/", "http://a.test:8080"),
            ("http://127.0.0.1:9/burst", "http://127.0.0.1:9"),
            ("http://[::1]:9/", "http://[::1]:9"),
            ("HTTPS://A.Test/", "https://a.test"),
        ] {
            assert_eq!(origin(&url(text)), expected, "{text}");
            assert_eq!(
                origin(&url(text)),
                url(text).origin().ascii_serialization(),
                "{text}"
            );
        }
    }

    /// A host at its bound waits; another host, and the same host once a
    /// place is given back, go at once; a host with nothing on the wire is
    /// forgotten.
    #[test]
    fn each_host_has_its_own_bound_within_the_whole() {
        let sending = Sending::new(3, 2);
        let a = url("http://a.test/x");
        let first = sending.acquire(&a).now_or_never().unwrap();
        let second = sending.acquire(&url("http://a.test/y")).now_or_never();
        assert!(second.is_some(), "a's second place");
        assert!(sending.acquire(&a).now_or_never().is_none(), "a is at 2");
        // Another port is another host.
        let other = sending.acquire(&url("http://a.test:8080/")).now_or_never();
        assert!(other.is_some(), "a.test:8080 is not held back by a.test");
        // All three places are taken now, whatever the host.
        assert!(sending
            .acquire(&url("https://b.test/"))
            .now_or_never()
            .is_none());
        drop(other);
        assert!(sending
            .acquire(&url("https://b.test/"))
            .now_or_never()
            .is_some());
        drop(first);
        assert!(
            sending.acquire(&a).now_or_never().is_some(),
            "a has a place again"
        );
        drop(second);
        assert_eq!(
            sending.hosts(),
            0,
            "no host kept once its requests are done"
        );
    }
}
