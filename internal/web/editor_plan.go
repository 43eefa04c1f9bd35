package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Editing overarching plans and their goals.

var planFields = []string{"version", "title_nb", "title_en", "slug", "period_start", "period_end", "adopted_by_nb",
	"adopted_by_en", "adopted_on", "description_nb", "description_en", "note_nb", "note_en", "source_url"}

func planValues(pl *utsyn.Plan) *eform {
	f := newEform(planFields, "published")
	f.Values["version"] = strconv.Itoa(pl.Version)
	f.setText("title", pl.Title)
	f.setText("adopted_by", pl.AdoptedBy)
	f.setText("description", pl.Description)
	f.setText("note", pl.Note)
	f.Values["slug"], f.Values["source_url"] = pl.Slug, pl.SourceURL
	f.Values["period_start"], f.Values["period_end"], f.Values["adopted_on"] = pl.PeriodStart.String(), pl.PeriodEnd.String(), pl.AdoptedOn.String()
	if pl.Published {
		f.Multi["published"] = []string{"1"}
	}
	return f
}

func planFrom(p *page, f *eform) *utsyn.Plan {
	return &utsyn.Plan{Slug: f.Get("slug"), Title: f.text("title"), Description: f.text("description"), Note: f.text("note"),
		AdoptedBy: f.text("adopted_by"), SourceURL: f.Get("source_url"), PeriodStart: f.date(p, "period_start"),
		PeriodEnd: f.date(p, "period_end"), AdoptedOn: f.date(p, "adopted_on"), Published: slices.Contains(f.Multi["published"], "1")}
}

func planSections(p *page, f *eform) []formSection {
	b := &formBuilder{p: p, f: f}
	b.formSection("om", "editor.plan.about")
	b.pair("title", "editor.field.title", "", 0)
	b.input("slug", "editor.field.slug", "editor.hint.slug", "")
	b.pair("description", "editor.field.description", "", 4)
	b.formSection("vedtak", "editor.plan.adoption")
	b.input("period_start", "editor.field.period_start", "editor.hint.date", "input-short")
	b.input("period_end", "editor.field.period_end", "editor.hint.date", "input-short")
	b.pair("adopted_by", "editor.field.adopted_by", "", 0)
	b.input("adopted_on", "editor.field.adopted_on", "editor.hint.date", "input-short")
	b.formSection("annet", "editor.strategy.other")
	b.pair("note", "editor.field.note", "editor.hint.note", 3)
	b.input("source_url", "editor.field.source_url", "editor.hint.source_url", "")
	b.checks("published", "editor.field.published", "", "", []choice{{Value: "1", Label: p.T("editor.plan.published_label")}})
	return b.secs
}

// planPanel is what a plan's editing page shows beside its form: its goals with their actions.
type planPanel struct {
	Plan  *utsyn.Plan
	Goals []goalRow
	Base  string
}

type goalRow struct {
	utsyn.PlanGoal
	Name        string
	First, Last bool
}

func planBase(p *page, slug string) string { return p.Href(p.Org.Slug, "plan", slug) }

func (s *Server) planEditor(p *page, pl *utsyn.Plan, f *eform) *editorPage {
	ep := &editorPage{page: p, Form: f, Submit: p.T("editor.save"), Eyebrow: p.T("editor.plan.eyebrow")}
	if pl == nil {
		ep.Heading, ep.Lead = p.T("editor.plan.new"), p.T("editor.plan.new_lead")
		ep.Action, ep.Cancel, ep.Submit = p.Href(p.Org.Slug, "plan", "ny"), p.Href(p.Org.Slug), p.T("editor.plan.create")
		ep.Title = ep.Heading
		ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ep.Heading}}
		ep.finish(planSections(p, f))
		return ep
	}
	base := planBase(p, pl.Slug)
	ep.Heading = p.S(pl.Title)
	ep.Title = p.T("editor.edit_title", "title", ep.Heading)
	ep.Action = base + "/rediger"
	ep.Hidden = []hiddenField{{"version", f.Get("version")}}
	ep.Links = []crumb{{Label: p.T("editor.history"), Href: base + "/historikk"}}
	if pl.Published {
		ep.Links = append([]crumb{{Label: p.T("editor.view_public"), Href: base}}, ep.Links...)
	}
	panel := &planPanel{Plan: pl, Base: base}
	for i, g := range pl.Goals {
		panel.Goals = append(panel.Goals, goalRow{PlanGoal: g, Name: g.Code, First: i == 0, Last: i == len(pl.Goals)-1})
	}
	ep.Plan = panel
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ep.Heading}}
	ep.finish(planSections(p, f))
	return ep
}

