//! Each enabled schedule's runs in the range, for a month of 100,000 of them:
//! every schedule's days are counted, which days become bands is chosen from
//! the counts, and only the runs listed and the bands kept are drawn. Drawing
//! a band per schedule first and keeping 200 of them took most of the time.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use rustc_hash::FxHashMap;

use super::runs::Runs;
use super::{room_taken, Band, Busiest, Calendar, Day, Sizes, Upcoming, MAX_ITEMS};
use crate::error::{Error, Result};
use crate::rule::{CronRule, LocalDays, Rule};
use crate::store::schedules::{self, Drawn, Plan};

/// Past this many upcoming bands of schedules, the smaller ones are drawn
/// together: one band for all that span the same days ("1,940 schedules"),
/// so a month of 100,000 schedules is a calendar of a few hundred bands,
/// not 40 MB of them.
pub(super) const MAX_BANDS: usize = 200;

/// Adds every enabled schedule's runs from `start` (now, or `from`) to the
/// calendar: listed run by run, or as bands.
pub(super) fn schedule_runs(
    c: &Connection,
    days: &[Day],
    start: DateTime<Utc>,
    dense: usize,
    cal: &mut Calendar,
) -> Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    // Counting is cheap; listing is not. Every schedule-day is counted first
    // (a month of 100,000 schedules in 12 MB), and the busiest become bands
    // until the rest fits the budget.
    let Counted {
        plans,
        counts,
        counter,
        mut ends,
    } = read_and_count(c, Counter::new(days, start, cal.from))?;
    let mut sizes = Sizes::default();
    for &n in counts
        .iter()
        .filter(|n| (1..=dense).contains(&(**n as usize)))
    {
        sizes.add(n);
    }
    let listed = room_taken(cal.past.len(), cal.upcoming.len());
    let mut busiest = Busiest::of(&sizes, MAX_ITEMS.saturating_sub(listed));
    let mut chosen = Chosen::new(MAX_BANDS);
    let mut folded = Folded::default();
    let mut listed = Vec::new();
    let mut banded = Vec::with_capacity(days.len());
    for ((at, plan), counts) in plans.iter().enumerate().zip(counts.chunks(days.len())) {
        banded.clear();
        banded.extend((counts.iter()).map(|&n| n as usize > dense || (n > 0 && busiest.takes(n))));
        for piece in pieces(counts, &banded) {
            match piece {
                Piece::Band(draft) => {
                    let Some(out) = chosen.offer(Draft { plan: at, ..draft }) else {
                        continue;
                    };
                    let of = &plans[out.plan];
                    let (first, end) = (counter.first(of), counter.end(out.plan));
                    if let Some(span) = ends.of(of, (first, end), &out, days) {
                        folded.add(out, span);
                    }
                }
                Piece::List(day) => {
                    let span = (counter.first(plan), counter.end(at));
                    list(plan, at, span, &days[day], &mut listed)
                }
            }
        }
    }
    let kept = chosen.into_kept(folded.any());
    let choice = Choice {
        kept,
        folded,
        listed,
    };
    draw(c, &plans, &counter, choice, cal)
}

/// What the counts chose to draw: the bands kept, the rest folded by span,
/// and the runs listed as (plan, time).
struct Choice {
    kept: Vec<Draft>,
    folded: Folded,
    listed: Vec<(usize, DateTime<Utc>)>,
}

/// A cron rule by its one parse, which the schedules of one rule share: its
/// address, as a number, so that what is kept by rule can cross threads.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct RuleKey(usize);

impl RuleKey {
    fn of(rule: &Arc<CronRule>) -> RuleKey {
        RuleKey(Arc::as_ptr(rule) as usize)
    }
}

/// Plans are read and counted this many at a time.
const CHUNK: usize = 8_192;

/// Every plan, with its runs on each day of the range.
struct Counted<'a> {
    plans: Vec<Plan>,
    /// A row of days a plan.
    counts: Vec<u32>,
    counter: Counter<'a>,
    /// The cron rules' first runs from the pending jobs, asked while counting.
    ends: Ends,
}

