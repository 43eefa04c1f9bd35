package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utsyn/utsyn"
)

// Dashboards: the figures the leadership steers by (coverage of the strategy, money, the
// portfolio over time, partners by place, what is due and what lags), worked out from a
// snapshot of the organisation's register held in memory.
//
// Why a snapshot: every figure adds up the whole register under the reader's filter, and at
// 100,000 engagements (and ten times as many money lines and partners) no query over the
// tables answers in the tens of milliseconds a page may take, on SQLite least of all. The
// snapshot holds only what the figures need (kinds, statuses, dates, units, strategy links,
// money per year, partners' places, the latest status of each item), a few tens of bytes an
// engagement, read by the narrow queries in dashboard/*.sql; each page then works out its
// figures from it in Go, the same on both engines.
//
// Keeping it true: every change to an organisation's records is recorded in the audit trail in
// the same transaction (Tx.Record), so a new audit event of the organisation means the snapshot
// is out of date. Each request asks for the newest event (one index lookup); the snapshot is
// read again when there is one. A small organisation's snapshot is read again at once, so its
// figures are always current; a large one's (a read that took longer than syncRebuild) is read
// again in the background while the pages show the previous figures, saying from when they are.
// A snapshot older than maxAge is read again in any case, which also covers a PostgreSQL
// transaction that commits its audit event after a later one.

//go:embed dashboard/*.sql
var dashboardSQL embed.FS

func dashboardQuery(name string) string {
	b, err := dashboardSQL.ReadFile("dashboard/" + name + ".sql")
	if err != nil {
		panic("store: no dashboard query " + name) // embedded: a test reads every one
	}
	return string(b)
}

const (
	syncRebuild = 300 * time.Millisecond
	maxAge      = 5 * time.Minute
	maxMemo     = 256 // figures kept per snapshot
)

// Dashboards keeps the organisations' snapshots and works out their figures. It is safe for
// concurrent use; make one per DB and keep it.
type Dashboards struct {
	db    *DB
	now   func() time.Time
	mu    sync.Mutex
	snaps map[int64]*snapEntry
}

type snapEntry struct {
	mu       sync.Mutex // held while the snapshot is read
	snap     *snapshot
	building bool // a background read is under way
}

// NewDashboards returns the dashboards of db.
func (db *DB) NewDashboards() *Dashboards {
	return &Dashboards{db: db, now: time.Now, snaps: map[int64]*snapEntry{}}
}

// snapshot is what the figures of one organisation are worked out from.
type snapshot struct {
	orgID       int64
	stamp       atomic.Int64 // the newest audit event (of any organisation) it shows
	builtAt     time.Time
	took        time.Duration
	engagements []snapEngagement
	index       map[int64]int32 // engagement id → index
	units       []string        // the units engagements name, sorted; snapEngagement.unit indexes it
	actors      []snapActor
	byName      []int32  // the actors' indexes in the order of their names
	countries   []string // the actors' countries; snapActor.country indexes it
	places      []string // the Norwegian actors' counties of 2024, then their regions that name none ("?" and the region)
	first, last int      // the first and last year of the work: starts, ends and money
	rates       map[rateKey]float64
	elementLast map[int64]lastStatus // the latest status update of each element that has one
	cadences    []elementCadence
	milestones  []snapMilestone
	memo        sync.Map     // figures worked out from it, by kind and filter (Dashboards.figures)
	memoSize    atomic.Int32 // how many are kept; at most maxMemo
}

type rateKey struct {
	year     int
	currency string
}

type snapEngagement struct {
	id          int64
	kind        string
	status      string
	start, end  utsyn.Date
	unit        int32
	responsible int64
	renewal     utsyn.Date
	cadence     string
	reviews     []utsyn.Review
	links       []int64 // element ids
	money       []snapMoney
	partners    []int32 // indexes in snapshot.actors
	last        lastStatus
}

type snapMoney struct {
	minor int64
	hours float64
	year  int16
	kind  uint8 // index in utsyn.MoneyKinds
	cur   uint8 // index in utsyn.Currencies
}

type snapActor struct {
	id      int64
	name    string
	country int32 // index in snapshot.countries
	place   int32 // a Norwegian actor's index in snapshot.places; -1 for others
}

type lastStatus struct {
	date   utsyn.Date
	status string // "" when never updated
}

type elementCadence struct {
	elementID, strategyID int64
	cadence               string
}

type snapMilestone struct {
	id                      int64
	engagementID, elementID int64
	title                   string
	due                     utsyn.Date
}

// AsOf says when the figures were read from the database, and whether newer ones are being read.
type AsOf struct {
	Time  time.Time
	Stale bool // the register has changed since; the next figures will show it
}

