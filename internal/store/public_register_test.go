package store_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// The public reads of the register: only published engagements, nothing internal, and funding
// that adds up to the money lines.
func TestPublicRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, tree := registerFixture(t, db)
		p := tree.AtLevel("priority")
		update := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, fn); err != nil {
				t.Fatal(err)
			}
		}
		boss := &utsyn.User{Email: "kari@example.org", Name: "Kari Hemmelig", Memberships: []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleEditor}}}
		de := &utsyn.Actor{OrgID: org.ID, Name: "Fraunhofer-Gesellschaft", Country: "DE", Type: "research", PIC: "999984059"}
		nl := &utsyn.Actor{OrgID: org.ID, Name: "Provincie Zuid-Holland", Country: "NL", Type: "region"}
		open := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusRunning, Public: true,
			Title: utsyn.NewText("Grønn skipsfart i Nordsjøen", "Green shipping"), Acronym: "GREENSHIP", Programme: "Horizon 2020",
			Unit: "Avdeling for hemmeligheter", Elements: []utsyn.ElementRef{{ElementID: p[1].ID, Primary: true}}}
		member := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMembership, Status: utsyn.StatusActive, Public: true,
			Title:      utsyn.NewText("Nordsjøkommisjonen", "North Sea Commission"),
			Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 12300000, Currency: "NOK"}, DecisionCase: "23/0001"}}
		closed := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusApplication, Public: false,
			Title: utsyn.NewText("Intern søknad", "Internal application"), Elements: []utsyn.ElementRef{{ElementID: p[1].ID}}}
		update(func(tx *store.Tx) error {
			for _, err := range []error{tx.CreateUser(ctx, boss), tx.CreateActor(ctx, de), tx.CreateActor(ctx, nl)} {
				if err != nil {
					return err
				}
			}
			open.Responsible, closed.Responsible = boss.ID, boss.ID
			open.Partners = []utsyn.Partner{{ActorID: de.ID, Role: "lead"}}
			member.Partners = []utsyn.Partner{{ActorID: nl.ID, Role: "member"}}
			closed.Partners = []utsyn.Partner{{ActorID: nl.ID, Role: "partner"}}
			for _, e := range []*utsyn.Engagement{open, member, closed} {
				if err := tx.CreateEngagement(ctx, e); err != nil {
					return err
				}
			}
			lines := []utsyn.MoneyLine{
				{EngagementID: open.ID, Year: 2021, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 100000000, Currency: "EUR"}},
				{EngagementID: open.ID, Year: 2021, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 23512, Currency: "EUR"}},
				{EngagementID: open.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 50000000, Currency: "EUR"}},
				{EngagementID: open.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 2000000, Currency: "NOK"}},
				{EngagementID: open.ID, Year: 2022, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 777700, Currency: "NOK"}},
				{EngagementID: member.ID, Year: 2023, Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: 12300000, Currency: "NOK"}},
				{EngagementID: closed.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 99900000, Currency: "EUR"}},
			}
			for i := range lines {
				if err := tx.CreateMoneyLine(ctx, org.ID, &lines[i]); err != nil {
					return err
				}
			}
			return tx.SetExchangeRate(ctx, org.ID, utsyn.ExchangeRate{Year: 2021, Currency: "EUR", NOK: 10.1})
		})

		// Only the published, by title, without what is internal.
		es, err := db.PublicEngagements(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, e := range es {
			titles = append(titles, e.Title.Get("nb"))
			if e.Unit != "" || e.Responsible != 0 || e.ResponsibleName != "" || e.Membership != nil {
				t.Errorf("%s: internal fields are read for the public: %+v", e.Title.Get("nb"), e)
			}
			for _, pa := range e.Partners {
				if pa.Actor.PIC != "" || pa.Actor.OrgNumber != "" {
					t.Errorf("%s: a partner's identifiers are read for the public", e.Title.Get("nb"))
				}
			}
		}
		if want := []string{"Grønn skipsfart i Nordsjøen", "Nordsjøkommisjonen"}; !slices.Equal(titles, want) {
			t.Errorf("public engagements %q, want %q", titles, want)
		}
		if len(es) == 2 && (len(es[0].Partners) != 1 || es[0].Partners[0].Actor.Country != "DE" || len(es[0].Elements) != 1) {
			t.Errorf("partners and strategy links are not read: %+v", es[0])
		}

		// One at a time: an internal one, or another organisation's, is not found.
		if e, err := db.PublicEngagement(ctx, org.ID, open.ID); err != nil || e.Unit != "" || e.ResponsibleName != "" || e.Acronym != "GREENSHIP" {
			t.Errorf("the published engagement: %+v, %v", e, err)
		}
		if _, err := db.PublicEngagement(ctx, org.ID, closed.ID); utsyn.ErrorCode(err) != utsyn.ENOTFOUND {
			t.Errorf("an internal engagement: %v, want not found", err)
		}
		if _, err := db.PublicEngagement(ctx, org.ID+1000, open.ID); utsyn.ErrorCode(err) != utsyn.ENOTFOUND {
			t.Errorf("another organisation's engagement: %v, want not found", err)
		}

		// External grants of published engagements, summed per year and currency.
		lines, err := db.PublicFunding(ctx, org.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.FundingLine{
			{EngagementID: open.ID, Year: 2021, Amount: utsyn.Money{Minor: 100023512, Currency: "EUR"}},
			{EngagementID: open.ID, Year: 2022, Amount: utsyn.Money{Minor: 50000000, Currency: "EUR"}},
			{EngagementID: open.ID, Year: 2022, Amount: utsyn.Money{Minor: 2000000, Currency: "NOK"}},
		}
		if !reflect.DeepEqual(lines, want) {
			t.Errorf("public funding %+v, want %+v", lines, want)
		}
		if one, err := db.PublicFunding(ctx, org.ID, closed.ID); err != nil || len(one) != 0 {
			t.Errorf("the funding of an internal engagement: %+v, %v", one, err)
		}

		// The sums equal the money lines they come from.
		all, err := db.ListMoneyLines(ctx, org.ID, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		byCurrency := map[string]int64{}
		for _, m := range all {
			if m.Kind == utsyn.MoneyExternalGrant {
				byCurrency[m.Amount.Currency] += m.Amount.Minor
			}
		}
		rates, _ := db.ExchangeRates(ctx, org.ID)
		f := store.SumFunding(lines, rates, nil)
		got := map[string]int64{}
		for _, s := range f.Sums {
			got[s.Amount.Currency] = s.Amount.Minor
		}
		if !maps.Equal(got, byCurrency) {
			t.Errorf("funding per currency %v differs from the money lines %v", got, byCurrency)
		}
		// EUR has no rate for 2022: it stays in euros, says so, and there is no total in kroner.
		if len(f.Sums) != 2 || f.Sums[0].Amount.Currency != "NOK" || !f.Sums[0].Converted || f.Sums[1].Converted ||
			!slices.Equal(f.Sums[1].MissingYears, []int{2022}) || f.Complete || f.NOK.Minor != 0 {
			t.Errorf("funding without every rate: %+v", f)
		}
		update(func(tx *store.Tx) error {
			return tx.SetExchangeRate(ctx, org.ID, utsyn.ExchangeRate{Year: 2022, Currency: "EUR", NOK: 11.25})
		})
		rates, _ = db.ExchangeRates(ctx, org.ID)
		f = store.SumFunding(lines, rates, nil)
		const eurInNOK = 1010237471 + 562500000 // 1 000 235,12 × 10,10 rounded to the øre, and 500 000 × 11,25
		if !f.Complete || !f.Sums[1].Converted || f.Sums[1].NOK.Minor != eurInNOK || f.NOK.Minor != eurInNOK+2000000 {
			t.Errorf("funding with every rate: %+v, want EUR in NOK %d", f, eurInNOK)
		}
		if f := store.SumFunding(lines, rates, func(id int64) bool { return id == member.ID }); !f.IsZero() {
			t.Errorf("funding of an engagement without grants: %+v", f)
		}
	})
}

