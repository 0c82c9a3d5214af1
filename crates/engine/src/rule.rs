//! A schedule's rule: a fixed interval anchored to its first run, or a cron
//! expression read in a time zone. Every "when is the next run" in Chime is
//! answered here, and nowhere else (the UI asks the API for previews).

use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

use crate::duration;
use crate::error::FieldError;

/// The shortest interval a schedule may repeat at.
pub const MIN_INTERVAL: Duration = Duration::seconds(1);

#[derive(Debug, Clone)]
pub enum Rule {
    /// Every `interval`, on the grid `anchor + k * interval`, so runs never drift.
    Every {
        interval: Duration,
        anchor: DateTime<Utc>,
    },
    /// Shared: schedules with the same rule and zone hold one parse of it.
    Cron(std::sync::Arc<CronRule>),
}

#[derive(Debug, Clone)]
pub struct CronRule {
    pub text: String,
    pub zone: Tz,
    cron: Cron,
    /// A fixed-time rule with several times (`0,30 2 * * *`), one rule per
    /// time, so each crosses daylight saving as a fixed time does (see
    /// [`parse_cron`]). Empty otherwise.
    times: Vec<Cron>,
    fixed_time: bool,
    /// The hours the rule matches, and how many of minutes 0..m it matches
    /// (`minutes_before[m]`), for counting runs without walking them.
    hours: [bool; 24],
    minutes_before: [u16; 61],
}

