//! The real desktop app, end to end: under Xvfb, through tauri-driver and
//! WebKitWebDriver (`make test` runs these under xvfb-run).

mod support;

use serde_json::json;
use support::desktop::{with_app, WAIT};
use support::{Reply, Target};

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
