package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered step of the schema. A step may have a file per engine
// (0007_x.sqlite.sql, 0007_x.postgres.sql) where the engines must differ.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the steps for the dialect in order.
func (d dialect) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		if other, ok := strings.CutSuffix(name, "."+string(d)); ok {
			name = other
		} else if strings.Contains(name, ".") {
			continue // a step for the other engine
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		if _, dup := byVersion[v]; dup {
			return nil, fmt.Errorf("migration %d: two files for one engine", v)
		}
		byVersion[v] = migration{version: v, name: name, sql: d.expand(string(b))}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %d is missing", i+1)
		}
	}
	return out, nil
}

// SchemaVersion returns the schema version this binary is built for.
func SchemaVersion() int {
	ms, err := sqlite.migrations()
	if err != nil {
		panic(err) // the embedded files are part of the binary: a test catches this
	}
	return len(ms)
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// CurrentVersion returns the schema version of the database: 0 when it has none yet.
func (db *DB) CurrentVersion(ctx context.Context) (int, error) {
	var exists bool
	var q string
	if db.dialect == postgres {
		q = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	} else {
		q = `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	}
	if err := db.read.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// SchemaError says that the database's schema does not match the binary.
type SchemaError struct {
	Database, Binary int
}

func (e *SchemaError) Error() string {
	if e.Database > e.Binary {
		return fmt.Sprintf("the database schema is at version %d, newer than this utsyn's %d: it was written by a newer utsyn; upgrade utsyn", e.Database, e.Binary)
	}
	return fmt.Sprintf("the database schema is at version %d and this utsyn needs version %d: run 'utsyn migrate --db ...' first", e.Database, e.Binary)
}

// CheckSchema returns a *SchemaError unless the database's schema is the binary's.
func (db *DB) CheckSchema(ctx context.Context) error {
	v, err := db.CurrentVersion(ctx)
	if err != nil {
		return err
	}
	if want := SchemaVersion(); v != want {
		return &SchemaError{Database: v, Binary: want}
	}
	return nil
}

// Migrate brings the schema up to the binary's version, one transaction per step, and
// returns the steps it applied. It refuses a database that is newer than the binary.
// Several servers may start at once on PostgreSQL: an advisory lock lets one migrate.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	ms, err := db.dialect.migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	if v, err := db.CurrentVersion(ctx); err != nil {
		return nil, err
	} else if v > len(ms) {
		return nil, &SchemaError{Database: v, Binary: len(ms)}
	}
	for _, m := range ms {
		done := false
		err := db.Update(ctx, func(tx *Tx) error {
			if db.dialect == postgres {
				if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7487620)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				done = true
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, tx.now.Format("2006-01-02T15:04:05Z"))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if !done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}

// MarkSchemaVersionForTest records a schema version as applied without running it, as a newer
// Utsyn would have left it. Only tests use it.
func (db *DB) MarkSchemaVersionForTest(ctx context.Context, version int) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		version, fmt.Sprintf("%04d_from_the_future", version), "2099-01-01T00:00:00Z")
	return err
}
