//! What Chime tells its user outside its window, end to end: the desktop
//! app's notifications (seen by a stand-in notification service on the
//! session bus, which also clicks them), the tray's pause for a while, and
//! `chime serve` writing to its log the alerts it has no desktop to show.
//! `make test` runs these under xvfb-run and dbus-run-session.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Local, NaiveTime, TimeZone, Utc};
use serde_json::{json, Value};
use support::desktop::{with_app, Tray, WAIT};
use support::{eventually, Chime, Reply, Target};

const PATH: &str = "/org/freedesktop/Notifications";
const INTERFACE: &str = "org.freedesktop.Notifications";

/// One notification the app asked for.
#[derive(Debug, Clone)]
struct Shown {
    id: u32,
    title: String,
    body: String,
    actions: Vec<String>,
}

/// The notification service's side of the Desktop Notifications
/// specification, as far as the app uses it.
struct Service {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Service {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = shown.len() as u32 + 1;
        shown.push(Shown {
            id,
            title: summary,
            body,
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        let name = "chime-e2e".to_string();
        (name.clone(), name, "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// A stand-in for the desktop's notification service: it records what the
/// app asks to show, and clicks a notification as a person would.
struct Desktop {
    connection: zbus::blocking::Connection,
    shown: Arc<Mutex<Vec<Shown>>>,
}

impl Desktop {
    fn start() -> Desktop {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let service = Service {
            shown: shown.clone(),
        };
        let connection = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.name(INTERFACE))
            .and_then(|b| b.serve_at(PATH, service))
            .and_then(|b| b.build())
            .expect("the session bus takes a notification service (run under dbus-run-session)");
        Desktop { connection, shown }
    }

    /// The first `n` notifications shown, waiting for them.
    async fn wait_for(&self, n: usize) -> Vec<Shown> {
        eventually(&format!("{n} notifications"), WAIT, async || {
            let shown = self.shown.lock().unwrap().clone();
            (shown.len() >= n).then_some(shown)
        })
        .await
    }

    fn shown(&self) -> Vec<Shown> {
        self.shown.lock().unwrap().clone()
    }

    /// A click on the notification itself: the specification's `default` action.
    fn click(&self, notification: &Shown) {
        self.connection
            .emit_signal(
                None::<&str>,
                PATH,
                INTERFACE,
                "ActionInvoked",
                &(notification.id, "default"),
            )
            .expect("the click reaches the bus");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_failures_then_a_success_notify_once_each_and_a_click_opens_the_schedule() {
    // The schedule's first three runs fail, every later one succeeds; /gone
    // is a one-off job's target that fails for good.
    let target = Target::start(|seen| match seen.path.as_str() {
        "/gone" => Reply::status(404),
        _ if seen.n <= 3 => Reply::status(500),
        _ => Reply::json(200, json!({"ok": true})),
    })
    .await;
    let desktop = Desktop::start();
    let dir = tempfile::tempdir().unwrap();
    with_app("alert_notifications", dir.path(), async |app| {
        let (_, created) = app
            .api
            .post(
                "/api/jobs",
                json!({"url": target.url("/orders"), "name": "Sync orders",
                       "repeat_every": "1 second", "retry": {"max_attempts": 1},
                       "alert": {"after_failures": 3}}),
            )
            .await;
        let schedule_id = created["data"]["schedule_id"].as_str().unwrap().to_string();
        let first_two = desktop.wait_for(2).await;
        let (failing, recovered) = (&first_two[0], &first_two[1]);
        assert_eq!(failing.title, "Sync orders is failing");
        assert_eq!(
            failing.body,
            "Sync orders failed 3 times in a row: 500 Internal Server Error"
        );
        assert_eq!(recovered.title, "Sync orders works again");
        assert!(
            recovered.body.starts_with("Sync orders works again"),
            "{recovered:?}"
        );

        // Something that notifies later, so that anything more the schedule
        // asked for would have come before it.
        app.api
            .post(
                "/api/jobs",
                json!({"url": target.url("/gone"), "name": "nightly export",
                       "retry": {"max_attempts": 1}}),
            )
            .await;
        let shown = desktop.wait_for(3).await;
        let titles: Vec<&str> = shown.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Sync orders is failing",
                "Sync orders works again",
                "A job failed"
            ],
            "one notification for the three failures, one for the recovery: {shown:?}"
        );
        assert!(shown[2].body.contains("nightly export"), "{shown:?}");
        let runs = target.seen().iter().filter(|s| s.path == "/orders").count();
        assert!(
            runs >= 4,
            "the schedule ran on past its recovery ({runs} runs)"
        );

        // Each one can be clicked; this one leads to the schedule's page.
        assert!(
            shown.iter().all(|s| s.actions.contains(&"default".into())),
            "{shown:?}"
        );
        app.go("/log").await;
        desktop.click(failing);
        let page = format!("/schedules/{schedule_id}");
        eventually("the window on the schedule's page", WAIT, async || {
            let url = app.client.current_url().await.ok()?;
            (url.fragment() == Some(page.as_str())).then_some(())
        })
        .await;
        app.wait_for_text("Sync orders").await;
        assert_eq!(desktop.shown().len(), 3, "{:?}", desktop.shown());
    })
    .await;
}

/// An instant the status gives, such as `paused_until`.
fn instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    Some(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_pauses_everything_for_an_hour_or_until_tomorrow_morning() {
    let dir = tempfile::tempdir().unwrap();
    with_app("tray_pause_until", dir.path(), async |app| {
        let tray = Tray::of(app.api.instance_pid()).await;
        let paused_until = async || {
            let (_, status) = app.api.get("/api/status").await;
            let data = &status["data"];
            (data["paused"] == true).then(|| instant(&data["paused_until"]))?
        };

        let asked = Utc::now();
        tray.click("Pause all for 1 hour");
        let until = eventually("a pause for an hour", WAIT, async || paused_until().await).await;
        let off = (until - (asked + chrono::Duration::hours(1))).num_seconds();
        assert!(
            (0..60).contains(&off),
            "paused until {until}, asked at {asked}"
        );
        let shown = format!(
            "Resume all (paused until {})",
            until.with_timezone(&Local).format("%a %H:%M")
        );
        eventually("the tray to say when the pause ends", WAIT, async || {
            tray.labels().contains(&shown).then_some(())
        })
        .await;

        tray.click("Pause all until tomorrow 9:00");
        let tomorrow = Local::now().date_naive().succ_opt().unwrap();
        let nine = tomorrow.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        let morning = Local.from_local_datetime(&nine).earliest().unwrap();
        eventually("a pause until tomorrow morning", WAIT, async || {
            (paused_until().await? == morning).then_some(())
        })
        .await;

        let resume = eventually("the resume item", WAIT, async || {
            let labels = tray.labels();
            labels
                .into_iter()
                .find(|l| l.starts_with("Resume all (paused until "))
        })
        .await;
        tray.click(&resume);
        eventually("the engine to resume", WAIT, async || {
            let (_, status) = app.api.get("/api/status").await;
            let data = &status["data"];
            (data["paused"] == false && data["paused_until"].is_null()).then_some(())
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chime_serve_logs_the_alerts_it_has_no_desktop_for() {
    let target = Target::start(|_| Reply::status(503)).await;
    let chime = Chime::start_logging("info", &["--allow-http"]).await;
    // Credentials in the URL, which the log must not show.
    let url = target
        .url("/orders")
        .replacen("http://", "http://me:s3cret@", 1);
    let (status, body) = chime
        .post(
            "/api/jobs",
            json!({"url": url, "repeat_every": "1 second", "retry": {"max_attempts": 1},
                   "alert": {"after_failures": 2, "channels": ["desktop"]}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let line = eventually("the alert in the log", WAIT, async || {
        let log = chime.log_text();
        log.lines()
            .find(|l| l.contains(" is failing: "))
            .map(str::to_string)
    })
    .await;
    assert!(line.contains(" INFO "), "{line}");
    assert!(
        line.contains("failed 2 times in a row: 503 Service Unavailable"),
        "{line}"
    );
    assert!(!chime.log_text().contains("s3cret"), "{}", chime.log_text());
}
