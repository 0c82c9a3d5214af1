//! `/api/settings`: the engine's settings, with the API key beside them.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::input::Input;
use crate::AppState;

fn answer(app: &AppState, settings: chime_engine::settings::Settings) -> Json<Value> {
    let mut data = serde_json::to_value(settings).unwrap_or_default();
    data["api_key"] = Value::String(app.key.text());
    Json(json!({"data": data}))
}

pub async fn get(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(answer(&app, app.engine.settings()))
}

pub async fn patch(State(app): State<AppState>, Input(patch): Input) -> ApiResult<Json<Value>> {
    let settings = app.engine.update_settings(patch).await?;
    Ok(answer(&app, settings))
}

/// A new API key; the old one stops working at once. The answer carries the new one.
pub async fn regenerate_key(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    app.key.replace(&new_key())?;
    Ok(answer(&app, app.engine.settings()))
}

pub async fn regenerate_secret(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let settings = app.engine.regenerate_signing_secret().await?;
    Ok(answer(&app, settings))
}

/// `chime_` and 40 random letters and digits.
pub fn new_key() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("chime_{random}")
}
