-- The roster, complete (issue 9, point 4): the seat on the branch committee (书记, 副书记, 委员;
-- `committee` stays its yes/no), whether the member is on the school's staff (教职工), and when
-- a probationary member became a full one (转正日期).
ALTER TABLE users ADD COLUMN committee_role TEXT;
ALTER TABLE users ADD COLUMN staff INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN full_date TEXT;
UPDATE users SET committee_role = 'member' WHERE committee = 1;
