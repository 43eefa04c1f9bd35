package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Indicator pages (signed in, readers and up): every indicator of the organisation with its
// latest value against its target and what it lacks, each indicator period by period with its
// revisions; editors define indicators and type in and revise the values of manual ones.

func indicatorBase(p *page) string { return followupBase(p) + "/indikatorer" }

// indicatorRow is an indicator in a list: its latest value against the target of that period,
// and what is missing to read it.
type indicatorRow struct {
	ID      int64
	Name    utsyn.Text
	Href    string
	Element string
	Source  string
	Latest  string // the latest value with its unit and period, or ""
	Target  string // the target of that period, or the next one
	Met     string // "yes", "no" or ""
	Missing []string
	Public  bool
}

// series works out an indicator's points: computed from the register or regional data, or its
// typed-in values; and what is missing, in words.
func (s *Server) series(ctx context.Context, p *page, ind *utsyn.Indicator) ([]utsyn.Point, []string, error) {
	var computed []utsyn.Point
	var missing []string
	for _, m := range ind.Missing() {
		missing = append(missing, p.T("followup.missing."+m))
	}
	if ind.Source != utsyn.SourceManual {
		var err error
		if computed, err = s.db.ComputeIndicator(ctx, ind, s.today().Year); err != nil {
			return nil, nil, err
		}
		if len(computed) == 0 {
			missing = append(missing, p.T("followup.missing.data_"+ind.Source))
		}
		for _, pt := range computed {
			if m := missingWords(p, pt.Missing); m != "" && !slices.Contains(missing, m) {
				missing = append(missing, m)
			}
		}
	}
	return ind.Series(computed), missing, nil
}

// missingWords says what a point lacks: "rate:EUR:2024" is "the exchange rate for EUR in 2024".
func missingWords(p *page, m string) string {
	if parts := strings.Split(m, ":"); len(parts) == 3 && parts[0] == "rate" {
		return p.T("followup.missing.rate", "currency", parts[1], "year", parts[2])
	}
	return m
}

// Unit is an indicator's unit in the page's language.
func (p *page) unitOf(ind *utsyn.Indicator) string { return p.S(ind.Unit) }

// figure shows a value with the indicator's unit.
func (p *page) figure(ind *utsyn.Indicator, v float64) string {
	var s string
	if v == float64(int64(v)) {
		s = i18n.FormatInt(p.Lang, int64(v))
	} else {
		s = i18n.FormatDecimal(p.Lang, v, 2)
	}
	if u := p.unitOf(ind); u != "" {
		if u == "%" {
			return s + " %"
		}
		return s + " " + u
	}
	return s
}

func (s *Server) indicatorRow(ctx context.Context, p *page, ind *utsyn.Indicator) (indicatorRow, error) {
	points, missing, err := s.series(ctx, p, ind)
	if err != nil {
		return indicatorRow{}, err
	}
	row := indicatorRow{ID: ind.ID, Name: ind.Name, Href: indicatorBase(p) + "/" + strconv.FormatInt(ind.ID, 10),
		Source: p.T("followup.source." + ind.Source), Missing: missing, Public: ind.Public}
	for i := len(points) - 1; i >= 0; i-- {
		pt := points[i]
		if pt.Value == nil {
			continue
		}
		row.Latest = p.T("followup.value_in", "value", p.figure(ind, *pt.Value), "period", pt.Period)
		if pt.Target != nil {
			row.Target = p.figure(ind, *pt.Target)
			row.Met = "no"
			if ind.Met(*pt.Value, *pt.Target) {
				row.Met = "yes"
			}
		}
		break
	}
	if row.Target == "" { // the next target ahead, if any
		for _, pt := range points {
			if pt.Target != nil && pt.Value == nil {
				row.Target = p.T("followup.value_in", "value", p.figure(ind, *pt.Target), "period", pt.Period)
				break
			}
		}
	}
	return row, nil
}

type indicatorGroup struct {
	Element string
	Href    string
	Table   indicatorTable
}

// indicatorTable is a table of indicators, with the page to speak.
type indicatorTable struct {
	P       *page
	Caption string
	Rows    []indicatorRow
}

