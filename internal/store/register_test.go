package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// registerFixture loads the demo strategy and returns its organisation and priorities.
func registerFixture(t *testing.T, db *store.DB) (*utsyn.Organisation, *utsyn.Tree) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.LoadStrategy(ctx, db); err != nil {
		t.Fatal(err)
	}
	org, _ := db.FindOrganisation(ctx, "rogaland")
	s, _ := db.FindStrategy(ctx, org.ID, "internasjonal-strategi")
	tree, err := db.FindTree(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return org, tree
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, tree := registerFixture(t, db)
		p2 := tree.AtLevel("priority")[1]
		actor := &utsyn.Principal{Label: "test"}
		update := func(fn func(tx *store.Tx) error) error { return db.UpdateAs(ctx, actor, fn) }

		// The same partner, entered three ways, is one actor.
		uis := &utsyn.Actor{OrgID: org.ID, Name: "Universitetet i Stavanger", Country: "NO", OrgNumber: "971564679", Type: "university"}
		if err := update(func(tx *store.Tx) error { return tx.CreateActor(ctx, uis) }); err != nil {
			t.Fatal(err)
		}
		for _, again := range []*utsyn.Actor{
			{OrgID: org.ID, Name: "UiS", Country: "NO", OrgNumber: "971564679"},
			{OrgID: org.ID, Name: "universitetet i  stavanger", Country: "NO"},
		} {
			var created bool
			if err := update(func(tx *store.Tx) (err error) { created, err = tx.FindOrCreateActor(ctx, again); return err }); err != nil || created || again.ID != uis.ID {
				t.Errorf("%q was registered again (created %v, id %d, err %v)", again.Name, created, again.ID, err)
			}
		}
		err := update(func(tx *store.Tx) error {
			return tx.CreateActor(ctx, &utsyn.Actor{OrgID: org.ID, Name: "Universitetet I Stavanger", Country: "NO"})
		})
		var same *store.SameActorError
		if utsyn.ErrorCode(err) != utsyn.ECONFLICT || !errors.As(err, &same) || same.Existing.ID != uis.ID {
			t.Errorf("a duplicate actor: %v", err)
		}

		tram := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("TrAM – Transport: Advanced and Modular", "TrAM"),
			Acronym: "TrAM", Status: utsyn.StatusCompleted, Start: utsyn.MustDate("2018-09-01"), End: utsyn.MustDate("2022-08-31"),
			Programme: "Horizon 2020", Public: true, Tags: []string{"transport", "fartøy"}, SDGs: []int{9, 13},
			ExternalIDs: map[string]string{"cordis": "769303"},
			Elements:    []utsyn.ElementRef{{ElementID: p2.ID, Primary: true}},
			Partners:    []utsyn.Partner{{ActorID: uis.ID, Role: "partner"}}}
		if err := update(func(tx *store.Tx) error { return tx.CreateEngagement(ctx, tram) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindEngagement(ctx, org.ID, tram.ID)
		if err != nil || got.ExternalIDs["cordis"] != "769303" || len(got.Partners) != 1 || got.Partners[0].Actor.Name != uis.Name ||
			len(got.Elements) != 1 || got.Elements[0].Code != "P2" || !got.Elements[0].Primary || got.Start.String() != "2018-09-01" {
			t.Fatalf("read back %+v, %v", got, err)
		}

		// Bad input stores nothing, with a message per field.
		before, _ := db.Count(ctx, "engagements")
		other := &utsyn.Organisation{Slug: "agder", Name: utsyn.NewText("Agder", "")}
		if err := update(func(tx *store.Tx) error { return tx.CreateOrganisation(ctx, other) }); err != nil {
			t.Fatal(err)
		}
		bad := []struct {
			name  string
			e     utsyn.Engagement
			field string
		}{
			{"dates out of order", utsyn.Engagement{Start: utsyn.MustDate("2024"), End: utsyn.MustDate("2023-01-01")}, "period_end"},
			{"duplicate CORDIS id", utsyn.Engagement{ExternalIDs: map[string]string{"cordis": "769303"}}, "external_cordis"},
			{"another organisation's element", utsyn.Engagement{OrgID: other.ID, Elements: []utsyn.ElementRef{{ElementID: p2.ID}}}, "elements"},
			{"another organisation's actor", utsyn.Engagement{OrgID: other.ID, Partners: []utsyn.Partner{{ActorID: uis.ID, Role: "lead"}}}, "partners"},
			{"a status of another kind", utsyn.Engagement{Status: utsyn.StatusActive}, "status"},
			{"SDG 18", utsyn.Engagement{SDGs: []int{18}}, "sdgs"},
		}
		for _, b := range bad {
			e := b.e
			if e.OrgID == 0 {
				e.OrgID = org.ID
			}
			e.Kind, e.Title = utsyn.KindProject, utsyn.NewText("Nytt", "")
			if e.Status == "" {
				e.Status = utsyn.StatusIdea
			}
			err := update(func(tx *store.Tx) error { return tx.CreateEngagement(ctx, &e) })
			var ue *utsyn.Error
			if !errors.As(err, &ue) || ue.Field != b.field {
				t.Errorf("%s: %v, want an error on %s", b.name, err, b.field)
			}
		}
		if after, _ := db.Count(ctx, "engagements"); after != before {
			t.Errorf("refused engagements were stored: %d then %d", before, after)
		}

		// Edits: a stale version is refused; a status change is in the history.
		stale := *got
		got.Status = utsyn.StatusRunning
		if err := update(func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, got) }); err != nil {
			t.Fatal(err)
		}
		stale.Title = utsyn.NewText("Overskrevet", "")
		if err := update(func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, &stale) }); utsyn.ErrorCode(err) != utsyn.ECONFLICT {
			t.Errorf("stale update: %v, want a conflict", err)
		}
		hist, _ := db.StatusHistory(ctx, tram.ID)
		if len(hist) != 2 || hist[1].From != "completed" || hist[1].To != "running" || hist[1].Actor != "test" {
			t.Errorf("status history %+v", hist)
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "engagement", EntityID: tram.ID})
		if len(events) != 2 || events[0].Changes[0] != (utsyn.Change{Field: "status", Before: "completed", After: "running"}) {
			t.Errorf("audit of the edit: %+v", events)
		}

		// Money, with own hours worked out.
		hours := &utsyn.MoneyLine{EngagementID: tram.ID, Year: 2020, Kind: utsyn.MoneyOwnHours, Hours: 120.5, HourlyRate: utsyn.Money{Minor: 80000}, Amount: utsyn.Money{Currency: "NOK"}}
		grant := &utsyn.MoneyLine{EngagementID: tram.ID, Year: 2020, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 85912500, Currency: "EUR"}}
		if err := update(func(tx *store.Tx) error {
			if err := tx.CreateMoneyLine(ctx, org.ID, hours); err != nil {
				return err
			}
			return tx.CreateMoneyLine(ctx, org.ID, grant)
		}); err != nil {
			t.Fatal(err)
		}
		if hours.Amount.Minor != 9640000 {
			t.Errorf("120.5 hours at 800 NOK = %d øre, want 9640000", hours.Amount.Minor)
		}
		if err := update(func(tx *store.Tx) error {
			return tx.CreateMoneyLine(ctx, other.ID, &utsyn.MoneyLine{EngagementID: tram.ID, Year: 2020, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 1, Currency: "NOK"}})
		}); utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("money on another organisation's engagement: %v", err)
		}
		for _, m := range []utsyn.MoneyLine{
			{EngagementID: tram.ID, Year: 2020, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: -5, Currency: "NOK"}},
			{EngagementID: tram.ID, Year: 2020, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 5, Currency: "SEK"}},
		} {
			if err := update(func(tx *store.Tx) error { return tx.CreateMoneyLine(ctx, org.ID, &m) }); utsyn.ErrorCode(err) != utsyn.EINVALID {
				t.Errorf("bad money line %+v: %v", m, err)
			}
		}

		// An actor in use cannot be deleted, and the refusal names where it is used.
		err = update(func(tx *store.Tx) error { return tx.DeleteActor(ctx, org.ID, uis.ID) })
		var inUse *store.ActorInUseError
		if utsyn.ErrorCode(err) != utsyn.ECONFLICT || !errors.As(err, &inUse) || inUse.Titles[0] != "TrAM – Transport: Advanced and Modular" {
			t.Errorf("delete an actor in use: %v", err)
		}
	})
}

