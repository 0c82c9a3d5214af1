//! Drives the real desktop app: `chime-app` under Xvfb, through tauri-driver and
//! WebKitWebDriver. When a test fails, its screenshot and the app's log are
//! kept in `.e2e-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::{json, Value};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

/// tauri-driver listens on one port, so the apps run one at a time.
fn one_at_a_time() -> &'static Mutex<()> {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| Mutex::new(()))
}

const DRIVER: &str = "http://127.0.0.1:4444";
/// The desktop app's binary (`chime` with no arguments starts it).
pub const APP: &str = env!("CARGO_BIN_EXE_chime-app");
pub const WAIT: Duration = Duration::from_secs(20);
const TEST_LIMIT: Duration = Duration::from_secs(120);

pub struct App {
    pub client: fantoccini::Client,
    driver: Child,
    pub dir: PathBuf,
    /// The app's API, for checks from outside the window.
    pub api: super::Chime,
}

/// Runs `test` against a new app on the data folder `dir`; on failure keeps a
/// screenshot and the app's log under `.e2e-artifacts/<name>/`.
pub async fn with_app<F>(name: &str, dir: &Path, test: F)
where
    F: AsyncFnOnce(&App),
{
    let _turn = one_at_a_time().lock().await;
    let app = App::launch(dir).await;
    let outcome = std::panic::AssertUnwindSafe(test(&app))
        .catch_unwind()
        .await;
    if outcome.is_err() {
        app.keep_artifacts(name).await;
    }
    app.quit().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` while no app of these tests is running (so none holds the
/// session bus's single-instance name).
#[allow(dead_code)]
pub async fn without_app<F: AsyncFnOnce()>(test: F) {
    let _turn = one_at_a_time().lock().await;
    test().await;
}

impl App {
    async fn launch(dir: &Path) -> App {
        let home = App::home_of(dir);
        std::fs::create_dir_all(&home).unwrap();
        let mut driver = Command::new(driver_path())
            // Its own process group, so tauri-driver, WebKitWebDriver and the
            // app can be stopped together.
            .process_group(0)
            .env("CHIME_DATA_DIR", dir)
            // A home of its own: what the app writes there (window state,
            // the autostart entry) stays out of the user's and other tests'.
            .env("HOME", &home)
            .env("CHIME_PORT", "0")
            .env("CHIME_ALLOW_HTTP", "1")
            .env("CHIME_LOG", "info")
            .env("NO_AT_BRIDGE", "1")
            // Containers and minimal installs: the webview then reports the
            // language `C`, which Intl rejects. Every end-to-end test runs so.
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("CHIME_API_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("tauri-driver starts (make test installs it)");
        wait_for_driver(&mut driver).await;
        let capabilities: serde_json::Map<String, Value> = json!({
            "tauri:options": {"application": APP}
        })
        .as_object()
        .unwrap()
        .clone();
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(DRIVER)
            .await
            .expect("a WebDriver session with the app");
        let api = super::Chime::attach(dir).await;
        let app = App {
            client,
            driver,
            dir: dir.to_path_buf(),
            api,
        };
        app.find("nav[aria-label='Main']").await;
        app
    }

    /// The home folder the app on data folder `dir` runs with.
    fn home_of(dir: &Path) -> PathBuf {
        dir.join("home")
    }

    pub fn home(&self) -> PathBuf {
        App::home_of(&self.dir)
    }

    async fn quit(mut self) {
        // Closing the session ends the app; then tauri-driver and
        // WebKitWebDriver go. The next test's app must not find this one
        // still running: it would hand over to it (one instance at a time).
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        if let Some(pid) = self.driver.id() {
            // SAFETY: signalling the process group we created.
            unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
        }
        let _ = self.driver.wait().await;
        let app_pid = self.api.instance_pid();
        for _ in 0..100 {
            // SAFETY: signal 0 only checks that the process exists.
            if unsafe { libc::kill(app_pid, 0) } != 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // SAFETY: the app this test started, still running after 5 s.
        unsafe { libc::kill(app_pid, libc::SIGKILL) };
    }

    async fn keep_artifacts(&self, name: &str) {
        let out = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".e2e-artifacts")
            .join(name);
        let _ = std::fs::create_dir_all(&out);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(out.join("screenshot.png"), png);
        }
        if let Ok(entries) = std::fs::read_dir(self.dir.join("logs")) {
            for entry in entries.flatten() {
                let _ = std::fs::copy(entry.path(), out.join(entry.file_name()));
            }
        }
        eprintln!("kept the screenshot and the app's log in {}", out.display());
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn find_xpath(&self, xpath: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(xpath))
            .await
            .unwrap_or_else(|e| panic!("no element {xpath}: {e}"))
    }

    /// The control a `<label>` names.
    pub async fn field(&self, label: &str) -> Element {
        self.find_xpath(&format!(
            "//*[@id=//label[normalize-space()={}]/@for]",
            quote(label)
        ))
        .await
    }

    /// A button by its aria-label or its label text (its shortcut hint aside).
    pub async fn button(&self, name: &str) -> Element {
        let q = quote(name);
        self.find_xpath(&format!(
            "(//button[@aria-label={q} or normalize-space()={q} or .//*[contains(@class, 'btn__label') and normalize-space()={q}]])[1]"
        ))
        .await
    }

    pub async fn click(&self, name: &str) {
        self.button(name)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {name}: {e}"));
    }

    /// Puts the keyboard focus in the jobs table's row that shows `text`, as
    /// a keyboard user tabbing to it does: its actions show on focus (and on
    /// hover, which WebKitWebDriver cannot do).
    pub async fn focus_row(&self, text: &str) {
        let link = self
            .find_xpath(&format!(
                "//tr[contains(@class, 'jobs-row')][.//*[contains(normalize-space(text()), {})]]//a[1]",
                quote(text)
            ))
            .await;
        let element = serde_json::to_value(link).unwrap();
        self.client
            .execute("arguments[0].focus()", vec![element])
            .await
            .unwrap_or_else(|e| panic!("cannot focus the row of {text}: {e}"));
    }

    /// Replaces a field's text.
    pub async fn type_into(&self, label: &str, text: &str) {
        replace_text(&self.field(label).await, text).await;
    }

    /// Waits until the page shows `text`.
    pub async fn wait_for_text(&self, text: &str) -> Element {
        self.find_xpath(&format!(
            "//*[contains(normalize-space(text()), {})]",
            quote(text)
        ))
        .await
    }

    pub async fn page_text(&self) -> String {
        self.find("body").await.text().await.unwrap_or_default()
    }

    /// Points WebDriver at the window the app built again after its last
    /// one was closed (and destroyed), once the page in it is up.
    pub async fn use_newest_window(&self) {
        let handle = super::eventually("a window for WebDriver", WAIT, async || {
            self.client.windows().await.ok()?.pop()
        })
        .await;
        self.client.switch_to_window(handle).await.unwrap();
        self.find("nav[aria-label='Main']").await;
    }

    /// Navigates inside the app (hash routes).
    pub async fn go(&self, route: &str) {
        self.client
            .execute(
                &format!("window.location.hash = {}", quote_js(route)),
                vec![],
            )
            .await
            .unwrap();
    }
}

/// Replaces an input's text as a person would: End, Backspace over what is
/// there, then the new text, so the page sees every input event (WebDriver's
/// clear sends none, and WebKitWebDriver does not release modifier keys).
pub async fn replace_text(field: &Element, text: &str) {
    let old = field.prop("value").await.ok().flatten().unwrap_or_default();
    let erase = "\u{E003}".repeat(old.chars().count());
    field
        .send_keys(&format!("\u{E010}{erase}{text}"))
        .await
        .unwrap();
}

async fn wait_for_driver(driver: &mut Child) {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("tauri-driver exited at once ({status})");
        }
        if http
            .get(format!("{DRIVER}/status"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tauri-driver did not answer on {DRIVER}");
}

fn driver_path() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        let p = PathBuf::from(home).join("bin/tauri-driver");
        if p.exists() {
            return p;
        }
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let p = home.join(".cargo/bin/tauri-driver");
    if p.exists() {
        p
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// An XPath string literal.
fn quote(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

fn quote_js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Closes the app's window the way its close button does: the window
/// manager's WM_DELETE_WINDOW message (WebDriver's own "close window" would
/// end the session and the app with it).
pub fn close_window_as_a_person_would(title: &str) {
    let found = for_windows_named(title, |conn, window| {
        use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};
        let atom = |name: &str| {
            conn.intern_atom(false, name.as_bytes())
                .unwrap()
                .reply()
                .unwrap()
                .atom
        };
        let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
        let message = ClientMessageEvent::new(
            32,
            window,
            protocols,
            [delete, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        conn.send_event(false, window, EventMask::NO_EVENT, message)
            .unwrap();
    });
    assert!(found > 0, "no window named {title}");
}

/// Whether any window with this title is mapped (shown); a closed window is
/// destroyed, so none may exist.
pub fn window_is_shown(title: &str) -> bool {
    let mut shown = false;
    for_windows_named(title, |conn, window| {
        use x11rb::errors::ReplyError;
        use x11rb::protocol::xproto::{ConnectionExt, MapState};
        use x11rb::protocol::ErrorKind;
        match conn.get_window_attributes(window).unwrap().reply() {
            Ok(attributes) => shown |= attributes.map_state == MapState::VIEWABLE,
            // Destroyed between the tree walk and this question: not shown.
            Err(ReplyError::X11Error(e)) if e.error_kind == ErrorKind::Window => {}
            Err(e) => panic!("the attributes of window {window}: {e:?}"),
        }
    });
    shown
}

/// Runs `f` on every window of the display whose WM_NAME is `title`, and
/// says how many there were.
fn for_windows_named(
    title: &str,
    mut f: impl FnMut(&x11rb::rust_connection::RustConnection, u32),
) -> usize {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, Window};

    let (conn, screen) = x11rb::connect(None).expect("the X display");
    let mut pending: Vec<Window> = vec![conn.setup().roots[screen].root];
    let mut found = 0;
    while let Some(window) = pending.pop() {
        pending.extend(
            conn.query_tree(window)
                .unwrap()
                .reply()
                .map(|t| t.children)
                .unwrap_or_default(),
        );
        let name = conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
            .unwrap()
            .reply()
            .map(|p| String::from_utf8_lossy(&p.value).into_owned())
            .unwrap_or_default();
        if name == title {
            f(&conn, window);
            found += 1;
        }
    }
    conn.flush().unwrap();
    found
}

/// The app's tray menu, reached the way a desktop panel reaches it: the
/// StatusNotifierItem's menu, exported over the session bus as dbusmenu
/// (with no panel under Xvfb the item still exports it). Driven with `gdbus`.
pub struct Tray {
    bus_name: String,
    menu_path: String,
}

impl Tray {
    /// The tray menu of the process `pid`, waiting for it to appear.
    pub async fn of(pid: i32) -> Tray {
        super::eventually("the app's tray menu on the session bus", WAIT, async || {
            let names = gdbus(&[
                "--dest",
                "org.freedesktop.DBus",
                "--object-path",
                "/org/freedesktop/DBus",
                "--method",
                "org.freedesktop.DBus.ListNames",
            ])?;
            for name in quoted(&names).into_iter().filter(|n| n.starts_with(':')) {
                let owner = gdbus(&[
                    "--dest",
                    "org.freedesktop.DBus",
                    "--object-path",
                    "/org/freedesktop/DBus",
                    "--method",
                    "org.freedesktop.DBus.GetConnectionUnixProcessID",
                    &name,
                ]);
                if owner.is_none_or(|o| !o.contains(&format!("uint32 {pid},"))) {
                    continue;
                }
                // Not every connection of the app can be introspected (its
                // notification client's cannot); the tray's is another one.
                let Some(tree) = gdbus_introspect(&name) else {
                    continue;
                };
                let menu = tree
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("node "))
                    .map(|l| l.trim_end_matches(" {").to_string())
                    .find(|p| {
                        p.starts_with("/org/ayatana/NotificationItem/") && p.ends_with("/Menu")
                    });
                if let Some(menu_path) = menu {
                    return Some(Tray {
                        bus_name: name,
                        menu_path,
                    });
                }
            }
            None
        })
        .await
    }

    /// The menu's items: (id, label), separators left out.
    pub fn items(&self) -> Vec<(i32, String)> {
        let layout = self
            .call("com.canonical.dbusmenu.GetLayout", &["0", "-1", "@as []"])
            .expect("the menu's layout");
        let mut items = Vec::new();
        for part in layout.split("<(").skip(1) {
            let id = part.split(',').next().and_then(|s| s.trim().parse().ok());
            let label = part
                .split_once("'label': <'")
                .and_then(|(_, rest)| rest.split_once("'>"))
                .map(|(label, _)| label.to_string());
            if let (Some(id), Some(label)) = (id, label) {
                items.push((id, label));
            }
        }
        items
    }

    pub fn labels(&self) -> Vec<String> {
        self.items().into_iter().map(|(_, label)| label).collect()
    }

    /// Clicks the item labelled `label`, as a panel does.
    pub fn click(&self, label: &str) {
        let items = self.items();
        let (id, _) = items
            .iter()
            .find(|(_, l)| l == label)
            .unwrap_or_else(|| panic!("no tray item {label:?} in {items:?}"));
        self.call(
            "com.canonical.dbusmenu.Event",
            &[&id.to_string(), "clicked", "<0>", "0"],
        )
        .unwrap_or_else(|| panic!("clicking {label:?} failed"));
    }

    fn call(&self, method: &str, args: &[&str]) -> Option<String> {
        let mut all = vec![
            "--dest",
            &self.bus_name,
            "--object-path",
            &self.menu_path,
            "--method",
            method,
            "--",
        ];
        all.extend_from_slice(args);
        gdbus(&all)
    }
}

/// `gdbus call --session ARGS`: its output when it succeeded.
fn gdbus(args: &[&str]) -> Option<String> {
    gdbus_run(&[&["call", "--session"], args].concat())
}

/// Every object `name` exports, with its interfaces.
fn gdbus_introspect(name: &str) -> Option<String> {
    gdbus_run(&[
        "introspect",
        "--session",
        "--recurse",
        "--object-path",
        "/",
        "--dest",
        name,
    ])
}

fn gdbus_run(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("gdbus")
        .args(args)
        .output()
        .expect("gdbus (from libglib2.0-bin) runs");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The single-quoted strings in gdbus output.
fn quoted(text: &str) -> Vec<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The WebKit processes the app `pid` runs (its web process, its network
/// process), by their short names: "WebKitWebProces", "WebKitNetworkPr".
pub fn webkit_children(pid: i32) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "PID (COMM) STATE PPID ...": the name may hold spaces, so split
        // after its closing parenthesis.
        let Some((head, tail)) = stat.rsplit_once(')') else {
            continue;
        };
        let name = head.split_once('(').map(|(_, n)| n).unwrap_or_default();
        let parent = tail.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if parent == Some(pid) && name.starts_with("WebKit") {
            names.push(name.to_string());
        }
    }
    names
}
