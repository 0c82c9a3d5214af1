//! SQL for attempts. Their request and response bodies live in the events.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::Tx;
use crate::attempt::Outcome;
use crate::error::Result;
use crate::time::{from_ms, to_ms};

pub struct AttemptWrite<'a> {
    pub job_seq: i64,
    pub attempt: u32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub retry_at: Option<DateTime<Utc>>,
}

/// An attempt's row, by the transaction that records its end.
pub fn insert(tx: &mut Tx, a: &AttemptWrite) -> Result<()> {
    tx.held(
        "INSERT OR REPLACE INTO attempts
            (job_seq, attempt, started_at, finished_at, duration_ms, outcome, status, error, retry_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        a.job_seq,
        a.attempt,
        to_ms(a.started_at),
        to_ms(a.finished_at),
        (a.finished_at - a.started_at).num_milliseconds(),
        a.outcome.as_str(),
        a.status,
        a.error,
        a.retry_at.map(to_ms),
    ])?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub attempt: u32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub retry_at: Option<DateTime<Utc>>,
}

pub fn of_job(conn: &Connection, job_seq: i64) -> Result<Vec<AttemptRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT attempt, started_at, finished_at, duration_ms, outcome, status, error, retry_at
         FROM attempts WHERE job_seq = ?1 ORDER BY attempt",
    )?;
    let rows = stmt.query_map([job_seq], |r| {
        let outcome: String = r.get(4)?;
        Ok(AttemptRow {
            attempt: r.get(0)?,
            started_at: from_ms(r.get(1)?),
            finished_at: from_ms(r.get(2)?),
            duration_ms: r.get(3)?,
            outcome: Outcome::parse(&outcome),
            status: r.get(5)?,
            error: r.get(6)?,
            retry_at: r.get::<_, Option<i64>>(7)?.map(from_ms),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
