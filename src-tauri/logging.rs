//! Logging with `tracing`: to stderr, and to a daily file in the data folder
//! (`logs/chime.log.YYYY-MM-DD`, the last 7 kept). Secrets are never logged:
//! the engine logs ids and states, never keys or request headers.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::EnvFilter;

/// Starts logging; keep the guard alive until exit so the file is flushed.
pub fn init(data_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("CHIME_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = data_dir.join("logs");
    if let Err(e) = crate::datadir::ensure(&logs) {
        eprintln!("chime: {e:#}");
    }
    make_private(&logs);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("chime.log")
        .max_log_files(7)
        .build(&logs);
    let (file, guard) = match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (Some(writer), Some(guard))
        }
        Err(e) => {
            eprintln!("chime: cannot write logs in {}: {e}", data_dir.display());
            (None, None)
        }
    };
    let stderr = std::io::stderr.with_max_level(tracing::Level::WARN);
    let result = match file {
        Some(file) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(stderr.and(file))
            .try_init(),
        None => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(stderr)
            .try_init(),
    };
    if result.is_err() {
        // Already initialised (tests start several servers in one process).
        return None;
    }
    guard
}

/// Log files an older Chime wrote 0644 become owner-only too.
fn make_private(logs: &Path) {
    #[cfg(unix)]
    for entry in std::fs::read_dir(logs).into_iter().flatten().flatten() {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
    }
}
