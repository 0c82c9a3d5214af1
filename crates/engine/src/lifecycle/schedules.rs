//! A schedule's transitions: its first run, the next run it plans from its
//! rule when one comes due, catching up on runs it missed, a run outside
//! the rule, and being disabled, enabled, changed or deleted.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::jobs::{cancel, emit_created};
use super::limits::Guard;
use super::runs::LATE_AFTER;
use super::{emit, emit_for_schedule};
use crate::draft::{CatchUp, JobDraft, Start};
use crate::dynamic::RunContext;
use crate::error::{Error, FieldError, Result};
use crate::event::{Cancelled, CatchUpNote, Missed as MissedPayload, Payload, Source};
use crate::job::{Job, JobState};
use crate::rule::Rule;
use crate::run::{Action, Reason, RunOutcome};
use crate::schedule::Schedule;
use crate::store::runs::{self as ledger, NewRun};
use crate::store::{jobs, schedules as rows, JobInsert, JobUpdate, Tx};

/// With `catch_up: skip`, a run this late counts as missed and is skipped.
const SKIP_GRACE: Duration = Duration::seconds(60);
/// With `catch_up: all`, at most this many missed runs are made up.
pub const CATCH_UP_LIMIT: usize = 100;

/// What the engine knows about the time that passed, to tell why a run is
/// late: Chime was closed, everything was paused, or (neither) the machine slept.
#[derive(Debug, Clone)]
pub struct Circumstances {
    /// When this engine started.
    pub up_since: DateTime<Utc>,
    /// When "pause all" was on since then: (from, until; none while still on).
    pub paused: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

impl Circumstances {
    /// Why a run planned for `planned` did not go out then.
    pub fn reason(&self, planned: DateTime<Utc>) -> Reason {
        let paused = self
            .paused
            .iter()
            .any(|(from, until)| *from <= planned && until.is_none_or(|u| planned < u));
        if planned < self.up_since {
            Reason::Closed
        } else if paused {
            Reason::Paused
        } else {
            Reason::Asleep
        }
    }
}

/// A schedule's first run: the asked start, else its rule's first (an
/// interval's grid starts at its first run; a cron rule's next time).
pub(crate) fn first_run(d: &JobDraft, rule: &Rule, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    match (d.start, rule) {
        (Start::Now, Rule::Every { anchor, .. }) => Ok(*anchor),
        (Start::Now, Rule::Cron(_)) => rule
            .next_after(now)
            .ok_or_else(|| FieldError::new("cron", "has no future run").into()),
        (asked, _) => Ok(asked.resolve(now)),
    }
}

/// Why a schedule creates a job.
pub(crate) enum Spawn<'a> {
    /// The rule's next run: it becomes the schedule's pending job.
    Pending { key: Option<&'a str> },
    /// A run outside the rule (`POST /api/schedules/{id}/run`).
    Extra,
}

/// Creates a schedule's next job from its template. The caller saves the schedule.
pub(crate) fn spawn_run(
    tx: &mut Tx,
    s: &mut Schedule,
    at: DateTime<Utc>,
    why: Spawn,
) -> Result<Job> {
    s.run_count += 1;
    let (key, planned, source) = match why {
        Spawn::Pending { key } => (key, Some(at), Source::Schedule),
        Spawn::Extra => (None, None, Source::ExtraRun),
    };
    let job = jobs::insert(
        &tx.sql,
        &JobInsert {
            schedule_id: Some(&s.id),
            run: Some(s.run_count),
            idempotency_key: key,
            name: s.name.as_deref(),
            description: s.description.as_deref(),
            request: &s.request,
            options: &s.options,
            args: &s.args,
            scheduled_at: at,
            planned_at: planned,
            note: None,
        },
        tx.now,
    )?;
    if let Some(planned_at) = planned {
        s.pending_job_id = Some(job.id.clone());
        ledger::insert(
            &tx.sql,
            &NewRun {
                schedule_id: &s.id,
                planned_at,
                until: None,
                count: 1,
                job: Some((job.seq, &job.id)),
                outcome: None,
                reason: None,
                action: None,
            },
        )?;
    }
    emit_created(tx, &job, source)?;
    Ok(job)
}

/// The schedule plans its next run from its rule, after `after`.
fn plan_from(tx: &mut Tx, s: &mut Schedule, after: DateTime<Utc>) -> Result<()> {
    if let Some(next) = s.rule.next_after(after) {
        plan_run(tx, s, next)?;
    }
    Ok(())
}

/// Plans the schedule's rule run at `at`, unless its limits say it is over
/// (`until` passed, `max_runs` made): then it disables itself, and the
/// ledger and the log say `expired` for that run.
pub(crate) fn plan_run(tx: &mut Tx, s: &mut Schedule, at: DateTime<Utc>) -> Result<()> {
    if expiry(s, at).is_none() {
        spawn_run(tx, s, at, Spawn::Pending { key: None })?;
        return Ok(());
    }
    s.pending_job_id = None;
    s.disabled_at = Some(tx.now);
    s.resume_at = None;
    let run = Stretch {
        first: at,
        last: at,
        count: 1,
        action: Action::Skipped,
    };
    record_missed(tx, s, run, Reason::Expired)
}

/// Why `s` makes no run at `at`: it made its `max_runs`, or `until` passed.
pub(crate) fn expiry(s: &Schedule, at: DateTime<Utc>) -> Option<String> {
    if let Some(max) = s.options.max_runs.filter(|m| s.runs_sent >= *m) {
        return Some(format!("the schedule has made its {max} runs (max_runs)"));
    }
    let until = s.options.until.filter(|u| at > *u)?;
    Some(format!(
        "the schedule ended at {} (until)",
        crate::time::rfc3339(until)
    ))
}

/// Cancelling a schedule's pending job cancels that one run: the schedule
/// (unless disabled) plans its next run from the rule, after both the
/// cancelled run's time and now.
pub(crate) fn plan_after_cancelled(tx: &mut Tx, job: &Job) -> Result<()> {
    let Some(sid) = &job.schedule_id else {
        return Ok(());
    };
    let Some(mut s) = rows::get(&tx.sql, sid)? else {
        return Ok(());
    };
    if s.disabled_at.is_some() || s.pending_job_id.as_deref() != Some(job.id.as_str()) {
        return Ok(());
    }
    s.pending_job_id = None;
    plan_from(
        tx,
        &mut s,
        job.planned_at.unwrap_or(job.scheduled_at).max(tx.now),
    )?;
    rows::save(&tx.sql, &s, tx.now)
}

/// Disabled: its pending job is cancelled and no more are made, until it
/// is enabled, or (paused `until` a time) until then.
pub(crate) fn disable(tx: &mut Tx, s: &mut Schedule, until: Option<DateTime<Utc>>) -> Result<()> {
    if s.disabled_at.is_none() {
        cancel_pending(tx, s, "schedule disabled", Some(Reason::Paused))?;
        s.disabled_at = Some(tx.now);
    }
    s.resume_at = until;
    Ok(())
}

/// Paused schedules whose time has come enable themselves (one that ran
/// out of runs meanwhile stays disabled).
pub(crate) fn resume_due(tx: &mut Tx) -> Result<()> {
    for mut s in rows::due_resumes(&tx.sql, tx.now)? {
        match enable(tx, &mut s) {
            Ok(()) | Err(Error::Conflict(_)) => s.resume_at = None,
            Err(e) => return Err(e),
        }
        rows::save(&tx.sql, &s, tx.now)?;
    }
    Ok(())
}

/// Enabled again, from the rule's next time. `$previous` starts empty: what
/// came before the pause is not this run's previous.
pub(crate) fn enable(tx: &mut Tx, s: &mut Schedule) -> Result<()> {
    s.resume_at = None;
    if s.disabled_at.is_some() {
        s.disabled_at = None;
        s.previous = None;
        let next = s
            .rule
            .next_after(tx.now)
            .ok_or_else(|| Error::Conflict("the schedule's rule has no future run".into()))?;
        if let Some(why) = expiry(s, next) {
            return Err(Error::Conflict(format!(
                "{why}; raise max_runs or move until to run it again"
            )));
        }
        spawn_run(tx, s, next, Spawn::Pending { key: None })?;
    }
    Ok(())
}

/// Changed (`PATCH /api/schedules/{id}`): the pending job is replaced, so it
/// carries the new request and the new rule's next time.
pub(crate) fn replan(tx: &mut Tx, s: &mut Schedule, rule_changed: bool) -> Result<()> {
    if s.disabled_at.is_some() {
        return Ok(());
    }
    cancel_pending(tx, s, "schedule changed", None)?;
    let next = match (&s.rule, rule_changed) {
        (Rule::Every { anchor, .. }, true) => *anchor,
        _ => s
            .rule
            .next_after(tx.now)
            .ok_or_else(|| FieldError::new("cron", "has no future run"))?,
    };
    plan_run(tx, s, next)
}

/// Cancels the schedule's pending run; `skipped` says why, when the ledger
/// should count it as a run that did not go out (a paused schedule).
pub(crate) fn cancel_pending(
    tx: &mut Tx,
    s: &mut Schedule,
    reason: &str,
    skipped: Option<Reason>,
) -> Result<()> {
    if let Some(pending) = s.pending_job_id.take() {
        if let Some(job) = jobs::get(&tx.sql, &pending)? {
            if job.state.is_pending() {
                cancel(tx, &job, reason, skipped)?;
            }
        }
    }
    Ok(())
}

/// When the schedule runs next: its pending job's time.
pub(crate) fn next_run_at(c: &rusqlite::Connection, s: &Schedule) -> Result<Option<DateTime<Utc>>> {
    let Some(pending) = &s.pending_job_id else {
        return Ok(None);
    };
    Ok(jobs::get(c, pending)?
        .filter(|j| j.state.is_pending())
        .map(|j| j.scheduled_at))
}

/// What a schedule does when its pending run is claimed: plans the next
/// one, and says whether this one runs, was skipped, or waits.
pub(crate) enum Claim {
    /// It goes out (after the attempts of `replaces` are cancelled).
    Runs {
        note: Option<CatchUpNote>,
        replaces: Vec<i64>,
    },
    Skipped,
    /// It waits, pending, for the end of quiet hours or of the run before it.
    Held,
}

/// The schedule's pending run `job` was claimed: its limits may skip it or
/// hold it; else its next run is planned (or, catching up with `all`, left
/// for when this one ends), and the ledger says how this one went out and
/// what became of the runs missed.
pub(crate) fn claimed(
    tx: &mut Tx,
    s: &mut Schedule,
    job: &Job,
    circumstances: &Circumstances,
) -> Result<Claim> {
    let planned = job.planned_at.unwrap_or(job.scheduled_at);
    let guard = super::limits::guard(tx, s, job, planned)?;
    let mut plan = plan_next(s, planned, tx.now);
    // A run held before (queued, deferred) keeps the reason it was held for.
    let mut reason =
        ledger::reason_of(&tx.sql, job.seq)?.unwrap_or_else(|| circumstances.reason(planned));
    let mut skipped_because = None;
    let replaces = match guard {
        Guard::Held => return Ok(Claim::Held),
        Guard::Go { replaces } => replaces,
        Guard::Skip {
            reason: why,
            words,
            resume,
        } => {
            reason = why;
            skipped_because = Some(words);
            plan.skip_this = true;
            plan.note = None;
            if let Some(end) = resume {
                skip_to(s, &mut plan, planned, end);
            }
            Vec::new()
        }
    };
    if !plan.skip_this {
        s.runs_sent = s.runs_sent.saturating_add(1);
    }
    s.pending_job_id = None;
    if let Some(next) = plan.next.filter(|_| !plan.after_this) {
        plan_run(tx, s, next)?;
    }
    // This run first, then the ones missed after it: the log reads in order.
    let claim = if plan.skip_this {
        skip(tx, job, plan.note, skipped_because)?;
        ledger::ended(&tx.sql, job.seq, RunOutcome::Cancelled, None, Some(reason))?;
        let payload = Payload::Missed(MissedPayload {
            planned_at: planned,
            until: None,
            count: 1,
            reason,
            action: Action::Skipped,
        });
        emit(tx, job, None, payload)?;
        Claim::Skipped
    } else {
        // Late: runs came due after it (it is catching up), or it is simply late.
        let late = plan.note.is_some() || tx.now - planned > LATE_AFTER;
        let late = late.then_some((reason, Action::Ran));
        ledger::started(&tx.sql, job.seq, tx.now, late)?;
        Claim::Runs {
            note: plan.note,
            replaces,
        }
    };
    if let Some(stretch) = plan.missed {
        record_missed(tx, s, stretch, reason)?;
    }
    Ok(claim)
}

/// Quiet hours that end at `end` skip the rule's runs up to then with this
/// one (one stretch in the ledger), and the next run is the first after.
fn skip_to(s: &Schedule, plan: &mut Plan, planned: DateTime<Utc>, end: DateTime<Utc>) {
    let quiet = missed_runs(&s.rule, planned, end - Duration::milliseconds(1), 0);
    plan.missed = Stretch::of(&quiet, Action::Skipped);
    plan.next = s.rule.next_after(
        quiet
            .last
            .unwrap_or(planned)
            .max(end - Duration::milliseconds(1)),
    );
    plan.after_this = false;
}

/// Runs that came due and never became jobs: one ledger row for the
/// stretch, and its `job.missed` event.
pub(crate) fn record_missed(
    tx: &mut Tx,
    s: &Schedule,
    stretch: Stretch,
    reason: Reason,
) -> Result<()> {
    let until = (stretch.count > 1).then_some(stretch.last);
    ledger::insert(
        &tx.sql,
        &NewRun {
            schedule_id: &s.id,
            planned_at: stretch.first,
            until,
            count: stretch.count,
            job: None,
            outcome: Some(RunOutcome::Cancelled),
            reason: Some(reason),
            action: Some(stretch.action),
        },
    )?;
    let payload = Payload::Missed(MissedPayload {
        planned_at: stretch.first,
        until,
        count: stretch.count,
        reason,
        action: stretch.action,
    });
    emit_for_schedule(tx, s, payload)?;
    Ok(())
}

/// When a rule run of a schedule that is catching up (`catch_up: all`)
/// ends: the next missed run (or the next future one) becomes its pending job.
pub(crate) fn catch_up_after(tx: &mut Tx, s: &mut Schedule, job: &Job) -> Result<()> {
    let Some(planned) = job.planned_at else {
        return Ok(());
    };
    if s.disabled_at.is_some() || s.pending_job_id.is_some() || s.catch_up != CatchUp::All {
        return Ok(());
    }
    let missed = missed_runs(&s.rule, planned, tx.now, CATCH_UP_LIMIT - 1);
    if let Some(next) = missed
        .kept
        .first()
        .copied()
        .or_else(|| s.rule.next_after(tx.now))
    {
        plan_run(tx, s, next)?;
    }
    Ok(())
}

/// What a run of `s` knows when `job` goes out.
pub(crate) fn run_context(job: &Job, s: &Schedule) -> RunContext {
    RunContext {
        job: serde_json::json!({
            "id": job.id,
            "schedule_id": s.id,
            "scheduled_at": crate::time::rfc3339(job.scheduled_at),
            "attempt": job.attempt,
            "run": job.run,
        }),
        previous: s.previous.clone().unwrap_or(Value::Null),
        state: Value::Object(s.state.clone()),
        inject: s.inject_fields,
    }
}

/// What a schedule does after the run planned for `planned` comes due.
struct Plan {
    next: Option<DateTime<Utc>>,
    skip_this: bool,
    /// Catching up (`all`): the next missed run is made when this one ends,
    /// so they go out one after another, in order.
    after_this: bool,
    /// For the log: which runs were missed, merged, caught up or skipped.
    note: Option<CatchUpNote>,
    /// Runs missed that never become jobs, for the ledger.
    missed: Option<Stretch>,
}

/// Planned runs from `first` to `last` (`count` of them) that were merged
/// into another or skipped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stretch {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub count: u32,
    pub action: Action,
}

