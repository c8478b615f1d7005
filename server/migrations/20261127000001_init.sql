-- xingqi's first schema. Portable between SQLite and PostgreSQL (see app/src/db.rs):
-- ids and enumerations are TEXT, instants are BIGINT ms since the epoch, flags are INTEGER 0/1.

-- bureau → school 党总支 → 党支部 → 党小组
CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES organisations (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX organisations_parent ON organisations (parent_id);

-- People who sign in. Members and secretaries belong to a branch; an admin to a school.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Server-side sessions: only a SHA-256 of the cookie's token is kept.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- 组织生活: meetings, lessons, themed days.
CREATE TABLE activities (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    kind        TEXT NOT NULL,
    topic       TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'scheduled',
    created_at  BIGINT NOT NULL
);
CREATE INDEX activities_org_time ON activities (org_id, starts_at);

-- 应到: who an activity is for, fixed when it is scheduled.
CREATE TABLE activity_expected (
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_expected_user ON activity_expected (user_id);

-- 签到: immutable facts, one row per client-made UUIDv7. Never updated, never overwritten.
CREATE TABLE checkins (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    device_time  BIGINT NOT NULL,
    method       TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX checkins_activity_user ON checkins (activity_id, user_id);
