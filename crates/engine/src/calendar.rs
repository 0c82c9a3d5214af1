//! The calendar: past runs with their outcomes and every future run of every
//! schedule and pending job in a range, computed here so the UI only draws.
//! A schedule with more than a threshold of runs in one day comes back for
//! that day as a band (its rule and its count), not as thousands of items.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::{FieldError, Result};
use crate::job::JobState;
use crate::rule::{resolve_local, Rule};
use crate::store::schedules::Outline;
use crate::store::{jobs, schedules};
use crate::time::{from_ms, to_ms};

pub const DEFAULT_DENSE: usize = 48;
/// Past and upcoming items each stop at this many: past it, the busiest
/// schedule-days become bands too, so a month of a thousand schedules is
/// still a calendar and not a 50 MB list.
pub const MAX_ITEMS: usize = 5_000;
/// The longest range one request covers.
const MAX_RANGE: Duration = Duration::days(62);

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Calendar {
    #[serde(serialize_with = "crate::time::ser")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::ser")]
    pub to: DateTime<Utc>,
    pub timezone: String,
    pub dense_threshold: usize,
    pub past: Vec<PastRun>,
    pub upcoming: Vec<Upcoming>,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PastRun {
    pub job_id: String,
    pub schedule_id: Option<String>,
    pub name: Option<String>,
    pub method: String,
    pub url: String,
    #[serde(serialize_with = "crate::time::ser")]
    pub scheduled_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::ser_opt")]
    pub attempted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::time::ser_opt")]
    pub finished_at: Option<DateTime<Utc>>,
    pub state: JobState,
    /// success, failure, error (the last attempt's), or null when none ran.
    #[ts(type = "\"success\" | \"failure\" | \"error\" | null")]
    pub outcome: Option<&'static str>,
    pub status: Option<u16>,
    pub duration_ms: Option<i64>,
    pub attempt: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Upcoming {
    pub job_id: Option<String>,
    pub schedule_id: Option<String>,
    pub name: Option<String>,
    pub method: String,
    pub url: String,
    #[serde(serialize_with = "crate::time::ser")]
    pub at: DateTime<Utc>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Band {
    /// The schedule, or null for a band of one-off jobs.
    pub schedule_id: Option<String>,
    pub name: Option<String>,
    /// The band's first local day, and its last: consecutive dense days of a
    /// schedule are one band.
    pub day: NaiveDate,
    pub last_day: NaiveDate,
    pub days: usize,
    #[ts(type = "\"past\" | \"upcoming\"")]
    pub kind: &'static str,
    /// Runs over all its days.
    pub count: usize,
    /// Runs on each day, when every day has the same number.
    pub per_day: Option<usize>,
    #[serde(serialize_with = "crate::time::ser")]
    pub first: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::ser")]
    pub last: DateTime<Utc>,
    pub summary: String,
    /// For past bands: runs by outcome.
    #[ts(
        type = "{ success: number, failure: number, cancelled: number, running?: number } | null"
    )]
    pub outcomes: Option<BTreeMap<&'static str, usize>>,
}

/// One local day of the range, clipped to it.
struct Day {
    date: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> Vec<Day> {
    let mut out = Vec::new();
    let mut date = from.with_timezone(&zone).date_naive();
    loop {
        let midnight =
            |d: NaiveDate| resolve_local(zone, d.and_hms_opt(0, 0, 0).unwrap_or_default());
        let (Some(day_start), Some(day_end)) = (midnight(date), date.succ_opt().and_then(midnight))
        else {
            break;
        };
        if day_start >= to {
            break;
        }
        let (start, end) = (day_start.max(from), day_end.min(to));
        if start < end {
            out.push(Day { date, start, end });
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    out
}

/// The calendar of `from`..`to` with day boundaries in `zone`, as it is at `now`.
pub fn build(
    c: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
    now: DateTime<Utc>,
    dense: usize,
) -> Result<Calendar> {
    if to <= from {
        return Err(FieldError::new("to", "must be after from").into());
    }
    if to - from > MAX_RANGE {
        return Err(FieldError::new("to", "the range is longer than 62 days").into());
    }
    let day_list = days(from, to, zone);
    let mut cal = Calendar {
        from,
        to,
        timezone: zone.name().to_string(),
        dense_threshold: dense,
        past: Vec::new(),
        upcoming: Vec::new(),
        bands: Vec::new(),
    };
    past_runs(c, &day_list, dense, &mut cal)?;
    upcoming_runs(c, &day_list, now, dense, &mut cal)?;
    Ok(cal)
}

/// A day of the range (its index) and a schedule (None: the one-off jobs).
type DayGroup = (usize, Option<String>);

/// Finished and running jobs in the range; dense schedule-days become bands.
fn past_runs(c: &Connection, days: &[Day], dense: usize, cal: &mut Calendar) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT seq, id, schedule_id, name, json_extract(request, '$.method'), json_extract(request, '$.url'),
                scheduled_at, attempted_at, COALESCE(completed_at, discarded_at, cancelled_at), state, attempt
         FROM jobs WHERE scheduled_at >= ?1 AND scheduled_at < ?2
           AND state NOT IN ('scheduled', 'available') ORDER BY scheduled_at",
    )?;
    let rows = stmt.query_map(params![to_ms(cal.from), to_ms(cal.to)], |r| {
        let state: String = r.get(9)?;
        Ok((
            r.get::<_, i64>(0)?,
            PastRun {
                job_id: r.get(1)?,
                schedule_id: r.get(2)?,
                name: r.get(3)?,
                method: r
                    .get::<_, Option<String>>(4)?
                    .unwrap_or_default()
                    .to_uppercase(),
                url: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                scheduled_at: from_ms(r.get(6)?),
                attempted_at: r.get::<_, Option<i64>>(7)?.map(from_ms),
                finished_at: r.get::<_, Option<i64>>(8)?.map(from_ms),
                state: JobState::parse(&state).unwrap_or(JobState::Discarded),
                outcome: None,
                status: None,
                duration_ms: None,
                attempt: r.get(10)?,
            },
        ))
    })?;
    let runs: Vec<(i64, PastRun)> = rows.collect::<rusqlite::Result<_>>()?;
    // Group the runs by local day and schedule (one-off jobs together), to
    // find the dense groups.
    let mut by_day: BTreeMap<DayGroup, Vec<usize>> = BTreeMap::new();
    for (i, (_, run)) in runs.iter().enumerate() {
        let day = days
            .iter()
            .position(|d| run.scheduled_at >= d.start && run.scheduled_at < d.end)
            .unwrap_or(0);
        by_day
            .entry((day, run.schedule_id.clone()))
            .or_default()
            .push(i);
    }
    let groups: Vec<(&DayGroup, &Vec<usize>)> = by_day.iter().collect();
    let counts: Vec<u32> = groups.iter().map(|(_, m)| m.len() as u32).collect();
    let mut group_band: Vec<bool> = counts.iter().map(|c| *c as usize > dense).collect();
    band_the_busiest(&counts, &mut group_band, MAX_ITEMS);
    let mut banded = vec![false; runs.len()];
    for (((day, sid), members), band) in groups.into_iter().zip(group_band) {
        if !band {
            continue;
        }
        let mut outcomes: BTreeMap<&'static str, usize> =
            ["success", "failure", "cancelled"].map(|k| (k, 0)).into();
        for &i in members {
            banded[i] = true;
            *outcomes
                .entry(outcome_of_state(runs[i].1.state))
                .or_default() += 1;
        }
        let summary = match sid {
            Some(sid) => schedules::get(c, sid)?
                .map(|s| s.rule.describe())
                .unwrap_or_default(),
            None => ONE_OFFS.to_string(),
        };
        let (first, last) = (
            &runs[members[0]].1,
            &runs[*members.last().unwrap_or(&members[0])].1,
        );
        cal.bands.push(Band {
            schedule_id: sid.clone(),
            name: if sid.is_some() {
                first.name.clone()
            } else {
                Some(ONE_OFFS.to_string())
            },
            day: days[*day].date,
            last_day: days[*day].date,
            days: 1,
            kind: "past",
            count: members.len(),
            per_day: Some(members.len()),
            first: first.scheduled_at,
            last: last.scheduled_at,
            summary,
            outcomes: Some(outcomes),
        });
    }
    let listed: Vec<(i64, PastRun)> = runs
        .into_iter()
        .zip(banded)
        .filter(|(_, b)| !b)
        .map(|(r, _)| r)
        .collect();
    let seqs: Vec<i64> = listed.iter().map(|(seq, _)| *seq).collect();
    let outcomes = jobs::last_outcomes(c, &seqs)?;
    for (seq, mut run) in listed {
        if let Some(o) = outcomes.get(&seq) {
            run.outcome = Some(match (o.status, &o.error) {
                (Some(s), _) if s < 400 => "success",
                (Some(_), _) => "failure",
                _ => "error",
            });
            run.status = o.status;
            run.duration_ms = Some(o.duration_ms);
        }
        cal.past.push(run);
    }
    Ok(())
}

fn outcome_of_state(state: JobState) -> &'static str {
    match state {
        JobState::Completed => "success",
        JobState::Discarded => "failure",
        JobState::Cancelled => "cancelled",
        _ => "running",
    }
}

/// Pending one-off jobs, and each enabled schedule's runs from its pending job on.
fn upcoming_runs(
    c: &Connection,
    days: &[Day],
    now: DateTime<Utc>,
    dense: usize,
    cal: &mut Calendar,
) -> Result<()> {
    let start = cal.from.max(now);
    let one_offs = jobs::list(
        c,
        &jobs::JobFilter {
            states: vec![
                JobState::Scheduled,
                JobState::Available,
                JobState::Retryable,
            ],
            one_off: true,
            limit: 100_000,
            order: jobs::JobOrder {
                by: jobs::OrderField::ScheduledAt,
                descending: false,
            },
            ..Default::default()
        },
        now,
    )?
    .0;
    one_off_jobs(&one_offs, days, dense, cal);
    let pending = jobs::pending_of_schedules(c)?;
    let outlines = schedules::outlines(c)?;
    let mut whole_days = WholeDays::new();
    let drawn: Vec<ScheduleRuns> = outlines
        .iter()
        .map(|s| ScheduleRuns::count(s, &pending, (start, cal.from), days, dense, &mut whole_days))
        .collect();
    // Counting is cheap; listing is not. The busiest schedule-days become
    // bands until the rest fits the budget.
    let mut drawn = drawn;
    let counts: Vec<u32> = drawn
        .iter()
        .flat_map(|r| r.days.iter().map(|d| d.count))
        .collect();
    let mut band: Vec<bool> = drawn
        .iter()
        .flat_map(|r| r.days.iter().map(|d| d.band))
        .collect();
    band_the_busiest(
        &counts,
        &mut band,
        MAX_ITEMS.saturating_sub(cal.upcoming.len()),
    );
    let days_of = drawn.iter_mut().flat_map(|r| r.days.iter_mut());
    for (d, b) in days_of.zip(band) {
        d.band = b;
    }
    // Only schedules drawn run by run need their method and URL.
    let listed: Vec<&str> = drawn
        .iter()
        .filter(|r| r.days.iter().any(|d| !d.band))
        .map(|r| r.schedule.id.as_str())
        .collect();
    let targets = schedules::targets(c, &listed)?;
    for runs in &drawn {
        runs.draw(cal, &targets);
    }
    fold_bands(&mut cal.bands, MAX_BANDS);
    describe_bands(&mut cal.bands, &outlines);
    cal.upcoming.sort_by_key(|u| u.at);
    Ok(())
}

/// Puts each schedule band's rule in words, once the bands drawn are known:
/// wording every schedule's rule took longer than counting its runs.
fn describe_bands(bands: &mut [Band], outlines: &[Outline]) {
    let mut unworded: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, b) in bands.iter().enumerate() {
        if let (Some(id), true) = (b.schedule_id.as_deref(), b.summary.is_empty()) {
            unworded.entry(id).or_default().push(i);
        }
    }
    let words: Vec<(usize, String)> = outlines
        .iter()
        .filter_map(|o| Some((unworded.get(o.id.as_str())?, o.rule.describe())))
        .flat_map(|(at, text)| at.iter().map(move |i| (*i, text.clone())))
        .collect();
    for (i, text) in words {
        bands[i].summary = text;
    }
}

