//! An attempt's life on the store: a due job is claimed (and its schedule
//! plans the next run), its attempt ends (the verdict: done, retried or
//! given up, with the events, the schedule's `$state` and the callback), or
//! a crash cut it off and it runs again at the next start.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::schedules::{self, Circumstances, Claim};
use super::verdict::{self as judge, Verdict};
use super::{alerts, limits};
use super::{emit, emit_end, enqueue_callback, webhook, CallbackParts};
use crate::attempt::{Outcome, ResponseRecord};
use crate::dynamic::RunContext;
use crate::error::Result;
use crate::event::{AttemptError, Finished, Payload, Response, Started, Waiting};
use crate::job::{Job, JobState};
use crate::request::SentRequest;
use crate::run::{Reason, RunOutcome};
use crate::schedule::Schedule;
use crate::store::runs as ledger;
use crate::store::{attempts, jobs, schedules as rows, AttemptWrite, Tx};

/// A run that starts later than this did not go out as planned: the ledger
/// says why, and dispatch treats it as a catch-up (staggered, and waiting
/// for the network).
pub const LATE_AFTER: chrono::Duration = chrono::Duration::seconds(5);

/// A claimed job, with what its run knows (for a schedule's job).
pub struct Claimed {
    pub job: Arc<Job>,
    pub context: Option<RunContext>,
    /// It came due a while ago: the machine slept, or Chime was closed or paused.
    pub late: bool,
    /// Attempts (by job seq) this run takes over from (overlap `replace`).
    pub replaces: Vec<i64>,
}

/// Claims up to `limit` jobs due within `ahead` of now, plans each schedule's next
/// run (the ledger tells late and missed runs by `circumstances`), and
/// records `job.started` for each.
///
/// A job claimed ahead of its instant (the scheduler claims a moment early,
/// so that the commit's sync is not on the send's path) is recorded as the
/// run it will be: started at its instant, and planned from it.
pub(crate) fn claim(
    tx: &mut Tx,
    ahead: chrono::Duration,
    limit: usize,
    circumstances: &Circumstances,
) -> Result<Vec<Claimed>> {
    schedules::resume_due(tx)?;
    let due = jobs::claim_due(&tx.sql, tx.now, tx.now + ahead, limit)?;
    let mut seen = Seen::new();
    let mut out = Vec::with_capacity(due.len());
    for job in due {
        let claimed_at = tx.now;
        tx.now = claimed_at.max(job.scheduled_at);
        let one = claim_one(tx, job, &mut seen, circumstances);
        tx.now = claimed_at;
        out.extend(one?);
    }
    for s in seen.into_values().flatten().filter(|s| s.1) {
        rows::save(&tx.sql, &s.0, tx.now)?;
    }
    Ok(out)
}

/// The schedules a claim has read, by id, each with whether it changed.
type Seen = HashMap<String, Option<(Schedule, bool)>>;

/// One claimed job: its schedule's part (which may skip or hold the run
/// instead), and its `job.started`.
fn claim_one(
    tx: &mut Tx,
    job: Arc<Job>,
    seen: &mut Seen,
    circumstances: &Circumstances,
) -> Result<Option<Claimed>> {
    let mut catch_up = None;
    let mut context = None;
    let mut replaces = Vec::new();
    if let Some(sid) = job.schedule_id.clone() {
        if !seen.contains_key(&sid) {
            let read = rows::get(&tx.sql, &sid)?.map(|s| (s, false));
            seen.insert(sid.clone(), read);
        }
        if let Some((s, changed)) = seen.get_mut(&sid).and_then(Option::as_mut) {
            if s.pending_job_id.as_deref() == Some(job.id.as_str()) {
                *changed = true;
                match schedules::claimed(tx, s, &job, circumstances)? {
                    Claim::Skipped | Claim::Held => return Ok(None),
                    Claim::Runs { note, replaces: r } => {
                        catch_up = note;
                        replaces = r;
                    }
                }
            }
            context = Some(schedules::run_context(&job, s));
        }
    }
    let payload = Payload::Started(Started {
        attempt: job.attempt,
        scheduled_at: job.scheduled_at,
        late_ms: (tx.now - job.scheduled_at).num_milliseconds().max(0),
        catch_up,
    });
    emit(tx, &job, Some(job.attempt), payload)?;
    let late = tx.now - job.scheduled_at > LATE_AFTER;
    Ok(Some(Claimed {
        job,
        context,
        late,
        replaces,
    }))
}

