package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// TestListLargeRegister checks the list where a register is large enough for its shortcuts to
// matter: the count stops at store.CountLimit and says there are more, and a filter by element
// or country finds the same engagements whether its set is read whole (small) or checked row
// by row (large; here, with the line between them moved down to 50).
func TestListLargeRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, everything := syntheticRegister(t, db, 1200, 3)

		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Count: true})
		if err != nil || page.Total != store.CountLimit || !page.More {
			t.Errorf("count of 1,200: total %d, more %v, %v; want %d and more", page.Total, page.More, err, store.CountLimit)
		}
		page, err = db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Count: true, Kinds: []string{utsyn.KindArena}})
		arenas := 0
		for _, e := range everything {
			if e.Kind == utsyn.KindArena {
				arenas++
			}
		}
		if err != nil || page.Total != arenas || page.More {
			t.Errorf("count of arenas: total %d, more %v, %v; want %d", page.Total, page.More, err, arenas)
		}

		// Elements and countries both common (a large set) and rare (a small one).
		elements, countries := map[int64]int{}, map[string]int{}
		for _, e := range everything {
			seen := map[string]bool{}
			for _, p := range e.Partners {
				if !seen[p.Actor.Country] {
					seen[p.Actor.Country] = true
					countries[p.Actor.Country]++
				}
			}
			for _, el := range e.Elements {
				elements[el.ElementID]++
			}
		}
		common, rare := "", ""
		for c, n := range countries {
			if common == "" || n > countries[common] {
				common = c
			}
			if rare == "" || n < countries[rare] {
				rare = c
			}
		}
		var commonEl, rareEl int64
		for id, n := range elements {
			if commonEl == 0 || n > elements[commonEl] {
				commonEl = id
			}
			if rareEl == 0 || n < elements[rareEl] {
				rareEl = id
			}
		}
		was := *store.SmallSet
		defer func() { *store.SmallSet = was }()
		for _, small := range []int{50, was} {
			*store.SmallSet = small
			for _, tt := range []struct {
				name   string
				filter store.EngagementFilter
				keep   func(e *utsyn.Engagement) bool
			}{
				{"common country", store.EngagementFilter{Country: common}, func(e *utsyn.Engagement) bool { return hasCountry(e, common) }},
				{"rare country", store.EngagementFilter{Country: rare}, func(e *utsyn.Engagement) bool { return hasCountry(e, rare) }},
				{"common element", store.EngagementFilter{ElementIDs: []int64{commonEl}}, func(e *utsyn.Engagement) bool { return hasElement(e, commonEl) }},
				{"rare element", store.EngagementFilter{ElementIDs: []int64{rareEl}}, func(e *utsyn.Engagement) bool { return hasElement(e, rareEl) }},
				{"rare element, public", store.EngagementFilter{ElementIDs: []int64{rareEl}, PublicOnly: true},
					func(e *utsyn.Engagement) bool { return hasElement(e, rareEl) && e.Public }},
			} {
				var want []int64
				for _, e := range everything {
					if tt.keep(e) {
						want = append(want, e.ID)
					}
				}
				var got []int64
				f := tt.filter
				f.OrgID, f.Limit, f.Count = org.ID, 200, true
				for first := true; ; first = false {
					page, err := db.ListEngagements(ctx, f)
					if err != nil {
						t.Fatalf("%s: %v", tt.name, err)
					}
					if first && (page.Total != min(len(want), store.CountLimit) || page.More != (len(want) > store.CountLimit)) {
						t.Errorf("%s: total %d (more %v), want %d", tt.name, page.Total, page.More, len(want))
					}
					for _, e := range page.Items {
						got = append(got, e.ID)
					}
					if page.Next == "" {
						break
					}
					f.After = page.Next
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s (sets up to %d read whole): %d engagements, want %d", tt.name, small, len(got), len(want))
				}
			}
		}

		// A search finds the same pages, in the same order, and the same count, whichever way
		// it is found: its matches looked up one by one (few), the filter's engagements read
		// whole (a narrow filter), or the list's order walked (many). Nothing is kept between
		// the ways.
		wasFew, wasNarrow := *store.FewMatches, *store.NarrowFilter
		defer func() { *store.FewMatches, *store.NarrowFilter, *store.KeepRegisters = wasFew, wasNarrow, true }()
		*store.KeepRegisters = false
		ways := []struct {
			name        string
			few, narrow int
		}{{"looked up", 1 << 30, 0}, {"read whole", 0, 1 << 30}, {"along the order", 0, 0}}
		for _, q := range []string{"havvind", "nettverk", "offshore wind"} {
			for _, filter := range []store.EngagementFilter{{}, {Kinds: []string{utsyn.KindProject}}, {Year: 2024, PublicOnly: true}} {
				for _, sort := range []string{"updated", "title", "start"} {
					var pages [3][]int64
					var totals [3]int
					for i, way := range ways {
						*store.FewMatches, *store.NarrowFilter = way.few, way.narrow
						f := filter
						f.OrgID, f.Query, f.Sort, f.Limit, f.Count = org.ID, q, sort, 40, true
						for first := true; ; first = false {
							page, err := db.ListEngagements(ctx, f)
							if err != nil {
								t.Fatalf("search %q by %s: %v", q, sort, err)
							}
							if first {
								totals[i] = page.Total
							}
							for _, e := range page.Items {
								pages[i] = append(pages[i], e.ID)
							}
							if page.Next == "" {
								break
							}
							f.After = page.Next
						}
					}
					if (len(pages[0]) == 0 && filter.Kinds == nil && filter.Year == 0) || len(pages[0]) != totals[0] {
						t.Errorf("search %q in %+v by %s: %d matches over the pages, counted %d", q, filter, sort, len(pages[0]), totals[0])
					}
					for i := range ways[1:] {
						if !slices.Equal(pages[0], pages[i+1]) || totals[0] != totals[i+1] {
							t.Errorf("search %q in %+v by %s: %d matches (count %d) %s, %d (count %d) %s", q, filter, sort,
								len(pages[0]), totals[0], ways[0].name, len(pages[i+1]), totals[i+1], ways[i+1].name)
						}
					}
				}
			}
		}
	})
}

// syntheticRegister fills the database with n synthetic engagements in one organisation, and
// returns it with every engagement, as the list's pages give them.
func syntheticRegister(t *testing.T, db *store.DB, n int, seed uint64) (*utsyn.Organisation, []*utsyn.Engagement) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: n, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrganisation(ctx, demo.SyntheticSlug(seed, 1))
	if err != nil {
		t.Fatal(err)
	}
	var everything []*utsyn.Engagement
	for f := (store.EngagementFilter{OrgID: org.ID, Limit: 200}); ; {
		page, err := db.ListEngagements(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		everything = append(everything, page.Items...)
		if f.After = page.Next; f.After == "" {
			break
		}
	}
	if len(everything) != n {
		t.Fatalf("%d engagements over the pages, want %d", len(everything), n)
	}
	return org, everything
}

func hasCountry(e *utsyn.Engagement, country string) bool {
	return slices.ContainsFunc(e.Partners, func(p utsyn.Partner) bool { return p.Actor.Country == country })
}

func hasElement(e *utsyn.Engagement, id int64) bool {
	return slices.ContainsFunc(e.Elements, func(r utsyn.ElementRef) bool { return r.ElementID == id })
}
