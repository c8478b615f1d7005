-- Issue 3: the branch's year in full — roster details, groups, activity records with a proof
-- secret, minutes and photos, leave, hand-marked attendance with its audit trail, devices, and
-- a change counter for pull cursors. Portable between SQLite and PostgreSQL like 0001.

-- The roster.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN gender TEXT;                                  -- 'male' | 'female'
ALTER TABLE users ADD COLUMN birth_date TEXT;                              -- YYYY-MM-DD
ALTER TABLE users ADD COLUMN join_date TEXT;                               -- 入党日期, YYYY-MM-DD
ALTER TABLE users ADD COLUMN standing TEXT NOT NULL DEFAULT 'full';        -- 正式 'full' | 预备 'probationary'
ALTER TABLE users ADD COLUMN post TEXT;                                    -- 有职: the post; NULL = 无职
ALTER TABLE users ADD COLUMN committee INTEGER NOT NULL DEFAULT 0;         -- 支委 member
ALTER TABLE users ADD COLUMN group_id TEXT REFERENCES organisations (id); -- 党小组
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 0;            -- change counter, for pull
CREATE UNIQUE INDEX users_phone ON users (phone);

-- One-time codes with which an invited member sets a first password. Only a hash is kept.
CREATE TABLE invites (
    code_hash   TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX invites_user ON invites (user_id);

-- The activity record (活动有记载).
ALTER TABLE activities ADD COLUMN chair TEXT NOT NULL DEFAULT '';          -- 主持人
ALTER TABLE activities ADD COLUMN recorder TEXT NOT NULL DEFAULT '';       -- 记录人
ALTER TABLE activities ADD COLUMN audience TEXT NOT NULL DEFAULT 'branch'; -- 'branch' | 'committee' | 'group'
ALTER TABLE activities ADD COLUMN audience_group TEXT REFERENCES organisations (id);
ALTER TABLE activities ADD COLUMN minutes TEXT NOT NULL DEFAULT '';        -- 会议记录
ALTER TABLE activities ADD COLUMN minutes_at BIGINT;
ALTER TABLE activities ADD COLUMN proof_secret TEXT NOT NULL DEFAULT '';   -- hex; keys the rotating code
ALTER TABLE activities ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN created_by TEXT REFERENCES users (id);
ALTER TABLE activities ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- How a check-in proved presence: 'qr' | 'code' (and 'app' for the skeleton's, which had none).
ALTER TABLE checkins ADD COLUMN proof_step BIGINT;
ALTER TABLE checkins ADD COLUMN device_id TEXT;
ALTER TABLE checkins ADD COLUMN device_seq BIGINT;

-- 请假: asked by the member (through the outbox), decided by the secretary.
CREATE TABLE leave_requests (
    id           TEXT PRIMARY KEY,                 -- the phone's UUIDv7
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL,
    device_time  BIGINT NOT NULL,
    device_id    TEXT,
    device_seq   BIGINT,
    received_at  BIGINT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',  -- 'pending' | 'approved' | 'declined'
    decided_by   TEXT REFERENCES users (id),
    decided_at   BIGINT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leave_requests_activity ON leave_requests (activity_id, user_id);

-- Attendance set by hand (present, excused, absent, or back to what the facts say), append-only:
-- the latest mark for a member wins, and the rows are the audit trail (who, when, before, after).
CREATE TABLE attendance_marks (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    mark         TEXT NOT NULL,                    -- 'present' | 'excused' | 'absent' | 'auto'
    before_state TEXT NOT NULL,                    -- what the record showed before the mark
    after_state  TEXT NOT NULL,                    -- what it shows after
    note         TEXT NOT NULL DEFAULT '',
    marked_by    TEXT NOT NULL REFERENCES users (id),
    marked_at    BIGINT NOT NULL
);
CREATE INDEX attendance_marks_activity ON attendance_marks (activity_id, user_id, marked_at);

-- Photos of an activity; the bytes are files under the data directory, named by their id.
CREATE TABLE activity_photos (
    id            TEXT PRIMARY KEY,
    activity_id   TEXT NOT NULL REFERENCES activities (id),
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    caption       TEXT NOT NULL DEFAULT '',
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    uploaded_at   BIGINT NOT NULL
);
CREATE INDEX activity_photos_activity ON activity_photos (activity_id);

-- Devices that push: the high-water mark of each is the highest record number it has sent, so a
-- phone whose store was wiped (its numbering starts again) is noticed.
CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    high_water   BIGINT NOT NULL DEFAULT 0,
    resets       INTEGER NOT NULL DEFAULT 0,
    first_seen   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL
);
CREATE INDEX devices_user ON devices (user_id);

-- One counter row: each change to pulled reference data takes the next value inside its
-- transaction, so versions are handed out in commit order and a pull cursor never skips a row.
CREATE TABLE change_counter (
    id     INTEGER PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
