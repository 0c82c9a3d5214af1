//! The store's VFS: SQLite's own unix VFS, except that the write-ahead log's
//! frames go to the file in one call a commit instead of two calls a page,
//! and a log that grows is laid with zeros ahead of its frames, so that a
//! commit's sync seldom has a new length to make durable (`ZEROS_AHEAD`).
//!
//! SQLite writes each frame of a commit as its 24-byte header and then its
//! page, each with a `pwrite`, and then syncs the log: a create's commit of
//! 13 pages made 26 calls into the kernel before its `fsync`, which was most
//! of the writer's time in the create workload (BENCHMARKS.md, "3 December
//! 2026, evening": 80 µs of kernel time a commit against 51 µs for one write
//! of the same bytes). Here the log's writes that follow one another are
//! gathered in memory and written in one call before anything else touches
//! the file: before its sync, a read, a truncate, its size, a file control,
//! or its close. The bytes reach the file in the order SQLite wrote them.
//!
//! Why this keeps SQLite's guarantees: a commit's frames become visible to
//! other connections only when the writer updates the log's index, which it
//! does after syncing the log (`synchronous = FULL`, set on every connection
//! by `store::connect`), and the sync writes the gathered frames first. A
//! kill before the sync loses only frames that were not yet committed, as a
//! crash before SQLite's own writes would. Every other file (the database,
//! its shared-memory index) is SQLite's unix file itself, untouched.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::mem::size_of;
use std::ptr;
use std::sync::OnceLock;

use rusqlite::ffi::{self, sqlite3_file, sqlite3_int64, sqlite3_io_methods, sqlite3_vfs};

/// The name connections open the store with.
pub const NAME: &str = "chime";
const NAME_C: &CStr = c"chime";

/// The most the unix file writes in one call (its `seekAndWriteFd` masks a
/// length with 0x1ffff: 128 KiB would be written as nothing, and answered as
/// a full disk). A commit of more is written in calls of up to this.
const MOST_IN_ONE_WRITE: usize = 0x1ffff;

/// Registers the VFS (once, process-wide) and answers whether it is there;
/// if SQLite refused it, the store opens on the unix VFS as before.
pub fn register() -> bool {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    *REGISTERED.get_or_init(|| {
        // SAFETY: sqlite3_vfs_find with a null name answers the default VFS
        // (unix), which lives as long as the process; the VFS registered here
        // is leaked, so it does too, as SQLite requires.
        unsafe {
            let unix = ffi::sqlite3_vfs_find(ptr::null());
            if unix.is_null() {
                return false;
            }
            let vfs = Box::leak(Box::new(sqlite3_vfs {
                szOsFile: (*unix).szOsFile + size_of::<LogFile>() as c_int,
                pNext: ptr::null_mut(),
                zName: NAME_C.as_ptr(),
                xOpen: Some(open),
                ..*unix
            }));
            UNIX.get_or_init(|| Unix(unix));
            ffi::sqlite3_vfs_register(vfs, 0) == ffi::SQLITE_OK
        }
    })
}

/// SQLite's unix VFS, which does the work.
struct Unix(*mut sqlite3_vfs);
// SAFETY: a registered VFS is immutable and shared by every thread in SQLite.
unsafe impl Send for Unix {}
unsafe impl Sync for Unix {}
static UNIX: OnceLock<Unix> = OnceLock::new();

/// How far past the log's end a write that grows it lays down zeros, so
/// that the commits after it write into blocks the file already has.
///
/// A sync after a write that grows a file must also make its new length and
/// blocks durable (on ext4, a journal commit). On this machine a commit's
/// sync took 216 µs on average where each grew the log, 132 µs into blocks
/// written before (`bench/log_sync.py`, which reproduces these). Blocks
/// reserved with `fallocate` are no cheaper (221 µs: they are marked
/// unwritten until written). One write of zeros a MiB brought the average
/// to 161 µs (a quarter MiB: 169 µs; 4 MiB: 270 µs, its one slow sync larger
/// than what the others save). PostgreSQL fills its log's segments with
/// zeros for the same reason.
///
/// The zeros are never a frame (a frame is valid only with the log's salt
/// and checksums), so recovery stops at them as it stops at the end of a
/// file, and they lie past every frame written: a log grows only at its end.
const ZEROS_AHEAD: i64 = 1 << 20;

/// A log file: SQLite's unix file (`real`, in the bytes that follow this
/// struct in SQLite's allocation) and the writes gathered for it.
#[repr(C)]
struct LogFile {
    base: sqlite3_file,
    real: *mut sqlite3_file,
    /// The offset of `gathered`'s first byte in the file.
    at: i64,
    gathered: Vec<u8>,
    /// The file's length, as far as this connection wrote or truncated it
    /// (none until asked): the end of the zeros laid ahead of the log.
    length: Option<i64>,
}

