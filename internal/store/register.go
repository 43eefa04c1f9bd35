package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
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

// fewMatches is how many matches of a search SQLite looks up one by one; with more, the list
// walks its order instead (ListEngagements). Looking a match up costs about as much as
// walking a few dozen entries of an index, so the two meet at a few hundred of 100,000.
var fewMatches = 500

// CountLimit is as far as ListEngagements counts. Counting every match costs as much as
// reading them all, on every page: about 8 ms for 100,000 engagements on SQLite, so that a
// large register could not be listed fast (docs/PERFORMANCE.md). Beyond it a page says "more
// than 1,000"; no one pages through a thousand matches rather than narrowing the filter.
const CountLimit = 1000

// EngagementPage is one page of a list.
type EngagementPage struct {
	Items []*utsyn.Engagement
	Next  string // the cursor of the next page, "" on the last
	Total int    // the matches, when the filter asked to count: every one, or CountLimit when More
	More  bool   // more than CountLimit match
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
	keep, stamp, now := keepRegisters, "", db.now()
	if keep {
		var err error
		if stamp, err = db.ChangeStamp(ctx, f.OrgID); err != nil {
			return nil, err
		}
	}
	found, err := remember(&db.registers, f.OrgID, stamp, keep, now, fmt.Sprintf("page %+v", f), func() (foundPage, error) {
		return db.findEngagements(ctx, f, stamp, keep, now)
	})
	if err != nil {
		return nil, err
	}
	page := &EngagementPage{Total: found.total, More: found.totalMore}
	if page.Items, err = db.registers.engagements(ctx, db, f.OrgID, stamp, keep, now, found.ids); err != nil {
		return nil, err
	}
	if found.more && len(page.Items) > 0 {
		last := page.Items[len(page.Items)-1]
		page.Next = encodeCursor(cursor{Value: cursorValue(f.Sort, last), ID: last.ID})
	}
	return page, nil
}

// foundPage is what a list found: its page's ids, whether more follow, and its count.
type foundPage struct {
	ids       []int64
	more      bool
	total     int
	totalMore bool
}

// cursorValue is the value of e that a list in this order goes on after.
func cursorValue(sort string, e *utsyn.Engagement) string {
	switch sort {
	case "title":
		return fold(e.Title.Get("nb"))
	case "start":
		return e.Start.String()
	default:
		return e.UpdatedAt.UTC().Format(time.RFC3339Nano)
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
	walk := -1 // the condition of a search that the list checks along its order
	if terms := searchTerms(f.Query); len(terms) > 0 {
		match := db.dialect.matchQuery(terms)
		cond := db.dialect.matchSQL(arg(match))
		if db.dialect == sqlite {
			// SQLite reads the matches from the full-text index and then each one's row, to
			// sort them: 2,600 rows (7 ms) for a word in 2.6 per cent of 100,000, 100,000 for a
			// word in every one. When there are more than a few hundred, walking the index of
			// the list's order and checking each entry against the matches stops after a
			// page: the + keeps the planner from looking the matches up by id. The matches
			// counted are every organisation's; a word common elsewhere makes the list walk,
			// which costs at most this register's index. How many match is kept with the
			// list's count: it only chooses the plan, so another organisation's change that
			// moves it a little matters not.
			n, err := remember(&db.registers, f.OrgID, stamp, keep, now, "matches "+match, func() (n int, err error) {
				err = db.reads().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM engagements_fts WHERE engagements_fts MATCH $1 LIMIT $2) m`,
					match, fewMatches+1).Scan(&n)
				return n, err
			})
			if err != nil {
				return found, fmt.Errorf("list engagements: %w", err)
			}
			if n > fewMatches {
				walk = len(where) // the count still looks the matches up: it reads no rows
			}
		}
		where = append(where, cond)
	}
	var order, keyset string
	switch f.Sort {
	case "title":
		order, keyset = "e.title_sort, e.id", "(e.title_sort, e.id) > (%s, %s)"
	case "start":
		order, keyset = "coalesce(e.start_date, '') DESC, e.id DESC", "(coalesce(e.start_date, ''), e.id) < (%s, %s)"
	case "", "updated":
		order, keyset = "e.updated_at DESC, e.id DESC", "(e.updated_at, e.id) < (%s, %s)"
	default:
		return found, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.sort", Field: "sort"}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)

	if f.Count {
		count := func() (n int, err error) {
			err = db.reads().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM engagements e WHERE `+strings.Join(where, " AND ")+
				fmt.Sprintf(` LIMIT %d) c`, CountLimit+1), args...).Scan(&n)
			return n, err
		}
		counted := f
		counted.After, counted.Sort, counted.Limit = "", "", 0 // the same count on every page
		n, err := remember(&db.registers, f.OrgID, stamp, keep, now, fmt.Sprintf("count %+v", counted), count)
		if err != nil {
			return found, fmt.Errorf("count engagements: %w", err)
		}
		found.total = n
		if found.total > CountLimit {
			found.total, found.totalMore = CountLimit, true
		}
	}
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
		where = append(where, fmt.Sprintf(keyset, arg(v), arg(c.ID)))
	}
	if walk >= 0 {
		where[walk] = "+" + where[walk]
	}
	if db.dialect == sqlite && f.Count && !found.totalMore && walk < 0 {
		// No more than CountLimit match: finding them by the filter's own index and sorting
		// them costs at most that many rows, where walking the list's order to find a page of
		// a rare combination (a kind, a status and a year, say) can pass every entry of it
		// (20 ms at 100,000). The + keeps SQLite from taking the order's index.
		order = "+" + strings.ReplaceAll(order, ", e.", ", +e.")
	}
	var ids []int64
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var id int64
		ids = append(ids, id)
		return r.Scan(&ids[len(ids)-1])
	}, `SELECT e.id`+engagementFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, limit+1), args...)
	if err != nil {
		return found, fmt.Errorf("list engagements: %w", err)
	}
	if found.more = len(ids) > limit; found.more {
		ids = ids[:limit]
	}
	found.ids = ids
	return found, nil
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
}

type registerState struct {
	stamp       string
	since       time.Time
	found       map[string]any // by what was worked out of what: a count, a page's ids
	engagements map[int64]*utsyn.Engagement
}

const (
	registerMaxAge = time.Minute // on PostgreSQL an event can commit older than the newest seen
	// The cache starts again when it holds more: an engagement with its links and partners
	// takes about 4 KB, so the engagements take at most some 80 MB; a page's ids at most 1.6 KB.
	registerFound, registerEngagements = 4096, 20_000
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
	if len(st.found) >= registerFound {
		clear(st.found)
	}
	st.found[key] = w
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
	var es []*utsyn.Engagement
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		e, err := scanEngagement(r)
		if err != nil {
			return err
		}
		es = append(es, e)
		return nil
	}, `SELECT `+engagementColumns+engagementFrom+` WHERE e.id IN (`+idList(ids)+`) AND +e.org_id = $1`, orgID) // + keeps SQLite on the ids: without statistics it walked the organisation's index (19 ms)
	if err != nil {
		return nil, fmt.Errorf("read engagements: %w", err)
	}
	if err := fillEngagements(ctx, db.reads(), es); err != nil {
		return nil, err
	}
	return es, nil
}
