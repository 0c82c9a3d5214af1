-- Every job in the order it was made, in an index of its own: a page deep in
-- the list of all jobs (`/api/jobs?offset=N`) is found by walking this, a few
-- bytes an entry, instead of the table, whose rows hold each job's request
-- (the middle page of 100,000 jobs: 13 ms along the table, 0.4 ms along this,
-- SQLite 3.51 on a copy of the history benchmark's folder). An entry is made
-- once, when a job is made, at the index's end, and never changes.
-- IF NOT EXISTS: a folder taken back to an older schema by hand (as a test of
-- 0017's upgrade does) runs this again.
CREATE INDEX IF NOT EXISTS jobs_seq ON jobs (seq);
