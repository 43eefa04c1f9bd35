-- Indexes for the register's list at 100,000 engagements (docs/PERFORMANCE.md).
--
-- A page of the list walks the index of its sort order and stops after 51 rows. The index of
-- the default order (the time of change) also carries the filters most lists use (kind,
-- status, public, the dates a year is checked against), so the walk skips the rows they leave
-- out without reading the table, and a capped count is read from the index alone; those of
-- the other orders carry kind, status and public. The start date is indexed as the list sorts
-- it (coalesce(start_date, ''), so that engagements without a date come last on both
-- engines); the index on the date itself sorted nothing. The indexes by kind and by programme
-- go on with the time of change, so that a list of one kind or one programme is read from
-- them in order, without a sort (the one by kind carries the other filters as well); the one
-- by programme also serves the list of programmes in
-- use, found one step along it at a time (RegisterChoices). The country of actors serves the
-- filter "a partner in this country".

DROP INDEX engagements_updated;
CREATE INDEX engagements_updated ON engagements (org_id, updated_at, id, kind, status, public, start_date, end_date);

DROP INDEX engagements_title;
CREATE INDEX engagements_title ON engagements (org_id, title_sort, id, kind, status, public);

DROP INDEX engagements_start;
CREATE INDEX engagements_start ON engagements (org_id, (coalesce(start_date, '')), id, kind, status, public);

DROP INDEX engagements_kind;
CREATE INDEX engagements_kind ON engagements (org_id, kind, updated_at, id, status, public, start_date, end_date);

CREATE INDEX actors_country ON actors (org_id, country);

CREATE INDEX engagements_programme ON engagements (org_id, programme, updated_at, id);
