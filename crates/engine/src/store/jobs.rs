//! SQL for jobs.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{json_col, ms_opt, Tx};
use crate::draft::JobOptions;
use crate::error::{Error, Result};
use crate::job::{Args, Job, JobState, OutcomeSummary, ALL_STATES};
use crate::request::RequestSpec;
use crate::time::{from_ms, to_ms};

const COLUMNS: &str = "seq, id, schedule_id, run, idempotency_key, name, description, state, \
    request, options, args, attempt, scheduled_at, planned_at, inserted_at, updated_at, \
    attempted_at, completed_at, cancelled_at, discarded_at, note";

/// Pending jobs, spelled exactly as the partial index `jobs_due` is (SQLite
/// uses a partial index only for a query that repeats its condition).
pub(crate) const PENDING: &str =
    "(state = 'scheduled' OR state = 'available' OR state = 'retryable')";

fn from_row(r: &Row) -> rusqlite::Result<Job> {
    let state: String = r.get(7)?;
    Ok(Job {
        seq: r.get(0)?,
        id: r.get(1)?,
        schedule_id: r.get(2)?,
        run: r.get(3)?,
        idempotency_key: r.get(4)?,
        name: r.get(5)?,
        description: r.get(6)?,
        state: JobState::parse(&state).unwrap_or(JobState::Discarded),
        request: json_col(r.get(8)?)?,
        options: json_col(r.get(9)?)?,
        args: Args::stored(r.get(10)?),
        attempt: r.get(11)?,
        scheduled_at: from_ms(r.get(12)?),
        planned_at: ms_opt(r.get(13)?),
        inserted_at: from_ms(r.get(14)?),
        updated_at: from_ms(r.get(15)?),
        attempted_at: ms_opt(r.get(16)?),
        completed_at: ms_opt(r.get(17)?),
        cancelled_at: ms_opt(r.get(18)?),
        discarded_at: ms_opt(r.get(19)?),
        note: r.get(20)?,
    })
}

/// A new job's row.
pub struct JobInsert<'a> {
    pub schedule_id: Option<&'a str>,
    pub run: Option<i64>,
    pub idempotency_key: Option<&'a str>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub request: &'a RequestSpec,
    pub options: &'a JobOptions,
    pub args: &'a Value,
    pub scheduled_at: DateTime<Utc>,
    pub planned_at: Option<DateTime<Utc>>,
    pub note: Option<&'a str>,
}

pub fn insert(conn: &Connection, j: &JobInsert, now: DateTime<Utc>) -> Result<Job> {
    let state = if j.scheduled_at <= now {
        JobState::Available
    } else {
        JobState::Scheduled
    };
    // The row is built from what was written rather than read back: parsing
    // the request, options and args again cost a create more than writing them.
    let id = new_id(to_ms(now));
    // Instants are kept in milliseconds; the job holds them as stored.
    let (scheduled_at, planned_at, now) = (
        from_ms(to_ms(j.scheduled_at)),
        j.planned_at.map(|at| from_ms(to_ms(at))),
        from_ms(to_ms(now)),
    );
    let args = serde_json::to_string(j.args)?;
    // The seq from the connection, not `RETURNING seq`: SQLite keeps
    // RETURNING's rows in a table it builds and frees on every insert.
    conn.prepare_cached(
        "INSERT INTO jobs (id, schedule_id, run, idempotency_key, name, description, state,
            request, options, args, scheduled_at, planned_at, inserted_at, updated_at, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
    )?
    .execute(params![
        id,
        j.schedule_id,
        j.run,
        j.idempotency_key,
        j.name,
        j.description,
        state.as_str(),
        serde_json::to_string(j.request)?,
        serde_json::to_string(j.options)?,
        args.as_str(),
        to_ms(scheduled_at),
        planned_at.map(to_ms),
        to_ms(now),
        j.note,
    ])?;
    Ok(Job {
        seq: conn.last_insert_rowid(),
        id,
        schedule_id: j.schedule_id.map(str::to_string),
        run: j.run,
        idempotency_key: j.idempotency_key.map(str::to_string),
        name: j.name.map(str::to_string),
        description: j.description.map(str::to_string),
        state,
        request: j.request.clone(),
        options: j.options.clone(),
        args: Args::stored(args),
        attempt: 0,
        scheduled_at,
        planned_at,
        inserted_at: now,
        updated_at: now,
        attempted_at: None,
        completed_at: None,
        cancelled_at: None,
        discarded_at: None,
        note: j.note.map(str::to_string),
    })
}

/// A new job's id: a uuid (version 8) whose first eight hex digits are
/// random, the short form the UI shows and the CLI finds a job by, so jobs
/// made together tell apart there; then its creation time in milliseconds,
/// then 40 random bits. `jobs_id` (0024) is keyed from the tenth character,
/// the time, so it grows at its end as jobs are made, where a random uuid's
/// entry landed on a leaf of its own in every create.
fn new_id(now_ms: i64) -> String {
    let random = uuid::Uuid::new_v4().as_u128().to_be_bytes();
    let time = (now_ms.max(0) as u64 & 0xffff_ffff_ffff).to_be_bytes();
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&random[..4]);
    bytes[4..6].copy_from_slice(&time[2..4]);
    // `new_v8` writes the version (8) into the top four bits of byte 6 and
    // the variant into the top two of byte 8: each is a fixed hex digit
    // ahead of the next 12 bits of time, so the text still sorts by time.
    bytes[6] = time[4] >> 4;
    bytes[7] = time[4] << 4 | time[5] >> 4;
    bytes[8] = time[5] & 0x0f;
    bytes[9] = time[6];
    bytes[10] = time[7];
    bytes[11..].copy_from_slice(&random[9..14]);
    uuid::Uuid::new_v8(bytes).to_string()
}

/// The job whose id is in the SQL parameter `param`, spelled as `jobs_id`
/// (0024) is keyed, so that the lookup seeks it.
pub(crate) fn with_id(param: &str) -> String {
    format!("(substr(id, 10) = substr({param}, 10) AND id = {param})")
}

/// Where a lookup by a start of an id walks: the index holds every id.
pub(crate) const IDS: &str = "jobs INDEXED BY jobs_id";

/// A job by its uuid, its integer `job_id`, or a unique start of its uuid.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Job>> {
    let by_seq = id.parse::<i64>().ok();
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE {} OR seq = ?2",
        with_id("?1")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    if let Some(job) = stmt.query_row(params![id, by_seq], from_row).optional()? {
        return Ok(Some(job));
    }
    match super::id_by_prefix(conn, IDS, id, "job")? {
        Some(full) => Ok(stmt
            .query_row(params![full, None::<i64>], from_row)
            .optional()?),
        None => Ok(None),
    }
}

/// The job with this idempotency key that has not run yet.
pub fn unrun_with_key(conn: &Connection, key: &str) -> Result<Option<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE idempotency_key = ?1
         AND state IN ('scheduled', 'available') AND attempt = 0 LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([key], from_row)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub states: Vec<JobState>,
    pub schedule_id: Option<String>,
    /// Only one-off jobs, made by no schedule.
    pub one_off: bool,
    /// Free text, matched against the name, description and URL.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
    pub order: JobOrder,
}

impl JobFilter {
    /// Whether only states narrow the list, so its total is counted along
    /// the states' indexes ([`total_by_state`]).
    fn by_state_only(&self) -> bool {
        !self.one_off && self.neither_schedule_nor_search()
    }

    /// Whether the list is of one-off jobs, in some states or all (the jobs
    /// view's tabs).
    fn one_off_by_state_only(&self) -> bool {
        self.one_off && self.neither_schedule_nor_search()
    }

