//! Desktop notifications, and where a click on one leads.
//!
//! The notification plugin (2.6 and later) reports a click on a notification
//! as the action `tap`: on Linux through the Desktop Notifications
//! specification's `default` action, on macOS and Windows through
//! notify-rust's response. It hands back the notification's id, so the
//! route each one leads to is kept here by id. Where the notification server
//! reports no clicks (some Linux desktops), a click does what the desktop
//! does with any notification, and the notification still says what happened.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt as _;

use super::window;

/// Clicks come while a notification is on screen or in the desktop's list
/// of recent ones: the routes of the last few are enough.
const REMEMBERED: usize = 64;

/// The routes of the last notifications shown, by their id.
#[derive(Default)]
pub struct Clicks {
    last_id: AtomicI32,
    routes: Mutex<VecDeque<(i32, String)>>,
}

impl Clicks {
    /// A new notification's id, leading to `route` when clicked.
    fn next(&self, route: Option<String>) -> i32 {
        let id = self.last_id.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(route) = route {
            let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
            if routes.len() == REMEMBERED {
                routes.pop_front();
            }
            routes.push_back((id, route));
        }
        id
    }

    fn route(&self, id: i32) -> Option<String> {
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        routes
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, r)| r.clone())
    }
}

/// Shows a notification; a click on it opens the window on `route`.
/// It is sent on a background task: this never waits for the desktop, and
/// a desktop with no notification service only costs a warning.
pub fn show(app: &AppHandle, title: &str, body: &str, route: Option<String>) {
    let id = app.state::<Clicks>().next(route);
    let shown = app
        .notification()
        .builder()
        .id(id)
        .title(title)
        .body(body)
        .show();
    if let Err(e) = shown {
        tracing::warn!("cannot show a notification: {e}");
    }
}

/// Opens the window where a clicked notification leads. Called at start-up:
/// the plugin reports clicks only on notifications shown after a handler
/// exists.
pub fn open_on_click(app: &AppHandle) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let route = performed
            .notification()
            .and_then(|n| handle.state::<Clicks>().route(n.id()));
        match route {
            Some(route) => window::open_at(&handle, &route),
            None => window::open(&handle),
        }
    });
    if let Err(e) = registered {
        tracing::warn!("clicks on notifications will not open Chime: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notification_keeps_its_route_until_many_came_after() {
        let clicks = Clicks::default();
        let first = clicks.next(Some("/schedules/a".into()));
        let plain = clicks.next(None);
        assert_ne!(first, plain);
        assert_eq!(clicks.route(first).as_deref(), Some("/schedules/a"));
        assert_eq!(clicks.route(plain), None);
        for i in 0..REMEMBERED {
            clicks.next(Some(format!("/schedules/{i}")));
        }
        assert_eq!(clicks.route(first), None, "the oldest is forgotten");
    }
}