static LOG_METHODS: sqlite3_io_methods = sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: Some(fetch),
    xUnfetch: Some(unfetch),
};

/// Opens every file as unix does; a log file is wrapped to gather its writes.
unsafe extern "C" fn open(
    _vfs: *mut sqlite3_vfs,
    name: *const c_char,
    file: *mut sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let Some(Unix(unix)) = UNIX.get() else {
        return ffi::SQLITE_ERROR;
    };
    let unix = *unix;
    let Some(xopen) = (*unix).xOpen else {
        return ffi::SQLITE_ERROR;
    };
    if flags & ffi::SQLITE_OPEN_WAL == 0 {
        // SQLite's own file, in SQLite's own allocation (larger than it needs).
        return xopen(unix, name, file, flags, out_flags);
    }
    let log = file.cast::<LogFile>();
    let real = file.cast::<u8>().add(size_of::<LogFile>()).cast();
    let rc = xopen(unix, name, real, flags, out_flags);
    if rc != ffi::SQLITE_OK {
        (*file).pMethods = ptr::null();
        return rc;
    }
    ptr::write(
        log,
        LogFile {
            base: sqlite3_file {
                pMethods: &LOG_METHODS,
            },
            real,
            at: 0,
            gathered: Vec::new(),
            length: None,
        },
    );
    ffi::SQLITE_OK
}

/// The log file behind SQLite's handle.
unsafe fn as_log<'a>(file: *mut sqlite3_file) -> &'a mut LogFile {
    &mut *file.cast::<LogFile>()
}

/// Calls the unix file's own method (each is there: a missing one answers
/// an I/O error rather than unwinding into SQLite).
macro_rules! unix {
    ($log:expr, $method:ident $(, $arg:expr)*) => {{
        let log: &LogFile = $log;
        match (*(*log.real).pMethods).$method {
            Some(f) => f(log.real $(, $arg)*),
            None => ffi::SQLITE_IOERR,
        }
    }};
}

/// Writes what was gathered, then calls the unix file's method.
macro_rules! flushed {
    ($file:expr, $method:ident $(, $arg:expr)*) => {{
        let log = as_log($file);
        match flush(log) {
            ffi::SQLITE_OK => unix!(log, $method $(, $arg)*),
            failed => failed,
        }
    }};
}

/// Writes what was gathered, in one call (or a few, past the most one
/// writes), and zeros after it when it grew the file.
unsafe fn flush(log: &mut LogFile) -> c_int {
    if log.gathered.is_empty() {
        return ffi::SQLITE_OK;
    }
    let end = log.at + log.gathered.len() as i64;
    let rc = write_all(log, &log.gathered, log.at);
    log.gathered.clear();
    match rc {
        ffi::SQLITE_OK => zeros_ahead(log, end),
        failed => failed,
    }
}

/// Writes `bytes` at `at`, in calls of at most MOST_IN_ONE_WRITE.
unsafe fn write_all(log: &LogFile, bytes: &[u8], mut at: i64) -> c_int {
    for chunk in bytes.chunks(MOST_IN_ONE_WRITE) {
        let n = chunk.len() as c_int;
        let rc = unix!(log, xWrite, chunk.as_ptr().cast(), n, at);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        at += i64::from(n);
    }
    ffi::SQLITE_OK
}

/// After a write that ended at `end`: if it reached the file's end (asked
/// of the file the first time), ZEROS_AHEAD of zeros past it.
///
/// The zeros only make later syncs cheaper, so a disk with no room for them
/// still takes the commit: what zeros fit are written (the frames that
/// follow fill them), and the length is asked again at the next flush.
unsafe fn zeros_ahead(log: &mut LogFile, end: i64) -> c_int {
    let length = match log.length {
        Some(length) => length,
        None => {
            let mut size: sqlite3_int64 = 0;
            let rc = unix!(log, xFileSize, &mut size);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
            size
        }
    };
    if end < length {
        log.length = Some(length);
        return ffi::SQLITE_OK;
    }
    // A MiB of zeros is 16 writes of 64 KiB, kept in the program (64 KiB
    // of it, where a MiB would be a MiB of the binary) and never allocated.
    static ZEROS: [u8; 64 << 10] = [0; 64 << 10];
    log.length = Some(end + ZEROS_AHEAD);
    for at in (end..end + ZEROS_AHEAD).step_by(ZEROS.len()) {
        if no_room_for_zeros() || write_all(log, &ZEROS, at) != ffi::SQLITE_OK {
            log.length = None;
            break;
        }
    }
    ffi::SQLITE_OK
}

