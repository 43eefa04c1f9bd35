// Package storetest opens real databases for tests: a fresh SQLite file always, and a fresh
// PostgreSQL schema when UTSYN_TEST_POSTGRES names a database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/utsyn/utsyn/internal/store"
)

// PostgresEnv names the variable that points the tests at a PostgreSQL database.
const PostgresEnv = "UTSYN_TEST_POSTGRES"

var sayOnce sync.Once

// Engines returns the engines the suite runs on: "sqlite" always, "postgres" when configured.
// Without PostgreSQL it says so once, plainly, in the test log.
func Engines(t testing.TB) []string {
	if os.Getenv(PostgresEnv) == "" {
		sayOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "storetest: %s is not set: PostgreSQL was SKIPPED, only SQLite was tested\n", PostgresEnv)
		})
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// Each runs fn once per engine as a subtest, each with a new, migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine)) })
	}
}

// Open returns a new, migrated, empty database on the engine, removed when the test ends.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	dsn := DSN(t, engine)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// DSN returns the address of a new, empty database on the engine, without migrating it: a
// file in the test's temporary directory, or a PostgreSQL schema of its own (dropped at the
// end) selected through search_path.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "utsyn.db")
	case "postgres":
		base := os.Getenv(PostgresEnv)
		if base == "" {
			t.Fatalf("%s is not set", PostgresEnv)
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "test_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			admin.Close()
			t.Fatalf("postgres: create schema: %v", err)
		}
		t.Cleanup(func() {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("%s: %v", PostgresEnv, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}
