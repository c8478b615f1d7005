-- An activity counts as held once its roll is taken (issue 9, point 8): someone checked in or
-- was marked by hand, or the organiser closed the roll (for a meeting nobody checked in to).
ALTER TABLE activities ADD COLUMN roll_closed_at BIGINT;
ALTER TABLE activities ADD COLUMN roll_closed_by TEXT REFERENCES users (id);
