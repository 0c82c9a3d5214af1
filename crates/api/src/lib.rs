//! Chime's local REST API: booper's job API plus ours, as one axum `Router`
//! over the engine. `chime serve`, the CLI and the desktop window all go
//! through it, with the same validation and errors.

mod curl;
mod error;
mod guard;
mod input;
mod jobs;
mod logs;
mod misc;
mod schedules;
pub mod server;
mod settings;
mod status;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use chime_engine::Engine;
use tokio_util::sync::CancellationToken;

pub use error::{ApiError, ApiResult};
pub use guard::{ApiKey, PersistKey};
/// The form-body decoder, public for the fuzz target in `fuzz/`.
pub use input::form_to_json;
pub use input::MAX_BODY;
pub use server::serve;
pub use settings::new_key;

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub key: ApiKey,
    /// Fired when the server stops, so live streams end and let it.
    pub shutdown: CancellationToken,
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/ping", get(misc::ping))
        .route("/api/echo", post(misc::echo))
        .route("/api/status", get(status::status))
        .route("/api/pause", post(status::pause))
        .route("/api/resume", post(status::resume))
        .route("/api/jobs", post(jobs::create).get(jobs::list))
        .route("/api/jobs/{id}", get(jobs::get).patch(jobs::patch))
        .route("/api/jobs/{id}/cancel", post(jobs::cancel))
        .route("/api/jobs/{id}/run", post(jobs::run))
        .route("/api/jobs/{id}/curl", get(curl::export))
        .route("/api/import/curl", post(curl::import))
        .route("/api/schedules", get(schedules::list))
        .route("/api/schedules/preview", post(schedules::preview))
        .route(
            "/api/schedules/{id}",
            get(schedules::get)
                .patch(schedules::patch)
                .delete(schedules::delete),
        )
        .route("/api/schedules/{id}/enable", post(schedules::enable))
        .route("/api/schedules/{id}/disable", post(schedules::disable))
        .route("/api/schedules/{id}/run", post(schedules::run))
        .route("/api/schedules/{id}/runs", get(schedules::runs))
        .route(
            "/api/schedules/{id}/next-request",
            get(schedules::next_request),
        )
        .route("/api/calendar", get(schedules::calendar))
        .route("/api/logs", get(logs::list))
        .route("/api/logs/stream", get(logs::stream))
        .route("/api/logs/{id}", get(logs::get))
        .route("/api/settings", get(settings::get).patch(settings::patch))
        .route(
            "/api/settings/api_key/regenerate",
            post(settings::regenerate_key),
        )
        .route(
            "/api/settings/signing_secret/regenerate",
            post(settings::regenerate_secret),
        )
        .fallback(not_found);
    api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        guard::check,
    ))
    // The body extractor enforces MAX_BODY itself, with the JSON error shape.
    .layer(DefaultBodyLimit::disable())
    .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        format!("no route {}", uri.path()),
    )
}
