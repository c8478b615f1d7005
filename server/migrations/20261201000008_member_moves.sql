-- Moves between branches and schools (组织关系转接, issue 9 point 2): each with the day it takes
-- effect, so what came before stays with the branch it happened in.
CREATE TABLE member_moves (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    from_org TEXT NOT NULL REFERENCES organisations (id),
    to_org TEXT NOT NULL REFERENCES organisations (id),
    moved_on TEXT NOT NULL,   -- YYYY-MM-DD, the day it takes effect
    reason TEXT NOT NULL,
    moved_by TEXT NOT NULL REFERENCES users (id),
    moved_at BIGINT NOT NULL
);
CREATE INDEX member_moves_user ON member_moves (user_id, moved_on);
