//! SQL for the event log.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection, Row, Statement};

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

const COLUMNS: &str = "id, kind, at, job_id, schedule_id, attempt, payload, request, finished";

/// The events a row holds, oldest first: its own, and when it holds an
/// attempt's end (0023), the `job.request` before it and the `job.finished`
/// after it.
type Held = [Option<Event>; END_HOLDS];

fn from_row(r: &Row) -> rusqlite::Result<Held> {
    let unreadable = |column, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e)
    };
    let kind: String = r.get(1)?;
    let kind = EventKind::parse(&kind)
        .ok_or_else(|| unreadable(1, format!("unknown event kind {kind}").into()))?;
    let read = |kind, column| -> rusqlite::Result<Option<Payload>> {
        let Some(content) = r.get_ref(column)?.as_str_or_null()? else {
            return Ok(None);
        };
        Payload::read(kind, content)
            .map(Some)
            .map_err(|e| unreadable(column, Box::new(e)))
    };
    let request = read(EventKind::Request, 7)?;
    let finished = read(EventKind::Finished, 8)?;
    let Some(body) = read(kind, 6)? else {
        return Err(unreadable(6, "an event without a payload".into()));
    };
    // The row's id is its last event's.
    let id: i64 = r.get(0)?;
    let own = Event {
        id: id - i64::from(finished.is_some()),
        inserted_at: from_ms(r.get(2)?),
        job_id: r.get(3)?,
        schedule_id: r.get(4)?,
        attempt: r.get(5)?,
        body,
    };
    let request = request.map(|body| alongside(&own, own.id - 1, body));
    let finished = finished.map(|body| alongside(&own, id, body));
    Ok([request, Some(own), finished])
}

/// The events of `rows` that `keep` keeps, at most `limit`, in the rows'
/// order (newest first: each row's events reversed too).
fn events_of(
    rows: impl Iterator<Item = rusqlite::Result<Held>>,
    newest_first: bool,
    keep: impl Fn(&Event) -> bool,
    limit: usize,
) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for row in rows {
        let mut held = row?;
        if newest_first {
            held.reverse();
        }
        events.extend(held.into_iter().flatten().filter(|e| keep(e)));
        if events.len() >= limit {
            events.truncate(limit);
            break;
        }
    }
    Ok(events)
}

/// A row of the log ([`insert`]'s and [`insert_end`]'s statement, which a
/// transaction holds). An event's id, NULL, is one more than the largest;
/// an attempt's end gives its own (0023).
pub(crate) const INSERT: &str = "INSERT INTO events
     (id, kind, at, job_seq, job_id, schedule_id, attempt, payload, request, finished)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// Stores `e` with `insert`, the statement [`INSERT`] prepared.
pub fn insert(insert: &mut Statement, now: DateTime<Utc>, e: NewEvent) -> Result<Event> {
    let id = write_row(insert, None, now, &e, None, None)?;
    Ok(stored(id, now, e))
}

/// Writes a row of `e`, with the payloads of an attempt's request and
/// finish beside it when it is an end's; answers its id.
fn write_row(
    insert: &mut Statement,
    id: Option<i64>,
    now: DateTime<Utc>,
    e: &NewEvent,
    request: Option<String>,
    finished: Option<String>,
) -> Result<i64> {
    Ok(insert.insert(params![
        id,
        e.payload.kind().as_str(),
        to_ms(now),
        e.job.as_ref().map(|j| j.0),
        e.job.as_ref().map(|j| j.1.as_str()),
        e.schedule_id,
        e.attempt,
        e.payload.content()?,
        request,
        finished,
    ])?)
}

/// What an attempt's end logs, which one row holds (0023): the request
/// sent (when it is logged with the end), the response or error, and the
/// `job.finished`, in that order.
#[derive(Debug, Clone)]
pub struct End<T> {
    pub request: Option<T>,
    pub ending: T,
    pub finished: T,
}

impl<T> End<T> {
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> End<U> {
        End {
            request: self.request.map(&mut f),
            ending: f(self.ending),
            finished: f(self.finished),
        }
    }

    /// The events in their order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.request.iter().chain([&self.ending, &self.finished])
    }
}

