//! `GET /api/ping` and `POST /api/echo`, booper's two helpers for trying things out.

use axum::body::Bytes;
use axum::extract::Request;
use axum::Json;
use chime_engine::protocol::{Data, Echo};
use serde_json::{Map, Value};

use crate::error::ApiResult;
use crate::input::read_bounded;

pub async fn ping() -> &'static str {
    "Pong"
}

/// The request as it arrived: method, path, query, headers (the key masked)
/// and body (parsed when it is JSON).
pub async fn echo(request: Request) -> ApiResult<Json<Data<Echo>>> {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = read_bounded(body).await?;
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let text = if name == axum::http::header::AUTHORIZATION {
            "Bearer ***".to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        headers.insert(name.as_str().to_string(), Value::String(text));
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default();
    let query: Map<String, Value> = query
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str::<Value>(&text).unwrap_or(if text.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    });
    Ok(Json(Data::new(Echo {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query,
        headers,
        body,
    })))
}
