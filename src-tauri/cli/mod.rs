//! The command line: `chime run`, `chime jobs ...`, `chime schedules ...`,
//! `chime logs ...`, `chime preview`, `chime import-curl`, `chime completions`.
//!
//! Every verb but `completions` talks to the running Chime through its local
//! API (found through the data folder, see `client`), and prints a short
//! summary or a table for people, or with `--output json` exactly the API's
//! `data` for scripts.
//!
//! Exit status: 0 done; 1 the API refused the request (it prints
//! `field: message`) or something failed on the way; 2 the command line is
//! wrong or no Chime is running.

mod checks;
mod client;
mod data;
mod doctor;
mod follow;
mod job;
mod output;

use std::path::PathBuf;

use anstyle::Style;
use chrono::Utc;
use clap::{Args, CommandFactory, Subcommand, ValueEnum};
use serde_json::{Map, Value};

use checks::CheckFlags;
use chime_engine::protocol::{
    CurlExport, Data, DisableInput, InstantInput, JobInput, LogPage, Page, PreviewAnswer,
};
use chime_engine::request::{Method, RequestSpec};
use chime_engine::{Event, JobView, ScheduleView};
use client::{CliError, Client};
use job::{JobFlags, RequestFlags, WhenFlags};
use serde::de::DeserializeOwned;

pub use client::NOT_RUNNING;

const GLOBAL: &str = "Global options";

/// `--output`: for people or for scripts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Output {
    #[default]
    Human,
    Json,
}

/// Options every verb takes: after the verb (`chime jobs list -o json`), or
/// before it (`chime -o json jobs list`, see `global_flags_after_the_verb`).
#[derive(Debug, Clone, Default, Args)]
pub struct Global {
    /// How to print: human (summaries, tables) or json (the API's `data`, for scripts).
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Human, global = true, help_heading = GLOBAL)]
    pub output: Output,
    /// The API of the Chime to talk to, instead of the one found in the data folder.
    #[arg(long, env = "CHIME_URL", hide_env_values = true, value_name = "URL", global = true, help_heading = GLOBAL)]
    pub url: Option<String>,
    /// The API key [default: the data folder's api-key file].
    #[arg(long, env = "CHIME_API_KEY", hide_env_values = true, value_name = "KEY", global = true, help_heading = GLOBAL)]
    pub key: Option<String>,
    /// Data folder of the Chime to talk to [env: CHIME_DATA_DIR] [default: the OS data folder].
    #[arg(long, value_name = "DIR", global = true, help_heading = GLOBAL)]
    pub data_dir: Option<PathBuf>,
}

impl Global {
    fn json(&self) -> bool {
        self.output == Output::Json
    }
}

/// The CLI's verbs, flattened into the binary's `Command`.
#[derive(Debug, Subcommand)]
pub enum Verb {
    /// Create a job: send METHOD URL now, later, or on a schedule.
    #[command(after_help = examples(RUN_EXAMPLES))]
    Run(Box<RunArgs>),
    /// List, show, cancel, run or export jobs.
    #[command(after_help = examples(JOBS_EXAMPLES))]
    Jobs(JobsArgs),
    /// List, show, enable, disable or delete schedules.
    #[command(after_help = examples(SCHEDULES_EXAMPLES))]
    Schedules(SchedulesArgs),
    /// Show the log of events, or follow it live.
    #[command(after_help = examples(LOGS_EXAMPLES))]
    Logs(LogsArgs),
    /// Describe a cron or interval rule in words and list its next runs.
    #[command(after_help = examples(PREVIEW_EXAMPLES))]
    Preview(PreviewArgs),
    /// Turn a curl command into a job draft, or into a job with --in/--at/--every/--cron.
    #[command(after_help = examples(IMPORT_CURL_EXAMPLES))]
    ImportCurl(Box<ImportCurlArgs>),
    /// Print shell completions: bash, zsh, fish (also elvish, powershell).
    #[command(after_help = examples(COMPLETIONS_EXAMPLES))]
    Completions(CompletionsArgs),
    /// Check the database; if it is damaged, copy what can be read into a new
    /// one and keep the damaged file. Quit Chime first.
    #[command(after_help = examples(&[
        ("Check and repair the usual data folder", "chime doctor"),
        ("Another data folder", "chime doctor --data-dir /path/to/folder"),
    ]))]
    Doctor(doctor::DoctorArgs),
    /// Write the man pages (roff), made from these definitions, into DIR:
    /// chime.1 and a page per verb, such as chime-jobs-list.1 (for packages).
    #[command(hide = true)]
    Man(ManArgs),
}

