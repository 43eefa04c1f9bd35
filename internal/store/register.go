package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/utsyn/utsyn"
)

// EngagementFilter selects engagements of one organisation; zero fields select all.
type EngagementFilter struct {
	OrgID       int64
	PublicOnly  bool
	Kinds       []string
	Statuses    []string
	ElementIDs  []int64 // linked to any of these (the caller adds an element's descendants)
	Country     string  // a partner in this country (ISO 3166-1 alpha-2)
	Programme   string
	RoleTermID  int64
	Year        int // running at some time in the year
	Responsible int64
	Query       string // full text, in Norwegian or English
	Sort        string // "updated" (newest first, the default), "title", "start" (newest first)
	After       string // the cursor of the page before
	Limit       int    // at most 200; 50 when zero
	Count       bool   // also count the matches, up to CountLimit
}

// fewMatches is how many matches of a search a list looks up one by one; with more, it walks
// its order instead (findSearched). Looking a match up costs about as much as walking a few
// dozen entries of an index, so the two meet at a few hundred of 100,000. (A variable for the
// tests.)
var fewMatches = 500

// narrowFilter is the size up to which a filter's engagements are all read and sorted rather
// than found along the list's order (findEngagements): CountLimit, since the count tells. (A
// variable for the tests.)
var narrowFilter = CountLimit

// CountLimit is as far as ListEngagements counts. Counting every match costs as much as
// reading them all, on every page: about 8 ms for 100,000 engagements on SQLite, so that a
// large register could not be listed fast (docs/PERFORMANCE.md). Beyond it a page says "more
// than 1,000"; no one pages through a thousand matches rather than narrowing the filter.
const CountLimit = 1000

// Page is one page of a list.
type Page[T any] struct {
	Items []T
	Next  string // the cursor of the next page, "" on the last
	Total int    // the matches, when the filter asked to count: every one, or CountLimit when More
	More  bool   // more than CountLimit match
}

// EngagementPage is one page of the register with its engagements whole.
type EngagementPage = Page[*utsyn.Engagement]

// EngagementLine is what the register's list page shows of an engagement.
type EngagementLine struct {
	ID              int64
	Title           utsyn.Text
	Acronym         string
	Kind, Status    string
	Start, End      utsyn.Date
	ResponsibleName string
	Programme       string
	Partners        []string // the partners' names, the lead first: shared, never change it
	Public          bool
	UpdatedAt       time.Time
}

// lineOf is what the list page shows of an engagement read whole.
func lineOf(e *utsyn.Engagement) EngagementLine {
	names := make([]string, len(e.Partners))
	for i, p := range e.Partners {
		names[i] = p.Actor.Name
	}
	return EngagementLine{ID: e.ID, Title: e.Title, Acronym: e.Acronym, Kind: e.Kind, Status: e.Status, Start: e.Start, End: e.End,
		ResponsibleName: e.ResponsibleName, Programme: e.Programme, Partners: names, Public: e.Public, UpdatedAt: e.UpdatedAt}
}

// smallSet is the size up to which a filter that names a set of engagements (linked to an
// element, with a partner in a country) is read from that set and sorted; a larger set is
// checked row by row along the sort order's index instead, which stops at the page's end.
// Reading a set costs one lookup and a sort place per member; walking the index costs a check
// per row passed, and a set of more than smallSet in a register of 100,000 is met within a few
// thousand rows. Either way a page costs a few milliseconds, where the wrong way round costs
// up to a hundred. (A variable for the tests.)
var smallSet = 2000

