//! What can be done to schedules: read, list, enable, disable, delete,
//! change, run outside the rule, and preview a rule.

use serde_json::Value;

use super::jobs::Created;
use super::Engine;
use crate::draft;
use crate::draft::{RULE_FIELDS, TIMING_FIELDS};
use crate::error::{Error, FieldError, Result};
use crate::lifecycle::jobs::{merge_args, patch_object};
use crate::lifecycle::schedules::{self as transitions, next_run_at, Spawn};
use crate::protocol::Page;
use crate::rule::{self, Preview, Rule};
use crate::run::Run;
use crate::schedule::{Schedule, ScheduleView};
use crate::store::{jobs, schedules, Tx};
use chrono::{DateTime, Utc};

/// A page of schedules: `{"data", "limit", "offset", "total"}`.
pub type SchedulePage = Page<ScheduleView>;

const MAX_PREVIEW: usize = 100;
const PREVIEW_FIELDS: &[&str] = &[
    "cron",
    "repeat_every",
    "timezone",
    "count",
    "from",
    "display_zone",
];

impl Engine {
    pub async fn list_schedules(
        &self,
        q: Option<String>,
        limit: i64,
        offset: i64,
    ) -> Result<SchedulePage> {
        let (rows, total) = self
            .read(move |c| {
                let (rows, total) = schedules::list(c, q.as_deref(), limit, offset)?;
                let rows = rows
                    .into_iter()
                    .map(|s| Ok((next_run_at(c, &s)?, s)))
                    .collect::<Result<Vec<_>>>()?;
                Ok((rows, total))
            })
            .await?;
        Ok(Page {
            data: rows.into_iter().map(|(next, s)| s.view(next)).collect(),
            total,
            limit,
            offset,
        })
    }

    pub async fn get_schedule(&self, id: &str) -> Result<ScheduleView> {
        let id = id.to_string();
        self.read(move |c| {
            let s = schedules::get(c, &id)?.ok_or_else(|| not_found(&id))?;
            Ok(s.view(next_run_at(c, &s)?))
        })
        .await
    }

    /// Stops the schedule: its pending job is cancelled and no more are made.
    /// Pauses the schedule: until enabled, or with `{"until": ...}` in
    /// `body` until then (kept across restarts).
    pub async fn disable_schedule(&self, id: &str, body: Value) -> Result<ScheduleView> {
        let until = crate::limits::parse_pause(&body, self.now())?;
        self.change_schedule(id, move |tx, s| transitions::disable(tx, s, until))
            .await
    }

    /// Starts the schedule again from the rule's next time.
    pub async fn enable_schedule(&self, id: &str) -> Result<ScheduleView> {
        self.change_schedule(id, transitions::enable).await
    }

    /// Deletes the schedule and cancels its pending job; past jobs stay in the log.
    pub async fn delete_schedule(&self, id: &str) -> Result<ScheduleView> {
        let id = id.to_string();
        self.write(move |tx| {
            let mut s = load(tx, &id)?;
            transitions::cancel_pending(tx, &mut s, "schedule deleted", None)?;
            schedules::delete(&tx.sql, &s.id)?;
            Ok(s.view(None))
        })
        .await
    }

    /// An extra run now, outside the rule; the rule's own runs go on.
    pub async fn run_schedule(&self, id: &str) -> Result<Created> {
        let id = id.to_string();
        let job = self
            .write(move |tx| {
                let mut s = load(tx, &id)?;
                let job = transitions::spawn_run(tx, &mut s, tx.now, Spawn::Extra)?;
                schedules::save(&tx.sql, &s, tx.now)?;
                Ok(job)
            })
            .await?;
        let job = self.views(vec![job], false).await?.remove(0);
        Ok(Created { job, created: true })
    }

