package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
)

// The dashboards' figures, worked out from an organisation's snapshot (dashboard.go). Each
// counts the engagements the filter selects; an engagement that serves several elements of the
// strategy counts once under each (as the register's list filtered by the element finds it),
// and once in a total.

// DashboardFilter selects the work figures are made of; zero fields select all.
type DashboardFilter struct {
	OrgID    int64
	Tree     *utsyn.Tree // the strategy whose elements group the figures; nil for none
	Linked   bool        // only work linked to an element of the strategy
	From, To int         // years, inclusive: engagements running in them, money lines of them
	Unit     string      // the responsible unit, as engagements name it
}

// The groups of figures grouped by a level of the strategy that are no element of it.
const (
	GroupAbove int64 = -1 // linked to the strategy, but only above the level
	GroupNone  int64 = 0  // linked to no element of the strategy
)

// ActiveStatus reports whether work of the status goes on: granted, running, active or under
// review. Coverage asks whether an element has any.
func ActiveStatus(status string) bool {
	switch status {
	case utsyn.StatusGranted, utsyn.StatusRunning, utsyn.StatusActive, utsyn.StatusUnderReview:
		return true
	}
	return false
}

// PlannedStatus reports whether work of the status is not yet decided: an idea or an
// application.
func PlannedStatus(status string) bool {
	return status == utsyn.StatusIdea || status == utsyn.StatusApplication
}

// FinishedStatus reports whether work of the status is over: completed or ended.
func FinishedStatus(status string) bool {
	return status == utsyn.StatusCompleted || status == utsyn.StatusEnded
}

// StatusCounts counts engagements by status.
type StatusCounts map[string]int

// Total is every engagement counted.
func (c StatusCounts) Total() int { return c.sum(func(string) bool { return true }) }

// Active counts the engagements whose work goes on.
func (c StatusCounts) Active() int { return c.sum(ActiveStatus) }

// Planned counts ideas and applications.
func (c StatusCounts) Planned() int { return c.sum(PlannedStatus) }

// Finished counts the completed and ended.
func (c StatusCounts) Finished() int { return c.sum(FinishedStatus) }

func (c StatusCounts) sum(is func(string) bool) int {
	n := 0
	for s, v := range c {
		if is(s) {
			n += v
		}
	}
	return n
}

// strategyIndex is a strategy's tree laid out for counting: each element's ancestors in the
// tree (itself first), and its group, the ancestor on the grouping level.
type strategyIndex struct {
	tree      *utsyn.Tree
	pos       map[int64]int // element id → position in tree.Elements
	ancestors [][]int       // by position: the positions of the element and those above it
	group     []int64       // by position: the element's group (an element id, or GroupAbove)
	// Per engagement of the snapshot it was made for (by index): the positions of the elements
	// of the strategy it is linked to, and the groups they lead to, each once (GroupNone when
	// none), in flat arrays: engagement i's are [off[i], off[i+1]).
	linkPos  []int32
	linkOff  []int32
	groupIDs []int64
	groupOff []int32
}

// GroupLevel is the level of a strategy that figures are grouped by: its priorities, or
// failing a level of that key, its second level (the first when it has one).
func GroupLevel(t *utsyn.Tree) *utsyn.Level {
	if t == nil || len(t.Strategy.Levels) == 0 {
		return nil
	}
	for i := range t.Strategy.Levels {
		if t.Strategy.Levels[i].Key == "priority" {
			return &t.Strategy.Levels[i]
		}
	}
	if len(t.Strategy.Levels) > 1 {
		return &t.Strategy.Levels[1]
	}
	return &t.Strategy.Levels[0]
}

func indexStrategy(t *utsyn.Tree) *strategyIndex {
	x := &strategyIndex{tree: t, pos: map[int64]int{}}
	if t == nil {
		return x
	}
	for i, e := range t.Elements {
		x.pos[e.ID] = i
	}
	var groupLevel int64
	if l := GroupLevel(t); l != nil {
		groupLevel = l.ID
	}
	x.ancestors = make([][]int, len(t.Elements))
	x.group = make([]int64, len(t.Elements))
	for i, e := range t.Elements {
		x.group[i] = GroupAbove
		for cur := e; cur != nil; {
			p := x.pos[cur.ID]
			x.ancestors[i] = append(x.ancestors[i], p)
			if cur.LevelID == groupLevel {
				x.group[i] = cur.ID
			}
			parent, ok := x.pos[cur.ParentID]
			if cur.ParentID == 0 || !ok || len(x.ancestors[i]) > len(t.Elements) {
				break
			}
			cur = t.Elements[parent]
		}
	}
	return x
}

