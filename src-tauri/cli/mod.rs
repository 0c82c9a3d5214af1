//! The command line: `chime run`, `chime jobs ...`, `chime schedules ...`,
//! `chime logs ...`, `chime preview`, `chime import-curl`, `chime completions`.
//!
//! Every verb but `completions` talks to the running Chime through its local
//! API (found through the data folder, see `client`), and prints a short
//! summary or a table for people, or with `--output json` exactly the API's
//! `data` for scripts. The verbs' arguments and help text are in `args`;
//! this module runs them.
//!
//! Exit status: 0 done; 1 the API refused the request (it prints
//! `field: message`) or something failed on the way; 2 the command line is
//! wrong or no Chime is running.

mod args;
mod checks;
mod client;
mod data;
mod doctor;
mod follow;
mod job;
mod output;

use chrono::Utc;
use clap::CommandFactory;
use serde_json::{Map, Value};

use checks::CheckFlags;
use chime_engine::protocol::{CurlExport, Data, JobInput, LogPage, Page, PreviewAnswer};
use chime_engine::request::{Method, RequestSpec};
use chime_engine::{Event, JobView, ScheduleView};
use client::{CliError, Client};
use job::{JobFlags, WhenFlags};
use serde::de::DeserializeOwned;

pub use args::*;
pub use client::NOT_RUNNING;

// ---------------------------------------------------------------- running

/// Runs one verb; failures are printed here and end the process with their
/// exit status (main only knows 1, and "no Chime is running" is 2).
pub fn main(verb: Verb, runtime: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    if let Err(e) = runtime.block_on(execute(verb)) {
        output::note(&e.message());
        std::process::exit(e.exit_code());
    }
    Ok(())
}

async fn execute(verb: Verb) -> Result<(), CliError> {
    match verb {
        Verb::Run(args) => run(*args).await,
        Verb::Jobs(args) => jobs(args).await,
        Verb::Schedules(args) => schedules(args).await,
        Verb::Logs(args) => logs(args).await,
        Verb::Preview(args) => preview(args).await,
        Verb::ImportCurl(args) => import_curl(*args).await,
        Verb::Completions(args) => {
            completions(args.shell);
            Ok(())
        }
        Verb::Doctor(args) => doctor::doctor(args).await,
        Verb::Man(args) => man_pages(&args.dir),
    }
}

/// Prints the answer's `data` as the API wrote it, or what `human` makes of
/// the answer read into the engine's type for it (`Data<JobView>`, `Page<…>`).
fn show<A: DeserializeOwned>(
    global: &Global,
    answer: Value,
    human: impl FnOnce(A) -> String,
) -> Result<(), CliError> {
    if global.json() {
        return emit_data(answer);
    }
    output::emit(&human(typed(answer)?));
    Ok(())
}

/// `--output json`: the answer's `data`, untouched.
fn emit_data(answer: Value) -> Result<(), CliError> {
    let Data { data } = typed::<Data<Value>>(answer)?;
    output::emit(&output::json(&data));
    Ok(())
}

/// An answer read into the engine's type for it.
fn typed<T: DeserializeOwned>(answer: Value) -> Result<T, CliError> {
    serde_json::from_value(answer)
        .map_err(|e| CliError::Other(format!("the API's answer is not what chime reads: {e}")))
}

async fn run(args: RunArgs) -> Result<(), CliError> {
    let method = Method::parse(&Value::String(args.method.clone()))
        .map_err(|e| CliError::Usage(format!("METHOD {}: {}", args.method, e.message)))?;
    let mut input = JobInput {
        method: Some(method),
        url: args.target.clone(),
        ..JobInput::default()
    };
    args.request.apply(&mut input)?;
    create_job(input, &args.when, &args.job, &args.checks, &args.global).await
}

