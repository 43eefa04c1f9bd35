package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// pdfPages counts the pages of a PDF that Chromium wrote (it writes page objects uncompressed).
var pdfPages = regexp.MustCompile(`/Type\s*/Page[^s]`)

// addWork registers some work of 2023 in the demo organisation: a project with money in two
// currencies and partners abroad, and a membership.
func addWork(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		partner := &utsyn.Actor{OrgID: org.ID, Name: "Provincie Zeeland", Country: "NL"}
		if err := tx.CreateActor(ctx, partner); err != nil {
			return err
		}
		for i, e := range []*utsyn.Engagement{
			{OrgID: org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Rapportprosjekt", "Report project"), Status: utsyn.StatusRunning,
				Start: utsyn.MustDate("2022-03"), End: utsyn.MustDate("2025"), Public: true,
				Partners: []utsyn.Partner{{ActorID: partner.ID, Role: "lead"}}},
			{OrgID: org.ID, Kind: utsyn.KindMembership, Title: utsyn.NewText("Rapportnettverket", "Report network"), Status: utsyn.StatusActive,
				Start: utsyn.MustDate("2023-05-01"), Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2024-02-01")}},
		} {
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
			lines := []*utsyn.MoneyLine{{Year: 2023, Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: 4_500_000, Currency: "NOK"}}}
			if i == 0 {
				lines = []*utsyn.MoneyLine{
					{Year: 2023, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 25_000_050, Currency: "EUR"}},
					{Year: 2023, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 12_000_000, Currency: "NOK"}},
					{Year: 2024, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 99_000_000, Currency: "NOK"}},
				}
			}
			for _, m := range lines {
				m.EngagementID = e.ID
				if err := tx.CreateMoneyLine(ctx, org.ID, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The report command writes valid files in each format, on both engines.
func TestReportCommand(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			if engine == "postgres" {
				if code, _, stderr := runUtsyn(t, noEnv, "migrate", "--db", dsn); code != 0 {
					t.Fatalf("migrate: %s", stderr)
				}
			}
			if code, _, stderr := runUtsyn(t, noEnv, "demo", "--db", dsn); code != 0 {
				t.Fatalf("demo: %s", stderr)
			}
			addWork(t, dsn)
			dir := t.TempDir()
			reportOf := func(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
				t.Helper()
				return runUtsyn(t, getenv, append([]string{"report", "--db", dsn, "--org", "rogaland"}, args...)...)
			}

			t.Run("html", func(t *testing.T) {
				out := filepath.Join(dir, "rapport.html")
				code, stdout, stderr := reportOf(t, noEnv, "--from", "2023", "--to", "2023", "--form", "administrative", "--out", out)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				html := string(b)
				for _, want := range []string{"<!DOCTYPE html>", `<html lang="nb">`, "<title>Årsrapport 2023 – Administrativ rapport – Rogaland fylkeskommune</title>",
					"<h1>Årsrapport 2023</h1>", "Slik er tallene regnet", "<style>"} {
					if !strings.Contains(html, want) {
						t.Errorf("the HTML lacks %q", want)
					}
				}
				if !strings.Contains(stdout, "wrote "+out) {
					t.Errorf("stdout %q", stdout)
				}
			})

			t.Run("xlsx", func(t *testing.T) {
				out := filepath.Join(dir, "rapport.xlsx")
				if code, _, stderr := reportOf(t, noEnv, "--from", "2023-01-01", "--to", "2023-12-31", "--out", out, "--lang", "en"); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				f, err := excelize.OpenFile(out)
				if err != nil {
					t.Fatalf("excelize cannot open the file: %v", err)
				}
				defer f.Close()
				sheets := f.GetSheetList()
				for _, want := range []string{"About", "Key figures", "Money", "Money by year", "Status", "Needs a decision",
					"Appendix engagements", "Appendix money lines"} {
					if !strings.Contains(strings.Join(sheets, "|"), want) {
						t.Errorf("no sheet %q in %v", want, sheets)
					}
				}
				if sheets[0] != "About" {
					t.Errorf("the first sheet is %q", sheets[0])
				}
				// The sheet that says what the report is: the period as dates, the source, the form.
				about := map[string]string{}
				rows, _ := f.GetRows("About")
				for _, r := range rows {
					if len(r) >= 2 {
						about[r[0]] = r[1]
					}
				}
				if about["From"] != "2023-01-01" || about["To"] != "2023-12-31" || about["Form"] != "Political report" ||
					!strings.Contains(about["Source"], "Rogaland") {
					t.Errorf("the About sheet says %v", about)
				}
				if typ, _ := f.GetCellType("About", "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeDate && typ != excelize.CellTypeUnset {
					t.Errorf("the period's start is a %v, not a date", typ)
				}
				// The total of engagements is a number, and the appendix lists as many.
				figures, _ := f.GetRows("Key figures")
				last := figures[len(figures)-1]
				if last[1] != "Total" {
					t.Fatalf("the last row of the key figures is %v", last)
				}
				cell := "C" + strconv.Itoa(len(figures))
				if typ, _ := f.GetCellType("Key figures", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s is a %v, not a number", cell, typ)
				}
				raw, _ := f.GetCellValue("Key figures", cell, excelize.Options{RawCellValue: true})
				total, err := strconv.Atoi(raw)
				if err != nil {
					t.Fatalf("the total %q is not a number", raw)
				}
				appendix, _ := f.GetRows("Appendix engagements")
				if len(appendix)-1 != total || total == 0 {
					t.Errorf("the total says %d engagements, the appendix lists %d", total, len(appendix)-1)
				}
				// Money: each currency's total is the sum of the appendix's lines of that currency.
				lines, _ := f.GetRows("Appendix money lines", excelize.Options{RawCellValue: true})
				sums := map[string]float64{}
				for _, l := range lines[1:] {
					v, err := strconv.ParseFloat(l[7], 64)
					if err != nil {
						t.Fatalf("amount %q is not a number", l[7])
					}
					sums[l[5]+" "+l[6]] += v
				}
				money, _ := f.GetRows("Money", excelize.Options{RawCellValue: true})
				checked := 0
				for _, m := range money[1:] {
					if m[1] != "Total" {
						continue
					}
					v, _ := strconv.ParseFloat(m[4], 64)
					if d := v - sums[m[2]+" "+m[3]]; d > 0.005 || d < -0.005 {
						t.Errorf("%s %s: the total is %.2f, the appendix's lines add up to %.2f", m[2], m[3], v, sums[m[2]+" "+m[3]])
					}
					checked++
				}
				if checked == 0 && len(lines) > 1 {
					t.Error("the Money sheet has no totals")
				}
			})

			t.Run("pdf", func(t *testing.T) {
				if report.FindChromium(os.Getenv) == "" {
					t.Skip("no Chromium: the PDF is not tested")
				}
				out := filepath.Join(dir, "rapport.pdf")
				code, _, stderr := reportOf(t, os.Getenv, "--from", "2023", "--to", "2023", "--format", "pdf", "--out", out)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(b, []byte("%PDF-")) {
					t.Fatalf("not a PDF: %.20q", b)
				}
				if n := len(pdfPages.FindAll(b, -1)); n < 1 {
					t.Errorf("the PDF has %d pages", n)
				}
				for _, want := range []string{"/StructTreeRoot", "/Outlines", "/Lang (nb)", "/Title"} {
					if !bytes.Contains(b, []byte(want)) {
						t.Errorf("the PDF lacks %s (tagged structure, outline, language, title)", want)
					}
				}
			})

			t.Run("refusals", func(t *testing.T) {
				out := filepath.Join(dir, "nei.pdf")
				tests := []struct {
					name    string
					getenv  func(string) string
					args    []string
					code    int
					wantErr string
				}{
					{"period ends before it starts", noEnv, []string{"--from", "2025-12-31", "--to", "2025-01-01", "--out", out}, 2,
						"the period ends before it starts: --to 2025-01-01 is before --from 2025-12-31"},
					{"not a date", noEnv, []string{"--from", "31.12.2025", "--to", "2025", "--out", out}, 2, "--from \"31.12.2025\" is not a date"},
					{"no form", noEnv, []string{"--from", "2025", "--to", "2025", "--form", "hemmelig", "--out", out}, 2, "--form must be political or administrative"},
					{"no format", noEnv, []string{"--from", "2025", "--to", "2025", "--out", filepath.Join(dir, "x.doc")}, 2, "--format must be html, pdf or xlsx"},
					{"no out", noEnv, []string{"--from", "2025", "--to", "2025"}, 2, "are required"},
					{"no Chromium", func(k string) string {
						if k == "UTSYN_CHROMIUM" {
							return filepath.Join(dir, "no-such-browser")
						}
						return ""
					}, []string{"--from", "2025", "--to", "2025", "--out", out}, 1, "no Chromium is installed"},
				}
				for _, tt := range tests {
					t.Run(tt.name, func(t *testing.T) {
						code, _, stderr := reportOf(t, tt.getenv, tt.args...)
						if code != tt.code || !strings.Contains(stderr, tt.wantErr) {
							t.Errorf("exit %d, %q; want %d and %q", code, stderr, tt.code, tt.wantErr)
						}
						if _, err := os.Stat(out); err == nil {
							t.Error("a refused report wrote a file")
						}
					})
				}
				code, _, stderr := runUtsyn(t, noEnv, "report", "--db", dsn, "--org", "finnes-ikke", "--from", "2025", "--to", "2025", "--out", filepath.Join(dir, "nei.html"))
				if code != 1 || !strings.Contains(stderr, `no organisation "finnes-ikke"`) {
					t.Errorf("an unknown organisation: exit %d, %q", code, stderr)
				}
			})

			t.Run("empty period", func(t *testing.T) {
				ctx := context.Background()
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				err = db.Update(ctx, func(tx *store.Tx) error {
					return tx.CreateOrganisation(ctx, &utsyn.Organisation{Slug: "tom", Name: utsyn.NewText("Tom fylkeskommune", "")})
				})
				db.Close()
				if err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, "tom.html")
				code, stdout, stderr := runUtsyn(t, noEnv, "report", "--db", dsn, "--org", "tom", "--from", "1995", "--to", "1995", "--out", out)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				b, _ := os.ReadFile(out)
				if !strings.Contains(string(b), "Ingenting å rapportere for perioden") || !strings.Contains(stdout, "nothing in the period") {
					t.Errorf("the empty report does not say so: %s", stdout)
				}
			})
		})
	}
}
