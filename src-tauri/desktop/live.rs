//! What the app does as things happen: live events to the window, desktop
//! notifications for finished jobs, and launch at login as the setting says.

use chime_engine::{Engine, JobState, Payload};
use tauri::{AppHandle, Emitter};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_notification::NotificationExt as _;
use tokio::sync::broadcast::error::RecvError;

/// The Tauri event the UI listens to; its payload is one log event.
pub const EVENT: &str = "chime://event";

pub async fn forward_events(app: AppHandle, engine: Engine) {
    let mut events = engine.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Err(e) = app.emit(EVENT, &*event) {
                    tracing::warn!("cannot send an event to the window: {e}");
                }
                if let Payload::Finished(finished) = &event.body {
                    notify_finished(&app, &engine, &event, finished.state).await;
                }
            }
            // The window refetches on the next event; nothing is lost in the store.
            Err(RecvError::Lagged(n)) => tracing::warn!("the window missed {n} live events"),
            Err(RecvError::Closed) => break,
        }
    }
}

/// A desktop notification when a job fails for good (and, if asked, when one
/// succeeds). Failing to notify is logged, never fatal.
async fn notify_finished(
    app: &AppHandle,
    engine: &Engine,
    event: &chime_engine::Event,
    state: JobState,
) {
    let settings = engine.settings();
    let (wanted, title) = match state {
        JobState::Discarded => (settings.notify_on_failure, "A job failed"),
        JobState::Completed => (settings.notify_on_success, "A job succeeded"),
        _ => return,
    };
    if !wanted {
        return;
    }
    let Some(job_id) = &event.job_id else { return };
    let Ok(job) = engine.get_job(job_id).await else {
        return;
    };
    let what = job.name.clone().unwrap_or_else(|| {
        let url = chime_engine::redact::url(&job.request.url);
        format!("{} {url}", job.request.method.as_str())
    });
    let detail = match &job.last_outcome {
        Some(o) if o.error.is_some() => o.error.clone().unwrap_or_default(),
        Some(o) => o.status.map(|s| format!("HTTP {s}")).unwrap_or_default(),
        None => String::new(),
    };
    if let Err(e) = app
        .notification()
        .builder()
        .title(title)
        .body(format!("{what}\n{detail}"))
        .show()
    {
        tracing::warn!("cannot show a notification: {e}");
    }
}

/// Keeps launch at login in step with the setting.
pub async fn apply_launch_at_login(app: AppHandle, engine: Engine) {
    let mut settings = engine.watch_settings();
    loop {
        let wanted = settings.borrow_and_update().launch_at_login;
        let autolaunch = app.autolaunch();
        let result = match (wanted, autolaunch.is_enabled().unwrap_or(false)) {
            (true, false) => autolaunch.enable(),
            (false, true) => autolaunch.disable(),
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!("cannot change launch at login: {e}");
        }
        if settings.changed().await.is_err() {
            break;
        }
    }
}