impl Rule {
    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Rule::Every { interval, anchor } => {
                if t < *anchor {
                    return Some(*anchor);
                }
                let step = interval.num_milliseconds().max(1);
                let k = (t - *anchor).num_milliseconds() / step + 1;
                anchor.checked_add_signed(Duration::milliseconds(k.checked_mul(step)?))
            }
            Rule::Cron(rule) => rule.next_after(t),
        }
    }

    /// The last run strictly before `t`.
    pub fn last_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Rule::Every { interval, anchor } => {
                if t <= *anchor {
                    return None;
                }
                let step = interval.num_milliseconds().max(1);
                let k = ((t - *anchor).num_milliseconds() - 1) / step;
                Some(*anchor + Duration::milliseconds(k * step))
            }
            Rule::Cron(rule) => rule
                .cron
                .find_previous_occurrence(&t.with_timezone(&rule.zone), false)
                .ok()
                .map(|p| p.with_timezone(&Utc)),
        }
    }

    /// How many runs of an interval rule fall before `t` (milliseconds since
    /// the epoch); None for a cron rule. In integers, so a month of 100,000
    /// interval schedules is counted day by day in a few milliseconds.
    pub fn runs_before_ms(&self, t: i64) -> Option<i64> {
        let Rule::Every { interval, anchor } = self else {
            return None;
        };
        let step = interval.num_milliseconds().max(1);
        let d = t - anchor.timestamp_millis();
        Some(if d <= 0 { 0 } else { (d + step - 1) / step })
    }

    /// How many runs fall in [a, b). Interval rules are counted, cron rules
    /// walked, so keep windows short (a day holds at most 1,440 cron runs).
    pub fn count_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> usize {
        if b <= a {
            return 0;
        }
        match self {
            Rule::Every { .. } => {
                let runs_before = |t: DateTime<Utc>| self.runs_before_ms(t.timestamp_millis());
                (runs_before(b).zip(runs_before(a))).map_or(0, |(b, a)| (b - a).max(0) as usize)
            }
            Rule::Cron(_) => {
                let mut count = 0;
                let mut t = a - Duration::milliseconds(1);
                while let Some(next) = self.next_after(t).filter(|n| *n < b) {
                    count += 1;
                    t = next;
                }
                count
            }
        }
    }

    /// Runs of a cron rule in [start, end), counted from the pattern minute
    /// by minute instead of walked; None when that cannot be exact (an
    /// interval rule, or a window in which the clocks change).
    pub fn count_by_pattern(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<usize> {
        let Rule::Cron(rule) = self else { return None };
        rule.count_in(&LocalDays::of(rule.zone, start, end)?)
    }

    /// Runs of a cron rule in `days` (which must be of the rule's zone),
    /// counted from the pattern; None for an interval rule. The calendar
    /// cuts each of its days into the rule's zone's once, for all the rules
    /// of that zone.
    pub fn count_in(&self, days: &LocalDays) -> Option<usize> {
        match self {
            Rule::Cron(rule) => rule.count_in(days),
            Rule::Every { .. } => None,
        }
    }

    /// The rule in words: "Every 5 minutes", "At 09:00 on Monday through Friday (Europe/Berlin)".
    pub fn describe(&self) -> String {
        match self {
            Rule::Every { interval, .. } => format!("Every {}", duration::words(*interval)),
            Rule::Cron(rule) => rule.describe(),
        }
    }

    /// The next `count` runs after `from`, with the notes a person needs to
    /// trust them (daylight-saving changes among them).
    pub fn preview(&self, from: DateTime<Utc>, count: usize, zone: Tz) -> Preview {
        let mut next = Vec::with_capacity(count);
        let mut t = from;
        while next.len() < count {
            match self.next_after(t) {
                Some(n) => {
                    next.push(n);
                    t = n;
                }
                None => break,
            }
        }
        let notes = self.dst_notes(from, &next, zone);
        Preview {
            description: self.describe(),
            next: next.iter().map(|t| t.with_timezone(&zone)).collect(),
            notes,
        }
    }

    fn dst_notes(&self, from: DateTime<Utc>, runs: &[DateTime<Utc>], zone: Tz) -> Vec<String> {
        let mut notes = Vec::new();
        let mut prev = from;
        for &run in runs {
            if let Some(change) = offset_change_between(zone, prev, run) {
                notes.push(self.describe_change(&change, zone));
            }
            if let Rule::Cron(rule) = self {
                notes.extend(rule.note_for_run(run));
            }
            prev = run;
        }
        notes.dedup();
        notes
    }

    fn describe_change(&self, change: &OffsetChange, zone: Tz) -> String {
        let local = change.at.with_timezone(&zone);
        let forward = change.after > change.before;
        let what = format!(
            "On {} clocks in {zone} go {} from {} to {} (UTC{} to UTC{})",
            local.format("%Y-%m-%d"),
            if forward { "forward" } else { "back" },
            (change.at.naive_utc() + Duration::seconds(i64::from(change.before))).format("%H:%M"),
            (change.at.naive_utc() + Duration::seconds(i64::from(change.after))).format("%H:%M"),
            offset_text(change.before),
            offset_text(change.after)
        );
        let effect = match self {
            Rule::Every { interval, .. } => format!(
                "every {} is a fixed interval, so after the change its runs come an hour {} on the local clock; use a cron rule to keep wall-clock times",
                duration::words(*interval),
                if forward { "later" } else { "earlier" }
            ),
            Rule::Cron(rule) if rule.fixed_time => {
                if forward {
                    "a run set in the skipped hour happens right after the change; it is not lost".to_string()
                } else {
                    "a run set in the repeated hour happens once, on its first pass".to_string()
                }
            }
            Rule::Cron(_) => {
                if forward {
                    "runs that would fall in the skipped hour do not happen".to_string()
                } else {
                    "runs in the repeated hour happen on both passes".to_string()
                }
            }
        };
        format!("{what}: {effect}.")
    }
}

/// What `POST /api/schedules/preview` answers.
#[derive(Debug, Clone)]
pub struct Preview {
    pub description: String,
    pub next: Vec<DateTime<Tz>>,
    pub notes: Vec<String>,
}

/// A window of time as the local days of a zone that it touches: each
/// day's date and the minutes of it inside the window.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalDays(Vec<LocalDay>);

#[derive(Debug, Clone, Copy, PartialEq)]
struct LocalDay {
    date: chrono::NaiveDate,
    /// Minutes of the day from `first` up to `last` (0..=1440).
    first: u16,
    last: u16,
}

