package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// today is the day the tests import on: a signed project that ended before it is completed.
var today = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }

func run(t *testing.T, db *store.DB, org *utsyn.Organisation, opt importer.Options, files ...importer.File) *importer.Report {
	t.Helper()
	if opt.Now == nil {
		opt.Now = today
	}
	rep, err := importer.Import(context.Background(), db, org, who, files, opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

func file(t *testing.T, path string) importer.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: path[strings.LastIndex(path, "/")+1:], Data: b}
}

// snapshot is every row of the tables an import writes, to show that a failed import or a dry
// run leaves the database exactly as it was.
func snapshot(t testing.TB, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"engagements", "actors", "money_lines", "engagement_partners", "engagement_elements",
		"engagement_external_ids", "engagement_status_history", "regional_participations", "audit_events"} {
		n, err := db.Count(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func problems(rep *importer.Report, level importer.Level) []string {
	cat, _ := i18n.Load()
	var out []string
	for _, p := range rep.Problems {
		if p.Level == level {
			out = append(out, p.Where(cat, i18n.EN)+": "+p.Message(cat, i18n.EN))
		}
	}
	return out
}

func wantCount(t *testing.T, rep *importer.Report, entity string, want importer.Count) {
	t.Helper()
	if got := rep.Count(entity); got != want {
		t.Errorf("%s: %+v, want %+v", entity, got, want)
	}
}

// TestForskningsradet imports the sample of the Research Council's file into an organisation
// with an empty register: every row becomes regional data, and the council's own projects
// become engagements; importing again changes nothing.
func TestForskningsradet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := newOrg(t, db)
		sample := file(t, "testdata/forskningsradet_sample.csv")
		rep := run(t, db, org, importer.Options{}, sample)
		if !rep.Stored || rep.HasErrors() || rep.Format != importer.FormatForskningsradet || rep.RowsRead != 42 {
			t.Fatalf("stored %v, format %s, %d rows, errors %q", rep.Stored, rep.Format, rep.RowsRead, problems(rep, importer.LevelError))
		}
		wantCount(t, rep, importer.EntityParticipation, importer.Count{Created: 42})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Created: 2})
		notes := strings.Join(problems(rep, importer.LevelNote), "\n")
		for _, want := range []string{
			"has no organisation number in the file",
			"has no county in the file",
			"Project 101030479 has no start date in the file; its year is taken from the date of the contract (2021)",
			"forskningsradet_sample.csv, row ", ", column AO (Adresse fylkenummer)",
		} {
			if !strings.Contains(notes, want) {
				t.Errorf("the notes lack %q:\n%s", want, notes)
			}
		}

		ctx := context.Background()
		var tram *utsyn.Engagement
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			if e.ExternalIDs["cordis"] == "769303" {
				tram, _ = db.FindEngagement(ctx, org.ID, e.ID)
			}
		}
		if tram == nil || tram.Acronym != "TrAM" || tram.Status != utsyn.StatusCompleted || tram.Start.String() != "2018-09-01" ||
			tram.End.String() != "2022-08-31" || tram.Programme != "Horizon 2020" || tram.Call != "MG-2.4-2017" {
			t.Fatalf("TrAM: %+v", tram)
		}
		if len(tram.Partners) != 6 {
			t.Errorf("TrAM has %d partners, want the 6 other Norwegian participants", len(tram.Partners))
		}
		lines, err := db.ListMoneyLines(ctx, org.ID, tram.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, l := range lines {
			sum += l.Amount.Minor
			if l.Kind != utsyn.MoneyExternalGrant || l.Amount.Currency != "EUR" || l.FunderID == 0 {
				t.Errorf("a grant line: %+v", l)
			}
		}
		if sum != 85912500 || len(lines) != 5 {
			t.Errorf("TrAM's grant: %d cents in %d lines, want EUR 859 125 over 2018–2022", sum, len(lines))
		}

		before := snapshot(t, db)
		rep = run(t, db, org, importer.Options{}, sample)
		wantCount(t, rep, importer.EntityParticipation, importer.Count{Unchanged: 42})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 2})
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Errorf("importing twice changed the database: %v → %v", before, after)
		}
	})
}

