//! WAL checkpoints on a thread of their own. SQLite's automatic checkpoint
//! runs inside the commit that crosses its threshold, so one write in a burst
//! stalls for tens of milliseconds while the log is copied into the database,
//! and every claim and record queued behind the writer waits too. Here the
//! writer only reports how long the log has grown; a separate connection
//! copies it back (PASSIVE: it never blocks the writer or readers), and the
//! log restarts from its beginning at the first write after a complete copy.
//!
//! Under a stream of writes no copy is ever complete when the next write
//! starts, so the log would never restart: a 100,000-job burst grew it to
//! 1.8 GB, and every read slowed as it searched the log. Past a cap the
//! writer restarts the log itself, between two commits: it copies only the
//! frames written since the thread's last copy, and waits a moment at most
//! for readers still on an older snapshot.

use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;

/// Pages (4 KiB) the log may grow past the last checkpoint before the next
/// one starts: SQLite's own default, so the log stays as small as before.
const PAGES_PER_CHECKPOINT: i32 = 1_000;

/// The log's length in pages (about 64 MB) past which the writer restarts
/// it (`TRUNCATE`: its file goes back to empty).
#[cfg(not(test))]
const PAGES_BEFORE_RESTART: i64 = 16_000;
#[cfg(test)]
const PAGES_BEFORE_RESTART: i64 = 3_000;

/// How long a restart waits for readers on an older snapshot.
const RESTART_WAIT: Duration = Duration::from_millis(200);

thread_local! {
    /// The log's length in pages after the last commit on this thread. The
    /// hook below sets it inside `COMMIT`; the writer reads it right after,
    /// on the same thread, so no other store's commit can come between.
    static WAL_PAGES: Cell<i32> = const { Cell::new(0) };
}

fn note_wal_pages(_wal: &rusqlite::hooks::Wal, pages: std::os::raw::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.with(|p| p.set(pages));
    Ok(())
}

/// Turns off the automatic checkpoint on the writer and has it report the
/// log's length after each commit instead.
pub fn hand_over(writer: &Connection) -> Result<()> {
    // Setting the pragma replaces any hook, so it comes first.
    writer.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
    writer.wal_hook(Some(note_wal_pages));
    Ok(())
}

/// The writer's side: asks for a checkpoint when the log has grown enough.
pub struct Checkpointer {
    ask: SyncSender<()>,
    /// The log's length when the last checkpoint was asked for.
    asked_at: AtomicI32,
    /// The log's length before which a restart that found a reader is not
    /// tried again.
    retry_at: AtomicI32,
}

impl Checkpointer {
    /// Starts the thread that checkpoints the database at `path`; it ends
    /// when the `Checkpointer` is dropped.
    pub fn start(path: &Path) -> Result<Checkpointer> {
        let conn = super::connect(path)?;
        let (ask, asked) = sync_channel(1);
        std::thread::Builder::new()
            .name("chime-checkpoint".into())
            .spawn(move || run(conn, asked))
            .map_err(|e| crate::error::Error::io("cannot start the checkpoint thread", e))?;
        Ok(Checkpointer {
            ask,
            asked_at: AtomicI32::new(0),
            retry_at: AtomicI32::new(0),
        })
    }

    /// Called by the writer after each commit, on the committing thread,
    /// with its connection (outside any transaction).
    pub fn after_commit(&self, writer: &Connection) {
        let pages = WAL_PAGES.with(Cell::take);
        if i64::from(pages) > PAGES_BEFORE_RESTART {
            // Past the cap the writer restarts the log itself, and asks the
            // thread for no copy: SQLite refuses a checkpoint while another
            // runs, at once, without a busy wait. A copy asked every 1,000
            // pages held the lock at every try of a restart put off by 1,000
            // pages, and the log grew past 3 times its cap under load.
            if pages >= self.retry_at.load(Ordering::Relaxed) {
                self.restart(writer, pages);
            }
            return;
        }
        // Only the writer, holding its lock, gets here: Relaxed is enough.
        let asked_at = self.asked_at.load(Ordering::Relaxed);
        // A log shorter than at the last ask has restarted from its beginning.
        let grown = if pages < asked_at {
            pages
        } else {
            pages - asked_at
        };
        if grown < PAGES_PER_CHECKPOINT {
            return;
        }
        match self.ask.try_send(()) {
            // Full: one is already asked for, and will see these pages too.
            Ok(()) | Err(TrySendError::Full(())) => self.asked_at.store(pages, Ordering::Relaxed),
            Err(TrySendError::Disconnected(())) => {}
        }
    }

