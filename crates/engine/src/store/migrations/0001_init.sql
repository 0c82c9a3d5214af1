-- Chime's first schema. Instants are integer milliseconds since the epoch, UTC.
-- JSON columns hold serde_json text.

CREATE TABLE schedules (
    id             TEXT PRIMARY KEY,            -- uuid
    name           TEXT,
    description    TEXT,
    every_ms       INTEGER,                     -- repeat_every: the interval ...
    anchor_at      INTEGER,                     -- ... and the grid it keeps to
    cron           TEXT,                        -- or a cron rule
    timezone       TEXT    NOT NULL,
    request        TEXT    NOT NULL,            -- RequestSpec: the template of every run
    options        TEXT    NOT NULL,            -- JobOptions: timeout, retry, callback/webhook
    args           TEXT    NOT NULL,            -- what was asked, echoed as booper's args
    catch_up       TEXT    NOT NULL,
    inject_fields  INTEGER NOT NULL,
    state          TEXT    NOT NULL DEFAULT '{}',
    previous       TEXT,                        -- $previous: the last run's response
    run_count      INTEGER NOT NULL DEFAULT 0,
    pending_job_id TEXT,                        -- the one job waiting for the rule's next time
    inserted_at    INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    disabled_at    INTEGER,
    CHECK ((every_ms IS NOT NULL AND anchor_at IS NOT NULL) <> (cron IS NOT NULL))
);

CREATE TABLE jobs (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- booper's job_id
    id              TEXT    NOT NULL UNIQUE,            -- booper's id (uuid)
    schedule_id     TEXT,
    run             INTEGER,
    idempotency_key TEXT,
    name            TEXT,
    description     TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('scheduled', 'available', 'executing',
                        'retryable', 'completed', 'discarded', 'cancelled')),
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

-- Indexes cost every write in a burst, so only those a query needs are kept,
-- and events and attempts point at jobs by their growing integer seq, not the
-- random uuid, so their index inserts land at one end of the tree.
-- Ids grow with time (one writer, one clock), so "oldest first", "newest
-- first" and pruning by age walk the primary keys instead of indexes on times.

-- The scheduler's one question: what is due next?
CREATE INDEX jobs_due ON jobs (scheduled_at)
    WHERE state IN ('scheduled', 'available', 'retryable');
CREATE INDEX jobs_executing ON jobs (seq) WHERE state = 'executing';
CREATE INDEX jobs_schedule ON jobs (schedule_id, scheduled_at) WHERE schedule_id IS NOT NULL;
CREATE INDEX jobs_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY,
    job_seq     INTEGER NOT NULL,               -- jobs.seq
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('success', 'failure', 'error')),
    status      INTEGER,
    error       TEXT,
    retry_at    INTEGER,
    UNIQUE (job_seq, attempt)
);

-- The log. The request and response of each attempt live here, in the
-- payloads of its job.request and job.response events.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    job_seq     INTEGER,                        -- jobs.seq, for the index
    job_id      TEXT,                           -- jobs.id, as the log shows it
    schedule_id TEXT,
    attempt     INTEGER,
    payload     TEXT    NOT NULL
);
CREATE INDEX events_job ON events (job_seq, id);
CREATE INDEX events_schedule ON events (schedule_id, id) WHERE schedule_id IS NOT NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