    fn neither_schedule_nor_search(&self) -> bool {
        self.schedule_id.is_none() && self.q.as_deref().is_none_or(str::is_empty)
    }
}

/// How a list of jobs is ordered: `order_by=[field, "asc" | "desc"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobOrder {
    pub by: OrderField,
    pub descending: bool,
}

impl Default for JobOrder {
    fn default() -> Self {
        JobOrder {
            by: OrderField::InsertedAt,
            descending: true,
        }
    }
}

/// The fields a list of jobs may be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderField {
    InsertedAt,
    ScheduledAt,
    AttemptedAt,
    CompletedAt,
    UpdatedAt,
    JobId,
    Id,
    State,
    Name,
}

impl OrderField {
    pub const ALL: [OrderField; 9] = [
        OrderField::InsertedAt,
        OrderField::ScheduledAt,
        OrderField::AttemptedAt,
        OrderField::CompletedAt,
        OrderField::UpdatedAt,
        OrderField::JobId,
        OrderField::Id,
        OrderField::State,
        OrderField::Name,
    ];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderField::InsertedAt => "inserted_at",
            OrderField::ScheduledAt => "scheduled_at",
            OrderField::AttemptedAt => "attempted_at",
            OrderField::CompletedAt => "completed_at",
            OrderField::UpdatedAt => "updated_at",
            OrderField::JobId => "job_id",
            OrderField::Id => "id",
            OrderField::State => "state",
            OrderField::Name => "name",
        }
    }

    pub fn parse(text: &str) -> Option<OrderField> {
        OrderField::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The column it orders by (insertion order is the sequence).
    fn column(self) -> &'static str {
        match self {
            OrderField::InsertedAt | OrderField::JobId | OrderField::Id => "seq",
            other => other.as_str(),
        }
    }
}

/// The SQL condition for jobs in `state` at `now` (see [`JobState::at`]).
fn state_condition(state: JobState, now: DateTime<Utc>) -> String {
    let now = to_ms(now);
    match state {
        JobState::Available => format!(
            "(state = 'available' OR ((state = 'scheduled' OR state = 'retryable') AND scheduled_at <= {now}))"
        ),
        JobState::Scheduled | JobState::Retryable => {
            format!("(state = '{}' AND scheduled_at > {now})", state.as_str())
        }
        other => format!("state = '{}'", other.as_str()),
    }
}

/// The SQL condition for jobs in any of `states` at `now`.
fn any_state(states: &[JobState], now: DateTime<Utc>) -> String {
    let any: Vec<String> = states.iter().map(|s| state_condition(*s, now)).collect();
    any.join(" OR ")
}

