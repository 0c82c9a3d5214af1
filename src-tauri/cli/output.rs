//! What people see: short summaries, tables, one line per log event, in
//! colour when stdout is a terminal (`anstream` strips the colour otherwise,
//! and honours `NO_COLOR` and `CLICOLOR_FORCE`). Scripts use `--output json`,
//! which prints the API's `data` untouched; nothing here is meant to be parsed.

use std::fmt::Write as _;
use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

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

pub fn parse_time(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
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
pub fn when(value: &Value, now: DateTime<Utc>) -> String {
    match parse_time(value) {
        Some(t) => format!(
            "{} ({})",
            t.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %:z"),
            relative(t, now)
        ),
        None => "-".into(),
    }
}

fn short_when(value: &Value, now: DateTime<Utc>) -> String {
    parse_time(value).map_or_else(|| "-".into(), |t| relative(t, now))
}

/// "2026-11-29 09:01:16", local: a time in a table.
fn local_time(value: &Value) -> String {
    parse_time(value).map_or_else(
        || "-".into(),
        |t| {
            t.with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

/// "09:01:16.401", local: the time of a log line.
fn clock(value: &Value) -> String {
    parse_time(value).map_or_else(
        || "--:--:--.---".into(),
        |t| t.with_timezone(&Local).format("%H:%M:%S%.3f").to_string(),
    )
}

// ---------------------------------------------------------------- pieces

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

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

pub fn status_style(status: u64) -> Style {
    match status {
        200..=299 => GREEN,
        300..=399 => CYAN,
        400..=499 => YELLOW,
        _ => RED,
    }
}

/// "200 OK".
fn status_text(status: u64) -> String {
    let reason = u16::try_from(status)
        .ok()
        .and_then(|s| reqwest::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// "POST https://x/y?a=1", the query shown unencoded, for people.
pub fn request_line(request: &Value) -> String {
    let method = text(request, "method").to_ascii_uppercase();
    let url = text(request, "url");
    let query = query_text(&request["query"]);
    let joiner = if url.contains('?') { '&' } else { '?' };
    match query.is_empty() {
        true => format!("{method} {url}"),
        false => format!("{method} {url}{joiner}{query}"),
    }
}

fn query_text(query: &Value) -> String {
    let Some(query) = query.as_object() else {
        return String::new();
    };
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

/// "200 OK · 12 ms", "error: timed out after 30s", or "-".
fn outcome_text(outcome: &Value) -> (String, Style) {
    if outcome.is_null() {
        return ("-".into(), DIM);
    }
    let duration = outcome["duration_ms"]
        .as_u64()
        .map(|ms| format!(" · {ms} ms"))
        .unwrap_or_default();
    match (outcome["status"].as_u64(), outcome["error"].as_str()) {
        (Some(status), _) => (
            format!("{}{duration}", status_text(status)),
            status_style(status),
        ),
        (None, Some(error)) => (format!("error: {error}"), RED),
        (None, None) => ("-".into(), DIM),
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

fn headers_text(headers: &Value) -> String {
    headers
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(name, value)| format!("{name}: {}", scalar(value)))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn optional(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        other => scalar(other),
    }
}

// ---------------------------------------------------------------- jobs

/// What `chime run` (and `import-curl` with a schedule) prints.
pub fn created_job(job: &Value, schedule: Option<&Value>, now: DateTime<Utc>) -> String {
    let id = text(job, "id");
    let state = text(job, "state");
    let headline = if job["job"]["has_conflict"] == true {
        format!(
            "A job with idempotency key {} exists already: {} ({})",
            paint(BOLD, text(job, "idempotency_key")),
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
        ("request", request_line(&job["request"])),
        ("runs", when(&job["scheduled_at"], now)),
        ("name", optional(&job["name"])),
    ];
    if let Some(schedule) = schedule {
        rows.push((
            "schedule",
            format!("{} · {}", text(schedule, "id"), text(schedule, "summary")),
        ));
    }
    format!(
        "{headline}\n{}\n{}",
        fields(&rows),
        paint(DIM, &format!("Follow it: chime logs --follow --job {id}"))
    )
}

pub fn job_detail(job: &Value, now: DateTime<Utc>) -> String {
    let state = text(job, "state");
    let request = &job["request"];
    let attempts = format!(
        "{} of {}",
        job["attempt"].as_u64().unwrap_or(0),
        job["max_attempts"].as_u64().unwrap_or(0)
    );
    let schedule = match (job["schedule_id"].as_str(), job["run"].as_u64()) {
        (Some(id), Some(run)) => format!("{id} (run {run})"),
        (Some(id), None) => id.to_string(),
        _ => String::new(),
    };
    let rows = [
        ("name", optional(&job["name"])),
        ("description", optional(&job["description"])),
        ("request", request_line(request)),
        ("headers", headers_text(&request["headers"])),
        (
            "body",
            request.get("body").map(body_text).unwrap_or_default(),
        ),
        ("scheduled", when(&job["scheduled_at"], now)),
        ("schedule", schedule),
        ("attempts", attempts),
        ("idempotency", optional(&job["idempotency_key"])),
        ("callback", optional(&job["callback_url"])),
        ("webhook", optional(&job["webhook_url"])),
    ];
    let mut out = format!(
        "Job {}  {}\n{}",
        paint(BOLD, text(job, "id")),
        paint(state_style(state), state),
        fields(&rows)
    );
    if let Some(attempts) = job["attempts"].as_array().filter(|a| !a.is_empty()) {
        out.push_str("\n\n");
        out.push_str(&attempts_table(attempts));
    }
    out
}

fn attempts_table(attempts: &[Value]) -> String {
    let rows = attempts
        .iter()
        .map(|a| {
            let outcome = text(a, "outcome");
            let result = match (a["response"]["status"].as_u64(), a["error"].as_str()) {
                (Some(status), _) => Cell::styled(status_text(status), status_style(status)),
                (None, Some(error)) => Cell::styled(error, RED),
                (None, None) => Cell::new("-"),
            };
            vec![
                Cell::new(a["attempt"].to_string()),
                Cell::new(local_time(&a["started_at"])),
                Cell::new(
                    a["duration_ms"]
                        .as_u64()
                        .map_or("-".into(), |ms| format!("{ms} ms")),
                ),
                Cell::styled(outcome, state_style(outcome)),
                result,
            ]
        })
        .collect();
    table(&["#", "STARTED", "DURATION", "OUTCOME", "RESULT"], rows)
}

pub fn jobs_table(page: &Value, now: DateTime<Utc>) -> String {
    let jobs = page["data"].as_array().map(Vec::as_slice).unwrap_or(&[]);
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
            let state = text(job, "state");
            let (last, last_style) = outcome_text(&job["last_outcome"]);
            vec![
                Cell::new(text(job, "id")),
                Cell::styled(state, state_style(state)),
                Cell::new(short_when(&job["scheduled_at"], now)),
                Cell::new(clip(&request_line(&job["request"]), URL_WIDTH)),
                Cell::new(clip(&optional(&job["name"]), NAME_WIDTH)),
                Cell::styled(clip(&last, OUTCOME_WIDTH), last_style),
            ]
        })
        .collect();
    let mut out = table(&["ID", "STATE", "WHEN", "REQUEST", "NAME", "LAST"], rows);
    out.push_str(&paging(page, jobs.len(), "jobs"));
    out
}

/// "Showing 1-10 of 42 jobs; --offset 10 for more", when there are more.
fn paging(page: &Value, shown: usize, noun: &str) -> String {
    let offset = page["offset"].as_u64().unwrap_or(0);
    let total = page["total"].as_u64().unwrap_or(0);
    let end = offset + shown as u64;
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
pub fn draft(draft: &Value) -> String {
    let rows = [
        ("request", request_line(draft)),
        ("headers", headers_text(&draft["headers"])),
        ("body", draft.get("body").map(body_text).unwrap_or_default()),
    ];
    format!(
        "{}\n{}\n{}",
        paint(BOLD, "Job draft"),
        fields(&rows),
        paint(
            DIM,
            "Not created: add --in, --at, --every or --cron (or --now) to create it."
        )
    )
}

// ---------------------------------------------------------------- schedules

fn schedule_status(schedule: &Value) -> (&'static str, Style) {
    if schedule["disabled_at"].is_null() {
        ("enabled", GREEN)
    } else {
        ("disabled", DIM)
    }
}

/// `0 9 * * 1-5 (Europe/Berlin)`: the rule as written, beside its words.
fn cron_text(frequency: &Value) -> String {
    match frequency["cron"].as_str() {
        Some(cron) => format!(
            "{cron} ({})",
            frequency["timezone"].as_str().unwrap_or("UTC")
        ),
        None => String::new(),
    }
}

pub fn schedules_table(page: &Value, now: DateTime<Utc>) -> String {
    let schedules = page["data"].as_array().map(Vec::as_slice).unwrap_or(&[]);
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
                Cell::new(text(s, "id")),
                Cell::styled(status, style),
                Cell::new(short_when(&s["next_run_at"], now)),
                Cell::new(clip(text(s, "summary"), URL_WIDTH)),
                Cell::new(clip(&request_line(&s["request"]), URL_WIDTH)),
                Cell::new(clip(&optional(&s["name"]), NAME_WIDTH)),
            ]
        })
        .collect();
    let mut out = table(&["ID", "STATUS", "NEXT", "RULE", "REQUEST", "NAME"], rows);
    out.push_str(&paging(page, schedules.len(), "schedules"));
    out
}

pub fn schedule_detail(schedule: &Value, now: DateTime<Utc>) -> String {
    let (status, style) = schedule_status(schedule);
    let request = &schedule["request"];
    let state = match &schedule["state"] {
        Value::Object(m) if m.is_empty() => String::new(),
        Value::Null => String::new(),
        other => json(other),
    };
    let rows = [
        ("name", optional(&schedule["name"])),
        ("description", optional(&schedule["description"])),
        ("rule", text(schedule, "summary").to_string()),
        ("cron", cron_text(&schedule["frequency"])),
        ("request", request_line(request)),
        ("headers", headers_text(&request["headers"])),
        (
            "body",
            request.get("body").map(body_text).unwrap_or_default(),
        ),
        ("next run", when(&schedule["next_run_at"], now)),
        ("pending job", optional(&schedule["pending_job_id"])),
        ("runs", optional(&schedule["run_count"])),
        ("catch-up", optional(&schedule["catch_up"])),
        ("disabled", optional(&schedule["disabled_at"])),
        ("state", state),
    ];
    format!(
        "Schedule {}  {}\n{}",
        paint(BOLD, text(schedule, "id")),
        paint(style, status),
        fields(&rows)
    )
}

/// One line for enable, disable and delete; a pause that ends by itself
/// says when.
pub fn schedule_changed(verb: &str, schedule: &Value, now: DateTime<Utc>) -> String {
    let next = match (
        schedule["resume_at"].is_null(),
        schedule["next_run_at"].is_null(),
    ) {
        (false, _) => format!(
            "; it enables itself again {}",
            when(&schedule["resume_at"], now)
        ),
        (true, false) => format!("; next run {}", when(&schedule["next_run_at"], now)),
        (true, true) => String::new(),
    };
    format!(
        "{verb} schedule {}{next}",
        paint(BOLD, text(schedule, "id"))
    )
}

pub fn preview(data: &Value, now: DateTime<Utc>) -> String {
    let mut out = paint(BOLD, text(data, "description"));
    let next = data["next"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let _ = write!(out, "\n\nNext {} runs:", next.len());
    for t in next {
        // Shown in the rule's own zone (the offset the API gives), which is
        // how the rule reads.
        let shown = t
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.format("%a %Y-%m-%d %H:%M %:z").to_string())
            .unwrap_or_else(|| scalar(t));
        let _ = write!(out, "\n  {shown}  {}", paint(DIM, &short_when(t, now)));
    }
    if let Some(notes) = data["notes"].as_array().filter(|n| !n.is_empty()) {
        out.push_str("\n\nNotes:");
        for note in notes {
            let _ = write!(out, "\n  {}", paint(YELLOW, &scalar(note)));
        }
    }
    out
}

// ---------------------------------------------------------------- log events

/// What happened, in a few words, with its style.
pub fn event_text(event: &Value) -> (String, Style) {
    let p = &event["payload"];
    match text(event, "event") {
        "job.created" => (
            format!(
                "created ({}) · {} {}",
                text(p, "source"),
                text(p, "method").to_ascii_uppercase(),
                text(p, "url")
            ),
            PLAIN,
        ),
        "job.updated" => (format!("changed {}", list_text(&p["changed"])), PLAIN),
        "job.cancelled" => (format!("cancelled: {}", text(p, "reason")), DIM),
        "job.started" => (started_text(p), PLAIN),
        "job.request" => (format!("→ {} {}", text(p, "method"), text(p, "url")), BOLD),
        "job.response" => {
            let status = p["status"].as_u64().unwrap_or(0);
            (
                format!("← {} · {}", status_text(status), duration(p)),
                status_style(status),
            )
        }
        "job.error" => {
            let retry = match p["will_retry"].as_bool() {
                Some(true) => format!(" · retry {}", short_when(&p["retry_at"], Utc::now())),
                _ => " · no retry".into(),
            };
            (
                format!("✗ {} · {}{retry}", text(p, "error"), duration(p)),
                RED,
            )
        }
        "job.finished" => {
            let state = text(p, "state");
            (
                format!("{state} ({})", text(p, "outcome")),
                state_style(state),
            )
        }
        _ => (compact(p), PLAIN),
    }
}

fn started_text(p: &Value) -> String {
    let mut out = format!("attempt {}", scalar(&p["attempt"]));
    if let Some(late) = p["late_ms"].as_i64().filter(|ms| *ms >= 1000) {
        let _ = write!(out, " · {late} ms late");
    }
    if let Some(message) = p["catch_up"]["message"].as_str() {
        let _ = write!(out, " · {message}");
    }
    out
}

fn duration(p: &Value) -> String {
    p["duration_ms"]
        .as_u64()
        .map_or_else(|| "-".into(), |ms| format!("{ms} ms"))
}

fn list_text(value: &Value) -> String {
    value
        .as_array()
        .map(|items| items.iter().map(scalar).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn compact(value: &Value) -> String {
    clip(&value.to_string(), 120)
}

/// `chime logs --follow`: one line per event.
pub fn event_line(event: &Value) -> String {
    let kind = text(event, "event");
    let job = event["job_id"].as_str().map(short_id).unwrap_or("-");
    let attempt = event["attempt"]
        .as_u64()
        .map(|a| format!("#{a}"))
        .unwrap_or_default();
    let (what, style) = event_text(event);
    format!(
        "{} {} {} {:<3} {}",
        paint(DIM, &clock(&event["inserted_at"])),
        paint(CYAN, &format!("{kind:<13}")),
        paint(DIM, job),
        attempt,
        paint(style, &what)
    )
}

pub fn events_table(events: &[Value]) -> String {
    if events.is_empty() {
        return "No log events.".into();
    }
    let rows = events
        .iter()
        .map(|e| {
            let (what, style) = event_text(e);
            vec![
                Cell::new(e["id"].to_string()),
                Cell::new(local_time(&e["inserted_at"])),
                Cell::styled(text(e, "event"), CYAN),
                Cell::new(text(e, "job_id")),
                Cell::styled(clip(&what, URL_WIDTH + 10), style),
            ]
        })
        .collect();
    table(&["ID", "TIME", "EVENT", "JOB", "WHAT"], rows)
}

pub fn event_detail(event: &Value) -> String {
    let (what, style) = event_text(event);
    let rows = [
        ("time", when(&event["inserted_at"], Utc::now())),
        ("job", optional(&event["job_id"])),
        ("schedule", optional(&event["schedule_id"])),
        ("attempt", optional(&event["attempt"])),
    ];
    format!(
        "Event {}  {}\n  {}\n{}\n\n{}",
        paint(BOLD, &event["id"].to_string()),
        paint(CYAN, text(event, "event")),
        paint(style, &what),
        fields(&rows),
        payload_text(&event["payload"])
    )
}

/// The payload pretty-printed, with a body that is JSON text shown as JSON.
fn payload_text(payload: &Value) -> String {
    let mut payload = payload.clone();
    if let Some(Value::String(body)) = payload.get("body") {
        if let Ok(parsed) = serde_json::from_str::<Value>(body) {
            if parsed.is_object() || parsed.is_array() {
                payload["body"] = parsed;
            }
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
        let request = json!({"method": "post", "url": "https://x/y",
                             "query": {"a": ["1", "2"], "b": "c d"}});
        assert_eq!(request_line(&request), "POST https://x/y?a=1&a=2&b=c d");
        let with_query = json!({"method": "get", "url": "https://x/y?z=0", "query": {"a": "1"}});
        assert_eq!(request_line(&with_query), "GET https://x/y?z=0&a=1");
    }

    #[test]
    fn follow_lines_carry_method_url_status_and_duration() {
        let request = json!({"id": 5, "event": "job.request", "inserted_at": "2026-11-29T08:01:16.401000Z",
            "job_id": "7de6aebb-b994-4399-bb8e-595522a9891c", "attempt": 1,
            "payload": {"method": "GET", "url": "https://x/ping", "headers": {}}});
        let line = anstream::adapter::strip_str(&event_line(&request)).to_string();
        assert!(
            line.contains("job.request") && line.contains("7de6aebb #1"),
            "{line}"
        );
        assert!(line.ends_with("→ GET https://x/ping"), "{line}");
        let response = json!({"id": 6, "event": "job.response", "inserted_at": "2026-11-29T08:01:16.427000Z",
            "job_id": "7de6aebb-b994-4399-bb8e-595522a9891c", "attempt": 1,
            "payload": {"status": 404, "duration_ms": 2, "body": "", "headers": {}}});
        let line = anstream::adapter::strip_str(&event_line(&response)).to_string();
        assert!(line.ends_with("← 404 Not Found · 2 ms"), "{line}");
    }

    #[test]
    fn clipping_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
