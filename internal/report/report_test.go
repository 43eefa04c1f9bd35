package report_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

var year2040 = report.YearPeriod(2040)

func build(t *testing.T, db *store.DB, f *fixture, o report.Options) *report.Report {
	t.Helper()
	o.Org = f.org
	if o.Period == (report.Period{}) {
		o.Period = year2040
	}
	o.Now = time.Date(2041, 1, 15, 9, 0, 0, 0, time.UTC)
	r, err := report.Build(context.Background(), db, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// truth is what a report of a period must count, worked out here from the register's own reads
// (every engagement, every money line), apart from the report's queries.
type truth struct {
	engagements map[int64]*utsyn.Engagement // those that count
	lines       map[int64]*utsyn.MoneyLine  // their lines of the period's years
}

func readTruth(t *testing.T, db *store.DB, orgID int64, p report.Period, public bool) *truth {
	t.Helper()
	ctx := context.Background()
	tr := &truth{engagements: map[int64]*utsyn.Engagement{}, lines: map[int64]*utsyn.MoneyLine{}}
	from, to := p.From.Time(), p.To.Time()
	lastDay := func(d utsyn.Date) time.Time {
		switch {
		case d.Month == 0:
			return time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
		case d.Day == 0:
			return time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC)
		}
		return d.Time()
	}
	after := ""
	for {
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: orgID, Limit: 200, After: after, Sort: "title"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			counted := slices.Contains(report.CountedStatuses, e.Status) &&
				(e.Start.IsZero() || !e.Start.Time().After(to)) && (e.End.IsZero() || !lastDay(e.End).Before(from)) &&
				(!public || e.Public)
			if !counted {
				continue
			}
			tr.engagements[e.ID] = e
			lines, err := db.ListMoneyLines(ctx, orgID, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range lines {
				if m.Year >= p.From.Year && m.Year <= p.To.Year && (!public || m.Kind == utsyn.MoneyExternalGrant) {
					tr.lines[m.ID] = m
				}
			}
		}
		if after = page.Next; after == "" {
			break
		}
	}
	return tr
}

// under returns the engagements of the truth that serve an element under (or at) the priority.
func (tr *truth) under(tree *utsyn.Tree, priority *utsyn.Element) map[int64]*utsyn.Engagement {
	ids := map[int64]bool{}
	for _, el := range store.Subtree(tree, priority.ID) {
		ids[el.ID] = true
	}
	out := map[int64]*utsyn.Engagement{}
	for id, e := range tr.engagements {
		if slices.ContainsFunc(e.Elements, func(r utsyn.ElementRef) bool { return ids[r.ElementID] }) {
			out[id] = e
		}
	}
	return out
}

// sums adds up the lines of the engagements, per currency, external or own.
func (tr *truth) sums(engagements map[int64]*utsyn.Engagement, external bool) map[string]int64 {
	out := map[string]int64{}
	for _, m := range tr.lines {
		if engagements[m.EngagementID] != nil && (m.Kind == utsyn.MoneyExternalGrant) == external {
			out[m.Amount.Currency] += m.Amount.Minor
		}
	}
	return out
}

func figureSums(m report.Money) map[string]int64 {
	out := map[string]int64{}
	for _, s := range m.Sums {
		out[s.Amount.Currency] = s.Amount.Minor
	}
	return out
}

func ids[T any](m map[int64]T) []int64 { return slices.Sorted(maps.Keys(m)) }

func engagementIDs(es []*report.Engagement) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	slices.Sort(out)
	return out
}

