package report

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/utsyn/utsyn/internal/store"
)

// Cache keeps the reports it built for as long as the organisation's records stay as they
// were: a report of 100,000 engagements takes most of a second to build, and a reader who
// opens it, follows a figure to its records and downloads the PDF asks for the same report
// again and again. A report is found again only when the organisation's audit trail has no
// newer event (store.ChangeStamp), which every change of a record writes; the least recently
// used goes first when the cache is full.
//
// A report that was slow to build (SlowBuild or more) is not built again while a reader
// waits: when the records have changed, the reader gets the report as it was, told that it is
// stale (Get), while a new one is built in the background, as the dashboards do with their
// figures. Older than MaxAge, it is built again in the background as well. A quick report is
// built again at once, and so is a public one after a change (Options.Public): what the public
// sees follows what is published at once.
type Cache struct {
	size    int
	maxAge  time.Duration
	slow    time.Duration
	mu      sync.Mutex
	entries []*cacheEntry // the most recently used last
}

type cacheEntry struct {
	db         *store.DB
	key        cacheKey
	stamp      string
	made       time.Time
	took       time.Duration
	r          *Report
	rebuilding bool // a new one is being built in the background
}

type cacheKey struct {
	org            int64
	from, to, form string
	public         bool
	strategy       string
	limit          int
}

const (
	// MaxAge is how long a cached report is used before it is built again.
	MaxAge = 10 * time.Minute
	// SlowBuild is how long a build takes before the cache rebuilds the report in the
	// background rather than while a reader waits.
	SlowBuild = 300 * time.Millisecond
)

// NewCache returns a cache of at most size reports.
func NewCache(size int) *Cache { return &Cache{size: size, maxAge: MaxAge, slow: SlowBuild} }

// Build returns the report the options ask for, as Get does, without saying whether it is
// stale.
func (c *Cache) Build(ctx context.Context, db *store.DB, o Options) (*Report, error) {
	r, _, err := c.Get(ctx, db, o)
	return r, err
}

// Get returns the report the options ask for: the cached one when the organisation's records
// have not changed since it was built; a new one (see Build) when there is none or it was quick
// to build; else the cached one with stale true, while a new one is built in the background.
// Options.Now is the time of a build while the reader waits; one in the background is made at
// the time it starts.
func (c *Cache) Get(ctx context.Context, db *store.DB, o Options) (r *Report, stale bool, err error) {
	if c == nil || c.size <= 0 || o.Org == nil {
		r, err := Build(ctx, db, o)
		return r, false, err
	}
	if o.Form == "" {
		o.Form = Political
	}
	stamp, err := db.ChangeStamp(ctx, o.Org.ID)
	if err != nil {
		return nil, false, err
	}
	key := cacheKey{org: o.Org.ID, from: o.Period.From.String(), to: o.Period.To.String(), form: string(o.Form), public: o.Public,
		strategy: o.Strategy, limit: o.Limit}
	now := time.Now()
	c.mu.Lock()
	if i := c.find(db, key); i >= 0 {
		e := c.entries[i]
		current, young := e.stamp == stamp, now.Sub(e.made) < c.maxAge
		// A public report is never shown as it was: a record made internal since must not
		// stay on the public pages while a new one is built.
		if (current && young) || (e.took >= c.slow && (current || !o.Public)) {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			if !(current && young) && !e.rebuilding {
				e.rebuilding = true
				go c.rebuild(db, key, o)
			}
			c.mu.Unlock()
			return e.r, !current, nil
		}
	}
	c.mu.Unlock()

	start := time.Now()
	if r, err = Build(ctx, db, o); err != nil {
		return nil, false, err
	}
	c.put(&cacheEntry{db: db, key: key, stamp: stamp, made: now, took: time.Since(start), r: r})
	return r, false, nil
}

// rebuild builds a report again in the background and puts it in the cache.
func (c *Cache) rebuild(db *store.DB, key cacheKey, o Options) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var e *cacheEntry
	stamp, err := db.ChangeStamp(ctx, o.Org.ID) // before the build: a change during it makes it stale
	if err == nil {
		o.Now = time.Now()
		var r *Report
		if r, err = Build(ctx, db, o); err == nil {
			e = &cacheEntry{db: db, key: key, stamp: stamp, made: o.Now, took: time.Since(o.Now), r: r}
		}
	}
	if e != nil {
		c.put(e)
		return
	}
	// Failed (the database closed, say): the next reader builds it while waiting.
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := c.find(db, key); i >= 0 {
		c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
	}
}

// find returns the index of the entry of db and key, or -1. c.mu is held.
func (c *Cache) find(db *store.DB, key cacheKey) int {
	return slices.IndexFunc(c.entries, func(e *cacheEntry) bool { return e.db == db && e.key == key })
}

// put adds the entry in place of the one of its key, as the most recently used.
func (c *Cache) put(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := c.find(e.db, e.key); i >= 0 {
		c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
	}
	c.entries = append(c.entries, e)
	if len(c.entries) > c.size {
		c.entries = c.entries[len(c.entries)-c.size:]
	}
}