impl Stretch {
    /// All of `missed`, none when there are none.
    pub(crate) fn of(missed: &Missed, action: Action) -> Option<Stretch> {
        Some(Stretch {
            first: missed.first?,
            last: missed.last?,
            count: u32::try_from(missed.count).unwrap_or(u32::MAX),
            action,
        })
    }
}

fn plan_next(s: &Schedule, planned: DateTime<Utc>, now: DateTime<Utc>) -> Plan {
    let rule = &s.rule;
    let missed = missed_runs(rule, planned, now, CATCH_UP_LIMIT - 1);
    if missed.count == 0 && !(s.catch_up == CatchUp::Skip && now - planned > SKIP_GRACE) {
        return Plan {
            next: rule.next_after(planned),
            after_this: false,
            skip_this: false,
            note: None,
            missed: None,
        };
    }
    let future = rule.next_after(now);
    let note = |missed: usize, dropped: Option<usize>, message: String| {
        Some(CatchUpNote {
            policy: s.catch_up,
            missed,
            dropped,
            message,
        })
    };
    let stretch =
        |first: Option<DateTime<Utc>>, last: Option<DateTime<Utc>>, count: usize, action| {
            Some(Stretch {
                first: first?,
                last: last?,
                count: u32::try_from(count).unwrap_or(u32::MAX),
                action,
            })
            .filter(|_| count > 0)
        };
    match s.catch_up {
        CatchUp::Once => Plan {
            next: future,
            skip_this: false,
            after_this: false,
            note: note(
                missed.count,
                None,
                format!("ran once for {} missed runs", missed.count + 1),
            ),
            missed: stretch(missed.first, missed.last, missed.count, Action::Merged),
        },
        CatchUp::All => {
            let dropped = missed.count.saturating_sub(missed.kept.len());
            let next = missed.kept.first().copied().or(future);
            let message = if dropped > 0 {
                format!("catching up {} missed runs; {dropped} older ones skipped (the limit is {CATCH_UP_LIMIT})", missed.kept.len())
            } else {
                format!("catching up {} missed runs in order", missed.count)
            };
            let last_dropped = missed.kept.first().and_then(|k| rule.last_before(*k));
            Plan {
                next,
                skip_this: false,
                after_this: next.is_some_and(|n| n <= now),
                note: note(missed.count, Some(dropped), message),
                missed: stretch(missed.first, last_dropped, dropped, Action::Skipped),
            }
        }
        CatchUp::Skip => {
            let late = now - planned > SKIP_GRACE;
            Plan {
                next: future,
                skip_this: late,
                after_this: false,
                note: note(
                    missed.count + usize::from(late),
                    None,
                    format!(
                        "skipped the run planned for {} and {} more missed while Chime was not running",
                        crate::time::rfc3339(planned),
                        missed.count
                    ),
                ),
                missed: stretch(missed.first, missed.last, missed.count, Action::Skipped),
            }
        }
    }
}

