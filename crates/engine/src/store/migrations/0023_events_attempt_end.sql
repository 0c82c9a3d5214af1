-- An attempt's end in one row. Each attempt logs its request, its response
-- (or error) and its `job.finished`: three rows and three entries in
-- `events_job`, a quarter of a burst's instructions with its `job.started`
-- (callgrind, 3,000 jobs). The response or error and the finish are
-- written in the same transaction, and so is the request when its record
-- reaches the writer with the end's (recorder.rs), as in a burst. A row of
-- an attempt's end holds them all: the event its kind and payload say; the
-- `job.request` before it when `request` is set (that payload); the
-- `job.finished` after it when `finished` is (that one). Their ids follow
-- each other and the row takes the last, so the next row, one more than
-- the largest (0018), follows them all. The log reads such a row back as
-- the events it holds (store/events.rs); on the wire nothing changes.
ALTER TABLE events ADD COLUMN request TEXT;
ALTER TABLE events ADD COLUMN finished TEXT;
