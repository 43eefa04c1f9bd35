package utsyn

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Follow-up: how the work under a strategy goes. Status updates say how an engagement or a
// strategy element (a measure, usually) is doing; milestones say what is due when; indicators
// measure what the strategy aims at, against targets per period; and the statuses of measures
// roll up the tree to focus areas, priorities and goals by a rule the strategy chooses.

// Follow-up statuses: how an item is doing.
const (
	FollowOnTrack  = "on_track"  // på sporet
	FollowAtRisk   = "at_risk"   // risiko
	FollowOffTrack = "off_track" // avvik
	FollowDone     = "done"      // fullført
)

// FollowStatuses lists the statuses from the best to the worst, done first.
var FollowStatuses = []string{FollowDone, FollowOnTrack, FollowAtRisk, FollowOffTrack}

// Update cadences: how often an item's status must be told.
const (
	CadenceNone       = "none"
	CadenceMonthly    = "monthly"
	CadenceQuarterly  = "quarterly"
	CadenceHalfYearly = "half_yearly"
	CadenceYearly     = "yearly"
)

// Cadences lists the cadences, most often first; "" (not set) means none.
var Cadences = []string{CadenceMonthly, CadenceQuarterly, CadenceHalfYearly, CadenceYearly, CadenceNone}

// CadenceMonths is how many months an update stays fresh under the cadence; 0 when no update
// is expected.
func CadenceMonths(cadence string) int {
	return map[string]int{CadenceMonthly: 1, CadenceQuarterly: 3, CadenceHalfYearly: 6, CadenceYearly: 12}[cadence]
}

// Limits of follow-up texts: a status update is told in a few sentences.
const (
	MaxNarrative = 2000
	MaxEvidence  = 10
)

// StatusUpdate says how an engagement or a strategy element is doing on a date. Exactly one of
// EngagementID and ElementID is set. A "no change since last time" update repeats the last
// status, with NoChange set and no narrative of its own.
type StatusUpdate struct {
	ID           int64
	OrgID        int64
	EngagementID int64
	ElementID    int64
	Date         Date // known to the day
	Status       string
	Narrative    string
	Evidence     []Link
	NoChange     bool
	AuthorID     int64 // 0 when the author's account is gone, or for the system
	AuthorLabel  string
	CreatedAt    time.Time
}

// ValidateStatusUpdate checks an update's own fields.
func ValidateStatusUpdate(u *StatusUpdate) error {
	var p Problems
	if (u.EngagementID == 0) == (u.ElementID == 0) {
		p.Add("item", "error.reference")
	}
	if u.Date.Day == 0 {
		p.Add("date", "error.date_day")
	}
	if !slices.Contains(FollowStatuses, u.Status) {
		p.Add("status", "error.status")
	}
	if utf8.RuneCountInString(u.Narrative) > MaxNarrative {
		p.Add("narrative", "error.too_long")
	} else if !utf8.ValidString(u.Narrative) {
		p.Add("narrative", "error.encoding")
	}
	if len(u.Evidence) > MaxEvidence {
		p.Add("evidence", "error.too_many")
	}
	for _, l := range u.Evidence {
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || len(l.URL) > 2000 || strings.ContainsAny(l.URL, " \t\n") {
			p.Add("evidence", "error.url")
			break
		}
	}
	return p.Err()
}

