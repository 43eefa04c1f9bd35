package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
	"github.com/utsyn/utsyn/internal/web"
)

// BenchmarkPages measures the server time of the public pages on the demo data (SQLite),
// without the network: the handler is called directly.
//
//	go test ./internal/web -run '^$' -bench Pages -benchmem
func BenchmarkPages(b *testing.B) {
	_, db := newServer(b, "sqlite")
	h := benchServer(b, db)
	for _, path := range []string{
		"/nb/rogaland/strategi/internasjonal-strategi",
		"/en/rogaland",
		"/nb/rogaland/plan/utviklingsplan-2021-2024",
		"/api/v1/organisations/rogaland/strategies/internasjonal-strategi",
	} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, w.Code)
				}
			}
		})
	}
}

// BenchmarkSignedIn compares the strategy page anonymous and signed in: the difference is what
// a session costs (finding the session and the user).
//
//	go test ./internal/web -run '^$' -bench SignedIn -benchmem
func BenchmarkSignedIn(b *testing.B) {
	_, db := newServer(b, "sqlite")
	addUser(b, db, "rogaland", "kari@example.org", "editor")
	h, cookie := signedInHandler(b, db, "kari@example.org")
	const path = "/nb/rogaland/strategi/internasjonal-strategi"
	for _, signedIn := range []bool{false, true} {
		name := "anonymous"
		if signedIn {
			name = "signed-in"
		}
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			if signedIn {
				req.AddCookie(cookie)
			}
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK || signedIn != strings.Contains(w.Body.String(), "Logg ut") {
					b.Fatalf("%s: %d", name, w.Code)
				}
			}
		})
	}
}

// BenchmarkRegisterList measures the register's list page and its API, signed in as a reader,
// on 1,000 synthetic engagements in SQLite, with what the store keeps of a list already kept:
// the load test's "list", "search", "api-list" and "api-search" (cmd/utsyn-load) ask for a few
// lists again and again, so this is what each of their pages costs the server apart from the
// network. cpu-ms/op is the process's processor time per page, the garbage collector's
// included.
//
//	go test ./internal/web -run '^$' -bench RegisterList -benchmem
func BenchmarkRegisterList(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, "sqlite")
	if _, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: 1000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	slug := demo.SyntheticSlug(1, 1)
	u := addUser(b, db, slug, "leser@example.org", utsyn.RoleReader)
	org, err := db.FindOrganisation(ctx, slug)
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := auth.IssueToken(ctx, db, &utsyn.Principal{User: u, OrgID: org.ID, Role: utsyn.RoleReader, Label: u.Email},
		"benchmark", utsyn.RoleReader, time.Now().Add(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	h, cookie := signedInHandler(b, db, "leser@example.org")
	page := "/nb/" + slug + "/engasjementer/"
	api := "/api/v1/organisations/" + slug + "/engagements"
	for _, c := range []struct{ name, path string }{
		{"list", page + "?type=project&status=running"},
		// A list asked for the first time: written anew for each request (it differs from
		// the others in a parameter the list has no use for), found in the list index.
		{"list-new", page + "?type=project&status=running&n="},
		{"search", page + "?q=havvind"},
		{"api-list", api + "?kind=project&status=running"},
		{"api-search", api + "?q=havvind"},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", c.path, nil)
			if strings.HasPrefix(c.path, "/api/") {
				req.Header.Set("Authorization", "Bearer "+token)
			} else {
				req.AddCookie(cookie)
			}
			var w *httptest.ResponseRecorder
			b.ReportAllocs()
			cpu := processCPU()
			n := 0
			for b.Loop() {
				if strings.HasSuffix(c.path, "&n=") {
					n++
					req = req.Clone(ctx)
					req.URL.RawQuery = strings.TrimPrefix(c.path, page+"?") + strconv.Itoa(n)
				}
				w = httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d\n%.300s", c.path, w.Code, w.Body.String())
				}
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(w.Body.Len())/1000, "kB")
		})
	}
}

// signedInHandler returns a server on db to call directly, as a benchmark does, and the cookie
// of a session of the user with the email (signed in through the sign-in page).
func signedInHandler(b *testing.B, db *store.DB, email string) (*web.Server, *http.Cookie) {
	b.Helper()
	h := benchServer(b, db)
	srv := httptest.NewServer(h)
	defer srv.Close()
	br := newBrowser(b, srv)
	br.signIn(email, testPassword)
	return h, &http.Cookie{Name: "utsyn_session", Value: br.cookie()}
}

// benchServer returns a server on db, with the message catalog, to call directly.
func benchServer(b *testing.B, db *store.DB) *web.Server {
	b.Helper()
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
	return h
}
