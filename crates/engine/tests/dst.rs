//! Daylight saving against an independent source. tests/fixtures/dst.json was
//! written by scripts/dst_fixture.py from Python's zoneinfo (the compiled IANA
//! files, not chrono-tz) and Vixie cron's own minute loop (not croner's
//! search): every transition of 8 zones over 2020-2035, and for several cron
//! rules the runs within 12 hours of each transition. The script's header says
//! what Vixie cron does; in short, a fixed time skipped in spring runs right
//! after the gap, a fixed time repeated in autumn runs once, and a wildcard
//! rule skips the gap and runs on both passes of a repeated hour.

use std::collections::BTreeMap;

use chime_engine::rule::{self, Rule};
use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    tzdata: String,
    years: (i32, i32),
    zones: Vec<String>,
    transitions: Vec<Transition>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Transition {
    zone: String,
    at: DateTime<Utc>,
    before: i32,
    after: i32,
}

#[derive(Deserialize)]
struct Case {
    zone: String,
    transition: DateTime<Utc>,
    rule: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    /// Every run in (from, to], then the first after `to`.
    runs: Vec<DateTime<Utc>>,
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dst.json");
    let text = std::fs::read_to_string(path).expect("tests/fixtures/dst.json");
    serde_json::from_str(&text).expect("dst.json parses")
}

fn zone(name: &str) -> Tz {
    name.parse().expect("an IANA zone")
}

fn offset(zone: Tz, t: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The hours in the fixture's years at whose end the zone's offset differs
/// from their start, by chrono-tz.
fn hours_with_a_change(zone: Tz, years: (i32, i32)) -> Vec<DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(years.0, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(years.1 + 1, 1, 1, 0, 0, 0).unwrap();
    let mut found = Vec::new();
    let mut hour = start;
    while hour < end {
        let next = hour + Duration::hours(1);
        if offset(zone, hour) != offset(zone, next) {
            found.push(hour);
        }
        hour = next;
    }
    found
}

#[test]
fn chrono_tz_has_exactly_the_transitions_of_the_independent_table() {
    let fixture = fixture();
    assert!(fixture.zones.len() >= 6);
    for name in &fixture.zones {
        let tz = zone(name);
        let table: Vec<_> = fixture
            .transitions
            .iter()
            .filter(|t| t.zone == *name)
            .collect();
        for t in &table {
            let seen = (offset(tz, t.at - Duration::seconds(1)), offset(tz, t.at));
            let expected = (t.before, t.after);
            assert_eq!(
                seen, expected,
                "{name} at {} (tzdata {})",
                t.at, fixture.tzdata
            );
        }
        // And none that the table lacks: each change chrono-tz shows falls
        // in the hour of one transition of the table, in order.
        let hours = hours_with_a_change(tz, fixture.years);
        assert_eq!(hours.len(), table.len(), "{name}: {hours:?}");
        for (hour, t) in hours.iter().zip(&table) {
            let last_second = t.at - Duration::seconds(1);
            assert!(
                *hour <= last_second && last_second < *hour + Duration::hours(1),
                "{name}: a change in the hour from {hour}, the table has {}",
                t.at
            );
        }
    }
}

/// The instants to ask `next_after` from in a case: the start of its window,
/// every run and the second before it, and every 10 minutes within 3 hours of
/// the transition, with the seconds on either side of it.
fn questions(case: &Case) -> Vec<DateTime<Utc>> {
    let mut asked = vec![case.from, case.transition - Duration::seconds(1)];
    asked.push(case.transition);
    asked.push(case.transition + Duration::seconds(1));
    for k in -18..=18 {
        asked.push(case.transition + Duration::minutes(10 * k));
    }
    for run in &case.runs {
        asked.push(*run - Duration::seconds(1));
        asked.push(*run);
    }
    asked.retain(|t| *t >= case.from && *t <= case.to);
    asked
}

/// Where chime disagrees with the fixture in a case: one line per question,
/// with what the fixture expects and what chime answered.
fn disagreements(case: &Case, rule: &Rule) -> Vec<String> {
    questions(case)
        .into_iter()
        .filter_map(|asked| {
            let expected = case.runs.iter().find(|run| **run > asked).copied();
            let got = rule.next_after(asked);
            (got != expected).then(|| {
                format!(
                    "`{}` in {} (transition {}): next after {asked}: expected {}, got {}",
                    case.rule,
                    case.zone,
                    case.transition,
                    show(expected, &case.zone),
                    show(got, &case.zone)
                )
            })
        })
        .collect()
}

fn show(t: Option<DateTime<Utc>>, name: &str) -> String {
    match t {
        Some(t) => format!("{t} ({})", t.with_timezone(&zone(name)).format("%F %T %:z")),
        None => "none".into(),
    }
}

fn check_cases(keep: impl Fn(&str) -> bool) {
    let fixture = fixture();
    let mut wrong = Vec::new();
    let mut tally = BTreeMap::<(&str, &str), usize>::new();
    let mut compared = 0;
    for case in fixture.cases.iter().filter(|c| keep(&c.rule)) {
        let rule = rule::cron(&case.rule, zone(&case.zone)).expect("a valid rule");
        let found = disagreements(case, &rule);
        if !found.is_empty() {
            *tally.entry((&case.rule, &case.zone)).or_default() += found.len();
        }
        wrong.extend(found);
        compared += 1;
    }
    assert!(compared > 0, "no case was compared");
    assert!(
        wrong.is_empty(),
        "{} disagreements with the fixture (tzdata {}), by rule and zone: {tally:?}; the first:\n{}",
        wrong.len(),
        fixture.tzdata,
        wrong[..wrong.len().min(30)].join("\n")
    );
}

/// A rule that Vixie cron calls fixed-time (its minute and hour do not start
/// with `*`) although it names two times. croner alone calls a rule fixed
/// only when it has one minute and one hour, and would run this one like a
/// wildcard rule (nothing on the spring day, both passes in autumn); chime
/// makes it one rule per time, so it runs as Vixie cron does.
const TWO_FIXED_TIMES: &str = "0,30 2 * * *";

#[test]
fn cron_runs_around_every_transition_match_vixie_cron() {
    check_cases(|rule| rule != TWO_FIXED_TIMES);
}

#[test]
fn a_fixed_time_rule_with_two_times_runs_as_vixie_cron_does() {
    check_cases(|rule| rule == TWO_FIXED_TIMES);
}
