-- Free-text search (`q=`) of jobs and schedules: a trigram index of the name,
-- description and URL, so a search reads the rows that hold the text instead
-- of every row (100,000 schedules took 120 ms). Contentless: the text stays
-- in its table, the index holds only trigrams. Kept by triggers, which fire
-- only when one of the three changes, not on a run's change of state.
CREATE VIRTUAL TABLE jobs_text USING fts5(
    name, description, url, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO jobs_text (rowid, name, description, url)
    SELECT seq, name, description, json_extract(request, '$.url') FROM jobs;

CREATE TRIGGER jobs_text_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_text (rowid, name, description, url)
        VALUES (NEW.seq, NEW.name, NEW.description, json_extract(NEW.request, '$.url'));
END;
CREATE TRIGGER jobs_text_delete AFTER DELETE ON jobs BEGIN
    DELETE FROM jobs_text WHERE rowid = OLD.seq;
END;
CREATE TRIGGER jobs_text_update AFTER UPDATE OF name, description, request ON jobs
    WHEN OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description
      OR json_extract(OLD.request, '$.url') IS NOT json_extract(NEW.request, '$.url')
BEGIN
    DELETE FROM jobs_text WHERE rowid = OLD.seq;
    INSERT INTO jobs_text (rowid, name, description, url)
        VALUES (NEW.seq, NEW.name, NEW.description, json_extract(NEW.request, '$.url'));
END;

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
