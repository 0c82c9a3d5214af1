-- The calendar finds each schedule's pending job by its seq, a number the
-- schedules_plans index holds, and the pending jobs' times along jobs_due.
-- By its id it had to match 100,000 ids along the jobs' index of ids: for a
-- month of 100,000 schedules that was a fifth of the calendar's time.
-- store::schedules::save keeps it beside pending_job_id. The index holds
-- the quiet hours too: the calendar draws no run inside them.
ALTER TABLE schedules ADD COLUMN pending_job_seq INTEGER;
UPDATE schedules SET pending_job_seq = (SELECT seq FROM jobs WHERE jobs.id = schedules.pending_job_id)
    WHERE pending_job_id IS NOT NULL;
DROP INDEX schedules_plans;
CREATE INDEX schedules_plans ON schedules (
    disabled_at, every_ms, anchor_at, cron, timezone, pending_job_seq,
    json_extract(options, '$.until'), json_extract(options, '$.max_runs'), runs_sent,
    json_extract(options, '$.quiet_hours')
);