/// Reads the plans on this thread and counts them on another as they come:
/// a month of 100,000 schedules took 90 ms to read and 60 to count, so on
/// two cores it takes the longer of the two, not their sum.
fn read_and_count<'a>(c: &Connection, counter: Counter<'a>) -> Result<Counted<'a>> {
    std::thread::scope(|s| {
        let (send, chunks) = std::sync::mpsc::sync_channel::<Vec<Plan>>(2);
        let counting = std::thread::Builder::new()
            .name("chime-calendar".into())
            .spawn_scoped(s, move || {
                let mut counted = Counted {
                    plans: Vec::new(),
                    counts: Vec::new(),
                    counter,
                    ends: Ends::default(),
                };
                for chunk in chunks {
                    counted.add(chunk);
                }
                counted
            })
            .map_err(|e| Error::io("starting the calendar's counting", e))?;
        // A send fails only once the counting has panicked: the join says so.
        let read = schedules::plans(c, CHUNK, |chunk| drop(send.send(chunk)));
        drop(send);
        let counted = (counting.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.map(|()| counted)
    })
}

impl Counted<'_> {
    /// Counts the next chunk of plans, and keeps it.
    fn add(&mut self, mut chunk: Vec<Plan>) {
        mark_moved(&mut chunk, &mut self.ends);
        let first = self.plans.is_empty();
        if first {
            // The first chunk has room for every plan (schedules::plans).
            let all = chunk.capacity() * self.counter.days.len();
            self.counts.reserve_exact(all);
        }
        self.counter.count_all(&chunk, &mut self.counts);
        if first {
            self.plans = chunk;
        } else {
            self.plans.append(&mut chunk);
        }
    }
}

/// The schedule-days of one schedule, counted.
struct Counter<'a> {
    days: &'a [Day],
    start: DateTime<Utc>,
    from: DateTime<Utc>,
    /// A cron rule's runs on each whole day, by the rule (its one parse):
    /// schedules that share a rule count its days once.
    whole_days: FxHashMap<RuleKey, Vec<Option<u32>>>,
    /// A cron rule's runs on the rest of a day from an instant: schedules of
    /// one rule have their pending job at the same next run.
    part_days: FxHashMap<(RuleKey, usize, DateTime<Utc>), u32>,
    /// Each whole day of the range as the local days of a zone, by zone:
    /// the cron rules of a zone count their whole days on these.
    zone_days: FxHashMap<chrono_tz::Tz, Vec<Option<LocalDays>>>,
    /// Each day's start and end in milliseconds.
    bounds: Vec<(i64, i64)>,
    /// Where each plan's limits end its runs in the range, by plan.
    ends: Vec<Option<DateTime<Utc>>>,
}

