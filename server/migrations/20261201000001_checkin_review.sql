-- Check-ins that look replayed (issue 8, point 4; the rule is in domain/src/replay.rs) are
-- stored but held: `review` is NULL for a check-in taken as it came, 'pending' while held,
-- then 'confirmed' or 'refused' by the branch's secretary. Only NULL and 'confirmed' count.
ALTER TABLE checkins ADD COLUMN review TEXT;
ALTER TABLE checkins ADD COLUMN held_because TEXT;
ALTER TABLE checkins ADD COLUMN reviewed_by TEXT;
ALTER TABLE checkins ADD COLUMN reviewed_at BIGINT;
CREATE INDEX checkins_review ON checkins (activity_id, review);
