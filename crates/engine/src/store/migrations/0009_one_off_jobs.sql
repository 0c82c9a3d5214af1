-- The jobs view lists one-off jobs (schedule_id=none), newest first, and
-- the calendar reads the pending ones: beside 100,000 schedules' jobs both
-- read every job to find the few without a schedule.
CREATE INDEX jobs_one_off ON jobs (seq) WHERE schedule_id IS NULL;