/// Past this many upcoming bands of schedules, the smaller ones are drawn
/// together: one band for all that span the same days ("1,940 schedules"),
/// so a month of 100,000 schedules is a calendar of a few hundred bands,
/// not 40 MB of them.
const MAX_BANDS: usize = 200;

/// Keeps the `keep` largest upcoming schedule bands and folds the others
/// into one band per span of days.
fn fold_bands(bands: &mut Vec<Band>, keep: usize) {
    let folds = |b: &Band| b.kind == "upcoming" && b.schedule_id.is_some();
    if bands.iter().filter(|b| folds(b)).count() <= keep {
        return;
    }
    let (mut mine, others): (Vec<Band>, Vec<Band>) = bands.drain(..).partition(|b| folds(b));
    mine.sort_by_key(|b| std::cmp::Reverse(b.count));
    let rest = mine.split_off(keep);
    let mut spans: BTreeMap<(NaiveDate, NaiveDate), Vec<Band>> = BTreeMap::new();
    for b in rest {
        spans.entry((b.day, b.last_day)).or_default().push(b);
    }
    bands.extend(others);
    bands.extend(mine);
    bands.extend(spans.into_values().filter_map(together));
}

/// The bands of one span of days as one; a lone band stays as it is.
fn together(mut span: Vec<Band>) -> Option<Band> {
    if span.len() < 2 {
        return span.pop();
    }
    let what = format!("{} schedules", span.len());
    let mut all = span.pop()?;
    for b in span {
        all.count += b.count;
        all.per_day = all.per_day.zip(b.per_day).map(|(x, y)| x + y);
        all.first = all.first.min(b.first);
        all.last = all.last.max(b.last);
    }
    all.schedule_id = None;
    all.summary = format!("{what}, drawn together");
    all.name = Some(what);
    Some(all)
}

