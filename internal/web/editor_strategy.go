package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Editing a strategy: its fields, purpose statements, roles and working forms, its
// publication, and new versions of it. Its element tree is in editor_element.go.

var strategyFields = []string{"version", "title_nb", "title_en", "slug", "status", "summary_nb", "summary_en",
	"period_start", "period_end", "adopted_by_nb", "adopted_by_en", "adopted_on", "case_number", "plan",
	"purpose_shall_be_nb", "purpose_shall_be_en", "purpose_insight_nb", "purpose_insight_en",
	"purpose_context_nb", "purpose_context_en", "note_nb", "note_en", "source_url"}

var strategyAliases = map[string]string{"plan_id": "plan", "terms": "roles", "purpose": "purpose_shall_be"}

var statementKinds = []string{utsyn.StatementShallBe, utsyn.StatementInsight, utsyn.StatementContext}

func strategyValues(st *utsyn.Strategy, termIDs []int64) *eform {
	f := newEform(strategyFields, "roles", "working_forms")
	f.Values["version"] = strconv.Itoa(st.Version)
	f.setText("title", st.Title)
	f.setText("summary", st.Summary)
	f.setText("adopted_by", st.AdoptedBy)
	f.setText("note", st.Note)
	f.Values["slug"], f.Values["status"], f.Values["case_number"], f.Values["source_url"] = st.Slug, st.Status, st.CaseNumber, st.SourceURL
	f.Values["period_start"], f.Values["period_end"], f.Values["adopted_on"] = st.PeriodStart.String(), st.PeriodEnd.String(), st.AdoptedOn.String()
	if st.PlanID != 0 {
		f.Values["plan"] = strconv.FormatInt(st.PlanID, 10)
	}
	for _, kind := range statementKinds {
		var nb, en []string
		for _, stmt := range st.Purpose {
			if stmt.Kind == kind {
				nb, en = append(nb, stmt.Text["nb"]), append(en, stmt.Text["en"])
			}
		}
		f.Values["purpose_"+kind+"_nb"] = strings.Join(nb, "\n")
		f.Values["purpose_"+kind+"_en"] = strings.TrimRight(strings.Join(en, "\n"), "\n")
	}
	f.setIDs("roles", termIDs) // each group shows its own vocabulary's terms
	f.setIDs("working_forms", termIDs)
	return f
}

// strategyFrom reads a strategy from its form; what cannot be read is failed on the form.
func strategyFrom(p *page, f *eform) (*utsyn.Strategy, []int64) {
	st := &utsyn.Strategy{
		Slug: f.Get("slug"), Title: f.text("title"), Summary: f.text("summary"), Status: f.Get("status"),
		AdoptedBy: f.text("adopted_by"), CaseNumber: f.Get("case_number"), Note: f.text("note"), SourceURL: f.Get("source_url"),
		PeriodStart: f.date(p, "period_start"), PeriodEnd: f.date(p, "period_end"), AdoptedOn: f.date(p, "adopted_on"),
		PlanID: f.id(p, "plan"),
	}
	for _, kind := range statementKinds {
		st.Purpose = append(st.Purpose, f.statements(p, kind)...)
	}
	return st, f.ids(p, "roles", "working_forms")
}

// strategyChoices are the choices a strategy's form offers: plans and the two vocabularies.
type strategyChoices struct {
	plans        []*utsyn.Plan
	roles, forms []utsyn.Term
}

func (s *Server) strategyChoices(ctx context.Context, orgID int64) (*strategyChoices, error) {
	c := &strategyChoices{}
	var err error
	if c.plans, err = s.db.ListPlans(ctx, store.PlanFilter{OrgID: orgID}); err != nil {
		return nil, err
	}
	if c.roles, err = s.db.ListTerms(ctx, orgID, utsyn.VocabRole); err != nil {
		return nil, err
	}
	if c.forms, err = s.db.ListTerms(ctx, orgID, utsyn.VocabWorkingForm); err != nil {
		return nil, err
	}
	return c, nil
}

