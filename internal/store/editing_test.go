package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// editing is a demo database with an editor to credit.
type editing struct {
	t     *testing.T
	db    *store.DB
	ctx   context.Context
	org   *utsyn.Organisation
	actor *utsyn.Principal
}

func newEditing(t *testing.T, db *store.DB) *editing {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.LoadStrategy(ctx, db); err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrganisation(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	u := &utsyn.User{Email: "redaktor@example.org", Memberships: []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleEditor}}}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return &editing{t: t, db: db, ctx: ctx, org: org, actor: &utsyn.Principal{User: u, OrgID: org.ID, Role: utsyn.RoleEditor, Label: u.Email}}
}

// do runs fn as the editor.
func (e *editing) do(fn func(tx *store.Tx) error) error {
	return e.db.UpdateAs(e.ctx, e.actor, fn)
}

func (e *editing) must(fn func(tx *store.Tx) error) {
	e.t.Helper()
	if err := e.do(fn); err != nil {
		e.t.Fatal(err)
	}
}

func (e *editing) strategy(slug string) *utsyn.Strategy {
	e.t.Helper()
	s, err := e.db.FindStrategy(e.ctx, e.org.ID, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *editing) tree(slug string) *utsyn.Tree {
	e.t.Helper()
	tree, err := e.db.FindTree(e.ctx, e.strategy(slug))
	if err != nil {
		e.t.Fatal(err)
	}
	return tree
}

func (e *editing) element(tree *utsyn.Tree, code string) *utsyn.Element {
	e.t.Helper()
	for _, el := range tree.Elements {
		if el.Code == code {
			return el
		}
	}
	e.t.Fatalf("no element %s", code)
	return nil
}

func (e *editing) events(entity string, id int64) []utsyn.Event {
	e.t.Helper()
	events, err := e.db.ListEvents(e.ctx, store.EventFilter{OrgID: e.org.ID, Entity: entity, EntityID: id})
	if err != nil {
		e.t.Fatal(err)
	}
	return events
}

// wantProblem fails unless err is an input error with the problem among its problems.
func wantProblem(t *testing.T, err error, field, message string) {
	t.Helper()
	var e *utsyn.Error
	if !errors.As(err, &e) || e.Code != utsyn.EINVALID || !slices.Contains(e.Problems, utsyn.Problem{Field: field, Message: message}) {
		t.Fatalf("error %v, want the problem %s %s", err, field, message)
	}
}

func wantCode(t *testing.T, err error, code, message string) {
	t.Helper()
	if utsyn.ErrorCode(err) != code || (message != "" && utsyn.ErrorMessage(err) != message) {
		t.Fatalf("error %v, want %s %s", err, code, message)
	}
}

const demoStrategy = "internasjonal-strategi"

func TestUpdateStrategy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEditing(t, db)
		s := e.strategy(demoStrategy)
		terms, err := db.StrategyTermIDs(e.ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		read := *s
		edit := *s
		edit.Title = utsyn.NewText("Internasjonal strategi 2024–2028", "International strategy 2024–2028")
		edit.AdoptedOn = utsyn.MustDate("2023-06-14")
		edit.Purpose = []utsyn.Statement{{Kind: utsyn.StatementShallBe, Text: utsyn.NewText("et verktøy", "a tool")}}
		e.must(func(tx *store.Tx) error { return tx.UpdateStrategy(e.ctx, &edit, terms[1:]) })

		got := e.strategy(demoStrategy)
		if got.Version != s.Version+1 || got.Title["nb"] != "Internasjonal strategi 2024–2028" || len(got.Purpose) != 1 {
			t.Errorf("after the update: version %d, title %q, %d statements", got.Version, got.Title["nb"], len(got.Purpose))
		}
		ev := e.events("strategy", s.ID)
		if len(ev) != 1 || ev[0].Action != "update" || ev[0].ActorLabel != "redaktor@example.org" {
			t.Fatalf("events %+v, want one update by the editor", ev)
		}
		byField := map[string]utsyn.Change{}
		for _, c := range ev[0].Changes {
			byField[c.Field] = c
		}
		want := map[string]utsyn.Change{
			"title":      {Field: "title", Before: "nb: Internasjonal strategi / en: International strategy", After: "nb: Internasjonal strategi 2024–2028 / en: International strategy 2024–2028"},
			"adopted_on": {Field: "adopted_on", Before: "", After: "2023-06-14"},
		}
		for f, w := range want {
			if got := byField[f]; got != w {
				t.Errorf("change of %s:\n got %+v\nwant %+v", f, got, w)
			}
		}
		if c := byField["roles"]; c.Before == c.After || !strings.Contains(c.Before, c.After) {
			t.Errorf("detaching a role: change %+v", c)
		}
		if _, ok := byField["purpose_insight"]; !ok {
			t.Error("removed statements are not in the trail")
		}

		// A second editor who read the old version is refused, and nothing changes.
		stale := read
		stale.Title = utsyn.NewText("Overskrevet", "")
		err = e.do(func(tx *store.Tx) error { return tx.UpdateStrategy(e.ctx, &stale, terms) })
		if !store.IsStale(err) {
			t.Fatalf("a stale update: %v, want a stale error", err)
		}
		if now := e.strategy(demoStrategy); now.Title["nb"] != "Internasjonal strategi 2024–2028" || now.Version != got.Version {
			t.Errorf("a refused update changed the strategy: %q v%d", now.Title["nb"], now.Version)
		}

		// Saving without a change stores and records nothing.
		same := *got
		e.must(func(tx *store.Tx) error { return tx.UpdateStrategy(e.ctx, &same, terms[1:]) })
		if now := e.strategy(demoStrategy); now.Version != got.Version || len(e.events("strategy", s.ID)) != 1 {
			t.Errorf("an empty save raised the version to %d or was recorded", now.Version)
		}

		// Rules: a taken slug, a bad address, an over-long title, all at once where they can be.
		other := &utsyn.Strategy{OrgID: e.org.ID, Slug: "annen", Title: utsyn.NewText("Annen", ""), Status: utsyn.StatusDraft,
			Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("mål", ""), Plural: utsyn.NewText("Mål", "")}}}
		e.must(func(tx *store.Tx) error { return tx.AddStrategy(e.ctx, other, nil) })
		bad := *e.strategy("annen")
		bad.Slug = demoStrategy
		err = e.do(func(tx *store.Tx) error { return tx.UpdateStrategy(e.ctx, &bad, nil) })
		wantCode(t, err, utsyn.ECONFLICT, "error.slug_taken")
		bad = *e.strategy("annen")
		bad.SourceURL, bad.Title = "javascript:alert(1)", utsyn.NewText(strings.Repeat("x", utsyn.MaxTitle+1), "")
		err = e.do(func(tx *store.Tx) error { return tx.UpdateStrategy(e.ctx, &bad, nil) })
		wantCode(t, err, utsyn.EINVALID, "")
		if p := err.(*utsyn.Error).Problems; len(p) != 2 {
			t.Errorf("problems %v, want the title and the address", p)
		}
	})
}

func TestPublishAndVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEditing(t, db)
		s := e.strategy(demoStrategy)
		e.must(func(tx *store.Tx) error { return tx.PublishStrategy(e.ctx, e.org.ID, s.ID, s.Version, false) })
		if got := e.strategy(demoStrategy); got.Published || got.Version != s.Version+1 {
			t.Errorf("after unpublishing: published %v, version %d", got.Published, got.Version)
		}
		err := e.do(func(tx *store.Tx) error { return tx.PublishStrategy(e.ctx, e.org.ID, s.ID, s.Version, true) })
		if !store.IsStale(err) {
			t.Errorf("publishing with a stale version: %v", err)
		}
		if ev := e.events("strategy", s.ID); len(ev) != 1 || ev[0].Action != "unpublish" ||
			ev[0].Changes[0] != (utsyn.Change{Field: "published", Before: "true", After: "false"}) {
			t.Errorf("events %+v", ev)
		}

		next, err := func() (*utsyn.Strategy, error) {
			var n *utsyn.Strategy
			err := e.do(func(tx *store.Tx) (err error) {
				n, err = tx.AddVersion(e.ctx, e.org.ID, s.ID, "internasjonal-strategi-2027")
				return
			})
			return n, err
		}()
		if err != nil {
			t.Fatal(err)
		}
		if next.SupersedesID != s.ID || next.Published || next.Status != utsyn.StatusDraft {
			t.Errorf("new version: %+v", next)
		}
		lineage, err := db.Lineage(e.ctx, next.ID)
		if err != nil || len(lineage) != len(e.tree(demoStrategy).Elements) {
			t.Errorf("lineage of %d elements (%v), want every element", len(lineage), err)
		}
		if ev := e.events("strategy", next.ID); len(ev) != 1 || ev[0].Changes[0] != (utsyn.Change{Field: "supersedes", After: demoStrategy}) {
			t.Errorf("events of the new version: %+v", ev)
		}
		if ev := e.events("strategy", s.ID); ev[0].Action != "supersede" {
			t.Errorf("the old version's trail lacks the revision: %+v", ev[0])
		}
		for _, slug := range []string{"", "Ikke Gyldig", demoStrategy} {
			err := e.do(func(tx *store.Tx) error { _, err := tx.AddVersion(e.ctx, e.org.ID, s.ID, slug); return err })
			if err == nil || utsyn.ErrorCode(err) == utsyn.EINTERNAL {
				t.Errorf("new version under %q: %v, want a refusal", slug, err)
			}
		}
		// Deleting an element the new version continues would cut the lineage.
		old := e.element(e.tree(demoStrategy), "P3")
		_, err = func() (int, error) {
			var n int
			err := e.do(func(tx *store.Tx) (err error) {
				n, err = tx.DeleteElement(e.ctx, e.org.ID, s.ID, old.ID, old.Version)
				return
			})
			return n, err
		}()
		wantCode(t, err, utsyn.ECONFLICT, "error.element_continued")
	})
}