/// What a band of one-off jobs is called.
const ONE_OFFS: &str = "One-off jobs";

/// Pending one-off jobs in the range: listed, or a band for a day with more
/// than `dense` of them.
fn one_off_jobs(pending: &[crate::job::Job], days: &[Day], dense: usize, cal: &mut Calendar) {
    for day in days {
        let jobs: Vec<&crate::job::Job> = pending
            .iter()
            .filter(|j| {
                j.schedule_id.is_none() && j.scheduled_at >= day.start && j.scheduled_at < day.end
            })
            .collect();
        let (Some(first), Some(last)) = (jobs.first(), jobs.last()) else {
            continue;
        };
        if jobs.len() > dense {
            cal.bands.push(Band {
                schedule_id: None,
                name: Some(ONE_OFFS.to_string()),
                day: day.date,
                last_day: day.date,
                days: 1,
                kind: "upcoming",
                count: jobs.len(),
                per_day: Some(jobs.len()),
                first: first.scheduled_at,
                last: last.scheduled_at,
                summary: ONE_OFFS.to_string(),
                outcomes: None,
            });
            continue;
        }
        cal.upcoming.extend(jobs.iter().map(|job| Upcoming {
            job_id: Some(job.id.clone()),
            schedule_id: None,
            name: job.name.clone(),
            method: job.request.method.as_str().to_string(),
            url: job.request.url.clone(),
            at: job.scheduled_at,
            summary: None,
        }));
    }
}

