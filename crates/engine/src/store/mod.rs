//! The SQLite store: the source of truth. One writer connection (SQLite takes
//! one writer at a time anyway) used in short transactions that write many
//! rows each, and a few reader connections that WAL lets run beside it.

pub mod attempts;
mod checkpoint;
pub mod deliveries;
pub mod doctor;
pub mod events;
pub mod jobs;
pub mod runs;
pub mod schedules;
pub mod search;
pub mod settings;
mod vfs;
mod writer;

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{CachedStatement, Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::event::{Event, Payload};

pub use attempts::{AttemptRow, AttemptWrite};
pub use events::{End, EventFilter, NewEvent};
pub use jobs::{JobFilter, JobInsert, JobOrder, JobUpdate};
pub use schedules::ScheduleInsert;

/// Versioned migrations, applied in order at start-up, each in its transaction.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("migrations/0001_init.sql")),
    (
        2,
        "deliveries",
        include_str!("migrations/0002_deliveries.sql"),
    ),
    (3, "calendar", include_str!("migrations/0003_calendar.sql")),
    (
        4,
        "due_index",
        include_str!("migrations/0004_due_index.sql"),
    ),
    (5, "runs", include_str!("migrations/0005_runs.sql")),
    (
        6,
        "checks_and_alerts",
        include_str!("migrations/0006_checks_and_alerts.sql"),
    ),
    (
        7,
        "events_kind",
        include_str!("migrations/0007_events_kind.sql"),
    ),
    (
        8,
        "schedules_inserted",
        include_str!("migrations/0008_schedules_inserted.sql"),
    ),
    (
        9,
        "one_off_jobs",
        include_str!("migrations/0009_one_off_jobs.sql"),
    ),
    (
        10,
        "checks_without_lists",
        include_str!("migrations/0010_checks_without_lists.sql"),
    ),
    (
        11,
        "jobs_finished",
        include_str!("migrations/0011_jobs_finished.sql"),
    ),
    (
        12,
        "jobs_past",
        include_str!("migrations/0012_jobs_past.sql"),
    ),
    (13, "search", include_str!("migrations/0013_search.sql")),
    (
        14,
        "schedules_by_age",
        include_str!("migrations/0014_schedules_by_age.sql"),
    ),
    (
        15,
        "schedules_plans",
        include_str!("migrations/0015_schedules_plans.sql"),
    ),
    (
        16,
        "schedules_limits",
        include_str!("migrations/0016_schedules_limits.sql"),
    ),
    (
        17,
        "schedules_pending_seq",
        include_str!("migrations/0017_schedules_pending_seq.sql"),
    ),
    (
        18,
        "events_rowid",
        include_str!("migrations/0018_events_rowid.sql"),
    ),
    (
        19,
        "events_kind_rare",
        include_str!("migrations/0019_events_kind_rare.sql"),
    ),
    (
        20,
        "jobs_finished_one_off",
        include_str!("migrations/0020_jobs_finished_one_off.sql"),
    ),
    (21, "jobs_seq", include_str!("migrations/0021_jobs_seq.sql")),
    (
        22,
        "jobs_in_list_order",
        include_str!("migrations/0022_jobs_in_list_order.sql"),
    ),
    (
        23,
        "events_attempt_end",
        include_str!("migrations/0023_events_attempt_end.sql"),
    ),
    (
        24,
        "jobs_id_by_time",
        include_str!("migrations/0024_jobs_id_by_time.sql"),
    ),
    (
        25,
        "jobs_text_usermerge",
        include_str!("migrations/0025_jobs_text_usermerge.sql"),
    ),
];

/// How long a connection waits for a lock another holds.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How many reader connections are kept open between uses.
const IDLE_READERS: usize = 8;

/// Called with each transaction's events after it commits, before the next
/// transaction can begin, so events reach subscribers in id order.
pub type OnCommit = Box<dyn Fn(Vec<Arc<Event>>) + Send + Sync>;

pub struct Store {
    path: PathBuf,
    /// The writer thread's queue (see [`writer`]).
    writes: std::sync::mpsc::Sender<Box<dyn writer::Write>>,
    shared: Arc<writer::Shared>,
    readers: Mutex<Vec<Connection>>,
}

