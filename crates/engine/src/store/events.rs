//! SQL for the event log.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, Statement};

use crate::error::Result;
use crate::event::{Event, EventKind, Payload};
use crate::time::{from_ms, to_ms};

#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The job's `seq` and uuid.
    pub job: Option<(i64, String)>,
    pub schedule_id: Option<String>,
    pub attempt: Option<u32>,
    pub payload: Payload,
}

const COLUMNS: &str = "id, kind, at, job_id, schedule_id, attempt, payload";

fn from_row(r: &Row) -> rusqlite::Result<Event> {
    let kind: String = r.get(1)?;
    let content: String = r.get(6)?;
    let unreadable = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, e)
    };
    let kind = EventKind::parse(&kind)
        .ok_or_else(|| unreadable(format!("unknown event kind {kind}").into()))?;
    Ok(Event {
        id: r.get(0)?,
        inserted_at: from_ms(r.get(2)?),
        job_id: r.get(3)?,
        schedule_id: r.get(4)?,
        attempt: r.get(5)?,
        body: Payload::read(kind, &content).map_err(|e| unreadable(Box::new(e)))?,
    })
}

/// An event's row ([`insert`]'s statement, which a transaction holds).
pub(crate) const INSERT: &str =
    "INSERT INTO events (kind, at, job_seq, job_id, schedule_id, attempt, payload)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// Stores `e` with `insert`, the statement [`INSERT`] prepared.
pub fn insert(insert: &mut Statement, now: DateTime<Utc>, e: NewEvent) -> Result<Event> {
    let id = insert.insert(params![
        e.payload.kind().as_str(),
        to_ms(now),
        e.job.as_ref().map(|j| j.0),
        e.job.as_ref().map(|j| j.1.as_str()),
        e.schedule_id,
        e.attempt,
        e.payload.content()?,
    ])?;
    Ok(Event {
        id,
        inserted_at: from_ms(to_ms(now)),
        job_id: e.job.map(|j| j.1),
        schedule_id: e.schedule_id,
        attempt: e.attempt,
        body: e.payload,
    })
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub job_id: Option<String>,
    pub schedule_id: Option<String>,
    pub kinds: Vec<EventKind>,
    /// Only events with an id greater than this.
    pub after: Option<i64>,
    /// Only events with an id smaller than this (for paging back in history).
    pub before: Option<i64>,
    pub limit: i64,
    /// Oldest first (for streams and resumes) or newest first (for history).
    pub ascending: bool,
}