func TestListEngagements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, tree := registerFixture(t, db)
		p := tree.AtLevel("priority")
		var nl *utsyn.Actor
		err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			nl = &utsyn.Actor{OrgID: org.ID, Name: "Provincie Zuid-Holland", Country: "NL", Type: "region"}
			aberdeen := &utsyn.Actor{OrgID: org.ID, Name: "Aberdeen City Council", Country: "GB", Type: "municipality"}
			vg := &utsyn.Actor{OrgID: org.ID, Name: "Västra Götalandsregionen", Country: "SE", Type: "region"}
			for _, a := range []*utsyn.Actor{nl, aberdeen, vg} {
				if err := tx.CreateActor(ctx, a); err != nil {
					return err
				}
			}
			// One project with a lead and a partner whose name comes first.
			several := []utsyn.Partner{{ActorID: aberdeen.ID, Role: "partner"}, {ActorID: vg.ID, Role: "lead"}}
			for i := range 30 {
				e := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusRunning,
					Title:  utsyn.NewText(fmt.Sprintf("Prosjekt %02d om havvind", i), fmt.Sprintf("Project %02d on offshore wind", i)),
					Start:  utsyn.MustDate(fmt.Sprintf("%d-01-01", 2015+i%10)),
					Public: i%2 == 0, Elements: []utsyn.ElementRef{{ElementID: p[i%4].ID, Primary: true}}}
				if i%3 == 0 {
					e.Kind, e.Status, e.Title = utsyn.KindMembership, utsyn.StatusActive, utsyn.NewText(fmt.Sprintf("Nordsjøkommisjonen %02d", i), "")
					e.Partners = []utsyn.Partner{{ActorID: nl.ID, Role: "member"}}
				}
				if i == 1 {
					e.Partners = several
				}
				if err := tx.CreateEngagement(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func(f store.EngagementFilter) int {
			t.Helper()
			f.OrgID, f.Count = org.ID, true
			page, err := db.ListEngagements(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return page.Total
		}
		tests := []struct {
			name   string
			filter store.EngagementFilter
			want   int
		}{
			{"all", store.EngagementFilter{}, 30},
			{"public", store.EngagementFilter{PublicOnly: true}, 15},
			{"memberships", store.EngagementFilter{Kinds: []string{utsyn.KindMembership}}, 10},
			{"running", store.EngagementFilter{Statuses: []string{utsyn.StatusRunning}}, 20},
			{"under P1", store.EngagementFilter{ElementIDs: []int64{p[0].ID}}, 8},
			{"with a Dutch partner", store.EngagementFilter{Country: "NL"}, 10},
			{"running in 2017", store.EngagementFilter{Year: 2017}, 9},
			{"search: havvind", store.EngagementFilter{Query: "havvind"}, 20},
			{"search: a word's start", store.EngagementFilter{Query: "havv"}, 20},
			{"search: English", store.EngagementFilter{Query: "offshore wind"}, 20},
			{"search: ø", store.EngagementFilter{Query: "Nordsjøkommisjonen"}, 10},
			{"search: syntax is not obeyed", store.EngagementFilter{Query: `"havvind") * : ^ -`}, 20},
			{"search and filter", store.EngagementFilter{Query: "prosjekt", PublicOnly: true}, 10},
		}
		for _, tt := range tests {
			if got := count(tt.filter); got != tt.want {
				t.Errorf("%s: %d engagements, want %d", tt.name, got, tt.want)
			}
		}

		// Keyset pages: every engagement once, in order, whatever the sort.
		for _, sort := range []string{"updated", "title", "start"} {
			seen := map[int64]bool{}
			var titles []string
			f := store.EngagementFilter{OrgID: org.ID, Sort: sort, Limit: 7}
			for pages := 0; ; pages++ {
				page, err := db.ListEngagements(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page.Items {
					if seen[e.ID] {
						t.Fatalf("sort %s: %d seen twice", sort, e.ID)
					}
					seen[e.ID] = true
					titles = append(titles, e.Title.Get("nb"))
				}
				if page.Next == "" {
					break
				}
				f.After = page.Next
			}
			if len(seen) != 30 {
				t.Errorf("sort %s: %d engagements over the pages, want 30", sort, len(seen))
			}
			if sort == "title" && (titles[0] != "Nordsjøkommisjonen 00" || titles[29] != "Prosjekt 29 om havvind") {
				t.Errorf("by title: %q … %q", titles[0], titles[29])
			}
		}
		// A list's engagements are read in full, partners in order (the lead first), as
		// FindEngagement reads them, whether the list read them or took them from its cache.
		names := func(e *utsyn.Engagement) (out []string) {
			for _, p := range e.Partners {
				out = append(out, p.Actor.Name)
			}
			return out
		}
		for _, keep := range []bool{false, true, true} { // the second true takes them from the cache
			*store.KeepRegisters = keep
			page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 200, Sort: "title"})
			*store.KeepRegisters = true
			if err != nil {
				t.Fatal(err)
			}
			several := 0
			for _, e := range page.Items {
				want, err := db.FindEngagement(ctx, org.ID, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if e.Title.Get("nb") != want.Title.Get("nb") || !slices.Equal(names(e), names(want)) || len(e.Elements) != len(want.Elements) ||
					len(e.ExternalIDs) != len(want.ExternalIDs) || e.Version != want.Version || !e.UpdatedAt.Equal(want.UpdatedAt) {
					t.Errorf("listed (cache %v) %+v, found %+v", keep, e, want)
				}
				if len(e.Partners) > 1 {
					several++
					if got := names(e); got[0] != "Västra Götalandsregionen" {
						t.Errorf("partners %v: the lead first", got)
					}
				}
			}
			if several == 0 {
				t.Error("no engagement with several partners: their order is not checked")
			}
		}

		// A count, and the page a list found, are kept while the register stays as it was: a
		// change shows in the next list.
		newest := func(f store.EngagementFilter) string {
			t.Helper()
			f.OrgID, f.Limit = org.ID, 1
			page, err := db.ListEngagements(ctx, f)
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("list %+v: %v", f, err)
			}
			return page.Items[0].Title.Get("nb")
		}
		searched := store.EngagementFilter{Query: "Nordsjøkommisjonen"}
		before := newest(searched)
		if again := newest(searched); again != before {
			t.Errorf("the same search twice: %q, then %q", before, again)
		}
		err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMembership, Status: utsyn.StatusActive,
				Title: utsyn.NewText("Nordsjøkommisjonen 30", "")})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := count(store.EngagementFilter{Kinds: []string{utsyn.KindMembership}}); got != 11 {
			t.Errorf("memberships after one more: %d, want 11", got)
		}
		if got := count(store.EngagementFilter{Query: "Nordsjøkommisjonen"}); got != 11 {
			t.Errorf("search after one more: %d, want 11", got)
		}
		if got := newest(searched); got != "Nordsjøkommisjonen 30" {
			t.Errorf("search after one more: %q first (%q before), want the new one", got, before)
		}
		// The engagements a list showed are kept while the register stays as it was: a changed
		// title, and a partner renamed, show in the next list.
		first := func() *utsyn.Engagement {
			t.Helper()
			page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Country: "NL", Limit: 1})
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("list: %v", err)
			}
			return page.Items[0]
		}
		shown := first()
		changed, err := db.FindEngagement(ctx, org.ID, shown.ID)
		if err != nil {
			t.Fatal(err)
		}
		changed.Title = utsyn.NewText("Nordsjøkommisjonen, ny tittel", "")
		nl.Name = "Provincie Zuid-Holland (ny)"
		err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			if err := tx.UpdateEngagement(ctx, changed); err != nil {
				return err
			}
			return tx.UpdateActor(ctx, nl)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := first(); got.ID != shown.ID || got.Title.Get("nb") != "Nordsjøkommisjonen, ny tittel" || got.Partners[0].Actor.Name != "Provincie Zuid-Holland (ny)" {
			t.Errorf("after a change the list shows %q with %q", got.Title.Get("nb"), got.Partners[0].Actor.Name)
		}
		if shown.Title.Get("nb") == "Nordsjøkommisjonen, ny tittel" {
			t.Error("the engagement a list gave before the change was changed")
		}

		if _, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, After: "not-a-cursor"}); utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("a bad cursor: %v", err)
		}
	})
}

