//! SQL for jobs.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{json_col, ms_opt};
use crate::draft::JobOptions;
use crate::error::Result;
use crate::job::{Job, JobState, OutcomeSummary};
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
        args: json_col(r.get(10)?)?,
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
    let id = uuid::Uuid::new_v4().to_string();
    // Instants are kept in milliseconds; the job holds them as stored.
    let (scheduled_at, planned_at, now) = (
        from_ms(to_ms(j.scheduled_at)),
        j.planned_at.map(|at| from_ms(to_ms(at))),
        from_ms(to_ms(now)),
    );
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
        serde_json::to_string(j.args)?,
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
        args: j.args.clone(),
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

/// A job by its uuid, or by booper's integer `job_id`.
/// A job by its uuid, its integer `job_id`, or a unique start of its uuid.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Job>> {
    let by_seq = id.parse::<i64>().ok();
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1 OR seq = ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    if let Some(job) = stmt.query_row(params![id, by_seq], from_row).optional()? {
        return Ok(Some(job));
    }
    match super::id_by_prefix(conn, "jobs", id, "job")? {
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
    /// Whether only states narrow the list, so its total can come from the
    /// kept counts.
    fn by_state_only(&self) -> bool {
        self.schedule_id.is_none() && !self.one_off && self.q.as_deref().is_none_or(str::is_empty)
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

/// Jobs that match `f`, as their states are at `now`, and how many match in all.
pub fn list(conn: &Connection, f: &JobFilter, now: DateTime<Utc>) -> Result<(Vec<Job>, i64)> {
    let mut clauses = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if !f.states.is_empty() {
        let any: Vec<String> = f.states.iter().map(|s| state_condition(*s, now)).collect();
        clauses.push(format!("({})", any.join(" OR ")));
    }
    if let Some(s) = &f.schedule_id {
        clauses.push("schedule_id = ?".into());
        args.push(s.clone().into());
    }
    if f.one_off {
        clauses.push("schedule_id IS NULL".into());
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
    let dir = if f.order.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs {filter} ORDER BY {} {dir} NULLS LAST, seq {dir} LIMIT {} OFFSET {}",
        f.order.by.column(), f.limit, f.offset
    );
    let jobs = conn
        .prepare(&sql)?
        .query_map(params_from_iter(args.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = match super::total_from_page(f.offset, f.limit, jobs.len()) {
        Some(total) => total,
        None if f.by_state_only() => total_by_state(conn, &f.states, now)?,
        None => conn.query_row(
            &format!("SELECT COUNT(*) FROM jobs {filter}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?,
    };
    Ok((jobs, total))
}

/// How many jobs are in `states` (all of them if empty) at `now`, each
/// state counted along its own partial index (jobs_completed, …, jobs_due):
/// a page's total without reading the table.
fn total_by_state(conn: &Connection, states: &[JobState], now: DateTime<Utc>) -> Result<i64> {
    let mut total = 0;
    for sql in counts_by_state(states, now) {
        total += conn.query_row(&sql, [], |r| r.get::<_, i64>(0))?;
    }
    Ok(total)
}

/// The counts that add up to [`total_by_state`].
fn counts_by_state(states: &[JobState], now: DateTime<Utc>) -> Vec<String> {
    let states = if states.is_empty() {
        &crate::job::ALL_STATES[..]
    } else {
        states
    };
    let (pending, settled): (Vec<JobState>, Vec<JobState>) =
        states.iter().partition(|s| s.is_pending());
    let mut counts: Vec<String> = settled
        .iter()
        .map(|s| {
            format!(
                "SELECT COUNT(*) FROM jobs WHERE {}",
                state_condition(*s, now)
            )
        })
        .collect();
    if !pending.is_empty() {
        // PENDING first, spelled as the index is, so the count reads jobs_due.
        let any: Vec<String> = pending.iter().map(|s| state_condition(*s, now)).collect();
        counts.push(format!(
            "SELECT COUNT(*) FROM jobs WHERE {PENDING} AND ({})",
            any.join(" OR ")
        ));
    }
    counts
}

/// Claims up to `limit` jobs due by `horizon` (at most a moment after `now`)
/// for dispatch: they become `executing` with their attempt counted, in one
/// statement. A job claimed ahead of its instant is attempted at that instant.
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
    let mut jobs = Vec::with_capacity(limit);
    let args = params![to_ms(now), to_ms(horizon), limit as i64];
    for job in conn
        .prepare_cached(&claim_sql())?
        .query_map(args, from_row)?
    {
        jobs.push(Arc::new(job?));
    }
    jobs.sort_by_key(|j| (j.scheduled_at, j.seq));
    Ok(jobs)
}

/// The claim's statement. Its limit is written `+?3`: SQLite reads a bare
/// `LIMIT ?3`'s value while it plans, and then prepares the statement again
/// each time that parameter is bound, so every claim of a burst was parsed
/// and planned anew (390 k instructions a claim, 11 % of a burst's writer
/// under callgrind). An expression's value is not read, and the plan is the
/// same (`finding_due_jobs_uses_the_due_index`).
fn claim_sql() -> String {
    format!(
        "UPDATE jobs SET state = 'executing', attempt = attempt + 1,
                         attempted_at = MAX(?1, scheduled_at), updated_at = ?1
         WHERE seq IN (SELECT seq FROM jobs WHERE {PENDING} AND scheduled_at <= ?2
                       ORDER BY scheduled_at, seq LIMIT +?3)
         RETURNING {COLUMNS}"
    )
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
    conn: &Connection,
    seq: i64,
    state: JobState,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = to_ms(now);
    let state_text = state.as_str();
    match (state, retry_at) {
        (JobState::Completed, _) => conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, completed_at = ?3, updated_at = ?3 WHERE seq = ?1",
            )?
            .execute(params![seq, state_text, now])?,
        (JobState::Discarded, _) => conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, discarded_at = ?3, updated_at = ?3 WHERE seq = ?1",
            )?
            .execute(params![seq, state_text, now])?,
        (JobState::Cancelled, _) => conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, cancelled_at = ?3, updated_at = ?3 WHERE seq = ?1",
            )?
            .execute(params![seq, state_text, now])?,
        (_, Some(at)) => conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, scheduled_at = ?3, updated_at = ?4 WHERE seq = ?1",
            )?
            .execute(params![seq, state_text, to_ms(at), now])?,
        (_, None) => conn
            .prepare_cached("UPDATE jobs SET state = ?2, updated_at = ?3 WHERE seq = ?1")?
            .execute(params![seq, state_text, now])?,
    };
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
    use crate::job::ALL_STATES;

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
        let claim = plan(claim_sql());
        assert!(claim.contains("USING INDEX jobs_due"), "{claim}");
        assert!(!claim.contains("TEMP B-TREE"), "a claim sorts: {claim}");
        let next = plan(format!(
            "SELECT MIN(scheduled_at) FROM jobs WHERE {PENDING}"
        ));
        assert!(
            next.contains("USING INDEX jobs_due") || next.contains("COVERING INDEX jobs_due"),
            "{next}"
        );
    }

    /// Claims of different sizes run the one statement prepared at the first:
    /// SQLite prepares a statement again when a parameter its plan read is
    /// bound, which a bare `LIMIT ?` is.
    #[test]
    fn each_claim_runs_the_statement_prepared_once() {
        let now = Utc::now();
        let again = crate::store::times_prepared_again(&claim_sql(), |c, limit| {
            claim_due(c, now, now, limit).unwrap();
        });
        assert_eq!(again, 0, "times the claim was prepared again");
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
        tx.execute(
            "INSERT INTO jobs (id, state, request, options, args, scheduled_at, inserted_at, updated_at)
             VALUES (lower(hex(randomblob(16))), ?1, '{}', '{}', '{}', ?2, 0, 0)",
            rusqlite::params![state, scheduled_at],
        )
        .unwrap();
    }

    /// Every combination of states a page may ask for, its total from the
    /// kept counts against a count of the rows.
    fn assert_totals_match_the_rows(store: &crate::store::Store, now: DateTime<Utc>) {
        for mask in 0u32..(1 << ALL_STATES.len()) {
            let states: Vec<JobState> = (0..ALL_STATES.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| ALL_STATES[i])
                .collect();
            let (kept, counted) = store
                .read({
                    let states = states.clone();
                    move |c| {
                        let all = if states.is_empty() {
                            ALL_STATES.to_vec()
                        } else {
                            states.clone()
                        };
                        let any: Vec<String> =
                            all.iter().map(|s| state_condition(*s, now)).collect();
                        let counted: i64 = c.query_row(
                            &format!("SELECT COUNT(*) FROM jobs WHERE {}", any.join(" OR ")),
                            [],
                            |r| r.get(0),
                        )?;
                        Ok((total_by_state(c, &states, now)?, counted))
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
                for (i, state) in ALL_STATES.iter().enumerate() {
                    for k in 0..=i as i64 {
                        // Pending ones both before and after `now`.
                        insert_in(&tx.sql, state.as_str(), 500 + 400 * k);
                    }
                }
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
        // Each count reads an index, never the table.
        for state in ALL_STATES {
            for sql in counts_by_state(&[state], now) {
                let plan = store
                    .read(move |c| {
                        Ok(c.query_row(&format!("EXPLAIN QUERY PLAN {sql}"), [], |r| {
                            r.get::<_, String>(3)
                        })?)
                    })
                    .unwrap();
                assert!(plan.contains("INDEX"), "{state:?}: {plan}");
            }
        }
    }
}
