package web

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// The server prepares the annual reports of a large register when it starts, so that the first
// reader gets them from the cache; a small register's are left to be built when asked for.
func TestWarmReports(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	if _, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: 1200, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	warmed := time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC) // a time only the prepared reports carry
	s, err := New(Config{DB: db, Catalog: cat, Log: slog.New(slog.NewTextHandler(&logged, nil)), Now: func() time.Time { return warmed }})
	if err != nil {
		t.Fatal(err)
	}
	s.WarmReports(ctx)

	large, err := db.FindOrganisation(ctx, demo.SyntheticSlug(5, 1))
	if err != nil {
		t.Fatal(err)
	}
	small, err := db.FindOrganisation(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{2030, 2031} {
		for _, form := range []report.Form{report.Political, report.Administrative} {
			r, err := s.reports.Build(ctx, db, report.Options{Org: large, Period: report.YearPeriod(year), Form: form, Now: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Generated.Equal(warmed) {
				t.Errorf("%d %s: made at %v, not prepared at start (%v)", year, form, r.Generated, warmed)
			}
		}
	}
	r, err := s.reports.Build(ctx, db, report.Options{Org: small, Period: report.YearPeriod(2031), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if r.Generated.Equal(warmed) {
		t.Error("the small register's report was prepared at start")
	}
	if log := logged.String(); !strings.Contains(log, "prepared the annual reports") || !strings.Contains(log, large.Slug) || strings.Contains(log, demo.Slug) {
		t.Errorf("log:\n%s", log)
	}
}
