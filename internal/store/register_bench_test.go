package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// BenchmarkListEngagements measures a page of the register (ListEngagements, 50 rows with
// their partners, strategy links and external ids, and the count of every match, as the list
// page asks) at 1,000, 10,000 and 100,000 synthetic engagements in one organisation, on SQLite
// and, when UTSYN_TEST_POSTGRES is set, on PostgreSQL. Making the data takes a while (about half
// a minute for 100,000 on SQLite), so it runs only as a benchmark, never in the tests:
//
//	go test ./internal/store -run '^$' -bench ListEngagements -benchtime 200x
//
// UTSYN_BENCH_SIZES=1000,10000 picks the sizes.
func BenchmarkListEngagements(b *testing.B) {
	sizes := benchSizes(b)
	ctx := context.Background()
	// Each list as if asked for the first time: a count once known is kept while the register
	// stays as it is (registerCache), as are the engagements it showed.
	*store.KeepRegisters = false
	defer func() { *store.KeepRegisters = true }()
	for _, engine := range storetest.Engines(b) {
		for _, size := range sizes {
			db := storetest.Open(b, engine)
			started := time.Now()
			if _, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: size, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d synthetic engagements made in %.1f s", engine, size, time.Since(started).Seconds())
			org, err := db.FindOrganisation(ctx, demo.SyntheticSlug(1, 1))
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range registerCases(b, db, org.ID) {
				b.Run(fmt.Sprintf("%s/%d/%s", engine, size, c.name), func(b *testing.B) {
					f := c.filter
					f.OrgID, f.Count = org.ID, true
					var page *store.EngagementPage
					cpu := cpuTime()
					for b.Loop() {
						if page, err = db.ListEngagements(ctx, f); err != nil {
							b.Fatal(err)
						}
					}
					// The process's CPU time per list (PostgreSQL's own is not in it): on a busy
					// machine it says what a list costs better than the time on the clock does.
					b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
					b.ReportMetric(float64(page.Total), "matches")
				})
			}
		}
	}
}

// BenchmarkListIndex measures a page of the register found in the list index (listIndex.find:
// the ids of a page and the count, the search's matches already read), a search's matches
// (found once per state of the records), and reading the index, at the sizes of
// BenchmarkListEngagements:
//
//	go test ./internal/store -run '^$' -bench ListIndex
func BenchmarkListIndex(b *testing.B) {
	sizes := benchSizes(b)
	ctx := context.Background()
	for _, engine := range storetest.Engines(b) {
		for _, size := range sizes {
			db := storetest.Open(b, engine)
			if _, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: size, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			org, err := db.FindOrganisation(ctx, demo.SyntheticSlug(1, 1))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%d/read", engine, size), func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ReadListIndex(ctx, org.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
			ix, err := db.ReadListIndex(ctx, org.ID)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range registerCases(b, db, org.ID) {
				f := c.filter
				f.OrgID, f.Count = org.ID, true
				matches, err := db.SearchMatches(ctx, ix, f)
				if err != nil {
					b.Fatal(err)
				}
				if f.Query != "" { // the search's matches, found once per state of the records
					b.Run(fmt.Sprintf("%s/%d/%s matches", engine, size, c.name), func(b *testing.B) {
						for b.Loop() {
							if _, err := db.SearchMatches(ctx, ix, f); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
				matching := ix.RowsOf(matches)
				b.Run(fmt.Sprintf("%s/%d/%s", engine, size, c.name), func(b *testing.B) {
					var page store.IndexedPage
					for b.Loop() {
						page = ix.FindPage(f, matching)
					}
					if !page.AnsweredByIndex {
						b.Fatal("the index did not answer")
					}
					b.ReportMetric(float64(page.Total), "matches")
				})
			}
		}
	}
}

// benchSizes are the register's sizes a benchmark measures: 1,000, 10,000 and 100,000, or
// those UTSYN_BENCH_SIZES names.
func benchSizes(b *testing.B) []int {
	s := os.Getenv("UTSYN_BENCH_SIZES")
	if s == "" {
		return []int{1000, 10000, 100000}
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("UTSYN_BENCH_SIZES: %q", s)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// cpuTime returns the CPU time the process has used, in user and system mode.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type registerCase struct {
	name   string
	filter store.EngagementFilter
}

// registerCases are the lists people ask for: the first page, filtered by what the list page
// offers, and searched for a word some engagements have and for one they all have.
func registerCases(b testing.TB, db *store.DB, orgID int64) []registerCase {
	s, err := db.FindStrategy(context.Background(), orgID, "internasjonal-strategi")
	if err != nil {
		b.Fatal(err)
	}
	tree, err := db.FindTree(context.Background(), s)
	if err != nil {
		b.Fatal(err)
	}
	p2 := tree.AtLevel("priority")[1]
	return []registerCase{
		{"first-page", store.EngagementFilter{}},
		{"by-title", store.EngagementFilter{Sort: "title"}},
		{"filtered", store.EngagementFilter{Kinds: []string{utsyn.KindProject}, Statuses: []string{utsyn.StatusRunning}, Year: 2025}},
		{"public-memberships", store.EngagementFilter{PublicOnly: true, Kinds: []string{utsyn.KindMembership}}},
		{"element", store.EngagementFilter{ElementIDs: []int64{p2.ID}}},
		{"country", store.EngagementFilter{Country: "DE"}},
		{"search", store.EngagementFilter{Query: "havvind"}},
		{"search-filtered", store.EngagementFilter{Query: "havvind", Kinds: []string{utsyn.KindProject}}},
		{"search-everywhere", store.EngagementFilter{Query: "synthetic"}},
		{"search-begun", store.EngagementFilter{Query: "kultu"}},
	}
}
