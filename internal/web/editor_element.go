package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Editing a strategy's element tree: adding, editing, moving and deleting elements.

var elementFields = []string{"version", "level", "parent", "code", "title_nb", "title_en", "description_nb",
	"description_en", "note_nb", "note_en"}

var elementAliases = map[string]string{"plan_goal_ids": "plan_goals"}

func elementValues(e *utsyn.Element) *eform {
	f := newEform(elementFields, "plan_goals")
	f.Values["version"] = strconv.Itoa(e.Version)
	f.Values["level"] = strconv.FormatInt(e.LevelID, 10)
	if e.ParentID != 0 {
		f.Values["parent"] = strconv.FormatInt(e.ParentID, 10)
	}
	f.Values["code"] = e.Code
	f.setText("title", e.Title)
	f.setText("description", e.Description)
	f.setText("note", e.Note)
	f.setIDs("plan_goals", e.PlanGoalIDs)
	return f
}

func elementFrom(p *page, f *eform) *utsyn.Element {
	return &utsyn.Element{LevelID: f.id(p, "level"), ParentID: f.id(p, "parent"), Code: f.Get("code"),
		Title: f.text("title"), Description: f.text("description"), Note: f.text("note"), PlanGoalIDs: f.ids(p, "plan_goals")}
}

// elementChoices are what an element's form offers: the strategy's levels, the elements it can
// sit under, and the plan goals it can build on.
type elementChoices struct {
	tree  *utsyn.Tree
	plans []*utsyn.Plan
}

func (s *Server) elementChoices(ctx context.Context, p *page, st *utsyn.Strategy) (*elementChoices, error) {
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return nil, err
	}
	plans, err := s.db.ListPlans(ctx, store.PlanFilter{OrgID: p.Org.ID})
	if err != nil {
		return nil, err
	}
	return &elementChoices{tree: tree, plans: plans}, nil
}

// elementSections lays out an element's form; self is the element edited (nil for a new one),
// which cannot sit under itself or what is under it.
func elementSections(p *page, f *eform, c *elementChoices, self *utsyn.Element) []formSection {
	b := &formBuilder{p: p, f: f}
	var levels []choice
	for _, l := range c.tree.Strategy.Levels {
		levels = append(levels, choice{Value: strconv.FormatInt(l.ID, 10), Label: capitalise(p.S(l.Name))})
	}
	b.choose("level", "editor.field.level", "", levels)
	var exclude []*utsyn.Element
	if self != nil {
		exclude = store.Subtree(c.tree, self.ID)
	}
	parents := []choice{{Value: "", Label: p.T("editor.field.parent_none")}}
	for _, e := range c.tree.Elements {
		if slices.ContainsFunc(exclude, func(x *utsyn.Element) bool { return x.ID == e.ID }) {
			continue
		}
		name := strings.TrimSpace(e.Code + " " + short(p.S(e.Title), 70))
		if l := c.tree.Level(e.LevelID); l != nil {
			name = capitalise(p.S(l.Name)) + ": " + name
		}
		parents = append(parents, choice{Value: strconv.FormatInt(e.ID, 10), Label: name})
	}
	b.choose("parent", "editor.field.parent", "editor.hint.parent", parents)
	b.input("code", "editor.field.code", "editor.hint.code", "input-short")
	b.pair("title", "editor.field.title", "", 2)
	b.pair("description", "editor.field.description", "", 4)
	b.pair("note", "editor.field.note", "editor.hint.note", 2)
	// The goals of the plan the strategy builds on, and any other goal the element builds on.
	var goals []choice
	chosen := map[string]bool{}
	for _, v := range f.Multi["plan_goals"] {
		chosen[v] = true
	}
	for _, pl := range c.plans {
		for _, g := range pl.Goals {
			id := strconv.FormatInt(g.ID, 10)
			if pl.ID == c.tree.Strategy.PlanID || chosen[id] {
				goals = append(goals, choice{Value: id, Label: strings.TrimSpace(g.Code + " " + p.S(g.Title))})
			}
		}
	}
	b.checks("plan_goals", "editor.field.plan_goals", "", "editor.plan_goals.none", goals)
	return b.secs
}

