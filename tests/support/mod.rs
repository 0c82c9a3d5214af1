//! Drives the real `chime` binary: `chime serve` on a temporary data folder
//! and a free port, spoken to over HTTP with its key.

#![allow(dead_code)]

pub mod desktop;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

#[allow(unused_imports)]
pub use chime_testkit::{eventually, Reply, Target};

pub struct Chime {
    /// The `chime serve` process, when this test started it.
    child: Option<Child>,
    /// The pid in the instance file, for an app started elsewhere.
    instance_pid: i32,
    pub port: u16,
    pub key: String,
    pub dir: PathBuf,
    /// `dir` as this process sees it (see [`Chime::start_on_small_disk`]).
    disk: PathBuf,
    _owned_dir: Option<tempfile::TempDir>,
    http: reqwest::Client,
}

impl Chime {
    /// `chime serve --port 0` on a new data folder, with `args` added.
    pub async fn start(args: &[&str]) -> Chime {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut chime = Chime::start_in(dir.path(), args).await;
        chime._owned_dir = Some(dir);
        chime
    }

    /// `chime serve --port 0` on `dir` (kept by the caller, for restarts).
    pub async fn start_in(dir: &Path, args: &[&str]) -> Chime {
        Chime::start_program(env!("CARGO_BIN_EXE_chime"), dir, args).await
    }

    /// `chime serve --port 0` on a new data folder, with `args` added,
    /// logging at `level` (into the data folder's `logs/`).
    pub async fn start_logging(level: &str, args: &[&str]) -> Chime {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut chime = Chime::start_in_env(dir.path(), &[("CHIME_LOG", level)], args).await;
        chime._owned_dir = Some(dir);
        chime
    }

