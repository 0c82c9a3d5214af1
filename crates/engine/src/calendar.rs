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
use crate::rule::resolve_local;
use crate::store::{self, jobs, schedules};
use crate::time::{from_ms, to_ms};

mod runs;
mod upcoming;

pub const DEFAULT_DENSE: usize = 48;
/// Runs listed one by one, past and upcoming together, stop at the room of
/// this many upcoming ones: past it, the busiest schedule-days become bands
/// too, so a month of a thousand schedules is still a calendar and not a
/// 50 MB list. At about 250 bytes an upcoming run that is a megabyte of
/// JSON, more than a month view can show item by item.
pub const MAX_ITEMS: usize = 4_000;

/// The room of [`MAX_ITEMS`] that runs listed take: a past run, with its
/// outcome, status and times, is about 400 bytes of JSON to an upcoming
/// run's 250.
fn room_taken(past: usize, upcoming: usize) -> usize {
    past * 8 / 5 + upcoming
}

/// The most past runs listed: all the room.
const MAX_PAST: usize = MAX_ITEMS * 5 / 8;
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
    // One snapshot: the schedules counted are the ones then drawn, by rowid.
    let tx = c.unchecked_transaction()?;
    past_runs(&tx, &day_list, dense, &mut cal)?;
    upcoming_runs(&tx, &day_list, now, dense, &mut cal)?;
    Ok(cal)
}

/// The finished and running jobs of one schedule (or the one-off jobs) on
/// one day of the range.
struct PastGroup {
    day: usize,
    schedule_id: Option<String>,
    count: usize,
    /// The first run's seq (its job's name names a band) and time.
    first: (i64, DateTime<Utc>),
    last: DateTime<Utc>,
    /// Runs by [`OUTCOMES`].
    outcomes: [usize; 4],
    /// Its runs, (time, seq), while it is small enough to be listed.
    runs: Vec<(DateTime<Utc>, i64)>,
}

/// A past band's outcomes; "running" only when there are some.
const OUTCOMES: [&str; 4] = ["success", "failure", "cancelled", "running"];

/// Finished and running jobs in the range; dense schedule-days become bands.
fn past_runs(c: &Connection, days: &[Day], dense: usize, cal: &mut Calendar) -> Result<()> {
    let mut groups = past_groups(c, days, (cal.from, cal.to), dense)?;
    groups.sort_by(|a, b| (a.day, &a.schedule_id).cmp(&(b.day, &b.schedule_id)));
    let counts: Vec<u32> = groups.iter().map(|g| g.count as u32).collect();
    let mut band: Vec<bool> = counts.iter().map(|c| *c as usize > dense).collect();
    band_the_busiest(&counts, &mut band, MAX_PAST);
    let mut listed = Vec::new();
    for (group, banded) in groups.into_iter().zip(band) {
        match banded {
            true => cal.bands.push(past_band(c, days, group)?),
            false => listed.extend(group.runs),
        }
    }
    listed.sort_unstable();
    list_past(c, &listed, cal)
}

/// Finished and running jobs from ?1 to ?2: only what the jobs_past index
/// holds, its condition spelled as it is (migration 0012).
const PAST: &str = "SELECT seq, schedule_id, scheduled_at, state FROM jobs
    WHERE scheduled_at >= ?1 AND scheduled_at < ?2
      AND state <> 'scheduled' AND state <> 'available' ORDER BY scheduled_at";

