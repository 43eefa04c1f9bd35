package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// dashFixture is an organisation with a small strategy and a register drawn at random (with a
// fixed seed), and a second organisation with work of its own.
type dashFixture struct {
	t        *testing.T
	db       *store.DB
	ctx      context.Context
	org      *utsyn.Organisation
	other    *utsyn.Organisation
	tree     *utsyn.Tree
	el       map[string]*utsyn.Element
	actors   []*utsyn.Actor
	editor   *utsyn.Principal
	rates    map[int]float64 // EUR → NOK by year; 2024 and later have none
	elements []*utsyn.Engagement
}

func newDashFixture(t *testing.T, db *store.DB) *dashFixture {
	t.Helper()
	f := &dashFixture{t: t, db: db, ctx: context.Background(), el: map[string]*utsyn.Element{}, editor: &utsyn.Principal{Label: "test"},
		rates: map[int]float64{2019: 9.85, 2020: 10.72, 2021: 10.16, 2022: 10.1, 2023: 11.42}}
	ctx := f.ctx
	f.must(func(tx *store.Tx) error {
		f.org = &utsyn.Organisation{Slug: "testfylke", Name: utsyn.NewText("Testfylke", "Test County")}
		f.other = &utsyn.Organisation{Slug: "annet", Name: utsyn.NewText("Annet fylke", "")}
		for _, o := range []*utsyn.Organisation{f.org, f.other} {
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
		}
		st := &utsyn.Strategy{OrgID: f.org.ID, Slug: "strategi", Title: utsyn.NewText("Strategi", ""), Status: utsyn.StatusAdopted,
			Levels: []utsyn.Level{
				{Key: "goal", Name: utsyn.NewText("mål", "goal"), Plural: utsyn.NewText("mål", "goals")},
				{Key: "priority", Name: utsyn.NewText("prioritering", "priority"), Plural: utsyn.NewText("prioriteringer", "priorities")},
				{Key: "measure", Name: utsyn.NewText("tiltak", "measure"), Plural: utsyn.NewText("tiltak", "measures")},
			}}
		if err := tx.CreateStrategy(ctx, st); err != nil {
			return err
		}
		for _, e := range []struct{ code, parent string }{{"G", ""}, {"P1", "G"}, {"P2", "G"}, {"P3", "G"}, {"M1.1", "P1"}, {"M1.2", "P1"}, {"M2.1", "P2"}} {
			level := 2
			switch e.parent {
			case "":
				level = 0
			case "G":
				level = 1
			}
			el := &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[level].ID, Code: e.code, Title: utsyn.NewText("Element "+e.code, "")}
			if e.parent != "" {
				el.ParentID = f.el[e.parent].ID
			}
			if err := tx.CreateElement(ctx, el); err != nil {
				return err
			}
			f.el[e.code] = el
		}
		for y, r := range f.rates {
			if err := tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: y, Currency: "EUR", NOK: r}); err != nil {
				return err
			}
		}
		for _, a := range []*utsyn.Actor{
			{Name: "Stavanger kommune", Country: "NO", Region: "11"},
			{Name: "Universitetet i Bergen", Country: "NO", Region: "NO0A2"},         // NUTS 2024: Vestland
			{Name: "Fredrikstad kommune", Country: "NO", Region: "1"},                // Østfold before 2020
			{Name: "Bærum kommune", Country: "NO", Region: "30"},                     // Viken, split in 2024
			{Name: "Norsk forskningsråd", Country: "NO"},                             // no region
			{Name: "Region Västra Götaland", Country: "SE", Region: "SE232"},         //
			{Name: "Land Niedersachsen", Country: "DE"},                              //
			{Name: "State of Washington", Country: "US"},                             //
			{Name: "Malta Enterprise", Country: "MT"},                                // not on the world map
			{Name: "Nordsjøkommisjonen", Country: "BE", Type: "network"},             //
			{Name: "Rogaland fylkeskommunes venner", Country: "NO", Region: "NO043"}, // NUTS 2016: Rogaland
		} {
			a.OrgID = f.org.ID
			if err := tx.CreateActor(ctx, a); err != nil {
				return err
			}
			f.actors = append(f.actors, a)
		}
		return nil
	})
	s, err := db.FindStrategy(ctx, f.org.ID, "strategi")
	if err != nil {
		t.Fatal(err)
	}
	if f.tree, err = db.FindTree(ctx, s); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	codes := []string{"G", "P1", "P2", "M1.1", "M1.2", "M2.1"} // P3 never gets work
	units := []string{"Regionalutvikling", "Opplæring", ""}
	for i := range 48 {
		kind := utsyn.EngagementKinds[rng.IntN(len(utsyn.EngagementKinds))]
		statuses := utsyn.StatusesFor(kind)
		start := 2017 + rng.IntN(10)
		e := &utsyn.Engagement{OrgID: f.org.ID, Kind: kind, Title: utsyn.NewText(fmt.Sprintf("Engasjement %d", i), ""),
			Status: statuses[rng.IntN(len(statuses))], Unit: units[rng.IntN(len(units))], Public: rng.IntN(2) == 0,
			Start: utsyn.Date{Year: start, Month: time.Month(1 + rng.IntN(12))}}
		if rng.IntN(5) > 0 {
			e.End = utsyn.Date{Year: start + rng.IntN(4), Month: 12, Day: 31}
		}
		if i%11 == 3 {
			e.Start = utsyn.Date{} // unknown
		}
		for range rng.IntN(4) { // 0 to 3 links; none leaves it outside the strategy
			id := f.el[codes[rng.IntN(len(codes))]].ID
			if !slices.ContainsFunc(e.Elements, func(r utsyn.ElementRef) bool { return r.ElementID == id }) {
				e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: id})
			}
		}
		for range rng.IntN(4) {
			a := f.actors[rng.IntN(len(f.actors))]
			if !slices.ContainsFunc(e.Partners, func(p utsyn.Partner) bool { return p.ActorID == a.ID }) {
				e.Partners = append(e.Partners, utsyn.Partner{ActorID: a.ID, Role: "partner"})
			}
		}
		f.must(func(tx *store.Tx) error {
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
			if e.Status == utsyn.StatusIdea {
				return nil
			}
			for y := max(start, 2018); y <= min(start+2, 2025); y++ {
				lines := []*utsyn.MoneyLine{
					{Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: int64(rng.IntN(500_000_00)), Currency: "NOK"}},
					{Kind: utsyn.MoneyOwnHours, Hours: float64(10 + rng.IntN(300)), HourlyRate: utsyn.Money{Minor: 95000}, Amount: utsyn.Money{Currency: "NOK"}},
					{Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: int64(rng.IntN(90_000_00)), Currency: "EUR"}},
					{Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: int64(rng.IntN(300_000_00)), Currency: "NOK"}},
					{Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: int64(rng.IntN(100_000_00)), Currency: "NOK"}},
					{Kind: utsyn.MoneyCoFinancing, Amount: utsyn.Money{Minor: int64(rng.IntN(50_000_00)), Currency: "EUR"}},
				}
				for _, m := range lines {
					if rng.IntN(3) == 0 {
						continue
					}
					m.EngagementID, m.Year = e.ID, y
					if err := tx.CreateMoneyLine(ctx, f.org.ID, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		f.elements = append(f.elements, e)
	}
	return f
}

