-- Issue 4: satisfaction surveys (满意度测评).
--
-- Anonymity is a property of this schema: nothing in survey_answers or survey_choices names a
-- person, an invite code, a device, an address or a time. An answer's key is a SHA-256 of the
-- phone's record id (a UUIDv7 carries its creation time; its hash does not), so a retried
-- answer is still recognised and stored once.

CREATE TABLE survey_campaigns (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    title       TEXT NOT NULL,
    period      TEXT NOT NULL,
    -- Calendar days in China Standard Time, YYYY-MM-DD, both inclusive.
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    -- The definition answers are given under now (see survey_versions).
    version     INTEGER NOT NULL,
    -- The open link's token, or NULL when the campaign has no open link.
    open_token  TEXT UNIQUE,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX survey_campaigns_org ON survey_campaigns (org_id);

-- Each version of a campaign's definition (audiences, questions, scale, convention), as JSON;
-- never changed once written.
CREATE TABLE survey_versions (
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns (id),
    version      INTEGER NOT NULL,
    definition   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

-- One-time codes (printed slips and personal links). `used` flips once, in the transaction
-- that stores the answer; no time and no answer is recorded with it.
CREATE TABLE survey_invites (
    code_hash    TEXT PRIMARY KEY,
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns (id),
    audience     TEXT NOT NULL,
    -- The printable code, kept so that a lost sheet can be printed again.
    code         TEXT NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_invites_campaign ON survey_invites (campaign_id);

-- Devices that have answered through a campaign's open link: a SHA-256 of a random cookie,
-- for the one-answer-per-device limit. Nothing joins it to the answer.
CREATE TABLE survey_open_uses (
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns (id),
    device_hash  TEXT NOT NULL,
    PRIMARY KEY (campaign_id, device_hash)
);

CREATE TABLE survey_answers (
    id_hash      TEXT PRIMARY KEY,
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns (id),
    version      INTEGER NOT NULL,
    audience     TEXT NOT NULL,
    comment      TEXT,
    -- SHA-256 of the answer's content, to tell a retry (same content) from a conflict.
    content_hash TEXT NOT NULL
);
CREATE INDEX survey_answers_campaign ON survey_answers (campaign_id, version, audience);

CREATE TABLE survey_choices (
    answer_id    TEXT NOT NULL REFERENCES survey_answers (id_hash),
    question     TEXT NOT NULL,
    choice       INTEGER NOT NULL,
    PRIMARY KEY (answer_id, question)
);