#[cfg(test)]
thread_local! {
    /// For tests: the zeros' writes fail on this thread, as on a full disk.
    static NO_ROOM_FOR_ZEROS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn no_room_for_zeros() -> bool {
    #[cfg(test)]
    return NO_ROOM_FOR_ZEROS.get();
    #[cfg(not(test))]
    false
}

unsafe extern "C" fn write(
    file: *mut sqlite3_file,
    data: *const c_void,
    amount: c_int,
    offset: sqlite3_int64,
) -> c_int {
    let log = as_log(file);
    let bytes = std::slice::from_raw_parts(data.cast::<u8>(), amount.max(0) as usize);
    let follows = log.at + log.gathered.len() as i64 == offset;
    if !follows || log.gathered.len() + bytes.len() > MOST_IN_ONE_WRITE {
        let rc = flush(log);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    if log.gathered.is_empty() {
        log.at = offset;
    }
    log.gathered.extend_from_slice(bytes);
    ffi::SQLITE_OK
}

/// Closes the unix file even when the last write failed: SQLite never
/// closes a file twice.
unsafe extern "C" fn close(file: *mut sqlite3_file) -> c_int {
    let log = as_log(file);
    let flushed = flush(log);
    let closed = unix!(log, xClose);
    ptr::drop_in_place(&mut log.gathered);
    if flushed == ffi::SQLITE_OK {
        closed
    } else {
        flushed
    }
}

unsafe extern "C" fn read(
    file: *mut sqlite3_file,
    data: *mut c_void,
    amount: c_int,
    offset: sqlite3_int64,
) -> c_int {
    flushed!(file, xRead, data, amount, offset)
}

unsafe extern "C" fn truncate(file: *mut sqlite3_file, size: sqlite3_int64) -> c_int {
    let rc = flushed!(file, xTruncate, size);
    as_log(file).length = (rc == ffi::SQLITE_OK).then_some(size);
    rc
}

unsafe extern "C" fn sync(file: *mut sqlite3_file, flags: c_int) -> c_int {
    flushed!(file, xSync, flags)
}

unsafe extern "C" fn file_size(file: *mut sqlite3_file, size: *mut sqlite3_int64) -> c_int {
    flushed!(file, xFileSize, size)
}

unsafe extern "C" fn file_control(file: *mut sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    flushed!(file, xFileControl, op, arg)
}

unsafe extern "C" fn fetch(
    file: *mut sqlite3_file,
    offset: sqlite3_int64,
    amount: c_int,
    out: *mut *mut c_void,
) -> c_int {
    flushed!(file, xFetch, offset, amount, out)
}

// What touches no bytes of the log goes straight to the unix file.

unsafe extern "C" fn unfetch(
    file: *mut sqlite3_file,
    offset: sqlite3_int64,
    p: *mut c_void,
) -> c_int {
    unix!(as_log(file), xUnfetch, offset, p)
}

unsafe extern "C" fn lock(file: *mut sqlite3_file, level: c_int) -> c_int {
    unix!(as_log(file), xLock, level)
}

unsafe extern "C" fn unlock(file: *mut sqlite3_file, level: c_int) -> c_int {
    unix!(as_log(file), xUnlock, level)
}

unsafe extern "C" fn check_reserved_lock(file: *mut sqlite3_file, out: *mut c_int) -> c_int {
    unix!(as_log(file), xCheckReservedLock, out)
}

unsafe extern "C" fn sector_size(file: *mut sqlite3_file) -> c_int {
    unix!(as_log(file), xSectorSize)
}

unsafe extern "C" fn device_characteristics(file: *mut sqlite3_file) -> c_int {
    unix!(as_log(file), xDeviceCharacteristics)
}

unsafe extern "C" fn shm_map(
    file: *mut sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unix!(as_log(file), xShmMap, region, size, extend, out)
}

unsafe extern "C" fn shm_lock(
    file: *mut sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    unix!(as_log(file), xShmLock, offset, n, flags)
}

unsafe extern "C" fn shm_barrier(file: *mut sqlite3_file) {
    let log = as_log(file);
    if let Some(f) = (*(*log.real).pMethods).xShmBarrier {
        f(log.real);
    }
}

unsafe extern "C" fn shm_unmap(file: *mut sqlite3_file, delete: c_int) -> c_int {
    unix!(as_log(file), xShmUnmap, delete)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use rusqlite::Connection;

    fn count_and_sum(conn: &Connection) -> (i64, i64) {
        conn.query_row(
            "SELECT count(*), sum(length(v) + (v GLOB 'y*')) FROM t",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    fn open(path: &Path) -> Connection {
        crate::store::connect(path).unwrap()
    }

    /// A new database at `dir` with a table `t`, and its writer.
    fn a_table(dir: &Path) -> (PathBuf, Connection) {
        assert!(super::register());
        let path = dir.join("chime.db");
        std::fs::File::create(&path).unwrap();
        let writer = open(&path);
        writer
            .execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .unwrap();
        (path, writer)
    }

    /// `n` rows of 500 bytes, a commit each.
    fn insert(writer: &Connection, n: i64) {
        for _ in 0..n {
            writer
                .execute("INSERT INTO t (v) VALUES (?1)", ["x".repeat(500)])
                .unwrap();
        }
    }

    /// The log's length and where its frames end (SQLite's own count of
    /// them: a passive checkpoint answers it, and copies what it can).
    fn log_and_frames(conn: &Connection, path: &Path) -> (i64, i64) {
        let frames: i64 = conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap();
        let length = std::fs::metadata(path.with_extension("db-wal"))
            .unwrap()
            .len();
        (length as i64, 32 + frames * (4096 + 24))
    }

    /// The log holds zeros past its frames, at most ZEROS_AHEAD of them.
    fn assert_zeros_ahead(conn: &Connection, path: &Path) {
        let (length, frames_end) = log_and_frames(conn, path);
        assert!(
            length > frames_end && length <= frames_end + super::ZEROS_AHEAD,
            "log {length} B, frames to {frames_end}"
        );
    }

    /// The log is laid with a MiB of zeros past its frames as it grows, and
    /// again after it is truncated; a copy of the files taken while the
    /// writer is open, as a crash leaves them, opens with every commit and
    /// sound: recovery stops at the zeros as at the end of a file.
    #[test]
    fn the_log_has_zeros_ahead_and_a_crash_keeps_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = a_table(dir.path());
        insert(&writer, 100);
        assert_zeros_ahead(&writer, &path);
        writer
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        insert(&writer, 1);
        assert_zeros_ahead(&writer, &path);
        // Past the first MiB, with the log restarted by the checkpoint above.
        insert(&writer, 3_000);
        let crashed = tempfile::tempdir().unwrap();
        for name in ["chime.db", "chime.db-wal"] {
            std::fs::copy(dir.path().join(name), crashed.path().join(name)).unwrap();
        }
        let again = open(&crashed.path().join("chime.db"));
        let check: String = again
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        assert_eq!(count_and_sum(&again), (3_101, 3_101 * 500));
    }

    /// A disk with no room for the zeros still takes every commit (they only
    /// make syncs cheaper), and they are laid at the next flush that can.
    #[test]
    fn a_log_with_no_room_for_its_zeros_still_commits() {
        let dir = tempfile::tempdir().unwrap();
        super::NO_ROOM_FOR_ZEROS.set(true);
        let (path, writer) = a_table(dir.path());
        insert(&writer, 50);
        let (length, frames_end) = log_and_frames(&writer, &path);
        assert_eq!(length, frames_end, "no zeros past the frames");
        // Past the log's end again (the checkpoint above restarts it).
        super::NO_ROOM_FOR_ZEROS.set(false);
        insert(&writer, 100);
        assert_zeros_ahead(&writer, &path);
        assert_eq!(count_and_sum(&writer), (150, 150 * 500));
    }

    /// Gathered frames reach the log before another connection reads their
    /// commit and before the writer reads them back, through a transaction
    /// larger than one write takes and whose spilled pages are written
    /// again before it commits; and the file, reopened, holds every commit,
    /// sound.
    #[test]
    fn every_commit_is_read_by_another_connection_and_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = a_table(dir.path());
        let reader = open(&path);
        for i in 1..=200 {
            insert(&writer, 1);
            assert_eq!(count_and_sum(&reader), (i, i * 500));
        }
        // 20 pages of cache: the big transaction spills to the log, reads
        // every page back (the last spilled from frames still gathered),
        // and writes spilled pages again.
        writer
            .execute_batch(
                "PRAGMA cache_size = 20;
                 BEGIN;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                   INSERT INTO t (v) SELECT printf('%.*c', 1000, 'x') FROM n;",
            )
            .unwrap();
        assert_eq!(count_and_sum(&writer), (5200, 200 * 500 + 5000 * 1000));
        writer
            .execute_batch(
                "UPDATE t SET v = 'y' || substr(v, 2) WHERE k % 2 = 0;
                 COMMIT;",
            )
            .unwrap();
        let expected = (5200, 200 * 500 + 5000 * 1000 + 2600);
        assert_eq!(count_and_sum(&reader), expected);
        drop(reader);
        drop(writer);
        let again = open(&path);
        let check: String = again
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        assert_eq!(count_and_sum(&again), expected);
    }
}
