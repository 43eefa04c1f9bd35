-- The strategy as data: organisations, overarching plans, strategies and their element trees,
-- and the vocabularies of roles and working forms.
-- {{id}} and {{timestamp}} are the only words that differ between SQLite and PostgreSQL; the
-- migration runner fills them in. Public texts are JSON objects keyed by language ({"nb": …}).

CREATE TABLE organisations (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    vision TEXT NOT NULL DEFAULT '{}',
    org_number TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    nuts TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    demo_note TEXT,
    demo_source_url TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);

CREATE TABLE plans (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    period_start TEXT,
    period_end TEXT,
    adopted_by TEXT NOT NULL DEFAULT '{}',
    adopted_on TEXT,
    source_url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '{}',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    UNIQUE (org_id, slug)
);

CREATE TABLE plan_goals (
    id {{id}},
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE strategies (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    period_start TEXT,
    period_end TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'consultation', 'adopted', 'archived')),
    adopted_by TEXT NOT NULL DEFAULT '{}',
    adopted_on TEXT,
    case_number TEXT NOT NULL DEFAULT '',
    plan_id BIGINT REFERENCES plans (id) ON DELETE SET NULL,
    supersedes_id BIGINT REFERENCES strategies (id) ON DELETE SET NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    source_url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    UNIQUE (org_id, slug)
);

CREATE TABLE strategy_statements (
    strategy_id BIGINT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('shall_be', 'insight', 'context')),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (strategy_id, kind, position)
);

CREATE TABLE strategy_levels (
    id {{id}},
    strategy_id BIGINT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    plural TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (strategy_id, key)
);

CREATE TABLE elements (
    id {{id}},
    strategy_id BIGINT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    level_id BIGINT NOT NULL REFERENCES strategy_levels (id),
    parent_id BIGINT REFERENCES elements (id) ON DELETE CASCADE,
    code TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX elements_strategy ON elements (strategy_id, parent_id, position);

CREATE TABLE element_plan_goals (
    element_id BIGINT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    plan_goal_id BIGINT NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
    PRIMARY KEY (element_id, plan_goal_id)
);

CREATE TABLE element_links (
    from_id BIGINT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    to_id BIGINT NOT NULL REFERENCES elements (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('related', 'succeeds')),
    PRIMARY KEY (from_id, to_id, kind)
);

CREATE TABLE terms (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    vocabulary TEXT NOT NULL CHECK (vocabulary IN ('role', 'working_form')),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    UNIQUE (org_id, vocabulary, key)
);

CREATE TABLE strategy_terms (
    strategy_id BIGINT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    term_id BIGINT NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    description TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    PRIMARY KEY (strategy_id, term_id)
);