pub(crate) struct Missed {
    /// Runs of the rule in (planned, now].
    count: usize,
    /// The first and the last of them.
    first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The last `keep` of them, oldest first.
    kept: Vec<DateTime<Utc>>,
}

/// The rule's runs that came due after `planned` and by `now`.
pub(crate) fn missed_runs(
    rule: &Rule,
    planned: DateTime<Utc>,
    now: DateTime<Utc>,
    keep: usize,
) -> Missed {
    if let Rule::Every { interval, .. } = rule {
        // Counted, not walked: an every-second rule missed for a week is 600,000 runs.
        let step = interval.num_milliseconds().max(1);
        let count = ((now - planned).num_milliseconds().max(0) / step) as usize;
        let at = |k: usize| planned + Duration::milliseconds(step * k as i64);
        let first_kept = count.saturating_sub(keep) + 1;
        let kept = (first_kept..=count).map(at).collect();
        let (first, last) = if count > 0 {
            (Some(at(1)), Some(at(count)))
        } else {
            (None, None)
        };
        return Missed {
            count,
            first,
            last,
            kept,
        };
    }
    let mut kept = std::collections::VecDeque::with_capacity(keep + 1);
    let mut count = 0;
    let mut first = None;
    let mut t = planned;
    while let Some(next) = rule.next_after(t).filter(|n| *n <= now) {
        count += 1;
        first.get_or_insert(next);
        kept.push_back(next);
        if kept.len() > keep {
            kept.pop_front();
        }
        t = next;
    }
    Missed {
        count,
        first,
        last: (count > 0).then_some(t),
        kept: kept.into(),
    }
}

/// Marks a claimed run as skipped: by its schedule's catch-up policy
/// (`note`), or by its limits (`words` say why).
fn skip(tx: &mut Tx, job: &Job, note: Option<CatchUpNote>, words: Option<String>) -> Result<()> {
    let reason = match (&note, words) {
        (Some(n), _) => n.message.clone(),
        (None, Some(words)) => words,
        (None, None) => "skipped".to_string(),
    };
    jobs::update(
        &tx.sql,
        job.seq,
        &JobUpdate {
            state: Some(JobState::Cancelled),
            attempt: Some(job.attempt.saturating_sub(1)),
            note: Some(&reason),
            ..JobUpdate::default()
        },
        tx.now,
    )?;
    let payload = Payload::Cancelled(Cancelled {
        reason,
        catch_up: note,
    });
    emit(tx, job, None, payload)?;
    Ok(())
}
