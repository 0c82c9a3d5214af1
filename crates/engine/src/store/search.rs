//! Free-text search (`q=`) of jobs and schedules, by name, description and
//! URL: the trigram index of migration 0012 finds the rows that hold the text,
//! and LIKE, run on those rows only, keeps what a match means exactly as it
//! was (a case-insensitive substring, `%` and `_` taken literally).

use rusqlite::types::Value;

/// The shortest text the trigram index can look up; shorter ones scan.
const SHORTEST_INDEXED: usize = 3;

/// The SQL condition on a row of `table` (`jobs` or `schedules`, whose text
/// index is `{table}_text`, keyed by `rowid`) for rows that contain `q`,
/// and the values of its `?` parameters in order.
pub fn condition(table: &str, rowid: &str, q: &str) -> (String, Vec<Value>) {
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
    if q.chars().count() >= SHORTEST_INDEXED {
        sql =
            format!("{rowid} IN (SELECT rowid FROM {table}_text WHERE {table}_text MATCH ?) AND ");
        // One phrase: its trigrams in a row, anywhere in any of the three.
        args.push(format!("\"{}\"", q.replace('"', "\"\"")).into());
    }
    sql.push_str(like);
    args.extend(std::iter::repeat_n(Value::from(pattern), 3));
    (format!("({sql})"), args)
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
                let (condition, args) = super::condition("jobs", "seq", &q);
                let sql = format!("SELECT name FROM jobs WHERE {condition} ORDER BY seq");
                let mut stmt = c.prepare(&sql)?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
            })
            .unwrap()
    }

    #[test]
    fn a_search_finds_the_text_anywhere_in_name_or_url_as_typed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("chime.db")).unwrap();
        insert(&store, "Nightly Backup", "https://backup.example/run");
        insert(&store, "100% \"done\" ping", "https://ping.example/a_b");
        insert(&store, "Ünïcode report", "https://example.org/report");

        assert_eq!(found(&store, "BACKUP"), ["Nightly Backup"], "any case");
        assert_eq!(
            found(&store, "ghtly bac"),
            ["Nightly Backup"],
            "across a space"
        );
        assert_eq!(
            found(&store, "ping.example"),
            ["100% \"done\" ping"],
            "in the URL"
        );
        assert_eq!(
            found(&store, "0% \"d"),
            ["100% \"done\" ping"],
            "% and quotes as typed"
        );
        assert_eq!(found(&store, "a_b"), ["100% \"done\" ping"], "_ as typed");
        assert!(found(&store, "a%b").is_empty(), "% is no wildcard");
        assert_eq!(
            found(&store, "Ün"),
            ["Ünïcode report"],
            "shorter than a trigram"
        );
        assert_eq!(found(&store, "E").len(), 3, "one letter: in every URL");
        assert!(found(&store, "nightly backups").is_empty());

        // The index follows changes and deletes.
        store
            .write(chrono::Utc::now(), |tx| {
                tx.sql.execute(
                    "UPDATE jobs SET name = 'Weekly Backup' WHERE name = 'Nightly Backup'",
                    [],
                )?;
                tx.sql
                    .execute("DELETE FROM jobs WHERE name LIKE 'Ü%'", [])?;
                Ok(())
            })
            .unwrap();
        assert_eq!(found(&store, "weekly"), ["Weekly Backup"]);
        assert!(found(&store, "nightly").is_empty());
        assert!(found(&store, "report").is_empty());

        let plan = store
            .read(|c| {
                let (condition, args) = super::condition("jobs", "seq", "backup");
                let sql = format!("EXPLAIN QUERY PLAN SELECT name FROM jobs WHERE {condition}");
                let mut stmt = c.prepare(&sql)?;
                let rows =
                    stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("; "))
            })
            .unwrap();
        assert!(plan.contains("jobs_text"), "{plan}");
    }
}