// loadDemo loads the demo (with its register, when asked) into db.
func loadDemo(t testing.TB, db *store.DB, withRegister bool) *utsyn.Organisation {
	t.Helper()
	load := demo.LoadStrategy
	if withRegister {
		load = demo.Load
	}
	if _, err := load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrganisation(context.Background(), demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// newOrg is an organisation with the demo's organisation number and an empty register.
func newOrg(t *testing.T, db *store.DB) *utsyn.Organisation {
	t.Helper()
	org := &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("Rogaland fylkeskommune", ""), OrgNumber: "971045698", Country: "NO"}
	if err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateOrganisation(context.Background(), org) }); err != nil {
		t.Fatal(err)
	}
	return org
}

// TestForskningsradetOnTheDemo imports the whole file into the demo, whose register has TrAM and
// Triangulum already and which loads the file's regional data itself: nothing is duplicated.
func TestForskningsradetOnTheDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := loadDemo(t, db, true)
		before := snapshot(t, db)
		if before["regional_participations"] != 2311 {
			t.Fatalf("the demo has %d regional participations, want the file's 2,311", before["regional_participations"])
		}
		rep := run(t, db, org, importer.Options{}, file(t, fullRCN))
		wantCount(t, rep, importer.EntityParticipation, importer.Count{Unchanged: 2311})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 2})
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Errorf("the import changed the demo: %v → %v", before, after)
		}
		// Rogaland's figures, as the indicators count them: participations in county 11 per year.
		rows, err := db.Count(context.Background(), "regional_participations")
		if err != nil || rows != 2311 {
			t.Fatal(rows, err)
		}
	})
}

