//! SQL for the webhook and callback outbox.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::time::{from_ms, to_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Webhook,
    Callback,
}

impl DeliveryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Webhook => "webhook",
            DeliveryKind::Callback => "callback",
        }
    }
}

pub struct NewDelivery<'a> {
    pub kind: DeliveryKind,
    pub url: &'a str,
    pub event_id: Option<i64>,
    pub job_seq: Option<i64>,
    pub body: String,
    pub expires_at: DateTime<Utc>,
}

pub fn insert(conn: &Connection, d: &NewDelivery, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO deliveries (kind, url, message_id, event_id, job_seq, body, next_at, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
    )?
    .execute(params![
        d.kind.as_str(),
        d.url,
        format!("msg_{}", uuid::Uuid::new_v4().simple()),
        d.event_id,
        d.job_seq,
        d.body,
        to_ms(now),
        to_ms(d.expires_at),
    ])?;
    Ok(())
}

/// A delivery to send.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub message_id: String,
    pub body: String,
    pub tries: u32,
    pub next_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The query of [`heads`]. Its limit is written `+?1`: SQLite plans with a
/// bare `LIMIT ?`'s value, so binding one would prepare the statement again
/// at every round (as it did the claim's, jobs.rs).
const HEADS: &str = "SELECT d.id, d.url, d.message_id, d.body, d.tries, d.next_at, d.expires_at
     FROM (SELECT MIN(id) AS id FROM deliveries
           WHERE delivered_at IS NULL AND failed_at IS NULL GROUP BY url) h
     JOIN deliveries d ON d.id = h.id
     ORDER BY d.next_at LIMIT +?1";

/// The oldest pending delivery of each URL (later ones wait their turn, so
/// a receiver gets its events in order), whether due or not.
pub fn heads(conn: &Connection, limit: usize) -> Result<Vec<Delivery>> {
    let mut stmt = conn.prepare_cached(HEADS)?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(Delivery {
            id: r.get(0)?,
            url: r.get(1)?,
            message_id: r.get(2)?,
            body: r.get(3)?,
            tries: r.get(4)?,
            next_at: from_ms(r.get(5)?),
            expires_at: from_ms(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a try came to.
pub enum TryResult {
    Delivered {
        status: u16,
    },
    /// Try again at `next_at`.
    Retry {
        next_at: DateTime<Utc>,
        status: Option<u16>,
        error: String,
    },
    /// Expired: no more tries.
    Failed {
        status: Option<u16>,
        error: String,
    },
}

pub fn record_try(
    conn: &Connection,
    id: i64,
    result: &TryResult,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = to_ms(now);
    let mut stmt = conn.prepare_cached(
        "UPDATE deliveries SET tries = tries + 1, last_status = ?2, last_error = ?3,
            next_at = COALESCE(?4, next_at), delivered_at = ?5, failed_at = ?6
         WHERE id = ?1",
    )?;
    match result {
        TryResult::Delivered { status } => stmt.execute(params![
            id,
            status,
            None::<String>,
            None::<i64>,
            now,
            None::<i64>
        ])?,
        TryResult::Retry {
            next_at,
            status,
            error,
        } => stmt.execute(params![
            id,
            status,
            error,
            to_ms(*next_at),
            None::<i64>,
            None::<i64>
        ])?,
        TryResult::Failed { status, error } => {
            stmt.execute(params![id, status, error, None::<i64>, None::<i64>, now])?
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every round reads the heads with the statement prepared at the first.
    #[test]
    fn each_round_runs_the_statement_prepared_once() {
        let again = crate::store::times_prepared_again(HEADS, |c, limit| {
            heads(c, limit).unwrap();
        });
        assert_eq!(again, 0, "times the heads' statement was prepared again");
    }
}
