-- Free-text search (`q=`) of jobs and schedules: a trigram index of the name,
-- description and URL, so a search reads the rows that hold the text instead
-- of every row (100,000 schedules took 120 ms). Contentless: the text stays
-- in its table, the index holds only trigrams.
--
-- Schedules are indexed as they are written: they are made and edited
-- rarely, and their runs change neither name nor URL.
CREATE VIRTUAL TABLE schedules_text USING fts5(
    name, description, url, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO schedules_text (rowid, name, description, url)
    SELECT rowid, name, description, json_extract(request, '$.url') FROM schedules;

CREATE TRIGGER schedules_text_insert AFTER INSERT ON schedules BEGIN
    INSERT INTO schedules_text (rowid, name, description, url)
        VALUES (NEW.rowid, NEW.name, NEW.description, json_extract(NEW.request, '$.url'));
END;
CREATE TRIGGER schedules_text_delete AFTER DELETE ON schedules BEGIN
    DELETE FROM schedules_text WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER schedules_text_update AFTER UPDATE OF name, description, request ON schedules
    WHEN OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description
      OR json_extract(OLD.request, '$.url') IS NOT json_extract(NEW.request, '$.url')
BEGIN
    DELETE FROM schedules_text WHERE rowid = OLD.rowid;
    INSERT INTO schedules_text (rowid, name, description, url)
        VALUES (NEW.rowid, NEW.name, NEW.description, json_extract(NEW.request, '$.url'));
END;

-- Jobs are made by the thousand in small transactions, and indexing each
-- as it is made cost 30-40 µs of the writer's time a job (the index writes
-- a segment per transaction). So jobs are indexed in bulk when a search
-- needs them (store/search.rs), up to `jobs_text_through.seq`; a search
-- scans the few made since. Changes and deletes of indexed jobs keep it.
CREATE VIRTUAL TABLE jobs_text USING fts5(
    name, description, url, content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE TABLE jobs_text_through (seq INTEGER NOT NULL);
INSERT INTO jobs_text_through (seq) VALUES (0);

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
