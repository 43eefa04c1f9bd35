package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Follow-up pages (signed in, readers and up): the overview, the updates that are overdue, a
// strategy's tree with its statuses rolled up and the rule beside each, and each engagement's
// and element's follow-up: its status updates, its milestones, its indicators. Contributors post
// updates and milestones on the engagements they are responsible for; editors on every
// engagement and on strategy elements, and they set cadences, weights and roll-up rules. The
// forms are the editor's (editor-form.html): 422 with a message beside each field, 409 beside
// what is stored now, nothing typed lost.

// The kinds of item, as the routes name them.
const (
	itemElement    = store.ItemElement
	itemEngagement = store.ItemEngagement
)

// followupBase is the path of the follow-up pages.
func followupBase(p *page) string { return p.Href(p.Org.Slug, "oppfolging") }

func itemBase(p *page, it store.Item) string {
	word := "element"
	if it.Kind == store.ItemEngagement {
		word = "engasjement"
	}
	return followupBase(p) + "/" + word + "/" + strconv.FormatInt(it.ID, 10)
}

// FollowTag shows a follow-up status as a tag: an icon and a word, never colour alone.
func (p *page) FollowTag(status string) template.HTML {
	if status == "" {
		return template.HTML(`<span class="follow-tag follow-none">` + template.HTMLEscapeString(p.T("followup.status.none")) + `</span>`)
	}
	icon := map[string]string{utsyn.FollowDone: "✓", utsyn.FollowOnTrack: "●", utsyn.FollowAtRisk: "▲", utsyn.FollowOffTrack: "✕"}[status]
	return template.HTML(`<span class="follow-tag follow-` + template.HTMLEscapeString(status) + `"><span class="follow-icon" aria-hidden="true">` +
		icon + `</span> ` + template.HTMLEscapeString(p.T("followup.status."+status)) + `</span>`)
}

// followItem is what a follow-up page knows of its engagement or element.
type followItem struct {
	store.Item
	Name       string
	Title      utsyn.Text
	Eyebrow    string // the level of an element, "Engasjement" for an engagement
	Href       string // the item's own page
	Engagement *utsyn.Engagement
	Element    *utsyn.Element
	Strategy   *utsyn.Strategy
}

// followable finds the item of the request, which the signed-in person may follow up (give
// status updates and milestones), or says why not.
func (s *Server) followable(r *http.Request, p *page, kind string) (*followItem, error) {
	fi, err := s.findItem(r, p, kind)
	if err != nil {
		return nil, err
	}
	if !mayFollow(p, fi) {
		return nil, errMayNotFollow
	}
	return fi, nil
}

// findItem finds the organisation's engagement or element named by the path ({id}).
func (s *Server) findItem(r *http.Request, p *page, kind string) (*followItem, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	fi := &followItem{Item: store.Item{Kind: kind, ID: id}}
	if kind == store.ItemEngagement {
		e, err := s.db.FindEngagement(ctx, p.Org.ID, id)
		if err != nil {
			return nil, err
		}
		fi.Engagement, fi.Title, fi.Name = e, e.Title, p.S(e.Title)
		if e.Acronym != "" && !strings.Contains(fi.Name, e.Acronym) {
			fi.Name = e.Acronym + " – " + fi.Name
		}
		fi.Eyebrow = p.T("followup.engagement")
		fi.Href = p.Href(p.Org.Slug, "engasjementer", strconv.FormatInt(id, 10))
		return fi, nil
	}
	e, err := s.db.FindElement(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := s.db.FindStrategyByID(ctx, e.StrategyID)
	if err != nil {
		return nil, err
	}
	if st.OrgID != p.Org.ID {
		return nil, errNotFound
	}
	fi.Element, fi.Strategy, fi.Title = e, st, e.Title
	fi.Name = strings.TrimSpace(e.Code + " " + short(p.S(e.Title), 80))
	fi.Eyebrow = p.S(st.Title)
	for _, l := range st.Levels {
		if l.ID == e.LevelID {
			fi.Eyebrow = capitalise(p.S(l.Name)) + " · " + p.S(st.Title)
		}
	}
	fi.Href = strategyBase(p, st.Slug) + "#" + elementAnchor(e)
	return fi, nil
}

// mayFollow reports whether the page's actor may post updates and milestones on the item:
// editors on everything, contributors on the engagements they are responsible for.
func mayFollow(p *page, fi *followItem) bool {
	a := p.Actor
	if a.Can(p.Org.ID, utsyn.RoleEditor) {
		return true
	}
	return fi.Engagement != nil && a.Can(p.Org.ID, utsyn.RoleContributor) && a.User != nil && fi.Engagement.Responsible == a.User.ID
}

var errMayNotFollow = &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "followup.error.not_responsible"}

// today is the date in Norway now, by the server's clock.
func (s *Server) today() utsyn.Date { return utsyn.DateOf(s.now().In(oslo)) }

