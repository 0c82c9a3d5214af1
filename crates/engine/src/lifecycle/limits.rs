//! A schedule's limits when its run comes due (SPEC 7.4): quiet hours skip
//! it or hold it to their end, and a run still executing before it makes it
//! skip, wait (queue) or take over (replace).

use chrono::{DateTime, Duration, Utc};

use super::emit;
use super::schedules::{missed_runs, record_missed, Stretch};
use crate::error::Result;
use crate::event::{Missed, Payload};
use crate::job::{Job, JobState};
use crate::limits::{Overlap, QuietAction};
use crate::run::{Action, Reason};
use crate::schedule::Schedule;
use crate::store::runs as ledger;
use crate::store::{jobs, JobUpdate, Tx};

/// What a schedule's limits say about its run, claimed now.
pub(crate) enum Guard {
    /// It goes out, after the attempts of `replaces` (seqs) are cancelled.
    Go { replaces: Vec<i64> },
    /// It does not go out, for `reason` (`words` for the log); in quiet
    /// hours, the rule's runs until they end at `resume` go with it.
    Skip {
        reason: Reason,
        words: String,
        resume: Option<DateTime<Utc>>,
    },
    /// It was put back to wait (and the ledger says why).
    Held,
}

/// A held run waits at most this long past the running attempt's timeout
/// before it looks again (the run's end wakes it sooner).
const HOLD_SLACK: Duration = Duration::seconds(1);

pub(crate) fn guard(tx: &mut Tx, s: &Schedule, job: &Job, planned: DateTime<Utc>) -> Result<Guard> {
    if let Some(quiet) = &s.options.quiet_hours {
        if let Some(end) = quiet.end_after(tx.now) {
            let words = format!(
                "quiet hours {}-{} ({})",
                quiet.from, quiet.to, quiet.timezone
            );
            return match quiet.action {
                QuietAction::Skip => Ok(Guard::Skip {
                    reason: Reason::QuietHours,
                    words: format!("skipped: {words}"),
                    resume: Some(end),
                }),
                QuietAction::Defer => {
                    defer(tx, s, job, planned, end)?;
                    Ok(Guard::Held)
                }
            };
        }
    }
    if s.options.overlap.is_allow() {
        return Ok(Guard::Go { replaces: vec![] });
    }
    let running = jobs::executing_of_schedule(&tx.sql, &s.id, job.seq)?;
    if running.is_empty() {
        return Ok(Guard::Go { replaces: vec![] });
    }
    Ok(match s.options.overlap {
        Overlap::Allow => Guard::Go { replaces: vec![] },
        Overlap::Replace => Guard::Go {
            replaces: running.iter().map(|j| j.seq).collect(),
        },
        Overlap::Skip => Guard::Skip {
            reason: Reason::Overlap,
            words: "skipped: the run before it was still going (overlap: skip)".into(),
            resume: None,
        },
        Overlap::Queue => {
            queue(tx, job, planned, &running)?;
            Guard::Held
        }
    })
}

/// Quiet hours with `defer`: the run waits for their end, and the rule's
/// runs due in them until then are merged into it.
fn defer(
    tx: &mut Tx,
    s: &Schedule,
    job: &Job,
    planned: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<()> {
    let merged = missed_runs(&s.rule, planned, end - Duration::milliseconds(1), 0);
    // Planned from the last merged run on, so none is counted twice when it goes.
    hold(tx, job, planned, end, merged.last, Reason::QuietHours)?;
    if let Some(stretch) = Stretch::of(&merged, Action::Merged) {
        record_missed(tx, s, stretch, Reason::QuietHours)?;
    }
    Ok(())
}

/// Overlap `queue`: the run waits for the one executing to end (its end
/// wakes it; at the latest it looks again when that attempt times out).
fn queue(tx: &mut Tx, job: &Job, planned: DateTime<Utc>, running: &[Job]) -> Result<()> {
    let deadline = running
        .iter()
        .map(|r| r.attempted_at.unwrap_or(tx.now) + Duration::milliseconds(r.options.timeout_ms))
        .max()
        .unwrap_or(tx.now);
    let until = deadline.max(tx.now) + HOLD_SLACK;
    hold(tx, job, planned, until, None, Reason::Overlap)
}

/// Puts a claimed run back to wait until `until`; the first time, the
/// ledger and the log say it was deferred, and why.
fn hold(
    tx: &mut Tx,
    job: &Job,
    planned: DateTime<Utc>,
    until: DateTime<Utc>,
    planned_from: Option<DateTime<Utc>>,
    reason: Reason,
) -> Result<()> {
    jobs::update(
        &tx.sql,
        job.seq,
        &JobUpdate {
            state: Some(JobState::Scheduled),
            attempt: Some(job.attempt.saturating_sub(1)),
            scheduled_at: Some(until),
            planned_at: planned_from,
            ..JobUpdate::default()
        },
        tx.now,
    )?;
    if ledger::reason_of(&tx.sql, job.seq)?.is_some() {
        return Ok(()); // held again: told already
    }
    ledger::held(&tx.sql, job.seq, reason, Action::Deferred)?;
    let payload = Payload::Missed(Missed {
        planned_at: planned,
        until: None,
        count: 1,
        reason,
        action: Action::Deferred,
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

/// When a run of an overlap-`queue` schedule ends, the run held for it goes.
pub(crate) fn release_queued(tx: &mut Tx, s: &Schedule) -> Result<()> {
    if s.options.overlap != Overlap::Queue {
        return Ok(());
    }
    let Some(pending) = &s.pending_job_id else {
        return Ok(());
    };
    let Some(job) = jobs::get(&tx.sql, pending)? else {
        return Ok(());
    };
    let Some(planned) = job.planned_at else {
        return Ok(());
    };
    // Held: put back past its rule time. The scheduler claims a moment
    // ahead, so a run can be held, and the one before it end, before that
    // time comes: it then goes at its time, not earlier.
    let held = job.state == JobState::Scheduled && job.scheduled_at > tx.now.max(planned);
    if !held {
        return Ok(());
    }
    if planned > tx.now {
        let back = JobUpdate {
            scheduled_at: Some(planned),
            ..JobUpdate::default()
        };
        jobs::update(&tx.sql, job.seq, &back, tx.now)
    } else {
        jobs::due_now(&tx.sql, job.seq, None, tx.now)
    }
}
