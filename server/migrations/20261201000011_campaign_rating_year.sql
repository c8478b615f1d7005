-- The rating year a survey campaign's figures count for, when its organiser chose one; NULL:
-- the year its period names, else the year it closes (domain::time::year_named).
ALTER TABLE survey_campaigns ADD COLUMN rating_year INTEGER;
