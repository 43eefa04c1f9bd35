package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// TestListIndex checks that the list index finds what the database finds: the same pages in
// the same order, the same counts, and the same pages after the first, for filters of every
// kind, alone and together, searches, and the three orders. The database's answers are found
// with nothing kept, so that each is its own.
func TestListIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		defer func() { *store.KeepRegisters = true }()
		*store.KeepRegisters = false
		org, everything := syntheticRegister(t, db, 1500, 5)
		ix, err := db.ReadListIndex(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}

		// Values to filter by, as the register has them: the first of each and the last.
		var programmes []string
		var roles, elements []int64
		var countries []string
		undated := 0
		for _, e := range everything {
			if e.Programme != "" {
				programmes = append(programmes, e.Programme)
			}
			if e.RoleTermID != 0 {
				roles = append(roles, e.RoleTermID)
			}
			for _, el := range e.Elements {
				elements = append(elements, el.ElementID)
			}
			for _, p := range e.Partners {
				countries = append(countries, p.Actor.Country)
			}
			if e.Start.IsZero() || e.End.IsZero() {
				undated++
			}
		}
		if len(programmes) == 0 || len(roles) == 0 || len(elements) == 0 || len(countries) == 0 || undated == 0 {
			t.Fatalf("the synthetic register lacks a value to filter by: %d programmes, %d roles, %d elements, %d countries, %d without a date",
				len(programmes), len(roles), len(elements), len(countries), undated)
		}
		ends := func(s []int64) []int64 { return []int64{s[0], s[len(s)-1]} }
		filters := []store.EngagementFilter{
			{},
			{PublicOnly: true},
			{Kinds: []string{utsyn.KindProject}},
			{Kinds: []string{utsyn.KindMembership, utsyn.KindArena}, Statuses: []string{"active"}},
			{Statuses: []string{"running", "completed"}},
			{Year: 2015}, {Year: 2024}, {Year: 2031}, {Year: 1850}, // 1850: a year the index keeps no set of
			{Year: 2024, Kinds: []string{utsyn.KindProject}, Statuses: []string{"running"}},
			{ElementIDs: ends(elements)[:1]}, {ElementIDs: ends(elements)}, {ElementIDs: elements[:5], PublicOnly: true},
			{Country: countries[0]}, {Country: countries[len(countries)-1], Year: 2022}, {Country: "ZZ"},
			{Programme: programmes[0]}, {Programme: programmes[len(programmes)-1], Statuses: []string{"granted"}},
			{RoleTermID: roles[0]}, {RoleTermID: roles[len(roles)-1], Year: 2020},
			{Responsible: 1}, // the synthetic register names no one responsible
			{Query: "havvind"}, {Query: "hydr"}, {Query: "havvind nettverk"}, {Query: "offshore wind"}, {Query: "zzzzqqq"}, {Query: "!!"},
			{Query: "kultur", Statuses: []string{"active"}, Year: 2024},
			{Query: "fagopp", Kinds: []string{utsyn.KindProject}, PublicOnly: true},
			// Stemmed, and stop words: "og" is one in Norwegian, "the" in English, neither in simple.
			{Query: "prosjektene"}, {Query: "og"}, {Query: "the offshore"}, {Query: "SYNTH"},
		}
		for _, filter := range filters {
			for _, sort := range []string{"", "title", "start"} {
				f := filter
				f.OrgID, f.Sort, f.Limit, f.Count = org.ID, sort, 30, true
				name := fmt.Sprintf("%+v", f)
				for pageNo := 1; pageNo <= 3; pageNo++ {
					want, err := db.ListEngagements(ctx, f)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					got, err := db.FindInIndex(ctx, ix, f)
					if err != nil {
						t.Fatalf("%s in the index: %v", name, err)
					}
					wantIDs := make([]int64, len(want.Items))
					for i, e := range want.Items {
						wantIDs[i] = e.ID
					}
					if !got.AnsweredByIndex {
						t.Fatalf("%s, page %d: the index did not answer", name, pageNo)
					}
					if !slices.Equal(got.IDs, wantIDs) || got.More != (want.Next != "") || got.Total != want.Total || got.TotalMore != want.More {
						t.Errorf("%s, page %d: the index found %v (more %v), counted %d (more %v); the database %v (more %v), counted %d (more %v)",
							name, pageNo, got.IDs, got.More, got.Total, got.TotalMore, wantIDs, want.Next != "", want.Total, want.More)
					}
					if f.After = want.Next; f.After == "" {
						break
					}
				}
			}
		}

		// A cursor the index cannot place is left to the database.
		got, err := db.FindInIndex(ctx, ix, store.EngagementFilter{OrgID: org.ID, After: "not-a-cursor"})
		if err != nil || got.AnsweredByIndex {
			t.Errorf("a cursor that is not one: answered by the index %v, %v; want the database to answer", got.AnsweredByIndex, err)
		}
	})
}

