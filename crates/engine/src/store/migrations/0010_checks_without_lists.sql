-- The CHECKs on a job's state and an attempt's outcome, written as ORs.
-- SQLite checks `x IN (three or more constants)` by building a lookup table
-- each time a statement runs (see 0004): every finished attempt's UPDATE of
-- its job and INSERT of its attempt built one, about a tenth of the
-- writer's work in a burst (callgrind), and every job created built one too.
-- SQLite cannot change a CHECK, so both tables are copied (as in 0006): once,
-- at the upgrade, under a second for 100,000 jobs. Same columns, same rows,
-- same rowids; the indexes dropped with `jobs` (0001 to 0009) are made again.
-- It comes before the migrations that add more of them, so they are made once.

CREATE TABLE jobs_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- booper's job_id
    id              TEXT    NOT NULL UNIQUE,            -- booper's id (uuid)
    schedule_id     TEXT,
    run             INTEGER,
    idempotency_key TEXT,
    name            TEXT,
    description     TEXT,
    state           TEXT    NOT NULL CHECK (state = 'scheduled' OR state = 'available'
                        OR state = 'executing' OR state = 'retryable' OR state = 'completed'
                        OR state = 'discarded' OR state = 'cancelled'),
    request         TEXT    NOT NULL,
    options         TEXT    NOT NULL,
    args            TEXT    NOT NULL,
    attempt         INTEGER NOT NULL DEFAULT 0,
    scheduled_at    INTEGER NOT NULL,
    planned_at      INTEGER,
    inserted_at     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    attempted_at    INTEGER,
    completed_at    INTEGER,
    cancelled_at    INTEGER,
    discarded_at    INTEGER,
    note            TEXT
);
INSERT INTO jobs_new SELECT * FROM jobs;
-- A seq is never given twice (booper's job_id), even when the newest jobs
-- were deleted: the new table continues the old one's sequence.
DELETE FROM sqlite_sequence WHERE name = 'jobs_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs_new', seq FROM sqlite_sequence WHERE name = 'jobs';
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;

CREATE INDEX jobs_due ON jobs (scheduled_at)
    WHERE (state = 'scheduled' OR state = 'available' OR state = 'retryable');
CREATE INDEX jobs_executing ON jobs (seq) WHERE state = 'executing';
CREATE INDEX jobs_schedule ON jobs (schedule_id, scheduled_at) WHERE schedule_id IS NOT NULL;
CREATE INDEX jobs_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_scheduled ON jobs (scheduled_at);
CREATE INDEX jobs_one_off ON jobs (seq) WHERE schedule_id IS NULL;

CREATE TABLE attempts_new (
    id          INTEGER PRIMARY KEY,
    job_seq     INTEGER NOT NULL,               -- jobs.seq
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT    NOT NULL
        CHECK (outcome = 'success' OR outcome = 'failure' OR outcome = 'assertion_failed'
               OR outcome = 'error'),
    status      INTEGER,
    error       TEXT,
    retry_at    INTEGER,
    UNIQUE (job_seq, attempt)
);
INSERT INTO attempts_new SELECT * FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
