//! The one writer: a thread that owns the write connection and commits
//! whatever writes are waiting in one transaction (group commit). A write
//! that fails is undone alone. While every write before it in the batch can
//! run again, a write needs nothing more for that: when it fails, the
//! transaction is rolled back and those before it run again in the next
//! batch. Past a write that cannot run again, each write runs inside a
//! savepoint of its own. The batch is then committed with one sync of the
//! log, however many writes it holds. Concurrent creates, claims and records
//! share the cost of that sync, which `synchronous = FULL` makes the price of
//! a commit.

use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{checkpoint::Checkpointer, Committed, OnCommit, Tx};
use crate::error::{Error, Result};

/// Writes taken into one transaction at most, so a commit's events and
/// replies go out in bounded slices even under a flood.
const MAX_BATCH: usize = 256;

/// A write waiting for the writer.
pub(super) trait Write: Send {
    /// Runs on the batch's transaction at the time it was asked for;
    /// answers whether it succeeded (else its work is undone).
    fn run(&mut self, tx: &mut Tx) -> bool;
    /// Whether it may run again after the transaction it ran in was rolled
    /// back: all it does is in that transaction.
    fn repeatable(&self) -> bool;
    /// After the batch: hands over its value, or the batch's error.
    fn reply(self: Box<Self>, batch: Result<(), Error>);
}

/// A write of `f`, whose value goes to `reply` once the batch commits.
pub(super) fn write<T: Send + 'static>(
    now: DateTime<Utc>,
    f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    reply: impl FnOnce(Result<Committed<T>>) + Send + 'static,
) -> Box<dyn Write> {
    let mut f = Some(f);
    let once = move |tx: &mut Tx| match f.take() {
        Some(f) => f(tx),
        // The writer runs a write that is not repeatable once.
        None => Err(Error::Internal("a write ran twice".into())),
    };
    Box::new(Pending {
        now,
        f: once,
        repeatable: false,
        done: None,
        reply,
    })
}

/// [`write`] for an `f` that works only on its transaction, so the writer
/// may run it again; it then needs no savepoint.
pub(super) fn repeatable<T: Send + 'static>(
    now: DateTime<Utc>,
    f: impl FnMut(&mut Tx) -> Result<T> + Send + 'static,
    reply: impl FnOnce(Result<Committed<T>>) + Send + 'static,
) -> Box<dyn Write> {
    Box::new(Pending {
        now,
        f,
        repeatable: true,
        done: None,
        reply,
    })
}

struct Pending<T, F, R> {
    now: DateTime<Utc>,
    f: F,
    repeatable: bool,
    /// Its result, and the events and deliveries it wrote (its last run's).
    done: Option<(Result<T>, usize, usize)>,
    reply: R,
}

impl<T, F, R> Write for Pending<T, F, R>
where
    T: Send,
    F: FnMut(&mut Tx) -> Result<T> + Send,
    R: FnOnce(Result<Committed<T>>) + Send,
{
    fn run(&mut self, tx: &mut Tx) -> bool {
        tx.now = self.now;
        let (events, deliveries) = (tx.events.len(), tx.deliveries);
        let result = (self.f)(tx);
        let ok = result.is_ok();
        self.done = Some((result, tx.events.len() - events, tx.deliveries - deliveries));
        ok
    }

    fn repeatable(&self) -> bool {
        self.repeatable
    }

    fn reply(self: Box<Self>, batch: Result<(), Error>) {
        let answer = match (self.done, batch) {
            (Some((Err(e), ..)), _) => Err(e),
            (_, Err(e)) => Err(e),
            (Some((Ok(value), events, deliveries)), Ok(())) => Ok(Committed {
                value,
                events,
                deliveries,
            }),
            (None, Ok(())) => Err(Error::Internal("a write was never run".into())),
        };
        (self.reply)(answer);
    }
}

/// What the writer thread shares with the store.
pub(super) struct Shared {
    pub on_commit: OnceLock<OnCommit>,
}