// TestListLines checks that the list index shows each engagement as the engagement read whole
// does: its title, acronym, kind, status, dates, responsible person, programme, publicity, time
// of change and its partners' names in their order, the lead first, also for a partner in two
// roles and one without a date.
func TestListLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, _ := syntheticRegister(t, db, 300, 9)
		by := &utsyn.Principal{Label: "test"}
		err := db.UpdateAs(ctx, by, func(tx *store.Tx) error {
			kari := &utsyn.User{Email: "kari@example.org", Name: "Kari Nordmann",
				Memberships: []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleEditor}}}
			if err := tx.CreateUser(ctx, kari); err != nil {
				return err
			}
			var partners []utsyn.Partner
			for _, a := range []*utsyn.Actor{{Name: "Åsane vgs", Country: "NO"}, {Name: "Aalborg Kommune", Country: "DK"}, {Name: "Zürich Uni", Country: "CH"}} {
				a.OrgID = org.ID
				if err := tx.CreateActor(ctx, a); err != nil {
					return err
				}
				partners = append(partners, utsyn.Partner{ActorID: a.ID, Role: "partner"})
			}
			partners = append(partners, utsyn.Partner{ActorID: partners[2].ActorID, Role: "lead"}, utsyn.Partner{ActorID: partners[0].ActorID, Role: "funder"})
			return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusRunning,
				Title: utsyn.NewText("Grønn skipsfart i Nordsjøen", ""), Acronym: "GSN", Start: utsyn.MustDate("2024-03"),
				Responsible: kari.ID, Programme: "Interreg North Sea", Partners: partners})
		})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := db.ReadListIndex(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		f := store.EngagementFilter{OrgID: org.ID, Limit: 200}
		seen, named := 0, 0
		for {
			page, err := db.ListEngagements(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(page.Items))
			for i, e := range page.Items {
				ids[i] = e.ID
			}
			lines := ix.Lines(ids)
			if len(lines) != len(ids) {
				t.Fatalf("the index has %d lines of %d engagements", len(lines), len(ids))
			}
			for i, e := range page.Items {
				if want := store.LineOf(e); !reflect.DeepEqual(lines[i], want) {
					t.Errorf("engagement %d in the index:\n got %+v\nwant %+v", e.ID, lines[i], want)
				}
				if e.ResponsibleName != "" {
					named++
					if got := strings.Join(lines[i].Partners, ", "); got != "Zürich Uni, Aalborg Kommune, Åsane vgs, Åsane vgs, Zürich Uni" {
						t.Errorf("the partners of %q: %s", e.Title.Get("nb"), got)
					}
				}
			}
			seen += len(ids)
			if f.After = page.Next; f.After == "" {
				break
			}
		}
		if seen != 301 || named != 1 {
			t.Errorf("compared %d engagements, %d with a responsible person; want 301 and 1", seen, named)
		}
		if lines := ix.Lines([]int64{-1}); lines != nil {
			t.Errorf("an engagement the index does not hold has a line: %+v", lines)
		}
	})
}
