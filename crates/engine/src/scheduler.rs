//! The scheduler loop: sleep until the earliest due job (capped, re-reading
//! the wall clock on every wake; woken early when jobs change), claim what is
//! due in one transaction, and hand it to dispatch with bounded concurrency.
//! A schedule's next job is planned here, from its rule, as its run is claimed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use tokio::sync::OwnedSemaphorePermit;

use crate::attempt::Outcome;
use crate::draft::CatchUp;
use crate::dynamic::{self, RunContext};
use crate::engine::jobs::{spawn_run, Spawn};
use crate::engine::Engine;
use crate::error::Result;
use crate::event::EventKind;
use crate::job::{Job, JobState};
use crate::recorder::{Finished, Record, Result as AttemptResult};
use crate::rule::Rule;
use crate::schedule::Schedule;
use crate::store::{attempts, jobs, schedules, AttemptWrite, JobUpdate, Tx};
use crate::time::rfc3339;

/// Jobs claimed per transaction, at most.
const CLAIM_BATCH: usize = 256;
/// When every dispatch slot is busy, the next claim waits for this many to free.
const MIN_CLAIM: usize = 64;
/// The longest sleep: a safety net under the wall-clock timer, not a poll.
const SAFETY_TICK: Duration = Duration::seconds(60);
/// With `catch_up: skip`, a run this late counts as missed and is skipped.
const SKIP_GRACE: Duration = Duration::seconds(60);
/// With `catch_up: all`, at most this many missed runs are made up.
pub const CATCH_UP_LIMIT: usize = 100;

/// A claimed job, with what its run knows (for a schedule's job).
pub struct Claimed {
    pub job: Arc<Job>,
    pub context: Option<RunContext>,
}

pub(crate) async fn run(engine: Engine) {
    let inner = engine.inner.clone();
    loop {
        if inner.stop.is_cancelled() {
            break;
        }
        if engine.is_paused() {
            let mut paused = inner.paused.subscribe();
            tokio::select! {
                _ = inner.stop.cancelled() => break,
                _ = paused.wait_for(|p| !*p) => {}
            }
            continue;
        }
        let free = inner.claimed.available_permits();
        if free == 0 {
            // The claim budget is spent: wait for a handful of jobs to finish,
            // so the next claim is one transaction for many, not one for each.
            let want = MIN_CLAIM.min(inner.claim_budget) as u32;
            tokio::select! {
                _ = inner.stop.cancelled() => break,
                permits = inner.claimed.acquire_many(want) => drop(permits),
            }
            continue;
        }
        let next = engine.read(jobs::next_due_at).await.unwrap_or_else(|e| {
            tracing::error!("reading the next due time failed: {e}");
            None
        });
        let now = inner.clock.now();
        if next.is_some_and(|t| t <= now) {
            let limit = free.min(CLAIM_BATCH);
            match engine.write(move |tx| claim(tx, limit)).await {
                Ok(claimed) => dispatch(&engine, claimed),
                Err(e) => {
                    tracing::error!("claiming due jobs failed: {e}");
                    tokio::select! {
                        _ = inner.stop.cancelled() => break,
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                    }
                }
            }
            continue;
        }
        let deadline = next.map_or(now + SAFETY_TICK, |t| t.min(now + SAFETY_TICK));
        tokio::select! {
            _ = inner.stop.cancelled() => break,
            _ = inner.clock.sleep_until(deadline) => {}
            _ = inner.wake.notified() => {}
        }
    }
}

/// Starts an attempt for each claimed job; each holds its share of the claim
/// budget until it is finished.
fn dispatch(engine: &Engine, claimed: Vec<Claimed>) {
    for c in claimed {
        let Ok(budget) = engine.inner.claimed.clone().try_acquire_owned() else {
            tracing::error!("a job was claimed beyond the budget; it runs at the next start");
            continue;
        };
        engine
            .inner
            .attempts
            .spawn(attempt(engine.clone(), c, budget));
    }
}