func TestEditElements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEditing(t, db)
		tree := e.tree(demoStrategy)
		s := tree.Strategy
		level := func(key string) int64 {
			for _, l := range s.Levels {
				if l.Key == key {
					return l.ID
				}
			}
			t.Fatalf("no level %s", key)
			return 0
		}
		s1, s2 := e.element(tree, "S1"), e.element(tree, "S2")

		// Add a measure under S2.
		m := &utsyn.Element{StrategyID: s.ID, LevelID: level("measure"), ParentID: s2.ID, Code: "M2.1", Title: utsyn.NewText("søke EU-midler", "apply for EU funds")}
		e.must(func(tx *store.Tx) error { return tx.AddElement(e.ctx, e.org.ID, m) })
		if ev := e.events("element", m.ID); len(ev) != 1 || ev[0].Action != "create" {
			t.Errorf("events of a new element: %+v", ev)
		}
		dup := &utsyn.Element{StrategyID: s.ID, LevelID: level("measure"), ParentID: s2.ID, Code: "M2.1", Title: utsyn.NewText("x", "")}
		wantProblem(t, e.do(func(tx *store.Tx) error { return tx.AddElement(e.ctx, e.org.ID, dup) }), "code", "error.code_taken")
		spaced := &utsyn.Element{StrategyID: s.ID, LevelID: level("measure"), ParentID: s2.ID, Code: "M 2", Title: utsyn.NewText("x", "")}
		wantProblem(t, e.do(func(tx *store.Tx) error { return tx.AddElement(e.ctx, e.org.ID, spaced) }), "code", "error.code")

		// Edit it; a second edit with the version read before is refused.
		read := *m
		edit := *m
		edit.Title = utsyn.NewText("søke flere EU-midler", "apply for more EU funds")
		e.must(func(tx *store.Tx) error { return tx.UpdateElement(e.ctx, e.org.ID, &edit) })
		stale := read
		stale.Title = utsyn.NewText("gammelt", "")
		if err := e.do(func(tx *store.Tx) error { return tx.UpdateElement(e.ctx, e.org.ID, &stale) }); !store.IsStale(err) {
			t.Errorf("stale element update: %v", err)
		}
		got, err := db.FindElement(e.ctx, m.ID)
		if err != nil || got.Title["nb"] != "søke flere EU-midler" || got.Version != 2 {
			t.Errorf("element after edits: %+v, %v", got, err)
		}
		// A focus area with measures cannot become a measure itself.
		lower := *s1
		lower.LevelID = level("measure")
		wantProblem(t, e.do(func(tx *store.Tx) error { return tx.UpdateElement(e.ctx, e.org.ID, &lower) }), "level", "error.child_level")
		// Nor can it sit under itself, or under a measure of its own.
		self := *s1
		self.ParentID = s1.ID
		wantProblem(t, e.do(func(tx *store.Tx) error { return tx.UpdateElement(e.ctx, e.org.ID, &self) }), "parent", "error.parent_level")

		// Move it under S1: last there; a move under a measure (same level) is refused.
		e.must(func(tx *store.Tx) error { return tx.MoveElement(e.ctx, e.org.ID, s.ID, m.ID, got.Version, s1.ID) })
		tree = e.tree(demoStrategy)
		kids := tree.Children(s1.ID)
		if kids[len(kids)-1].ID != m.ID {
			t.Errorf("after the move, S1's children end with %s", kids[len(kids)-1].Code)
		}
		moved, _ := db.FindElement(e.ctx, m.ID)
		m11 := e.element(tree, "M1.1")
		wantCode(t, e.do(func(tx *store.Tx) error { return tx.MoveElement(e.ctx, e.org.ID, s.ID, m.ID, moved.Version, m11.ID) }), utsyn.EINVALID, "error.parent_level")
		if ev := e.events("element", m.ID); ev[0].Action != "move" || ev[0].Changes[0].Before != "S2 Programmer og prosjekter" {
			t.Errorf("the move's event: %+v", ev[0])
		}

		// Reorder: up to the top of S1, and no further.
		for range 5 {
			e.must(func(tx *store.Tx) error { return tx.ReorderElement(e.ctx, e.org.ID, s.ID, m.ID, -1) })
		}
		var codes []string
		for _, c := range e.tree(demoStrategy).Children(s1.ID) {
			codes = append(codes, c.Code)
		}
		if want := []string{"M2.1", "M1.1", "M1.2", "M1.3"}; !slices.Equal(codes, want) {
			t.Errorf("order after moving up: %v, want %v", codes, want)
		}

		// Delete S1 with its four measures; the strategy's trail keeps it.
		s1now, _ := db.FindElement(e.ctx, s1.ID)
		var n int
		e.must(func(tx *store.Tx) (err error) {
			n, err = tx.DeleteElement(e.ctx, e.org.ID, s.ID, s1.ID, s1now.Version)
			return
		})
		if n != 5 {
			t.Errorf("deleted %d elements, want 5", n)
		}
		if _, err := db.FindElement(e.ctx, m.ID); !utsyn.IsNotFound(err) {
			t.Errorf("a child of a deleted element: %v", err)
		}
		if ev := e.events("strategy", s.ID); len(ev) != 1 || ev[0].Action != "remove" || len(ev[0].Changes) != 5 {
			t.Errorf("the strategy's trail of the deletion: %+v", ev)
		}
	})
}

