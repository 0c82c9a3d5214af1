//! Damage: found at start, before anything is written, and mended by
//! copying what can still be read into a new database beside the damaged
//! one, which is kept.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// How long the check at start may take: a quick look, not a full scan of a
/// large history (SQLite's `quick_check` reads every page).
pub const CHECK_BUDGET: Duration = Duration::from_secs(3);

/// What the check at start found.
#[derive(Debug, PartialEq)]
pub enum Health {
    Sound,
    /// The file is larger than the budget allows to read at start.
    Unchecked,
    Damaged(String),
}

/// `PRAGMA quick_check` on `conn`, table by table with their indexes,
/// stopped after `budget`. The search indexes' own consistency check (FTS5's,
/// which walks every trigram: 200 of the 450 ms a check took beside 100,000
/// schedules) is left to `chime doctor`; their pages are still read here, as
/// the tables that hold them.
pub fn check(conn: &Connection, budget: Duration) -> Result<Health> {
    verdict(conn, budget, |conn| {
        let tables = lines(
            conn,
            "SELECT name FROM sqlite_schema
             WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'",
        )?;
        let mut found = Vec::new();
        for table in tables {
            let pragma = format!("PRAGMA quick_check('{}')", table.replace('\'', "''"));
            found.extend(problems_in(conn, &pragma)?);
        }
        Ok(found)
    })
}

/// The whole file, search indexes and unused pages included (`chime doctor`).
fn check_all(conn: &Connection, budget: Duration) -> Result<Health> {
    verdict(conn, budget, |conn| {
        problems_in(conn, "PRAGMA quick_check(5)")
    })
}

/// What a `quick_check` pragma reported other than "ok".
fn problems_in(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    Ok(lines(conn, pragma)?
        .into_iter()
        .filter(|l| l != "ok")
        .collect())
}

/// The first column of every row `sql` answers, as text.
fn lines(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect()
}

/// Runs `problems` (what a check found wrong, nothing when sound) with a
/// deadline, and reads a verdict from what it found or how it failed.
fn verdict(
    conn: &Connection,
    budget: Duration,
    problems: impl FnOnce(&Connection) -> rusqlite::Result<Vec<String>>,
) -> Result<Health> {
    let deadline = Instant::now() + budget;
    conn.progress_handler(1_000, Some(move || Instant::now() > deadline));
    let found = problems(conn);
    conn.progress_handler(0, None::<fn() -> bool>);
    match found {
        Ok(problems) if problems.is_empty() => Ok(Health::Sound),
        Ok(problems) => Ok(Health::Damaged(problems.join("; "))),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            Ok(Health::Unchecked)
        }
        Err(rusqlite::Error::SqliteFailure(e, detail))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            Ok(Health::Damaged(detail.unwrap_or_else(|| e.to_string())))
        }
        Err(e) => Err(e.into()),
    }
}

/// A full check of the database at `path`, opened read-only (for
/// `chime doctor`, which has time to read every page).
pub fn examine(path: &Path) -> Result<Health> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::Damaged(format!("{} cannot be opened: {e}", path.display())))?;
    match check_all(&conn, Duration::from_secs(3600)) {
        Err(Error::Store(e)) => Ok(Health::Damaged(e.to_string())),
        other => other,
    }
}

/// The error that stops a start on a damaged file, with what to do.
pub fn damaged(path: &Path, detail: &str) -> Error {
    Error::Damaged(format!(
        "the database {} is damaged ({detail}); Chime has not written to it. \
         Run `chime doctor` to copy what can be read into a new database \
         (the damaged file is kept beside it), or put back a backup of it",
        path.display()
    ))
}

/// What `chime doctor` did, table by table.
#[derive(Debug, Default, serde::Serialize)]
pub struct Repair {
    /// Where the damaged file was moved.
    pub kept: PathBuf,
    /// (table, rows copied, rows lost)
    pub tables: Vec<(String, u64, u64)>,
}

/// The tables copied, parents first (jobs refer to schedules, attempts and
/// events to jobs).
const TABLES: &[&str] = &[
    "settings",
    "schedules",
    "jobs",
    "runs",
    "attempts",
    "events",
    "deliveries",
];

/// The columns that hold JSON, by table. Damage inside a value (a row whose
/// text spills onto a damaged page) reads back without an error from
/// SQLite; its JSON no longer parses, and Chime could not read the row.
const JSON_COLUMNS: &[(&str, &[&str])] = &[
    ("settings", &["value"]),
    (
        "schedules",
        &["request", "options", "args", "state", "previous"],
    ),
    ("jobs", &["request", "options", "args"]),
    ("events", &["payload", "request", "finished"]),
    ("deliveries", &["body"]),
];

/// Whether each JSON column of a row of `table` still parses.
fn sound(table: &str, columns: &[String], row: &[rusqlite::types::Value]) -> bool {
    let json = JSON_COLUMNS
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[][..], |(_, c)| *c);
    columns.iter().zip(row).all(|(name, value)| match value {
        rusqlite::types::Value::Text(text) if json.contains(&name.as_str()) => {
            serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        }
        _ => true,
    })
}

