-- The scheduler's index of pending jobs, with its condition written as ORs.
-- SQLite evaluates a partial index's condition on every UPDATE that changes
-- `state`, and an IN list there builds a lookup table each time: about 6 µs on
-- every claim and every finished attempt, a third of recording one. Queries
-- must spell the condition the same way to use the index (see jobs.rs PENDING).
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (scheduled_at)
    WHERE (state = 'scheduled' OR state = 'available' OR state = 'retryable');
