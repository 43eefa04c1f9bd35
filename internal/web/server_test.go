package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
	"github.com/utsyn/utsyn/internal/web"
)

// newServer starts a real HTTP server on a database of the engine, with the demo data loaded.
func newServer(t testing.TB, engine string) (*httptest.Server, *store.DB) {
	t.Helper()
	db := storetest.Open(t, engine)
	if _, err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return newServerOn(t, db), db
}

// newServerOn starts a real HTTP server on db as it is.
func newServerOn(t testing.TB, db *store.DB) *httptest.Server {
	t.Helper()
	return newServerWith(t, db, nil)
}

// newServerWith starts a real HTTP server on db with the given clock (nil for the real one).
func newServerWith(t testing.TB, db *store.DB, now func() time.Time) *httptest.Server {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Catalog: cat, Version: "test", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// eachServer runs fn against a demo server on every engine the suite tests.
func eachServer(t *testing.T, fn func(t *testing.T, srv *httptest.Server, db *store.DB)) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			srv, db := newServer(t, engine)
			fn(t, srv, db)
		})
	}
}

// get fetches a path without following redirects and returns the response and its body.
func get(t testing.TB, srv *httptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	// A page, and an answer of the API, is sent in one piece, its length said.
	if ct := resp.Header.Get("Content-Type"); (strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/json")) &&
		resp.ContentLength != int64(len(b)) {
		t.Errorf("GET %s: Content-Length %d, body %d bytes", path, resp.ContentLength, len(b))
	}
	return resp, string(b)
}

func TestPages(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		tests := []struct {
			name       string
			path       string
			header     []string
			wantStatus int
			wantIn     []string // in the body
			wantHeader map[string]string
		}{
			{name: "root redirects to bokmål", path: "/", wantStatus: 302, wantHeader: map[string]string{"Location": "/nb/"}},
			{name: "root redirects an English browser to English", path: "/", header: []string{"Accept-Language", "en-GB,en;q=0.9"}, wantStatus: 302, wantHeader: map[string]string{"Location": "/en/"}},
			{name: "one organisation: its page is the front page", path: "/nb/", wantStatus: 302, wantHeader: map[string]string{"Location": "/nb/rogaland"}},
			{name: "organisation", path: "/nb/rogaland", wantStatus: 200, wantIn: []string{`<html lang="nb">`, "Rogaland fylkeskommune", "Internasjonal strategi", "Utviklingsplan for Rogaland", "Demodata", `hreflang="en" href="/en/rogaland"`}},
			{name: "organisation in English", path: "/en/rogaland", wantStatus: 200, wantIn: []string{`<html lang="en">`, "Rogaland County Council", "International strategy", "Demo data"}},
			{name: "strategy", path: "/nb/rogaland/strategi/internasjonal-strategi", wantStatus: 200, wantIn: []string{
				"et styringsverktøy for den politiske og administrative ledelsen",     // purpose
				"skal være en internasjonal aktør og pådriver",                        // main goal
				"en slagkraftig og pålitelig samarbeidspartner",                       // sub-goal
				"høyere suksessrate og økt deltakelse i EU-finansierte prosjekter",    // priority P3
				"Klimaomstilling og livskraftig naturmiljø",                           // a plan goal it builds on
				"Samarbeidsarenaer og politisk samarbeid",                             // focus area
				"prioritere samarbeidsarenaer som sikrer fylket politisk innflytelse", // measure
				"Tiltakene for dette satsingsområdet er ikke registrert ennå",         // empty focus area
				"tilrettelegger", "Programmer og prosjekter", // roles, working forms
				`hreflang="en" href="/en/rogaland/strategi/internasjonal-strategi"`}},
			{name: "strategy in English", path: "/en/rogaland/strategi/internasjonal-strategi", wantStatus: 200, wantIn: []string{
				"a governance tool for the political and administrative leadership", "Priorities", "Focus areas", "Measures", "Working forms"}},
			{name: "plan", path: "/nb/rogaland/plan/utviklingsplan-2021-2024", wantStatus: 200, wantIn: []string{
				"Langsiktige mål", `id="U2"`, "Konkurransedyktig region", "20. oktober 2020", "Internasjonal strategi"}},
			{name: "plan in English", path: "/en/rogaland/plan/utviklingsplan-2021-2024", wantStatus: 200, wantIn: []string{"A competitive region", "20 October 2020"}},
			{name: "accessibility statement", path: "/nb/tilgjengelighet", wantStatus: 200, wantIn: []string{"Tilgjengelighetserklæring", "WCAG 2.1"}},
			{name: "privacy", path: "/en/personvern", wantStatus: 200, wantIn: []string{"Privacy statement"}},
			{name: "unknown organisation", path: "/nb/finnes-ikke", wantStatus: 404, wantIn: []string{"Fant ikke siden", `href="/nb/"`}},
			{name: "unknown strategy in English", path: "/en/rogaland/strategi/nope", wantStatus: 404, wantIn: []string{`<html lang="en">`, "Page not found", "Go to the front page"}},
			{name: "unknown language", path: "/de/rogaland", wantStatus: 404, header: []string{"Accept-Language", "en"}, wantIn: []string{`<html lang="en">`}},
			{name: "unknown path", path: "/nb/rogaland/strategi/x/y", wantStatus: 404, wantIn: []string{`<html lang="nb">`}},
			{name: "health", path: "/healthz", wantStatus: 200},
			{name: "ready", path: "/readyz", wantStatus: 200, wantIn: []string{"ready"}},
			{name: "style sheet", path: "/static/style.css", wantStatus: 200, wantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8"}},
			{name: "no such static file", path: "/static/nope.css", wantStatus: 404},
			{name: "security headers", path: "/nb/rogaland", wantStatus: 200, wantHeader: map[string]string{
				"Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "strict-origin-when-cross-origin"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := get(t, srv, tt.path, tt.header...)
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("GET %s: status %d, want %d", tt.path, resp.StatusCode, tt.wantStatus)
				}
				for _, want := range tt.wantIn {
					if !strings.Contains(body, want) {
						t.Errorf("GET %s: body lacks %q", tt.path, want)
					}
				}
				for k, want := range tt.wantHeader {
					if got := resp.Header.Get(k); got != want {
						t.Errorf("GET %s: header %s = %q, want %q", tt.path, k, got, want)
					}
				}
				// The server's own time, which the load generator reads (cmd/utsyn-load).
				if st := resp.Header.Get("Server-Timing"); !regexp.MustCompile(`^app;dur=\d+\.\d\d$`).MatchString(st) {
					t.Errorf("GET %s: Server-Timing %q, want app;dur=MILLISECONDS", tt.path, st)
				}
			})
		}
	})
}

