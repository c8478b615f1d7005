-- The rating (issue 10): attested evidence and its trail, and the registers the rules read.

-- Evidence of one attested criterion of one organisation's rating year.
CREATE TABLE rating_evidence (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    year        INTEGER NOT NULL,
    criterion   TEXT NOT NULL,
    state       TEXT NOT NULL,              -- 'draft' | 'submitted' | 'returned' | 'approved'
    body        TEXT NOT NULL,              -- the branch's text
    links       TEXT NOT NULL,              -- JSON array of its own activities' ids
    comment     TEXT NOT NULL DEFAULT '',   -- the 总支's, when it returned the evidence
    updated_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, criterion)
);

-- Every step of a criterion's evidence: saved, submitted, returned, approved.
CREATE TABLE rating_trail (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    criterion  TEXT NOT NULL,
    act        TEXT NOT NULL,
    note       TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users (id),
    at         BIGINT NOT NULL
);
CREATE INDEX rating_trail_org ON rating_trail (org_id, year, criterion, at);

-- 表彰 of the organisation or its 班子; it counts for the year its date falls in.
CREATE TABLE honours (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    awarded_on  TEXT NOT NULL,              -- YYYY-MM-DD
    level       TEXT NOT NULL,              -- 'school' | 'county' | 'city' | 'province' | 'national'
    title       TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX honours_org ON honours (org_id, awarded_on);

-- 违纪违法: read by the 总支 and the branch's secretary only.
CREATE TABLE violations (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    user_id      TEXT REFERENCES users (id),
    person       TEXT NOT NULL,
    committee    INTEGER NOT NULL,          -- whether they sat on the committee then
    occurred_on  TEXT NOT NULL,             -- YYYY-MM-DD
    note         TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX violations_org ON violations (org_id, occurred_on);

-- 班子年度测评 of an organisation, and each committee member's 考核, per year.
CREATE TABLE evaluations (
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    year     INTEGER NOT NULL,
    grade    TEXT NOT NULL,
    set_by   TEXT NOT NULL REFERENCES users (id),
    set_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);
CREATE TABLE assessments (
    user_id  TEXT NOT NULL REFERENCES users (id),
    year     INTEGER NOT NULL,
    grade    TEXT NOT NULL,
    set_by   TEXT NOT NULL REFERENCES users (id),
    set_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, year)
);

-- The level of an organisation for a year before xingqi was used, so 晋位升级 can be judged in
-- the first year.
CREATE TABLE baseline_levels (
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    year    INTEGER NOT NULL,
    level   TEXT NOT NULL,
    set_by  TEXT NOT NULL REFERENCES users (id),
    set_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

-- A level to reach by a deadline, set by the 总支.
CREATE TABLE rating_targets (
    id        TEXT PRIMARY KEY,
    org_id    TEXT NOT NULL REFERENCES organisations (id),
    level     TEXT NOT NULL,
    deadline  TEXT NOT NULL,                -- YYYY-MM-DD
    set_by    TEXT NOT NULL REFERENCES users (id),
    set_at    BIGINT NOT NULL
);
CREATE INDEX rating_targets_org ON rating_targets (org_id, deadline);

-- A closed year's rating of each branch, taken the first time it is read after the 总支 closed
-- the year (年度封存), so it reads the same forever; tied to that closing, so a reopened and
-- closed-again year takes a new one.
CREATE TABLE rating_snapshots (
    school_id  TEXT NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    branch_id  TEXT NOT NULL REFERENCES organisations (id),
    closed_at  BIGINT NOT NULL,
    rating     TEXT NOT NULL,
    taken_at   BIGINT NOT NULL,
    PRIMARY KEY (school_id, year, branch_id, closed_at)
);

-- Files and photos attached to an attested criterion's evidence (kept under the data folder).
CREATE TABLE rating_evidence_files (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    year          INTEGER NOT NULL,
    criterion     TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    uploaded_at   BIGINT NOT NULL
);
CREATE INDEX rating_evidence_files_of ON rating_evidence_files (org_id, year, criterion);