// snapshot returns the organisation's snapshot, read again when the register changed.
func (d *Dashboards) snapshot(ctx context.Context, orgID int64) (*snapshot, AsOf, error) {
	stamp, err := d.db.auditStamp(ctx)
	if err != nil {
		return nil, AsOf{}, err
	}
	d.mu.Lock()
	e := d.snaps[orgID]
	if e == nil {
		e = &snapEntry{}
		d.snaps[orgID] = e
	}
	d.mu.Unlock()

	e.mu.Lock()
	cur := e.snap
	e.mu.Unlock()
	if cur != nil {
		fresh, err := d.current(ctx, cur, stamp)
		if err != nil {
			return nil, AsOf{}, err
		}
		if fresh {
			return cur, AsOf{Time: cur.builtAt}, nil
		}
		if cur.took >= syncRebuild {
			d.rebuildLater(e, orgID)
			return cur, AsOf{Time: cur.builtAt, Stale: true}, nil
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.snap != nil && e.snap != cur { // another request read it meanwhile
		return e.snap, AsOf{Time: e.snap.builtAt}, nil
	}
	s, err := d.db.readSnapshot(ctx, orgID, d.now)
	if err != nil {
		return nil, AsOf{}, err
	}
	e.snap = s
	return s, AsOf{Time: s.builtAt}, nil
}

// current reports whether the snapshot still shows the register: nothing of the organisation
// was recorded since it was read, and it is not older than maxAge. A newer event of another
// organisation only moves the snapshot's stamp on.
func (d *Dashboards) current(ctx context.Context, s *snapshot, stamp int64) (bool, error) {
	if d.now().Sub(s.builtAt) > maxAge {
		return false, nil
	}
	seen := s.stamp.Load()
	if stamp <= seen {
		return true, nil
	}
	var n int
	if err := d.db.reads().QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE id > $1 AND id <= $2 AND org_id = $3`,
		seen, stamp, s.orgID).Scan(&n); err != nil {
		return false, fmt.Errorf("dashboard stamp: %w", err)
	}
	if n == 0 {
		s.stamp.CompareAndSwap(seen, stamp) // only forward; another reader may have moved it already
		return true, nil
	}
	return false, nil
}

// rebuildLater reads the organisation's snapshot again in the background, once at a time.
func (d *Dashboards) rebuildLater(e *snapEntry, orgID int64) {
	d.mu.Lock()
	if e.building {
		d.mu.Unlock()
		return
	}
	e.building = true
	d.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		s, err := d.db.readSnapshot(ctx, orgID, d.now)
		d.mu.Lock()
		e.building = false
		d.mu.Unlock()
		if err != nil {
			return // the next request tries again
		}
		e.mu.Lock()
		e.snap = s
		e.mu.Unlock()
	}()
}

// auditStamp is the newest audit event of any organisation.
func (db *DB) auditStamp(ctx context.Context) (int64, error) {
	var id int64
	if err := db.reads().QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("dashboard stamp: %w", err)
	}
	return id, nil
}

// readSnapshot reads the organisation's snapshot.
func (db *DB) readSnapshot(ctx context.Context, orgID int64, now func() time.Time) (*snapshot, error) {
	started := time.Now()
	stamp, err := db.auditStamp(ctx) // before the reads: a change made during them makes the next request read again
	if err != nil {
		return nil, err
	}
	s := &snapshot{orgID: orgID, builtAt: now(), index: map[int64]int32{}, rates: map[rateKey]float64{},
		elementLast: map[int64]lastStatus{}}
	s.stamp.Store(stamp)
	q := db.reads()
	units := map[string]int32{}
	var unitNames []string
	err = eachRow(ctx, q, func(r *sql.Rows) error {
		var e snapEngagement
		var unit, reviews string
		if err := r.Scan(&e.id, &e.kind, &e.status, &e.start, &e.end, &unit, &e.responsible, &e.renewal, &e.cadence, &reviews); err != nil {
			return err
		}
		u, ok := units[unit]
		if !ok {
			u = int32(len(unitNames))
			units[unit] = u
			unitNames = append(unitNames, unit)
		}
		e.unit = u
		if reviews != "[]" && reviews != "" {
			if err := json.Unmarshal([]byte(reviews), &e.reviews); err != nil {
				return fmt.Errorf("engagement %d reviews: %w", e.id, err)
			}
		}
		s.index[e.id] = int32(len(s.engagements))
		s.engagements = append(s.engagements, e)
		return nil
	}, dashboardQuery("engagements"), orgID)
	if err != nil {
		return nil, fmt.Errorf("dashboard engagements: %w", err)
	}
	// Units sorted, the engagements pointing into the sorted list.
	s.units = slices.Clone(unitNames)
	slices.Sort(s.units)
	remap := make([]int32, len(unitNames))
	for i, u := range unitNames {
		remap[i] = int32(slices.Index(s.units, u))
	}
	for i := range s.engagements {
		s.engagements[i].unit = remap[s.engagements[i].unit]
	}

	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var eid, el int64
		if err := r.Scan(&eid, &el); err != nil {
			return err
		}
		if i, ok := s.index[eid]; ok {
			s.engagements[i].links = append(s.engagements[i].links, el)
		}
		return nil
	}, dashboardQuery("links"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard links: %w", err)
	}
	kinds, currencies := map[string]uint8{}, map[string]uint8{}
	for i, k := range utsyn.MoneyKinds {
		kinds[k] = uint8(i)
	}
	for i, c := range utsyn.Currencies {
		currencies[c] = uint8(i)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var eid int64
		var year int
		var m snapMoney
		var kind, currency string
		var hours sql.NullFloat64
		if err := r.Scan(&eid, &year, &kind, &currency, &m.minor, &hours); err != nil {
			return err
		}
		m.year, m.hours = int16(year), hours.Float64
		var ok1, ok2 bool
		m.kind, ok1 = kinds[kind]
		m.cur, ok2 = currencies[currency]
		i, ok := s.index[eid]
		if !ok || !ok1 || !ok2 {
			return nil // the schema's checks keep these out
		}
		e := &s.engagements[i]
		for j := range e.money {
			if x := &e.money[j]; x.year == m.year && x.kind == m.kind && x.cur == m.cur {
				x.minor += m.minor
				x.hours += m.hours
				return nil
			}
		}
		e.money = append(e.money, m)
		return nil
	}, dashboardQuery("money"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard money: %w", err)
	}
	actorIndex := map[int64]int32{}
	countries, places := map[string]int32{}, map[string]int32{}
	for _, c := range Counties2024 {
		places[c] = int32(len(s.places))
		s.places = append(s.places, c)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		a := snapActor{place: -1}
		var country, region string
		if err := r.Scan(&a.id, &a.name, &country, &region); err != nil {
			return err
		}
		c, ok := countries[country]
		if !ok {
			c = int32(len(s.countries))
			countries[country] = c
			s.countries = append(s.countries, country)
		}
		a.country = c
		if country == "NO" {
			key, ok := County(region)
			if !ok {
				key = "?" + strings.TrimSpace(region)
			}
			p, ok := places[key]
			if !ok {
				p = int32(len(s.places))
				places[key] = p
				s.places = append(s.places, key)
			}
			a.place = p
		}
		actorIndex[a.id] = int32(len(s.actors))
		s.actors = append(s.actors, a)
		return nil
	}, dashboardQuery("actors"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard actors: %w", err)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var eid, aid int64
		if err := r.Scan(&eid, &aid); err != nil {
			return err
		}
		i, ok := s.index[eid]
		a, found := actorIndex[aid]
		if ok && found && !slices.Contains(s.engagements[i].partners, a) {
			s.engagements[i].partners = append(s.engagements[i].partners, a)
		}
		return nil
	}, dashboardQuery("partners"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard partners: %w", err)
	}
	// Each engagement's links, money and partners side by side in one array each, so that the
	// figures read them in order rather than from a hundred thousand places.
	var links []int64
	var money []snapMoney
	var partners []int32
	for i := range s.engagements {
		e := &s.engagements[i]
		links, money, partners = append(links, e.links...), append(money, e.money...), append(partners, e.partners...)
	}
	var nl, nm, np int
	for i := range s.engagements {
		e := &s.engagements[i]
		e.links, nl = links[nl:nl+len(e.links):nl+len(e.links)], nl+len(e.links)
		e.money, nm = money[nm:nm+len(e.money):nm+len(e.money)], nm+len(e.money)
		e.partners, np = partners[np:np+len(e.partners):np+len(e.partners)], np+len(e.partners)
	}
	s.byName = make([]int32, len(s.actors))
	keys := make([]string, len(s.actors))
	for i := range s.actors {
		s.byName[i] = int32(i)
		keys[i] = fold(s.actors[i].name)
	}
	slices.SortFunc(s.byName, func(a, b int32) int {
		return cmp.Or(strings.Compare(keys[a], keys[b]), cmp.Compare(s.actors[a].id, s.actors[b].id))
	})
	see := func(y int) {
		if y != 0 {
			if s.first == 0 || y < s.first {
				s.first = y
			}
			s.last = max(s.last, y)
		}
	}
	for i := range s.engagements {
		e := &s.engagements[i]
		see(e.start.Year)
		see(e.end.Year)
		for _, m := range e.money {
			see(int(m.year))
		}
	}
	rates, err := db.ExchangeRates(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, r := range rates {
		s.rates[rateKey{r.Year, r.Currency}] = r.NOK
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var eid, el int64
		var l lastStatus
		if err := r.Scan(&eid, &el, &l.date, &l.status); err != nil {
			return err
		}
		if eid != 0 {
			if i, ok := s.index[eid]; ok {
				s.engagements[i].last = l
			}
		} else {
			s.elementLast[el] = l
		}
		return nil
	}, dashboardQuery("latest_status"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard statuses: %w", err)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var c elementCadence
		if err := r.Scan(&c.elementID, &c.strategyID, &c.cadence); err != nil {
			return err
		}
		s.cadences = append(s.cadences, c)
		return nil
	}, dashboardQuery("element_cadences"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard cadences: %w", err)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var m snapMilestone
		if err := r.Scan(&m.id, &m.engagementID, &m.elementID, &m.title, &m.due); err != nil {
			return err
		}
		s.milestones = append(s.milestones, m)
		return nil
	}, dashboardQuery("milestones"), orgID); err != nil {
		return nil, fmt.Errorf("dashboard milestones: %w", err)
	}
	s.took = time.Since(started)
	return s, nil
}
