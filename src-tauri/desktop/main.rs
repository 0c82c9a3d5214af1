//! `chime-app`, the desktop app: the engine and the API in-process, a window
//! that reaches them through one IPC command, a tray, notifications, launch
//! at login, one instance at a time. Closing the window destroys it, and
//! WebKit's web process with it (window.rs); the engine, the API and the
//! tray keep running until Quit, and the tray (or a second launch) builds
//! the window again.
//!
//! The only binary that links Tauri: `chime` (the CLI and `chime serve`)
//! starts this one when run with no arguments.

// Keeps a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod ipc;
mod live;
mod notify;
mod tray;
mod window;

/// As in `chime` (see src-tauri/main.rs): the engine allocates in bursts.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, Result};
use chime_api::ApiKey;
use chime_engine::Engine;
use tauri::{Manager, RunEvent, WindowEvent};
use tokio_util::sync::CancellationToken;

use chime::backend::Backend;
use chime::serve::ServeArgs;

/// What the app's commands and tasks share.
pub struct Desktop {
    pub engine: Engine,
    pub router: axum::Router,
    pub key: ApiKey,
    /// Fired to quit: the backend stops, then the app exits.
    pub stop: CancellationToken,
    /// The backend's clean stop, awaited once as the app exits.
    stopped: std::sync::Mutex<Option<tokio::task::JoinHandle<Result<()>>>>,
    /// Where the window was when it was closed, to open it there again.
    pub window: window::Memory,
}

fn main() {
    chime_engine::memory::configure();
    if let Err(e) = chime::runtime().and_then(|runtime| run(runtime, ServeArgs::from_env())) {
        eprintln!("chime: {e:#}");
        std::process::exit(1);
    }
}

fn run(runtime: tokio::runtime::Runtime, args: ServeArgs) -> Result<()> {
    // Before GTK starts: desktops match the window to Chime.desktop by it.
    #[cfg(target_os = "linux")]
    glib::set_prgname(Some(env!("CARGO_BIN_NAME")));
    tauri::async_runtime::set(runtime.handle().clone());
    let backend = match runtime.block_on(Backend::start(&args)) {
        Ok(backend) => backend,
        Err(e) if e.downcast_ref::<chime::datadir::Locked>().is_some() => return hand_over(e),
        Err(e) => return Err(e),
    };
    let stop = backend.stop_token();
    let engine = backend.engine.clone();
    let desktop = Desktop {
        engine: backend.engine.clone(),
        router: backend.router.clone(),
        key: backend.key.clone(),
        stop: stop.clone(),
        stopped: std::sync::Mutex::new(None),
        window: window::Memory::default(),
    };
    *desktop.stopped.lock().unwrap_or_else(|e| e.into_inner()) =
        Some(runtime.spawn(backend.run_until_stopped()));
    {
        // The signal handlers are set in the runtime, before the window.
        let _in_runtime = runtime.enter();
        runtime.spawn(chime::serve::stop_on_signal(stop.clone()));
    }

    let app = tauri::Builder::default()
        // First: a second launch hands over to this one, which shows itself.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            window::open(app)
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .manage(desktop)
        .manage(notify::Clicks::default())
        .invoke_handler(tauri::generate_handler![ipc::api])
        .setup(move |app| {
            let handle = app.handle().clone();
            notify::open_on_click(&handle);
            if let Err(e) = tray::create(&handle, engine.clone()) {
                // No tray host (a bare X server, some desktops): the window still works.
                tracing::warn!("no tray icon: {e}");
            }
            tauri::async_runtime::spawn(live::forward_events(handle.clone(), engine.clone()));
            tauri::async_runtime::spawn(live::apply_launch_at_login(
                handle.clone(),
                engine.clone(),
            ));
            tauri::async_runtime::spawn(exit_when_stopped(handle, stop.clone()));
            Ok(())
        })
        .on_window_event(|window, event| match event {
            // The window goes, with its WebKit processes; the scheduler keeps
            // running and the tray builds the window again where it was.
            WindowEvent::CloseRequested { .. } => window::remember(window),
            WindowEvent::Destroyed => window::release_memory(),
            _ => {}
        })
        .build(context())
        .context("cannot start the desktop app")?;

    app.run(|app, event| {
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = &event
        {
            // The last window went away (not a Quit): keep scheduling in the tray.
            api.prevent_exit();
            return;
        }
        if let RunEvent::Exit = event {
            // Stop cleanly: attempts in flight finish (or are retried at the
            // next start) and the log is flushed before the process ends.
            let desktop = app.state::<Desktop>();
            desktop.stop.cancel();
            let stopped = desktop
                .stopped
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            if let Some(stopped) = stopped {
                match tauri::async_runtime::block_on(stopped) {
                    Ok(Err(e)) => tracing::error!("stopping: {e:#}"),
                    Err(e) => tracing::error!("stopping: {e}"),
                    Ok(Ok(())) => {}
                }
            }
        }
    });
    Ok(())
}

/// Another Chime has the data folder. If it is the app, it is asked over the
/// session bus, at the name and path the single-instance plugin serves, to
/// show its window, and this launch ends cleanly. It asks before GTK or any
/// window exists: the plugin's own hand-over exits the process from inside
/// the app's setup, with GTK's threads running, and that exit could crash.
/// If it is `chime serve`, nothing answers and this launch fails with `locked`.
#[cfg(target_os = "linux")]
fn hand_over(locked: anyhow::Error) -> Result<()> {
    let name = format!("{}.SingleInstance", context().config().identifier);
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    let cwd = std::env::current_dir().unwrap_or_default();
    let argv: Vec<String> = std::env::args().collect();
    // A first app that does not answer within the timeout counts as none.
    let asked = zbus::blocking::connection::Builder::session()
        .map(|bus| bus.method_timeout(std::time::Duration::from_secs(5)))
        .and_then(|bus| bus.build())
        .and_then(|bus| {
            bus.call_method(
                Some(name.as_str()),
                path.as_str(),
                Some("org.SingleInstance.DBus"),
                "ExecuteCallback",
                &(argv, cwd.to_string_lossy().as_ref()),
            )
        });
    match asked {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::debug!("no Chime app answered on the session bus: {e}");
            Err(locked)
        }
    }
}

/// As on Linux, by the plugin: it ends this process while the app is built.
#[cfg(not(target_os = "linux"))]
fn hand_over(locked: anyhow::Error) -> Result<()> {
    let mut context = context();
    context.config_mut().app.windows.clear(); // no window of its own, even for a moment
    let _app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|_app, _args, _cwd| {}))
        .build(context);
    Err(locked)
}

/// A signal (or the tray's Quit) stops the backend; the app follows.
async fn exit_when_stopped(app: tauri::AppHandle, stop: CancellationToken) {
    stop.cancelled().await;
    app.exit(0);
}

/// The app's configuration and its embedded UI (the one place the UI is
/// embedded: `chime serve` takes its files from here too).
fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}