impl<'a> Counter<'a> {
    fn new(days: &'a [Day], start: DateTime<Utc>, from: DateTime<Utc>) -> Counter<'a> {
        Counter {
            days,
            start,
            from,
            whole_days: FxHashMap::default(),
            part_days: FxHashMap::default(),
            zone_days: FxHashMap::default(),
            ends: Vec::new(),
            bounds: (days.iter())
                .map(|d| (d.start.timestamp_millis(), d.end.timestamp_millis()))
                .collect(),
        }
    }

    /// Its runs start here: at its pending job (which may be overdue or
    /// moved: the rule's later runs follow it), just after it resumes when
    /// paused until a time (the rule's next time then), or at `start`.
    fn starts(&self, plan: &Plan) -> DateTime<Utc> {
        let resumes = (plan.resumes_at).map(|at| (at + Duration::milliseconds(1)).max(self.start));
        plan.pending_at.or(resumes).unwrap_or(self.start)
    }

    /// Its runs in the range start here.
    fn first(&self, plan: &Plan) -> DateTime<Utc> {
        self.starts(plan).max(self.from)
    }

    /// No run of plan `at` at or after this: its limits', or the range's end.
    fn end(&self, at: usize) -> DateTime<Utc> {
        let to = self.days.last().map_or(self.from, |d| d.end);
        self.ends.get(at).copied().flatten().unwrap_or(to)
    }

    /// Each plan's runs on each day of the range, a row of days a plan,
    /// added to `counts`; `plans` follow those counted before.
    fn count_all(&mut self, plans: &[Plan], counts: &mut Vec<u32>) {
        let to = self.end(usize::MAX);
        let ends: Vec<_> = (plans.iter())
            .map(|p| limit(p, self.starts(p), to))
            .collect();
        let (first, start) = (self.ends.len(), counts.len());
        self.ends.extend(ends);
        counts.resize(start + plans.len() * self.days.len(), 0);
        let rows = counts[start..].chunks_mut(self.days.len());
        for (at, (plan, row)) in plans.iter().zip(rows).enumerate() {
            self.count(plan, self.end(first + at), row);
        }
    }

    /// Runs on each day of the range before `end` (0 before its first).
    fn count(&mut self, plan: &Plan, end: DateTime<Utc>, counts: &mut [u32]) {
        let first = self.first(plan);
        if plan.quiet.is_some() || plan.moved {
            return self.count_alone(plan, (first, end), counts);
        }
        let rule = &plan.rule;
        let Rule::Cron(c) = rule else {
            return self.count_every(rule, (first, end), counts);
        };
        let key = RuleKey::of(c);
        let days = self.days;
        let shared = (self.whole_days.entry(key)).or_insert_with(|| vec![None; days.len()]);
        let local = self.zone_days.entry(c.zone).or_insert_with(|| {
            (days.iter())
                .map(|d| LocalDays::of(c.zone, d.start, d.end))
                .collect()
        });
        let walk = |a, b| rule.count_between(a, b) as u32;
        for ((i, day), count) in days.iter().enumerate().zip(counts) {
            let (a, b) = (day.start.max(first), day.end.min(end));
            if b <= a {
                continue;
            }
            let count_here = || {
                rule.count_by_pattern(a, b)
                    .map_or_else(|| walk(a, b), |n| n as u32)
            };
            // Whole days and days from a pending job are shared by the
            // schedules of one rule; a day a limit cuts short is its own.
            *count = match (a == day.start, b == day.end) {
                (true, true) => *shared[i].get_or_insert_with(|| {
                    (local[i].as_ref().and_then(|l| rule.count_in(l)))
                        .map_or_else(|| walk(a, b), |n| n as u32)
                }),
                (false, true) => *self.part_days.entry((key, i, a)).or_insert_with(count_here),
                (_, false) => count_here(),
            };
        }
    }

    /// A schedule's runs on each day, with its quiet hours applied or from
    /// its moved pending job: few schedules have either, so nothing is shared.
    fn count_alone(
        &self,
        plan: &Plan,
        (first, end): (DateTime<Utc>, DateTime<Utc>),
        counts: &mut [u32],
    ) {
        for (day, count) in self.days.iter().zip(counts) {
            let (a, b) = (day.start.max(first), day.end.min(end));
            if b > a {
                *count = runs(plan).count(a, b) as u32;
            }
        }
    }

    /// An interval rule's runs on each day, counted in integers (chrono's
    /// arithmetic on 3 million schedule-days took most of the counting).
    fn count_every(
        &self,
        rule: &Rule,
        (first, last): (DateTime<Utc>, DateTime<Utc>),
        counts: &mut [u32],
    ) {
        let (first, last) = (first.timestamp_millis(), last.timestamp_millis());
        for (&(start, end), count) in self.bounds.iter().zip(counts) {
            let runs_before = |t| rule.runs_before_ms(t).unwrap_or(0);
            let (a, b) = (start.max(first), end.min(last));
            if b > a {
                *count = (runs_before(b) - runs_before(a)).max(0) as u32;
            }
        }
    }
}

/// Where `plan`'s limits end its runs before `to`: just after `until`, or
/// just after the last of the runs it has left before `max_runs`, counted
/// from `first` (its pending job's time). None when they end none in range.
fn limit(plan: &Plan, first: DateTime<Utc>, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let after_until = plan.until.map(|u| u + Duration::milliseconds(1));
    let after_last = (plan.runs_left).and_then(|n| after_nth_run(runs(plan), first, n, to));
    after_until
        .into_iter()
        .chain(after_last)
        .min()
        .filter(|end| *end < to)
}

/// Just after `rule`'s `n`th run from `first` on, if that comes before `to`.
fn after_nth_run(
    rule: Runs,
    first: DateTime<Utc>,
    n: u32,
    to: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut left = n as usize;
    let mut a = first;
    while a < to {
        // A day at a time: counting a day is cheap, walking it is not.
        let b = (a + Duration::days(1)).min(to);
        let here = rule.count(a, b);
        if here >= left {
            let mut t = a - Duration::milliseconds(1);
            for _ in 0..left {
                t = rule.next_after(t)?;
            }
            return Some(t + Duration::milliseconds(1));
        }
        left -= here;
        a = b;
    }
    None
}

/// A schedule's runs: its rule's, after its pending job if that was moved,
/// with its quiet hours applied.
fn runs(plan: &Plan) -> Runs<'_> {
    Runs {
        rule: &plan.rule,
        quiet: plan.quiet.as_deref(),
        moved: plan.pending_at.filter(|_| plan.moved),
    }
}