type indicatorListPage struct {
	*page
	Base    string
	Groups  []indicatorGroup
	CanEdit bool
	Notice  string
}

func (s *Server) indicatorList(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	inds, err := s.db.ListIndicators(ctx, store.IndicatorFilter{OrgID: p.Org.ID})
	if err != nil {
		return err
	}
	lp := &indicatorListPage{page: p, Base: indicatorBase(p), CanEdit: p.CanEdit(), Notice: noticeOf(r, p)}
	names, err := s.elementNames(ctx, p)
	if err != nil {
		return err
	}
	for _, ind := range inds {
		row, err := s.indicatorRow(ctx, p, ind)
		if err != nil {
			return err
		}
		if n := len(lp.Groups); n == 0 || lp.Groups[n-1].Element != names[ind.ElementID] {
			lp.Groups = append(lp.Groups, indicatorGroup{Element: names[ind.ElementID], Href: itemBase(p, store.Item{Kind: store.ItemElement, ID: ind.ElementID}),
				Table: indicatorTable{P: p, Caption: p.T("followup.indicators.caption", "name", names[ind.ElementID])}})
		}
		g := &lp.Groups[len(lp.Groups)-1]
		g.Table.Rows = append(g.Table.Rows, row)
	}
	lp.Title = p.T("followup.indicators.title")
	lp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"}, {Label: lp.Title}}
	s.render(w, r, "followup-indicators", http.StatusOK, lp)
	return nil
}

// elementNames names every element of the organisation's strategies that are not archived:
// "P3 Tiltak som fører til …", for choices and headings; in the strategies' tree order.
func (s *Server) elementNames(ctx context.Context, p *page) (map[int64]string, error) {
	names := map[int64]string{}
	choices, err := s.elementChoiceList(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, c := range choices {
		id, _ := strconv.ParseInt(c.Value, 10, 64)
		names[id] = c.Label
	}
	return names, nil
}

func (s *Server) elementChoiceList(ctx context.Context, p *page) ([]choice, error) {
	sts, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: p.Org.ID})
	if err != nil {
		return nil, err
	}
	var out []choice
	for _, st := range sts {
		if st.Status == utsyn.StatusArchived {
			continue
		}
		tree, err := s.db.FindTree(ctx, st)
		if err != nil {
			return nil, err
		}
		for _, e := range tree.Elements {
			out = append(out, choice{Value: strconv.FormatInt(e.ID, 10), Label: strings.TrimSpace(e.Code + " " + short(p.S(e.Title), 80))})
		}
	}
	return out, nil
}

type indicatorPage struct {
	*page
	Base      string
	Ind       *utsyn.Indicator
	Element   string
	ElemHref  string
	Facts     []deleteFact
	Query     []string
	Points    []pointView
	Missing   []string
	History   []valueView
	CanEdit   bool
	Manual    bool
	Notice    string
	HasTarget bool
}

type pointView struct {
	Period    string
	Value     string
	Target    string
	Example   bool
	Met       string
	Missing   string
	Revisions int
	ReviseRef string
}

type valueView struct {
	Period, Value, Comment, Author, At string
	Current, Revision                  bool
}

func (s *Server) findIndicatorOf(r *http.Request, p *page) (*utsyn.Indicator, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.db.FindIndicator(r.Context(), p.Org.ID, id)
}

