-- The jobs' text index is merged by the search index's upkeep (indexing.rs)
-- a step at a time with FTS5's 'merge' command, which merges the segments of
-- one level once that level holds `usermerge` of them: 4 by default, as
-- FTS5's own merges do, which left 100,000 jobs indexed 250 at a time in 15
-- segments for a search to look its every trigram up in. At 2, each new
-- slice is folded into its equals as it comes, so the index stays in two or
-- three segments, and a merge rewrites only segments of the same size, not
-- the whole index.
INSERT INTO jobs_text (jobs_text, rank) VALUES ('usermerge', 2);
