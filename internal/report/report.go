// Package report builds the annual report of an organisation's international work for a
// period, and renders it as HTML (a page that prints on A4), XLSX and PDF.
//
// The report comes in two forms from the same data: a short political one (per priority what
// was done, the key figures, the status and what needs a decision) and a detailed
// administrative one (every measure and engagement with its status, money per year and kind,
// and the indicators). Every figure carries a key, and Report.Records returns the records
// behind it, so that each figure can be traced to what it counts.
//
// How the figures are counted (the report states the same rules to its readers):
//   - An engagement counts when it ran at some time in the period (it started on or before the
//     period's last day, and has no end or ended on or after its first day) and its status says
//     the work happened (CountedStatuses): ideas, applications and rejected applications do not.
//     A date known only to the month or the year covers the whole month or year.
//   - It is new when it started in the period (at the first day its start date may mean), and
//     completed when it is completed or ended and its end falls in the period (at the last day).
//   - It counts under each priority it serves (through the element it is linked to or one of
//     its ancestors); the report's total counts it once.
//   - Money is registered per year: the report counts the lines of the years the period
//     touches. External funding is the external grants; the own contribution is own cash, own
//     hours, membership fees and co-financing. Each currency is summed apart and converted to
//     NOK only where the organisation has set an exchange rate for every year of it.
//   - Status is the latest status update on or before the period's last day.
package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// CountedStatuses are the engagement statuses a report counts: work that was done.
var CountedStatuses = []string{utsyn.StatusGranted, utsyn.StatusRunning, utsyn.StatusCompleted, utsyn.StatusActive,
	utsyn.StatusUnderReview, utsyn.StatusEnded}

// OwnKinds are the money kinds that make up the organisation's own contribution.
var OwnKinds = []string{utsyn.MoneyOwnCash, utsyn.MoneyOwnHours, utsyn.MoneyMembershipFee, utsyn.MoneyCoFinancing}

// ExternalKinds are the money kinds that are external funding brought in.
var ExternalKinds = []string{utsyn.MoneyExternalGrant}

// DecisionMonths is how far past the period's end a membership's renewal still needs a
// decision now.
const DecisionMonths = 6

// Follow-up statuses, from the worst.
var FollowUpStatuses = []string{"off_track", "at_risk", "on_track", "done"}

// NoStatus is the status of an item without a status update.
const NoStatus = "none"

// Options says which report to build.
type Options struct {
	Org    *utsyn.Organisation
	Period Period
	Form   Form
	// Public builds the report from published data only (store.ReportQuery.PublicOnly): for the
	// public pages. It leaves out the own contribution, follow-up and what needs a decision.
	Public bool
	// Strategy is the slug of the strategy whose priorities organise the report; "" picks the
	// adopted strategy that covers the period (or the first).
	Strategy string
	// Limit is how many engagements the political form names in each list of a section (the
	// rest are counted, and found through the list's key); 0 names 10, a negative number all.
	Limit int
	Now   time.Time // when the report is made; time.Now when zero
}

// DefaultLimit is how many engagements the political form names in a list.
const DefaultLimit = 10

// Report is an annual report, ready to render.
type Report struct {
	Org       *utsyn.Organisation
	Strategy  *utsyn.Strategy // nil when the organisation has none
	Priority  utsyn.Level     // the level the report is organised by
	Period    Period
	Form      Form
	Public    bool
	Generated time.Time
	Rates     []utsyn.ExchangeRate // the rates of the period's years

	// RollupRule is how the strategy rolls statuses up its tree (utsyn.RollupWorst or
	// utsyn.RollupWeighted); "" in a public report.
	RollupRule string

	Total    *Section   // the whole report: every engagement once
	Sections []*Section // one per priority, then one for work that serves no priority, when there is such work
	// Decisions is what needs a decision: memberships due for renewal in the period or the
	// months after it, memberships under review, and items off track (not in a public report).
	Decisions []*Decision
	// ShownDecisions are those the report names (the political form names the first of each
	// kind), and MoreDecisions counts the rest of each kind, found through its key.
	ShownDecisions []*Decision
	MoreDecisions  []Count

	Engagements []*Engagement // every engagement counted, by title
	Money       []*MoneyLine  // every money line counted, by engagement, year and kind
	Elements    []*Element    // the strategy's elements in tree order

	db         *store.DB
	mu         sync.Mutex // guards the engagements' details
	records    map[string]*records
	engagement map[int64]*Engagement
	element    map[int64]*Element
	line       map[int64]*MoneyLine
}

