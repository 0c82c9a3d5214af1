//! What the engine is doing now, for `GET /api/status`, the tray and the UI:
//! paused or not, the next run, and the defaults a job gets for what it leaves out.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::draft::{CatchUp, JobOptions};
use crate::job::JobView;
use crate::retry::RetryPolicy;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Status {
    pub version: String,
    /// "Pause all": due jobs wait until resumed.
    pub paused: bool,
    /// When a pause for a while ends by itself.
    #[serde(serialize_with = "crate::time::ser_opt")]
    pub paused_until: Option<DateTime<Utc>>,
    /// `--allow-http` or `CHIME_ALLOW_HTTP`: plain http is allowed whatever
    /// the `allow_http` setting says (the settings show what is stored).
    pub allow_http_for_this_run: bool,
    pub next_run: Option<NextRun>,
    pub defaults: JobDefaults,
}

/// The job that runs next.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NextRun {
    pub job_id: String,
    pub schedule_id: Option<String>,
    pub name: Option<String>,
    pub url: String,
    #[serde(serialize_with = "crate::time::ser")]
    pub scheduled_at: DateTime<Utc>,
}

impl From<&JobView> for NextRun {
    fn from(j: &JobView) -> NextRun {
        NextRun {
            job_id: j.id.clone(),
            schedule_id: j.schedule_id.clone(),
            name: j.name.clone(),
            url: j.request.url.clone(),
            scheduled_at: j.scheduled_at,
        }
    }
}

/// What a job gets for the fields it leaves out, so the UI shows the engine's
/// defaults instead of keeping copies of them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JobDefaults {
    pub retry: RetryPolicy,
    pub timeout_ms: i64,
    pub catch_up: CatchUp,
}

impl Default for JobDefaults {
    fn default() -> Self {
        let options = JobOptions::default();
        JobDefaults {
            retry: options.retry,
            timeout_ms: options.timeout_ms,
            catch_up: CatchUp::default(),
        }
    }
}
