package web

import (
	"cmp"
	"context"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Dashboards (signed in, readers and up): the overview and its pages, where the leadership sees
// how the strategy is covered by work, what the work costs and brings in, the portfolio over
// the years, where the partners are, what is due and what lags. The figures come from the
// store's dashboards (store/dashboard.go), worked out from a snapshot of the register.
//
// Every chart is an SVG of our own (internal/chart) with a title, a one-line reading and its
// numbers in a table beside it; the numbers lead to the records behind them: the register's
// list with the filters that find them (register.go's query parameters), an engagement's page,
// an actor's page, or an item's follow-up. Where the register cannot filter as the dashboard
// did (by unit, by a period of several years), the page says so.
//
// The filter is the query: strategi (a strategy's slug: the elements figures are grouped by),
// fra and til (years), enhet (the responsible unit) and knyttet (only work linked to the
// strategy); the timeline also takes gruppe (prioritet or type), the partner map kart (verden,
// europa or norge).

// dashboards serves the dashboard pages.
type dashboards struct {
	s     *Server
	store *store.Dashboards
}

func (s *Server) newDashboards() *dashboards {
	return &dashboards{s: s, store: s.db.NewDashboards()}
}

// The dashboards' query parameters, in Norwegian like their paths.
const (
	dStrategy, dFrom, dTo, dUnit, dLinked, dGroup, dMap = "strategi", "fra", "til", "enhet", "knyttet", "gruppe", "kart"
)

// The register list's query parameters (register.go), which the dashboards' links fill in.
const (
	regKind, regStatus, regElement, regCountry, regYear = "type", "status", "element", "land", "ar"
)

// The dashboard pages, by their path under /{org}/oversikt/.
var dashViews = []struct{ view, path string }{
	{"overview", ""}, {"coverage", "dekning"}, {"money", "penger"}, {"timeline", "tidslinje"},
	{"partners", "partnere"}, {"due", "frister"}, {"lags", "avvik"},
}

// dueMonths is how far ahead "what is due" looks.
const dueMonths = 6

// dashPage is every dashboard page (dashboard.html): the frame, the filter and the figures.
type dashPage struct {
	*page
	View     string
	Heading  string
	Lead     string
	Tabs     []dashLink
	SubTabs  []dashLink // the map's world, Europe and Norway
	Form     dashForm
	AsOf     string
	Stale    bool
	Notes    []string   // what the links to the register cannot carry
	Facts    []dashFact // key figures
	Alert    *dashAlert // what stands out, in words
	Figures  []*dashFigure
	Empty    string // the selection has nothing: what would be here, and how to add it
	EmptyFix []dashLink
	Sections []dashLink // the overview's links to each page
}

type dashLink struct {
	Label, Href string
	Current     bool
	Text        string // a line under the link
}

// dashFact is a key figure: its label, the figure, and the records behind it.
type dashFact struct {
	Label, Value, Href, Note string
}

// dashAlert names the elements or items that stand out.
type dashAlert struct {
	Heading string
	Text    string
	Items   []dashLink
}

// dashFigure is one chart (or a row of small multiples) with its reading and its table.
type dashFigure struct {
	ID        string
	Title     string
	Reading   string
	Charts    []template.HTML
	Multiples bool
	Table     *dashTable
	Tables    []*dashTable // more tables, one click away
	More      string       // the summary of the tables one click away
	Notes     []string
	Credit    string
}

type dashTable struct {
	Caption       string
	CaptionHidden bool // the heading above says it
	Head          []dashCell
	Rows          [][]dashCell
	Foot          [][]dashCell
}

// Wide reports whether the table has too many columns for the width of an A4 page: printed,
// each of its rows is a block that names each value's column (style.css), as it is cut off
// at the page's edge otherwise.
func (t dashTable) Wide() bool { return len(t.Head) > 7 }

// labelledCell is a cell with the heading of its column, for the rows of a wide table printed.
type labelledCell struct {
	dashCell
	Label string
}

// LabelledRows are the rows with each cell's column heading.
func (t dashTable) LabelledRows() [][]labelledCell { return t.labelled(t.Rows) }

// LabelledFoot is the foot with each cell's column heading.
func (t dashTable) LabelledFoot() [][]labelledCell { return t.labelled(t.Foot) }

func (t dashTable) labelled(rows [][]dashCell) [][]labelledCell {
	out := make([][]labelledCell, len(rows))
	for i, row := range rows {
		out[i] = make([]labelledCell, len(row))
		for j, c := range row {
			out[i][j].dashCell = c
			if j < len(t.Head) {
				out[i][j].Label = t.Head[j].Text
			}
		}
	}
	return out
}

type dashCell struct {
	Text   string
	Href   string
	Num    bool
	Header bool          // the row's header
	Tag    template.HTML // a status tag before the text
	Flag   string        // a word that stands out: "no active work"
	Indent int
	Lang   string // the text's language when it is not the page's
	List   []dashLink
}

// dashForm is the filter.
type dashForm struct {
	Action   string
	Fields   []dashField
	Filtered bool
	Clear    string
}

type dashField struct {
	Name, Label, Hint, Type, Value, Error string
	Options                               []dashOption
	Checked                               bool
}

type dashOption struct {
	Value, Label string
}

// dashQuery is the filter as the reader sent it.
type dashQuery struct {
	Strategy, From, To, Unit, Group, Map string
	Linked                               bool
}

func readDashQuery(r *http.Request) dashQuery {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return dashQuery{Strategy: get(dStrategy), From: get(dFrom), To: get(dTo), Unit: get(dUnit), Group: get(dGroup), Map: get(dMap),
		Linked: get(dLinked) != ""}
}

// values is the query of the filter, for the links between the pages.
func (q dashQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{dStrategy: q.Strategy, dFrom: q.From, dTo: q.To, dUnit: q.Unit} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Linked {
		v.Set(dLinked, "1")
	}
	return v
}

// T is the page's message with every whole number among its arguments written the reader's
// way ("1 234"); years go in as text.
func (p *dashPage) T(key string, args ...any) string {
	for i := 1; i < len(args); i += 2 {
		switch n := args[i].(type) {
		case int:
			args[i] = i18n.FormatInt(p.Lang, int64(n))
		case int64:
			args[i] = i18n.FormatInt(p.Lang, n)
		}
	}
	return p.page.T(key, args...)
}

// dashContext is what every dashboard handler starts from.
type dashContext struct {
	p        *dashPage
	q        dashQuery
	filter   store.DashboardFilter
	tree     *utsyn.Tree
	trees    []*utsyn.Tree
	today    time.Time
	base     string // /{lang}/{org}/oversikt
	problems map[string]string
	first    int // the first and last year of the organisation's work
	last     int
}

// start reads the filter, finds the strategy and the units, and lays out the frame of the page.
func (d *dashboards) start(r *http.Request, p *page, view string) (*dashContext, error) {
	ctx := r.Context()
	c := &dashContext{q: readDashQuery(r), today: d.s.now().In(oslo), base: p.Href(p.Org.Slug, "oversikt"), problems: map[string]string{}}
	c.p = &dashPage{page: p, View: view}
	c.filter.OrgID = p.Org.ID

	strategies, err := d.s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: p.Org.ID})
	if err != nil {
		return nil, err
	}
	for _, st := range strategies {
		full, err := d.s.db.FindStrategyByID(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		t, err := d.s.db.FindTree(ctx, full)
		if err != nil {
			return nil, err
		}
		c.trees = append(c.trees, t)
	}
	if c.q.Strategy != "" {
		for _, t := range c.trees {
			if t.Strategy.Slug == c.q.Strategy {
				c.tree = t
			}
		}
		if c.tree == nil {
			c.problems[dStrategy] = p.T("dash.error.strategy")
			c.q.Strategy = ""
		}
	}
	if c.tree == nil {
		c.tree = mainStrategy(c.trees)
	}
	c.filter.Tree = c.tree
	c.filter.Linked = c.q.Linked && c.tree != nil

	year := func(name, s string) int {
		if s == "" {
			return 0
		}
		y, err := strconv.Atoi(s)
		if err != nil || y < 1990 || y > 2100 {
			c.problems[name] = p.T("error.year")
			return 0
		}
		return y
	}
	c.filter.From, c.filter.To = year(dFrom, c.q.From), year(dTo, c.q.To)
	if c.filter.From != 0 && c.filter.To != 0 && c.filter.To < c.filter.From {
		c.problems[dTo] = p.T("dash.error.period_order")
		c.filter.To = 0
	}
	units, err := d.store.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	if c.q.Unit != "" {
		if slices.Contains(units, c.q.Unit) {
			c.filter.Unit = c.q.Unit
		} else {
			c.problems[dUnit] = p.T("dash.error.unit")
		}
	}
	if c.first, c.last, err = d.store.Years(ctx, p.Org.ID); err != nil {
		return nil, err
	}

	for _, v := range dashViews {
		href := c.base + "/" + v.path
		if qs := c.q.values().Encode(); qs != "" {
			href += "?" + qs
		}
		c.p.Tabs = append(c.p.Tabs, dashLink{Label: p.T("dash." + v.view + ".tab"), Href: href, Current: v.view == view})
	}
	c.p.Heading, c.p.Lead = p.T("dash."+view+".title"), p.T("dash."+view+".lead", "months", dueMonths)
	c.p.Title = c.p.Heading
	c.p.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}}
	if view != "overview" {
		c.p.Crumbs = append(c.p.Crumbs, crumb{Label: p.T("dash.overview.title"), Href: c.p.Tabs[0].Href})
	}
	c.p.Crumbs = append(c.p.Crumbs, crumb{Label: c.p.Heading})
	c.form(units, view)
	return c, nil
}