// Section is the report for one priority, for work that serves none, or for everything.
type Section struct {
	Key     string   // "total", "p<element id>" or "other"
	Element *Element // the priority; nil for the total and for work that serves none
	Figures Figures
	// Rolled is the priority's status rolled up from the elements under it by the strategy's
	// rule (nil for the total, for work that serves no priority, and in a public report).
	Rolled *utsyn.Rolled
	// ElementStatus counts the priority and the elements under it by their latest status, and
	// EngagementStatus the engagements; each per follow-up status from the worst, then "none".
	ElementStatus    []StatusCount
	EngagementStatus []StatusCount

	// What was done, by title; in the political form the first Options.Limit of each.
	New         []*Engagement // started in the period
	Completed   []*Engagement // completed or ended in the period
	Continued   []*Engagement // neither new nor completed, nor a membership
	Memberships []*Engagement
	ContinuedN  int // how many continued, in all (the key <section>.continued finds them)

	// The administrative form's detail.
	Engagements []*Engagement // every engagement, by title
	MoneyRows   []*MoneyRow   // money per year, kind and currency
}

// Figures are a section's key figures.
type Figures struct {
	Engagements Count
	New         Count
	Completed   Count
	Memberships Count
	Countries   Count // N is the number of countries; Countries names them
	External    Money
	Own         Money
}

// Count is a counted figure. Key finds its records (Report.Records).
type Count struct {
	Key       string
	N         int
	Countries []string // the countries, for the partner countries
}

// Money is an amount of money added up per currency, converted to NOK where rates allow.
type Money struct {
	Key string
	store.Funding
}

// StatusCount is how many of a section's measures and engagements have a status.
type StatusCount struct {
	Status string
	Count
}

// MoneyRow is the money of a section in one year, kind and currency.
type MoneyRow struct {
	Key       string
	Year      int
	Kind      string
	Amount    utsyn.Money
	NOK       utsyn.Money
	Converted bool
}

// Engagement is an engagement the report counts.
type Engagement struct {
	store.ReportEngagement
	Codes      []string // the codes of the elements it serves
	Priorities []int64  // the priorities it counts under
	New        bool
	Completed  bool
	Latest     *store.ReportUpdate // nil without one
	Money      []*MoneyLine
}

// Name is the engagement's title in the language, with its acronym when the title lacks it.
func (e *Engagement) Name(lang string) string {
	t := e.Title.Get(lang)
	if e.Acronym != "" && !strings.Contains(t, e.Acronym) {
		return t + " (" + e.Acronym + ")"
	}
	return t
}

// MoneyLine is a money line the report counts.
type MoneyLine struct {
	store.ReportMoney
	NOK       utsyn.Money // in kroner, when Converted
	Converted bool
	External  bool // external funding; otherwise own contribution
}

// Element is an element of the strategy.
type Element struct {
	ID         int64
	ParentID   int64
	Code       string
	Title      utsyn.Text
	Level      utsyn.Level
	Depth      int // the level's place in the tree: 0 for the top
	Latest     *store.ReportUpdate
	Indicators []*Indicator
}

// Indicator is an indicator with its values and targets in the period's years.
type Indicator struct {
	*utsyn.Indicator
	Points []utsyn.Point
}

// Decision is something that needs a decision.
type Decision struct {
	Kind       string // "renewal", "review" or "off_track"
	Date       utsyn.Date
	Engagement *Engagement // the membership, or the engagement off track
	Element    *Element    // the element off track
	Update     *store.ReportUpdate
}

// records are the ids behind a figure.
type records struct {
	engagements []int64
	elements    []int64
	lines       []int64
}