    /// Copies what is left of the log and restarts it. A reader on an older
    /// snapshot is waited for briefly; if it is still there, the next try
    /// comes once the log has grown a little more, so a slow reader never
    /// stalls every commit.
    fn restart(&self, writer: &Connection, pages: i32) {
        let _ = writer.busy_timeout(RESTART_WAIT);
        match checkpoint(writer, "TRUNCATE") {
            Ok(busy) if busy != 0 => self
                .retry_at
                .store(pages + PAGES_PER_CHECKPOINT, Ordering::Relaxed),
            Ok(_) => {
                self.asked_at.store(0, Ordering::Relaxed);
                self.retry_at.store(0, Ordering::Relaxed);
            }
            Err(e) => tracing::warn!("restarting the database's log failed (it is retried): {e}"),
        }
        let _ = writer.busy_timeout(super::BUSY_TIMEOUT);
    }
}

fn run(conn: Connection, asked: Receiver<()>) {
    while asked.recv().is_ok() {
        if let Err(e) = checkpoint(&conn, "PASSIVE") {
            tracing::warn!("checkpointing the database failed (it is retried): {e}");
        }
    }
}

/// Copies the log into the database in `mode`; whether a reader or writer
/// kept it from finishing (SQLite's `busy` column).
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::event::{Payload, Updated};
    use crate::store::{NewEvent, Store};

    use super::*;

    /// A checkpointer with no thread: what it asks for stays in the channel.
    fn checkpointer() -> (Checkpointer, Receiver<()>) {
        let (ask, asked) = sync_channel(1);
        let checkpointer = Checkpointer {
            ask,
            asked_at: AtomicI32::new(0),
            retry_at: AtomicI32::new(0),
        };
        (checkpointer, asked)
    }

    /// A commit that leaves the log `pages` long.
    fn commit(c: &Checkpointer, writer: &Connection, pages: i64) {
        WAL_PAGES.with(|p| p.set(i32::try_from(pages).unwrap()));
        c.after_commit(writer);
    }

    /// Past the cap, while a refused restart waits for its next try, the
    /// writer asks the thread for no copy: a running copy would refuse that
    /// try too. Below the cap it asks as before.
    #[test]
    fn past_the_cap_no_copy_is_asked_for() {
        let writer = Connection::open_in_memory().unwrap();
        let (c, asked) = checkpointer();
        let cap = PAGES_BEFORE_RESTART;
        c.retry_at
            .store(i32::try_from(cap + 1_000).unwrap(), Ordering::Relaxed);
        commit(&c, &writer, cap + 500);
        assert!(
            asked.try_recv().is_err(),
            "a copy was asked for past the cap"
        );
        commit(&c, &writer, i64::from(PAGES_PER_CHECKPOINT));
        assert!(
            asked.try_recv().is_ok(),
            "below the cap a copy is asked for"
        );
    }

    /// One commit of an event of about a page (3,000 bytes).
    fn write_a_page(store: &Store) {
        let filler = "x".repeat(3_000);
        store
            .write(chrono::Utc::now(), move |tx| {
                tx.emit(NewEvent {
                    job: None,
                    schedule_id: None,
                    attempt: None,
                    payload: Payload::Updated(Updated {
                        changed: vec![filler],
                        scheduled_at: chrono::Utc::now(),
                        reason: None,
                    }),
                })
            })
            .unwrap();
    }

    /// The writer no longer checkpoints in its commits, so the database file
    /// only grows if the checkpoint thread copies the log into it.
    #[test]
    fn the_log_is_copied_into_the_database_off_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chime.db");
        let store = Store::open(&path).unwrap();
        let db_pages = || std::fs::metadata(&path).unwrap().len() / 4096;
        let before = db_pages();
        for _ in 0..3 * super::PAGES_PER_CHECKPOINT {
            write_a_page(&store);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while db_pages() < before + super::PAGES_PER_CHECKPOINT as u64 {
            assert!(
                Instant::now() < deadline,
                "the database file is still {} pages: nothing was checkpointed",
                db_pages()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A stream of writes with no pause never lets a copy finish before the
    /// next write; the log is restarted at its cap all the same.
    #[test]
    fn a_stream_of_writes_keeps_the_log_near_its_cap() {
        // On a tmpfs, so thousands of synced commits take a second, not a minute.
        let dir = tempfile::tempdir_in("/dev/shm").unwrap();
        let path = dir.path().join("chime.db");
        let store = Store::open(&path).unwrap();
        let wal_pages =
            || std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len() / 4096);
        let mut longest = 0;
        for _ in 0..4 * super::PAGES_BEFORE_RESTART {
            write_a_page(&store);
            longest = longest.max(wal_pages());
        }
        let written = std::fs::metadata(&path).unwrap().len() / 4096;
        assert!(
            written > 2 * super::PAGES_BEFORE_RESTART as u64,
            "the test wrote {written} pages, more than the cap twice over"
        );
        // The cap, and what is written while a restart waits its turn.
        let bound = 2 * super::PAGES_BEFORE_RESTART as u64;
        assert!(
            longest < bound,
            "the log reached {longest} pages (cap {})",
            super::PAGES_BEFORE_RESTART
        );
    }
}
