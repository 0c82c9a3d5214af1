//! Properties of schedule arithmetic (crates/engine/src/rule.rs), checked on
//! generated rules, zones and times:
//! - an interval rule's runs are exactly `anchor + k * interval`: they never drift;
//! - next runs strictly increase;
//! - a cron rule's runs, through daylight saving in zones north and south
//!   (Australia/Lord_Howe moves by half an hour), are exactly the local times
//!   that match the rule, as Vixie cron reads them: a fixed time skipped in
//!   spring runs once, right after the gap; a fixed time repeated in autumn
//!   runs once, on its first pass; runs of a wildcard rule that fall in a gap
//!   do not happen, and those in a repeated hour happen on both passes.
//!
//! The cron runs are checked against a model written here from those rules
//! (every matching local minute of every day, resolved in the zone), not
//! against the library that computes them.

use std::collections::BTreeSet;

use chime_engine::rule::{self, Rule};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "America/St_Johns",
    "Asia/Kolkata",
];

/// Zones whose clocks change, north and south of the equator.
const DST_ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/St_Johns",
];

fn zone(name: &str) -> Tz {
    name.parse().unwrap()
}

fn offset(zone: Tz, t: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The instants in `year` at which `zone`'s offset changes, to the second.
/// (rule.rs bisects for its DST notes too; the model keeps its own, so it
/// does not lean on the code it checks.)
fn transitions(zone: Tz, year: i32) -> Vec<DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap();
    let mut found = Vec::new();
    for hour in 0..(366 * 24) {
        let (mut lo, mut hi) = (
            start + Duration::hours(hour),
            start + Duration::hours(hour + 1),
        );
        if offset(zone, lo) == offset(zone, hi) {
            continue;
        }
        let before = offset(zone, lo);
        while hi - lo > Duration::seconds(1) {
            let mid = lo + (hi - lo) / 2;
            if offset(zone, mid) == before {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        found.push(hi);
    }
    found
}

/// One cron field as generated: its text, and the values it stands for.
#[derive(Debug, Clone)]
enum Field {
    Star,
    Step(u32),
    Range(u32, u32),
    Values(BTreeSet<u32>),
}

impl Field {
    fn text(&self) -> String {
        match self {
            Field::Star => "*".into(),
            Field::Step(n) => format!("*/{n}"),
            Field::Range(a, b) => format!("{a}-{b}"),
            Field::Values(v) => v.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
        }
    }

    fn values(&self, min: u32, max: u32) -> BTreeSet<u32> {
        match self {
            Field::Star => (min..=max).collect(),
            Field::Step(n) => (min..=max).step_by(*n as usize).collect(),
            Field::Range(a, b) => (*a..=*b).collect(),
            Field::Values(v) => v.clone(),
        }
    }

    /// Vixie cron's "restricted": a field that does not start with `*`.
    fn restricted(&self) -> bool {
        matches!(self, Field::Range(..) | Field::Values(_))
    }
}

fn time_field(max: u32, steps: u32) -> impl Strategy<Value = Field> {
    prop_oneof![
        1 => Just(Field::Star),
        2 => (2..=steps).prop_map(Field::Step),
        1 => (0..max).prop_flat_map(move |a| (Just(a), a..=max))
            .prop_map(|(a, b)| Field::Range(a, b)),
        2 => prop::collection::btree_set(0..=max, 1..2).prop_map(Field::Values),
        1 => prop::collection::btree_set(0..=max, 1..4).prop_map(Field::Values),
    ]
}

fn day_field(min: u32, max: u32) -> impl Strategy<Value = Field> {
    prop_oneof![
        4 => Just(Field::Star),
        1 => (min..max).prop_flat_map(move |a| (Just(a), a..=max))
            .prop_map(|(a, b)| Field::Range(a, b)),
        1 => prop::collection::btree_set(min..=max, 1..3).prop_map(Field::Values),
    ]
}

/// A five-field rule: minute, hour, day of month (up to the 28th, so runs
/// come often), every month, day of week (0 is Sunday).
#[derive(Debug, Clone)]
struct CronSpec {
    minute: Field,
    hour: Field,
    dom: Field,
    dow: Field,
}

impl CronSpec {
    fn text(&self) -> String {
        format!(
            "{} {} {} * {}",
            self.minute.text(),
            self.hour.text(),
            self.dom.text(),
            self.dow.text()
        )
    }

    /// Vixie cron's fixed-time rule: neither the minute nor the hour field
    /// starts with `*`. Its times run once a day whatever the clocks do;
    /// Vixie calls the others wildcard rules. (Chime keeps a rule of more
    /// than 48 such times on the wildcard path.)
    fn fixed(&self) -> bool {
        let times = self.minute.values(0, 59).len() * self.hour.values(0, 23).len();
        self.minute.restricted() && self.hour.restricted() && times <= 48
    }

    fn day_matches(&self, date: NaiveDate) -> bool {
        let dom = self.dom.values(1, 28).contains(&date.day());
        let dow = self
            .dow
            .values(0, 6)
            .contains(&date.weekday().num_days_from_sunday());
        match (self.dom.restricted(), self.dow.restricted()) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    /// Every run on the local day `date`, by the rules in this file's header.
    fn runs_on(&self, zone: Tz, date: NaiveDate) -> Vec<DateTime<Utc>> {
        let mut runs = Vec::new();
        if !self.day_matches(date) {
            return runs;
        }
        for hour in self.hour.values(0, 23) {
            for minute in self.minute.values(0, 59) {
                let asked = date.and_hms_opt(hour, minute, 0).unwrap();
                match zone.from_local_datetime(&asked) {
                    LocalResult::Single(t) => runs.push(t.to_utc()),
                    LocalResult::Ambiguous(first, second) => {
                        runs.push(first.to_utc());
                        if !self.fixed() {
                            runs.push(second.to_utc());
                        }
                    }
                    LocalResult::None if self.fixed() => runs.push(after_gap(zone, asked)),
                    LocalResult::None => {}
                }
            }
        }
        runs.sort();
        runs
    }
}

/// The first local minute that exists after `asked`, which a gap skipped.
fn after_gap(zone: Tz, asked: NaiveDateTime) -> DateTime<Utc> {
    let mut t = asked;
    loop {
        t += Duration::minutes(1);
        if let Some(first) = zone.from_local_datetime(&t).earliest() {
            return first.to_utc();
        }
    }
}

fn cron_spec() -> impl Strategy<Value = CronSpec> {
    (
        time_field(59, 30),
        time_field(23, 12),
        day_field(1, 28),
        day_field(0, 6),
    )
        .prop_map(|(minute, hour, dom, dow)| CronSpec {
            minute,
            hour,
            dom,
            dow,
        })
}

/// One of the year's clock changes in `zone`, or None for a zone without them.
fn a_change(zone: Tz, year: i32, pick: usize) -> Option<DateTime<Utc>> {
    let changes = transitions(zone, year);
    (!changes.is_empty()).then(|| changes[pick % changes.len()])
}

/// The local hour in which a clock change skips or repeats minutes.
fn changing_hour(zone: Tz, change: DateTime<Utc>) -> u32 {
    let (before, after) = (
        offset(zone, change - Duration::seconds(1)),
        offset(zone, change),
    );
    (change.naive_utc() + Duration::seconds(i64::from(before.min(after)))).hour()
}

fn runs_from(rule: &Rule, start: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut runs = Vec::new();
    let mut t = start;
    while let Some(next) = rule.next_after(t) {
        assert!(next > t, "{next} is not after {t}");
        if next >= until {
            break;
        }
        runs.push(next);
        t = next;
    }
    runs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Cron runs near a clock change, in every zone, are exactly the model's.
    #[test]
    fn cron_runs_are_the_matching_local_times_through_clock_changes(
        spec in cron_spec(),
        zone_name in prop::sample::select(ZONES),
        year in 2020i32..2036,
        pick in 0usize..4,
        aim in any::<bool>(),
        shift in -36 * 60i64..12 * 60,
        seconds in 0i64..60,
    ) {
        let mut spec = spec;
        let zone = zone(zone_name);
        let base = match a_change(zone, year, pick) {
            Some(change) => {
                // Half the time, the rule's hours are the hour the clocks change in.
                if aim && !matches!(spec.hour, Field::Star) {
                    spec.hour = Field::Values(BTreeSet::from([changing_hour(zone, change)]));
                }
                change
            }
            None => Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap() + Duration::days(pick as i64 * 90),
        };
        let start = base + Duration::minutes(shift) + Duration::seconds(seconds);
        let text = spec.text();
        let rule = rule::cron(&text, zone).unwrap();
        let first_day = start.with_timezone(&zone).date_naive();
        // Four local days from the start's, whole.
        let last_day = first_day + Duration::days(4);
        let until = zone.from_local_datetime(&last_day.and_hms_opt(0, 0, 0).unwrap()).earliest()
            .map_or_else(|| after_gap(zone, last_day.and_hms_opt(0, 0, 0).unwrap()), |t| t.to_utc());
        let mut expected: Vec<DateTime<Utc>> = first_day
            .pred_opt()
            .unwrap()
            .iter_days()
            .take_while(|d| *d <= last_day)
            .flat_map(|d| spec.runs_on(zone, d))
            .filter(|t| *t > start && *t < until)
            .collect();
        expected.sort();
        expected.dedup();
        let got = runs_from(&rule, start, until);
        prop_assert_eq!(got, expected, "{} in {} from {}", text, zone, start);
    }

    /// A fixed time in a spring gap runs once that day, right after the gap;
    /// one in an autumn repeat runs once, on its first pass.
    #[test]
    fn a_fixed_time_runs_once_on_the_day_the_clocks_change(
        zone_name in prop::sample::select(DST_ZONES),
        year in 2020i32..2036,
        pick in 0usize..2,
        into_window in 0.0f64..1.0,
    ) {
        let zone = zone(zone_name);
        let changes = transitions(zone, year);
        prop_assume!(!changes.is_empty());
        let change = changes[pick % changes.len()];
        let (before, after) = (
            offset(zone, change - Duration::seconds(1)),
            offset(zone, change),
        );
        // The local minutes skipped or repeated: [change at the earlier offset's
        // clock, change at the later's), whichever way round.
        let clock = |offset: i32| change.naive_utc() + Duration::seconds(i64::from(offset));
        let (from, to) = (clock(before.min(after)), clock(before.max(after)));
        let minutes = (to - from).num_minutes();
        let asked = from + Duration::minutes((into_window * minutes as f64) as i64);
        let text = format!("{} {} * * *", asked.format("%-M"), asked.format("%-H"));
        let rule = rule::cron(&text, zone).unwrap();
        let day = asked.date();
        let day_start = zone.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap()).earliest()
            .map_or_else(|| after_gap(zone, day.and_hms_opt(0, 0, 0).unwrap()), |t| t.to_utc());
        let day_end = zone.from_local_datetime(&day.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap())
            .earliest().unwrap().to_utc();
        let runs = runs_from(&rule, day_start - Duration::seconds(1), day_end);
        if after > before {
            prop_assert_eq!(&runs, &vec![change], "{} in {}: skipped {}, runs after the gap", text, zone, asked);
        } else {
            let first_pass = asked - Duration::seconds(i64::from(before));
            prop_assert_eq!(&runs, &vec![first_pass.and_utc()], "{} in {}: repeated {}, runs once", text, zone, asked);
        }
    }

    /// An interval rule's next run is the first `anchor + k * interval`
    /// after the time asked, exact to the millisecond, however far out.
    #[test]
    fn interval_runs_are_on_the_anchors_grid(
        interval_ms in 1_000i64..30 * 86_400_000,
        anchor_ms in 946_684_800_000i64..4_102_444_800_000,
        from_anchor_ms in -10 * 86_400_000i64..3_650 * 86_400_000,
    ) {
        let interval = Duration::milliseconds(interval_ms);
        let anchor = DateTime::from_timestamp_millis(anchor_ms).unwrap();
        let rule = rule::every(interval, anchor).unwrap();
        let t = anchor + Duration::milliseconds(from_anchor_ms);
        let next = rule.next_after(t).unwrap();
        prop_assert!(next > t);
        if t < anchor {
            prop_assert_eq!(next, anchor);
        } else {
            let since = (next - anchor).num_milliseconds();
            prop_assert_eq!(since % interval_ms, 0, "on the grid");
            prop_assert!(next - interval <= t, "the first on the grid after {}", t);
        }
        prop_assert!(rule.last_before(next).is_none_or(|last| last <= t));
    }

    /// Walking an interval rule run by run lands on `anchor + k * interval`
    /// for every k: no drift, even across clock changes (it runs in UTC).
    #[test]
    fn walking_an_interval_rule_never_drifts(
        interval_ms in 1_000i64..86_400_000,
        anchor_ms in 946_684_800_000i64..4_102_444_800_000,
    ) {
        let interval = Duration::milliseconds(interval_ms);
        let anchor = DateTime::from_timestamp_millis(anchor_ms).unwrap();
        let rule = rule::every(interval, anchor).unwrap();
        let mut t = anchor - Duration::milliseconds(1);
        for k in 0..500 {
            let next = rule.next_after(t).unwrap();
            prop_assert_eq!(next, anchor + interval * k, "run {}", k);
            t = next;
        }
    }
}
