//! Chime's engine: jobs and schedules in SQLite, a scheduler that sleeps until
//! the next due run, dispatch over HTTP, and the event log. It knows nothing of
//! HTTP serving, Tauri or the UI; every surface goes through [`Engine`].

pub mod alert;
pub mod attempt;
pub mod body_cap;
pub mod calendar;
mod cert;
pub mod change;
pub mod check;
pub mod client;
pub mod clock;
mod core;
pub mod curl;
pub mod delivery;
pub mod dispatch;
pub mod draft;
pub mod duration;
pub mod dynamic;
mod engine;
pub mod error;
pub mod event;
pub mod forgiving;
pub mod host;
mod indexing;
pub mod job;
pub mod lifecycle;
pub mod limits;
pub mod memory;
pub mod path;
pub mod protocol;
mod recorder;
pub mod redact;
pub mod request;
pub mod retention;
pub mod retry;
pub mod rule;
pub mod run;
pub mod schedule;
mod scheduler;
mod sending;
pub mod settings;
pub mod status;
pub mod store;
pub mod time;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use engine::{Config, Created, Engine, JobPage, LogQuery, SchedulePage};
pub use error::{Error, FieldError, Result};
pub use event::{Event, EventKind, Payload};
pub use job::{JobState, JobView};
pub use schedule::{Frequency, ScheduleView};
pub use store::{JobFilter, JobOrder};
