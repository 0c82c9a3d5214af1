//! Curl in and out: `POST /api/import/curl` turns a curl command into a job
//! draft, `GET /api/jobs/{id}/curl` prints a job as one. The parser and the
//! printer are the engine's; the CLI and the UI both come through here.

use axum::extract::{Path, State};
use axum::Json;
use chime_engine::curl::{self, CurlRequest};
use chime_engine::protocol::{CurlExport, Data};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Params};
use crate::AppState;

pub async fn import(Input(input): Input) -> ApiResult<Json<Data<Value>>> {
    let command = input
        .get("command")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("command", "is required: the curl command as text"))?;
    let request = curl::parse(command).map_err(|e| ApiError::invalid("command", e))?;
    Ok(Json(Data::new(curl::to_json(&request))))
}

/// `GET /api/jobs/{id}/curl`: the job as a curl command. Exported commands
/// are pasted into chats and tickets, so credentials are redacted unless
/// `?secrets=include` asks for a command to run as it is. What curl cannot
/// say (checks, alerts, limits) comes along as comments above the command.
pub async fn export(
    State(app): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Json<Data<CurlExport>>> {
    params.only(&["secrets"])?;
    let with_secrets = match params.get("secrets") {
        None | Some("redact") => false,
        Some("include") => true,
        Some(_) => return Err(ApiError::invalid("secrets", "must be include or redact")),
    };
    let job = app.engine.get_job(&id).await?;
    let job = if with_secrets { job } else { job.redacted() };
    let args = job.args;
    let spec = job.request;
    let request = CurlRequest {
        method: spec.method.as_str().to_ascii_lowercase(),
        url: spec.url,
        query: spec.query,
        headers: spec.headers,
        body: spec.body,
    };
    Ok(Json(Data::new(CurlExport {
        curl: curl::with_settings(curl::to_curl(&request), &args),
    })))
}