// Views

type updateView struct {
	Date      string
	Status    string
	Narrative []string // paragraphs
	Evidence  []utsyn.Link
	NoChange  bool
	Author    string
}

func viewUpdate(p *page, u *utsyn.StatusUpdate) updateView {
	v := updateView{Date: p.Date(u.Date), Status: u.Status, Evidence: u.Evidence, NoChange: u.NoChange, Author: u.AuthorLabel}
	for _, para := range strings.Split(u.Narrative, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			v.Narrative = append(v.Narrative, para)
		}
	}
	return v
}

type milestoneView struct {
	ID       int64
	Title    string
	Due      string
	DoneOn   string
	Done     bool
	Late     bool
	Version  int
	Href     string // its edit page
	TickHref string
}

func viewMilestone(p *page, m *utsyn.Milestone, today utsyn.Date) milestoneView {
	base := followupBase(p) + "/milepel/" + strconv.FormatInt(m.ID, 10)
	return milestoneView{ID: m.ID, Title: m.Title, Due: p.Date(m.Due), DoneOn: p.Date(m.DoneOn), Done: m.Done(), Late: m.Late(today),
		Version: m.Version, Href: base + "/rediger", TickHref: base + "/ferdig"}
}

// dueView says when an item's next update is due.
type dueView struct {
	Cadence string // in words
	Due     string // the date, or "now"
	Overdue bool
	Never   bool
}

func viewDue(p *page, cadence string, last *utsyn.StatusUpdate, today utsyn.Date) *dueView {
	if utsyn.CadenceMonths(cadence) == 0 {
		return nil
	}
	d := &dueView{Cadence: p.T("followup.cadence." + cadence)}
	if last == nil {
		d.Never, d.Overdue, d.Due = true, true, p.T("followup.due_now")
		return d
	}
	d.Due = p.Date(utsyn.Due(cadence, last.Date))
	d.Overdue = utsyn.Overdue(cadence, last.Date, today)
	return d
}

// The roll-up of a strategy

// rollup is a strategy's tree with the statuses rolled up, and what each was made from.
type rollup struct {
	tree     *utsyn.Tree
	rule     string
	rolled   map[int64]*utsyn.Rolled
	settings map[int64]store.FollowupSettings
	latest   map[store.Item]*utsyn.StatusUpdate
}

