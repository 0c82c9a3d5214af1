//! A cron rule read in a time zone, and its next runs. The input is three
//! lines: a zone name (an unknown one picks a zone from its bytes), a start
//! in unix seconds, and the rule. A rule that parses gives runs that
//! strictly increase from the start and fall on whole local minutes (a zone's
//! old local mean time can be seconds off UTC's), and its preview, notes and
//! day counts never panic.
#![no_main]

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::{Tz, TZ_VARIANTS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    let (Some(zone), Some(start), Some(rule)) = (lines.next(), lines.next(), lines.next()) else {
        return;
    };
    let zone: Tz = zone.parse().unwrap_or_else(|_| {
        let pick = zone
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
        TZ_VARIANTS[pick % TZ_VARIANTS.len()]
    });
    // 1970 to 2100: the years a laptop's schedule lives in.
    let Some(start) = start
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s.rem_euclid(4_102_444_800), 0))
    else {
        return;
    };
    let Ok(parsed) = chime_engine::rule::cron(rule, zone) else {
        return;
    };
    let mut t = start;
    for _ in 0..8 {
        let Some(next) = parsed.next_after(t) else {
            break;
        };
        assert!(next > t, "{rule:?} in {zone}: {next} is not after {t}");
        let local = next.with_timezone(&zone);
        assert_eq!(
            (local.second(), local.nanosecond()),
            (0, 0),
            "{rule:?}: {local}"
        );
        if let Some(before) = parsed.last_before(next) {
            assert!(
                before < next,
                "{rule:?} in {zone}: last before {next} is {before}"
            );
        }
        t = next;
    }
    let preview = parsed.preview(start, 5, zone);
    assert!(!preview.description.is_empty());
    let day = start.with_timezone(&zone).date_naive();
    let _ = parsed.count_on_day(day, start, start + Duration::hours(6));
});
