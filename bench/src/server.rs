//! `chime serve --allow-http` as a child process on a data folder, started
//! and stopped as a user would: start-up is timed from the spawn to the
//! "listening on" line.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::procfs;

/// How long a start may take: a folder with 100,000 schedules included.
const START_LIMIT: Duration = Duration::from_secs(120);
/// How long a clean stop may take before the process is killed.
const STOP_LIMIT: Duration = Duration::from_secs(60);

/// Variables `chime serve` reads: the benchmark measures its defaults.
const CHIME_ENV: &[&str] = &[
    "CHIME_API_KEY",
    "CHIME_ALLOW_HTTP",
    "CHIME_CA_CERT",
    "CHIME_PORT",
    "CHIME_LOG",
    "CHIME_DATA_DIR",
];

pub struct Server {
    child: Child,
    pid: u32,
    pub port: u16,
    /// From the spawn to "listening on".
    pub startup: Duration,
    data: PathBuf,
    /// Stopped and reaped: its pid may be another process's by now.
    stopped: bool,
}

impl Server {
    pub async fn start(bin: &Path, data: &Path) -> Result<Server> {
        let stderr =
            std::fs::File::create(stderr_file(data)).context("creating chime's stderr file")?;
        let mut command = Command::new(bin);
        command
            .args(["serve", "--allow-http", "--port", "0", "--data-dir"])
            .arg(data)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true);
        for name in CHIME_ENV {
            command.env_remove(name);
        }
        let spawned = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let port = match tokio::time::timeout(START_LIMIT, listening(&mut child)).await {
            Ok(Ok(port)) => port,
            Ok(Err(e)) => return Err(e.context(stderr_tail(data))),
            Err(_) => bail!(
                "chime serve did not listen within {START_LIMIT:?}; {}",
                stderr_tail(data)
            ),
        };
        Ok(Server {
            pid: child.id().context("chime exited at once")?,
            child,
            port,
            startup: spawned.elapsed(),
            data: data.to_path_buf(),
            stopped: false,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn key(&self) -> Result<String> {
        let file = self.data.join("api-key");
        let key = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        Ok(key.trim().to_string())
    }

    pub fn memory(&self) -> Result<procfs::Memory> {
        procfs::memory(self.pid)
    }

    /// SIGTERM, as a service manager stops it; SIGKILL if it hangs. Once.
    pub async fn stop(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.stopped, true) {
            return Ok(());
        }
        // SAFETY: kill with a pid this process spawned and has not reaped.
        unsafe { libc::kill(self.pid as libc::pid_t, libc::SIGTERM) };
        match tokio::time::timeout(STOP_LIMIT, self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!(
                        "chime serve exited with {status}; {}",
                        stderr_tail(&self.data)
                    );
                }
                Ok(())
            }
            Err(_) => {
                self.child.kill().await?;
                bail!("chime serve did not stop within {STOP_LIMIT:?} of SIGTERM")
            }
        }
    }
}

/// Reads the port from the "listening on" line, then keeps reading stdout
/// so Chime never blocks on a full pipe.
async fn listening(child: &mut Child) -> Result<u16> {
    let stdout = child.stdout.take().context("chime's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = lines
        .next_line()
        .await?
        .context("chime serve exited before it listened")?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    line.strip_prefix("listening on http://127.0.0.1:")
        .and_then(|port| port.trim().parse().ok())
        .with_context(|| format!("an unexpected first line from chime serve: {line}"))
}

/// Next to the data folder, not in it: its size is measured.
fn stderr_file(data: &Path) -> PathBuf {
    data.with_extension("stderr.log")
}

fn stderr_tail(data: &Path) -> String {
    let text = std::fs::read_to_string(stderr_file(data)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    format!(
        "chime's stderr ends: {}",
        lines[lines.len().saturating_sub(10)..].join("\n")
    )
}
