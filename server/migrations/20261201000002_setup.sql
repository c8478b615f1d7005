-- First run (issue 9, point 1): with no organisation in the database the server logs a one-time
-- set-up link; only a SHA-256 of its token is kept, and every token goes once the school is set
-- up. A school's own name sits beside its 总支's name (the organisation's `name`).
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
ALTER TABLE organisations ADD COLUMN school_name TEXT;
