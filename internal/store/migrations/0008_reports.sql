-- Reports. published_reports says which annual reports an editor has put on the public pages.
-- A published report stores no figures: the public page renders it again from published data
-- only (see internal/report), so nothing internal can reach it, now or after a record is made
-- internal.

CREATE TABLE published_reports (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    period_from TEXT NOT NULL, -- YYYY-MM-DD
    period_to TEXT NOT NULL,   -- YYYY-MM-DD, inclusive
    form TEXT NOT NULL CHECK (form IN ('political')),
    published_by TEXT NOT NULL,
    published_at {{timestamp}} NOT NULL,
    UNIQUE (org_id, period_from, period_to, form)
);

-- A report counts the engagements that ran in a period, with their money of the period's years:
-- at 100,000 engagements these two indexes let it read both from the index alone, without a
-- lookup in the table per row.
CREATE INDEX engagements_report ON engagements (org_id, status, start_date, end_date, kind, public, title_sort, id);
CREATE INDEX money_lines_report ON money_lines (engagement_id, year, kind, currency, amount_minor, id);