/// How an attempt ended on the wire.
#[derive(Debug)]
pub enum Reply {
    Response(ResponseRecord),
    Failed {
        message: String,
        /// Network errors and timeouts are worth another try; a request that
        /// cannot be built, or a redirect to a refused URL, is not.
        retryable: bool,
    },
    /// Cancelled mid-attempt by the schedule's next run (overlap `replace`).
    Replaced,
}

/// What a replaced attempt records.
pub const REPLACED: &str = "replaced by the schedule's next run (overlap: replace)";

/// What dispatch tells the recorder.
pub enum Record {
    /// The request went out, as the log keeps it.
    Sent { job: Arc<Job>, request: SentRequest },
    /// A catch-up attempt waits for the network.
    Waiting { job: Arc<Job>, waiting: Waiting },
    /// The attempt is over.
    Ended(Box<AttemptEnd>),
}

/// An attempt that has ended, as dispatch hands it to be recorded.
pub struct AttemptEnd {
    pub job: Arc<Job>,
    /// The request as it went out (as the log keeps it), when it did and
    /// the job has a callback to send it in.
    pub sent: Option<SentRequest>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub reply: Reply,
}

/// Records an ended attempt: its verdict, events, the job's new state, the
/// schedule's memory of it, and the callback of a job that is done. `sent`
/// is the request it sent, when its record came with the end's to be logged
/// with it (recorder.rs).
pub(crate) fn end_attempt(tx: &mut Tx, end: &AttemptEnd, sent: Option<&SentRequest>) -> Result<()> {
    let job = &end.job;
    let duration_ms = (end.finished_at - end.started_at).num_milliseconds();
    let (verdict, error) = verdict(tx.now, job, &end.reply);
    let status = match &end.reply {
        Reply::Response(r) => Some(r.status),
        Reply::Failed { .. } | Reply::Replaced => None,
    };
    attempts::insert(
        tx,
        &AttemptWrite {
            job_seq: job.seq,
            attempt: job.attempt,
            started_at: end.started_at,
            finished_at: end.finished_at,
            outcome: verdict.outcome,
            status,
            error: error.as_deref(),
            retry_at: verdict.retry_at,
        },
    )?;
    let payload = match &end.reply {
        Reply::Response(r) => Payload::Response(Response {
            response: r.clone(),
            duration_ms,
        }),
        Reply::Failed { .. } | Reply::Replaced => Payload::Error(AttemptError {
            error: error.clone().unwrap_or_default(),
            duration_ms,
            will_retry: verdict.state == JobState::Retryable,
            retry_at: verdict.retry_at,
        }),
    };
    let finished = Payload::Finished(Finished {
        state: verdict.state,
        outcome: verdict.outcome,
        status,
        duration_ms,
        retry_at: verdict.retry_at,
        interrupted: false,
    });
    // One row for all (0023). Each webhook sees the job at its own point,
    // and goes out before those of what the schedule does next, as its id.
    let request = sent.map(|r| Payload::Request(r.clone()));
    let logged = emit_end(tx, job, request, payload, finished)?;
    if let Some(request) = &logged.request {
        webhook(tx, job, request)?;
    }
    webhook(tx, job, &logged.ending)?;
    jobs::finish_attempt(tx, job.seq, verdict.state, verdict.retry_at)?;
    let finished = &logged.finished;
    webhook(tx, job, finished)?;
    let ended = run_outcome(&verdict);
    // The ledger holds schedules' runs: a one-off job has no row to end
    // (an UPDATE that finds none costs a burst 2 % of its writer's work).
    if let (Some(outcome), Some(_)) = (ended, &job.schedule_id) {
        let replaced = matches!(end.reply, Reply::Replaced).then_some(Reason::Overlap);
        ledger::ended(&tx.sql, job.seq, outcome, Some(duration_ms), replaced)?;
    }
    let mut schedule = match job.schedule_id.as_deref() {
        Some(sid) => rows::get(&tx.sql, sid)?,
        None => None,
    };
    if let Some(s) = &mut schedule {
        if let Reply::Response(r) = &end.reply {
            remember_response(s, r, verdict.outcome);
        }
        schedules::catch_up_after(tx, s, job)?;
        limits::release_queued(tx, s)?;
    }
    if let Some(s) = &mut schedule {
        if let Some(outcome) = ended {
            alerts::after_run(tx, s, job, outcome, &end.reply, error.as_deref())?;
        }
        rows::save(&tx.sql, s, tx.now)?;
    }
    if verdict.state.is_finished() {
        let parts = || {
            let (response, error) = match &end.reply {
                Reply::Response(r) => (Some(r.clone()), None),
                Reply::Failed { .. } | Reply::Replaced => (None, error.clone()),
            };
            CallbackParts {
                request: end.sent.clone(),
                response,
                error,
            }
        };
        enqueue_callback(tx, job, parts, finished.id)?;
    }
    Ok(())
}