// TestForskningsradetForms reads the file as CRLF, with a byte-order mark and as Latin-1, and
// stores the same each time.
func TestForskningsradetForms(t *testing.T) {
	sample := file(t, "testdata/forskningsradet_sample.csv")
	latin1, err := charmap.Windows1252.NewEncoder().Bytes(sample.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		note string
	}{
		{"CRLF", bytes.ReplaceAll(sample.Data, []byte("\n"), []byte("\r\n")), ""},
		{"byte-order mark", append([]byte("\uFEFF"), sample.Data...), ""},
		{"Latin-1", latin1, "was read as Windows-1252"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t, "sqlite")
			org := newOrg(t, db)
			rep := run(t, db, org, importer.Options{}, importer.File{Name: "rcn.csv", Data: tc.data})
			wantCount(t, rep, importer.EntityParticipation, importer.Count{Created: 42})
			notes := strings.Join(problems(rep, importer.LevelNote), "\n")
			if tc.note != "" && !strings.Contains(notes, tc.note) {
				t.Errorf("no note %q:\n%s", tc.note, notes)
			}
			// The Sámi county name and the split county are read alike.
			err := db.Update(context.Background(), func(tx *store.Tx) error {
				ps, err := tx.RegionalParticipations(context.Background(), org.ID, importer.SourceForskningsradet)
				for _, p := range ps {
					if p.Participant == "SINTEF AS" && p.ProjectID == "951956" && (p.County != "50" || p.NUTS != "NO060" || p.GrantedEURCents != 351820275) {
						t.Errorf("SINTEF in Change2Twin: %+v", p)
					}
					if p.ProjectID == "883188" && p.Participant == "SINTEF AS" && p.GrantedEURCents != 62620000 {
						t.Errorf("the float noise was not rounded: %+v", p)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDryRunWritesNothing: a dry run reports what the import would do, and leaves the
// database exactly as it was.
func TestDryRunWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := newOrg(t, db)
		before := snapshot(t, db)
		dry := run(t, db, org, importer.Options{DryRun: true}, file(t, "testdata/forskningsradet_sample.csv"))
		if dry.Stored || !dry.DryRun {
			t.Fatal("the dry run stored")
		}
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Fatalf("the dry run wrote: %v → %v", before, after)
		}
		real := run(t, db, org, importer.Options{}, file(t, "testdata/forskningsradet_sample.csv"))
		for _, e := range importer.Entities {
			if dry.Count(e) != real.Count(e) {
				t.Errorf("%s: the dry run said %+v, the import did %+v", e, dry.Count(e), real.Count(e))
			}
		}
	})
}

// TestFailureHalfWay: a failure after some rows are stored leaves the database exactly as it
// was, for both families of import.
func TestFailureHalfWay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := newOrg(t, db)
		before := snapshot(t, db)
		_, err := importer.Import(context.Background(), db, org, who, []importer.File{file(t, "testdata/forskningsradet_sample.csv")},
			importer.FailAt(importer.Options{Now: today}, 20))
		if err == nil || !strings.Contains(err.Error(), "failure injected") {
			t.Fatalf("the injected failure: %v", err)
		}
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Errorf("the failed import left rows behind: %v → %v", before, after)
		}
		wb := newWorkbook(t, map[string][][]any{
			"actors": {{"ref", "name", "country"}, {"a1", "Partner A", "SE"}, {"a2", "Partner B", "DK"}},
			"engagements": {{"ref", "kind", "status", "title_nb"}, {"e1", "project", "idea", "Ett"}, {"e2", "project", "idea", "To"},
				{"e3", "project", "idea", "Tre"}, {"e4", "project", "idea", "Fire"}},
			"money": {{"engagement", "year", "kind", "amount", "currency"}, {"e1", 2025, "own_cash", 100, "NOK"}, {"e2", 2025, "own_cash", 200, "NOK"},
				{"e3", 2025, "own_cash", 300, "NOK"}},
		})
		_, err = importer.Import(context.Background(), db, org, who, []importer.File{wb}, importer.FailAt(importer.Options{Now: today}, 3))
		if err == nil {
			t.Fatal("no failure")
		}
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Errorf("the failed import left rows behind: %v → %v", before, after)
		}
	})
}

// newWorkbook writes sheets of rows as a workbook.
func newWorkbook(t *testing.T, sheets map[string][][]any) importer.File {
	t.Helper()
	f := excelize.NewFile()
	first := true
	for _, name := range slices.Sorted(maps.Keys(sheets)) {
		if first {
			f.SetSheetName("Sheet1", name)
			first = false
		} else {
			f.NewSheet(name)
		}
		for i, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: "register.xlsx", Data: buf.Bytes()}
}