/// The writer thread: takes what is waiting, commits it, replies, and
/// carries over what a broken batch never reached.
pub(super) fn run(
    mut conn: Connection,
    waiting: Receiver<Box<dyn Write>>,
    shared: Arc<Shared>,
    checkpointer: Checkpointer,
) {
    let mut carried = Vec::new();
    let mut careful = false;
    loop {
        if carried.is_empty() {
            match waiting.recv() {
                Ok(first) => carried.push(first),
                Err(_) => return, // the store is gone
            }
        }
        // Whatever is waiting, or arrives while the batch runs, joins it (up
        // to MAX_BATCH): it shares the batch's sync rather than wait a whole
        // commit for the next.
        let mut more = || waiting.try_recv().ok();
        let rest = commit(&mut conn, carried, &shared, &mut more, careful);
        // Writes that run again because one after them failed get their
        // savepoints: a failure costs one rerun of its batch at most.
        careful = rest.again;
        carried = rest.writes;
        // After the replies, so a restart of the log never holds them up.
        checkpointer.after_commit(&conn);
    }
}

/// What a batch leaves to the next.
struct Rest {
    /// The writes to run next, in order.
    writes: Vec<Box<dyn Write>>,
    /// Whether some of them ran and were rolled back, to run again.
    again: bool,
}

impl Rest {
    fn none() -> Rest {
        Rest {
            writes: Vec::new(),
            again: false,
        }
    }
}

/// Runs and commits one batch. Leaves the writes it never reached because
/// SQLite ended the transaction under them (a full disk can), or that run
/// again because a write after them failed without a savepoint. `careful`:
/// every write after the first gets a savepoint.
fn commit(
    conn: &mut Connection,
    batch: Vec<Box<dyn Write>>,
    shared: &Shared,
    more: &mut dyn FnMut() -> Option<Box<dyn Write>>,
    careful: bool,
) -> Rest {
    let mut tx = match Tx::begin(conn) {
        Ok(tx) => tx,
        Err(e) => {
            let e = Error::from(e);
            batch.into_iter().for_each(|w| w.reply(Err(same(&e))));
            return Rest::none();
        }
    };
    let mut pending: VecDeque<Box<dyn Write>> = batch.into();
    let mut ran = Vec::with_capacity(pending.len());
    let mut broken = None;
    let mut next = |pending: &mut VecDeque<_>, ran: usize| {
        pending
            .pop_front()
            .or_else(|| if ran < MAX_BATCH { more() } else { None })
    };
    // No savepoint (under which SQLite copies each page before its first
    // change: a fifth of a create's instructions) while all that ran can
    // run again.
    let mut bare = true;
    while let Some(mut write) = next(&mut pending, ran.len()) {
        if bare {
            if !write.run(&mut tx) {
                drop(tx); // rolls back the writes before it, which run again
                write.reply(Ok(()));
                return Rest {
                    again: !ran.is_empty(),
                    writes: ran.into_iter().chain(pending).collect(),
                };
            }
            bare = !careful && write.repeatable();
            ran.push(write);
            continue;
        }
        if let Err(e) = cached(&tx.sql, "SAVEPOINT write") {
            pending.push_front(write);
            broken = Some(Error::from(e));
            break;
        }
        let mark = (tx.events.len(), tx.deliveries, tx.last_event);
        let closed = if write.run(&mut tx) {
            cached(&tx.sql, "RELEASE write")
        } else {
            tx.events.truncate(mark.0);
            tx.deliveries = mark.1;
            tx.last_event = mark.2;
            tx.sql.execute_batch("ROLLBACK TO write; RELEASE write")
        };
        ran.push(write);
        if let Err(e) = closed {
            broken = Some(Error::from(e));
            break;
        }
    }
    if let Some(e) = broken {
        drop(tx); // rolls back what is left of the transaction
        let nothing_ran = ran.is_empty();
        ran.into_iter().for_each(|w| w.reply(Err(same(&e))));
        if nothing_ran {
            // Nothing ran at all: the first write takes the error, so the writer moves on.
            if let Some(first) = pending.pop_front() {
                first.reply(Err(e));
            }
        }
        return Rest {
            writes: pending.into(),
            again: false,
        };
    }
    let Tx { sql, events, .. } = tx;
    match sql.commit() {
        Ok(()) => {
            // Still on the one writer: the next commit's events cannot overtake these.
            if let (Some(publish), false) = (shared.on_commit.get(), events.is_empty()) {
                publish(events);
            }
            ran.into_iter().for_each(|w| w.reply(Ok(())));
        }
        Err(e) => {
            let e = Error::from(e);
            ran.into_iter().for_each(|w| w.reply(Err(same(&e))));
        }
    }
    Rest::none()
}

