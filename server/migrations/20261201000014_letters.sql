-- Commitment letters (承诺书, issue 11 point 3) of branches and 总支s: drafted, approved by the
-- 总支 (a 总支's own: the bureau), then published at a public address. Every saved version is
-- kept; a published version keeps its publishing time, so the public page shows the letter's
-- history when it changed after publishing.
CREATE TABLE letters (
    org_id             TEXT NOT NULL REFERENCES organisations (id),
    year               INTEGER NOT NULL,
    state              TEXT NOT NULL,          -- domain::letter::LetterState
    version            INTEGER NOT NULL,       -- the current draft's version
    published_version  INTEGER,                -- the version the public page shows
    public_token       TEXT UNIQUE,            -- the public address, from the first publishing on
    comment            TEXT NOT NULL DEFAULT '',
    updated_by         TEXT NOT NULL REFERENCES users (id),
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE letter_versions (
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    year          INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    saved_by      TEXT NOT NULL REFERENCES users (id),
    saved_at      BIGINT NOT NULL,
    published_at  BIGINT,
    PRIMARY KEY (org_id, year, version)
);

CREATE TABLE letter_trail (
    id       TEXT PRIMARY KEY,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    year     INTEGER NOT NULL,
    act      TEXT NOT NULL,
    note     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    by_user  TEXT NOT NULL REFERENCES users (id),
    at       BIGINT NOT NULL
);
CREATE INDEX letter_trail_org ON letter_trail (org_id, year, at);
