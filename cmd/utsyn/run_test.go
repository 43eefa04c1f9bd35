package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer that the server's goroutines and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// utsyn runs the command to completion and returns its exit code and output.
func runUtsyn(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	code := run(context.Background(), args, getenv, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runUtsyn(t, noEnv, "version")
	if code != 0 || !strings.HasPrefix(out, "utsyn ") || !strings.Contains(out, "schema") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestBadInvocations(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{"malformed --db", []string{"serve", "--db", "mysql://x", "--addr", "127.0.0.1:0"}, 1, "unsupported database"},
		{"unreachable PostgreSQL", []string{"serve", "--db", "postgres://u:pw@127.0.0.1:1/x?connect_timeout=2"}, 1, "cannot reach the database"},
		{"port in use", []string{"serve", "--db", filepath.Join(dir, "a.db"), "--addr", busy.Addr().String()}, 1, "cannot listen on " + busy.Addr().String() + ": address already in use"},
		{"bad address", []string{"serve", "--db", filepath.Join(dir, "b.db"), "--addr", "nonsense"}, 1, "cannot listen on nonsense"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runUtsyn(t, noEnv, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q, want it to say %q", stderr, tt.wantErr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace: %s", stderr)
			}
			if strings.Contains(stderr, "pw@") {
				t.Errorf("stderr shows the password: %s", stderr)
			}
		})
	}
}

// A database written by a newer Utsyn is refused, and the command says so.
func TestRefusesNewerDatabase(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkSchemaVersionForTest(context.Background(), store.SchemaVersion()+1); err != nil {
				t.Fatal(err)
			}
			db.Close()
			code, _, stderr := runUtsyn(t, noEnv, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
			if code != 1 || !strings.Contains(stderr, "newer than this utsyn") {
				t.Errorf("serve on a newer database: exit %d, %q", code, stderr)
			}
		})
	}
}

// On PostgreSQL the schema changes only through 'utsyn migrate'; serve refuses before it.
func TestPostgresNeedsMigrate(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("PostgreSQL not configured (" + storetest.PostgresEnv + ")")
	}
	dsn := storetest.DSN(t, "postgres")
	code, _, stderr := runUtsyn(t, noEnv, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "run 'utsyn migrate") {
		t.Fatalf("serve before migrate: exit %d, %q", code, stderr)
	}
	code, out, stderr := runUtsyn(t, noEnv, "migrate", "--db", dsn)
	if code != 0 || !strings.Contains(out, "applied 0001_strategy") {
		t.Fatalf("migrate: exit %d, %q %q", code, out, stderr)
	}
	code, out, _ = runUtsyn(t, noEnv, "demo", "--db", dsn)
	if code != 0 || !strings.Contains(out, "loaded the demo data set") {
		t.Fatalf("demo: exit %d, %q", code, out)
	}
	code, out, _ = runUtsyn(t, noEnv, "demo", "--db", dsn)
	if code != 0 || !strings.Contains(out, "nothing changed") {
		t.Fatalf("second demo: exit %d, %q", code, out)
	}
}

// serve --demo starts, answers, and stops cleanly on a signal (here: its context ends).
func TestServeDemoAndShutdown(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"UTSYN_DB": filepath.Join(dir, "utsyn.db"), "UTSYN_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	url := waitForURL(t, &stderr, done)
	for path, want := range map[string]int{"healthz": 200, "readyz": 200, "nb/rogaland": 200, "nb/rogaland/strategi/internasjonal-strategi": 200} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET /%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(stderr.String(), "stopped") {
			t.Errorf("after shutdown: exit %d, log %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of its signal")
	}
}

var readyURL = regexp.MustCompile(`msg=ready url=(http://\S+)`)

func waitForURL(t *testing.T, log *syncBuffer, done chan int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := readyURL.FindStringSubmatch(log.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not get ready: %s", log.String())
	return ""
}