// Milestone is a dated step of an engagement or a strategy element; it is done when DoneOn is
// set. Exactly one of EngagementID and ElementID is set.
type Milestone struct {
	ID           int64
	OrgID        int64
	EngagementID int64
	ElementID    int64
	Title        string
	Due          Date
	DoneOn       Date // zero while not done
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Done reports whether the milestone is done.
func (m *Milestone) Done() bool { return !m.DoneOn.IsZero() }

// Late reports whether the milestone is not done and its due date has passed by today.
func (m *Milestone) Late(today Date) bool {
	return !m.Done() && !m.Due.IsZero() && Before(m.Due, today)
}

// ValidateMilestone checks a milestone's own fields.
func ValidateMilestone(m *Milestone) error {
	var p Problems
	if (m.EngagementID == 0) == (m.ElementID == 0) {
		p.Add("item", "error.reference")
	}
	switch t := strings.TrimSpace(m.Title); {
	case t == "":
		p.Add("title", "error.required")
	case utf8.RuneCountInString(t) > MaxShort:
		p.Add("title", "error.too_long")
	}
	if m.Due.IsZero() {
		p.Add("due", "error.required")
	}
	return p.Err()
}

// Before reports whether the last day of a is before the first day of b: a date known only to
// the month or year is not passed until the month or year has ended.
func Before(a, b Date) bool { return lastDay(a).Before(b.Time()) }

// lastDay is the first moment of the last day a date can mean.
func lastDay(d Date) time.Time {
	switch {
	case d.Month == 0:
		return time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	case d.Day == 0:
		return time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.Time()
}

// DateOf is the day of a moment in its own location.
func DateOf(t time.Time) Date { return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()} }

// AddMonths moves a day date by whole months, to the last day of a shorter month (31 January
// and one month is 28 or 29 February).
func AddMonths(d Date, months int) Date {
	m := int(d.Month) - 1 + months
	y := d.Year + m/12
	if m%12 < 0 {
		y--
	}
	month := time.Month((m%12+12)%12 + 1)
	day := d.Day
	if n := daysIn(y, month); day > n {
		day = n
	}
	return Date{Year: y, Month: month, Day: day}
}

// Due is when an item's next status update is due under its cadence, after its last one on
// last: zero when the cadence expects none, or when the item was never updated (it is due
// now).
func Due(cadence string, last Date) Date {
	n := CadenceMonths(cadence)
	if n == 0 || last.IsZero() {
		return Date{}
	}
	return AddMonths(last, n)
}

// Overdue reports whether an item's status update is overdue on today: its cadence expects
// updates, and it has had none, or its last is older than the cadence allows.
func Overdue(cadence string, last, today Date) bool {
	if CadenceMonths(cadence) == 0 {
		return false
	}
	if last.IsZero() {
		return true
	}
	return Before(Due(cadence, last), today)
}

// Indicator directions: whether more or less is better.
const (
	DirectionHigher = "higher"
	DirectionLower  = "lower"
)

// Indicator sources: where an indicator's values come from.
const (
	SourceManual   = "manual"   // typed in, period by period
	SourceRegister = "register" // counted or summed from the engagement register
	SourceRegional = "regional" // counted or summed from regional participation in EU programmes
)

// IndicatorSources lists the sources.
var IndicatorSources = []string{SourceManual, SourceRegister, SourceRegional}

// What a computed indicator counts or sums.
const (
	MeasureEngagements    = "engagements"       // register: engagements running in the year
	MeasureMoney          = "money"             // register: money lines of the year, summed in one currency
	MeasureParticipations = "participations"    // regional: participations in projects of the year
	MeasureCoordinators   = "coordinator_roles" // regional: participations as coordinator
	MeasureGrantedEUR     = "granted_eur"       // regional: EUR granted
)

// MeasuresOf lists what an indicator of the source can count or sum.
func MeasuresOf(source string) []string {
	switch source {
	case SourceRegister:
		return []string{MeasureEngagements, MeasureMoney}
	case SourceRegional:
		return []string{MeasureParticipations, MeasureCoordinators, MeasureGrantedEUR}
	}
	return nil
}

// IndicatorQuery says what a computed indicator counts or sums, per year. It is stored as JSON
// in indicators.query. Every filter left empty selects all.
type IndicatorQuery struct {
	Measure string `json:"measure"`
	// The register: engagements of these kinds and statuses, linked to the element (the
	// indicator's own when ElementID is 0) or, unless OwnOnly, to anything under it.
	Kinds      []string `json:"kinds,omitempty"`
	Statuses   []string `json:"statuses,omitempty"`
	ElementID  int64    `json:"element_id,omitempty"`
	OwnOnly    bool     `json:"own_only,omitempty"`
	MoneyKinds []string `json:"money_kinds,omitempty"` // for money
	Currency   string   `json:"currency,omitempty"`    // for money: the sum's currency; NOK when empty
	// Regional participation: participants in the county (its number, "11" for Rogaland) in
	// projects of these programmes (as the data names them, case aside) from these sources.
	County     string   `json:"county,omitempty"`
	Programmes []string `json:"programmes,omitempty"`
	Sources    []string `json:"sources,omitempty"`
	// The years to compute, inclusive; from the first year the records give to the current
	// year when zero.
	From int `json:"from,omitempty"`
	To   int `json:"to,omitempty"`
}

// Target is what an indicator aims at in a period. Example marks a target that the sources do
// not give (demo content).
type Target struct {
	Period  string  `json:"period"`
	Value   float64 `json:"value"`
	Example bool    `json:"example"`
}

// Value is one typed-in value of a manual indicator. A revision is a new Value whose
// ReplacesID names the one it replaces, which stays, no longer Current; the revision's Comment
// says why.
type Value struct {
	ID          int64
	IndicatorID int64
	Period      string
	Value       float64
	Comment     string
	ReplacesID  int64
	Current     bool
	AuthorID    int64
	AuthorLabel string
	CreatedAt   time.Time
}

// Indicator measures what a strategy element aims at.
type Indicator struct {
	ID             int64
	OrgID          int64
	ElementID      int64
	Name           Text
	Description    Text
	Unit           Text // "" in every language when nobody has said: shown as missing
	Direction      string
	Baseline       *float64
	BaselinePeriod string
	Source         string
	Query          IndicatorQuery // for computed indicators
	Public         bool
	Position       int
	Targets        []Target // by period
	Values         []Value  // manual values, every revision, oldest first
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Point is an indicator's value in one period, with the target for it. A point whose value
// could not be worked out says what is missing.
type Point struct {
	Period    string   `json:"period"`
	Value     *float64 `json:"value"`
	Target    *float64 `json:"target"`
	Example   bool     `json:"target_example"` // the target is an example
	Missing   string   `json:"missing,omitempty"`
	Revisions int      `json:"revisions,omitempty"` // manual: earlier values replaced
}

// Periods of indicators: a year ("2024"), a half ("2024-H1") or a quarter ("2024-Q3"), or a
// month ("2024-06"). Periods of the same kind sort in time order as text.
func validPeriod(s string) bool {
	if len(s) < 4 {
		return false
	}
	y := s[:4]
	for _, c := range y {
		if c < '0' || c > '9' {
			return false
		}
	}
	rest := s[4:]
	switch {
	case rest == "":
		return true
	case rest == "-H1" || rest == "-H2":
		return true
	case len(rest) == 3 && rest[:2] == "-Q" && rest[2] >= '1' && rest[2] <= '4':
		return true
	case len(rest) == 3 && rest[0] == '-':
		_, err := ParseDate(s)
		return err == nil
	}
	return false
}

// ValidPeriod reports whether s is a period an indicator can have a value or target for.
func ValidPeriod(s string) bool { return validPeriod(s) }

// ValidateIndicator checks an indicator's own fields, its query and its targets.
func ValidateIndicator(ind *Indicator) error {
	var p Problems
	checkText(&p, "name", ind.Name, true, MaxTitle)
	checkText(&p, "description", ind.Description, false, MaxText)
	checkText(&p, "unit", ind.Unit, false, 60)
	if ind.Direction != DirectionHigher && ind.Direction != DirectionLower {
		p.Add("direction", "error.direction")
	}
	if ind.Baseline != nil && (math.IsNaN(*ind.Baseline) || math.IsInf(*ind.Baseline, 0)) {
		p.Add("baseline", "error.number")
	}
	if ind.BaselinePeriod != "" && !validPeriod(ind.BaselinePeriod) {
		p.Add("baseline_period", "error.period")
	}
	if ind.Baseline != nil && ind.BaselinePeriod == "" {
		p.Add("baseline_period", "error.required")
	}
	if !slices.Contains(IndicatorSources, ind.Source) {
		p.Add("source", "error.source")
	} else {
		validateQuery(&p, ind.Source, &ind.Query)
	}
	seen := map[string]bool{}
	for _, t := range ind.Targets {
		if !validPeriod(t.Period) {
			p.Add("targets", "error.period")
			break
		}
		if seen[t.Period] {
			p.Add("targets", "error.duplicate_period")
			break
		}
		if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) {
			p.Add("targets", "error.number")
			break
		}
		seen[t.Period] = true
	}
	return p.Err()
}

func validateQuery(p *Problems, source string, q *IndicatorQuery) {
	if source == SourceManual {
		return
	}
	if !slices.Contains(MeasuresOf(source), q.Measure) {
		p.Add("measure", "error.measure")
	}
	for _, k := range q.Kinds {
		if !slices.Contains(EngagementKinds, k) {
			p.Add("kinds", "error.kind")
			break
		}
	}
	for _, s := range q.Statuses {
		if !slices.Contains(EngagementStatuses, s) {
			p.Add("statuses", "error.status")
			break
		}
	}
	for _, k := range q.MoneyKinds {
		if !slices.Contains(MoneyKinds, k) {
			p.Add("money_kinds", "error.money_kind")
			break
		}
	}
	if q.Currency != "" && !slices.Contains(Currencies, q.Currency) {
		p.Add("currency", "error.currency")
	}
	if source == SourceRegional && strings.TrimSpace(q.County) == "" {
		p.Add("county", "error.required")
	}
	checkShort(p, "county", q.County)
	for _, s := range append(slices.Clone(q.Programmes), q.Sources...) {
		if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > 100 {
			p.Add("programmes", "error.invalid")
			break
		}
	}
	for field, y := range map[string]int{"from": q.From, "to": q.To} {
		if y != 0 && (y < 1990 || y > 2100) {
			p.Add(field, "error.year")
		}
	}
	if q.From != 0 && q.To != 0 && q.To < q.From {
		p.Add("to", "error.period_order")
	}
}

// ValidateValue checks a typed-in indicator value; a revision needs a reason.
func ValidateValue(v *Value) error {
	var p Problems
	if !validPeriod(v.Period) {
		p.Add("period", "error.period")
	}
	if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		p.Add("value", "error.number")
	}
	if utf8.RuneCountInString(v.Comment) > MaxNarrative {
		p.Add("comment", "error.too_long")
	}
	if v.ReplacesID != 0 && strings.TrimSpace(v.Comment) == "" {
		p.Add("comment", "error.reason_required")
	}
	return p.Err()
}

