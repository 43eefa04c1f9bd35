-- Full-text search of the register on SQLite: an FTS5 index over engagements.search, kept in
-- step by triggers. remove_diacritics folds é and å; ø and æ are kept as they are.
CREATE VIRTUAL TABLE engagements_fts USING fts5(search, content='engagements', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER engagements_fts_insert AFTER INSERT ON engagements BEGIN
    INSERT INTO engagements_fts (rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER engagements_fts_delete AFTER DELETE ON engagements BEGIN
    INSERT INTO engagements_fts (engagements_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER engagements_fts_update AFTER UPDATE OF search ON engagements BEGIN
    INSERT INTO engagements_fts (engagements_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO engagements_fts (rowid, search) VALUES (new.id, new.search);
END;
