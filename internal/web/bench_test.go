package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/web"
)

// BenchmarkPages measures the server time of the public pages on the demo data (SQLite),
// without the network: the handler is called directly.
//
//	go test ./internal/web -run '^$' -bench Pages -benchmem
func BenchmarkPages(b *testing.B) {
	_, db := newServer(b, "sqlite")
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
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
	srv, db := newServer(b, "sqlite")
	addUser(b, db, "rogaland", "kari@example.org", "editor")
	br := newBrowser(b, srv)
	br.signIn("kari@example.org", testPassword)
	cookie := &http.Cookie{Name: "utsyn_session", Value: br.cookie()}
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
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
