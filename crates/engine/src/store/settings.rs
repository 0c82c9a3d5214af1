//! SQL for settings: a small key/value table of JSON values.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::json_col;
use crate::error::Result;

pub fn get(conn: &Connection, key: &str) -> Result<Option<Value>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    Ok(text.map(json_col).transpose()?)
}

pub fn set(conn: &Connection, key: &str, value: &Value) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, serde_json::to_string(value)?])?;
    Ok(())
}

/// Every stored setting.
pub fn all(conn: &Connection) -> Result<serde_json::Map<String, Value>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, json_col::<Value>(r.get(1)?)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
