-- Closing a year (年度封存, issue 9, point 6): once the 总支 closes a year, that year's records
-- are refused any change and its figures are read from the snapshot taken at the close; the
-- 总支 may reopen it with a reason. A row in year_closures means the year is closed.
CREATE TABLE year_closures (
    school_id  TEXT NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    closed_at  BIGINT NOT NULL,
    closed_by  TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (school_id, year)
);

-- Each branch's figures of a closed year as they stood at the close (JSON), redone when the
-- year is closed again.
CREATE TABLE year_snapshots (
    school_id  TEXT NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    branch_id  TEXT NOT NULL REFERENCES organisations (id),
    figures    TEXT NOT NULL,
    taken_at   BIGINT NOT NULL,
    PRIMARY KEY (school_id, year, branch_id)
);

-- Every close and reopen, with who, when and why: the year's trail.
CREATE TABLE year_trail (
    id         TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES organisations (id),
    year       INTEGER NOT NULL,
    act        TEXT NOT NULL,      -- 'close' | 'reopen'
    reason     TEXT NOT NULL,
    by_user    TEXT NOT NULL REFERENCES users (id),
    at         BIGINT NOT NULL
);
CREATE INDEX year_trail_school ON year_trail (school_id, year, at);
