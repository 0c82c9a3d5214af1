//! Transitions of jobs and schedules. Each is a function on a write
//! transaction that changes the rows, stores the event and writes the
//! outbox row of the change together, so "what happens when a job is
//! cancelled" is read in one place. It sits above the store (SQL only) and
//! below the workers and the engine, which call it and nothing under it
//! that writes.

pub(crate) mod alerts;
mod emit;
pub(crate) mod jobs;
pub(crate) mod limits;
pub(crate) mod runs;
pub(crate) mod schedules;
pub(crate) mod verdict;

pub(crate) use emit::{
    emit, emit_end, emit_for_schedule, enqueue_callback, webhook, CallbackParts,
};
pub use emit::{CallbackData, WebhookData, DELIVERY_MAX_AGE};