// TestCORDIS imports project.csv and organization.csv in CORDIS's layout.
func TestCORDIS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := newOrg(t, db)
		files := []importer.File{file(t, "testdata/cordis_organization.csv"), file(t, "testdata/cordis_project.csv")}
		rep := run(t, db, org, importer.Options{Format: importer.FormatCORDIS}, files...)
		if !rep.Stored || rep.HasErrors() {
			t.Fatalf("errors: %q", problems(rep, importer.LevelError))
		}
		wantCount(t, rep, importer.EntityParticipation, importer.Count{Created: 8})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Created: 2}) // TrAM and NORTHWIND
		notes := strings.Join(problems(rep, importer.LevelNote), "\n")
		for _, want := range []string{"The NUTS code “NO082” of NTNU cannot be placed in a county of 2024",
			"Project 101000002 has no start date in the file; its year is taken from the date of the contract (2022)"} {
			if !strings.Contains(notes, want) {
				t.Errorf("the notes lack %q:\n%s", want, notes)
			}
		}
		ctx := context.Background()
		err := db.Update(ctx, func(tx *store.Tx) error {
			ps, err := tx.RegionalParticipations(ctx, org.ID, importer.SourceCORDIS)
			byName := map[string]store.RegionalParticipation{}
			for _, p := range ps {
				byName[p.Participant+"/"+p.ProjectID] = p
			}
			for key, want := range map[string]store.RegionalParticipation{
				"ROGALAND FYLKESKOMMUNE/769303":          {County: "11", NUTS: "NO043", Role: "coordinator", Year: 2018, GrantedEURCents: 85912500, Programme: "Horizon 2020", Country: "NO"},
				"Example Werft GmbH/769303":              {Country: "DE", NUTS: "DE600", Role: "participant", GrantedEURCents: 123456789},
				"Example University of Athens/101000001": {Country: "GR", Role: "coordinator", Programme: "Horizon Europe", Year: 2023},
				"Example Institute, Aberdeen/101000001":  {Country: "GB", Role: "associated_partner"},
				"SINTEF AS/101000001":                    {County: "50", GrantedEURCents: 100000000},
				"ROGALAND FYLKESKOMMUNE/101000001":       {County: "11", GrantedEURCents: 25000050},
			} {
				got, ok := byName[key]
				switch {
				case !ok:
					t.Errorf("no participation %s", key)
				case want.County != "" && got.County != want.County, want.NUTS != "" && got.NUTS != want.NUTS,
					want.Role != "" && got.Role != want.Role, want.Year != 0 && got.Year != want.Year,
					want.GrantedEURCents != 0 && got.GrantedEURCents != want.GrantedEURCents,
					want.Programme != "" && got.Programme != want.Programme, want.Country != "" && got.Country != want.Country:
					t.Errorf("%s: %+v, want %+v", key, got, want)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// NORTHWIND is the council's own, with its foreign partners.
		page, _ := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Query: "NORTHWIND"})
		if len(page.Items) != 1 {
			t.Fatalf("%d engagements NORTHWIND", len(page.Items))
		}
		nw, _ := db.FindEngagement(ctx, org.ID, page.Items[0].ID)
		countries := map[string]string{}
		for _, p := range nw.Partners {
			countries[p.Actor.Country] = p.Role
		}
		if countries["GR"] != "lead" || countries["GB"] != "partner" || countries["NO"] != "partner" || nw.Status != utsyn.StatusRunning ||
			nw.Programme != "Horizon Europe" || !strings.Contains(nw.Title["nb"], `wind; water and the "North Sea"`) {
			t.Errorf("NORTHWIND: %+v, partners %v", nw, countries)
		}
		rep = run(t, db, org, importer.Options{}, files...)
		wantCount(t, rep, importer.EntityParticipation, importer.Count{Unchanged: 8})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 2})
	})
}

// exportOf exports the organisation's register.
func exportOf(t *testing.T, db *store.DB, org *utsyn.Organisation, format importer.Format) importer.File {
	t.Helper()
	var buf bytes.Buffer
	if err := importer.Export(context.Background(), db, org, format, &buf, today()); err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: importer.ExportName(org, format, today()), Data: buf.Bytes()}
}

