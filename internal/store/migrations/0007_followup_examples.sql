-- Follow-up, second step: a target the sources do not give (the demo's, say) is marked as an
-- example, so that a page never passes it off as the organisation's own.

ALTER TABLE indicator_targets ADD COLUMN example BOOLEAN NOT NULL DEFAULT FALSE;