impl LocalDays {
    /// [start, end) cut at `zone`'s midnights; None when the clocks change
    /// in it (a day's minutes are then not the hours on its clock).
    pub fn of(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<LocalDays> {
        use chrono::Timelike;
        let mut days = Vec::with_capacity(2);
        let date_of = |t: DateTime<Utc>| t.with_timezone(&zone).date_naive();
        // A minute's run is at its first second: a window from within a
        // minute misses its run, and one to within a minute holds it.
        let minute_of = |t: DateTime<Tz>| {
            let begun = t.second() > 0 || t.nanosecond() > 0;
            (t.hour() * 60 + t.minute() + u32::from(begun)) as u16
        };
        let mut a = start;
        while a < end {
            let date = date_of(a);
            // Mostly the window is within one day: no midnight to find.
            let b = match date_of(end - Duration::milliseconds(1)) == date {
                true => end,
                false => end.min(resolve_local(zone, date.succ_opt()?.and_hms_opt(0, 0, 0)?)?),
            };
            if b <= a || offset_seconds(zone, a) != offset_seconds(zone, b - Duration::seconds(1)) {
                return None;
            }
            let (la, lb) = (a.with_timezone(&zone), b.with_timezone(&zone));
            let last = match lb.date_naive() > date {
                true => 1440,
                false => minute_of(lb).min(1440),
            };
            days.push(LocalDay {
                date,
                first: minute_of(la).min(last),
                last,
            });
            a = b;
        }
        Some(LocalDays(days))
    }
}

impl CronRule {
    /// Runs in `days`, local days of the rule's zone, from the pattern.
    fn count_in(&self, days: &LocalDays) -> Option<usize> {
        use chrono::Datelike;
        let p = &self.cron.pattern;
        let mut count = 0;
        for &LocalDay { date, first, last } in &days.0 {
            let weekday =
                croner::Weekday::from_days_from_sunday(date.weekday().num_days_from_sunday());
            let on = p.month_match(date.month()).ok()?
                && (p.day_match(date.year(), date.month(), date.day(), weekday)).ok()?;
            if on {
                count += self.count_minutes(first, last);
            }
        }
        Some(count)
    }

    /// Of a day's minutes [first, last), how many the pattern matches.
    fn count_minutes(&self, first: u16, last: u16) -> usize {
        let (first, last) = (usize::from(first), usize::from(last));
        let mut count = 0;
        for hour in (first / 60)..last.div_ceil(60) {
            if self.hours[hour] {
                // This hour's minutes that fall in [first, last).
                let lo = first.saturating_sub(hour * 60).min(60);
                let hi = (last - hour * 60).min(60);
                count += usize::from(self.minutes_before[hi] - self.minutes_before[lo]);
            }
        }
        count
    }

    fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&self.zone);
        let next = |cron: &Cron| {
            cron.find_next_occurrence(&local, false)
                .ok()
                .map(|n| n.with_timezone(&Utc))
        };
        if self.times.is_empty() {
            next(&self.cron)
        } else {
            self.times.iter().filter_map(next).min()
        }
    }

    fn describe(&self) -> String {
        let words = self.cron.describe();
        // croner says "At every 5 minutes"; people say "Every 5 minutes".
        let words = match words.strip_prefix("At every ") {
            Some(rest) => format!("Every {rest}"),
            None => words,
        };
        let words = words.trim_end_matches('.');
        if self.zone == Tz::UTC {
            format!("{words} (UTC)")
        } else {
            format!("{words} ({})", self.zone)
        }
    }

    /// A note for a fixed-time run that daylight saving moves or that it keeps
    /// from repeating.
    fn note_for_run(&self, run: DateTime<Utc>) -> Option<String> {
        if !self.fixed_time {
            return None;
        }
        let local = run.with_timezone(&self.zone);
        let naive = local.naive_local();
        match self.zone.from_local_datetime(&naive) {
            LocalResult::Ambiguous(_, _) => Some(format!(
                "{} happens twice in {} that day; this rule runs once, at the first ({}).",
                naive.format("%Y-%m-%d %H:%M"),
                self.zone,
                local.format("%H:%M %:z")
            )),
            _ => {
                let asked = local.date_naive().and_time(self.planned_time()?);
                (asked != naive && self.zone.from_local_datetime(&asked) == LocalResult::None).then(
                    || {
                        format!(
                            "{} does not exist in {} (clocks go forward); that run happens at {}.",
                            asked.format("%Y-%m-%d %H:%M"),
                            self.zone,
                            local.format("%H:%M %:z")
                        )
                    },
                )
            }
        }
    }

    /// The wall-clock time of a fixed-time rule (`30 2 * * *` is 02:30).
    fn planned_time(&self) -> Option<chrono::NaiveTime> {
        let mut fields = self.text.split_whitespace();
        let minute = fields.next()?.parse().ok()?;
        let hour = fields.next()?.parse().ok()?;
        chrono::NaiveTime::from_hms_opt(hour, minute, 0)
    }
}