func (s *Server) rollupOf(ctx context.Context, st *utsyn.Strategy) (*rollup, error) {
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return nil, err
	}
	rule, err := s.db.RollupRule(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	settings, err := s.db.ElementSettings(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	latest, err := s.db.LatestUpdates(ctx, st.OrgID)
	if err != nil {
		return nil, err
	}
	milestones, err := s.db.OrgMilestones(ctx, st.OrgID)
	if err != nil {
		return nil, err
	}
	done, total := map[int64]int{}, map[int64]int{}
	for _, m := range milestones {
		if m.ElementID != 0 {
			total[m.ElementID]++
			if m.Done() {
				done[m.ElementID]++
			}
		}
	}
	nodes := make([]utsyn.RollupNode, 0, len(tree.Elements))
	for _, e := range tree.Elements {
		n := utsyn.RollupNode{ID: e.ID, ParentID: e.ParentID, Weight: 1}
		if set, ok := settings[e.ID]; ok {
			n.Weight = set.Weight
		}
		if u := latest[store.Item{Kind: store.ItemElement, ID: e.ID}]; u != nil {
			n.Status = u.Status
		}
		if total[e.ID] > 0 {
			n.Progress = float64(done[e.ID]) / float64(total[e.ID])
		}
		nodes = append(nodes, n)
	}
	return &rollup{tree: tree, rule: rule, rolled: utsyn.Rollup(nodes, rule), settings: settings, latest: latest}, nil
}

// leafWord names what an element's leaves are: the level they share ("tiltak"), or elements.
func (ru *rollup) leafWord(p *page, id int64) string {
	var level int64
	for _, e := range store.Subtree(ru.tree, id) {
		if len(ru.tree.Children(e.ID)) > 0 {
			continue
		}
		if level != 0 && e.LevelID != level {
			return p.T("followup.elements")
		}
		level = e.LevelID
	}
	if l := ru.tree.Level(level); l != nil {
		return strings.ToLower(p.S(l.Plural))
	}
	return p.T("followup.elements")
}

func decimal(p *page, f float64) string {
	s := i18n.FormatDecimal(p.Lang, f, 2)
	sep := "."
	if p.Lang == i18n.NB {
		sep = ","
	}
	if strings.Contains(s, sep) {
		s = strings.TrimRight(strings.TrimRight(s, "0"), sep)
	}
	return s
}

// explain says, beside a rolled-up status, how the rule made it: "Sammenstilt etter verste
// status: 2 av 5 tiltak har status Risiko", or the weighted formula.
func (ru *rollup) explain(p *page, id int64) []string {
	r := ru.rolled[id]
	if r == nil {
		return nil
	}
	items := ru.leafWord(p, id)
	var out []string
	switch {
	case r.Status == "" && len(ru.tree.Children(id)) == 0:
		return []string{p.T("followup.rollup.leaf_none")}
	case r.Status == "":
		out = append(out, p.T("followup.rollup.none", "items", items))
	case r.Own:
		out = append(out, p.T("followup.rollup.own"))
	case r.Rule == utsyn.RollupWeighted && r.Status != utsyn.FollowDone:
		var terms []string
		var weights float64
		for _, t := range r.Terms {
			terms = append(terms, decimal(p, t.Weight)+" × "+decimal(p, t.Score))
			weights += t.Weight
		}
		out = append(out, p.T("followup.rollup.weighted", "terms", strings.Join(terms, " + "), "weights", decimal(p, weights),
			"score", decimal(p, r.Score), "status", strings.ToLower(p.T("followup.status."+r.Status)),
			"on_track", decimal(p, utsyn.RollupOnTrack), "at_risk", decimal(p, utsyn.RollupAtRisk)))
	case r.Status == utsyn.FollowDone:
		out = append(out, p.T("followup.rollup.done", "total", r.Leaves, "items", items))
	case r.Status == utsyn.FollowOnTrack:
		out = append(out, p.T("followup.rollup.worst_ok", "total", r.Leaves, "items", items))
	default:
		out = append(out, p.T("followup.rollup.worst", "count", r.ByStatus[r.Status], "total", r.Leaves, "items", items,
			"status", strings.ToLower(p.T("followup.status."+r.Status))))
	}
	if n := r.ByStatus[""]; n > 0 && r.Leaves > 1 {
		out = append(out, p.T("followup.rollup.unknown", "count", n, "total", r.Leaves, "items", items))
	}
	return out
}

// rolledView is one element of a strategy's roll-up.
type rolledView struct {
	ID       int64
	Depth    int
	Code     string
	Title    utsyn.Text
	Level    string
	Status   string
	Progress string // "40 %"
	Rules    []string
	Weight   string
	Cadence  string
	Href     string
	Leaf     bool
}

func (ru *rollup) views(p *page) []rolledView {
	depth := map[int64]int{}
	var out []rolledView
	for _, e := range ru.tree.Elements {
		d := 0
		if e.ParentID != 0 {
			d = depth[e.ParentID] + 1
		}
		depth[e.ID] = d
		r := ru.rolled[e.ID]
		v := rolledView{ID: e.ID, Depth: min(d, 4), Code: e.Code, Title: e.Title, Rules: ru.explain(p, e.ID),
			Href: itemBase(p, store.Item{Kind: store.ItemElement, ID: e.ID}), Leaf: len(ru.tree.Children(e.ID)) == 0}
		if l := ru.tree.Level(e.LevelID); l != nil {
			v.Level = capitalise(p.S(l.Name))
		}
		if r != nil {
			v.Status = r.Status
			v.Progress = i18n.FormatInt(p.Lang, int64(math.Round(r.Progress*100))) + " %"
		}
		set := ru.settings[e.ID]
		v.Weight = decimal(p, set.Weight)
		if set.Cadence != "" {
			v.Cadence = p.T("followup.cadence." + set.Cadence)
		}
		out = append(out, v)
	}
	return out
}

// Pages

type followupHomePage struct {
	*page
	Base       string
	Strategies []followupStrategyRow
	Overdue    int
	Due        int
	Indicators int
}

type followupStrategyRow struct {
	Title    utsyn.Text
	Href     string
	Status   string
	Progress string
	Rules    []string
}

func (s *Server) followupHome(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	sts, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: p.Org.ID})
	if err != nil {
		return err
	}
	fp := &followupHomePage{page: p, Base: followupBase(p)}
	for _, st := range sts {
		if st.Status == utsyn.StatusArchived {
			continue
		}
		ru, err := s.rollupOf(ctx, st)
		if err != nil {
			return err
		}
		row := followupStrategyRow{Title: st.Title, Href: fp.Base + "/strategi/" + st.Slug}
		// The strategy's roots: its main goal, usually.
		for _, e := range ru.tree.Children(0) {
			if rr := ru.rolled[e.ID]; rr != nil {
				row.Status = rr.Status
				row.Progress = i18n.FormatInt(p.Lang, int64(math.Round(rr.Progress*100))) + " %"
				row.Rules = ru.explain(p, e.ID)
				break
			}
		}
		fp.Strategies = append(fp.Strategies, row)
	}
	due, err := s.db.ListDue(ctx, p.Org.ID, s.today())
	if err != nil {
		return err
	}
	for _, d := range due {
		fp.Due++
		if d.Overdue {
			fp.Overdue++
		}
	}
	inds, err := s.db.ListIndicators(ctx, store.IndicatorFilter{OrgID: p.Org.ID})
	if err != nil {
		return err
	}
	fp.Indicators = len(inds)
	fp.Title = p.T("followup.title")
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: fp.Title}}
	s.render(w, r, "followup-home", http.StatusOK, fp)
	return nil
}