// TestRoundTrip exports the demo register and imports it again, as a workbook and as CSV files:
// nothing changes. Then a changed copy updates just what was changed.
func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := loadDemo(t, db, true)
		before := snapshot(t, db)
		for _, format := range []importer.Format{importer.FormatXLSX, importer.FormatCSV} {
			rep := run(t, db, org, importer.Options{}, exportOf(t, db, org, format))
			if rep.HasErrors() || rep.Format != format {
				t.Fatalf("%s: format %s, errors %q", format, rep.Format, problems(rep, importer.LevelError))
			}
			wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 12})
			wantCount(t, rep, importer.EntityActor, importer.Count{Unchanged: before["actors"]})
			wantCount(t, rep, importer.EntityMoney, importer.Count{Unchanged: before["money_lines"]})
			if after := snapshot(t, db); !maps.Equal(before, after) {
				t.Errorf("%s: a round trip changed the database: %v → %v", format, before, after)
			}
		}

		// Change a title, a partner's country and a money line's amount in the workbook.
		f, err := excelize.OpenReader(bytes.NewReader(exportOf(t, db, org, importer.FormatXLSX).Data))
		if err != nil {
			t.Fatal(err)
		}
		set := func(sheet, header string, row int, v any) {
			rows, _ := f.GetRows(sheet)
			col := slices.Index(rows[0], header)
			cell, _ := excelize.CoordinatesToCellName(col+1, row)
			f.SetCellValue(sheet, cell, v)
		}
		set("engagements", "title_en", 2, "A changed English title")
		set("actors", "website", 2, "https://example.org/")
		set("money", "amount", 2, 1.5)
		var buf bytes.Buffer
		f.WriteTo(&buf)
		rep := run(t, db, org, importer.Options{}, importer.File{Name: "changed.xlsx", Data: buf.Bytes()})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Updated: 1, Unchanged: 11})
		wantCount(t, rep, importer.EntityActor, importer.Count{Updated: 1, Unchanged: before["actors"] - 1})
		wantCount(t, rep, importer.EntityMoney, importer.Count{Updated: 1, Unchanged: before["money_lines"] - 1})
		changed := map[string]string{}
		for _, c := range rep.Changes {
			changed[c.Entity] = strings.Join(c.Fields, ",")
		}
		if changed[importer.EntityEngagement] != "title" || changed[importer.EntityActor] != "website" {
			t.Errorf("changes: %v", changed)
		}
		// The same file again: now it matches.
		rep = run(t, db, org, importer.Options{}, importer.File{Name: "changed.xlsx", Data: buf.Bytes()})
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 12})
	})
}

// TestNewRecordsByReference adds new engagements, with new partners, strategy links and money,
// tied together by refs; importing the same file twice adds nothing the second time.
func TestNewRecordsByReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := loadDemo(t, db, false)
		wb := newWorkbook(t, map[string][][]any{
			"aktører": {{"ref", "name", "country", "type"}, {"bretagne", "Région Bretagne", "Frankrike", "Region"}},
			"engasjementer": {{"ref", "kind", "status", "title_nb", "start", "end", "public", "sdgs", "erasmus", "tags"},
				{"ny1", "Prosjekt", "Idé", "Et nytt prosjekt", "14.06.2023", 45291, "ja", "9; 13", "ERA-1", "hav; energi"},
				{"ny2", "membership", "active", "Et nytt medlemskap", "2023-06", "", "nei", "", "", ""}},
			"partnere":          {{"engagement", "actor", "role"}, {"ny1", "bretagne", "lead"}, {"ny2", "bretagne", "host"}},
			"strategikoblinger": {{"engagement", "strategy", "element", "primary"}, {"ny1", "internasjonal-strategi", "P2", "ja"}},
			"penger":            {{"engagement", "year", "kind", "amount", "currency", "hours", "hourly_rate"}, {"ny1", 2024, "Egne timer", "", "NOK", "12,5", "900"}, {"ny2", 2024, "membership_fee", "12 000", "EUR", "", ""}},
			"verv":              {{"engagement", "body", "kind", "holder"}, {"ny2", "Styret", "politisk", "Fylkesordføreren"}},
		})
		rep := run(t, db, org, importer.Options{}, wb)
		if rep.HasErrors() {
			t.Fatalf("errors: %q", problems(rep, importer.LevelError))
		}
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Created: 2})
		wantCount(t, rep, importer.EntityActor, importer.Count{Created: 1})
		wantCount(t, rep, importer.EntityMoney, importer.Count{Created: 2})
		ctx := context.Background()
		page, _ := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Query: "nytt prosjekt"})
		if len(page.Items) != 1 {
			t.Fatalf("%d found", len(page.Items))
		}
		e, _ := db.FindEngagement(ctx, org.ID, page.Items[0].ID)
		if e.Start.String() != "2023-06-14" || e.End.String() != "2023-12-31" || !e.Public || len(e.Partners) != 1 ||
			e.Partners[0].Role != "lead" || len(e.Elements) != 1 || !e.Elements[0].Primary || e.ExternalIDs["erasmus"] != "ERA-1" ||
			strings.Join(e.Tags, ",") != "hav,energi" || fmt.Sprint(e.SDGs) != "[9 13]" {
			t.Errorf("the new project: %+v", e)
		}
		lines, _ := db.ListMoneyLines(ctx, org.ID, e.ID)
		if len(lines) != 1 || lines[0].Amount.Minor != 1125000 || lines[0].Hours != 12.5 {
			t.Errorf("own hours: %+v", lines)
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "engagement", EntityID: e.ID})
		if len(events) != 1 || events[0].Action != "create" || events[0].ActorLabel != who.Label {
			t.Errorf("the audit trail of the new engagement: %+v", events)
		}
		before := snapshot(t, db)
		rep = run(t, db, org, importer.Options{}, wb)
		wantCount(t, rep, importer.EntityEngagement, importer.Count{Unchanged: 2})
		wantCount(t, rep, importer.EntityActor, importer.Count{Unchanged: 1})
		wantCount(t, rep, importer.EntityMoney, importer.Count{Unchanged: 2})
		if after := snapshot(t, db); !maps.Equal(before, after) {
			t.Errorf("importing twice changed the database: %v → %v", before, after)
		}
	})
}

