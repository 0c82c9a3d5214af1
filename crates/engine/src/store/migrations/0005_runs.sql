-- The run ledger: every planned occurrence of a schedule, whether it ran,
-- and for one that did not go out as planned, why and what was done. A
-- stretch of missed runs is one row with its count and its last time, so a
-- schedule every 5 seconds missed for a week is one row, not 120,000.
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id  TEXT    NOT NULL,
    planned_at   INTEGER NOT NULL,     -- ms; the first of a stretch
    until_at     INTEGER,              -- ms; the last of a stretch (count > 1)
    count        INTEGER NOT NULL DEFAULT 1,
    job_seq      INTEGER,              -- the job made for it; none for a missed one
    job_id       TEXT,
    started_at   INTEGER,              -- ms; when its first attempt began
    drift_ms     INTEGER,              -- started_at - planned_at
    duration_ms  INTEGER,              -- of its last attempt
    outcome      TEXT,                 -- success, failure, error, cancelled; none while pending
    reason       TEXT,                 -- asleep, closed, paused, quiet_hours, overlap, expired
    action       TEXT                  -- ran, merged, skipped, deferred
);

CREATE INDEX runs_by_schedule ON runs (schedule_id, planned_at);
CREATE INDEX runs_by_job ON runs (job_seq) WHERE job_seq IS NOT NULL;