struct OffsetChange {
    at: DateTime<Utc>,
    before: i32,
    after: i32,
}

fn offset_seconds(zone: Tz, t: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

/// The first change of `zone`'s UTC offset in (a, b], found by bisection to
/// the second, or None when the offset is the same at both ends.
fn offset_change_between(zone: Tz, a: DateTime<Utc>, b: DateTime<Utc>) -> Option<OffsetChange> {
    let before = offset_seconds(zone, a);
    let after = offset_seconds(zone, b);
    if before == after {
        return None;
    }
    let (mut lo, mut hi) = (a, b);
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if offset_seconds(zone, mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(OffsetChange {
        at: hi.with_timezone(&Utc).with_nanosecond_zero(),
        before,
        after: offset_seconds(zone, hi),
    })
}

trait TruncateNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl TruncateNanos for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

/// Reads an IANA zone name.
pub fn parse_zone(field: &str, name: &str) -> Result<Tz, FieldError> {
    Tz::from_str(name.trim()).map_err(|_| {
        FieldError::new(
            field,
            format!("unknown time zone \"{name}\"; use an IANA name such as \"Europe/Berlin\" or \"UTC\""),
        )
    })
}

/// A cron field: its name in messages and its range.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
    },
    Field {
        name: "day-of-week",
        min: 0,
        max: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    },
];

/// Reads a 5-field cron expression (or a nickname such as `@daily`) with Vixie
/// semantics: day-of-week 0-7 (0 and 7 are Sunday), `1-5` is Monday-Friday,
/// and a restricted day-of-month OR a restricted day-of-week matches.
pub fn parse_cron(text: &str, zone: Tz) -> Result<CronRule, FieldError> {
    let trimmed = text.trim();
    let expanded = expand_nickname(trimmed)?;
    check_fields(&expanded)?;
    let cron = parser()
        .parse(&expanded)
        .map_err(|e| FieldError::new("cron", e))?;
    // A rule that never fires (`0 0 30 2 *`) is a mistake, not a schedule.
    // Rules have no year, so looking from any fixed instant finds one if any.
    let reference = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    cron.find_next_occurrence(&reference.with_timezone(&zone), false)
        .map_err(|_| FieldError::new("cron", format!("\"{trimmed}\" never matches a real date")))?;
    let mut hours = [false; 24];
    for (h, slot) in hours.iter_mut().enumerate() {
        *slot = cron.pattern.hour_match(h as u32).unwrap_or(false);
    }
    let mut minutes_before = [0u16; 61];
    for m in 0..60 {
        let hit = u16::from(cron.pattern.minute_match(m as u32).unwrap_or(false));
        minutes_before[m + 1] = minutes_before[m] + hit;
    }
    let times = fixed_times(&expanded, &hours, &minutes_before)?;
    let fixed_time =
        !times.is_empty() || matches!(cron.determine_job_type(), croner::JobType::FixedTime);
    Ok(CronRule {
        text: trimmed.to_string(),
        zone,
        cron,
        times,
        fixed_time,
        hours,
        minutes_before,
    })
}

