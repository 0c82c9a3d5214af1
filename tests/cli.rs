//! Black-box tests of the `chime` command line: the real binary, against a
//! real `chime serve` on a temporary data folder, and local targets that
//! record what reaches them.

mod support;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{cli_command, cli_in, eventually, Chime, CliRun, Reply, Target};
use tokio::io::{AsyncBufReadExt, BufReader};

const WAIT: Duration = Duration::from_secs(15);

/// The id in "Created job ID (state)", the first line `chime run` prints.
fn created_id(run: &CliRun) -> String {
    let first = run.stdout.lines().next().unwrap_or_default();
    let id = first
        .strip_prefix("Created job ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no created job in {run:#?}"));
    id.to_string()
}

async fn api_job(chime: &Chime, id: &str) -> Value {
    let (status, body) = chime.get(&format!("/api/jobs/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn run_sends_the_booper_example_two_seconds_later() {
    let target = Target::start(|_| Reply::status(204)).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let url = target.url("/hooks/discord");
    let run = chime
        .cli(&[
            "run",
            "POST",
            &url,
            "--data",
            "content=Testing 123",
            "--data",
            "channel=discord",
            "--in",
            "2 seconds",
        ])
        .await
        .ok();
    let id = created_id(&run);
    assert!(
        run.stdout.contains(&format!("POST {url}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n  runs "), "{}", run.stdout);

    let seen = target.wait_for(1, WAIT).await;
    assert_eq!(seen.len(), 1, "the request arrives");
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/hooks/discord");
    assert_eq!(
        seen[0].text(),
        r#"{"content":"Testing 123","channel":"discord"}"#
    );
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let job = api_job(&chime, &id).await;
    let inserted: DateTime<Utc> = job["inserted_at"].as_str().unwrap().parse().unwrap();
    assert!(
        seen[0].at >= inserted + chrono::Duration::seconds(2),
        "sent at {}, not before {} + 2 s",
        seen[0].at,
        inserted
    );
}

#[tokio::test]
async fn run_builds_the_request_from_its_flags() {
    let chime = Chime::start(&[]).await;
    let run = chime
        .cli(&[
            "run",
            "post",
            "https://api.example.com/items",
            "--data",
            "user.name=ada",
            "--data",
            "user[email]=ada@example.com",
            "--data",
            "cursor=$state.cursor",
            "--data",
            "count:=3",
            "--data",
            "tags[]=a",
            "--data",
            "tags[]=b",
            "-H",
            "X-Trace: 1",
            "--query",
            "page=2",
            "--query",
            "tag=a",
            "--query",
            "tag=b",
            "--name",
            "items",
            "--idempotency-key",
            "items-1",
            "--callback",
            "https://cb.example.com/done",
            "--webhook",
            "https://wh.example.com/events",
            "--in",
            "1 hour",
            "--output",
            "json",
        ])
        .await
        .ok();
    let job = run.json();
    assert_eq!(
        job["request"]["body"],
        json!({"user": {"name": "ada", "email": "ada@example.com"},
               "cursor": "$state.cursor", "count": 3, "tags": ["a", "b"]})
    );
    assert_eq!(job["request"]["headers"], json!({"X-Trace": "1"}));
    assert_eq!(
        job["request"]["query"],
        json!({"page": "2", "tag": ["a", "b"]})
    );
    assert_eq!(job["request"]["method"], "post");
    assert_eq!(job["name"], "items");
    assert_eq!(job["idempotency_key"], "items-1");
    assert_eq!(job["callback_url"], "https://cb.example.com/done");
    assert_eq!(job["webhook_url"], "https://wh.example.com/events");
    assert_eq!(job["args"]["schedule_in"], "1 hour");
    assert_eq!(job["state"], "scheduled");

    // `--output json` is exactly the API's `data`.
    let id = job["id"].as_str().unwrap();
    let shown = chime.cli(&["jobs", "get", id, "-o", "json"]).await.ok();
    assert_eq!(shown.json(), api_job(&chime, id).await);
    // The first characters of the id will do.
    let by_start = chime
        .cli(&["jobs", "get", &id[..8], "-o", "json"])
        .await
        .ok();
    assert_eq!(by_start.json(), shown.json());

    // The same idempotency key again: the existing job, said so.
    let again = chime
        .cli(&[
            "run",
            "POST",
            "https://api.example.com/items",
            "--idempotency-key",
            "items-1",
            "--in",
            "1 hour",
        ])
        .await
        .ok();
    assert!(
        again.stdout.starts_with(&format!(
            "A job with idempotency key items-1 exists already: {id}"
        )),
        "{}",
        again.stdout
    );
}

#[tokio::test]
async fn run_with_a_rule_creates_a_schedule_and_says_the_rule() {
    let chime = Chime::start(&[]).await;
    let run = chime
        .cli(&[
            "run",
            "GET",
            "https://api.example.com/report",
            "--cron",
            "0 9 * * 1-5",
            "--tz",
            "Europe/Berlin",
        ])
        .await
        .ok();
    let job = api_job(&chime, &created_id(&run)).await;
    let schedule_id = job["schedule_id"].as_str().expect("a schedule's job");
    let (_, schedule) = chime.get(&format!("/api/schedules/{schedule_id}")).await;
    let summary = schedule["data"]["summary"].as_str().unwrap();
    assert!(summary.contains("09:00"), "{summary}");
    assert!(
        run.stdout
            .contains(&format!("schedule  {schedule_id} · {summary}")),
        "{}",
        run.stdout
    );
}

/// An instant the API gives, such as a schedule's `until`.
fn instant(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
}

#[tokio::test]
async fn run_sets_checks_alerts_and_limits_that_the_schedule_shows() {
    let chime = Chime::start(&[]).await;
    let run = chime
        .cli(&[
            "run",
            "GET",
            "https://api.example.com/orders",
            "--every",
            "1 hour",
            "--assert",
            "status=2xx",
            "--assert",
            "json:data.ok=true",
            "--assert",
            "latency<2s",
            "--alert-after",
            "3",
            "--on-change",
            "--change-ignore",
            "headers.date",
            "--alert-channel",
            "desktop",
            "--overlap",
            "skip",
            "--max-runs",
            "10",
            "--until",
            "2030-01-01 09:00",
            "--quiet",
            "22:00-07:00",
            "--quiet-action",
            "defer",
            "--tz",
            "Europe/Berlin",
            "-o",
            "json",
        ])
        .await
        .ok();
    let job = run.json();
    let schedule_id = job["schedule_id"].as_str().expect("a schedule's job");
    let (status, body) = chime.get(&format!("/api/schedules/{schedule_id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let schedule = &body["data"];
    assert_eq!(
        schedule["assert"],
        json!([{"status": "2xx"}, {"json": "data.ok", "equals": true},
               {"latency_ms_max": 2000}])
    );
    assert_eq!(
        schedule["alert"],
        json!({"after_failures": 3, "on_recovery": true, "on_change": true,
               "change_ignore": ["headers.date"], "channels": ["desktop"]})
    );
    assert_eq!(schedule["overlap"], "skip");
    assert_eq!(schedule["max_runs"], 10);
    // A local --until is read in --tz: 09:00 in Berlin's winter is 08:00 UTC.
    assert_eq!(
        instant(&schedule["until"]),
        "2030-01-01T08:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        schedule["quiet_hours"],
        json!({"from": "22:00", "to": "07:00", "timezone": "Europe/Berlin", "action": "defer"})
    );

    // An alert flag alone takes the contract's defaults for the rest.
    let plain = chime
        .cli(&[
            "run",
            "GET",
            "https://api.example.com/prices",
            "--every",
            "1 hour",
            "--on-change",
            "--quiet",
            "23:30-06:00",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let id = plain["schedule_id"].as_str().expect("a schedule's job");
    let (_, body) = chime.get(&format!("/api/schedules/{id}")).await;
    let schedule = &body["data"];
    assert_eq!(
        schedule["alert"],
        json!({"after_failures": 3, "on_recovery": true, "on_change": true,
               "change_ignore": [], "channels": ["desktop", "webhook"]})
    );
    assert_eq!(schedule["overlap"], "allow");
    assert_eq!(schedule["quiet_hours"]["action"], "skip");
    assert_eq!(schedule["quiet_hours"]["from"], "23:30");
    assert!(
        schedule["quiet_hours"]["timezone"]
            .as_str()
            .is_some_and(|z| !z.is_empty()),
        "quiet hours on this machine's clock name its zone: {schedule}"
    );
}

#[tokio::test]
async fn a_wrong_check_alert_or_limit_flag_is_named_in_the_error() {
    let chime = Chime::start(&[]).await;
    let run = |extra: &[&'static str]| {
        let mut args = vec!["run", "GET", "https://x.example.com", "--every", "1h"];
        args.extend_from_slice(extra);
        args
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            run(&["--assert", "status=6xx"]),
            "--assert status=6xx: a class of statuses is 1xx to 5xx",
        ),
        (run(&["--assert", "json:data.ok"]), "--assert json:data.ok:"),
        (run(&["--assert", "fast"]), "--assert fast: not a check"),
        (run(&["--alert-after", "many"]), "--alert-after"),
        (run(&["--alert-channel", "email"]), "--alert-channel"),
        (run(&["--change-ignore", "headers.date"]), "--on-change"),
        (run(&["--overlap", "sometimes"]), "--overlap"),
        (run(&["--max-runs", "0"]), "--max-runs"),
        (
            run(&["--until", "someday"]),
            "--until: cannot read `someday`",
        ),
        (run(&["--quiet", "22-7"]), "--quiet 22-7: write FROM-TO"),
        (
            run(&["--quiet", "22:00-07:00", "--quiet-action", "later"]),
            "--quiet-action",
        ),
        (run(&["--quiet-action", "defer"]), "--quiet <FROM-TO>"),
        (
            vec!["schedules", "disable", "0123abcd", "--for", "a while"],
            "--for a while:",
        ),
        (
            vec!["schedules", "disable", "0123abcd", "--until", "someday"],
            "--until: cannot read `someday`",
        ),
    ];
    let cases: Vec<(&[&str], &str)> = cases.iter().map(|(a, e)| (&a[..], *e)).collect();
    each_is_refused_on_its_flag(&chime, &cases).await;
}

#[tokio::test]
async fn schedules_disable_for_a_while_enables_itself_then() {
    let chime = Chime::start(&[]).await;
    let job = chime
        .cli(&[
            "run",
            "GET",
            "https://api.example.com/poll",
            "--every",
            "1 hour",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let id = job["schedule_id"].as_str().expect("a schedule").to_string();
    let schedule_url = format!("/api/schedules/{id}");

    let asked = Utc::now();
    let out = chime
        .cli(&["schedules", "disable", &id, "--for", "1h"])
        .await
        .ok();
    assert!(
        out.stdout
            .starts_with(&format!("Disabled schedule {id}; it enables itself again ")),
        "{}",
        out.stdout
    );
    let (_, api) = chime.get(&schedule_url).await;
    assert!(api["data"]["disabled_at"].is_string(), "{api}");
    let resume = instant(&api["data"]["resume_at"]);
    let off = (resume - (asked + chrono::Duration::hours(1))).num_seconds();
    assert!(
        (0..60).contains(&off),
        "resumes at {resume}, asked at {asked}"
    );

    chime.cli(&["schedules", "enable", &id]).await.ok();
    chime
        .cli(&[
            "schedules",
            "disable",
            &id,
            "--until",
            "2030-01-01T09:00:00Z",
        ])
        .await
        .ok();
    let (_, api) = chime.get(&schedule_url).await;
    assert_eq!(
        instant(&api["data"]["resume_at"]),
        "2030-01-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );

    // A time gone by is the API's to refuse, naming the field.
    let past = chime
        .cli(&[
            "schedules",
            "disable",
            &id,
            "--until",
            "2020-01-01T09:00:00Z",
        ])
        .await;
    assert_eq!(past.code, 1, "{past:#?}");
    assert!(
        past.stderr.contains("until: is in the past"),
        "{}",
        past.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_list_get_cancel_run_and_curl() {
    let target = Target::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let url = target.url("/alpha");
    let created = chime
        .cli(&["run", "GET", &url, "--in", "1 hour", "--name", "alpha"])
        .await
        .ok();
    let id = created_id(&created);

    let list = chime.cli(&["jobs", "list"]).await.ok();
    let header = list.stdout.lines().next().unwrap();
    assert!(
        header.starts_with("ID") && header.contains("STATE"),
        "{header}"
    );
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with(&id))
        .expect("the job's row");
    assert!(
        row.contains("scheduled") && row.contains("alpha") && row.contains(&format!("GET {url}")),
        "{row}"
    );
    let listed = chime.cli(&["jobs", "list", "-o", "json"]).await.ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    // Global options may come first too, as with git or docker.
    let first = chime.cli(&["-o", "json", "jobs", "list"]).await.ok().json();
    assert_eq!(first, listed);
    let none = chime
        .cli(&[
            "jobs",
            "list",
            "--state",
            "completed,cancelled",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(none, json!([]));

    let detail = chime.cli(&["jobs", "get", &id]).await.ok();
    assert!(
        detail.stdout.starts_with(&format!("Job {id}  scheduled")),
        "{}",
        detail.stdout
    );
    assert!(
        detail.stdout.contains(&format!("GET {url}")),
        "{}",
        detail.stdout
    );

    let curl = chime.cli(&["jobs", "curl", &id]).await.ok();
    let (_, exported) = chime.get(&format!("/api/jobs/{id}/curl")).await;
    assert_eq!(
        curl.stdout.trim_end(),
        exported["data"]["curl"].as_str().unwrap()
    );
    assert!(curl.stdout.starts_with("curl ") && curl.stdout.contains(&url));

    // Run the pending job now.
    let ran = chime.cli(&["jobs", "run", &id]).await.ok();
    assert_eq!(ran.stdout.trim_end(), format!("Running job {id} now"));
    assert_eq!(target.wait_for(1, WAIT).await[0].path, "/alpha");
    chime
        .job_when(&id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;
    let detail = chime.cli(&["jobs", "get", &id]).await.ok();
    assert!(
        detail.stdout.contains("200 OK"),
        "the attempt is listed: {}",
        detail.stdout
    );

    // Running a finished job sends its request again, as a new job.
    let replay = chime
        .cli(&["jobs", "run", &id, "-o", "json"])
        .await
        .ok()
        .json();
    let replay_id = replay["id"].as_str().unwrap();
    assert_ne!(replay_id, id);
    assert_eq!(target.wait_for(2, WAIT).await.len(), 2);

    // Cancel a pending job; cancelling it twice is refused with the API's reason.
    let pending = created_id(
        &chime
            .cli(&["run", "GET", &url, "--in", "1 hour"])
            .await
            .ok(),
    );
    let cancelled = chime.cli(&["jobs", "cancel", &pending]).await.ok();
    assert_eq!(
        cancelled.stdout.trim_end(),
        format!("Cancelled job {pending}")
    );
    assert_eq!(api_job(&chime, &pending).await["state"], "cancelled");
    let twice = chime.cli(&["jobs", "cancel", &pending]).await;
    assert_eq!(twice.code, 1, "{twice:#?}");
    assert!(
        twice.stderr.contains("cannot be cancelled"),
        "{}",
        twice.stderr
    );

    let missing = chime.cli(&["jobs", "get", "no-such-job"]).await;
    assert_eq!(missing.code, 1);
    assert_eq!(missing.stderr.trim_end(), "job no-such-job not found");
}

#[tokio::test]
async fn schedules_list_get_enable_disable_delete() {
    let chime = Chime::start(&[]).await;
    let job = chime
        .cli(&[
            "run",
            "POST",
            "https://api.example.com/poll",
            "--every",
            "1 hour",
            "--name",
            "poller",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let id = job["schedule_id"].as_str().expect("a schedule").to_string();
    let schedule_url = format!("/api/schedules/{id}");

    let list = chime.cli(&["schedules", "list"]).await.ok();
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with(&id))
        .expect("its row");
    assert!(
        row.contains("enabled") && row.contains("poller") && row.contains("in 59m"),
        "{row}"
    );
    let listed = chime
        .cli(&["schedules", "list", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(listed[0]["id"], id.as_str());

    let detail = chime.cli(&["schedules", "get", &id]).await.ok();
    assert!(
        detail
            .stdout
            .starts_with(&format!("Schedule {id}  enabled")),
        "{}",
        detail.stdout
    );
    assert!(detail.stdout.contains("Every 1 hour"), "{}", detail.stdout);
    let (_, api) = chime.get(&schedule_url).await;
    assert_eq!(
        chime
            .cli(&["schedules", "get", &id, "-o", "json"])
            .await
            .ok()
            .json(),
        api["data"]
    );

    let disabled = chime.cli(&["schedules", "disable", &id]).await.ok();
    assert_eq!(
        disabled.stdout.trim_end(),
        format!("Disabled schedule {id}")
    );
    let (_, api) = chime.get(&schedule_url).await;
    assert!(api["data"]["disabled_at"].is_string());
    assert_eq!(
        api_job(&chime, job["id"].as_str().unwrap()).await["state"],
        "cancelled"
    );
    let list = chime.cli(&["schedules", "list"]).await.ok();
    assert!(list
        .stdout
        .lines()
        .any(|l| l.starts_with(&id) && l.contains("disabled")));

    let enabled = chime.cli(&["schedules", "enable", &id]).await.ok();
    assert!(
        enabled
            .stdout
            .starts_with(&format!("Enabled schedule {id}; next run ")),
        "{}",
        enabled.stdout
    );
    let (_, api) = chime.get(&schedule_url).await;
    assert!(api["data"]["disabled_at"].is_null());

    let deleted = chime.cli(&["schedules", "delete", &id]).await.ok();
    assert!(
        deleted
            .stdout
            .starts_with(&format!("Deleted schedule {id}")),
        "{}",
        deleted.stdout
    );
    let (status, _) = chime.get(&schedule_url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let gone = chime.cli(&["schedules", "get", &id]).await;
    assert_eq!(gone.code, 1, "{gone:#?}");
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_list_and_get_show_stored_events() {
    let target = Target::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let url = target.url("/logged");
    let id = created_id(&chime.cli(&["run", "PUT", &url, "--data", "a=1"]).await.ok());
    chime
        .job_when(&id, "the job to complete", WAIT, |j| {
            j["state"] == "completed"
        })
        .await;

    let table = chime.cli(&["logs", "--job", &id]).await.ok();
    assert!(
        table.stdout.lines().next().unwrap().starts_with("ID"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains(&format!("→ PUT {url}")),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("← 200 OK"), "{}", table.stdout);

    let events = chime
        .cli(&[
            "logs",
            "list",
            "--job",
            &id,
            "--event",
            "job.response",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "job.response");
    let event_id = events[0]["id"].to_string();

    let detail = chime.cli(&["logs", "get", &event_id]).await.ok();
    assert!(
        detail
            .stdout
            .starts_with(&format!("Event {event_id}  job.response")),
        "{}",
        detail.stdout
    );
    assert!(detail.stdout.contains("← 200 OK"), "{}", detail.stdout);
    let (_, api) = chime.get(&format!("/api/logs/{event_id}")).await;
    assert_eq!(
        chime
            .cli(&["logs", "get", &event_id, "-o", "json"])
            .await
            .ok()
            .json(),
        api["data"]
    );

    let missing = chime.cli(&["logs", "get", "999999"]).await;
    assert_eq!(missing.code, 1);
    assert_eq!(missing.stderr.trim_end(), "log entry 999999 not found");
}

/// `chime logs --follow ...` as a child process, its output collected line by line.
struct Follower {
    child: tokio::process::Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Follower {
    async fn start(dir: &std::path::Path, args: &[&str]) -> Follower {
        let mut child = cli_command(dir)
            .args(["logs", "--follow"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chime logs --follow starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let follower = Follower {
            child,
            stdout,
            stderr,
        };
        follower.wait_stderr("Following").await;
        follower
    }

    fn lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits for a stdout line that contains every one of `parts`.
    async fn wait_line(&self, parts: &[&str]) -> String {
        eventually(
            &format!("a followed line with {parts:?}"),
            WAIT,
            async || {
                self.lines()
                    .into_iter()
                    .find(|l| parts.iter().all(|p| l.contains(p)))
            },
        )
        .await
    }

    async fn wait_stderr(&self, part: &str) {
        eventually(
            &format!("`{part}` on the follower's stderr"),
            WAIT,
            async || {
                self.stderr
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|l| l.contains(part))
                    .then_some(())
            },
        )
        .await
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn collect(stream: impl tokio::io::AsyncRead + Unpin + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_follow_shows_one_jobs_request_and_response_as_they_happen() {
    let target = Target::start(|_| Reply::json(201, json!({"made": 1}))).await;
    let chime = Chime::start(&["--allow-http"]).await;
    let ours = chime
        .cli(&[
            "run",
            "POST",
            &target.url("/ours"),
            "--in",
            "1 hour",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let id = ours["id"].as_str().unwrap();

    let follower = Follower::start(&chime.dir, &["--job", id]).await;
    // Another job's traffic, before ours runs: not to be shown.
    chime.cli(&["run", "GET", &target.url("/other")]).await.ok();
    target.wait_for(1, WAIT).await;
    chime.cli(&["jobs", "run", id]).await.ok();

    let request = follower
        .wait_line(&["job.request", &format!("→ POST {}", target.url("/ours"))])
        .await;
    let response = follower
        .wait_line(&["job.response", "← 201 Created · ", " ms"])
        .await;
    let short = &id[..8];
    assert!(request.contains(&format!("{short} #1")), "{request}");
    assert!(response.contains(&format!("{short} #1")), "{response}");
    follower
        .wait_line(&["job.finished", "completed (success)"])
        .await;
    let lines = follower.lines();
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("/other") && l.contains(short)),
        "only our job's events: {lines:#?}"
    );
    let at = |part: &str| lines.iter().position(|l| l.contains(part)).unwrap();
    assert!(at("job.started") < at("job.request") && at("job.request") < at("job.response"));
    follower.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_follow_resumes_after_chime_restarts_without_gap_or_duplicate() {
    let target = Target::start(|_| Reply::status(204)).await;
    let dir = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let follower = Follower::start(dir.path(), &[]).await;
    let before = target.url("/before");
    chime.cli(&["run", "GET", &before]).await.ok();
    follower
        .wait_line(&["job.response", "← 204 No Content"])
        .await;

    let status = chime.terminate().await;
    assert!(status.success());
    follower.wait_stderr("reconnecting").await;
    // Back on another port; this job runs at once, most likely before the
    // follower finds the new port: it must come from the replay.
    let chime = Chime::start_in(dir.path(), &["--allow-http"]).await;
    let after = target.url("/after");
    chime.cli(&["run", "GET", &after]).await.ok();
    follower
        .wait_line(&["job.response", "← 204 No Content"])
        .await;
    follower.wait_line(&[&format!("→ GET {after}")]).await;
    follower.wait_stderr("Reconnected").await;
    // Wait for the end of the second job, then count.
    eventually("both jobs finished in the log", WAIT, async || {
        (follower
            .lines()
            .iter()
            .filter(|l| l.contains("job.finished"))
            .count()
            >= 2)
            .then_some(())
    })
    .await;
    let lines = follower.lines();
    for url in [&before, &after] {
        let requests = lines
            .iter()
            .filter(|l| l.contains(&format!("→ GET {url}")))
            .count();
        assert_eq!(requests, 1, "one request line for {url}: {lines:#?}");
    }
    assert_eq!(
        lines.iter().filter(|l| l.contains("job.response")).count(),
        2,
        "{lines:#?}"
    );
    follower.stop().await;
}

#[tokio::test]
async fn preview_says_the_rule_in_words_and_lists_its_next_runs() {
    let chime = Chime::start(&[]).await;
    let shown = chime
        .cli(&[
            "preview",
            "--cron",
            "0 9 * * 1-5",
            "--tz",
            "Europe/Berlin",
            "-n",
            "3",
        ])
        .await
        .ok();
    let lines: Vec<&str> = shown.stdout.lines().collect();
    assert!(
        lines[0].contains("09:00") && lines[0].contains("Europe/Berlin"),
        "{}",
        shown.stdout
    );
    let runs = lines
        .iter()
        .skip_while(|l| !l.starts_with("Next 3 runs:"))
        .skip(1);
    let runs: Vec<&&str> = runs.take_while(|l| l.starts_with("  ")).collect();
    assert_eq!(runs.len(), 3, "{}", shown.stdout);
    for run in runs {
        assert!(run.contains(" 09:00 +0"), "{run}");
        assert!(!run.contains("Sat") && !run.contains("Sun"), "{run}");
    }

    let json = chime
        .cli(&["preview", "--every", "90 minutes", "-n", "4", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(json["next"].as_array().unwrap().len(), 4);
    assert!(json["description"].is_string());

    let refused = chime
        .cli(&["preview", "--cron", "0 9 * * 1-5", "-n", "0"])
        .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.starts_with("count: "), "{}", refused.stderr);
}

#[tokio::test]
async fn import_curl_prints_a_draft_or_creates_the_job() {
    let chime = Chime::start(&[]).await;
    let command = r#"curl -X POST https://api.example.com/items -H 'X-Api-Key: k1' --data-raw '{"name":"ada"}'"#;

    let draft = chime.cli(&["import-curl", command]).await.ok();
    assert!(draft.stdout.starts_with("Job draft"), "{}", draft.stdout);
    assert!(draft.stdout.contains("POST https://api.example.com/items"));
    assert!(draft.stdout.contains("X-Api-Key: k1"));
    assert!(draft.stdout.contains("Not created"));
    let (_, jobs) = chime.get("/api/jobs").await;
    assert_eq!(jobs["total"], 0, "a draft creates nothing");

    let as_json = chime
        .cli(&["import-curl", "-o", "json", command])
        .await
        .ok()
        .json();
    let (_, api) = chime
        .post("/api/import/curl", json!({"command": command}))
        .await;
    assert_eq!(as_json, api["data"]);
    assert_eq!(as_json["body"], json!({"name": "ada"}));

    // Words after `--` and a command on stdin read the same.
    let words = chime
        .cli(&[
            "import-curl",
            "-o",
            "json",
            "--",
            "curl",
            "-u",
            "me:secret",
            "-G",
            "https://api.example.com/poll",
            "-d",
            "q=1",
        ])
        .await
        .ok()
        .json();
    assert_eq!(words["query"], json!({"q": "1"}));
    assert_eq!(words["headers"]["Authorization"], "Basic bWU6c2VjcmV0");
    let piped = cli_in(
        &chime.dir,
        &["import-curl", "-o", "json", "-"],
        Some(command),
    )
    .await
    .ok();
    assert_eq!(piped.json(), as_json);

    // With a time, the job is created from the draft.
    let job = chime
        .cli(&[
            "import-curl",
            "--in",
            "1 hour",
            "--name",
            "imported",
            "-o",
            "json",
            command,
        ])
        .await
        .ok()
        .json();
    assert_eq!(job["state"], "scheduled");
    assert_eq!(job["name"], "imported");
    assert_eq!(job["request"]["body"], json!({"name": "ada"}));
    assert_eq!(job["request"]["headers"], json!({"X-Api-Key": "k1"}));
    let schedule = chime
        .cli(&["import-curl", "--every", "1 day", "-o", "json", command])
        .await
        .ok()
        .json();
    assert!(schedule["schedule_id"].is_string());

    let refused = chime.cli(&["import-curl", "wget https://x"]).await;
    assert_eq!(refused.code, 1);
    assert_eq!(
        refused.stderr.trim_end(),
        "command: not a curl command: it starts with `wget` instead of `curl`; \
         expected curl, its options and the URL, such as curl -X POST https://example.com/hook -d 'a=1'"
    );
    // Options may follow a quoted command.
    let after = chime
        .cli(&["import-curl", command, "--in", "1 hour", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(after["state"], "scheduled");
    assert_eq!(after["request"]["method"], "post");
    assert_eq!(after["request"]["url"], "https://api.example.com/items");
    // Unquoted words with options need `--`, and the error says so.
    let unquoted = chime
        .cli(&["import-curl", "curl", "-X", "POST", "https://x.test"])
        .await;
    assert_eq!(unquoted.code, 2);
    assert!(unquoted.stderr.contains("-- -X"), "{}", unquoted.stderr);
    let no_time = chime.cli(&["import-curl", "--name", "x", command]).await;
    assert_eq!(no_time.code, 2);
    assert!(no_time
        .stderr
        .contains("add --in, --at, --every, --cron or --now"));
}

#[tokio::test]
async fn completions_for_bash_zsh_and_fish() {
    let nowhere = tempfile::tempdir().unwrap(); // no Chime needed
    for (shell, mark) in [
        ("bash", "_chime()"),
        ("zsh", "#compdef chime"),
        ("fish", "complete -c chime"),
    ] {
        let out = cli_in(nowhere.path(), &["completions", shell], None)
            .await
            .ok();
        assert!(
            out.stdout.contains(mark),
            "{shell}: {}",
            &out.stdout[..200.min(out.stdout.len())]
        );
        for verb in ["import-curl", "schedules", "preview"] {
            assert!(out.stdout.contains(verb), "{shell} completes {verb}");
        }
    }
    let unknown = cli_in(nowhere.path(), &["completions", "tcsh"], None).await;
    assert_eq!(unknown.code, 2);
}

#[tokio::test]
async fn every_verb_has_help_with_examples() {
    let nowhere = tempfile::tempdir().unwrap();
    let verbs: &[&[&str]] = &[
        &["run"],
        &["jobs"],
        &["jobs", "list"],
        &["jobs", "get"],
        &["jobs", "cancel"],
        &["jobs", "run"],
        &["jobs", "curl"],
        &["schedules"],
        &["schedules", "list"],
        &["schedules", "get"],
        &["schedules", "enable"],
        &["schedules", "disable"],
        &["schedules", "delete"],
        &["logs"],
        &["logs", "list"],
        &["logs", "get"],
        &["preview"],
        &["import-curl"],
        &["completions"],
    ];
    for verb in verbs {
        let args: Vec<&str> = verb.iter().copied().chain(["--help"]).collect();
        let help = cli_in(nowhere.path(), &args, None).await.ok();
        let examples = help
            .stdout
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("{verb:?} --help has examples:\n{}", help.stdout))
            .1;
        assert!(examples.starts_with("  # "), "{verb:?}: {examples}");
        assert!(
            examples.contains("\n  chime ") || examples.contains("| chime "),
            "{verb:?}: {examples}"
        );
        assert!(!help.stdout.contains('\x1b'), "no colour codes into a pipe");
    }
}

#[tokio::test]
async fn with_no_chime_running_it_says_so_and_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    for args in [
        &["jobs", "list"][..],
        &["run", "GET", "https://x.example.com"],
        &["logs", "-f"],
    ] {
        let out = cli_in(empty.path(), args, None).await;
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert_eq!(
            out.stderr,
            "no Chime is running (start the app or `chime serve`)\n"
        );
        assert_eq!(out.stdout, "");
    }

    // An instance file left by a Chime that was killed: nothing answers there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    std::fs::write(
        empty.path().join("instance.json"),
        json!({"url": format!("http://127.0.0.1:{port}"), "port": port, "pid": 1}).to_string(),
    )
    .unwrap();
    let stale = cli_in(empty.path(), &["schedules", "list"], None).await;
    assert_eq!(stale.code, 2);
    assert_eq!(
        stale.stderr,
        "no Chime is running (start the app or `chime serve`)\n"
    );

    // After a clean stop, too.
    let kept = tempfile::tempdir().unwrap();
    let chime = Chime::start_in(kept.path(), &[]).await;
    chime.cli(&["jobs", "list"]).await.ok();
    chime.terminate().await;
    let stopped = cli_in(kept.path(), &["jobs", "list"], None).await;
    assert_eq!(stopped.code, 2);
    assert_eq!(
        stopped.stderr,
        "no Chime is running (start the app or `chime serve`)\n"
    );
}

#[tokio::test]
async fn an_api_validation_error_prints_field_colon_message_and_exits_1() {
    let chime = Chime::start(&[]).await;
    let out = chime
        .cli(&["run", "GET", "https://example.com/x", "--cron", "0 9 * * 8"])
        .await;
    assert_eq!(out.code, 1, "{out:#?}");
    assert_eq!(out.stderr, "cron: day-of-week 8 is out of range 0-7\n");
    assert_eq!(out.stdout, "");

    // Plain http is refused unless Chime allows it: the field is `url`.
    let out = chime.cli(&["run", "GET", "http://example.com/x"]).await;
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("url: "), "{}", out.stderr);
    let (_, jobs) = chime.get("/api/jobs").await;
    assert_eq!(jobs["total"], 0, "nothing was created");
}

#[tokio::test]
async fn mistakes_on_the_command_line_exit_2_with_what_to_write() {
    let chime = Chime::start(&[]).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "POST", "https://x.example.com", "--data", "content"],
            "--data content: has no `=`",
        ),
        (
            &["run", "POST", "https://x.example.com", "--json", "{a:1}"],
            "--json: the body is not JSON",
        ),
        (
            &["run", "POST", "https://x.example.com", "-H", "NoColon"],
            "--header NoColon: write it as 'Name: value'",
        ),
        (
            &["run", "POST", "https://x.example.com", "--at", "tomorrow"],
            "--at: cannot read `tomorrow` as a time",
        ),
        (
            &[
                "run",
                "POST",
                "https://x.example.com",
                "--in",
                "1h",
                "--tz",
                "Europe/Berlin",
            ],
            "--tz: applies to --cron",
        ),
        (
            &[
                "run",
                "POST",
                "https://x.example.com",
                "--in",
                "1h",
                "--at",
                "09:00",
            ],
            "cannot be used with",
        ),
        (
            &[
                "run",
                "POST",
                "https://x.example.com",
                "--every",
                "1h",
                "--cron",
                "@daily",
            ],
            "cannot be used with",
        ),
    ];
    each_is_refused_on_its_flag(&chime, cases).await;
}

/// Each command of `cases` exits 2 with an error that names its flag (the
/// expected text), and none of them made a job.
async fn each_is_refused_on_its_flag(chime: &Chime, cases: &[(&[&str], &str)]) {
    for (args, expected) in cases {
        let out = chime.cli(args).await;
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
    }
    let (_, jobs) = chime.get("/api/jobs").await;
    assert_eq!(jobs["total"], 0);
}

#[tokio::test]
async fn url_and_key_override_the_data_folder() {
    let chime = Chime::start(&[]).await;
    let elsewhere = tempfile::tempdir().unwrap();
    let base = chime.url("");
    let flags = cli_in(
        elsewhere.path(),
        &["jobs", "list", "--url", &base, "--key", &chime.key],
        None,
    )
    .await
    .ok();
    assert!(flags.stdout.starts_with("No jobs."), "{}", flags.stdout);

    let mut command = cli_command(elsewhere.path());
    let env = command
        .args(["schedules", "list", "-o", "json"])
        .env("CHIME_URL", &base)
        .env("CHIME_API_KEY", &chime.key)
        .output()
        .await
        .unwrap();
    assert!(
        env.status.success(),
        "{}",
        String::from_utf8_lossy(&env.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&env.stdout).trim(), "[]");

    let wrong = cli_in(
        elsewhere.path(),
        &["jobs", "list", "--url", &base, "--key", "nope"],
        None,
    )
    .await;
    assert_eq!(wrong.code, 1);
    assert!(
        wrong.stderr.contains("API key is wrong"),
        "{}",
        wrong.stderr
    );

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port())
    };
    let nobody = cli_in(
        elsewhere.path(),
        &["jobs", "list", "--url", &closed, "--key", "k"],
        None,
    )
    .await;
    assert_eq!(nobody.code, 2);
    assert!(
        nobody
            .stderr
            .starts_with(&format!("no Chime answers at {closed}")),
        "{}",
        nobody.stderr
    );
}