func TestEditPlansAndTerms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEditing(t, db)
		p := &utsyn.Plan{OrgID: e.org.ID, Slug: "regional-plan", Title: utsyn.NewText("Regional plan", ""), PeriodStart: utsyn.MustDate("2025")}
		e.must(func(tx *store.Tx) error { return tx.AddPlan(e.ctx, p) })
		read := *p
		edit := *p
		edit.Published = true
		e.must(func(tx *store.Tx) error { return tx.UpdatePlan(e.ctx, &edit) })
		read.Title = utsyn.NewText("Gammel", "")
		if err := e.do(func(tx *store.Tx) error { return tx.UpdatePlan(e.ctx, &read) }); !store.IsStale(err) {
			t.Errorf("stale plan update: %v", err)
		}

		g1 := &utsyn.PlanGoal{PlanID: p.ID, Code: "A", Title: utsyn.NewText("Første", "")}
		g2 := &utsyn.PlanGoal{PlanID: p.ID, Code: "B", Title: utsyn.NewText("Andre", "")}
		e.must(func(tx *store.Tx) error { return tx.AddPlanGoal(e.ctx, e.org.ID, g1) })
		e.must(func(tx *store.Tx) error { return tx.AddPlanGoal(e.ctx, e.org.ID, g2) })
		wantCode(t, e.do(func(tx *store.Tx) error {
			return tx.AddPlanGoal(e.ctx, e.org.ID, &utsyn.PlanGoal{PlanID: p.ID, Code: "A", Title: utsyn.NewText("x", "")})
		}), utsyn.ECONFLICT, "error.code_taken")
		stamp := store.GoalStamp(*g2)
		edited := *g2
		edited.Title = utsyn.NewText("Andre mål", "Second goal")
		e.must(func(tx *store.Tx) error { return tx.UpdatePlanGoal(e.ctx, e.org.ID, &edited, stamp) })
		if err := e.do(func(tx *store.Tx) error { return tx.UpdatePlanGoal(e.ctx, e.org.ID, &edited, stamp) }); !store.IsStale(err) {
			t.Errorf("stale goal update: %v", err)
		}
		e.must(func(tx *store.Tx) error { return tx.ReorderPlanGoal(e.ctx, e.org.ID, p.ID, g2.ID, -1) })
		got, _ := db.FindPlan(e.ctx, e.org.ID, "regional-plan")
		if len(got.Goals) != 2 || got.Goals[0].Code != "B" || got.Goals[0].Title["en"] != "Second goal" {
			t.Errorf("goals after edit and reorder: %+v", got.Goals)
		}
		e.must(func(tx *store.Tx) error { return tx.DeletePlanGoal(e.ctx, e.org.ID, p.ID, g1.ID, store.GoalStamp(*g1)) })
		if ev := e.events("plan", p.ID); ev[0].Action != "remove" || ev[0].Changes[0].Before != "A Første" {
			t.Errorf("the plan's trail of the deleted goal: %+v", ev[0])
		}

		term := &utsyn.Term{OrgID: e.org.ID, Vocabulary: utsyn.VocabRole, Key: "vertskap", Name: utsyn.NewText("vertskap", "host")}
		e.must(func(tx *store.Tx) error { return tx.AddTerm(e.ctx, term) })
		wantCode(t, e.do(func(tx *store.Tx) error {
			return tx.AddTerm(e.ctx, &utsyn.Term{OrgID: e.org.ID, Vocabulary: utsyn.VocabRole, Key: "vertskap", Name: utsyn.NewText("x", "")})
		}), utsyn.ECONFLICT, "error.key_taken")
		tstamp := store.TermStamp(*term)
		renamed := *term
		renamed.Name = utsyn.NewText("vert", "host")
		e.must(func(tx *store.Tx) error { return tx.UpdateTerm(e.ctx, &renamed, tstamp) })
		if err := e.do(func(tx *store.Tx) error { return tx.UpdateTerm(e.ctx, &renamed, tstamp) }); !store.IsStale(err) {
			t.Errorf("stale term update: %v", err)
		}
	})
}