/// A write transaction that gathers the events it stores, so they can be
/// published once (and only if) it commits. Several writes may share one
/// (a group commit); each sees its own `now`.
pub struct Tx<'c> {
    pub sql: rusqlite::Transaction<'c>,
    pub now: DateTime<Utc>,
    /// Shared, not copied, with the live bus: a burst's commit holds thousands.
    events: Vec<Arc<Event>>,
    /// Webhook and callback deliveries written, so the sender can be woken.
    pub deliveries: usize,
    /// The connection `sql` runs on, which the held statements borrow.
    conn: &'c Connection,
    /// Statements run once a job, by their text (see [`Tx::held`]).
    held: Vec<(&'static str, CachedStatement<'c>)>,
    /// The largest id in the log once this transaction has read or
    /// written it: an attempt's end takes the ids after it (0023).
    last_event: Option<i64>,
}

/// What a committed write transaction did.
pub struct Committed<T> {
    pub value: T,
    /// Events stored (and handed to the commit hook).
    pub events: usize,
    /// Webhook and callback deliveries written.
    pub deliveries: usize,
}

impl Store {
    /// Makes a database at `path` with the schema, and closes it: for a
    /// repair, which copies into it and then renames it. A `Store` would do,
    /// but its threads close their connections a moment after it is
    /// dropped: one still open when the file is renamed can keep the copied
    /// rows in a log that does not follow it (a test of the repair read the
    /// renamed file with a disk I/O error, once, under CI's load).
    pub(crate) fn create(path: &Path) -> Result<()> {
        create_private(path)?;
        migrate(&mut connect(path)?)
    }

    /// Opens (or creates, owner-only) the database at `path`, checks it is
    /// not damaged (refusing it, unwritten, if it is), and brings its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<Store> {
        create_private(path)?;
        let mut writer = connect(path)?;
        match doctor::check(&writer, doctor::CHECK_BUDGET)? {
            doctor::Health::Sound => {}
            doctor::Health::Unchecked => tracing::info!(
                "the database is too large to check fully at start; checked part of it"
            ),
            doctor::Health::Damaged(detail) => return Err(doctor::damaged(path, &detail)),
        }
        migrate(&mut writer)?;
        checkpoint::hand_over(&writer)?;
        let checkpointer = checkpoint::Checkpointer::start(path)?;
        let shared = Arc::new(writer::Shared {
            on_commit: std::sync::OnceLock::new(),
        });
        let (writes, waiting) = std::sync::mpsc::channel();
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("chime-writer".into())
            .spawn(move || writer::run(writer, waiting, thread_shared, checkpointer))
            .map_err(|e| Error::io("cannot start the writer thread", e))?;
        Ok(Store {
            path: path.to_path_buf(),
            writes,
            shared,
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Hands each commit's events to `publish` (once set, for good).
    pub fn on_commit(&self, publish: OnCommit) {
        let _ = self.shared.on_commit.set(publish);
    }

    /// Runs `f` on the writer, in a transaction it may share with other
    /// writes waiting at the same moment (its own savepoint undoes it alone
    /// if it fails), and answers once that transaction has committed, with
    /// the events `f` stored. Blocks: for threads, not async tasks.
    pub fn write<T: Send + 'static>(
        &self,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<Committed<T>> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        self.submit(writer::write(now, f, move |r| {
            let _ = reply.send(r);
        }))?;
        answer.recv().map_err(|_| writer_gone())?
    }

    /// [`Store::write`] for async tasks: waits without holding a thread.
    pub async fn write_async<T: Send + 'static>(
        &self,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<Committed<T>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(writer::write(now, f, replying(reply)))?;
        answer.await.map_err(|_| writer_gone())?
    }

    /// [`Store::write_async`] for an `f` that works only on its transaction
    /// (no state of its own or outside changes), so the writer may run it
    /// again after rolling back a batch that a later write failed in. Such a
    /// write needs no savepoint, whose page copies are about a fifth of a
    /// create's instructions.
    pub async fn write_repeatable<T: Send + 'static>(
        &self,
        now: DateTime<Utc>,
        f: impl FnMut(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<Committed<T>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.submit(writer::repeatable(now, f, replying(reply)))?;
        answer.await.map_err(|_| writer_gone())?
    }

    fn submit(&self, write: Box<dyn writer::Write>) -> Result<()> {
        self.writes.send(write).map_err(|_| writer_gone())
    }

