//! The calendar for 1,000 schedules over a month: how long the engine takes
//! to compute it, and what it holds (items and bands).
//!
//! `cargo bench -p chime-engine --bench calendar`
//! (`CHIME_BENCH_SCHEDULES=100000` for more schedules)

use std::sync::Arc;
use std::time::Instant;

use chime_engine::{Config, Engine, SystemClock};
use serde_json::json;

/// A mix of rules as people write them: dense ones that become bands, and
/// sparse ones that are drawn run by run.
const RULES: &[(&str, &str)] = &[
    ("cron", "*/5 * * * *"),
    ("cron", "0 * * * *"),
    ("cron", "0 9 * * 1-5"),
    ("cron", "30 8,12,18 * * *"),
    ("cron", "*/15 9-17 * * 1-5"),
    ("cron", "0 0 1 * *"),
    ("every", "30 seconds"),
    ("every", "2 hours"),
    ("every", "1 day"),
    ("cron", "* * * * *"),
];

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // CHIME_BENCH_DB=path keeps the database: made once (100,000
        // schedules take minutes to make), measured again after a change.
        let dir = tempfile::tempdir().unwrap();
        let db = std::env::var("CHIME_BENCH_DB").map_or_else(|_| dir.path().join("chime.db"), Into::into);
        let made = db.exists();
        let engine = Engine::start(Config::new(db), Arc::new(SystemClock)).await.unwrap();
        // CHIME_BENCH_SCHEDULES=100000 for issue 13's scale; made 64 at a
        // time, so their writes share commits.
        let count: usize = std::env::var("CHIME_BENCH_SCHEDULES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        for chunk in (0..count).collect::<Vec<_>>().chunks(64).filter(|_| !made) {
            let mut made = tokio::task::JoinSet::new();
            for &i in chunk {
                let engine = engine.clone();
                let (kind, rule) = RULES[i % RULES.len()];
                let field = if kind == "cron" { "cron" } else { "repeat_every" };
                made.spawn(async move {
                    engine
                        .create_job(json!({"url": format!("https://example.test/{i}"), field: rule, "timezone": "Europe/Berlin", "name": format!("schedule {i}")}))
                        .await
                        .unwrap();
                });
            }
            made.join_all().await;
        }
        let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let from = chrono::Utc::now();
        let to = from + chrono::Duration::days(31);
        let mut best = f64::MAX;
        let mut shape = (0, 0, 0);
        for _ in 0..5 {
            let start = Instant::now();
            let cal = engine.calendar(from, to, zone, chime_engine::calendar::DEFAULT_DENSE).await.unwrap();
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            shape = (cal.upcoming.len(), cal.bands.len(), serde_json::to_vec(&cal).unwrap().len());
        }
        println!(
            "calendar: {count} schedules over 31 days in {best:.0} ms (best of 5); {} upcoming items, {} bands, {} KB of JSON",
            shape.0,
            shape.1,
            shape.2 / 1024
        );
        engine.shutdown().await;
    });
}
