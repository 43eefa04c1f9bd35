package demo_test

import (
	"context"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

func TestDemoIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		org, err := db.FindOrganisation(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		st, err := db.FindStrategy(ctx, org.ID, "internasjonal-strategi")
		if err != nil {
			t.Fatal(err)
		}
		tree, err := db.FindTree(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		codes := map[int64]string{}
		for _, e := range tree.Elements {
			codes[e.ID] = e.Code
		}
		inds, err := db.ListIndicators(ctx, store.IndicatorFilter{OrgID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		per := map[string][]*utsyn.Indicator{}
		for _, ind := range inds {
			per[codes[ind.ElementID]] = append(per[codes[ind.ElementID]], ind)
			for _, tg := range ind.Targets {
				if !tg.Example {
					t.Errorf("%s: the target for %s is not marked as an example", ind.Name.Get("nb"), tg.Period)
				}
			}
		}
		for code, want := range map[string]int{"P1": 1, "P2": 1, "P3": 3, "P4": 1} {
			if len(per[code]) != want {
				t.Errorf("%s has %d indicators, want %d", code, len(per[code]), want)
			}
		}
		var sources []string
		for _, ind := range per["P3"] {
			sources = append(sources, ind.Source+" "+ind.Query.Measure+" "+ind.Query.County)
		}
		if len(sources) == 3 && sources[0] != "regional participations 11" {
			t.Errorf("P3's indicators: %v", sources)
		}

		// P1's count for a year is the register's count of the active memberships and arenas
		// linked to it that run in the year.
		p1 := per["P1"][0]
		points, err := db.ComputeIndicator(ctx, p1, 2025)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range points {
			y := utsyn.PeriodYear(p.Period)
			page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Kinds: []string{utsyn.KindMembership, utsyn.KindArena},
				Statuses: []string{utsyn.StatusActive}, ElementIDs: []int64{p1.ElementID}, Year: y, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			if p.Value == nil || int(*p.Value) != len(page.Items) {
				t.Errorf("P1 in %d: %v, want the register's %d", y, p.Value, len(page.Items))
			}
		}
	})
}