// A text the reader's language lacks is shown in the language it has, marked as such.
func TestFallbackLanguageIsMarked(t *testing.T) {
	srv, _ := newServer(t, "sqlite")
	_, body := get(t, srv, "/nb/rogaland/strategi/internasjonal-strategi")
	// The source's note on measure M1.1 is written in English only.
	if !strings.Contains(body, `<span lang="en">sic: a verb is missing in the published text</span>`) {
		t.Error("an English-only note on a Norwegian page is not marked lang=\"en\"")
	}
}

// With no organisation, the front page says what would appear and how to get it.
func TestEmptyInstallation(t *testing.T) {
	srv := newServerOn(t, storetest.Open(t, "sqlite"))
	resp, body := get(t, srv, "/nb/")
	if resp.StatusCode != 200 || !strings.Contains(body, "Ingen organisasjoner ennå") {
		t.Errorf("empty front page: status %d, body without its empty state", resp.StatusCode)
	}
}

// demoTree returns the tree of the organisation's international strategy, as the demo has it.
func demoTree(t testing.TB, db *store.DB, orgID int64) *utsyn.Tree {
	t.Helper()
	ctx := context.Background()
	st, err := db.FindStrategy(ctx, orgID, demoStrategy)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// The main navigation offers what the reader may open, the current page marked: the public
// pages to everyone, the register and dashboards to the organisation's readers, and the
// administration to its administrators.
func TestNavigation(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	nav := func(body string) string {
		t.Helper()
		start, end := strings.Index(body, `<nav class="main-nav"`), strings.Index(body, "</nav>")
		if start < 0 || end < start {
			t.Fatalf("no main navigation in\n%.800s", body)
		}
		return body[start:end]
	}
	_, body := get(t, srv, "/en/rogaland/arbeid/")
	want := `<li><a href="/en/rogaland">Home</a></li>
      <li><a href="/en/rogaland#strategier">Strategies</a></li>
      <li><a href="/en/rogaland#planer">Plans</a></li>
      <li><a href="/en/rogaland/arbeid/" aria-current="page">International work</a></li>
`
	if got := nav(body); !strings.Contains(got, want) || strings.Contains(got, "engasjementer") || strings.Contains(got, "admin") {
		t.Errorf("the public's navigation:\n%s\nwant\n%s", got, want)
	}

	addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
	b := newBrowser(t, srv)
	b.signIn("admin@example.org", testPassword)
	_, body = b.get("/nb/rogaland/engasjementer/")
	got := nav(body)
	for _, s := range []string{`<a href="/nb/rogaland/engasjementer/" aria-current="page">`, `<a href="/nb/rogaland/oversikt/">`,
		`<a href="/nb/rogaland/admin/brukere">`, `<a href="/nb/rogaland/admin/logg">`, `<a href="/nb/rogaland/admin/sso">`,
		`<a href="/nb/rogaland/arbeid/">`} {
		if !strings.Contains(got, s) {
			t.Errorf("an administrator's navigation lacks %s:\n%s", s, got)
		}
	}
	if n := strings.Count(got, "aria-current"); n != 1 {
		t.Errorf("%d links marked current, want 1:\n%s", n, got)
	}
}
