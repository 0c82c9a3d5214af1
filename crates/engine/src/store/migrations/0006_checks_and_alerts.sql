-- Checks (SPEC 7.2): an attempt may now fail a check, `assertion_failed`.
-- SQLite cannot change a CHECK constraint, so the table is copied.
CREATE TABLE attempts_new (
    id          INTEGER PRIMARY KEY,
    job_seq     INTEGER NOT NULL,               -- jobs.seq
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT    NOT NULL
        CHECK (outcome IN ('success', 'failure', 'assertion_failed', 'error')),
    status      INTEGER,
    error       TEXT,
    retry_at    INTEGER,
    UNIQUE (job_seq, attempt)
);
INSERT INTO attempts_new SELECT * FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;

-- Alerts (SPEC 7.3): failed runs in a row, and since when the schedule has
-- been failing (set with schedule.failing, cleared with schedule.recovered).
ALTER TABLE schedules ADD COLUMN failures_in_row INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN failing_since INTEGER;
-- Limits (SPEC 7.4): rule runs that went out, for max_runs (the ledger's
-- rows are pruned with age, so they cannot be counted there).
ALTER TABLE schedules ADD COLUMN runs_sent INTEGER NOT NULL DEFAULT 0;
-- Pause until (SPEC 7.4): a disabled schedule enables itself at this time.
ALTER TABLE schedules ADD COLUMN resume_at INTEGER;
CREATE INDEX schedules_resume ON schedules (resume_at) WHERE resume_at IS NOT NULL;