// Build reads the records and builds the report.
func Build(ctx context.Context, db *store.DB, o Options) (*Report, error) {
	if o.Org == nil {
		return nil, fmt.Errorf("report: no organisation")
	}
	if o.Form == "" {
		o.Form = Political
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	strategy, tree, err := findStrategy(ctx, db, o)
	if err != nil {
		return nil, err
	}
	q := store.ReportQuery{OrgID: o.Org.ID, From: o.Period.From, To: o.Period.To, Statuses: CountedStatuses, PublicOnly: o.Public,
		Details: o.Form == Administrative} // it shows every engagement
	if !o.Public {
		t := o.Period.To.Time().AddDate(0, DecisionMonths, 0)
		q.RenewalsUntil = utsyn.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	data, err := db.ReportData(ctx, q)
	if err != nil {
		return nil, err
	}
	rates, err := db.ExchangeRates(ctx, o.Org.ID)
	if err != nil {
		return nil, err
	}
	r := assemble(o, strategy, tree, data, rates)
	r.db = db
	if strategy != nil && !o.Public {
		if err := r.rollup(ctx, db); err != nil {
			return nil, err
		}
	}
	if o.Form == Administrative {
		if err := r.indicators(ctx, db); err != nil {
			return nil, err
		}
	}
	// The details (titles and the like) of what the report shows.
	var show []*Engagement
	if o.Form == Administrative {
		show = r.Engagements
	} else {
		limit := o.Limit
		if limit == 0 {
			limit = DefaultLimit
		}
		for _, s := range append([]*Section{r.Total}, r.Sections...) {
			if limit > 0 {
				s.New, s.Completed, s.Continued, s.Memberships = head(s.New, limit), head(s.Completed, limit), head(s.Continued, limit), head(s.Memberships, limit)
			}
			show = slices.Concat(show, s.New, s.Completed, s.Continued, s.Memberships)
		}
	}
	if !o.Public {
		r.Decisions = r.decisions()
		shown := map[string]int{}
		for _, d := range r.Decisions {
			rec := r.records["decisions."+d.Kind]
			if rec == nil {
				rec = &records{}
				r.records["decisions."+d.Kind] = rec
			}
			if d.Engagement != nil {
				rec.engagements = append(rec.engagements, d.Engagement.ID)
			} else {
				rec.elements = append(rec.elements, d.Element.ID)
			}
			if o.Form == Political && o.Limit >= 0 && shown[d.Kind] >= max(o.Limit, DefaultLimit) {
				continue // the political form names the first of each kind
			}
			shown[d.Kind]++
			r.ShownDecisions = append(r.ShownDecisions, d)
			if d.Engagement != nil {
				show = append(show, d.Engagement)
			}
		}
		for _, kind := range []string{"renewal", "review", "off_track"} {
			if rec := r.records["decisions."+kind]; rec != nil {
				if n := len(rec.engagements) + len(rec.elements); n > shown[kind] {
					r.MoreDecisions = append(r.MoreDecisions, Count{Key: "decisions." + kind, N: n - shown[kind]})
				}
			}
		}
	}
	if err := r.Details(ctx, show); err != nil {
		return nil, err
	}
	return r, nil
}

// Details reads the details (titles and the like) of engagements of the report that lack them.
// It is safe to call from several goroutines at once, as on a cached report: an engagement's
// details are written once, under the report's lock, before anyone who asked for them reads
// them.
func (r *Report) Details(ctx context.Context, es []*Engagement) error {
	if r.db == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rs := make([]*store.ReportEngagement, len(es))
	for i, e := range es {
		rs[i] = &e.ReportEngagement
	}
	return r.db.ReportDetails(ctx, r.Org.ID, rs, r.Public)
}

func head[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n:n]
	}
	return s
}

