//! The real desktop app, end to end: under Xvfb, through tauri-driver and
//! WebKitWebDriver (`make test` runs these under xvfb-run).

mod support;

use std::time::Duration;

use serde_json::json;
use support::desktop::{with_app, WAIT};
use support::{eventually, Reply, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_made_in_the_form_arrives_and_shows_its_outcome() {
    let target = Target::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("form_job", dir.path(), async |app| {
        app.click("New job").await;
        let url = app.field("URL").await;
        url.send_keys(&target.url("/from-the-form")).await.unwrap();
        app.click("Now").await;
        app.click("Schedule job").await;
        let seen = target.wait_for(1, WAIT).await;
        assert_eq!(seen.len(), 1, "the job reached the target");
        assert_eq!(seen[0].path, "/from-the-form");
        // The jobs view shows it with its outcome.
        app.find_xpath(
            "//table[@aria-label='Jobs and schedules']//*[contains(normalize-space(.), '200')]",
        )
        .await;
    })
    .await;
}

/// The `datetime` of each run the schedule preview lists, read in one go
/// (the list is redrawn as the preview refreshes).
async fn previewed_runs(app: &support::desktop::App) -> Vec<String> {
    let script = "return [...document.querySelectorAll(\"ol[aria-label='Next runs'] time\")].map(t => t.getAttribute('datetime'))";
    let runs = app.client.execute(script, vec![]).await.unwrap_or_default();
    serde_json::from_value(runs).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visual_cron_editor_changes_the_rule_and_its_next_runs() {
    let dir = tempfile::tempdir().unwrap();
    with_app("cron_editor", dir.path(), async |app| {
        app.click("New job").await;
        app.click("Cron").await;
        app.click("Every day at 9").await;
        let rule = app.field("Cron expression").await;
        assert_eq!(
            rule.prop("value").await.unwrap().as_deref(),
            Some("0 9 * * *")
        );
        let at_nine = eventually("the preview of 09:00 runs", WAIT, async || {
            let runs = previewed_runs(app).await;
            (runs.len() == 10 && runs.iter().all(|r| r.contains("T09:00:00"))).then_some(runs)
        })
        .await;
        // The hour, changed in the visual editor, rewrites the rule and the runs.
        let hour = app.find("input[aria-label='Hour values']").await;
        support::desktop::replace_text(&hour, "17").await;
        eventually("the rule to follow the hour field", WAIT, async || {
            (rule.prop("value").await.ok()?.as_deref() == Some("0 17 * * *")).then_some(())
        })
        .await;
        let at_five = eventually("the preview of 17:00 runs", WAIT, async || {
            let runs = previewed_runs(app).await;
            (runs.len() == 10 && runs.iter().all(|r| r.contains("T17:00:00"))).then_some(runs)
        })
        .await;
        assert_ne!(at_nine, at_five);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_is_paused_and_resumed_from_the_jobs_view() {
    let target = Target::start(|_| Reply::status(200)).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("pause_resume", dir.path(), async |app| {
        let (_, created) = app
            .api
            .post("/api/jobs", json!({"url": target.url("/tick"), "repeat_every": "1 hour", "name": "hourly tick"}))
            .await;
        let schedule = created["data"]["schedule_id"].as_str().unwrap().to_string();
        app.wait_for_text("hourly tick").await;
        app.focus_row("hourly tick").await;
        app.click("Pause").await;
        app.click("Pause schedule").await; // the confirmation
        let disabled = eventually("the schedule to be disabled", WAIT, async || {
            let (_, s) = app.api.get(&format!("/api/schedules/{schedule}")).await;
            s["data"]["disabled_at"].is_string().then_some(s)
        })
        .await;
        assert!(disabled["data"]["next_run_at"].is_null());
        app.focus_row("hourly tick").await;
        app.click("Resume").await;
        eventually("the schedule to be enabled again", WAIT, async || {
            let (_, s) = app.api.get(&format!("/api/schedules/{schedule}")).await;
            (s["data"]["disabled_at"].is_null() && s["data"]["next_run_at"].is_string()).then_some(())
        })
        .await;
        app.button("Pause").await; // the row offers to pause again
    })
    .await;
}

/// The schedule's `resume_at`, once the API shows it paused until then.
async fn resume_at(app: &support::desktop::App, id: &str) -> chrono::DateTime<chrono::Utc> {
    eventually("the schedule to be paused until a time", WAIT, async || {
        let (_, s) = app.api.get(&format!("/api/schedules/{id}")).await;
        let paused = s["data"]["disabled_at"].is_string();
        paused.then(|| s["data"]["resume_at"].as_str()?.parse().ok())?
    })
    .await
}

/// The schedule page's "Paused until …" where its next runs would be.
async fn paused_until_text(app: &support::desktop::App) -> String {
    let line = app
        .find_xpath("//p[contains(normalize-space(.), 'it resumes by itself then')]")
        .await;
    line.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_is_paused_for_an_hour_or_until_tomorrow_nine_from_its_page() {
    use chrono::{Duration as Span, TimeZone, Utc};
    let target = Target::start(|_| Reply::status(200)).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("pause_until", dir.path(), async |app| {
        // Times show in the display zone, and "tomorrow 9:00" is read there.
        let (status, _) = app
            .api
            .call(
                reqwest::Method::PATCH,
                "/api/settings",
                Some(json!({"default_timezone": "Asia/Tokyo"})),
            )
            .await;
        assert_eq!(status, 200);
        let (_, created) = app
            .api
            .post("/api/jobs", json!({"url": target.url("/report"), "repeat_every": "1 hour", "name": "hourly report"}))
            .await;
        let id = created["data"]["schedule_id"].as_str().unwrap().to_string();
        app.client.refresh().await.unwrap(); // the new setting
        app.go(&format!("/schedules/{id}")).await;
        // Its own page's title: the jobs list it replaces shows the name too,
        // with a Pause button of its own that goes away under a click.
        app.find_xpath("//h1[@id='page-title'][contains(normalize-space(.), 'hourly report')]")
            .await;

        app.click("Pause").await;
        let before = Utc::now();
        app.click("Pause for 1 hour").await;
        let until = resume_at(app, &id).await;
        let after = Utc::now();
        assert!(
            until >= before + Span::minutes(60) - Span::seconds(1)
                && until <= after + Span::minutes(60) + Span::seconds(1),
            "an hour from the click: {until}"
        );
        let said = paused_until_text(app).await;
        assert!(said.starts_with("Paused until"), "{said}");
        assert!(said.contains("GMT+9"), "in the display zone: {said}");

        app.click("Resume").await;
        eventually("the schedule to be enabled again", WAIT, async || {
            let (_, s) = app.api.get(&format!("/api/schedules/{id}")).await;
            (s["data"]["disabled_at"].is_null() && s["data"]["resume_at"].is_null()).then_some(())
        })
        .await;

        let tomorrow_nine = || {
            let tokyo = chrono_tz::Asia::Tokyo;
            let tomorrow = Utc::now().with_timezone(&tokyo).date_naive() + Span::days(1);
            let nine = tomorrow.and_hms_opt(9, 0, 0).unwrap();
            tokyo.from_local_datetime(&nine).unwrap().with_timezone(&Utc)
        };
        app.click("Pause").await;
        let expected = tomorrow_nine();
        app.click("Pause until tomorrow 9:00").await;
        let until = resume_at(app, &id).await;
        assert!(
            until == expected || until == tomorrow_nine(),
            "tomorrow 09:00 in Tokyo ({expected}), not {until}"
        );
        let said = eventually("the page to say the new time", WAIT, async || {
            let said = paused_until_text(app).await;
            said.contains("09:00 AM GMT+9").then_some(said)
        })
        .await;
        assert!(said.starts_with("Paused until"), "{said}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_window_keeps_the_scheduler_running() {
    let target = Target::start(|_| Reply::status(200)).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("close_window", dir.path(), async |app| {
        let (_, created) = app
            .api
            .post(
                "/api/jobs",
                json!({"url": target.url("/later"), "schedule_in": "3 seconds"}),
            )
            .await;
        let id = created["data"]["id"].as_str().unwrap().to_string();
        assert!(support::desktop::window_is_shown("Chime"));
        support::desktop::close_window_as_a_person_would("Chime");
        eventually("the window to hide", WAIT, async || {
            (!support::desktop::window_is_shown("Chime")).then_some(())
        })
        .await;
        let seen = target.wait_for(1, WAIT).await;
        assert_eq!(seen.len(), 1, "the job ran with the window closed");
        app.api
            .job_when(&id, "the job to be recorded", WAIT, |j| {
                j["state"] == "completed"
            })
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_second_schedule_on_todays_calendar_and_in_the_live_log() {
    // Every other run fails, so past runs show both outcomes.
    let target = Target::start(|seen| {
        let status = if seen.n % 2 == 0 { 500 } else { 200 };
        Reply::json(status, json!({"marker": format!("chime-e2e-{}", seen.n)}))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    with_app("calendar_and_log", dir.path(), async |app| {
        let (status, _) = app
            .api
            .post(
                "/api/jobs",
                json!({"url": target.url("/every-two"), "repeat_every": 2, "name": "every two",
                       "retry": {"max_attempts": 1}}),
            )
            .await;
        assert_eq!(status, 201);
        target.wait_for(4, WAIT).await;

        app.go("/calendar").await;
        // The future runs: a dense series, drawn as one band.
        let band = app.find(".cal-band--upcoming").await;
        let title = eventually("the band's title", WAIT, async || {
            let text = band.prop("textContent").await.ok()??;
            text.contains("every two").then_some(text)
        })
        .await;
        assert!(title.contains("Every 2 seconds"), "{title}");
        // The past runs, coloured by outcome.
        app.find(".cal-run--past.cal-tone--success").await;
        app.find(".cal-run--past.cal-tone--failure").await;

        app.go("/log").await;
        let toggle = app
            .find("button.log-row__toggle[aria-label^='Expand response']")
            .await;
        toggle.click().await.unwrap();
        let body = app.find("section[aria-label='Response body']").await;
        let shown = eventually("the response body to show", WAIT, async || {
            let text = body.text().await.ok()?;
            text.contains("chime-e2e-").then_some(text)
        })
        .await;
        assert!(shown.contains("marker"), "{shown}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settings_change_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    with_app("settings_change", dir.path(), async |app| {
        app.go("/settings").await;
        let field = app.field("Keep the log for (days)").await;
        support::desktop::replace_text(&field, "7\u{E007}").await; // Enter saves
        eventually("the setting to be saved", WAIT, async || {
            let (_, s) = app.api.get("/api/settings").await;
            (s["data"]["retention_days"] == 7).then_some(())
        })
        .await;
    })
    .await;
    with_app("settings_after_restart", dir.path(), async |app| {
        app.go("/settings").await;
        let field = app.field("Keep the log for (days)").await;
        eventually("the saved value after the restart", WAIT, async || {
            (field.prop("value").await.ok()?.as_deref() == Some("7")).then_some(())
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_hands_over_to_the_first() {
    let dir = tempfile::tempdir().unwrap();
    with_app("single_instance", dir.path(), async |app| {
        let first_pid = app.api.instance_pid();
        support::desktop::close_window_as_a_person_would("Chime");
        eventually("the window to close", WAIT, async || {
            (!support::desktop::window_is_shown("Chime")).then_some(())
        })
        .await;
        // A second `chime` on the same session: it shows the first and leaves.
        let second = second_launch(env!("CARGO_BIN_EXE_chime"), dir.path()).await;
        assert!(second.status.success(), "{second:?}");
        let (status, ping) = app.api.get("/api/status").await;
        assert_eq!(status, 200, "the first one still answers: {ping}");
        let instance: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("instance.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            instance["pid"].as_i64(),
            Some(i64::from(first_pid)),
            "the first one is still the one running"
        );
        eventually("the first one's window to open again", WAIT, async || {
            support::desktop::window_is_shown("Chime").then_some(())
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_on_a_folder_chime_serve_holds_says_so_and_leaves() {
    support::desktop::without_app(async || {
        let serve = support::Chime::start(&[]).await;
        refused_for_the_folder(&serve.dir).await;
        let (status, ping) = serve.get("/api/status").await;
        assert_eq!(status, 200, "chime serve still answers: {ping}");
    })
    .await;
}

/// On the session bus, a first app that takes a hand-over and never answers.
struct Hung;

#[zbus::interface(name = "org.SingleInstance.DBus")]
impl Hung {
    async fn execute_callback(&self, _argv: Vec<String>, _cwd: String) {
        std::future::pending::<()>().await;
    }
}

const SINGLE_INSTANCE: &str = "dev.chime.app.SingleInstance";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_gives_up_on_a_first_app_that_does_not_answer() {
    support::desktop::without_app(async || {
        let serve = support::Chime::start(&[]).await;
        let hung = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.name(SINGLE_INSTANCE))
            .and_then(|b| b.serve_at("/dev/chime/app/SingleInstance", Hung))
            .and_then(|b| b.build())
            .expect("the session bus (run under dbus-run-session)");
        refused_for_the_folder(&serve.dir).await;
        // The next test's app must own the name.
        hung.release_name(SINGLE_INSTANCE).unwrap();
    })
    .await;
}

/// Launches the app on `dir`, which another Chime holds: it must leave with
/// exit code 1, saying so.
async fn refused_for_the_folder(dir: &std::path::Path) {
    let out = second_launch(support::desktop::APP, dir).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another Chime is already running with the data folder"),
        "{stderr}"
    );
}

/// `program` (`chime` or `chime-app`) started on the data folder `dir` while
/// another Chime may hold it: what it said, once it ended (within WAIT).
async fn second_launch(program: &str, dir: &std::path::Path) -> std::process::Output {
    let launch = tokio::process::Command::new(program)
        .env("CHIME_DATA_DIR", dir)
        .env("CHIME_PORT", "0")
        .env("NO_AT_BRIDGE", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(WAIT, launch)
        .await
        .expect("the launch ends")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_fails_for_good_raises_a_desktop_notification() {
    let target = Target::start(|_| Reply::status(404)).await;
    let dir = tempfile::tempdir().unwrap();
    // What the app asks the desktop's notification service, seen on the session
    // bus (under Xvfb no service answers: the app must log that and go on).
    let mut monitor = tokio::process::Command::new("dbus-monitor")
        .args([
            "--session",
            "interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("dbus-monitor (from the dbus package) runs");
    let mut seen = monitor.stdout.take().unwrap();
    with_app("notification", dir.path(), async |app| {
        let (_, body) = app
            .api
            .post(
                "/api/jobs",
                json!({"url": target.url("/gone"), "name": "nightly export"}),
            )
            .await;
        let id = body["data"]["id"].as_str().unwrap().to_string();
        app.api
            .job_when(&id, "the job to be discarded", WAIT, |j| {
                j["state"] == "discarded"
            })
            .await;
        let mut text = String::new();
        let found = tokio::time::timeout(WAIT, async {
            let mut buf = [0u8; 4096];
            use tokio::io::AsyncReadExt;
            while !(text.contains("A job failed") && text.contains("nightly export")) {
                let n = seen.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                text.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
        .await;
        assert!(
            found.is_ok() && text.contains("nightly export"),
            "no notification asked for: {text}"
        );
        let (status, _) = app.api.get("/api/status").await;
        assert_eq!(status, 200, "a notification nobody shows is not fatal");
    })
    .await;
    let _ = monitor.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_at_login_follows_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    with_app("launch_at_login", dir.path(), async |app| {
        // Where XDG desktops look for what to start at login.
        let autostart = app.home().join(".config/autostart");
        let entries = || -> Vec<std::path::PathBuf> {
            std::fs::read_dir(&autostart)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default()
        };
        assert!(entries().is_empty(), "off by default: {:?}", entries());
        app.go("/settings").await;
        let switch = app
            .find_xpath("//label[normalize-space()='Launch at login']")
            .await;
        switch.click().await.unwrap();
        let entry = eventually("an autostart entry", WAIT, async || {
            entries()
                .into_iter()
                .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        })
        .await;
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(
            text.contains(&format!("Exec={}", support::desktop::APP)),
            "the entry starts this Chime's app: {text}"
        );
        let (_, s) = app.api.get("/api/settings").await;
        assert_eq!(s["data"]["launch_at_login"], true);

        switch.click().await.unwrap();
        eventually("the autostart entry to go", WAIT, async || {
            (!entry.exists()).then_some(())
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_menu_pauses_resumes_shows_the_next_run_and_opens_the_window() {
    let dir = tempfile::tempdir().unwrap();
    with_app("tray", dir.path(), async |app| {
        let tray = support::desktop::Tray::of(app.api.instance_pid()).await;
        let labels = tray.labels();
        for wanted in ["Open Chime", "Next run: none", "Pause all", "Quit Chime"] {
            assert!(labels.iter().any(|l| l == wanted), "{wanted:?} in {labels:?}");
        }

        tray.click("Pause all");
        eventually("the engine to pause", WAIT, async || {
            let (_, status) = app.api.get("/api/status").await;
            (status["data"]["paused"] == true).then_some(())
        })
        .await;
        assert!(tray.labels().iter().any(|l| l == "Resume all"), "{:?}", tray.labels());
        tray.click("Resume all");
        eventually("the engine to resume", WAIT, async || {
            let (_, status) = app.api.get("/api/status").await;
            (status["data"]["paused"] == false).then_some(())
        })
        .await;

        app.api
            .post(
                "/api/jobs",
                json!({"url": "http://127.0.0.1:9/x", "name": "tray check", "schedule_in": "2 hours"}),
            )
            .await;
        eventually("the next run in the menu", WAIT, async || {
            tray.labels()
                .into_iter()
                .find(|l| l.starts_with("Next run: ") && l.ends_with("· tray check"))
        })
        .await;

        support::desktop::close_window_as_a_person_would("Chime");
        eventually("the window to hide", WAIT, async || {
            (!support::desktop::window_is_shown("Chime")).then_some(())
        })
        .await;
        tray.click("Open Chime");
        eventually("the window to come back", WAIT, async || {
            support::desktop::window_is_shown("Chime").then_some(())
        })
        .await;
    })
    .await;
}

/// Under LANG=C.UTF-8 the webview's language is `C`, which Intl rejects: a
/// schedule's run, opened from its outcome badge, still shows its chart, and
/// the navigation works after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedules_run_opens_with_its_chart_under_the_c_locale() {
    let target = Target::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("c_locale_run", dir.path(), async |app| {
        let language = app
            .client
            .execute("return navigator.language", vec![])
            .await
            .unwrap();
        assert_eq!(language, json!("C"), "the webview runs under the C locale");
        app.api
            .post(
                "/api/jobs",
                json!({"url": target.url("/tick"), "repeat_every": 2, "name": "two seconds"}),
            )
            .await;
        target.wait_for(2, WAIT).await;
        app.find("a[title='Open the last run']")
            .await
            .click()
            .await
            .unwrap();
        app.find("[role='img'][aria-label^='Durations and outcomes']")
            .await;
        let text = app.page_text().await;
        assert!(!text.contains("Something went wrong"), "{text}");
        assert!(!text.contains("invalid language tag"), "{text}");
        // The navigation is alive: the calendar opens from the sidebar.
        app.find_xpath("//nav[@aria-label='Main']//a[normalize-space()='Calendar']")
            .await
            .click()
            .await
            .unwrap();
        app.find(".fc").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_window_releases_its_webview_and_reopens_where_it_was() {
    use support::desktop::{close_window_as_a_person_would, webkit_children, window_is_shown};
    let target = Target::start(|_| Reply::status(200)).await;
    let dir = tempfile::tempdir().unwrap();
    with_app("window_cycle", dir.path(), async |app| {
        let pid = app.api.instance_pid();
        let tray = support::desktop::Tray::of(pid).await;
        assert!(
            !support::gui_libraries(pid).is_empty(),
            "the app maps WebKit (the lean binaries' check can see it)"
        );
        app.go("/log").await;
        app.find("section.log-page").await;
        // The builder's draft lives in web storage, which must outlive the webview.
        app.client
            .execute("localStorage.setItem('chime-e2e', 'kept')", vec![])
            .await
            .unwrap();
        let web_process = "WebKitWebProces"; // as /proc names it, cut to 15 bytes
        assert!(webkit_children(pid).iter().any(|n| n == web_process));

        close_window_as_a_person_would("Chime");
        eventually(
            "the web process to exit",
            Duration::from_secs(10),
            async || (!webkit_children(pid).iter().any(|n| n == web_process)).then_some(()),
        )
        .await;
        assert!(!window_is_shown("Chime"));
        // Something happens while the window is closed.
        app.api
            .post("/api/jobs", json!({"url": target.url("/while-closed")}))
            .await;
        target.wait_for(1, WAIT).await;

        tray.click("Open Chime");
        eventually("the window to come back", WAIT, async || {
            window_is_shown("Chime").then_some(())
        })
        .await;
        app.use_newest_window().await;
        let route = app
            .client
            .execute("return location.hash", vec![])
            .await
            .unwrap();
        assert_eq!(route, "#/log", "the window reopens on the route it was on");
        let stored = app
            .client
            .execute("return localStorage.getItem('chime-e2e')", vec![])
            .await
            .unwrap();
        assert_eq!(stored, "kept", "web storage outlives the webview");
        // The log caught up with what happened while closed, and is live again.
        app.find_xpath(&log_row_for("/while-closed")).await;
        app.api
            .post("/api/jobs", json!({"url": target.url("/after-reopening")}))
            .await;
        app.find_xpath(&log_row_for("/after-reopening")).await;
    })
    .await;
}

/// The builder starts a new cron schedule in the Settings' default time
/// zone: 09:00 means 09:00 in Berlin, not UTC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_cron_schedule_starts_in_the_default_time_zone_of_settings() {
    let dir = tempfile::tempdir().unwrap();
    with_app("default_zone", dir.path(), async |app| {
        let (status, _) = app
            .api
            .call(
                reqwest::Method::PATCH,
                "/api/settings",
                Some(json!({"default_timezone": "Europe/Berlin"})),
            )
            .await;
        assert_eq!(status, 200);
        app.click("New job").await;
        app.type_into("URL", "https://example.test/standup").await;
        app.click("Cron").await;
        app.click("Every day at 9").await;
        let zone = app.field("Time zone").await;
        eventually("the zone to be Berlin", WAIT, async || {
            (zone.prop("value").await.ok()?.as_deref() == Some("Europe/Berlin")).then_some(())
        })
        .await;
        // The preview shows 09:00 in Berlin's offset.
        eventually("the preview in Berlin's time", WAIT, async || {
            let runs = previewed_runs(app).await;
            (!runs.is_empty()
                && runs
                    .iter()
                    .all(|r| r.contains("T09:00:00+01:00") || r.contains("T09:00:00+02:00")))
            .then_some(())
        })
        .await;
        app.click("Create schedule").await;
        let schedule = eventually("the schedule to be made", WAIT, async || {
            let (_, list) = app.api.get("/api/schedules").await;
            list["data"].as_array()?.first().cloned()
        })
        .await;
        assert_eq!(schedule["timezone"], "Europe/Berlin");
        assert_eq!(schedule["frequency"]["cron"], "0 9 * * *");
    })
    .await;
}

/// A live log row whose request went to `path`.
fn log_row_for(path: &str) -> String {
    format!("//*[contains(@class, 'log-row__url') and contains(., '{path}')]")
}
