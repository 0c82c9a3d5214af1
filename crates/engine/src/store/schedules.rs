//! SQL for schedules.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{Map, Value};

use super::{json_col, ms_opt};
use crate::draft::{CatchUp, JobOptions};
use crate::error::Result;
use crate::request::RequestSpec;
use crate::rule::Rule;
use crate::schedule::Schedule;
use crate::time::{from_ms, to_ms};

const COLUMNS: &str = "id, name, description, every_ms, anchor_at, cron, timezone, request, \
    options, args, catch_up, inject_fields, state, previous, run_count, pending_job_id, \
    inserted_at, updated_at, disabled_at, failures_in_row, failing_since, resume_at, runs_sent";

fn from_row(r: &Row) -> rusqlite::Result<Schedule> {
    let every: Option<i64> = r.get(3)?;
    let anchor: Option<i64> = r.get(4)?;
    let cron: Option<String> = r.get(5)?;
    let zone: String = r.get(6)?;
    let timezone = zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    // Read once here, so nothing after parses a schedule's rule again.
    let rule = match (every, anchor, cron) {
        (Some(every), Some(anchor), _) => {
            crate::rule::every(Duration::milliseconds(every), from_ms(anchor))
        }
        (_, _, Some(text)) => crate::rule::cron(&text, timezone),
        _ => Err(crate::error::FieldError::new("cron", "is missing")),
    }
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let catch_up: String = r.get(10)?;
    let previous: Option<String> = r.get(13)?;
    Ok(Schedule {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        rule,
        timezone,
        request: json_col(r.get(7)?)?,
        options: json_col(r.get(8)?)?,
        args: json_col(r.get(9)?)?,
        catch_up: serde_json::from_value(Value::String(catch_up)).unwrap_or_default(),
        inject_fields: r.get(11)?,
        state: json_col(r.get(12)?)?,
        previous: previous.map(json_col).transpose()?,
        run_count: r.get(14)?,
        pending_job_id: r.get(15)?,
        inserted_at: from_ms(r.get(16)?),
        updated_at: from_ms(r.get(17)?),
        disabled_at: ms_opt(r.get(18)?),
        failures_in_row: r.get(19)?,
        failing_since: ms_opt(r.get(20)?),
        resume_at: ms_opt(r.get(21)?),
        runs_sent: r.get(22)?,
    })
}

pub struct ScheduleInsert<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub rule: &'a Rule,
    pub timezone: chrono_tz::Tz,
    pub request: &'a RequestSpec,
    pub options: &'a JobOptions,
    pub args: &'a Value,
    pub catch_up: CatchUp,
    pub inject_fields: bool,
    pub state: &'a Map<String, Value>,
}

/// A rule's columns: `every_ms` and `anchor_at`, or `cron`.
fn rule_columns(rule: &Rule) -> (Option<i64>, Option<i64>, Option<&str>) {
    match rule {
        Rule::Every { interval, anchor } => (
            Some(interval.num_milliseconds()),
            Some(to_ms(*anchor)),
            None,
        ),
        Rule::Cron(cron) => (None, None, Some(cron.text.as_str())),
    }
}

pub fn insert(conn: &Connection, s: &ScheduleInsert, now: DateTime<Utc>) -> Result<Schedule> {
    let (every, anchor, cron) = rule_columns(s.rule);
    let sql = format!(
        "INSERT INTO schedules (id, name, description, every_ms, anchor_at, cron, timezone,
            request, options, args, catch_up, inject_fields, state, inserted_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
         RETURNING {COLUMNS}"
    );
    Ok(conn.prepare_cached(&sql)?.query_row(
        params![
            uuid::Uuid::new_v4().to_string(),
            s.name,
            s.description,
            every,
            anchor,
            cron,
            s.timezone.name(),
            serde_json::to_string(s.request)?,
            serde_json::to_string(s.options)?,
            serde_json::to_string(s.args)?,
            s.catch_up.as_str(),
            s.inject_fields,
            serde_json::to_string(s.state)?,
            to_ms(now),
        ],
        from_row,
    )?)
}

/// A schedule by its uuid, or a unique start of it.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Schedule>> {
    let sql = format!("SELECT {COLUMNS} FROM schedules WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    if let Some(s) = stmt.query_row([id], from_row).optional()? {
        return Ok(Some(s));
    }
    match super::id_by_prefix(conn, "schedules", id, "schedule")? {
        Some(full) => Ok(stmt.query_row([full], from_row).optional()?),
        None => Ok(None),
    }
}

pub fn list(
    conn: &Connection,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Schedule>, i64)> {
    let pattern = q.filter(|q| !q.is_empty()).map(|q| {
        format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let filter = "WHERE (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR description LIKE ?1 ESCAPE '\\'
                  OR json_extract(request, '$.url') LIKE ?1 ESCAPE '\\')";
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM schedules {filter}"),
        [&pattern],
        |r| r.get(0),
    )?;
    let sql = format!(
        "SELECT {COLUMNS} FROM schedules {filter} ORDER BY inserted_at DESC, id LIMIT ?2 OFFSET ?3"
    );
    let rows = conn
        .prepare(&sql)?
        .query_map(params![pattern, limit, offset], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Saves every mutable column of a schedule.
pub fn save(conn: &Connection, s: &Schedule, now: DateTime<Utc>) -> Result<()> {
    let (every, anchor, cron) = rule_columns(&s.rule);
    conn.prepare_cached(
        "UPDATE schedules SET name = ?2, description = ?3, every_ms = ?4, anchor_at = ?5,
            cron = ?6, timezone = ?7, request = ?8, options = ?9, args = ?10, catch_up = ?11,
            inject_fields = ?12, state = ?13, previous = ?14, run_count = ?15,
            pending_job_id = ?16, disabled_at = ?17, updated_at = ?18, failures_in_row = ?19,
            failing_since = ?20, resume_at = ?21, runs_sent = ?22
         WHERE id = ?1",
    )?
    .execute(params![
        s.id,
        s.name,
        s.description,
        every,
        anchor,
        cron,
        s.timezone.name(),
        serde_json::to_string(&s.request)?,
        serde_json::to_string(&s.options)?,
        serde_json::to_string(&s.args)?,
        s.catch_up.as_str(),
        s.inject_fields,
        serde_json::to_string(&s.state)?,
        s.previous.as_ref().map(serde_json::to_string).transpose()?,
        s.run_count,
        s.pending_job_id,
        s.disabled_at.map(to_ms),
        to_ms(now),
        s.failures_in_row,
        s.failing_since.map(to_ms),
        s.resume_at.map(to_ms),
        s.runs_sent,
    ])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM schedules WHERE id = ?1", [id])?;
    Ok(())
}

/// When the next paused schedule enables itself.
pub fn next_resume_at(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let ms: Option<i64> = conn
        .prepare_cached("SELECT MIN(resume_at) FROM schedules WHERE resume_at IS NOT NULL")?
        .query_row([], |r| r.get(0))?;
    Ok(ms.map(from_ms))
}

/// Paused schedules whose pause has ended by `now`.
pub fn due_resumes(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Schedule>> {
    let sql =
        format!("SELECT {COLUMNS} FROM schedules WHERE resume_at IS NOT NULL AND resume_at <= ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([to_ms(now)], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}
