package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
)

// listIndex is an organisation's register as its lists filter and order it, held in
// memory for one state of its records (ChangeStamp): what each engagement is filtered by, and
// its rows in each of the list's orders as the database sorts them. A list whose page and
// count the database would find by one of several plans, each the cheapest for some filters
// and tens of milliseconds for others at 100,000 engagements (findEngagements), is then one
// pass over its rows: 0.03–0.05 ms at 100,000 whatever the filter, and no query
// (BenchmarkListIndex; docs/PERFORMANCE.md).
//
// The database stays the truth: an index is read from it in one snapshot, in the background,
// and a list uses it only while the organisation's stamp is still the one it was read at and
// for at most registerMaxAge; until then a list asks the database as it always did.
type listIndex struct {
	stamp  string
	read   time.Time         // when its records were read
	rows   []listRow         // by id
	row    map[int64]int32   // each id's row
	orders [3][]int32        // the rows in each of listOrders
	place  [3][]int32        // each row's place in each order
	values map[string]string // programmes and countries, each kept once
	// facts are the rows' kind, status, publicity and years, small enough that a list's check
	// of a row in its order finds them in the processor's cache: checked in the rows
	// themselves, a list of 100,000 spent half its time waiting for memory.
	facts []listFacts
	codes map[string]uint8 // each kind's and status's number in facts
	named [256]string      // each number's kind or status
	words *searchWords     // on PostgreSQL, the words a search finds rows by (matchWords)
	// The rows of each kind and status (by code), the public ones, and those of each year from
	// firstYear, as sets of bits by row: a list of a kind, a status and a year is found among
	// their common rows rather than in a pass over all of them (a pass over 100,000 was a tenth
	// of a list page's time in the load test's mixed lists).
	kindRows, statusRows [256]rowSet
	publicRows           rowSet
	firstYear            int
	yearRows             []rowSet

	mu       sync.Mutex
	matching map[string]rowSet // the rows of the searches asked (searched)
}

// rowSet is a set of an index's rows, a bit each, by row.
type rowSet []uint64

func newRowSet(rows int) rowSet { return make(rowSet, (rows+63)/64) }

func (s rowSet) add(i int32)      { s[i/64] |= 1 << (i % 64) }
func (s rowSet) has(i int32) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s rowSet) and(t rowSet) {
	for k := range s {
		s[k] &= t[k]
	}
}
func (s rowSet) or(t rowSet) {
	for k := range s {
		s[k] |= t[k]
	}
}

// each calls fn with the set's rows in order, until it says false.
func (s rowSet) each(fn func(int32) bool) {
	for k, word := range s {
		for ; word != 0; word &= word - 1 {
			if !fn(int32(k*64 + bits.TrailingZeros64(word))) {
				return
			}
		}
	}
}

// The years kept as sets are those of the register's dates within these: a date far out is a
// mistake, and a list of such a year is found by a pass (has).
const earliestYear, latestYear = 1900, 2200

// setRows makes the index's sets of rows from its facts.
func (ix *listIndex) setRows() {
	n := len(ix.facts)
	ix.publicRows = newRowSet(n)
	first, last := 0, 0
	for i, f := range ix.facts {
		addRow(&ix.kindRows, f.kind, n, int32(i))
		addRow(&ix.statusRows, f.status, n, int32(i))
		if f.public {
			ix.publicRows.add(int32(i))
		}
		for _, y := range []int{int(f.startYear), int(f.endYear)} {
			if y < earliestYear || y > latestYear {
				continue
			}
			if first == 0 || y < first {
				first = y
			}
			last = max(last, y)
		}
	}
	if first == 0 {
		return
	}
	ix.firstYear = first
	ix.yearRows = make([]rowSet, last-ix.firstYear+1)
	for k := range ix.yearRows {
		year := ix.firstYear + k
		ix.yearRows[k] = newRowSet(n)
		for i, f := range ix.facts {
			if inYear(f, year) {
				ix.yearRows[k].add(int32(i))
			}
		}
	}
}

// addRow adds the row to the set of its code, made when it is the first.
func addRow(sets *[256]rowSet, code uint8, rows int, row int32) {
	if sets[code] == nil {
		sets[code] = newRowSet(rows)
	}
	sets[code].add(row)
}

