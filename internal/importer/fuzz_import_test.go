package importer_test

import (
	"context"
	"testing"

	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// FuzzRegisterCSV imports arbitrary CSV text as sheets of the register's format into the demo, in
// dry runs: the import must never fail as a system (only report problems), never store anything,
// and say where every problem is.
func FuzzRegisterCSV(f *testing.F) {
	db := storetest.Open(f, "sqlite")
	org := loadDemo(f, db, true)
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("engagements.csv", []byte("id;kind;status;title_nb;start;sdgs;public;cordis\n1;project;running;X;14.06.2023;9;ja;769303\n;Prosjekt;Idé;Ny;45091;;nei;\n"))
	f.Add("partners.csv", []byte("engagement;actor;role\n1;1;lead\nny;2;partner\n"))
	f.Add("money.csv", []byte("engagement;year;kind;amount;currency;hours;hourly_rate\n1;2024;own_hours;;NOK;1,5;900\n1;x;own_cash;-1;SEK;;\n"))
	f.Add("actors.csv", []byte("name;country;org_number;pic\nNy;Sverige;123;\nNy;SE;;\n"))
	f.Add("seats.csv", []byte("engagement;body;kind\n1;Styret;politisk\n"))
	before := snapshot(f, db)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" || len(name) > 100 {
			return
		}
		rep, err := importer.Import(context.Background(), db, org, who, []importer.File{{Name: name, Data: data}},
			importer.Options{DryRun: true, Now: today, Catalog: cat})
		if err != nil {
			t.Fatalf("the import failed as a system: %v", err)
		}
		if rep.Stored {
			t.Fatal("a dry run stored")
		}
		for _, p := range rep.Problems {
			if p.Key == "" || p.File == "" && p.Level == importer.LevelError && p.Key != "import.problem.mixed_formats" && p.Key != "import.problem.not_format" {
				t.Fatalf("a problem without its place or message: %+v", p)
			}
		}
	})
	if after := snapshot(f, db); len(after) != len(before) || after["engagements"] != before["engagements"] || after["audit_events"] != before["audit_events"] {
		f.Errorf("the fuzzed dry runs changed the database: %v → %v", before, after)
	}
}
