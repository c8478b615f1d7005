-- Wrong typed or scanned codes per member and activity: after too many, that member can no
-- longer check in to that activity by code (the secretary marks presence by hand). Guessing a
-- six-digit code is then hopeless.
CREATE TABLE proof_failures (
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    failures     INTEGER NOT NULL,
    PRIMARY KEY (activity_id, user_id)
);
