package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

var published = func() *bool { b := true; return &b }()

// visible is the filter for what the page's reader sees of the organisation's strategies and
// plans: everything for its readers and up, what is published for everyone else.
func visible(p *page) *bool {
	if p.CanRead() {
		return nil
	}
	return published
}

// root sends the reader to the front page in their browser's language (bokmål unless they ask
// for English).
func (s *Server) root(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	w.Header().Set("Vary", "Accept-Language")
	http.Redirect(w, r, "/"+string(lang)+"/", http.StatusFound)
}

type homePage struct {
	*page
	Orgs []orgSummary
}

type orgSummary struct {
	Org        *utsyn.Organisation
	Strategies []*utsyn.Strategy
}

// home lists the organisations of the installation with their published strategies. With one
// organisation, that organisation's page is the front page.
func (s *Server) home(w http.ResponseWriter, r *http.Request, p *page) error {
	orgs, err := s.db.ListOrganisations(r.Context())
	if err != nil {
		return err
	}
	if len(orgs) == 1 {
		http.Redirect(w, r, p.Href(orgs[0].Slug), http.StatusFound)
		return nil
	}
	hp := &homePage{page: p}
	for _, o := range orgs {
		ss, err := s.db.ListStrategies(r.Context(), store.StrategyFilter{OrgID: o.ID, Published: published})
		if err != nil {
			return err
		}
		hp.Orgs = append(hp.Orgs, orgSummary{Org: o, Strategies: ss})
	}
	hp.Title = p.T("home.title")
	s.render(w, r, "home", http.StatusOK, hp)
	return nil
}

type organisationPage struct {
	*page
	Strategies []strategySummary
	Plans      []*utsyn.Plan
	Work       *keyFigures // the published work in numbers
}

type strategySummary struct {
	Strategy *utsyn.Strategy
	MainGoal *utsyn.Element
}

// findOrg looks up the organisation of the path and puts it on the page.
func (s *Server) findOrg(ctx context.Context, r *http.Request, p *page) error {
	org, err := s.db.FindOrganisation(ctx, r.PathValue("org"))
	if err != nil {
		return err
	}
	p.Org = org
	p.Actor = actorFor(r, org.ID)
	return nil
}

func (s *Server) organisation(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	ss, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: p.Org.ID, Published: visible(p)})
	if err != nil {
		return err
	}
	op := &organisationPage{page: p}
	for _, st := range ss {
		tree, err := s.db.FindTree(ctx, st)
		if err != nil {
			return err
		}
		sum := strategySummary{Strategy: tree.Strategy}
		if len(tree.Elements) > 0 {
			sum.MainGoal = tree.Elements[0]
		}
		op.Strategies = append(op.Strategies, sum)
	}
	if op.Plans, err = s.db.ListPlans(ctx, store.PlanFilter{OrgID: p.Org.ID, Published: visible(p)}); err != nil {
		return err
	}
	if op.Work, err = s.keyFigures(ctx, p); err != nil {
		return err
	}
	op.Title = p.S(p.Org.Name)
	s.render(w, r, "organisation", http.StatusOK, op)
	return nil
}

type strategyPage struct {
	*page
	Tree     *utsyn.Tree
	Plan     *utsyn.Plan
	Roots    []elementView
	Sections []levelSection
	ShallBe  []utsyn.Statement
	Insight  []utsyn.Statement
	Context  []utsyn.Statement
}

// elementView is an element with what the page shows beside it.
type elementView struct {
	*utsyn.Element
	Level    *utsyn.Level
	Goals    []utsyn.PlanGoal
	Children []levelSection
	Work     *elementWork // the published work under it; nil where the page shows none
}

// levelSection is a run of elements of one level, under the level's name.
type levelSection struct {
	Level *utsyn.Level
	Items []elementView
}