// checkSection checks that a section's figures are the sums of the records it should count,
// and that each figure's records add up to the figure.
func checkSection(t *testing.T, r *report.Report, s *report.Section, tr *truth, want map[int64]*utsyn.Engagement) {
	t.Helper()
	f := s.Figures
	if f.Engagements.N != len(want) {
		t.Errorf("%s: %d engagements, want %d", s.Key, f.Engagements.N, len(want))
	}
	recs, ok := r.Records(f.Engagements.Key)
	if !ok {
		t.Fatalf("%s: no records for %s", s.Key, f.Engagements.Key)
	}
	if got := engagementIDs(recs.Engagements); !slices.Equal(got, ids(want)) {
		t.Errorf("%s: engagements %v, want %v", s.Key, got, ids(want))
	}
	countries := map[string]bool{}
	memberships := 0
	for _, e := range want {
		for _, p := range e.Partners {
			countries[p.Actor.Country] = true
		}
		if e.Kind == utsyn.KindMembership {
			memberships++
		}
	}
	if f.Countries.N != len(countries) || !slices.Equal(f.Countries.Countries, slices.Sorted(maps.Keys(countries))) {
		t.Errorf("%s: partner countries %d %v, want %v", s.Key, f.Countries.N, f.Countries.Countries, slices.Sorted(maps.Keys(countries)))
	}
	if f.Memberships.N != memberships {
		t.Errorf("%s: %d memberships, want %d", s.Key, f.Memberships.N, memberships)
	}
	for _, c := range []report.Count{f.Engagements, f.New, f.Completed, f.Memberships} {
		recs, _ := r.Records(c.Key)
		if len(recs.Engagements) != c.N {
			t.Errorf("%s: %d records, the figure says %d", c.Key, len(recs.Engagements), c.N)
		}
	}
	for _, m := range []struct {
		fig      report.Money
		external bool
	}{{f.External, true}, {f.Own, false}} {
		want := tr.sums(want, m.external)
		if got := figureSums(m.fig); !maps.Equal(got, want) {
			t.Errorf("%s: %v, want %v", m.fig.Key, got, want)
		}
		recs, ok := r.Records(m.fig.Key)
		if !ok {
			if !r.Public || m.external {
				t.Errorf("no records for %s", m.fig.Key)
			}
			continue // a public report has no own contribution to trace
		}
		fromRecords := map[string]int64{}
		for _, line := range recs.Money {
			if tr.lines[line.ID] == nil {
				t.Errorf("%s counts line %d, which it should not", m.fig.Key, line.ID)
			}
			fromRecords[line.Amount.Currency] += line.Amount.Minor
		}
		if !maps.Equal(fromRecords, figureSums(m.fig)) {
			t.Errorf("%s: its records add up to %v, the figure says %v", m.fig.Key, fromRecords, figureSums(m.fig))
		}
	}
	for _, row := range s.MoneyRows {
		recs, _ := r.Records(row.Key)
		var sum int64
		for _, line := range recs.Money {
			if line.Year != row.Year || line.Kind != row.Kind || line.Amount.Currency != row.Amount.Currency {
				t.Errorf("%s counts a line of %d %s %s", row.Key, line.Year, line.Kind, line.Amount.Currency)
			}
			sum += line.Amount.Minor
		}
		if sum != row.Amount.Minor {
			t.Errorf("%s: its lines add up to %d, the row says %d", row.Key, sum, row.Amount.Minor)
		}
	}
}

// The report's totals are the sums of the records they count (money per currency, counts), on
// both engines, for the whole report and each priority, and each figure's records add up to it.
func TestTotalsAreTheSumsOfTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, form := range []report.Form{report.Political, report.Administrative} {
			for _, public := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s public=%v", form, public), func(t *testing.T) {
					r := build(t, db, f, report.Options{Form: form, Public: public})
					tr := readTruth(t, db, f.org.ID, year2040, public)
					checkSection(t, r, r.Total, tr, tr.engagements)
					seen := map[int64]bool{}
					for _, s := range r.Sections {
						if s.Element == nil {
							want := map[int64]*utsyn.Engagement{}
							for id, e := range tr.engagements {
								if !seen[id] {
									want[id] = e
								}
							}
							checkSection(t, r, s, tr, want)
							continue
						}
						el := elementByID(f.tree, s.Element.ID)
						want := tr.under(f.tree, el)
						for id := range want {
							seen[id] = true
						}
						checkSection(t, r, s, tr, want)
					}
				})
			}
		}
	})
}

func elementByID(tree *utsyn.Tree, id int64) *utsyn.Element {
	for _, el := range tree.Elements {
		if el.ID == id {
			return el
		}
	}
	return nil
}

