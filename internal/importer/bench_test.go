package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// The Research Council's file as the demo ships it: 2,311 rows.
const fullRCN = "../demo/data/eugrants/forskningsradet_bevilgningereu_h2020.csv"

// BenchmarkImportForskningsradet imports the whole EU-grant file into a new database with one
// organisation, the county council of Rogaland: 2,311 regional participations, and its two
// projects with their partners and grants.
func BenchmarkImportForskningsradet(b *testing.B) {
	data, err := os.ReadFile(fullRCN)
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				db, org := newOrgDB(b, engine)
				b.StartTimer()
				var rep *importer.Report
				cpu += cpuTime(func() {
					rep, err = importer.Import(context.Background(), db, org, who, []importer.File{{Name: "rcn.csv", Data: data}}, importer.Options{})
				})
				if err != nil || !rep.Stored || rep.Count(importer.EntityParticipation).Created != 2311 || rep.Count(importer.EntityEngagement).Created != 2 {
					b.Fatalf("%v %+v", err, rep)
				}
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// newOrgDB is a new database with one organisation: Rogaland's county council, without data.
func newOrgDB(t testing.TB, engine string) (*store.DB, *utsyn.Organisation) {
	t.Helper()
	db := storetest.Open(t, engine)
	org := &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("Rogaland fylkeskommune", ""), OrgNumber: "971045698", Country: "NO"}
	if err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateOrganisation(context.Background(), org) }); err != nil {
		t.Fatal(err)
	}
	return db, org
}

// cpuTime is the processor time the process spent while fn ran (all its threads: the figure
// that counts on a busy machine, where the wall clock says more about the neighbours).
func cpuTime(fn func()) time.Duration {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	fn()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return used(after) - used(before)
}

// demoDB is a new database with the demo organisation (and its register, when asked).
func demoDB(t testing.TB, engine string, withRegister bool) (*store.DB, *utsyn.Organisation) {
	t.Helper()
	db := storetest.Open(t, engine)
	load := demo.LoadStrategy
	if withRegister {
		load = demo.Load
	}
	if _, err := load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrganisation(context.Background(), demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return db, org
}

var who = &utsyn.Principal{Label: "importer test"}

// writeLargeWorkbook writes a workbook of n new engagements (14 columns each) with excelize's
// stream writer; withParts adds a tenth as many actors, and for each engagement a partner, a
// strategy link and a money line.
func writeLargeWorkbook(t testing.TB, path string, n int, withParts bool) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	write := func(sheet string, header []any, rows int, row func(i int) []any) {
		if sheet == "engagements" {
			f.SetSheetName("Sheet1", sheet)
		} else if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			t.Fatal(err)
		}
		sw.SetRow("A1", header)
		for i := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, row(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	kinds := []string{"project", "membership", "partnership", "arena"}
	statuses := map[string]string{"project": "running", "membership": "active", "partnership": "active", "arena": "active"}
	write("engagements", []any{"ref", "kind", "status", "title_nb", "title_en", "acronym", "description_nb", "start", "end",
		"programme", "public", "tags", "sdgs", "keep_eu"}, n, func(i int) []any {
		k := kinds[i%len(kinds)]
		return []any{fmt.Sprintf("e%d", i), k, statuses[k], fmt.Sprintf("Engasjement nummer %d om fornybar energi", i),
			fmt.Sprintf("Engagement number %d on renewable energy", i), fmt.Sprintf("E%d", i),
			"Et prosjekt for å teste at store arbeidsbøker importeres raskt og med lite minne.", 40000 + i%3000,
			fmt.Sprintf("%02d.%02d.%d", 1+i%28, 1+i%12, 2026+i%4), "Interreg North Sea", i%2 == 0, "energi; hav", "7; 14", fmt.Sprintf("KEEP-%d", i)}
	})
	if !withParts {
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return
	}
	actors := max(1, n/10)
	write("actors", []any{"ref", "name", "country", "type"}, actors, func(i int) []any {
		return []any{fmt.Sprintf("a%d", i), fmt.Sprintf("Partner %d", i), "SE", "region"}
	})
	write("partners", []any{"engagement", "actor", "role"}, n, func(i int) []any {
		return []any{fmt.Sprintf("e%d", i), fmt.Sprintf("a%d", i%actors), "partner"}
	})
	write("strategy_links", []any{"engagement", "strategy", "element", "primary"}, n, func(i int) []any {
		return []any{fmt.Sprintf("e%d", i), "internasjonal-strategi", "P2", "ja"}
	})
	write("money", []any{"engagement", "year", "kind", "amount", "currency"}, n, func(i int) []any {
		return []any{fmt.Sprintf("e%d", i), 2026, "own_cash", float64(1000+i) + 0.5, "NOK"}
	})
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// peakMemory samples the heap while fn runs and returns the most the process took from the
// system for it (heap and its overhead), in MB.
func peakMemory(fn func()) float64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapInuse + m.StackInuse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkImportXLSX100k imports a workbook of 100,000 rows, each a new engagement, into a new
// database; it reports the peak heap in MB.
func BenchmarkImportXLSX100k(b *testing.B) {
	benchmarkWorkbook(b, 100_000, false, 100_000)
}

// BenchmarkImportXLSXRegister imports a workbook of 20,000 new engagements with 2,000 actors and
// 20,000 partners, strategy links and money lines: 82,000 rows in five sheets.
func BenchmarkImportXLSXRegister(b *testing.B) {
	benchmarkWorkbook(b, 20_000, true, 20_000)
}

func benchmarkWorkbook(b *testing.B, n int, withParts bool, want int) {
	path := filepath.Join(b.TempDir(), "large.xlsx")
	writeLargeWorkbook(b, path, n, withParts)
	st, _ := os.Stat(path)
	b.Logf("workbook: %.1f MB", float64(st.Size())/(1<<20))
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				db, org := demoDB(b, engine, false)
				b.StartTimer()
				var rep *importer.Report
				var err error
				var mb float64
				cpu += cpuTime(func() {
					mb = peakMemory(func() {
						rep, err = importer.Import(context.Background(), db, org, who, []importer.File{{Name: "large.xlsx", Path: path}}, importer.Options{})
					})
				})
				if err != nil || !rep.Stored || rep.Count(importer.EntityEngagement).Created != want {
					b.Fatalf("%v stored=%v %+v %+v", err, rep.Stored, rep.Count(importer.EntityEngagement), rep.Problems[:min(5, len(rep.Problems))])
				}
				b.ReportMetric(mb, "peak-heap-MB")
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