/// The parser every rule goes through: 5 fields, Vixie's day-of-month OR
/// day-of-week.
fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .dom_and_dow(false)
        .sloppy_ranges(true)
        .build()
}

/// Vixie cron calls a rule fixed-time when neither its minute nor its hour
/// field starts with `*`; such a run skipped by spring's gap runs right after
/// it, and one repeated in autumn runs once. croner does that only for a rule
/// with one time, so a rule with several (`0,30 2 * * *`) becomes one rule
/// per time. Past `MAX_TIMES`, the rule keeps croner's wildcard behaviour.
fn fixed_times(
    expanded: &str,
    hours: &[bool; 24],
    minutes_before: &[u16; 61],
) -> Result<Vec<Cron>, FieldError> {
    const MAX_TIMES: usize = 48;
    let fields: Vec<&str> = expanded.split_whitespace().collect();
    let [minute, hour, rest @ ..] = fields.as_slice() else {
        return Ok(Vec::new());
    };
    if minute.starts_with('*') || hour.starts_with('*') {
        return Ok(Vec::new());
    }
    let minutes: Vec<usize> = (0..60)
        .filter(|m| minutes_before[m + 1] > minutes_before[*m])
        .collect();
    let hour_list: Vec<usize> = (0..24).filter(|h| hours[*h]).collect();
    let count = minutes.len() * hour_list.len();
    if count <= 1 || count > MAX_TIMES {
        return Ok(Vec::new());
    }
    let rest = rest.join(" ");
    let mut times = Vec::with_capacity(count);
    for h in &hour_list {
        for m in &minutes {
            let one = parser()
                .parse(&format!("{m} {h} {rest}"))
                .map_err(|e| FieldError::new("cron", e))?;
            times.push(one);
        }
    }
    Ok(times)
}

fn expand_nickname(text: &str) -> Result<String, FieldError> {
    if !text.starts_with('@') {
        return Ok(text.to_string());
    }
    let expansion = match text.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => {
            return Err(FieldError::new(
                "cron",
                format!(
                "unknown nickname \"{text}\"; use @hourly, @daily, @weekly, @monthly or @yearly"
            ),
            ))
        }
    };
    Ok(expansion.to_string())
}

/// Checks each field's syntax and ranges, for messages that say exactly which
/// value is wrong. croner then parses what passed (and the extensions L, W, #).
fn check_fields(text: &str) -> Result<(), FieldError> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.is_empty() {
        return Err(FieldError::new(
            "cron",
            "is empty; write 5 fields such as \"*/5 * * * *\"",
        ));
    }
    if parts.len() != 5 {
        let hint = if parts.len() == 6 {
            " (seconds and years are not supported)"
        } else {
            ""
        };
        return Err(FieldError::new(
            "cron",
            format!(
                "has {} fields; write 5: minute hour day-of-month month day-of-week{hint}",
                parts.len()
            ),
        ));
    }
    for (part, field) in parts.iter().zip(FIELDS.iter()) {
        for item in part.split(',') {
            check_item(item, field)?;
        }
    }
    Ok(())
}

fn check_item(item: &str, field: &Field) -> Result<(), FieldError> {
    let upper = item.to_ascii_uppercase();
    // Extensions croner understands; it reports their errors itself.
    if upper.contains(['L', 'W', '#', '?']) && !field.names.iter().any(|n| upper.contains(n)) {
        return Ok(());
    }
    if item.is_empty() {
        return Err(FieldError::new(
            "cron",
            format!("{} has an empty list item", field.name),
        ));
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        let n: u32 = step.parse().map_err(|_| {
            FieldError::new(
                "cron",
                format!("{} step \"{step}\" is not a number", field.name),
            )
        })?;
        if n == 0 {
            return Err(FieldError::new(
                "cron",
                format!("{} step must be at least 1", field.name),
            ));
        }
    }
    if range == "*" || (range.is_empty() && step.is_some()) {
        return Ok(());
    }
    let (low, high) = match range.split_once('-') {
        Some((low, high)) => (value(low, field)?, Some(value(high, field)?)),
        None => (value(range, field)?, None),
    };
    if let Some(high) = high {
        // Sunday may end a weekday range as 7 (`5-7`) or 0 (`5-0` is not Vixie).
        if high < low {
            return Err(FieldError::new(
                "cron",
                format!("{} range {range} goes backwards", field.name),
            ));
        }
    }
    Ok(())
}