    /// `PATCH /api/schedules/{id}`: change the rule, the request, the state or
    /// the options. The patch is merged into what was asked and checked again
    /// as a whole; the pending job follows the new rule and request.
    pub async fn patch_schedule(&self, id: &str, patch: Value) -> Result<ScheduleView> {
        let patch = patch_object(patch)?;
        let single_job = TIMING_FIELDS.iter().chain(&["idempotency_key"]);
        for field in single_job.clone() {
            if patch.contains_key(*field) {
                return Err(FieldError::new(
                    *field,
                    "applies to a single job; a schedule's times come from its rule",
                )
                .into());
            }
        }
        let policy = self.policy();
        self.change_schedule(id, move |tx, s| {
            let mut args = merge_args(&s.args, &patch, &["repeat_every", "cron"]);
            if let Some(obj) = args.as_object_mut() {
                for stale in single_job {
                    obj.remove(*stale);
                }
            }
            let d = draft::parse(&args, policy, tx.now)?;
            let Some(rule) = d.rule else {
                return Err(FieldError::new(
                    "repeat_every",
                    "a schedule needs repeat_every or cron",
                )
                .into());
            };
            let rule_changed = RULE_FIELDS.iter().any(|f| patch.contains_key(*f));
            if rule_changed {
                s.rule = rule;
                s.timezone = d.timezone;
            }
            s.name = d.name;
            s.description = d.description;
            s.request = d.request;
            s.options = d.options;
            s.catch_up = d.catch_up;
            s.inject_fields = d.inject_fields;
            if patch.contains_key("state") {
                s.state = d.state;
            }
            s.args = d.args;
            transitions::replan(tx, s, rule_changed)
        })
        .await
    }

    /// The request the schedule's next run will send, with its dynamic fields
    /// filled from what is known now (`$state`, `$previous`, the next `$job`).
    pub async fn next_request(&self, id: &str) -> Result<crate::request::SentRequest> {
        let id = id.to_string();
        let (schedule, pending) = self
            .read(move |c| {
                let s = schedules::get(c, &id)?.ok_or_else(|| not_found(&id))?;
                let pending = match &s.pending_job_id {
                    Some(p) => jobs::get(c, p)?.filter(|j| j.state.is_pending()),
                    None => None,
                };
                Ok((s, pending))
            })
            .await?;
        let mut job = pending.ok_or_else(|| {
            Error::Conflict("the schedule has no next run (it is disabled)".into())
        })?;
        job.attempt = 1;
        let ctx = transitions::run_context(&job, &schedule);
        crate::dynamic::render(&job.request, &ctx)
            .to_sent()
            .map_err(Error::Internal)
    }

