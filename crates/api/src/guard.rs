//! What every request passes first: a loopback `Host` (so a web page that
//! rebinds its DNS name to 127.0.0.1 is refused) and the bearer key,
//! compared in constant time. `GET /api/ping` needs no key.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::AppState;

/// The API key, kept as a digest so comparisons take the same time
/// whatever the guess.
#[derive(Clone)]
pub struct ApiKey(Arc<[u8; 32]>);

impl ApiKey {
    pub fn new(key: &str) -> ApiKey {
        ApiKey(Arc::new(Sha256::digest(key.as_bytes()).into()))
    }

    fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        digest.ct_eq(&*self.0).into()
    }
}

pub async fn check(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(host) = request.headers().get(header::HOST) {
        let host = host.to_str().unwrap_or_default();
        if !is_loopback_host(host) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_host",
                format!("Host \"{host}\" is not this machine; Chime only answers to 127.0.0.1 and localhost"),
            ));
        }
    }
    if request.uri().path() == "/api/ping" {
        return Ok(next.run(request).await);
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match presented {
        Some(key) if state.key.matches(key) => Ok(next.run(request).await),
        Some(_) => Err(unauthorized("the API key is wrong; it is in the api-key file of Chime's data folder")),
        None => Err(unauthorized("send the API key as Authorization: Bearer <key>; it is in the api-key file of Chime's data folder")),
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

/// `127.0.0.1`, `localhost` and `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
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
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let loopback_v4 = name.starts_with("127.")
        && name.split('.').count() == 4
        && name.split('.').all(|p| p.parse::<u8>().is_ok());
    name == "localhost" || name.ends_with(".localhost") || name == "::1" || loopback_v4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_pass() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:7391",
            "localhost",
            "localhost:80",
            "[::1]:9",
            "tauri.localhost",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.com",
            "127.0.0.1.evil.com",
            "evil.com:127",
            "10.0.0.1",
            "[::2]:80",
            "localhost.evil.com",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn keys_compare_by_value() {
        let key = ApiKey::new("secret");
        assert!(key.matches("secret"));
        assert!(!key.matches("secreT"));
        assert!(!key.matches(""));
    }
}
