-- Exactly once, one way for every record kind: beside its id, each record keeps a SHA-256 of its
-- content, so a retry (same id, same content) is told from a conflict (same id, other content)
-- by one comparison. Rows stored before this have none; their content is read from their
-- columns when a retry of them arrives (app/src/db/once.rs).
ALTER TABLE checkins ADD COLUMN content_hash TEXT;
ALTER TABLE leave_requests ADD COLUMN content_hash TEXT;
