package demo_test

import (
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// TestDemoEUGrants: the demo loads the shipped EU-grant file into the demo organisation's
// regional participation data, so that Rogaland's indicators of EU participation (priority P3)
// show the file's figures: counted here from the file itself.
func TestDemoEUGrants(t *testing.T) {
	// Rogaland's participations, coordinator roles and EUR granted per start year, from the file.
	f, err := os.Open("data/eugrants/forskningsradet_bevilgningereu_h2020.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	type figures struct {
		participations, coordinators int
		cents                        int64
	}
	want := map[int]*figures{}
	for _, row := range rows[1:] {
		if row[col["Adresse fylkenummer"]] != "11" {
			continue
		}
		date := row[col["Kontrakt startdato"]]
		if date == "" {
			date = row[col["Kontrakt signeringsdato"]]
		}
		year, _ := strconv.Atoi(date[6:10])
		if want[year] == nil {
			want[year] = &figures{}
		}
		want[year].participations++
		if row[col["Organisasjon rolle"]] == "COORDINATOR" {
			want[year].coordinators++
		}
		amount, _ := strconv.ParseFloat(row[col["Innvilget beløp organisasjon EUR"]], 64)
		want[year].cents += int64(amount*100 + 0.5)
	}
	if len(want) < 5 {
		t.Fatalf("Rogaland has rows in only %d years of the file", len(want))
	}

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.Count(ctx, "regional_participations"); n != len(rows)-1 {
			t.Errorf("%d regional participations, want the file's %d", n, len(rows)-1)
		}
		org, err := db.FindOrganisation(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{utsyn.MeasureParticipations, utsyn.MeasureCoordinators, utsyn.MeasureGrantedEUR} {
			ind := &utsyn.Indicator{OrgID: org.ID, Source: utsyn.SourceRegional, Query: utsyn.IndicatorQuery{Measure: m, County: "11"}}
			points, err := db.ComputeIndicator(ctx, ind, 2026)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, p := range points {
				y := utsyn.PeriodYear(p.Period)
				w := want[y]
				if w == nil {
					if p.Value != nil && *p.Value != 0 {
						t.Errorf("%s %d: %v, want none", m, y, *p.Value)
					}
					continue
				}
				seen++
				expect := map[string]float64{utsyn.MeasureParticipations: float64(w.participations),
					utsyn.MeasureCoordinators: float64(w.coordinators), utsyn.MeasureGrantedEUR: float64(w.cents) / 100}[m]
				if p.Value == nil || *p.Value < expect-0.01 || *p.Value > expect+0.01 {
					t.Errorf("%s %d: %v, want %v", m, y, p.Value, expect)
				}
			}
			if seen != len(want) {
				t.Errorf("%s: %d years with figures, want %d", m, seen, len(want))
			}
		}
	})
}
