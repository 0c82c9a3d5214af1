//! What every request passes first: a loopback `Host` (so a web page that
//! rebinds its DNS name to 127.0.0.1 is refused) and the bearer key,
//! compared in constant time. `GET /api/ping` needs no key.

use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::AppState;

/// Saves a new key where the CLI will find it (the data folder's key file).
pub type PersistKey = Arc<dyn Fn(&str) -> std::io::Result<()> + Send + Sync>;

/// The API key. Compared through its digest, so a comparison takes the same
/// time whatever the guess. It can be regenerated while Chime runs.
#[derive(Clone)]
pub struct ApiKey {
    current: Arc<RwLock<Key>>,
    /// None when the key is fixed from outside (CHIME_API_KEY).
    persist: Option<PersistKey>,
}

struct Key {
    text: String,
    digest: [u8; 32],
}

impl Key {
    fn new(text: &str) -> Key {
        Key {
            text: text.to_string(),
            digest: Sha256::digest(text.as_bytes()).into(),
        }
    }
}

impl ApiKey {
    /// A key that can be regenerated, saved with `persist`.
    pub fn new(key: &str, persist: Option<PersistKey>) -> ApiKey {
        ApiKey {
            current: Arc::new(RwLock::new(Key::new(key))),
            persist,
        }
    }

    fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        digest.ct_eq(&current.digest).into()
    }

    pub fn text(&self) -> String {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .text
            .clone()
    }

    /// Replaces the key with `new` and saves it; the old one stops working.
    pub fn replace(&self, new: &str) -> Result<(), ApiError> {
        let Some(persist) = &self.persist else {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "the API key comes from CHIME_API_KEY; change it there",
            ));
        };
        persist(new).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("cannot save the new key: {e}"),
            )
        })?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Key::new(new);
        Ok(())
    }
}

pub async fn check(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check_host(&request)?;
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

/// Exactly one `Host` (or an HTTP/2 authority), and a loopback name: a
/// request with none, or with two that a proxy and Chime might read
/// differently, is refused like a foreign one.
fn check_host(request: &Request) -> Result<(), ApiError> {
    let forbidden = |why: String| ApiError::new(StatusCode::FORBIDDEN, "forbidden_host", why);
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().unwrap_or_default(),
        (Some(_), Some(_)) => {
            return Err(forbidden(
                "the request has more than one Host header".into(),
            ))
        }
        (None, _) => match request.uri().authority() {
            Some(authority) => authority.as_str(),
            None => {
                return Err(forbidden(
                    "the request has no Host header; send Host: 127.0.0.1".into(),
                ))
            }
        },
    };
    if !chime_engine::host::is_loopback(host) {
        return Err(forbidden(format!(
            "Host \"{host}\" is not this machine; Chime only answers to 127.0.0.1 and localhost"
        )));
    }
    Ok(())
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_by_value() {
        let key = ApiKey::new("secret", None);
        assert!(key.matches("secret"));
        assert!(!key.matches("secreT"));
        assert!(!key.matches(""));
        assert!(
            key.replace("other").is_err(),
            "a key from the environment stays"
        );
        let saved = Arc::new(std::sync::Mutex::new(String::new()));
        let sink = saved.clone();
        let key = ApiKey::new(
            "old",
            Some(Arc::new(move |k: &str| {
                *sink.lock().unwrap() = k.to_string();
                Ok(())
            })),
        );
        key.replace("new").unwrap();
        assert!(key.matches("new") && !key.matches("old"));
        assert_eq!(*saved.lock().unwrap(), "new");
    }
}
