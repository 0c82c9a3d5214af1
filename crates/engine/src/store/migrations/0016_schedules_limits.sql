-- The calendar draws no run past a schedule's `until` or its `max_runs`
-- (SPEC 7.4). Both live in the options' JSON: the index the calendar reads
-- its schedules along (schedules_plans) now holds them, read out of the
-- JSON, with the runs already sent, so the wide rows stay unread.
DROP INDEX schedules_plans;
CREATE INDEX schedules_plans ON schedules (
    disabled_at, every_ms, anchor_at, cron, timezone, pending_job_id,
    json_extract(options, '$.until'), json_extract(options, '$.max_runs'), runs_sent
);