/// `POST /api/jobs` with the request in `input` and the other flags; prints the job.
async fn create_job(
    mut input: JobInput,
    when: &WhenFlags,
    job: &JobFlags,
    checks: &CheckFlags,
    global: &Global,
) -> Result<(), CliError> {
    let now = Utc::now();
    when.check_tz(checks.uses_tz())?;
    when.apply(&mut input, now)?;
    job.apply(&mut input);
    checks.apply(&mut input, when.tz.as_deref(), now)?;
    let body = serde_json::to_value(&input).map_err(|e| CliError::Other(e.to_string()))?;
    let client = Client::connect(global).await?;
    let created = client.post("/api/jobs", Some(&body)).await?;
    if global.json() {
        return emit_data(created);
    }
    let Data { data: job } = typed::<Data<JobView>>(created)?;
    // The job alone does not say the rule in words; its schedule does.
    let schedule = match &job.schedule_id {
        Some(id) => client.get(&format!("/api/schedules/{id}")).await.ok(),
        None => None,
    };
    let schedule = schedule
        .and_then(|s| typed::<Data<ScheduleView>>(s).ok())
        .map(|s| s.data);
    output::emit(&output::created_job(&job, schedule.as_ref(), Utc::now()));
    Ok(())
}

async fn jobs(args: JobsArgs) -> Result<(), CliError> {
    let global = &args.global;
    let client = Client::connect(global).await?;
    let now = Utc::now();
    match args.command {
        JobsCommand::List(list) => {
            let page = client.get(&job_list_path(&list)).await?;
            show(global, page, |page: Page<JobView>| {
                output::jobs_table(&page, now)
            })?;
        }
        JobsCommand::Get(JobId { id }) => {
            let job = client.get(&format!("/api/jobs/{}", segment(&id))).await?;
            show(global, job, |j: Data<JobView>| {
                output::job_detail(&j.data, now)
            })?;
        }
        JobsCommand::Cancel(JobId { id }) => {
            let job = client
                .post(&format!("/api/jobs/{}/cancel", segment(&id)), None)
                .await?;
            show(global, job, |j: Data<JobView>| {
                format!("Cancelled job {}", output::paint(output::BOLD, &j.data.id))
            })?;
        }
        JobsCommand::Run(JobId { id }) => {
            let job = client
                .post(&format!("/api/jobs/{}/run", segment(&id)), None)
                .await?;
            show(global, job, |j: Data<JobView>| ran_text(&id, &j.data, now))?;
        }
        JobsCommand::Curl(CurlArgs {
            job: JobId { id },
            with_secrets,
        }) => {
            let secrets = if with_secrets { "?secrets=include" } else { "" };
            let curl = client
                .get(&format!("/api/jobs/{}/curl{secrets}", segment(&id)))
                .await?;
            show(global, curl, |c: Data<CurlExport>| c.data.curl)?;
        }
    }
    Ok(())
}

fn job_list_path(list: &JobListArgs) -> String {
    let mut query: Vec<(&str, String)> = vec![
        ("limit", list.limit.to_string()),
        ("offset", list.offset.to_string()),
    ];
    if !list.state.is_empty() {
        query.push(("state", list.state.join(",")));
    }
    if let Some(schedule) = &list.schedule {
        query.push(("schedule_id", schedule.clone()));
    }
    if let Some(search) = &list.search {
        query.push(("q", search.clone()));
    }
    if let Some(order) = &list.order {
        query.push(("order_by", order.clone()));
    }
    with_query("/api/jobs", &query)
}

/// `jobs run`: a pending job runs now; a finished one is sent again as a new job.
fn ran_text(asked: &str, job: &JobView, now: chrono::DateTime<Utc>) -> String {
    let id = &job.id;
    if id == asked {
        format!("Running job {} now", output::paint(output::BOLD, id))
    } else {
        format!(
            "Sending job {asked}'s request again as job {}\n{}",
            output::paint(output::BOLD, id),
            output::created_job(job, None, now)
        )
    }
}