/// Stores an attempt's end in one row with `insert`, the statement
/// [`INSERT`] prepared: `e` is its response or error, with the request
/// and the finish's payloads beside it. `last` is the largest id in the log;
/// the events take the ids after it.
pub fn insert_end(
    insert: &mut Statement,
    last: i64,
    now: DateTime<Utc>,
    e: NewEvent,
    request: Option<Payload>,
    finished: Payload,
) -> Result<End<Event>> {
    debug_assert_eq!(finished.kind(), EventKind::Finished);
    let id = last + 2 + i64::from(request.is_some());
    let beside = request.as_ref().map(Payload::content).transpose()?;
    write_row(insert, Some(id), now, &e, beside, Some(finished.content()?))?;
    let ending = stored(id - 1, now, e);
    Ok(End {
        request: request.map(|body| alongside(&ending, id - 2, body)),
        finished: alongside(&ending, id, finished),
        ending,
    })
}

/// The largest id in the log (0 when it is empty).
pub fn last_id(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM events")?
        .query_row([], |r| r.get(0))?)
}

/// Another event a row of an attempt's end holds beside `own` (0023), of
/// the same job, attempt and time.
fn alongside(own: &Event, id: i64, body: Payload) -> Event {
    Event {
        id,
        inserted_at: own.inserted_at,
        job_id: own.job_id.clone(),
        schedule_id: own.schedule_id.clone(),
        attempt: own.attempt,
        body,
    }
}

fn stored(id: i64, now: DateTime<Utc>, e: NewEvent) -> Event {
    Event {
        id,
        inserted_at: from_ms(to_ms(now)),
        job_id: e.job.map(|j| j.1),
        schedule_id: e.schedule_id,
        attempt: e.attempt,
        body: e.payload,
    }
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
    let mut query = conn.prepare(&sql)?;
    let rows = query.query_map(params_from_iter(args.iter()), from_row)?;
    let limit = usize::try_from(f.limit).unwrap_or(0);
    events_of(rows, !f.ascending, |e| f.admits(e), limit)
}

impl EventFilter {
    /// Whether an event of a row the query found is on the page: a row
    /// that holds an attempt's end (0023) may hold an event of another kind,
    /// or one just past an edge.
    fn admits(&self, e: &Event) -> bool {
        self.kinds.first().is_none_or(|k| e.kind() == *k)
            && self.after.is_none_or(|a| e.id > a)
            && self.before.is_none_or(|b| e.id < b)
    }
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
        clauses.push(format!(
            "job_seq = (SELECT seq FROM jobs WHERE {} OR seq = ?)",
            super::jobs::with_id("?")
        ));
        // The id twice, as `with_id` names it twice: its key's part, and whole.
        args.push(j.clone().into());
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
    // A row's id is its last event's (0023): every row with an event past
    // `after` has a larger id, and a row of an attempt's end with an event
    // before `before` may have an id up to two past it.
    if let Some(a) = f.after {
        clauses.push("id > ?".to_string());
        args.push(a.into());
    }
    if let Some(b) = f.before {
        clauses.push("id < ?".to_string());
        args.push(b.saturating_add(END_HOLDS as i64 - 1).into());
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let dir = if f.ascending { "ASC" } else { "DESC" };
    // At the edge a page starts from, two rows of attempts' ends may hold
    // no event of it (see `admits`); every other row holds one at least.
    let sql = format!(
        "SELECT {COLUMNS} FROM events {filter} ORDER BY id {dir} LIMIT {}",
        f.limit.saturating_add(2)
    );
    (sql, args)
}

/// The condition on an event's kind. A job's or a schedule's own events are
/// few: they are read by their owner's index, not through every event of a
/// common kind (`+` keeps SQLite off the kind index). Otherwise a kind always
/// logged is read back along the log, and any other along the kind index,
/// whose condition the clause repeats.
fn kind_clause(kind: EventKind, by_owner: bool) -> String {
    let clause = if by_owner {
        "+kind = ?".to_string()
    } else if ALWAYS_LOGGED.contains(&kind) {
        "kind = ?".to_string()
    } else {
        format!("kind = ? AND {INDEXED_KIND}")
    };
    match held_beside(kind) {
        Some(column) => format!("({clause} OR {column} IS NOT NULL)"),
        None => clause,
    }
}

/// The column in which a row of an attempt's end holds an event of `kind`
/// beside its own (0023).
fn held_beside(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Request => Some("request"),
        EventKind::Finished => Some("finished"),
        _ => None,
    }
}

