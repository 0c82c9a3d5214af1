//! `chime serve`: the engine and the API without a window.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::backend::Backend;

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 to listen on; 0 picks a free one [default: the port setting, 7391]
    #[arg(long, env = "CHIME_PORT")]
    pub port: Option<u16>,
    /// Data folder (database, API key, logs) [env: CHIME_DATA_DIR] [default: the OS data folder]
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Allow plain http:// targets.
    #[arg(long, env = "CHIME_ALLOW_HTTP", value_parser = clap::builder::FalseyValueParser::new())]
    pub allow_http: bool,
    /// A PEM file of extra CA certificates to trust (for private https endpoints).
    #[arg(long, env = "CHIME_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
}

impl ServeArgs {
    /// The app's settings when it starts without flags: the environment's
    /// (`CHIME_PORT`, `CHIME_ALLOW_HTTP`, `CHIME_CA_CERT`, `CHIME_DATA_DIR`).
    pub fn from_env() -> ServeArgs {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        ServeArgs {
            port: var("CHIME_PORT").and_then(|p| p.trim().parse().ok()),
            data_dir: None,
            allow_http: var("CHIME_ALLOW_HTTP")
                .is_some_and(|v| !matches!(v.trim(), "0" | "false" | "no" | "off")),
            ca_cert: var("CHIME_CA_CERT").map(PathBuf::from),
        }
    }
}

pub async fn run(args: ServeArgs) -> Result<()> {
    let backend = Backend::start(&args).await?;
    tokio::spawn(stop_on_signal(backend.stop_token()));
    // No desktop to notify: alerts for it go to the log.
    tokio::spawn(crate::alerts::log_alerts(backend.engine.clone()));
    let mut out = tokio::io::stdout();
    out.write_all(format!("listening on http://127.0.0.1:{}\n", backend.port).as_bytes())
        .await?;
    out.flush().await?;
    eprintln!(
        "chime: the UI is at http://127.0.0.1:{}/ (its API key is in {})",
        backend.port,
        backend.dir.join(crate::datadir::KEY_FILE).display()
    );
    backend.run_until_stopped().await
}

/// SIGTERM and SIGINT (Ctrl-C) stop the server cleanly. The handlers are
/// set when this is called, not when the future first runs: a service
/// manager (or a script) that stops Chime the moment it announces its
/// address must not meet the default action, which kills it mid-write.
/// Call it inside the runtime.
pub fn stop_on_signal(stop: CancellationToken) -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        signal(SignalKind::terminate()).and_then(|t| Ok((t, signal(SignalKind::interrupt())?)))
    };
    async move {
        #[cfg(unix)]
        {
            let Ok((mut term, mut int)) = signals else {
                tracing::error!("cannot listen for signals; stop Chime with SIGKILL");
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = stop.cancelled() => return,
            }
        }
        #[cfg(not(unix))]
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = stop.cancelled() => return,
            }
        }
        tracing::info!("stopping: finishing attempts in flight");
        stop.cancel();
    }
}
