package store_test

import (
	"context"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// followup is a small organisation of its own: a strategy with a goal, two priorities and
// three measures, an editor and a contributor, and a second organisation beside it.
type followup struct {
	t                *testing.T
	db               *store.DB
	ctx              context.Context
	org, other       *utsyn.Organisation
	strategy         *utsyn.Strategy
	el               map[string]*utsyn.Element // by code
	editor, contrib  *utsyn.Principal
	engagementOfOrg2 int64
}

func newFollowup(t *testing.T, db *store.DB) *followup {
	t.Helper()
	f := &followup{t: t, db: db, ctx: context.Background(), el: map[string]*utsyn.Element{}}
	ctx := f.ctx
	err := db.Update(ctx, func(tx *store.Tx) error {
		f.org = &utsyn.Organisation{Slug: "testfylke", Name: utsyn.NewText("Testfylke", "Test County")}
		f.other = &utsyn.Organisation{Slug: "annet", Name: utsyn.NewText("Annet fylke", "")}
		for _, o := range []*utsyn.Organisation{f.org, f.other} {
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
		}
		f.strategy = &utsyn.Strategy{OrgID: f.org.ID, Slug: "strategi", Title: utsyn.NewText("Strategi", ""), Status: utsyn.StatusAdopted,
			Levels: []utsyn.Level{
				{Key: "goal", Name: utsyn.NewText("mål", "goal"), Plural: utsyn.NewText("mål", "goals")},
				{Key: "priority", Name: utsyn.NewText("prioritering", "priority"), Plural: utsyn.NewText("prioriteringer", "priorities")},
				{Key: "measure", Name: utsyn.NewText("tiltak", "measure"), Plural: utsyn.NewText("tiltak", "measures")},
			}}
		if err := tx.CreateStrategy(ctx, f.strategy); err != nil {
			return err
		}
		for _, e := range []struct{ code, parent string }{{"G", ""}, {"P1", "G"}, {"P2", "G"}, {"M1.1", "P1"}, {"M1.2", "P1"}, {"M2.1", "P2"}} {
			level := 2
			switch e.parent {
			case "":
				level = 0
			case "G":
				level = 1
			}
			el := &utsyn.Element{StrategyID: f.strategy.ID, LevelID: f.strategy.Levels[level].ID, Code: e.code, Title: utsyn.NewText("Element "+e.code, "")}
			if e.parent != "" {
				el.ParentID = f.el[e.parent].ID
			}
			if err := tx.CreateElement(ctx, el); err != nil {
				return err
			}
			f.el[e.code] = el
		}
		for _, u := range []struct {
			email string
			role  utsyn.Role
			p     **utsyn.Principal
		}{{"redaktor@example.org", utsyn.RoleEditor, &f.editor}, {"bidragsyter@example.org", utsyn.RoleContributor, &f.contrib}} {
			user := &utsyn.User{Email: u.email, Memberships: []utsyn.Membership{{OrgID: f.org.ID, Role: u.role}}}
			if err := tx.CreateUser(ctx, user); err != nil {
				return err
			}
			*u.p = &utsyn.Principal{User: user, OrgID: f.org.ID, Role: u.role, Label: u.email}
		}
		other := &utsyn.Engagement{OrgID: f.other.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Annet prosjekt", ""), Status: utsyn.StatusRunning}
		if err := tx.CreateEngagement(ctx, other); err != nil {
			return err
		}
		f.engagementOfOrg2 = other.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *followup) must(actor *utsyn.Principal, fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.db.UpdateAs(f.ctx, actor, fn); err != nil {
		f.t.Fatal(err)
	}
}

// engagement registers an engagement linked to the elements.
func (f *followup) engagement(kind, status, title, start, end string, elements ...string) *utsyn.Engagement {
	f.t.Helper()
	e := &utsyn.Engagement{OrgID: f.org.ID, Kind: kind, Title: utsyn.NewText(title, ""), Status: status,
		Start: utsyn.MustDate(start), End: utsyn.MustDate(end)}
	for _, code := range elements {
		e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: f.el[code].ID})
	}
	f.must(f.editor, func(tx *store.Tx) error { return tx.CreateEngagement(f.ctx, e) })
	return e
}

func (f *followup) events(entity string, id int64) []utsyn.Event {
	f.t.Helper()
	ev, err := f.db.ListEvents(f.ctx, store.EventFilter{OrgID: f.org.ID, Entity: entity, EntityID: id})
	if err != nil {
		f.t.Fatal(err)
	}
	return ev
}

func TestStatusUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		e := f.engagement(utsyn.KindProject, utsyn.StatusRunning, "Prosjekt", "2025", "2027", "M1.1")
		engagement := store.Item{Kind: store.ItemEngagement, ID: e.ID}
		measure := store.Item{Kind: store.ItemElement, ID: f.el["M1.1"].ID}

		// Nothing to repeat before a first update.
		err := db.UpdateAs(ctx, f.contrib, func(tx *store.Tx) error {
			_, err := tx.AddNoChange(ctx, f.org.ID, engagement, utsyn.MustDate("2026-01-10"))
			return err
		})
		if utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Fatalf("no change without an update: %v, want invalid", err)
		}

		first := &utsyn.StatusUpdate{OrgID: f.org.ID, EngagementID: e.ID, Date: utsyn.MustDate("2026-01-10"), Status: utsyn.FollowAtRisk,
			Narrative: "Søknaden er forsinket.", Evidence: []utsyn.Link{{URL: "https://example.org/referat", Label: "Referat"}}}
		f.must(f.contrib, func(tx *store.Tx) error { return tx.AddStatusUpdate(ctx, first) })
		var again *utsyn.StatusUpdate
		f.must(f.contrib, func(tx *store.Tx) (err error) {
			again, err = tx.AddNoChange(ctx, f.org.ID, engagement, utsyn.MustDate("2026-02-10"))
			return err
		})
		if again.Status != utsyn.FollowAtRisk || !again.NoChange || again.Narrative != "" {
			t.Errorf("no change: %+v, want the last status repeated without a narrative", again)
		}
		f.must(f.editor, func(tx *store.Tx) error {
			return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: f.org.ID, ElementID: measure.ID, Date: utsyn.MustDate("2026-02-01"), Status: utsyn.FollowOnTrack})
		})

		list, err := db.ListStatusUpdates(ctx, f.org.ID, engagement)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != again.ID || list[1].Narrative != "Søknaden er forsinket." || list[1].AuthorLabel != "bidragsyter@example.org" ||
			len(list[1].Evidence) != 1 || list[1].Evidence[0].Label != "Referat" {
			t.Errorf("updates of the engagement, newest first: %+v", list)
		}
		latest, err := db.LatestUpdates(ctx, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if latest[engagement].ID != again.ID || latest[measure].Status != utsyn.FollowOnTrack || len(latest) != 2 {
			t.Errorf("latest updates: %v", latest)
		}
		if ev := f.events("status_update", first.ID); len(ev) != 1 || ev[0].ActorLabel != "bidragsyter@example.org" || ev[0].Action != "create" {
			t.Errorf("audit trail of the update: %+v", ev)
		}

		// Another organisation's engagement, and mistakes.
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: f.org.ID, EngagementID: f.engagementOfOrg2, Date: utsyn.MustDate("2026-02-01"), Status: utsyn.FollowDone})
		})
		if !utsyn.IsNotFound(err) {
			t.Errorf("an update of another organisation's engagement: %v, want not found", err)
		}
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: f.org.ID, EngagementID: e.ID, Date: utsyn.MustDate("2026-02"), Status: "green"})
		})
		if e, ok := err.(*utsyn.Error); !ok || len(e.Problems) != 2 {
			t.Errorf("an update with a month for a date and no status: %v, want two problems", err)
		}
	})
}

func TestOverdueUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		running := f.engagement(utsyn.KindProject, utsyn.StatusRunning, "Løpende", "2025", "2027", "M1.1")
		done := f.engagement(utsyn.KindProject, utsyn.StatusCompleted, "Avsluttet", "2020", "2021", "M1.1")
		fresh := f.engagement(utsyn.KindMembership, utsyn.StatusActive, "Medlemskap", "2019", "", "P1")
		set := func(it store.Item, version int, s store.FollowupSettings) {
			t.Helper()
			f.must(f.editor, func(tx *store.Tx) error { return tx.SetSettings(ctx, f.org.ID, it, version, s) })
		}
		set(store.Item{Kind: store.ItemEngagement, ID: running.ID}, running.Version, store.FollowupSettings{Cadence: utsyn.CadenceQuarterly})
		set(store.Item{Kind: store.ItemEngagement, ID: done.ID}, done.Version, store.FollowupSettings{Cadence: utsyn.CadenceMonthly})
		set(store.Item{Kind: store.ItemEngagement, ID: fresh.ID}, fresh.Version, store.FollowupSettings{Cadence: utsyn.CadenceYearly})
		m := f.el["M1.2"]
		set(store.Item{Kind: store.ItemElement, ID: m.ID}, m.Version, store.FollowupSettings{Cadence: utsyn.CadenceMonthly, Weight: 2})

		// A stale form is refused; the settings and the audit trail show the change.
		err := db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: m.ID}, m.Version, store.FollowupSettings{Cadence: utsyn.CadenceYearly, Weight: 1})
		})
		if !store.IsStale(err) {
			t.Errorf("settings saved over a change: %v, want stale", err)
		}
		s, err := db.Settings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: m.ID})
		if err != nil || s.Cadence != utsyn.CadenceMonthly || s.Weight != 2 || s.Version != m.Version+1 {
			t.Errorf("settings of M1.2: %+v, %v", s, err)
		}
		if ev := f.events("element", m.ID); len(ev) != 1 || len(ev[0].Changes) != 2 || ev[0].Changes[1].After != "2" {
			t.Errorf("audit trail of the settings: %+v", ev)
		}

		for _, u := range []*utsyn.StatusUpdate{
			{OrgID: f.org.ID, EngagementID: running.ID, Date: utsyn.MustDate("2026-08-01"), Status: utsyn.FollowOnTrack},
			{OrgID: f.org.ID, EngagementID: fresh.ID, Date: utsyn.MustDate("2026-03-01"), Status: utsyn.FollowOnTrack},
		} {
			f.must(f.editor, func(tx *store.Tx) error { return tx.AddStatusUpdate(ctx, u) })
		}

		overdue := func(today string) map[int64]bool {
			t.Helper()
			items, err := db.ListDue(ctx, f.org.ID, utsyn.MustDate(today))
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]bool{}
			for _, it := range items {
				if it.Kind == store.ItemEngagement && it.ID == done.ID {
					t.Error("a completed engagement is due an update")
				}
				out[it.ID] = it.Overdue
			}
			if len(items) != 3 {
				t.Errorf("%d items due updates, want 3", len(items))
			}
			return out
		}
		// On 15 October the quarterly update of 1 August is not due until 1 November.
		got := overdue("2026-10-15")
		if got[running.ID] || got[fresh.ID] || !got[m.ID] {
			t.Errorf("overdue on 15 October: %v; want only M1.2, which was never updated", got)
		}
		got = overdue("2026-11-02")
		if !got[running.ID] || got[fresh.ID] || !got[m.ID] {
			t.Errorf("overdue on 2 November: %v; want the running project and M1.2", got)
		}
		got = overdue("2027-03-02")
		if !got[fresh.ID] {
			t.Errorf("overdue on 2 March 2027: %v; want the yearly update of the membership", got)
		}
	})
}

