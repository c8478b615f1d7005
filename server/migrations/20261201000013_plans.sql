-- The annual plan (年度争创方案, issue 11 point 2) of a branch or of a 总支: its words (problems,
-- target level, rectification tasks, 党员发展计划) as a versioned JSON document the 总支
-- approves; each task's status and dated progress notes beside it, changing without a new
-- approval. Every saved version is kept, so a plan changed after its approval keeps its history.
CREATE TABLE plans (
    org_id            TEXT NOT NULL REFERENCES organisations (id),
    year              INTEGER NOT NULL,
    state             TEXT NOT NULL,            -- 'draft' | 'submitted' | 'approved' | 'returned'
    version           INTEGER NOT NULL,         -- the current words' version
    approved_version  INTEGER,                  -- the version the 总支 approved last
    comment           TEXT NOT NULL DEFAULT '', -- the 总支's, when it returned the plan
    updated_by        TEXT NOT NULL REFERENCES users (id),
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE plan_versions (
    org_id    TEXT NOT NULL REFERENCES organisations (id),
    year      INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    content   TEXT NOT NULL,                    -- JSON: domain::plan::PlanContent
    saved_by  TEXT NOT NULL REFERENCES users (id),
    saved_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, version)
);

-- Every step: saved, submitted, approved, returned, a task's status changed.
CREATE TABLE plan_trail (
    id       TEXT PRIMARY KEY,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    year     INTEGER NOT NULL,
    act      TEXT NOT NULL,
    note     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    by_user  TEXT NOT NULL REFERENCES users (id),
    at       BIGINT NOT NULL
);
CREATE INDEX plan_trail_org ON plan_trail (org_id, year, at);

CREATE TABLE plan_task_status (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    year        INTEGER NOT NULL,
    task_id     TEXT NOT NULL,
    status      TEXT NOT NULL,                  -- 'not_started' | 'in_progress' | 'done'
    updated_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, year, task_id)
);

-- A dated progress note of a task, with links to the organisation's own activity records.
CREATE TABLE plan_progress (
    id       TEXT PRIMARY KEY,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    year     INTEGER NOT NULL,
    task_id  TEXT NOT NULL,
    on_day   TEXT NOT NULL,                     -- YYYY-MM-DD
    note     TEXT NOT NULL,
    links    TEXT NOT NULL,                     -- JSON array of activity ids
    by_user  TEXT NOT NULL REFERENCES users (id),
    at       BIGINT NOT NULL
);
CREATE INDEX plan_progress_task ON plan_progress (org_id, year, task_id, on_day);