type overduePage struct {
	*page
	Base    string
	Overdue *dueTable
	Coming  *dueTable
	Today   string
}

// dueTable is a table of items due updates, with the page to speak.
type dueTable struct {
	P       *page
	Caption string
	Rows    []dueRow
}

type dueRow struct {
	Name        string
	Kind        string
	Href        string
	Cadence     string
	Last        string
	LastStatus  string
	Due         string
	Responsible string
}

func (s *Server) overdueUpdates(w http.ResponseWriter, r *http.Request, p *page) error {
	today := s.today()
	items, err := s.db.ListDue(r.Context(), p.Org.ID, today)
	if err != nil {
		return err
	}
	op := &overduePage{page: p, Base: followupBase(p), Today: p.Date(today)}
	for _, d := range items {
		row := dueRow{Name: strings.TrimSpace(d.Code + " " + short(p.S(d.Title), 90)), Href: itemBase(p, d.Item),
			Cadence: p.T("followup.cadence." + d.Cadence), Responsible: d.RespName, Kind: p.T("followup.kind." + d.Kind)}
		if d.Last != nil {
			row.Last, row.LastStatus, row.Due = p.Date(d.Last.Date), d.Last.Status, p.Date(d.Due)
		} else {
			row.Last, row.Due = p.T("followup.never"), p.T("followup.due_now")
		}
		t := &op.Coming
		if d.Overdue {
			t = &op.Overdue
		}
		if *t == nil {
			*t = &dueTable{P: p, Caption: p.T(map[bool]string{true: "followup.overdue.caption", false: "followup.coming.caption"}[d.Overdue])}
		}
		(*t).Rows = append((*t).Rows, row)
	}
	op.Title = p.T("followup.overdue.title")
	op.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: op.Base + "/"}, {Label: op.Title}}
	s.render(w, r, "followup-overdue", http.StatusOK, op)
	return nil
}

type followupStrategyPage struct {
	*page
	Base     string
	Strategy *utsyn.Strategy
	Rule     string
	RuleText string
	Rows     []rolledView
	CanEdit  bool
	Notice   string
}

func (s *Server) followupStrategy(w http.ResponseWriter, r *http.Request, p *page) error {
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	ru, err := s.rollupOf(r.Context(), st)
	if err != nil {
		return err
	}
	fp := &followupStrategyPage{page: p, Base: followupBase(p), Strategy: st, Rule: ru.rule, Rows: ru.views(p),
		CanEdit: p.CanEdit(), Notice: noticeOf(r, p)}
	fp.RuleText = p.T("followup.rule."+ru.rule+".text", "on_track", decimal(p, utsyn.RollupOnTrack), "at_risk", decimal(p, utsyn.RollupAtRisk))
	fp.Title = p.T("followup.strategy.title", "title", p.S(st.Title))
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: fp.Base + "/"}, {Label: p.S(st.Title)}}
	s.render(w, r, "followup-strategy", http.StatusOK, fp)
	return nil
}

// The roll-up rule (editors).

func (s *Server) rollupEditor(p *page, st *utsyn.Strategy, f *eform) *editorPage {
	base := followupBase(p) + "/strategi/" + st.Slug
	ep := &editorPage{page: p, Form: f, Eyebrow: p.S(st.Title), Heading: p.T("followup.rule.heading"), Lead: p.T("followup.rule.lead"),
		Action: base + "/regler", Submit: p.T("editor.save"), Cancel: base, Hidden: []hiddenField{{"version", f.Get("version")}}}
	b := &formBuilder{p: p, f: f}
	var opts []choice
	for _, rule := range utsyn.RollupRules {
		opts = append(opts, choice{Value: rule, Label: p.T("followup.rule." + rule)})
	}
	b.choose("rule", "followup.field.rule", "", opts)
	ep.finish(b.secs)
	ep.Sections[0].Fields[0].Hint = p.T("followup.rule.worst.text") + " " +
		p.T("followup.rule.weighted.text", "on_track", decimal(p, utsyn.RollupOnTrack), "at_risk", decimal(p, utsyn.RollupAtRisk))
	ep.Sections[0].Fields[0].Describedby = "rule-hint"
	if ep.Sections[0].Fields[0].Error != "" {
		ep.Sections[0].Fields[0].Describedby += " rule-error"
	}
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: p.S(st.Title), Href: base}, {Label: ep.Heading}}
	return ep
}