// Missing names what an indicator lacks to be read against its aim: its unit, any target, or
// (for a computed one that converts money) a rate; the keys are catalog keys.
func (ind *Indicator) Missing() []string {
	var out []string
	if ind.Unit.IsZero() {
		out = append(out, "unit")
	}
	if len(ind.Targets) == 0 {
		out = append(out, "target")
	}
	return out
}

// Target returns the target for the period, or nil.
func (ind *Indicator) Target(period string) *Target {
	for i := range ind.Targets {
		if ind.Targets[i].Period == period {
			return &ind.Targets[i]
		}
	}
	return nil
}

// CurrentValues returns the manual values in force, by period.
func (ind *Indicator) CurrentValues() []Value {
	var out []Value
	for _, v := range ind.Values {
		if v.Current {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b Value) int { return strings.Compare(a.Period, b.Period) })
	return out
}

// Series joins values with the targets: one point per period that has either, in period
// order. computed gives the values of a computed indicator; a manual one uses its own.
func (ind *Indicator) Series(computed []Point) []Point {
	byPeriod := map[string]*Point{}
	var order []string
	at := func(period string) *Point {
		if pt, ok := byPeriod[period]; ok {
			return pt
		}
		pt := &Point{Period: period}
		byPeriod[period] = pt
		order = append(order, period)
		return pt
	}
	if ind.Source == SourceManual {
		revisions := map[string]int{}
		for _, v := range ind.Values {
			if !v.Current {
				revisions[v.Period]++
			}
		}
		for _, v := range ind.CurrentValues() {
			pt := at(v.Period)
			x := v.Value
			pt.Value, pt.Revisions = &x, revisions[v.Period]
		}
	} else {
		for _, c := range computed {
			pt := at(c.Period)
			pt.Value, pt.Missing = c.Value, c.Missing
		}
	}
	for _, t := range ind.Targets {
		pt := at(t.Period)
		x := t.Value
		pt.Target, pt.Example = &x, t.Example
	}
	slices.Sort(order)
	out := make([]Point, len(order))
	for i, period := range order {
		out[i] = *byPeriod[period]
	}
	return out
}

