package demo_test

import (
	"context"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// counts returns the number of rows of every table the demo fills, to see that a second load
// changes nothing.
func counts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"organisations", "plans", "plan_goals", "strategies", "strategy_statements",
		"strategy_levels", "elements", "element_plan_goals", "element_links", "terms", "strategy_terms",
		"engagements", "engagement_partners", "engagement_elements", "engagement_external_ids", "actors", "money_lines", "audit_events"} {
		n, err := db.Count(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loaded, err := demo.Load(ctx, db)
		if err != nil || !loaded {
			t.Fatalf("first load: loaded %v, err %v", loaded, err)
		}
		first := counts(t, db)
		loaded, err = demo.Load(ctx, db)
		if err != nil || loaded {
			t.Fatalf("second load: loaded %v, err %v; want nothing stored", loaded, err)
		}
		if second := counts(t, db); !equal(first, second) {
			t.Errorf("second load changed the database: %v, then %v", first, second)
		}

		org, err := db.FindOrganisation(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got := org.Name.Get("en"); got != "Rogaland County Council" {
			t.Errorf("English name %q", got)
		}
		if org.Demo == nil || org.Demo.SourceURL == "" {
			t.Errorf("the demo organisation is not marked as demo data with a source: %+v", org.Demo)
		}
		s, err := db.FindStrategy(ctx, org.ID, "internasjonal-strategi")
		if err != nil {
			t.Fatal(err)
		}
		tree, err := db.FindTree(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"main_goal": 1, "sub_goal": 3, "priority": 4, "focus_area": 3, "measure": 3}
		for level, n := range want {
			if got := len(tree.AtLevel(level)); got != n {
				t.Errorf("%s: %d elements, want %d", level, got, n)
			}
		}
		if p := tree.AtLevel("priority")[2]; p.Code != "P3" || len(p.PlanGoalIDs) != 4 {
			t.Errorf("third priority %s builds on %d plan goals, want P3 on 4", p.Code, len(p.PlanGoalIDs))
		}
		s1 := tree.AtLevel("focus_area")[0]
		if m := tree.Children(s1.ID); len(m) != 3 || m[0].Code != "M1.1" {
			t.Errorf("measures of S1: %v", m)
		}
		if len(tree.Roles) != 6 || len(tree.Forms) != 4 {
			t.Errorf("%d roles and %d working forms, want 6 and 4", len(tree.Roles), len(tree.Forms))
		}
		if s.Status != utsyn.StatusAdopted || !s.AdoptedOn.IsZero() {
			t.Errorf("status %s adopted %s", s.Status, s.AdoptedOn)
		}
	})
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestEngagementsParse(t *testing.T) {
	es, err := demo.Engagements()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range es {
		kinds[e.Kind]++
	}
	if len(es) != 12 || kinds["project"] != 3 || kinds["membership"] != 3 {
		t.Errorf("%d engagements by kind %v; want 12 with 3 projects and 3 memberships", len(es), kinds)
	}
	if es[0].Acronym != "TrAM" || es[0].Start != "2018-09-01" || es[0].GrantEUR != 859125 {
		t.Errorf("first engagement read as %+v", es[0])
	}
}
