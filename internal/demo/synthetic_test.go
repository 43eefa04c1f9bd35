package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// all returns every engagement of the organisation, oldest id first, through the keyset pages.
func all(t *testing.T, db *store.DB, orgID int64) []*utsyn.Engagement {
	t.Helper()
	var out []*utsyn.Engagement
	f := store.EngagementFilter{OrgID: orgID, Sort: "title", Limit: 200}
	for {
		page, err := db.ListEngagements(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		f.After = page.Next
	}
}

// fingerprint says what a data set holds without its ids, to compare two loads of one seed.
func fingerprint(es []*utsyn.Engagement) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%d|%v|%v|%d\n", e.Kind, e.Title.Get("nb"), e.Status, e.Start, e.End, e.Acronym,
			len(e.Partners), e.Tags, e.SDGs, e.UpdatedAt.UnixMilli())
	}
	return b.String()
}

func TestSynthetic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var progress bytes.Buffer
		res, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: 600, Organisations: 3, Seed: 7, Batch: 250, Progress: &progress})
		if err != nil {
			t.Fatal(err)
		}
		if res.Engagements != 600 || len(res.Organisations) != 3 || res.Actors == 0 || res.MoneyLines == 0 {
			t.Errorf("result %+v", res)
		}
		if !strings.Contains(progress.String(), "600/600") {
			t.Errorf("progress %q", progress.String())
		}
		if n, _ := db.Count(ctx, "engagements"); n != 600 {
			t.Errorf("%d engagements stored, want 600", n)
		}

		org, err := db.FindOrganisation(ctx, res.Organisations[0])
		if err != nil {
			t.Fatal(err)
		}
		if org.Name.Get("nb") != "Syntetisk fylkeskommune 1" || org.Demo == nil || !strings.Contains(org.Demo.Note.Get("nb"), "Syntetiske data") {
			t.Errorf("organisation %+v, demo %+v", org.Name, org.Demo)
		}
		es := all(t, db, org.ID)
		kinds, statuses, countries := map[string]int{}, map[string]int{}, map[string]bool{}
		public := 0
		for _, e := range es {
			kinds[e.Kind]++
			statuses[e.Kind+" "+e.Status]++
			if e.Public {
				public++
			}
			if len(e.Partners) < 1 || len(e.Partners) > 8 {
				t.Errorf("%s: %d partners", e.Title.Get("nb"), len(e.Partners))
			}
			for _, p := range e.Partners {
				countries[p.Actor.Country] = true
			}
			if len(e.Elements) == 0 || !e.Elements[0].Primary {
				t.Errorf("%s: strategy links %+v", e.Title.Get("nb"), e.Elements)
			}
			if e.Start.Year < 2014 || e.Start.Year > 2028 || !e.End.IsZero() && e.End.Year > 2028 {
				t.Errorf("%s: %s–%s", e.Title.Get("nb"), e.Start, e.End)
			}
		}
		// The first organisation has the largest share: 1/(1 + 1/2 + 1/3) of 600, give or take.
		if len(es) < 300 || kinds[utsyn.KindProject] < len(es)/3 || kinds[utsyn.KindProject] < 2*kinds[utsyn.KindMembership] {
			t.Errorf("%d engagements by kind %v: want most of them projects", len(es), kinds)
		}
		if statuses["project completed"] == 0 || statuses["project running"] == 0 || statuses["membership active"] == 0 {
			t.Errorf("statuses %v", statuses)
		}
		if len(countries) < 10 || public == 0 || public == len(es) {
			t.Errorf("partners in %d countries; %d of %d public", len(countries), public, len(es))
		}
		lines, err := db.ListMoneyLines(ctx, org.ID, es[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		_ = lines // an engagement may have none (an idea); the total is checked below
		if n, _ := db.Count(ctx, "money_lines"); n != res.MoneyLines {
			t.Errorf("%d money lines stored, %d reported", n, res.MoneyLines)
		}

		// Search and filters work on what was stored.
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Query: "havvind", Count: true})
		if err != nil || page.Total == 0 {
			t.Errorf("search havvind: %v, %v", page, err)
		}

		// One audit event per batch, which says it stands for the batch.
		events, err := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "engagement"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != (len(es)+249)/250 || !strings.Contains(events[0].Summary, "synthetic") {
			t.Errorf("%d audit events for %d engagements in batches of 250: %+v", len(events), len(es), events)
		}

		// Again with the same seed: nothing changes.
		again, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: 600, Organisations: 3, Seed: 7})
		if err != nil || !again.Skipped {
			t.Errorf("second load: %+v, %v", again, err)
		}
		if n, _ := db.Count(ctx, "engagements"); n != 600 {
			t.Errorf("%d engagements after a second load", n)
		}

		// The same seed in another database gives the same data, whatever the batch size.
		other := storetest.Open(t, "sqlite")
		if _, err := demo.LoadSynthetic(ctx, other, demo.Synthetic{Engagements: 600, Organisations: 3, Seed: 7, Batch: 1000}); err != nil {
			t.Fatal(err)
		}
		org2, _ := other.FindOrganisation(ctx, res.Organisations[0])
		if a, b := fingerprint(es), fingerprint(all(t, other, org2.ID)); a != b {
			t.Error("the same seed gave different data")
		}
	})
}

func TestSyntheticRefusesNonsense(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	for _, s := range []demo.Synthetic{{Engagements: 0}, {Engagements: 5, Organisations: 6}, {Engagements: 20_000_000}} {
		if _, err := demo.LoadSynthetic(context.Background(), db, s); err == nil {
			t.Errorf("%+v was accepted", s)
		}
	}
}
