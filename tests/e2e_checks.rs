//! Checks (SPEC 7.2) and the run ledger (SPEC 7.1) in the real desktop app,
//! end to end: under Xvfb, through tauri-driver and WebKitWebDriver.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::desktop::{with_app, App, WAIT};
use support::{eventually, Reply, Target};

/// Long enough for a schedule's first runs (every 2 seconds) and their attempts.
const RUNS: Duration = Duration::from_secs(60);

/// The schedule named `name`, once the API lists it.
async fn schedule_named(app: &App, name: &str) -> Value {
    eventually("the schedule to be saved", WAIT, async || {
        let (_, list) = app.api.get("/api/schedules").await;
        list["data"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
    })
    .await
}

/// Issue 16: a JSON-path check picked by clicking a value in the last
/// response's tree, on a schedule made in the builder; when the target later
/// answers otherwise, the run detail says which check failed and what it saw.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_picked_from_the_response_tree_fails_and_the_detail_says_why() {
    // The first answer (the builder's test request) is healthy; every later one is not.
    let target = Target::start(|seen| {
        let ok = seen.n == 1;
        Reply::json(200, json!({"data": {"ok": ok, "version": "1.4.2"}}))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    with_app("check_from_tree", dir.path(), async |app| {
        app.click("New job").await;
        app.field("URL")
            .await
            .send_keys(&target.url("/health"))
            .await
            .unwrap();
        app.type_into("Name", "health check").await;
        app.click("Every").await;
        app.type_into("Repeat every", "2").await;
        app.find_xpath("//select[@aria-label='Repeat every unit']/option[@value='seconds']")
            .await
            .click()
            .await
            .unwrap();

        // Checks and alerts: pick the path from a response the builder asks for.
        app.find_xpath(
            "//section[@aria-label='Checks and alerts']//button[@aria-expanded='false']",
        )
        .await
        .click()
        .await
        .unwrap();
        app.click("Pick from the response").await;
        app.click("Send a test request").await;
        let tree = app
            .find_xpath("//*[@role='group' and @aria-label='Response to pick from']")
            .await;
        assert!(
            tree.text().await.unwrap().contains("1.4.2"),
            "the tree shows the test request's response"
        );
        app.click("Check that data.ok equals true").await;
        let path = app.find("input[aria-label='Check 1 path']").await;
        assert_eq!(
            path.prop("value").await.unwrap().as_deref(),
            Some("data.ok")
        );
        let value = app.find("input[aria-label='Check 1 value']").await;
        assert_eq!(value.prop("value").await.unwrap().as_deref(), Some("true"));
        let test = app.find("select[aria-label='Check 1 test']").await;
        assert_eq!(test.prop("value").await.unwrap().as_deref(), Some("equals"));

        app.click("Create schedule").await;
        let schedule = schedule_named(app, "health check").await;
        assert_eq!(
            schedule["assert"],
            json!([{"json": "data.ok", "equals": true}]),
            "the schedule keeps the picked check"
        );
        let schedule_id = schedule["id"].as_str().unwrap().to_string();

        // A run whose attempt failed the check (the target now says false).
        let job_id = eventually("a run that failed its check", RUNS, async || {
            let (_, jobs) = app
                .api
                .get(&format!("/api/jobs?schedule_id={schedule_id}"))
                .await;
            for job in jobs["data"].as_array()? {
                let id = job["id"].as_str()?;
                let (_, full) = app.api.get(&format!("/api/jobs/{id}")).await;
                let failed = full["data"]["attempts"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|a| a["outcome"] == "assertion_failed"));
                if failed {
                    return Some(id.to_string());
                }
            }
            None
        })
        .await;

        app.go(&format!("/jobs/detail/{job_id}")).await;
        let failed = app
            .find_xpath(
                "//section[@aria-label='Response']//section[@aria-label='Checks']\
                 //li[contains(@class, 'check--failed')]",
            )
            .await;
        let words = eventually("the failed check in words", WAIT, async || {
            let text = failed.text().await.ok()?;
            text.contains("saw").then_some(text)
        })
        .await;
        assert!(
            words.contains("data.ok equals true"),
            "which check: {words}"
        );
        assert!(words.contains("saw false"), "what it saw: {words}");
        app.find_xpath(
            "//table[@aria-label='Attempts']//*[contains(normalize-space(.), 'check failed')]",
        )
        .await;
    })
    .await;
}

/// The engine's refusal of a check (a pattern that is no regex) shows in that
/// check's row of the builder, named as the engine names it (`assert[1]...`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engines_refusal_of_a_check_shows_in_its_row() {
    let dir = tempfile::tempdir().unwrap();
    with_app("check_refused", dir.path(), async |app| {
        app.click("New job").await;
        app.field("URL")
            .await
            .send_keys("http://127.0.0.1:9/never")
            .await
            .unwrap();
        app.find_xpath(
            "//section[@aria-label='Checks and alerts']//button[@aria-expanded='false']",
        )
        .await
        .click()
        .await
        .unwrap();
        for kind in ["Status", "Body matches"] {
            app.find_xpath(&format!(
                "//*[@role='group' and @aria-label='Add a check']//button[normalize-space()='{kind}']"
            ))
            .await
            .click()
            .await
            .unwrap();
        }
        app.find("input[aria-label='Check 2 pattern']")
            .await
            .send_keys("(ok")
            .await
            .unwrap();
        app.click("Schedule job").await;
        let error = app
            .find_xpath("//li[.//input[@aria-label='Check 2 pattern']]//*[@role='alert']")
            .await;
        let text = error.text().await.unwrap();
        assert!(
            text.contains("assert[1].body_matches") && text.contains("not a valid regex"),
            "the engine's words, by the check: {text}"
        );
        let (_, jobs) = app.api.get("/api/jobs").await;
        assert_eq!(jobs["data"], json!([]), "nothing was made");
    })
    .await;
}

