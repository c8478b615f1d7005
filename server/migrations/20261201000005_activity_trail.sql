-- Records that can be trusted (issue 9, point 7): once an activity has started, cancelling it
-- or changing its kind needs a reason and is kept here, the activity's trail, which its record
-- shows and the 总支's to-do list names.
CREATE TABLE activity_changes (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    what         TEXT NOT NULL,      -- 'cancel' | 'kind'
    before_value TEXT NOT NULL,
    after_value  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    changed_by   TEXT NOT NULL REFERENCES users (id),
    changed_at   BIGINT NOT NULL
);
CREATE INDEX activity_changes_activity ON activity_changes (activity_id, changed_at);
CREATE INDEX activity_changes_time ON activity_changes (changed_at);