async fn schedules(args: SchedulesArgs) -> Result<(), CliError> {
    let global = &args.global;
    let now = Utc::now();
    // A wrong --until or --for is the command line's mistake, said before
    // looking for a running Chime.
    let disable = match &args.command {
        SchedulesCommand::Disable(d) => Some(d.input(now)?),
        _ => None,
    };
    let client = Client::connect(global).await?;
    let (verb, id, path) = match args.command {
        SchedulesCommand::List(list) => {
            let mut query = vec![
                ("limit", list.limit.to_string()),
                ("offset", list.offset.to_string()),
            ];
            if let Some(search) = list.search {
                query.push(("q", search));
            }
            let page = client.get(&with_query("/api/schedules", &query)).await?;
            return show(global, page, |page: Page<ScheduleView>| {
                output::schedules_table(&page, now)
            });
        }
        SchedulesCommand::Get(ScheduleId { id }) => {
            let schedule = client
                .get(&format!("/api/schedules/{}", segment(&id)))
                .await?;
            return show(global, schedule, |s: Data<ScheduleView>| {
                output::schedule_detail(&s.data, now)
            });
        }
        SchedulesCommand::Enable(ScheduleId { id }) => ("Enabled", id, "enable"),
        SchedulesCommand::Disable(args) => {
            let body = serde_json::to_value(disable.unwrap_or_default())
                .map_err(|e| CliError::Other(e.to_string()))?;
            let path = format!("/api/schedules/{}/disable", segment(&args.schedule.id));
            let answer = client.post(&path, Some(&body)).await?;
            return show(global, answer, |s: Data<ScheduleView>| {
                output::schedule_changed("Disabled", &s.data, now)
            });
        }
        SchedulesCommand::Delete(ScheduleId { id }) => ("Deleted", id, ""),
    };
    let answer = if path.is_empty() {
        client
            .delete(&format!("/api/schedules/{}", segment(&id)))
            .await?
    } else {
        client
            .post(&format!("/api/schedules/{}/{path}", segment(&id)), None)
            .await?
    };
    show(global, answer, |s: Data<ScheduleView>| {
        output::schedule_changed(verb, &s.data, now)
    })
}

async fn logs(args: LogsArgs) -> Result<(), CliError> {
    let global = &args.global;
    if args.follow && args.command.is_some() {
        return Err(CliError::Usage(
            "--follow: use it on its own, as `chime logs --follow`, not with `list` or `get`"
                .into(),
        ));
    }
    if args.follow {
        let filter = follow::Filter {
            job_id: args.filter.job,
            schedule_id: args.filter.schedule,
            events: args.filter.event,
            after: args.after,
        };
        return follow::follow(global, filter, global.json()).await;
    }
    let client = Client::connect(global).await?;
    match args.command {
        Some(LogsCommand::Get(EventId { id })) => {
            let event = client.get(&format!("/api/logs/{id}")).await?;
            show(global, event, |e: Data<Event>| {
                output::event_detail(&e.data)
            })?;
        }
        Some(LogsCommand::List) | None => list_logs(&client, global, &args.filter).await?,
    }
    Ok(())
}

async fn list_logs(client: &Client, global: &Global, filter: &LogFilter) -> Result<(), CliError> {
    let mut query = vec![("limit", filter.limit.unwrap_or(50).to_string())];
    if let Some(job) = &filter.job {
        query.push(("job_id", job.clone()));
    }
    if let Some(schedule) = &filter.schedule {
        query.push(("schedule_id", schedule.clone()));
    }
    if !filter.event.is_empty() {
        query.push(("event", filter.event.join(",")));
    }
    let page = client.get(&with_query("/api/logs", &query)).await?;
    show(global, page, |page: LogPage<Event>| {
        output::events_table(&page.data)
    })
}

