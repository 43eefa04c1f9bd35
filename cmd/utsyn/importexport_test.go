package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// TestImportExportCommands: export the demo register, import it back (nothing changes), a dry
// run of the EU-grant sample, and a refused file with a non-zero exit that says why.
func TestImportExportCommands(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			if engine == "postgres" {
				if code, _, errOut := runUtsyn(t, noEnv, "migrate", "--db", dsn); code != 0 {
					t.Fatalf("migrate: %s", errOut)
				}
			}
			if code, _, errOut := runUtsyn(t, noEnv, "demo", "--db", dsn); code != 0 {
				t.Fatalf("demo: %s", errOut)
			}
			dir := t.TempDir()
			for _, f := range []string{"register.xlsx", "register.zip"} {
				out := filepath.Join(dir, f)
				code, stdout, errOut := runUtsyn(t, noEnv, "export", "--db", dsn, "--org", "rogaland", "--out", out)
				if code != 0 || !strings.Contains(stdout, "exported the register of rogaland to "+out) {
					t.Fatalf("export %s: exit %d\n%s%s", f, code, stdout, errOut)
				}
				// The flags may come after the file.
				code, stdout, errOut = runUtsyn(t, noEnv, "import", "--db", dsn, out, "--org", "rogaland")
				if code != 0 || !strings.Contains(stdout, "Stored.") || !strings.Contains(stdout, "engagements                       0         0        12") {
					t.Errorf("import %s: exit %d\n%s%s", f, code, stdout, errOut)
				}
			}

			// A dry run of the EU-grant sample: the summary, the notes with their places, exit 0.
			code, stdout, _ := runUtsyn(t, noEnv, "import", "--db", dsn, "--dry-run", "--format", "forskningsradet",
				"../../internal/importer/testdata/forskningsradet_sample.csv")
			for _, want := range []string{"format forskningsradet (dry run)", "Rows read: 42", "regional participations",
				"note  forskningsradet_sample.csv, row ", "has no county in the file", "Dry run: nothing was stored."} {
				if !strings.Contains(stdout, want) {
					t.Errorf("the dry run's summary lacks %q:\n%s", want, stdout)
				}
			}
			if code != 0 {
				t.Errorf("dry run: exit %d", code)
			}

			// A file with an error: exit 1, the error in its place, nothing stored.
			bad := filepath.Join(dir, "engagements.csv")
			os.WriteFile(bad, []byte("kind;status;title_nb;start\nproject;idea;Nytt;31.02.2024\n"), 0o644)
			code, stdout, errOut := runUtsyn(t, noEnv, "import", "--db", dsn, bad)
			if code != 1 || !strings.Contains(stdout, "error engagements.csv, row 2, column D (start): “31.02.2024” is not a date") ||
				!strings.Contains(stdout, "Nothing was stored") || !strings.Contains(errOut, "nothing was stored") {
				t.Errorf("a bad file: exit %d\n%s%s", code, stdout, errOut)
			}
		})
	}
}

func TestImportExportUsage(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "u.db")
	for _, args := range [][]string{
		{"import", "--db", dsn},
		{"import", "--db", dsn, "--format", "pdf", "x.csv"},
		{"export", "--db", dsn},
		{"export", "--db", dsn, "--format", "pdf", "--out", "x"},
	} {
		if code, _, _ := runUtsyn(t, noEnv, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runUtsyn(t, noEnv, "import", "--db", dsn, "finnes-ikke.csv"); code != 1 || !strings.Contains(errOut, "cannot read finnes-ikke.csv") {
		t.Errorf("a missing file: exit %d, %s", code, errOut)
	}
	// An empty database has no organisation to import into.
	f := filepath.Join(t.TempDir(), "engagements.csv")
	os.WriteFile(f, []byte("kind;status;title_nb\nproject;idea;X\n"), 0o644)
	if code, _, errOut := runUtsyn(t, noEnv, "import", "--db", dsn, f); code != 2 || !strings.Contains(errOut, "name one with --org") {
		t.Errorf("no organisation: exit %d, %s", code, errOut)
	}
}

func TestProgressBar(t *testing.T) {
	for _, tc := range []struct {
		p    importer.Progress
		want string
	}{
		{importer.Progress{Phase: "read", Fraction: 0, Rows: 0}, "[..........]   0 % reading, 0 rows"},
		{importer.Progress{Phase: "store", Fraction: 0.55, Rows: 1200}, "[######....]  55 % storing, 1200 rows"},
		{importer.Progress{Phase: "store", Fraction: 1, Rows: 2311}, "[##########] 100 % storing, 2311 rows"},
	} {
		if got := renderBar(tc.p, 10); got != tc.want {
			t.Errorf("renderBar(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
	if newProgressBar(&strings.Builder{}) != nil {
		t.Error("a bar for output that is not a terminal")
	}
}