// An editor works only in their own organisation: another's records are not found.
func TestEditingKeepsTenantsApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEditing(t, db)
		other := &utsyn.Organisation{Slug: "agder", Name: utsyn.NewText("Agder", "")}
		e.must(func(tx *store.Tx) error { return tx.CreateOrganisation(e.ctx, other) })
		tree := e.tree(demoStrategy)
		s, el := tree.Strategy, tree.Elements[1]
		plan, err := db.FindPlanByID(e.ctx, s.PlanID)
		if err != nil {
			t.Fatal(err)
		}
		for name, fn := range map[string]func(tx *store.Tx) error{
			"strategy": func(tx *store.Tx) error {
				c := *s
				c.OrgID = other.ID
				return tx.UpdateStrategy(e.ctx, &c, nil)
			},
			"publish": func(tx *store.Tx) error { return tx.PublishStrategy(e.ctx, other.ID, s.ID, s.Version, false) },
			"element": func(tx *store.Tx) error { return tx.MoveElement(e.ctx, other.ID, s.ID, el.ID, el.Version, 0) },
			"delete": func(tx *store.Tx) error {
				_, err := tx.DeleteElement(e.ctx, other.ID, s.ID, el.ID, el.Version)
				return err
			},
			"plan": func(tx *store.Tx) error {
				c := *plan
				c.OrgID = other.ID
				return tx.UpdatePlan(e.ctx, &c)
			},
			"goal": func(tx *store.Tx) error {
				return tx.DeletePlanGoal(e.ctx, other.ID, plan.ID, plan.Goals[0].ID, store.GoalStamp(plan.Goals[0]))
			},
		} {
			if err := e.do(fn); !utsyn.IsNotFound(err) {
				t.Errorf("%s of another organisation: %v, want not found", name, err)
			}
		}
	})
}
