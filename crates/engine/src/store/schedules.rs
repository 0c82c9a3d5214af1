//! SQL for schedules.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
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

/// The rule and zone from the four columns `every_ms, anchor_at, cron,
/// timezone`, the first at `at`. Read once here, so nothing after parses a
/// schedule's rule again.
fn rule_at(r: &Row, at: usize) -> rusqlite::Result<(Rule, chrono_tz::Tz)> {
    let every: Option<i64> = r.get(at)?;
    let anchor: Option<i64> = r.get(at + 1)?;
    let cron: Option<String> = r.get(at + 2)?;
    let zone: String = r.get(at + 3)?;
    let timezone = zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let rule = match (every, anchor, cron) {
        (Some(every), Some(anchor), _) => {
            crate::rule::every(Duration::milliseconds(every), from_ms(anchor))
        }
        (_, _, Some(text)) => crate::rule::cron(&text, timezone),
        _ => Err(crate::error::FieldError::new("cron", "is missing")),
    }
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(at + 2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((rule, timezone))
}

fn from_row(r: &Row) -> rusqlite::Result<Schedule> {
    let (rule, timezone) = rule_at(r, 3)?;
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

/// What the calendar counts of an enabled schedule: none of its request,
/// options or last response, which a month of 100,000 schedules would
/// otherwise read and hold ([`targets`] reads the method and URL of the few
/// drawn run by run).
pub struct Outline {
    pub id: String,
    pub name: Option<String>,
    pub rule: Rule,
    pub pending_job_id: Option<String>,
}

/// Every enabled schedule, in outline.
pub fn outlines(conn: &Connection) -> Result<Vec<Outline>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, every_ms, anchor_at, cron, timezone, pending_job_id
         FROM schedules WHERE disabled_at IS NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Outline {
            id: r.get(0)?,
            name: r.get(1)?,
            rule: rule_at(r, 2)?.0,
            pending_job_id: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The method (upper case) and URL of each schedule in `ids`, by id.
pub fn targets(conn: &Connection, ids: &[&str]) -> Result<HashMap<String, (String, String)>> {
    let mut found = HashMap::with_capacity(ids.len());
    // SQLite takes up to 32,766 parameters a statement.
    for chunk in ids.chunks(10_000) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT id, json_extract(request, '$.method'), json_extract(request, '$.url')
             FROM schedules WHERE id IN ({marks})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(chunk), |r| {
            let method: Option<String> = r.get(1)?;
            let url: Option<String> = r.get(2)?;
            Ok((
                r.get(0)?,
                (
                    method.unwrap_or_default().to_uppercase(),
                    url.unwrap_or_default(),
                ),
            ))
        })?;
        for row in rows {
            let (id, target) = row?;
            found.insert(id, target);
        }
    }
    Ok(found)
}

pub fn list(
    conn: &Connection,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Schedule>, i64)> {
    // Without a search there is no WHERE at all: SQLite then counts along
    // the narrowest index and pages along `schedules_by_age`, where a
    // filter on a null search made it read every row (166 ms a page for
    // 100,000 schedules).
    let (filter, search) = match q.filter(|q| !q.is_empty()) {
        Some(q) => {
            let (condition, values) = super::search::condition(&super::search::SCHEDULES, q);
            (format!("WHERE {condition}"), values)
        }
        None => (String::new(), vec![]),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM schedules {filter} ORDER BY inserted_at DESC, rowid DESC LIMIT {limit} OFFSET {offset}"
    );
    let rows = conn
        .prepare(&sql)?
        .query_map(params_from_iter(&search), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = match super::total_from_page(offset, limit, rows.len()) {
        Some(total) => total,
        None => conn.query_row(
            &format!("SELECT COUNT(*) FROM schedules {filter}"),
            params_from_iter(&search),
            |r| r.get(0),
        )?,
    };
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
