-- The outbox for webhooks and callbacks: written in the same transaction as
-- the event or the finished job they carry, delivered in the background,
-- retried with backoff until delivered or expired, across restarts.

CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL CHECK (kind IN ('webhook', 'callback')),
    url          TEXT    NOT NULL,
    message_id   TEXT    NOT NULL,   -- Standard Webhooks' webhook-id: the same on every retry
    event_id     INTEGER,            -- the event it carries (webhooks) or that finished the job
    job_seq      INTEGER,
    body         TEXT    NOT NULL,   -- frozen when written, so every retry sends the same bytes
    tries        INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    delivered_at INTEGER,
    failed_at    INTEGER,
    last_status  INTEGER,
    last_error   TEXT
);

-- Deliveries to one URL go out in order: the worker takes the oldest pending one per URL.
CREATE INDEX deliveries_pending ON deliveries (url, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
