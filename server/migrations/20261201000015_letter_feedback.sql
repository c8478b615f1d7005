-- Public feedback on published commitment letters (接受群众监督, issue 11 point 4). Nothing here
-- names or traces the sender: no account, no address, no device, a random id (not time-ordered)
-- and only the day it came. Shown publicly once the 总支 approves it; the branch's reply is
-- shown once the 总支 approves that too.
CREATE TABLE letter_feedback (
    id           TEXT PRIMARY KEY,             -- random (UUIDv4)
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    year         INTEGER NOT NULL,
    body         TEXT NOT NULL,
    received_on  TEXT NOT NULL,                -- YYYY-MM-DD
    shown        INTEGER NOT NULL DEFAULT 0,   -- approved for the public page
    reply        TEXT,
    replied_by   TEXT REFERENCES users (id),
    replied_at   BIGINT,
    reply_shown  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX letter_feedback_org ON letter_feedback (org_id, year, received_on);
