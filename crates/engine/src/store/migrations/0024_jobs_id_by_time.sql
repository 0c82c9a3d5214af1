-- A job's id (booper's uuid) was random from its first character, so each
-- create's entry in the column's unique index landed on a leaf of its own:
-- a commit of four creates wrote five of its sixteen pages for that index
-- alone. New ids (store/jobs.rs, `new_id`) keep eight random hex digits in
-- front, the short form the UI and the CLI show and find a job by, and
-- carry the job's creation time after them. The index of ids is keyed from
-- the tenth character, so it grows at its end as jobs are made; it holds
-- the whole id too, which a lookup by a start of an id walks. Ids made
-- before keep their place and are found the same way.
--
-- SQLite cannot drop a column's UNIQUE, so the table is copied (as in 0010):
-- same columns, rows and rowids, the sequence continued; the indexes and the
-- search index's triggers dropped with `jobs` are made again.

CREATE TABLE jobs_new (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- booper's job_id
    id              TEXT    NOT NULL,                   -- booper's id (uuid): jobs_id
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
DELETE FROM sqlite_sequence WHERE name = 'jobs_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs_new', seq FROM sqlite_sequence WHERE name = 'jobs';
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;

CREATE UNIQUE INDEX jobs_id ON jobs (substr(id, 10), id);

CREATE INDEX jobs_due ON jobs (scheduled_at)
    WHERE (state = 'scheduled' OR state = 'available' OR state = 'retryable');
CREATE INDEX jobs_executing ON jobs (seq) WHERE state = 'executing';
CREATE INDEX jobs_schedule ON jobs (schedule_id, scheduled_at) WHERE schedule_id IS NOT NULL;
CREATE INDEX jobs_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_scheduled ON jobs (scheduled_at);
CREATE INDEX jobs_completed ON jobs (seq, schedule_id) WHERE state = 'completed';
CREATE INDEX jobs_discarded ON jobs (seq, schedule_id) WHERE state = 'discarded';
CREATE INDEX jobs_cancelled ON jobs (seq, schedule_id) WHERE state = 'cancelled';
CREATE INDEX jobs_past ON jobs (scheduled_at, seq, schedule_id, state)
    WHERE state <> 'scheduled' AND state <> 'available';
CREATE INDEX jobs_one_off ON jobs (scheduled_at, seq) WHERE schedule_id IS NULL;
CREATE INDEX jobs_seq ON jobs (seq, schedule_id);

CREATE TRIGGER jobs_text_delete AFTER DELETE ON jobs
    WHEN OLD.seq <= (SELECT seq FROM jobs_text_through)
BEGIN
    DELETE FROM jobs_text WHERE rowid = OLD.seq;
END;
CREATE TRIGGER jobs_text_update AFTER UPDATE OF name, description, request ON jobs
    WHEN OLD.seq <= (SELECT seq FROM jobs_text_through)
     AND (OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description
          OR json_extract(OLD.request, '$.url') IS NOT json_extract(NEW.request, '$.url'))
BEGIN
    DELETE FROM jobs_text WHERE rowid = OLD.seq;
    INSERT INTO jobs_text (rowid, name, description, url)
        VALUES (NEW.seq, NEW.name, NEW.description, json_extract(NEW.request, '$.url'));
END;
