//! `/api/status`, `/api/pause` and `/api/resume`: "pause all", as the tray has it.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::AppState;

pub async fn status(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let next = app.engine.next_run().await?;
    Ok(Json(json!({"data": {
        "version": env!("CARGO_PKG_VERSION"),
        "paused": app.engine.is_paused(),
        // The settings show what is stored; this says when a flag overrides it.
        "allow_http_for_this_run": app.engine.allow_http_flag(),
        "next_run": next.map(|j| json!({"job_id": j.id, "schedule_id": j.schedule_id, "name": j.name,
                                         "url": j.request.url, "scheduled_at": chime_engine::time::rfc3339(j.scheduled_at)})),
    }})))
}

pub async fn pause(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    app.engine.set_paused(true);
    status(State(app)).await
}

pub async fn resume(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    app.engine.set_paused(false);
    status(State(app)).await
}