// strategy returns the tree laid out for counting the snapshot's engagements, made once per
// snapshot and strategy (a change to the tree is recorded, and makes a new snapshot).
func (s *snapshot) strategy(t *utsyn.Tree) *strategyIndex {
	var id int64
	if t != nil {
		id = t.Strategy.ID
	}
	key := "strategy|" + strconv.FormatInt(id, 10)
	if v, ok := s.memo.Load(key); ok {
		return v.(*strategyIndex)
	}
	x := indexStrategy(t)
	n := len(s.engagements)
	x.linkOff, x.groupOff = make([]int32, n+1), make([]int32, n+1)
	for i := range s.engagements {
		x.linkOff[i], x.groupOff[i] = int32(len(x.linkPos)), int32(len(x.groupIDs))
		from := len(x.groupIDs)
		for _, el := range s.engagements[i].links {
			if p, ok := x.pos[el]; ok {
				x.linkPos = append(x.linkPos, int32(p))
				if !slices.Contains(x.groupIDs[from:], x.group[p]) {
					x.groupIDs = append(x.groupIDs, x.group[p])
				}
			}
		}
		if len(x.groupIDs) == from {
			x.groupIDs = append(x.groupIDs, GroupNone)
		}
	}
	x.linkOff[n], x.groupOff[n] = int32(len(x.linkPos)), int32(len(x.groupIDs))
	s.memo.Store(key, x)
	return x
}

// groups returns the groups engagement i's links lead to, each once, in the order of its links;
// GroupNone when it is linked to no element of the strategy.
func (x *strategyIndex) groups(i int) []int64 { return x.groupIDs[x.groupOff[i]:x.groupOff[i+1]] }

// links returns the positions in the tree of the elements engagement i is linked to.
func (x *strategyIndex) links(i int) []int32 { return x.linkPos[x.linkOff[i]:x.linkOff[i+1]] }

func (x *strategyIndex) linked(i int) bool { return x.linkOff[i+1] > x.linkOff[i] }

// selector says whether an engagement is in a filter's selection.
type selector struct {
	s     *snapshot
	unit  int32 // -1 for any
	from  int
	to    int
	x     *strategyIndex
	lined bool
	none  bool // the filter's unit is in no engagement: nothing matches
}

func (s *snapshot) selector(f DashboardFilter, x *strategyIndex) selector {
	sel := selector{s: s, unit: -1, from: f.From, to: f.To, x: x, lined: f.Linked}
	if f.Unit != "" {
		i, ok := slices.BinarySearch(s.units, f.Unit)
		if !ok {
			sel.none = true
		}
		sel.unit = int32(i)
	}
	return sel
}

// match reports whether engagement i is in the selection.
func (sel selector) match(i int) bool {
	e := &sel.s.engagements[i]
	switch {
	case sel.none:
		return false
	case sel.unit >= 0 && e.unit != sel.unit:
		return false
	case !sel.running(e):
		return false
	case sel.lined && !sel.x.linked(i):
		return false
	}
	return true
}

// running reports whether the engagement runs at some time in the filter's years, as the
// register's list filtered by a year has it: it starts before the last year ends and ends after
// the first begins; an unknown date leaves that side open.
func (sel selector) running(e *snapEngagement) bool {
	if sel.to != 0 && !e.start.IsZero() && e.start.Year > sel.to {
		return false
	}
	if sel.from != 0 && !e.end.IsZero() && e.end.Year < sel.from {
		return false
	}
	return true
}

// checkFilter refuses a strategy of another organisation: its elements would count nothing of
// this one's, and say nothing true.
func checkFilter(f DashboardFilter) error {
	if f.Tree != nil && f.Tree.Strategy.OrgID != f.OrgID {
		return notFound("strategy")
	}
	if f.From != 0 && f.To != 0 && f.To < f.From {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.period_order", Field: "til"}
	}
	return nil
}

// figures returns the figures of a kind for the filter (and extra, what else they depend on),
// worked out once per snapshot: readers ask for the same few selections again and again, and
// a snapshot's figures stay true until the register changes, which makes a new snapshot. The
// figures are shared: callers must not change them.
func (d *Dashboards) figures(ctx context.Context, f DashboardFilter, kind, extra string, work func(*snapshot) (any, error)) (any, AsOf, error) {
	if err := checkFilter(f); err != nil {
		return nil, AsOf{}, err
	}
	s, asOf, err := d.snapshot(ctx, f.OrgID)
	if err != nil {
		return nil, AsOf{}, err
	}
	var strategy int64
	if f.Tree != nil {
		strategy = f.Tree.Strategy.ID
	}
	key := fmt.Sprintf("%s|%d|%v|%d|%d|%s|%s", kind, strategy, f.Linked, f.From, f.To, f.Unit, extra)
	if v, ok := s.memo.Load(key); ok {
		return v, asOf, nil
	}
	v, err := work(s)
	if err != nil {
		return nil, AsOf{}, err
	}
	if s.memoSize.Add(1) <= maxMemo {
		s.memo.Store(key, v)
	}
	return v, asOf, nil
}

// Units returns the units the organisation's engagements name, sorted: the choices of the
// dashboards' unit filter.
func (d *Dashboards) Units(ctx context.Context, orgID int64) ([]string, error) {
	s, _, err := d.snapshot(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(s.units), func(u string) bool { return u == "" }), nil
}

