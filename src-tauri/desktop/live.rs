//! What the app does as things happen: live events to the window, desktop
//! notifications (a schedule's alerts, a one-off job's end), and launch at
//! login as the setting says.

use chime::alerts;
use chime_engine::{Engine, Event, JobState, Payload};
use tauri::{AppHandle, Emitter};
use tauri_plugin_autostart::ManagerExt as _;
use tokio::sync::broadcast::error::RecvError;

use super::notify;

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
                notify_of(&app, &engine, &event).await;
            }
            // The window refetches on the next event; nothing is lost in the store.
            Err(RecvError::Lagged(n)) => tracing::warn!("the window missed {n} live events"),
            Err(RecvError::Closed) => break,
        }
    }
}

/// One notification per alert of a schedule, and for a job that finished
/// (failed for good, or if asked succeeded).
async fn notify_of(app: &AppHandle, engine: &Engine, event: &Event) {
    if let Some(notice) = alerts::notice_for(engine, event).await {
        notify::show(app, &notice.title, &notice.body, Some(notice.route()));
        return;
    }
    let Payload::Finished(finished) = &event.body else {
        return;
    };
    // A schedule's failed runs are told by its alert (`schedule.failing`,
    // once past its threshold), not one notification per run.
    let state = finished.state;
    if event.schedule_id.is_some() && state == JobState::Discarded {
        return;
    }
    notify_finished(app, engine, event, state).await;
}

/// A desktop notification when a job fails for good (and, if asked, when one
/// succeeds); a click on it opens the job. Failing to notify is logged,
/// never fatal.
async fn notify_finished(app: &AppHandle, engine: &Engine, event: &Event, state: JobState) {
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
    let what = chime_engine::request::display_name(job.name.as_deref(), &job.request);
    let detail = match &job.last_outcome {
        Some(o) if o.error.is_some() => o.error.clone().unwrap_or_default(),
        Some(o) => o.status.map(|s| format!("HTTP {s}")).unwrap_or_default(),
        None => String::new(),
    };
    let route = format!("/jobs/detail/{}", job.id);
    notify::show(app, title, &format!("{what}\n{detail}"), Some(route));
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