/// Marks the plans whose pending job is not at one of its rule's times:
/// moved by hand. Moved into quiet hours, it is left to them, as the engine
/// leaves it. A cron rule's first run from the pending job's time is kept
/// in `ends`: the band drawn from it asks for it again.
fn mark_moved(plans: &mut [Plan], ends: &mut Ends) {
    for plan in plans {
        let Some(at) = plan.pending_at else {
            continue;
        };
        if (plan.quiet.as_ref()).is_some_and(|q| q.window_at(at).is_some()) {
            continue;
        }
        let rule = &plan.rule;
        plan.moved = match rule {
            // An interval counts its runs in integers.
            Rule::Every { .. } => rule.count_between(at, at + Duration::milliseconds(1)) == 0,
            Rule::Cron(_) => {
                let runs = Runs {
                    rule,
                    quiet: None,
                    moved: None,
                };
                ends.run(runs, at, End::First) != Some(at)
            }
        };
    }
}

/// A band of one schedule: its days `head..=tail` (indexes of the range's days).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Draft {
    plan: usize,
    head: usize,
    tail: usize,
    count: usize,
    /// Runs on each day, when every day has the same number.
    per_day: Option<usize>,
}

enum Piece {
    Band(Draft),
    List(usize),
}

/// A schedule's days as bands (consecutive banded days are one) and days
/// listed run by run; days without runs are neither.
fn pieces<'a>(counts: &'a [u32], band: &'a [bool]) -> impl Iterator<Item = Piece> + 'a {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < counts.len() && counts[i] == 0 {
            i += 1;
        }
        if i == counts.len() {
            return None;
        }
        let head = i;
        i += 1;
        if !band[head] {
            return Some(Piece::List(head));
        }
        while i < counts.len() && counts[i] > 0 && band[i] {
            i += 1;
        }
        let run = &counts[head..i];
        let same = run.iter().all(|n| *n == run[0]);
        Some(Piece::Band(Draft {
            plan: 0,
            head,
            tail: i - 1,
            count: run.iter().map(|n| *n as usize).sum(),
            per_day: same.then_some(run[0] as usize),
        }))
    })
}

/// The runs of a day listed, as (plan, time).
fn list(
    plan: &Plan,
    at: usize,
    (first, end): (DateTime<Utc>, DateTime<Utc>),
    day: &Day,
    listed: &mut Vec<(usize, DateTime<Utc>)>,
) {
    let (a, b) = (day.start.max(first), day.end.min(end));
    let runs = runs(plan);
    let mut next = runs.next_after(a - Duration::milliseconds(1));
    while let Some(t) = next.filter(|t| *t < b) {
        listed.push((at, t));
        next = runs.next_after(t);
    }
}

/// A band's first and last run. Folding 100,000 bands asks for the same
/// ones again and again: a cron rule's first run from an instant, and its
/// last before one, are kept by rule and instant (schedules of one rule
/// share their days, and their pending job's time).
#[derive(Default)]
struct Ends(FxHashMap<Asked, Option<DateTime<Utc>>>);

/// A cron rule's run asked for: its first at or after an instant, or its
/// last before it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Asked(RuleKey, DateTime<Utc>, End);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    First,
    Last,
}

impl Ends {
    fn of(
        &mut self,
        plan: &Plan,
        (first, end): (DateTime<Utc>, DateTime<Utc>),
        d: &Draft,
        days: &[Day],
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let start = days[d.head].start.max(first);
        let stop = days[d.tail].end.min(end);
        let a = self.run(runs(plan), start, End::First)?;
        let b = self.run(runs(plan), stop, End::Last);
        Some((a, b.unwrap_or(a)))
    }

    /// The rule's first run at or after `at`, or its last before `at`.
    fn run(&mut self, runs: Runs, at: DateTime<Utc>, end: End) -> Option<DateTime<Utc>> {
        let ask = || match end {
            End::First => runs.next_after(at - Duration::milliseconds(1)),
            End::Last => runs.last_before(at),
        };
        match runs.rule {
            Rule::Cron(_) if runs.quiet.is_some() || runs.moved.is_some() => ask(),
            Rule::Cron(c) => *self
                .0
                .entry(Asked(RuleKey::of(c), at, end))
                .or_insert_with(ask),
            Rule::Every { .. } => ask(),
        }
    }
}