// TestOneChangeStamp: within a context from OneChangeStamp the organisation's stamp is read
// once, so a change made meanwhile shows only to a context without it.
func TestOneChangeStamp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, _ := registerFixture(t, db)
		one := store.OneChangeStamp(ctx)
		before, err := db.ChangeStamp(one, org.ID)
		if err != nil || before == "" {
			t.Fatalf("stamp %q, %v", before, err)
		}
		err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusIdea,
				Title: utsyn.NewText("Ny idé", "")})
		})
		if err != nil {
			t.Fatal(err)
		}
		if again, err := db.ChangeStamp(one, org.ID); err != nil || again != before {
			t.Errorf("the same context: %q, %v; want %q as first read", again, err, before)
		}
		now, err := db.ChangeStamp(ctx, org.ID)
		if err != nil || now == before {
			t.Errorf("another context: %q, %v; want the stamp of the change", now, err)
		}

		// The organisation found in such a context brings its stamp with it, the same.
		withOrg := store.OneChangeStamp(ctx)
		if store.OneChangeStamp(withOrg) != withOrg {
			t.Error("OneChangeStamp in a context of one made another")
		}
		found, err := db.FindOrganisation(withOrg, org.Slug)
		if err != nil || found.ID != org.ID || found.Name.Get("nb") != org.Name.Get("nb") {
			t.Fatalf("found %+v, %v; want %+v", found, err, org)
		}
		if stamp, err := db.ChangeStamp(withOrg, org.ID); err != nil || stamp != now {
			t.Errorf("stamp read with the organisation: %q, %v; want %q", stamp, err, now)
		}
		// One without events yet has the empty stamp.
		var empty *utsyn.Organisation
		err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			empty = &utsyn.Organisation{Slug: "uten-hendelser", Name: utsyn.NewText("Uten hendelser", "")}
			return tx.CreateOrganisation(ctx, empty)
		})
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.ChangeStamp(ctx, empty.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh := store.OneChangeStamp(ctx)
		if _, err := db.FindOrganisation(fresh, "uten-hendelser"); err != nil {
			t.Fatal(err)
		}
		if stamp, err := db.ChangeStamp(fresh, empty.ID); err != nil || stamp != want {
			t.Errorf("stamp of a new organisation read with it: %q, %v; want %q", stamp, err, want)
		}
		if _, err := db.FindOrganisation(fresh, "finnes-ikke"); !utsyn.IsNotFound(err) {
			t.Errorf("an organisation that is not there: %v; want not found", err)
		}
	})
}

