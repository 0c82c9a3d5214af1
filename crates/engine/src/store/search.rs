//! Free-text search (`q=`) of jobs and schedules, by name, description and
//! URL: the trigram index of migration 0013 finds the rows that hold the text,
//! and LIKE, run on those rows only, keeps what a match means exactly as it
//! was (a case-insensitive substring, `%` and `_` taken literally).

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::error::Result;

/// The shortest text the trigram index can look up; shorter ones scan.
const SHORTEST_INDEXED: usize = 3;

/// The most characters of a search looked up in the index. Any row holding
/// the text holds its start, and LIKE checks the rest; a phrase of a thousand
/// trigrams took seconds to match.
const LONGEST_LOOKED_UP: usize = 16;

/// Past this many rows matching a search's start, the index would list more
/// rows than a scan reads to fill a page: 100,000 matches took 200 ms to
/// list, a scan 100 ms in all.
const UNSELECTIVE_AT: i64 = 10_000;

/// A table's text index.
pub struct TextIndex {
    /// The FTS5 table, keyed by the row's `key`.
    index: &'static str,
    key: &'static str,
    /// The keys of the rows not indexed yet, which a search scans.
    unindexed: Option<&'static str>,
}

pub const SCHEDULES: TextIndex = TextIndex {
    index: "schedules_text",
    key: "rowid",
    unindexed: None,
};

impl TextIndex {
    /// How many segments (b-trees) the index is in. A search looks each of
    /// its trigrams up in every one: in 15, as slices of 250 jobs left
    /// 100,000 jobs, a search's first lookup read 107 pages; in one, 32.
    #[cfg(test)]
    fn segments(&self, conn: &Connection) -> Result<i64> {
        let sql = format!("SELECT COUNT(DISTINCT segid) FROM {}_idx", self.index);
        Ok(conn.query_row(&sql, [], |r| r.get(0))?)
    }

    /// Merges a step of the index's segments, writing about `pages` pages:
    /// those of a level that holds `usermerge` of them (2 for the jobs',
    /// 0025). Answers whether there was any to merge.
    pub fn merge(&self, conn: &Connection, pages: i64) -> Result<bool> {
        let before = conn.total_changes();
        let sql = format!(
            "INSERT INTO {0} ({0}, rank) VALUES ('merge', ?1)",
            self.index
        );
        conn.execute(&sql, [pages])?;
        // FTS5 counts the command as one change, and a merge that wrote
        // anything as more.
        Ok(conn.total_changes() - before >= 2)
    }
}

/// Jobs are indexed in bulk before a search, not as they are made.
pub const JOBS: TextIndex = TextIndex {
    index: "jobs_text",
    key: "seq",
    unindexed: Some(UNINDEXED_JOBS),
};

/// The jobs made since the index was last brought up to date.
const UNINDEXED_JOBS: &str = "SELECT seq FROM jobs WHERE seq > (SELECT seq FROM jobs_text_through)";

/// Whether a search for `q` reads the index.
pub fn uses_index(q: &str) -> bool {
    q.chars().count() >= SHORTEST_INDEXED
}

/// The SQL condition on a row of the indexed table for rows that contain
/// `q`, and the values of its `?` parameters in order: through the index
/// when `q` is long enough and rare enough, by a scan otherwise.
pub fn condition(conn: &Connection, text: &TextIndex, q: &str) -> Result<(String, Vec<Value>)> {
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let like = "(name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' \
                OR json_extract(request, '$.url') LIKE ? ESCAPE '\\')";
    let mut args: Vec<Value> = Vec::new();
    let mut sql = String::new();
    let looked_up: String = q.chars().take(LONGEST_LOOKED_UP).collect();
    let phrase = format!("\"{}\"", looked_up.replace('"', "\"\""));
    if uses_index(q) && indexed_matches(conn, text, &phrase, UNSELECTIVE_AT + 1)? <= UNSELECTIVE_AT
    {
        let (index, key) = (text.index, text.key);
        // One IN of a union, not an OR of two: with an OR, SQLite pages a
        // list ordered by seq by scanning every job (19 ms for 100,000).
        let unindexed = text
            .unindexed
            .map(|rows| format!(" UNION ALL {rows}"))
            .unwrap_or_default();
        sql = format!("{key} IN (SELECT rowid FROM {index} WHERE {index} MATCH ?{unindexed}) AND ");
        // One phrase: its trigrams in a row, anywhere in any of the three.
        args.push(phrase.into());
    }
    sql.push_str(like);
    args.extend(std::iter::repeat_n(Value::from(pattern), 3));
    Ok((format!("({sql})"), args))
}

/// How many indexed rows match `phrase`, counted up to `limit`: the index
/// stops looking there, so a common text costs little to recognise (the
/// index's own counts of trigrams took 1.4 ms for each common one).
fn indexed_matches(conn: &Connection, text: &TextIndex, phrase: &str, limit: i64) -> Result<i64> {
    let index = text.index;
    let sql =
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM {index} WHERE {index} MATCH ?1 LIMIT ?2)");
    Ok(conn.query_row(&sql, rusqlite::params![phrase, limit], |r| r.get(0))?)
}

