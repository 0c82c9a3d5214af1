//! The engine and the API on 127.0.0.1, as `chime serve` and the desktop app
//! both run them: the data folder locked, the key loaded, the instance file
//! written for the CLI, and a clean stop.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use chime_api::{router, ApiKey, AppState};
use chime_engine::{Config, Engine, SystemClock};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::datadir;
use crate::serve::ServeArgs;

pub struct Backend {
    pub engine: Engine,
    /// The API, for in-process calls (the desktop window's IPC).
    pub router: Router,
    pub key: ApiKey,
    pub port: u16,
    pub dir: PathBuf,
    stop: CancellationToken,
    server: JoinHandle<()>,
    _lock: datadir::DirLock,
    _log: Option<tracing_appender::non_blocking::WorkerGuard>,
}

impl Backend {
    pub async fn start(args: &ServeArgs) -> Result<Backend> {
        // Before the engine sends anything or the address is announced: its
        // connections need file descriptors too, and whoever reads this
        // process's limits once it says "listening" must see the raised one
        // (the server raises it again, in its own task, which may run later).
        chime_api::server::raise_open_file_limit();
        datadir::private_files();
        let dir = datadir::resolve(args.data_dir.clone())?;
        datadir::ensure(&dir)?;
        let lock = datadir::lock(&dir)?;
        let log = crate::logging::init(&dir);
        let key = datadir::api_key_holder(&dir)?;
        let mut config = Config::new(dir.join(datadir::DB_FILE));
        config.allow_http = args.allow_http;
        config.ca_certs = args.ca_cert.iter().cloned().collect();
        let engine = Engine::start(config, Arc::new(SystemClock))
            .await
            .context("cannot start the engine")?;

        let port = args.port.unwrap_or_else(|| engine.settings().port);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(e) => {
                engine.shutdown().await;
                return Err(e).with_context(|| {
                    format!("cannot listen on {addr}; is something else using port {port}? `--port 0` picks a free one")
                });
            }
        };
        let port = listener.local_addr()?.port();
        datadir::write_instance(&dir, port)?;
        tracing::info!(port, data_dir = %dir.display(), "listening");

        let stop = CancellationToken::new();
        let router = router(AppState {
            engine: engine.clone(),
            key: key.clone(),
            shutdown: stop.clone(),
        });
        // Loopback HTTP: the UI's files for a browser, and the API.
        let site = crate::web::with_ui(router.clone());
        let server = tokio::spawn(chime_api::serve(listener, site, stop.clone()));
        Ok(Backend {
            engine,
            router,
            key,
            port,
            dir,
            stop,
            server,
            _lock: lock,
            _log: log,
        })
    }

    /// Fired to begin a clean stop (a signal, the tray's Quit).
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Waits for the stop, then stops cleanly: no new requests, attempts in
    /// flight finish (or are left to be retried), the log is flushed.
    pub async fn run_until_stopped(self) -> Result<()> {
        self.stop.cancelled().await;
        let served = self.server.await;
        self.engine.shutdown().await;
        datadir::remove_instance(&self.dir);
        tracing::info!("stopped");
        served.context("the API server task failed")
    }
}
