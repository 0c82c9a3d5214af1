//! `chime` with no arguments: the desktop app where there is a display, else
//! `chime serve`. The app is its own binary, `chime-app`, so that this one
//! never loads GTK or WebKit; on Unix `chime` becomes it (exec), so the pid,
//! the single-instance hand-over and the data-folder lock are the app's own.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::serve::ServeArgs;

/// The desktop app's binary name, beside `chime` or on PATH.
pub const APP_BIN: &str = "chime-app";

pub fn desktop_or_serve() -> Result<()> {
    if !has_display() {
        eprintln!("chime: no display found; running `chime serve` instead");
        return crate::runtime()?.block_on(crate::serve::run(ServeArgs::from_env()));
    }
    start_app(&app_path())
}

fn has_display() -> bool {
    if cfg!(target_os = "linux") {
        ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
    } else {
        true
    }
}

/// `chime-app` beside this executable (a package, `target/debug`), else
/// the name alone, for PATH to find.
fn app_path() -> PathBuf {
    let file = format!("{APP_BIN}{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(&file))
        .filter(|beside| beside.is_file())
        .unwrap_or_else(|| PathBuf::from(file))
}

#[cfg(unix)]
fn start_app(app: &std::path::Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    // Only returns when the exec failed.
    let error = Command::new(app).exec();
    Err(error).with_context(|| cannot_start(app))
}

#[cfg(not(unix))]
fn start_app(app: &std::path::Path) -> Result<()> {
    // A GUI-subsystem app: started, and left running on its own.
    Command::new(app)
        .spawn()
        .with_context(|| cannot_start(app))?;
    Ok(())
}

fn cannot_start(app: &std::path::Path) -> String {
    format!(
        "cannot start the desktop app ({}); `chime serve` runs Chime without a window",
        app.display()
    )
}