// inYear says whether a row is in a year's list: started by its end, and ended at its start or
// later, or without either date, as findEngagements compares the stored dates.
func inYear(f listFacts, year int) bool {
	return (f.startYear == 0 || int(f.startYear) <= year) && (f.endYear == 0 || int(f.endYear) >= year)
}

// listFacts are a row's facts that most lists filter by.
type listFacts struct {
	kind, status       uint8
	public             bool
	startYear, endYear int16 // 0 when unknown
}

// listRow is what a list filters an engagement by, what a cursor names it by, and what the
// list page shows of it (lines).
type listRow struct {
	id                int64
	start, end        sql.NullString // as stored: "2024", "2024-05" or "2024-05-31", for a cursor
	programme         string
	role, responsible int64
	updated           time.Time
	titleSort         string
	elements          []int64
	countries         []string
	// The title in bokmål and English (a Text of its own took a map's 300 bytes a row),
	// the acronym, the responsible person's name and the partners' names, the lead first.
	title           [2]string
	acronym         string
	responsibleName string
	partners        []string
	dates           [2]utsyn.Date // the start and end read, as a line shows them
	undated         bool          // a date that is not one: the line is left to the engagement
}

// listOrders are the list's orders, as findEngagements names and writes them (TestListIndex
// finds the same pages in each).
var listOrders = [3]struct{ name, sql string }{
	{"updated", "e.updated_at DESC, e.id DESC"},
	{"title", "e.title_sort, e.id"},
	{"start", "coalesce(e.start_date, '') DESC, e.id DESC"},
}

func orderIndex(sort string) int {
	if sort == "" {
		sort = "updated"
	}
	for i, o := range listOrders {
		if o.name == sort {
			return i
		}
	}
	return -1
}

