-- A secretary's revision of a campaign that already has answers waits here for the school's
-- 总支 (issue 8, point 3): one pending request per campaign; approved, it becomes the next
-- version in survey_versions; every step is in the audit log.
CREATE TABLE survey_revision_requests (
    campaign_id TEXT PRIMARY KEY REFERENCES survey_campaigns (id),
    definition TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_by_name TEXT NOT NULL,
    requested_at BIGINT NOT NULL
);
