//! A job's transitions: made, changed, run now, replayed, cancelled.

use serde_json::{Map, Value};

use super::emit;
use super::schedules::{self, Spawn};
use crate::draft::{self, schedule_fields, JobDraft, Policy, TIMING_FIELDS};
use crate::error::{Error, FieldError, Result};
use crate::event::{Cancelled, Created, EventKind, Payload, Source, Updated};
use crate::job::{Job, JobState};
use crate::request::{RequestSpec, SentRequest};
use crate::run::{Reason, RunOutcome};
use crate::store::runs as ledger;
use crate::store::{events, jobs, schedules as rows, JobInsert, JobUpdate, ScheduleInsert, Tx};

pub(crate) fn find(tx: &Tx, id: &str) -> Result<Job> {
    jobs::get(&tx.sql, id)?.ok_or_else(|| Error::NotFound(format!("job {id}")))
}

/// A job that has not finished; else a conflict that says why `action` fails.
fn find_pending(tx: &Tx, id: &str, action: &str) -> Result<Job> {
    let job = find(tx, id)?;
    if !job.state.is_pending() {
        return Err(Error::Conflict(format!(
            "job {} is {} and {action}",
            job.id,
            job.state.as_str()
        )));
    }
    Ok(job)
}

/// `POST /api/jobs`: a one-off job, or a schedule and its first job. Answers
/// the job and whether it is new (an idempotency hit answers the existing one).
pub(crate) fn create(tx: &mut Tx, d: &JobDraft) -> Result<(Job, bool)> {
    if let Some(key) = &d.idempotency_key {
        if let Some(existing) = jobs::unrun_with_key(&tx.sql, key)? {
            return Ok((existing, false));
        }
    }
    let Some(rule) = &d.rule else {
        let job = jobs::insert(
            &tx.sql,
            &JobInsert {
                schedule_id: None,
                run: None,
                idempotency_key: d.idempotency_key.as_deref(),
                name: d.name.as_deref(),
                description: d.description.as_deref(),
                request: &d.request,
                options: &d.options,
                args: &d.args,
                scheduled_at: d.start.resolve(tx.now),
                planned_at: None,
                note: None,
            },
            tx.now,
        )?;
        emit_created(tx, &job, Source::Request)?;
        return Ok((job, true));
    };
    let first = schedules::first_run(d, rule, tx.now)?;
    if d.options.until.is_some_and(|until| first > until) {
        return Err(FieldError::new(
            "until",
            format!(
                "is before the schedule's first run at {}",
                crate::time::rfc3339(first)
            ),
        )
        .into());
    }
    let mut schedule = rows::insert(
        &tx.sql,
        &ScheduleInsert {
            name: d.name.as_deref(),
            description: d.description.as_deref(),
            rule,
            timezone: d.timezone,
            request: &d.request,
            options: &d.options,
            args: &d.args,
            catch_up: d.catch_up,
            inject_fields: d.inject_fields,
            state: &d.state,
        },
        tx.now,
    )?;
    let job = schedules::spawn_run(
        tx,
        &mut schedule,
        first,
        Spawn::Pending {
            key: d.idempotency_key.as_deref(),
        },
    )?;
    rows::save(&tx.sql, &schedule, tx.now)?;
    Ok((job, true))
}