func (s *Server) elementEditor(ctx context.Context, p *page, st *utsyn.Strategy, e *utsyn.Element, f *eform) (*editorPage, error) {
	c, err := s.elementChoices(ctx, p, st)
	if err != nil {
		return nil, err
	}
	base := strategyBase(p, st.Slug)
	ep := &editorPage{page: p, Form: f, Eyebrow: p.S(st.Title), Submit: p.T("editor.save"), Cancel: base + "/rediger"}
	if e == nil {
		ep.Heading, ep.Action, ep.Submit = p.T("editor.element.new"), base+"/element/ny", p.T("editor.element.create")
	} else {
		id := strconv.FormatInt(e.ID, 10)
		ep.Heading = p.T("editor.element.edit", "name", elementName(p, e))
		ep.Action = base + "/element/" + id + "/rediger"
		ep.Hidden = []hiddenField{{"version", f.Get("version")}}
		ep.Cancel += "#element-" + id
		ep.Links = []crumb{{Label: p.T("editor.history"), Href: base + "/element/" + id + "/historikk"},
			{Label: p.T("editor.element.delete"), Href: base + "/element/" + id + "/slett"}}
	}
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.S(st.Title), Href: base + "/rediger"}, {Label: ep.Heading}}
	ep.finish(elementSections(p, f, c, e))
	return ep, nil
}

func (s *Server) findElementOf(r *http.Request, st *utsyn.Strategy) (*utsyn.Element, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	e, err := s.db.FindElement(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if e.StrategyID != st.ID {
		return nil, errNotFound
	}
	return e, nil
}

func (s *Server) newElement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f := newEform(elementFields, "plan_goals")
	f.Values["level"] = strconv.FormatInt(st.Levels[0].ID, 10)
	// "Add under": the parent chosen, and the level below its own.
	if parent, err := strconv.ParseInt(r.URL.Query().Get("forelder"), 10, 64); err == nil {
		if e, err := s.db.FindElement(ctx, parent); err == nil && e.StrategyID == st.ID {
			f.Values["parent"] = strconv.FormatInt(e.ID, 10)
			for i, l := range st.Levels {
				if l.ID == e.LevelID && i+1 < len(st.Levels) {
					f.Values["level"] = strconv.FormatInt(st.Levels[i+1].ID, 10)
				}
			}
		}
	}
	ep, err := s.elementEditor(ctx, p, st, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) createElement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, elementFields, "plan_goals")
	if err != nil {
		return err
	}
	e := elementFrom(p, f)
	e.StrategyID = st.ID
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddElement(ctx, p.Org.ID, e) })
	if err == nil {
		return seeOther(w, r, strategyBase(p, st.Slug)+"/rediger?opprettet=1#element-"+strconv.FormatInt(e.ID, 10))
	}
	if !f.failWith(p, err, elementAliases) {
		return err
	}
	ep, err := s.elementEditor(ctx, p, st, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, ep)
	return nil
}

func (s *Server) editElement(w http.ResponseWriter, r *http.Request, p *page) error {
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	ep, err := s.elementEditor(r.Context(), p, st, e, elementValues(e))
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) updateElement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	f, err := readEform(r, elementFields, "plan_goals")
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	in := elementFrom(p, f)
	in.ID, in.StrategyID, in.Version = e.ID, st.ID, version
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateElement(ctx, p.Org.ID, in) })
	switch {
	case err == nil:
		return seeOther(w, r, strategyBase(p, st.Slug)+"/rediger?lagret=1#element-"+strconv.FormatInt(e.ID, 10))
	case store.IsStale(err):
		if e, err = s.findElementOf(r, st); err != nil {
			return err
		}
		c, err := s.elementChoices(ctx, p, st)
		if err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "element", e.ID, elementSections(p, f, c, e), elementSections(p, elementValues(e), c, e))
		f.Values["version"] = strconv.Itoa(e.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, elementAliases):
		return err
	}
	ep, err := s.elementEditor(ctx, p, st, e, f)
	if err != nil {
		return err
	}
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

// moveElement moves an element up or down among its siblings (retning=opp|ned), or under
// another parent (parent, with the version it was read at).
func (s *Server) moveElement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"retning", "parent", "version"})
	if err != nil {
		return err
	}
	back := strategyBase(p, st.Slug) + "/rediger?flyttet=1#element-" + strconv.FormatInt(e.ID, 10)
	if delta, ok := map[string]int{"opp": -1, "ned": 1}[f.Get("retning")]; ok {
		if err := s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.ReorderElement(ctx, p.Org.ID, st.ID, e.ID, delta) }); err != nil {
			return err
		}
		return seeOther(w, r, back)
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	parent := f.id(p, "parent")
	if f.Failed() {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference"}
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.MoveElement(ctx, p.Org.ID, st.ID, e.ID, version, parent) })
	switch {
	case err == nil:
		return seeOther(w, r, back)
	case store.IsStale(err) || utsyn.ErrorCode(err) == utsyn.EINVALID:
		// Show the element's form as it is now, with why the move was refused.
		if e, err = s.findElementOf(r, st); err != nil {
			return err
		}
		ep, err2 := s.elementEditor(ctx, p, st, e, elementValues(e))
		if err2 != nil {
			return err2
		}
		status := http.StatusUnprocessableEntity
		ep.Problem = p.T(utsyn.ErrorMessage(err))
		if store.IsStale(err) {
			status, ep.Problem = http.StatusConflict, p.T("editor.stale.text")
		}
		s.render(w, r, "editor-form", status, ep)
		return nil
	}
	return err
}