// findStrategy picks the strategy that organises the report.
func findStrategy(ctx context.Context, db *store.DB, o Options) (*utsyn.Strategy, *utsyn.Tree, error) {
	f := store.StrategyFilter{OrgID: o.Org.ID}
	if o.Public {
		published := true
		f.Published = &published
	}
	list, err := db.ListStrategies(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	var pick *utsyn.Strategy
	for _, s := range list {
		switch {
		case o.Strategy != "":
			if s.Slug == o.Strategy {
				pick = s
			}
		case pick == nil:
			pick = s
		case s.Status == utsyn.StatusAdopted && covers(s, o.Period) && !(pick.Status == utsyn.StatusAdopted && covers(pick, o.Period)):
			pick = s
		}
	}
	if pick == nil {
		if o.Strategy != "" {
			return nil, nil, &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.strategy"}
		}
		return nil, nil, nil
	}
	s, err := db.FindStrategyByID(ctx, pick.ID)
	if err != nil {
		return nil, nil, err
	}
	tree, err := db.FindTree(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	return s, tree, nil
}

// covers reports whether a strategy's period overlaps the report's.
func covers(s *utsyn.Strategy, p Period) bool {
	return (s.PeriodStart.IsZero() || !first(s.PeriodStart).After(p.To.Time())) &&
		(s.PeriodEnd.IsZero() || !last(s.PeriodEnd).Before(p.From.Time()))
}

// priorityLevel is the level the report is organised by: the strategy's "priority" level, or
// else its second level (its first when it has one).
func priorityLevel(s *utsyn.Strategy) (utsyn.Level, bool) {
	if s == nil || len(s.Levels) == 0 {
		return utsyn.Level{}, false
	}
	for _, l := range s.Levels {
		if l.Key == "priority" {
			return l, true
		}
	}
	if len(s.Levels) > 1 {
		return s.Levels[1], true
	}
	return s.Levels[0], true
}

// assemble computes the report from what the store read.
func assemble(o Options, s *utsyn.Strategy, tree *utsyn.Tree, data *store.ReportData, rates []utsyn.ExchangeRate) *Report {
	r := &Report{Org: o.Org, Strategy: s, Period: o.Period, Form: o.Form, Public: o.Public, Generated: o.Now,
		records: map[string]*records{}, engagement: map[int64]*Engagement{}, element: map[int64]*Element{}, line: map[int64]*MoneyLine{}}
	for _, x := range rates {
		if x.Year >= o.Period.From.Year && x.Year <= o.Period.To.Year {
			r.Rates = append(r.Rates, x)
		}
	}

	// The strategy's elements, and the priority each one falls under.
	priorityOf := map[int64]int64{} // element → its priority (itself, or an ancestor at the level)
	var priorities []*Element
	if tree != nil {
		level, _ := priorityLevel(s)
		r.Priority = level
		levels := map[int64]utsyn.Level{}
		depth := map[int64]int{}
		for i, l := range s.Levels {
			levels[l.ID] = l
			depth[l.ID] = i
		}
		for _, e := range tree.Elements {
			el := &Element{ID: e.ID, ParentID: e.ParentID, Code: e.Code, Title: e.Title, Level: levels[e.LevelID], Depth: depth[e.LevelID]}
			r.Elements = append(r.Elements, el)
			r.element[el.ID] = el
			if e.LevelID == level.ID {
				priorityOf[e.ID] = e.ID
				priorities = append(priorities, el)
			} else if p, ok := priorityOf[e.ParentID]; ok { // tree order: parents come first
				priorityOf[e.ID] = p
			}
		}
	}
	for _, u := range data.Updates {
		if u.ElementID != 0 && r.element[u.ElementID] != nil {
			r.element[u.ElementID].Latest = u
		}
	}

	// The engagements, by title.
	latest := map[int64]*store.ReportUpdate{}
	for _, u := range data.Updates {
		if u.EngagementID != 0 {
			latest[u.EngagementID] = u
		}
	}
	from, to := o.Period.From.Time(), o.Period.To.Time()
	for _, d := range data.Engagements {
		e := &Engagement{ReportEngagement: *d, Latest: latest[d.ID]}
		e.New = !d.Start.IsZero() && !first(d.Start).Before(from) && !first(d.Start).After(to)
		e.Completed = (d.Status == utsyn.StatusCompleted || d.Status == utsyn.StatusEnded) && !d.End.IsZero() &&
			!last(d.End).Before(from) && !last(d.End).After(to)
		for _, id := range d.Elements {
			if el := r.element[id]; el != nil && el.Code != "" && !slices.Contains(e.Codes, el.Code) {
				e.Codes = append(e.Codes, el.Code)
			}
			if p, ok := priorityOf[id]; ok && !slices.Contains(e.Priorities, p) {
				e.Priorities = append(e.Priorities, p)
			}
		}
		r.Engagements = append(r.Engagements, e)
		r.engagement[e.ID] = e
	}
	sortByTitle(r.Engagements)

	// The money lines, converted where the year's rate is set.
	type rateKey struct {
		year     int
		currency string
	}
	rate := map[rateKey]float64{}
	for _, x := range rates {
		rate[rateKey{x.Year, x.Currency}] = x.NOK
	}
	for _, d := range data.Money {
		m := &MoneyLine{ReportMoney: *d, External: slices.Contains(ExternalKinds, d.Kind)}
		m.NOK.Currency = "NOK"
		if d.Amount.Currency == "NOK" {
			m.NOK.Minor, m.Converted = d.Amount.Minor, true
		} else if x, ok := rate[rateKey{d.Year, d.Amount.Currency}]; ok {
			m.NOK.Minor, m.Converted = roundMinor(float64(d.Amount.Minor)*x), true
		}
		r.Money = append(r.Money, m)
		r.line[m.ID] = m
		if e := r.engagement[m.EngagementID]; e != nil {
			e.Money = append(e.Money, m)
		}
	}

	// The sections: the total, each priority, and work that serves none, added up in one pass
	// over the engagements.
	var followed []*Element // the priorities and everything under them
	for _, el := range r.Elements {
		if _, ok := priorityOf[el.ID]; ok {
			followed = append(followed, el)
		}
	}
	total := r.newTally("total", nil)
	byPriority := map[int64]*tally{}
	var tallies []*tally
	for _, p := range priorities {
		t := r.newTally(fmt.Sprintf("p%d", p.ID), p)
		byPriority[p.ID] = t
		tallies = append(tallies, t)
	}
	// The total in one pass, the priorities and the rest in another, at once: a tally only
	// reads the engagements, and at 34,000 adding up was a fifth of a report's time.
	var other *tally
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, e := range r.Engagements {
			total.add(r, e)
		}
	})
	for _, e := range r.Engagements {
		for _, p := range e.Priorities {
			byPriority[p].add(r, e)
		}
		if len(e.Priorities) == 0 {
			if other == nil {
				other = r.newTally("other", nil)
			}
			other.add(r, e)
		}
	}
	wg.Wait()
	r.Total = r.finish(total, followed, rates)
	for i, t := range tallies {
		var under []*Element
		for _, el := range r.Elements {
			if priorityOf[el.ID] == priorities[i].ID {
				under = append(under, el)
			}
		}
		r.Sections = append(r.Sections, r.finish(t, under, rates))
	}
	if other != nil {
		r.Sections = append(r.Sections, r.finish(other, nil, rates))
	}
	return r
}