/// Claims up to `limit` due jobs, plans each schedule's next run, and records
/// `job.started` for each, all in the caller's transaction.
fn claim(tx: &mut Tx, limit: usize) -> Result<Vec<Claimed>> {
    let due = jobs::claim_due(&tx.sql, tx.now, limit)?;
    let mut schedules_seen: HashMap<String, Option<Schedule>> = HashMap::new();
    let mut changed: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(due.len());
    for job in due {
        let mut catch_up = Value::Null;
        let mut context = None;
        if let Some(sid) = job.schedule_id.clone() {
            if !schedules_seen.contains_key(&sid) {
                let s = schedules::get(&tx.sql, &sid)?;
                schedules_seen.insert(sid.clone(), s);
            }
            if let Some(s) = schedules_seen.get_mut(&sid).and_then(Option::as_mut) {
                if s.pending_job_id.as_deref() == Some(job.id.as_str()) {
                    let plan = plan_next(s, job.planned_at.unwrap_or(job.scheduled_at), tx.now);
                    s.pending_job_id = None;
                    match plan.next {
                        Some(next) if !plan.after_this => {
                            spawn_run(tx, s, next, Spawn::Pending { key: None })?;
                        }
                        // The recorder makes it when this run ends (catch_up_after).
                        _ => {}
                    }
                    changed.insert(sid.clone());
                    if plan.skip_this {
                        skip(tx, &job, &plan.note)?;
                        continue;
                    }
                    catch_up = plan.note;
                }
                context = Some(run_context(&job, s));
            }
        }
        tx.emit_job(
            EventKind::Started,
            &job,
            Some(job.attempt),
            json!({
                "attempt": job.attempt,
                "scheduled_at": rfc3339(job.scheduled_at),
                "late_ms": (tx.now - job.scheduled_at).num_milliseconds().max(0),
                "catch_up": catch_up,
            }),
        )?;
        out.push(Claimed { job, context });
    }
    for sid in changed {
        if let Some(Some(s)) = schedules_seen.get(&sid) {
            schedules::save(&tx.sql, s, tx.now)?;
        }
    }
    Ok(out)
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
    let Ok(rule) = s.rule() else { return Ok(()) };
    let missed = missed_runs(&rule, planned, tx.now, CATCH_UP_LIMIT - 1);
    if let Some(next) = missed
        .kept
        .first()
        .copied()
        .or_else(|| rule.next_after(tx.now))
    {
        spawn_run(tx, s, next, Spawn::Pending { key: None })?;
    }
    Ok(())
}