// mainStrategy is the strategy the dashboards group by when the reader has not chosen: the
// adopted one that began last, else the first.
func mainStrategy(trees []*utsyn.Tree) *utsyn.Tree {
	var best *utsyn.Tree
	for _, t := range trees {
		if t.Strategy.Status != utsyn.StatusAdopted {
			continue
		}
		if best == nil || best.Strategy.PeriodStart.String() < t.Strategy.PeriodStart.String() {
			best = t
		}
	}
	if best == nil && len(trees) > 0 {
		best = trees[0]
	}
	return best
}

// form lays out the filter: the strategy, the years (not on what is due: that is today's), the
// unit and whether only linked work counts.
func (c *dashContext) form(units []string, view string) {
	p := c.p
	f := dashForm{Action: c.base + "/"}
	if view != "overview" {
		f.Action = c.base + "/" + pathOf(view)
	}
	field := func(fl dashField) {
		fl.Error = c.problems[fl.Name]
		f.Fields = append(f.Fields, fl)
	}
	if len(c.trees) > 0 {
		var opts []dashOption
		for _, t := range c.trees {
			opts = append(opts, dashOption{Value: t.Strategy.Slug, Label: p.S(t.Strategy.Title) + periodSuffix(p.page, t.Strategy)})
		}
		value := ""
		if c.tree != nil {
			value = c.tree.Strategy.Slug
		}
		field(dashField{Name: dStrategy, Label: p.T("dash.filter.strategy"), Hint: p.T("dash.filter.strategy_hint"), Type: "select", Value: value, Options: opts})
	}
	if view != "due" {
		field(dashField{Name: dFrom, Label: p.T("dash.filter.from"), Type: "year", Value: c.q.From})
		field(dashField{Name: dTo, Label: p.T("dash.filter.to"), Type: "year", Value: c.q.To})
	}
	opts := []dashOption{{Value: "", Label: p.T("dash.filter.all_units")}}
	for _, u := range units {
		opts = append(opts, dashOption{Value: u, Label: u})
	}
	field(dashField{Name: dUnit, Label: p.T("dash.filter.unit"), Type: "select", Value: c.q.Unit, Options: opts})
	if c.tree != nil {
		field(dashField{Name: dLinked, Label: p.T("dash.filter.linked"), Type: "checkbox", Value: "1", Checked: c.q.Linked})
	}
	if view == "timeline" {
		group := c.q.Group
		if group != "type" {
			group = "prioritet"
		}
		field(dashField{Name: dGroup, Label: p.T("dash.filter.group"), Type: "select", Value: group, Options: []dashOption{
			{Value: "prioritet", Label: p.T("dash.filter.group_strategy")}, {Value: "type", Label: p.T("dash.filter.group_kind")}}})
	}
	if view == "partners" && c.q.Map != "" {
		f.Fields = append(f.Fields, dashField{Name: dMap, Type: "hidden", Value: c.q.Map})
	}
	f.Filtered = len(c.q.values()) > 0 || c.q.Group != ""
	f.Clear = f.Action
	c.p.Form = f
}