// ---------------------------------------------------------------- arguments

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write the pages.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// HTTP method: get, post, put, patch or delete.
    #[arg(value_name = "METHOD")]
    method: String,
    /// Target URL (https; plain http only when Chime runs with --allow-http).
    #[arg(value_name = "URL")]
    target: String,
    #[command(flatten)]
    request: RequestFlags,
    #[command(flatten)]
    when: WhenFlags,
    #[command(flatten)]
    job: JobFlags,
    #[command(flatten)]
    checks: CheckFlags,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(subcommand)]
    command: JobsCommand,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// List jobs, newest first.
    #[command(after_help = examples(&[
        ("The last 10 jobs", "chime jobs list"),
        ("Failed ones, 50 of them", "chime jobs list --state discarded --limit 50"),
        ("A schedule's jobs, as JSON", "chime jobs list --schedule SCHEDULE_ID -o json"),
    ]))]
    List(JobListArgs),
    /// Show a job: its request, state and attempts.
    #[command(after_help = examples(&[("One job", "chime jobs get JOB_ID")]))]
    Get(JobId),
    /// Cancel a job that has not finished.
    #[command(after_help = examples(&[("Cancel a pending job", "chime jobs cancel JOB_ID")]))]
    Cancel(JobId),
    /// Run a pending job now, or send a finished job's request again (as a new job).
    #[command(after_help = examples(&[("Run it now", "chime jobs run JOB_ID")]))]
    Run(JobId),
    /// Print a job's request as a curl command, its credentials redacted
    /// unless --with-secrets.
    #[command(after_help = examples(&[
        ("Print it, safe to paste", "chime jobs curl JOB_ID"),
        ("Send it yourself", "eval \"$(chime jobs curl JOB_ID --with-secrets)\""),
    ]))]
    Curl(CurlArgs),
}

#[derive(Debug, Args)]
struct CurlArgs {
    #[command(flatten)]
    job: JobId,
    /// Keep the job's credentials (Authorization, tokens, cookies) in the command.
    #[arg(long)]
    with_secrets: bool,
}

#[derive(Debug, Args)]
struct JobId {
    /// The job's id (from `chime jobs list`).
    #[arg(value_name = "JOB_ID")]
    id: String,
}

#[derive(Debug, Args)]
struct JobListArgs {
    /// Only jobs in this state: scheduled, available, executing, retryable,
    /// completed, discarded, cancelled (repeat, or separate with commas).
    #[arg(long, value_name = "STATE", value_delimiter = ',')]
    state: Vec<String>,
    /// Only the jobs of this schedule (`none`: one-off jobs only).
    #[arg(long, value_name = "SCHEDULE_ID")]
    schedule: Option<String>,
    /// Only jobs whose name, description or URL contains this text.
    #[arg(long, short = 's', value_name = "TEXT")]
    search: Option<String>,
    /// Order: FIELD or FIELD,asc|desc (scheduled_at, inserted_at, updated_at, state, name).
    #[arg(long, value_name = "FIELD[,DIR]")]
    order: Option<String>,
    /// How many (1-100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    limit: u32,
    /// Skip this many (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: u64,
}

#[derive(Debug, Args)]
pub struct SchedulesArgs {
    #[command(subcommand)]
    command: SchedulesCommand,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Subcommand)]