/// Past this many jobs not yet indexed, a search indexes them first; fewer
/// it scans (a thousand rows take well under a millisecond).
pub const SCANNED_AT_MOST: i64 = 1_000;

/// Jobs indexed in one transaction for a search that waits for them: at
/// about 10 µs each, the writer is kept from recording runs for a fifth of
/// a second at most.
pub const INDEXED_AT_ONCE: i64 = 20_000;

/// Whether more than `n` jobs are not in the index yet, counted no further.
pub fn more_unindexed_than(conn: &Connection, n: i64) -> Result<bool> {
    let sql = super::jobs::count_up_to(&format!("({UNINDEXED_JOBS})"), n.saturating_add(1));
    let counted: i64 = conn.query_row(&sql, [], |r| r.get(0))?;
    Ok(counted > n)
}

/// Adds to the index the oldest jobs not in it yet, up to `at_most`, and
/// answers how many it added.
pub fn index_jobs(conn: &Connection, at_most: i64) -> Result<i64> {
    let through: i64 = conn.query_row("SELECT seq FROM jobs_text_through", [], |r| r.get(0))?;
    let last: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM (SELECT seq FROM jobs WHERE seq > ?1 ORDER BY seq LIMIT ?2)",
        [through, at_most],
        |r| r.get(0),
    )?;
    let Some(last) = last else { return Ok(0) };
    let indexed = conn.execute(
        "INSERT INTO jobs_text (rowid, name, description, url)
         SELECT seq, name, description, json_extract(request, '$.url')
         FROM jobs WHERE seq > ?1 AND seq <= ?2",
        [through, last],
    )?;
    conn.execute("UPDATE jobs_text_through SET seq = ?1", [last])?;
    Ok(i64::try_from(indexed).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    fn insert(store: &Store, name: &str, url: &str) {
        let (name, url) = (name.to_string(), url.to_string());
        store
            .write(chrono::Utc::now(), move |tx| {
                tx.sql.execute(
                    "INSERT INTO jobs (id, name, state, request, options, args, scheduled_at, inserted_at, updated_at)
                     VALUES (lower(hex(randomblob(16))), ?1, 'scheduled', json_object('url', ?2), '{}', '{}', 0, 0, 0)",
                    [name, url],
                )?;
                Ok(())
            })
            .unwrap();
    }

    /// The names of the jobs that `q` finds, in the order they were made.
    fn found(store: &Store, q: &str) -> Vec<String> {
        let q = q.to_string();
        store
            .read(move |c| {
                let (condition, args) = super::condition(c, &super::JOBS, &q)?;
                let sql = format!("SELECT name FROM jobs WHERE {condition} ORDER BY seq");
                let mut stmt = c.prepare(&sql)?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
            })
            .unwrap()
    }

    /// Renames the job named `rename.0` and deletes those named like
    /// `deleted`, in one transaction.
    fn rename_and_delete(store: &Store, rename: (&str, &str), deleted: &str) {
        let (from, to, deleted) = (
            rename.0.to_string(),
            rename.1.to_string(),
            deleted.to_string(),
        );
        store
            .write(chrono::Utc::now(), move |tx| {
                tx.sql
                    .execute("UPDATE jobs SET name = ?2 WHERE name = ?1", [&from, &to])?;
                tx.sql
                    .execute("DELETE FROM jobs WHERE name LIKE ?1", [&deleted])?;
                Ok(())
            })
            .unwrap();
    }

    fn index(store: &Store) {
        store
            .write(chrono::Utc::now(), |tx| {
                super::index_jobs(&tx.sql, super::INDEXED_AT_ONCE)
            })
            .unwrap();
        assert!(!store.read(|c| super::more_unindexed_than(c, 0)).unwrap());
    }

    fn assert_finds_as_typed(store: &Store) {
        assert_eq!(found(store, "BACKUP"), ["Nightly Backup"], "any case");
        assert_eq!(
            found(store, "ghtly bac"),
            ["Nightly Backup"],
            "across a space"
        );
        assert_eq!(
            found(store, "ping.example"),
            ["100% \"done\" ping"],
            "in the URL"
        );
        assert_eq!(
            found(store, "0% \"d"),
            ["100% \"done\" ping"],
            "% and quotes as typed"
        );
        assert_eq!(found(store, "a_b"), ["100% \"done\" ping"], "_ as typed");
        assert!(found(store, "a%b").is_empty(), "% is no wildcard");
        assert_eq!(
            found(store, "Ün"),
            ["Ünïcode report"],
            "shorter than a trigram"
        );
        assert_eq!(found(store, "E").len(), 3, "one letter: in every URL");
        assert!(found(store, "nightly backups").is_empty());
    }

    /// Each slice of jobs indexed is a segment of the index, until merged:
    /// its segments of a size merged a step at a time, the index finds what
    /// it found, changed and deleted jobs included.
    #[test]
    fn an_index_in_many_segments_merges_into_few_and_finds_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        for i in 0..12 {
            insert(&store, &format!("report {i:02}"), "https://example.org/");
            let slice = |tx: &mut crate::store::Tx| super::index_jobs(&tx.sql, 1);
            store.write(chrono::Utc::now(), slice).unwrap();
        }
        rename_and_delete(&store, ("report 03", "invoice 03"), "report 07");
        let segments = || store.read(|c| super::JOBS.segments(c)).unwrap();
        let before = segments();
        assert!(before > 4, "{before} segments");
        let mut steps = 0;
        while store
            .write(chrono::Utc::now(), |tx| super::JOBS.merge(&tx.sql, 1))
            .unwrap()
            .value
        {
            steps += 1;
        }
        assert!(steps > 0);
        let after = segments();
        assert!(after <= 2, "{after} segments after {steps} steps");
        let reports: Vec<String> = [0, 1, 2, 4, 5, 6, 8, 9, 10, 11]
            .map(|i| format!("report {i:02}"))
            .into();
        assert_eq!(found(&store, "report"), reports);
        assert_eq!(found(&store, "invoice"), ["invoice 03"]);
        assert!(found(&store, "report 07").is_empty());
    }

    /// Jobs are indexed oldest first, a slice at a time, each slice saying
    /// how many it took, until none is left.
    #[test]
    fn jobs_are_indexed_a_slice_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        for name in ["one", "two", "three"] {
            insert(&store, name, "https://example.org/");
        }
        let slice = || {
            store
                .write(chrono::Utc::now(), |tx| super::index_jobs(&tx.sql, 2))
                .unwrap()
                .value
        };
        assert_eq!(slice(), 2);
        assert_eq!(found(&store, "one"), ["one"]);
        assert!(store.read(|c| super::more_unindexed_than(c, 0)).unwrap());
        assert_eq!(slice(), 1);
        assert!(!store.read(|c| super::more_unindexed_than(c, 0)).unwrap());
        assert_eq!(slice(), 0);
        assert_eq!(found(&store, "three"), ["three"]);
    }

    #[test]
    fn a_search_finds_the_text_anywhere_in_name_or_url_as_typed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        insert(&store, "Nightly Backup", "https://backup.example/run");
        insert(&store, "100% \"done\" ping", "https://ping.example/a_b");
        insert(&store, "Ünïcode report", "https://example.org/report");
        // Made since the index last read: scanned.
        assert!(store.read(|c| super::more_unindexed_than(c, 2)).unwrap());
        assert!(!store.read(|c| super::more_unindexed_than(c, 3)).unwrap());
        assert_finds_as_typed(&store);
        // Indexed: found through the index alone.
        index(&store);
        assert_finds_as_typed(&store);

        // The index follows changes and deletes of the jobs it holds.
        rename_and_delete(&store, ("Nightly Backup", "Weekly Backup"), "Ü%");
        assert_eq!(found(&store, "weekly"), ["Weekly Backup"]);
        assert!(found(&store, "nightly").is_empty());
        assert!(found(&store, "report").is_empty());
        // A job made after it is found too, before and after indexing.
        insert(&store, "Later report", "https://example.org/later");
        assert_eq!(found(&store, "report"), ["Later report"]);
        index(&store);
        assert_eq!(found(&store, "report"), ["Later report"]);

        // Long text: its start is looked up, LIKE checks the whole.
        insert(
            &store,
            &format!("Quarterly {} report", "x".repeat(60)),
            "https://q.example/",
        );
        let long = format!("quarterly {} report", "x".repeat(60));
        assert_eq!(found(&store, &long).len(), 1);
        assert!(found(&store, &format!("quarterly {} memo", "x".repeat(60))).is_empty());
        assert!(found(&store, &"y".repeat(1_000)).is_empty());

        // How selective a search is: its matches in the index, counted up
        // to a limit.
        index(&store);
        let matches = |text: &'static str, limit| {
            store
                .read(move |c| super::indexed_matches(c, &super::JOBS, text, limit))
                .unwrap()
        };
        assert_eq!(matches("\"example\"", 10), 4, "in every URL left");
        assert_eq!(matches("\"example\"", 2), 2, "counted up to the limit");
        assert_eq!(matches("\"Later\"", 10), 1);
        assert_eq!(matches("\"zzzz\"", 10), 0, "in none");

        let plan = store
            .read(|c| {
                let (condition, args) = super::condition(c, &super::JOBS, "backup")?;
                // As the jobs list pages it: newest first.
                let sql =
                    format!("SELECT name FROM jobs WHERE {condition} ORDER BY seq DESC LIMIT 50");
                Ok(crate::store::query_plan(c, &sql, &args)?)
            })
            .unwrap();
        assert!(plan.contains("jobs_text"), "{plan}");
        assert!(plan.split("; ").all(|step| step != "SCAN jobs"), "{plan}");
    }
}