// queryWords says in words what a computed indicator counts or sums.
func queryWords(p *page, ind *utsyn.Indicator, element string) []string {
	q := ind.Query
	if ind.Source == utsyn.SourceManual {
		return nil
	}
	list := func(prefix string, values []string) string {
		var out []string
		for _, v := range values {
			out = append(out, strings.ToLower(p.tOr(prefix+v, v)))
		}
		return strings.Join(out, ", ")
	}
	out := []string{p.T("followup.measure." + q.Measure)}
	if len(q.Kinds) > 0 {
		out = append(out, p.T("followup.query.kinds", "list", list("work.kind.", q.Kinds)))
	}
	if len(q.Statuses) > 0 {
		out = append(out, p.T("followup.query.statuses", "list", list("work.status.", q.Statuses)))
	}
	if len(q.MoneyKinds) > 0 {
		out = append(out, p.T("followup.query.money_kinds", "list", list("followup.money_kind.", q.MoneyKinds)))
	}
	if ind.Source == utsyn.SourceRegister {
		if q.OwnOnly {
			out = append(out, p.T("followup.query.element_own", "element", element))
		} else {
			out = append(out, p.T("followup.query.element", "element", element))
		}
		if q.Measure == utsyn.MeasureMoney {
			out = append(out, p.T("followup.query.currency", "currency", cmpOrStr(q.Currency, "NOK")))
		}
	}
	if ind.Source == utsyn.SourceRegional {
		out = append(out, p.T("followup.query.county", "county", q.County))
		if len(q.Programmes) > 0 {
			out = append(out, p.T("followup.query.programmes", "list", strings.Join(q.Programmes, ", ")))
		}
	}
	switch {
	case q.From != 0 && q.To != 0:
		out = append(out, p.T("followup.query.years", "from", q.From, "to", q.To))
	case q.From != 0:
		out = append(out, p.T("followup.query.from", "from", q.From))
	}
	return out
}

func cmpOrStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) indicator(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	ind, err := s.findIndicatorOf(r, p)
	if err != nil {
		return err
	}
	names, err := s.elementNames(ctx, p)
	if err != nil {
		return err
	}
	points, missing, err := s.series(ctx, p, ind)
	if err != nil {
		return err
	}
	base := indicatorBase(p) + "/" + strconv.FormatInt(ind.ID, 10)
	ip := &indicatorPage{page: p, Base: base, Ind: ind, Element: names[ind.ElementID], ElemHref: itemBase(p, store.Item{Kind: store.ItemElement, ID: ind.ElementID}),
		Missing: missing, CanEdit: p.CanEdit(), Manual: ind.Source == utsyn.SourceManual, Notice: noticeOf(r, p)}
	unit := p.unitOf(ind)
	if unit == "" {
		unit = p.T("followup.missing.unit")
	}
	ip.Facts = []deleteFact{
		{Label: p.T("followup.field.unit"), Plain: unit},
		{Label: p.T("followup.field.direction"), Plain: p.T("followup.direction." + ind.Direction)},
		{Label: p.T("followup.field.source"), Plain: p.T("followup.source." + ind.Source)},
		{Label: p.T("followup.field.visibility"), Plain: p.T(map[bool]string{true: "followup.public", false: "followup.internal"}[ind.Public])},
	}
	if ind.Baseline != nil {
		ip.Facts = append(ip.Facts, deleteFact{Label: p.T("followup.field.baseline"),
			Plain: p.T("followup.value_in", "value", p.figure(ind, *ind.Baseline), "period", ind.BaselinePeriod)})
	}
	ip.Query = queryWords(p, ind, ip.Element)
	for _, pt := range points {
		v := pointView{Period: pt.Period, Example: pt.Example, Missing: missingWords(p, pt.Missing), Revisions: pt.Revisions}
		if pt.Value != nil {
			v.Value = p.figure(ind, *pt.Value)
		}
		if pt.Target != nil {
			ip.HasTarget = true
			v.Target = p.figure(ind, *pt.Target)
			if pt.Value != nil {
				v.Met = map[bool]string{true: "yes", false: "no"}[ind.Met(*pt.Value, *pt.Target)]
			}
		}
		if ip.Manual && pt.Value != nil {
			v.ReviseRef = base + "/verdi?periode=" + pt.Period
		}
		ip.Points = append(ip.Points, v)
	}
	for i := len(ind.Values) - 1; i >= 0; i-- {
		v := ind.Values[i]
		ip.History = append(ip.History, valueView{Period: v.Period, Value: p.figure(ind, v.Value), Comment: v.Comment, Author: v.AuthorLabel,
			At: p.When(v.CreatedAt), Current: v.Current, Revision: v.ReplacesID != 0})
	}
	ip.Title = p.S(ind.Name)
	ip.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: p.T("followup.indicators.title"), Href: indicatorBase(p) + "/"}, {Label: short(ip.Title, 60)}}
	s.render(w, r, "followup-indicator", http.StatusOK, ip)
	return nil
}