func (s *Server) rollupForm(w http.ResponseWriter, r *http.Request, p *page) error {
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	rule, err := s.db.RollupRule(r.Context(), st.ID)
	if err != nil {
		return err
	}
	f := newEform([]string{"version", "rule"})
	f.Values["version"], f.Values["rule"] = strconv.Itoa(st.Version), rule
	s.render(w, r, "editor-form", http.StatusOK, s.rollupEditor(p, st, f))
	return nil
}

func (s *Server) saveRollup(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	st, err := s.findStrategyOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version", "rule"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.SetRollupRule(ctx, p.Org.ID, st.ID, version, f.Get("rule")) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, followupBase(p)+"/strategi/"+st.Slug+"?lagret=1")
	case store.IsStale(err):
		if st, err = s.findStrategyOf(r, p); err != nil {
			return err
		}
		rule, err := s.db.RollupRule(ctx, st.ID)
		if err != nil {
			return err
		}
		stored := newEform([]string{"version", "rule"})
		stored.Values["rule"] = rule
		conflict = s.conflict(ctx, p, "strategy", st.ID, s.rollupEditor(p, st, f).Sections, s.rollupEditor(p, st, stored).Sections)
		f.Values["version"] = strconv.Itoa(st.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, nil):
		return err
	}
	ep := s.rollupEditor(p, st, f)
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

// An engagement's or element's follow-up.

type followupItemPage struct {
	*page
	Item       *followItem
	Base       string
	Latest     *updateView
	Due        *dueView
	Updates    []updateView
	Milestones []milestoneView
	Indicators *indicatorTable
	Rolled     *rolledView
	Children   []rolledView
	CanFollow  bool
	CanEdit    bool
	Notice     string
	Problem    string
}

func (s *Server) followupItem(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		fi, err := s.findItem(r, p, kind)
		if err != nil {
			return err
		}
		fp, err := s.itemPage(r.Context(), p, fi)
		if err != nil {
			return err
		}
		fp.Notice = noticeOf(r, p)
		if r.URL.Query().Get("ingen-endring") != "" {
			fp.Notice = p.T("followup.notice.no_change")
		}
		s.render(w, r, "followup-item", http.StatusOK, fp)
		return nil
	}
}

func (s *Server) itemPage(ctx context.Context, p *page, fi *followItem) (*followupItemPage, error) {
	today := s.today()
	fp := &followupItemPage{page: p, Item: fi, Base: itemBase(p, fi.Item), CanFollow: mayFollow(p, fi), CanEdit: p.CanEdit()}
	updates, err := s.db.ListStatusUpdates(ctx, p.Org.ID, fi.Item)
	if err != nil {
		return nil, err
	}
	for _, u := range updates {
		fp.Updates = append(fp.Updates, viewUpdate(p, u))
	}
	if len(fp.Updates) > 0 {
		fp.Latest = &fp.Updates[0]
	}
	// Judged as the list of overdue updates judges it: a finished engagement, or an element of
	// an archived strategy, expects no more updates, whatever its cadence.
	due, err := s.db.DueOf(ctx, p.Org.ID, fi.Item, today)
	if err != nil {
		return nil, err
	}
	fp.Due = viewDue(p, due.Cadence, due.Last, today)
	milestones, err := s.db.ListMilestones(ctx, p.Org.ID, fi.Item)
	if err != nil {
		return nil, err
	}
	for _, m := range milestones {
		fp.Milestones = append(fp.Milestones, viewMilestone(p, m, today))
	}
	if fi.Element != nil {
		ru, err := s.rollupOf(ctx, fi.Strategy)
		if err != nil {
			return nil, err
		}
		views := ru.views(p)
		for i, v := range views {
			if v.ID == fi.ID {
				fp.Rolled = &views[i]
			}
		}
		for _, c := range ru.tree.Children(fi.ID) {
			for _, v := range views {
				if v.ID == c.ID {
					fp.Children = append(fp.Children, v)
				}
			}
		}
		inds, err := s.db.ListIndicators(ctx, store.IndicatorFilter{OrgID: p.Org.ID, ElementIDs: []int64{fi.ID}})
		if err != nil {
			return nil, err
		}
		for _, ind := range inds {
			row, err := s.indicatorRow(ctx, p, ind)
			if err != nil {
				return nil, err
			}
			if fp.Indicators == nil {
				fp.Indicators = &indicatorTable{P: p, Caption: p.T("followup.indicators.caption", "name", fi.Name)}
			}
			fp.Indicators.Rows = append(fp.Indicators.Rows, row)
		}
	}
	fp.Title = p.T("followup.item.title", "name", fi.Name)
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"}, {Label: short(fi.Name, 60)}}
	return fp, nil
}

// Status updates.

var updateFields = []string{"date", "status", "narrative", "evidence"}

