-- How an answer was let in: 'code' (a one-time code, one per person it was handed to) or 'open'
-- (the open link, which no one can attribute). Shown apart wherever figures are shown, so a
-- reader sees how much of a rate rests on answers nobody can attribute. NULL for answers stored
-- before this column existed. A coarse category shared by many answers: it names nobody.
ALTER TABLE survey_answers ADD COLUMN via TEXT;
