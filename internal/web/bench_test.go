package web_test

import (
	"net/http"
	"net/http/httptest"
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
