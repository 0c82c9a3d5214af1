-- The calendar reads every enabled schedule's rule and pending job (store
-- schedules::PLANS). From the table that is every page of every schedule,
-- request, options and last response included: 11,000 pages for 100,000
-- schedules. This index holds just those columns, a seventh of the size.
CREATE INDEX schedules_plans
    ON schedules (disabled_at, every_ms, anchor_at, cron, timezone, pending_job_id);