enum SchedulesCommand {
    /// List schedules with their next run.
    #[command(after_help = examples(&[
        ("All schedules", "chime schedules list"),
        ("Those whose name or URL mentions github", "chime schedules list --search github"),
    ]))]
    List(ScheduleListArgs),
    /// Show a schedule: its rule, request, state and next run.
    #[command(after_help = examples(&[("One schedule", "chime schedules get SCHEDULE_ID")]))]
    Get(ScheduleId),
    /// Enable a disabled schedule: it plans its next run again.
    #[command(after_help = examples(&[("Resume it", "chime schedules enable SCHEDULE_ID")]))]
    Enable(ScheduleId),
    /// Disable a schedule: it creates no more jobs, and its pending one is
    /// cancelled; with --until or --for it enables itself again then.
    #[command(after_help = examples(&[
        ("Pause it", "chime schedules disable SCHEDULE_ID"),
        ("Pause it for an hour", "chime schedules disable SCHEDULE_ID --for 1h"),
        ("Until Monday morning", "chime schedules disable SCHEDULE_ID --until '2026-12-07 09:00'"),
    ]))]
    Disable(DisableArgs),
    /// Delete a schedule (its past jobs and their log stay).
    #[command(after_help = examples(&[("Delete it", "chime schedules delete SCHEDULE_ID")]))]
    Delete(ScheduleId),
}

#[derive(Debug, Args)]
struct ScheduleId {
    /// The schedule's id (from `chime schedules list`).
    #[arg(value_name = "SCHEDULE_ID")]
    id: String,
}

#[derive(Debug, Args)]
struct DisableArgs {
    #[command(flatten)]
    schedule: ScheduleId,
    /// Enable it again at this time: 2026-12-07T09:00:00Z, '2026-12-07 09:00' or
    /// 09:00 (local time; the next one), or a unix timestamp.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Enable it again after this long: 1h, '30 minutes', '2 days'.
    #[arg(long = "for", value_name = "DURATION", conflicts_with = "until")]
    for_: Option<String>,
}

impl DisableArgs {
    /// `{}`, or `{"until": ...}` for a pause that ends by itself.
    fn input(&self, now: chrono::DateTime<Utc>) -> Result<DisableInput, CliError> {
        let until = match (&self.until, &self.for_) {
            (Some(at), _) => {
                Some(job::parse_at("--until", at, None, now).map_err(CliError::Usage)?)
            }
            (None, Some(d)) => {
                let d = chime_engine::duration::parse("--for", &Value::String(d.clone()))
                    .map_err(|e| CliError::Usage(format!("--for {d}: {}", e.message)))?;
                Some(InstantInput::Text((now + d).to_rfc3339()))
            }
            (None, None) => None,
        };
        Ok(DisableInput { until })
    }
}

#[derive(Debug, Args)]
struct ScheduleListArgs {
    /// Only schedules whose name, description or URL contains this text.
    #[arg(long, short = 's', value_name = "TEXT")]
    search: Option<String>,
    /// How many (1-100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    limit: u32,
    /// Skip this many (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: u64,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(subcommand)]
    command: Option<LogsCommand>,
    /// Follow the log live: one line per event as it happens (Ctrl-C to stop).
    #[arg(long, short = 'f', conflicts_with = "limit")]
    follow: bool,
    /// With --follow: start after this event id (replaying what came since), not now.
    #[arg(long, value_name = "EVENT_ID", requires = "follow")]
    after: Option<i64>,
    #[command(flatten)]
    filter: LogFilter,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Subcommand)]
enum LogsCommand {
    /// List stored events, newest first (what `chime logs` does).
    #[command(after_help = examples(&[
        ("The last 50 events", "chime logs list"),
        ("A job's requests and responses", "chime logs list --job JOB_ID --event job.request,job.response"),
    ]))]
    List,
    /// Show one event with its whole payload (request or response headers and body).
    #[command(after_help = examples(&[("One event", "chime logs get 1234")]))]
    Get(EventId),
}

#[derive(Debug, Args)]
struct EventId {
    /// The event's id (the first column of `chime logs`).
    #[arg(value_name = "EVENT_ID")]
    id: i64,
}

