-- The register's list filtered by a year checks each engagement's start and end dates. The
-- index of the default order carries them (step 9); those of the lists sorted by title and by
-- start date did not, so a list sorted so and filtered by a year read the table for every entry
-- it walked past: at 100,000 engagements a year sorted by start date took 131 ms, a kind,
-- status and year sorted by title 20-35 ms (docs/PERFORMANCE.md). With the dates in them the
-- walk reads the index alone, and the start date's index, sorted as the list is, also serves
-- the year's "started by the end of it" as a range (ListEngagements).
DROP INDEX engagements_title;
CREATE INDEX engagements_title ON engagements (org_id, title_sort, id, kind, status, public, start_date, end_date);

DROP INDEX engagements_start;
CREATE INDEX engagements_start ON engagements (org_id, (coalesce(start_date, '')), id, kind, status, public, end_date);

ANALYZE engagements;
