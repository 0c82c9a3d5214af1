-- The calendar reads past runs by their time. (The scheduler's own index,
-- jobs_due, holds pending jobs only.)
CREATE INDEX jobs_scheduled ON jobs (scheduled_at);
