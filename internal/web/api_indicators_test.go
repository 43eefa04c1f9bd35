package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// indicatorAPICases adds to the demo organisation a public indicator computed from the register
// and an internal manual one with a revised value, and lists the requests of the indicators'
// part of the API contract (api_test.go runs them). token is a reader's of the demo.
func indicatorAPICases(t *testing.T, db *store.DB) []apiCase {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, demoOrg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.FindStrategy(ctx, org.ID, demoStrategy)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	var p2 *utsyn.Element
	for _, e := range tree.Elements {
		if e.Code == "P2" {
			p2 = e
		}
	}
	internalName, publicName := "Intern kontrakttest", "Offentlig kontrakttest"
	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "contract test"}, func(tx *store.Tx) error {
		for _, span := range [][2]string{{"2021", "2023"}, {"2022", ""}, {"2024-03", "2024-09"}} {
			e := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMobility, Title: utsyn.NewText("Kontraktmobilitet "+span[0], ""),
				Status: utsyn.StatusRunning, Start: utsyn.MustDate(span[0]), End: utsyn.MustDate(span[1]),
				Elements: []utsyn.ElementRef{{ElementID: p2.ID}}}
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
		}
		pub := &utsyn.Indicator{OrgID: org.ID, ElementID: p2.ID, Name: utsyn.NewText(publicName, "Public contract test"),
			Unit: utsyn.NewText("utvekslinger", "exchanges"), Direction: utsyn.DirectionHigher, Source: utsyn.SourceRegister, Public: true,
			Query:   utsyn.IndicatorQuery{Measure: utsyn.MeasureEngagements, Kinds: []string{utsyn.KindMobility}, From: 2021, To: 2024},
			Targets: []utsyn.Target{{Period: "2024", Value: 3, Example: true}}}
		if err := tx.AddIndicator(ctx, pub); err != nil {
			return err
		}
		internal := &utsyn.Indicator{OrgID: org.ID, ElementID: p2.ID, Name: utsyn.NewText(internalName, ""), Direction: utsyn.DirectionLower,
			Source: utsyn.SourceManual}
		if err := tx.AddIndicator(ctx, internal); err != nil {
			return err
		}
		first := &utsyn.Value{IndicatorID: internal.ID, Period: "2025", Value: 4}
		if err := tx.AddValue(ctx, org.ID, first); err != nil {
			return err
		}
		return tx.AddValue(ctx, org.ID, &utsyn.Value{IndicatorID: internal.ID, Period: "2025", Value: 5, ReplacesID: first.ID, Comment: "rettet"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The register's own count of mobility engagements running in each year, under P2.
	want := map[string]int{}
	for y := 2021; y <= 2024; y++ {
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Kinds: []string{utsyn.KindMobility}, Year: y,
			ElementIDs: subtreeIDs(tree, p2.ID), Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		want[fmt.Sprint(y)] = len(page.Items)
	}
	find := func(t *testing.T, body any, name string) any {
		for _, it := range jsonAt(t, body, "items").([]any) {
			if jsonAt(t, it, "name", "nb") == name {
				return it
			}
		}
		return nil
	}
	checkPublic := func(t *testing.T, body any) {
		pub := find(t, body, publicName)
		if pub == nil {
			t.Fatal("the public indicator is missing")
		}
		wantJSON(t, pub, "register", "source")
		wantJSON(t, pub, "P2", "element", "code")
		wantJSON(t, pub, "mobility", "query", "kinds", 0)
		periods := jsonAt(t, pub, "periods").([]any)
		if len(periods) != 4 {
			t.Fatalf("%d periods, want 2021–2024", len(periods))
		}
		for _, p := range periods {
			period := jsonAt(t, p, "period").(string)
			if got := fmt.Sprint(jsonAt(t, p, "value")); got != fmt.Sprint(want[period]) {
				t.Errorf("%s: %s engagements, want %d as the register counts them", period, got, want[period])
			}
		}
		wantJSON(t, periods[3], true, "target_example")
	}
	org1 := "/api/v1/organisations/" + demoOrg + "/indicators"
	return []apiCase{
		{name: "indicators, anonymous", docPath: "/indicators", url: "/api/v1/indicators?org=" + demoOrg, status: 200,
			check: func(t *testing.T, body any) {
				checkPublic(t, body)
				if find(t, body, internalName) != nil {
					t.Error("an internal indicator is shown without a token")
				}
			}},
		{name: "indicators of every organisation", docPath: "/indicators", url: "/api/v1/indicators", status: 200, check: checkPublic},
		{name: "indicators of an unknown organisation", docPath: "/indicators", url: "/api/v1/indicators?org=finnes-ikke",
			status: 404, errKey: "error.not_found.organisation"},
		{name: "an organisation's indicators with its token", docPath: "/organisations/{org}/indicators", url: org1,
			header: []string{"Authorization", "Bearer " + readerToken(t, db)}, status: 200,
			check: func(t *testing.T, body any) {
				checkPublic(t, body)
				in := find(t, body, internalName)
				if in == nil {
					t.Fatal("the internal indicator is missing for the organisation's reader")
				}
				wantJSON(t, in, false, "public")
				wantJSON(t, in, nil, "query")
				wantJSON(t, in, "unit", "missing", 0)
				wantJSON(t, in, "2025", "periods", 0, "period")
				if v, r := fmt.Sprint(jsonAt(t, in, "periods", 0, "value")), fmt.Sprint(jsonAt(t, in, "periods", 0, "revisions")); v != "5" || r != "1" {
					t.Errorf("2025: value %s after %s revisions, want the revised 5 after 1", v, r)
				}
			}},
		{name: "an organisation's indicators, anonymous", docPath: "/organisations/{org}/indicators", url: org1, status: 200,
			check: func(t *testing.T, body any) {
				if find(t, body, internalName) != nil {
					t.Error("an internal indicator is shown without a token")
				}
			}},
		{name: "indicators of an unknown organisation in English", docPath: "/organisations/{org}/indicators",
			url: "/api/v1/organisations/finnes-ikke/indicators", header: []string{"Accept-Language", "en"}, status: 404,
			errKey: "error.not_found.organisation"},
	}
}

// readerToken makes a second reader's token of the demo organisation.
func readerToken(t *testing.T, db *store.DB) string {
	t.Helper()
	return apiToken(t, db, "indikator-leser@example.org", utsyn.RoleReader)
}

func subtreeIDs(tree *utsyn.Tree, id int64) []int64 {
	var out []int64
	for _, e := range store.Subtree(tree, id) {
		out = append(out, e.ID)
	}
	return out
}
