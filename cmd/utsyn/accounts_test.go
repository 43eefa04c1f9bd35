package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

func TestUserAddAndTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "utsyn.db")
	if code, _, stderr := runUtsyn(t, noEnv, "demo", "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	add := func(stdin string, args ...string) (int, string, string) {
		var stdout, stderr syncBuffer
		code := run(context.Background(), append([]string{"user", "add", "--db", db}, args...), noEnv, strings.NewReader(stdin), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	tests := []struct {
		name, stdin string
		args        []string
		wantCode    int
		want        string
	}{
		{"admin", "et langt passord her\n", []string{"--org", "rogaland", "--role", "admin", "--email", "Admin@Example.org", "--password-stdin"}, 0, "added admin@example.org as admin of rogaland"},
		{"short password", "kort\n", []string{"--org", "rogaland", "--role", "reader", "--email", "x@example.org", "--password-stdin"}, 1, "between 12 and 256 characters"},
		{"unknown role", "et langt passord her\n", []string{"--org", "rogaland", "--role", "boss", "--email", "x@example.org", "--password-stdin"}, 2, "--role must be"},
		{"unknown organisation", "et langt passord her\n", []string{"--org", "oslo", "--role", "reader", "--email", "x@example.org", "--password-stdin"}, 1, `no organisation "oslo"`},
		{"not an address", "et langt passord her\n", []string{"--org", "rogaland", "--role", "reader", "--email", "x", "--password-stdin"}, 1, `"x" is not an e-mail address`},
		{"no --password-stdin", "", []string{"--org", "rogaland", "--role", "reader", "--email", "x@example.org"}, 2, "--password-stdin"},
		{"editor", "et annet langt passord\n", []string{"--org", "rogaland", "--role", "editor", "--email", "kari@example.org", "--password-stdin"}, 0, "added kari@example.org as editor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := add(tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, output %q %q; want exit %d saying %q", code, stdout, stderr, tt.wantCode, tt.want)
			}
		})
	}

	code, stdout, stderr := runUtsyn(t, noEnv, "token", "create", "--db", db, "--email", "kari@example.org", "--name", "skript", "--role", "reader", "--expires", "7d")
	secret := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(secret, auth.TokenPrefix) || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("token create: exit %d, stdout %q, stderr %q; want the token alone on stdout", code, stdout, stderr)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok, err := s.FindTokenByHash(context.Background(), auth.HashSecret(secret))
	if err != nil || tok.Name != "skript" || tok.Role != "reader" {
		t.Errorf("stored token %+v, %v", tok, err)
	}
	if code, _, stderr := runUtsyn(t, noEnv, "token", "create", "--db", db, "--email", "kari@example.org", "--name", "for mye", "--role", "admin"); code != 1 || !strings.Contains(stderr, "cannot be higher than the user's own (editor)") {
		t.Errorf("token above the user's role: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runUtsyn(t, noEnv, "token", "create", "--db", db, "--email", "kari@example.org", "--name", "x", "--role", "reader", "--expires", "5y"); code != 2 || !strings.Contains(stderr, "--expires") {
		t.Errorf("bad --expires: exit %d, %q", code, stderr)
	}
}

// serve --demo makes a demo administrator with a random password, shown once.
func TestDemoAdministrator(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"UTSYN_DB": filepath.Join(dir, "utsyn.db"), "UTSYN_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	waitForURL(t, &stderr, done)
	cancel()
	<-done
	out := stderr.String()
	i := strings.Index(out, "Password (shown only now): ")
	if i < 0 || !strings.Contains(out, demoAdmin) {
		t.Fatalf("no demo administrator announced:\n%s", out)
	}
	password := strings.TrimSpace(strings.SplitN(out[i+len("Password (shown only now): "):], "\n", 2)[0])
	if len(password) < 20 {
		t.Errorf("demo password %q is too short", password)
	}
	db, err := store.Open(context.Background(), env["UTSYN_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.FindUserByEmail(context.Background(), demoAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := auth.CheckPassword(u.PasswordHash, password); !ok || u.Memberships[0].Role != "admin" {
		t.Errorf("the printed password does not sign in the demo administrator")
	}
	if strings.Contains(u.PasswordHash, password) {
		t.Error("the password is stored in clear")
	}
}