pub(crate) fn emit_created(tx: &mut Tx, job: &Job, source: Source) -> Result<()> {
    let payload = Payload::Created(Created {
        source,
        scheduled_at: job.scheduled_at,
        run: job.run,
        name: job.name.clone(),
        method: job.request.method,
        url: crate::redact::url(&job.request.url),
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

/// `POST /api/jobs/{id}/cancel`: a job that has not finished never runs. A
/// schedule's pending job is one run of it: the schedule plans its next.
pub(crate) fn cancel_by_request(tx: &mut Tx, id: &str) -> Result<Job> {
    let job = find_pending(tx, id, "cannot be cancelled")?;
    cancel(tx, &job, "cancelled by request", None)?;
    schedules::plan_after_cancelled(tx, &job)?;
    find(tx, &job.id)
}

/// Cancels a job that has not finished. For a schedule's run, the ledger
/// says it never went out, and `skipped` says why when it is a run the
/// schedule missed (a paused schedule) rather than one a person cancelled.
pub(crate) fn cancel(tx: &mut Tx, job: &Job, reason: &str, skipped: Option<Reason>) -> Result<()> {
    ledger::ended(&tx.sql, job.seq, RunOutcome::Cancelled, None, skipped)?;
    jobs::update(
        &tx.sql,
        job.seq,
        &JobUpdate {
            state: Some(JobState::Cancelled),
            note: Some(reason),
            ..JobUpdate::default()
        },
        tx.now,
    )?;
    let payload = Payload::Cancelled(Cancelled {
        reason: reason.to_string(),
        catch_up: None,
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

/// `PATCH /api/jobs/{id}`: a pending job's time or request. The patch is
/// merged into what was asked, and the whole is checked again.
pub(crate) fn patch(
    tx: &mut Tx,
    id: &str,
    patch: &Map<String, Value>,
    policy: Policy,
) -> Result<Job> {
    let job = find_pending(tx, id, "can no longer be changed")?;
    let args = merge_args(&job.args.value(), patch, TIMING_FIELDS);
    let d = draft::parse(&args, policy, tx.now)?;
    let timing_changed = TIMING_FIELDS.iter().any(|f| patch.contains_key(*f));
    let scheduled_at = timing_changed.then(|| d.start.resolve(tx.now));
    let state = scheduled_at.map(|t| {
        if t <= tx.now {
            JobState::Available
        } else {
            JobState::Scheduled
        }
    });
    jobs::update(
        &tx.sql,
        job.seq,
        &JobUpdate {
            state,
            scheduled_at,
            request: Some(&d.request),
            options: Some(&d.options),
            args: Some(&d.args),
            name: Some(d.name.as_deref()),
            description: Some(d.description.as_deref()),
            ..JobUpdate::default()
        },
        tx.now,
    )?;
    let updated = find(tx, &job.id)?;
    let payload = Payload::Updated(Updated {
        changed: patch.keys().cloned().collect(),
        scheduled_at: updated.scheduled_at,
        reason: None,
    });
    emit(tx, &job, None, payload)?;
    Ok(updated)
}

/// `POST /api/jobs/{id}/run`: a pending job runs now; a finished one is sent
/// again as a new job (a replay). Answers the job and whether it is new.
pub(crate) fn run_now(tx: &mut Tx, id: &str) -> Result<(Job, bool)> {
    let job = find(tx, id)?;
    match job.state {
        s if s.is_pending() => {
            jobs::due_now(&tx.sql, job.seq, None, tx.now)?;
            let payload = Payload::Updated(Updated {
                changed: vec!["scheduled_at".into()],
                scheduled_at: tx.now,
                reason: Some("run now".into()),
            });
            emit(tx, &job, None, payload)?;
            Ok((find(tx, &job.id)?, false))
        }
        JobState::Executing => Err(Error::Conflict(format!(
            "job {} is running now; wait for it to finish to replay it",
            job.id
        ))),
        _ => Ok((replay(tx, &job)?, true)),
    }
}

/// A new one-off job that sends the same request again: exactly as last sent
/// when it was sent, else its template.
fn replay(tx: &mut Tx, job: &Job) -> Result<Job> {
    // A request whose body the log cut cannot be sent again from the log.
    let last_sent = events::of_job(&tx.sql, job.seq, &[EventKind::Request])?
        .pop()
        .and_then(|e| match e.body {
            Payload::Request(sent) => Some(sent),
            _ => None,
        })
        .filter(|sent: &SentRequest| !sent.truncated);
    let request = match last_sent {
        Some(sent) => RequestSpec::from_logged(&sent, &job.request),
        None => job.request.clone(),
    };
    let mut args = job.args.value();
    if let Some(obj) = args.as_object_mut() {
        let single = TIMING_FIELDS.iter().chain(&["idempotency_key"]).copied();
        for field in schedule_fields().chain(single) {
            obj.remove(field);
        }
    }
    let new = jobs::insert(
        &tx.sql,
        &JobInsert {
            schedule_id: None,
            run: None,
            idempotency_key: None,
            name: job.name.as_deref(),
            description: job.description.as_deref(),
            request: &request,
            options: &job.options,
            args: &args,
            scheduled_at: tx.now,
            planned_at: None,
            note: Some(&format!("replay of job {}", job.id)),
        },
        tx.now,
    )?;
    emit_created(tx, &new, Source::Replay)?;
    Ok(new)
}

pub(crate) fn patch_object(patch: Value) -> Result<Map<String, Value>> {
    match patch {
        Value::Object(m) => Ok(m),
        _ => Err(FieldError::new(
            "body",
            "a PATCH must be a JSON object of the fields to change",
        )
        .into()),
    }
}

/// Merges a patch into stored args: a member replaces the old one, `null`
/// removes it. Setting one of `exclusive` removes the others.
pub(crate) fn merge_args(args: &Value, patch: &Map<String, Value>, exclusive: &[&str]) -> Value {
    let mut merged = args.as_object().cloned().unwrap_or_default();
    for (key, value) in patch {
        if exclusive.contains(&key.as_str()) {
            for other in exclusive {
                merged.remove(*other);
            }
        }
        if value.is_null() {
            merged.remove(key);
        } else {
            merged.insert(key.clone(), value.clone());
        }
    }
    Value::Object(merged)
}