// TestBadInput: each kind of bad input gives a clear problem in its place, and nothing is stored.
func TestBadInput(t *testing.T) {
	db, org := demoDB(t, "sqlite", true)
	before := snapshot(t, db)
	xlsx := exportOf(t, db, org, importer.FormatXLSX)
	formula := func() []byte {
		f, _ := excelize.OpenReader(bytes.NewReader(xlsx.Data))
		f.SetCellFormula("engagements", "E3", `UPPER("x")`)
		var buf bytes.Buffer
		f.WriteTo(&buf)
		return buf.Bytes()
	}()
	for _, tc := range []struct {
		name  string
		files []importer.File
		want  []string // in the errors
	}{
		{"not a spreadsheet", []importer.File{{Name: "bilde.png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}},
			[]string{"bilde.png: The file is neither a spreadsheet"}},
		{"empty", []importer.File{{Name: "tom.csv"}}, []string{"tom.csv: The file is empty."}},
		{"broken workbook", []importer.File{{Name: "halv.xlsx", Data: xlsx.Data[:len(xlsx.Data)/2]}},
			[]string{"halv.xlsx: The file looks like an Excel workbook (XLSX) but is damaged"}},
		{"old Excel", []importer.File{{Name: "gammel.xls", Data: []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}}},
			[]string{"gammel.xls: The file is in the old Excel format"}},
		{"formula in a workbook", []importer.File{{Name: "formel.xlsx", Data: formula}},
			[]string{"formel.xlsx, sheet engagements, row 3, column E (title_nb): The cell holds a formula."}},
		{"formula in a CSV file", []importer.File{{Name: "engagements.csv", Data: []byte("kind;status;title_nb\nproject;idea;\"=HYPERLINK(\"\"http://x\"\")\"\n")}},
			[]string{"engagements.csv, row 2, column C (title_nb): The cell holds a formula."}},
		{"missing columns", []importer.File{{Name: "engagements.csv", Data: []byte("kind;status;tittel\nproject;idea;X\n")}},
			[]string{"engagements.csv, row 1: The header row lacks the columns title_nb."}},
		{"extra cells", []importer.File{{Name: "engagements.csv", Data: []byte("kind;status;title_nb\nproject;idea;X;oops\n")}},
			[]string{"engagements.csv, row 2, column D: The row has values to the right of the last column"}},
		{"bad values", []importer.File{{Name: "engagements.csv", Data: []byte("kind;status;title_nb;start;end;public;sdgs;responsible;role\n" +
			"prosjekt;idé;X;31.02.2024;14.06.2023 00:00;kanskje;18;ingen@example.org;ukjent\nfnord;;Y;;;;;;\n")}},
			[]string{"row 2, column D (start): “31.02.2024” is not a date we can read", "column F (public): “kanskje” is neither yes nor no",
				"column G (sdgs): “18” is not a list", "column H (responsible): No one in the organisation has the address “ingen@example.org”",
				"column I (role): “ukjent” is not in the organisation's vocabulary", "row 3, column A (kind): “fnord” is no kind of engagement",
				"row 3, column B (status): The cell must be filled in."}},
		{"unknown id", []importer.File{{Name: "engagements.csv", Data: []byte("id;kind;status;title_nb\n999999;project;idea;X\n")}},
			[]string{"row 2, column A (id): There is no engagement “999999”"}},
		{"the same engagement twice", []importer.File{{Name: "engagements.csv", Data: []byte("kind;status;title_nb;cordis\nproject;idea;X;123\nproject;idea;Y;123\n")}},
			[]string{"row 3, column D (cordis): The row is about the same engagement as row 2."}},
		{"a partner of nobody", []importer.File{{Name: "partners.csv", Data: []byte("engagement;actor;role\n999999;1;lead\n")}},
			[]string{"partners.csv, row 2, column A (engagement): There is no engagement “999999”"}},
		{"mixed formats", []importer.File{file(t, "testdata/cordis_project.csv"), {Name: "engagements.csv", Data: []byte("kind;status;title_nb\nproject;idea;X\n")}},
			[]string{"The files are in different formats."}},
		{"wrong format asked for", []importer.File{xlsx}, []string{"The file is not in the format cordis."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := importer.Options{}
			if tc.name == "wrong format asked for" {
				opt.Format = importer.FormatCORDIS
			}
			rep := run(t, db, org, opt, tc.files...)
			errs := strings.Join(problems(rep, importer.LevelError), "\n")
			if rep.Stored || !rep.HasErrors() {
				t.Errorf("stored %v, errors:\n%s", rep.Stored, errs)
			}
			for _, want := range tc.want {
				if !strings.Contains(errs, want) {
					t.Errorf("the errors lack %q:\n%s", want, errs)
				}
			}
			if after := snapshot(t, db); !maps.Equal(before, after) {
				t.Errorf("refused input changed the database: %v → %v", before, after)
			}
		})
	}
}

// TestStaleVersion: a row of an export older than the record's last change is refused, unless
// its version cell is emptied.
func TestStaleVersion(t *testing.T) {
	db, org := demoDB(t, "sqlite", true)
	old := exportOf(t, db, org, importer.FormatXLSX)
	f, _ := excelize.OpenReader(bytes.NewReader(old.Data))
	f.SetCellValue("engagements", "F2", "Changed in the file")
	var changed bytes.Buffer
	f.WriteTo(&changed)
	// Someone changes the first engagement in Utsyn after the export.
	id, _ := f.GetCellValue("engagements", "A2")
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		es, err := tx.EngagementsByID(ctx, org.ID, []int64{mustID(t, id)})
		if err != nil {
			return err
		}
		e := es[mustID(t, id)]
		e.Unit = "Regionalutvikling"
		return tx.UpdateEngagement(ctx, e)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, db, org, importer.Options{}, importer.File{Name: "gammel.xlsx", Data: changed.Bytes()})
	if errs := strings.Join(problems(rep, importer.LevelError), "\n"); !strings.Contains(errs, "row 2, column B (version): The record was changed in Utsyn after the export (version 1 in the file, 2 in Utsyn)") {
		t.Errorf("a stale row was not refused:\n%s", errs)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