func (f *dashFixture) must(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.db.UpdateAs(f.ctx, f.editor, fn); err != nil {
		f.t.Fatal(err)
	}
}

// list is the register's list of the organisation's engagements under the filter, every page.
func (f *dashFixture) list(filter store.EngagementFilter) []*utsyn.Engagement {
	f.t.Helper()
	filter.OrgID, filter.Limit = f.org.ID, 200
	var out []*utsyn.Engagement
	for {
		page, err := f.db.ListEngagements(f.ctx, filter)
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		filter.After = page.Next
	}
}

func (f *dashFixture) subtree(code string) []int64 {
	var ids []int64
	for _, e := range store.Subtree(f.tree, f.el[code].ID) {
		ids = append(ids, e.ID)
	}
	return ids
}

func byStatus(es []*utsyn.Engagement) store.StatusCounts {
	c := store.StatusCounts{}
	for _, e := range es {
		c[e.Status]++
	}
	return c
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// The coverage of each element is what the register's list filtered by the element finds, by
// status; with a year, what it finds filtered by the element and the year.
func TestCoverageIsWhatTheRegisterFinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		for _, year := range []int{0, 2021} {
			cov, err := d.Coverage(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree, From: year, To: year})
			if err != nil {
				t.Fatal(err)
			}
			for code, el := range f.el {
				want := byStatus(f.list(store.EngagementFilter{ElementIDs: f.subtree(code), Year: year}))
				if got := cov.Elements[el.ID]; !equalCounts(got, want) {
					t.Errorf("year %d: coverage of %s is %v, the register finds %v", year, code, got, want)
				}
			}
			all := f.list(store.EngagementFilter{Year: year})
			if !equalCounts(cov.All, byStatus(all)) {
				t.Errorf("year %d: all %v, the register finds %v", year, cov.All, byStatus(all))
			}
			var unlinked []*utsyn.Engagement
			for _, e := range all {
				if len(e.Elements) == 0 {
					unlinked = append(unlinked, e)
				}
			}
			if !equalCounts(cov.Unlinked, byStatus(unlinked)) {
				t.Errorf("year %d: unlinked %v, want %v", year, cov.Unlinked, byStatus(unlinked))
			}
		}
		cov, err := d.Coverage(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree})
		if err != nil {
			t.Fatal(err)
		}
		if cov.Elements[f.el["P3"].ID].Total() != 0 || cov.Elements[f.el["P1"].ID].Total() == 0 || cov.All.Total() != 48 {
			t.Errorf("P3 %v, P1 %v, all %v: the fixture no longer has what the test needs", cov.Elements[f.el["P3"].ID], cov.Elements[f.el["P1"].ID], cov.All)
		}
	})
}

