-- Full-text search of the register on PostgreSQL: a tsvector in Norwegian (stemmed) and in
-- English and simple (unstemmed) forms, so names and acronyms are found as written.
ALTER TABLE engagements ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('norwegian', search) || to_tsvector('english', search) || to_tsvector('simple', search)
) STORED;
CREATE INDEX engagements_search ON engagements USING GIN (search_tsv);