/// Which events; for `chime logs`, `logs list` and `logs --follow` alike
/// (global, so they go before or after `list`).
#[derive(Debug, Clone, Args)]
struct LogFilter {
    /// Only this job's events.
    #[arg(long, value_name = "JOB_ID", global = true)]
    job: Option<String>,
    /// Only the events of this schedule's jobs.
    #[arg(long, value_name = "SCHEDULE_ID", global = true)]
    schedule: Option<String>,
    /// Only these events: job.created, job.updated, job.cancelled, job.started,
    /// job.request, job.response, job.error, job.finished (repeat, or separate with commas).
    #[arg(long, value_name = "EVENT", value_delimiter = ',', global = true)]
    event: Vec<String>,
    /// How many to list (1-1000; default 50).
    #[arg(long, short = 'n', value_name = "N", global = true)]
    limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// A cron rule: '0 9 * * 1-5', '*/15 * * * *', @daily.
    #[arg(
        long,
        value_name = "EXPR",
        required_unless_present = "every",
        conflicts_with = "every"
    )]
    cron: Option<String>,
    /// An interval instead: '5 minutes', 1h.
    #[arg(long, value_name = "DURATION")]
    every: Option<String>,
    /// Time zone the cron rule is read in (IANA name; default UTC).
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// How many next runs to list (1-100).
    #[arg(short = 'n', long = "count", default_value_t = 5, value_name = "N")]
    count: u32,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Args)]