// moneyOf adds up the money lines of the engagements, as a reader would from each engagement's
// page: per year, per kind and currency, the euros of a year converted at its rate.
func (f *dashFixture) moneyOf(es []*utsyn.Engagement, from, to int) (perYear map[int]*store.MoneyYear, sum store.MoneyYear) {
	f.t.Helper()
	perYear = map[int]*store.MoneyYear{}
	for _, e := range es {
		lines, err := f.db.ListMoneyLines(f.ctx, f.org.ID, e.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, m := range lines {
			if from != 0 && m.Year < from || to != 0 && m.Year > to {
				continue
			}
			y := perYear[m.Year]
			if y == nil {
				y = &store.MoneyYear{}
				perYear[m.Year] = y
			}
			k, c := slices.Index(utsyn.MoneyKinds, m.Kind), slices.Index(utsyn.Currencies, m.Amount.Currency)
			y.Minor[k][c] += m.Amount.Minor
			if m.Kind == utsyn.MoneyOwnHours {
				y.Hours += m.Hours
			}
		}
	}
	for year, y := range perYear {
		for k := range y.Minor {
			y.NOK[k] = y.Minor[k][0]
			if eur := y.Minor[k][1]; eur != 0 {
				if r, ok := f.rates[year]; ok {
					y.NOK[k] += int64(math.Round(float64(eur) * r))
				} else {
					y.Missing[k] += eur
				}
			}
			sum.NOK[k] += y.NOK[k]
			sum.Missing[k] += y.Missing[k]
			sum.Minor[k][0] += y.Minor[k][0]
			sum.Minor[k][1] += y.Minor[k][1]
		}
		sum.Hours += y.Hours
	}
	return perYear, sum
}

func sameMoney(a, b store.MoneyYear) bool {
	return a.Minor == b.Minor && a.NOK == b.NOK && a.Missing == b.Missing && math.Abs(a.Hours-b.Hours) < 1e-6
}

// The money per year and per priority is the sum of the money lines of the engagements behind
// it, converted at the year's rate where there is one and kept in euros where there is none.
func TestMoneyIsTheSumOfTheLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		for _, period := range [][2]int{{0, 0}, {2020, 2023}, {2024, 2025}} {
			mf, err := d.Money(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree, From: period[0], To: period[1]})
			if err != nil {
				t.Fatal(err)
			}
			perYear, sum := f.moneyOf(f.list(store.EngagementFilter{}), period[0], period[1])
			if !sameMoney(mf.Total.Sum, sum) {
				t.Errorf("%v: total %+v, the lines add up to %+v", period, mf.Total.Sum, sum)
			}
			for year, want := range perYear {
				if got := mf.Total.Years[year]; got == nil || !sameMoney(*got, *want) {
					t.Errorf("%v: %d is %+v, the lines add up to %+v", period, year, got, want)
				}
			}
			for _, code := range []string{"P1", "P2", "P3"} {
				_, want := f.moneyOf(f.list(store.EngagementFilter{ElementIDs: f.subtree(code)}), period[0], period[1])
				var got store.MoneyYear
				if g := mf.Groups[f.el[code].ID]; g != nil {
					got = g.Sum
				}
				if !sameMoney(got, want) {
					t.Errorf("%v: %s is %+v, its engagements' lines add up to %+v", period, code, got, want)
				}
			}
			wantMissing := period != [2]int{2020, 2023} // 2024 and 2025 have amounts in euros and no rate
			if got := len(mf.MissingRates["EUR"]) > 0; got != wantMissing {
				t.Errorf("%v: years without a rate %v", period, mf.MissingRates)
			}
			for _, y := range mf.MissingRates["EUR"] {
				if _, ok := f.rates[y]; ok {
					t.Errorf("%v: %d is said to lack a rate, which is set", period, y)
				}
			}
		}
		// A year with every rate has a ratio; one without has none.
		mf, _ := d.Money(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree})
		if _, ok := mf.Total.Years[2021].Ratio(); !ok {
			t.Error("no ratio for 2021, which has its rate")
		}
		if y := mf.Total.Years[2024]; y != nil && y.Missing[2] > 0 {
			if _, ok := y.Ratio(); ok {
				t.Error("a ratio for 2024, whose euros could not be converted")
			}
		}
	})
}