func (s *Server) updateEditor(p *page, fi *followItem, f *eform) *editorPage {
	base := itemBase(p, fi.Item)
	ep := &editorPage{page: p, Form: f, Eyebrow: fi.Name, Heading: p.T("followup.update.new"), Lead: p.T("followup.update.lead"),
		Action: base + "/oppdatering", Submit: p.T("followup.update.save"), Cancel: base}
	b := &formBuilder{p: p, f: f}
	b.input("date", "followup.field.date", "followup.hint.date", "input-short")
	var opts []choice
	for _, st := range []string{utsyn.FollowOnTrack, utsyn.FollowAtRisk, utsyn.FollowOffTrack, utsyn.FollowDone} {
		opts = append(opts, choice{Value: st, Label: p.T("followup.status." + st)})
	}
	b.choose("status", "followup.field.status", "", opts)
	b.add(fieldSpec{Name: "narrative", Label: p.T("followup.field.narrative"), Hint: p.T("followup.hint.narrative"), Type: "textarea", Rows: 4})
	b.add(fieldSpec{Name: "evidence", Label: p.T("followup.field.evidence"), Hint: p.T("followup.hint.evidence"), Type: "textarea", Rows: 3})
	ep.finish(b.secs)
	ep.Title = ep.Heading + " – " + fi.Name
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: short(fi.Name, 60), Href: base}, {Label: ep.Heading}}
	return ep
}

func (s *Server) updateForm(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		fi, err := s.followable(r, p, kind)
		if err != nil {
			return err
		}
		f := newEform(updateFields)
		f.Values["date"] = s.today().String()
		// The status stays as it was unless someone says otherwise.
		f.Values["status"] = utsyn.FollowOnTrack
		if ups, err := s.db.ListStatusUpdates(r.Context(), p.Org.ID, fi.Item); err == nil && len(ups) > 0 {
			f.Values["status"] = ups[0].Status
		}
		s.render(w, r, "editor-form", http.StatusOK, s.updateEditor(p, fi, f))
		return nil
	}
}

// evidenceLinks reads a textarea of links, one a line: the address first, then a label.
func evidenceLinks(p *page, f *eform) []utsyn.Link {
	var out []utsyn.Link
	for _, line := range textLines(f.Get("evidence")) {
		if line == "" {
			continue
		}
		u, label, _ := strings.Cut(line, " ")
		out = append(out, utsyn.Link{URL: u, Label: strings.TrimSpace(label)})
	}
	return out
}

func (s *Server) createUpdate(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		ctx := r.Context()
		fi, err := s.followable(r, p, kind)
		if err != nil {
			return err
		}
		f, err := readEform(r, updateFields)
		if err != nil {
			return err
		}
		u := &utsyn.StatusUpdate{OrgID: p.Org.ID, Date: f.date(p, "date"), Status: f.Get("status"), Narrative: f.Get("narrative"),
			Evidence: evidenceLinks(p, f)}
		if f.Get("date") == "" {
			f.Fail("date", p.T("error.required"))
		}
		if kind == store.ItemEngagement {
			u.EngagementID = fi.ID
		} else {
			u.ElementID = fi.ID
		}
		err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddStatusUpdate(ctx, u) })
		if err == nil {
			return seeOther(w, r, itemBase(p, fi.Item)+"?opprettet=1#oppdateringer")
		}
		if !f.failWith(p, err, map[string]string{"item": ""}) {
			return err
		}
		s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.updateEditor(p, fi, f))
		return nil
	}
}

// noChange records "no change since last time" in one click.
func (s *Server) noChange(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		ctx := r.Context()
		fi, err := s.followable(r, p, kind)
		if err != nil {
			return err
		}
		err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error {
			_, err := tx.AddNoChange(ctx, p.Org.ID, fi.Item, s.today())
			return err
		})
		if err == nil {
			return seeOther(w, r, itemBase(p, fi.Item)+"?ingen-endring=1#oppdateringer")
		}
		if utsyn.ErrorCode(err) != utsyn.EINVALID {
			return err
		}
		fp, err2 := s.itemPage(ctx, p, fi)
		if err2 != nil {
			return err2
		}
		fp.Problem = p.T(utsyn.ErrorMessage(err))
		if e, ok := err.(*utsyn.Error); ok && len(e.Problems) > 0 {
			fp.Problem = p.T(e.Problems[0].Message)
		}
		s.render(w, r, "followup-item", http.StatusUnprocessableEntity, fp)
		return nil
	}
}

// Cadence and weight.

var settingsFields = []string{"version", "cadence", "weight"}

func settingsValues(set *store.FollowupSettings) *eform {
	f := newEform(settingsFields)
	f.Values["version"], f.Values["cadence"], f.Values["weight"] = strconv.Itoa(set.Version), set.Cadence, strconv.FormatFloat(set.Weight, 'f', -1, 64)
	return f
}

