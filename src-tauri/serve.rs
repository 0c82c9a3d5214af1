//! `chime serve`: the engine and the API without a window.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use chime_api::{router, AppState};
use chime_engine::{Config, Engine, SystemClock};
use clap::Args;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::datadir;

/// The port `chime serve` takes when none is given.
pub const DEFAULT_PORT: u16 = 7391;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 to listen on; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
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

pub async fn run(args: ServeArgs) -> Result<()> {
    let dir = datadir::resolve(args.data_dir.clone())?;
    datadir::ensure(&dir)?;
    let _lock = datadir::lock(&dir)?;
    let _log = crate::logging::init(&dir);
    let key = datadir::api_key_holder(&dir)?;
    let mut config = Config::new(dir.join(datadir::DB_FILE));
    config.allow_http = args.allow_http;
    config.ca_certs = args.ca_cert.iter().cloned().collect();
    let engine = Engine::start(config, Arc::new(SystemClock))
        .await
        .context("cannot start the engine")?;

    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!(
            "cannot listen on {addr}; is something else using port {}? `--port 0` picks a free one",
            args.port
        )
    })?;
    let port = listener.local_addr()?.port();
    datadir::write_instance(&dir, port)?;
    tracing::info!(port, data_dir = %dir.display(), "listening");

    let shutdown = CancellationToken::new();
    let app = router(AppState {
        engine: engine.clone(),
        key,
        shutdown: shutdown.clone(),
    });
    tokio::spawn(stop_on_signal(shutdown.clone()));
    let mut out = tokio::io::stdout();
    out.write_all(format!("listening on http://127.0.0.1:{port}\n").as_bytes())
        .await?;
    out.flush().await?;

    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await;
    engine.shutdown().await;
    datadir::remove_instance(&dir);
    tracing::info!("stopped");
    served.context("the API server failed")
}

/// SIGTERM and SIGINT (Ctrl-C) stop the server cleanly.
async fn stop_on_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::error!("cannot listen for signals; stop Chime with SIGKILL");
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: finishing attempts in flight");
    shutdown.cancel();
}
