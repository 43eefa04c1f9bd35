package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
)

// Indicators of strategy elements: their targets, their typed-in values (a revision adds a
// value and keeps the one it replaces), and the values of computed indicators, worked out per
// year from the engagement register or from regional participation in EU programmes.

// IndicatorFilter selects indicators; zero fields select all.
type IndicatorFilter struct {
	OrgID      int64
	PublicOnly bool
	ElementIDs []int64
	IDs        []int64
}

const indicatorColumns = `id, org_id, element_id, name, description, unit, direction, baseline, baseline_period, source, query,
	public, position, version, created_at, updated_at`

func scanIndicator(row interface{ Scan(...any) error }) (*utsyn.Indicator, error) {
	ind := &utsyn.Indicator{}
	var baseline sql.NullFloat64
	var query string
	if err := row.Scan(&ind.ID, &ind.OrgID, &ind.ElementID, &ind.Name, &ind.Description, &ind.Unit, &ind.Direction, &baseline,
		&ind.BaselinePeriod, &ind.Source, &query, &ind.Public, &ind.Position, &ind.Version, &ind.CreatedAt, &ind.UpdatedAt); err != nil {
		return nil, err
	}
	if baseline.Valid {
		ind.Baseline = &baseline.Float64
	}
	if err := json.Unmarshal([]byte(query), &ind.Query); err != nil {
		return nil, fmt.Errorf("indicator %d query: %w", ind.ID, err)
	}
	return ind, nil
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func floatString(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func indicatorFields(ind *utsyn.Indicator) []field {
	var targets []string
	for _, t := range ind.Targets {
		s := t.Period + ": " + strconv.FormatFloat(t.Value, 'f', -1, 64)
		if t.Example {
			s += " (example)"
		}
		targets = append(targets, s)
	}
	query := ""
	if ind.Source != utsyn.SourceManual {
		query = jsonText(ind.Query)
	}
	return []field{
		{"element", idString(ind.ElementID)},
		{"name", textValue(ind.Name)},
		{"description", textValue(ind.Description)},
		{"unit", textValue(ind.Unit)},
		{"direction", ind.Direction},
		{"baseline", floatString(ind.Baseline)},
		{"baseline_period", ind.BaselinePeriod},
		{"source", ind.Source},
		{"query", query},
		{"public", strconv.FormatBool(ind.Public)},
		{"targets", strings.Join(targets, "; ")},
	}
}

// prepareIndicator tidies and checks an indicator and the element it measures.
func (tx *Tx) prepareIndicator(ctx context.Context, ind *utsyn.Indicator) error {
	ind.BaselinePeriod = strings.TrimSpace(ind.BaselinePeriod)
	if ind.Source == utsyn.SourceManual {
		ind.Query = utsyn.IndicatorQuery{}
	}
	slices.SortFunc(ind.Targets, func(a, b utsyn.Target) int { return strings.Compare(a.Period, b.Period) })
	var extra utsyn.Problems
	for field, id := range map[string]int64{"element": ind.ElementID, "element_id": ind.Query.ElementID} {
		if id == 0 && field == "element_id" {
			continue
		}
		if _, err := itemLabel(ctx, tx.tx, ind.OrgID, Item{ItemElement, id}); utsyn.IsNotFound(err) {
			extra.Add(field, "error.reference")
		} else if err != nil {
			return err
		}
	}
	return invalid(utsyn.ValidateIndicator(ind), extra)
}

// AddIndicator stores a new indicator of one of the organisation's elements, with its targets.
func (tx *Tx) AddIndicator(ctx context.Context, ind *utsyn.Indicator) error {
	if err := tx.prepareIndicator(ctx, ind); err != nil {
		return err
	}
	if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM indicators WHERE element_id = $1`, ind.ElementID).Scan(&ind.Position); err != nil {
		return fmt.Errorf("add indicator: %w", err)
	}
	ind.Version, ind.CreatedAt, ind.UpdatedAt = 1, tx.now, tx.now
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO indicators (org_id, element_id, name, description, unit, direction, baseline,
		baseline_period, source, query, public, position, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		ind.OrgID, ind.ElementID, ind.Name, ind.Description, ind.Unit, ind.Direction, nullFloat(ind.Baseline), ind.BaselinePeriod,
		ind.Source, jsonText(ind.Query), ind.Public, ind.Position, ind.Version, tx.now, tx.now).Scan(&ind.ID); err != nil {
		return fmt.Errorf("add indicator: %w", err)
	}
	if err := tx.writeTargets(ctx, ind); err != nil {
		return err
	}
	return tx.Record(ctx, ind.OrgID, "create", "indicator", ind.ID, label("", ind.Name), created(indicatorFields(ind)))
}

func (tx *Tx) writeTargets(ctx context.Context, ind *utsyn.Indicator) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM indicator_targets WHERE indicator_id = $1`, ind.ID); err != nil {
		return fmt.Errorf("write targets: %w", err)
	}
	for _, t := range ind.Targets {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO indicator_targets (indicator_id, period, value, example) VALUES ($1, $2, $3, $4)`,
			ind.ID, t.Period, t.Value, t.Example); err != nil {
			return fmt.Errorf("write targets: %w", err)
		}
	}
	return nil
}

// UpdateIndicator stores a new version of an indicator and its targets; its values stay.
// ind.Version is the version the form was read at: a stale one is refused.
func (tx *Tx) UpdateIndicator(ctx context.Context, ind *utsyn.Indicator) error {
	before, err := findIndicator(ctx, tx.tx, ind.OrgID, ind.ID)
	if err != nil {
		return err
	}
	if before.Version != ind.Version {
		return stale()
	}
	if err := tx.prepareIndicator(ctx, ind); err != nil {
		return err
	}
	ind.Position, ind.CreatedAt, ind.Values = before.Position, before.CreatedAt, before.Values
	diff := changes(indicatorFields(before), indicatorFields(ind))
	if len(diff) == 0 {
		ind.UpdatedAt = before.UpdatedAt
		return nil
	}
	if err := tx.updateVersioned(ctx, "indicator", `UPDATE indicators SET element_id = $1, name = $2, description = $3, unit = $4,
		direction = $5, baseline = $6, baseline_period = $7, source = $8, query = $9, public = $10, version = version + 1,
		updated_at = $11 WHERE id = $12 AND version = $13`,
		ind.ElementID, ind.Name, ind.Description, ind.Unit, ind.Direction, nullFloat(ind.Baseline), ind.BaselinePeriod, ind.Source,
		jsonText(ind.Query), ind.Public, tx.now, ind.ID, ind.Version); err != nil {
		return err
	}
	if err := tx.writeTargets(ctx, ind); err != nil {
		return err
	}
	ind.Version, ind.UpdatedAt = before.Version+1, tx.now
	return tx.Record(ctx, ind.OrgID, "update", "indicator", ind.ID, label("", ind.Name), diff)
}

// AddValue stores a typed-in value of one of the organisation's manual indicators. A value for
// a period that has one already is a revision: v.ReplacesID must name the value in force (a
// value revised meanwhile is refused as stale), and v.Comment says why; the old value stays,
// no longer current.
func (tx *Tx) AddValue(ctx context.Context, orgID int64, v *utsyn.Value) error {
	v.Period, v.Comment = strings.TrimSpace(v.Period), strings.TrimSpace(v.Comment)
	ind, err := findIndicator(ctx, tx.tx, orgID, v.IndicatorID)
	if err != nil {
		return err
	}
	if ind.Source != utsyn.SourceManual {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.computed_indicator", Field: "value"}
	}
	if err := utsyn.ValidateValue(v); err != nil {
		return err
	}
	var current *utsyn.Value
	for i := range ind.Values {
		if ind.Values[i].Current && ind.Values[i].Period == v.Period {
			current = &ind.Values[i]
		}
	}
	switch {
	case current == nil && v.ReplacesID != 0, current != nil && current.ID != v.ReplacesID:
		return stale()
	}
	v.Current, v.AuthorLabel, v.CreatedAt = true, tx.label(), tx.now
	if tx.actor != nil && tx.actor.User != nil {
		v.AuthorID = tx.actor.User.ID
	}
	before := ""
	if current != nil {
		before = strconv.FormatFloat(current.Value, 'f', -1, 64)
		if _, err := tx.tx.ExecContext(ctx, `UPDATE indicator_values SET current = $1 WHERE id = $2`, false, current.ID); err != nil {
			return fmt.Errorf("revise value: %w", err)
		}
	}
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO indicator_values (indicator_id, period, value, comment, replaces_id, current,
		author_id, author_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		v.IndicatorID, v.Period, v.Value, v.Comment, nullID(v.ReplacesID), true, nullID(v.AuthorID), v.AuthorLabel, tx.now).Scan(&v.ID); err != nil {
		return fmt.Errorf("add value: %w", err)
	}
	action := "create"
	if current != nil {
		action = "revise"
	}
	return tx.Record(ctx, orgID, action, "indicator_value", v.ID, label("", ind.Name)+" "+v.Period, []utsyn.Change{
		{Field: "period", After: v.Period},
		{Field: "value", Before: before, After: strconv.FormatFloat(v.Value, 'f', -1, 64)},
		{Field: "comment", After: v.Comment},
	})
}

// FindIndicator returns one of the organisation's indicators with its targets and every value.
func (db *DB) FindIndicator(ctx context.Context, orgID, id int64) (*utsyn.Indicator, error) {
	return findIndicator(ctx, db.reads(), orgID, id)
}

func findIndicator(ctx context.Context, q queryer, orgID, id int64) (*utsyn.Indicator, error) {
	ind, err := scanIndicator(q.QueryRowContext(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE id = $1 AND org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("indicator")
	} else if err != nil {
		return nil, fmt.Errorf("find indicator %d: %w", id, err)
	}
	if err := fillIndicators(ctx, q, []*utsyn.Indicator{ind}); err != nil {
		return nil, err
	}
	return ind, nil
}

// ListIndicators returns indicators with their targets and values, by element and position.
func (db *DB) ListIndicators(ctx context.Context, f IndicatorFilter) ([]*utsyn.Indicator, error) {
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	if f.PublicOnly {
		args = append(args, true)
		where = append(where, fmt.Sprintf("public = $%d", len(args)))
	}
	inList := func(column string, ids []int64) {
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = strconv.FormatInt(id, 10)
		}
		where = append(where, column+" IN ("+strings.Join(s, ",")+")")
	}
	if f.ElementIDs != nil {
		if len(f.ElementIDs) == 0 {
			return nil, nil
		}
		inList("element_id", f.ElementIDs)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		inList("id", f.IDs)
	}
	var out []*utsyn.Indicator
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		ind, err := scanIndicator(r)
		if err != nil {
			return err
		}
		out = append(out, ind)
		return nil
	}, `SELECT `+indicatorColumns+` FROM indicators WHERE `+strings.Join(where, " AND ")+` ORDER BY element_id, position, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	if err := fillIndicators(ctx, db.reads(), out); err != nil {
		return nil, err
	}
	return out, nil
}

func fillIndicators(ctx context.Context, q queryer, inds []*utsyn.Indicator) error {
	if len(inds) == 0 {
		return nil
	}
	byID := map[int64]*utsyn.Indicator{}
	ids := make([]string, len(inds))
	for i, ind := range inds {
		byID[ind.ID] = ind
		ids[i] = strconv.FormatInt(ind.ID, 10)
	}
	in := strings.Join(ids, ",")
	err := eachRow(ctx, q, func(r *sql.Rows) error {
		var id int64
		var t utsyn.Target
		if err := r.Scan(&id, &t.Period, &t.Value, &t.Example); err != nil {
			return err
		}
		byID[id].Targets = append(byID[id].Targets, t)
		return nil
	}, `SELECT indicator_id, period, value, example FROM indicator_targets WHERE indicator_id IN (`+in+`) ORDER BY indicator_id, period`)
	if err != nil {
		return fmt.Errorf("indicator targets: %w", err)
	}
	err = eachRow(ctx, q, func(r *sql.Rows) error {
		var v utsyn.Value
		if err := r.Scan(&v.ID, &v.IndicatorID, &v.Period, &v.Value, &v.Comment, &v.ReplacesID, &v.Current, &v.AuthorID,
			&v.AuthorLabel, &v.CreatedAt); err != nil {
			return err
		}
		byID[v.IndicatorID].Values = append(byID[v.IndicatorID].Values, v)
		return nil
	}, `SELECT id, indicator_id, period, value, comment, coalesce(replaces_id, 0), current, coalesce(author_id, 0), author_label,
		created_at FROM indicator_values WHERE indicator_id IN (`+in+`) ORDER BY indicator_id, period, id`)
	if err != nil {
		return fmt.Errorf("indicator values: %w", err)
	}
	return nil
}

// Computed indicators

// maxYears bounds the years one computed indicator spans.
const maxYears = 60

// ComputeIndicator works out a computed indicator's value for each year of its query: from the
// engagement register or from regional participation. thisYear ends a range the query leaves
// open. A year whose value could not be worked out has Missing set: "rate:EUR:2024" when the
// exchange rate of EUR for 2024 is needed and not set. A manual indicator computes nothing.
func (db *DB) ComputeIndicator(ctx context.Context, ind *utsyn.Indicator, thisYear int) ([]utsyn.Point, error) {
	var points []utsyn.Point
	var err error
	switch ind.Source {
	case utsyn.SourceRegister:
		if ind.Query.Measure == utsyn.MeasureMoney {
			points, err = db.computeMoney(ctx, ind, thisYear)
		} else {
			points, err = db.computeEngagements(ctx, ind, thisYear)
		}
	case utsyn.SourceRegional:
		points, err = db.computeRegional(ctx, ind)
	}
	if err != nil {
		return nil, fmt.Errorf("compute indicator %d: %w", ind.ID, err)
	}
	return points, nil
}

// yearRange is the query's years, the open ends filled from the data and this year.
func yearRange(q utsyn.IndicatorQuery, first, last int) (from, to int) {
	from, to = q.From, q.To
	if from == 0 {
		from = first
	}
	if to == 0 {
		to = last
	}
	if to-from >= maxYears {
		from = to - maxYears + 1
	}
	return from, to
}

func point(period int, v float64) utsyn.Point {
	return utsyn.Point{Period: strconv.Itoa(period), Value: &v}
}

// registerWhere is the condition on engagements e that the query's kinds, statuses and
// element select.
func (db *DB) registerWhere(ctx context.Context, ind *utsyn.Indicator, args *[]any) (string, error) {
	q := ind.Query
	where := []string{"e.org_id = $1"}
	*args = append(*args, ind.OrgID)
	list := func(column string, values []string) {
		if len(values) == 0 {
			return
		}
		var ps []string
		for _, v := range values {
			*args = append(*args, v)
			ps = append(ps, fmt.Sprintf("$%d", len(*args)))
		}
		where = append(where, column+" IN ("+strings.Join(ps, ", ")+")")
	}
	list("e.kind", q.Kinds)
	list("e.status", q.Statuses)
	elementID := cmpOr(q.ElementID, ind.ElementID)
	ids := []string{strconv.FormatInt(elementID, 10)}
	if !q.OwnOnly {
		el, err := db.FindElement(ctx, elementID)
		if err != nil {
			return "", err
		}
		st, err := db.FindStrategyByID(ctx, el.StrategyID)
		if err != nil {
			return "", err
		}
		tree, err := db.FindTree(ctx, st)
		if err != nil {
			return "", err
		}
		ids = ids[:0]
		for _, e := range Subtree(tree, elementID) {
			ids = append(ids, strconv.FormatInt(e.ID, 10))
		}
	}
	where = append(where, "EXISTS (SELECT 1 FROM engagement_elements ee WHERE ee.engagement_id = e.id AND ee.element_id IN ("+strings.Join(ids, ",")+"))")
	return strings.Join(where, " AND "), nil
}

func cmpOr(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// computeEngagements counts the selected engagements running in each year: started by its end
// (or of unknown start) and not ended before it (or of unknown end).
func (db *DB) computeEngagements(ctx context.Context, ind *utsyn.Indicator, thisYear int) ([]utsyn.Point, error) {
	var args []any
	where, err := db.registerWhere(ctx, ind, &args)
	if err != nil {
		return nil, err
	}
	type span struct{ start, end utsyn.Date }
	var spans []span
	first := thisYear
	err = eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var s span
		if err := r.Scan(&s.start, &s.end); err != nil {
			return err
		}
		if !s.start.IsZero() && s.start.Year < first {
			first = s.start.Year
		}
		spans = append(spans, s)
		return nil
	}, `SELECT e.start_date, e.end_date FROM engagements e WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	from, to := yearRange(ind.Query, first, thisYear)
	var out []utsyn.Point
	for y := from; y <= to; y++ {
		n := 0
		for _, s := range spans {
			if (s.start.IsZero() || s.start.Year <= y) && (s.end.IsZero() || s.end.Year >= y) {
				n++
			}
		}
		out = append(out, point(y, float64(n)))
	}
	return out, nil
}

// computeMoney sums the selected engagements' money lines of each year in the query's currency
// (NOK when none), converting with the organisation's rate of the year.
func (db *DB) computeMoney(ctx context.Context, ind *utsyn.Indicator, thisYear int) ([]utsyn.Point, error) {
	var args []any
	where, err := db.registerWhere(ctx, ind, &args)
	if err != nil {
		return nil, err
	}
	if len(ind.Query.MoneyKinds) > 0 {
		var ps []string
		for _, k := range ind.Query.MoneyKinds {
			args = append(args, k)
			ps = append(ps, fmt.Sprintf("$%d", len(args)))
		}
		where += " AND m.kind IN (" + strings.Join(ps, ", ") + ")"
	}
	type sum struct {
		currency string
		minor    int64
	}
	byYear := map[int][]sum{}
	first, last := thisYear, thisYear
	err = eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var y int
		var s sum
		if err := r.Scan(&y, &s.currency, &s.minor); err != nil {
			return err
		}
		byYear[y] = append(byYear[y], s)
		first, last = min(first, y), max(last, y)
		return nil
	}, `SELECT m.year, m.currency, CAST(sum(m.amount_minor) AS BIGINT) FROM money_lines m JOIN engagements e ON e.id = m.engagement_id
		WHERE `+where+` GROUP BY m.year, m.currency ORDER BY m.year, m.currency`, args...)
	if err != nil {
		return nil, err
	}
	rates, err := db.ExchangeRates(ctx, ind.OrgID)
	if err != nil {
		return nil, err
	}
	nok := map[string]float64{} // "EUR 2024" → NOK
	for _, r := range rates {
		nok[r.Currency+" "+strconv.Itoa(r.Year)] = r.NOK
	}
	want := cmpOrString(ind.Query.Currency, "NOK")
	from, to := yearRange(ind.Query, first, last)
	var out []utsyn.Point
	for y := from; y <= to; y++ {
		var total float64
		missing := ""
		for _, s := range byYear[y] {
			amount := float64(s.minor) / 100
			switch {
			case s.currency == want:
				total += amount
			case want == "NOK":
				rate, ok := nok[s.currency+" "+strconv.Itoa(y)]
				if !ok {
					missing = "rate:" + s.currency + ":" + strconv.Itoa(y)
				}
				total += amount * rate
			case s.currency == "NOK":
				rate, ok := nok[want+" "+strconv.Itoa(y)]
				if !ok {
					missing = "rate:" + want + ":" + strconv.Itoa(y)
					continue
				}
				total += amount / rate
			default:
				missing = "rate:" + s.currency + ":" + strconv.Itoa(y)
			}
		}
		if missing != "" {
			out = append(out, utsyn.Point{Period: strconv.Itoa(y), Missing: missing})
			continue
		}
		out = append(out, point(y, total))
	}
	return out, nil
}

func cmpOrString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// computeRegional counts participations or coordinator roles, or sums the EUR granted, of
// participants in the query's county per year. Without any rows for the county (the import has
// not run) it gives no points.
func (db *DB) computeRegional(ctx context.Context, ind *utsyn.Indicator) ([]utsyn.Point, error) {
	q := ind.Query
	args := []any{ind.OrgID, strings.TrimSpace(q.County)}
	where := "org_id = $1 AND county = $2 AND year IS NOT NULL"
	list := func(column string, values []string) {
		if len(values) == 0 {
			return
		}
		var ps []string
		for _, v := range values {
			args = append(args, strings.ToLower(strings.TrimSpace(v)))
			ps = append(ps, fmt.Sprintf("$%d", len(args)))
		}
		where += " AND lower(" + column + ") IN (" + strings.Join(ps, ", ") + ")"
	}
	list("programme", q.Programmes)
	list("source", q.Sources)
	type row struct {
		participations, coordinators, cents int64
	}
	byYear := map[int]row{}
	first, last := 0, 0
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var y int
		var x row
		if err := r.Scan(&y, &x.participations, &x.coordinators, &x.cents); err != nil {
			return err
		}
		byYear[y] = x
		if first == 0 || y < first {
			first = y
		}
		last = max(last, y)
		return nil
	}, `SELECT year, count(*), CAST(sum(CASE WHEN lower(role) = 'coordinator' THEN 1 ELSE 0 END) AS BIGINT),
		CAST(sum(granted_eur_cents) AS BIGINT) FROM regional_participations WHERE `+where+` GROUP BY year ORDER BY year`, args...)
	if err != nil {
		return nil, err
	}
	if len(byYear) == 0 {
		return nil, nil
	}
	from, to := yearRange(q, first, last)
	var out []utsyn.Point
	for y := from; y <= to; y++ {
		x := byYear[y]
		switch q.Measure {
		case utsyn.MeasureCoordinators:
			out = append(out, point(y, float64(x.coordinators)))
		case utsyn.MeasureGrantedEUR:
			out = append(out, point(y, float64(x.cents)/100))
		default:
			out = append(out, point(y, float64(x.participations)))
		}
	}
	return out, nil
}

// RegionalParticipation is one participant's part in one project of an EU programme, as the
// EU-grant import stores it in regional_participations, which regional indicators count.
type RegionalParticipation struct {
	OrgID                       int64
	Source, ProjectID, Acronym  string
	Programme, Participant, Key string
	Country, County, NUTS, Role string
	Year                        int
	GrantedEURCents             int64
}
