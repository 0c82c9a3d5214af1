//! Retention: events, attempts, delivered webhooks and finished jobs older
//! than the `retention_days` setting are pruned in the background, in small
//! batches so the writer is never held for long. Ids grow with time, so the
//! oldest rows are found by walking primary keys from the start.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params_from_iter, Connection};

use std::sync::Arc;

use crate::core::Core;
use crate::error::Result;
use crate::time::to_ms;

/// Rows deleted per transaction.
const BATCH: i64 = 500;
/// A pause between batches, so jobs and the API get the writer in between.
const PAUSE: StdDuration = StdDuration::from_millis(20);
const EVERY: StdDuration = StdDuration::from_secs(3600);
/// The first pass waits a little after start, out of the start-up's way.
const FIRST_PASS: StdDuration = StdDuration::from_secs(60);

/// How many of each a pass removed (events, not rows: a row may hold three, 0023).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub events: usize,
    pub attempts: usize,
    pub deliveries: usize,
    pub runs: usize,
    pub jobs: usize,
}

/// What is pruned: a table, its key, when each row was written (which grows
/// with the key, so the walk can stop at the first young row), and which old
/// rows may go.
struct Prunable {
    table: &'static str,
    key: &'static str,
    written: &'static str,
    /// An SQL condition, with the cutoff as ?3, for a row that may be deleted.
    deletable: &'static str,
    /// How many of what is counted a row holds, in SQL.
    holds: &'static str,
}

/// The newest event always stays, however old: an event's id is one more
/// than the largest in the table (0018), so a log pruned empty would give
/// its ids again, and a client resuming from one would miss what followed.
const EVENTS: Prunable = Prunable {
    table: "events",
    key: "id",
    written: "at",
    deletable: "id < (SELECT max(id) FROM events)",
    // A row of an attempt's end holds its job.finished, and may hold its
    // job.request (0023).
    holds: "1 + (request IS NOT NULL) + (finished IS NOT NULL)",
};
const ATTEMPTS: Prunable = Prunable {
    table: "attempts",
    key: "id",
    written: "finished_at",
    deletable: "1",
    holds: "1",
};
const DELIVERIES: Prunable = Prunable {
    table: "deliveries",
    key: "id",
    written: "created_at",
    deletable: "delivered_at IS NOT NULL OR failed_at IS NOT NULL",
    holds: "1",
};
/// The ledger's rows of runs that are over (a pending one stays).
const RUNS: Prunable = Prunable {
    table: "runs",
    key: "id",
    written: "planned_at",
    deletable: "outcome IS NOT NULL",
    holds: "1",
};
/// Finished jobs, once they have been left alone for the whole period;
/// a pending job stays however old it is.
const JOBS: Prunable = Prunable {
    table: "jobs",
    key: "seq",
    written: "inserted_at",
    deletable: "state IN ('completed', 'discarded', 'cancelled') AND updated_at < ?3",
    holds: "1",
};

pub(crate) async fn run(core: Arc<Core>) {
    let stop = core.stop.clone();
    let mut wait = FIRST_PASS;
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(wait) => {}
        }
        match prune(&core).await {
            Ok(p) if p != Pruned::default() => tracing::info!(?p, "pruned old rows"),
            Ok(_) => {}
            Err(e) => tracing::error!("pruning failed: {e}"),
        }
        wait = EVERY;
    }
}

/// Removes what is older than the retention period, batch by batch.
pub(crate) async fn prune(core: &Core) -> Result<Pruned> {
    let cutoff = core.now() - Duration::days(i64::from(core.settings().retention_days));
    Ok(Pruned {
        events: prune_table(core, &EVENTS, cutoff).await?,
        attempts: prune_table(core, &ATTEMPTS, cutoff).await?,
        deliveries: prune_table(core, &DELIVERIES, cutoff).await?,
        runs: prune_table(core, &RUNS, cutoff).await?,
        jobs: prune_table(core, &JOBS, cutoff).await?,
    })
}

async fn prune_table(core: &Core, what: &'static Prunable, cutoff: DateTime<Utc>) -> Result<usize> {
    let mut total = 0;
    let mut after = i64::MIN;
    loop {
        let (deleted, last_seen, more) = core
            .write(move |tx| prune_batch(&tx.sql, what, cutoff, after))
            .await?;
        total += deleted;
        if !more {
            return Ok(total);
        }
        after = last_seen;
        tokio::time::sleep(PAUSE).await;
    }
}

/// The next rows of `what` after ?1, at most ?2. The limit is written `+?2`:
/// SQLite reads a bare `LIMIT ?2`'s value while it plans, and so prepared
/// the statement again at every batch (as the claim's did, store::jobs).
fn select_sql(what: &Prunable) -> String {
    let Prunable {
        table,
        key,
        written,
        deletable,
        holds,
    } = what;
    format!(
        "SELECT {key}, {written}, {deletable}, {holds} FROM {table} WHERE {key} > ?1 ORDER BY {key} LIMIT +?2"
    )
}

/// Looks at the next BATCH rows after `after`, oldest first, and deletes the
/// old ones among them. Answers (how many they held, the last key looked at,
/// whether older rows may follow).
fn prune_batch(
    c: &Connection,
    what: &Prunable,
    cutoff: DateTime<Utc>,
    after: i64,
) -> Result<(usize, i64, bool)> {
    let Prunable { table, key, .. } = what;
    let cutoff = to_ms(cutoff);
    let mut select = c.prepare_cached(&select_sql(what))?;
    // Only some conditions use the cutoff (?3).
    let args = [after, BATCH, cutoff];
    let args = &args[..select.parameter_count()];
    let rows: Vec<(i64, i64, bool, usize)> = select
        .query_map(params_from_iter(args), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Rows are in the order they were written: the first young one ends the pass.
    let old: Vec<(i64, usize)> = rows
        .iter()
        .take_while(|(_, at, _, _)| *at < cutoff)
        .filter(|(_, _, deletable, _)| *deletable)
        .map(|(k, _, _, holds)| (*k, *holds))
        .collect();
    let reached_young = rows.iter().any(|(_, at, _, _)| *at >= cutoff);
    let last_seen = rows.last().map_or(after, |(k, _, _, _)| *k);
    let mut delete = c.prepare_cached(&format!("DELETE FROM {table} WHERE {key} = ?1"))?;
    for (k, _) in &old {
        delete.execute([k])?;
    }
    let more = !reached_young && rows.len() as i64 == BATCH;
    Ok((old.iter().map(|(_, n)| n).sum(), last_seen, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each batch runs the statement prepared once, whatever the table.
    #[test]
    fn each_batch_runs_the_statement_prepared_once() {
        for what in [&EVENTS, &ATTEMPTS, &DELIVERIES, &RUNS, &JOBS] {
            let again = crate::store::times_prepared_again(&select_sql(what), |c, _| {
                prune_batch(c, what, Utc::now(), 0).unwrap();
            });
            assert_eq!(again, 0, "{}: times prepared again", what.table);
        }
    }
}
