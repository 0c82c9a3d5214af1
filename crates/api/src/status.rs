//! `/api/status`, `/api/pause` and `/api/resume`: "pause all", as the tray has it.

use axum::extract::State;
use axum::Json;
use chime_engine::protocol::Data;
use chime_engine::status::Status;

use crate::error::ApiResult;
use crate::input::Input;
use crate::AppState;

pub async fn status(State(app): State<AppState>) -> ApiResult<Json<Data<Status>>> {
    Ok(Json(Data::new(app.engine.status().await?)))
}

/// `{}` pauses until resumed, `{"until": ...}` until then.
pub async fn pause(
    State(app): State<AppState>,
    Input(body): Input,
) -> ApiResult<Json<Data<Status>>> {
    app.engine.pause(&body)?;
    status(State(app)).await
}

pub async fn resume(State(app): State<AppState>) -> ApiResult<Json<Data<Status>>> {
    app.engine.set_paused(false);
    status(State(app)).await
}