// cursor is where a page ends: the sort value and the id of its last row.
type cursor struct {
	Value string `json:"v"`
	ID    int64  `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.cursor", Field: "after"}
	}
	return c, nil
}

// searchTerms splits a query into words of letters and digits; anything else separates them,
// so no query can carry search-engine syntax.
func searchTerms(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// ListEngagements returns a page of engagements in the filter's order. Pages are found by
// keyset (the cursor), never by offset, so page 1,000 costs what page 1 does.
func (db *DB) ListEngagements(ctx context.Context, f EngagementFilter) (*EngagementPage, error) {
	l, err := db.listFound(ctx, f)
	if err != nil {
		return nil, err
	}
	items, err := db.registers.engagements(ctx, db, f.OrgID, l.stamp, l.keep, l.now, l.ids)
	if err != nil {
		return nil, err
	}
	return pageOf(l, items, func(e *utsyn.Engagement) cursor {
		return cursor{Value: cursorValue(f.Sort, e.Title, e.Start, e.UpdatedAt), ID: e.ID}
	}), nil
}

// ListEngagementLines returns the page ListEngagements does, of each engagement what the list
// page shows: from the list index when it holds the records' state, with no query (reading
// a page's 50 engagements whole was a quarter of an uncached list page's time, and four
// queries; docs/PERFORMANCE.md).
func (db *DB) ListEngagementLines(ctx context.Context, f EngagementFilter) (*Page[EngagementLine], error) {
	l, err := db.listFound(ctx, f)
	if err != nil {
		return nil, err
	}
	var items []EngagementLine
	if l.keep {
		if ix := db.listIndexAt(f.OrgID, l.stamp, l.now); ix != nil {
			items = ix.lines(l.ids)
		}
	}
	if items == nil {
		es, err := db.registers.engagements(ctx, db, f.OrgID, l.stamp, l.keep, l.now, l.ids)
		if err != nil {
			return nil, err
		}
		items = make([]EngagementLine, len(es))
		for i, e := range es {
			items[i] = lineOf(e)
		}
	}
	return pageOf(l, items, func(e EngagementLine) cursor {
		return cursor{Value: cursorValue(f.Sort, e.Title, e.Start, e.UpdatedAt), ID: e.ID}
	}), nil
}

// pageOf is the page of the items a list found, with the cursor of the next page after its
// last item when more follow.
func pageOf[T any](l listed, items []T, cursorOf func(T) cursor) *Page[T] {
	page := &Page[T]{Items: items, Total: l.total, More: l.totalMore}
	if l.more && len(items) > 0 {
		page.Next = encodeCursor(cursorOf(items[len(items)-1]))
	}
	return page
}

// listed is what a list found, and in which state of the records.
type listed struct {
	foundPage
	stamp string
	keep  bool
	now   time.Time
}

// listFound finds the ids of a list's page: in the register cache or the list index when they
// know the records' state, else in the database.
func (db *DB) listFound(ctx context.Context, f EngagementFilter) (listed, error) {
	l := listed{keep: keepRegisters, now: db.now()}
	if l.keep {
		var err error
		if l.stamp, err = db.ChangeStamp(ctx, f.OrgID); err != nil {
			return l, err
		}
	}
	var err error
	l.foundPage, err = remember(&db.registers, f.OrgID, l.stamp, l.keep, l.now, fmt.Sprintf("page %+v", f), func() (foundPage, error) {
		if l.keep {
			if found, ok, err := db.findIndexed(ctx, f, l.stamp, l.now); ok || err != nil {
				return found, err
			}
		}
		return db.findEngagements(ctx, f, l.stamp, l.keep, l.now)
	})
	return l, err
}

// foundPage is what a list found: its page's ids, whether more follow, and its count.
type foundPage struct {
	ids       []int64
	more      bool
	total     int
	totalMore bool
}

// cursorValue is the value of an engagement that a list in this order goes on after.
func cursorValue(sort string, title utsyn.Text, start utsyn.Date, updated time.Time) string {
	switch sort {
	case "title":
		return fold(title.Get("nb"))
	case "start":
		return start.String()
	default:
		return updated.UTC().Format(time.RFC3339Nano)
	}
}

// findEngagements finds the ids of a page of the list, and counts its matches when the filter
// asks.
func (db *DB) findEngagements(ctx context.Context, f EngagementFilter, stamp string, keep bool, now time.Time) (foundPage, error) {
	var found foundPage
	where := []string{"e.org_id = $1"}
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	list := func(column string, values []string) {
		var ps []string
		for _, v := range values {
			ps = append(ps, arg(v))
		}
		where = append(where, column+" IN ("+strings.Join(ps, ", ")+")")
	}
	if f.PublicOnly {
		where = append(where, "e.public = "+arg(true))
	}
	if len(f.Kinds) > 0 {
		list("e.kind", f.Kinds)
	}
	if len(f.Statuses) > 0 {
		list("e.status", f.Statuses)
	}
	// A set filter is the set's members (in) or a check of each row (exists); which one
	// depends on the set's size (smallSet), counted first with the set's own parameters.
	type setFilter struct {
		in, exists func(arg func(any) string) string // the members' ids; the check of a row
	}
	var sets []setFilter
	if len(f.ElementIDs) > 0 {
		ids := make([]string, len(f.ElementIDs))
		for i, id := range f.ElementIDs {
			ids[i] = fmt.Sprint(id)
		}
		list := strings.Join(ids, ",") // integers of ours: safe to inline
		sets = append(sets, setFilter{
			in: func(func(any) string) string {
				return "SELECT ee.engagement_id FROM engagement_elements ee WHERE ee.element_id IN (" + list + ")"
			},
			exists: func(func(any) string) string {
				return "EXISTS (SELECT 1 FROM engagement_elements ee WHERE ee.engagement_id = e.id AND ee.element_id IN (" + list + "))"
			},
		})
	}
	if f.Country != "" {
		sets = append(sets, setFilter{
			in: func(arg func(any) string) string {
				return "SELECT ep.engagement_id FROM engagement_partners ep WHERE ep.actor_id IN (SELECT a.id FROM actors a WHERE a.org_id = " +
					arg(f.OrgID) + " AND a.country = " + arg(f.Country) + ")"
			},
			exists: func(arg func(any) string) string {
				return "EXISTS (SELECT 1 FROM engagement_partners ep JOIN actors a ON a.id = ep.actor_id WHERE ep.engagement_id = e.id AND a.country = " + arg(f.Country) + ")"
			},
		})
	}
	for _, set := range sets {
		var own []any
		ownArg := func(v any) string {
			own = append(own, v)
			return fmt.Sprintf("$%d", len(own))
		}
		var n int
		if err := db.reads().QueryRowContext(ctx, `SELECT count(*) FROM (`+set.in(ownArg)+fmt.Sprintf(` LIMIT %d) s`, smallSet+1), own...).Scan(&n); err != nil {
			return found, fmt.Errorf("list engagements: %w", err)
		}
		if n <= smallSet {
			where = append(where, "e.id IN ("+set.in(arg)+")")
		} else {
			where = append(where, set.exists(arg))
		}
	}
	if f.Programme != "" {
		where = append(where, "e.programme = "+arg(f.Programme))
	}
	if f.RoleTermID != 0 {
		where = append(where, "e.role_term_id = "+arg(f.RoleTermID))
	}
	if f.Year != 0 {
		// An engagement without dates runs in every year. Written so, SQLite finds a kind and a
		// status in a year by the report's index (status, start date); a list sorted by start
		// date also says it as that order's index has it, so that the walk starts at the year's
		// end rather than passing every later start (131 ms at 100,000, 0.2 ms).
		end := arg(fmt.Sprintf("%04d-12-31", f.Year))
		where = append(where, "(e.start_date IS NULL OR e.start_date <= "+end+")",
			"(e.end_date IS NULL OR e.end_date >= "+arg(fmt.Sprintf("%04d", f.Year))+")")
		if f.Sort == "start" {
			where = append(where, "coalesce(e.start_date, '') <= "+end)
		}
	}
	if f.Responsible != 0 {
		where = append(where, "e.responsible_id = "+arg(f.Responsible))
	}
	var order, keyset, first string // first: the order's first column, where a walk in chunks goes on
	switch f.Sort {
	case "title":
		order, keyset, first = "e.title_sort, e.id", "(e.title_sort, e.id) > (%s, %s)", "e.title_sort"
	case "start":
		order, keyset, first = "coalesce(e.start_date, '') DESC, e.id DESC", "(coalesce(e.start_date, ''), e.id) < (%s, %s)", "coalesce(e.start_date, '')"
	case "", "updated":
		order, keyset, first = "e.updated_at DESC, e.id DESC", "(e.updated_at, e.id) < (%s, %s)", "e.updated_at"
		if db.dialect == sqlite {
			// As stored, so that a walk goes on after it as its index has it; read as a time,
			// each entry's would be parsed (a walk reads thousands).
			first = "CAST(e.updated_at AS TEXT)"
		}
	default:
		return found, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.sort", Field: "sort"}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var after []any // the cursor's value and id
	if f.After != "" {
		c, err := decodeCursor(f.After)
		if err != nil {
			return found, err
		}
		var v any = c.Value
		if f.Sort == "" || f.Sort == "updated" {
			t, err := time.Parse(time.RFC3339Nano, c.Value)
			if err != nil {
				return found, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.cursor", Field: "after"}
			}
			v = t
		}
		after = []any{v, c.ID}
	}
	filter := listQuery{where: where, args: args}
	terms := searchTerms(f.Query)
	if len(terms) > 0 && db.dialect == postgres {
		w := walk{db: db, order: order, keyset: keyset, first: first}
		return db.findSearchedPostgres(ctx, f, db.dialect.matchQuery(terms), filter, after, limit, w, stamp, keep, now)
	}
	// The filter's count, without a search; a search and its list share it.
	unsearched := f
	unsearched.Query = ""
	filtered, err := remember(&db.registers, f.OrgID, stamp, keep, now, countKey(unsearched), func() (int, error) {
		return db.countEngagements(ctx, filter)
	})
	if err != nil {
		return found, err
	}
	// On SQLite the filter of no more than CountLimit engagements is found by its own index and
	// sorted: that costs at most that many rows, where walking the list's order to find a page
	// of a rare combination (a kind, a status and a year, say) can pass every entry of it (20
	// ms at 100,000). The + keeps SQLite from taking the order's index.
	narrow := filtered <= narrowFilter
	if narrow && db.dialect == sqlite {
		order = sortedApart(order)
	}
	w := walk{db: db, order: order, keyset: keyset, first: first}

	if len(terms) > 0 {
		return db.findSearched(ctx, f, terms, filter, filtered, after, limit, w, stamp, keep, now)
	}
	if f.Count {
		found.total = filtered
	}
	found.ids, err = w.ids(ctx, filter, after, limit+1, narrow, nil)
	if err != nil {
		return found, err
	}
	return found.cut(limit), nil
}

// cut keeps limit ids of a page found with one more, and says whether more follow; it says
// whether the count went past CountLimit.
func (found foundPage) cut(limit int) foundPage {
	if found.more = len(found.ids) > limit; found.more {
		found.ids = found.ids[:limit]
	}
	if found.total > CountLimit {
		found.total, found.totalMore = CountLimit, true
	}
	return found
}

// sortedApart is an SQLite order whose columns (a +) keep SQLite from walking the order's
// index: the rows are found by the query's other conditions and sorted.
func sortedApart(order string) string {
	if strings.HasPrefix(order, "+") {
		return order
	}
	return "+" + strings.ReplaceAll(order, ", e.", ", +e.")
}

// countKey is what a list's count is kept by: the same on every page and in every order.
func countKey(f EngagementFilter) string {
	f.After, f.Sort, f.Limit = "", "", 0
	return fmt.Sprintf("count %+v", f)
}

// findSearched finds a page of a search within the filter on SQLite. The search's matches are
// read from the full-text index once (matchIDs) and kept while the register stays as it is;
// the list then takes the filter's engagements in its order and keeps those that match, by
// one of three ways, the cheapest for the sizes at hand (at 100,000 engagements each is a few
// milliseconds where the wrong one costs tens):
//   - at most fewMatches match the search, and no more than the filter has: each match is
//     looked up by id, checked against the filter, and the page sorted;
//   - the filter has at most narrowFilter engagements: all of them are read, sorted, by the
//     filter's own index, and those that match kept;
//   - both are many: the list walks its order's index from the cursor and keeps the
//     engagements that match, until the page is full.
//
// Asked in the query, SQLite gathered the full-text index's matches again for every page, and
// walked the order for a rare combination of a search and a filter: 300 searches with filters
// drawn at random took 4.6 s, now 2.6 s.
func (db *DB) findSearched(ctx context.Context, f EngagementFilter, terms []string, filter listQuery, filtered int, after []any, limit int,
	w walk, stamp string, keep bool, now time.Time) (foundPage, error) {
	var found foundPage
	match := db.dialect.matchQuery(terms)
	matches, err := remember(&db.registers, f.OrgID, stamp, keep, now, "matches "+match, func() ([]int64, error) {
		return db.matchIDs(ctx, f.OrgID, match)
	})
	if err != nil || len(matches) == 0 {
		return found, err
	}
	matching := func(id int64) bool {
		_, ok := slices.BinarySearch(matches, id)
		return ok
	}
	narrow := filtered <= narrowFilter
	// Looked up when the matches are few, and fewer than the filter's engagements.
	lookup := len(matches) <= fewMatches && (!narrow || len(matches) <= filtered)
	// The filter's engagements among the matches, looked up by id.
	among := func() listQuery {
		return filter.and(func(arg func(any) string) string {
			return "e.id " + db.dialect.idsIn(arg(db.dialect.idsArg(matches)))
		})
	}
	if f.Count {
		found.total, err = remember(&db.registers, f.OrgID, stamp, keep, now, countKey(f), func() (int, error) {
			if lookup || (!narrow && len(matches) <= manyMatches) {
				return db.countEngagements(ctx, among())
			}
			ids, err := w.ids(ctx, filter, nil, CountLimit+1, narrow, matching)
			return len(ids), err
		})
		if err != nil {
			return found, err
		}
	}
	if lookup {
		found.ids, err = w.sorted(ctx, among(), after, limit+1)
	} else {
		found.ids, err = w.ids(ctx, filter, after, limit+1, narrow, matching)
	}
	if err != nil {
		return found, err
	}
	return found.cut(limit), nil
}

// findSearchedPostgres finds a page of a search within the filter on PostgreSQL, which checks
// the search in the query and chooses its plan by its statistics (the filter's own count is
// not needed). Looking the matches up once
// as SQLite does (findSearched) cost as much in all: PostgreSQL reads each match's row for its
// id, 10–340 ms for a word in a few per cent of 100,000, where a page checked along the order
// reads a few thousand.
func (db *DB) findSearchedPostgres(ctx context.Context, f EngagementFilter, match string, filter listQuery, after []any, limit int,
	w walk, stamp string, keep bool, now time.Time) (foundPage, error) {
	var found foundPage
	searched := filter.and(func(arg func(any) string) string { return db.dialect.matchSQL(arg(match)) })
	if f.Count {
		var err error
		found.total, err = remember(&db.registers, f.OrgID, stamp, keep, now, countKey(f), func() (int, error) {
			return db.countEngagements(ctx, searched)
		})
		if err != nil {
			return found, err
		}
	}
	var err error
	if found.ids, err = w.ids(ctx, searched, after, limit+1, false, nil); err != nil {
		return found, err
	}
	return found.cut(limit), nil
}

// manyMatches is as many matches of a search as are looked up one by one to count them; with
// more, the count walks the filter's order instead (a word in nearly every engagement finds
// CountLimit of them within a few thousand entries).
const manyMatches = 10 * CountLimit

// matchIDs returns the ids, in order, of the engagements that match the search: on SQLite
// those of every organisation (its full-text index knows no organisation, and a list checks its
// own against them), on PostgreSQL the organisation's.
func (db *DB) matchIDs(ctx context.Context, orgID int64, match string) ([]int64, error) {
	query, args := `SELECT rowid FROM engagements_fts WHERE engagements_fts MATCH $1 ORDER BY rowid`, []any{match}
	if db.dialect == postgres {
		query, args = `SELECT e.id`+engagementFrom+` WHERE e.org_id = $1 AND `+db.dialect.matchSQL("$2")+` ORDER BY e.id`, []any{orgID, match}
	}
	ids, err := readIDs(ctx, db.reads(), query, args...)
	if err != nil {
		return nil, fmt.Errorf("search engagements: %w", err)
	}
	return ids, nil
}

// readIDs returns the ids a query finds, in its order.
func readIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	var ids []int64
	err := eachRow(ctx, q, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, query, args...)
	return ids, err
}

// countEngagements counts the engagements q finds, up to one more than CountLimit.
func (db *DB) countEngagements(ctx context.Context, q listQuery) (n int, err error) {
	err = db.reads().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM engagements e WHERE `+q.sql()+
		fmt.Sprintf(` LIMIT %d) c`, CountLimit+1), q.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count engagements: %w", err)
	}
	return n, nil
}