// The indicator form (editors).

var indicatorFields = []string{"version", "element", "name_nb", "name_en", "description_nb", "description_en", "unit_nb", "unit_en",
	"direction", "baseline", "baseline_period", "targets", "source", "measure", "currency", "county", "programmes", "from", "to"}

var indicatorMulti = []string{"targets_example", "public", "kinds", "statuses", "money_kinds", "own_only"}

var indicatorAliases = map[string]string{"element_id": "element"}

func indicatorValues(ind *utsyn.Indicator) *eform {
	f := newEform(indicatorFields, indicatorMulti...)
	f.Values["version"] = strconv.Itoa(ind.Version)
	f.Values["element"] = strconv.FormatInt(ind.ElementID, 10)
	f.setText("name", ind.Name)
	f.setText("description", ind.Description)
	f.setText("unit", ind.Unit)
	f.Values["direction"], f.Values["source"] = ind.Direction, ind.Source
	if ind.Baseline != nil {
		f.Values["baseline"] = strconv.FormatFloat(*ind.Baseline, 'f', -1, 64)
	}
	f.Values["baseline_period"] = ind.BaselinePeriod
	var lines []string
	example := false
	for _, t := range ind.Targets {
		lines = append(lines, t.Period+": "+strconv.FormatFloat(t.Value, 'f', -1, 64))
		example = example || t.Example
	}
	f.Values["targets"] = strings.Join(lines, "\n")
	if example {
		f.Multi["targets_example"] = []string{"1"}
	}
	if ind.Public {
		f.Multi["public"] = []string{"1"}
	}
	q := ind.Query
	f.Values["measure"], f.Values["currency"], f.Values["county"] = q.Measure, q.Currency, q.County
	f.Values["programmes"] = strings.Join(q.Programmes, ", ")
	if q.From != 0 {
		f.Values["from"] = strconv.Itoa(q.From)
	}
	if q.To != 0 {
		f.Values["to"] = strconv.Itoa(q.To)
	}
	f.Multi["kinds"], f.Multi["statuses"], f.Multi["money_kinds"] = q.Kinds, q.Statuses, q.MoneyKinds
	if q.OwnOnly {
		f.Multi["own_only"] = []string{"1"}
	}
	return f
}

func (f *eform) year(p *page, name string) int {
	if f.Get(name) == "" {
		return 0
	}
	y, err := strconv.Atoi(f.Get(name))
	if err != nil {
		f.Fail(name, p.T("error.year"))
	}
	return y
}

func (f *eform) checked(name string) bool { return len(f.Multi[name]) > 0 }

func indicatorFrom(p *page, f *eform) *utsyn.Indicator {
	ind := &utsyn.Indicator{ElementID: f.id(p, "element"), Name: f.text("name"), Description: f.text("description"), Unit: f.text("unit"),
		Direction: f.Get("direction"), Baseline: f.number(p, "baseline", false), BaselinePeriod: f.Get("baseline_period"),
		Source: f.Get("source"), Public: f.checked("public")}
	example := f.checked("targets_example")
	for i, line := range textLines(f.Get("targets")) {
		if line == "" {
			continue
		}
		period, value, ok := strings.Cut(line, ":")
		v, err := parseNumber(value)
		if !ok || err != nil {
			f.Fail("targets", p.T("followup.error.target_line", "line", i+1))
			continue
		}
		ind.Targets = append(ind.Targets, utsyn.Target{Period: strings.TrimSpace(period), Value: v, Example: example})
	}
	var programmes []string
	for _, s := range strings.Split(f.Get("programmes"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			programmes = append(programmes, s)
		}
	}
	ind.Query = utsyn.IndicatorQuery{Measure: f.Get("measure"), Kinds: f.Multi["kinds"], Statuses: f.Multi["statuses"],
		MoneyKinds: f.Multi["money_kinds"], Currency: f.Get("currency"), OwnOnly: f.checked("own_only"), County: f.Get("county"),
		Programmes: programmes, From: f.year(p, "from"), To: f.year(p, "to")}
	if ind.Source != utsyn.SourceRegister {
		ind.Query.Kinds, ind.Query.Statuses, ind.Query.MoneyKinds, ind.Query.Currency, ind.Query.OwnOnly = nil, nil, nil, "", false
	}
	if ind.Source != utsyn.SourceRegional {
		ind.Query.County, ind.Query.Programmes = "", nil
	}
	return ind
}

