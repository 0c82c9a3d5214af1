//! A schedule: a recurring rule that creates the next job each time one comes
//! due, and carries `$state` (and `$previous`) across them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::alert::Alert;
use crate::draft::{CatchUp, JobOptions};
use crate::duration;
use crate::limits::{Overlap, QuietHours};
use crate::request::RequestSpec;
use crate::rule::Rule;

#[derive(Debug, Clone)]
pub struct Schedule {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The rule, read once when the schedule is loaded.
    pub rule: Rule,
    pub timezone: Tz,
    pub request: RequestSpec,
    pub options: JobOptions,
    pub args: Value,
    pub catch_up: CatchUp,
    pub inject_fields: bool,
    pub state: Map<String, Value>,
    /// The last run's response, for `$previous`; cleared on re-enable.
    pub previous: Option<Value>,
    pub run_count: i64,
    pub pending_job_id: Option<String>,
    pub inserted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Failed runs in a row, for `alert.after_failures`.
    pub failures_in_row: u32,
    /// Since when it has been failing (`schedule.failing` was told).
    pub failing_since: Option<DateTime<Utc>>,
    /// A paused schedule enables itself at this time.
    pub resume_at: Option<DateTime<Utc>>,
    /// Rule runs that went out, for `max_runs`.
    pub runs_sent: u32,
}

impl Schedule {
    pub fn view(&self, next_run_at: Option<DateTime<Utc>>) -> ScheduleView {
        let frequency = match &self.rule {
            Rule::Every { interval, .. } => Frequency::Every {
                repeat_every: duration::whole_units(*interval),
            },
            Rule::Cron(cron) => Frequency::Cron {
                cron: cron.text.clone(),
                timezone: self.timezone.name().to_string(),
            },
        };
        ScheduleView {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            inserted_at: self.inserted_at,
            updated_at: self.updated_at,
            disabled_at: self.disabled_at,
            frequency,
            timezone: self.timezone.name().to_string(),
            summary: self.rule.describe(),
            args: self.args.clone(),
            state: self.state.clone(),
            next_run_at: if self.disabled_at.is_some() {
                None
            } else {
                next_run_at
            },
            pending_job_id: self.pending_job_id.clone(),
            run_count: self.run_count,
            catch_up: self.catch_up,
            inject_fields: self.inject_fields,
            request: self.request.clone(),
            assert: self.options.assert.clone(),
            alert: self.options.alert.clone(),
            overlap: self.options.overlap,
            max_runs: self.options.max_runs,
            until: self.options.until,
            quiet_hours: self.options.quiet_hours.clone(),
            failures_in_row: self.failures_in_row,
            failing_since: self.failing_since,
            resume_at: self.resume_at,
            runs_sent: self.runs_sent,
        }
    }
}

/// How a schedule repeats, as its view gives it: an interval in its largest
/// whole unit (`[15, "minutes"]`), or a cron rule and the zone it reads in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Frequency {
    Every { repeat_every: (i64, String) },
    Cron { cron: String, timezone: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ScheduleView {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub inserted_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser",
        deserialize_with = "crate::time::rfc::deserialize"
    )]
    pub updated_at: DateTime<Utc>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub disabled_at: Option<DateTime<Utc>>,
    pub frequency: Frequency,
    pub timezone: String,
    /// The rule in words.
    pub summary: String,
    pub args: Value,
    pub state: Map<String, Value>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub next_run_at: Option<DateTime<Utc>>,
    pub pending_job_id: Option<String>,
    pub run_count: i64,
    pub catch_up: CatchUp,
    pub inject_fields: bool,
    pub request: RequestSpec,
    /// Checks every response must pass (SPEC 7.2), as given.
    #[ts(as = "Vec<crate::check::AssertItem>")]
    pub assert: Vec<Value>,
    pub alert: Option<Alert>,
    pub overlap: Overlap,
    pub max_runs: Option<u32>,
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub until: Option<DateTime<Utc>>,
    pub quiet_hours: Option<QuietHours>,
    /// Failed runs in a row now.
    pub failures_in_row: u32,
    /// Since when it has been failing (after `alert.after_failures` failed runs).
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub failing_since: Option<DateTime<Utc>>,
    /// When a paused schedule enables itself.
    #[serde(
        serialize_with = "crate::time::ser_opt",
        deserialize_with = "crate::time::rfc_opt::deserialize"
    )]
    pub resume_at: Option<DateTime<Utc>>,
    /// Rule runs that went out, counted against `max_runs`.
    pub runs_sent: u32,
}
