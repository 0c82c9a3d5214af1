-- How many jobs have finished in each way, kept as they change, so a page's
-- total is three small reads, not a count over every finished job (100,000
-- of them took 18 ms a page). The other states are few and indexed
-- (jobs_due, jobs_executing) and are counted when asked.
-- Conditions are written as ORs, as in 0004: an IN list there would build a
-- lookup table on every change of state.
CREATE TABLE job_counts (
    state TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO job_counts (state, n)
    SELECT s.state, (SELECT COUNT(*) FROM jobs WHERE jobs.state = s.state)
    FROM (SELECT 'completed' AS state UNION ALL SELECT 'discarded' UNION ALL SELECT 'cancelled') s;

CREATE TRIGGER job_counts_insert AFTER INSERT ON jobs
    WHEN NEW.state = 'completed' OR NEW.state = 'discarded' OR NEW.state = 'cancelled'
BEGIN
    UPDATE job_counts SET n = n + 1 WHERE state = NEW.state;
END;

CREATE TRIGGER job_counts_update AFTER UPDATE OF state ON jobs
    WHEN OLD.state <> NEW.state
     AND (NEW.state = 'completed' OR NEW.state = 'discarded' OR NEW.state = 'cancelled'
          OR OLD.state = 'completed' OR OLD.state = 'discarded' OR OLD.state = 'cancelled')
BEGIN
    UPDATE job_counts SET n = n + 1 WHERE state = NEW.state;
    UPDATE job_counts SET n = n - 1 WHERE state = OLD.state;
END;

CREATE TRIGGER job_counts_delete AFTER DELETE ON jobs
    WHEN OLD.state = 'completed' OR OLD.state = 'discarded' OR OLD.state = 'cancelled'
BEGIN
    UPDATE job_counts SET n = n - 1 WHERE state = OLD.state;
END;
