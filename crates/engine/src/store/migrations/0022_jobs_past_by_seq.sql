-- Settled jobs by due time walked along jobs_past without reading a row.
-- The jobs view lists a tab's jobs by due time (`order_by=scheduled_at`) and
-- orders ties by seq; jobs_past ordered ties by schedule and state, so SQLite
-- could not walk it for a tab, and walked jobs_scheduled instead, reading
-- each skipped job's row for its state (the Completed tab's page at offset
-- 50,000 of 100,000: 17 ms), or for a page of one, sorted all the tab's jobs
-- (37–90 ms). With seq right after the time, a walk of jobs_past filtered to
-- one-off jobs in some states is in the tab's order, and holds what it
-- filters on (2.5 ms, and 0.01 ms for the page of one). An entry is written
-- when it was before: seq never changes. The calendar reads it by time, as
-- before (0012).
-- IF EXISTS, and made again whole: a folder taken back to an older schema by
-- hand (as a test of 0017's upgrade does) runs this again.
DROP INDEX IF EXISTS jobs_past;
CREATE INDEX jobs_past ON jobs (scheduled_at, seq, schedule_id, state)
    WHERE state <> 'scheduled' AND state <> 'available';
