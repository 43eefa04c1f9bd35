package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoSynthetic(t *testing.T) {
	db := filepath.Join(t.TempDir(), "utsyn.db")
	code, out, errOut := runUtsyn(t, noEnv, "demo", "--db", db, "--synthetic", "50", "--orgs", "2", "--seed", "9")
	if code != 0 || !strings.Contains(out, "loaded the demo data set") || !strings.Contains(out, "added 50 synthetic engagements") ||
		!strings.Contains(out, "syntetisk-9-1 … syntetisk-9-2") || !strings.Contains(errOut, "synthetic: 50/50 engagements") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = runUtsyn(t, noEnv, "demo", "--db", db, "--synthetic", "50", "--orgs", "2", "--seed", "9")
	if code != 0 || !strings.Contains(out, "nothing changed (another --seed adds another)") {
		t.Errorf("again: exit %d, %s", code, out)
	}
	for _, args := range [][]string{{"--synthetic", "-1"}, {"--synthetic", "3", "--orgs", "4"}, {"--orgs", "2000"}} {
		if code, _, _ := runUtsyn(t, noEnv, append([]string{"demo", "--db", db}, args...)...); code != 2 {
			t.Errorf("demo %v: exit %d, want 2", args, code)
		}
	}
}