/// A band offered in its turn, ranked by its runs: among equals the earlier
/// ranks higher. The heap's top is the least.
struct Ranked {
    turn: usize,
    draft: Draft,
}

impl Ranked {
    fn key(&self) -> (Reverse<usize>, usize) {
        (Reverse(self.draft.count), self.turn)
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// The `keep` bands with the most runs among those offered.
struct Chosen {
    keep: usize,
    turns: usize,
    heap: BinaryHeap<Ranked>,
}

impl Chosen {
    fn new(keep: usize) -> Chosen {
        Chosen {
            keep,
            turns: 0,
            heap: BinaryHeap::with_capacity(keep + 1),
        }
    }

    /// Takes `draft` in; gives back the band it pushes out, if any.
    fn offer(&mut self, draft: Draft) -> Option<Draft> {
        let ranked = Ranked {
            turn: self.turns,
            draft,
        };
        self.turns += 1;
        // Most of 100,000 rank below the least kept: out at once, unheaped.
        if self.heap.len() == self.keep && self.heap.peek().is_some_and(|least| ranked > *least) {
            return Some(draft);
        }
        self.heap.push(ranked);
        (self.heap.len() > self.keep)
            .then(|| self.heap.pop().map(|r| r.draft))
            .flatten()
    }

    /// The bands kept: the busiest first when some were folded, else in the
    /// order they were offered.
    fn into_kept(self, folded: bool) -> Vec<Draft> {
        let mut kept = self.heap.into_vec();
        match folded {
            true => kept.sort_by_key(Ranked::key),
            false => kept.sort_by_key(|r| r.turn),
        }
        kept.into_iter().map(|r| r.draft).collect()
    }
}

/// The bands not kept, one per span of days.
#[derive(Default)]
struct Folded(BTreeMap<(usize, usize), Span>);

struct Span {
    schedules: usize,
    count: usize,
    per_day: Option<usize>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    /// The first band folded: alone in its span, it is drawn as it is.
    lone: Draft,
}

impl Folded {
    fn any(&self) -> bool {
        !self.0.is_empty()
    }

    fn add(&mut self, d: Draft, (first, last): (DateTime<Utc>, DateTime<Utc>)) {
        let span = self.0.entry((d.head, d.tail)).or_insert(Span {
            schedules: 0,
            count: 0,
            per_day: Some(0),
            first,
            last,
            lone: d,
        });
        span.schedules += 1;
        span.count += d.count;
        span.per_day = span.per_day.zip(d.per_day).map(|(x, y)| x + y);
        span.first = span.first.min(first);
        span.last = span.last.max(last);
    }
}

/// Draws what was chosen: the bands kept, the spans folded, the runs listed,
/// reading the names and targets of only those schedules.
fn draw(
    c: &Connection,
    plans: &[Plan],
    counter: &Counter,
    Choice {
        kept,
        folded,
        listed,
    }: Choice,
    cal: &mut Calendar,
) -> Result<()> {
    let lone = folded
        .0
        .values()
        .filter(|s| s.schedules == 1)
        .map(|s| s.lone.plan);
    let mut rowids: Vec<i64> = (kept.iter().map(|d| d.plan))
        .chain(lone)
        .chain(listed.iter().map(|(p, _)| *p))
        .map(|p| plans[p].rowid)
        .collect();
    rowids.sort_unstable();
    rowids.dedup();
    let shown = schedules::drawn(c, &rowids)?;
    let mut words = Words::default();
    let mut ends = Ends::default();
    let days = counter.days;
    let mut band_of = |d: &Draft, cal: &mut Calendar| {
        let plan = &plans[d.plan];
        let (Some(s), Some(span)) = (
            shown.get(&plan.rowid),
            ends.of(plan, (counter.first(plan), counter.end(d.plan)), d, days),
        ) else {
            return;
        };
        cal.bands.push(Band {
            schedule_id: Some(s.id.clone()),
            name: s.name.clone(),
            summary: words.of(&plan.rule),
            ..band(d, span, days)
        });
    };
    for d in &kept {
        band_of(d, cal);
    }
    for span in folded.0.values() {
        match span.schedules {
            1 => band_of(&span.lone, cal),
            n => cal.bands.push(together(n, span, days)),
        }
    }
    for (p, at) in listed {
        let plan = &plans[p];
        if let Some(s) = shown.get(&plan.rowid) {
            cal.upcoming
                .push(upcoming(s, plan, at, words.of(&plan.rule)));
        }
    }
    Ok(())
}

/// A band of `d`'s days with its first and last run; whose it is and its
/// words are the caller's.
fn band(d: &Draft, (first, last): (DateTime<Utc>, DateTime<Utc>), days: &[Day]) -> Band {
    Band {
        schedule_id: None,
        name: None,
        day: days[d.head].date,
        last_day: days[d.tail].date,
        days: d.tail - d.head + 1,
        kind: "upcoming",
        count: d.count,
        per_day: d.per_day,
        first,
        last,
        summary: String::new(),
        outcomes: None,
    }
}

/// The `n` bands of one span of days as one.
fn together(n: usize, span: &Span, days: &[Day]) -> Band {
    let what = format!("{n} schedules");
    let d = Draft {
        count: span.count,
        per_day: span.per_day,
        ..span.lone
    };
    Band {
        summary: format!("{what}, drawn together"),
        name: Some(what),
        ..band(&d, (span.first, span.last), days)
    }
}

fn upcoming(s: &Drawn, plan: &Plan, at: DateTime<Utc>, summary: String) -> Upcoming {
    Upcoming {
        job_id: s
            .pending_job_id
            .clone()
            .filter(|_| plan.pending_at == Some(at)),
        schedule_id: Some(s.id.clone()),
        name: s.name.clone(),
        method: s.method.clone(),
        url: s.url.clone(),
        at,
        summary: Some(summary),
    }
}

/// Rules in words, each worded once: wording a cron rule costs more than
/// counting a month of its runs, and 5,000 runs listed may be 5,000
/// schedules of a few rules.
#[derive(Default)]
struct Words(FxHashMap<(RuleKey, i64), String>);

impl Words {
    fn of(&mut self, rule: &Rule) -> String {
        // A cron rule by its one parse; an interval's words are its length's.
        let key = match rule {
            Rule::Cron(c) => (RuleKey::of(c), 0),
            Rule::Every { interval, .. } => (RuleKey(0), interval.num_milliseconds()),
        };
        self.0.entry(key).or_insert_with(|| rule.describe()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Plans of both kinds of rule, some sharing one, some with runs left
    /// or a pending job moved off the rule.
    fn plans(start: DateTime<Utc>) -> Vec<Plan> {
        let hourly = crate::rule::cron("0 * * * *", chrono_tz::Europe::Berlin).unwrap();
        (0..40)
            .map(|i| {
                let rule = match i % 3 {
                    0 => hourly.clone(),
                    1 => crate::rule::cron(&format!("{i} 9 * * *"), chrono_tz::UTC).unwrap(),
                    _ => crate::rule::every(Duration::minutes(7 + i), start).unwrap(),
                };
                let pending = rule.next_after(start + Duration::hours(i)).unwrap();
                Plan {
                    rowid: i,
                    pending_at: Some(pending + Duration::minutes(i % 5 / 4 * 3)),
                    rule,
                    moved: false,
                    resumes_at: None,
                    until: None,
                    runs_left: (i % 4 == 1).then_some(i as u32),
                    quiet: None,
                }
            })
            .collect()
    }

    /// A pending job at one of its rule's times is not moved; a minute off
    /// it is, for an interval and a cron rule alike.
    #[test]
    fn a_pending_job_off_its_rules_times_is_marked_moved() {
        let start = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
        let mut plans = plans(start);
        let mut expected = Vec::new();
        for (i, plan) in plans.iter_mut().enumerate() {
            let on_rule = plan.rule.next_after(start + Duration::hours(5)).unwrap();
            let off = i % 2 == 1;
            plan.pending_at = Some(on_rule + Duration::minutes(i64::from(off)));
            expected.push(off);
        }
        mark_moved(&mut plans, &mut Ends::default());
        let moved: Vec<bool> = plans.iter().map(|p| p.moved).collect();
        assert_eq!(moved, expected);
        assert!(plans
            .iter()
            .any(|p| matches!(p.rule, Rule::Every { .. }) && p.moved));
        assert!(plans
            .iter()
            .any(|p| matches!(p.rule, Rule::Cron(_)) && p.moved));

        // Moved into its quiet hours, it is left to them, as the engine leaves it.
        let quiet = |p: &mut Plan| {
            let at = p.pending_at.unwrap().format("%H:%M").to_string();
            p.quiet = Some(Box::new(crate::limits::QuietHours {
                from: at.clone(),
                to: "23:59".into(),
                timezone: "UTC".into(),
                action: crate::limits::QuietAction::Skip,
            }));
            p.moved = false;
        };
        plans.iter_mut().for_each(quiet);
        mark_moved(&mut plans, &mut Ends::default());
        assert!(plans.iter().all(|p| !p.moved));
    }

    /// Counted a chunk at a time, as they are read, the plans are counted as
    /// they are all at once: each by its own limits, and its moved job.
    #[test]
    fn plans_counted_in_chunks_are_counted_as_all_at_once() {
        let start = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
        let days = super::super::days(start, start + Duration::days(14), chrono_tz::UTC);
        let count = |chunk: usize| {
            let mut counted = Counted {
                plans: Vec::new(),
                counts: Vec::new(),
                counter: Counter::new(&days, start, start),
                ends: Ends::default(),
            };
            let mut all = plans(start);
            while !all.is_empty() {
                let rest = all.split_off(chunk.min(all.len()));
                counted.add(std::mem::replace(&mut all, rest));
            }
            let moved: Vec<bool> = counted.plans.iter().map(|p| p.moved).collect();
            (counted.counts, counted.counter.ends, moved)
        };
        let at_once = count(100);
        assert!(at_once.1.iter().any(Option::is_some), "some end early");
        assert!(at_once.2.iter().any(|m| *m), "some moved");
        assert!(at_once.0.iter().sum::<u32>() > 0);
        for chunk in [1, 3, 16] {
            assert_eq!(count(chunk), at_once, "chunks of {chunk}");
        }
    }

    fn draft(plan: usize, head: usize, tail: usize, count: usize) -> Draft {
        Draft {
            plan,
            head,
            tail,
            count,
            per_day: Some(count / (tail - head + 1)),
        }
    }

    #[test]
    fn days_become_bands_and_listed_days_by_their_marks() {
        let counts = [0, 3, 3, 1, 0, 2, 60, 5];
        let band = [false, true, true, false, false, true, true, true];
        let seen: Vec<String> = pieces(&counts, &band)
            .map(|p| match p {
                Piece::Band(d) => {
                    format!("band {}..={} {} {:?}", d.head, d.tail, d.count, d.per_day)
                }
                Piece::List(day) => format!("list {day}"),
            })
            .collect();
        assert_eq!(
            seen,
            ["band 1..=2 6 Some(3)", "list 3", "band 5..=7 67 None"]
        );
    }

    #[test]
    fn the_busiest_bands_are_kept_and_the_rest_folded_by_their_span() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let offered = [
            draft(0, 0, 30, 3_100),
            draft(1, 0, 30, 31),
            draft(2, 0, 30, 62),
            draft(3, 1, 2, 2),
            draft(4, 0, 30, 3_100),
        ];
        let mut chosen = Chosen::new(2);
        let mut folded = Folded::default();
        for d in offered {
            if let Some(out) = chosen.offer(d) {
                folded.add(out, (at, at));
            }
        }
        let kept: Vec<usize> = chosen
            .into_kept(folded.any())
            .iter()
            .map(|d| d.plan)
            .collect();
        assert_eq!(kept, [0, 4], "the two busiest, the earlier first");
        let spans: Vec<_> = (folded.0.iter())
            .map(|(k, s)| (*k, s.schedules, s.count, s.per_day, s.lone.plan))
            .collect();
        assert_eq!(
            spans,
            [((0, 30), 2, 93, Some(3), 1), ((1, 2), 1, 2, Some(1), 3)],
            "every run is still counted"
        );

        // Under the cap nothing is folded, and the order is kept.
        let mut few = Chosen::new(3);
        for d in [draft(0, 0, 0, 1), draft(1, 0, 0, 9)] {
            assert_eq!(few.offer(d), None);
        }
        let kept: Vec<usize> = few.into_kept(false).iter().map(|d| d.plan).collect();
        assert_eq!(kept, [0, 1]);
    }
}