fn value(text: &str, field: &Field) -> Result<u32, FieldError> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = field.names.iter().position(|n| *n == upper) {
        return Ok(i as u32 + if field.name == "month" { 1 } else { 0 });
    }
    let n: u32 = text.parse().map_err(|_| {
        let names = if field.names.is_empty() {
            String::new()
        } else {
            format!(" or a name such as {}", field.names[1])
        };
        FieldError::new(
            "cron",
            format!("{} \"{text}\" is not a number{names}", field.name),
        )
    })?;
    if n < field.min || n > field.max {
        return Err(FieldError::new(
            "cron",
            format!(
                "{} {n} is out of range {}-{}",
                field.name, field.min, field.max
            ),
        ));
    }
    Ok(n)
}

/// A cron rule read in `zone` (see [`parse_cron`]).
pub fn cron(text: &str, zone: Tz) -> Result<Rule, FieldError> {
    if let Some(known) = parsed(text, zone) {
        return Ok(Rule::Cron(known));
    }
    let rule = std::sync::Arc::new(parse_cron(text, zone)?);
    remember(text, zone, &rule);
    Ok(Rule::Cron(rule))
}

/// Rules already read, by their text and zone. Reading one costs about
/// 16 µs, and every read of a schedule reads its rule: the calendar of
/// 100,000 schedules reads them all, and people write the same rules again
/// and again. Bounded: past `PARSED_MAX` it starts over.
type Parsed = std::sync::Mutex<std::collections::HashMap<(String, Tz), std::sync::Arc<CronRule>>>;
const PARSED_MAX: usize = 10_000;

fn parsed_rules() -> &'static Parsed {
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(Parsed::default)
}

fn parsed(text: &str, zone: Tz) -> Option<std::sync::Arc<CronRule>> {
    let rules = parsed_rules().lock().unwrap_or_else(|e| e.into_inner());
    rules.get(&(text.to_string(), zone)).cloned()
}

fn remember(text: &str, zone: Tz, rule: &std::sync::Arc<CronRule>) {
    let mut rules = parsed_rules().lock().unwrap_or_else(|e| e.into_inner());
    if rules.len() >= PARSED_MAX {
        rules.clear();
    }
    rules.insert((text.to_string(), zone), rule.clone());
}

/// An interval rule on the grid that starts at `anchor`.
pub fn every(interval: Duration, anchor: DateTime<Utc>) -> Result<Rule, FieldError> {
    if interval < MIN_INTERVAL {
        return Err(FieldError::new("repeat_every", "must be at least 1 second"));
    }
    Ok(Rule::Every { interval, anchor })
}

