//! Host names: which are this machine's own. The API answers only to them,
//! and the HTTP client sends them through no proxy.

/// `127.0.0.0/8`, `localhost` (and `*.localhost`) and `[::1]`, with or
/// without a port, in any case, with or without the root's dot. Compared in
/// place: it runs for every API request and every plain-http attempt.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        })
    };
    let name = name.trim_end_matches('.');
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let loopback_v4 = name.starts_with("127.")
        && name.split('.').count() == 4
        && name.split('.').all(|p| p.parse::<u8>().is_ok());
    name.eq_ignore_ascii_case("localhost")
        || ends_with(".localhost")
        || name == "::1"
        || loopback_v4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_pass() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:7391",
            "127.8.9.10",
            "localhost",
            "LOCALHOST",
            "localhost.",
            "localhost:80",
            "[::1]",
            "[::1]:9",
            "tauri.localhost",
            "api.LocalHost",
        ] {
            assert!(is_loopback(ok), "{ok}");
        }
        for bad in [
            "evil.com",
            "127.0.0.1.evil.com",
            "evil.com:127",
            "10.0.0.1",
            "128.0.0.1",
            "[::2]",
            "[::2]:80",
            "localhost.evil.com",
            "mylocalhost",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback(bad), "{bad}");
        }
    }
}