func pathOf(view string) string {
	for _, v := range dashViews {
		if v.view == view {
			return v.path
		}
	}
	return ""
}

func periodSuffix(p *page, s *utsyn.Strategy) string {
	if pd := p.Period(s.PeriodStart, s.PeriodEnd); pd != "" {
		return " (" + pd + ")"
	}
	return ""
}

// asOf says when the figures were read, and whether newer ones are on their way.
func (c *dashContext) asOf(a store.AsOf) {
	c.p.AsOf = formatTime(c.p.Lang, a.Time)
	c.p.Stale = a.Stale
}

// notes says what the links to the register leave out of the dashboard's filter.
func (c *dashContext) notes(periodInLinks bool) {
	p := c.p
	if c.filter.Unit != "" {
		p.Notes = append(p.Notes, p.T("dash.note.unit"))
	}
	if c.filter.From != c.filter.To && (c.filter.From != 0 || c.filter.To != 0) && !periodInLinks {
		p.Notes = append(p.Notes, p.T("dash.note.period"))
	}
	if c.filter.Linked {
		p.Notes = append(p.Notes, p.T("dash.note.linked"))
	}
}

// register is a link to the register's list with the filter's single year (when it has one)
// and the given parameters.
func (c *dashContext) register(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			v.Set(params[i], params[i+1])
		}
	}
	if v.Get(regYear) == "" && c.filter.From != 0 && c.filter.From == c.filter.To {
		v.Set(regYear, strconv.Itoa(c.filter.From))
	}
	href := c.p.Href(c.p.Org.Slug, "engasjementer", "")
	if len(v) > 0 {
		href += "?" + v.Encode()
	}
	return href
}