func (s *Server) strategy(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	st, err := s.db.FindStrategy(ctx, p.Org.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !st.Published && !p.CanRead() {
		return errNotFound
	}
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return err
	}
	sp := &strategyPage{page: p, Tree: tree}
	if st.PlanID != 0 {
		plan, err := s.db.FindPlanByID(ctx, st.PlanID)
		if err != nil {
			return err
		}
		if plan.Published || p.CanRead() {
			sp.Plan = plan
		}
	}
	for _, stmt := range st.Purpose {
		switch stmt.Kind {
		case utsyn.StatementShallBe:
			sp.ShallBe = append(sp.ShallBe, stmt)
		case utsyn.StatementInsight:
			sp.Insight = append(sp.Insight, stmt)
		default:
			sp.Context = append(sp.Context, stmt)
		}
	}
	work, err := s.strategyWork(ctx, p, tree)
	if err != nil {
		return err
	}
	var view func(e *utsyn.Element) elementView
	view = func(e *utsyn.Element) elementView {
		v := elementView{Element: e, Level: tree.Level(e.LevelID), Work: work[e.ID]}
		if sp.Plan != nil {
			for _, id := range e.PlanGoalIDs {
				for _, g := range sp.Plan.Goals {
					if g.ID == id {
						v.Goals = append(v.Goals, g)
					}
				}
			}
		}
		v.Children = groupByLevel(tree, tree.Children(e.ID), view)
		return v
	}
	// The roots (the main goal) stand at the top; their children follow in a section per level.
	for _, root := range tree.Children(0) {
		v := view(root)
		sp.Sections = append(sp.Sections, v.Children...)
		v.Children = nil
		sp.Roots = append(sp.Roots, v)
	}
	sp.Title = p.S(st.Title)
	sp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: sp.Title}}
	s.render(w, r, "strategy", http.StatusOK, sp)
	return nil
}

// groupByLevel splits elements into runs by level, in the order of the levels.
func groupByLevel(tree *utsyn.Tree, elements []*utsyn.Element, view func(*utsyn.Element) elementView) []levelSection {
	var out []levelSection
	for i := range tree.Strategy.Levels {
		l := &tree.Strategy.Levels[i]
		sec := levelSection{Level: l}
		for _, e := range elements {
			if e.LevelID == l.ID {
				sec.Items = append(sec.Items, view(e))
			}
		}
		if len(sec.Items) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

type planPage struct {
	*page
	Plan       *utsyn.Plan
	Strategies []*utsyn.Strategy
}

func (s *Server) plan(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	plan, err := s.db.FindPlan(ctx, p.Org.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !plan.Published && !p.CanRead() {
		return errNotFound
	}
	pp := &planPage{page: p, Plan: plan}
	ss, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: p.Org.ID, Published: visible(p)})
	if err != nil {
		return err
	}
	for _, st := range ss {
		if st.PlanID == plan.ID {
			pp.Strategies = append(pp.Strategies, st)
		}
	}
	pp.Title = p.S(plan.Title)
	pp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: pp.Title}}
	s.render(w, r, "plan", http.StatusOK, pp)
	return nil
}

type textPage struct {
	*page
	Key string // the catalog prefix of the page's texts
}

// Para returns the page's paragraphs: the catalog keys KEY.p1, KEY.p2, ... that exist.
func (t *textPage) Para() []string {
	var out []string
	for i := 1; t.cat.Has(t.Key + ".p" + strconv.Itoa(i)); i++ {
		out = append(out, t.T(t.Key+".p"+strconv.Itoa(i)))
	}
	return out
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request, p *page) error {
	tp := &textPage{page: p, Key: "accessibility"}
	tp.Title = p.T("accessibility.title")
	s.render(w, r, "text", http.StatusOK, tp)
	return nil
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request, p *page) error {
	tp := &textPage{page: p, Key: "privacy"}
	tp.Title = p.T("privacy.title")
	s.render(w, r, "text", http.StatusOK, tp)
	return nil
}
