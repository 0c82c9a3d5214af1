//! What can be done to jobs: create, read, list, cancel, change, run now.
//! Each change is one transition of the lifecycle in one transaction.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Engine;
use crate::attempt::Attempt;
use crate::draft;
use crate::draft::schedule_fields;
use crate::error::{Error, FieldError, Result};
use crate::event::{EventKind, Payload};
use crate::job::{Job, JobView};
use crate::lifecycle::jobs::{self as transitions};
use crate::protocol::Page;
use crate::store::{attempts, events, jobs, search, JobFilter};

/// The answer to a create: the job, and whether it is new (201) or an
/// idempotency hit returning the existing one (200).
#[derive(Debug, Clone)]
pub struct Created {
    pub job: JobView,
    pub created: bool,
}

/// A page of jobs: `{"data", "limit", "offset", "total"}`.
pub type JobPage = Page<JobView>;

impl Engine {
    /// `POST /api/jobs`: a one-off job, or a schedule and its first job.
    pub async fn create_job(&self, input: Value) -> Result<Created> {
        let draft = draft::parse(&input, self.policy(), self.now())?;
        // A one-off job makes only itself due; a schedule may make more (a
        // paused one's resume), so its create wakes the scheduler.
        let one_off = draft.rule.is_none();
        let (job, created) = self
            .core
            .write_repeatable(
                move |tx| transitions::create(tx, &draft),
                move |(job, _)| one_off.then_some(job.scheduled_at),
            )
            .await?;
        // A new job has no attempts to look up; an idempotency hit may.
        let view = if created {
            job.view(self.now(), None, false)
        } else {
            self.views(vec![job], true).await?.remove(0)
        };
        Ok(Created { job: view, created })
    }

    /// One job with its attempts (each with its request and response), read
    /// in one snapshot.
    pub async fn get_job(&self, id: &str) -> Result<JobView> {
        let id = id.to_string();
        let now = self.now();
        self.read(move |c| {
            let read = c.unchecked_transaction()?;
            let job = jobs::get(&read, &id)?.ok_or_else(|| Error::NotFound(format!("job {id}")))?;
            let attempts = attempts_of(&read, job.seq)?;
            let mut view = views_of(&read, vec![job], now, false)?.remove(0);
            view.attempts = Some(attempts);
            Ok(view)
        })
        .await
    }

    /// A page of jobs with their last outcomes, read in one snapshot on one
    /// blocking thread (the outcomes were a second read, after the page's,
    /// on another).
    pub async fn list_jobs(&self, filter: JobFilter) -> Result<JobPage> {
        let (limit, offset) = (filter.limit, filter.offset);
        let searching = filter.q.as_deref().is_some_and(search::uses_index);
        loop {
            let (filter, now) = (filter.clone(), self.now());
            if let Some((data, total)) =
                self.read(move |c| page(c, &filter, now, searching)).await?
            {
                return Ok(Page {
                    data,
                    total,
                    limit,
                    offset,
                });
            }
            // A search that would scan more than a few rows brings the text
            // index up to date first (jobs are indexed in bulk, not as
            // made), a transaction at a time so that runs are recorded in
            // between.
            self.write(|tx| search::index_jobs(&tx.sql, search::INDEXED_AT_ONCE))
                .await?;
        }
    }

    /// `POST /api/jobs/{id}/cancel`: a job that has not finished never runs.
    pub async fn cancel_job(&self, id: &str) -> Result<JobView> {
        let id = id.to_string();
        let job = self
            .write(move |tx| transitions::cancel_by_request(tx, &id))
            .await?;
        Ok(self.views(vec![job], false).await?.remove(0))
    }

    /// `PATCH /api/jobs/{id}`: change a pending job's time or request.
    pub async fn patch_job(&self, id: &str, patch: Value) -> Result<JobView> {
        let patch = transitions::patch_object(patch)?;
        if let Some(field) = schedule_fields().find(|f| patch.contains_key(*f)) {
            return Err(FieldError::new(
                field,
                "cannot be changed on a job; change its schedule instead",
            )
            .into());
        }
        if patch.contains_key("idempotency_key") {
            return Err(FieldError::new("idempotency_key", "cannot be changed").into());
        }
        let policy = self.policy();
        let id = id.to_string();
        let job = self
            .write(move |tx| transitions::patch(tx, &id, &patch, policy))
            .await?;
        Ok(self.views(vec![job], false).await?.remove(0))
    }

    /// `POST /api/jobs/{id}/run`: a pending job runs now; a finished one is
    /// sent again as a new job (a replay). Answers the job and whether it is new.
    pub async fn run_job(&self, id: &str) -> Result<Created> {
        let id = id.to_string();
        let (job, created) = self.write(move |tx| transitions::run_now(tx, &id)).await?;
        let view = self.views(vec![job], false).await?.remove(0);
        Ok(Created { job: view, created })
    }

    /// Job views with their last outcomes.
    pub(crate) async fn views(&self, jobs: Vec<Job>, has_conflict: bool) -> Result<Vec<JobView>> {
        let now = self.now();
        self.read(move |c| views_of(c, jobs, now, has_conflict))
            .await
    }
}

/// A page of jobs and their total, with their last outcomes, in one
/// snapshot; `None` for a search while more jobs are not in the text index
/// than a search scans.
fn page(
    c: &rusqlite::Connection,
    filter: &JobFilter,
    now: DateTime<Utc>,
    searching: bool,
) -> Result<Option<(Vec<JobView>, i64)>> {
    let read = c.unchecked_transaction()?;
    if searching && search::more_unindexed_than(&read, search::SCANNED_AT_MOST)? {
        return Ok(None);
    }
    let (jobs, total) = jobs::list(&read, filter, now)?;
    let views = views_of(&read, jobs, now, false)?;
    read.commit()?;
    Ok(Some((views, total)))
}

/// Job views with their last outcomes, read on `c`.
fn views_of(
    c: &rusqlite::Connection,
    jobs: Vec<Job>,
    now: DateTime<Utc>,
    has_conflict: bool,
) -> Result<Vec<JobView>> {
    let seqs: Vec<i64> = jobs.iter().map(|j| j.seq).collect();
    let outcomes = jobs::last_outcomes(c, &seqs)?;
    Ok(jobs
        .into_iter()
        .map(|j| {
            let last = outcomes.get(&j.seq).cloned();
            j.view(now, last, has_conflict)
        })
        .collect())
}

/// A job's attempts, each joined with the request and response of its events.
fn attempts_of(c: &rusqlite::Connection, job_seq: i64) -> Result<Vec<Attempt>> {
    let rows = attempts::of_job(c, job_seq)?;
    let events = events::of_job(c, job_seq, &[EventKind::Request, EventKind::Response])?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let of_attempt = events.iter().rev().filter(|e| e.attempt == Some(a.attempt));
            let request = of_attempt.clone().find_map(|e| match &e.body {
                Payload::Request(sent) => Some(sent.clone()),
                _ => None,
            });
            let response = of_attempt.clone().find_map(|e| match &e.body {
                Payload::Response(r) => Some(r.response.clone()),
                _ => None,
            });
            Attempt {
                attempt: a.attempt,
                started_at: a.started_at,
                finished_at: a.finished_at,
                duration_ms: a.duration_ms,
                outcome: a.outcome,
                request,
                response,
                error: a.error,
                retry_at: a.retry_at,
            }
        })
        .collect())
}