func termOptions(p *page, terms []utsyn.Term) []choice {
	out := make([]choice, len(terms))
	for i, t := range terms {
		out[i] = choice{Value: strconv.FormatInt(t.ID, 10), Label: capitalise(p.S(t.Name))}
	}
	return out
}

func strategySections(p *page, f *eform, c *strategyChoices) []formSection {
	b := &formBuilder{p: p, f: f}
	b.formSection("om", "editor.strategy.about")
	b.pair("title", "editor.field.title", "", 0)
	b.input("slug", "editor.field.slug", "editor.hint.slug", "")
	var statuses []choice
	for _, st := range utsyn.StrategyStatuses {
		statuses = append(statuses, choice{Value: st, Label: p.T("strategy.status." + st)})
	}
	b.choose("status", "editor.field.status", "", statuses)
	b.pair("summary", "editor.field.summary", "", 4)

	b.formSection("vedtak", "editor.strategy.adoption")
	b.input("period_start", "editor.field.period_start", "editor.hint.date", "input-short")
	b.input("period_end", "editor.field.period_end", "editor.hint.date", "input-short")
	b.pair("adopted_by", "editor.field.adopted_by", "editor.hint.adopted_by", 0)
	b.input("adopted_on", "editor.field.adopted_on", "editor.hint.date", "input-short")
	b.input("case_number", "editor.field.case_number", "", "input-short")
	plans := []choice{{Value: "", Label: p.T("editor.field.plan_none")}}
	for _, pl := range c.plans {
		plans = append(plans, choice{Value: strconv.FormatInt(pl.ID, 10), Label: p.S(pl.Title)})
	}
	b.choose("plan", "editor.field.plan", "", plans)

	b.formSection("formal", "editor.strategy.purpose")
	b.pair("purpose_shall_be", "editor.field.shall_be", "editor.hint.lines", 5)
	b.pair("purpose_insight", "editor.field.insight", "editor.hint.lines", 5)
	b.pair("purpose_context", "editor.field.context", "editor.hint.lines", 5)

	b.formSection("roller", "editor.strategy.terms")
	b.checks("roles", "strategy.roles", "", "editor.terms.none", termOptions(p, c.roles))
	b.checks("working_forms", "strategy.forms", "", "editor.terms.none", termOptions(p, c.forms))

	b.formSection("annet", "editor.strategy.other")
	b.pair("note", "editor.field.note", "editor.hint.note", 3)
	b.input("source_url", "editor.field.source_url", "editor.hint.source_url", "")
	return b.secs
}

// strategyPanel is what a strategy's editing page shows beside its form: the state of
// publication and the element tree with its actions.
type strategyPanel struct {
	Strategy                      *utsyn.Strategy
	Rows                          []treeRow
	Supersedes                    *utsyn.Strategy
	PublicHref, HistoryHref, Base string
}

// treeRow is one element in the editor's table of the tree.
type treeRow struct {
	*utsyn.Element
	Level       string
	Name        string // a short name for the hidden part of its buttons' labels
	Depth       int
	First, Last bool
	Leaf        bool // on the lowest level: nothing can be added under it
}

func treeRows(p *page, tree *utsyn.Tree) []treeRow {
	depth := map[int64]int{}
	lowest := tree.Strategy.Levels[len(tree.Strategy.Levels)-1].ID
	var rows []treeRow
	for _, e := range tree.Elements {
		if e.ParentID != 0 {
			depth[e.ID] = depth[e.ParentID] + 1
		}
		var siblings []*utsyn.Element // on the same level, as the strategy's page shows them
		for _, x := range tree.Children(e.ParentID) {
			if x.LevelID == e.LevelID {
				siblings = append(siblings, x)
			}
		}
		row := treeRow{Element: e, Depth: min(depth[e.ID], 4), Name: elementName(p, e),
			First: siblings[0].ID == e.ID, Last: siblings[len(siblings)-1].ID == e.ID, Leaf: e.LevelID == lowest}
		if l := tree.Level(e.LevelID); l != nil {
			row.Level = capitalise(p.S(l.Name))
		}
		rows = append(rows, row)
	}
	return rows
}

