-- The organisation tree in the app (issue 9, point 2): an archived branch or 党小组 keeps its
-- history and drops out of lists and new work.
ALTER TABLE organisations ADD COLUMN archived_at BIGINT;
