//! The command line's shape: the verbs, their arguments and flags, and the
//! help text and examples clap shows for them. What each verb does is in
//! `cli/mod.rs`.

use std::path::PathBuf;

use anstyle::Style;
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;

use super::checks::CheckFlags;
use super::client::CliError;
use super::doctor;
use super::job::{self, JobFlags, RequestFlags, WhenFlags};
use chime_engine::protocol::{DisableInput, InstantInput};

pub(super) const GLOBAL: &str = "Global options";

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
    pub(super) fn json(&self) -> bool {
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
    pub(super) dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// HTTP method: get, post, put, patch or delete.
    #[arg(value_name = "METHOD")]
    pub(super) method: String,
    /// Target URL (https; plain http only when Chime runs with --allow-http).
    #[arg(value_name = "URL")]
    pub(super) target: String,
    #[command(flatten)]
    pub(super) request: RequestFlags,
    #[command(flatten)]
    pub(super) when: WhenFlags,
    #[command(flatten)]
    pub(super) job: JobFlags,
    #[command(flatten)]
    pub(super) checks: CheckFlags,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub(super) command: JobsCommand,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Subcommand)]
pub(super) enum JobsCommand {
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
pub(super) struct CurlArgs {
    #[command(flatten)]
    pub(super) job: JobId,
    /// Keep the job's credentials (Authorization, tokens, cookies) in the command.
    #[arg(long)]
    pub(super) with_secrets: bool,
}

#[derive(Debug, Args)]
pub(super) struct JobId {
    /// The job's id (from `chime jobs list`).
    #[arg(value_name = "JOB_ID")]
    pub(super) id: String,
}

#[derive(Debug, Args)]
pub(super) struct JobListArgs {
    /// Only jobs in this state: scheduled, available, executing, retryable,
    /// completed, discarded, cancelled (repeat, or separate with commas).
    #[arg(long, value_name = "STATE", value_delimiter = ',')]
    pub(super) state: Vec<String>,
    /// Only the jobs of this schedule (`none`: one-off jobs only).
    #[arg(long, value_name = "SCHEDULE_ID")]
    pub(super) schedule: Option<String>,
    /// Only jobs whose name, description or URL contains this text.
    #[arg(long, short = 's', value_name = "TEXT")]
    pub(super) search: Option<String>,
    /// Order: FIELD or FIELD,asc|desc (scheduled_at, inserted_at, updated_at, state, name).
    #[arg(long, value_name = "FIELD[,DIR]")]
    pub(super) order: Option<String>,
    /// How many (1-100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub(super) limit: u32,
    /// Skip this many (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(super) offset: u64,
}

#[derive(Debug, Args)]
pub struct SchedulesArgs {
    #[command(subcommand)]
    pub(super) command: SchedulesCommand,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Subcommand)]
pub(super) enum SchedulesCommand {
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
pub(super) struct ScheduleId {
    /// The schedule's id (from `chime schedules list`).
    #[arg(value_name = "SCHEDULE_ID")]
    pub(super) id: String,
}

#[derive(Debug, Args)]
pub(super) struct DisableArgs {
    #[command(flatten)]
    pub(super) schedule: ScheduleId,
    /// Enable it again at this time: 2026-12-07T09:00:00Z, '2026-12-07 09:00' or
    /// 09:00 (local time; the next one), or a unix timestamp.
    #[arg(long, value_name = "TIME")]
    pub(super) until: Option<String>,
    /// Enable it again after this long: 1h, '30 minutes', '2 days'.
    #[arg(long = "for", value_name = "DURATION", conflicts_with = "until")]
    pub(super) for_: Option<String>,
}

impl DisableArgs {
    /// `{}`, or `{"until": ...}` for a pause that ends by itself.
    pub(super) fn input(&self, now: chrono::DateTime<Utc>) -> Result<DisableInput, CliError> {
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
pub(super) struct ScheduleListArgs {
    /// Only schedules whose name, description or URL contains this text.
    #[arg(long, short = 's', value_name = "TEXT")]
    pub(super) search: Option<String>,
    /// How many (1-100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub(super) limit: u32,
    /// Skip this many (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(super) offset: u64,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(subcommand)]
    pub(super) command: Option<LogsCommand>,
    /// Follow the log live: one line per event as it happens (Ctrl-C to stop).
    #[arg(long, short = 'f', conflicts_with = "limit")]
    pub(super) follow: bool,
    /// With --follow: start after this event id (replaying what came since), not now.
    #[arg(long, value_name = "EVENT_ID", requires = "follow")]
    pub(super) after: Option<i64>,
    #[command(flatten)]
    pub(super) filter: LogFilter,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Subcommand)]
pub(super) enum LogsCommand {
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
pub(super) struct EventId {
    /// The event's id (the first column of `chime logs`).
    #[arg(value_name = "EVENT_ID")]
    pub(super) id: i64,
}

/// Which events; for `chime logs`, `logs list` and `logs --follow` alike
/// (global, so they go before or after `list`).
#[derive(Debug, Clone, Args)]
pub(super) struct LogFilter {
    /// Only this job's events.
    #[arg(long, value_name = "JOB_ID", global = true)]
    pub(super) job: Option<String>,
    /// Only the events of this schedule's jobs.
    #[arg(long, value_name = "SCHEDULE_ID", global = true)]
    pub(super) schedule: Option<String>,
    /// Only these events: job.created, job.updated, job.cancelled, job.started,
    /// job.request, job.response, job.error, job.finished (repeat, or separate with commas).
    #[arg(long, value_name = "EVENT", value_delimiter = ',', global = true)]
    pub(super) event: Vec<String>,
    /// How many to list (1-1000; default 50).
    #[arg(long, short = 'n', value_name = "N", global = true)]
    pub(super) limit: Option<u32>,
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
    pub(super) cron: Option<String>,
    /// An interval instead: '5 minutes', 1h.
    #[arg(long, value_name = "DURATION")]
    pub(super) every: Option<String>,
    /// Time zone the cron rule is read in (IANA name; default UTC).
    #[arg(long, value_name = "ZONE")]
    pub(super) tz: Option<String>,
    /// How many next runs to list (1-100).
    #[arg(short = 'n', long = "count", default_value_t = 5, value_name = "N")]
    pub(super) count: u32,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Args)]
pub struct ImportCurlArgs {
    /// The curl command: one quoted argument, the words after `--`, or - (or
    /// nothing) to read it from stdin. Options may come before or after a
    /// quoted command; after `--` every word is the command's.
    #[arg(value_name = "CURL")]
    pub(super) command: Vec<String>,
    #[command(flatten)]
    pub(super) when: WhenFlags,
    #[command(flatten)]
    pub(super) job: JobFlags,
    #[command(flatten)]
    pub(super) checks: CheckFlags,
    #[command(flatten)]
    pub(super) global: Global,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(super) shell: clap_complete::Shell,
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
pub(super) fn examples(items: &[(&str, &str)]) -> String {
    let head = Style::new().bold().underline();
    let comment = Style::new().dimmed();
    let mut out = format!("{head}Examples:{head:#}");
    for (what, command) in items {
        out.push_str(&format!("\n  {comment}# {what}{comment:#}\n  {command}"));
    }
    out
}

// ---------------------------------------------------------------- global options first

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
}
