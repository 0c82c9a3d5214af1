//! What people see: short summaries, tables, one line per log event, in
//! colour when stdout is a terminal (`anstream` strips the colour otherwise,
//! and honours `NO_COLOR` and `CLICOLOR_FORCE`). Scripts use `--output json`,
//! which prints the API's `data` untouched; nothing here is meant to be parsed.

use std::fmt::Write as _;
use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use chime_engine::attempt::{status_text, Attempt};
use chime_engine::event::Started;
use chime_engine::job::OutcomeSummary;
use chime_engine::protocol::{Page, PreviewAnswer};
use chime_engine::request::RequestSpec;
use chime_engine::{Event, Frequency, JobView, Payload, ScheduleView};
use chrono::{DateTime, Local, Utc};
use serde_json::{Map, Value};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const RED: Style = AnsiColor::Red.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
const PLAIN: Style = Style::new();

/// Widest a URL may be in a table row before it is cut with `…`.
const URL_WIDTH: usize = 60;
const NAME_WIDTH: usize = 24;
const OUTCOME_WIDTH: usize = 48;

/// Writes `text` and a newline to stdout, styles stripped unless it is a
/// terminal. A reader that went away (`chime jobs list | head`) ends the
/// program quietly, as it would for any Unix tool.
pub fn emit(text: &str) {
    let mut out = anstream::stdout().lock();
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("chime: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// A message for the person at the terminal (stderr), styled the same way.
pub fn note(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// `--output json`: the API's JSON, pretty-printed.
pub fn json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

pub fn paint(style: Style, text: &str) -> String {
    if style == PLAIN {
        return text.to_string();
    }
    format!("{style}{text}{style:#}")
}

// ---------------------------------------------------------------- tables

/// One cell: its text, and how to style it (widths count the text only).
pub struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: PLAIN,
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            text: text.into(),
            style,
        }
    }
}

