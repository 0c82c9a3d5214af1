-- jobs_past without the running jobs. A job's claim made it enter the index
-- (executing) and its end moved it there (completed), a delete and an insert
-- more: in a burst those were 10 % of the claim's and 6 % of the end's
-- instructions in SQLite (a separate program running a drain's statements
-- on this schema under callgrind). Running jobs are the few a claim holds,
-- and jobs_executing has them already: the calendar reads them from it beside
-- this index (calendar.rs, PAST), and a list of them is gathered from it
-- (jobs.rs, walks_past). Spelled with <>, as 0012 and 0022 spell it.
DROP INDEX IF EXISTS jobs_past;
CREATE INDEX jobs_past ON jobs (scheduled_at, seq, schedule_id, state)
    WHERE state <> 'scheduled' AND state <> 'available' AND state <> 'executing';