func (s *Server) settingsEditor(p *page, fi *followItem, f *eform) *editorPage {
	base := itemBase(p, fi.Item)
	ep := &editorPage{page: p, Form: f, Eyebrow: fi.Name, Heading: p.T("followup.settings.heading"), Lead: p.T("followup.settings.lead"),
		Action: base + "/innstillinger", Submit: p.T("editor.save"), Cancel: base, Hidden: []hiddenField{{"version", f.Get("version")}}}
	b := &formBuilder{p: p, f: f}
	opts := []choice{{Value: "", Label: p.T("followup.cadence.unset")}}
	for _, c := range utsyn.Cadences {
		opts = append(opts, choice{Value: c, Label: p.T("followup.cadence." + c)})
	}
	b.choose("cadence", "followup.field.cadence", "followup.hint.cadence", opts)
	if fi.Kind == store.ItemElement {
		b.input("weight", "followup.field.weight", "followup.hint.weight", "input-short")
	}
	ep.finish(b.secs)
	ep.Title = ep.Heading + " – " + fi.Name
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: short(fi.Name, 60), Href: base}, {Label: ep.Heading}}
	return ep
}

// maySet reports whether the actor may change an item's cadence (and weight): editors, and a
// contributor their own engagement's cadence.
func maySet(p *page, fi *followItem) bool { return mayFollow(p, fi) }

func (s *Server) settingsForm(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		fi, err := s.findItem(r, p, kind)
		if err != nil {
			return err
		}
		if !maySet(p, fi) {
			return errMayNotFollow
		}
		set, err := s.db.Settings(r.Context(), p.Org.ID, fi.Item)
		if err != nil {
			return err
		}
		s.render(w, r, "editor-form", http.StatusOK, s.settingsEditor(p, fi, settingsValues(set)))
		return nil
	}
}

// parseNumber reads a number typed the Norwegian or the English way: "1 234,5" or "1234.5".
func parseNumber(s string) (float64, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return f, nil
}

func (f *eform) number(p *page, name string, required bool) *float64 {
	if f.Get(name) == "" {
		if required {
			f.Fail(name, p.T("error.required"))
		}
		return nil
	}
	v, err := parseNumber(f.Get(name))
	if err != nil {
		f.Fail(name, p.T("error.number"))
		return nil
	}
	return &v
}

func (s *Server) saveSettings(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		ctx := r.Context()
		fi, err := s.findItem(r, p, kind)
		if err != nil {
			return err
		}
		if !maySet(p, fi) {
			return errMayNotFollow
		}
		f, err := readEform(r, settingsFields)
		if err != nil {
			return err
		}
		version, err := f.version()
		if err != nil {
			return err
		}
		set := store.FollowupSettings{Cadence: f.Get("cadence"), Weight: 1}
		if kind == store.ItemElement {
			if w := f.number(p, "weight", true); w != nil {
				set.Weight = *w
			}
		}
		err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.SetSettings(ctx, p.Org.ID, fi.Item, version, set) })
		status := http.StatusUnprocessableEntity
		var conflict *conflictView
		switch {
		case err == nil:
			return seeOther(w, r, itemBase(p, fi.Item)+"?lagret=1")
		case store.IsStale(err):
			now, err := s.db.Settings(ctx, p.Org.ID, fi.Item)
			if err != nil {
				return err
			}
			conflict = s.conflict(ctx, p, fi.Kind, fi.ID, s.settingsEditor(p, fi, f).Sections, s.settingsEditor(p, fi, settingsValues(now)).Sections)
			f.Values["version"] = strconv.Itoa(now.Version)
			status = http.StatusConflict
		case !f.failWith(p, err, nil):
			return err
		}
		ep := s.settingsEditor(p, fi, f)
		ep.Conflict = conflict
		s.render(w, r, "editor-form", status, ep)
		return nil
	}
}

// Milestones.

var milestoneFields = []string{"version", "title", "due", "done_on"}

func milestoneValues(m *utsyn.Milestone) *eform {
	f := newEform(milestoneFields)
	f.Values["version"], f.Values["title"], f.Values["due"], f.Values["done_on"] = strconv.Itoa(m.Version), m.Title, m.Due.String(), m.DoneOn.String()
	return f
}

func (s *Server) milestoneEditor(p *page, fi *followItem, m *utsyn.Milestone, f *eform) *editorPage {
	base := itemBase(p, fi.Item)
	ep := &editorPage{page: p, Form: f, Eyebrow: fi.Name, Submit: p.T("editor.save"), Cancel: base + "#milepaeler"}
	b := &formBuilder{p: p, f: f}
	b.input("title", "followup.field.milestone", "", "")
	b.input("due", "followup.field.due", "followup.hint.due", "input-short")
	if m == nil {
		ep.Heading, ep.Action, ep.Submit = p.T("followup.milestone.new"), base+"/milepel/ny", p.T("followup.milestone.create")
	} else {
		b.input("done_on", "followup.field.done_on", "followup.hint.done_on", "input-short")
		ep.Heading = p.T("followup.milestone.edit", "title", m.Title)
		ep.Action = followupBase(p) + "/milepel/" + strconv.FormatInt(m.ID, 10) + "/rediger"
		ep.Hidden = []hiddenField{{"version", f.Get("version")}}
	}
	ep.finish(b.secs)
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: short(fi.Name, 60), Href: base}, {Label: ep.Heading}}
	return ep
}