// Met reports whether a value reaches the target in the indicator's direction.
func (ind *Indicator) Met(value, target float64) bool {
	if ind.Direction == DirectionLower {
		return value <= target
	}
	return value >= target
}

// Roll-up rules: how the statuses of the elements under an element make its status.
const (
	RollupWorst    = "worst"    // the worst status below
	RollupWeighted = "weighted" // a weighted mean of scores, against thresholds
)

// RollupRules lists the rules.
var RollupRules = []string{RollupWorst, RollupWeighted}

// The weighted rule's scores and thresholds: a status scores 1 (done, on track), 0.5 (at
// risk) or 0 (off track); a weighted mean from RollupOnTrack up is on track, from RollupAtRisk
// up at risk, and below that off track.
const (
	RollupOnTrack = 0.75
	RollupAtRisk  = 0.4
)

// StatusScore is what a status counts for in a weighted roll-up.
func StatusScore(status string) float64 {
	switch status {
	case FollowDone, FollowOnTrack:
		return 1
	case FollowAtRisk:
		return 0.5
	}
	return 0
}

// rank orders statuses from the best (done) to the worst (off track).
func rank(status string) int { return slices.Index(FollowStatuses, status) }

// RollupNode is one element of a tree to roll up: its parent, its weight among its siblings,
// its own latest status ("" when it has none) and its own progress (0 to 1: 1 when done, else
// the share of its milestones that are done).
type RollupNode struct {
	ID       int64
	ParentID int64
	Weight   float64
	Status   string
	Progress float64
}

// RollupTerm is one child's part in a weighted roll-up: its weight and its score.
type RollupTerm struct {
	ID     int64
	Weight float64
	Score  float64
}