func (s *Server) indicatorEditor(ctx context.Context, p *page, ind *utsyn.Indicator, f *eform) (*editorPage, error) {
	elements, err := s.elementChoiceList(ctx, p)
	if err != nil {
		return nil, err
	}
	ep := &editorPage{page: p, Form: f, Eyebrow: p.T("followup.indicators.title"), Submit: p.T("editor.save")}
	b := &formBuilder{p: p, f: f}
	b.formSection("om", "followup.indicator.about")
	b.choose("element", "followup.field.element", "followup.hint.element", elements)
	b.pair("name", "followup.field.name", "", 0)
	b.pair("description", "followup.field.description", "", 2)
	b.pair("unit", "followup.field.unit", "followup.hint.unit", 0)
	b.choose("direction", "followup.field.direction", "", []choice{
		{Value: utsyn.DirectionHigher, Label: p.T("followup.direction.higher")}, {Value: utsyn.DirectionLower, Label: p.T("followup.direction.lower")}})
	b.input("baseline", "followup.field.baseline", "followup.hint.baseline", "input-short")
	b.input("baseline_period", "followup.field.baseline_period", "followup.hint.period", "input-short")
	b.add(fieldSpec{Name: "targets", Label: p.T("followup.field.targets"), Hint: p.T("followup.hint.targets"), Type: "textarea", Rows: 4})
	b.checks("targets_example", "followup.field.targets_example", "", "", []choice{{Value: "1", Label: p.T("followup.targets_example")}})
	b.checks("public", "followup.field.visibility", "followup.hint.public", "", []choice{{Value: "1", Label: p.T("followup.public_choice")}})

	b.formSection("kilde", "followup.indicator.source")
	var sources []choice
	for _, src := range utsyn.IndicatorSources {
		sources = append(sources, choice{Value: src, Label: p.T("followup.source." + src)})
	}
	b.choose("source", "followup.field.source", "followup.hint.source", sources)
	measures := []choice{{Value: "", Label: p.T("followup.measure.none")}}
	for _, src := range []string{utsyn.SourceRegister, utsyn.SourceRegional} {
		for _, m := range utsyn.MeasuresOf(src) {
			measures = append(measures, choice{Value: m, Label: p.T("followup.source."+src) + ": " + p.T("followup.measure."+m)})
		}
	}
	b.choose("measure", "followup.field.measure", "followup.hint.measure", measures)
	var kinds, statuses, money []choice
	for _, k := range utsyn.EngagementKinds {
		kinds = append(kinds, choice{Value: k, Label: p.tOr("work.kind."+k, k)})
	}
	for _, st := range utsyn.EngagementStatuses {
		statuses = append(statuses, choice{Value: st, Label: p.tOr("work.status."+st, st) + " (" + st + ")"})
	}
	for _, k := range utsyn.MoneyKinds {
		money = append(money, choice{Value: k, Label: p.T("followup.money_kind." + k)})
	}
	b.checks("kinds", "followup.field.kinds", "followup.hint.all", "", kinds)
	b.checks("statuses", "followup.field.statuses", "followup.hint.all", "", statuses)
	b.checks("own_only", "followup.field.own_only", "", "", []choice{{Value: "1", Label: p.T("followup.own_only")}})
	b.checks("money_kinds", "followup.field.money_kinds", "followup.hint.all", "", money)
	b.choose("currency", "followup.field.currency", "", []choice{{Value: "", Label: "NOK"}, {Value: "EUR", Label: "EUR"}})
	b.input("county", "followup.field.county", "followup.hint.county", "input-short")
	b.input("programmes", "followup.field.programmes", "followup.hint.programmes", "")
	b.input("from", "followup.field.from", "followup.hint.years", "input-short")
	b.input("to", "followup.field.to", "", "input-short")
	if ind == nil {
		ep.Heading, ep.Action, ep.Submit, ep.Cancel = p.T("followup.indicator.new"), indicatorBase(p)+"/ny", p.T("followup.indicator.create"), indicatorBase(p)+"/"
	} else {
		base := indicatorBase(p) + "/" + strconv.FormatInt(ind.ID, 10)
		ep.Heading, ep.Action, ep.Cancel = p.T("followup.indicator.edit", "name", p.S(ind.Name)), base+"/rediger", base
		ep.Hidden = []hiddenField{{"version", f.Get("version")}}
	}
	ep.finish(b.secs)
	ep.Title = ep.Heading
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.title"), Href: followupBase(p) + "/"},
		{Label: p.T("followup.indicators.title"), Href: indicatorBase(p) + "/"}, {Label: ep.Heading}}
	return ep, nil
}

