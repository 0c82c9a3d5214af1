//! The window's one command: an API request, carried in-process to the same
//! axum Router that `chime serve` exposes, so the UI has exactly the API's
//! routes, validation and errors.

use axum::body::Body;
use axum::http::{header, Request};
use serde::Serialize;
use serde_json::Value;
use tauri::State;
use tower::ServiceExt;

use super::Desktop;

#[derive(Debug, Serialize)]
pub struct Reply {
    pub status: u16,
    /// The answer's JSON, or its text when it is not JSON.
    pub body: Value,
}

#[tauri::command]
pub async fn api(
    desktop: State<'_, Desktop>,
    method: String,
    path: String,
    body: Option<Value>,
) -> Result<Reply, String> {
    if !path.starts_with("/api/") {
        return Err(format!("{path} is not an API path"));
    }
    let request = Request::builder()
        .method(method.as_str())
        .uri(&path)
        .header(header::HOST, "127.0.0.1")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", desktop.key.text()),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(match &body {
            Some(v) => Body::from(v.to_string()),
            None => Body::empty(),
        })
        .map_err(|e| format!("bad request: {e}"))?;
    let response = match desktop.router.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Ok(Reply { status, body })
}
