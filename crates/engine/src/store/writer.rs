//! The one writer: a thread that owns the write connection and commits
//! whatever writes are waiting in one transaction (group commit). Each write
//! after the first runs inside a savepoint of its own, so one that fails is
//! undone alone (a failed first one rolls back the transaction);
//! the batch is then committed with one sync of the log, however many
//! writes it holds. Concurrent creates, claims and records share the cost
//! of that sync, which `synchronous = FULL` makes the price of a commit.
//!
//! An urgent write (the scheduler's claim, whose jobs cannot go out before
//! it commits) goes ahead of the others waiting, and a transaction holds
//! writes of one kind: a batch of ordinary writes commits as soon as an
//! urgent one arrives, and an urgent one's commit waits for no ordinary
//! write. In a burst a claim then waits for the write running when it
//! came, not for the attempts recorded behind it.

use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use super::{checkpoint::Checkpointer, Committed, OnCommit, Tx};
use crate::error::{Error, Result};

/// Writes taken into one transaction at most, so a commit's events and
/// replies go out in bounded slices even under a flood.
const MAX_BATCH: usize = 256;

/// A write waiting for the writer.
pub(super) trait Write: Send {
    /// Runs on the batch's transaction at the time it was asked for;
    /// answers whether it succeeded (else its savepoint is undone).
    fn run(&mut self, tx: &mut Tx) -> bool;
    /// After the batch: hands over its value, or the batch's error.
    fn reply(self: Box<Self>, batch: Result<(), Error>);
    /// Whether it goes ahead of ordinary writes, in a transaction of its own kind.
    fn urgent(&self) -> bool;
}

/// A write of `f`, whose value goes to `reply` once the batch commits.
pub(super) fn write<T: Send + 'static>(
    now: DateTime<Utc>,
    urgent: bool,
    f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    reply: impl FnOnce(Result<Committed<T>>) + Send + 'static,
) -> Box<dyn Write> {
    Box::new(Pending {
        now,
        urgent,
        f: Some(f),
        done: None,
        reply,
    })
}

struct Pending<T, F, R> {
    now: DateTime<Utc>,
    urgent: bool,
    f: Option<F>,
    /// Its result, and the events and deliveries it wrote.
    done: Option<(Result<T>, usize, usize)>,
    reply: R,
}

