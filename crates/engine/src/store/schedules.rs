//! SQL for schedules.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::jobs::PENDING;
use super::{json_col, ms_opt};
use crate::draft::{CatchUp, JobOptions};
use crate::error::Result;
use crate::limits::QuietHours;
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
    let zone: String = r.get(at + 3)?;
    let timezone = zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    if let Some(rule) = every_at(r, at)? {
        return Ok((rule, timezone));
    }
    let rule = match r.get::<_, Option<String>>(at + 2)? {
        Some(text) => crate::rule::cron(&text, timezone),
        None => Err(crate::error::FieldError::new("cron", "is missing")),
    }
    .map_err(|e| unreadable(at, e))?;
    Ok((rule, timezone))
}

/// The interval rule in `every_ms, anchor_at` (from `at`), when they are set.
fn every_at(r: &Row, at: usize) -> rusqlite::Result<Option<Rule>> {
    let (Some(every), Some(anchor)) = (int_at(r, at)?, int_at(r, at + 1)?) else {
        return Ok(None);
    };
    crate::rule::every(Duration::milliseconds(every), from_ms(anchor))
        .map(Some)
        .map_err(|e| unreadable(at, e))
}

/// A whole number or NULL, read as it is stored: the calendar reads ten
/// columns of 100,000 plans, and skips rusqlite's typed conversions.
fn int_at(r: &Row, at: usize) -> rusqlite::Result<Option<i64>> {
    Ok(r.get_ref(at)?.as_i64_or_null()?)
}

