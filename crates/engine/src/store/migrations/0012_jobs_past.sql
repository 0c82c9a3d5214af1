-- The calendar's past runs: each finished or running job's time, schedule
-- and state, so a day of 100,000 runs is read from a few hundred index pages
-- (15 ms) rather than a table page a run (40 ms), and a month's 100,000
-- pending runs of schedules are not read at all (90 ms just to skip them).
-- Partial, so pending jobs are never in it: inserting a job does not touch
-- it, and the scheduler's queries on pending jobs cannot take it for
-- jobs_due. Its condition is spelled with <> (not NOT IN, see 0004), and the
-- calendar's query spells it the same way to use it.
CREATE INDEX jobs_past ON jobs (scheduled_at, schedule_id, state)
    WHERE state <> 'scheduled' AND state <> 'available';