    /// Runs `f` on a reader connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = lock(&self.readers).pop();
        let conn = match conn {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let result = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

impl<'c> Tx<'c> {
    /// A write transaction on `conn`, begun (immediate: it writes).
    fn begin(conn: &'c Connection) -> rusqlite::Result<Tx<'c>> {
        Ok(Tx {
            sql: rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?,
            now: Utc::now(),
            events: Vec::new(),
            deliveries: 0,
            conn,
            held: Vec::new(),
            last_event: None,
        })
    }

    /// Stores an event; it is published when the transaction commits.
    pub fn emit(&mut self, new: NewEvent) -> Result<Arc<Event>> {
        let now = self.now;
        let event = Arc::new(events::insert(self.held(events::INSERT)?, now, new)?);
        self.last_event = Some(event.id);
        self.events.push(event.clone());
        Ok(event)
    }

    /// Stores an attempt's end in one row (0023): `new`, its response or
    /// error, with the request sent (when it is logged with the end) and the
    /// `job.finished`. They are published when the transaction commits.
    pub fn emit_end(
        &mut self,
        new: NewEvent,
        request: Option<Payload>,
        finished: Payload,
    ) -> Result<End<Arc<Event>>> {
        let last = match self.last_event {
            Some(id) => id,
            None => events::last_id(&self.sql)?,
        };
        let now = self.now;
        let insert = self.held(events::INSERT)?;
        let end = events::insert_end(insert, last, now, new, request, finished)?.map(Arc::new);
        self.last_event = Some(end.finished.id);
        self.events.extend(end.iter().cloned());
        Ok(end)
    }

    /// A statement that a transaction runs for each job it records (its
    /// events, its attempt, its end), taken from the connection's cache
    /// once a transaction and held: the cache hashes a statement's text to
    /// find it and again to take it back, 1.5 k instructions a time, 3 % of
    /// a burst's. Found by its text among the few held.
    pub(crate) fn held(&mut self, sql: &'static str) -> Result<&mut CachedStatement<'c>> {
        let at = match self.held.iter().position(|(text, _)| *text == sql) {
            Some(at) => at,
            None => {
                self.held.push((sql, self.conn.prepare_cached(sql)?));
                self.held.len() - 1
            }
        };
        Ok(&mut self.held[at].1)
    }
}

fn writer_gone() -> Error {
    Error::Internal("the database writer has stopped".into())
}

/// Hands a write's answer to the task waiting for it (gone if it stopped waiting).
fn replying<T: Send + 'static>(
    reply: tokio::sync::oneshot::Sender<Result<Committed<T>>>,
) -> impl FnOnce(Result<Committed<T>>) + Send + 'static {
    move |r| {
        let _ = reply.send(r);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock left no half-done SQL behind (the
    // transaction rolled back when dropped), so the connection is still good.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(unix)]
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> Result<()> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))
}

/// Turns off SQLite's global memory statistics, which take a process-wide
/// mutex on every allocation; Chime never reads them. Must run before the
/// first connection opens (later calls are refused by SQLite, harmlessly).
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config with SQLITE_CONFIG_MEMSTATUS takes one int;
        // called once, before any connection exists.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

fn connect(path: &Path) -> Result<Connection> {
    configure_sqlite();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = if vfs::register() {
        Connection::open_with_flags_and_vfs(path, flags, vfs::NAME)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    // WAL lets readers run beside the writer. FULL syncs the log at every
    // commit, so what the API acknowledged survives a power cut or an OS
    // crash, not only a kill of Chime (NORMAL would lose the last commits);
    // group commits keep a burst to a few syncs. The store's VFS relies on
    // that sync to write a commit's frames before other connections see
    // them. Sized for a desktop: 4 MB of page cache a connection (up to ten
    // of them), and no memory map, whose pages counted in Chime's RSS up to
    // the file's size (350 MB for 100,000 finished jobs); the OS caches the
    // file all the same. A log that restarts is cut back to 64 MB, not kept
    // at its longest.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -4000;
         PRAGMA journal_size_limit = 67108864;",
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )?;
    // A newer Chime's database may hold what this one would misread or undo:
    // refuse it, naming both versions, rather than guess.
    let found: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let known = MIGRATIONS.last().map_or(0, |(version, _, _)| *version);
    if found > known {
        return Err(Error::Conflict(format!(
            "the database has schema version {found}, newer than this Chime's {known}: \
             it was used by a newer Chime; install that version again (or use another data folder)"
        )));
    }
    for (version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [version],
            |r| r.get(0),
        )?;
        if !applied {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![version, name, Utc::now().timestamp_millis()],
            )?;
            tracing::info!(version, name, "applied migration");
        }
        tx.commit()?;
    }
    Ok(())
}