    /// `POST /api/schedules/preview`: a rule in words, its next runs in its
    /// zone, and notes (daylight saving among them).
    pub fn preview(&self, input: &Value) -> Result<Preview> {
        let obj = input.as_object().ok_or_else(|| {
            FieldError::new("body", "must be a JSON object with cron or repeat_every")
        })?;
        for key in obj.keys() {
            if !PREVIEW_FIELDS.contains(&key.as_str()) {
                return Err(FieldError::new(
                    key.as_str(),
                    format!("is not a preview field; use {}", PREVIEW_FIELDS.join(", ")),
                )
                .into());
            }
        }
        let zone_of = |name: &str| -> Result<Option<chrono_tz::Tz>> {
            match obj.get(name).filter(|v| !v.is_null()) {
                Some(v) => Ok(Some(rule::parse_zone(
                    name,
                    v.as_str()
                        .ok_or_else(|| FieldError::new(name, "must be a string"))?,
                )?)),
                None => Ok(None),
            }
        };
        let zone = zone_of("timezone")?.unwrap_or(chrono_tz::Tz::UTC);
        let shown_in = zone_of("display_zone")?;
        let count = match obj.get("count").filter(|v| !v.is_null()) {
            Some(v) => crate::forgiving::as_whole(v)
                .filter(|n| (1..=MAX_PREVIEW as u64).contains(n))
                .ok_or_else(|| FieldError::new("count", "must be a whole number from 1 to 100"))?
                as usize,
            None => 10,
        };
        let now = self.now();
        let from = match obj.get("from").filter(|v| !v.is_null()) {
            Some(v) => draft::parse_instant("from", v)?,
            None => now,
        };
        let rule = match (
            obj.get("cron").filter(|v| !v.is_null()),
            obj.get("repeat_every").filter(|v| !v.is_null()),
        ) {
            (Some(_), Some(_)) => {
                return Err(
                    FieldError::new("cron", "give either repeat_every or cron, not both").into(),
                )
            }
            (Some(c), None) => rule::cron(
                c.as_str().ok_or_else(|| {
                    FieldError::new("cron", "must be a string such as \"0 9 * * 1-5\"")
                })?,
                zone,
            )?,
            (None, Some(e)) => {
                let interval = crate::duration::parse("repeat_every", e)?;
                rule::every(interval, from + interval)?
            }
            (None, None) => return Err(FieldError::new("cron", "give cron or repeat_every").into()),
        };
        // The first interval run is one interval after `from`: preview from just before it.
        let start = match &rule {
            Rule::Every { anchor, .. } => *anchor - chrono::Duration::milliseconds(1),
            Rule::Cron(_) => from,
        };
        let mut preview = rule.preview(start, count, zone);
        if let (Rule::Cron(_), Some(shown), Some(first)) = (&rule, shown_in, preview.next.first()) {
            if shown != zone {
                // The machine's zone changed, or the rule is kept in another: the
                // rule stays in its own zone, and the times shown follow the machine.
                preview.notes.push(format!(
                    "This rule runs in {zone}; here ({shown}) its next run {} is {}.",
                    first.format("%H:%M"),
                    first.with_timezone(&shown).format("%H:%M")
                ));
            }
        }
        Ok(preview)
    }

    /// `GET /api/schedules/{id}/runs`: the schedule's ledger in
    /// `from..to`. With `expand`, a stretch of missed runs comes back as one
    /// entry per planned time (read from the schedule's rule), up to `limit`.
    pub async fn schedule_runs(
        &self,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
        expand: bool,
    ) -> Result<Vec<Run>> {
        if to <= from {
            return Err(FieldError::new("to", "must be after from").into());
        }
        let id = id.to_string();
        self.read(move |c| {
            let s = schedules::get(c, &id)?.ok_or_else(|| not_found(&id))?;
            let rows = crate::store::runs::list(c, &s.id, from, to, limit)?;
            Ok(if expand {
                expand_stretches(rows, &s.rule, limit as usize)
            } else {
                rows
            })
        })
        .await
    }

    async fn change_schedule(
        &self,
        id: &str,
        f: impl FnOnce(&mut Tx, &mut Schedule) -> Result<()> + Send + 'static,
    ) -> Result<ScheduleView> {
        let id = id.to_string();
        self.write(move |tx| {
            let mut s = load(tx, &id)?;
            f(tx, &mut s)?;
            schedules::save(&tx.sql, &s, tx.now)?;
            Ok(s.view(next_run_at(&tx.sql, &s)?))
        })
        .await
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("schedule {id}"))
}

fn load(tx: &Tx, id: &str) -> Result<Schedule> {
    schedules::get(&tx.sql, id)?.ok_or_else(|| not_found(id))
}

/// Each stretch of missed runs as one entry per planned time.
fn expand_stretches(rows: Vec<Run>, rule: &Rule, limit: usize) -> Vec<Run> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(until) = row.until.filter(|_| row.count > 1) else {
            out.push(row);
            continue;
        };
        let mut at = Some(row.planned_at);
        while let Some(t) = at.filter(|t| *t <= until && out.len() < limit) {
            out.push(Run {
                planned_at: t,
                until: None,
                count: 1,
                ..row.clone()
            });
            at = rule.next_after(t);
        }
    }
    out.truncate(limit);
    out
}
