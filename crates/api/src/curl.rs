//! Curl in and out: `POST /api/import/curl` turns a curl command into a job
//! draft, `GET /api/jobs/{id}/curl` prints a job as one. The parser and the
//! printer are the engine's; the CLI and the UI both come through here.

use axum::extract::{Path, State};
use axum::Json;
use chime_engine::curl::{self, CurlRequest};
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::AppState;

pub async fn import(Input(input): Input) -> ApiResult<Json<Value>> {
    let command = input
        .get("command")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("command", "is required: the curl command as text"))?;
    let request = curl::parse(command).map_err(|e| ApiError::invalid("command", e))?;
    Ok(Json(json!({"data": curl::to_json(&request)})))
}

pub async fn export(State(app): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    // Exported commands are pasted into chats and tickets: no credentials.
    let job = app.engine.get_job(&id).await?.redacted();
    let spec = job.request;
    let request = CurlRequest {
        method: spec.method.as_str().to_ascii_lowercase(),
        url: spec.url,
        query: spec.query,
        headers: spec.headers,
        body: spec.body,
    };
    Ok(Json(json!({"data": {"curl": curl::to_curl(&request)}})))
}
