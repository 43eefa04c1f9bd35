// Package store keeps Utsyn's records in SQLite (the default, embedded) or PostgreSQL (when
// several application servers share one database). Both engines run the same migrations and
// the same handwritten SQL with $N placeholders; the few differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/utsyn/utsyn"
)

// DB is an open database. It is safe for concurrent use.
type DB struct {
	dialect dialect
	read    *sql.DB // queries
	write   *sql.DB // transactions that change data; one connection on SQLite
	dsn     string
	now     func() time.Time
	// stmts caches prepared read statements by their SQL: parsing a query costs SQLite more
	// than running the small ones a page needs.
	stmts     sync.Map // string → *sql.Stmt
	cached    atomic.Int64
	registers registerCache // what the register's lists read (ListEngagements)
	// Work the store does in the background (reading a register's index) runs in life, which
	// Close ends, and Close waits for it.
	life       context.Context
	stop       context.CancelFunc
	background sync.WaitGroup
}

// Open opens the database that dsn names: a postgres:// (or postgresql://) URL, or the path
// of an SQLite file, created when missing. It checks that the database answers, but leaves the
// schema alone: see Migrate and CheckSchema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{dsn: dsn, now: func() time.Time { return time.Now().UTC() }}
	db.life, db.stop = context.WithCancel(context.Background())
	switch {
	case dsn == "":
		return nil, errors.New("no database given: use --db with a file path or a postgres:// URL")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return nil, fmt.Errorf("malformed PostgreSQL URL in --db: %v", redact(err))
		}
		db.dialect = postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("malformed PostgreSQL URL in --db: %v", redact(err))
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(20)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = pool, pool
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("unsupported database %q: use a file path for SQLite or a postgres:// URL", redactURL(dsn))
	default:
		db.dialect = sqlite
		var err error
		if db.write, err = sql.Open("sqlite", sqliteDSN(dsn, true)); err != nil {
			return nil, fmt.Errorf("open SQLite %s: %w", dsn, err)
		}
		// SQLite takes one writer at a time; one connection makes writers queue in Go
		// instead of failing with SQLITE_BUSY, while readers run beside it (WAL).
		db.write.SetMaxOpenConns(1)
		if db.read, err = sql.Open("sqlite", sqliteDSN(dsn, false)); err != nil {
			return nil, fmt.Errorf("open SQLite %s: %w", dsn, err)
		}
		db.read.SetMaxOpenConns(8)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database %s: %v", db.Describe(), redact(err))
	}
	return db, nil
}

func sqliteDSN(path string, writer bool) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	if writer {
		// BEGIN IMMEDIATE takes the write lock at the start, so a transaction never fails
		// half-way because another connection wrote first.
		q += "&_txlock=immediate"
	} else {
		// Readers map the file (up to 256 MB) instead of copying each page they read: on a
		// register of 100,000 a search page spent a third of its time in pread (11.6 ms a page
		// before, 7.8 ms after; docs/PERFORMANCE.md).
		q += "&_pragma=query_only(1)&_pragma=mmap_size(268435456)"
	}
	return "file:" + escaped + "?" + q
}

// Close closes the database.
func (db *DB) Close() error {
	db.registers.mu.Lock()
	db.stop() // no reading starts after this: listIndexAt starts them under the same lock
	db.registers.mu.Unlock()
	db.background.Wait()
	db.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Engine names the engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return string(db.dialect) }

// Describe names the database without secrets, for logs and messages.
func (db *DB) Describe() string {
	if db.dialect == postgres {
		return redactURL(db.dsn)
	}
	return "SQLite " + db.dsn
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Tx is a transaction that changes data. Every write method of the store runs in one, so a
// change is stored whole or not at all.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	now   time.Time
	actor *utsyn.Principal // whom the audit trail credits; nil for the system
}

// Update runs fn in a transaction and commits it when fn returns nil; on an error or a panic
// nothing fn did is kept.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(&Tx{tx: sqlTx, db: db, now: db.now()}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// redact removes a password from an error that may quote the connection string.
func redact(err error) string {
	s := err.Error()
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.Index(s[i:], "@"); j >= 0 {
			if k := strings.Index(s[i+3:i+j], ":"); k >= 0 {
				s = s[:i+3+k+1] + "xxxxx" + s[i+j:]
			}
		}
	}
	return s
}

func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(malformed URL)"
	}
	return u.Redacted()
}

// notFound is the error for a missing record of the given kind.
func notFound(kind string) error {
	return &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found." + kind}
}

// Count returns the number of rows in a table, for tests and diagnostics.
func (db *DB) Count(ctx context.Context, table string) (int, error) {
	for _, c := range table {
		if (c < 'a' || c > 'z') && c != '_' {
			return 0, fmt.Errorf("count: bad table name %q", table)
		}
	}
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n)
	return n, err
}

// reader runs reads on the read pool through cached prepared statements.
//
// SQLite (built with STAT4, as modernc's is) prepares a statement again at every run when a
// parameter is compared bare to an indexed column that ANALYZE has sampled: the plan may depend
// on the value. The register's lists want that; a lookup by a unique key (an organisation's
// slug, a session's hash, the newest event of an organisation) does not, and writes its
// parameter cast, CAST($1 AS TEXT), which the planner does not look into: FindOrganisation
// took 52 µs, 18 µs so, at 100,000 engagements.
type reader struct{ db *DB }

// maxCachedStatements bounds the statement cache: queries built with values in their text
// (lists of ids) would otherwise fill it without end. Past the bound, queries run unprepared.
const maxCachedStatements = 512

func (r reader) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := r.db.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if r.db.cached.Load() >= maxCachedStatements {
		return nil, errNotCached
	}
	st, err := r.db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := r.db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	r.db.cached.Add(1)
	return st, nil
}

var errNotCached = errors.New("statement cache full")

func (r reader) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.db.read.ExecContext(ctx, query, args...)
}

func (r reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return r.db.read.QueryContext(ctx, query, args...) // carries the same error, or runs unprepared
	}
	return st.QueryContext(ctx, args...)
}

func (r reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, query)
	if err != nil {
		return r.db.read.QueryRowContext(ctx, query, args...) // carries the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// reads returns the reader for db.
func (db *DB) reads() reader { return reader{db} }