/// A page's total when the page tells it: a first page that is not full
/// holds every match, so a search that finds a few does not count them again.
fn total_from_page(offset: i64, limit: i64, found: usize) -> Option<i64> {
    let found = i64::try_from(found).ok()?;
    (offset == 0 && found < limit).then_some(found)
}

/// The one full id in `from` (a table, or an index of its ids) that starts
/// with `prefix`, so people may type the first few characters of a uuid, as
/// with git. Full ids, numbers and other text are not prefixes. Two matches
/// are an error naming the field.
fn id_by_prefix(conn: &Connection, from: &str, prefix: &str, what: &str) -> Result<Option<String>> {
    let looks_like_one = (4..36).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !looks_like_one {
        return Ok(None);
    }
    let prefix = prefix.to_ascii_lowercase();
    // A range of ids ('~' sorts after every uuid character): on a unique
    // index of them, or a walk of every id where the index is keyed by their
    // time (a job's: 0024).
    let sql = format!("SELECT id FROM {from} WHERE id >= ?1 AND id < ?1 || '~' LIMIT 2");
    let ids = conn
        .prepare_cached(&sql)?
        .query_map([&prefix], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match ids.as_slice() {
        [one] => Ok(Some(one.clone())),
        [] => Ok(None),
        _ => Err(crate::error::FieldError::new(
            "id",
            format!("{prefix} starts more than one {what}'s id; give more of it"),
        )
        .into()),
    }
}

/// What `sql` (a SELECT whose list of ids is written `IN ({ids})`) finds for
/// each of `ids`, keyed by what `row` makes of each row. The list goes in
/// chunks: SQLite takes up to 32,766 parameters a statement.
pub(crate) fn by_ids<T>(
    conn: &Connection,
    sql: &str,
    ids: &[i64],
    row: impl Fn(&rusqlite::Row) -> rusqlite::Result<(i64, T)>,
) -> Result<HashMap<i64, T>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(10_000) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut stmt = conn.prepare(&sql.replace("{ids}", &marks))?;
        for each in stmt.query_map(rusqlite::params_from_iter(chunk), &row)? {
            let (id, value) = each?;
            found.insert(id, value);
        }
    }
    Ok(found)
}

/// Reads a JSON column.
fn json_col<T: serde::de::DeserializeOwned>(text: String) -> rusqlite::Result<T> {
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn ms_opt(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.map(crate::time::from_ms)
}

/// For tests: how many times SQLite prepared the cached statement `sql`
/// again while `run` ran with limits 1, 5 and 2 on one connection to a new
/// store. A parameter its plan reads, such as a bare `LIMIT ?`, makes every
/// bind prepare the statement again.
#[cfg(test)]
pub(crate) fn times_prepared_again(sql: &str, run: impl Fn(&Connection, usize)) -> i32 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chime.db");
    drop(Store::open(&path).unwrap());
    let conn = connect(&path).unwrap();
    for limit in [1, 5, 2] {
        run(&conn, limit);
    }
    let stmt = conn.prepare_cached(sql).unwrap();
    stmt.get_status(rusqlite::StatementStatus::RePrepare)
}