/// How a schedule's run ended, for the ledger, once the job is done.
fn run_outcome(verdict: &Verdict) -> Option<RunOutcome> {
    match verdict.state {
        JobState::Completed => Some(RunOutcome::Success),
        JobState::Cancelled => Some(RunOutcome::Cancelled),
        JobState::Discarded => Some(match verdict.outcome {
            Outcome::Error => RunOutcome::Error,
            Outcome::AssertionFailed => RunOutcome::AssertionFailed,
            _ => RunOutcome::Failure,
        }),
        _ => None,
    }
}

/// What the reply means for the job, and the error to record (for a
/// response, the checks it failed).
fn verdict(now: DateTime<Utc>, job: &Job, reply: &Reply) -> (Verdict, Option<String>) {
    let policy = &job.options.retry;
    match reply {
        Reply::Response(r) => (
            judge::verdict(Some(r), policy, job.attempt, now),
            crate::check::failures(&r.assertions),
        ),
        Reply::Failed {
            message,
            retryable: true,
        } => (
            judge::verdict(None, policy, job.attempt, now),
            Some(message.clone()),
        ),
        Reply::Failed {
            message,
            retryable: false,
        } => (
            Verdict {
                outcome: Outcome::Error,
                state: JobState::Discarded,
                retry_at: None,
            },
            Some(message.clone()),
        ),
        Reply::Replaced => (
            Verdict {
                outcome: Outcome::Error,
                state: JobState::Cancelled,
                retry_at: None,
            },
            Some(REPLACED.to_string()),
        ),
    }
}

/// Keeps a schedule's `$previous` (the last response body, parsed when it is
/// JSON) and merges a successful response's top-level `$set` into `$state`;
/// the caller saves it in the same transaction as the attempt.
fn remember_response(s: &mut Schedule, r: &ResponseRecord, outcome: Outcome) {
    let body: Value =
        serde_json::from_str(&r.body).unwrap_or_else(|_| Value::String(r.body.clone()));
    if outcome == Outcome::Success {
        if let Some(set) = body.get("$set").and_then(Value::as_object) {
            for (k, v) in set {
                s.state.insert(k.clone(), v.clone());
            }
        }
    }
    s.previous = Some(body);
}

/// The message an attempt cut off by a crash or a kill records.
pub const INTERRUPTED: &str = "interrupted: Chime stopped during this attempt; it runs again";

/// At start-up: attempts left `executing` were cut off by a crash or a kill.
/// Each is logged as interrupted and its job runs again now (at least once;
/// an interruption never discards a job).
pub(crate) fn recover_interrupted(tx: &mut Tx) -> Result<usize> {
    let interrupted = jobs::executing(&tx.sql)?;
    for job in &interrupted {
        let (now, started) = (tx.now, job.attempted_at.unwrap_or(tx.now));
        attempts::insert(
            tx,
            &AttemptWrite {
                job_seq: job.seq,
                attempt: job.attempt,
                started_at: started,
                finished_at: started,
                outcome: Outcome::Error,
                status: None,
                error: Some(INTERRUPTED),
                retry_at: Some(now),
            },
        )?;
        let error = Payload::Error(AttemptError {
            error: INTERRUPTED.into(),
            duration_ms: 0,
            will_retry: true,
            retry_at: Some(tx.now),
        });
        let finished = Payload::Finished(Finished {
            state: JobState::Available,
            outcome: Outcome::Error,
            status: None,
            duration_ms: 0,
            retry_at: Some(tx.now),
            interrupted: true,
        });
        for event in emit_end(tx, job, None, error, finished)?.iter() {
            webhook(tx, job, event)?;
        }
        jobs::due_now(
            &tx.sql,
            job.seq,
            Some("retried after an interruption"),
            tx.now,
        )?;
    }
    Ok(interrupted.len())
}
