-- Issue 3: roster imports checked before anything is stored. The checked rows wait here for
-- the secretary's confirmation; confirming stores all of them in one transaction, or none.
CREATE TABLE roster_imports (
    id            TEXT PRIMARY KEY,
    branch_id     TEXT NOT NULL REFERENCES organisations (id),
    file_name     TEXT NOT NULL,
    rows_json     TEXT NOT NULL,
    ok            INTEGER NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    committed_at  BIGINT
);
