//! SQL for the run ledger.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::Result;
use crate::run::{Action, Reason, Run, RunOutcome};
use crate::time::{from_ms, to_ms};

/// A ledger row to write.
pub struct NewRun<'a> {
    pub schedule_id: &'a str,
    pub planned_at: DateTime<Utc>,
    /// The last of a stretch of `count` missed runs.
    pub until: Option<DateTime<Utc>>,
    pub count: u32,
    /// The job made for it: `(seq, id)`.
    pub job: Option<(i64, &'a str)>,
    pub outcome: Option<RunOutcome>,
    pub reason: Option<Reason>,
    pub action: Option<Action>,
}

pub fn insert(conn: &Connection, r: &NewRun) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO runs (schedule_id, planned_at, until_at, count, job_seq, job_id, outcome, reason, action)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        r.schedule_id,
        to_ms(r.planned_at),
        r.until.map(to_ms),
        r.count,
        r.job.map(|j| j.0),
        r.job.map(|j| j.1),
        r.outcome.map(RunOutcome::as_str),
        r.reason.map(Reason::as_str),
        r.action.map(Action::as_str),
    ])?;
    Ok(())
}

/// The job's run began: when, and how late, with why when it was late.
pub fn started(
    conn: &Connection,
    job_seq: i64,
    at: DateTime<Utc>,
    late: Option<(Reason, Action)>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE runs SET started_at = ?2, drift_ms = ?2 - planned_at,
            reason = COALESCE(reason, ?3), action = COALESCE(action, ?4)
         WHERE job_seq = ?1 AND started_at IS NULL",
    )?
    .execute(params![
        job_seq,
        to_ms(at),
        late.map(|l| l.0.as_str()),
        late.map(|l| l.1.as_str()),
    ])?;
    Ok(())
}

/// The job's run did not go out as planned, and why: held by its limits.
pub fn held(conn: &Connection, job_seq: i64, reason: Reason, action: Action) -> Result<()> {
    conn.prepare_cached("UPDATE runs SET reason = ?2, action = ?3 WHERE job_seq = ?1")?
        .execute(params![job_seq, reason.as_str(), action.as_str()])?;
    Ok(())
}

/// Why the job's run was held, if it was.
pub fn reason_of(conn: &Connection, job_seq: i64) -> Result<Option<Reason>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT reason FROM runs WHERE job_seq = ?1")?
        .query_row([job_seq], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(text.as_deref().and_then(Reason::parse))
}

/// The job's run is over (or will never go out), and how.
pub fn ended(
    conn: &Connection,
    job_seq: i64,
    outcome: RunOutcome,
    duration_ms: Option<i64>,
    skipped: Option<Reason>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE runs SET outcome = ?2, duration_ms = COALESCE(?3, duration_ms),
            reason = COALESCE(?4, reason),
            action = CASE WHEN ?4 IS NULL THEN action ELSE 'skipped' END
         WHERE job_seq = ?1",
    )?
    .execute(params![
        job_seq,
        outcome.as_str(),
        duration_ms,
        skipped.map(Reason::as_str),
    ])?;
    Ok(())
}

fn from_row(r: &Row) -> rusqlite::Result<Run> {
    let text = |i: usize| r.get::<_, Option<String>>(i);
    Ok(Run {
        planned_at: from_ms(r.get(0)?),
        until: r.get::<_, Option<i64>>(1)?.map(from_ms),
        count: r.get(2)?,
        job_id: r.get(3)?,
        started_at: r.get::<_, Option<i64>>(4)?.map(from_ms),
        drift_ms: r.get(5)?,
        duration_ms: r.get(6)?,
        outcome: text(7)?.as_deref().and_then(RunOutcome::parse),
        reason: text(8)?.as_deref().and_then(Reason::parse),
        action: text(9)?.as_deref().and_then(Action::parse),
    })
}

/// The query of [`list`]. Its limit is written `+?4`: SQLite plans with a
/// bare `LIMIT ?`'s value, so binding one would prepare the statement again
/// at every read (as it did the claim's, jobs.rs).
const LIST: &str = "SELECT planned_at, until_at, count, job_id, started_at, drift_ms, duration_ms, outcome, reason, action
     FROM runs WHERE schedule_id = ?1 AND planned_at < ?3 AND COALESCE(until_at, planned_at) >= ?2
     ORDER BY planned_at, id LIMIT +?4";

/// A schedule's ledger rows planned in `from..to` (a stretch counts where
/// it overlaps), oldest first, at most `limit`.
pub fn list(
    conn: &Connection,
    schedule_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Run>> {
    let mut stmt = conn.prepare_cached(LIST)?;
    let rows = stmt
        .query_map(
            params![schedule_id, to_ms(from), to_ms(to), limit],
            from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every read of a schedule's runs uses the statement prepared at the first.
    #[test]
    fn each_read_runs_the_statement_prepared_once() {
        let now = Utc::now();
        let again = crate::store::times_prepared_again(LIST, |c, limit| {
            list(c, "sch_1", now, now, limit as i64).unwrap();
        });
        assert_eq!(again, 0, "times the runs' statement was prepared again");
    }
}
