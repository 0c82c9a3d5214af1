//! `/api/settings`: the engine's settings, with the API key beside them.

use axum::extract::State;
use axum::Json;
use chime_engine::protocol::{Data, SettingsAnswer};

use crate::error::ApiResult;
use crate::input::Input;
use crate::AppState;

type Answer = Json<Data<SettingsAnswer>>;

fn answer(app: &AppState, settings: chime_engine::settings::Settings) -> Answer {
    Json(Data::new(SettingsAnswer {
        settings,
        api_key: app.key.text(),
    }))
}

pub async fn get(State(app): State<AppState>) -> ApiResult<Answer> {
    Ok(answer(&app, app.engine.settings()))
}

pub async fn patch(State(app): State<AppState>, Input(patch): Input) -> ApiResult<Answer> {
    let settings = app.engine.update_settings(patch).await?;
    Ok(answer(&app, settings))
}

/// A new API key; the old one stops working at once. The answer carries the new one.
pub async fn regenerate_key(State(app): State<AppState>) -> ApiResult<Answer> {
    app.key.replace(&new_key())?;
    Ok(answer(&app, app.engine.settings()))
}

pub async fn regenerate_secret(State(app): State<AppState>) -> ApiResult<Answer> {
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