// Search on public pages looks at what the public sees, never at internal fields.
func TestPublicIndexFilter(t *testing.T) {
	es := []*utsyn.Engagement{
		{ID: 1, Kind: utsyn.KindProject, Title: utsyn.NewText("Grønn skipsfart", "Green shipping"), Acronym: "GREENSHIP",
			Partners: []utsyn.Partner{{Actor: &utsyn.Actor{Name: "Fraunhofer-Gesellschaft", Country: "DE"}}},
			Elements: []utsyn.ElementRef{{ElementID: 7}}},
		{ID: 2, Kind: utsyn.KindMembership, Title: utsyn.NewText("Nordsjøkommisjonen", ""), Unit: "Skipsfartsavdelingen",
			Partners: []utsyn.Partner{{Actor: &utsyn.Actor{Name: "CPMR", Country: "FR"}}}, Tags: []string{"havrom"}},
	}
	ids := func(f store.PublicFilter) []int64 {
		var out []int64
		for _, e := range store.NewPublicIndex(es).Filter(f) {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		filter store.PublicFilter
		want   []int64
	}{
		{"all", store.PublicFilter{}, []int64{1, 2}},
		{"kind", store.PublicFilter{Kind: utsyn.KindMembership}, []int64{2}},
		{"country", store.PublicFilter{Country: "de"}, []int64{1}},
		{"element", store.PublicFilter{ElementIDs: []int64{3, 7}}, []int64{1}},
		{"a word's start", store.PublicFilter{Query: "skips"}, []int64{1}}, // not the unit of 2
		{"English title", store.PublicFilter{Query: "green SHIPPING"}, []int64{1}},
		{"ø typed or not", store.PublicFilter{Query: "nordsjo"}, []int64{2}},
		{"partner", store.PublicFilter{Query: "fraunhofer"}, []int64{1}},
		{"tag", store.PublicFilter{Query: "havrom"}, []int64{2}},
		{"every word", store.PublicFilter{Query: "grønn cpmr"}, nil},
		{"syntax is words", store.PublicFilter{Query: `"grønn" OR *`}, nil},
		{"kind and word", store.PublicFilter{Kind: utsyn.KindProject, Query: "grønn"}, []int64{1}},
		{"word, another kind", store.PublicFilter{Kind: utsyn.KindMembership, Query: "grønn"}, nil},
		{"word and country", store.PublicFilter{Country: "FR", Query: "nord"}, []int64{2}},
		{"word, another country", store.PublicFilter{Country: "DE", Query: "nord"}, nil},
		{"word and element", store.PublicFilter{ElementIDs: []int64{7}, Query: "gr"}, []int64{1}},
	}
	for _, tt := range tests {
		if got := ids(tt.filter); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