/// The range's finished and running jobs by day and schedule, read without
/// their requests: a day of 100,000 runs is a band, read by its narrow
/// columns, and only the runs listed are read whole ([`list_past`]).
fn past_groups(
    c: &Connection,
    days: &[Day],
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    dense: usize,
) -> Result<Vec<PastGroup>> {
    let mut stmt = c.prepare(PAST)?;
    let mut rows = stmt.query(params![to_ms(from), to_ms(to)])?;
    let mut groups: Vec<PastGroup> = Vec::new();
    // Schedules by number, so a row's group is found without copying its id.
    let mut schedules: HashMap<String, usize> = HashMap::new();
    let mut index: HashMap<(usize, Option<usize>), usize> = HashMap::new();
    let mut day = 0;
    while let Some(r) = rows.next()? {
        let (seq, at): (i64, DateTime<Utc>) = (r.get(0)?, from_ms(r.get(2)?));
        // Rows come in time order: the day only moves on.
        while day + 1 < days.len() && at >= days[day].end {
            day += 1;
        }
        let sid = r
            .get_ref(1)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?;
        let number = sid.map(|sid| match schedules.get(sid) {
            Some(n) => *n,
            None => {
                let n = schedules.len();
                schedules.insert(sid.to_string(), n);
                n
            }
        });
        let g = *index.entry((day, number)).or_insert_with(|| {
            groups.push(PastGroup {
                day,
                schedule_id: sid.map(str::to_string),
                count: 0,
                first: (seq, at),
                last: at,
                outcomes: [0; 4],
                runs: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        let state = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        let state = JobState::parse(state).unwrap_or(JobState::Discarded);
        group.outcomes[outcome_of_state(state)] += 1;
        group.count += 1;
        group.last = at;
        // Past `dense` it is a band whatever else is in the range.
        match group.count > dense {
            true => group.runs = Vec::new(),
            false => group.runs.push((at, seq)),
        }
    }
    Ok(groups)
}

/// Index in [`OUTCOMES`].
/// A request's method as the calendar shows it (upper case), from column `i`
/// of a row that read it out of the request's JSON.
fn method_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    Ok(r.get::<_, Option<String>>(i)?
        .unwrap_or_default()
        .to_uppercase())
}

fn outcome_of_state(state: JobState) -> usize {
    match state {
        JobState::Completed => 0,
        JobState::Discarded => 1,
        JobState::Cancelled => 2,
        _ => 3,
    }
}

fn past_band(c: &Connection, days: &[Day], g: PastGroup) -> Result<Band> {
    let (summary, name) = match &g.schedule_id {
        Some(sid) => (
            schedules::get(c, sid)?
                .map(|s| s.rule.describe())
                .unwrap_or_default(),
            c.prepare_cached("SELECT name FROM jobs WHERE seq = ?1")?
                .query_row([g.first.0], |r| r.get(0))?,
        ),
        None => (ONE_OFFS.to_string(), Some(ONE_OFFS.to_string())),
    };
    let outcomes = OUTCOMES
        .into_iter()
        .zip(g.outcomes)
        .filter(|(k, n)| *n > 0 || *k != "running")
        .collect();
    Ok(Band {
        schedule_id: g.schedule_id,
        name,
        day: days[g.day].date,
        last_day: days[g.day].date,
        days: 1,
        kind: "past",
        count: g.count,
        per_day: Some(g.count),
        first: g.first.1,
        last: g.last,
        summary,
        outcomes: Some(outcomes),
    })
}

/// The runs listed, (time, seq) in order, read whole with their last outcome.
fn list_past(c: &Connection, listed: &[(DateTime<Utc>, i64)], cal: &mut Calendar) -> Result<()> {
    let seqs: Vec<i64> = listed.iter().map(|(_, seq)| *seq).collect();
    let sql = "SELECT seq, id, schedule_id, name, json_extract(request, '$.method'),
                      json_extract(request, '$.url'), scheduled_at, attempted_at,
                      COALESCE(completed_at, discarded_at, cancelled_at), state, attempt
               FROM jobs WHERE seq IN ({ids})";
    let mut runs = store::by_ids(c, sql, &seqs, past_run)?;
    let outcomes = jobs::last_outcomes(c, &seqs)?;
    for seq in seqs {
        let Some(mut run) = runs.remove(&seq) else {
            continue;
        };
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

/// A run from the columns [`list_past`] selects, and its seq.
fn past_run(r: &rusqlite::Row) -> rusqlite::Result<(i64, PastRun)> {
    let state: String = r.get(9)?;
    Ok((
        r.get(0)?,
        PastRun {
            job_id: r.get(1)?,
            schedule_id: r.get(2)?,
            name: r.get(3)?,
            method: method_at(r, 4)?,
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
    let one_offs = pending_one_offs(c, (cal.from, cal.to))?;
    one_off_jobs(&one_offs, days, dense, cal);
    upcoming::schedule_runs(c, days, start, dense, cal)?;
    cal.upcoming.sort_by_key(|u| u.at);
    Ok(())
}

/// What a band of one-off jobs is called.
const ONE_OFFS: &str = "One-off jobs";

/// A pending one-off job, as the calendar shows it.
struct OneOff {
    id: String,
    name: Option<String>,
    /// Upper case.
    method: String,
    url: String,
    at: DateTime<Utc>,
}

/// Pending one-off jobs in the range, in time order. Two indexes lead to
/// them, and each can hold 100,000 rows the other skips: pending jobs
/// (jobs_due: every schedule's next run too) and one-off jobs (jobs_one_off:
/// finished ones too). The smaller is read, told by a bounded count of each.
fn pending_one_offs(
    c: &Connection,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<OneOff>> {
    use crate::store::jobs::{count_up_to, ONE_OFF_JOBS, PENDING};
    let up_to = |read: &str| -> rusqlite::Result<i64> {
        c.query_row(&count_up_to(read, 10_000), [], |r| r.get(0))
    };
    let index = match up_to(&format!("jobs WHERE {PENDING}"))? <= up_to(ONE_OFF_JOBS)? {
        true => "jobs_due",
        false => "jobs_one_off",
    };
    let sql = format!(
        "SELECT id, name, json_extract(request, '$.method'), json_extract(request, '$.url'), scheduled_at
         FROM jobs INDEXED BY {index}
         WHERE schedule_id IS NULL AND {PENDING} AND scheduled_at >= ?1 AND scheduled_at < ?2
         ORDER BY scheduled_at, seq LIMIT 100000"
    );
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(params![to_ms(from), to_ms(to)], |r| {
        Ok(OneOff {
            id: r.get(0)?,
            name: r.get(1)?,
            method: method_at(r, 2)?,
            url: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            at: from_ms(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pending one-off jobs in the range: listed, or a band for a day with more
/// than `dense` of them.
fn one_off_jobs(pending: &[OneOff], days: &[Day], dense: usize, cal: &mut Calendar) {
    for day in days {
        let jobs: Vec<&OneOff> = pending
            .iter()
            .filter(|j| j.at >= day.start && j.at < day.end)
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
                first: first.at,
                last: last.at,
                summary: ONE_OFFS.to_string(),
                outcomes: None,
            });
            continue;
        }
        cal.upcoming.extend(jobs.iter().map(|job| Upcoming {
            job_id: Some(job.id.clone()),
            schedule_id: None,
            name: job.name.clone(),
            method: job.method.clone(),
            url: job.url.clone(),
            at: job.at,
            summary: None,
        }));
    }
}

/// Marks the busiest groups (schedule-days) as bands until at most `budget`
/// runs are left to list. `counts[i]` is group i's size; `band[i]` whether it
/// is a band already.
fn band_the_busiest(counts: &[u32], band: &mut [bool], budget: usize) {
    let mut sizes = Sizes::default();
    for (c, _) in counts.iter().zip(band.iter()).filter(|(_, b)| !**b) {
        sizes.add(*c);
    }
    let mut busiest = Busiest::of(&sizes, budget);
    for (c, b) in counts.iter().zip(band.iter_mut()).filter(|(_, b)| !**b) {
        *b = busiest.takes(*c);
    }
}

/// How many groups not banded yet have each size (`0[size]`).
#[derive(Default)]
struct Sizes(Vec<usize>);

impl Sizes {
    fn add(&mut self, size: u32) {
        let size = size as usize;
        if self.0.len() <= size {
            self.0.resize(size + 1, 0);
        }
        self.0[size] += 1;
    }
}

/// Which of the groups not banded yet become bands, asked in order: every
/// group larger than `edge`, and the first `at_edge` of that size.
struct Busiest {
    edge: u32,
    at_edge: usize,
}

impl Busiest {
    /// From the largest size down, until at most `budget` runs are listed.
    fn of(sizes: &Sizes, budget: usize) -> Busiest {
        let mut listed: usize = sizes.0.iter().enumerate().map(|(s, n)| s * n).sum();
        let (mut edge, mut at_edge) = (u32::MAX, 0usize);
        for (size, &n) in sizes.0.iter().enumerate().rev().filter(|(_, n)| **n > 0) {
            if listed <= budget || size == 0 {
                break;
            }
            let k = n.min((listed - budget).div_ceil(size));
            listed -= k * size;
            (edge, at_edge) = (size as u32, k);
            if k < n {
                break;
            }
        }
        Busiest { edge, at_edge }
    }

    /// Whether the next group not banded yet, of `size` runs, becomes a band.
    fn takes(&mut self, size: u32) -> bool {
        if size == self.edge && self.at_edge > 0 {
            self.at_edge -= 1;
            return true;
        }
        size > self.edge
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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

    /// The calendar's reads of 100,000 rows stay on narrow indexes: a plan
    /// that went to the table instead would cost ten times as much.
    #[test]
    fn the_calendar_reads_along_narrow_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("chime.db")).unwrap();
        let plan = |sql: &str| {
            let sql = sql.to_string();
            store
                .read(move |c| Ok(crate::store::query_plan(c, &sql, &[])?))
                .unwrap()
        };
        let past = plan(PAST);
        assert!(past.contains("COVERING INDEX jobs_past"), "{past}");
        let plans = plan(schedules::PLANS);
        assert!(plans.contains("COVERING INDEX schedules_plans"), "{plans}");
        let paused = plan(schedules::PAUSED);
        assert!(paused.contains("INDEX schedules_resume"), "{paused}");
        let pending = plan(&format!(
            "SELECT seq, scheduled_at FROM jobs WHERE {}",
            crate::store::jobs::PENDING
        ));
        assert!(pending.contains("jobs_due"), "{pending}");
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
