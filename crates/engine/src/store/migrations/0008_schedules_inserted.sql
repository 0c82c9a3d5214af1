-- The schedules list pages newest first: with 100,000 schedules, sorting
-- them all for each page took 166 ms.
CREATE INDEX schedules_inserted ON schedules (inserted_at DESC, id);