func elementName(p *page, e *utsyn.Element) string {
	if e.Code != "" {
		return e.Code
	}
	return short(p.S(e.Title), 60)
}

// strategyBase is the path of a strategy's pages.
func strategyBase(p *page, slug string) string { return p.Href(p.Org.Slug, "strategi", slug) }

// strategyEditor lays out a strategy's editing page: for a new strategy (st nil) the form only.
func (s *Server) strategyEditor(ctx context.Context, p *page, st *utsyn.Strategy, f *eform) (*editorPage, error) {
	c, err := s.strategyChoices(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	ep := &editorPage{page: p, Form: f, Submit: p.T("editor.save"), Eyebrow: p.T("editor.strategy.eyebrow")}
	if st == nil {
		ep.Heading, ep.Lead = p.T("editor.strategy.new"), p.T("editor.strategy.new_lead")
		ep.Action, ep.Cancel, ep.Submit = p.Href(p.Org.Slug, "strategi", "ny"), p.Href(p.Org.Slug), p.T("editor.strategy.create")
		ep.Title = ep.Heading
		ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ep.Heading}}
		ep.finish(strategySections(p, f, c))
		return ep, nil
	}
	base := strategyBase(p, st.Slug)
	ep.Heading = p.S(st.Title)
	ep.Title = p.T("editor.edit_title", "title", ep.Heading)
	ep.Action = base + "/rediger"
	ep.Hidden = []hiddenField{{"version", f.Get("version")}}
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return nil, err
	}
	panel := &strategyPanel{Strategy: st, Rows: treeRows(p, tree), Base: base, HistoryHref: base + "/historikk"}
	if st.Published {
		panel.PublicHref = base
	}
	if st.SupersedesID != 0 {
		if old, err := s.db.FindStrategyByID(ctx, st.SupersedesID); err == nil {
			panel.Supersedes = old
		}
	}
	ep.Strategy = panel
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ep.Heading}}
	if st.Published {
		ep.Crumbs[1].Href = base
		ep.Crumbs = append(ep.Crumbs, crumb{Label: p.T("editor.edit")})
	}
	ep.finish(strategySections(p, f, c))
	return ep, nil
}

func (s *Server) findStrategyOf(r *http.Request, p *page) (*utsyn.Strategy, error) {
	return s.db.FindStrategy(r.Context(), p.Org.ID, r.PathValue("slug"))
}

func (s *Server) newStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newEform(strategyFields, "roles", "working_forms")
	f.Values["status"] = utsyn.StatusDraft
	ep, err := s.strategyEditor(r.Context(), p, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

// defaultLevels are a new strategy's levels: those of a county's international strategy.
func defaultLevels(p *page) []utsyn.Level {
	var out []utsyn.Level
	for _, key := range []string{"main_goal", "sub_goal", "priority", "focus_area", "measure"} {
		out = append(out, utsyn.Level{Key: key,
			Name:   utsyn.NewText(p.cat.T("nb", "editor.level."+key), p.cat.T("en", "editor.level."+key)),
			Plural: utsyn.NewText(p.cat.T("nb", "editor.level."+key+".plural"), p.cat.T("en", "editor.level."+key+".plural"))})
	}
	return out
}

func (s *Server) createStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEform(r, strategyFields, "roles", "working_forms")
	if err != nil {
		return err
	}
	st, terms := strategyFrom(p, f)
	st.OrgID, st.Levels = p.Org.ID, defaultLevels(p)
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddStrategy(ctx, st, terms) })
	if err == nil {
		return seeOther(w, r, strategyBase(p, st.Slug)+"/rediger?opprettet=1")
	}
	if !f.failWith(p, err, strategyAliases) {
		return err
	}
	ep, err := s.strategyEditor(ctx, p, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, ep)
	return nil
}

