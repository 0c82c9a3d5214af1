//! What can be done to jobs: create, read, list, cancel, change, run now.

use serde_json::{json, Map, Value};

use super::Engine;
use crate::attempt::Attempt;
use crate::draft::{self, JobDraft, Repeat};
use crate::error::{Error, FieldError, Result};
use crate::event::EventKind;
use crate::job::{Job, JobState, JobView};
use crate::request::SentRequest;
use crate::rule;
use crate::schedule::{Frequency, Schedule};
use crate::store::{
    attempts, events, jobs, schedules, JobFilter, JobInsert, JobUpdate, ScheduleInsert, Tx,
};

/// The answer to a create: the job, and whether it is new (201) or an
/// idempotency hit returning the existing one (200).
#[derive(Debug, Clone)]
pub struct Created {
    pub job: JobView,
    pub created: bool,
}

#[derive(Debug, Clone)]
pub struct JobPage {
    pub jobs: Vec<JobView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl Engine {
    /// `POST /api/jobs`: a one-off job, or a schedule and its first job.
    pub async fn create_job(&self, input: Value) -> Result<Created> {
        let draft = draft::parse(&input, self.policy())?;
        let (job, created) = self.write(move |tx| create(tx, &draft)).await?;
        let view = self.views(vec![job], !created).await?.remove(0);
        Ok(Created { job: view, created })
    }

    /// One job with its attempts (each with its request and response).
    pub async fn get_job(&self, id: &str) -> Result<JobView> {
        let id = id.to_string();
        let (job, attempts) = self
            .read(move |c| {
                let job = jobs::get(c, &id)?.ok_or_else(|| Error::NotFound(format!("job {id}")))?;
                let attempts = attempts_of(c, job.seq)?;
                Ok((job, attempts))
            })
            .await?;
        let mut view = self.views(vec![job], false).await?.remove(0);
        view.attempts = Some(attempts);
        Ok(view)
    }

    pub async fn list_jobs(&self, filter: JobFilter) -> Result<JobPage> {
        let (limit, offset) = (filter.limit, filter.offset);
        let now = self.now();
        let (jobs, total) = self.read(move |c| jobs::list(c, &filter, now)).await?;
        let jobs = self.views(jobs, false).await?;
        Ok(JobPage {
            jobs,
            total,
            limit,
            offset,
        })
    }

    /// `POST /api/jobs/{id}/cancel`: a job that has not finished never runs.
    pub async fn cancel_job(&self, id: &str) -> Result<JobView> {
        let id = id.to_string();
        let job = self
            .write(move |tx| {
                let job = find_pending(tx, &id, "cannot be cancelled")?;
                cancel(tx, &job, "cancelled by request")?;
                plan_after_cancelled(tx, &job)?;
                find(tx, &job.id)
            })
            .await?;
        Ok(self.views(vec![job], false).await?.remove(0))
    }

    /// `PATCH /api/jobs/{id}`: change a pending job's time or request. The
    /// patch is merged into what was asked, and the whole is checked again.
    pub async fn patch_job(&self, id: &str, patch: Value) -> Result<JobView> {
        let patch = patch_object(patch)?;
        for field in [
            "repeat_every",
            "cron",
            "timezone",
            "catch_up",
            "state",
            "inject_fields",
        ] {
            if patch.contains_key(field) {
                return Err(FieldError::new(
                    field,
                    "cannot be changed on a job; change its schedule instead",
                )
                .into());
            }
        }
        if patch.contains_key("idempotency_key") {
            return Err(FieldError::new("idempotency_key", "cannot be changed").into());
        }
        let policy = self.policy();
        let id = id.to_string();
        let job = self
            .write(move |tx| {
                let job = find_pending(tx, &id, "can no longer be changed")?;
                let args = merge_args(&job.args, &patch, &["schedule_in", "scheduled_at"]);
                let d = draft::parse(&args, policy)?;
                let timing_changed = patch.contains_key("schedule_in") || patch.contains_key("scheduled_at");
                let scheduled_at = timing_changed.then(|| d.start.resolve(tx.now));
                let state = scheduled_at.map(|t| if t <= tx.now { JobState::Available } else { JobState::Scheduled });
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
                let changed: Vec<&String> = patch.keys().collect();
                let updated = find(tx, &job.id)?;
                tx.emit_job(
                    EventKind::Updated,
                    &job,
                    None,
                    json!({"changed": changed, "scheduled_at": crate::time::rfc3339(updated.scheduled_at)}),
                )?;
                Ok(updated)
            })
            .await?;
        Ok(self.views(vec![job], false).await?.remove(0))
    }

    /// `POST /api/jobs/{id}/run`: a pending job runs now; a finished one is
    /// sent again as a new job (a replay). Answers the job and whether it is new.
    pub async fn run_job(&self, id: &str) -> Result<Created> {
        let id = id.to_string();
        let (job, created) = self
            .write(move |tx| {
                let job = find(tx, &id)?;
                match job.state {
                    s if s.is_pending() => {
                        jobs::due_now(&tx.sql, job.seq, None, tx.now)?;
                        tx.emit_job(
                            EventKind::Updated,
                            &job,
                            None,
                            json!({"changed": ["scheduled_at"], "scheduled_at": crate::time::rfc3339(tx.now), "reason": "run now"}),
                        )?;
                        Ok((find(tx, &job.id)?, false))
                    }
                    JobState::Executing => Err(Error::Conflict(format!(
                        "job {} is running now; wait for it to finish to replay it",
                        job.id
                    ))),
                    _ => Ok((replay(tx, &job)?, true)),
                }
            })
            .await?;
        let view = self.views(vec![job], false).await?.remove(0);
        Ok(Created { job: view, created })
    }

    /// Job views with their last outcomes.
    pub(crate) async fn views(&self, jobs: Vec<Job>, has_conflict: bool) -> Result<Vec<JobView>> {
        let seqs: Vec<i64> = jobs.iter().map(|j| j.seq).collect();
        let outcomes = self.read(move |c| jobs::last_outcomes(c, &seqs)).await?;
        let now = self.now();
        Ok(jobs
            .into_iter()
            .map(|j| {
                let last = outcomes.get(&j.seq).cloned();
                j.view(now, last, has_conflict)
            })
            .collect())
    }
}

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

fn create(tx: &mut Tx, d: &JobDraft) -> Result<(Job, bool)> {
    if let Some(key) = &d.idempotency_key {
        if let Some(existing) = jobs::unrun_with_key(&tx.sql, key)? {
            return Ok((existing, false));
        }
    }
    let Some(repeat) = &d.repeat else {
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
        emit_created(tx, &job, "request")?;
        return Ok((job, true));
    };
    let (frequency, first) = first_run(d, repeat, tx.now)?;
    let mut schedule = schedules::insert(
        &tx.sql,
        &ScheduleInsert {
            name: d.name.as_deref(),
            description: d.description.as_deref(),
            frequency: &frequency,
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
    let job = spawn_run(
        tx,
        &mut schedule,
        first,
        Spawn::Pending {
            key: d.idempotency_key.as_deref(),
        },
    )?;
    schedules::save(&tx.sql, &schedule, tx.now)?;
    Ok((job, true))
}

/// A schedule's rule and its first run: the asked start, else one interval
/// from now, or the cron rule's next time.
fn first_run(
    d: &JobDraft,
    repeat: &Repeat,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Frequency, chrono::DateTime<chrono::Utc>)> {
    let asked = match d.start {
        draft::Start::Now => None,
        start => Some(start.resolve(now)),
    };
    match repeat {
        Repeat::Every(interval) => {
            let first = asked.unwrap_or(now + *interval);
            Ok((
                Frequency::Every {
                    interval: *interval,
                    anchor: first,
                },
                first,
            ))
        }
        Repeat::Cron(text) => {
            let rule = rule::cron(text, d.timezone)?;
            let first = match asked {
                Some(t) => t,
                None => rule
                    .next_after(now)
                    .ok_or_else(|| FieldError::new("cron", "has no future run"))?,
            };
            Ok((Frequency::Cron(text.trim().to_string()), first))
        }
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
    at: chrono::DateTime<chrono::Utc>,
    why: Spawn,
) -> Result<Job> {
    s.run_count += 1;
    let (key, planned, source) = match why {
        Spawn::Pending { key } => (key, Some(at), "schedule"),
        Spawn::Extra => (None, None, "extra run"),
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
    if planned.is_some() {
        s.pending_job_id = Some(job.id.clone());
    }
    emit_created(tx, &job, source)?;
    Ok(job)
}

fn emit_created(tx: &mut Tx, job: &Job, source: &str) -> Result<()> {
    tx.emit_job(
        EventKind::Created,
        job,
        None,
        json!({
            "source": source,
            "scheduled_at": crate::time::rfc3339(job.scheduled_at),
            "run": job.run,
            "name": job.name,
            "method": job.request.method,
            "url": crate::redact::url(&job.request.url),
        }),
    )?;
    Ok(())
}

pub(crate) fn cancel(tx: &mut Tx, job: &Job, reason: &str) -> Result<()> {
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
    tx.emit_job(EventKind::Cancelled, job, None, json!({"reason": reason}))?;
    Ok(())
}

/// Cancelling a schedule's pending job cancels that one run: the schedule
/// (unless disabled) plans its next run from the rule, after both the
/// cancelled run's time and now.
fn plan_after_cancelled(tx: &mut Tx, job: &Job) -> Result<()> {
    let Some(sid) = &job.schedule_id else {
        return Ok(());
    };
    let Some(mut s) = schedules::get(&tx.sql, sid)? else {
        return Ok(());
    };
    if s.disabled_at.is_some() || s.pending_job_id.as_deref() != Some(job.id.as_str()) {
        return Ok(());
    }
    s.pending_job_id = None;
    let after = job.planned_at.unwrap_or(job.scheduled_at).max(tx.now);
    if let Some(next) = s.rule()?.next_after(after) {
        spawn_run(tx, &mut s, next, Spawn::Pending { key: None })?;
    }
    schedules::save(&tx.sql, &s, tx.now)?;
    Ok(())
}

/// A new one-off job that sends the same request again: exactly as last sent
/// when it was sent, else its template.
fn replay(tx: &mut Tx, job: &Job) -> Result<Job> {
    // A request whose body the log cut cannot be sent again from the log.
    let last_sent = events::of_job(&tx.sql, job.seq, &[EventKind::Request])?
        .pop()
        .and_then(|e| serde_json::from_value::<SentRequest>(e.payload).ok())
        .filter(|sent| !sent.truncated);
    let request = match last_sent {
        Some(sent) => crate::request::RequestSpec::from_logged(&sent, &job.request),
        None => job.request.clone(),
    };
    let mut args = job.args.clone();
    if let Some(obj) = args.as_object_mut() {
        for timing in [
            "schedule_in",
            "scheduled_at",
            "repeat_every",
            "cron",
            "timezone",
            "catch_up",
            "state",
            "inject_fields",
            "idempotency_key",
        ] {
            obj.remove(timing);
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
    emit_created(tx, &new, "replay")?;
    Ok(new)
}

/// A job's attempts, each joined with the request and response of its events.
fn attempts_of(c: &rusqlite::Connection, job_seq: i64) -> Result<Vec<Attempt>> {
    let rows = attempts::of_job(c, job_seq)?;
    let events = events::of_job(c, job_seq, &[EventKind::Request, EventKind::Response])?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let of_attempt = |kind| {
                events
                    .iter()
                    .rev()
                    .find(|e| e.event == kind && e.attempt == Some(a.attempt))
                    .map(|e| e.payload.clone())
            };
            Attempt {
                attempt: a.attempt,
                started_at: a.started_at,
                finished_at: a.finished_at,
                duration_ms: a.duration_ms,
                outcome: a.outcome,
                request: of_attempt(EventKind::Request)
                    .and_then(|p| serde_json::from_value(p).ok()),
                response: of_attempt(EventKind::Response)
                    .and_then(|p| serde_json::from_value(p).ok()),
                error: a.error,
                retry_at: a.retry_at,
            }
        })
        .collect())
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