/// For tests: the plan SQLite makes for `sql`, its steps joined by "; ",
/// with `args` bound to its first parameters and any after them NULL.
#[cfg(test)]
pub(crate) fn query_plan(
    c: &Connection,
    sql: &str,
    args: &[rusqlite::types::Value],
) -> rusqlite::Result<String> {
    let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let unbound = stmt.parameter_count().saturating_sub(args.len());
    let values = args
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(rusqlite::types::Value::Null, unbound));
    let steps = stmt.query_map(rusqlite::params_from_iter(values), |r| {
        r.get::<_, String>(3)
    })?;
    Ok(steps.collect::<rusqlite::Result<Vec<_>>>()?.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_start_of_an_id_finds_it_and_an_ambiguous_one_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        store
            .write(Utc::now(), |tx| {
                for id in ["abcd1111-0000-4000-8000-000000000001", "abcd2222-0000-4000-8000-000000000002"] {
                    tx.sql.execute(
                        "INSERT INTO jobs (id, state, request, options, args, scheduled_at, inserted_at, updated_at)
                         VALUES (?1, 'scheduled', '{}', '{}', '{}', 0, 0, 0)",
                        [id],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let find = |prefix: &str| store.read(|c| id_by_prefix(c, jobs::IDS, prefix, "job"));
        assert_eq!(
            find("abcd1").unwrap().as_deref(),
            Some("abcd1111-0000-4000-8000-000000000001")
        );
        assert_eq!(
            find("ABCD2222").unwrap().as_deref(),
            Some("abcd2222-0000-4000-8000-000000000002")
        );
        let Err(Error::Invalid(e)) = find("abcd") else {
            panic!("abcd starts two ids")
        };
        assert_eq!(e.field, "id");
        assert!(e.message.contains("more than one job"), "{}", e.message);
        // Too short, not hex, or a whole id: not a prefix.
        for not_a_prefix in ["abc", "abcd-zz", "abcd1111-0000-4000-8000-000000000001"] {
            assert_eq!(find(not_a_prefix).unwrap(), None, "{not_a_prefix}");
        }
        assert_eq!(find("ffff").unwrap(), None);
    }

    /// How many lookup tables (`OpenEphemeral`) the program SQLite compiles
    /// for `sql` builds: each is a b-tree made and freed every time the
    /// statement runs.
    fn lookup_tables(conn: &Connection, sql: &str) -> usize {
        let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
        let ops = stmt.query_map([], |r| r.get::<_, String>(1)).unwrap();
        ops.map(Result::unwrap)
            .filter(|op| op == "OpenEphemeral")
            .count()
    }

    #[test]
    fn writing_a_row_builds_no_lookup_table_for_a_check_or_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        store
            .read(|c| {
                // Tables of Chime's own, not FTS5's shadow tables.
                let tables: Vec<String> = c
                    .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                assert!(tables.contains(&"jobs".to_string()), "{tables:?}");
                for table in tables {
                    let columns: Vec<String> = c
                        .prepare("SELECT name FROM pragma_table_info(?1)")?
                        .query_map([&table], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    let insert = format!("INSERT INTO {table} DEFAULT VALUES");
                    assert_eq!(lookup_tables(c, &insert), 0, "{insert}");
                    for column in columns {
                        let update = format!("UPDATE {table} SET {column} = {column} WHERE rowid = 1");
                        assert_eq!(lookup_tables(c, &update), 0, "{update}");
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn jobs_copied_for_their_check_keep_their_rows_and_never_give_a_seq_twice() {
        let mut conn = Connection::open_in_memory().unwrap();
        let (before, after) = MIGRATIONS.split_at(9);
        assert_eq!(after[0].1, "checks_without_lists");
        for (_, _, sql) in before {
            conn.execute_batch(sql).unwrap();
        }
        let job = "INSERT INTO jobs (id, state, request, options, args, scheduled_at, inserted_at, updated_at)
                   VALUES (?1, 'completed', '{}', '{}', '{}', 0, 0, 0)";
        for id in ["a", "b", "c"] {
            conn.execute(job, [id]).unwrap();
        }
        conn.execute(
            "INSERT INTO attempts (job_seq, attempt, started_at, finished_at, duration_ms, outcome)
             VALUES (1, 1, 0, 5, 5, 'success')",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM jobs WHERE id = 'c'", []).unwrap();
        let schema = |conn: &Connection| -> Vec<(String, String, String)> {
            let sql = "SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name";
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
            rows.unwrap().map(Result::unwrap).collect()
        };
        let copied_from = schema(&conn);
        let tx = conn.transaction().unwrap();
        tx.execute_batch(after[0].2).unwrap();
        tx.commit().unwrap();
        assert_eq!(
            schema(&conn),
            copied_from,
            "every index and trigger made again"
        );

        conn.execute(job, ["d"]).unwrap();
        let seqs: Vec<(i64, String)> = conn
            .prepare("SELECT seq, id FROM jobs ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected = [(1, "a"), (2, "b"), (4, "d")].map(|(s, id)| (s, id.to_string()));
        assert_eq!(seqs, expected, "the deleted job's seq 3 is not given again");
        let outcome: String = conn
            .query_row("SELECT outcome FROM attempts WHERE job_seq = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(outcome, "success");
        let refused = |sql: &str| conn.execute(sql, []).unwrap_err().to_string();
        assert!(refused("UPDATE jobs SET state = 'done'").contains("CHECK constraint failed"));
        assert!(refused("UPDATE attempts SET outcome = 'ok'").contains("CHECK constraint failed"));
    }

    #[test]
    fn opening_twice_applies_migrations_once_and_keeps_the_file_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chime.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let versions: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(versions, MIGRATIONS.len() as i64);
        // A migration file that is not in the list would never be applied.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/migrations"))
            .unwrap()
            .count();
        assert_eq!(
            files,
            MIGRATIONS.len(),
            "every migration file is listed in MIGRATIONS"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
