-- Idle timeout beside the absolute one: a session unused for longer than the idle limit ends
-- even before it expires. Written at most once a minute per session. NULL: not used since
-- sign-in (created_at counts).
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
