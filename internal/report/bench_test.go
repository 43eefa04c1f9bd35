package report_test

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store"
)

// The report at 100,000 engagements: what a request for the page, the XLSX and the PDF costs,
// from the database to the bytes. The database is one made with
//
//	utsyn demo --db /tmp/r100k.db --synthetic 100000 --orgs 1
//
// named in UTSYN_BENCH_DB (a PostgreSQL URL works too); UTSYN_BENCH_ORG names the organisation
// (the first synthetic one by default) and UTSYN_BENCH_YEAR the year (2025). Run with
//
//	UTSYN_BENCH_DB=/tmp/r100k.db go test ./internal/report -run '^$' -bench Report -benchtime 5x
func BenchmarkReport(b *testing.B) {
	dsn := os.Getenv("UTSYN_BENCH_DB")
	if dsn == "" {
		b.Skip("set UTSYN_BENCH_DB to a database made with utsyn demo --synthetic 100000 --orgs 1")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		b.Fatal(err)
	}
	slug := os.Getenv("UTSYN_BENCH_ORG")
	if slug == "" {
		slug = "syntetisk-1-1"
	}
	org, err := db.FindOrganisation(ctx, slug)
	if err != nil {
		b.Fatal(err)
	}
	year := 2025
	if y := os.Getenv("UTSYN_BENCH_YEAR"); y != "" {
		d, err := utsyn.ParseDate(y)
		if err != nil {
			b.Fatal(err)
		}
		year = d.Year
	}
	cat := catalog(b)
	css, err := os.ReadFile("../web/static/style.css")
	if err != nil {
		b.Fatal(err)
	}
	opts := func(form report.Form) report.Options {
		return report.Options{Org: org, Period: report.YearPeriod(year), Form: form}
	}
	html := report.HTMLOptions{Lang: i18n.NB, Catalog: cat,
		EngagementHref: func(int64) string { return "/nb/x/engasjementer/1" }, FigureHref: func(k string) string { return "/nb/x/rapport/grunnlag?tall=" + k }}
	count := func(b *testing.B, r *report.Report, size int) {
		b.ReportMetric(float64(len(r.Engagements)), "engagements")
		b.ReportMetric(float64(size)/1e6, "MB")
	}

	for _, form := range []report.Form{report.Political, report.Administrative} {
		b.Run("html/"+string(form), func(b *testing.B) {
			defer cpuPerOp(b)()
			var n int
			var r *report.Report
			for b.Loop() {
				if r, err = report.Build(ctx, db, opts(form)); err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := r.HTML(&buf, html); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			count(b, r, n)
		})
		b.Run("xlsx/"+string(form), func(b *testing.B) {
			defer cpuPerOp(b)()
			var n int
			var r *report.Report
			for b.Loop() {
				if r, err = report.Build(ctx, db, opts(form)); err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := r.XLSX(ctx, &buf, report.XLSXOptions{Lang: i18n.NB, Catalog: cat}); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			count(b, r, n)
		})
	}
	b.Run("pdf/political", func(b *testing.B) {
		chromium := report.FindChromium(os.Getenv)
		if chromium == "" {
			b.Skip("no Chromium")
		}
		defer cpuPerOp(b)()
		var n int
		var r *report.Report
		for b.Loop() {
			if r, err = report.Build(ctx, db, opts(report.Political)); err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := r.PDF(ctx, &buf, report.PDFOptions{Chromium: chromium, HTML: html, CSS: string(css)}); err != nil {
				b.Fatal(err)
			}
			n = buf.Len()
		}
		count(b, r, n)
	})
	// What a reader waits for once the report has been built: the cached report, rendered.
	// After a change, a report as large as this one is built again in the background (Cache).
	for _, form := range []report.Form{report.Political, report.Administrative} {
		b.Run("html-cached/"+string(form), func(b *testing.B) {
			c := report.NewCache(2)
			if _, err := c.Build(ctx, db, opts(form)); err != nil {
				b.Fatal(err)
			}
			var n int
			for b.Loop() {
				r, err := c.Build(ctx, db, opts(form))
				if err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := r.HTML(&buf, html); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		})
	}
	b.Run("build/political", func(b *testing.B) {
		defer cpuPerOp(b)()
		for b.Loop() {
			if _, err := report.Build(ctx, db, opts(report.Political)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerOp reports the processor time per operation, of the test and of the programs it ran
// (Chromium): on a busy machine the time on the clock says more of the machine than of the
// report. Call the function it returns when the loop is done.
func cpuPerOp(b *testing.B) func() {
	used := func() time.Duration {
		var self, children syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &self)
		syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
		return time.Duration(self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano())
	}
	start := used()
	return func() {
		b.ReportMetric(float64(used()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