// The partners by country are the engagements the register finds with a partner in the
// country; Norwegian partners are placed in the county of 2024 their region names.
func TestPartnersByPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		pf, err := d.Partners(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree})
		if err != nil {
			t.Fatal(err)
		}
		all := f.list(store.EngagementFilter{})
		actorsIn := map[string]map[int64]bool{}
		for _, e := range all {
			for _, p := range e.Partners {
				places := []string{p.Actor.Country}
				if p.Actor.Country == "NO" {
					places = append(places, "county "+p.Actor.Region)
				}
				for _, place := range places {
					if actorsIn[place] == nil {
						actorsIn[place] = map[int64]bool{}
					}
					actorsIn[place][p.ActorID] = true
				}
			}
		}
		for _, country := range []string{"NO", "SE", "DE", "US", "MT", "BE"} {
			want := len(f.list(store.EngagementFilter{Country: country}))
			got := pf.Countries[country]
			if want == 0 && got == nil {
				continue
			}
			if got == nil || got.Engagements != want || got.Partners != len(actorsIn[country]) {
				t.Errorf("%s: %+v, want %d engagements (as the register finds them) and %d partners", country, got, want, len(actorsIn[country]))
			}
		}
		// Placed by their regions: 11 and NO043 in Rogaland, NO0A2 in Vestland, 1 in Østfold;
		// Viken (30) and no region at all are placed in no county.
		counties := map[string][]string{"11": {"11", "NO043"}, "46": {"NO0A2"}, "31": {"1"}}
		for county, regions := range counties {
			want := 0
			for _, r := range regions {
				want += len(actorsIn["county "+r])
			}
			got := 0
			if pf.Counties[county] != nil {
				got = pf.Counties[county].Partners
				for _, a := range pf.Counties[county].Actors {
					if a.Name == "" {
						t.Errorf("county %s names an actor without a name", county)
					}
				}
			}
			if got != want {
				t.Errorf("county %s has %d partners, want %d", county, got, want)
			}
		}
		if len(pf.Counties) > len(counties) {
			t.Errorf("counties %v, want only %v", pf.Counties, counties)
		}
		for _, r := range []string{"30", ""} {
			if n := len(actorsIn["county "+r]); n > 0 && (pf.Unplaced[r] == nil || pf.Unplaced[r].Partners != n) {
				t.Errorf("unplaced %q: %+v, want %d partners", r, pf.Unplaced[r], n)
			}
		}
	})
}

func TestCounty(t *testing.T) {
	for region, want := range map[string]string{
		"11": "11", "NO-11": "11", " no0a1 ": "11", "NO043": "11", "1": "31", "01": "31", "02": "32", "06": "33",
		"07": "39", "08": "40", "09": "42", "10": "42", "12": "46", "14": "46", "16": "50", "17": "50", "19": "55", "20": "56",
		"NO082": "", "30": "", "38": "", "54": "", "NO091": "", "NO074": "", "NO0A": "", "": "", "Rogaland": "", "NO02": "34",
		"NO072": "55", "NO092": "42", "NO093": "39", "NO094": "40", "NO083": "31",
	} {
		got, ok := store.County(region)
		if got != want || ok != (want != "") {
			t.Errorf("County(%q) = %q, %v; want %q", region, got, ok, want)
		}
	}
	for _, c := range store.Counties2024 {
		if got, ok := store.County(c); !ok || got != c {
			t.Errorf("County(%q) = %q", c, got)
		}
	}
}