/// Issue 14: runs that came due while the app was closed show on the
/// schedule's page as missed, with why and what was done with them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_missed_while_the_app_was_closed_show_on_the_schedule_page() {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let mut schedule_id = String::new();
    with_app("missed_closed_before", dir.path(), async |app| {
        let (status, created) = app
            .api
            .post(
                "/api/jobs",
                json!({"url": target.url("/tick"), "repeat_every": 2, "catch_up": "skip",
                       "name": "two-second tick"}),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        schedule_id = created["data"]["schedule_id"].as_str().unwrap().to_string();
        target.wait_for(1, WAIT).await; // it ran while the app was up
    })
    .await;
    // The app is gone (with_app waited for its process to end): stay closed
    // across several of its due times.
    let closed_at = tokio::time::Instant::now();
    tokio::time::sleep_until(closed_at + Duration::from_secs(7)).await;
    with_app("missed_closed_after", dir.path(), async |app| {
        let skipped = eventually("a stretch skipped while closed", WAIT, async || {
            let (_, runs) = app
                .api
                .get(&format!("/api/schedules/{schedule_id}/runs"))
                .await;
            runs["data"]
                .as_array()?
                .iter()
                .find(|r| r["reason"] == "closed" && r["action"] == "skipped")
                .cloned()
        })
        .await;
        assert!(skipped["count"].as_u64().unwrap() >= 2, "{skipped}");

        // Reached as a person does: the schedule's name in the jobs list.
        app.go("/jobs").await;
        app.find_xpath(
            "//table[@aria-label='Jobs and schedules']//a[normalize-space()='two-second tick']",
        )
        .await
        .click()
        .await
        .unwrap();
        let row = app
            .find_xpath(
                "//table[@aria-label='Ledger']//tr[.//*[normalize-space()='Missed']]\
                 [.//td[contains(normalize-space(.), 'missed while Chime was closed (skipped)')]]",
            )
            .await;
        let text = row.text().await.unwrap();
        assert!(
            text.contains(&format!("{} runs missed", skipped["count"])),
            "the row says how many: {text}"
        );
    })
    .await;
}