// tally adds up a section's engagements.
type tally struct {
	s                                                                   *Section
	engagements, fresh, completed, memberships, continued, withPartners records
	extLines, ownLines                                                  records
	countries                                                           map[string]bool
	external, own                                                       []store.FundingLine
	rows                                                                map[moneyKey]*MoneyRow
	rowRecords                                                          map[moneyKey]*records
	engagementStatus                                                    map[string]*records
}

type moneyKey struct {
	year           int
	kind, currency string
}

func (r *Report) newTally(key string, el *Element) *tally {
	return &tally{s: &Section{Key: key, Element: el}, countries: map[string]bool{}, rows: map[moneyKey]*MoneyRow{},
		rowRecords: map[moneyKey]*records{}, engagementStatus: map[string]*records{}}
}

// statusRecords returns the records of a status (NoStatus when u is nil).
func statusRecords(byStatus map[string]*records, u *store.ReportUpdate) *records {
	st := NoStatus
	if u != nil {
		st = u.Status
	}
	if byStatus[st] == nil {
		byStatus[st] = &records{}
	}
	return byStatus[st]
}

// add counts an engagement in the section.
func (t *tally) add(r *Report, e *Engagement) {
	s := t.s
	s.Engagements = append(s.Engagements, e)
	t.engagements.engagements = append(t.engagements.engagements, e.ID)
	switch {
	case e.New:
		s.New = append(s.New, e)
		t.fresh.engagements = append(t.fresh.engagements, e.ID)
	case !e.Completed && e.Kind != utsyn.KindMembership:
		s.Continued = append(s.Continued, e)
		t.continued.engagements = append(t.continued.engagements, e.ID)
	}
	if e.Completed {
		s.Completed = append(s.Completed, e)
		t.completed.engagements = append(t.completed.engagements, e.ID)
	}
	if e.Kind == utsyn.KindMembership {
		s.Memberships = append(s.Memberships, e)
		t.memberships.engagements = append(t.memberships.engagements, e.ID)
	}
	if len(e.Countries) > 0 {
		t.withPartners.engagements = append(t.withPartners.engagements, e.ID)
		for _, c := range e.Countries {
			t.countries[c] = true
		}
	}
	if !r.Public {
		st := statusRecords(t.engagementStatus, e.Latest)
		st.engagements = append(st.engagements, e.ID)
	}
	for _, m := range e.Money {
		line := store.FundingLine{EngagementID: e.ID, Year: m.Year, Amount: m.Amount}
		if m.External {
			t.external = append(t.external, line)
			t.extLines.lines = append(t.extLines.lines, m.ID)
		} else {
			t.own = append(t.own, line)
			t.ownLines.lines = append(t.ownLines.lines, m.ID)
		}
		k := moneyKey{m.Year, m.Kind, m.Amount.Currency}
		row, rec := t.rows[k], t.rowRecords[k]
		if row == nil {
			row = &MoneyRow{Key: fmt.Sprintf("%s.money.%d.%s.%s", s.Key, m.Year, m.Kind, m.Amount.Currency), Year: m.Year, Kind: m.Kind,
				Amount: utsyn.Money{Currency: m.Amount.Currency}, NOK: utsyn.Money{Currency: "NOK"}, Converted: true}
			rec = &records{}
			t.rows[k], t.rowRecords[k] = row, rec
		}
		row.Amount.Minor += m.Amount.Minor
		row.NOK.Minor += m.NOK.Minor
		row.Converted = row.Converted && m.Converted
		rec.lines = append(rec.lines, m.ID)
	}
}

