package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// The history of a strategy (with its elements), an element, and a plan (with its goals),
// from the audit trail.

type historyPage struct {
	*page
	Eyebrow, Heading, Caption string
	Back                      crumb
	Events                    []eventView
}

type eventView struct {
	utsyn.Event
	What    string // the kind of record and its name, when the history covers several
	Changes []changeView
}

type changeView struct{ Field, Before, After string }

// Rows is how many rows of the table the event takes: one a change.
func (e eventView) Rows() int { return max(len(e.Changes), 1) }

// Rest are the changes after the first, each in a row of its own.
func (e eventView) Rest() []changeView {
	if len(e.Changes) < 2 {
		return nil
	}
	return e.Changes[1:]
}

// First is the first change, or nil.
func (e eventView) First() *changeView {
	if len(e.Changes) == 0 {
		return nil
	}
	return &e.Changes[0]
}

// value shows a stored value in words where it is a code: a status, yes and no.
func shownValue(p *page, field, v string) string {
	switch {
	case v == "":
		return ""
	case field == "status" && p.cat.Has("strategy.status."+v):
		return p.T("strategy.status." + v)
	case field == "published" && (v == "true" || v == "false"):
		return p.T("editor.bool." + v)
	}
	return v
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, p *page, events []utsyn.Event, heading string, back crumb, several bool) {
	hp := &historyPage{page: p, Eyebrow: p.T("editor.history"), Heading: heading, Back: back,
		Caption: p.T("editor.history.caption", "title", heading)}
	for _, e := range events {
		ev := eventView{Event: e}
		if several {
			ev.What = p.Entity(e.Entity)
			if e.Summary != "" {
				ev.What += ": " + e.Summary
			}
		}
		for _, c := range e.Changes {
			ev.Changes = append(ev.Changes, changeView{Field: p.tOr("field."+c.Field, c.Field),
				Before: shownValue(p, c.Field, c.Before), After: shownValue(p, c.Field, c.After)})
		}
		hp.Events = append(hp.Events, ev)
	}
	hp.Title = p.T("editor.history.title", "title", heading)
	hp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, back, {Label: p.T("editor.history")}}
	s.render(w, r, "editor-history", http.StatusOK, hp)
}

// strategyHistory shows the changes to a strategy and to its elements, newest first.
func (s *Server) strategyHistory(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return err
	}
	events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "strategy", EntityID: st.ID})
	if err != nil {
		return err
	}
	if len(tree.Elements) > 0 {
		ids := map[int64]bool{}
		for _, e := range tree.Elements {
			ids[e.ID] = true
		}
		elementEvents, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "element"})
		if err != nil {
			return err
		}
		for _, e := range elementEvents {
			if ids[e.EntityID] {
				events = append(events, e)
			}
		}
	}
	sortEvents(events)
	s.history(w, r, p, events, p.S(st.Title), s.strategyCrumb(p, st), true)
	return nil
}

// sortEvents puts merged events newest first, as ListEvents does.
func sortEvents(events []utsyn.Event) {
	slices.SortStableFunc(events, func(a, b utsyn.Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
}

// strategyCrumb leads to the strategy: to its public page when it has one, for those who may
// not edit it.
func (s *Server) strategyCrumb(p *page, st *utsyn.Strategy) crumb {
	base := strategyBase(p, st.Slug)
	if p.CanEdit() {
		return crumb{Label: p.S(st.Title), Href: base + "/rediger"}
	}
	if st.Published {
		return crumb{Label: p.S(st.Title), Href: base}
	}
	return crumb{Label: p.S(st.Title), Href: base + "/historikk"}
}

func (s *Server) elementHistory(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "element", EntityID: e.ID})
	if err != nil {
		return err
	}
	s.history(w, r, p, events, strings.TrimSpace(e.Code+" "+short(p.S(e.Title), 80)), s.strategyCrumb(p, st), false)
	return nil
}

func (s *Server) planHistory(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "plan", EntityID: pl.ID})
	if err != nil {
		return err
	}
	if len(pl.Goals) > 0 {
		goalEvents, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "plan_goal"})
		if err != nil {
			return err
		}
		for _, e := range goalEvents {
			if slices.ContainsFunc(pl.Goals, func(g utsyn.PlanGoal) bool { return g.ID == e.EntityID }) {
				events = append(events, e)
			}
		}
	}
	sortEvents(events)
	back := crumb{Label: p.S(pl.Title), Href: planBase(p, pl.Slug)}
	if p.CanEdit() {
		back.Href += "/rediger"
	} else if !pl.Published {
		back.Href += "/historikk"
	}
	s.history(w, r, p, events, p.S(pl.Title), back, true)
	return nil
}
