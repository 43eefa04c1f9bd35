-- Follow-up: status updates, milestones, indicators with targets and values, and the rules
-- that roll status and progress up the strategy tree.

ALTER TABLE engagements ADD COLUMN update_cadence TEXT NOT NULL DEFAULT '';
ALTER TABLE elements ADD COLUMN update_cadence TEXT NOT NULL DEFAULT '';
ALTER TABLE elements ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE strategies ADD COLUMN rollup_status TEXT NOT NULL DEFAULT 'worst';

-- A status update concerns an engagement or a strategy element (a measure, usually).
CREATE TABLE status_updates (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    engagement_id BIGINT REFERENCES engagements (id) ON DELETE CASCADE,
    element_id BIGINT REFERENCES elements (id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('on_track', 'at_risk', 'off_track', 'done')),
    narrative TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '[]',
    no_change BOOLEAN NOT NULL DEFAULT FALSE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_label TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    CHECK ((engagement_id IS NULL) <> (element_id IS NULL))
);
CREATE INDEX status_updates_engagement ON status_updates (engagement_id, date);
CREATE INDEX status_updates_element ON status_updates (element_id, date);
CREATE INDEX status_updates_org ON status_updates (org_id, date);

CREATE TABLE milestones (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    engagement_id BIGINT REFERENCES engagements (id) ON DELETE CASCADE,
    element_id BIGINT REFERENCES elements (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_on TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    CHECK ((engagement_id IS NULL) <> (element_id IS NULL))
);
CREATE INDEX milestones_org ON milestones (org_id, due_date);

CREATE TABLE indicators (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    element_id BIGINT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    unit TEXT NOT NULL DEFAULT '{}',
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    baseline DOUBLE PRECISION,
    baseline_period TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('manual', 'register', 'regional')),
    query TEXT NOT NULL DEFAULT '{}', -- for computed indicators: what to count or sum
    public BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX indicators_element ON indicators (element_id);

CREATE TABLE indicator_targets (
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period TEXT NOT NULL, -- a year, "2026", or a date precision the indicator uses
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, period)
);

-- Manual values. A revision adds a row and marks the one it replaces; the old value and the
-- reason stay.
CREATE TABLE indicator_values (
    id {{id}},
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    replaces_id BIGINT REFERENCES indicator_values (id),
    current BOOLEAN NOT NULL DEFAULT TRUE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_label TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX indicator_values_indicator ON indicator_values (indicator_id, period, current);

-- Regional participation in EU programmes (from the Research Council's EU-grant data and
-- CORDIS), which indicators can count: participations, coordinator roles and EUR granted.
CREATE TABLE regional_participations (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    source TEXT NOT NULL, -- forskningsradet, cordis
    project_id TEXT NOT NULL, -- the CORDIS project id
    acronym TEXT NOT NULL DEFAULT '',
    programme TEXT NOT NULL DEFAULT '',
    participant TEXT NOT NULL,
    participant_key TEXT NOT NULL, -- organisation number, PIC or folded name
    country TEXT NOT NULL DEFAULT '',
    county TEXT NOT NULL DEFAULT '', -- the Norwegian county number (2024 structure)
    nuts TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '', -- coordinator, participant, …
    year INTEGER,
    granted_eur_cents BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, source, project_id, participant_key)
);
CREATE INDEX regional_participations_county ON regional_participations (org_id, county, year);