fn unreadable(at: usize, e: crate::error::FieldError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(at + 2, rusqlite::types::Type::Text, Box::new(e))
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

/// What the calendar counts of an enabled schedule, or of one paused until a
/// time: its rule and when its pending job is due, and no strings, so a month
/// of 100,000 schedules is one small allocation ([`drawn`] reads the names
/// and targets of the few drawn).
pub struct Plan {
    pub rowid: i64,
    pub rule: Rule,
    pub pending_at: Option<DateTime<Utc>>,
    /// Its pending job was moved off the rule's times (`PATCH` of its
    /// `scheduled_at`): that run is its own, and the rule's runs follow it.
    /// False as read; the calendar asks the rule.
    pub moved: bool,
    /// Paused until then: it enables itself, from the rule's next time.
    pub resumes_at: Option<DateTime<Utc>>,
    /// Its limits (SPEC 7.4): no run after `until`, and `runs_left` more
    /// runs, its pending job's among them, before `max_runs` is made.
    pub until: Option<DateTime<Utc>>,
    pub runs_left: Option<u32>,
    /// Hours when it sends nothing (SPEC 7.4).
    pub quiet: Option<Box<QuietHours>>,
}

/// What [`plans`] reads of enabled schedules, along the covering index
/// `schedules_plans` rather than the wide rows.
pub(crate) const PLANS: &str = "SELECT rowid, every_ms, anchor_at, cron, timezone, pending_job_seq,
        json_extract(options, '$.until'), json_extract(options, '$.max_runs'), runs_sent,
        json_extract(options, '$.quiet_hours')
     FROM schedules WHERE disabled_at IS NULL";

/// What [`plans`] reads of schedules paused until a time, along
/// `schedules_resume`: they are few, so their rows are read.
pub(crate) const PAUSED: &str = "SELECT rowid, every_ms, anchor_at, cron, timezone, resume_at,
        json_extract(options, '$.until'), json_extract(options, '$.max_runs'), runs_sent,
        json_extract(options, '$.quiet_hours')
     FROM schedules WHERE resume_at IS NOT NULL AND disabled_at IS NOT NULL";

/// Every enabled schedule, and every one paused until a time, in plan,
/// handed to `take` `chunk` at a time as they are read, so the caller can
/// count them meanwhile. The first chunk has room for all of them (about one
/// pending job a schedule): the caller keeps it and appends the rest, and
/// 100,000 plans are not copied as they grow.
pub fn plans(conn: &Connection, chunk: usize, mut take: impl FnMut(Vec<Plan>)) -> Result<()> {
    // The pending job counts only while it waits: the times by seq are read
    // along jobs_due, which holds only those.
    let sql = format!("SELECT seq, scheduled_at FROM jobs WHERE {PENDING}");
    let pending: FxHashMap<i64, i64> = conn
        .prepare(&sql)?
        .query_map([], |r| {
            Ok((r.get_ref(0)?.as_i64()?, r.get_ref(1)?.as_i64()?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // About one pending job a schedule, but one-off jobs wait too: no more
    // than the schedules (their largest rowid, read off the table's end).
    let schedules: i64 =
        conn.query_row("SELECT IFNULL(MAX(rowid), 0) FROM schedules", [], |r| {
            r.get(0)
        })?;
    let mut rules = CronRules::default();
    let mut plans = Vec::with_capacity(pending.len().min(schedules.max(0) as usize));
    let mut hand_over = |plans: &mut Vec<Plan>| {
        if plans.len() == chunk {
            take(std::mem::replace(plans, Vec::with_capacity(chunk)));
        }
    };
    let mut stmt = conn.prepare(PLANS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let pending_job = int_at(r, 5)?;
        let pending_at = (pending_job.and_then(|seq| pending.get(&seq))).map(|at| from_ms(*at));
        plans.push(plan_at(r, &mut rules, pending_at, None)?);
        hand_over(&mut plans);
    }
    let mut stmt = conn.prepare(PAUSED)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let resumes_at = int_at(r, 5)?.map(from_ms);
        plans.push(plan_at(r, &mut rules, None, resumes_at)?);
        hand_over(&mut plans);
    }
    if !plans.is_empty() {
        take(plans);
    }
    Ok(())
}

/// A plan from a row of [`PLANS`] or [`PAUSED`], its start read by the caller.
fn plan_at(
    r: &Row,
    rules: &mut CronRules,
    pending_at: Option<DateTime<Utc>>,
    resumes_at: Option<DateTime<Utc>>,
) -> rusqlite::Result<Plan> {
    let until = r.get_ref(6)?.as_str_or_null()?;
    // Most schedules have no max_runs: their runs sent are not read.
    let runs_left = match int_at(r, 7)? {
        Some(max) => Some((max - int_at(r, 8)?.unwrap_or(0)).clamp(0, u32::MAX.into()) as u32),
        None => None,
    };
    Ok(Plan {
        rowid: r.get_ref(0)?.as_i64()?,
        rule: rules.rule_at(r, 1)?,
        pending_at,
        moved: false,
        resumes_at,
        until: until.and_then(|u| DateTime::parse_from_rfc3339(u).ok().map(|u| u.to_utc())),
        runs_left,
        quiet: (r.get_ref(9)?.as_str_or_null()?).and_then(|json| serde_json::from_str(json).ok()),
    })
}

/// Cron rules by zone and text, read from a row without copying its strings:
/// most schedules share a handful of rules.
#[derive(Default)]
struct CronRules {
    /// The last read: the rows come along the index, by rule, so the next
    /// row mostly has the same one.
    last: Option<Rule>,
    by_zone: HashMap<String, HashMap<String, Rule>>,
}

impl CronRules {
    /// The rule in the four columns from `at`, as [`rule_at`] reads it.
    fn rule_at(&mut self, r: &Row, at: usize) -> rusqlite::Result<Rule> {
        // An interval has no zone to read: parsing one per row took longer
        // than counting the schedule's month.
        if let Some(rule) = every_at(r, at)? {
            return Ok(rule);
        }
        let (Some(text), zone) = (
            r.get_ref(at + 2)?.as_str_or_null()?,
            r.get_ref(at + 3)?.as_str()?,
        ) else {
            return Ok(rule_at(r, at)?.0);
        };
        if let Some(Rule::Cron(last)) = &self.last {
            if last.text == text && last.zone.name() == zone {
                return Ok(Rule::Cron(last.clone()));
            }
        }
        let known = self.by_zone.get(zone).and_then(|texts| texts.get(text));
        let rule = match known {
            Some(rule) => rule.clone(),
            None => {
                let rule = rule_at(r, at)?.0;
                (self.by_zone.entry(zone.to_string()).or_default())
                    .insert(text.to_string(), rule.clone());
                rule
            }
        };
        self.last = Some(rule.clone());
        Ok(rule)
    }
}

/// What the calendar shows of a schedule it draws.
pub struct Drawn {
    pub id: String,
    pub name: Option<String>,
    /// Upper case.
    pub method: String,
    pub url: String,
    pub pending_job_id: Option<String>,
}

/// The schedules of `rowids` as drawn, by rowid.
pub fn drawn(conn: &Connection, rowids: &[i64]) -> Result<HashMap<i64, Drawn>> {
    let sql = "SELECT rowid, id, name, json_extract(request, '$.method'),
                      json_extract(request, '$.url'), pending_job_id
               FROM schedules WHERE rowid IN ({ids})";
    super::by_ids(conn, sql, rowids, |r| {
        let method: Option<String> = r.get(3)?;
        Ok((
            r.get(0)?,
            Drawn {
                id: r.get(1)?,
                name: r.get(2)?,
                method: method.unwrap_or_default().to_uppercase(),
                url: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                pending_job_id: r.get(5)?,
            },
        ))
    })
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
            let (condition, values) = super::search::condition(conn, &super::search::SCHEDULES, q)?;
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

/// Saving a schedule: its pending job's seq is looked up by the job's id.
/// Written once: every run of a schedule saves it.
static SAVE_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "UPDATE schedules SET name = ?2, description = ?3, every_ms = ?4, anchor_at = ?5,
            cron = ?6, timezone = ?7, request = ?8, options = ?9, args = ?10, catch_up = ?11,
            inject_fields = ?12, state = ?13, previous = ?14, run_count = ?15,
            pending_job_id = ?16, pending_job_seq = (SELECT seq FROM jobs WHERE {}),
            disabled_at = ?17, updated_at = ?18, failures_in_row = ?19,
            failing_since = ?20, resume_at = ?21, runs_sent = ?22
         WHERE id = ?1",
        super::jobs::with_id("?16")
    )
});

/// Saves every mutable column of a schedule.
pub fn save(conn: &Connection, s: &Schedule, now: DateTime<Utc>) -> Result<()> {
    let (every, anchor, cron) = rule_columns(&s.rule);
    conn.prepare_cached(&SAVE_SQL)?.execute(params![
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every run of a schedule saves it: its pending job's seq must be a
    /// search of jobs_id (0024), not a walk of every job.
    #[test]
    fn a_save_finds_the_pending_job_through_the_index_of_ids() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let plan = store
            .read(|c| Ok(crate::store::query_plan(c, &SAVE_SQL, &[])?))
            .unwrap();
        assert!(plan.contains("USING COVERING INDEX jobs_id"), "{plan}");
        assert!(!plan.contains("SCAN jobs"), "{plan}");
    }
}