func TestMilestones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		e := f.engagement(utsyn.KindProject, utsyn.StatusRunning, "Prosjekt", "2025", "2027", "M1.1")
		m := &utsyn.Milestone{OrgID: f.org.ID, EngagementID: e.ID, Title: "Søknad sendt", Due: utsyn.MustDate("2026-03-15")}
		f.must(f.contrib, func(tx *store.Tx) error { return tx.AddMilestone(ctx, m) })
		read := m.Version

		var ticked *utsyn.Milestone
		f.must(f.contrib, func(tx *store.Tx) (err error) {
			ticked, err = tx.SetMilestoneDone(ctx, f.org.ID, m.ID, read, utsyn.MustDate("2026-03-14"))
			return err
		})
		if !ticked.Done() || ticked.Version != read+1 {
			t.Errorf("ticked milestone: %+v", ticked)
		}
		// An edit from the form read before the tick is refused.
		stale := *m
		stale.Title = "Søknad levert"
		err := db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error { return tx.UpdateMilestone(ctx, &stale) })
		if !store.IsStale(err) {
			t.Errorf("an edit over a tick: %v, want stale", err)
		}
		got, err := db.ListMilestones(ctx, f.org.ID, store.Item{Kind: store.ItemEngagement, ID: e.ID})
		if err != nil || len(got) != 1 || got[0].Title != "Søknad sendt" || got[0].DoneOn != utsyn.MustDate("2026-03-14") {
			t.Errorf("milestones: %+v, %v", got, err)
		}
		if ev := f.events("milestone", m.ID); len(ev) != 2 || ev[0].Changes[0].Field != "done_on" {
			t.Errorf("audit trail: %+v", ev)
		}
		// Mistakes, and another organisation's engagement.
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddMilestone(ctx, &utsyn.Milestone{OrgID: f.org.ID, EngagementID: e.ID})
		})
		if e, ok := err.(*utsyn.Error); !ok || len(e.Problems) != 2 {
			t.Errorf("a milestone without title and date: %v", err)
		}
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddMilestone(ctx, &utsyn.Milestone{OrgID: f.org.ID, EngagementID: f.engagementOfOrg2, Title: "x", Due: utsyn.MustDate("2026")})
		})
		if !utsyn.IsNotFound(err) {
			t.Errorf("a milestone of another organisation's engagement: %v", err)
		}
		f.must(f.editor, func(tx *store.Tx) error { return tx.DeleteMilestone(ctx, f.org.ID, m.ID, ticked.Version) })
		if _, err := db.FindMilestone(ctx, f.org.ID, m.ID); !utsyn.IsNotFound(err) {
			t.Errorf("deleted milestone: %v", err)
		}
	})
}

func TestRollupRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		if rule, err := db.RollupRule(ctx, f.strategy.ID); err != nil || rule != utsyn.RollupWorst {
			t.Fatalf("default rule %q, %v; want worst", rule, err)
		}
		f.must(f.editor, func(tx *store.Tx) error {
			return tx.SetRollupRule(ctx, f.org.ID, f.strategy.ID, f.strategy.Version, utsyn.RollupWeighted)
		})
		err := db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.SetRollupRule(ctx, f.org.ID, f.strategy.ID, f.strategy.Version, utsyn.RollupWorst)
		})
		if !store.IsStale(err) {
			t.Errorf("a rule set from a stale form: %v", err)
		}
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.SetRollupRule(ctx, f.org.ID, f.strategy.ID, f.strategy.Version+1, "average")
		})
		if utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("an unknown rule: %v", err)
		}
		if rule, _ := db.RollupRule(ctx, f.strategy.ID); rule != utsyn.RollupWeighted {
			t.Errorf("rule %q, want weighted", rule)
		}
		if ev := f.events("strategy", f.strategy.ID); len(ev) != 1 || ev[0].Changes[0].After != "weighted" {
			t.Errorf("audit trail: %+v", ev)
		}
	})
}