/// Runs a statement the writer runs for most writes from the cache, not
/// parsed again each time as `execute_batch` would.
fn cached(sql: &Connection, statement: &str) -> rusqlite::Result<()> {
    sql.prepare_cached(statement)?.execute([]).map(|_| ())
}

/// The batch's error, once for each of its writes. SQLite's errors keep
/// their code, so a full disk still reads as one.
pub(super) fn same(e: &Error) -> Error {
    match e {
        Error::Store(rusqlite::Error::SqliteFailure(code, message)) => {
            Error::Store(rusqlite::Error::SqliteFailure(*code, message.clone()))
        }
        other => Error::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use crate::error::Error;
    use crate::event::{Event, Payload, Updated};
    use crate::store::{NewEvent, Store};

    fn event(n: i64) -> NewEvent {
        NewEvent {
            job: None,
            schedule_id: None,
            attempt: None,
            payload: Payload::Updated(Updated {
                changed: vec![n.to_string()],
                scheduled_at: chrono::Utc::now(),
                reason: None,
            }),
        }
    }

    fn n_of(e: &Event) -> i64 {
        match &e.body {
            Payload::Updated(u) => u.changed[0].parse().unwrap(),
            other => panic!("{other:?}"),
        }
    }

    /// The number each stored event carries, in id order.
    fn stored(store: &Store) -> Vec<i64> {
        let sql =
            "SELECT CAST(json_extract(payload, '$.changed[0]') AS INTEGER) FROM events ORDER BY id";
        store
            .read(|c| {
                Ok(c.prepare(sql)?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?)
            })
            .unwrap()
    }

    /// The events a transaction stores go through one statement it holds,
    /// each stored with the id it was given.
    #[test]
    fn a_transaction_holds_the_statement_its_events_share() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        let (ids, held) = store
            .write(chrono::Utc::now(), |tx| {
                let ids = (1..=3)
                    .map(|n| tx.emit(event(n)).map(|e| e.id))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((ids, tx.held.len()))
            })
            .unwrap()
            .value;
        assert_eq!(held, 1, "one statement for the three events");
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(stored(&store), [1, 2, 3]);
    }

    /// Writes that wait together commit together; one that fails is undone
    /// alone, and its events are neither stored nor published.
    #[test]
    fn a_failing_write_in_a_group_commit_is_undone_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(&dir.path().join("chime.db")).unwrap());
        let published = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = published.clone();
        store.on_commit(Box::new(move |events| {
            sink.lock()
                .unwrap()
                .push(events.iter().map(|e| n_of(e)).collect::<Vec<_>>())
        }));
        // The first write holds the writer while the others queue behind it.
        let (started_tx, started) = std::sync::mpsc::channel();
        let first = {
            let store = store.clone();
            std::thread::spawn(move || {
                store.write(chrono::Utc::now(), move |tx| {
                    started_tx.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(300));
                    tx.emit(event(0))
                })
            })
        };
        started.recv().unwrap();
        let writers: Vec<_> = [1, 2, 3]
            .into_iter()
            .map(|n| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.write(chrono::Utc::now(), move |tx| {
                        tx.emit(event(n))?;
                        if n == 2 {
                            return Err(Error::Conflict("two fails".into()));
                        }
                        Ok(n)
                    })
                })
            })
            .collect();
        // Give the three time to queue behind the first; the assertions hold either way.
        std::thread::sleep(Duration::from_millis(100));
        assert!(first.join().unwrap().is_ok());
        let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_eq!(results[0].as_ref().unwrap().value, 1);
        assert!(matches!(results[1], Err(Error::Conflict(_))));
        assert_eq!(results[2].as_ref().unwrap().events, 1);
        let stored = stored(&store);
        let published: Vec<i64> = published.lock().unwrap().concat();
        assert_eq!(published, stored, "published as stored, in id order");
        // The three queued in whatever order their threads ran.
        let mut kept = stored.clone();
        kept.sort_unstable();
        assert_eq!(kept, [0, 1, 3], "the failing write's event is gone");
    }

    /// A store, and a connection and shared state to call `commit` with
    /// directly, as the writer thread would.
    fn writer_apart() -> (
        tempfile::TempDir,
        Store,
        rusqlite::Connection,
        super::Shared,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chime.db");
        let store = Store::open(&path).unwrap();
        let conn = crate::store::connect(&path).unwrap();
        let shared = super::Shared {
            on_commit: std::sync::OnceLock::new(),
        };
        (dir, store, conn, shared)
    }

    /// The first write of a batch runs without a savepoint: when it fails,
    /// the transaction (its work alone) is rolled back, and the rest of the
    /// batch runs next, untouched.
    #[test]
    fn a_failing_first_write_is_rolled_back_and_the_rest_run_next() {
        let (_dir, store, mut conn, shared) = writer_apart();
        let (replied, replies) = std::sync::mpsc::channel();
        let batch = (0..3)
            .map(|n| {
                let replied = replied.clone();
                super::write(
                    chrono::Utc::now(),
                    move |tx| {
                        tx.emit(event(n))?;
                        match n {
                            0 => Err(Error::Conflict("the first fails".into())),
                            _ => Ok(n),
                        }
                    },
                    move |r| replied.send((n, r.map(|c| c.value))).unwrap(),
                )
            })
            .collect();
        let rest = super::commit(&mut conn, batch, &shared, &mut || None, false);
        assert_eq!(rest.writes.len(), 2, "the two after it are carried over");
        assert!(!rest.again, "none of them ran");
        let (n, first) = replies.try_recv().unwrap();
        assert!(n == 0 && matches!(first, Err(Error::Conflict(_))));
        assert!(replies.try_recv().is_err(), "the rest are not answered yet");
        let rest = super::commit(&mut conn, rest.writes, &shared, &mut || None, false);
        assert!(rest.writes.is_empty());
        let rest: Vec<_> = replies.try_iter().map(|(n, r)| (n, r.unwrap())).collect();
        assert_eq!(rest, [(1, 1), (2, 2)]);
        assert_eq!(stored(&store), [1, 2], "the failed write's event is gone");
    }

    /// Writes that arrive while a batch runs join its transaction, and are
    /// answered with it.
    #[test]
    fn writes_arriving_while_a_batch_runs_join_its_commit() {
        let (_dir, store, mut conn, shared) = writer_apart();
        let (replied, replies) = std::sync::mpsc::channel();
        let mut writes: std::collections::VecDeque<_> = (0..3)
            .map(|n| {
                let replied = replied.clone();
                super::write(
                    chrono::Utc::now(),
                    move |tx| tx.emit(event(n)).map(|_| n),
                    move |r| replied.send(r.map(|c| c.value).unwrap()).unwrap(),
                )
            })
            .collect();
        let first = writes.pop_front().into_iter().collect();
        let rest = super::commit(&mut conn, first, &shared, &mut || writes.pop_front(), false);
        assert!(rest.writes.is_empty());
        assert_eq!(replies.try_iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(stored(&store), [0, 1, 2]);
    }

    type Replies = std::sync::mpsc::Sender<(i64, crate::error::Result<i64>)>;

    /// A write that stores event `n` and then fails if `fails`, counting
    /// its runs in `runs[n]` and replying on `replied`.
    fn numbered(
        n: i64,
        fails: bool,
        repeatable: bool,
        replied: &Replies,
        runs: &std::sync::Arc<Vec<std::sync::atomic::AtomicUsize>>,
    ) -> Box<dyn super::Write> {
        let replied = replied.clone();
        let reply = move |r: crate::error::Result<crate::store::Committed<i64>>| {
            replied.send((n, r.map(|c| c.value))).unwrap()
        };
        let runs = runs.clone();
        let f = move |tx: &mut crate::store::Tx| {
            runs[n as usize].fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tx.emit(event(n))?;
            match fails {
                true => Err(Error::Conflict(format!("{n} fails"))),
                false => Ok(n),
            }
        };
        match repeatable {
            true => super::repeatable(chrono::Utc::now(), f, reply),
            false => super::write(chrono::Utc::now(), f, reply),
        }
    }

    fn counters(n: usize) -> std::sync::Arc<Vec<std::sync::atomic::AtomicUsize>> {
        std::sync::Arc::new((0..n).map(|_| Default::default()).collect())
    }

    fn counted(runs: &[std::sync::atomic::AtomicUsize]) -> Vec<usize> {
        runs.iter()
            .map(|r| r.load(std::sync::atomic::Ordering::SeqCst))
            .collect()
    }

    /// Repeatable writes run without savepoints: when one fails, the batch
    /// is rolled back, it alone is answered, and the writes before it run
    /// again in the next batch, with those it never reached.
    #[test]
    fn a_failing_repeatable_write_rolls_back_its_batch_and_the_rest_run_again() {
        let (_dir, store, mut conn, shared) = writer_apart();
        let (replied, replies) = std::sync::mpsc::channel();
        let runs = counters(4);
        let batch = (0..4)
            .map(|n| numbered(n, n == 2, true, &replied, &runs))
            .collect();
        let rest = super::commit(&mut conn, batch, &shared, &mut || None, false);
        let (n, failed) = replies.try_recv().unwrap();
        assert!(n == 2 && matches!(failed, Err(Error::Conflict(_))));
        assert!(replies.try_recv().is_err(), "the rest are not answered yet");
        assert!(stored(&store).is_empty(), "nothing was committed");
        assert_eq!((rest.writes.len(), rest.again), (3, true));
        let rest = super::commit(&mut conn, rest.writes, &shared, &mut || None, rest.again);
        assert!(rest.writes.is_empty());
        let answered: Vec<_> = replies.try_iter().map(|(n, r)| (n, r.unwrap())).collect();
        assert_eq!(answered, [(0, 0), (1, 1), (3, 3)]);
        assert_eq!(
            stored(&store),
            [0, 1, 3],
            "the failed write's event is gone"
        );
        assert_eq!(counted(&runs), [2, 2, 1, 1], "the two before it ran again");
    }

    /// Commits three writes, the middle one failing, as one batch;
    /// asserts it is undone alone in that commit, with nothing run again.
    fn undone_alone(careful: bool, repeatable: impl Fn(i64) -> bool) {
        let (_dir, store, mut conn, shared) = writer_apart();
        let (replied, replies) = std::sync::mpsc::channel();
        let runs = counters(3);
        let batch = (0..3)
            .map(|n| numbered(n, n == 1, repeatable(n), &replied, &runs))
            .collect();
        let rest = super::commit(&mut conn, batch, &shared, &mut || None, careful);
        assert!(rest.writes.is_empty(), "nothing runs again");
        let answered: Vec<_> = replies.try_iter().map(|(n, r)| (n, r.is_ok())).collect();
        assert_eq!(answered, [(0, true), (1, false), (2, true)]);
        assert_eq!(stored(&store), [0, 2]);
        assert_eq!(counted(&runs), [1, 1, 1]);
    }

    /// A batch that runs again gives each write after its first a
    /// savepoint, so a second failure is undone alone and costs no rerun.
    #[test]
    fn a_batch_that_runs_again_undoes_a_failure_alone() {
        undone_alone(true, |_| true);
    }

    /// A write that cannot run again is never rolled back for a later
    /// write's failure: each write after it gets a savepoint.
    #[test]
    fn writes_after_one_that_cannot_run_again_get_savepoints() {
        undone_alone(false, |n| n != 0);
    }
}