// What the fixture's report of 2040 says, figure by figure.
func TestReportOfTheFixture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		r := build(t, db, f, report.Options{Form: report.Political})
		counted := engagementIDs(r.Engagements)
		for _, name := range []string{projectA, projectB, membershipC, visitD, secretH} {
			if !slices.Contains(counted, f.e[name].ID) {
				t.Errorf("%q is not counted", name)
			}
		}
		for _, name := range []string{ideaE, projectF, rejectedG} {
			if slices.Contains(counted, f.e[name].ID) {
				t.Errorf("%q is counted", name)
			}
		}
		a, b, d := r.Engagement(f.e[projectA].ID), r.Engagement(f.e[projectB].ID), r.Engagement(f.e[visitD].ID)
		if a.New || a.Completed || !b.Completed || b.New || !d.New || !d.Completed {
			t.Errorf("new and completed: A %v %v, B %v %v, D %v %v", a.New, a.Completed, b.New, b.Completed, d.New, d.Completed)
		}
		if len(a.Priorities) != 2 {
			t.Errorf("project A counts under %d priorities, want 2", len(a.Priorities))
		}
		p1 := sectionOf(t, r, f.p1.ID)
		if recs, _ := r.Records(p1.Figures.Engagements.Key); !slices.ContainsFunc(recs.Engagements, func(e *report.Engagement) bool { return e.ID == a.ID }) {
			t.Error("project A is not under P1")
		}
		other := r.Sections[len(r.Sections)-1]
		if other.Element != nil || !slices.ContainsFunc(other.Engagements, func(e *report.Engagement) bool { return e.ID == d.ID }) {
			t.Error("visit D, linked to no element, is not under the last section, of work that serves no priority")
		}

		// No rate for EUR in 2040: EUR is summed on its own and flagged, never converted in part.
		ext := r.Total.Figures.External
		eur := sumOf(t, ext, "EUR")
		if eur.Amount.Minor != 10_000_000+123_456+77_700_000 || eur.Converted || !slices.Equal(eur.MissingYears, []int{2040}) || ext.Complete {
			t.Errorf("EUR without a rate: %+v, complete %v", eur, ext.Complete)
		}
		if nok := sumOf(t, ext, "NOK"); nok.Amount.Minor < 30_000_000 || !nok.Converted {
			t.Errorf("NOK: %+v", nok)
		}
		if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: 2040, Currency: "EUR", NOK: 11.5})
		}); err != nil {
			t.Fatal(err)
		}
		r = build(t, db, f, report.Options{Form: report.Political})
		ext = r.Total.Figures.External
		eur = sumOf(t, ext, "EUR")
		var want int64
		recs, _ := r.Records(ext.Key)
		for _, m := range recs.Money {
			if m.Amount.Currency == "EUR" {
				want += int64(math.Round(float64(m.Amount.Minor) * 11.5))
			} else {
				want += m.Amount.Minor
			}
		}
		if !eur.Converted || !ext.Complete || ext.NOK.Minor != want {
			t.Errorf("with a rate: EUR %+v, in all %d NOK øre (complete %v), want %d", eur, ext.NOK.Minor, ext.Complete, want)
		}

		// What needs a decision: the membership to renew in March 2041, and the internal
		// partnership off track at the period's end (its later update is after the period).
		var kinds []string
		for _, dc := range r.Decisions {
			if dc.Engagement != nil && (dc.Engagement.ID == f.e[membershipC].ID || dc.Engagement.ID == f.e[secretH].ID) {
				kinds = append(kinds, dc.Kind)
			}
		}
		if !slices.Equal(kinds, []string{"renewal", "off_track"}) {
			t.Errorf("decisions about C and H: %v, want renewal and off_track", kinds)
		}
		// The administrative form reads the renewal dates with every engagement's details, not
		// by a query of its own: it must find the same decisions.
		admin := build(t, db, f, report.Options{Form: report.Administrative})
		var adminKinds []string
		for _, dc := range admin.Decisions {
			if dc.Engagement != nil && (dc.Engagement.ID == f.e[membershipC].ID || dc.Engagement.ID == f.e[secretH].ID) {
				adminKinds = append(adminKinds, dc.Kind)
			}
		}
		if !slices.Equal(adminKinds, kinds) {
			t.Errorf("administrative form's decisions about C and H: %v, want %v as in the political", adminKinds, kinds)
		}
		if r.Engagement(f.e[secretH].ID).Latest.Narrative != "Hemmelig forsinkelse." {
			t.Errorf("H's status at the period's end: %+v", r.Engagement(f.e[secretH].ID).Latest)
		}
		if p1.Rolled == nil || p1.Rolled.Status != utsyn.FollowAtRisk {
			t.Errorf("P1 rolled up: %+v, want at risk (its measure is)", p1.Rolled)
		}

		// The public report knows nothing internal.
		pub := build(t, db, f, report.Options{Form: report.Political, Public: true})
		for _, e := range pub.Engagements {
			if !e.Public || e.Unit != "" || e.Responsible != "" || !e.RenewalDate.IsZero() || e.Latest != nil {
				t.Errorf("the public report has internal data of %d: %+v", e.ID, e.ReportEngagement)
			}
		}
		if pub.Engagement(f.e[secretH].ID) != nil || pub.Engagement(f.e[projectB].ID) != nil {
			t.Error("the public report counts internal engagements")
		}
		if len(pub.Decisions) != 0 || !pub.Total.Figures.Own.IsZero() || pub.RollupRule != "" {
			t.Errorf("the public report has decisions %d, own money %v, roll-up %q", len(pub.Decisions), pub.Total.Figures.Own, pub.RollupRule)
		}
		for _, m := range pub.Money {
			if m.Kind != utsyn.MoneyExternalGrant {
				t.Errorf("the public report counts %s", m.Kind)
			}
		}
	})
}