// Years returns the first and last year of the organisation's work: the earliest start or
// money line, and the latest end or money line. Both are 0 when there is no dated work.
func (d *Dashboards) Years(ctx context.Context, orgID int64) (first, last int, err error) {
	s, _, err := d.snapshot(ctx, orgID)
	if err != nil {
		return 0, 0, err
	}
	return s.first, s.last, nil
}

// dateKey orders dates as their ISO forms do ("2024" before "2024-01" before "2024-01-05"), and
// the unknown first, without making the text.
func dateKey(d utsyn.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

func compareDates(a, b utsyn.Date) int { return cmp.Compare(dateKey(a), dateKey(b)) }

// Coverage

// Coverage is how much work each element of a strategy has: the engagements linked to it or to
// any element under it, by status.
type Coverage struct {
	AsOf     AsOf
	Elements map[int64]StatusCounts // every element of the strategy, those without work too
	Unlinked StatusCounts           // the engagements linked to no element of the strategy
	All      StatusCounts           // every engagement the filter selects
}

// Coverage counts the work under each element of the filter's strategy.
func (d *Dashboards) Coverage(ctx context.Context, f DashboardFilter) (*Coverage, error) {
	v, asOf, err := d.figures(ctx, f, "coverage", "", func(s *snapshot) (any, error) { return coverageOf(s, f) })
	if err != nil {
		return nil, err
	}
	out := *v.(*Coverage)
	out.AsOf = asOf
	return &out, nil
}

func coverageOf(s *snapshot, f DashboardFilter) (*Coverage, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	counts := make([][]int, len(x.ancestors)) // by element position, by status index
	statusIx := map[string]int{}
	for i, st := range utsyn.EngagementStatuses {
		statusIx[st] = i
	}
	for i := range counts {
		counts[i] = make([]int, len(utsyn.EngagementStatuses))
	}
	c := &Coverage{Elements: map[int64]StatusCounts{}, Unlinked: StatusCounts{}, All: StatusCounts{}}
	seen := make([]int, len(x.ancestors)) // the engagement (index+1) last counted for each element
	for i := range s.engagements {
		e := &s.engagements[i]
		if !sel.match(i) {
			continue
		}
		c.All[e.status]++
		si, known := statusIx[e.status]
		for _, p := range x.links(i) {
			for _, a := range x.ancestors[p] {
				if seen[a] != i+1 && known {
					seen[a] = i + 1
					counts[a][si]++
				}
			}
		}
		if !x.linked(i) {
			c.Unlinked[e.status]++
		}
	}
	if f.Tree != nil {
		for p, el := range f.Tree.Elements {
			sc := StatusCounts{}
			for si, n := range counts[p] {
				if n > 0 {
					sc[utsyn.EngagementStatuses[si]] = n
				}
			}
			c.Elements[el.ID] = sc
		}
	}
	return c, nil
}

// Money

// The money dashboard's kinds and currencies, in the order of utsyn.MoneyKinds and
// utsyn.Currencies.
const (
	kindOwnCash = iota
	kindOwnHours
	kindExternal
	kindFee
	kindCoFinancing
	numKinds
)

// MoneyYear is the money of one year (or of several added up): per kind, what was given in
// each currency, what that is in kroner, and what could not be converted for want of an
// exchange rate.
type MoneyYear struct {
	Minor   [numKinds][2]int64 // per kind (utsyn.MoneyKinds), per currency (utsyn.Currencies), in minor units
	NOK     [numKinds]int64    // in øre: kroner, and other currencies at the year's rate where one is set
	Missing [numKinds]int64    // in cents: euros of years without a rate, not in NOK
	Hours   float64            // own hours
}

func (m *MoneyYear) add(o *MoneyYear) {
	for k := range numKinds {
		for c := range 2 {
			m.Minor[k][c] += o.Minor[k][c]
		}
		m.NOK[k] += o.NOK[k]
		m.Missing[k] += o.Missing[k]
	}
	m.Hours += o.Hours
}

// OwnNOK is the council's own contribution, cash and hours, in øre.
func (m MoneyYear) OwnNOK() int64 { return m.NOK[kindOwnCash] + m.NOK[kindOwnHours] }

// ExternalNOK is the external funding brought in, in øre.
func (m MoneyYear) ExternalNOK() int64 { return m.NOK[kindExternal] }

// Kind returns the amount of a kind in kroner (øre), and the unconverted euros (cents).
func (m MoneyYear) Kind(kind string) (nok, missingEUR int64) {
	k := slices.Index(utsyn.MoneyKinds, kind)
	if k < 0 {
		return 0, 0
	}
	return m.NOK[k], m.Missing[k]
}

// Complete reports whether the own contribution and the external funding are all in kroner.
func (m MoneyYear) Complete() bool {
	return m.Missing[kindOwnCash] == 0 && m.Missing[kindOwnHours] == 0 && m.Missing[kindExternal] == 0
}

// Ratio is the external funding over the own contribution; false when it cannot be told
// (nothing of one's own, or amounts not converted).
func (m MoneyYear) Ratio() (float64, bool) {
	own := m.OwnNOK()
	if own <= 0 || !m.Complete() {
		return 0, false
	}
	return float64(m.ExternalNOK()) / float64(own), true
}

// IsZero reports whether there is no money at all.
func (m MoneyYear) IsZero() bool {
	for k := range numKinds {
		if m.Minor[k] != [2]int64{} {
			return false
		}
	}
	return m.Hours == 0
}

// MoneyGroup is the money of the engagements of one group, per year and in all.
type MoneyGroup struct {
	Engagements int // with money in the filter's years
	Years       map[int]*MoneyYear
	Sum         MoneyYear
}

// MoneyFigures is the money of the filter's engagements, in all and per group of the strategy
// (each element on its grouping level, then GroupAbove and GroupNone).
type MoneyFigures struct {
	AsOf         AsOf
	Years        []int // the years with money, ascending
	Total        MoneyGroup
	Groups       map[int64]*MoneyGroup
	MissingRates map[string][]int // currency → the years with amounts in it and no rate, ascending
}

// Money adds up the money of the engagements the filter selects, in the filter's years: per
// year and kind, in kroner where the organisation set the year's exchange rate, the rest kept
// in its own currency.
func (d *Dashboards) Money(ctx context.Context, f DashboardFilter) (*MoneyFigures, error) {
	v, asOf, err := d.figures(ctx, f, "money", "", func(s *snapshot) (any, error) { return moneyOf(s, f) })
	if err != nil {
		return nil, err
	}
	out := *v.(*MoneyFigures)
	out.AsOf = asOf
	return &out, nil
}

func moneyOf(s *snapshot, f DashboardFilter) (*MoneyFigures, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	sel.from, sel.to = 0, 0 // money is chosen by the year of the line, not by the engagement's dates
	mf := &MoneyFigures{Total: MoneyGroup{Years: map[int]*MoneyYear{}}, Groups: map[int64]*MoneyGroup{},
		MissingRates: map[string][]int{}}
	if s.first == 0 {
		return mf, nil
	}
	// Raw sums per group and year in dense arrays first (the total is group 0); conversion after,
	// once per year and currency.
	span := s.last - s.first + 1
	type acc struct {
		years       []MoneyYear
		engagements int
	}
	accs := []*acc{{years: make([]MoneyYear, span)}}
	groupIx := map[int64]int{}
	var groups []int64
	var ixs []int
	for i := range s.engagements {
		e := &s.engagements[i]
		if len(e.money) == 0 || !sel.match(i) {
			continue
		}
		groups = x.groups(i)
		ixs = append(ixs[:0], 0)
		for _, g := range groups {
			gi, ok := groupIx[g]
			if !ok {
				gi = len(accs)
				groupIx[g] = gi
				accs = append(accs, &acc{years: make([]MoneyYear, span)})
			}
			ixs = append(ixs, gi)
		}
		counted := false
		for _, m := range e.money {
			year := int(m.year)
			if f.From != 0 && year < f.From || f.To != 0 && year > f.To {
				continue
			}
			counted = true
			for _, gi := range ixs {
				my := &accs[gi].years[year-s.first]
				my.Minor[m.kind][m.cur] += m.minor
				if m.kind == kindOwnHours {
					my.Hours += m.hours
				}
			}
		}
		if counted {
			for _, gi := range ixs {
				accs[gi].engagements++
			}
		}
	}
	missing := map[int]bool{}
	used := make([]bool, span)
	finish := func(a *acc, g *MoneyGroup) {
		g.Engagements = a.engagements
		for off := range a.years {
			my := &a.years[off]
			if my.IsZero() {
				continue
			}
			year := s.first + off
			used[off] = true
			for kind := range numKinds {
				my.NOK[kind] = my.Minor[kind][0]
				if eur := my.Minor[kind][1]; eur != 0 {
					if r, ok := s.rates[rateKey{year, "EUR"}]; ok {
						my.NOK[kind] += int64(math.Round(float64(eur) * r))
					} else {
						my.Missing[kind] += eur
						missing[year] = true
					}
				}
			}
			g.Years[year] = my
			g.Sum.add(my)
		}
	}
	finish(accs[0], &mf.Total)
	for g, gi := range groupIx {
		if accs[gi].engagements > 0 {
			finish(accs[gi], mf.group(g))
		}
	}
	for off, u := range used {
		if u {
			mf.Years = append(mf.Years, s.first+off)
		}
	}
	for y := range missing {
		mf.MissingRates["EUR"] = append(mf.MissingRates["EUR"], y)
	}
	slices.Sort(mf.MissingRates["EUR"])
	if len(mf.MissingRates["EUR"]) == 0 {
		delete(mf.MissingRates, "EUR")
	}
	return mf, nil
}

func (mf *MoneyFigures) group(id int64) *MoneyGroup {
	g := mf.Groups[id]
	if g == nil {
		g = &MoneyGroup{Years: map[int]*MoneyYear{}}
		mf.Groups[id] = g
	}
	return g
}

// Timeline

// TimelineItem is one engagement on the timeline.
type TimelineItem struct {
	ID           int64
	Kind, Status string
	Start, End   utsyn.Date
}

// TimelineGroup is the engagements of one group: how many run in the filter's years, and the
// ones shown.
type TimelineGroup struct {
	ElementID int64  // when grouped by the strategy: the element, GroupAbove or GroupNone
	Kind      string // when grouped by kind
	Count     int
	Items     []TimelineItem // at most the limit: the active first, the latest start first; shown by start
}

// TimelineFigures is the portfolio over the filter's years, grouped.
type TimelineFigures struct {
	AsOf   AsOf
	Groups []TimelineGroup
}

// Timeline groups the engagements the filter selects by the strategy's grouping level (byKind
// false: each group its element counts under, as with money) or by kind, in the order of the
// tree or of utsyn.EngagementKinds, and picks at most limit of each to show.
func (d *Dashboards) Timeline(ctx context.Context, f DashboardFilter, byKind bool, limit int) (*TimelineFigures, error) {
	v, asOf, err := d.figures(ctx, f, "timeline", fmt.Sprint(byKind, limit), func(s *snapshot) (any, error) { return timelineOf(s, f, byKind, limit) })
	if err != nil {
		return nil, err
	}
	out := *v.(*TimelineFigures)
	out.AsOf = asOf
	return &out, nil
}

func timelineOf(s *snapshot, f DashboardFilter, byKind bool, limit int) (*TimelineFigures, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	members := map[int64][]int32{}   // by group element
	byKindIx := map[string][]int32{} // by kind
	var groups []int64
	for i := range s.engagements {
		e := &s.engagements[i]
		if !sel.match(i) {
			continue
		}
		if byKind {
			byKindIx[e.kind] = append(byKindIx[e.kind], int32(i))
			continue
		}
		groups = x.groups(i)
		for _, g := range groups {
			members[g] = append(members[g], int32(i))
		}
	}
	// before orders the engagements to show: the active first, then the latest start.
	before := func(a, b int32) bool {
		ea, eb := &s.engagements[a], &s.engagements[b]
		if aa, ab := ActiveStatus(ea.status), ActiveStatus(eb.status); aa != ab {
			return aa
		}
		return cmp.Or(-compareDates(ea.start, eb.start), cmp.Compare(ea.id, eb.id)) < 0
	}
	pick := func(ix []int32) []TimelineItem {
		// The first limit in that order, kept sorted while the rest pass by: a group of tens of
		// thousands is read once, not sorted.
		var top []int32
		for _, i := range ix {
			if len(top) == limit && !before(i, top[len(top)-1]) {
				continue
			}
			at, _ := slices.BinarySearchFunc(top, i, func(x, y int32) int {
				if before(x, y) {
					return -1
				}
				return 1
			})
			top = slices.Insert(top, at, i)
			if len(top) > limit {
				top = top[:limit]
			}
		}
		var items []TimelineItem
		for _, i := range top {
			e := &s.engagements[i]
			items = append(items, TimelineItem{ID: e.id, Kind: e.kind, Status: e.status, Start: e.start, End: e.end})
		}
		slices.SortStableFunc(items, func(a, b TimelineItem) int {
			return cmp.Or(compareDates(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
		})
		return items
	}
	tf := &TimelineFigures{}
	if byKind {
		for _, k := range utsyn.EngagementKinds {
			if ix := byKindIx[k]; len(ix) > 0 {
				tf.Groups = append(tf.Groups, TimelineGroup{Kind: k, Count: len(ix), Items: pick(ix)})
			}
		}
		return tf, nil
	}
	var order []int64
	if f.Tree != nil {
		if l := GroupLevel(f.Tree); l != nil {
			for _, el := range f.Tree.Elements {
				if el.LevelID == l.ID {
					order = append(order, el.ID)
				}
			}
		}
	}
	for _, g := range append(order, GroupAbove, GroupNone) {
		if ix := members[g]; len(ix) > 0 {
			tf.Groups = append(tf.Groups, TimelineGroup{ElementID: g, Count: len(ix), Items: pick(ix)})
		}
	}
	return tf, nil
}

// Partners

// ActorRef names an actor.
type ActorRef struct {
	ID   int64
	Name string
}

// PlaceCount is the partners in one place: how many actors, and in how many of the selected
// engagements; for Norwegian places, who.
type PlaceCount struct {
	Partners    int
	Engagements int
	Actors      []ActorRef // Norwegian places only: by name
}

// PartnerFigures is where the partners of the filter's engagements are.
type PartnerFigures struct {
	AsOf      AsOf
	Countries map[string]*PlaceCount // by ISO 3166-1 alpha-2 code
	Counties  map[string]*PlaceCount // Norwegian partners by county of 2024
	Unplaced  map[string]*PlaceCount // Norwegian partners whose region names no county of 2024, by the region as written ("" for none)
	Partners  int                    // distinct actors
	// Engagements counts the selected engagements with at least one partner.
	Engagements int
}

// Partners counts the partners of the engagements the filter selects by country, and the
// Norwegian ones by county.
func (d *Dashboards) Partners(ctx context.Context, f DashboardFilter) (*PartnerFigures, error) {
	v, asOf, err := d.figures(ctx, f, "partners", "", func(s *snapshot) (any, error) { return partnersOf(s, f) })
	if err != nil {
		return nil, err
	}
	out := *v.(*PartnerFigures)
	out.AsOf = asOf
	return &out, nil
}

func partnersOf(s *snapshot, f DashboardFilter) (*PartnerFigures, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	pf := &PartnerFigures{Countries: map[string]*PlaceCount{}, Counties: map[string]*PlaceCount{}, Unplaced: map[string]*PlaceCount{}}
	// Dense counts by country and by Norwegian place; last[k] is the engagement (index+1) that
	// last counted place k, so that an engagement counts once in each place.
	countries := make([]PlaceCount, len(s.countries))
	places := make([]PlaceCount, len(s.places))
	lastCountry := make([]int, len(s.countries))
	lastPlace := make([]int, len(s.places))
	actorSeen := make([]bool, len(s.actors))
	for i := range s.engagements {
		e := &s.engagements[i]
		if len(e.partners) == 0 || !sel.match(i) {
			continue
		}
		pf.Engagements++
		for _, ai := range e.partners {
			a := &s.actors[ai]
			if lastCountry[a.country] != i+1 {
				lastCountry[a.country] = i + 1
				countries[a.country].Engagements++
			}
			if a.place >= 0 && lastPlace[a.place] != i+1 {
				lastPlace[a.place] = i + 1
				places[a.place].Engagements++
			}
			if !actorSeen[ai] {
				actorSeen[ai] = true
				pf.Partners++
				countries[a.country].Partners++
				if a.place >= 0 {
					places[a.place].Partners++
				}
			}
		}
	}
	for k, c := range countries {
		if c.Engagements > 0 {
			pf.Countries[s.countries[k]] = &countries[k]
		}
	}
	for _, ai := range s.byName { // who, by name
		if a := &s.actors[ai]; actorSeen[ai] && a.place >= 0 {
			places[a.place].Actors = append(places[a.place].Actors, ActorRef{ID: a.id, Name: a.name})
		}
	}
	for k := range places {
		if places[k].Engagements == 0 {
			continue
		}
		if region, unplaced := strings.CutPrefix(s.places[k], "?"); unplaced {
			pf.Unplaced[region] = &places[k]
		} else {
			pf.Counties[s.places[k]] = &places[k]
		}
	}
	return pf, nil
}

// What is due

// ReviewInterval is how long a membership goes between reviews ("is this still worth it?")
// before the next is due: one term of the county council.
const ReviewInterval = 4 // years

// DueRenewal is a membership (or other engagement) whose renewal date falls by the horizon.
type DueRenewal struct {
	EngagementID int64
	Kind, Status string
	Date         utsyn.Date
	Passed       bool // the date has passed
}

// DueReview is a membership whose review is due by the horizon: the last one is older than
// ReviewInterval, it never had one, or it is under review now.
type DueReview struct {
	EngagementID int64
	Status       string
	Last         utsyn.Date // zero when never reviewed
	Due          utsyn.Date // zero when due now (never reviewed, no start known)
	Passed       bool
}

// DueMilestone is a milestone not done whose date falls by the horizon.
type DueMilestone struct {
	ID           int64
	EngagementID int64 // one of the two is set
	ElementID    int64
	Title        string
	Due          utsyn.Date
	Late         bool
}

// DueUpdate is an engagement or element whose status update is overdue under its cadence.
type DueUpdate struct {
	EngagementID int64 // one of the two is set
	ElementID    int64
	Cadence      string
	Last         utsyn.Date // zero when never updated
	Due          utsyn.Date // zero when never updated: due now
}

// DueFigures is what is due by the horizon, and what is overdue.
type DueFigures struct {
	AsOf       AsOf
	Renewals   []DueRenewal
	Reviews    []DueReview
	Milestones []DueMilestone
	Updates    []DueUpdate
}

// Due finds what is due by the horizon and what is overdue on today: renewals, reviews of
// memberships, milestones (of the engagements the filter selects and of the strategy's
// elements) and status updates (likewise; overdue only), each list the earliest first. The
// filter's years do not apply: what is due is due.
func (d *Dashboards) Due(ctx context.Context, f DashboardFilter, today, horizon utsyn.Date) (*DueFigures, error) {
	v, asOf, err := d.figures(ctx, f, "due", today.String()+horizon.String(), func(s *snapshot) (any, error) { return dueOf(s, f, today, horizon) })
	if err != nil {
		return nil, err
	}
	out := *v.(*DueFigures)
	out.AsOf = asOf
	return &out, nil
}

func dueOf(s *snapshot, f DashboardFilter, today, horizon utsyn.Date) (*DueFigures, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	sel.from, sel.to = 0, 0
	by := func(d utsyn.Date) bool { return !d.IsZero() && !utsyn.Before(horizon, d) } // on or before the horizon
	df := &DueFigures{}
	selected := map[int64]bool{}
	for i := range s.engagements {
		e := &s.engagements[i]
		if !sel.match(i) {
			continue
		}
		selected[e.id] = true
		over := FinishedStatus(e.status) || e.status == utsyn.StatusRejected
		if !e.renewal.IsZero() && !over && by(e.renewal) {
			df.Renewals = append(df.Renewals, DueRenewal{EngagementID: e.id, Kind: e.kind, Status: e.status, Date: e.renewal,
				Passed: utsyn.Before(e.renewal, today)})
		}
		if e.kind == utsyn.KindMembership && (e.status == utsyn.StatusActive || e.status == utsyn.StatusUnderReview) {
			var last utsyn.Date
			for _, r := range e.reviews {
				if last.IsZero() || utsyn.Before(last, r.Date) {
					last = r.Date
				}
			}
			r := DueReview{EngagementID: e.id, Status: e.status, Last: last}
			from := last
			if from.IsZero() {
				from = e.start
			}
			if !from.IsZero() {
				r.Due = yearsAfter(from, ReviewInterval)
			}
			r.Passed = r.Due.IsZero() || utsyn.Before(r.Due, today)
			if e.status == utsyn.StatusUnderReview || r.Due.IsZero() || by(r.Due) {
				df.Reviews = append(df.Reviews, r)
			}
		}
		if e.cadence != "" && !over && utsyn.Overdue(e.cadence, e.last.date, today) {
			df.Updates = append(df.Updates, DueUpdate{EngagementID: e.id, Cadence: e.cadence, Last: e.last.date, Due: utsyn.Due(e.cadence, e.last.date)})
		}
	}
	for _, m := range s.milestones {
		switch {
		case m.engagementID != 0 && !selected[m.engagementID]:
			continue
		case m.elementID != 0:
			if _, ok := x.pos[m.elementID]; !ok {
				continue
			}
		}
		if by(m.due) {
			df.Milestones = append(df.Milestones, DueMilestone{ID: m.id, EngagementID: m.engagementID, ElementID: m.elementID,
				Title: m.title, Due: m.due, Late: utsyn.Before(m.due, today)})
		}
	}
	for _, c := range s.cadences {
		if _, ok := x.pos[c.elementID]; !ok {
			continue
		}
		last := s.elementLast[c.elementID].date
		if utsyn.Overdue(c.cadence, last, today) {
			df.Updates = append(df.Updates, DueUpdate{ElementID: c.elementID, Cadence: c.cadence, Last: last, Due: utsyn.Due(c.cadence, last)})
		}
	}
	byDate := compareDates
	slices.SortFunc(df.Renewals, func(a, b DueRenewal) int {
		return cmp.Or(byDate(a.Date, b.Date), cmp.Compare(a.EngagementID, b.EngagementID))
	})
	slices.SortFunc(df.Reviews, func(a, b DueReview) int {
		return cmp.Or(byDate(a.Due, b.Due), cmp.Compare(a.EngagementID, b.EngagementID))
	})
	slices.SortFunc(df.Milestones, func(a, b DueMilestone) int { return cmp.Or(byDate(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(df.Updates, func(a, b DueUpdate) int {
		return cmp.Or(byDate(a.Due, b.Due), cmp.Compare(a.EngagementID, b.EngagementID), cmp.Compare(a.ElementID, b.ElementID))
	})
	return df, nil
}

// yearsAfter is the date n years on, at the date's own precision (29 February to 28).
func yearsAfter(d utsyn.Date, n int) utsyn.Date {
	if d.Day == 0 {
		d.Year += n
		return d
	}
	return utsyn.AddMonths(d, 12*n)
}

// What lags

// LagItem is an engagement or element whose latest status update says it is at risk or off
// track.
type LagItem struct {
	EngagementID int64 // one of the two is set
	ElementID    int64
	Status       string
	Date         utsyn.Date
}

// FollowCounts counts engagements by their latest follow-up status; "" counts those never
// updated.
type FollowCounts map[string]int

// Total is every engagement counted.
func (c FollowCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// LagFigures is what lags: the items at risk or off track, the worst first, and the latest
// statuses of the active work under each group of the strategy.
type LagFigures struct {
	AsOf  AsOf
	Items []LagItem
	Mix   map[int64]FollowCounts // by group (an element, GroupAbove or GroupNone)
}

// Lags finds the engagements the filter selects that are not over (completed, ended or
// rejected), and the strategy's elements, whose latest status update says at risk or off
// track; and counts the latest statuses of the active engagements per group.
func (d *Dashboards) Lags(ctx context.Context, f DashboardFilter) (*LagFigures, error) {
	v, asOf, err := d.figures(ctx, f, "lags", "", func(s *snapshot) (any, error) { return lagsOf(s, f) })
	if err != nil {
		return nil, err
	}
	out := *v.(*LagFigures)
	out.AsOf = asOf
	return &out, nil
}

func lagsOf(s *snapshot, f DashboardFilter) (*LagFigures, error) {
	x := s.strategy(f.Tree)
	sel := s.selector(f, x)
	lf := &LagFigures{Mix: map[int64]FollowCounts{}}
	lagging := func(st string) bool { return st == utsyn.FollowAtRisk || st == utsyn.FollowOffTrack }
	var groups []int64
	for i := range s.engagements {
		e := &s.engagements[i]
		if !sel.match(i) {
			continue
		}
		over := FinishedStatus(e.status) || e.status == utsyn.StatusRejected
		if lagging(e.last.status) && !over {
			lf.Items = append(lf.Items, LagItem{EngagementID: e.id, Status: e.last.status, Date: e.last.date})
		}
		if ActiveStatus(e.status) {
			groups = x.groups(i)
			for _, g := range groups {
				if lf.Mix[g] == nil {
					lf.Mix[g] = FollowCounts{}
				}
				lf.Mix[g][e.last.status]++
			}
		}
	}
	if f.Tree != nil {
		for _, el := range f.Tree.Elements {
			if l, ok := s.elementLast[el.ID]; ok && lagging(l.status) {
				lf.Items = append(lf.Items, LagItem{ElementID: el.ID, Status: l.status, Date: l.date})
			}
		}
	}
	worst := func(st string) int { return -slices.Index(utsyn.FollowStatuses, st) }
	slices.SortFunc(lf.Items, func(a, b LagItem) int {
		return cmp.Or(cmp.Compare(worst(a.Status), worst(b.Status)), compareDates(a.Date, b.Date),
			cmp.Compare(a.EngagementID, b.EngagementID), cmp.Compare(a.ElementID, b.ElementID))
	})
	return lf, nil
}

// IndicatorLag is an indicator whose latest value misses its target for the period.
type IndicatorLag struct {
	Indicator *utsyn.Indicator
	Point     utsyn.Point // the latest period with both a value and a target
}

// IndicatorsBehind returns the indicators of the elements whose latest value (typed in, or
// computed from the register up to thisYear) misses the target set for its period, in the
// order of ListIndicators. Indicators without a target or a value are not behind: the
// follow-up pages say what they lack.
func (db *DB) IndicatorsBehind(ctx context.Context, orgID int64, elementIDs []int64, thisYear int) ([]IndicatorLag, error) {
	if len(elementIDs) == 0 {
		return nil, nil
	}
	inds, err := db.ListIndicators(ctx, IndicatorFilter{OrgID: orgID, ElementIDs: elementIDs})
	if err != nil {
		return nil, err
	}
	var out []IndicatorLag
	for _, ind := range inds {
		var computed []utsyn.Point
		if ind.Source != utsyn.SourceManual {
			if computed, err = db.ComputeIndicator(ctx, ind, thisYear); err != nil {
				return nil, err
			}
		}
		series := ind.Series(computed)
		for i := len(series) - 1; i >= 0; i-- {
			pt := series[i]
			if pt.Value == nil || pt.Target == nil {
				continue
			}
			if !ind.Met(*pt.Value, *pt.Target) {
				out = append(out, IndicatorLag{Indicator: ind, Point: pt})
			}
			break
		}
	}
	return out, nil
}

// EngagementName is what a dashboard shows of an engagement it names.
type EngagementName struct {
	ID      int64
	Title   utsyn.Text
	Acronym string
	Kind    string
	Status  string
	Public  bool
}

// EngagementNames returns the titles of the organisation's engagements with the ids; ids of
// another organisation's are left out.
func (db *DB) EngagementNames(ctx context.Context, orgID int64, ids []int64) (map[int64]EngagementName, error) {
	out := map[int64]EngagementName{}
	for from := 0; from < len(ids); from += 500 {
		part := ids[from:min(len(ids), from+500)]
		args := []any{orgID}
		ps := make([]string, len(part))
		for i, id := range part {
			args = append(args, id)
			ps[i] = fmt.Sprintf("$%d", i+2)
		}
		// Read without the statement cache: the lists differ in length, and a page names few.
		err := eachRow(ctx, db.read, func(r *sql.Rows) error {
			var n EngagementName
			if err := r.Scan(&n.ID, &n.Title, &n.Acronym, &n.Kind, &n.Status, &n.Public); err != nil {
				return err
			}
			out[n.ID] = n
			return nil
		}, `SELECT id, title, acronym, kind, status, public FROM engagements WHERE org_id = $1 AND id IN (`+strings.Join(ps, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("engagement names: %w", err)
		}
	}
	return out, nil
}