// TestFindSessionWithOrganisation: in a context of OneChangeStamp, the session's query reads
// the organisation a page is about with its stamp, as FindOrganisation would, so that a change
// made after shows only to another context; a slug that names none, or no such context,
// finds the session as it is.
func TestFindSessionWithOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, _ := registerFixture(t, db)
		other := &utsyn.Organisation{Slug: "andre", Name: utsyn.NewText("Andre", "Other")}
		u := &utsyn.User{Email: "leser@example.org", Name: "Lene Leser"}
		sess := &store.Session{TokenHash: "hash-1", ExpiresAt: time.Now().Add(time.Hour)}
		err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			if err := tx.CreateOrganisation(ctx, other); err != nil {
				return err
			}
			u.Memberships = []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleReader}, {OrgID: other.ID, Role: utsyn.RoleEditor}}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			sess.UserID, sess.OrgID = u.ID, org.ID
			return tx.CreateSession(ctx, sess)
		})
		if err != nil {
			t.Fatal(err)
		}
		wantOrg, err := db.FindOrganisation(ctx, org.Slug)
		if err != nil {
			t.Fatal(err)
		}
		before, err := db.ChangeStamp(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{org.Slug, "finnes-ikke", ""} {
			one := store.OneChangeStamp(ctx)
			s, user, err := db.FindSession(one, "hash-1", slug)
			if err != nil || s.UserID != u.ID || s.OrgID != org.ID || user.Email != u.Email || user.Name != u.Name {
				t.Fatalf("%q: session %+v, user %+v, %v", slug, s, user, err)
			}
			if len(user.Memberships) != 2 || user.RoleIn(org.ID) != utsyn.RoleReader || user.RoleIn(other.ID) != utsyn.RoleEditor {
				t.Errorf("%q: memberships %+v", slug, user.Memberships)
			}
			if slug != org.Slug {
				continue
			}
			err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
				return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusIdea,
					Title: utsyn.NewText("Ny idé", "")})
			})
			if err != nil {
				t.Fatal(err)
			}
			found, err := db.FindOrganisation(one, org.Slug)
			if err != nil || !reflect.DeepEqual(found, wantOrg) {
				t.Errorf("organisation read with the session:\n got %+v, %v\nwant %+v", found, err, wantOrg)
			}
			if stamp, err := db.ChangeStamp(one, org.ID); err != nil || stamp != before {
				t.Errorf("stamp read with the session: %q, %v; want %q, from before the change", stamp, err, before)
			}
			if now, err := db.ChangeStamp(ctx, org.ID); err != nil || now == before {
				t.Errorf("another context: %q, %v; want the stamp of the change", now, err)
			}
		}
		if _, _, err := db.FindSession(ctx, "hash-1", org.Slug); err != nil {
			t.Errorf("without a context of OneChangeStamp: %v", err)
		}
		if _, _, err := db.FindSession(store.OneChangeStamp(ctx), "hash-2", org.Slug); !utsyn.IsNotFound(err) {
			t.Errorf("a session that is not there: %v; want not found", err)
		}
	})
}