// finish works out a section's figures from its tally, with the status of the followed
// elements, and records what each figure counts.
func (r *Report) finish(t *tally, followed []*Element, rates []utsyn.ExchangeRate) *Section {
	s, key := t.s, t.s.Key
	elementStatus := map[string]*records{}
	if !r.Public {
		for _, m := range followed {
			st := statusRecords(elementStatus, m.Latest)
			st.elements = append(st.elements, m.ID)
		}
	}
	count := func(name string, rec *records, n int) Count {
		k := key + "." + name
		r.records[k] = rec
		return Count{Key: k, N: n}
	}
	s.ContinuedN = len(t.continued.engagements)
	r.records[key+".continued"] = &t.continued
	s.Figures = Figures{
		Engagements: count("engagements", &t.engagements, len(t.engagements.engagements)),
		New:         count("new", &t.fresh, len(t.fresh.engagements)),
		Completed:   count("completed", &t.completed, len(t.completed.engagements)),
		Memberships: count("memberships", &t.memberships, len(t.memberships.engagements)),
		Countries:   count("countries", &t.withPartners, len(t.countries)),
		External:    Money{Key: key + ".external", Funding: store.SumFunding(t.external, rates, nil)},
		Own:         Money{Key: key + ".own", Funding: store.SumFunding(t.own, rates, nil)},
	}
	r.records[s.Figures.External.Key] = &t.extLines
	if !r.Public { // a public report has no own contribution
		r.records[s.Figures.Own.Key] = &t.ownLines
	}
	for c := range t.countries {
		s.Figures.Countries.Countries = append(s.Figures.Countries.Countries, c)
	}
	slices.Sort(s.Figures.Countries.Countries)
	for _, st := range append(slices.Clone(FollowUpStatuses), NoStatus) {
		if rec := elementStatus[st]; rec != nil {
			s.ElementStatus = append(s.ElementStatus, StatusCount{Status: st, Count: count("elements."+st, rec, len(rec.elements))})
		}
		if rec := t.engagementStatus[st]; rec != nil {
			s.EngagementStatus = append(s.EngagementStatus, StatusCount{Status: st, Count: count("status."+st, rec, len(rec.engagements))})
		}
	}
	for k, row := range t.rows {
		if !row.Converted {
			row.NOK.Minor = 0
		}
		s.MoneyRows = append(s.MoneyRows, row)
		r.records[row.Key] = t.rowRecords[k]
	}
	slices.SortFunc(s.MoneyRows, func(a, b *MoneyRow) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(slices.Index(utsyn.MoneyKinds, a.Kind), slices.Index(utsyn.MoneyKinds, b.Kind)),
			cmp.Compare(currencyRank(a.Amount.Currency), currencyRank(b.Amount.Currency)), cmp.Compare(a.Amount.Currency, b.Amount.Currency))
	})
	return s
}