/// The most events a row holds: an attempt's request, its end, its finish.
const END_HOLDS: usize = 3;

pub fn get(conn: &Connection, id: i64) -> Result<Option<Event>> {
    // Its own row, or one of the next two, which may hold it as an attempt's end.
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE id BETWEEN ?1 AND ?1 + {}",
        END_HOLDS - 1
    );
    let mut query = conn.prepare_cached(&sql)?;
    let rows = query.query_map([id], from_row)?;
    Ok(events_of(rows, false, |e| e.id == id, 1)?.pop())
}

/// Events of one job (by its seq), oldest first.
pub fn of_job(conn: &Connection, job_seq: i64, kinds: &[EventKind]) -> Result<Vec<Event>> {
    let marks = vec!["?"; kinds.len()].join(", ");
    let beside: String = kinds
        .iter()
        .filter_map(|k| held_beside(*k))
        .map(|column| format!(" OR {column} IS NOT NULL"))
        .collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE job_seq = ? AND (kind IN ({marks}){beside}) ORDER BY id"
    );
    let mut args: Vec<rusqlite::types::Value> = vec![job_seq.into()];
    args.extend(kinds.iter().map(|k| k.as_str().to_string().into()));
    let mut query = conn.prepare_cached(&sql)?;
    let rows = query.query_map(params_from_iter(args.iter()), from_row)?;
    events_of(rows, false, |e| kinds.contains(&e.kind()), usize::MAX)
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
    let mut query = conn.prepare_cached(&sql)?;
    let rows = query.query_map(
        params![schedule_id, EventKind::Response.as_str(), except_job_seq],
        from_row,
    )?;
    Ok(events_of(rows, true, |e| e.kind() == EventKind::Response, 1)?.pop())
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

    /// An attempt's end is one row (0023): its response or error, its
    /// `job.finished`, and its request when that is logged with it. Every
    /// read of the log gives back the events it holds, in id order, as if
    /// each had a row: pages either way, from either edge, by kind, by id,
    /// and a job's own.
    #[test]
    fn an_attempts_end_is_one_row_read_back_as_its_events() {
        use crate::attempt::Outcome;
        use crate::event::{AttemptError, Finished};
        use crate::job::JobState;
        use crate::request::SentRequest;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        let about_7 = |payload| NewEvent {
            job: Some((7, "job-7".into())),
            schedule_id: Some("schedule-7".into()),
            attempt: Some(1),
            payload,
        };
        let request = Payload::Request(SentRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:9/x".into(),
            headers: Default::default(),
            body: Some("{}".into()),
            truncated: false,
        });
        let error = Payload::Error(AttemptError {
            error: "refused".into(),
            duration_ms: 3,
            will_retry: false,
            retry_at: None,
        });
        let finished = Payload::Finished(Finished {
            state: JobState::Discarded,
            outcome: Outcome::Error,
            status: None,
            duration_ms: 3,
            retry_at: None,
            interrupted: false,
        });
        // Ids: 1 started; 2 error and 3 finished; 4 waiting; 5 request,
        // 6 error and 7 finished; then 8 started.
        let steps = [
            Some(started()),
            None,
            Some(waiting()),
            Some(request.clone()),
        ];
        let mut given = Vec::new();
        for step in steps {
            let (error, finished) = (error.clone(), finished.clone());
            let stored = store
                .write(Utc::now(), move |tx| match step {
                    Some(p) if p.kind() != EventKind::Request => Ok(vec![tx.emit(about_7(p))?.id]),
                    request => {
                        let end = tx.emit_end(about_7(error), request, finished)?;
                        Ok(end.iter().map(|e| e.id).collect())
                    }
                })
                .unwrap()
                .value;
            given.extend(stored);
        }
        assert_eq!(given, [1, 2, 3, 4, 5, 6, 7]);
        let eighth = store.write(Utc::now(), move |tx| tx.emit(about_7(started())));
        assert_eq!(eighth.unwrap().value.id, 8, "the next id follows the end's");
        let rows: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(rows, 5);

        let page = |f: EventFilter| -> Vec<(i64, EventKind)> {
            let page = store.read(|c| list(c, &f)).unwrap();
            page.iter().map(|e| (e.id, e.kind())).collect()
        };
        let (req, err, fin) = (EventKind::Request, EventKind::Error, EventKind::Finished);
        let all = || EventFilter {
            limit: 50,
            ..EventFilter::default()
        };
        let ids = |p: Vec<(i64, EventKind)>| p.iter().map(|e| e.0).collect::<Vec<_>>();
        assert_eq!(ids(page(all())), [8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(page(all())[1..4], [(7, fin), (6, err), (5, req)]);
        let older = |before, limit| EventFilter {
            before: Some(before),
            limit,
            ..all()
        };
        assert_eq!(ids(page(older(7, 2))), [6, 5]);
        assert_eq!(ids(page(older(6, 2))), [5, 4]);
        assert_eq!(ids(page(older(5, 50))), [4, 3, 2, 1]);
        assert_eq!(ids(page(older(3, 50))), [2, 1]);
        let newer = |after, limit| EventFilter {
            after: Some(after),
            ascending: true,
            limit,
            ..all()
        };
        assert_eq!(ids(page(newer(1, 3))), [2, 3, 4]);
        assert_eq!(ids(page(newer(2, 2))), [3, 4]);
        assert_eq!(ids(page(newer(4, 3))), [5, 6, 7]);
        assert_eq!(ids(page(newer(5, 50))), [6, 7, 8]);
        assert_eq!(ids(page(newer(6, 1))), [7]);
        // Of every job, and of one owner (a schedule: no job row is made here).
        let kinds = |kinds: Vec<EventKind>, by_owner: bool| EventFilter {
            kinds,
            schedule_id: by_owner.then(|| "schedule-7".to_string()),
            ..all()
        };
        for by_owner in [false, true] {
            assert_eq!(page(kinds(vec![fin], by_owner)), [(7, fin), (3, fin)]);
            assert_eq!(page(kinds(vec![err], by_owner)), [(6, err), (2, err)]);
            assert_eq!(page(kinds(vec![req], by_owner)), [(5, req)]);
        }
        let some_kinds = EventFilter {
            before: Some(7),
            ..kinds(vec![fin, EventKind::Waiting, req], false)
        };
        assert_eq!(
            page(some_kinds),
            [(5, req), (4, EventKind::Waiting), (3, fin)]
        );

        let get = |id| store.read(move |c| get(c, id)).unwrap().map(|e| e.kind());
        let got: Vec<_> = (1..=9).map(get).collect();
        let started = Some(EventKind::Started);
        let waiting = Some(EventKind::Waiting);
        let (req, err, fin) = (Some(req), Some(err), Some(fin));
        assert_eq!(
            got,
            [started, err, fin, waiting, req, err, fin, started, None]
        );
        let own = |k: Vec<EventKind>| -> Vec<i64> {
            let events = store.read(move |c| of_job(c, 7, &k)).unwrap();
            events.iter().map(|e| e.id).collect()
        };
        assert_eq!(own(vec![EventKind::Finished]), [3, 7]);
        assert_eq!(own(vec![EventKind::Request]), [5]);
        assert_eq!(
            own(vec![EventKind::Error, EventKind::Started]),
            [1, 2, 6, 8]
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

    /// A page of one job's log finds the job by its id through jobs_id
    /// (0024), not by a walk of every job.
    #[test]
    fn a_jobs_log_finds_the_job_through_the_index_of_ids() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        let f = EventFilter {
            job_id: Some("0f0e0d0c-0000-4000-8000-000000000001".into()),
            limit: 50,
            ..EventFilter::default()
        };
        let (sql, args) = list_sql(&f);
        let plan = store
            .read(move |c| Ok(crate::store::query_plan(c, &sql, &args)?))
            .unwrap();
        assert!(plan.contains("USING COVERING INDEX jobs_id"), "{plan}");
        assert!(!plan.contains("SCAN jobs"), "{plan}");
    }
}