/// Reads a wall-clock time in `zone`, resolving a daylight-saving gap forward
/// and a repeated hour to its first pass, as cron does.
pub fn resolve_local(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => resolve_local(zone, naive + Duration::minutes(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike, Weekday};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn cron(text: &str, zone: &str) -> Rule {
        super::cron(text, parse_zone("timezone", zone).unwrap()).unwrap()
    }

    fn runs(rule: &Rule, from: &str, n: usize) -> Vec<DateTime<Utc>> {
        let mut t = utc(from);
        (0..n)
            .map(|_| {
                t = rule.next_after(t).unwrap();
                t
            })
            .collect()
    }

    #[test]
    fn weekdays_at_nine_in_berlin_are_monday_to_friday_local() {
        let rule = cron("0 9 * * 1-5", "Europe/Berlin");
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        for run in runs(&rule, "2026-11-28T12:00:00Z", 10) {
            let local = run.with_timezone(&berlin);
            assert_eq!((local.hour(), local.minute()), (9, 0));
            assert!(!matches!(local.weekday(), Weekday::Sat | Weekday::Sun));
        }
    }

    #[test]
    fn day_of_month_or_day_of_week_as_vixie_does() {
        // The 13th of the month OR any Friday.
        let rule = cron("0 0 13 * 5", "UTC");
        let found = runs(&rule, "2026-11-01T00:00:00Z", 10);
        assert!(found
            .iter()
            .any(|t| t.day() == 13 && t.weekday() != Weekday::Fri));
        assert!(found
            .iter()
            .any(|t| t.weekday() == Weekday::Fri && t.day() != 13));
        // Sunday is 0 and 7.
        assert_eq!(
            runs(&cron("0 0 * * 0", "UTC"), "2026-11-01T00:00:00Z", 3),
            runs(&cron("0 0 * * 7", "UTC"), "2026-11-01T00:00:00Z", 3)
        );
    }

    #[test]
    fn new_york_spring_forward_runs_a_skipped_fixed_time_once_after_the_gap() {
        // 2027-03-14: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
        let rule = cron("30 2 * * *", "America/New_York");
        let found = runs(&rule, "2027-03-13T12:00:00Z", 3);
        assert_eq!(found[0], utc("2027-03-14T07:00:00Z")); // 03:00 EDT, right after the gap
        assert_eq!(found[1], utc("2027-03-15T06:30:00Z")); // 02:30 EDT
                                                           // Every-15-minutes runs inside the gap simply do not happen.
        let quarter = runs(
            &cron("*/15 * * * *", "America/New_York"),
            "2027-03-14T06:40:00Z",
            2,
        );
        assert_eq!(
            quarter,
            vec![utc("2027-03-14T06:45:00Z"), utc("2027-03-14T07:00:00Z")]
        );
    }

    #[test]
    fn new_york_fall_back_runs_a_repeated_fixed_time_once() {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        let rule = cron("30 1 * * *", "America/New_York");
        let found = runs(&rule, "2026-10-31T12:00:00Z", 3);
        assert_eq!(found[0], utc("2026-11-01T05:30:00Z")); // 01:30 EDT, the first pass
        assert_eq!(found[1], utc("2026-11-02T06:30:00Z")); // next day, 01:30 EST
        let notes = rule
            .preview(
                utc("2026-10-31T12:00:00Z"),
                3,
                "America/New_York".parse().unwrap(),
            )
            .notes;
        assert!(notes.iter().any(|n| n.contains("go back")), "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("happens twice")),
            "{notes:?}"
        );
    }

    #[test]
    fn preview_notes_the_spring_gap() {
        let zone: Tz = "America/New_York".parse().unwrap();
        let preview =
            cron("30 2 * * *", "America/New_York").preview(utc("2027-03-12T12:00:00Z"), 4, zone);
        assert!(
            preview
                .notes
                .iter()
                .any(|n| n.contains("go forward from 02:00 to 03:00")),
            "{:?}",
            preview.notes
        );
        assert!(
            preview
                .notes
                .iter()
                .any(|n| n.contains("2027-03-14 02:30 does not exist")),
            "{:?}",
            preview.notes
        );
        assert_eq!(
            preview.next[1].format("%H:%M %:z").to_string(),
            "03:00 -04:00"
        );
    }

    #[test]
    fn interval_runs_stay_on_their_grid() {
        let anchor = utc("2026-01-01T00:00:00Z");
        let rule = every(Duration::seconds(10), anchor).unwrap();
        assert_eq!(rule.next_after(utc("2025-12-31T00:00:00Z")), Some(anchor));
        assert_eq!(rule.next_after(anchor), Some(utc("2026-01-01T00:00:10Z")));
        assert_eq!(
            rule.next_after(utc("2026-01-01T00:00:13.7Z")),
            Some(utc("2026-01-01T00:00:20Z"))
        );
        assert_eq!(rule.describe(), "Every 10 seconds");
    }

    #[test]
    fn bad_rules_say_which_value_is_wrong() {
        let err = |t: &str| parse_cron(t, Tz::UTC).unwrap_err().message;
        assert_eq!(err("0 9 * * 8"), "cron: day-of-week 8 is out of range 0-7");
        assert_eq!(err("60 * * * *"), "cron: minute 60 is out of range 0-59");
        assert_eq!(err("* 24 * * *"), "cron: hour 24 is out of range 0-23");
        assert_eq!(
            err("* * 0 * *"),
            "cron: day-of-month 0 is out of range 1-31"
        );
        assert_eq!(err("* * * 13 *"), "cron: month 13 is out of range 1-12");
        assert!(err("0 0 * * * *").contains("has 6 fields"));
        assert!(err("* *").contains("has 2 fields"));
        assert!(err("*/0 * * * *").contains("step must be at least 1"));
        assert!(err("5-2 * * * *").contains("range 5-2 goes backwards"));
        assert!(err("x * * * *").contains("minute \"x\" is not a number"));
        assert!(err("@reboot").contains("unknown nickname"));
        assert!(err("").contains("is empty"));
        assert!(err("0 0 30 2 *").contains("never matches"));
    }

    #[test]
    fn counting_a_day_agrees_with_walking_it() {
        let zone: Tz = "America/New_York".parse().unwrap();
        for text in [
            "*/5 * * * *",
            "0 9 * * 1-5",
            "15,45 */2 13 * 5",
            "* 3 * * *",
        ] {
            let rule = super::cron(text, zone).unwrap();
            for day in 1..=20 {
                let date = chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
                let start = resolve_local(zone, date.and_hms_opt(0, 0, 0).unwrap()).unwrap();
                let end =
                    resolve_local(zone, date.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap())
                        .unwrap();
                let walked = rule.count_between(start, end);
                match rule.count_by_pattern(start, end) {
                    Some(counted) => assert_eq!(counted, walked, "{text} on {date}"),
                    // 1 November: the clocks go back; that day is walked.
                    None => assert_eq!(day, 1, "{text} on {date}"),
                }
            }
        }
        let rule = super::cron("*/5 * * * *", zone).unwrap();
        let (a, b) = (utc("2026-11-10T13:02:30Z"), utc("2026-11-10T19:41:00Z"));
        assert_eq!(rule.count_by_pattern(a, b), Some(rule.count_between(a, b)));
        // A day of a calendar in another zone spans two of the rule's days.
        for (calendar, text) in [
            ("Pacific/Auckland", "0 * * * *"),
            ("Etc/GMT-12", "*/5 9-17 * * 1-5"),
            ("America/Los_Angeles", "30 23,0,1 * * *"),
        ] {
            let calendar: Tz = calendar.parse().unwrap();
            let rule = super::cron(text, zone).unwrap();
            for day in 2..=20 {
                let date = chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
                let local = |d: chrono::NaiveDate| {
                    resolve_local(calendar, d.and_hms_opt(0, 0, 0).unwrap()).unwrap()
                };
                let (start, end) = (local(date), local(date.succ_opt().unwrap()));
                assert_eq!(
                    rule.count_by_pattern(start, end),
                    Some(rule.count_between(start, end)),
                    "{text} on {date} in {calendar}"
                );
            }
        }
        let every = every(Duration::minutes(7), utc("2026-11-01T00:03:00Z")).unwrap();
        assert_eq!(
            every.count_between(utc("2026-11-01T00:00:00Z"), utc("2026-11-01T01:00:00Z")),
            9
        );
        assert_eq!(
            every.last_before(utc("2026-11-01T01:00:00Z")),
            Some(utc("2026-11-01T00:59:00Z"))
        );
    }

    #[test]
    fn names_and_nicknames_are_read() {
        assert!(parse_cron("0 9 * JAN-MAR MON-FRI", Tz::UTC).is_ok());
        let daily = cron("@daily", "UTC");
        assert_eq!(
            runs(&daily, "2026-11-29T10:00:00Z", 1),
            vec![utc("2026-11-30T00:00:00Z")]
        );
    }
}