func (s *Server) newIndicator(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newEform(indicatorFields, indicatorMulti...)
	f.Values["direction"], f.Values["source"] = utsyn.DirectionHigher, utsyn.SourceManual
	f.Values["element"] = r.URL.Query().Get("element")
	ep, err := s.indicatorEditor(r.Context(), p, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) createIndicator(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEform(r, indicatorFields, indicatorMulti...)
	if err != nil {
		return err
	}
	ind := indicatorFrom(p, f)
	ind.OrgID = p.Org.ID
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddIndicator(ctx, ind) })
	if err == nil {
		return seeOther(w, r, indicatorBase(p)+"/"+strconv.FormatInt(ind.ID, 10)+"?opprettet=1")
	}
	if !f.failWith(p, err, indicatorAliases) {
		return err
	}
	ep, err := s.indicatorEditor(ctx, p, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusUnprocessableEntity, ep)
	return nil
}

func (s *Server) editIndicator(w http.ResponseWriter, r *http.Request, p *page) error {
	ind, err := s.findIndicatorOf(r, p)
	if err != nil {
		return err
	}
	ep, err := s.indicatorEditor(r.Context(), p, ind, indicatorValues(ind))
	if err != nil {
		return err
	}
	s.render(w, r, "editor-form", http.StatusOK, ep)
	return nil
}

func (s *Server) updateIndicator(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	ind, err := s.findIndicatorOf(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, indicatorFields, indicatorMulti...)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	in := indicatorFrom(p, f)
	in.ID, in.OrgID, in.Version = ind.ID, p.Org.ID, version
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateIndicator(ctx, in) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, indicatorBase(p)+"/"+strconv.FormatInt(ind.ID, 10)+"?lagret=1")
	case store.IsStale(err):
		if ind, err = s.findIndicatorOf(r, p); err != nil {
			return err
		}
		typed, err := s.indicatorEditor(ctx, p, ind, f)
		if err != nil {
			return err
		}
		stored, err := s.indicatorEditor(ctx, p, ind, indicatorValues(ind))
		if err != nil {
			return err
		}
		conflict = s.conflict(ctx, p, "indicator", ind.ID, typed.Sections, stored.Sections)
		f.Values["version"] = strconv.Itoa(ind.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, indicatorAliases):
		return err
	}
	ep, err := s.indicatorEditor(ctx, p, ind, f)
	if err != nil {
		return err
	}
	ep.Conflict = conflict
	s.render(w, r, "editor-form", status, ep)
	return nil
}

// Values of manual indicators (editors): a new value for a period, or a revision of the one in
// force, which needs a reason.

var valueFields = []string{"replaces", "period", "value", "comment"}

