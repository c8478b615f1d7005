-- Photos (and documents) as evidence of a plan task's progress (issue 11 point 2), kept under
-- the data folder like the rating's evidence files and read by whoever reads the plan.
CREATE TABLE plan_photos (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    year          INTEGER NOT NULL,
    task_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    uploaded_at   BIGINT NOT NULL
);
CREATE INDEX plan_photos_task ON plan_photos (org_id, year, task_id);