// decisions lists what needs a decision: memberships to renew in the period or the months
// after it, memberships under review, and what is off track.
func (r *Report) decisions() []*Decision {
	var out []*Decision
	horizon := r.Period.To.Time().AddDate(0, DecisionMonths, 0)
	for _, e := range r.Engagements {
		if e.Kind == utsyn.KindMembership && !e.RenewalDate.IsZero() && !last(e.RenewalDate).Before(r.Period.From.Time()) &&
			!first(e.RenewalDate).After(horizon) && e.Status != utsyn.StatusEnded {
			out = append(out, &Decision{Kind: "renewal", Date: e.RenewalDate, Engagement: e})
		}
		if e.Kind == utsyn.KindMembership && e.Status == utsyn.StatusUnderReview {
			out = append(out, &Decision{Kind: "review", Engagement: e})
		}
		if e.Latest != nil && e.Latest.Status == "off_track" {
			out = append(out, &Decision{Kind: "off_track", Date: e.Latest.Date, Engagement: e, Update: e.Latest})
		}
	}
	for _, el := range r.Elements {
		if el.Latest != nil && el.Latest.Status == "off_track" {
			out = append(out, &Decision{Kind: "off_track", Date: el.Latest.Date, Element: el, Update: el.Latest})
		}
	}
	kinds := []string{"renewal", "review", "off_track"}
	slices.SortStableFunc(out, func(a, b *Decision) int {
		return cmp.Or(cmp.Compare(slices.Index(kinds, a.Kind), slices.Index(kinds, b.Kind)), cmp.Compare(a.Date.String(), b.Date.String()))
	})
	return out
}

// rollup rolls the elements' latest statuses up the strategy's tree by its rule.
func (r *Report) rollup(ctx context.Context, db *store.DB) error {
	rule, err := db.RollupRule(ctx, r.Strategy.ID)
	if err != nil {
		return err
	}
	settings, err := db.ElementSettings(ctx, r.Strategy.ID)
	if err != nil {
		return err
	}
	nodes := make([]utsyn.RollupNode, 0, len(r.Elements))
	for _, el := range r.Elements {
		n := utsyn.RollupNode{ID: el.ID, ParentID: el.ParentID, Weight: 1}
		if st, ok := settings[el.ID]; ok {
			n.Weight = st.Weight
		}
		if el.Latest != nil {
			n.Status = el.Latest.Status
		}
		nodes = append(nodes, n)
	}
	rolled := utsyn.Rollup(nodes, rule)
	r.RollupRule = rule
	for _, s := range r.Sections {
		if s.Element != nil {
			s.Rolled = rolled[s.Element.ID]
		}
	}
	return nil
}

// indicators reads the indicators of the strategy's elements, with their values (typed in, or
// computed from the register) and targets in the period's years.
func (r *Report) indicators(ctx context.Context, db *store.DB) error {
	if len(r.Elements) == 0 {
		return nil
	}
	ids := make([]int64, len(r.Elements))
	for i, el := range r.Elements {
		ids[i] = el.ID
	}
	list, err := db.ListIndicators(ctx, store.IndicatorFilter{OrgID: r.Org.ID, PublicOnly: r.Public, ElementIDs: ids})
	if err != nil {
		return err
	}
	for _, ind := range list {
		el := r.element[ind.ElementID]
		if el == nil {
			continue
		}
		var computed []utsyn.Point
		if ind.Source != utsyn.SourceManual {
			if computed, err = db.ComputeIndicator(ctx, ind, r.Period.To.Year); err != nil {
				return err
			}
		}
		in := &Indicator{Indicator: ind}
		for _, p := range ind.Series(computed) {
			if y := utsyn.PeriodYear(p.Period); y >= r.Period.From.Year && y <= r.Period.To.Year {
				in.Points = append(in.Points, p)
			}
		}
		el.Indicators = append(el.Indicators, in)
	}
	return nil
}