// Another organisation's engagements, internal or not, never count in an organisation's
// figures; its strategy cannot be used to group them.
func TestDashboardsKeepOrganisationsApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		filter := store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree}
		type figures struct {
			cov   *store.Coverage
			money *store.MoneyFigures
			pf    *store.PartnerFigures
			tl    *store.TimelineFigures
		}
		read := func() figures {
			t.Helper()
			var fg figures
			var err error
			if fg.cov, err = d.Coverage(f.ctx, filter); err != nil {
				t.Fatal(err)
			}
			if fg.money, err = d.Money(f.ctx, filter); err != nil {
				t.Fatal(err)
			}
			if fg.pf, err = d.Partners(f.ctx, filter); err != nil {
				t.Fatal(err)
			}
			if fg.tl, err = d.Timeline(f.ctx, filter, true, 100); err != nil {
				t.Fatal(err)
			}
			return fg
		}
		before := read()

		// The other organisation's internal project, with partners in Norway and Sweden and
		// money in both currencies.
		var other *utsyn.Engagement
		f.must(func(tx *store.Tx) error {
			a := &utsyn.Actor{OrgID: f.other.ID, Name: "Agder kommune", Country: "NO", Region: "11"}
			b := &utsyn.Actor{OrgID: f.other.ID, Name: "Region Skåne", Country: "SE"}
			for _, x := range []*utsyn.Actor{a, b} {
				if err := tx.CreateActor(f.ctx, x); err != nil {
					return err
				}
			}
			other = &utsyn.Engagement{OrgID: f.other.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Internt hos andre", ""),
				Status: utsyn.StatusRunning, Start: utsyn.MustDate("2021"), Public: false, Unit: "Regionalutvikling",
				Partners: []utsyn.Partner{{ActorID: a.ID, Role: "lead"}, {ActorID: b.ID, Role: "partner"}}}
			if err := tx.CreateEngagement(f.ctx, other); err != nil {
				return err
			}
			for _, m := range []*utsyn.MoneyLine{
				{EngagementID: other.ID, Year: 2021, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 1_000_000_00, Currency: "EUR"}},
				{EngagementID: other.ID, Year: 2021, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 2_000_000_00, Currency: "NOK"}},
			} {
				if err := tx.CreateMoneyLine(f.ctx, f.other.ID, m); err != nil {
					return err
				}
			}
			return nil
		})
		after := read()
		if !equalCounts(before.cov.All, after.cov.All) || !equalCounts(before.cov.Unlinked, after.cov.Unlinked) {
			t.Errorf("coverage changed with another organisation's engagement: %v → %v", before.cov.All, after.cov.All)
		}
		if !sameMoney(before.money.Total.Sum, after.money.Total.Sum) {
			t.Errorf("money changed with another organisation's engagement: %+v → %+v", before.money.Total.Sum, after.money.Total.Sum)
		}
		if b, a := before.pf.Countries["SE"], after.pf.Countries["SE"]; b.Partners != a.Partners || b.Engagements != a.Engagements ||
			before.pf.Partners != after.pf.Partners || len(before.pf.Counties["11"].Actors) != len(after.pf.Counties["11"].Actors) {
			t.Errorf("partners changed with another organisation's engagement: %+v → %+v", before.pf.Countries["SE"], after.pf.Countries["SE"])
		}
		for i, g := range after.tl.Groups {
			if g.Count != before.tl.Groups[i].Count {
				t.Errorf("timeline %s changed with another organisation's engagement", g.Kind)
			}
		}
		// The other organisation's own figures have it.
		mine, err := d.Money(f.ctx, store.DashboardFilter{OrgID: f.other.ID})
		if err != nil || mine.Total.Sum.Minor[2][1] != 1_000_000_00 {
			t.Errorf("the other organisation's money: %+v, %v", mine.Total.Sum, err)
		}
		// A strategy of one organisation cannot group another's figures.
		if _, err := d.Coverage(f.ctx, store.DashboardFilter{OrgID: f.other.ID, Tree: f.tree}); !utsyn.IsNotFound(err) {
			t.Errorf("coverage of another organisation by this one's strategy: %v, want not found", err)
		}
	})
}

