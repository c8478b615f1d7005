-- Issue 13: each activity's 应到 / 实到 / 请假 counts kept beside its records, so that a
-- bureau's roll-up over hundreds of schools reads one row per activity instead of every roll.
-- Rewritten from the activity's roll in the same transaction as every change to it
-- (app/src/activity/server/tally.rs); `xingqi recount --check` recomputes them all from the
-- raw records and compares. Filled at start-up for activities that have none (older data).
CREATE TABLE activity_tallies (
    activity_id  TEXT PRIMARY KEY REFERENCES activities (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    -- The China calendar year the activity starts in.
    year         INTEGER NOT NULL,
    -- 1: scheduled (not cancelled) and held (its roll taken): it counts in participation.
    counted      INTEGER NOT NULL,
    expected     INTEGER NOT NULL,
    present      INTEGER NOT NULL,
    excused      INTEGER NOT NULL
);
-- A branch's tallies (the branch page's recount, `xingqi recount`); a year's counted ones with
-- their counts in the index itself, so the roll-up never reads the table.
CREATE INDEX activity_tallies_org ON activity_tallies (org_id, year);
CREATE INDEX activity_tallies_rollup ON activity_tallies (year, counted, org_id, expected, present);