    /// `chime serve --port 0` on `dir`, with `vars` set in its environment.
    pub async fn start_in_env(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> Chime {
        let mut command = serve_command(env!("CARGO_BIN_EXE_chime"), dir, args);
        command.envs(vars.iter().copied());
        Chime::spawn(command, dir, dir.to_path_buf()).await
    }

    /// What it logged so far, every file of `logs/` in one text.
    pub fn log_text(&self) -> String {
        let logs = std::fs::read_dir(self.dir.join("logs"))
            .into_iter()
            .flatten();
        logs.flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .collect()
    }

    /// `PROGRAM serve --port 0` on `dir`: this build's `chime`, or an
    /// installed one found on PATH.
    pub async fn start_program(program: &str, dir: &Path, args: &[&str]) -> Chime {
        let command = serve_command(program, dir, args);
        Chime::spawn(command, dir, dir.to_path_buf()).await
    }

    /// `chime serve` started as a desktop session starts apps: with a soft
    /// limit of `soft` open files.
    pub async fn start_with_open_files(soft: u64, args: &[&str]) -> Chime {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_chime"));
        command
            .arg("serve")
            .args(["--port", "0", "--data-dir"])
            .arg(dir.path())
            .args(args);
        // SAFETY: only setrlimit, which is async-signal-safe, runs in the child.
        unsafe {
            command.pre_exec(move || {
                let mut limit = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
                limit.rlim_cur = soft.min(limit.rlim_max);
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
                Ok(())
            });
        }
        let mut chime = Chime::spawn(command, dir.path(), dir.path().to_path_buf()).await;
        chime._owned_dir = Some(dir);
        chime
    }

    /// `chime serve` on a data folder that is a tmpfs of `size` (such as
    /// "8m"), mounted in a mount namespace of the server's own, so a test can
    /// fill the disk and free it without touching the machine's disks.
    /// [`Chime::disk`] is that folder as the test sees it.
    pub async fn start_on_small_disk(size: &str, args: &[&str]) -> Chime {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new("unshare");
        // As root a mount namespace is enough; otherwise a user namespace maps us to root in it.
        if unsafe { libc::geteuid() } != 0 {
            command.arg("--map-root-user");
        }
        command
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg(format!(
                "mount -t tmpfs -o size={size},mode=0700 chime-test \"$0\" && exec \"$@\""
            ))
            .arg(dir.path())
            .arg(env!("CARGO_BIN_EXE_chime"))
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(dir.path())
            .args(args);
        // The pid is the server's once sh has exec'd it: its root shows its mounts.
        let seen_at = |pid: u32| {
            PathBuf::from(format!("/proc/{pid}/root")).join(dir.path().strip_prefix("/").unwrap())
        };
        let mut chime = Chime::spawn_with(command, dir.path(), seen_at).await;
        chime._owned_dir = Some(dir);
        chime
    }

    /// The data folder as this process sees it (for a small disk, through
    /// the server's mount namespace).
    pub fn disk(&self) -> PathBuf {
        self.disk.clone()
    }

    async fn spawn(command: Command, dir: &Path, seen: PathBuf) -> Chime {
        Chime::spawn_with(command, dir, move |_| seen).await
    }

    async fn spawn_with(
        mut command: Command,
        dir: &Path,
        seen_at: impl FnOnce(u32) -> PathBuf,
    ) -> Chime {
        // Quiet unless the test asked for a level (to read the log).
        let asked_level = command
            .as_std()
            .get_envs()
            .any(|(name, _)| name == "CHIME_LOG");
        if !asked_level {
            command.env("CHIME_LOG", "warn");
        }
        let mut child = command
            .env_remove("CHIME_API_KEY")
            .env_remove("CHIME_ALLOW_HTTP")
            .env_remove("CHIME_CA_CERT")
            .env_remove("CHIME_PORT")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("chime starts");
        let disk = seen_at(child.id().expect("a running child"));
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("chime serve prints its address within 30 s")
            .unwrap()
            .expect("a line on stdout");
        let port = line
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .parse()
            .unwrap();
        let key = std::fs::read_to_string(disk.join("api-key"))
            .expect("the key file")
            .trim()
            .to_string();
        Chime {
            instance_pid: 0,
            child: Some(child),
            port,
            key,
            dir: dir.to_path_buf(),
            disk,
            _owned_dir: None,
            http: reqwest::Client::new(),
        }
    }

    /// A handle on a Chime started elsewhere (the desktop app) on `dir`:
    /// its port and key from the data folder, once it has written them.
    pub async fn attach(dir: &Path) -> Chime {
        let instance = eventually(
            "the app to write its instance file",
            Duration::from_secs(30),
            async || {
                let text = std::fs::read_to_string(dir.join("instance.json")).ok()?;
                serde_json::from_str::<Value>(&text).ok()
            },
        )
        .await;
        let key = std::fs::read_to_string(dir.join("api-key"))
            .expect("the key file")
            .trim()
            .to_string();
        Chime {
            instance_pid: instance["pid"].as_i64().unwrap_or(0) as i32,
            child: None,
            port: instance["port"].as_u64().unwrap() as u16,
            key,
            dir: dir.to_path_buf(),
            disk: dir.to_path_buf(),
            _owned_dir: None,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A request with the key; answers the status and the JSON body (or the text as a string).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("the API answers")).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    /// A form-encoded POST, as booper's clients send it.
    pub async fn post_form(&self, path: &str, form: &str) -> (StatusCode, Value) {
        let request = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.key)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_string());
        read(request.send().await.expect("the API answers")).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    /// A job's `data`, once `done` says it is as awaited.
    pub async fn job_when(
        &self,
        id: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        eventually(what, timeout, async || {
            let (_, body) = self.get(&format!("/api/jobs/{id}")).await;
            done(&body["data"]).then(|| body["data"].clone())
        })
        .await
    }

    /// Rows in a table, read straight from the database.
    pub fn rows(&self, table: &str) -> i64 {
        let db = rusqlite::Connection::open(self.disk.join("chime.db")).expect("open the database");
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .expect("count rows")
    }

    pub fn instance_pid(&self) -> i32 {
        self.instance_pid
    }

    pub fn pid(&self) -> i32 {
        self.child
            .as_ref()
            .and_then(|c| c.id())
            .expect("a chime serve this test started") as i32
    }

    /// SIGKILL: no chance to clean up.
    pub async fn kill(mut self) {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.pid(), libc::SIGKILL) };
        if let Some(child) = self.child.as_mut() {
            let _ = child.wait().await;
        }
    }

    /// SIGTERM, then wait for the exit.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.pid(), libc::SIGTERM) };
        let child = self
            .child
            .as_mut()
            .expect("a chime serve this test started");
        tokio::time::timeout(Duration::from_secs(30), child.wait())
            .await
            .expect("chime stops within 30 s of SIGTERM")
            .unwrap()
    }
}

