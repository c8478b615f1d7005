-- Issue 13: each campaign's votes per (version, audience, question, choice), kept beside the
-- answers — one more row written in the transaction that stores an answer — so a bureau's
-- roll-up reads a few rows per campaign instead of every answer. Counts only: nothing here
-- names an answer, a code, a device, a person or a time (anonymity, issue 4). `xingqi recount
-- --check` recounts them from survey_choices and compares.
CREATE TABLE survey_counts (
    campaign_id  TEXT NOT NULL REFERENCES survey_campaigns (id),
    version      INTEGER NOT NULL,
    audience     TEXT NOT NULL,
    question     TEXT NOT NULL,
    choice       INTEGER NOT NULL,
    votes        BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, version, audience, question, choice)
);