/// Left-aligned columns two spaces apart; the last column is not padded.
pub fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(&cell.text));
        }
    }
    let header_cells = headers.iter().map(|h| Cell::styled(*h, BOLD)).collect();
    let mut out = String::new();
    for row in std::iter::once(header_cells).chain(rows) {
        let last = row.len().saturating_sub(1);
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(&paint(cell.style, &cell.text));
            if i < last {
                line.push_str(&" ".repeat(widths[i] - width(&cell.text) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.pop();
    out
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `max` characters, with `…` where it was cut.
pub fn clip(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

// ---------------------------------------------------------------- time

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "in 5m", "3h 2m ago", "now": the two largest units.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (t - now).num_seconds();
    if seconds.abs() < 1 {
        return "now".into();
    }
    let span = span(seconds.unsigned_abs());
    if seconds > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

fn span(seconds: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = seconds;
    for (size, unit) in UNITS {
        if rest >= size && parts.len() < 2 {
            parts.push(format!("{}{unit}", rest / size));
            rest %= size;
        } else if !parts.is_empty() {
            // Two units side by side only: "1d 5m" would read oddly.
            break;
        }
    }
    parts.join(" ")
}

/// "2026-11-29 09:01:12 +01:00 (in 59m)", in the machine's zone.
pub fn when(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match t {
        Some(t) => format!(
            "{} ({})",
            t.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %:z"),
            relative(t, now)
        ),
        None => "-".into(),
    }
}

fn short_when(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    t.map_or_else(|| "-".into(), |t| relative(t, now))
}

/// "2026-11-29 09:01:16", local: a time in a table.
fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// "09:01:16.401", local: the time of a log line.
fn clock(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%H:%M:%S%.3f").to_string()
}

/// A time as the API wrote it (RFC 3339, UTC, microseconds), or nothing.
fn stamp(t: Option<DateTime<Utc>>) -> String {
    t.map(chime_engine::time::rfc3339).unwrap_or_default()
}

// ---------------------------------------------------------------- pieces

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

pub fn state_style(state: &str) -> Style {
    match state {
        "completed" | "success" => GREEN,
        "discarded" | "failure" | "error" => RED,
        "executing" | "retryable" => YELLOW,
        "scheduled" | "available" => CYAN,
        _ => DIM,
    }
}

pub fn status_style(status: u16) -> Style {
    match status {
        200..=299 => GREEN,
        300..=399 => CYAN,
        400..=499 => YELLOW,
        _ => RED,
    }
}

/// "POST https://x/y?a=1", the query shown unencoded, for people.
pub fn request_line(request: &RequestSpec) -> String {
    let method = request.method.as_str();
    let url = &request.url;
    let query = query_text(&request.query);
    let joiner = if url.contains('?') { '&' } else { '?' };
    match query.is_empty() {
        true => format!("{method} {url}"),
        false => format!("{method} {url}{joiner}{query}"),
    }
}

fn query_text(query: &Map<String, Value>) -> String {
    let mut pairs = Vec::new();
    for (key, value) in query {
        match value {
            Value::Array(values) => pairs.extend(values.iter().map(|v| pair(key, v))),
            other => pairs.push(pair(key, other)),
        }
    }
    pairs.join("&")
}

fn pair(key: &str, value: &Value) -> String {
    format!("{key}={}", scalar(value))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The body as it will be sent: JSON pretty-printed, text as is.
fn body_text(body: &Value) -> String {
    match body {
        Value::String(s) => s.clone(),
        other => json(other),
    }
}

/// A duration in milliseconds, "-" when there is none to show.
fn millis(ms: i64) -> Option<u64> {
    u64::try_from(ms).ok()
}

/// "200 OK · 12 ms", "error: timed out after 30s", or "-".
fn outcome_text(outcome: Option<&OutcomeSummary>) -> (String, Style) {
    let Some(outcome) = outcome else {
        return ("-".into(), DIM);
    };
    let duration = millis(outcome.duration_ms)
        .map(|ms| format!(" · {ms} ms"))
        .unwrap_or_default();
    match (outcome.status, outcome.error.as_deref()) {
        (Some(status), check) => {
            // A table cell: the checks' words are cut; `jobs get` has them whole.
            let check = check.map(|c| clip(c, OUTCOME_WIDTH));
            let (text, style) = answered(status, check.as_deref());
            (format!("{text}{duration}"), style)
        }
        (None, Some(error)) => (format!("error: {error}"), RED),
        (None, None) => ("-".into(), DIM),
    }
}

/// A response's status, and the checks it failed if it failed any (an
/// attempt's error beside a response is always that): a 200 that failed
/// its checks is not a success.
fn answered(status: u16, failed_checks: Option<&str>) -> (String, Style) {
    match failed_checks {
        Some(why) => (format!("{} · {why}", status_text(status)), RED),
        None => (status_text(status), status_style(status)),
    }
}

/// Lines of `label  value`, labels padded to one width; empty values skipped.
fn fields(rows: &[(&str, String)]) -> String {
    let label_width = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let mut out = String::new();
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        let pad = " ".repeat(label_width - width(label) + 2);
        let value = value.replace('\n', &format!("\n  {}", " ".repeat(label_width + 2)));
        let _ = writeln!(out, "  {}{pad}{value}", paint(DIM, label));
    }
    out.pop();
    out
}

fn headers_text(headers: &Map<String, Value>) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {}", scalar(value)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn optional(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

/// The request's rows of a detail: the request line, headers and body.
fn request_rows(request: &RequestSpec) -> [(&'static str, String); 3] {
    [
        ("request", request_line(request)),
        ("headers", headers_text(&request.headers)),
        (
            "body",
            request.body.as_ref().map(body_text).unwrap_or_default(),
        ),
    ]
}

// ---------------------------------------------------------------- jobs

/// What `chime run` (and `import-curl` with a schedule) prints.
pub fn created_job(job: &JobView, schedule: Option<&ScheduleView>, now: DateTime<Utc>) -> String {
    let id = &job.id;
    let state = job.state.as_str();
    let headline = if job.job.has_conflict {
        format!(
            "A job with idempotency key {} exists already: {} ({})",
            paint(BOLD, job.idempotency_key.as_deref().unwrap_or_default()),
            paint(BOLD, id),
            paint(state_style(state), state)
        )
    } else {
        format!(
            "Created job {} ({})",
            paint(BOLD, id),
            paint(state_style(state), state)
        )
    };
    let mut rows = vec![
        ("request", request_line(&job.request)),
        ("runs", when(Some(job.scheduled_at), now)),
        ("name", optional(job.name.as_deref())),
    ];
    if let Some(schedule) = schedule {
        rows.push((
            "schedule",
            format!("{} · {}", schedule.id, schedule.summary),
        ));
    }
    format!(
        "{headline}\n{}\n{}",
        fields(&rows),
        paint(DIM, &format!("Follow it: chime logs --follow --job {id}"))
    )
}

pub fn job_detail(job: &JobView, now: DateTime<Utc>) -> String {
    let state = job.state.as_str();
    let attempts = format!("{} of {}", job.attempt, job.max_attempts);
    let schedule = match (&job.schedule_id, job.run) {
        (Some(id), Some(run)) => format!("{id} (run {run})"),
        (Some(id), None) => id.clone(),
        _ => String::new(),
    };
    let [request, headers, body] = request_rows(&job.request);
    let rows = [
        ("name", optional(job.name.as_deref())),
        ("description", optional(job.description.as_deref())),
        request,
        headers,
        body,
        ("scheduled", when(Some(job.scheduled_at), now)),
        ("schedule", schedule),
        ("attempts", attempts),
        ("idempotency", optional(job.idempotency_key.as_deref())),
        ("callback", optional(job.callback_url.as_deref())),
        ("webhook", optional(job.webhook_url.as_deref())),
    ];
    let mut out = format!(
        "Job {}  {}\n{}",
        paint(BOLD, &job.id),
        paint(state_style(state), state),
        fields(&rows)
    );
    if let Some(attempts) = job.attempts.as_deref().filter(|a| !a.is_empty()) {
        out.push_str("\n\n");
        out.push_str(&attempts_table(attempts));
    }
    out
}

fn attempts_table(attempts: &[Attempt]) -> String {
    let rows = attempts
        .iter()
        .map(|a| {
            let outcome = a.outcome.as_str();
            let status = a.response.as_ref().map(|r| r.status);
            let result = match (status, a.error.as_deref()) {
                (Some(status), check) => {
                    let (text, style) = answered(status, check);
                    Cell::styled(text, style)
                }
                (None, Some(error)) => Cell::styled(error, RED),
                (None, None) => Cell::new("-"),
            };
            vec![
                Cell::new(a.attempt.to_string()),
                Cell::new(local_time(a.started_at)),
                Cell::new(millis(a.duration_ms).map_or("-".into(), |ms| format!("{ms} ms"))),
                Cell::styled(outcome, state_style(outcome)),
                result,
            ]
        })
        .collect();
    table(&["#", "STARTED", "DURATION", "OUTCOME", "RESULT"], rows)
}

pub fn jobs_table(page: &Page<JobView>, now: DateTime<Utc>) -> String {
    let jobs = &page.data;
    if jobs.is_empty() {
        return format!(
            "No jobs.\n{}",
            paint(
                DIM,
                "Create one with: chime run POST https://... --in '5 minutes'"
            )
        );
    }
    let rows = jobs
        .iter()
        .map(|job| {
            let state = job.state.as_str();
            let (last, last_style) = outcome_text(job.last_outcome.as_ref());
            vec![
                Cell::new(&job.id),
                Cell::styled(state, state_style(state)),
                Cell::new(short_when(Some(job.scheduled_at), now)),
                Cell::new(clip(&request_line(&job.request), URL_WIDTH)),
                Cell::new(clip(&optional(job.name.as_deref()), NAME_WIDTH)),
                Cell::styled(clip(&last, OUTCOME_WIDTH), last_style),
            ]
        })
        .collect();
    let mut out = table(&["ID", "STATE", "WHEN", "REQUEST", "NAME", "LAST"], rows);
    out.push_str(&paging(page, "jobs"));
    out
}

/// "Showing 1-10 of 42 jobs; --offset 10 for more", when there are more.
fn paging<T>(page: &Page<T>, noun: &str) -> String {
    let offset = u64::try_from(page.offset).unwrap_or(0);
    let total = u64::try_from(page.total).unwrap_or(0);
    let end = offset + page.data.len() as u64;
    if total <= end {
        return String::new();
    }
    format!(
        "\n{}",
        paint(
            DIM,
            &format!(
                "Showing {}-{end} of {total} {noun}; --offset {end} for more",
                offset + 1
            )
        )
    )
}

/// A curl import, before it becomes a job.
pub fn draft(draft: &RequestSpec) -> String {
    format!(
        "{}\n{}\n{}",
        paint(BOLD, "Job draft"),
        fields(&request_rows(draft)),
        paint(
            DIM,
            "Not created: add --in, --at, --every or --cron (or --now) to create it."
        )
    )
}

// ---------------------------------------------------------------- schedules

fn schedule_status(schedule: &ScheduleView) -> (&'static str, Style) {
    if schedule.disabled_at.is_none() {
        ("enabled", GREEN)
    } else {
        ("disabled", DIM)
    }
}

/// `0 9 * * 1-5 (Europe/Berlin)`: a cron rule as written, beside its words
/// (an interval is said by the summary alone).
fn cron_text(frequency: &Frequency) -> String {
    match frequency {
        Frequency::Cron { cron, timezone } => format!("{cron} ({timezone})"),
        Frequency::Every { .. } => String::new(),
    }
}

pub fn schedules_table(page: &Page<ScheduleView>, now: DateTime<Utc>) -> String {
    let schedules = &page.data;
    if schedules.is_empty() {
        return format!(
            "No schedules.\n{}",
            paint(
                DIM,
                "Create one with: chime run POST https://... --every '5 minutes'"
            )
        );
    }
    let rows = schedules
        .iter()
        .map(|s| {
            let (status, style) = schedule_status(s);
            vec![
                Cell::new(&s.id),
                Cell::styled(status, style),
                Cell::new(short_when(s.next_run_at, now)),
                Cell::new(clip(&s.summary, URL_WIDTH)),
                Cell::new(clip(&request_line(&s.request), URL_WIDTH)),
                Cell::new(clip(&optional(s.name.as_deref()), NAME_WIDTH)),
            ]
        })
        .collect();
    let mut out = table(&["ID", "STATUS", "NEXT", "RULE", "REQUEST", "NAME"], rows);
    out.push_str(&paging(page, "schedules"));
    out
}

pub fn schedule_detail(schedule: &ScheduleView, now: DateTime<Utc>) -> String {
    let (status, style) = schedule_status(schedule);
    let state = match &schedule.state {
        m if m.is_empty() => String::new(),
        m => json(&Value::Object(m.clone())),
    };
    let [request, headers, body] = request_rows(&schedule.request);
    let rows = [
        ("name", optional(schedule.name.as_deref())),
        ("description", optional(schedule.description.as_deref())),
        ("rule", schedule.summary.clone()),
        ("cron", cron_text(&schedule.frequency)),
        request,
        headers,
        body,
        ("next run", when(schedule.next_run_at, now)),
        ("pending job", optional(schedule.pending_job_id.as_deref())),
        ("runs", schedule.run_count.to_string()),
        ("catch-up", schedule.catch_up.as_str().to_string()),
        ("disabled", stamp(schedule.disabled_at)),
        (
            "paused until",
            schedule
                .resume_at
                .map_or(String::new(), |t| when(Some(t), now)),
        ),
        ("failing", failing_text(schedule, now)),
        ("checks", checks_text(&schedule.assert)),
        (
            "alert",
            schedule.alert.as_ref().map_or(String::new(), json_text),
        ),
        (
            "overlap",
            if schedule.overlap.is_allow() {
                String::new()
            } else {
                word(&schedule.overlap)
            },
        ),
        (
            "max runs",
            schedule.max_runs.map_or(String::new(), |m| {
                format!("{} of {m} sent", schedule.runs_sent)
            }),
        ),
        (
            "until",
            schedule.until.map_or(String::new(), |t| when(Some(t), now)),
        ),
        (
            "quiet hours",
            schedule
                .quiet_hours
                .as_ref()
                .map_or(String::new(), json_text),
        ),
        ("state", state),
    ];
    format!(
        "Schedule {}  {}\n{}",
        paint(BOLD, &schedule.id),
        paint(style, status),
        fields(&rows)
    )
}

/// "3 failed runs in a row, since …", or nothing for a schedule that works.
fn failing_text(schedule: &ScheduleView, now: DateTime<Utc>) -> String {
    match (schedule.failures_in_row, schedule.failing_since) {
        (0, _) => String::new(),
        (n, Some(since)) => format!(
            "{n} failed runs in a row, failing since {}",
            when(Some(since), now)
        ),
        (n, None) => format!("{n} failed runs in a row"),
    }
}

/// Each check of a job, one a line, as the API takes it.
fn checks_text(checks: &[Value]) -> String {
    checks.iter().map(json_text).collect::<Vec<_>>().join("\n")
}

/// One line for enable, disable and delete; a pause that ends by itself
/// says when.
pub fn schedule_changed(verb: &str, schedule: &ScheduleView, now: DateTime<Utc>) -> String {
    let next = match (schedule.resume_at, schedule.next_run_at) {
        (Some(resume), _) => format!("; it enables itself again {}", when(Some(resume), now)),
        (None, Some(next)) => format!("; next run {}", when(Some(next), now)),
        (None, None) => String::new(),
    };
    format!("{verb} schedule {}{next}", paint(BOLD, &schedule.id))
}

pub fn preview(data: &PreviewAnswer, now: DateTime<Utc>) -> String {
    let mut out = paint(BOLD, &data.description);
    let _ = write!(out, "\n\nNext {} runs:", data.next.len());
    for t in &data.next {
        // Shown in the rule's own zone (the offset the API gives), which is
        // how the rule reads.
        let shown = DateTime::parse_from_rfc3339(t)
            .map(|t| t.format("%a %Y-%m-%d %H:%M %:z").to_string())
            .unwrap_or_else(|_| t.clone());
        let _ = write!(
            out,
            "\n  {shown}  {}",
            paint(DIM, &short_when(parse_time(t), now))
        );
    }
    if !data.notes.is_empty() {
        out.push_str("\n\nNotes:");
        for note in &data.notes {
            let _ = write!(out, "\n  {}", paint(YELLOW, note));
        }
    }
    out
}

// ---------------------------------------------------------------- log events

/// What happened, in a few words, with its style.
pub fn event_text(event: &Event) -> (String, Style) {
    match &event.body {
        Payload::Created(p) => (
            format!(
                "created ({}) · {} {}",
                word(&p.source),
                p.method.as_str(),
                p.url
            ),
            PLAIN,
        ),
        Payload::Updated(p) => (format!("changed {}", p.changed.join(", ")), PLAIN),
        Payload::Cancelled(p) => (format!("cancelled: {}", p.reason), DIM),
        Payload::Started(p) => (started_text(p), PLAIN),
        Payload::Request(p) => (format!("→ {} {}", p.method, p.url), BOLD),
        Payload::Response(p) => {
            let failed = chime_engine::check::failures(&p.response.assertions);
            let (text, style) = answered(p.response.status, failed.as_deref());
            (format!("← {text} · {}", duration(p.duration_ms)), style)
        }
        Payload::Error(p) => {
            let retry = match p.will_retry {
                true => format!(" · retry {}", short_when(p.retry_at, Utc::now())),
                false => " · no retry".into(),
            };
            (
                format!("✗ {} · {}{retry}", p.error, duration(p.duration_ms)),
                RED,
            )
        }
        Payload::Finished(p) => {
            let state = p.state.as_str();
            (
                format!("{state} ({})", p.outcome.as_str()),
                state_style(state),
            )
        }
        Payload::Missed(p) => (
            format!(
                "missed {} run{} ({}) · {}",
                p.count,
                if p.count == 1 { "" } else { "s" },
                word(&p.reason),
                word(&p.action)
            ),
            YELLOW,
        ),
        Payload::Failing(p) => (p.message.clone(), RED),
        Payload::Recovered(p) => (p.message.clone(), GREEN),
        Payload::Changed(p) => (p.message.clone(), YELLOW),
        other => (compact(&other.content().unwrap_or_default()), PLAIN),
    }
}

/// A word of the API (`schedule`, `asleep`, `skip`, …) as it writes it.
fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        _ => String::new(),
    }
}

/// A small value of the API as compact JSON (`-` for none).
fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn started_text(p: &Started) -> String {
    let mut out = format!("attempt {}", p.attempt);
    if p.late_ms >= 1000 {
        let _ = write!(out, " · {} ms late", p.late_ms);
    }
    if let Some(note) = &p.catch_up {
        let _ = write!(out, " · {}", note.message);
    }
    out
}

fn duration(ms: i64) -> String {
    millis(ms).map_or_else(|| "-".into(), |ms| format!("{ms} ms"))
}

fn compact(text: &str) -> String {
    clip(text, 120)
}

/// `chime logs --follow`: one line per event.
pub fn event_line(event: &Event) -> String {
    let kind = event.kind().as_str();
    let job = event.job_id.as_deref().map(short_id).unwrap_or("-");
    let attempt = event.attempt.map(|a| format!("#{a}")).unwrap_or_default();
    let (what, style) = event_text(event);
    format!(
        "{} {} {} {:<3} {}",
        paint(DIM, &clock(event.inserted_at)),
        paint(CYAN, &format!("{kind:<13}")),
        paint(DIM, job),
        attempt,
        paint(style, &what)
    )
}

pub fn events_table(events: &[Event]) -> String {
    if events.is_empty() {
        return "No log events.".into();
    }
    let rows = events
        .iter()
        .map(|e| {
            let (what, style) = event_text(e);
            vec![
                Cell::new(e.id.to_string()),
                Cell::new(local_time(e.inserted_at)),
                Cell::styled(e.kind().as_str(), CYAN),
                Cell::new(optional(e.job_id.as_deref())),
                Cell::styled(clip(&what, URL_WIDTH + 10), style),
            ]
        })
        .collect();
    table(&["ID", "TIME", "EVENT", "JOB", "WHAT"], rows)
}

pub fn event_detail(event: &Event) -> String {
    let (what, style) = event_text(event);
    let rows = [
        ("time", when(Some(event.inserted_at), Utc::now())),
        ("job", optional(event.job_id.as_deref())),
        ("schedule", optional(event.schedule_id.as_deref())),
        (
            "attempt",
            event.attempt.map(|a| a.to_string()).unwrap_or_default(),
        ),
    ];
    format!(
        "Event {}  {}\n  {}\n{}\n\n{}",
        paint(BOLD, &event.id.to_string()),
        paint(CYAN, event.kind().as_str()),
        paint(style, &what),
        fields(&rows),
        payload_text(&event.body)
    )
}

/// The payload pretty-printed, with a body that is JSON text shown as JSON.
fn payload_text(payload: &Payload) -> String {
    let mut payload = payload
        .content()
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .unwrap_or_default();
    if let Some(body) = payload.get_mut("body") {
        if let Some(parsed) = body
            .as_str()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .filter(|parsed| parsed.is_object() || parsed.is_array())
        {
            *body = parsed;
        }
    }
    json(&payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn relative_times_use_two_units_at_most() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let at = |s: i64| now + chrono::Duration::seconds(s);
        assert_eq!(relative(at(0), now), "now");
        assert_eq!(relative(at(30), now), "in 30s");
        assert_eq!(relative(at(3_600 + 300), now), "in 1h 5m");
        assert_eq!(
            relative(at(-(2 * 86_400 + 3 * 3_600 + 7)), now),
            "2d 3h ago"
        );
        assert_eq!(relative(at(86_400 + 5), now), "in 1d");
    }

    #[test]
    fn tables_align_on_text_not_on_colour_codes() {
        let rows = vec![
            vec![Cell::styled("completed", GREEN), Cell::new("a")],
            vec![Cell::new("x"), Cell::new("b")],
        ];
        let out = table(&["STATE", "URL"], rows);
        let plain: Vec<String> = out
            .lines()
            .map(|l| anstream::adapter::strip_str(l).to_string())
            .collect();
        assert_eq!(plain, ["STATE      URL", "completed  a", "x          b"]);
    }

    #[test]
    fn request_lines_show_the_query_unencoded() {
        let request: RequestSpec =
            serde_json::from_value(json!({"method": "post", "url": "https://x/y",
                             "query": {"a": ["1", "2"], "b": "c d"}}))
            .unwrap();
        assert_eq!(request_line(&request), "POST https://x/y?a=1&a=2&b=c d");
        let with_query: RequestSpec = serde_json::from_value(
            json!({"method": "get", "url": "https://x/y?z=0", "query": {"a": "1"}}),
        )
        .unwrap();
        assert_eq!(request_line(&with_query), "GET https://x/y?z=0&a=1");
    }

    #[test]
    fn follow_lines_carry_method_url_status_and_duration() {
        let request: Event = serde_json::from_value(
            json!({"id": 5, "event": "job.request", "inserted_at": "2026-11-29T08:01:16.401000Z",
            "job_id": "7de6aebb-b994-4399-bb8e-595522a9891c", "attempt": 1,
            "payload": {"method": "GET", "url": "https://x/ping", "headers": {}}}),
        )
        .unwrap();
        let line = anstream::adapter::strip_str(&event_line(&request)).to_string();
        assert!(
            line.contains("job.request") && line.contains("7de6aebb #1"),
            "{line}"
        );
        assert!(line.ends_with("→ GET https://x/ping"), "{line}");
        let response: Event = serde_json::from_value(json!({"id": 6, "event": "job.response", "inserted_at": "2026-11-29T08:01:16.427000Z",
            "job_id": "7de6aebb-b994-4399-bb8e-595522a9891c", "attempt": 1,
            "payload": {"status": 404, "duration_ms": 2, "body": "", "headers": {}, "truncated": false}})).unwrap();
        let line = anstream::adapter::strip_str(&event_line(&response)).to_string();
        assert!(line.ends_with("← 404 Not Found · 2 ms"), "{line}");
    }

    #[test]
    fn a_response_that_failed_its_checks_says_so() {
        let outcome = |error: Option<&str>| OutcomeSummary {
            attempt: 1,
            status: Some(200),
            error: error.map(String::from),
            duration_ms: 3,
            finished_at: Utc::now(),
        };
        assert_eq!(
            outcome_text(Some(&outcome(None))),
            ("200 OK · 3 ms".to_string(), GREEN)
        );
        let (text, style) = outcome_text(Some(&outcome(Some("check failed: ok is missing"))));
        assert_eq!(
            (text.as_str(), style),
            ("200 OK · check failed: ok is missing · 3 ms", RED)
        );
    }

    #[test]
    fn an_alert_reads_as_its_words_in_the_log() {
        let event: Event = serde_json::from_value(json!({
            "id": 7, "event": "schedule.failing", "inserted_at": "2026-12-01T09:00:00Z",
            "job_id": null, "schedule_id": "s1", "attempt": null,
            "payload": {"failures": 3, "last_failure": "503 Service Unavailable",
                        "message": "Sync orders failed 3 times in a row: 503 Service Unavailable",
                        "channels": ["desktop"]}
        }))
        .unwrap();
        assert_eq!(
            event_text(&event),
            (
                "Sync orders failed 3 times in a row: 503 Service Unavailable".to_string(),
                RED
            )
        );
    }

    #[test]
    fn a_schedule_shows_its_cron_rule_and_zone_and_an_interval_shows_none() {
        let cron: Frequency =
            serde_json::from_value(json!({"cron": "0 9 * * 1-5", "timezone": "Europe/Berlin"}))
                .unwrap();
        assert_eq!(cron_text(&cron), "0 9 * * 1-5 (Europe/Berlin)");
        let every: Frequency =
            serde_json::from_value(json!({"repeat_every": [1, "hour"]})).unwrap();
        assert_eq!(cron_text(&every), "");
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