func sectionOf(t *testing.T, r *report.Report, elementID int64) *report.Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.Element != nil && s.Element.ID == elementID {
			return s
		}
	}
	t.Fatalf("no section of element %d", elementID)
	return nil
}

func sumOf(t *testing.T, m report.Money, currency string) store.CurrencySum {
	t.Helper()
	for _, s := range m.Sums {
		if s.Amount.Currency == currency {
			return s
		}
	}
	t.Fatalf("%s: no %s in %+v", m.Key, currency, m.Sums)
	return store.CurrencySum{}
}

// A period with nothing in it is empty, and says so.
func TestEmptyPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &utsyn.Organisation{Slug: "tom", Name: utsyn.NewText("Tom fylkeskommune", "Empty County Council")}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOrganisation(ctx, org) }); err != nil {
			t.Fatal(err)
		}
		r, err := report.Build(ctx, db, report.Options{Org: org, Period: report.YearPeriod(2025), Form: report.Administrative})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Empty() || r.Total.Figures.Engagements.N != 0 || r.Strategy != nil {
			t.Fatalf("empty %v, %d engagements, strategy %v", r.Empty(), r.Total.Figures.Engagements.N, r.Strategy)
		}
		var b strings.Builder
		if err := r.HTML(&b, report.HTMLOptions{Lang: "nb", Catalog: catalog(t)}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "Ingenting å rapportere for perioden") {
			t.Errorf("the empty report does not say so:\n%s", b.String())
		}
	})
}

// A cached report is used again until a record changes, and never after.
func TestCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := report.NewCache(2)
		o := report.Options{Org: f.org, Period: year2040}
		first, err := c.Build(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := c.Build(ctx, db, o)
		if again != first {
			t.Error("the same report, with nothing changed, was built again")
		}
		if other, _ := c.Build(ctx, db, report.Options{Org: f.org, Period: year2040, Form: report.Administrative}); other == first {
			t.Error("the administrative form came from the political form's entry")
		}
		if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: 2040, Currency: "EUR", NOK: 11})
		}); err != nil {
			t.Fatal(err)
		}
		changed, _ := c.Build(ctx, db, o)
		if changed == first || !changed.Total.Figures.External.Complete {
			t.Errorf("after a rate was set, the cache gave the old report (complete %v)", changed.Total.Figures.External.Complete)
		}
	})
}

// A report that was slow to build is not built again while the reader waits: after a change
// the reader gets it as it was, said to be stale, and the new one comes from the background.
func TestCacheStale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := report.NewCache(2)
		report.SetSlowBuild(c, 0) // every build counts as slow
		o := report.Options{Org: f.org, Period: year2040}
		first, stale, err := c.Get(ctx, db, o)
		if err != nil || stale {
			t.Fatalf("first: stale %v, %v", stale, err)
		}
		if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: 2040, Currency: "EUR", NOK: 11})
		}); err != nil {
			t.Fatal(err)
		}
		old, stale, err := c.Get(ctx, db, o)
		if err != nil || old != first || !stale {
			t.Fatalf("after a change: the same report %v, stale %v, %v; want the old one, stale", old == first, stale, err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			r, stale, err := c.Get(ctx, db, o)
			if err != nil {
				t.Fatal(err)
			}
			if r != first {
				if stale || !r.Total.Figures.External.Complete {
					t.Errorf("the new report: stale %v, complete %v", stale, r.Total.Figures.External.Complete)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no new report after 20 s")
			}
			time.Sleep(10 * time.Millisecond)
		}

		// A public report follows a change at once, however slow: nothing made internal may stay
		// on the public pages.
		po := report.Options{Org: f.org, Period: year2040, Public: true}
		pub, _, err := c.Get(ctx, db, po)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			return tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: 2039, Currency: "EUR", NOK: 10})
		}); err != nil {
			t.Fatal(err)
		}
		if again, stale, err := c.Get(ctx, db, po); err != nil || stale || again == pub {
			t.Errorf("the public report after a change: the same %v, stale %v, %v; want a new one", again == pub, stale, err)
		}
	})
}
