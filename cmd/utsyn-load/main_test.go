package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The load generator asks for the scenario's pages, with pauses when told, and reports what it
// measured, the server's own time included.
func TestLoad(t *testing.T) {
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/organisations/x/engagements") {
			http.NotFound(w, r)
			return
		}
		asked.Add(1)
		w.Header().Set("Server-Timing", "app;dur=1.50")
		w.Write([]byte(`{"items":[]}`))
	}))
	defer srv.Close()

	for _, think := range []string{"0s", "2ms"} {
		asked.Store(0)
		var out, errs strings.Builder
		code := run(context.Background(), []string{"--url", srv.URL, "--org", "x", "--clients", "3", "--think", think,
			"--requests", "30", "--scenarios", "api-list"}, func(string) string { return "" }, strings.NewReader(""), &out, &errs)
		if code != 0 {
			t.Fatalf("think %s: exit %d: %s", think, code, errs.String())
		}
		// The warm-up asks each distinct request once, then the 30 measured.
		if n := asked.Load(); n < 30 || n > 40 {
			t.Errorf("think %s: %d requests, want 30 and the warm-up", think, n)
		}
		fields := strings.Fields(strings.Split(out.String(), "\n")[1])
		if len(fields) != 9 || fields[0] != "api-list" || fields[1] != "30" || fields[2] != "0" || fields[8] != "1.5" {
			t.Errorf("think %s: report\n%s", think, out.String())
		}
	}

	// With --settle, the measured requests wait that long after the warm-up's.
	var times []time.Time
	var mu sync.Mutex
	timed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		w.Write([]byte(`{"items":[]}`))
	}))
	defer timed.Close()
	var out, errs strings.Builder
	if code := run(context.Background(), []string{"--url", timed.URL, "--org", "x", "--clients", "2", "--settle", "300ms",
		"--requests", "4", "--scenarios", "api-list"}, func(string) string { return "" }, strings.NewReader(""), &out, &errs); code != 0 {
		t.Fatalf("settle: exit %d: %s", code, errs.String())
	}
	warm := max(len(words), len(listFilters))
	if len(times) != warm+4 {
		t.Fatalf("settle: %d requests, want %d and 4", len(times), warm)
	}
	if gap := times[warm].Sub(times[warm-1]); gap < 300*time.Millisecond {
		t.Errorf("settle 300ms: the first measured request came %s after the warm-up", gap)
	}

	errs.Reset()
	if code := run(context.Background(), []string{"--url", srv.URL, "--think", "-1s"}, func(string) string { return "" },
		strings.NewReader(""), &strings.Builder{}, &errs); code != 2 || !strings.Contains(errs.String(), "--think") {
		t.Errorf("a negative pause: exit %d, %q", code, errs.String())
	}
}

// The mixed scenario's filters are many, and each is a filter the list page knows.
func TestMixedFilter(t *testing.T) {
	seen := map[string]bool{}
	filters := make([]string, 2000)
	for i := range filters {
		q := mixedFilter(i)
		filters[i] = q
		for _, part := range strings.Split(q, "&") {
			if k, _, _ := strings.Cut(part, "="); part != "" && k != "type" && k != "status" && k != "ar" && k != "sorter" {
				t.Fatalf("filter %d: %q", i, q)
			}
		}
		seen[q] = true
	}
	if len(seen) < 1000 {
		t.Errorf("%d distinct filters of 2,000, want most of them", len(seen))
	}
	for i, q := range filters {
		if again := mixedFilter(i); again != q {
			t.Fatalf("filter %d: %q, then %q: the i-th filter is not always the same", i, q, again)
		}
	}
}

// The mixed-search scenario searches for the start of one of the words, with a filter of the
// mixed scenario, and few of its queries are asked twice.
func TestMixedSearch(t *testing.T) {
	seen := map[string]bool{}
	for i := range 2000 {
		q, err := url.ParseQuery(mixedSearch(i))
		if err != nil {
			t.Fatal(err)
		}
		term := []rune(q.Get("q"))
		if len(term) < 4 || !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, string(term)) }) {
			t.Fatalf("query %d searches for %q", i, string(term))
		}
		seen[mixedSearch(i)] = true
	}
	if len(seen) < 1800 {
		t.Errorf("%d distinct queries of 2,000, want nearly all", len(seen))
	}
}

// The public-mixed scenario searches the public list for the start of one of the words, with a
// kind and a country or none, and few of its queries are asked twice.
func TestPublicSearch(t *testing.T) {
	seen := map[string]bool{}
	for i := range 2000 {
		query := publicSearch(i)
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		term := []rune(q.Get("q"))
		if len(term) < 4 || !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, string(term)) }) {
			t.Fatalf("query %d searches for %q", i, string(term))
		}
		if land := q.Get("land"); land != "" && len(land) != 2 {
			t.Fatalf("query %d: country %q", i, land)
		}
		if again := publicSearch(i); again != query {
			t.Fatalf("query %d: %q, then %q: the i-th query is not always the same", i, query, again)
		}
		seen[query] = true
	}
	if len(seen) < 1500 {
		t.Errorf("%d distinct queries of 2,000, want most", len(seen))
	}
}
