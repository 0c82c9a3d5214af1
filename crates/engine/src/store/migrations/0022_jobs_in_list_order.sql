-- Lists of jobs walked along indexes in their own order, filtered from the
-- index alone, so a page deep in a list reads no row to skip a job. A list
-- by due time (`order_by=scheduled_at`, the jobs view's) orders ties by seq.
-- On a copy of the history benchmark's folder (100,000 one-off jobs), a page
-- at offset 50,000 took 12-14 ms reading each skipped job's row along
-- jobs_scheduled, and a page of one sorted the tab's jobs (62-74 ms):
--
-- * jobs_past holds seq right after the time, so a walk of it is in the list's
--   order, and a tab of settled states is filtered by state and schedule from
--   it (3.2-3.4 ms; the page of one 0.4-0.5 ms). The calendar reads it by
--   time, as before (0012).
-- * jobs_one_off is keyed by due time, so the tab of every one-off job walks
--   it (the calendar reads its one-off jobs' range from it, no longer all of
--   them), and jobs_seq holds each job's schedule, so one-off jobs in the
--   order made (`schedule_id=none`, booper's list) walk it instead, with the
--   schedule from the index. Queries that gather or count the one-off jobs or
--   the schedules' runs name their index (jobs.rs, ONE_OFF_JOBS), as SQLite
--   would otherwise walk jobs_seq's every entry to find them.
--
-- No entry is written more often than before: seq and schedule_id never
-- change, a one-off job's due time changes only for a retry, which rewrites
-- jobs_scheduled and jobs_due already, and jobs_past already held the state.
-- IF EXISTS, and made again whole: a folder taken back to an older schema by
-- hand (as a test of 0017's upgrade does) runs this again.
DROP INDEX IF EXISTS jobs_past;
CREATE INDEX jobs_past ON jobs (scheduled_at, seq, schedule_id, state)
    WHERE state <> 'scheduled' AND state <> 'available';
DROP INDEX IF EXISTS jobs_one_off;
CREATE INDEX jobs_one_off ON jobs (scheduled_at, seq) WHERE schedule_id IS NULL;
DROP INDEX IF EXISTS jobs_seq;
CREATE INDEX jobs_seq ON jobs (seq, schedule_id);
