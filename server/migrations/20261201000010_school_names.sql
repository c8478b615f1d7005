-- Issue 8, point 11: a username or phone number is unique within a school, not across the
-- deployment, so adding a member never tells one school's admin that another school has an
-- account of that name or number. `school_id` is the school whose names the account shares:
-- the 总支 above its branch, the school itself for its admin, the bureau for the bureau's own
-- accounts (the same rule as `school_of` in app/src/audit/server.rs). Moves between schools
-- update it.
--
-- The old deployment-wide constraints go: `users_phone` here; `users.username`'s inline
-- UNIQUE (0001) cannot be dropped portably, so server/src/storage.rs drops it once after the
-- migrations (PostgreSQL: the constraint; SQLite: a rebuild of the table).
ALTER TABLE users ADD COLUMN school_id TEXT REFERENCES organisations (id);
UPDATE users SET school_id = (
    SELECT CASE WHEN o.kind = 'school' OR o.parent_id IS NULL THEN o.id ELSE o.parent_id END
    FROM organisations o WHERE o.id = users.org_id);
DROP INDEX users_phone;
CREATE UNIQUE INDEX users_school_username ON users (school_id, username);
CREATE UNIQUE INDEX users_school_phone ON users (school_id, phone);
-- Sign-in looks an account up by its username in every school.
CREATE INDEX users_username ON users (username);