/// Marks the busiest groups (schedule-days) as bands until at most `budget`
/// runs are left to list. `counts[i]` is group i's size; `band[i]` whether it
/// is a band already.
fn band_the_busiest(counts: &[u32], band: &mut [bool], budget: usize) {
    // How many groups not banded yet have each size, and the runs they list.
    let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
    let mut listed = 0usize;
    for (c, _) in counts.iter().zip(band.iter()).filter(|(_, b)| !**b) {
        *sizes.entry(*c).or_default() += 1;
        listed += *c as usize;
    }
    // From the largest size down: every group larger than `edge` becomes a
    // band, and the first `at_edge` of that size (in order).
    let (mut edge, mut at_edge) = (u32::MAX, 0usize);
    for (&size, &n) in sizes.iter().rev() {
        if listed <= budget || size == 0 {
            break;
        }
        let k = n.min((listed - budget).div_ceil(size as usize));
        listed -= k * size as usize;
        (edge, at_edge) = (size, k);
        if k < n {
            break;
        }
    }
    for (c, b) in counts.iter().zip(band.iter_mut()).filter(|(_, b)| !**b) {
        if *c > edge || (*c == edge && at_edge > 0) {
            at_edge -= usize::from(*c == edge);
            *b = true;
        }
    }
}

/// A cron rule's runs on each whole day of the range, by its text and zone:
/// schedules that share a rule count its days once.
type WholeDays<'a> = HashMap<(&'a str, Tz), Vec<Option<usize>>>;

