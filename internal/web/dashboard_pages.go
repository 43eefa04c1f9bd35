package web

import (
	"cmp"
	"context"
	"errors"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/chart"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// The dashboard pages' figures: each builds its charts, readings and tables from the store's
// figures. See dashboard.go.

// Coverage

// coverageSeries are the coverage charts' series: active, planned and finished work.
func coverageSeries(p *dashPage) []chart.Series {
	return []chart.Series{{Name: p.T("dash.status.active"), Style: chart.Solid}, {Name: p.T("dash.status.planned"), Style: chart.Dotted},
		{Name: p.T("dash.status.finished"), Style: chart.Crossed}}
}

func coverageRow(p *dashPage, label string, sc store.StatusCounts) chart.BarRow {
	row := chart.BarRow{Label: label, Bars: []chart.Bar{{Segments: []chart.Segment{{Series: 0, Value: float64(sc.Active())},
		{Series: 1, Value: float64(sc.Planned())}, {Series: 2, Value: float64(sc.Finished())}},
		Text: p.T("dash.coverage.bar", "active", sc.Active(), "total", sc.Total())}}}
	if sc.Active() == 0 {
		row.Note = p.T("dash.coverage.no_active")
	}
	return row
}

func (d *dashboards) coveragePage(ctx context.Context, c *dashContext) error {
	p := c.p
	if c.noStrategy() {
		return nil
	}
	cov, err := d.store.Coverage(ctx, c.filter)
	if err != nil {
		return err
	}
	c.asOf(cov.AsOf)
	c.notes(false)
	t := c.tree
	if len(t.Elements) == 0 {
		p.Empty = p.T("dash.empty.no_elements")
		if p.CanEdit() {
			p.EmptyFix = []dashLink{{Label: p.T("dash.empty.add_elements"), Href: p.Href(p.Org.Slug, "strategi", t.Strategy.Slug, "element", "ny")}}
		}
		return nil
	}
	all := cov.All.Total()
	p.Facts = []dashFact{
		{Label: p.T("dash.fact.engagements"), Value: count(p.Lang, all), Href: c.register()},
		{Label: p.T("dash.fact.active"), Value: count(p.Lang, cov.All.Active())},
		{Label: p.T("dash.fact.unlinked"), Value: count(p.Lang, cov.Unlinked.Total())},
	}
	if all == 0 {
		c.emptySelection("dash.empty.coverage")
	}

	// What has no active work, in words: every element below the top, by level.
	var without []dashLink
	below := 0
	for _, e := range t.Elements {
		if e.ParentID == 0 {
			continue
		}
		below++
		if cov.Elements[e.ID].Active() == 0 {
			without = append(without, dashLink{Label: dashElementName(p.page, t, e), Href: c.register(regElement, itoa64(e.ID))})
		}
	}
	if len(without) > 0 {
		p.Alert = &dashAlert{Heading: p.T("dash.coverage.alert_title"), Text: p.T("dash.coverage.alert", "count", len(without), "total", below), Items: without}
	}

	// Small multiples: the levels above the grouping level, then each group with what is under it.
	groupLevel := store.GroupLevel(t)
	var panels [][]*utsyn.Element
	var upper []*utsyn.Element
	for _, e := range t.Elements {
		if groupLevel != nil && e.LevelID == groupLevel.ID {
			panels = append(panels, store.Subtree(t, e.ID))
		}
	}
	inPanel := map[int64]bool{}
	for _, pn := range panels {
		for _, e := range pn {
			inPanel[e.ID] = true
		}
	}
	for _, e := range t.Elements {
		if !inPanel[e.ID] {
			upper = append(upper, e)
		}
	}
	upperTitle := p.T("dash.coverage.upper", "level", c.groupLevelPlural())
	if len(upper) > 0 {
		panels = append([][]*utsyn.Element{upper}, panels...)
		for _, e := range upper {
			if l := t.Level(e.LevelID); l != nil && groupLevel != nil && l.Position >= groupLevel.Position {
				upperTitle = p.T("dash.coverage.rest") // elements below the level, but under none of its elements
			}
		}
	}
	var max float64
	for _, sc := range cov.Elements {
		max = float64(maxInt(int(max), sc.Total()))
	}
	fig := &dashFigure{ID: "coverage", Title: p.T("dash.coverage.figure", "level", c.groupLevelPlural()), Multiples: len(panels) > 1}
	if len(without) == 0 {
		fig.Reading = p.T("dash.coverage.reading_all", "total", below)
	} else {
		fig.Reading = p.T("dash.coverage.reading", "count", len(without), "total", below)
	}
	for i, pn := range panels {
		var rows []chart.BarRow
		for _, e := range pn {
			rows = append(rows, coverageRow(p, dashElementName(p.page, t, e), cov.Elements[e.ID]))
		}
		title := upperTitle
		if !(len(upper) > 0 && i == 0) {
			title = dashElementName(p.page, t, pn[0])
		}
		head := cov.Elements[pn[0].ID]
		desc := p.T("dash.coverage.panel", "name", title, "active", head.Active(), "planned", head.Planned(), "finished", head.Finished())
		fig.Charts = append(fig.Charts, chart.Bars{ID: "coverage-" + strconv.Itoa(i), Title: title, Desc: desc, Series: coverageSeries(p),
			Rows: rows, Max: max, Width: multipleWidth(len(panels))}.SVG())
	}

	// The table: every element, by status, each count leading to the register's list.
	var statuses []string
	for _, st := range utsyn.EngagementStatuses {
		if cov.All[st] > 0 {
			statuses = append(statuses, st)
		}
	}
	tb := &dashTable{Caption: p.T("dash.coverage.table")}
	tb.Head = append(tb.Head, dashCell{Text: p.T("dash.coverage.element")}, dashCell{Text: p.T("dash.coverage.active_sum"), Num: true})
	for _, st := range statuses {
		tb.Head = append(tb.Head, dashCell{Text: p.EStatusLabel(st), Num: true})
	}
	tb.Head = append(tb.Head, dashCell{Text: p.T("dash.total"), Num: true})
	depth := map[int64]int{}
	for _, e := range t.Elements {
		if e.ParentID != 0 {
			depth[e.ID] = depth[e.ParentID] + 1
		}
		sc := cov.Elements[e.ID]
		row := []dashCell{{Text: dashElementName(p.page, t, e), Header: true, Indent: min(depth[e.ID], 4)}}
		if sc.Active() == 0 {
			row[0].Flag = p.T("dash.coverage.no_active")
		}
		row = append(row, dashCell{Text: count(p.Lang, sc.Active()), Num: true})
		for _, st := range statuses {
			row = append(row, countCell(p.Lang, sc[st], c.register(regElement, itoa64(e.ID), regStatus, st)))
		}
		row = append(row, countCell(p.Lang, sc.Total(), c.register(regElement, itoa64(e.ID))))
		tb.Rows = append(tb.Rows, row)
	}
	foot := func(label string, sc store.StatusCounts, link bool) []dashCell {
		row := []dashCell{{Text: label, Header: true}, {Text: count(p.Lang, sc.Active()), Num: true}}
		for _, st := range statuses {
			href := ""
			if link {
				href = c.register(regStatus, st)
			}
			row = append(row, countCell(p.Lang, sc[st], href))
		}
		href := ""
		if link {
			href = c.register()
		}
		return append(row, countCell(p.Lang, sc.Total(), href))
	}
	tb.Foot = [][]dashCell{foot(p.T("dash.group.none"), cov.Unlinked, false), foot(p.T("dash.coverage.all"), cov.All, true)}
	fig.Table = tb
	fig.Notes = []string{p.T("dash.coverage.note")}
	p.Figures = append(p.Figures, fig)
	return nil
}

// countCell is a count that leads to the records behind it; nothing leads from a zero.
func countCell(l i18n.Lang, n int, href string) dashCell {
	if n == 0 {
		href = ""
	}
	return dashCell{Text: count(l, n), Href: href, Num: true}
}

func maxInt(a, b int) int { return max(a, b) }

// yearSpan is a period in years, short: "2021–2024", "2021–", "–2024", "2022".
func yearSpan(from, to utsyn.Date) string {
	f, t := "", ""
	if !from.IsZero() {
		f = strconv.Itoa(from.Year)
	}
	if !to.IsZero() {
		t = strconv.Itoa(to.Year)
	}
	switch {
	case f == "" && t == "":
		return ""
	case f == t:
		return f
	}
	return f + "–" + t
}

// multipleWidth is the width of one of n small multiples: narrower side by side, the full width
// alone.
func multipleWidth(n int) float64 {
	if n > 1 {
		return 420
	}
	return 640
}

// noStrategy shows the empty state of an organisation without a strategy.
func (c *dashContext) noStrategy() bool {
	if c.tree != nil {
		return false
	}
	p := c.p
	p.Empty = p.T("dash.empty.no_strategy")
	if p.CanEdit() {
		p.EmptyFix = []dashLink{{Label: p.T("dash.empty.new_strategy"), Href: p.Href(p.Org.Slug, "strategi", "ny")}}
	}
	return true
}

// emptySelection shows the empty state of a filter that selects nothing.
func (c *dashContext) emptySelection(key string) {
	p := c.p
	period := c.periodWords()
	if period == "" {
		period = p.T("dash.empty.any_time")
	}
	p.Empty = p.T(key, "period", period)
	if p.Form.Filtered {
		p.EmptyFix = append(p.EmptyFix, dashLink{Label: p.T("dash.filter.clear"), Href: p.Form.Clear})
	}
	p.EmptyFix = append(p.EmptyFix, dashLink{Label: p.T("dash.empty.register"), Href: c.register()})
}

// Money

func moneySeries(p *dashPage) []chart.Series {
	return []chart.Series{{Name: p.T("money.kind.own_cash"), Style: chart.Solid}, {Name: p.T("money.kind.own_hours"), Style: chart.Dotted},
		{Name: p.T("dash.money.external"), Style: chart.Hatched}}
}

// moneyBars are a year's (or a group's) two bars: the own contribution, cash and hours, and the
// external funding; each ends in its figure, and the euros without a rate are named beside it.
func moneyBars(p *dashPage, label string, m store.MoneyYear) chart.BarRow {
	cash, cashEUR := m.Kind(utsyn.MoneyOwnCash)
	hours, hoursEUR := m.Kind(utsyn.MoneyOwnHours)
	ext, extEUR := m.Kind(utsyn.MoneyExternalGrant)
	own := compactKroner(p.Lang, cash+hours)
	if cashEUR+hoursEUR > 0 {
		own += " + " + p.T("dash.money.unconverted", "amount", compactMoney(p.Lang, float64(cashEUR+hoursEUR)/100, "EUR"))
	}
	external := compactKroner(p.Lang, ext)
	if extEUR > 0 {
		external += " + " + p.T("dash.money.unconverted", "amount", compactMoney(p.Lang, float64(extEUR)/100, "EUR"))
	}
	row := chart.BarRow{Label: label, Bars: []chart.Bar{
		{Segments: []chart.Segment{{Series: 0, Value: float64(cash)}, {Series: 1, Value: float64(hours)}}, Text: p.T("dash.money.own_short") + " " + own},
		{Segments: []chart.Segment{{Series: 2, Value: float64(ext)}}, Text: p.T("dash.money.external_short") + " " + external},
	}}
	if r, ok := m.Ratio(); ok && m.ExternalNOK() > 0 {
		row.Note = p.T("dash.money.ratio_short", "ratio", i18n.FormatDecimal(p.Lang, r, 1))
	}
	return row
}

func ratioText(p *dashPage, m store.MoneyYear) string {
	if r, ok := m.Ratio(); ok {
		return i18n.FormatDecimal(p.Lang, r, 1)
	}
	if !m.Complete() {
		return p.T("dash.money.no_rate")
	}
	return "–"
}

// moneyReading says how the external funding compares with the own contribution in the last
// year where it can be told, or why it cannot.
func moneyReading(c *dashContext, mf *store.MoneyFigures, g *store.MoneyGroup, name string) string {
	p := c.p
	for i := len(mf.Years) - 1; i >= 0; i-- {
		y := mf.Years[i]
		m := g.Years[y]
		if m == nil {
			continue
		}
		if r, ok := m.Ratio(); ok && m.ExternalNOK() > 0 {
			key := "dash.money.reading"
			if name != "" {
				key = "dash.money.reading_group"
			}
			return p.T(key, "ratio", i18n.FormatDecimal(p.Lang, r, 1), "year", strconv.Itoa(y), "name", name, "external", kroner(p.Lang, m.ExternalNOK()),
				"own", kroner(p.Lang, m.OwnNOK()))
		}
	}
	switch {
	case g.Sum.ExternalNOK() == 0 && g.Sum.Missing[2] == 0:
		return p.T("dash.money.reading_no_external", "own", kroner(p.Lang, g.Sum.OwnNOK()))
	case g.Sum.OwnNOK() == 0:
		return p.T("dash.money.reading_no_own", "external", kroner(p.Lang, g.Sum.ExternalNOK()))
	}
	return p.T("dash.money.reading_no_rate", "years", yearList(p.page, mf.MissingRates["EUR"]))
}

func (d *dashboards) moneyPage(ctx context.Context, c *dashContext) error {
	p := c.p
	mf, err := d.store.Money(ctx, c.filter)
	if err != nil {
		return err
	}
	c.asOf(mf.AsOf)
	c.notes(true)
	if len(mf.Years) == 0 {
		c.emptySelection("dash.empty.money")
		return nil
	}
	if ys := mf.MissingRates["EUR"]; len(ys) > 0 {
		p.Alert = &dashAlert{Heading: p.T("dash.money.rates_title"), Text: p.T("dash.money.rates", "years", yearList(p.page, ys))}
		if p.CanAdmin() {
			p.Alert.Items = []dashLink{{Label: p.T("dash.money.rates_fix"), Href: p.Href(p.Org.Slug, "admin", "valutakurser")}}
		}
	}
	sum := mf.Total.Sum
	p.Facts = []dashFact{
		{Label: p.T("dash.money.own"), Value: kroner(p.Lang, sum.OwnNOK())},
		{Label: p.T("dash.money.external"), Value: kroner(p.Lang, sum.ExternalNOK())},
		{Label: p.T("dash.money.ratio"), Value: ratioText(p, sum)},
		{Label: p.T("dash.money.engagements"), Value: count(p.Lang, mf.Total.Engagements)},
	}
	if sum.Missing[2] > 0 {
		p.Facts[1].Note = p.T("dash.money.unconverted", "amount", euros(p.Lang, sum.Missing[2]))
	}
	tick := func(v float64) string { return compactKroner(p.Lang, int64(v)) }

	// Per year.
	var rows []chart.BarRow
	for _, y := range mf.Years {
		rows = append(rows, moneyBars(p, strconv.Itoa(y), *mf.Total.Years[y]))
	}
	byYear := &dashFigure{ID: "money-years", Title: p.T("dash.money.by_year"), Reading: moneyReading(c, mf, &mf.Total, "")}
	byYear.Charts = []template.HTML{chart.Bars{ID: "money-years-chart", Title: byYear.Title, Desc: byYear.Reading, Series: moneySeries(p),
		Rows: rows, Tick: tick}.SVG()}
	byYear.Table = c.moneyTable(p.T("dash.money.by_year_table"), p.T("dash.money.year"), mf.Years, func(y int) (string, string, *store.MoneyYear, int) {
		return strconv.Itoa(y), c.register(regYear, strconv.Itoa(y)), mf.Total.Years[y], -1
	}, &mf.Total.Sum)
	byYear.Notes = []string{p.T("dash.money.note_kinds")}
	p.Figures = append(p.Figures, byYear)

	// Per group of the strategy.
	if c.tree != nil && len(mf.Groups) > 0 {
		var groups []int64
		for _, e := range c.groupElements() {
			if mf.Groups[e.ID] != nil {
				groups = append(groups, e.ID)
			}
		}
		for _, g := range []int64{store.GroupAbove, store.GroupNone} {
			if mf.Groups[g] != nil {
				groups = append(groups, g)
			}
		}
		var rows []chart.BarRow
		for _, g := range groups {
			rows = append(rows, moneyBars(p, c.groupName(g), mf.Groups[g].Sum))
		}
		best, bestExt := int64(0), int64(-1)
		for _, g := range groups {
			if ext := mf.Groups[g].Sum.ExternalNOK(); ext > bestExt {
				best, bestExt = g, ext
			}
		}
		byGroup := &dashFigure{ID: "money-groups", Title: p.T("dash.money.by_group", "level", c.groupLevelPlural())}
		byGroup.Reading = p.T("dash.money.reading_most", "name", c.groupName(best), "external", kroner(p.Lang, bestExt), "ratio", ratioText(p, mf.Groups[best].Sum))
		byGroup.Charts = []template.HTML{chart.Bars{ID: "money-groups-chart", Title: byGroup.Title, Desc: byGroup.Reading, Series: moneySeries(p),
			Rows: rows, Tick: tick}.SVG()}
		var keys []int
		for i := range groups {
			keys = append(keys, i)
		}
		byGroup.Table = c.moneyTable(p.T("dash.money.by_group_table", "level", c.groupLevelPlural()), p.T("dash.money.group"), keys,
			func(i int) (string, string, *store.MoneyYear, int) {
				g := groups[i]
				href := ""
				if g > 0 {
					href = c.register(regElement, itoa64(g))
				}
				return c.groupName(g), href, &mf.Groups[g].Sum, mf.Groups[g].Engagements
			}, &mf.Total.Sum)
		byGroup.Notes = []string{p.T("dash.money.note_groups")}
		p.Figures = append(p.Figures, byGroup)

		// Small multiples: each group, year by year, on one scale; the last years of the
		// selection, so that the page stays small.
		years := mf.Years[max(0, len(mf.Years)-multipleYears):]
		panels := &dashFigure{ID: "money-multiples", Title: p.T("dash.money.multiples", "level", c.groupLevelPlural()), Multiples: true,
			Reading: p.T("dash.money.multiples_reading")}
		if len(years) < len(mf.Years) {
			panels.Reading += " " + p.T("dash.money.multiples_years", "from", strconv.Itoa(years[0]), "to", strconv.Itoa(years[len(years)-1]))
		}
		var all [][]chart.BarRow
		yearsOf := make([][]int, len(groups))
		for i, g := range groups {
			var rs []chart.BarRow
			for _, y := range years {
				if m := mf.Groups[g].Years[y]; m != nil {
					rs = append(rs, moneyBars(p, strconv.Itoa(y), *m))
					yearsOf[i] = append(yearsOf[i], y)
				}
			}
			all = append(all, rs)
		}
		max := chart.MaxBar(all...)
		for i, g := range groups {
			name := c.groupName(g)
			panels.Charts = append(panels.Charts, chart.Bars{ID: "money-multiple-" + strconv.Itoa(i), Title: name,
				Desc: moneyReading(c, mf, mf.Groups[g], name), Series: moneySeries(p), Rows: all[i], Max: max, Tick: tick, Width: multipleWidth(len(groups)),
				Bare: i > 0}.SVG())
			panels.Tables = append(panels.Tables, c.moneyTableOf(name, p.T("dash.money.year"), yearsOf[i], func(y int) (string, string, *store.MoneyYear, int) {
				href := ""
				if g > 0 {
					href = c.register(regElement, itoa64(g), regYear, strconv.Itoa(y))
				}
				return strconv.Itoa(y), href, mf.Groups[g].Years[y], -1
			}, nil, false))
		}
		panels.More = p.T("dash.money.multiples_tables")
		p.Figures = append(p.Figures, panels)
	}
	return nil
}

// moneyTable lays out money rows: own funds, own hours, the own contribution, external funding,
// the ratio, the euros not converted, fees and co-financing; with engagements counted when
// engagements is not negative.
func (c *dashContext) moneyTable(caption, first string, keys []int, row func(int) (label, href string, m *store.MoneyYear, engagements int), total *store.MoneyYear) *dashTable {
	return c.moneyTableOf(caption, first, keys, row, total, true)
}

// moneyTableOf is moneyTable with every column (full), or only the own contribution, the
// external funding, the ratio and the euros not converted.
func (c *dashContext) moneyTableOf(caption, first string, keys []int, row func(int) (label, href string, m *store.MoneyYear, engagements int), total *store.MoneyYear, full bool) *dashTable {
	p := c.p
	tb := &dashTable{Caption: caption}
	withCount := false
	for _, k := range keys {
		if _, _, _, n := row(k); n >= 0 {
			withCount = true
		}
	}
	tb.Head = []dashCell{{Text: first}}
	if withCount {
		tb.Head = append(tb.Head, dashCell{Text: p.T("dash.money.engagements"), Num: true})
	}
	heads := []string{"money.kind.own_cash", "dash.money.hours", "money.kind.own_hours", "dash.money.own", "dash.money.external",
		"dash.money.ratio", "dash.money.unconverted_head", "money.kind.membership_fee", "money.kind.co_financing"}
	if !full {
		heads = []string{"dash.money.own", "dash.money.external", "dash.money.ratio", "dash.money.unconverted_head"}
	}
	for _, h := range heads {
		tb.Head = append(tb.Head, dashCell{Text: p.T(h), Num: true})
	}
	cells := func(m *store.MoneyYear) []dashCell {
		cash, _ := m.Kind(utsyn.MoneyOwnCash)
		hours, _ := m.Kind(utsyn.MoneyOwnHours)
		ext, _ := m.Kind(utsyn.MoneyExternalGrant)
		fee, _ := m.Kind(utsyn.MoneyMembershipFee)
		co, _ := m.Kind(utsyn.MoneyCoFinancing)
		var missing int64
		for _, v := range m.Missing {
			missing += v
		}
		un := "–"
		if missing > 0 {
			un = euros(p.Lang, missing)
		}
		if !full {
			return []dashCell{{Text: kroner(p.Lang, cash+hours), Num: true}, {Text: kroner(p.Lang, ext), Num: true},
				{Text: ratioText(p, *m), Num: true}, {Text: un, Num: true}}
		}
		return []dashCell{{Text: kroner(p.Lang, cash), Num: true}, {Text: i18n.FormatDecimal(p.Lang, m.Hours, 0), Num: true},
			{Text: kroner(p.Lang, hours), Num: true}, {Text: kroner(p.Lang, cash+hours), Num: true}, {Text: kroner(p.Lang, ext), Num: true},
			{Text: ratioText(p, *m), Num: true}, {Text: un, Num: true}, {Text: kroner(p.Lang, fee), Num: true}, {Text: kroner(p.Lang, co), Num: true}}
	}
	for _, k := range keys {
		label, href, m, n := row(k)
		r := []dashCell{{Text: label, Href: href, Header: true}}
		if withCount {
			r = append(r, dashCell{Text: count(p.Lang, n), Num: true})
		}
		tb.Rows = append(tb.Rows, append(r, cells(m)...))
	}
	if total != nil {
		r := []dashCell{{Text: p.T("dash.total"), Header: true}}
		if withCount {
			r = append(r, dashCell{Text: "", Num: true})
		}
		tb.Foot = [][]dashCell{append(r, cells(total)...)}
	}
	return tb
}

// Timeline

// timelineLimit is how many engagements a group of the timeline shows; multipleYears how many
// years the money's small multiples show.
const (
	timelineLimit = 10
	multipleYears = 5
	dueListLimit  = 25 // rows of each list of what is due
	placeActors   = 12 // actors named in a county's row
)

func timelineSeries(p *dashPage) []chart.Series {
	return []chart.Series{{Name: p.T("dash.status.active"), Style: chart.Solid}, {Name: p.T("dash.status.planned"), Style: chart.Dotted},
		{Name: p.T("dash.status.finished"), Style: chart.Crossed}, {Name: p.EStatusLabel(utsyn.StatusRejected), Style: chart.Plain}}
}

func statusSeries(status string) int {
	switch {
	case store.ActiveStatus(status):
		return 0
	case store.PlannedStatus(status):
		return 1
	case store.FinishedStatus(status):
		return 2
	}
	return 3
}

func (d *dashboards) timelinePage(ctx context.Context, c *dashContext) error {
	p := c.p
	byKind := c.q.Group == "type"
	if !byKind && c.noStrategy() {
		return nil
	}
	// Without years chosen: from four years back to two ahead.
	this := c.today.Year()
	if c.filter.From == 0 && c.filter.To == 0 {
		c.filter.From, c.filter.To = this-4, this+2
		p.Facts = append(p.Facts, dashFact{Label: p.T("dash.timeline.window"), Value: c.periodWords()})
	} else if c.filter.From == 0 {
		c.filter.From = min(c.filter.To, max(c.first, c.filter.To-10))
	} else if c.filter.To == 0 {
		c.filter.To = max(c.filter.From, min(c.last, c.filter.From+10))
	}
	// About sixty bars on a page at most: ten a group, fewer when there are many groups.
	groups := len(utsyn.EngagementKinds)
	if !byKind {
		groups = len(c.groupElements()) + 2
	}
	tl, err := d.store.Timeline(ctx, c.filter, byKind, max(5, min(timelineLimit, 60/max(groups, 1))))
	if err != nil {
		return err
	}
	c.asOf(tl.AsOf)
	c.notes(false)
	if len(tl.Groups) == 0 {
		c.emptySelection("dash.empty.timeline")
		return nil
	}
	var ids []int64
	for _, g := range tl.Groups {
		for _, it := range g.Items {
			ids = append(ids, it.ID)
		}
	}
	names, err := d.s.db.EngagementNames(ctx, p.Org.ID, ids)
	if err != nil {
		return err
	}
	today := fraction(dateOf(c.today), false)
	for i, g := range tl.Groups {
		name, href := p.KindLabel(g.Kind), c.register(regKind, g.Kind)
		if !byKind {
			name = c.groupName(g.ElementID)
			href = ""
			if g.ElementID > 0 {
				href = c.register(regElement, itoa64(g.ElementID))
			}
		}
		fig := &dashFigure{ID: "timeline-" + strconv.Itoa(i), Title: name}
		fig.Reading = p.T("dash.timeline.reading", "count", g.Count, "name", name, "period", c.periodWords())
		if len(g.Items) < g.Count {
			fig.Reading += " " + p.T("dash.timeline.shown", "shown", len(g.Items))
		}
		var items []chart.TimelineItem
		tb := &dashTable{Caption: p.T("dash.timeline.table", "name", name)}
		tb.Head = []dashCell{{Text: p.T("dash.timeline.engagement")}, {Text: p.T("register.field.kind")}, {Text: p.T("register.field.status")},
			{Text: p.T("dash.timeline.start")}, {Text: p.T("dash.timeline.end")}}
		for _, it := range g.Items {
			n := names[it.ID]
			label := p.S(n.Title)
			if n.Acronym != "" && !strings.Contains(label, n.Acronym) {
				label = n.Acronym + " – " + label
			}
			period := yearSpan(it.Start, it.End) // the table has the dates in full
			if period == "" {
				period = p.T("dash.timeline.no_dates")
			}
			items = append(items, chart.TimelineItem{Label: label + " (" + period + ")", Start: fraction(it.Start, false), End: fraction(it.End, true),
				Series: statusSeries(it.Status)})
			end := p.Date(it.End)
			if end == "" {
				end = p.T("dash.timeline.open")
			}
			tb.Rows = append(tb.Rows, []dashCell{{Text: label, Href: c.engagementHref(it.ID), Header: true}, {Text: p.KindLabel(it.Kind)},
				{Tag: p.EStatusTag(it.Status)}, {Text: p.Date(it.Start)}, {Text: end}})
			if byKind { // the group says the kind
				tb.Rows[len(tb.Rows)-1] = slices.Delete(tb.Rows[len(tb.Rows)-1], 1, 2)
			}
		}
		if byKind {
			tb.Head = slices.Delete(tb.Head, 1, 2)
		}
		if len(g.Items) < g.Count && href != "" {
			tb.Foot = [][]dashCell{append([]dashCell{{Text: p.T("dash.timeline.all", "count", g.Count), Href: href, Header: true}}, make([]dashCell, len(tb.Head)-1)...)}
		}
		fig.Charts = []template.HTML{chart.Timeline{ID: fig.ID + "-chart", Title: name, Desc: fig.Reading, From: c.filter.From, To: c.filter.To,
			Today: today, TodayLabel: p.T("dash.today"), Series: timelineSeries(p), Items: items}.SVG()}
		fig.Table = tb
		p.Figures = append(p.Figures, fig)
	}
	return nil
}

// Partners

// countyNames are the counties of 2024, and the counties of 2020–2023 that cannot be placed in
// one of them.
var countyNames = map[string]string{
	"03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland", "31": "Østfold", "32": "Akershus", "33": "Buskerud",
	"34": "Innlandet", "39": "Vestfold", "40": "Telemark", "42": "Agder", "46": "Vestland", "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
	"30": "Viken", "38": "Vestfold og Telemark", "54": "Troms og Finnmark", "NO082": "Viken", "NO091": "Vestfold og Telemark", "NO074": "Troms og Finnmark",
}

func (d *dashboards) partnersPage(ctx context.Context, c *dashContext) error {
	p := c.p
	pf, err := d.store.Partners(ctx, c.filter)
	if err != nil {
		return err
	}
	c.asOf(pf.AsOf)
	c.notes(false)
	which := c.q.Map
	if which != "verden" && which != "norge" {
		which = "europa"
	}
	v := c.q.values()
	for _, m := range []string{"europa", "verden", "norge"} {
		v.Set(dMap, m)
		p.SubTabs = append(p.SubTabs, dashLink{Label: p.T("dash.partners.map_" + m), Href: c.base + "/partnere?" + v.Encode(), Current: m == which})
	}
	p.Facts = []dashFact{
		{Label: p.T("dash.partners.partners"), Value: count(p.Lang, pf.Partners)},
		{Label: p.T("dash.partners.countries"), Value: count(p.Lang, len(pf.Countries))},
		{Label: p.T("dash.partners.engagements"), Value: count(p.Lang, pf.Engagements)},
	}
	if pf.Partners == 0 {
		c.emptySelection("dash.empty.partners")
		return nil
	}
	if which == "norge" {
		return c.countyMap(pf)
	}
	name := chart.Europe
	if which == "verden" {
		name = chart.World
	}
	values, names := map[string]int{}, map[string]string{}
	for code, pc := range pf.Countries {
		values[code] = pc.Partners
		names[code] = p.CountryName(code)
	}
	for _, id := range chart.Regions(name) {
		if names[id] == "" {
			names[id] = p.CountryName(id)
		}
	}
	codes := sortedKeys(pf.Countries)
	slices.SortStableFunc(codes, func(a, b string) int {
		return cmp.Or(-cmp.Compare(pf.Countries[a].Partners, pf.Countries[b].Partners), strings.Compare(names[a], names[b]))
	})
	var top []string
	for _, code := range codes[:min(3, len(codes))] {
		top = append(top, p.T("dash.partners.place", "name", names[code], "count", pf.Countries[code].Partners))
	}
	fig := &dashFigure{ID: "partners-" + which, Title: p.T("dash.partners.map_title_" + which),
		Reading: p.T("dash.partners.reading", "places", listWords(p.page, top), "countries", len(codes)), Credit: p.T("dash.partners.credit_world")}
	svg, err := chart.Choropleth{ID: fig.ID + "-map", Title: fig.Title, Desc: fig.Reading, Map: name, Values: values, Names: names,
		NoneLabel: p.T("dash.partners.none"), Numbers: name == chart.Europe,
		Label: func(n int) string { return p.T("dash.partners.count", "count", n) }}.SVG()
	if err != nil {
		return err
	}
	fig.Charts = []template.HTML{svg}
	tb := &dashTable{Caption: p.T("dash.partners.table_countries")}
	tb.Head = []dashCell{{Text: p.T("dash.partners.country")}, {Text: p.T("dash.partners.partners"), Num: true}, {Text: p.T("dash.partners.engagements"), Num: true}}
	for _, code := range codes {
		pc := pf.Countries[code]
		row := []dashCell{{Text: names[code], Header: true}, {Text: count(p.Lang, pc.Partners), Num: true},
			countCell(p.Lang, pc.Engagements, c.register(regCountry, code))}
		if !chart.HasRegion(name, code) {
			row[0].Flag = p.T("dash.partners.not_on_map")
		}
		tb.Rows = append(tb.Rows, row)
	}
	fig.Table = tb
	fig.Notes = []string{p.T("dash.partners.note")}
	p.Figures = append(p.Figures, fig)
	return nil
}

// countyMap draws the Norwegian partners by county, with those that cannot be placed in one.
func (c *dashContext) countyMap(pf *store.PartnerFigures) error {
	p := c.p
	values, names := map[string]int{}, map[string]string{}
	for _, county := range store.Counties2024 {
		names[county] = countyNames[county]
		if pc := pf.Counties[county]; pc != nil {
			values[county] = pc.Partners
		}
	}
	counties := sortedKeys(pf.Counties)
	slices.SortStableFunc(counties, func(a, b string) int {
		return cmp.Or(-cmp.Compare(pf.Counties[a].Partners, pf.Counties[b].Partners), strings.Compare(names[a], names[b]))
	})
	var top []string
	for _, code := range counties[:min(3, len(counties))] {
		top = append(top, p.T("dash.partners.place", "name", names[code], "count", pf.Counties[code].Partners))
	}
	unplaced := 0
	for _, pc := range pf.Unplaced {
		unplaced += pc.Partners
	}
	fig := &dashFigure{ID: "partners-norge", Title: p.T("dash.partners.map_title_norge"), Credit: p.T("dash.partners.credit_norway")}
	switch {
	case len(counties) == 0:
		fig.Reading = p.T("dash.partners.reading_no_county", "unplaced", unplaced)
	default:
		fig.Reading = p.T("dash.partners.reading_counties", "places", listWords(p.page, top), "counties", len(counties))
		if unplaced > 0 {
			fig.Reading += " " + p.T("dash.partners.reading_unplaced", "count", unplaced)
		}
	}
	svg, err := chart.Choropleth{ID: "partners-norge-map", Title: fig.Title, Desc: fig.Reading, Map: chart.Norway, Values: values, Names: names,
		NoneLabel: p.T("dash.partners.none"), Numbers: true, Width: 440, Label: func(n int) string { return p.T("dash.partners.count", "count", n) }}.SVG()
	if err != nil {
		return err
	}
	fig.Charts = []template.HTML{svg}
	tb := &dashTable{Caption: p.T("dash.partners.table_counties")}
	tb.Head = []dashCell{{Text: p.T("dash.partners.county")}, {Text: p.T("dash.partners.partners"), Num: true},
		{Text: p.T("dash.partners.engagements"), Num: true}, {Text: p.T("dash.partners.who")}}
	actorLinks := func(pc *store.PlaceCount) []dashLink {
		var out []dashLink
		for _, a := range pc.Actors[:min(len(pc.Actors), placeActors)] {
			out = append(out, dashLink{Label: a.Name, Href: p.Href(p.Org.Slug, "aktorer", itoa64(a.ID))})
		}
		if more := len(pc.Actors) - placeActors; more > 0 {
			out = append(out, dashLink{Label: p.T("dash.partners.more", "count", more)})
		}
		return out
	}
	for _, code := range counties {
		pc := pf.Counties[code]
		tb.Rows = append(tb.Rows, []dashCell{{Text: names[code], Header: true}, {Text: count(p.Lang, pc.Partners), Num: true},
			{Text: count(p.Lang, pc.Engagements), Num: true}, {List: actorLinks(pc)}})
	}
	for _, region := range sortedKeys(pf.Unplaced) {
		pc := pf.Unplaced[region]
		label := p.T("dash.partners.no_region")
		switch {
		case countyNames[region] != "":
			label = p.T("dash.partners.old_county", "name", countyNames[region], "code", region)
		case region != "":
			label = p.T("dash.partners.unknown_region", "code", region)
		}
		tb.Rows = append(tb.Rows, []dashCell{{Text: label, Header: true, Flag: p.T("dash.partners.not_on_map")}, {Text: count(p.Lang, pc.Partners), Num: true},
			{Text: count(p.Lang, pc.Engagements), Num: true}, {List: actorLinks(pc)}})
	}
	fig.Table = tb
	fig.Notes = []string{p.T("dash.partners.note_counties"), p.T("dash.partners.note_norway_link", "count", pf.Countries["NO"].Engagements)}
	if no := pf.Countries["NO"]; no != nil {
		fig.Notes[1] = p.T("dash.partners.note_norway_link", "count", no.Engagements)
		p.Facts = append(p.Facts, dashFact{Label: p.T("dash.partners.norwegian"), Value: count(p.Lang, no.Partners), Href: c.register(regCountry, "NO")})
	} else {
		fig.Notes = fig.Notes[:1]
	}
	p.Figures = append(p.Figures, fig)
	return nil
}

// What is due

func (d *dashboards) duePage(ctx context.Context, c *dashContext) error {
	p := c.p
	today := dateOf(c.today)
	horizon := utsyn.AddMonths(today, dueMonths)
	df, err := d.store.Due(ctx, c.filter, today, horizon)
	if err != nil {
		return err
	}
	c.asOf(df.AsOf)
	if c.filter.Unit != "" {
		p.Notes = append(p.Notes, p.T("dash.note.unit_due"))
	}
	total := len(df.Renewals) + len(df.Reviews) + len(df.Milestones) + len(df.Updates)
	p.Facts = []dashFact{
		{Label: p.T("dash.due.renewals"), Value: count(p.Lang, len(df.Renewals))},
		{Label: p.T("dash.due.reviews"), Value: count(p.Lang, len(df.Reviews))},
		{Label: p.T("dash.due.milestones"), Value: count(p.Lang, len(df.Milestones))},
		{Label: p.T("dash.due.updates"), Value: count(p.Lang, len(df.Updates))},
	}
	if total == 0 {
		p.Empty = p.T("dash.empty.due", "months", dueMonths)
		return nil
	}

	// A chart of when: what has passed, then month by month to the horizon.
	type bucket struct{ renewals, reviews, milestones int }
	months := map[string]*bucket{}
	key := func(d utsyn.Date, passed bool) string {
		if passed || d.IsZero() {
			return ""
		}
		return strconv.Itoa(d.Year*100 + int(d.Month))
	}
	at := func(k string) *bucket {
		if months[k] == nil {
			months[k] = &bucket{}
		}
		return months[k]
	}
	for _, r := range df.Renewals {
		at(key(r.Date, r.Passed)).renewals++
	}
	for _, r := range df.Reviews {
		at(key(r.Due, r.Passed)).reviews++
	}
	for _, m := range df.Milestones {
		at(key(m.Due, m.Late)).milestones++
	}
	series := []chart.Series{{Name: p.T("dash.due.renewals"), Style: chart.Solid}, {Name: p.T("dash.due.reviews"), Style: chart.Dotted},
		{Name: p.T("dash.due.milestones"), Style: chart.Hatched}}
	var rows []chart.BarRow
	tb := &dashTable{Caption: p.T("dash.due.when_table"), Head: []dashCell{{Text: p.T("dash.due.month")}, {Text: p.T("dash.due.renewals"), Num: true},
		{Text: p.T("dash.due.reviews"), Num: true}, {Text: p.T("dash.due.milestones"), Num: true}, {Text: p.T("dash.total"), Num: true}}}
	var keys []string
	if months[""] != nil {
		keys = append(keys, "")
	}
	for m := (utsyn.Date{Year: today.Year, Month: today.Month}); !utsyn.Before(horizon, m); m = utsyn.AddMonths(utsyn.Date{Year: m.Year, Month: m.Month, Day: 1}, 1) {
		m.Day = 0
		keys = append(keys, key(m, false))
	}
	for _, k := range keys {
		b := months[k]
		if b == nil {
			b = &bucket{}
		}
		label := p.T("dash.due.passed")
		if k != "" {
			n, _ := strconv.Atoi(k)
			label = i18n.FormatMonth(p.Lang, n/100, time.Month(n%100))
		}
		n := b.renewals + b.reviews + b.milestones
		rows = append(rows, chart.BarRow{Label: label, Bars: []chart.Bar{{Segments: []chart.Segment{{Series: 0, Value: float64(b.renewals)},
			{Series: 1, Value: float64(b.reviews)}, {Series: 2, Value: float64(b.milestones)}}, Text: count(p.Lang, n)}}})
		tb.Rows = append(tb.Rows, []dashCell{{Text: label, Header: true}, {Text: count(p.Lang, b.renewals), Num: true},
			{Text: count(p.Lang, b.reviews), Num: true}, {Text: count(p.Lang, b.milestones), Num: true}, {Text: count(p.Lang, n), Num: true}})
	}
	passed := 0
	if b := months[""]; b != nil {
		passed = b.renewals + b.reviews + b.milestones
	}
	when := &dashFigure{ID: "due-when", Title: p.T("dash.due.when"), Reading: p.T("dash.due.reading", "count", total-len(df.Updates),
		"passed", passed, "months", dueMonths)}
	when.Charts = []template.HTML{chart.Bars{ID: "due-when-chart", Title: when.Title, Desc: when.Reading, Series: series, Rows: rows}.SVG()}
	when.Table = tb
	p.Figures = append(p.Figures, when)

	// The lists show their first dueListLimit rows, the earliest; the names of only those are read.
	shown := func(n int) int { return min(n, dueListLimit) }
	counts := map[string]int{"renewals": len(df.Renewals), "reviews": len(df.Reviews), "milestones": len(df.Milestones), "updates": len(df.Updates)}
	df.Renewals, df.Reviews = df.Renewals[:shown(len(df.Renewals))], df.Reviews[:shown(len(df.Reviews))]
	df.Milestones, df.Updates = df.Milestones[:shown(len(df.Milestones))], df.Updates[:shown(len(df.Updates))]
	var ids []int64
	for _, r := range df.Renewals {
		ids = append(ids, r.EngagementID)
	}
	for _, r := range df.Reviews {
		ids = append(ids, r.EngagementID)
	}
	for _, m := range df.Milestones {
		if m.EngagementID != 0 {
			ids = append(ids, m.EngagementID)
		}
	}
	for _, u := range df.Updates {
		if u.EngagementID != 0 {
			ids = append(ids, u.EngagementID)
		}
	}
	names, err := d.s.db.EngagementNames(ctx, p.Org.ID, ids)
	if err != nil {
		return err
	}
	name := func(id int64) (string, string) {
		n := names[id]
		label := p.S(n.Title)
		if n.Acronym != "" && !strings.Contains(label, n.Acronym) {
			label = n.Acronym + " – " + label
		}
		return label, c.engagementHref(id)
	}
	passedFlag := func(passed bool, key string) string {
		if passed {
			return p.T(key)
		}
		return ""
	}
	list := func(id, title string, all int, head []string, rows [][]dashCell) {
		if len(rows) == 0 {
			return
		}
		tb := &dashTable{Caption: title, CaptionHidden: true}
		for _, h := range head {
			tb.Head = append(tb.Head, dashCell{Text: h})
		}
		tb.Rows = rows
		fig := &dashFigure{ID: id, Title: title, Table: tb}
		if all > len(rows) {
			fig.Reading = p.T("dash.due.shown", "shown", len(rows), "count", all)
		}
		p.Figures = append(p.Figures, fig)
	}
	var rs [][]dashCell
	for _, r := range df.Renewals {
		label, href := name(r.EngagementID)
		rs = append(rs, []dashCell{{Text: p.Date(r.Date), Header: true, Flag: passedFlag(r.Passed, "dash.due.flag_passed")}, {Text: label, Href: href},
			{Text: p.KindLabel(r.Kind)}, {Tag: p.EStatusTag(r.Status)}})
	}
	list("due-renewals", p.T("dash.due.renewals_title"), counts["renewals"], []string{p.T("dash.due.date"), p.T("dash.timeline.engagement"), p.T("register.field.kind"),
		p.T("register.field.status")}, rs)
	rs = nil
	for _, r := range df.Reviews {
		label, href := name(r.EngagementID)
		due := p.Date(r.Due)
		if due == "" {
			due = p.T("dash.due.now")
		}
		last := p.Date(r.Last)
		if last == "" {
			last = p.T("dash.due.never_reviewed")
		}
		rs = append(rs, []dashCell{{Text: due, Header: true, Flag: passedFlag(r.Passed, "dash.due.flag_passed")}, {Text: label, Href: href},
			{Text: last}, {Tag: p.EStatusTag(r.Status)}})
	}
	list("due-reviews", p.T("dash.due.reviews_title", "years", store.ReviewInterval), counts["reviews"], []string{p.T("dash.due.date"), p.T("dash.due.membership"),
		p.T("dash.due.last_review"), p.T("register.field.status")}, rs)
	rs = nil
	for _, m := range df.Milestones {
		item, href := c.itemLink(names, m.EngagementID, m.ElementID)
		rs = append(rs, []dashCell{{Text: p.Date(m.Due), Header: true, Flag: passedFlag(m.Late, "dash.due.flag_late")}, {Text: m.Title},
			{Text: item, Href: href}})
	}
	list("due-milestones", p.T("dash.due.milestones_title"), counts["milestones"], []string{p.T("dash.due.date"), p.T("dash.due.milestone"), p.T("dash.due.item")}, rs)
	rs = nil
	for _, u := range df.Updates {
		item, _ := c.itemLink(names, u.EngagementID, u.ElementID)
		due := p.Date(u.Due)
		if due == "" {
			due = p.T("dash.due.now")
		}
		last := p.Date(u.Last)
		if last == "" {
			last = p.T("dash.due.never_updated")
		}
		rs = append(rs, []dashCell{{Text: due, Header: true, Flag: p.T("dash.due.flag_overdue")}, {Text: item, Href: c.followHref(u.EngagementID, u.ElementID)},
			{Text: p.tOr("followup.cadence."+u.Cadence, u.Cadence)}, {Text: last}})
	}
	list("due-updates", p.T("dash.due.updates_title"), counts["updates"], []string{p.T("dash.due.date"), p.T("dash.due.item"), p.T("dash.due.cadence"),
		p.T("dash.due.last_update")}, rs)
	return nil
}

// itemLink names an engagement (leading to its page) or an element of the strategy (leading to
// its follow-up).
func (c *dashContext) itemLink(names map[int64]store.EngagementName, engagementID, elementID int64) (string, string) {
	p := c.p
	if engagementID != 0 {
		n := names[engagementID]
		label := p.S(n.Title)
		if n.Acronym != "" && !strings.Contains(label, n.Acronym) {
			label = n.Acronym + " – " + label
		}
		return label, c.engagementHref(engagementID)
	}
	if e := findElement(c.tree, elementID); e != nil {
		return dashElementName(p.page, c.tree, e), c.followHref(0, elementID)
	}
	return strconv.FormatInt(elementID, 10), c.followHref(0, elementID)
}

// followHref is an engagement's or element's follow-up page.
func (c *dashContext) followHref(engagementID, elementID int64) string {
	if engagementID != 0 {
		return c.p.Href(c.p.Org.Slug, "oppfolging", "engasjement", itoa64(engagementID))
	}
	return c.p.Href(c.p.Org.Slug, "oppfolging", "element", itoa64(elementID))
}

// What lags

func followSeries(p *dashPage) []chart.Series {
	return []chart.Series{{Name: p.T("followup.status.on_track"), Style: chart.Striped}, {Name: p.T("followup.status.at_risk"), Style: chart.Hatched},
		{Name: p.T("followup.status.off_track"), Style: chart.Alarm}, {Name: p.T("followup.status.done"), Style: chart.Crossed},
		{Name: p.T("followup.status.none"), Style: chart.Plain}}
}

var followOrder = []string{utsyn.FollowOnTrack, utsyn.FollowAtRisk, utsyn.FollowOffTrack, utsyn.FollowDone, ""}

func (d *dashboards) lagsPage(ctx context.Context, c *dashContext) error {
	p := c.p
	lf, err := d.store.Lags(ctx, c.filter)
	if err != nil {
		return err
	}
	c.asOf(lf.AsOf)
	var elementIDs []int64
	if c.tree != nil {
		for _, e := range c.tree.Elements {
			elementIDs = append(elementIDs, e.ID)
		}
	}
	behind, err := d.s.db.IndicatorsBehind(ctx, p.Org.ID, elementIDs, c.today.Year())
	if err != nil {
		return err
	}
	var ids []int64
	for _, it := range lf.Items {
		if it.EngagementID != 0 {
			ids = append(ids, it.EngagementID)
		}
	}
	names, err := d.s.db.EngagementNames(ctx, p.Org.ID, ids)
	if err != nil {
		return err
	}
	off, risk := 0, 0
	for _, it := range lf.Items {
		if it.Status == utsyn.FollowOffTrack {
			off++
		} else {
			risk++
		}
	}
	p.Facts = []dashFact{
		{Label: p.T("followup.status.off_track"), Value: count(p.Lang, off)},
		{Label: p.T("followup.status.at_risk"), Value: count(p.Lang, risk)},
		{Label: p.T("dash.lags.indicators"), Value: count(p.Lang, len(behind))},
	}

	// The latest statuses of the active work under each group.
	if len(lf.Mix) > 0 {
		var groups []int64
		for _, e := range c.groupElements() {
			if lf.Mix[e.ID] != nil {
				groups = append(groups, e.ID)
			}
		}
		for _, g := range []int64{store.GroupAbove, store.GroupNone} {
			if lf.Mix[g] != nil {
				groups = append(groups, g)
			}
		}
		fig := &dashFigure{ID: "lags-mix", Title: p.T("dash.lags.mix", "level", c.groupLevelPlural())}
		var rows []chart.BarRow
		tb := &dashTable{Caption: p.T("dash.lags.mix_table")}
		tb.Head = []dashCell{{Text: p.T("dash.money.group")}}
		for _, st := range followOrder {
			key := "followup.status." + st
			if st == "" {
				key = "followup.status.none"
			}
			tb.Head = append(tb.Head, dashCell{Text: p.T(key), Num: true})
		}
		tb.Head = append(tb.Head, dashCell{Text: p.T("dash.total"), Num: true})
		worst, worstShare := int64(0), -1.0
		for _, g := range groups {
			mix := lf.Mix[g]
			var segs []chart.Segment
			row := []dashCell{{Text: c.groupName(g), Header: true}}
			total := 0
			for i, st := range followOrder {
				segs = append(segs, chart.Segment{Series: i, Value: float64(mix[st])})
				row = append(row, dashCell{Text: count(p.Lang, mix[st]), Num: true})
				total += mix[st]
			}
			row = append(row, dashCell{Text: count(p.Lang, total), Num: true})
			tb.Rows = append(tb.Rows, row)
			bad := mix[utsyn.FollowOffTrack] + mix[utsyn.FollowAtRisk]
			rows = append(rows, chart.BarRow{Label: c.groupName(g), Bars: []chart.Bar{{Segments: segs,
				Text: p.T("dash.lags.bar", "bad", bad, "total", total)}}})
			if share := float64(bad) / float64(max(total, 1)); bad > 0 && share > worstShare {
				worst, worstShare = g, share
			}
		}
		if worstShare < 0 {
			fig.Reading = p.T("dash.lags.reading_none")
		} else {
			mix := lf.Mix[worst]
			fig.Reading = p.T("dash.lags.reading", "name", c.groupName(worst), "bad", mix[utsyn.FollowOffTrack]+mix[utsyn.FollowAtRisk],
				"total", mix.Total())
		}
		fig.Charts = []template.HTML{chart.Bars{ID: "lags-mix-chart", Title: fig.Title, Desc: fig.Reading, Series: followSeries(p), Rows: rows}.SVG()}
		fig.Table = tb
		fig.Notes = []string{p.T("dash.lags.mix_note")}
		p.Figures = append(p.Figures, fig)
	}

	if len(lf.Items) > 0 {
		tb := &dashTable{Caption: p.T("dash.lags.items"), Head: []dashCell{{Text: p.T("register.field.status")}, {Text: p.T("dash.due.item")},
			{Text: p.T("dash.lags.updated")}}}
		for _, it := range lf.Items {
			item, _ := c.itemLink(names, it.EngagementID, it.ElementID)
			tb.Rows = append(tb.Rows, []dashCell{{Tag: p.FollowTag(it.Status), Header: true}, {Text: item, Href: c.followHref(it.EngagementID, it.ElementID)},
				{Text: p.Date(it.Date)}})
		}
		tb.CaptionHidden = true
		p.Figures = append(p.Figures, &dashFigure{ID: "lags-items", Title: p.T("dash.lags.items"), Table: tb})
	}

	if len(behind) > 0 {
		fig := &dashFigure{ID: "lags-indicators", Title: p.T("dash.lags.indicators"), Multiples: len(behind) > 1,
			Reading: p.T("dash.lags.indicators_reading", "count", len(behind))}
		tb := &dashTable{Caption: p.T("dash.lags.indicators_table"), Head: []dashCell{{Text: p.T("dash.lags.indicator")}, {Text: p.T("dash.coverage.element")},
			{Text: p.T("dash.lags.period")}, {Text: p.T("dash.lags.value"), Num: true}, {Text: p.T("dash.lags.target"), Num: true}}}
		series := []chart.Series{{Name: p.T("dash.lags.value"), Style: chart.Hatched}, {Name: p.T("dash.lags.target"), Style: chart.Crossed}}
		for i, b := range behind {
			unit := p.S(b.Indicator.Unit)
			value, target := *b.Point.Value, *b.Point.Target
			v, tg := i18n.FormatDecimal(p.Lang, value, indicatorDecimals(value)), i18n.FormatDecimal(p.Lang, target, indicatorDecimals(target))
			if unit != "" {
				v, tg = v+" "+unit, tg+" "+unit
			}
			name := p.S(b.Indicator.Name)
			el := ""
			if e := findElement(c.tree, b.Indicator.ElementID); e != nil {
				el = dashElementName(p.page, c.tree, e)
			}
			desc := p.T("dash.lags.indicator_reading", "name", name, "value", v, "target", tg, "period", b.Point.Period)
			fig.Charts = append(fig.Charts, chart.Bars{ID: "lags-indicator-" + strconv.Itoa(i), Title: name, Desc: desc, Series: series, Width: multipleWidth(len(behind)),
				Rows: []chart.BarRow{{Label: b.Point.Period, Bars: []chart.Bar{{Segments: []chart.Segment{{Series: 0, Value: value}}, Text: v},
					{Segments: []chart.Segment{{Series: 1, Value: target}}, Text: tg}}}}}.SVG())
			tb.Rows = append(tb.Rows, []dashCell{{Text: name, Href: p.Href(p.Org.Slug, "oppfolging", "indikatorer", itoa64(b.Indicator.ID)), Header: true},
				{Text: el}, {Text: b.Point.Period}, {Text: v, Num: true}, {Text: tg, Num: true}})
		}
		fig.Table = tb
		p.Figures = append(p.Figures, fig)
	}
	if len(p.Figures) == 0 || len(lf.Items) == 0 && len(behind) == 0 && len(lf.Mix) == 0 {
		p.Empty = p.T("dash.empty.lags")
	}
	return nil
}

func indicatorDecimals(f float64) int {
	if f == float64(int64(f)) {
		return 0
	}
	return 1
}

// Overview

func (d *dashboards) overviewPage(ctx context.Context, c *dashContext) error {
	p := c.p
	// The five figures side by side: each reads the same snapshot, and the page waits for the
	// slowest rather than for their sum.
	var (
		cov  *store.Coverage
		mf   *store.MoneyFigures
		pf   *store.PartnerFigures
		df   *store.DueFigures
		lf   *store.LagFigures
		wg   sync.WaitGroup
		errs [5]error
	)
	today := dateOf(c.today)
	for i, work := range []func() error{
		func() (err error) { cov, err = d.store.Coverage(ctx, c.filter); return err },
		func() (err error) { mf, err = d.store.Money(ctx, c.filter); return err },
		func() (err error) { pf, err = d.store.Partners(ctx, c.filter); return err },
		func() (err error) {
			df, err = d.store.Due(ctx, c.filter, today, utsyn.AddMonths(today, dueMonths))
			return err
		},
		func() (err error) { lf, err = d.store.Lags(ctx, c.filter); return err },
	} {
		wg.Go(func() { errs[i] = work() })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	c.asOf(cov.AsOf)
	href := func(view string) string {
		h := c.base + "/" + pathOf(view)
		if qs := c.q.values().Encode(); qs != "" {
			h += "?" + qs
		}
		return h
	}
	without, below := 0, 0
	if c.tree != nil {
		for _, e := range c.tree.Elements {
			if e.ParentID != 0 {
				below++
				if cov.Elements[e.ID].Active() == 0 {
					without++
				}
			}
		}
	}
	ratio := p.T("dash.money.no_ratio")
	for i := len(mf.Years) - 1; i >= 0; i-- {
		if m := mf.Total.Years[mf.Years[i]]; m != nil {
			if r, ok := m.Ratio(); ok && m.ExternalNOK() > 0 {
				ratio = p.T("dash.fact.ratio_value", "ratio", i18n.FormatDecimal(p.Lang, r, 1), "year", strconv.Itoa(mf.Years[i]))
				break
			}
		}
	}
	due := len(df.Renewals) + len(df.Reviews) + len(df.Milestones) + len(df.Updates)
	p.Facts = []dashFact{
		{Label: p.T("dash.fact.engagements"), Value: count(p.Lang, cov.All.Total()), Href: c.register()},
		{Label: p.T("dash.fact.active"), Value: count(p.Lang, cov.All.Active())},
		{Label: p.T("dash.fact.without_active"), Value: p.T("dash.fact.of", "count", without, "total", below), Href: href("coverage")},
		{Label: p.T("dash.fact.ratio"), Value: ratio, Href: href("money")},
		{Label: p.T("dash.partners.countries"), Value: count(p.Lang, len(pf.Countries)), Href: href("partners")},
		{Label: p.T("dash.fact.due", "months", dueMonths), Value: count(p.Lang, due), Href: href("due")},
		{Label: p.T("dash.fact.lagging"), Value: count(p.Lang, len(lf.Items)), Href: href("lags")},
	}
	if cov.All.Total() == 0 {
		c.emptySelection("dash.empty.coverage")
	}
	for _, v := range dashViews[1:] {
		p.Sections = append(p.Sections, dashLink{Label: p.T("dash." + v.view + ".title"), Href: href(v.view), Text: p.T("dash."+v.view+".lead", "months", dueMonths)})
	}
	// Two small charts: the coverage of the grouping level, and the money per year.
	if c.tree != nil && cov.All.Total() > 0 {
		var rows []chart.BarRow
		for _, e := range c.groupElements() {
			rows = append(rows, coverageRow(p, dashElementName(p.page, c.tree, e), cov.Elements[e.ID]))
		}
		if len(rows) > 0 {
			fig := &dashFigure{ID: "overview-coverage", Title: p.T("dash.coverage.figure", "level", c.groupLevelPlural())}
			n := 0
			for _, e := range c.groupElements() {
				if cov.Elements[e.ID].Active() == 0 {
					n++
				}
			}
			if n == 0 {
				fig.Reading = p.T("dash.coverage.reading_all", "total", len(rows))
			} else {
				fig.Reading = p.T("dash.coverage.reading", "count", n, "total", len(rows))
			}
			fig.Charts = []template.HTML{chart.Bars{ID: "overview-coverage-chart", Title: fig.Title, Desc: fig.Reading, Series: coverageSeries(p), Rows: rows}.SVG()}
			tb := &dashTable{Caption: fig.Title, Head: []dashCell{{Text: p.T("dash.coverage.element")}, {Text: p.T("dash.status.active"), Num: true},
				{Text: p.T("dash.status.planned"), Num: true}, {Text: p.T("dash.status.finished"), Num: true}, {Text: p.T("dash.total"), Num: true}}}
			for _, e := range c.groupElements() {
				sc := cov.Elements[e.ID]
				cell := dashCell{Text: dashElementName(p.page, c.tree, e), Header: true}
				if sc.Active() == 0 {
					cell.Flag = p.T("dash.coverage.no_active")
				}
				tb.Rows = append(tb.Rows, []dashCell{cell, {Text: count(p.Lang, sc.Active()), Num: true}, {Text: count(p.Lang, sc.Planned()), Num: true},
					{Text: count(p.Lang, sc.Finished()), Num: true}, countCell(p.Lang, sc.Total(), c.register(regElement, itoa64(e.ID)))})
			}
			fig.Table = tb
			p.Figures = append(p.Figures, fig)
		}
	}
	if len(mf.Years) > 0 {
		var rows []chart.BarRow
		for _, y := range mf.Years {
			rows = append(rows, moneyBars(p, strconv.Itoa(y), *mf.Total.Years[y]))
		}
		fig := &dashFigure{ID: "overview-money", Title: p.T("dash.money.by_year"), Reading: moneyReading(c, mf, &mf.Total, "")}
		fig.Charts = []template.HTML{chart.Bars{ID: "overview-money-chart", Title: fig.Title, Desc: fig.Reading, Series: moneySeries(p), Rows: rows,
			Tick: func(v float64) string { return compactKroner(p.Lang, int64(v)) }}.SVG()}
		fig.Table = c.moneyTable(p.T("dash.money.by_year_table"), p.T("dash.money.year"), mf.Years, func(y int) (string, string, *store.MoneyYear, int) {
			return strconv.Itoa(y), c.register(regYear, strconv.Itoa(y)), mf.Total.Years[y], -1
		}, &mf.Total.Sum)
		p.Figures = append(p.Figures, fig)
	}
	c.notes(true)
	return nil
}