impl<T, F, R> Write for Pending<T, F, R>
where
    T: Send,
    F: FnOnce(&mut Tx) -> Result<T> + Send,
    R: FnOnce(Result<Committed<T>>) + Send,
{
    fn run(&mut self, tx: &mut Tx) -> bool {
        let Some(f) = self.f.take() else { return false };
        tx.now = self.now;
        let (events, deliveries) = (tx.events.len(), tx.deliveries);
        let result = f(tx);
        let ok = result.is_ok();
        self.done = Some((result, tx.events.len() - events, tx.deliveries - deliveries));
        ok
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

    fn urgent(&self) -> bool {
        self.urgent
    }
}

/// What the writer thread shares with the store.
pub(super) struct Shared {
    pub on_commit: OnceLock<OnCommit>,
}

/// The writes that have reached the writer, in the order they will run:
/// urgent ones first, each kind in the order it came.
struct Queue {
    waiting: Receiver<Box<dyn Write>>,
    ready: VecDeque<Box<dyn Write>>,
}

impl Queue {
    /// Takes in whatever has arrived. Answers false once the store is gone
    /// and nothing is left to run.
    fn gather(&mut self, block: bool) -> bool {
        if block && self.ready.is_empty() {
            match self.waiting.recv() {
                Ok(first) => self.ready.push_back(first),
                Err(_) => return false,
            }
        }
        while let Ok(write) = self.waiting.try_recv() {
            let at = if write.urgent() {
                self.ready.iter().position(|w| !w.urgent())
            } else {
                None
            };
            self.ready.insert(at.unwrap_or(self.ready.len()), write);
        }
        true
    }

    /// The next write for a transaction that has run `ran`: one of the same
    /// kind as its first, while it holds fewer than MAX_BATCH.
    fn next_for(&mut self, ran: &[Box<dyn Write>]) -> Option<Box<dyn Write>> {
        self.gather(false);
        let kind = self.ready.front()?.urgent();
        match ran.first() {
            Some(first) if first.urgent() != kind || ran.len() >= MAX_BATCH => None,
            _ => self.ready.pop_front(),
        }
    }
}

/// The writer thread: takes what is waiting, commits it, replies, and runs
/// what a broken batch never reached in the next.
pub(super) fn run(
    mut conn: Connection,
    waiting: Receiver<Box<dyn Write>>,
    shared: Arc<Shared>,
    checkpointer: Checkpointer,
) {
    let mut queue = Queue {
        waiting,
        ready: VecDeque::new(),
    };
    while queue.gather(true) {
        // Whatever is waiting, or arrives while the batch runs, joins it (up
        // to MAX_BATCH, and of its kind): it shares the batch's sync rather
        // than wait a whole commit for the next.
        commit(&mut conn, &mut queue, &shared);
        // After the replies, so a restart of the log never holds them up.
        checkpointer.after_commit(&conn);
    }
}

/// Runs and commits one batch from the front of `queue`. The writes it never
/// reached because SQLite ended the transaction under them (a full disk
/// can) stay there, to run next.
fn commit(conn: &mut Connection, queue: &mut Queue, shared: &Shared) {
    let sql = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(sql) => sql,
        Err(e) => {
            // The first write takes the error, so the writer moves on.
            if let Some(first) = queue.ready.pop_front() {
                first.reply(Err(Error::from(e)));
            }
            return;
        }
    };
    let mut tx = Tx {
        sql,
        now: Utc::now(),
        events: Vec::new(),
        deliveries: 0,
    };
    let mut ran: Vec<Box<dyn Write>> = Vec::new();
    let mut broken = None;
    while let Some(mut write) = queue.next_for(&ran) {
        if ran.is_empty() {
            // The first write needs no savepoint (under which SQLite copies
            // each page before its first change: a tenth of a create's
            // cost): the transaction holds its work alone, so a failure
            // rolls back the transaction, and the rest run in the next.
            if !write.run(&mut tx) {
                drop(tx);
                write.reply(Ok(()));
                return;
            }
            ran.push(write);
            continue;
        }
        if let Err(e) = cached(&tx.sql, "SAVEPOINT write") {
            queue.ready.push_front(write);
            broken = Some(Error::from(e));
            break;
        }
        let mark = (tx.events.len(), tx.deliveries);
        let closed = if write.run(&mut tx) {
            cached(&tx.sql, "RELEASE write")
        } else {
            tx.events.truncate(mark.0);
            tx.deliveries = mark.1;
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
            if let Some(first) = queue.ready.pop_front() {
                first.reply(Err(e));
            }
        }
        return;
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
    use std::sync::mpsc::Sender;
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

    /// A queue holding `ready`, and the sender that feeds it as writes
    /// arriving at the writer do.
    fn queue(ready: Vec<Box<dyn super::Write>>) -> (super::Queue, Sender<Box<dyn super::Write>>) {
        let (send, waiting) = std::sync::mpsc::channel();
        let ready = ready.into();
        (super::Queue { waiting, ready }, send)
    }

    /// A write that stores event `n` and answers `n` on `replied`.
    fn numbered(n: i64, urgent: bool, replied: &Sender<i64>) -> Box<dyn super::Write> {
        let replied = replied.clone();
        super::write(
            chrono::Utc::now(),
            urgent,
            move |tx| tx.emit(event(n)).map(|_| n),
            move |r| replied.send(r.map(|c| c.value).unwrap()).unwrap(),
        )
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
                    false,
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
        let (mut queue, _arriving) = queue(batch);
        super::commit(&mut conn, &mut queue, &shared);
        assert_eq!(queue.ready.len(), 2, "the two after it wait for the next");
        let (n, first) = replies.try_recv().unwrap();
        assert!(n == 0 && matches!(first, Err(Error::Conflict(_))));
        assert!(replies.try_recv().is_err(), "the rest are not answered yet");
        super::commit(&mut conn, &mut queue, &shared);
        assert!(queue.ready.is_empty());
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
        let (mut queue, arriving) = queue(vec![numbered(0, false, &replied)]);
        for n in 1..3 {
            arriving.send(numbered(n, false, &replied)).unwrap();
        }
        super::commit(&mut conn, &mut queue, &shared);
        assert!(queue.ready.is_empty());
        assert_eq!(replies.try_iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(stored(&store), [0, 1, 2]);
    }

    /// An urgent write (a claim) that arrives while a batch runs ends it:
    /// the batch commits with what it has run, the urgent write commits
    /// next on its own, and the writes waiting before it run after.
    #[test]
    fn an_urgent_write_goes_ahead_and_commits_alone() {
        let (_dir, store, mut conn, shared) = writer_apart();
        let (replied, replies) = std::sync::mpsc::channel();
        let (mut queue, arriving) = queue(Vec::new());
        // Write 0 sends the urgent write 9 to the writer as it runs.
        let urgent = numbered(9, true, &replied);
        let (reply_0, urgent_arrives) = (replied.clone(), arriving.clone());
        let first = super::write(
            chrono::Utc::now(),
            false,
            move |tx| {
                urgent_arrives.send(urgent).unwrap();
                tx.emit(event(0)).map(|_| 0)
            },
            move |r| reply_0.send(r.map(|c| c.value).unwrap()).unwrap(),
        );
        queue.ready.extend([
            first,
            numbered(1, false, &replied),
            numbered(2, false, &replied),
        ]);
        let mut commits = Vec::new();
        while !queue.ready.is_empty() {
            super::commit(&mut conn, &mut queue, &shared);
            commits.push(replies.try_iter().collect::<Vec<_>>());
        }
        assert_eq!(commits, [vec![0], vec![9], vec![1, 2]]);
        assert_eq!(stored(&store), [0, 9, 1, 2]);
    }
}
