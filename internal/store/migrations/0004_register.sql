-- The engagement register: the international work itself, its partners, and its money.

CREATE TABLE actors (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL, -- the name folded for finding the same actor again
    country TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    org_number TEXT,
    pic TEXT,
    website TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    UNIQUE (org_id, org_number),
    UNIQUE (org_id, pic)
);
CREATE INDEX actors_name ON actors (org_id, name_key);

CREATE TABLE engagements (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('project', 'membership', 'partnership', 'arena', 'programme_participation',
        'policy_influence', 'visit', 'mobility')),
    title TEXT NOT NULL,
    title_sort TEXT NOT NULL, -- the title in bokmål, folded, for sorting
    acronym TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    unit TEXT NOT NULL DEFAULT '',
    responsible_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    role_term_id BIGINT REFERENCES terms (id) ON DELETE SET NULL,
    form_term_id BIGINT REFERENCES terms (id) ON DELETE SET NULL,
    programme TEXT NOT NULL DEFAULT '',
    call_ref TEXT NOT NULL DEFAULT '',
    public BOOLEAN NOT NULL DEFAULT FALSE,
    example BOOLEAN NOT NULL DEFAULT FALSE,
    tags TEXT NOT NULL DEFAULT '[]',
    sdgs TEXT NOT NULL DEFAULT '[]',
    links TEXT NOT NULL DEFAULT '[]',
    fee_minor BIGINT NOT NULL DEFAULT 0,
    fee_currency TEXT NOT NULL DEFAULT '',
    decision_body TEXT NOT NULL DEFAULT '',
    decision_date TEXT,
    decision_case TEXT NOT NULL DEFAULT '',
    renewal_date TEXT,
    seats TEXT NOT NULL DEFAULT '[]',
    reviews TEXT NOT NULL DEFAULT '[]',
    search TEXT NOT NULL DEFAULT '', -- every searchable text, for full-text search
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX engagements_updated ON engagements (org_id, updated_at, id);
CREATE INDEX engagements_title ON engagements (org_id, title_sort, id);
CREATE INDEX engagements_start ON engagements (org_id, start_date, id);
CREATE INDEX engagements_kind ON engagements (org_id, kind, status);
CREATE INDEX engagements_responsible ON engagements (responsible_id);

CREATE TABLE engagement_external_ids (
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    scheme TEXT NOT NULL CHECK (scheme IN ('cordis', 'keep_eu', 'erasmus', 'eea_grants')),
    value TEXT NOT NULL,
    PRIMARY KEY (engagement_id, scheme),
    UNIQUE (org_id, scheme, value)
);

CREATE TABLE engagement_elements (
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    element_id BIGINT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (engagement_id, element_id)
);
CREATE INDEX engagement_elements_element ON engagement_elements (element_id);

CREATE TABLE engagement_partners (
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'associated', 'member', 'host', 'funder')),
    PRIMARY KEY (engagement_id, actor_id, role)
);
CREATE INDEX engagement_partners_actor ON engagement_partners (actor_id);

CREATE TABLE engagement_status_history (
    id {{id}},
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    at {{timestamp}} NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_label TEXT NOT NULL
);
CREATE INDEX engagement_status_history_engagement ON engagement_status_history (engagement_id, at);

CREATE TABLE money_lines (
    id {{id}},
    engagement_id BIGINT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('own_cash', 'own_hours', 'external_grant', 'membership_fee', 'co_financing')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL CHECK (currency IN ('NOK', 'EUR')),
    hours DOUBLE PRECISION NOT NULL DEFAULT 0,
    hourly_rate_minor BIGINT NOT NULL DEFAULT 0,
    funder_id BIGINT REFERENCES actors (id),
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX money_lines_engagement ON money_lines (engagement_id, year);
CREATE INDEX money_lines_funder ON money_lines (funder_id);

CREATE TABLE exchange_rates (
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    currency TEXT NOT NULL,
    nok DOUBLE PRECISION NOT NULL CHECK (nok > 0),
    PRIMARY KEY (org_id, year, currency)
);
