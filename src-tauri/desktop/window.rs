//! The main window's life. Closing it destroys the webview, so WebKit's web
//! process goes and the app in the tray keeps only the engine, the API and
//! the tray; opening it (the tray, a second launch) builds it again on the
//! route it was on. The UI keeps what else it needs (the builder's draft) in
//! web storage, which outlives the webview, and reloads the log from the API.

use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, Window};

use super::Desktop;

pub const MAIN: &str = "main";

/// The route (the URL's `#/...` part) the window was on when it closed.
#[derive(Default)]
pub struct Memory(Mutex<Option<String>>);

impl Memory {
    fn route(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_route(&self, route: String) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(route);
    }
}

/// Called as the window is asked to close: keeps its route for `open`.
pub fn remember(window: &Window) {
    let app = window.app_handle();
    let Some(webview) = app.get_webview_window(window.label()) else {
        return;
    };
    match webview.url() {
        Ok(url) => {
            if let Some(route) = url.fragment() {
                app.state::<Desktop>().window.set_route(route.to_string());
            }
        }
        Err(e) => tracing::warn!("cannot read the window's route: {e}"),
    }
}

/// Shows the window, building it again if it was closed.
pub fn open(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let app = app.clone();
    // Off the event loop's thread: building a window from one of its own
    // event handlers deadlocks on Windows.
    tauri::async_runtime::spawn(async move {
        if let Err(e) = build(&app) {
            tracing::warn!("cannot open the window: {e}");
        }
    });
}

/// The window as tauri.conf.json describes it, on the remembered route.
fn build(app: &AppHandle) -> tauri::Result<()> {
    let Some(mut config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
    else {
        return Ok(());
    };
    if let Some(route) = app.state::<Desktop>().window.route() {
        config.url = WebviewUrl::App(format!("index.html#{route}").into());
    }
    let window = WebviewWindowBuilder::from_config(app, &config)?.build()?;
    window.set_focus()
}

/// After the window is gone, gives the memory its webview used back to the
/// system: GTK and WebKit allocate with glibc's malloc, which otherwise keeps
/// freed pages for reuse. A moment later, so the webview is finalised first.
pub fn release_memory() {
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only returns free heap pages to the system.
        unsafe {
            libc::malloc_trim(0);
        }
    });
}
