//! The calendar API: past runs with outcomes, future runs, dense series as bands.

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use support::{eventually, Chime, Reply, Target};

fn t(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_calendar_shows_past_outcomes_future_runs_and_bands() {
    let flaky = Target::start(|seen| {
        if seen.n % 2 == 0 {
            Reply::status(500)
        } else {
            Reply::status(200)
        }
    })
    .await;
    let chime = Chime::start(&["--allow-http"]).await;
    let create = async |body: Value| {
        let (status, created) = chime.post("/api/jobs", body).await;
        assert_eq!(status, 201, "{created}");
        created["data"]["schedule_id"].as_str().unwrap().to_string()
    };
    let every_2s = create(json!({"url": flaky.url("/a"), "repeat_every": 2, "name": "two", "retry": {"max_attempts": 1}})).await;
    let hourly =
        create(json!({"url": "https://example.test/h", "cron": "0 * * * *", "name": "hourly"}))
            .await;
    let dense = create(
        json!({"url": "https://example.test/d", "repeat_every": "10 seconds", "name": "dense"}),
    )
    .await;
    flaky.wait_for(4, Duration::from_secs(20)).await;

    let from = Utc::now() - chrono::Duration::minutes(5);
    let to = from + chrono::Duration::hours(6);
    // Bands are counted by local day. In UTC, a range that starts or ends a
    // few minutes from midnight holds a day with a few dense runs, rightly
    // listed; a zone where the whole range is one morning keeps the test to
    // one day at any hour it runs.
    let path = format!(
        "/api/calendar?from={}&to={}&tz={}",
        urlencode(&from),
        urlencode(&to),
        zone_with_morning_at(&from).replace('+', "%2B")
    );
    // The runs that arrived are recorded a moment after they are answered.
    let body = eventually(
        "three past runs in the calendar",
        Duration::from_secs(10),
        async || {
            let (status, body) = chime.get(&path).await;
            assert_eq!(status, 200, "{body}");
            let recorded = body["data"]["past"]
                .as_array()?
                .iter()
                .filter(|r| r["schedule_id"] == every_2s.as_str())
                .count();
            (recorded >= 3).then_some(body)
        },
    )
    .await;
    let cal = &body["data"];

    // Past runs of the 2-second schedule, coloured by outcome.
    let past: Vec<&Value> = cal["past"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["schedule_id"] == every_2s.as_str())
        .collect();
    assert!(past.len() >= 3, "{past:?}");
    assert!(past
        .iter()
        .any(|r| r["outcome"] == "success" && r["status"] == 200));
    assert!(past
        .iter()
        .any(|r| r["outcome"] == "failure" && r["status"] == 500));

    // Future runs of the hourly schedule: on the hour, inside the range.
    let hours: Vec<DateTime<Utc>> = cal["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["schedule_id"] == hourly.as_str())
        .map(|u| t(&u["at"]))
        .collect();
    assert!((5..=6).contains(&hours.len()), "{hours:?} {path}");
    assert!(hours
        .iter()
        .all(|h| h.timestamp() % 3600 == 0 && *h >= from && *h < to));

    // The 10-second schedule is a band, not thousands of items.
    assert!(cal["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["schedule_id"] != dense.as_str()));
    let bands: Vec<&Value> = cal["bands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["schedule_id"] == dense.as_str() && b["kind"] == "upcoming")
        .collect();
    assert!(!bands.is_empty());
    let total: u64 = bands.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    let expected = (to - Utc::now()).num_seconds() as u64 / 10;
    assert!(
        total.abs_diff(expected) <= 2,
        "about one run every 10 s: {total} vs {expected}"
    );
    assert_eq!(bands[0]["summary"], "Every 10 seconds");

    let (status, body) = chime
        .get("/api/calendar?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["field"].as_str()),
        (422, Some("to"))
    );
}

/// A fixed-offset zone (`Etc/GMT-5` is UTC+5) where `t` falls at 08:00 to 08:59.
fn zone_with_morning_at(t: &DateTime<Utc>) -> String {
    use chrono::Timelike;
    // The zones run from UTC-12 to UTC+14: an offset east of +14 is taken a day west.
    let east = (8 + 24 - t.hour() as i32) % 24;
    let east = if east > 14 { east - 24 } else { east };
    match east {
        0 => "Etc/GMT".to_string(),
        _ => format!("Etc/GMT{:+}", -east),
    }
}

fn urlencode(t: &DateTime<Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_day_crowded_with_one_off_jobs_is_one_band() {
    let chime = Chime::start(&[]).await;
    // Tomorrow from noon, a minute apart: one UTC day whatever the time now.
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).date_naive();
    let noon = tomorrow.and_hms_opt(12, 0, 0).unwrap().and_utc();
    for i in 0..60 {
        let at = (noon + chrono::Duration::minutes(i)).to_rfc3339();
        chime
            .post(
                "/api/jobs",
                json!({"url": format!("https://example.test/{i}"), "scheduled_at": at}),
            )
            .await;
    }
    let from = tomorrow.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let to = from + chrono::Duration::days(1);
    let (_, body) = chime
        .get(&format!(
            "/api/calendar?from={}&to={}&tz=UTC",
            urlencode(&from),
            urlencode(&to)
        ))
        .await;
    let cal = &body["data"];
    assert_eq!(
        cal["upcoming"].as_array().unwrap().len(),
        0,
        "not listed one by one"
    );
    let bands = cal["bands"].as_array().unwrap();
    let count: u64 = bands
        .iter()
        .filter(|b| b["schedule_id"].is_null())
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(count, 60);
    assert!(bands.iter().all(|b| b["name"] == "One-off jobs"));
}
