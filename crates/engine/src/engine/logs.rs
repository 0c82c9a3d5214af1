//! The stored log: events by filter, one by id.

use super::Engine;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::store::events;

pub use crate::store::EventFilter as LogQuery;

impl Engine {
    pub async fn list_events(&self, query: LogQuery) -> Result<Vec<Event>> {
        self.read(move |c| events::list(c, &query)).await
    }

    pub async fn get_event(&self, id: i64) -> Result<Event> {
        self.read(move |c| {
            events::get(c, id)?.ok_or_else(|| Error::NotFound(format!("log entry {id}")))
        })
        .await
    }
}