pub fn list(conn: &Connection, f: &EventFilter) -> Result<Vec<Event>> {
    // Several kinds: a page of each, read along the kind index in id order,
    // then merged; `kind IN (…)` would sort every match to find a page.
    if f.kinds.len() > 1 {
        let mut events = Vec::new();
        for kind in &f.kinds {
            let one = EventFilter {
                kinds: vec![*kind],
                ..f.clone()
            };
            events.extend(list(conn, &one)?);
        }
        events.sort_by_key(|e| e.id);
        events.dedup_by_key(|e| e.id); // a kind asked for twice
        if !f.ascending {
            events.reverse();
        }
        events.truncate(usize::try_from(f.limit).unwrap_or(0));
        return Ok(events);
    }
    let (sql, args) = list_sql(f);
    Ok(conn
        .prepare(&sql)?
        .query_map(params_from_iter(args.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The kinds logged for every job (`job.created`) and every attempt, left
/// out of the kind index (0019): a page of one of them is found reading back
/// from the newest event, as every job has them.
const ALWAYS_LOGGED: [EventKind; 4] = [
    EventKind::Created,
    EventKind::Started,
    EventKind::Request,
    EventKind::Finished,
];

/// The kind index's condition, spelled as 0019 spells it: SQLite uses a
/// partial index only for a query that holds its terms word for word.
const INDEXED_KIND: &str = "kind <> 'job.created' AND kind <> 'job.started' \
     AND kind <> 'job.request' AND kind <> 'job.finished'";

/// The query for a page of events of at most one kind, and its arguments.
fn list_sql(f: &EventFilter) -> (String, Vec<rusqlite::types::Value>) {
    let mut clauses = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(j) = &f.job_id {
        // By the job's seq: its index grows at one end, so a burst's inserts stay cheap.
        clauses.push("job_seq = (SELECT seq FROM jobs WHERE id = ? OR seq = ?)".to_string());
        args.push(j.clone().into());
        args.push(j.parse::<i64>().ok().into());
    }
    if let Some(s) = &f.schedule_id {
        clauses.push("schedule_id = ?".to_string());
        args.push(s.clone().into());
    }
    if let Some(kind) = f.kinds.first() {
        let by_owner = f.job_id.is_some() || f.schedule_id.is_some();
        clauses.push(kind_clause(*kind, by_owner));
        args.push(kind.as_str().to_string().into());
    }
    if let Some(a) = f.after {
        clauses.push("id > ?".to_string());
        args.push(a.into());
    }
    if let Some(b) = f.before {
        clauses.push("id < ?".to_string());
        args.push(b.into());
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let dir = if f.ascending { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT {COLUMNS} FROM events {filter} ORDER BY id {dir} LIMIT {}",
        f.limit
    );
    (sql, args)
}

/// The condition on an event's kind. A job's or a schedule's own events are
/// few: they are read by their owner's index, not through every event of a
/// common kind (`+` keeps SQLite off the kind index). Otherwise a kind always
/// logged is read back along the log, and any other along the kind index,
/// whose condition the clause repeats.
fn kind_clause(kind: EventKind, by_owner: bool) -> String {
    if by_owner {
        "+kind = ?".to_string()
    } else if ALWAYS_LOGGED.contains(&kind) {
        "kind = ?".to_string()
    } else {
        format!("kind = ? AND {INDEXED_KIND}")
    }
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// Events of one job (by its seq), oldest first.
pub fn of_job(conn: &Connection, job_seq: i64, kinds: &[EventKind]) -> Result<Vec<Event>> {
    let marks = vec!["?"; kinds.len()].join(", ");
    let sql =
        format!("SELECT {COLUMNS} FROM events WHERE job_seq = ? AND kind IN ({marks}) ORDER BY id");
    let mut args: Vec<rusqlite::types::Value> = vec![job_seq.into()];
    args.extend(kinds.iter().map(|k| k.as_str().to_string().into()));
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The newest response a schedule's other jobs got: the previous run's, for
/// change detection. Walks the schedule's events from the newest.
pub fn last_response_of_schedule(
    conn: &Connection,
    schedule_id: &str,
    except_job_seq: i64,
) -> Result<Option<Event>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events
         WHERE schedule_id = ?1 AND kind = ?2 AND job_seq IS NOT ?3
         ORDER BY id DESC LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            params![schedule_id, EventKind::Response.as_str(), except_job_seq],
            from_row,
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Started, Updated, Waiting, ALL_KINDS};
    use crate::store::Store;

    fn waiting() -> Payload {
        Payload::Waiting(Waiting {
            reason: "network".into(),
            host: "example.com:443".into(),
            up_to_ms: 1,
        })
    }

    fn started() -> Payload {
        Payload::Started(Started {
            attempt: 1,
            scheduled_at: Utc::now(),
            late_ms: 0,
            catch_up: None,
        })
    }

    fn updated() -> Payload {
        Payload::Updated(Updated {
            changed: vec!["name".into()],
            scheduled_at: Utc::now(),
            reason: None,
        })
    }

    /// Events of several kinds come as one page in id order, each kind read
    /// along its own index: newest first, oldest first, and from an id on.
    #[test]
    fn a_page_of_several_kinds_is_in_id_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        // Ids 1..=12: waiting, updated, started, waiting, … (`job.started`
        // is a kind the kind index leaves out).
        for i in 0..12 {
            let payload = [waiting(), updated(), started()][i % 3].clone();
            store
                .write(Utc::now(), move |tx| {
                    tx.emit(NewEvent {
                        job: None,
                        schedule_id: None,
                        attempt: None,
                        payload,
                    })
                })
                .unwrap();
        }
        let ids = |f: EventFilter| -> Vec<i64> {
            let page = store.read(|c| list(c, &f)).unwrap();
            page.iter().map(|e| e.id).collect()
        };
        let both = || EventFilter {
            kinds: vec![EventKind::Updated, EventKind::Waiting, EventKind::Updated],
            limit: 4,
            ..EventFilter::default()
        };
        assert_eq!(ids(both()), [11, 10, 8, 7]);
        assert_eq!(
            ids(EventFilter {
                ascending: true,
                after: Some(3),
                ..both()
            }),
            [4, 5, 7, 8]
        );
        let one = EventFilter {
            kinds: vec![EventKind::Updated],
            before: Some(8),
            limit: 2,
            ..EventFilter::default()
        };
        assert_eq!(ids(one), [5, 2]);
        let every_attempt = || EventFilter {
            kinds: vec![EventKind::Started],
            limit: 3,
            ..EventFilter::default()
        };
        assert_eq!(ids(every_attempt()), [12, 9, 6]);
        assert_eq!(
            ids(EventFilter {
                before: Some(9),
                ..every_attempt()
            }),
            [6, 3]
        );
        assert_eq!(
            ids(EventFilter {
                kinds: vec![EventKind::Started, EventKind::Waiting],
                ascending: true,
                after: Some(4),
                ..every_attempt()
            }),
            [6, 7, 9]
        );
    }

    /// A page of one kind is read along the kind index, or for a kind always
    /// logged (which 0019 leaves out of it) back along the log, and never
    /// sorted: the query's condition is the index's, word for word.
    #[test]
    fn a_page_of_one_kind_is_read_in_id_order_without_sorting() {
        let spelled = ALWAYS_LOGGED.map(|k| format!("kind <> '{}'", k.as_str()));
        assert_eq!(INDEXED_KIND, spelled.join(" AND "));
        let migration = include_str!("migrations/0019_events_kind_rare.sql");
        assert!(migration.contains(INDEXED_KIND), "{migration}");
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        for kind in ALL_KINDS {
            for ascending in [false, true] {
                let f = EventFilter {
                    kinds: vec![kind],
                    after: ascending.then_some(1),
                    limit: 50,
                    ascending,
                    ..EventFilter::default()
                };
                let (sql, args) = list_sql(&f);
                let plan = store
                    .read(move |c| Ok(crate::store::query_plan(c, &sql, &args)?))
                    .unwrap();
                let indexed = !ALWAYS_LOGGED.contains(&kind);
                assert_eq!(plan.contains("events_kind"), indexed, "{kind:?}: {plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{kind:?} sorts: {plan}");
            }
        }
    }
}
