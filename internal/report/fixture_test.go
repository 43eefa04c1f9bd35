package report_test

import (
	"context"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
)

// fixture is the demo organisation with a register of its own in 2040, a year the demo data
// says nothing of except what runs without an end: engagements that ran in the year and some
// that did not, in two currencies, with and without partners abroad, under one priority, two
// and none, with status updates and an indicator.
type fixture struct {
	org  *utsyn.Organisation
	tree *utsyn.Tree
	p1   *utsyn.Element // the first priority
	p2   *utsyn.Element
	m1   *utsyn.Element // a measure, under no priority (Rogaland's focus areas sit beside them)
	e    map[string]*utsyn.Engagement
}

// Names of the fixture's engagements, and what a report of 2040 makes of them.
const (
	projectA    = "Prosjekt A – pågår, P1 og P2, EUR"  // counted under P1 and P2; public
	projectB    = "Prosjekt B – fullført i 2040"       // completed in the period, P1; internal
	membershipC = "Medlemskap C – fornyes mars 2041"   // renewal needs a decision; public
	visitD      = "Besøk D – september 2040, uten mål" // new and completed, no priority
	ideaE       = "Idé E – telles ikke"                // an idea: not counted
	projectF    = "Prosjekt F – starter 2041"          // after the period: not counted
	rejectedG   = "Søknad G – avslått"                 // rejected: not counted
	secretH     = "Hemmelig H – internt, avvik"        // internal, off track: never public
	secretTitle = "Hemmelig H"
)

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.FindStrategy(ctx, org.ID, "internasjonal-strategi")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, tree: tree, e: map[string]*utsyn.Engagement{}}
	ps := tree.AtLevel("priority")
	f.p1, f.p2 = ps[0], ps[1]
	f.m1 = tree.AtLevel("measure")[0]

	actor := &utsyn.Principal{Label: "Rapporttest"}
	must := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.UpdateAs(ctx, actor, fn); err != nil {
			t.Fatal(err)
		}
	}
	actors := map[string]*utsyn.Actor{}
	for _, a := range []*utsyn.Actor{
		{OrgID: org.ID, Name: "Rapport Partner Belgia", Country: "BE"},
		{OrgID: org.ID, Name: "Rapport Partner Danmark", Country: "DK"},
		{OrgID: org.ID, Name: "Rapport Partner Norge", Country: "NO"},
	} {
		must(func(tx *store.Tx) error { return tx.CreateActor(ctx, a) })
		actors[a.Country] = a
	}
	add := func(title, kind, status, start, end string, public bool, elements []*utsyn.Element, partners ...string) *utsyn.Engagement {
		e := &utsyn.Engagement{OrgID: org.ID, Kind: kind, Title: utsyn.NewText(title, title+" (en)"), Status: status,
			Start: date(t, start), End: date(t, end), Public: public}
		for i, el := range elements {
			e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: el.ID, Primary: i == 0})
		}
		for _, c := range partners {
			e.Partners = append(e.Partners, utsyn.Partner{ActorID: actors[c].ID, Role: "partner"})
		}
		if kind == utsyn.KindMembership {
			e.Membership = &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 2_500_000, Currency: "NOK"}, RenewalDate: utsyn.MustDate("2041-03-01")}
		}
		must(func(tx *store.Tx) error { return tx.CreateEngagement(ctx, e) })
		f.e[title] = e
		return e
	}
	money := func(e *utsyn.Engagement, year int, kind string, minor int64, currency string) {
		m := &utsyn.MoneyLine{EngagementID: e.ID, Year: year, Kind: kind, Amount: utsyn.Money{Minor: minor, Currency: currency}}
		if kind == utsyn.MoneyOwnHours {
			m.Hours, m.HourlyRate = float64(minor)/90_000, utsyn.Money{Minor: 90_000, Currency: currency}
		}
		must(func(tx *store.Tx) error { return tx.CreateMoneyLine(ctx, org.ID, m) })
	}

	a := add(projectA, utsyn.KindProject, utsyn.StatusRunning, "2039-06", "2041-12", true, []*utsyn.Element{f.p1, f.p2, f.m1}, "BE", "NO")
	money(a, 2039, utsyn.MoneyExternalGrant, 2_000_000, "EUR") // another year: not counted
	money(a, 2040, utsyn.MoneyExternalGrant, 10_000_000, "EUR")
	money(a, 2040, utsyn.MoneyExternalGrant, 123_456, "EUR")
	money(a, 2040, utsyn.MoneyOwnHours, 9_000_000, "NOK")
	money(a, 2040, utsyn.MoneyOwnCash, 5_000_000, "NOK")
	b := add(projectB, utsyn.KindProject, utsyn.StatusCompleted, "2038", "2040-05-31", false, []*utsyn.Element{f.p1}, "DK")
	money(b, 2040, utsyn.MoneyExternalGrant, 30_000_000, "NOK")
	money(b, 2040, utsyn.MoneyCoFinancing, 1_000_000, "NOK")
	c := add(membershipC, utsyn.KindMembership, utsyn.StatusActive, "2035", "", true, []*utsyn.Element{f.p2})
	money(c, 2040, utsyn.MoneyMembershipFee, 2_500_000, "NOK")
	d := add(visitD, utsyn.KindVisit, utsyn.StatusCompleted, "2040-09", "2040-09", false, nil, "DK")
	money(d, 2040, utsyn.MoneyOwnCash, 1_500_000, "NOK")
	e := add(ideaE, utsyn.KindProject, utsyn.StatusIdea, "2040", "2041", false, []*utsyn.Element{f.p1})
	money(e, 2040, utsyn.MoneyExternalGrant, 99_900_000, "EUR")
	add(projectF, utsyn.KindProject, utsyn.StatusRunning, "2041-01-01", "2042", true, []*utsyn.Element{f.p1})
	add(rejectedG, utsyn.KindProject, utsyn.StatusRejected, "2040-02", "2040-10", false, []*utsyn.Element{f.p1})
	h := add(secretH, utsyn.KindPartnership, utsyn.StatusActive, "2040-01-01", "2040-12-31", false, []*utsyn.Element{f.p2}, "BE")
	money(h, 2040, utsyn.MoneyExternalGrant, 77_700_000, "EUR")

	must(func(tx *store.Tx) error {
		for _, u := range []*utsyn.StatusUpdate{
			{OrgID: org.ID, EngagementID: a.ID, Date: utsyn.MustDate("2040-06-01"), Status: utsyn.FollowOnTrack, Narrative: "Godt i gang."},
			{OrgID: org.ID, EngagementID: h.ID, Date: utsyn.MustDate("2040-11-01"), Status: utsyn.FollowOffTrack, Narrative: "Hemmelig forsinkelse."},
			{OrgID: org.ID, EngagementID: h.ID, Date: utsyn.MustDate("2041-02-01"), Status: utsyn.FollowOnTrack, Narrative: "Etter perioden."},
			{OrgID: org.ID, ElementID: f.p1.ID, Date: utsyn.MustDate("2040-10-01"), Status: utsyn.FollowAtRisk, Narrative: "Treg framdrift."},
			{OrgID: org.ID, ElementID: f.m1.ID, Date: utsyn.MustDate("2040-03-01"), Status: utsyn.FollowOnTrack, Narrative: "Samarbeidet går som planlagt."},
		} {
			if err := tx.AddStatusUpdate(ctx, u); err != nil {
				return err
			}
		}
		ind := &utsyn.Indicator{OrgID: org.ID, ElementID: f.m1.ID, Name: utsyn.NewText("Søknader til EU-program", "Applications to EU programmes"),
			Unit: utsyn.NewText("søknader", "applications"), Direction: utsyn.DirectionHigher, Source: utsyn.SourceManual,
			Targets: []utsyn.Target{{Period: "2040", Value: 12}}}
		if err := tx.AddIndicator(ctx, ind); err != nil {
			return err
		}
		return tx.AddValue(ctx, org.ID, &utsyn.Value{IndicatorID: ind.ID, Period: "2040", Value: 9})
	})
	return f
}

func date(t *testing.T, s string) utsyn.Date {
	t.Helper()
	d, err := utsyn.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
