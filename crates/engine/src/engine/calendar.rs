//! The calendar of a range, for `GET /api/calendar`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Engine;
use crate::calendar::{self, Calendar};
use crate::error::Result;
use crate::memory;

impl Engine {
    /// `from`..`to` with day boundaries in `zone`: past runs with their
    /// outcomes, future runs, and bands for dense schedule-days.
    pub async fn calendar(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: Tz,
        dense: usize,
    ) -> Result<Calendar> {
        let now = self.now();
        self.read(move |c| {
            let built = calendar::build(c, from, to, zone, now, dense);
            // Its working set can be a hundred times the answer.
            memory::give_back();
            built
        })
        .await
    }
}