func (s *Server) valueEditor(p *page, ind *utsyn.Indicator, current *utsyn.Value, f *eform) *editorPage {
	base := indicatorBase(p) + "/" + strconv.FormatInt(ind.ID, 10)
	ep := &editorPage{page: p, Form: f, Eyebrow: p.S(ind.Name), Heading: p.T("followup.value.new"), Action: base + "/verdi",
		Submit: p.T("followup.value.save"), Cancel: base, Hidden: []hiddenField{{"replaces", f.Get("replaces")}}}
	b := &formBuilder{p: p, f: f}
	b.input("period", "followup.field.period", "followup.hint.period", "input-short")
	b.input("value", "followup.field.value", "followup.hint.value", "input-short")
	commentHint := "followup.hint.comment"
	if current != nil {
		ep.Heading = p.T("followup.value.revise", "period", current.Period)
		ep.Lead = p.T("followup.value.revise_lead", "value", p.figure(ind, current.Value), "who", current.AuthorLabel, "when", p.When(current.CreatedAt))
		commentHint = "followup.hint.reason"
	}
	b.add(fieldSpec{Name: "comment", Label: p.T("followup.field.comment"), Hint: p.T(commentHint), Type: "textarea", Rows: 3})
	ep.finish(b.secs)
	ep.Title = ep.Heading + " – " + p.S(ind.Name)
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("followup.indicators.title"), Href: indicatorBase(p) + "/"},
		{Label: short(p.S(ind.Name), 60), Href: base}, {Label: ep.Heading}}
	return ep
}

func currentValue(ind *utsyn.Indicator, period string) *utsyn.Value {
	for i := range ind.Values {
		if ind.Values[i].Current && ind.Values[i].Period == period {
			return &ind.Values[i]
		}
	}
	return nil
}

var errComputed = &utsyn.Error{Code: utsyn.EINVALID, Message: "error.computed_indicator"}

func (s *Server) valueForm(w http.ResponseWriter, r *http.Request, p *page) error {
	ind, err := s.findIndicatorOf(r, p)
	if err != nil {
		return err
	}
	if ind.Source != utsyn.SourceManual {
		return errComputed
	}
	f := newEform(valueFields)
	period := strings.TrimSpace(r.URL.Query().Get("periode"))
	f.Values["period"] = period
	cur := currentValue(ind, period)
	if cur != nil {
		f.Values["replaces"], f.Values["value"] = strconv.FormatInt(cur.ID, 10), strconv.FormatFloat(cur.Value, 'f', -1, 64)
	}
	s.render(w, r, "editor-form", http.StatusOK, s.valueEditor(p, ind, cur, f))
	return nil
}

func (s *Server) createValue(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	ind, err := s.findIndicatorOf(r, p)
	if err != nil {
		return err
	}
	if ind.Source != utsyn.SourceManual {
		return errComputed
	}
	f, err := readEform(r, valueFields)
	if err != nil {
		return err
	}
	v := &utsyn.Value{IndicatorID: ind.ID, Period: f.Get("period"), Comment: f.Get("comment"), ReplacesID: f.id(p, "replaces")}
	if n := f.number(p, "value", true); n != nil {
		v.Value = *n
	}
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.AddValue(ctx, p.Org.ID, v) })
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	switch {
	case err == nil:
		return seeOther(w, r, indicatorBase(p)+"/"+strconv.FormatInt(ind.ID, 10)+"?lagret=1#verdier")
	case store.IsStale(err):
		// A value for the period came, or was revised, since the form was read: show the one in
		// force now beside what was typed, and make this a revision of it.
		if ind, err = s.findIndicatorOf(r, p); err != nil {
			return err
		}
		cur := currentValue(ind, v.Period)
		stored := newEform(valueFields)
		stored.Values["period"] = v.Period
		if cur != nil {
			stored.Values["value"], stored.Values["comment"] = strconv.FormatFloat(cur.Value, 'f', -1, 64), cur.Comment
			f.Values["replaces"] = strconv.FormatInt(cur.ID, 10)
		} else {
			f.Values["replaces"] = ""
		}
		conflict = s.conflict(ctx, p, "indicator_value", 0, s.valueEditor(p, ind, cur, f).Sections, s.valueEditor(p, ind, cur, stored).Sections)
		if cur != nil {
			if events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "indicator_value", EntityID: cur.ID, Limit: 1}); err == nil && len(events) > 0 {
				conflict.By, conflict.At = events[0].ActorLabel, p.When(events[0].At)
			}
		}
		status = http.StatusConflict
		ep := s.valueEditor(p, ind, cur, f)
		ep.Conflict = conflict
		s.render(w, r, "editor-form", status, ep)
		return nil
	case !f.failWith(p, err, nil):
		return err
	}
	ep := s.valueEditor(p, ind, currentValue(ind, v.Period), f)
	s.render(w, r, "editor-form", status, ep)
	return nil
}