// listQuery is a list's filter in SQL: its conditions and their parameters ($1, $2, …).
type listQuery struct {
	where []string
	args  []any
}

// and returns q with one more condition, written with arg for its parameters; q stays as it is.
func (q listQuery) and(cond func(arg func(any) string) string) listQuery {
	out := listQuery{where: slices.Clone(q.where), args: slices.Clone(q.args)}
	out.where = append(out.where, cond(func(v any) string {
		out.args = append(out.args, v)
		return fmt.Sprintf("$%d", len(out.args))
	}))
	return out
}

func (q listQuery) sql() string { return strings.Join(q.where, " AND ") }

// walk reads the ids of a list's engagements in its order.
type walk struct {
	db                   *DB
	order, keyset, first string // ORDER BY; the condition of a page after a cursor; order's first column
}

// walkChunk is how many entries a walk reads at a time: PostgreSQL sends every row a query
// finds before the next query can start, so a walk that may stop early asks for a part at a
// time.
const walkChunk = 1000

// ids returns up to n ids of q's engagements in the list's order, after the cursor (nil: from
// the start), keeping only those keep accepts (nil: all). narrow says q finds at most
// CountLimit engagements, read in one part.
func (w walk) ids(ctx context.Context, q listQuery, after []any, n int, narrow bool, keep func(int64) bool) ([]int64, error) {
	chunk := walkChunk
	switch {
	case keep == nil:
		chunk = n
	case narrow:
		chunk = CountLimit + 1
	}
	var ids []int64
	for {
		part := q
		if after != nil {
			part = q.and(func(arg func(any) string) string { return fmt.Sprintf(w.keyset, arg(after[0]), arg(after[1])) })
		}
		read, last := 0, []any{nil, int64(0)}
		err := eachRow(ctx, w.db.reads(), func(r *sql.Rows) error {
			read++
			var id int64
			if err := r.Scan(&id, &last[0]); err != nil {
				return err
			}
			last[1] = id
			if len(ids) < n && (keep == nil || keep(id)) {
				ids = append(ids, id)
			}
			return nil
		}, `SELECT e.id, `+w.first+engagementFrom+` WHERE `+part.sql()+` ORDER BY `+w.order+fmt.Sprintf(` LIMIT %d`, chunk), part.args...)
		if err != nil {
			return nil, fmt.Errorf("list engagements: %w", err)
		}
		if len(ids) >= n || read < chunk {
			return ids, nil
		}
		after = last
	}
}