// readListIndex reads the organisation's index in one snapshot of its records.
func (db *DB) readListIndex(ctx context.Context, orgID int64) (*listIndex, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == postgres {
		opts.Isolation = sql.LevelRepeatableRead // one snapshot for every query, as SQLite's transaction is
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read the list index: %w", err)
	}
	defer tx.Rollback()
	ix := &listIndex{read: db.now(), values: map[string]string{}, codes: map[string]uint8{}}
	if ix.stamp, err = readChangeStamp(ctx, tx, orgID); err != nil {
		return nil, err
	}
	var n int // the rows, to make room for them at once (growing their slice was a fifth of the reading)
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM engagements WHERE org_id = $1`, orgID).Scan(&n); err != nil {
		return nil, fmt.Errorf("read the list index: %w", err)
	}
	ix.rows, ix.facts, ix.row = make([]listRow, 0, n), make([]listFacts, 0, n), make(map[int64]int32, n)
	// On PostgreSQL, each row's search words too, without their places (strip: a third of the
	// time PostgreSQL takes to write the whole vector).
	var words *searchWordsBuilder
	var wordsErr error // a vector the index cannot read leaves its searches to the database
	wordsColumn := ""
	if db.dialect == postgres {
		words, wordsColumn = &searchWordsBuilder{}, ", strip(e.search_tsv)::text"
	}
	err = eachRow(ctx, tx, func(r *sql.Rows) error {
		var x listRow
		var kind, status, vector string
		var public bool
		var role, responsible sql.NullInt64
		var title utsyn.Text
		dest := []any{&x.id, &kind, &status, &public, &x.start, &x.end, &x.programme, &role, &responsible, &x.updated, &x.titleSort,
			&title, &x.acronym, &x.responsibleName}
		if words != nil {
			dest = append(dest, &vector)
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		if words != nil && wordsErr == nil {
			wordsErr = words.add(int32(len(ix.rows)), vector)
		}
		x.programme, x.responsibleName = ix.value(x.programme), ix.value(x.responsibleName)
		x.title = [2]string{title["nb"], title["en"]}
		x.role, x.responsible = role.Int64, responsible.Int64
		facts := listFacts{public: public}
		var err error
		if facts.kind, err = ix.code(kind); err != nil {
			return err
		}
		if facts.status, err = ix.code(status); err != nil {
			return err
		}
		if facts.startYear, err = dateYear(x.start); err != nil {
			return err
		}
		if facts.endYear, err = dateYear(x.end); err != nil {
			return err
		}
		var err1, err2 error
		x.dates[0], err1 = utsyn.ParseDate(x.start.String)
		x.dates[1], err2 = utsyn.ParseDate(x.end.String)
		x.undated = err1 != nil || err2 != nil
		ix.row[x.id] = int32(len(ix.rows))
		ix.rows = append(ix.rows, x)
		ix.facts = append(ix.facts, facts)
		return nil
	}, `SELECT e.id, e.kind, e.status, e.public, e.start_date, e.end_date, e.programme, e.role_term_id, e.responsible_id,
		e.updated_at, e.title_sort, e.title, e.acronym, `+responsibleName+wordsColumn+` FROM engagements e WHERE e.org_id = $1 ORDER BY e.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("read the list index: %w", err)
	}
	if words != nil && wordsErr == nil {
		ix.words = words.done()
	} else if wordsErr != nil {
		slog.Warn("the register's search words could not be read; its searches ask the database", "org", orgID, "err", wordsErr)
	}
	err = eachRow(ctx, tx, func(r *sql.Rows) error {
		var id, element int64
		if err := r.Scan(&id, &element); err != nil {
			return err
		}
		if i, ok := ix.row[id]; ok {
			ix.rows[i].elements = append(ix.rows[i].elements, element)
		}
		return nil
	}, `SELECT ee.engagement_id, ee.element_id FROM engagement_elements ee JOIN engagements e ON e.id = ee.engagement_id
		WHERE e.org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("read the list index: %w", err)
	}
	err = eachRow(ctx, tx, func(r *sql.Rows) error {
		var id int64
		var country, name string
		if err := r.Scan(&id, &country, &name); err != nil {
			return err
		}
		if i, ok := ix.row[id]; ok {
			x := &ix.rows[i]
			if !slices.Contains(x.countries, country) {
				x.countries = append(x.countries, ix.value(country))
			}
			x.partners = append(x.partners, ix.value(name))
		}
		return nil
	}, `SELECT ep.engagement_id, a.country, a.name FROM engagement_partners ep JOIN actors a ON a.id = ep.actor_id
		JOIN engagements e ON e.id = ep.engagement_id WHERE e.org_id = $1 ORDER BY ep.engagement_id, `+partnerOrder, orgID)
	if err != nil {
		return nil, fmt.Errorf("read the list index: %w", err)
	}
	for o, order := range listOrders {
		ix.orders[o] = make([]int32, 0, len(ix.rows))
		ix.place[o] = make([]int32, len(ix.rows))
		err = eachRow(ctx, tx, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			i, ok := ix.row[id]
			if !ok {
				return fmt.Errorf("engagement %d is in an order but not in the register", id)
			}
			ix.place[o][i] = int32(len(ix.orders[o]))
			ix.orders[o] = append(ix.orders[o], i)
			return nil
		}, `SELECT e.id`+engagementFrom+` WHERE e.org_id = $1 ORDER BY `+order.sql, orgID)
		if err != nil {
			return nil, fmt.Errorf("read the list index: %w", err)
		}
		if len(ix.orders[o]) != len(ix.rows) {
			return nil, fmt.Errorf("read the list index: %d engagements in order %s, %d in the register", len(ix.orders[o]), order.name, len(ix.rows))
		}
	}
	ix.values = nil // kept only while reading
	ix.setRows()
	return ix, tx.Commit()
}

// code numbers a kind or a status; 0 is none, for a filter's value no row has.
func (ix *listIndex) code(s string) (uint8, error) {
	if c, ok := ix.codes[s]; ok {
		return c, nil
	}
	if len(ix.codes) == 255 {
		return 0, errors.New("more than 255 kinds and statuses")
	}
	c := uint8(len(ix.codes) + 1)
	ix.codes[s], ix.named[c] = c, s
	return c, nil
}

// dateYear is a stored date's year: 0 when there is none.
func dateYear(d sql.NullString) (int16, error) {
	if !d.Valid {
		return 0, nil
	}
	y, err := strconv.Atoi(d.String[:min(4, len(d.String))])
	if err != nil || len(d.String) < 4 || y < 1 || y > 9999 {
		return 0, fmt.Errorf("a date %q that does not start with its year", d.String)
	}
	return int16(y), nil
}

func (ix *listIndex) value(s string) string {
	if v, ok := ix.values[s]; ok {
		return v
	}
	ix.values[s] = s
	return s
}

// listCheck is a list's filter as the index checks it, row by row.
type listCheck struct {
	EngagementFilter
	kinds, statuses [256]bool // by code, when the filter names any
	elements        []int64   // sorted
	// The rows that may be in the list, by the sets of their kind, status, publicity and year
	// and the search's matches: nil when the filter names none of them.
	among rowSet
}

func (ix *listIndex) query(f EngagementFilter, matching rowSet) *listCheck {
	q := &listCheck{EngagementFilter: f, elements: slices.Sorted(slices.Values(f.ElementIDs))}
	for _, k := range f.Kinds {
		q.kinds[ix.codes[k]] = k != "" && ix.codes[k] != 0
	}
	for _, s := range f.Statuses {
		q.statuses[ix.codes[s]] = s != "" && ix.codes[s] != 0
	}
	q.kinds[0], q.statuses[0] = false, false
	within := func(set rowSet) {
		if q.among == nil {
			q.among = slices.Clone(set)
		} else {
			q.among.and(set)
		}
	}
	for _, sets := range []struct {
		names []string
		rows  *[256]rowSet
	}{{f.Kinds, &ix.kindRows}, {f.Statuses, &ix.statusRows}} {
		if len(sets.names) == 0 {
			continue
		}
		union := newRowSet(len(ix.rows))
		for _, name := range sets.names {
			if c := ix.codes[name]; name != "" && c != 0 && sets.rows[c] != nil {
				union.or(sets.rows[c])
			}
		}
		within(union)
	}
	if f.PublicOnly {
		within(ix.publicRows)
	}
	if k := f.Year - ix.firstYear; f.Year != 0 && k >= 0 && k < len(ix.yearRows) {
		within(ix.yearRows[k]) // a year without a set is checked row by row (has)
	}
	if matching != nil {
		within(matching)
	}
	return q
}

// has says whether the row is in the list: the conditions findEngagements writes in SQL.
func (q *listCheck) has(ix *listIndex, i int32) bool {
	if q.among != nil && !q.among.has(i) {
		return false
	}
	facts := ix.facts[i]
	switch {
	case q.PublicOnly && !facts.public,
		len(q.Kinds) > 0 && !q.kinds[facts.kind],
		len(q.Statuses) > 0 && !q.statuses[facts.status],
		q.Year != 0 && !inYear(facts, q.Year):
		return false
	}
	if q.Programme == "" && q.RoleTermID == 0 && q.Responsible == 0 && q.Country == "" && len(q.elements) == 0 {
		return true
	}
	x := &ix.rows[i]
	switch {
	case q.Programme != "" && x.programme != q.Programme,
		q.RoleTermID != 0 && x.role != q.RoleTermID,
		q.Responsible != 0 && x.responsible != q.Responsible,
		q.Country != "" && !slices.Contains(x.countries, q.Country):
		return false
	}
	if len(q.elements) > 0 {
		for _, el := range x.elements {
			if _, ok := slices.BinarySearch(q.elements, el); ok {
				return true
			}
		}
		return false
	}
	return true
}

// rowsOf is the set of the rows with these ids (in order).
func (ix *listIndex) rowsOf(matches []int64) rowSet {
	matching := newRowSet(len(ix.rows))
	if len(matches) < len(ix.rows)/16 { // few: each looked up
		for _, id := range matches {
			if i, ok := ix.row[id]; ok {
				matching.add(i)
			}
		}
	} else { // many: both in the order of their ids, met in one walk (a word in all of 100,000 was 2.9 ms looked up one by one)
		i := int32(0)
		for _, id := range matches {
			for int(i) < len(ix.rows) && ix.rows[i].id < id {
				i++
			}
			if int(i) == len(ix.rows) {
				break
			}
			if ix.rows[i].id == id {
				matching.add(i)
			}
		}
	}
	return matching
}

// searched returns the rows that match a search (match, as matchQuery writes it), found by ids
// the first time in the index's state and kept with it: turning 100,000 ids into rows was a
// fifth of a searched list page's time.
func (ix *listIndex) searched(match string, ids func() ([]int64, error)) (rowSet, error) {
	ix.mu.Lock()
	rows, ok := ix.matching[match]
	ix.mu.Unlock()
	if ok {
		return rows, nil
	}
	matches, err := ids()
	if err != nil {
		return nil, err
	}
	rows = ix.rowsOf(matches)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.matching == nil || len(ix.matching) >= searchesKept {
		ix.matching = map[string]rowSet{}
	}
	ix.matching[match] = rows
	return rows, nil
}

// searchesKept is as many searches' rows as an index keeps: 3 MB at 100,000 engagements.
const searchesKept = 256

// find finds a page of the list and, when asked, counts it, as findEngagements does. It says
// false when it cannot: an order it does not know, or a cursor at an engagement that is not
// where the cursor says (the database then goes on by the cursor's value).
func (ix *listIndex) find(f EngagementFilter, matching rowSet) (foundPage, bool) {
	var found foundPage
	o := orderIndex(f.Sort)
	if o < 0 {
		return found, false
	}
	start := 0
	if f.After != "" {
		c, err := decodeCursor(f.After)
		if err != nil {
			return found, false
		}
		i, ok := ix.row[c.ID]
		if !ok || ix.cursorValue(o, i) != c.Value {
			return found, false
		}
		start = int(ix.place[o][i]) + 1
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	q := ix.query(f, matching)
	// One pass over the rows in their own order, which the processor's cache serves, finds up
	// to CountLimit+1 of the list: its count, and when that is all of them, the list itself,
	// put in its order. A longer list is found along its order, where a page comes soon.
	var rows []int32
	more := func(i int32) bool {
		if q.has(ix, i) {
			rows = append(rows, i)
		}
		return len(rows) <= CountLimit
	}
	if q.among != nil {
		q.among.each(more)
	} else {
		for i := range int32(len(ix.rows)) {
			if !more(i) {
				break
			}
		}
	}
	if f.Count {
		found.total = len(rows)
	}
	if len(rows) <= CountLimit {
		place := ix.place[o]
		slices.SortFunc(rows, func(a, b int32) int { return int(place[a] - place[b]) })
		from, _ := slices.BinarySearchFunc(rows, int32(start), func(i, start int32) int { return int(place[i] - start) })
		for _, i := range rows[from:min(len(rows), from+limit+1)] {
			found.ids = append(found.ids, ix.rows[i].id)
		}
		return found.cut(limit), true
	}
	for _, i := range ix.orders[o][start:] {
		if q.has(ix, i) {
			if found.ids = append(found.ids, ix.rows[i].id); len(found.ids) > limit {
				break
			}
		}
	}
	return found.cut(limit), true
}

// lines returns what the list page shows of the engagements with these ids, or nil when the
// index does not hold one of them. The lines share the index's partners: never change them.
func (ix *listIndex) lines(ids []int64) []EngagementLine {
	out := make([]EngagementLine, len(ids))
	for k, id := range ids {
		i, ok := ix.row[id]
		if !ok {
			return nil
		}
		x, f := &ix.rows[i], ix.facts[i]
		if x.undated {
			return nil // a date the database holds that is no date: let the reading of engagements say so
		}
		out[k] = EngagementLine{ID: id, Title: utsyn.NewText(x.title[0], x.title[1]), Acronym: x.acronym,
			Kind: ix.named[f.kind], Status: ix.named[f.status], Start: x.dates[0], End: x.dates[1], ResponsibleName: x.responsibleName,
			Programme: x.programme, Partners: x.partners, Public: f.public, UpdatedAt: x.updated}
	}
	return out
}

// cursorValue is the row's value in the order, as a cursor says it (cursorValue).
func (ix *listIndex) cursorValue(o int, i int32) string {
	x := &ix.rows[i]
	switch listOrders[o].name {
	case "title":
		return x.titleSort
	case "start":
		return x.start.String
	}
	return x.updated.UTC().Format(time.RFC3339Nano)
}

// findIndexed finds a page of the list in the organisation's index, when it has one at stamp:
// false when it has none yet (it is being read) or the index cannot answer.
func (db *DB) findIndexed(ctx context.Context, f EngagementFilter, stamp string, now time.Time) (foundPage, bool, error) {
	ix := db.listIndexAt(f.OrgID, stamp, now)
	if ix == nil {
		return foundPage{}, false, nil
	}
	var matching rowSet
	if terms := searchTerms(f.Query); len(terms) > 0 {
		var err error
		matching, err = ix.searched(db.dialect.matchQuery(terms), func() ([]int64, error) {
			return db.searchMatches(ctx, f, ix, stamp, true, now)
		})
		if err != nil {
			return foundPage{}, false, err
		}
	}
	found, ok := ix.find(f, matching)
	return found, ok, nil
}

// searchMatches returns the ids of the engagements that match the list's search, in order, or
// nil when it searches for nothing: found by the index's words when it has them (matchWords),
// else by the database's full-text index (matchIDs).
func (db *DB) searchMatches(ctx context.Context, f EngagementFilter, ix *listIndex, stamp string, keep bool, now time.Time) ([]int64, error) {
	terms := searchTerms(f.Query)
	if len(terms) == 0 {
		return nil, nil
	}
	match := db.dialect.matchQuery(terms)
	matches, err := remember(&db.registers, f.OrgID, stamp, keep, now, "matches "+match, func() ([]int64, error) {
		if ids, ok, err := db.matchWords(ctx, ix, match); ok || err != nil {
			return ids, err
		}
		return db.matchIDs(ctx, f.OrgID, match)
	})
	if matches == nil {
		matches = []int64{} // searched, and nothing matches
	}
	return matches, err
}

// orgListIndex is what the register cache holds of an organisation's index.
type orgListIndex struct {
	index   *listIndex
	reading bool
	next    time.Time     // when the next reading may begin
	took    time.Duration // how long the last reading took
}

const (
	// indexRetry is how long after a reading that failed the next may begin, so that it is
	// not tried on every request.
	indexRetry = 5 * time.Second
	// indexPause is how many times as long as the last reading took the next waits after it
	// began: an organisation of 100,000 engagements takes a second or two to read, and one
	// whose records change every few seconds would otherwise be read without end, a processor
	// busy for lists that ask the database meanwhile.
	indexPause = 4
	// indexRows is as many engagements as the indexes of every organisation hold together,
	// some 250 bytes each; past it, the others' are dropped.
	indexRows = 500_000
	// indexLead is at least how long before an index ends (registerMaxAge) the next is begun,
	// and 3× its last reading if that is longer: read half-way instead, a register of 100,000
	// that nobody changes kept a processor busy 2 s in every 30 for lists that were the same.
	indexLead = 10 * time.Second
)

// listIndexAt returns the organisation's index at stamp, or nil when there is none yet. It
// starts reading one in the background when there is none, or when the one there nears
// registerMaxAge (indexLead), so that a busy register has a fresh one ready before the old one ends.
func (db *DB) listIndexAt(orgID int64, stamp string, now time.Time) *listIndex {
	c := &db.registers
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.indexes == nil {
		c.indexes = map[int64]*orgListIndex{}
	}
	oi := c.indexes[orgID]
	if oi == nil {
		oi = &orgListIndex{}
		c.indexes[orgID] = oi
	}
	ix := oi.index
	if ix != nil && (ix.stamp != stamp || now.Sub(ix.read) >= registerMaxAge) {
		ix = nil
	}
	if (ix == nil || now.Sub(ix.read) >= registerMaxAge-max(indexLead, 3*oi.took)) && !oi.reading && !now.Before(oi.next) && db.life.Err() == nil {
		oi.reading, oi.next = true, now.Add(indexRetry)
		db.background.Go(func() { db.indexList(orgID) })
	}
	return ix
}

// indexList reads the organisation's index and keeps it.
func (db *DB) indexList(orgID int64) {
	began := time.Now()
	ix, err := db.readListIndex(db.life, orgID)
	took := time.Since(began)
	if err != nil && db.life.Err() == nil {
		slog.Warn("the register's index could not be read; its lists ask the database", "org", orgID, "err", err)
	}
	c := &db.registers
	c.mu.Lock()
	defer c.mu.Unlock()
	oi := c.indexes[orgID]
	oi.reading = false
	if err != nil {
		return
	}
	oi.index = ix
	oi.next, oi.took = ix.read.Add(indexPause*took), took
	rows := 0
	for _, o := range c.indexes {
		if o.index != nil {
			rows += len(o.index.rows)
		}
	}
	if rows > indexRows {
		for id, o := range c.indexes {
			if id != orgID {
				o.index = nil
			}
		}
	}
}