/// Jobs that match `f`, as their states are at `now`, and how many match in all.
/// Read in one transaction (as the engine's list is), the page and its total
/// agree while jobs change (the total may be all jobs less some: see
/// [`total_by_state`]).
pub fn list(conn: &Connection, f: &JobFilter, now: DateTime<Utc>) -> Result<(Vec<Job>, i64)> {
    let q = PageQuery::new(conn, f, now)?;
    let (sql, from_end) = q.page();
    let mut jobs = conn
        .prepare(&sql)?
        .query_map(params_from_iter(q.args.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if from_end {
        jobs.reverse();
    }
    let total = match (
        super::total_from_page(f.offset, f.limit, jobs.len()),
        q.total,
    ) {
        (Some(total), _) | (None, Some(total)) => total,
        (None, None) => {
            conn.query_row(&q.count(), params_from_iter(q.args.iter()), |r| r.get(0))?
        }
    };
    Ok((jobs, total))
}

/// A page of jobs as SQL: its WHERE and the values it binds, and its total
/// where that was counted along indexes ([`total_from_indexes`]).
struct PageQuery<'a> {
    f: &'a JobFilter,
    filter: String,
    args: Vec<rusqlite::types::Value>,
    total: Option<i64>,
}

impl<'a> PageQuery<'a> {
    fn new(conn: &Connection, f: &'a JobFilter, now: DateTime<Utc>) -> Result<PageQuery<'a>> {
        let mut clauses = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        // Only a list narrowed to some states or to the one-off jobs can be
        // gathered from them; every job is counted once, for that bound and
        // for the total.
        let gathered = f.one_off || !f.states.is_empty();
        let all = match gathered || f.by_state_only() {
            true => count_all(conn)?,
            false => 0,
        };
        let at_most = if gathered {
            gathered_at_most(all, f)
        } else {
            0
        };
        let total = total_from_indexes(conn, f, now, all, at_most)?;
        // More jobs than a page is gathered from are too many in any index
        // that holds them all: the list is walked, with nothing more counted.
        let many = total.is_some_and(|n| n > at_most);
        // What the page is gathered from, if any: the one-off jobs or the
        // states', whichever are few enough.
        let mut few = None;
        if f.one_off {
            clauses.push(ONE_OFF.into());
            if !many {
                let n = count(conn, &count_up_to(ONE_OFF_JOBS, at_most + 1))?;
                few = (n <= at_most).then(|| format!("SELECT seq FROM {ONE_OFF_JOBS}"));
            }
        }
        if !f.states.is_empty() {
            clauses.push(format!("({})", any_state(&f.states, now)));
            if few.is_none() && !many {
                let n = match total {
                    Some(n) if f.by_state_only() => n,
                    _ => {
                        count_fewer_than(conn, &f.states, now, at_most + 1)?.unwrap_or(at_most + 1)
                    }
                };
                few = (n <= at_most).then(|| seqs_by_state(&f.states, now));
            }
        }
        if few.is_none() && walks_past(f) {
            clauses.push(format!("({PAST})"));
        }
        if let Some(s) = &f.schedule_id {
            clauses.push("schedule_id = ?".into());
            args.push(s.clone().into());
        }
        if let Some(seqs) = few {
            clauses.push(format!("seq IN ({seqs})"));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
            let (condition, values) = super::search::condition(conn, &super::search::JOBS, q)?;
            clauses.push(condition);
            args.extend(values);
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok(PageQuery {
            f,
            filter,
            args,
            total,
        })
    }

    fn count(&self) -> String {
        format!("SELECT COUNT(*) FROM jobs {}", self.filter)
    }

    /// The page's SQL, and whether it reads the list from its far end: a
    /// page past the middle of a list whose total is known is read as the
    /// same rows in the opposite order, counted from the end, so a walk to
    /// it is never longer than half the list (the last page of 100,000
    /// jobs walked 99,950 of them).
    fn page(&self) -> (String, bool) {
        let f = self.f;
        let (mut descending, mut nulls, mut limit, mut offset) =
            (f.order.descending, "LAST", f.limit, f.offset);
        let from_end = self
            .total
            .filter(|&all| f.offset.saturating_mul(2).saturating_add(f.limit) > all);
        if let Some(all) = from_end {
            descending = !descending;
            nulls = "FIRST";
            limit = all.saturating_sub(f.offset).clamp(0, f.limit);
            offset = all.saturating_sub(f.offset).saturating_sub(f.limit).max(0);
        }
        let dir = if descending { "DESC" } else { "ASC" };
        let order = format!("{} {dir} NULLS {nulls}, seq {dir}", f.order.by.column());
        let page = format!(
            "FROM jobs {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            self.filter
        );
        // A page that skips jobs (from whichever end) finds its own first
        // and reads their rows after: the walk (or the sort of what was
        // gathered) reads only what its order and filter need, not each
        // skipped job's whole row. A page at either end skips none, and
        // would only sort its rows twice.
        let sql = if offset == 0 {
            format!("SELECT {COLUMNS} {page}")
        } else {
            format!("SELECT {COLUMNS} FROM jobs WHERE seq IN (SELECT seq {page}) ORDER BY {order}")
        };
        (sql, from_end.is_some())
    }
}

/// One-off jobs, spelled as `jobs_one_off`'s condition is.
const ONE_OFF: &str = "schedule_id IS NULL";

/// The one-off jobs, read along `jobs_one_off` by name, to gather or count
/// them: `jobs_seq` holds every job's schedule too (0022), and SQLite chose
/// to walk its every entry to find the one-off ones, however few.
pub(crate) const ONE_OFF_JOBS: &str = "jobs INDEXED BY jobs_one_off WHERE schedule_id IS NULL";

/// The schedules' runs, read along `jobs_schedule` by name, for the same
/// reason.
const SCHEDULE_RUNS: &str = "jobs INDEXED BY jobs_schedule WHERE schedule_id IS NOT NULL";

/// Jobs past their pending start, spelled as `jobs_past`'s condition is
/// (0012, 0022), which SQLite uses only for a query that repeats it.
const PAST: &str = "state <> 'scheduled' AND state <> 'available'";

/// Whether `f` is a list by due time of states `jobs_past` holds alone, so
/// its walk can read that index in the list's order (time, then seq),
/// filtering by state and schedule from it, with no row read to skip a job.
/// Without the condition, SQLite walked `jobs_scheduled` reading every
/// skipped job's row (11–14 ms at offset 50,000 of 100,000 completed), or,
/// for a page of one, sorted all the tab's jobs (57–74 ms).
fn walks_past(f: &JobFilter) -> bool {
    f.order.by == OrderField::ScheduledAt
        && !f.states.is_empty()
        && !f
            .states
            .iter()
            .any(|s| matches!(s, JobState::Scheduled | JobState::Available))
}

/// What gathering a job for a page costs, in steps of walking an index:
/// its row read and sorted (0.5 µs a job, gathering all 100,000 completed
/// jobs for their last page) against a step along a state's own index
/// (0.03–0.05 µs, walking to that page; more where a walk reads rows).
const GATHERED_COST: i64 = 16;

/// How many jobs a page may be gathered from: reading `n` jobs along their
/// own index (their states', or the one-off jobs') and sorting them costs
/// about `GATHERED_COST × n` steps, and walking the list in its order about
/// `(offset + limit) × all / n` to find the page's where they are spread
/// evenly, so gathering is the sooner while `n` is at most the square root
/// of `(offset + limit) × all / GATHERED_COST`. With 100,000 completed
/// jobs, a page of the few pending or discarded ones took 22–45 ms walking,
/// as SQLite chose to; the last page of the completed took 51 ms gathered,
/// 3–5 ms walking.
fn gathered_at_most(all: i64, f: &JobFilter) -> i64 {
    (f.offset.saturating_add(f.limit).saturating_mul(all).max(0) / GATHERED_COST).isqrt()
}

/// The jobs in `states` at `now`, each state's along its own index.
fn seqs_by_state(states: &[JobState], now: DateTime<Utc>) -> String {
    let selects: Vec<String> = conditions_by_state(states, now)
        .iter()
        .map(|c| format!("SELECT seq FROM jobs WHERE {c}"))
        .collect();
    selects.join(" UNION ALL ")
}

/// Counting the states a total leaves out stops here ([`total_by_state`]).
const FEW: i64 = 10_000;

/// How many jobs are in `states` (all of them if empty) at `now`. Every job:
/// SQLite counts the cells of the smallest index's pages, not its entries.
/// Some states: each is counted along its own partial index (jobs_completed,
/// …, jobs_due), an entry at a time; where the states left out are the few,
/// as where finished jobs pile up (a count of 100,000 completed took 1.5 ms
/// of every page), the total is every job less those. That is only where the
/// states left out are counted without reading a row (none or all of the
/// pending ones: which of them a pending job is depends on its time, which
/// jobs_due holds but not its state). Which side is the fewer is not known
/// until counted, so both are counted in steps (64, 512, 4,096 entries),
/// neither far past the other's size, and the states left out no further
/// than `FEW`: a total costs at most about twice `FEW` entries more than a
/// count of its states, and where one side is small, about that side.
fn total_by_state(
    conn: &Connection,
    states: &[JobState],
    now: DateTime<Utc>,
    all: i64,
) -> Result<i64> {
    let (asked, others): (Vec<JobState>, Vec<JobState>) =
        ALL_STATES.into_iter().partition(|s| states.contains(s));
    if asked.is_empty() || others.is_empty() {
        return Ok(all);
    }
    let subtracted = !others.iter().any(|s| s.is_pending()) || all_pending(&others);
    for step in [64, 512, 4_096, FEW] {
        if step < FEW {
            if let Some(n) = count_fewer_than(conn, &asked, now, step)? {
                return Ok(n);
            }
        }
        if subtracted {
            if let Some(left_out) = count_fewer_than(conn, &others, now, step)? {
                return Ok(all - left_out);
            }
        }
    }
    conditions_by_state(&asked, now)
        .iter()
        .map(|c| count(conn, &format!("SELECT COUNT(*) FROM jobs WHERE {c}")))
        .sum()
}

/// How many jobs are in `states` at `now`, if fewer than `limit`.
fn count_fewer_than(
    conn: &Connection,
    states: &[JobState],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Option<i64>> {
    let mut found = 0;
    for condition in conditions_by_state(states, now) {
        let up_to = limit - found;
        found += count(
            conn,
            &count_up_to(&format!("jobs WHERE {condition}"), up_to),
        )?;
        if found >= limit {
            return Ok(None);
        }
    }
    Ok(Some(found))
}

/// A list's total, counted along indexes (a few runs' rows aside), where
/// its filter is of states or one-off jobs alone; else `None`. `all` is
/// every job's count.
fn total_from_indexes(
    conn: &Connection,
    f: &JobFilter,
    now: DateTime<Utc>,
    all: i64,
    at_most: i64,
) -> Result<Option<i64>> {
    if f.by_state_only() {
        return Ok(Some(total_by_state(conn, &f.states, now, all)?));
    }
    if f.one_off_by_state_only() {
        return one_off_total(conn, &f.states, now, all, at_most);
    }
    Ok(None)
}

/// How many one-off jobs are in `states` (all of them if empty) at `now`,
/// as the jobs in those states less the schedules' runs among them, where
/// the runs are few; else `None`, and the one-off jobs are counted.
///
/// Every one-off job: the runs are counted along `jobs_schedule` alone, so
/// "few" is fewer than `FEW` (a count of 100,000 one-off jobs along their
/// own index took 2.6 ms, of none of the runs 0.01 ms). In some states: a
/// run's state is read from its row, so only where the runs are no more
/// than a page might be gathered from (`at_most`, [`gathered_at_most`]); a
/// count of 100,000 completed one-off jobs along `jobs_completed`, which
/// checks each entry's schedule, took 3 ms of the jobs view's Completed tab.
fn one_off_total(
    conn: &Connection,
    states: &[JobState],
    now: DateTime<Utc>,
    all: i64,
    at_most: i64,
) -> Result<Option<i64>> {
    let few = if states.is_empty() { FEW - 1 } else { at_most };
    let runs = count(conn, &count_up_to(SCHEDULE_RUNS, few + 1))?;
    if runs > few {
        return Ok(None);
    }
    if states.is_empty() {
        return Ok(Some(all - runs));
    }
    let runs_in_states = count(conn, &count_runs_in(states, now))?;
    Ok(Some(
        total_by_state(conn, states, now, all)? - runs_in_states,
    ))
}

/// A count of the schedules' runs in `states` at `now`, read along
/// `jobs_schedule`: each run's row, not each job's in those states.
fn count_runs_in(states: &[JobState], now: DateTime<Utc>) -> String {
    format!(
        "SELECT COUNT(*) FROM jobs WHERE seq IN (SELECT seq FROM {SCHEDULE_RUNS}) \
         AND ({})",
        any_state(states, now)
    )
}

fn count(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Every job: SQLite counts the cells of the smallest index's pages.
fn count_all(conn: &Connection) -> Result<i64> {
    count(conn, "SELECT COUNT(*) FROM jobs")
}

/// A count of the rows `from` reads (`jobs WHERE …`, one of the named reads
/// above, or a subquery in parentheses), which stops at `limit`.
pub(crate) fn count_up_to(from: &str, limit: i64) -> String {
    format!("SELECT COUNT(*) FROM (SELECT 1 FROM {from} LIMIT {limit})")
}

/// The conditions, one for each index to count along, that together select
/// the jobs in `states` (none of them twice, though a state be asked twice).
fn conditions_by_state(states: &[JobState], now: DateTime<Utc>) -> Vec<String> {
    let (pending, settled): (Vec<JobState>, Vec<JobState>) = ALL_STATES
        .into_iter()
        .filter(|s| states.contains(s))
        .partition(|s| s.is_pending());
    let mut conditions: Vec<String> = settled.iter().map(|s| state_condition(*s, now)).collect();
    if all_pending(&pending) {
        conditions.push(PENDING.into());
    } else if !pending.is_empty() {
        // PENDING first, spelled as the index is, so the count reads jobs_due.
        conditions.push(format!("{PENDING} AND ({})", any_state(&pending, now)));
    }
    conditions
}

/// Whether `states` hold every pending state (all that PENDING holds).
fn all_pending(states: &[JobState]) -> bool {
    ALL_STATES
        .iter()
        .filter(|s| s.is_pending())
        .all(|s| states.contains(s))
}

/// Claims up to `limit` jobs due by `horizon` (at most a moment after `now`)
/// for dispatch: they become `executing` with their attempt counted, in the
/// caller's transaction. A job claimed ahead of its instant is attempted at
/// that instant.
///
/// Each job is boxed behind an `Arc` (dispatch shares it anyway): a batch of
/// large inline rows would be one big allocation per claim, which the
/// allocator maps and unmaps at a cost that shows in a burst.
pub fn claim_due(
    conn: &Connection,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Arc<Job>>> {
    let (now, horizon, limit) = (to_ms(now), to_ms(horizon), limit as i64);
    let mut jobs = Vec::with_capacity(limit as usize);
    for job in conn
        .prepare_cached(&due_sql())?
        .query_map(params![horizon, limit], from_row)?
    {
        jobs.push(Arc::new(claimed(job?, now)));
    }
    let claimed = conn
        .prepare_cached(&claim_sql())?
        .execute(params![now, horizon, limit])?;
    if claimed != jobs.len() {
        // One connection in one transaction reads the same jobs twice; were
        // it ever not so, the claim is rolled back rather than half-made.
        return Err(Error::Internal(format!(
            "claimed {claimed} jobs, having read {}",
            jobs.len()
        )));
    }
    Ok(jobs)
}

/// The due jobs a claim takes, in order. The claim reads them and then
/// updates them ([`claim_sql`]), rather than `UPDATE … RETURNING` them: SQLite
/// keeps a returned row's every column in a table of its own until the
/// statement ends, and the two statements take 14 % fewer instructions (a
/// 3,000-job burst under callgrind, BENCHMARKS.md).
/// Its limit is written `+?2`: SQLite reads a bare `LIMIT ?`'s value while
/// it plans, and then prepares the statement again each time that parameter
/// is bound (`each_claim_runs_its_statements_prepared_once`). An
/// expression's value is not read, and the plan is the same.
fn due_sql() -> String {
    format!("SELECT {COLUMNS} FROM jobs WHERE {}", due(1, 2))
}

/// The claim of the jobs [`due_sql`] reads; [`claimed`] is what it writes.
fn claim_sql() -> String {
    format!(
        "UPDATE jobs SET state = 'executing', attempt = attempt + 1,
                         attempted_at = MAX(?1, scheduled_at), updated_at = ?1
         WHERE seq IN (SELECT seq FROM jobs WHERE {})",
        due(2, 3)
    )
}

/// The jobs a claim takes, the same words in both of its statements: the
/// pending jobs due by the parameter `?horizon`, in order, at most `?limit`.
fn due(horizon: u8, limit: u8) -> String {
    format!(
        "{PENDING} AND scheduled_at <= ?{horizon}
         ORDER BY scheduled_at, seq LIMIT +?{limit}"
    )
}

/// `job` as [`claim_sql`] leaves it, claimed at `now` (ms).
fn claimed(mut job: Job, now: i64) -> Job {
    job.state = JobState::Executing;
    job.attempt += 1;
    job.attempted_at = Some(from_ms(now.max(to_ms(job.scheduled_at))));
    job.updated_at = from_ms(now);
    job
}

/// When the earliest pending job is due.
pub fn next_due_at(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let sql = format!("SELECT MIN(scheduled_at) FROM jobs WHERE {PENDING}");
    let ms: Option<i64> = conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))?;
    Ok(ms.map(from_ms))
}

/// The earliest pending job.
pub fn next_due(conn: &Connection) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE {PENDING} ORDER BY scheduled_at LIMIT 1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([], from_row)
        .optional()?)
}

/// Jobs left `executing`: at start-up, these were interrupted by a crash or kill.
pub fn executing(conn: &Connection) -> Result<Vec<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE state = 'executing'");
    Ok(conn
        .prepare(&sql)?
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A change to a job's row; unset fields stay as they are.
#[derive(Debug, Default)]
pub struct JobUpdate<'a> {
    pub state: Option<JobState>,
    pub attempt: Option<u32>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub request: Option<&'a RequestSpec>,
    pub options: Option<&'a JobOptions>,
    pub args: Option<&'a Value>,
    pub name: Option<Option<&'a str>>,
    pub description: Option<Option<&'a str>>,
    pub note: Option<&'a str>,
    /// A held run's rule time, moved past the runs it was merged with.
    pub planned_at: Option<DateTime<Utc>>,
}

pub fn update(conn: &Connection, seq: i64, u: &JobUpdate, now: DateTime<Utc>) -> Result<()> {
    let state = u.state.map(JobState::as_str);
    let finished_col = |s: JobState| match u.state {
        Some(x) if x == s => Some(to_ms(now)),
        _ => None,
    };
    conn.prepare_cached(
        "UPDATE jobs SET
            state = COALESCE(?2, state),
            attempt = COALESCE(?3, attempt),
            scheduled_at = COALESCE(?4, scheduled_at),
            request = COALESCE(?5, request),
            options = COALESCE(?6, options),
            args = COALESCE(?7, args),
            name = CASE WHEN ?8 THEN ?9 ELSE name END,
            description = CASE WHEN ?10 THEN ?11 ELSE description END,
            note = COALESCE(?12, note),
            completed_at = COALESCE(?13, completed_at),
            discarded_at = COALESCE(?14, discarded_at),
            cancelled_at = COALESCE(?15, cancelled_at),
            updated_at = ?16,
            planned_at = COALESCE(?17, planned_at)
         WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        state,
        u.attempt,
        u.scheduled_at.map(to_ms),
        u.request.map(serde_json::to_string).transpose()?,
        u.options.map(serde_json::to_string).transpose()?,
        u.args.map(serde_json::to_string).transpose()?,
        u.name.is_some(),
        u.name.flatten(),
        u.description.is_some(),
        u.description.flatten(),
        u.note,
        finished_col(JobState::Completed),
        finished_col(JobState::Discarded),
        finished_col(JobState::Cancelled),
        to_ms(now),
        u.planned_at.map(to_ms),
    ])?;
    Ok(())
}

/// A schedule's jobs executing now, other than `except`: the runs a new one
/// would overlap.
pub fn executing_of_schedule(
    conn: &Connection,
    schedule_id: &str,
    except: i64,
) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE state = 'executing' AND schedule_id = ?1 AND seq != ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params![schedule_id, except], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Makes a job due now (run now, or again after an interruption).
pub fn due_now(conn: &Connection, seq: i64, note: Option<&str>, now: DateTime<Utc>) -> Result<()> {
    update(
        conn,
        seq,
        &JobUpdate {
            state: Some(JobState::Available),
            scheduled_at: Some(now),
            note,
            ..JobUpdate::default()
        },
        now,
    )
}

/// An attempt's end: the job's new state, and for a retry its new time. Only
/// the columns that change are written, so a burst's updates leave the time
/// indexes alone unless a job is retried.
pub fn finish_attempt(
    tx: &mut Tx,
    seq: i64,
    state: JobState,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let now = to_ms(tx.now);
    let state_text = state.as_str();
    let sql = match (state, retry_at) {
        (JobState::Completed, _) => {
            "UPDATE jobs SET state = ?2, completed_at = ?3, updated_at = ?3 WHERE seq = ?1"
        }
        (JobState::Discarded, _) => {
            "UPDATE jobs SET state = ?2, discarded_at = ?3, updated_at = ?3 WHERE seq = ?1"
        }
        (JobState::Cancelled, _) => {
            "UPDATE jobs SET state = ?2, cancelled_at = ?3, updated_at = ?3 WHERE seq = ?1"
        }
        (_, Some(at)) => {
            tx.held(
                "UPDATE jobs SET state = ?2, scheduled_at = ?3, updated_at = ?4 WHERE seq = ?1",
            )?
            .execute(params![seq, state_text, to_ms(at), now])?;
            return Ok(());
        }
        (_, None) => "UPDATE jobs SET state = ?2, updated_at = ?3 WHERE seq = ?1",
    };
    tx.held(sql)?.execute(params![seq, state_text, now])?;
    Ok(())
}

/// The last finished attempt of each of these jobs, by seq.
pub fn last_outcomes(conn: &Connection, seqs: &[i64]) -> Result<HashMap<i64, OutcomeSummary>> {
    let sql = "SELECT job_seq, attempt, status, error, duration_ms, finished_at FROM attempts a
               WHERE job_seq IN ({ids})
                 AND attempt = (SELECT MAX(attempt) FROM attempts b WHERE b.job_seq = a.job_seq)";
    super::by_ids(conn, sql, seqs, |r| {
        Ok((
            r.get(0)?,
            OutcomeSummary {
                attempt: r.get(1)?,
                status: r.get(2)?,
                error: r.get(3)?,
                duration_ms: r.get(4)?,
                finished_at: from_ms(r.get(5)?),
            },
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_id_is_a_uuid_that_starts_at_random_and_sorts_by_time_after_its_short_form() {
        let made = 1_796_394_978_573;
        let ids = [made, made, made + 1, made + 65_536, made + 86_400_000].map(new_id);
        for id in &ids {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 8, "{id}");
            assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
        // Jobs made in the same millisecond tell apart by their short form.
        assert_ne!(ids[0][..8], ids[1][..8]);
        assert_ne!(ids[0][9..], ids[1][9..]);
        // After it, each later millisecond sorts after: what jobs_id is keyed by.
        for (earlier, later) in [(0, 2), (1, 2), (2, 3), (3, 4)] {
            assert!(ids[earlier][9..] < ids[later][9..], "{ids:?}");
        }
    }

    /// jobs_id (0024) is keyed from the tenth character: a lookup spelled
    /// otherwise would walk every job. The schedule's save and the log's
    /// filter by job have their own tests of the same.
    #[test]
    fn a_job_is_found_by_its_id_through_the_index_of_ids_which_refuses_a_second_of_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let plan = store
            .read(|c| {
                let sql = format!("SELECT seq FROM jobs WHERE {} OR seq = ?2", with_id("?1"));
                Ok(crate::store::query_plan(
                    c,
                    &sql,
                    &["x".to_string().into()],
                )?)
            })
            .unwrap();
        assert!(plan.contains("USING COVERING INDEX jobs_id"), "{plan}");
        assert!(!plan.contains("SCAN"), "{plan}");
        let insert = |tx: &mut crate::store::Tx| {
            tx.sql.execute(
                "INSERT INTO jobs (id, state, request, options, args, scheduled_at, inserted_at, updated_at)
                 VALUES ('0f0e0d0c-0000-4000-8000-000000000001', 'scheduled', '{}', '{}', '{}', 0, 0, 0)",
                [],
            )
        };
        assert!(store.write(Utc::now(), move |tx| Ok(insert(tx)?)).is_ok());
        let Err(again) = store.write(Utc::now(), move |tx| Ok(insert(tx)?)) else {
            panic!("a second job with the same id was written")
        };
        assert!(format!("{again:?}").contains("UNIQUE"), "{again:?}");
    }

    /// The scheduler's queries stay index searches: a condition spelled
    /// differently from `jobs_due`'s would make every claim scan the table.
    #[test]
    fn finding_due_jobs_uses_the_due_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let plan = |sql: String| {
            store
                .read(move |c| Ok(crate::store::query_plan(c, &sql, &[])?))
                .unwrap()
        };
        for claim in [plan(due_sql()), plan(claim_sql())] {
            assert!(claim.contains("USING INDEX jobs_due"), "{claim}");
            assert!(!claim.contains("TEMP B-TREE"), "a claim sorts: {claim}");
        }
        let next = plan(format!(
            "SELECT MIN(scheduled_at) FROM jobs WHERE {PENDING}"
        ));
        assert!(
            next.contains("USING INDEX jobs_due") || next.contains("COVERING INDEX jobs_due"),
            "{next}"
        );
    }

    /// A claim answers the jobs due by its horizon, in order, as it left them
    /// in the table: executing, their attempt counted, attempted at their
    /// instant or the claim's time, whichever is later. Jobs due after the
    /// horizon, past the limit, or settled stay as they were.
    #[test]
    fn a_claim_answers_its_jobs_as_it_stored_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let at = |c: &Connection, ms: i64| -> Option<Job> {
            let id: String = c
                .query_row("SELECT id FROM jobs WHERE scheduled_at = ?1", [ms], |r| {
                    r.get(0)
                })
                .unwrap();
            get(c, &id).unwrap()
        };
        let claimed = store
            .write(from_ms(500), |tx| {
                for (state, ms) in [
                    ("scheduled", 700),
                    ("available", 100),
                    ("retryable", 200),
                    ("scheduled", 900),
                    ("completed", 50),
                    ("scheduled", 750),
                ] {
                    insert_of(&tx.sql, state, ms, None);
                }
                tx.sql
                    .execute("UPDATE jobs SET attempt = 2 WHERE state = 'retryable'", [])?;
                claim_due(&tx.sql, from_ms(500), from_ms(800), 3)
            })
            .unwrap()
            .value;
        let due: Vec<i64> = claimed.iter().map(|j| to_ms(j.scheduled_at)).collect();
        assert_eq!(due, [100, 200, 700]);
        store
            .read(move |c| {
                for job in &claimed {
                    let stored = at(c, to_ms(job.scheduled_at)).unwrap();
                    assert_eq!(job.seq, stored.seq);
                    assert_eq!(job.state, JobState::Executing);
                    assert_eq!(stored.state, JobState::Executing);
                    assert_eq!(job.attempt, stored.attempt);
                    assert_eq!(job.attempted_at, stored.attempted_at);
                    assert_eq!(job.updated_at, stored.updated_at);
                }
                let attempts: Vec<u32> = claimed.iter().map(|j| j.attempt).collect();
                assert_eq!(attempts, [1, 3, 1]);
                let attempted: Vec<_> = claimed.iter().map(|j| j.attempted_at).collect();
                assert_eq!(
                    attempted,
                    [Some(from_ms(500)), Some(from_ms(500)), Some(from_ms(700))]
                );
                for (ms, state) in [
                    (750, JobState::Scheduled),
                    (900, JobState::Scheduled),
                    (50, JobState::Completed),
                ] {
                    let left = at(c, ms).unwrap();
                    assert_eq!((left.state, left.attempt), (state, 0), "due at {ms}");
                }
                Ok(())
            })
            .unwrap();
    }

    /// Claims of different sizes run the statements prepared at the first:
    /// SQLite prepares a statement again when a parameter its plan read is
    /// bound, which a bare `LIMIT ?` is.
    #[test]
    fn each_claim_runs_its_statements_prepared_once() {
        let now = Utc::now();
        for sql in [due_sql(), claim_sql()] {
            let again = crate::store::times_prepared_again(&sql, |c, limit| {
                claim_due(c, now, now, limit).unwrap();
            });
            assert_eq!(again, 0, "times the claim was prepared again: {sql}");
        }
    }

    /// A deep page of completed jobs walks their narrow index, not the table.
    #[test]
    fn a_page_of_completed_jobs_walks_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let completed = state_condition(JobState::Completed, from_ms(0));
        let plan = store
            .read(move |c| {
                let sql = format!(
                    "EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM jobs WHERE ({completed}) \
                     ORDER BY seq DESC NULLS LAST, seq DESC LIMIT 50 OFFSET 50000"
                );
                Ok(c.query_row(&sql, [], |r| r.get::<_, String>(3))?)
            })
            .unwrap();
        assert!(plan.contains("jobs_completed"), "{plan}");
    }

    fn insert_in(tx: &Connection, state: &str, scheduled_at: i64) {
        insert_of(tx, state, scheduled_at, None);
    }

    /// One to seven jobs in each state (by its place in ALL_STATES), the
    /// pending ones due both before and after 1,000 ms.
    fn some_in_each_state(tx: &Connection) {
        for (i, state) in ALL_STATES.iter().enumerate() {
            for k in 0..=i as i64 {
                insert_in(tx, state.as_str(), 500 + 400 * k);
            }
        }
    }

    fn insert_of(tx: &Connection, state: &str, scheduled_at: i64, schedule: Option<&str>) {
        tx.execute(
            "INSERT INTO jobs (id, state, request, options, args, scheduled_at, inserted_at, updated_at,
                               schedule_id)
             VALUES (lower(hex(randomblob(16))), ?1, ?4, ?5, '{}', ?2, 0, 0, ?3)",
            rusqlite::params![
                state,
                scheduled_at,
                schedule,
                r#"{"method":"get","url":"https://example.com/"}"#,
                serde_json::to_string(&JobOptions::default()).unwrap(),
            ],
        )
        .unwrap();
    }

    /// 300 completed jobs, the `i`th one-off where `one_off(i)` and else a
    /// schedule's, and two in each other state (one of them a schedule's),
    /// pending ones due before and after `now` (at 500): 318 jobs.
    fn a_history(one_off: fn(i64) -> bool) -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        store
            .write(from_ms(500), move |tx| {
                for i in 0..300 {
                    let schedule = (!one_off(i)).then_some("s1");
                    insert_of(&tx.sql, "completed", (i * 7) % 1000, schedule);
                }
                for (state, at) in [
                    ("discarded", 10),
                    ("discarded", 990),
                    ("cancelled", 300),
                    ("executing", 400),
                    ("scheduled", 100),
                    ("scheduled", 900),
                    ("retryable", 200),
                    ("retryable", 800),
                    ("available", 450),
                ] {
                    insert_of(&tx.sql, state, at, None);
                    insert_of(&tx.sql, state, at, Some("s1"));
                }
                // Half the completed jobs say when (a list by completed_at
                // holds NULLs).
                tx.sql.execute(
                    "UPDATE jobs SET completed_at = (seq * 13) % 1000 \
                     WHERE state = 'completed' AND seq % 2 = 0",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        (dir, store)
    }

    fn filter(states: Vec<JobState>, order: JobOrder, offset: i64, limit: i64) -> JobFilter {
        JobFilter {
            states,
            schedule_id: None,
            one_off: false,
            q: None,
            limit,
            offset,
            order,
        }
    }

    /// Every set of states a list may ask for, the empty one first.
    fn every_set_of_states() -> impl Iterator<Item = Vec<JobState>> {
        (0u32..(1 << ALL_STATES.len())).map(|mask| {
            (0..ALL_STATES.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| ALL_STATES[i])
                .collect()
        })
    }

    /// What a page must hold, worked out from every row.
    fn expected_page(c: &Connection, f: &JobFilter, now: DateTime<Utc>) -> (Vec<i64>, i64) {
        type Row = (i64, i64, Option<i64>, bool);
        let mut rows: Vec<Row> = c
            .prepare("SELECT seq, state, scheduled_at, completed_at, schedule_id IS NULL FROM jobs")
            .unwrap()
            .query_map([], |r| {
                let state = JobState::parse(&r.get::<_, String>(1)?).unwrap();
                let at: i64 = r.get(2)?;
                let one_off: bool = r.get(4)?;
                let wanted = (f.states.is_empty()
                    || f.states.contains(&state.at(from_ms(at), now)))
                    && (one_off || !f.one_off);
                Ok((r.get(0)?, at, r.get(3)?, wanted))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.retain(|r| r.3);
        rows.sort_by_key(|&(seq, at, done, _)| match f.order.by {
            OrderField::ScheduledAt => (at, seq),
            OrderField::CompletedAt => (done.unwrap_or(0), seq),
            _ => (seq, seq),
        });
        if f.order.descending {
            rows.reverse();
        }
        // NULLS LAST either way (of these, only completed_at is ever NULL).
        rows.sort_by_key(|r| f.order.by == OrderField::CompletedAt && r.2.is_none());
        let page = rows.iter().skip(f.offset as usize).take(f.limit as usize);
        (page.map(|r| r.0).collect(), rows.len() as i64)
    }

    /// Every combination of states, in any order (one with NULLs) and either
    /// direction, deep or not, one-off or not: the page and its total are
    /// the rows', whether the page was gathered from its states' indexes or
    /// walked in order, from the start or from the far end.
    #[test]
    fn a_page_by_state_holds_its_rows_gathered_or_walked() {
        let (_dir, store) = a_history(|i| i % 3 == 0);
        let now = from_ms(500);
        let ways = store
            .read(move |c| {
                let mut ways = Vec::new();
                for states in every_set_of_states() {
                    let orders = [
                        OrderField::InsertedAt,
                        OrderField::ScheduledAt,
                        OrderField::CompletedAt,
                    ];
                    for by in orders {
                        for descending in [true, false] {
                            for (offset, limit) in [(0, 3), (2, 100), (150, 3), (300, 10)] {
                                for one_off in [false, true] {
                                    let order = JobOrder { by, descending };
                                    let f = JobFilter {
                                        one_off,
                                        ..filter(states.clone(), order, offset, limit)
                                    };
                                    let (jobs, total) = list(c, &f, now)?;
                                    let seqs: Vec<i64> = jobs.iter().map(|j| j.seq).collect();
                                    assert_eq!((seqs, total), expected_page(c, &f, now), "{f:?}");
                                    let q = PageQuery::new(c, &f, now)?;
                                    ways.push((q.filter.contains("seq IN"), q.page().1));
                                }
                            }
                        }
                    }
                }
                Ok(ways)
            })
            .unwrap();
        // Every way was taken: gathered or walked, from the start or the end.
        for way in [(true, true), (true, false), (false, true), (false, false)] {
            assert!(ways.contains(&way), "{way:?}");
        }
    }

    /// A page past the last job is empty and still says how many there
    /// are, however far past it asks (the API takes any offset).
    #[test]
    fn a_page_past_the_end_is_empty_however_far() {
        let (_dir, store) = a_history(|i| i % 3 == 0);
        let now = from_ms(500);
        store
            .read(move |c| {
                for states in [vec![], vec![JobState::Completed]] {
                    for one_off in [false, true] {
                        for offset in [318, 1_000, i64::MAX / 2, i64::MAX] {
                            let f = JobFilter {
                                one_off,
                                ..filter(states.clone(), JobOrder::default(), offset, 100)
                            };
                            let (jobs, total) = list(c, &f, now)?;
                            assert!(jobs.is_empty(), "{f:?}");
                            assert_eq!(total, expected_page(c, &f, now).1, "{f:?}");
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    /// A job's args are shown as they were stored; args that are not JSON
    /// (a database edited by hand) read as null, and the job is still
    /// listed with the others.
    #[test]
    fn a_jobs_args_are_read_when_shown_and_bad_ones_read_as_null() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        store
            .write(from_ms(500), |tx| {
                for args in [r#"{"name":"a","n":[1,2]}"#, "{not json"] {
                    insert_of(&tx.sql, "completed", 100, None);
                    tx.sql.execute(
                        "UPDATE jobs SET args = ?1 WHERE seq = last_insert_rowid()",
                        [args],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let order = JobOrder {
            by: OrderField::JobId,
            descending: false,
        };
        let (jobs, total) = store
            .read(|c| list(c, &filter(vec![], order, 0, 10), from_ms(500)))
            .unwrap();
        assert_eq!(total, 2);
        let args: Vec<Value> = jobs.iter().map(|j| j.args.value()).collect();
        assert_eq!(
            args,
            [serde_json::json!({"name": "a", "n": [1, 2]}), Value::Null]
        );
    }

    /// A page of the few discarded or pending jobs among many completed ones
    /// reads them along their state's index, not the list in its order; a
    /// page of the many completed walks the list, unless it asks for the
    /// fewer one-off jobs, and so does their last page; a page deep in the
    /// list of every job walks its narrow index.
    #[test]
    fn a_page_of_few_jobs_among_many_reads_their_state_index() {
        let (_dir, store) = a_history(|i| i % 10 == 0);
        let now = from_ms(500);
        let newest_due = JobOrder {
            by: OrderField::ScheduledAt,
            descending: true,
        };
        let plan = |f: JobFilter| {
            store
                .read(move |c| {
                    let q = PageQuery::new(c, &f, now)?;
                    Ok(crate::store::query_plan(c, &q.page().0, &q.args)?)
                })
                .unwrap()
        };
        let discarded = plan(filter(vec![JobState::Discarded], newest_due, 0, 100));
        assert!(discarded.contains("INDEX jobs_discarded"), "{discarded}");
        let scheduled = plan(filter(
            vec![JobState::Scheduled],
            JobOrder::default(),
            0,
            50,
        ));
        assert!(scheduled.contains("INDEX jobs_due"), "{scheduled}");
        let completed = plan(filter(vec![JobState::Completed], newest_due, 0, 100));
        assert!(!completed.contains("jobs_completed"), "{completed}");
        // The one-off jobs are the fewer: the jobs view's tabs read them.
        let one_off = plan(JobFilter {
            one_off: true,
            ..filter(vec![JobState::Completed], newest_due, 0, 100)
        });
        assert!(one_off.contains("INDEX jobs_one_off"), "{one_off}");
        // The last page of the many completed walks their index: gathering
        // them all would read and sort every row.
        let last = plan(filter(
            vec![JobState::Completed],
            JobOrder::default(),
            290,
            10,
        ));
        assert!(
            last.contains("SCAN jobs USING INDEX jobs_completed"),
            "{last}"
        );
        assert!(!last.contains("LIST SUBQUERY"), "{last}");
        assert!(!last.contains("TEMP B-TREE"), "{last}");
        // A page deep in the list of every job walks its own index (0021),
        // not the table's rows.
        let deep = plan(filter(vec![], JobOrder::default(), 100, 10));
        assert!(
            deep.contains("SCAN jobs USING COVERING INDEX jobs_seq"),
            "{deep}"
        );
    }

    /// Lists of many one-off jobs walk an index in their order (0022) that
    /// holds what they filter on, so a page deep in one reads no row to
    /// skip a job, and a page of one, which SQLite once gathered and sorted
    /// whole, reads one entry: the jobs view's tabs of settled jobs, by due
    /// time, walk jobs_past; its tab of every one-off job walks
    /// jobs_one_off; and every one-off job in the order made walks jobs_seq.
    /// A tab of pending jobs never asks for jobs_past, which does not hold
    /// them.
    #[test]
    fn lists_of_one_off_jobs_walk_an_index_in_their_order() {
        let (_dir, store) = a_history(|i| i % 10 != 0);
        let now = from_ms(500);
        let newest_due = JobOrder {
            by: OrderField::ScheduledAt,
            descending: true,
        };
        let plan_in = |states: Vec<JobState>, order: JobOrder, offset: i64, limit: i64| {
            let f = JobFilter {
                one_off: true,
                ..filter(states, order, offset, limit)
            };
            store
                .read(move |c| {
                    let q = PageQuery::new(c, &f, now)?;
                    Ok(crate::store::query_plan(c, &q.page().0, &q.args)?)
                })
                .unwrap()
        };
        let plan = |states, offset, limit| plan_in(states, newest_due, offset, limit);
        let settled = [
            vec![JobState::Completed],
            vec![
                JobState::Completed,
                JobState::Discarded,
                JobState::Cancelled,
            ],
        ];
        for states in settled {
            for (offset, limit) in [(0, 1), (0, 100), (100, 10)] {
                let page = plan(states.clone(), offset, limit);
                // Past the first page the subquery finds the page's jobs in
                // the index alone; a first page reads the rows it returns.
                let walk = match offset {
                    0 => "SCAN jobs USING INDEX jobs_past",
                    _ => "SCAN jobs USING COVERING INDEX jobs_past",
                };
                assert!(page.contains(walk), "{states:?} at {offset}: {page}");
                // Nothing is sorted but, past the first page, the page's own
                // rows once they are read.
                let sorts = page.matches("TEMP B-TREE").count();
                assert_eq!(
                    sorts,
                    usize::from(offset > 0),
                    "{states:?} at {offset}: {page}"
                );
            }
        }
        let upcoming = plan(vec![JobState::Scheduled, JobState::Retryable], 0, 100);
        assert!(!upcoming.contains("jobs_past"), "{upcoming}");
        for offset in [0, 100] {
            let every = plan(vec![], offset, 10);
            assert!(every.contains("SCAN jobs USING "), "{every}");
            assert!(every.contains("INDEX jobs_one_off"), "at {offset}: {every}");
            let sorts = every.matches("TEMP B-TREE").count();
            assert_eq!(sorts, usize::from(offset > 0), "at {offset}: {every}");
        }
        let made = plan_in(vec![], JobOrder::default(), 100, 10);
        assert!(
            made.contains("SCAN jobs USING COVERING INDEX jobs_seq"),
            "{made}"
        );
    }

    /// Every one-off job, counted either way: as every job less the
    /// schedules' runs where those are few, else along their own index.
    #[test]
    fn one_off_jobs_are_counted_either_way() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let counted = || {
            store
                .read(|c| {
                    let f = JobFilter {
                        one_off: true,
                        ..filter(vec![], JobOrder::default(), 0, 1)
                    };
                    let direct = count(c, "SELECT COUNT(*) FROM jobs WHERE schedule_id IS NULL")?;
                    let subtracted = one_off_total(c, &[], from_ms(0), count_all(c)?, 0)?.is_some();
                    Ok((list(c, &f, from_ms(0))?.1, direct, subtracted))
                })
                .unwrap()
        };
        let add = |state: &'static str, schedule: Option<&'static str>, n: i64| {
            store
                .write(from_ms(0), move |tx| {
                    for _ in 0..n {
                        insert_of(&tx.sql, state, 100, schedule);
                    }
                    Ok(())
                })
                .unwrap();
        };
        add("completed", None, 3);
        add("scheduled", Some("s1"), 2);
        assert_eq!(counted(), (3, 3, true));
        add("scheduled", Some("s2"), FEW);
        assert_eq!(counted(), (3, 3, false));
        // Each count reads its own index, by name (jobs_seq covers both).
        for (read, index) in [
            (SCHEDULE_RUNS, "COVERING INDEX jobs_schedule"),
            (ONE_OFF_JOBS, "INDEX jobs_one_off"),
        ] {
            let sql = count_up_to(read, 5);
            let plan = store
                .read(move |c| Ok(crate::store::query_plan(c, &sql, &[])?))
                .unwrap();
            assert!(plan.contains(index), "{plan}");
        }
    }

    /// The jobs view's tabs: one-off jobs in some states are counted as the
    /// jobs in those states less the schedules' runs among them, where the
    /// runs are no more than the page might be gathered from, else along
    /// the states' indexes; every combination of states agrees with the
    /// rows either way.
    #[test]
    fn one_off_jobs_in_some_states_are_counted_either_way() {
        let (_dir, store) = a_history(|i| i % 10 != 0);
        let now = from_ms(500);
        let ways = store
            .read(move |c| {
                let mut ways = Vec::new();
                for states in every_set_of_states().skip(1) {
                    // 39 of the 318 jobs are runs: more than a page of one
                    // might be gathered from (4), fewer than one at 150 (55).
                    for (offset, limit) in [(0, 1), (150, 3)] {
                        let f = JobFilter {
                            one_off: true,
                            ..filter(states.clone(), JobOrder::default(), offset, limit)
                        };
                        let (jobs, total) = list(c, &f, now)?;
                        if crate::store::total_from_page(offset, limit, jobs.len()).is_none() {
                            assert_eq!(total, expected_page(c, &f, now).1, "{f:?}");
                            let all = count_all(c)?;
                            let at_most = gathered_at_most(all, &f);
                            ways.push(one_off_total(c, &states, now, all, at_most)?.is_some());
                        }
                    }
                }
                Ok(ways)
            })
            .unwrap();
        assert!(ways.contains(&true) && ways.contains(&false), "{ways:?}");
        let plan = store
            .read(move |c| {
                let sql = count_runs_in(&[JobState::Completed, JobState::Scheduled], now);
                Ok(crate::store::query_plan(c, &sql, &[])?)
            })
            .unwrap();
        assert!(plan.contains("COVERING INDEX jobs_schedule"), "{plan}");
    }

    /// The jobs view's tab of finished one-off jobs counts them along their
    /// state's index, reading no job's row (0020).
    #[test]
    fn finished_one_off_jobs_are_counted_along_their_state_index() {
        let (_dir, store) = a_history(|i| i % 3 == 0);
        for state in [
            JobState::Completed,
            JobState::Discarded,
            JobState::Cancelled,
        ] {
            // A page too short to be gathered (`gathered_at_most`): the
            // count is the filter's own.
            let f = JobFilter {
                one_off: true,
                ..filter(vec![state], JobOrder::default(), 0, 3)
            };
            let plan = store
                .read(move |c| {
                    let q = PageQuery::new(c, &f, from_ms(500))?;
                    Ok(crate::store::query_plan(c, &q.count(), &q.args)?)
                })
                .unwrap();
            let index = format!("COVERING INDEX jobs_{}", state.as_str());
            assert!(plan.contains(&index), "{state:?}: {plan}");
        }
    }

    /// Every combination of states a page may ask for, its total counted
    /// along indexes against a count of the rows.
    fn assert_totals_match_the_rows(store: &crate::store::Store, now: DateTime<Utc>) {
        for states in every_set_of_states() {
            let (kept, counted) = store
                .read({
                    let states = states.clone();
                    move |c| {
                        let all = if states.is_empty() {
                            ALL_STATES.to_vec()
                        } else {
                            states.clone()
                        };
                        let counted: i64 = c.query_row(
                            &format!("SELECT COUNT(*) FROM jobs WHERE {}", any_state(&all, now)),
                            [],
                            |r| r.get(0),
                        )?;
                        Ok((total_by_state(c, &states, now, count_all(c)?)?, counted))
                    }
                })
                .unwrap();
            assert_eq!(kept, counted, "{states:?}");
        }
    }

    #[test]
    fn a_total_by_state_is_the_number_of_rows_through_changes_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chime.db");
        let now = from_ms(1_000);
        let store = crate::store::Store::open(&path).unwrap();
        store
            .write(now, |tx| {
                some_in_each_state(&tx.sql);
                Ok(())
            })
            .unwrap();
        assert_totals_match_the_rows(&store, now);
        store
            .write(now, |tx| {
                tx.sql.execute(
                    "UPDATE jobs SET state = 'completed' WHERE state = 'executing'",
                    [],
                )?;
                tx.sql.execute(
                    "UPDATE jobs SET state = 'scheduled' WHERE state = 'discarded'",
                    [],
                )?;
                tx.sql.execute(
                    "UPDATE jobs SET state = 'cancelled' WHERE state = 'cancelled'",
                    [],
                )?;
                tx.sql.execute("DELETE FROM jobs WHERE seq % 3 = 0", [])?;
                Ok(())
            })
            .unwrap();
        assert_totals_match_the_rows(&store, now);
        // Each count reads an index, never the table, capped or not.
        for state in ALL_STATES {
            for condition in conditions_by_state(&[state], now) {
                for sql in [
                    format!("SELECT COUNT(*) FROM jobs WHERE {condition}"),
                    count_up_to(&format!("jobs WHERE {condition}"), 5),
                ] {
                    let plan = store
                        .read(move |c| Ok(crate::store::query_plan(c, &sql, &[])?))
                        .unwrap();
                    assert!(plan.contains("INDEX jobs_"), "{state:?}: {plan}");
                }
            }
        }
    }

    /// Where the states a total leaves out are many, it counts the states
    /// asked for instead, past every step (many scheduled and completed
    /// jobs): every combination of states agrees with a count of the rows.
    #[test]
    fn a_total_by_state_is_right_when_the_states_left_out_are_many() {
        let dir = tempfile::tempdir().unwrap();
        let now = from_ms(1_000);
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        store
            .write(now, |tx| {
                for _ in 0..FEW + 3 {
                    insert_in(&tx.sql, "scheduled", 5_000);
                }
                for _ in 0..4_100 {
                    insert_in(&tx.sql, "completed", 500);
                }
                some_in_each_state(&tx.sql);
                Ok(())
            })
            .unwrap();
        assert_totals_match_the_rows(&store, now);
    }
}
