-- The audit log of administrative acts (issue 8, point 12): who (id and name as they were),
-- when, from which address, what, about whom — written in the act's own transaction, read by the
-- school's 总支, pruned after the configured number of years.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    school_id TEXT NOT NULL,
    branch_id TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    from_addr TEXT NOT NULL
);
CREATE INDEX audit_log_school ON audit_log (school_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