pub struct ImportCurlArgs {
    /// The curl command: one quoted argument, the words after `--`, or - (or
    /// nothing) to read it from stdin. Options may come before or after a
    /// quoted command; after `--` every word is the command's.
    #[arg(value_name = "CURL")]
    command: Vec<String>,
    #[command(flatten)]
    when: WhenFlags,
    #[command(flatten)]
    job: JobFlags,
    #[command(flatten)]
    checks: CheckFlags,
    #[command(flatten)]
    global: Global,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

// ---------------------------------------------------------------- help

const RUN_EXAMPLES: &[(&str, &str)] = &[
    (
        "booper's example: a JSON body, sent in 30 seconds",
        "chime run POST https://example.com/hook --data 'content=Testing 123' --data 'channel=discord' --in '30 seconds'",
    ),
    (
        "Nested fields, a number, and a dynamic field read at run time",
        "chime run POST https://api.example.com/items --data user.name=ada --data count:=3 --data 'cursor=$state.cursor' --every '5 minutes'",
    ),
    (
        "Weekdays at 9 in Berlin, with a header",
        "chime run GET https://api.example.com/report -H 'Accept: application/json' --cron '0 9 * * 1-5' --tz Europe/Berlin",
    ),
    (
        "At a local time, with the body from a file",
        "chime run PUT https://api.example.com/config --json @config.json --at '2026-12-01 09:00'",
    ),
    (
        "For scripts: the created job as JSON",
        "chime run DELETE https://api.example.com/cache --in 1h -o json | jq -r .id",
    ),
];
const JOBS_EXAMPLES: &[(&str, &str)] = &[
    ("The last 10 jobs", "chime jobs list"),
    ("One job with its attempts", "chime jobs get JOB_ID"),
    (
        "Cancel it, or run it now",
        "chime jobs cancel JOB_ID; chime jobs run JOB_ID",
    ),
    ("Its request as a curl command", "chime jobs curl JOB_ID"),
];
const SCHEDULES_EXAMPLES: &[(&str, &str)] = &[
    ("Schedules and their next run", "chime schedules list"),
    (
        "Pause one, and resume it",
        "chime schedules disable SCHEDULE_ID; chime schedules enable SCHEDULE_ID",
    ),
    ("Delete one", "chime schedules delete SCHEDULE_ID"),
];
const LOGS_EXAMPLES: &[(&str, &str)] = &[
    ("The last 50 events", "chime logs"),
    ("Follow everything live", "chime logs --follow"),
    (
        "Follow one job's requests and responses",
        "chime logs -f --job JOB_ID",
    ),
    ("One event with its whole payload", "chime logs get 1234"),
    (
        "Live events as JSON lines, for scripts",
        "chime logs -f -o json | jq -c 'select(.event == \"job.error\")'",
    ),
];
const PREVIEW_EXAMPLES: &[(&str, &str)] = &[
    (
        "Weekdays at 9 in Berlin",
        "chime preview --cron '0 9 * * 1-5' --tz Europe/Berlin",
    ),
    (
        "The next 10 of every 15 minutes",
        "chime preview --cron '*/15 * * * *' -n 10",
    ),
    ("An interval", "chime preview --every '90 minutes'"),
];
const IMPORT_CURL_EXAMPLES: &[(&str, &str)] = &[
    ("See the job a curl command makes", "chime import-curl 'curl https://api.example.com/items -H \"Authorization: Bearer T\" -d name=ada'"),
    ("Create it, to run in an hour", "chime import-curl --in '1 hour' 'curl https://api.example.com/ping'"),
    ("Words after -- need no outer quotes", "chime import-curl --every 5m -- curl -u me:secret https://api.example.com/poll"),
    ("From the clipboard (\"Copy as cURL\")", "xclip -o | chime import-curl --cron '0 * * * *' -"),
];
const COMPLETIONS_EXAMPLES: &[(&str, &str)] = &[
    (
        "bash",
        "chime completions bash > ~/.local/share/bash-completion/completions/chime",
    ),
    (
        "zsh (a folder in $fpath)",
        "chime completions zsh > ~/.zfunc/_chime",
    ),
    (
        "fish",
        "chime completions fish > ~/.config/fish/completions/chime.fish",
    ),
];

/// An "Examples:" section for `--help`, headed as clap heads its own.
fn examples(items: &[(&str, &str)]) -> String {
    let head = Style::new().bold().underline();
    let comment = Style::new().dimmed();
    let mut out = format!("{head}Examples:{head:#}");
    for (what, command) in items {
        out.push_str(&format!("\n  {comment}# {what}{comment:#}\n  {command}"));
    }
    out
}

// ---------------------------------------------------------------- running

/// Runs one verb; failures are printed here and end the process with their
/// exit status (main only knows 1, and "no Chime is running" is 2).
/// The global options are declared on each verb (`serve` has its own
/// `--data-dir`), so clap only reads them after it. People also write them
/// first, as with git and docker: those are moved to just after the verb.
pub fn global_flags_after_the_verb(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    const WITH_VALUE: &[&str] = &["-o", "--output", "--url", "--key", "--data-dir"];
    let mut args = args.into_iter();
    let mut out: Vec<_> = args.next().into_iter().collect();
    let mut leading = Vec::new();
    let mut rest: Vec<_> = args.collect();
    while let Some(first) = rest.first().and_then(|a| a.to_str()) {
        let name = first.split('=').next().unwrap_or(first);
        // `--url=URL` and `-ojson` carry their value; `--url URL` takes the next word.
        let global = WITH_VALUE.contains(&name) || (first.starts_with("-o") && first.len() > 2);
        if !global {
            break;
        }
        let takes_next = WITH_VALUE.contains(&first) && rest.len() > 1;
        let n = if takes_next { 2 } else { 1 };
        leading.extend(rest.drain(..n));
    }
    if leading.is_empty() || rest.is_empty() {
        out.extend(leading);
        out.extend(rest);
        return out;
    }
    out.push(rest.remove(0)); // the verb
    out.extend(leading);
    out.extend(rest);
    out
}

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
    fn global_flags_written_first_move_after_the_verb() {
        let moved = |line: &str| {
            global_flags_after_the_verb(line.split(' ').map(Into::into))
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(moved("chime -o json jobs list"), "chime jobs -o json list");
        assert_eq!(
            moved("chime --url=http://127.0.0.1:1 -ojson --key k logs --follow"),
            "chime logs --url=http://127.0.0.1:1 -ojson --key k --follow"
        );
        assert_eq!(
            moved("chime --data-dir /d serve --port 0"),
            "chime serve --data-dir /d --port 0"
        );
        // Left as written: already after the verb, nothing to move, no verb.
        assert_eq!(moved("chime jobs list -o json"), "chime jobs list -o json");
        assert_eq!(moved("chime --help"), "chime --help");
        assert_eq!(moved("chime --data-dir /d"), "chime --data-dir /d");
        assert_eq!(moved("chime"), "chime");
    }

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