func (s *Server) findPlanOf(r *http.Request, p *page) (*utsyn.Plan, error) {
	return s.db.FindPlan(r.Context(), p.Org.ID, r.PathValue("slug"))
}

func (s *Server) newPlan(w http.ResponseWriter, r *http.Request, p *page) error {
	s.render(w, r, "editor-form", http.StatusOK, s.planEditor(p, nil, newEform(planFields, "published")))
	return nil
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEform(r, planFields, "published")
	if err != nil {
		return err
	}
	pl := planFrom(p, f)
	pl.OrgID = p.Org.ID
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddPlan(ctx, pl) })
	if err == nil {
		return seeOther(w, r, planBase(p, pl.Slug)+"/rediger?opprettet=1")
	}
	if !f.failWith(p, err, nil) {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.planEditor(p, nil, f))
	return nil
}

func (s *Server) editPlan(w http.ResponseWriter, r *http.Request, p *page) error {
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	ep := s.planEditor(p, pl, planValues(pl))
	ep.Notice = noticeOf(r, p)
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, planFields, "published")
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	in := planFrom(p, f)
	in.ID, in.OrgID, in.Version = pl.ID, p.Org.ID, version
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdatePlan(ctx, in) })
	switch {
	case err == nil:
		return seeOther(w, r, planBase(p, in.Slug)+"/rediger?lagret=1")
	case store.IsStale(err):
		if pl, err = s.findPlanOf(r, p); err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "plan", pl.ID, planSections(p, f), planSections(p, planValues(pl)))
		f.Values["version"] = strconv.Itoa(pl.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, nil):
		return err
	}
	ep := s.planEditor(p, pl, f)
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

var goalFields = []string{"stamp", "code", "title_nb", "title_en", "description_nb", "description_en"}

func goalValues(g *utsyn.PlanGoal) *eform {
	f := newEform(goalFields)
	f.Values["stamp"], f.Values["code"] = store.GoalStamp(*g), g.Code
	f.setText("title", g.Title)
	f.setText("description", g.Description)
	return f
}

func goalSections(p *page, f *eform) []formSection {
	b := &formBuilder{p: p, f: f}
	b.input("code", "editor.field.code", "editor.hint.goal_code", "input-short")
	b.pair("title", "editor.field.title", "", 2)
	b.pair("description", "editor.field.description", "", 4)
	return b.secs
}

func (s *Server) goalEditor(p *page, pl *utsyn.Plan, g *utsyn.PlanGoal, f *eform) *editorPage {
	base := planBase(p, pl.Slug)
	ep := &editorPage{page: p, Form: f, Eyebrow: p.S(pl.Title), Submit: p.T("editor.save"), Cancel: base + "/rediger#mal"}
	if g == nil {
		ep.Heading, ep.Action, ep.Submit = p.T("editor.goal.new"), base+"/mal/ny", p.T("editor.goal.create")
	} else {
		id := strconv.FormatInt(g.ID, 10)
		ep.Heading, ep.Action = p.T("editor.goal.edit", "name", g.Code), base+"/mal/"+id+"/rediger"
		ep.Hidden = []hiddenField{{"stamp", f.Get("stamp")}}
		ep.Links = []crumb{{Label: p.T("editor.goal.delete"), Href: base + "/mal/" + id + "/slett"}}
	}
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.S(pl.Title), Href: base + "/rediger"}, {Label: ep.Heading}}
	ep.finish(goalSections(p, f))
	return ep
}

func findGoal(r *http.Request, pl *utsyn.Plan) (*utsyn.PlanGoal, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	for i := range pl.Goals {
		if pl.Goals[i].ID == id {
			return &pl.Goals[i], nil
		}
	}
	return nil, errNotFound
}

func (s *Server) newGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, s.goalEditor(p, pl, nil, newEform(goalFields)))
	return nil
}

