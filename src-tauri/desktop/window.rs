//! The main window's life. Closing it destroys the webview, so WebKit's web
//! process goes and the app in the tray keeps only the engine, the API, the
//! tray and WebKit's network process (Tauri keeps the web context, and with
//! it that process, for the app's life on Linux: tauri-apps/tauri#14626);
//! opening it (the tray, a second launch) builds it again on the route it
//! was on. The UI keeps what else it needs (the builder's draft) in
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

/// Shows the window on `route` (`/schedules/ID`): a notification's click.
pub fn open_at(app: &AppHandle, route: &str) {
    match app.get_webview_window(MAIN) {
        // The UI's router follows the hash, so the page changes in place.
        Some(window) => {
            let hash = serde_json::Value::from(route);
            if let Err(e) = window.eval(format!("window.location.hash = {hash}")) {
                tracing::warn!("cannot show {route} in the window: {e}");
            }
        }
        None => app.state::<Desktop>().window.set_route(route.to_string()),
    }
    open(app);
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
/// system, a moment later so the webview is finalised first.
pub fn release_memory() {
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        trim_heap();
        page_out_files();
    });
}

/// GTK and WebKit allocate with glibc's malloc, which keeps freed pages for
/// reuse unless asked to return them.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The libraries only the window used (WebKit's, the GL driver's) stay
/// mapped after it goes, with their pages resident and counted against the
/// app. The kernel is asked to drop this process's pages of read-only file
/// mappings (MADV_PAGEOUT skips pages other processes share): what the
/// engine and the tray still run faults back in from the page cache, the
/// rest costs nothing until the window is opened again.
fn page_out_files() {
    #[cfg(target_os = "linux")]
    for (start, len) in read_only_file_mappings() {
        // SAFETY: advice on this process's own mappings; their contents are
        // read again from their files when next touched.
        unsafe {
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_PAGEOUT);
        }
    }
}

/// (start, length) of each mapping of a file that this process cannot write
/// to, from /proc/self/maps (writable ones may hold private changes).
#[cfg(target_os = "linux")]
fn read_only_file_mappings() -> Vec<(usize, usize)> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines()
        .filter_map(|line| {
            // start-end perms offset dev inode path
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (range, perms, path) = (fields.first()?, fields.get(1)?, fields.get(5)?);
            if perms.contains('w') || !path.starts_with('/') {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            Some((start, end - start))
        })
        .collect()
}
