package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// BenchmarkDashboards measures the server time of every dashboard page, signed in as a reader,
// at 1,000 and 100,000 synthetic engagements in one organisation (demo.LoadSynthetic), on
// SQLite and, when UTSYN_TEST_POSTGRES is set, on PostgreSQL. The handler is called directly,
// without the network. The first request reads the organisation's snapshot (store/dashboard.go);
// its time is logged, and the pages are then measured as readers meet them, with the snapshot in
// memory and one query to see that the register has not changed: a selection asked for the first
// time, its figures worked out ("first"), and asked for again ("again"). Making the data takes a while
// (a minute or two for 100,000), so it runs only as a benchmark:
//
//	go test ./internal/web -run '^$' -bench Dashboards -benchtime 50x
//
// UTSYN_BENCH_SIZES=1000,10000 picks the sizes. UTSYN_BENCH_DB names an SQLite file to keep the
// data in between runs (made once per size: "/tmp/bench.db" becomes /tmp/bench-100000.db); only
// SQLite is measured then.
func BenchmarkDashboards(b *testing.B) {
	sizes := []int{1000, 100000}
	if s := os.Getenv("UTSYN_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("UTSYN_BENCH_SIZES: %q", s)
			}
			sizes = append(sizes, n)
		}
	}
	ctx := context.Background()
	var err error
	keep := os.Getenv("UTSYN_BENCH_DB")
	engines := storetest.Engines(b)
	if keep != "" {
		engines = []string{"sqlite"}
	}
	for _, engine := range engines {
		for _, size := range sizes {
			var db *store.DB
			if keep != "" {
				path := strings.TrimSuffix(keep, ".db") + "-" + strconv.Itoa(size) + ".db"
				if db, err = store.Open(ctx, path); err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
			} else {
				db = storetest.Open(b, engine)
			}
			started := time.Now()
			res, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: size, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			if !res.Skipped {
				b.Logf("%s: %d synthetic engagements made in %.1f s", engine, size, time.Since(started).Seconds())
			}
			slug := demo.SyntheticSlug(1, 1)
			addUser(b, db, slug, "leser@example.org", utsyn.RoleReader)
			h, cookie := signedInHandler(b, db, "leser@example.org")
			get := func(path string) *httptest.ResponseRecorder {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(cookie)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d\n%.300s", path, w.Code, w.Body.String())
				}
				return w
			}
			base := "/nb/" + slug + "/oversikt/"
			first := time.Now()
			get(base)
			b.Logf("%s/%d: the first page, reading the snapshot, took %.0f ms", engine, size, float64(time.Since(first).Microseconds())/1000)
			// Each page twice: as a reader first asks for a selection (the snapshot in memory, the
			// figures worked out: each request asks for other years, all of them before and after
			// all the work, so that the figures are never kept from before; the timeline then
			// spans them all), and again (kept).
			k := 0
			for _, page := range []string{"", "dekning", "penger", "tidslinje", "tidslinje?gruppe=type", "partnere", "partnere?kart=norge",
				"frister", "avvik", "penger?fra=2020&til=2022&enhet=Opplæring"} {
				for _, again := range []bool{false, true} {
					name := "first"
					if again {
						name = "again"
					}
					b.Run(fmt.Sprintf("%s/%d/%s/%s", engine, size, strings.NewReplacer("?", "-", "&", "-", "=", "-").Replace(page), name), func(b *testing.B) {
						var w *httptest.ResponseRecorder
						cpu := processCPU()
						for b.Loop() {
							path := base + page
							if !again && !strings.Contains(page, "til=") {
								sep := "?"
								if strings.Contains(page, "?") {
									sep = "&"
								}
								path += fmt.Sprintf("%sfra=%d&til=%d", sep, 1990+k%20, 2100-(k/20)%70)
								k++
							}
							w = get(path)
						}
						b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
						b.ReportMetric(float64(w.Body.Len())/1000, "kB")
					})
				}
			}
		}
	}
}

// processCPU returns the CPU time the process has used, in user and system mode: on a busy
// machine it says what a page costs better than the clock does.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