/// Copies what can be read of the database at `path` into a new one made by
/// this build's migrations, then puts the new one in its place and keeps the
/// damaged one as `<name>.damaged-<unix time>`. Chime must not be running.
pub fn repair(path: &Path) -> Result<Repair> {
    let fresh = path.with_extension("db.repairing");
    let _ = std::fs::remove_file(&fresh);
    super::Store::create(&fresh)?;
    let conn = Connection::open(&fresh)?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let damaged = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut repair = Repair::default();
    for table in TABLES {
        let (copied, lost) = copy_table(&damaged, &conn, table)?;
        repair.tables.push((table.to_string(), copied, lost));
    }
    drop((conn, damaged));
    let stamp = chrono::Utc::now().timestamp();
    repair.kept = path.with_extension(format!("db.damaged-{stamp}"));
    std::fs::rename(path, &repair.kept)
        .map_err(|e| Error::io("cannot keep the damaged file", e))?;
    for side in ["-wal", "-shm"] {
        let side_file = PathBuf::from(format!("{}{side}", path.display()));
        let _ = std::fs::rename(&side_file, format!("{}{side}", repair.kept.display()));
    }
    std::fs::rename(&fresh, path)
        .map_err(|e| Error::io("cannot put the repaired file in place", e))?;
    Ok(repair)
}

/// Copies `table` row by row range, bisecting around rows that cannot be
/// read. Answers (copied, lost), `lost` counting rowids in unreadable ranges
/// that held rows (as far as the damaged index still says), and rows read
/// whose JSON no longer parses.
fn copy_table(from: &Connection, to: &Connection, table: &str) -> Result<(u64, u64)> {
    let columns: Vec<String> = to
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let list = columns.join(", ");
    let marks = vec!["?"; columns.len()].join(", ");
    let max: i64 = from
        .query_row(
            &format!("SELECT COALESCE(MAX(rowid), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )
        .unwrap_or(1_000_000);
    let read = format!("SELECT {list} FROM {table} WHERE rowid BETWEEN ?1 AND ?2");
    let write = format!("INSERT OR IGNORE INTO {table} ({list}) VALUES ({marks})");
    let (mut copied, mut lost) = (0, 0);
    let mut ranges = vec![(1i64, max)];
    while let Some((lo, hi)) = ranges.pop() {
        let rows: rusqlite::Result<Vec<Vec<rusqlite::types::Value>>> =
            from.prepare(&read).and_then(|mut s| {
                s.query_map([lo, hi], |r| (0..columns.len()).map(|i| r.get(i)).collect())?
                    .collect()
            });
        match rows {
            Ok(rows) => {
                let mut insert = to.prepare_cached(&write)?;
                for row in rows {
                    if sound(table, &columns, &row) {
                        copied += insert.execute(rusqlite::params_from_iter(row))? as u64;
                    } else {
                        lost += 1;
                    }
                }
            }
            Err(_) if lo == hi => lost += 1,
            Err(_) => {
                let mid = lo + (hi - lo) / 2;
                ranges.push((mid + 1, hi));
                ranges.push((lo, mid));
            }
        }
    }
    Ok((copied, lost))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made by this build's migrations, at `chime.db` in `dir`,
    /// with `sql` run on it.
    fn made_with(dir: &tempfile::TempDir, sql: &str) -> PathBuf {
        let path = dir.path().join("chime.db");
        super::super::Store::create(&path).unwrap();
        Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        path
    }

    #[test]
    fn a_sound_database_checks_sound() {
        let dir = tempfile::tempdir().unwrap();
        // Enough rows that a check takes more than one look at the clock.
        let path = made_with(
            &dir,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO settings (key, value) SELECT 'k' || i, '\"v\"' FROM n",
        );
        let conn = Connection::open(&path).unwrap();
        assert_eq!(check(&conn, CHECK_BUDGET).unwrap(), Health::Sound);
        assert_eq!(
            check(&conn, Duration::ZERO).unwrap(),
            Health::Unchecked,
            "a check out of time is not a verdict"
        );
    }

    /// A repair keeps every table Chime reads, the schedules' run ledger too.
    #[test]
    fn a_repair_copies_every_table_of_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = made_with(
            &dir,
            "INSERT INTO runs (schedule_id, planned_at, count, reason, action)
             VALUES ('s1', 1000, 3, 'asleep', 'skipped');",
        );
        let repair = repair(&path).unwrap();
        let copied: Vec<&str> = repair.tables.iter().map(|(t, _, _)| t.as_str()).collect();
        // Every table but the bookkeeping and the search index, which the
        // new file's migrations and the first search rebuild.
        let conn = Connection::open(&path).unwrap();
        let tables = lines(
            &conn,
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%_text_%'
             AND name NOT IN ('schema_migrations', 'sqlite_sequence')",
        )
        .unwrap();
        for table in &tables {
            assert!(copied.contains(&table.as_str()), "{table} not copied");
        }
        let runs: (String, i64) = conn
            .query_row("SELECT reason, count FROM runs", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(runs, ("asleep".to_string(), 3));
    }

    #[test]
    fn a_row_whose_json_no_longer_parses_is_not_sound() {
        use rusqlite::types::Value::{Integer, Text};
        let columns = ["seq", "name", "request"].map(String::from);
        let row = |request: &str| [Integer(1), Text("ZZZZ".into()), Text(request.into())];
        assert!(sound("jobs", &columns, &row(r#"{"url":"https://x.test"}"#)));
        assert!(!sound(
            "jobs",
            &columns,
            &row(r#"{"url":"https://x.tZZZZZZZ"#)
        ));
        // A plain text column may hold anything.
        assert!(sound("settings", &columns, &row("not json")));
    }
}