/// What a run of `s` knows when `job` goes out.
pub(crate) fn run_context(job: &Job, s: &Schedule) -> RunContext {
    RunContext {
        job: json!({
            "id": job.id,
            "schedule_id": s.id,
            "scheduled_at": rfc3339(job.scheduled_at),
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
    note: Value,
}

fn plan_next(s: &Schedule, planned: DateTime<Utc>, now: DateTime<Utc>) -> Plan {
    let rule = match s.rule() {
        Ok(rule) => rule,
        Err(e) => {
            tracing::error!(schedule = %s.id, "the stored rule no longer reads ({e}); the schedule stops");
            return Plan {
                next: None,
                skip_this: false,
                after_this: false,
                note: Value::Null,
            };
        }
    };
    let missed = missed_runs(&rule, planned, now, CATCH_UP_LIMIT - 1);
    if missed.count == 0 && !(s.catch_up == CatchUp::Skip && now - planned > SKIP_GRACE) {
        return Plan {
            next: rule.next_after(planned),
            after_this: false,
            skip_this: false,
            note: Value::Null,
        };
    }
    let future = rule.next_after(now);
    match s.catch_up {
        CatchUp::Once => Plan {
            next: future,
            skip_this: false,
            after_this: false,
            note: json!({"policy": "once", "missed": missed.count,
                         "message": format!("ran once for {} missed runs", missed.count + 1)}),
        },
        CatchUp::All => {
            let dropped = missed.count.saturating_sub(missed.kept.len());
            let next = missed.kept.first().copied().or(future);
            Plan {
                next,
                skip_this: false,
                after_this: next.is_some_and(|n| n <= now),
                note: json!({"policy": "all", "missed": missed.count, "dropped": dropped,
                "message": if dropped > 0 {
                    format!("catching up {} missed runs; {dropped} older ones skipped (the limit is {CATCH_UP_LIMIT})", missed.kept.len())
                } else {
                    format!("catching up {} missed runs in order", missed.count)
                }}),
            }
        }
        CatchUp::Skip => {
            let late = now - planned > SKIP_GRACE;
            Plan {
                next: future,
                skip_this: late,
                after_this: false,
                note: json!({"policy": "skip", "missed": missed.count + usize::from(late),
                             "message": format!("skipped the run planned for {} and {} more missed while Chime was not running",
                                                rfc3339(planned), missed.count)}),
            }
        }
    }
}

struct Missed {
    /// Runs of the rule in (planned, now].
    count: usize,
    /// The last `keep` of them, oldest first.
    kept: Vec<DateTime<Utc>>,
}

/// The rule's runs that came due after `planned` and by `now`.
fn missed_runs(rule: &Rule, planned: DateTime<Utc>, now: DateTime<Utc>, keep: usize) -> Missed {
    if let Rule::Every { interval, .. } = rule {
        // Counted, not walked: an every-second rule missed for a week is 600,000 runs.
        let step = interval.num_milliseconds().max(1);
        let count = ((now - planned).num_milliseconds().max(0) / step) as usize;
        let first_kept = count.saturating_sub(keep) + 1;
        let kept = (first_kept..=count)
            .map(|k| planned + Duration::milliseconds(step * k as i64))
            .collect();
        return Missed { count, kept };
    }
    let mut kept = std::collections::VecDeque::with_capacity(keep + 1);
    let mut count = 0;
    let mut t = planned;
    while let Some(next) = rule.next_after(t).filter(|n| *n <= now) {
        count += 1;
        kept.push_back(next);
        if kept.len() > keep {
            kept.pop_front();
        }
        t = next;
    }
    Missed {
        count,
        kept: kept.into(),
    }
}

/// Marks a claimed run as skipped by its schedule's catch-up policy.
fn skip(tx: &mut Tx, job: &Job, note: &Value) -> Result<()> {
    let reason = note["message"].as_str().unwrap_or("skipped").to_string();
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
    tx.emit_job(
        EventKind::Cancelled,
        job,
        None,
        json!({"reason": reason, "catch_up": note}),
    )?;
    Ok(())
}

/// At start-up: attempts left `executing` were cut off by a crash or a kill.
/// Each is logged as interrupted and its job runs again now (at least once;
/// an interruption never discards a job).
pub(crate) fn recover_interrupted(tx: &mut Tx) -> Result<usize> {
    let interrupted = jobs::executing(&tx.sql)?;
    for job in &interrupted {
        let error = "interrupted: Chime stopped during this attempt; it runs again";
        let started = job.attempted_at.unwrap_or(tx.now);
        attempts::insert(
            &tx.sql,
            &AttemptWrite {
                job_seq: job.seq,
                attempt: job.attempt,
                started_at: started,
                finished_at: started,
                outcome: Outcome::Error,
                status: None,
                error: Some(error),
                retry_at: Some(tx.now),
            },
        )?;
        tx.emit_job(
            EventKind::Error,
            job,
            Some(job.attempt),
            json!({"error": error, "will_retry": true, "retry_at": rfc3339(tx.now)}),
        )?;
        tx.emit_job(
            EventKind::Finished,
            job,
            Some(job.attempt),
            json!({"state": "available", "outcome": "error", "interrupted": true}),
        )?;
        jobs::due_now(
            &tx.sql,
            job.seq,
            Some("retried after an interruption"),
            tx.now,
        )?;
    }
    Ok(interrupted.len())
}

/// One attempt: render the request, send it, hand the result to the recorder.
async fn attempt(engine: Engine, claimed: Claimed, _budget: OwnedSemaphorePermit) {
    let Claimed { job, context } = claimed;
    let spec = match &context {
        Some(ctx) => dynamic::render(&job.request, ctx),
        None => job.request.clone(),
    };
    let started_at = engine.now();
    let clock_start = Instant::now();
    let mut sent_request = None;
    let result = match prepare(&engine, &spec) {
        Err(message) => AttemptResult::Failed {
            message,
            retryable: false,
        },
        Ok(sent) => {
            // Serialised here, beside the request, not on the store's one writer.
            engine.record(Record::Sent {
                job: job.clone(),
                payload: serde_json::to_value(sent.clone().into_log()).unwrap_or_default(),
            });
            let timeout = std::time::Duration::from_millis(job.options.timeout_ms.max(1) as u64);
            // The semaphore is never closed, so acquiring only waits.
            let _sending = engine.inner.sending.acquire().await;
            let allow_http = engine.policy().allow_http;
            let result = match engine.dispatcher().send(&sent, timeout, allow_http).await {
                Ok(response) => AttemptResult::Response(response.into_log()),
                Err(e) => AttemptResult::Failed {
                    message: e.message,
                    retryable: e.retryable,
                },
            };
            sent_request = Some(sent.into_log());
            result
        }
    };
    let duration = Duration::from_std(clock_start.elapsed()).unwrap_or_default();
    engine.record(Record::Finished(Box::new(Finished {
        job,
        sent: sent_request,
        started_at,
        finished_at: started_at + duration,
        result,
    })));
}

/// The wire request, checked against what is allowed now (a rendered URL may
/// differ from the one checked at creation, and `allow_http` may have changed).
fn prepare(
    engine: &Engine,
    spec: &crate::request::RequestSpec,
) -> Result<crate::request::SentRequest, String> {
    let redacted = |message: String| crate::redact::message(&message, &spec.url);
    crate::request::parse_url("url", &spec.url, engine.policy().allow_http)
        .map_err(|e| redacted(e.message))?;
    spec.to_sent().map_err(redacted)
}