// Records are what a figure counts.
type Records struct {
	Key         string
	Engagements []*Engagement
	Elements    []*Element
	Money       []*MoneyLine
}

// Records returns the records behind the figure with the key, and whether there is one.
func (r *Report) Records(key string) (*Records, bool) {
	rec, ok := r.records[key]
	if !ok {
		return nil, false
	}
	out := &Records{Key: key}
	for _, id := range rec.engagements {
		out.Engagements = append(out.Engagements, r.engagement[id])
	}
	for _, id := range rec.elements {
		out.Elements = append(out.Elements, r.element[id])
	}
	for _, id := range rec.lines {
		out.Money = append(out.Money, r.line[id])
	}
	return out, true
}

// Describe names the figure with the key in the language: the section it is of, and what it
// counts. It reports false for a key the report does not have.
func (r *Report) Describe(key string, lang i18n.Lang, cat *i18n.Catalog) (section, figure string, ok bool) {
	if _, ok := r.records[key]; !ok {
		return "", "", false
	}
	v := &view{Report: r, Lang: lang, cat: cat}
	prefix, rest, _ := strings.Cut(key, ".")
	switch prefix {
	case "total":
		section = v.T("report.figures.total")
	case "other":
		section = v.T("report.other.title")
	default:
		for _, s := range r.Sections {
			if s.Key == prefix && s.Element != nil {
				section = strings.TrimSpace(s.Element.Code + " " + v.S(s.Element.Title))
			}
		}
	}
	if prefix == "decisions" {
		return v.T("report.decisions.title"), v.T(map[string]string{"renewal": "report.decisions.renewal", "review": "report.decisions.review",
			"off_track": "report.status.off_track"}[rest]), true
	}
	name, detail, _ := strings.Cut(rest, ".")
	switch name {
	case "engagements", "new", "completed", "memberships", "countries", "external", "own", "continued":
		figure = v.T("report.figures." + name)
	case "status":
		figure = v.T("report.status.engagements") + ": " + v.T("report.status."+detail)
	case "elements":
		figure = v.T("report.status.elements") + ": " + v.T("report.status."+detail)
	case "money":
		parts := strings.Split(detail, ".")
		if len(parts) == 3 {
			figure = parts[0] + ", " + v.MoneyKind(parts[1]) + ", " + parts[2]
		}
	}
	return section, figure, true
}

// Engagement returns the counted engagement with the id, or nil.
func (r *Report) Engagement(id int64) *Engagement { return r.engagement[id] }

// Element returns the strategy element with the id, or nil.
func (r *Report) Element(id int64) *Element { return r.element[id] }

// Empty reports whether the period has nothing to report: no engagement ran in it and no
// measure was followed up.
func (r *Report) Empty() bool {
	if len(r.Engagements) > 0 {
		return false
	}
	if r.Public {
		return true
	}
	for _, el := range r.Elements {
		if el.Latest != nil && !first(el.Latest.Date).Before(r.Period.From.Time()) {
			return false
		}
		for _, in := range el.Indicators {
			if len(in.Points) > 0 {
				return false
			}
		}
	}
	return true
}

func roundMinor(f float64) int64 {
	if f < 0 {
		return -int64(-f + 0.5)
	}
	return int64(f + 0.5)
}

func currencyRank(c string) int {
	if c == "NOK" {
		return 0
	}
	return 1
}

// sortByTitle sorts by the folded title, as the register's list does.
func sortByTitle(es []*Engagement) {
	slices.SortFunc(es, func(a, b *Engagement) int {
		return cmp.Or(strings.Compare(a.TitleSort, b.TitleSort), cmp.Compare(a.ID, b.ID))
	})
}