async fn preview(args: PreviewArgs) -> Result<(), CliError> {
    let mut rule = Map::new();
    if let Some(cron) = args.cron {
        rule.insert("cron".into(), Value::String(cron));
    }
    if let Some(every) = args.every {
        rule.insert("repeat_every".into(), Value::String(every));
    }
    if let Some(tz) = args.tz {
        rule.insert("timezone".into(), Value::String(tz));
    }
    rule.insert("count".into(), Value::from(args.count));
    let client = Client::connect(&args.global).await?;
    let answer = client
        .post("/api/schedules/preview", Some(&Value::Object(rule)))
        .await?;
    show(&args.global, answer, |p: Data<PreviewAnswer>| {
        output::preview(&p.data, Utc::now())
    })
}

async fn import_curl(args: ImportCurlArgs) -> Result<(), CliError> {
    if (args.job.is_set() || args.checks.is_set()) && !args.when.is_set() {
        return Err(CliError::Usage(
            "--name, --idempotency-key, --callback, --webhook and the checks, alerts and \
             limits apply when creating the job; add --in, --at, --every, --cron or --now"
                .into(),
        ));
    }
    let command = curl_command(&args.command)?;
    let client = Client::connect(&args.global).await?;
    let body = Value::Object(Map::from_iter([("command".into(), Value::String(command))]));
    let draft = client.post("/api/import/curl", Some(&body)).await?;
    if !args.when.is_set() {
        return show(&args.global, draft, |d: Data<RequestSpec>| {
            output::draft(&d.data)
        });
    }
    let Data { data: input } = serde_json::from_value::<Data<JobInput>>(draft)
        .map_err(|e| CliError::Other(format!("the API's job draft is not a job: {e}")))?;
    create_job(input, &args.when, &args.job, &args.checks, &args.global).await
}

/// The curl command as one text: the single argument as given, several words
/// (after `--`) quoted back together, or stdin for `-` or nothing.
fn curl_command(words: &[String]) -> Result<String, CliError> {
    let command = match words {
        [] => read_stdin()?,
        [dash] if dash == "-" => read_stdin()?,
        [one] => one.clone(),
        many => many
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" "),
    };
    if command.trim().is_empty() {
        return Err(CliError::Usage(
            "give the curl command: chime import-curl 'curl https://...' (or pipe it in)".into(),
        ));
    }
    Ok(command)
}

fn read_stdin() -> Result<String, CliError> {
    use std::io::{IsTerminal, Read};
    if std::io::stdin().is_terminal() {
        output::note("Paste the curl command, then Ctrl-D:");
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::Usage(format!("cannot read the curl command from stdin: {e}")))?;
    Ok(text)
}

/// One word, single-quoted as sh reads it back unchanged.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

fn completions(shell: clap_complete::Shell) {
    let mut command = crate::Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "chime", &mut buffer);
    output::emit(String::from_utf8_lossy(&buffer).trim_end());
}

fn man_pages(dir: &std::path::Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(crate::Cli::command(), dir))
        .map_err(|e| CliError::Other(format!("cannot write man pages in {}: {e}", dir.display())))
}

/// An id as one path segment: ids are uuids or numbers, but a typo must not
/// reach another route (`chime jobs get ../settings`).
fn segment(id: &str) -> String {
    let mut out = String::new();
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) && id != "." && id != ".." {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn with_query(path: &str, query: &[(&str, String)]) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_leave_their_path_segment() {
        assert_eq!(segment("6f1c-ab"), "6f1c-ab");
        assert_eq!(segment("../settings"), "..%2Fsettings");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("a b?c"), "a%20b%3Fc");
    }

    #[test]
    fn curl_words_are_quoted_back_into_one_command() {
        let words: Vec<String> = ["curl", "-H", "X-Name: it's", "https://x/y?a=1&b=2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            curl_command(&words).unwrap(),
            r"'curl' '-H' 'X-Name: it'\''s' 'https://x/y?a=1&b=2'"
        );
        assert_eq!(
            curl_command(&["curl https://x".to_string()]).unwrap(),
            "curl https://x"
        );
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        crate::Cli::command().debug_assert();
    }
}