// confirmPage asks before something is deleted ("check your answers"): what goes, and what
// goes with it.
type deletePage struct {
	*page
	Eyebrow, Heading string
	Facts            []deleteFact
	Goes             []string // what goes with it
	GoesLabel        string
	Warning          string
	Problem          string // why it cannot be deleted, or why the confirmation must be given again
	Action, Submit   string
	Cancel           string
	Hidden           []hiddenField
}

type deleteFact struct {
	Label string
	Text  utsyn.Text
	Plain string
}

func (s *Server) elementConfirm(ctx context.Context, p *page, st *utsyn.Strategy, e *utsyn.Element) (*deletePage, error) {
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return nil, err
	}
	base := strategyBase(p, st.Slug)
	id := strconv.FormatInt(e.ID, 10)
	cp := &deletePage{page: p, Eyebrow: p.S(st.Title), Heading: p.T("editor.element.delete_title", "name", elementName(p, e)),
		Action: base + "/element/" + id + "/slett", Submit: p.T("editor.element.delete"), Cancel: base + "/rediger#element-" + id,
		Hidden: []hiddenField{{"version", strconv.Itoa(e.Version)}}}
	if l := tree.Level(e.LevelID); l != nil {
		cp.Facts = append(cp.Facts, deleteFact{Label: p.T("editor.field.level"), Plain: capitalise(p.S(l.Name))})
	}
	if e.Code != "" {
		cp.Facts = append(cp.Facts, deleteFact{Label: p.T("editor.field.code"), Plain: e.Code})
	}
	cp.Facts = append(cp.Facts, deleteFact{Label: p.T("editor.field.title"), Text: e.Title})
	sub := store.Subtree(tree, e.ID)
	ids := make([]int64, len(sub))
	for i, x := range sub {
		ids[i] = x.ID
		if i > 0 {
			cp.Goes = append(cp.Goes, strings.TrimSpace(x.Code+" "+short(p.S(x.Title), 90)))
		}
	}
	if n := len(cp.Goes); n > 0 {
		cp.GoesLabel = p.T("editor.element.children", "count", n)
		cp.Warning = p.T("editor.element.delete_warning_children", "count", n+1)
	} else {
		cp.Warning = p.T("editor.element.delete_warning")
	}
	if cont, err := s.db.Continued(ctx, ids); err != nil {
		return nil, err
	} else if cont {
		cp.Problem, cp.Action = p.T("error.element_continued"), ""
	}
	cp.Title = cp.Heading
	cp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.S(st.Title), Href: base + "/rediger"}, {Label: cp.Heading}}
	return cp, nil
}

func (s *Server) confirmDeleteElement(w http.ResponseWriter, r *http.Request, p *page) error {
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	cp, err := s.elementConfirm(r.Context(), p, st, e)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-confirm", http.StatusOK, cp)
	return nil
}

func (s *Server) deleteElement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	e, err := s.findElementOf(r, st)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	var n int
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) (err error) {
		n, err = tx.DeleteElement(ctx, p.Org.ID, st.ID, e.ID, version)
		return err
	})
	if err == nil {
		return seeOther(w, r, strategyBase(p, st.Slug)+"/rediger?slettet="+strconv.Itoa(n)+"#elementer")
	}
	if utsyn.ErrorCode(err) != utsyn.ECONFLICT {
		return err
	}
	// Changed since the page was read, or continued by a newer version: ask again, as it is now.
	if e, err = s.findElementOf(r, st); err != nil {
		return err
	}
	cp, err := s.elementConfirm(ctx, p, st, e)
	if err != nil {
		return err
	}
	if cp.Problem == "" {
		cp.Problem = p.T("editor.stale.confirm")
	}
	s.render(w, r, "editor-confirm", http.StatusConflict, cp)
	return nil
}