/// One schedule's future runs in the range, counted day by day.
struct ScheduleRuns<'a> {
    schedule: &'a Outline,
    rule: &'a Rule,
    /// Its runs in the range start here: at its pending job, or now.
    first: DateTime<Utc>,
    /// The schedule's pending job and its time.
    pending: Option<(&'a str, DateTime<Utc>)>,
    days: Vec<DayRuns<'a>>,
}

struct DayRuns<'a> {
    day: &'a Day,
    count: u32,
    band: bool,
}

impl<'a> ScheduleRuns<'a> {
    fn count(
        s: &'a Outline,
        pending: &'a HashMap<String, DateTime<Utc>>,
        (now_or_from, from): (DateTime<Utc>, DateTime<Utc>),
        days: &'a [Day],
        dense: usize,
        whole_days: &mut WholeDays<'a>,
    ) -> ScheduleRuns<'a> {
        let rule = &s.rule;
        let next_job = s
            .pending_job_id
            .as_ref()
            .and_then(|id| pending.get_key_value(id));
        // The pending job may be overdue or moved: it counts where it is, and
        // the rule's later runs follow it.
        let first = next_job.map_or(now_or_from, |(_, at)| (*at).max(from));
        let mut shared = match rule {
            Rule::Cron(c) => Some(
                whole_days
                    .entry((c.text.as_str(), c.zone))
                    .or_insert_with(|| vec![None; days.len()]),
            ),
            Rule::Every { .. } => None,
        };
        let days = days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.end > first)
            .filter_map(|(i, day)| {
                let (a, b) = (day.start.max(first), day.end);
                let count_here = || {
                    rule.count_on_day(day.date, a, b)
                        .unwrap_or_else(|| rule.count_between(a, b))
                };
                let count = match shared.as_mut() {
                    Some(known) if a == day.start => *known[i].get_or_insert_with(count_here),
                    _ => count_here(),
                };
                (count > 0).then_some(DayRuns {
                    day,
                    count: count as u32,
                    band: count > dense,
                })
            })
            .collect();
        ScheduleRuns {
            schedule: s,
            rule,
            first,
            pending: next_job.map(|(id, at)| (id.as_str(), *at)),
            days,
        }
    }

    /// The part of `day` its runs fall in.
    fn window(&self, day: &Day) -> (DateTime<Utc>, DateTime<Utc>) {
        (day.start.max(self.first), day.end)
    }

    fn draw(&self, cal: &mut Calendar, targets: &HashMap<String, (String, String)>) {
        let mut i = 0;
        while i < self.days.len() {
            if self.days[i].band {
                // Consecutive banded days are one band.
                let mut j = i;
                while j + 1 < self.days.len()
                    && self.days[j + 1].band
                    && self.days[j + 1].day.date
                        == self.days[j].day.date.succ_opt().unwrap_or_default()
                {
                    j += 1;
                }
                self.band(&self.days[i..=j], cal);
                i = j + 1;
            } else {
                self.list(&self.days[i], cal, targets);
                i += 1;
            }
        }
    }

    fn band(&self, run: &[DayRuns], cal: &mut Calendar) {
        let (Some(head), Some(tail)) = (run.first(), run.last()) else {
            return;
        };
        let Some(first) = self
            .rule
            .next_after(self.window(head.day).0 - Duration::milliseconds(1))
        else {
            return;
        };
        let same = run.iter().all(|d| d.count == head.count);
        cal.bands.push(Band {
            schedule_id: Some(self.schedule.id.clone()),
            name: self.schedule.name.clone(),
            day: head.day.date,
            last_day: tail.day.date,
            days: run.len(),
            kind: "upcoming",
            count: run.iter().map(|d| d.count as usize).sum(),
            per_day: same.then_some(head.count as usize),
            first,
            last: self.rule.last_before(tail.day.end).unwrap_or(first),
            // Put in words once the bands drawn are known (describe_bands).
            summary: String::new(),
            outcomes: None,
        });
    }

    fn list(&self, day: &DayRuns, cal: &mut Calendar, targets: &HashMap<String, (String, String)>) {
        let (a, b) = self.window(day.day);
        let s = self.schedule;
        let (method, url) = targets.get(&s.id).cloned().unwrap_or_default();
        let summary = self.rule.describe();
        let mut next = self.rule.next_after(a - Duration::milliseconds(1));
        while let Some(at) = next.filter(|t| *t < b) {
            cal.upcoming.push(Upcoming {
                job_id: self
                    .pending
                    .filter(|(_, t)| *t == at)
                    .map(|(id, _)| id.to_string()),
                schedule_id: Some(s.id.clone()),
                name: s.name.clone(),
                method: method.clone(),
                url: url.clone(),
                at,
                summary: Some(summary.clone()),
            });
            next = self.rule.next_after(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn band(id: &str, day: u32, last_day: u32, count: usize) -> Band {
        let date = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let at = |d| Utc.with_ymd_and_hms(2026, 12, d, 9, 0, 0).unwrap();
        Band {
            schedule_id: Some(id.to_string()),
            name: Some(id.to_string()),
            day: date(day),
            last_day: date(last_day),
            days: (last_day - day + 1) as usize,
            kind: "upcoming",
            count,
            per_day: Some(count / (last_day - day + 1) as usize),
            first: at(day),
            last: at(last_day),
            summary: "every day at 09:00".into(),
            outcomes: None,
        }
    }

    #[test]
    fn the_busiest_groups_become_bands_until_the_rest_fits() {
        let mut band = [false, false, false, false, false, true];
        band_the_busiest(&[5, 3, 5, 1, 3, 9], &mut band, 6);
        // 17 runs listed: both fives, then the first three, leave 4.
        assert_eq!(band, [true, true, true, false, false, true]);
        let mut none = [false; 3];
        band_the_busiest(&[2, 2, 2], &mut none, 6);
        assert_eq!(none, [false; 3], "all fit: nothing is banded");
    }

    #[test]
    fn bands_past_the_cap_are_drawn_together_by_their_span() {
        let mut bands = vec![
            band("busy", 1, 31, 3_100),
            band("a", 1, 31, 31),
            band("b", 1, 31, 62),
            band("lone", 2, 3, 2),
        ];
        fold_bands(&mut bands, 1);
        type Seen<'a> = (Option<&'a str>, Option<&'a str>, usize, Option<usize>);
        let seen: Vec<Seen> = bands
            .iter()
            .map(|b| {
                (
                    b.schedule_id.as_deref(),
                    b.name.as_deref(),
                    b.count,
                    b.per_day,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (Some("busy"), Some("busy"), 3_100, Some(100)),
                (None, Some("2 schedules"), 93, Some(3)),
                (Some("lone"), Some("lone"), 2, Some(1)),
            ]
        );
        // Under the cap nothing changes.
        let mut few = vec![band("a", 1, 31, 31), band("b", 1, 31, 62)];
        fold_bands(&mut few, 2);
        assert_eq!(few.len(), 2);
    }

    #[test]
    fn days_follow_the_zone_and_clip_to_the_range() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        let from = Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 3, 31, 0, 0, 0).unwrap();
        let d = days(from, to, zone);
        // Local times run from the 28th, 13:00 to the 31st, 02:00: four days.
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].start, from);
        assert_eq!(d[3].end, to);
        // 29 March 2026: clocks go forward, the day is 23 hours long.
        assert_eq!(d[1].end - d[1].start, Duration::hours(23));
    }
}