func (c *dashContext) engagementHref(id int64) string {
	return c.p.Href(c.p.Org.Slug, "engasjementer", strconv.FormatInt(id, 10))
}

// periodWords names the filter's years: "2021–2024", "2024", "fra 2021", or "" for all.
func (c *dashContext) periodWords() string {
	f, t := c.filter.From, c.filter.To
	switch {
	case f == 0 && t == 0:
		return ""
	case f == t:
		return strconv.Itoa(f)
	case t == 0:
		return c.p.T("period.from", "from", strconv.Itoa(f))
	case f == 0:
		return c.p.T("period.to", "to", strconv.Itoa(t))
	}
	return strconv.Itoa(f) + "–" + strconv.Itoa(t)
}

// dashElementName is an element's code and title, or its level and title.
func dashElementName(p *page, t *utsyn.Tree, e *utsyn.Element) string {
	if e.Code != "" {
		return e.Code + " " + p.S(e.Title)
	}
	if l := t.Level(e.LevelID); l != nil {
		return capitalise(p.S(l.Name)) + ": " + p.S(e.Title)
	}
	return p.S(e.Title)
}

func findElement(t *utsyn.Tree, id int64) *utsyn.Element {
	if t == nil {
		return nil
	}
	for _, e := range t.Elements {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// groupName names a group of figures: an element of the grouping level, or the work linked
// above it, or not at all.
func (c *dashContext) groupName(id int64) string {
	switch id {
	case store.GroupAbove:
		return c.p.T("dash.group.above", "level", c.groupLevelPlural())
	case store.GroupNone:
		return c.p.T("dash.group.none")
	}
	if e := findElement(c.tree, id); e != nil {
		return dashElementName(c.p.page, c.tree, e)
	}
	return strconv.FormatInt(id, 10)
}

func (c *dashContext) groupLevelPlural() string {
	if l := store.GroupLevel(c.tree); l != nil {
		return strings.ToLower(c.p.S(l.Plural))
	}
	return c.p.T("dash.group.level")
}

// groupElements are the strategy's elements on its grouping level, in tree order.
func (c *dashContext) groupElements() []*utsyn.Element {
	l := store.GroupLevel(c.tree)
	if l == nil {
		return nil
	}
	var out []*utsyn.Element
	for _, e := range c.tree.Elements {
		if e.LevelID == l.ID {
			out = append(out, e)
		}
	}
	return out
}

// Formats

// kroner writes an amount in øre as kroner, the reader's way, without øre.
func kroner(l i18n.Lang, ore int64) string {
	return i18n.FormatMoney(l, math.Round(float64(ore)/100), "NOK")
}

// compactKroner writes an amount in øre short, for charts: "kr 1,2 mill.", "NOK 350,000".
func compactKroner(l i18n.Lang, ore int64) string {
	return compactMoney(l, float64(ore)/100, "NOK")
}

func compactMoney(l i18n.Lang, amount float64, currency string) string {
	abs := math.Abs(amount)
	unit := ""
	switch {
	case abs >= 1e9:
		amount /= 1e9
		unit = map[i18n.Lang]string{i18n.EN: "bn"}[l]
		if unit == "" {
			unit = "\u00a0mrd."
		}
	case abs >= 1e6:
		amount /= 1e6
		unit = map[i18n.Lang]string{i18n.EN: "m"}[l]
		if unit == "" {
			unit = "\u00a0mill."
		}
	default:
		return i18n.FormatMoney(l, math.Round(amount), currency)
	}
	decimals := 1
	if math.Abs(amount) >= 100 || amount == math.Trunc(amount) {
		decimals = 0
	}
	return strings.TrimSuffix(i18n.FormatMoney(l, 0, currency), "0") + i18n.FormatDecimal(l, amount, decimals) + unit
}

func euros(l i18n.Lang, cents int64) string {
	return i18n.FormatMoney(l, math.Round(float64(cents)/100), "EUR")
}

func count(l i18n.Lang, n int) string { return i18n.FormatInt(l, int64(n)) }

// years lists years the reader's way: "2024", "2024 og 2025", "2021, 2022 og 2024".
func listWords(p *page, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + p.T("dash.and") + " " + items[len(items)-1]
}

func yearList(p *page, ys []int) string {
	var s []string
	for _, y := range ys {
		s = append(s, strconv.Itoa(y))
	}
	return listWords(p, s)
}

// dateOf is a moment's day.
func dateOf(t time.Time) utsyn.Date {
	return utsyn.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// fraction is a date as a year with its fraction, for the timeline: its first day, or with
// end set the day after its last.
func fraction(d utsyn.Date, end bool) float64 {
	if d.IsZero() {
		return 0
	}
	t := d.Time()
	if end {
		switch {
		case d.Month == 0:
			t = t.AddDate(1, 0, 0)
		case d.Day == 0:
			t = t.AddDate(0, 1, 0)
		default:
			t = t.AddDate(0, 0, 1)
		}
	}
	start := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	days := start.AddDate(1, 0, 0).Sub(start).Hours() / 24
	return float64(t.Year()) + t.Sub(start).Hours()/24/days
}

// The handlers

func (d *dashboards) overview(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "overview", d.overviewPage)
}

func (d *dashboards) coverage(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "coverage", d.coveragePage)
}

func (d *dashboards) money(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "money", d.moneyPage)
}

func (d *dashboards) timeline(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "timeline", d.timelinePage)
}

func (d *dashboards) partners(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "partners", d.partnersPage)
}

func (d *dashboards) due(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "due", d.duePage)
}

func (d *dashboards) lags(w http.ResponseWriter, r *http.Request, p *page) error {
	return d.serve(w, r, p, "lags", d.lagsPage)
}

func (d *dashboards) serve(w http.ResponseWriter, r *http.Request, p *page, view string, build func(ctx context.Context, c *dashContext) error) error {
	c, err := d.start(r, p, view)
	if err != nil {
		return err
	}
	if err := build(r.Context(), c); err != nil {
		return err
	}
	d.s.render(w, r, "dashboard-page", http.StatusOK, c.p)
	return nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