// sorted returns up to n ids of q's engagements in the list's order after the cursor, found by
// q's own conditions and sorted.
func (w walk) sorted(ctx context.Context, q listQuery, after []any, n int) ([]int64, error) {
	if after != nil {
		q = q.and(func(arg func(any) string) string { return fmt.Sprintf(w.keyset, arg(after[0]), arg(after[1])) })
	}
	order := w.order
	if w.db.dialect == sqlite {
		order = sortedApart(order)
	}
	ids, err := readIDs(ctx, w.db.reads(), `SELECT e.id`+engagementFrom+` WHERE `+q.sql()+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, n), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list engagements: %w", err)
	}
	return ids, nil
}

// registerCache keeps what ListEngagements read of an organisation's register, for as long as
// its records stay as they were (ChangeStamp) and at most registerMaxAge: the counts of filters
// (each page of a list shows its count, the same on every page, and counting up to CountLimit
// cost a sixth of a page's time at 100,000 engagements), how many engagements a search
// matches, the ids each page found (a search walks a few thousand entries to fill a page, and
// the same searches and pages are asked again, paging back and forth, by many at once), and
// the engagements the lists showed, with their links, partners and ids (reading a page's 50
// took three times as long as finding them).
type registerCache struct {
	mu   sync.Mutex
	orgs map[int64]*registerState
	kept int // engagements, in every organisation's state
	ids  int // ids of what was found, in every organisation's state
	// indexes are the organisations' registers as their lists filter and order them
	// (listIndex).
	indexes map[int64]*orgListIndex
}