func (s *Server) editStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	terms, err := s.db.StrategyTermIDs(ctx, st.ID)
	if err != nil {
		return err
	}
	ep, err := s.strategyEditor(ctx, p, st, strategyValues(st, terms))
	if err != nil {
		return err
	}
	ep.Notice = noticeOf(r, p)
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) updateStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, strategyFields, "roles", "working_forms")
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	in, terms := strategyFrom(p, f)
	in.ID, in.OrgID, in.Version = st.ID, p.Org.ID, version
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateStrategy(ctx, in, terms) })
	switch {
	case err == nil:
		return seeOther(w, r, strategyBase(p, in.Slug)+"/rediger?lagret=1")
	case store.IsStale(err):
		// Show the form again over what is stored now, with the editor's input kept.
		if st, err = s.findStrategyOf(r, p); err != nil {
			return err
		}
		storedTerms, err := s.db.StrategyTermIDs(ctx, st.ID)
		if err != nil {
			return err
		}
		c, err := s.strategyChoices(ctx, p.Org.ID)
		if err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "strategy", st.ID, strategySections(p, f, c), strategySections(p, strategyValues(st, storedTerms), c))
		f.Values["version"] = strconv.Itoa(st.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, strategyAliases):
		return err
	}
	ep, err := s.strategyEditor(ctx, p, st, f)
	if err != nil {
		return err
	}
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

// publishStrategy publishes a strategy (published=1) or takes it off the public pages.
func (s *Server) publishStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version", "published"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	publish := f.Get("published") == "1"
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.PublishStrategy(ctx, p.Org.ID, st.ID, version, publish) })
	switch {
	case err == nil:
		return seeOther(w, r, strategyBase(p, st.Slug)+"/rediger?"+map[bool]string{true: "publisert=1", false: "avpublisert=1"}[publish])
	case !store.IsStale(err):
		return err
	}
	if st, err = s.findStrategyOf(r, p); err != nil {
		return err
	}
	terms, err := s.db.StrategyTermIDs(ctx, st.ID)
	if err != nil {
		return err
	}
	ep, err := s.strategyEditor(ctx, p, st, strategyValues(st, terms))
	if err != nil {
		return err
	}
	ep.Problem = p.T("editor.stale.publish")
	s.render(w, r, "editor-form", http.StatusConflict, ep)
	return nil
}

func (s *Server) versionEditor(p *page, st *utsyn.Strategy, f *eform) *editorPage {
	base := strategyBase(p, st.Slug)
	ep := &editorPage{page: p, Form: f, Eyebrow: p.S(st.Title), Heading: p.T("editor.version.title"), Lead: p.T("editor.version.lead"),
		Action: base + "/ny-versjon", Submit: p.T("editor.version.create"), Cancel: base + "/rediger"}
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.S(st.Title), Href: base + "/rediger"}, {Label: ep.Heading}}
	b := &formBuilder{p: p, f: f}
	b.input("slug", "editor.field.slug", "editor.hint.version_slug", "")
	ep.finish(b.secs)
	return ep
}

func (s *Server) versionForm(w http.ResponseWriter, r *http.Request, p *page) error {
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, s.versionEditor(p, st, newEform([]string{"slug"})))
	return nil
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"slug"})
	if err != nil {
		return err
	}
	var next *utsyn.Strategy
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) (err error) {
		next, err = tx.AddVersion(ctx, p.Org.ID, st.ID, f.Get("slug"))
		return err
	})
	if err == nil {
		return seeOther(w, r, strategyBase(p, next.Slug)+"/rediger?ny-versjon=1")
	}
	if !f.failWith(p, err, nil) {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.versionEditor(p, st, f))
	return nil
}
