package report

import (
	"context"
	"sync"
	"time"

	"github.com/utsyn/utsyn/internal/store"
)

// Cache keeps the reports it built for as long as the organisation's records stay as they
// were: a report of 100,000 engagements takes a second or more to build, and a reader who
// opens it, follows a figure to its records and downloads the PDF asks for the same report
// again and again. A report is found again only when the organisation's audit trail has no
// newer event (store.ChangeStamp), which every change of a record writes; an entry also
// expires after MaxAge, and the least recently used goes first when the cache is full.
type Cache struct {
	size    int
	maxAge  time.Duration
	mu      sync.Mutex
	entries []*cacheEntry // the most recently used last
}

type cacheEntry struct {
	db    *store.DB
	key   cacheKey
	stamp string
	made  time.Time
	r     *Report
}

type cacheKey struct {
	org            int64
	from, to, form string
	public         bool
	strategy       string
	limit          int
}

// MaxAge is how long a cached report is used at most.
const MaxAge = 10 * time.Minute

// NewCache returns a cache of at most size reports.
func NewCache(size int) *Cache { return &Cache{size: size, maxAge: MaxAge} }

// Build returns the report the options ask for: the cached one when the organisation's
// records have not changed since it was built, else a new one (see Build). Options.Now is the
// time of a new build only.
func (c *Cache) Build(ctx context.Context, db *store.DB, o Options) (*Report, error) {
	if c == nil || c.size <= 0 || o.Org == nil {
		return Build(ctx, db, o)
	}
	if o.Form == "" {
		o.Form = Political
	}
	stamp, err := db.ChangeStamp(ctx, o.Org.ID)
	if err != nil {
		return nil, err
	}
	key := cacheKey{org: o.Org.ID, from: o.Period.From.String(), to: o.Period.To.String(), form: string(o.Form), public: o.Public,
		strategy: o.Strategy, limit: o.Limit}
	now := time.Now()
	c.mu.Lock()
	for i, e := range c.entries {
		if e.db == db && e.key == key {
			if e.stamp == stamp && now.Sub(e.made) < c.maxAge {
				c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
				c.mu.Unlock()
				return e.r, nil
			}
			c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
			break
		}
	}
	c.mu.Unlock()

	r, err := Build(ctx, db, o)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, &cacheEntry{db: db, key: key, stamp: stamp, made: now, r: r})
	if len(c.entries) > c.size {
		c.entries = c.entries[len(c.entries)-c.size:]
	}
	return r, nil
}