type registerState struct {
	stamp       string
	since       time.Time
	found       map[string]any // by what was worked out of what: a count, a page's ids, a search's matches
	ids         int            // in found
	engagements map[int64]*utsyn.Engagement
}

const (
	registerMaxAge = time.Minute // on PostgreSQL an event can commit older than the newest seen
	// The cache starts again when it holds more: an engagement with its links and partners
	// takes about 4 KB, so the engagements take at most some 80 MB; a page's ids at most 1.6 KB.
	registerFound, registerEngagements = 4096, 20_000
	registerIDs                        = 4_000_000 // 32 MB of the ids of pages and of searches' matches
)

// keepRegisters turns registerCache on; the benchmarks turn it off to measure a list asked for
// the first time.
var keepRegisters = true

// state returns the organisation's state at stamp, a new one when its records have changed
// since or it is too old. The caller holds c.mu.
func (c *registerCache) state(orgID int64, stamp string, now time.Time) *registerState {
	st := c.orgs[orgID]
	if st == nil || st.stamp != stamp || now.Sub(st.since) >= registerMaxAge {
		if c.orgs == nil {
			c.orgs = map[int64]*registerState{}
		}
		if st != nil {
			c.kept -= len(st.engagements)
			c.ids -= st.ids
		}
		st = &registerState{stamp: stamp, since: now, found: map[string]any{}, engagements: map[int64]*utsyn.Engagement{}}
		c.orgs[orgID] = st
	}
	return st
}