func (s *Server) newMilestone(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		fi, err := s.followable(r, p, kind)
		if err != nil {
			return err
		}
		s.render(w, r, "editor-form", http.StatusOK, s.milestoneEditor(p, fi, nil, newEform(milestoneFields)))
		return nil
	}
}

func (s *Server) createMilestone(kind string) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		ctx := r.Context()
		fi, err := s.followable(r, p, kind)
		if err != nil {
			return err
		}
		f, err := readEform(r, milestoneFields)
		if err != nil {
			return err
		}
		m := &utsyn.Milestone{OrgID: p.Org.ID, Title: f.Get("title"), Due: f.date(p, "due")}
		if kind == store.ItemEngagement {
			m.EngagementID = fi.ID
		} else {
			m.ElementID = fi.ID
		}
		err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddMilestone(ctx, m) })
		if err == nil {
			return seeOther(w, r, itemBase(p, fi.Item)+"?opprettet=1#milepaeler")
		}
		if !f.failWith(p, err, map[string]string{"item": ""}) {
			return err
		}
		s.render(w, r, "editor-form", http.StatusUnprocessableEntity, s.milestoneEditor(p, fi, nil, f))
		return nil
	}
}

// findMilestoneItem finds the organisation's milestone in the path and what it belongs to.
func (s *Server) findMilestoneItem(r *http.Request, p *page) (*utsyn.Milestone, *followItem, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	m, err := s.db.FindMilestone(r.Context(), p.Org.ID, id)
	if err != nil {
		return nil, nil, err
	}
	kind, itemID := store.ItemElement, m.ElementID
	if m.EngagementID != 0 {
		kind, itemID = store.ItemEngagement, m.EngagementID
	}
	r2 := r.Clone(r.Context())
	r2.SetPathValue("id", strconv.FormatInt(itemID, 10))
	fi, err := s.findItem(r2, p, kind)
	if err != nil {
		return nil, nil, err
	}
	return m, fi, nil
}

func (s *Server) editMilestone(w http.ResponseWriter, r *http.Request, p *page) error {
	m, fi, err := s.findMilestoneItem(r, p)
	if err != nil {
		return err
	}
	if !mayFollow(p, fi) {
		return errMayNotFollow
	}
	s.render(w, r, "editor-form", http.StatusOK, s.milestoneEditor(p, fi, m, milestoneValues(m)))
	return nil
}

func (s *Server) updateMilestone(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	m, fi, err := s.findMilestoneItem(r, p)
	if err != nil {
		return err
	}
	if !mayFollow(p, fi) {
		return errMayNotFollow
	}
	f, err := readEform(r, milestoneFields)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	in := &utsyn.Milestone{ID: m.ID, OrgID: p.Org.ID, Title: f.Get("title"), Due: f.date(p, "due"), DoneOn: f.date(p, "done_on"), Version: version}
	if !in.DoneOn.IsZero() && in.DoneOn.Day == 0 {
		f.Fail("done_on", p.T("error.date_day"))
	}
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateMilestone(ctx, in) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, itemBase(p, fi.Item)+"?lagret=1#milepaeler")
	case store.IsStale(err):
		if m, err = s.db.FindMilestone(ctx, p.Org.ID, m.ID); err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "milestone", m.ID, s.milestoneEditor(p, fi, m, f).Sections, s.milestoneEditor(p, fi, m, milestoneValues(m)).Sections)
		f.Values["version"] = strconv.Itoa(m.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, map[string]string{"item": ""}):
		return err
	}
	ep := s.milestoneEditor(p, fi, m, f)
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

// tickMilestone marks a milestone done today (ferdig=1) or not done again (ferdig=0), if it is
// still at the version the page showed.
func (s *Server) tickMilestone(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	m, fi, err := s.findMilestoneItem(r, p)
	if err != nil {
		return err
	}
	if !mayFollow(p, fi) {
		return errMayNotFollow
	}
	f, err := readEform(r, []string{"version", "ferdig"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	on := utsyn.Date{}
	if f.Get("ferdig") != "0" {
		on = s.today()
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error {
		_, err := tx.SetMilestoneDone(ctx, p.Org.ID, m.ID, version, on)
		return err
	})
	if err == nil {
		return seeOther(w, r, itemBase(p, fi.Item)+"?lagret=1#milepaeler")
	}
	if !store.IsStale(err) {
		return err
	}
	fp, err := s.itemPage(ctx, p, fi)
	if err != nil {
		return err
	}
	fp.Problem = p.T("followup.milestone.stale")
	s.render(w, r, "followup-item", http.StatusConflict, fp)
	return nil
}
