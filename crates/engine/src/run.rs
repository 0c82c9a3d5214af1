//! A run: one planned occurrence of a schedule, as the ledger keeps it
//! (SPEC 7.1). It went out (maybe late), or it did not, and the ledger says
//! why (`reason`) and what was done about it (`action`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a run did not go out as planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Reason {
    /// The machine slept (Chime was running, but nothing ran).
    Asleep,
    /// Chime was not running.
    Closed,
    /// The schedule was disabled, or everything was paused.
    Paused,
    /// Inside the schedule's quiet hours.
    QuietHours,
    /// The previous run was still going.
    Overlap,
    /// Past the schedule's `until` or `max_runs`.
    Expired,
}

/// What was done about a run that did not go out as planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    /// It went out, late.
    Ran,
    /// Folded into one run that went out for several (catch-up `once`).
    Merged,
    Skipped,
    /// Moved to a later time.
    Deferred,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunOutcome {
    Success,
    Failure,
    /// It answered, but failed one of the job's checks (`assert`).
    AssertionFailed,
    Error,
    /// It never went out: cancelled, skipped or merged.
    Cancelled,
}

macro_rules! text_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            pub fn parse(text: &str) -> Option<$t> {
                match text { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
    };
}

text_enum!(Reason { Asleep => "asleep", Closed => "closed", Paused => "paused",
    QuietHours => "quiet_hours", Overlap => "overlap", Expired => "expired" });
text_enum!(Action { Ran => "ran", Merged => "merged", Skipped => "skipped", Deferred => "deferred" });
text_enum!(RunOutcome { Success => "success", Failure => "failure",
    AssertionFailed => "assertion_failed", Error => "error",
    Cancelled => "cancelled" });

/// One row of a schedule's ledger: one planned run, or a stretch of missed
/// ones (`count` > 1, from `planned_at` to `until`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Run {
    #[serde(with = "crate::time::rfc")]
    #[ts(type = "string")]
    pub planned_at: DateTime<Utc>,
    /// The last planned time of a stretch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::time::rfc_opt"
    )]
    #[ts(optional, type = "string")]
    pub until: Option<DateTime<Utc>>,
    /// Planned runs this row stands for (1 unless a stretch of missed ones).
    pub count: u32,
    pub job_id: Option<String>,
    #[serde(with = "crate::time::rfc_opt")]
    #[ts(type = "string | null")]
    pub started_at: Option<DateTime<Utc>>,
    /// How late it started: `started_at - planned_at`.
    pub drift_ms: Option<i64>,
    /// How long its last attempt took.
    pub duration_ms: Option<i64>,
    /// None while it has not finished.
    pub outcome: Option<RunOutcome>,
    pub reason: Option<Reason>,
    pub action: Option<Action>,
}