// remember returns what work gives for key in the organisation at stamp, from the cache when
// it is known. keep false asks work every time. What it keeps is shared: never change it.
func remember[V any](c *registerCache, orgID int64, stamp string, keep bool, now time.Time, key string, work func() (V, error)) (V, error) {
	if !keep {
		return work()
	}
	c.mu.Lock()
	v, ok := c.state(orgID, stamp, now).found[key]
	c.mu.Unlock()
	if ok {
		return v.(V), nil
	}
	w, err := work()
	if err != nil {
		return w, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.state(orgID, stamp, now)
	size := 1
	switch w := any(w).(type) {
	case []int64:
		size = len(w)
	case foundPage:
		size = len(w.ids)
	}
	if len(st.found) >= registerFound || c.ids+size > registerIDs {
		for _, o := range c.orgs {
			clear(o.found)
			o.ids = 0
		}
		c.ids = 0
	}
	st.found[key] = w
	st.ids += size
	c.ids += size
	return w, nil
}

// engagements returns the organisation's engagements with these ids, in their order, those
// known at stamp from the cache and the others read (and kept, when keep). An id that is gone
// by now is left out. The engagements are shared: read them, never change them.
func (c *registerCache) engagements(ctx context.Context, db *DB, orgID int64, stamp string, keep bool, now time.Time, ids []int64) ([]*utsyn.Engagement, error) {
	out := make([]*utsyn.Engagement, 0, len(ids))
	missing := ids
	if keep {
		missing = nil
		c.mu.Lock()
		st := c.state(orgID, stamp, now)
		for _, id := range ids {
			if e, ok := st.engagements[id]; ok {
				out = append(out, e)
			} else {
				missing = append(missing, id)
			}
		}
		c.mu.Unlock()
		if len(missing) == 0 {
			return out, nil
		}
	}
	read, err := db.readEngagements(ctx, orgID, missing)
	if err != nil {
		return nil, err
	}
	if keep {
		c.mu.Lock()
		st := c.state(orgID, stamp, now)
		if c.kept+len(read) > registerEngagements {
			for _, o := range c.orgs {
				clear(o.engagements)
			}
			c.kept = 0
		}
		for _, e := range read {
			if _, ok := st.engagements[e.ID]; !ok {
				st.engagements[e.ID] = e
				c.kept++
			}
		}
		c.mu.Unlock()
	}
	byID := make(map[int64]*utsyn.Engagement, len(ids))
	for _, e := range out {
		byID[e.ID] = e
	}
	for _, e := range read {
		byID[e.ID] = e
	}
	out = out[:0]
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// readEngagements reads the organisation's engagements with these ids, with their links,
// partners and external ids, in no particular order.
func (db *DB) readEngagements(ctx context.Context, orgID int64, ids []int64) ([]*utsyn.Engagement, error) {
	if len(ids) == 0 {
		return nil, nil // "IN ()" is no SQL on PostgreSQL
	}
	var es []*utsyn.Engagement
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		e, err := scanEngagement(r)
		if err != nil {
			return err
		}
		es = append(es, e)
		return nil
	}, `SELECT `+engagementColumns+engagementFrom+` WHERE e.id `+db.dialect.idsIn("$1")+` AND +e.org_id = $2`, // + keeps SQLite on the ids: without statistics it walked the organisation's index (19 ms)
		db.dialect.idsArg(ids), orgID)
	if err != nil {
		return nil, fmt.Errorf("read engagements: %w", err)
	}
	if err := fillEngagements(ctx, db.reads(), db.dialect, es); err != nil {
		return nil, err
	}
	return es, nil
}