// A change to the register shows in the next figures; a period without work has none.
func TestDashboardsFollowChangesAndEmptyPeriods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		filter := store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree}
		cov, err := d.Coverage(f.ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		if cov.AsOf.Stale || cov.AsOf.Time.IsZero() {
			t.Errorf("as of %+v", cov.AsOf)
		}
		p3 := f.el["P3"].ID
		e := &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindArena, Title: utsyn.NewText("Nytt forum", ""), Status: utsyn.StatusActive,
			Elements: []utsyn.ElementRef{{ElementID: p3}}}
		f.must(func(tx *store.Tx) error { return tx.CreateEngagement(f.ctx, e) })
		cov, err = d.Coverage(f.ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Elements[p3].Active() != 1 || cov.Elements[f.el["G"].ID].Total() != cov.All.Total()-cov.Unlinked.Total() {
			t.Errorf("after a new engagement under P3: P3 %v, G %v of %v", cov.Elements[p3], cov.Elements[f.el["G"].ID], cov.All)
		}
		f.must(func(tx *store.Tx) error { return tx.DeleteEngagement(f.ctx, f.org.ID, e.ID, e.Version) })
		if cov, _ = d.Coverage(f.ctx, filter); cov.Elements[p3].Total() != 0 {
			t.Errorf("after deleting it: P3 %v", cov.Elements[p3])
		}

		// No money in 1995–1996; an engagement with no start and no end runs in every year, so
		// an organisation without work shows the empty coverage and timeline.
		mf, err := d.Money(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree, From: 1995, To: 1996})
		if err != nil || len(mf.Years) != 0 || !mf.Total.Sum.IsZero() || len(mf.Groups) != 0 || mf.Total.Engagements != 0 {
			t.Errorf("money of 1995–1996: %+v, %v", mf, err)
		}
		empty := store.DashboardFilter{OrgID: f.other.ID, From: 2020, To: 2024}
		if cov, err = d.Coverage(f.ctx, empty); err != nil || cov.All.Total() != 0 {
			t.Errorf("coverage of an organisation without work: %v, %v", cov.All, err)
		}
		tl, err := d.Timeline(f.ctx, empty, false, 10)
		if err != nil || len(tl.Groups) != 0 {
			t.Errorf("timeline of an organisation without work: %+v, %v", tl, err)
		}
		pf, err := d.Partners(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Unit: "Ingen slik enhet"})
		if err != nil || pf.Partners != 0 || len(pf.Countries) != 0 {
			t.Errorf("partners of a unit without work: %+v, %v", pf, err)
		}
		if _, err := d.Coverage(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree, From: 2024, To: 2020}); utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("a period that ends before it begins: %v", err)
		}
	})
}

// The timeline's groups count what the register finds under each priority in the year, and show
// at most the limit of them.
func TestTimelineGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		d := db.NewDashboards()
		tl, err := d.Timeline(f.ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree, From: 2022, To: 2022}, false, 3)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, g := range tl.Groups {
			seen[g.ElementID] = true
			if len(g.Items) > 3 || len(g.Items) > g.Count {
				t.Errorf("group %d shows %d of %d", g.ElementID, len(g.Items), g.Count)
			}
			if g.ElementID <= 0 {
				continue
			}
			code := ""
			for c, el := range f.el {
				if el.ID == g.ElementID {
					code = c
				}
			}
			members := f.list(store.EngagementFilter{ElementIDs: f.subtree(code), Year: 2022})
			if g.Count != len(members) {
				t.Errorf("%s: %d in 2022, the register finds %d", code, g.Count, len(members))
			}
			// The ones shown are the first three with the active first, then the latest start.
			slices.SortFunc(members, func(a, b *utsyn.Engagement) int {
				if aa, ab := store.ActiveStatus(a.Status), store.ActiveStatus(b.Status); aa != ab {
					if aa {
						return -1
					}
					return 1
				}
				if c := strings.Compare(b.Start.String(), a.Start.String()); c != 0 {
					return c
				}
				return int(a.ID - b.ID)
			})
			var want, got []int64
			for _, e := range members[:min(3, len(members))] {
				want = append(want, e.ID)
			}
			for _, it := range g.Items {
				got = append(got, it.ID)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s shows %v, want %v", code, got, want)
			}
		}
		if seen[f.el["P3"].ID] || seen[f.el["M1.1"].ID] {
			t.Errorf("groups %v: want the priorities that have work, and no measure", seen)
		}
		byKind, err := d.Timeline(f.ctx, store.DashboardFilter{OrgID: f.org.ID, From: 2022, To: 2022}, true, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range byKind.Groups {
			if want := len(f.list(store.EngagementFilter{Kinds: []string{g.Kind}, Year: 2022})); g.Count != want || len(g.Items) != want {
				t.Errorf("%s: %d (%d shown), the register finds %d", g.Kind, g.Count, len(g.Items), want)
			}
		}
	})
}