/// The GUI libraries a lean `chime` must never load: GTK, WebKit and its
/// JavaScript engine (the desktop app, `chime-app`, is the one that does).
const GUI_LIBRARIES: &[&str] = &[
    "libwebkit2gtk",
    "libjavascriptcoregtk",
    "libgtk-3",
    "libgdk-3",
];

/// `PROGRAM serve --port 0 --data-dir DIR ARGS`.
fn serve_command(program: &str, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .arg("serve")
        .args(["--port", "0", "--data-dir"])
        .arg(dir)
        .args(args);
    command
}

/// The GUI libraries mapped into process `pid`, from `/proc/PID/maps`.
pub fn gui_libraries(pid: i32) -> Vec<String> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .unwrap_or_else(|e| panic!("cannot read /proc/{pid}/maps: {e}"));
    let mut found: Vec<String> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| {
            let file = path.rsplit('/').next().unwrap_or_default();
            GUI_LIBRARIES.iter().any(|lib| file.starts_with(lib))
        })
        .map(str::to_string)
        .collect();
    found.dedup();
    found
}

pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// A Server-Sent Events client for `GET /api/logs/stream`: yields (id, data).
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    pub async fn connect(chime: &Chime, query: &str, last_event_id: Option<i64>) -> SseClient {
        let mut request = reqwest::Client::new()
            .get(chime.url(&format!("/api/logs/stream{query}")))
            .bearer_auth(&chime.key);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("the stream opens");
        assert_eq!(response.status(), StatusCode::OK);
        SseClient {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (heartbeat comments skipped), or None after `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<(i64, Value)> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(id) = id {
                    return Some((id, serde_json::from_str(&data).expect("event data is JSON")));
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// What one run of the `chime` command line printed, and how it exited.
#[derive(Debug)]
pub struct CliRun {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliRun {
    /// Stdout as JSON (for `--output json`); panics with both streams if it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics with both streams unless the command succeeded.
    pub fn ok(self) -> CliRun {
        assert_eq!(self.code, 0, "the command failed:\n{self:#?}");
        self
    }
}

/// The `chime` command line, with nothing from the caller's environment that
/// would point it at another Chime.
pub fn cli_command(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chime"));
    command
        .env("CHIME_DATA_DIR", data_dir)
        .env_remove("CHIME_URL")
        .env_remove("CHIME_API_KEY")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs `chime ARGS` on the data folder `dir`, with `stdin` as its input.
pub async fn cli_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> CliRun {
    use tokio::io::AsyncWriteExt;
    let mut command = cli_command(dir);
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("chime starts");
    if let Some(text) = stdin {
        let mut input = child.stdin.take().unwrap();
        input.write_all(text.as_bytes()).await.unwrap();
        drop(input);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("chime {args:?} ends within 60 s"))
        .unwrap();
    CliRun {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

impl Chime {
    /// Runs `chime ARGS` against this instance, found through its data folder.
    pub async fn cli(&self, args: &[&str]) -> CliRun {
        cli_in(&self.dir, args, None).await
    }
}
