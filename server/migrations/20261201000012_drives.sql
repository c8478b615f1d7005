-- The 争创活动 (issue 11): the campaign the seed plan runs, with its phases. One per organisation
-- that runs it: a school's 总支 for itself, or a bureau for every school below it (a school's
-- own takes precedence). The phases are a small document (domain::drive::Drive), checked as a
-- whole when saved; every change is in the audit log.
CREATE TABLE drives (
    org_id      TEXT PRIMARY KEY REFERENCES organisations (id),
    drive       TEXT NOT NULL,              -- JSON: title, years, phases
    updated_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  BIGINT NOT NULL
);