// What is due and what lags, on a fixed day.
func TestDueAndLags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		ctx := f.ctx
		d := db.NewDashboards()
		today, horizon := utsyn.MustDate("2026-10-15"), utsyn.MustDate("2027-04-15")
		mk := func(e *utsyn.Engagement) *utsyn.Engagement {
			e.OrgID = f.org.ID
			e.Title = utsyn.NewText(e.Acronym, "")
			e.Elements = []utsyn.ElementRef{{ElementID: f.el["P2"].ID}}
			f.must(func(tx *store.Tx) error { return tx.CreateEngagement(ctx, e) })
			return e
		}
		renewSoon := mk(&utsyn.Engagement{Kind: utsyn.KindMembership, Acronym: "Fornyes snart", Status: utsyn.StatusActive, Start: utsyn.MustDate("2025-01"),
			Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2026-12-01"),
				Reviews: []utsyn.Review{{Date: utsyn.MustDate("2025-06"), Outcome: "continue"}}}})
		renewLate := mk(&utsyn.Engagement{Kind: utsyn.KindMembership, Acronym: "Fornyelse passert", Status: utsyn.StatusActive, Start: utsyn.MustDate("2010"),
			Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2026-09-01"),
				Reviews: []utsyn.Review{{Date: utsyn.MustDate("2019-05-02"), Outcome: "continue"}, {Date: utsyn.MustDate("2022-11-20"), Outcome: "change"}}}})
		renewLater := mk(&utsyn.Engagement{Kind: utsyn.KindMembership, Acronym: "Fornyes senere", Status: utsyn.StatusUnderReview, Start: utsyn.MustDate("2024"),
			Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2028-01-01")}})
		ended := mk(&utsyn.Engagement{Kind: utsyn.KindMembership, Acronym: "Avsluttet", Status: utsyn.StatusEnded, Start: utsyn.MustDate("2000"),
			Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2026-11-01")}})
		project := mk(&utsyn.Engagement{Kind: utsyn.KindProject, Acronym: "Prosjekt", Status: utsyn.StatusRunning, Start: utsyn.MustDate("2025")})

		milestones := []*utsyn.Milestone{
			{OrgID: f.org.ID, EngagementID: project.ID, Title: "Sluttrapport", Due: utsyn.MustDate("2026-09-30")},    // late
			{OrgID: f.org.ID, EngagementID: project.ID, Title: "Midtveisrapport", Due: utsyn.MustDate("2027-02-01")}, // due
			{OrgID: f.org.ID, EngagementID: project.ID, Title: "Neste søknad", Due: utsyn.MustDate("2028-02-01")},    // later
			{OrgID: f.org.ID, ElementID: f.el["M2.1"].ID, Title: "Handlingsplan", Due: utsyn.MustDate("2026-12")},    // due
		}
		var updates []*utsyn.StatusUpdate
		f.must(func(tx *store.Tx) error {
			for _, m := range milestones {
				if err := tx.AddMilestone(ctx, m); err != nil {
					return err
				}
			}
			for _, it := range []struct {
				item    store.Item
				version int
				cadence string
			}{
				{store.Item{Kind: store.ItemEngagement, ID: project.ID}, project.Version, utsyn.CadenceQuarterly},
				{store.Item{Kind: store.ItemEngagement, ID: renewSoon.ID}, renewSoon.Version, utsyn.CadenceYearly},
				{store.Item{Kind: store.ItemElement, ID: f.el["M1.2"].ID}, f.el["M1.2"].Version, utsyn.CadenceMonthly},
			} {
				if err := tx.SetSettings(ctx, f.org.ID, it.item, it.version, store.FollowupSettings{Cadence: it.cadence, Weight: 1}); err != nil {
					return err
				}
			}
			updates = []*utsyn.StatusUpdate{
				{OrgID: f.org.ID, EngagementID: project.ID, Date: utsyn.MustDate("2026-05-01"), Status: utsyn.FollowOnTrack},
				{OrgID: f.org.ID, EngagementID: project.ID, Date: utsyn.MustDate("2026-06-01"), Status: utsyn.FollowOffTrack},
				{OrgID: f.org.ID, EngagementID: renewSoon.ID, Date: utsyn.MustDate("2026-03-01"), Status: utsyn.FollowAtRisk},
				{OrgID: f.org.ID, EngagementID: renewLate.ID, Date: utsyn.MustDate("2026-02-01"), Status: utsyn.FollowAtRisk},
				{OrgID: f.org.ID, EngagementID: renewLate.ID, Date: utsyn.MustDate("2026-04-01"), Status: utsyn.FollowOnTrack},
				{OrgID: f.org.ID, ElementID: f.el["M2.1"].ID, Date: utsyn.MustDate("2026-07-01"), Status: utsyn.FollowAtRisk},
			}
			for _, u := range updates {
				if err := tx.AddStatusUpdate(ctx, u); err != nil {
					return err
				}
			}
			return nil
		})

		due, err := d.Due(ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree}, today, horizon)
		if err != nil {
			t.Fatal(err)
		}
		var renewals []int64
		for _, r := range due.Renewals {
			if r.EngagementID == renewSoon.ID || r.EngagementID == renewLate.ID || r.EngagementID == renewLater.ID || r.EngagementID == ended.ID {
				renewals = append(renewals, r.EngagementID)
				if r.Passed != (r.EngagementID == renewLate.ID) {
					t.Errorf("renewal of %d passed: %v", r.EngagementID, r.Passed)
				}
			}
		}
		if !slices.Equal(renewals, []int64{renewLate.ID, renewSoon.ID}) {
			t.Errorf("renewals %v, want the passed one, then the one in December (%d, %d)", renewals, renewLate.ID, renewSoon.ID)
		}
		reviews := map[int64]store.DueReview{}
		for _, r := range due.Reviews {
			reviews[r.EngagementID] = r
		}
		if r, ok := reviews[renewLate.ID]; !ok || r.Last.String() != "2022-11-20" || r.Due.String() != "2026-11-20" || r.Passed {
			t.Errorf("review of the membership reviewed in 2022: %+v, %v; want due 20 November 2026", r, ok)
		}
		if _, ok := reviews[renewSoon.ID]; ok {
			t.Error("a membership reviewed in 2025 is due a review")
		}
		if _, ok := reviews[renewLater.ID]; !ok {
			t.Error("a membership under review is not listed")
		}
		var titles []string
		for _, m := range due.Milestones {
			if m.EngagementID == project.ID || m.ElementID != 0 {
				titles = append(titles, m.Title)
				if m.Late != (m.Title == "Sluttrapport") {
					t.Errorf("%s late: %v", m.Title, m.Late)
				}
			}
		}
		if !slices.Equal(titles, []string{"Sluttrapport", "Handlingsplan", "Midtveisrapport"}) {
			t.Errorf("milestones %q", titles)
		}

		// Overdue updates are the ones the follow-up's own list has overdue.
		listed, err := db.ListDue(ctx, f.org.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, it := range listed {
			if it.Overdue {
				want = append(want, fmt.Sprint(it.Kind, it.ID))
			}
		}
		for _, u := range due.Updates {
			if u.EngagementID != 0 {
				got = append(got, fmt.Sprint(store.ItemEngagement, u.EngagementID))
			} else {
				got = append(got, fmt.Sprint(store.ItemElement, u.ElementID))
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) || len(got) != 2 {
			t.Errorf("overdue updates %v, the follow-up lists %v (want the quarterly project and M1.2)", got, want)
		}

		lags, err := d.Lags(ctx, store.DashboardFilter{OrgID: f.org.ID, Tree: f.tree})
		if err != nil {
			t.Fatal(err)
		}
		var lagging []string
		for _, it := range lags.Items {
			lagging = append(lagging, fmt.Sprint(it.EngagementID, it.ElementID, it.Status))
		}
		wantLag := []string{fmt.Sprint(project.ID, 0, "off_track"), fmt.Sprint(renewSoon.ID, 0, "at_risk"), fmt.Sprint(0, f.el["M2.1"].ID, "at_risk")}
		if !slices.Equal(lagging, wantLag) {
			t.Errorf("lagging %v, want %v (the project's latest is off track; the membership back on track is not)", lagging, wantLag)
		}
		mix := lags.Mix[f.el["P2"].ID]
		if mix[utsyn.FollowOffTrack] != 1 || mix[utsyn.FollowAtRisk] != 1 || mix[utsyn.FollowOnTrack] < 1 {
			t.Errorf("the statuses under P2: %v", mix)
		}
	})
}