func (s *Server) createGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, goalFields)
	if err != nil {
		return err
	}
	g := &utsyn.PlanGoal{PlanID: pl.ID, Code: f.Get("code"), Title: f.text("title"), Description: f.text("description")}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.AddPlanGoal(ctx, p.Org.ID, g) })
	if err == nil {
		return seeOther(w, r, planBase(p, pl.Slug)+"/rediger?opprettet=1#mal-"+strconv.FormatInt(g.ID, 10))
	}
	if !f.failWith(p, err, nil) {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.goalEditor(p, pl, nil, f))
	return nil
}

func (s *Server) editGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	g, err := findGoal(r, pl)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, s.goalEditor(p, pl, g, goalValues(g)))
	return nil
}

func (s *Server) updateGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	g, err := findGoal(r, pl)
	if err != nil {
		return err
	}
	f, err := readEform(r, goalFields)
	if err != nil {
		return err
	}
	in := &utsyn.PlanGoal{ID: g.ID, PlanID: pl.ID, Code: f.Get("code"), Title: f.text("title"), Description: f.text("description")}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.UpdatePlanGoal(ctx, p.Org.ID, in, f.Get("stamp")) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, planBase(p, pl.Slug)+"/rediger?lagret=1#mal-"+strconv.FormatInt(g.ID, 10))
	case store.IsStale(err):
		if pl, err = s.findPlanOf(r, p); err != nil {
			return err
		}
		if g, err = findGoal(r, pl); err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "plan_goal", g.ID, goalSections(p, f), goalSections(p, goalValues(g)))
		f.Values["stamp"] = store.GoalStamp(*g)
		status = http.StatusConflict
	case !f.failWith(p, err, nil):
		return err
	}
	ep := s.goalEditor(p, pl, g, f)
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

func (s *Server) moveGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	g, err := findGoal(r, pl)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"retning"})
	if err != nil {
		return err
	}
	delta, ok := map[string]int{"opp": -1, "ned": 1}[f.Get("retning")]
	if !ok {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.bad_request"}
	}
	if err := s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.ReorderPlanGoal(ctx, p.Org.ID, pl.ID, g.ID, delta) }); err != nil {
		return err
	}
	return seeOther(w, r, planBase(p, pl.Slug)+"/rediger?flyttet=1#mal-"+strconv.FormatInt(g.ID, 10))
}

func (s *Server) goalConfirm(ctx context.Context, p *page, pl *utsyn.Plan, g *utsyn.PlanGoal) (*deletePage, error) {
	uses, err := s.db.CountGoalUses(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	base := planBase(p, pl.Slug)
	id := strconv.FormatInt(g.ID, 10)
	cp := &deletePage{page: p, Eyebrow: p.S(pl.Title), Heading: p.T("editor.goal.delete_title", "name", g.Code),
		Action: base + "/mal/" + id + "/slett", Submit: p.T("editor.goal.delete"), Cancel: base + "/rediger#mal-" + id,
		Hidden: []hiddenField{{"stamp", store.GoalStamp(*g)}},
		Facts:  []deleteFact{{Label: p.T("editor.field.code"), Plain: g.Code}, {Label: p.T("editor.field.title"), Text: g.Title}},
	}
	cp.Warning = p.T("editor.goal.delete_warning")
	if uses > 0 {
		cp.Warning = p.T("editor.goal.delete_warning_uses", "count", uses)
	}
	cp.Title = cp.Heading
	cp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.S(pl.Title), Href: base + "/rediger"}, {Label: cp.Heading}}
	return cp, nil
}

func (s *Server) confirmDeleteGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	g, err := findGoal(r, pl)
	if err != nil {
		return err
	}
	cp, err := s.goalConfirm(r.Context(), p, pl, g)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-confirm", http.StatusOK, cp)
	return nil
}

func (s *Server) deleteGoal(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	pl, err := s.findPlanOf(r, p)
	if err != nil {
		return err
	}
	g, err := findGoal(r, pl)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"stamp"})
	if err != nil {
		return err
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.DeletePlanGoal(ctx, p.Org.ID, pl.ID, g.ID, f.Get("stamp")) })
	if err == nil {
		return seeOther(w, r, planBase(p, pl.Slug)+"/rediger?slettet=1#mal")
	}
	if !store.IsStale(err) {
		return err
	}
	cp, err := s.goalConfirm(ctx, p, pl, g)
	if err != nil {
		return err
	}
	cp.Problem = p.T("editor.stale.confirm")
	s.render(w, r, "editor-confirm", http.StatusConflict, cp)
	return nil
}