// Rolled is what the roll-up makes of an element: its status and progress, and what they were
// made from, so that a page can show the rule beside the figure.
type Rolled struct {
	Rule     string
	Status   string         // "" when nothing under it, nor itself, has a status
	Own      bool           // the status is the element's own (it is a leaf, or nothing under it has one)
	Progress float64        // 0 to 1, weighted over the children
	Leaves   int            // the leaves (measures, usually) under it, itself when it is one
	ByStatus map[string]int // the leaves by their own status; "" counts those without
	Score    float64        // the weighted mean score (weighted rule), when Status is set
	Terms    []RollupTerm   // the weighted rule's terms, child by child
}

// Rollup rolls the statuses and progress of a tree's leaves up to every element under the
// rule: worst-of (the worst status of the children; done only when every child is done) or
// weighted (the weighted mean score of the children, with a weight of 0 leaving a child out).
// Nodes whose parent is not in the list are roots. It is a pure function of its input.
func Rollup(nodes []RollupNode, rule string) map[int64]*Rolled {
	children := map[int64][]RollupNode{}
	ids := map[int64]bool{}
	for _, n := range nodes {
		ids[n.ID] = true
	}
	for _, n := range nodes {
		parent := n.ParentID
		if !ids[parent] {
			parent = 0
		}
		children[parent] = append(children[parent], n)
	}
	out := map[int64]*Rolled{}
	var roll func(n RollupNode) *Rolled
	roll = func(n RollupNode) *Rolled {
		r := &Rolled{Rule: rule, ByStatus: map[string]int{}}
		out[n.ID] = r
		kids := children[n.ID]
		if len(kids) == 0 {
			r.Status, r.Own, r.Progress, r.Leaves = n.Status, n.Status != "", clamp01(n.Progress), 1
			if n.Status == FollowDone {
				r.Progress = 1
			}
			r.ByStatus[n.Status]++
			if n.Status != "" {
				r.Score = StatusScore(n.Status)
			}
			return r
		}
		var weights, progress, scored, score float64
		worst, known, done := "", 0, 0
		for _, k := range kids {
			c := roll(k)
			r.Leaves += c.Leaves
			for s, count := range c.ByStatus {
				r.ByStatus[s] += count
			}
			w := k.Weight
			if w < 0 || math.IsNaN(w) {
				w = 0
			}
			if rule != RollupWeighted {
				w = 1
			}
			weights += w
			progress += w * c.Progress
			if c.Status == "" {
				continue
			}
			known++
			if c.Status == FollowDone {
				done++
			}
			if worst == "" || rank(c.Status) > rank(worst) {
				worst = c.Status
			}
			if w > 0 {
				r.Terms = append(r.Terms, RollupTerm{ID: k.ID, Weight: w, Score: c.Score})
				scored += w
				score += w * c.Score
			}
		}
		if weights > 0 {
			r.Progress = progress / weights
		}
		switch {
		case known == 0:
			// Nothing under it has a status: its own, if it has one, stands.
			r.Status, r.Own = n.Status, n.Status != ""
			if n.Status != "" {
				r.Score = StatusScore(n.Status)
			}
			r.Terms = nil
		case done == len(kids):
			r.Status, r.Score = FollowDone, 1
		case rule == RollupWeighted:
			if scored == 0 {
				r.Terms = nil
				break
			}
			r.Score = score / scored
			switch {
			case r.Score >= RollupOnTrack:
				r.Status = FollowOnTrack
			case r.Score >= RollupAtRisk:
				r.Status = FollowAtRisk
			default:
				r.Status = FollowOffTrack
			}
		default:
			r.Status = worst
			if worst == FollowDone { // done only when every child is
				r.Status = FollowOnTrack
			}
			r.Score = StatusScore(r.Status)
		}
		return r
	}
	for _, root := range children[0] {
		roll(root)
	}
	return out
}

func clamp01(f float64) float64 {
	switch {
	case math.IsNaN(f) || f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

// ValidateWeight checks an element's weight in a weighted roll-up.
func ValidateWeight(w float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 || w > 1000 {
		return &Error{Code: EINVALID, Message: "error.weight", Field: "weight"}
	}
	return nil
}

// ValidateCadence checks an update cadence; "" is none.
func ValidateCadence(c string) error {
	if c != "" && !slices.Contains(Cadences, c) {
		return &Error{Code: EINVALID, Message: "error.cadence", Field: "cadence"}
	}
	return nil
}

// PeriodYear is the year a period falls in.
func PeriodYear(period string) int {
	var y int
	fmt.Sscanf(period, "%4d", &y)
	return y
}
