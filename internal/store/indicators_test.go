package store_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

func TestIndicatorRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		ind := &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.el["P1"].ID, Name: utsyn.NewText("Besøk", "Visits"),
			Unit: utsyn.NewText("besøk", "visits"), Direction: utsyn.DirectionHigher, Source: utsyn.SourceManual,
			Targets: []utsyn.Target{{Period: "2026", Value: 12}, {Period: "2025", Value: 10, Example: true}}}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddIndicator(ctx, ind) })
		first := &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 8, Comment: "Fra årsrapporten"}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddValue(ctx, f.org.ID, first) })

		// A second value for the period without naming the one it replaces is refused as stale.
		err := db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddValue(ctx, f.org.ID, &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 9})
		})
		if !store.IsStale(err) {
			t.Errorf("a second value without the one it replaces: %v, want stale", err)
		}
		// A revision needs a reason.
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddValue(ctx, f.org.ID, &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 9, ReplacesID: first.ID})
		})
		if e, ok := err.(*utsyn.Error); !ok || len(e.Problems) != 1 || e.Problems[0] != (utsyn.Problem{Field: "comment", Message: "error.reason_required"}) {
			t.Errorf("a revision without a reason: %v", err)
		}
		revised := &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 9, ReplacesID: first.ID, Comment: "Ett besøk var ikke talt med"}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddValue(ctx, f.org.ID, revised) })

		got, err := db.FindIndicator(ctx, f.org.ID, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Values) != 2 {
			t.Fatalf("%d values, want the old one and the revision", len(got.Values))
		}
		old, now := got.Values[0], got.Values[1]
		if old.ID != first.ID || old.Current || old.Value != 8 || old.Comment != "Fra årsrapporten" {
			t.Errorf("the replaced value: %+v; want it kept, no longer current", old)
		}
		if !now.Current || now.Value != 9 || now.ReplacesID != first.ID || now.Comment != "Ett besøk var ikke talt med" || now.AuthorLabel != "redaktor@example.org" {
			t.Errorf("the revision: %+v", now)
		}
		series := got.Series(nil)
		if len(series) != 2 || *series[0].Value != 9 || series[0].Revisions != 1 || !series[0].Example || *series[1].Target != 12 || series[1].Value != nil {
			t.Errorf("series: %+v", series)
		}
		if ev := f.events("indicator_value", revised.ID); len(ev) != 1 || ev[0].Action != "revise" || ev[0].Changes[1].Before != "8" || ev[0].Changes[1].After != "9" {
			t.Errorf("audit trail of the revision: %+v", ev)
		}

		// Editing the indicator is version-checked and keeps its values.
		edit := *got
		edit.Unit = nil
		f.must(f.editor, func(tx *store.Tx) error { return tx.UpdateIndicator(ctx, &edit) })
		stale := *got
		stale.Name = utsyn.NewText("Gammelt navn", "")
		if err := db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error { return tx.UpdateIndicator(ctx, &stale) }); !store.IsStale(err) {
			t.Errorf("an edit over another: %v, want stale", err)
		}
		got, _ = db.FindIndicator(ctx, f.org.ID, ind.ID)
		if len(got.Values) != 2 || !got.Unit.IsZero() || len(got.Missing()) != 1 || got.Missing()[0] != "unit" {
			t.Errorf("after the edit: values %d, unit %v, missing %v", len(got.Values), got.Unit, got.Missing())
		}
		// Values of a computed indicator cannot be typed in; an indicator of another
		// organisation's element cannot be made.
		computed := &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.el["P1"].ID, Name: utsyn.NewText("Medlemskap", ""), Direction: "higher",
			Source: utsyn.SourceRegister, Query: utsyn.IndicatorQuery{Measure: utsyn.MeasureEngagements}}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddIndicator(ctx, computed) })
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddValue(ctx, f.org.ID, &utsyn.Value{IndicatorID: computed.ID, Period: "2025", Value: 1})
		})
		if utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("a value of a computed indicator: %v", err)
		}
		err = db.UpdateAs(ctx, f.editor, func(tx *store.Tx) error {
			return tx.AddIndicator(ctx, &utsyn.Indicator{OrgID: f.other.ID, ElementID: f.el["P1"].ID, Name: utsyn.NewText("x", ""), Direction: "higher", Source: "manual"})
		})
		if e, ok := err.(*utsyn.Error); !ok || e.Field != "element" {
			t.Errorf("an indicator of another organisation's element: %v", err)
		}
		list, err := db.ListIndicators(ctx, store.IndicatorFilter{OrgID: f.org.ID, PublicOnly: true})
		if err != nil || len(list) != 0 {
			t.Errorf("public indicators: %d, %v; want none", len(list), err)
		}
	})
}

// The register's figures: counts of engagements running in each year and sums of money, for an
// element with everything under it, checked against sums worked out here from the records.
func TestComputedFromRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		type rec struct {
			kind, status, start, end, element string
		}
		recs := []rec{
			{utsyn.KindMembership, utsyn.StatusActive, "2019", "", "P1"},
			{utsyn.KindMembership, utsyn.StatusActive, "2022-03", "2024-06", "M1.1"},
			{utsyn.KindMembership, utsyn.StatusEnded, "2018", "2021", "M1.2"},
			{utsyn.KindArena, utsyn.StatusActive, "", "", "M1.2"},
			{utsyn.KindMembership, utsyn.StatusActive, "2020", "", "P2"}, // not under P1
			{utsyn.KindProject, utsyn.StatusRunning, "2021", "2023", "M1.1"},
		}
		var engagements []*utsyn.Engagement
		for i, r := range recs {
			engagements = append(engagements, f.engagement(r.kind, r.status, "E"+strconv.Itoa(i), r.start, r.end, r.element))
		}
		under := func(code string) bool { return code == "P1" || code == "M1.1" || code == "M1.2" }

		count := &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.el["P1"].ID, Name: utsyn.NewText("Aktive medlemskap og arenaer", ""),
			Direction: "higher", Source: utsyn.SourceRegister, Query: utsyn.IndicatorQuery{Measure: utsyn.MeasureEngagements,
				Kinds: []string{utsyn.KindMembership, utsyn.KindArena}, Statuses: []string{utsyn.StatusActive}, From: 2018, To: 2025}}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddIndicator(ctx, count) })
		points, err := db.ComputeIndicator(ctx, count, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(points) != 8 {
			t.Fatalf("%d years, want 2018–2025", len(points))
		}
		for _, p := range points {
			y, _ := strconv.Atoi(p.Period)
			want := 0
			for _, r := range recs {
				start, end := utsyn.MustDate(r.start), utsyn.MustDate(r.end)
				if under(r.element) && (r.kind == utsyn.KindMembership || r.kind == utsyn.KindArena) && r.status == utsyn.StatusActive &&
					(start.IsZero() || start.Year <= y) && (end.IsZero() || end.Year >= y) {
					want++
				}
			}
			if p.Value == nil || int(*p.Value) != want {
				t.Errorf("%d: %v engagements, want %d", y, p.Value, want)
			}
		}
		own := *count
		own.Query.OwnOnly = true
		if points, _ := db.ComputeIndicator(ctx, &own, 2026); *points[len(points)-1].Value != 1 {
			t.Errorf("P1's own engagements in 2025: %v, want the one linked to P1 itself", *points[len(points)-1].Value)
		}

		// Money: external grants in NOK and EUR, converted with the year's rate.
		type line struct {
			e        int
			year     int
			kind     string
			minor    int64
			currency string
		}
		lines := []line{
			{5, 2022, utsyn.MoneyExternalGrant, 1_000_000_00, "NOK"},
			{5, 2022, utsyn.MoneyExternalGrant, 50_000_00, "EUR"},
			{5, 2023, utsyn.MoneyExternalGrant, 20_000_50, "EUR"},
			{5, 2023, utsyn.MoneyOwnCash, 300_000_00, "NOK"},
			{1, 2023, utsyn.MoneyExternalGrant, 12_345_67, "NOK"},
			{4, 2023, utsyn.MoneyExternalGrant, 99_999_00, "NOK"}, // under P2
			{5, 2024, utsyn.MoneyExternalGrant, 10_000_00, "EUR"}, // no rate for 2024
		}
		for _, l := range lines {
			m := &utsyn.MoneyLine{EngagementID: engagements[l.e].ID, Year: l.year, Kind: l.kind, Amount: utsyn.Money{Minor: l.minor, Currency: l.currency}}
			f.must(f.editor, func(tx *store.Tx) error { return tx.CreateMoneyLine(ctx, f.org.ID, m) })
		}
		rates := map[int]float64{2022: 10.1, 2023: 11.42}
		for y, r := range rates {
			f.must(f.editor, func(tx *store.Tx) error {
				return tx.SetExchangeRate(ctx, f.org.ID, utsyn.ExchangeRate{Year: y, Currency: "EUR", NOK: r})
			})
		}
		money := &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.el["P1"].ID, Name: utsyn.NewText("Ekstern finansiering", ""),
			Unit: utsyn.NewText("kr", "NOK"), Direction: "higher", Source: utsyn.SourceRegister,
			Query: utsyn.IndicatorQuery{Measure: utsyn.MeasureMoney, MoneyKinds: []string{utsyn.MoneyExternalGrant}}}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddIndicator(ctx, money) })
		points, err = db.ComputeIndicator(ctx, money, 2024)
		if err != nil {
			t.Fatal(err)
		}
		byYear := map[string]utsyn.Point{}
		for _, p := range points {
			byYear[p.Period] = p
		}
		for _, y := range []int{2022, 2023} {
			var want float64
			for _, l := range lines {
				if l.year == y && l.kind == utsyn.MoneyExternalGrant && under(recs[l.e].element) {
					amount := float64(l.minor) / 100
					if l.currency == "EUR" {
						amount *= rates[y]
					}
					want += amount
				}
			}
			p := byYear[strconv.Itoa(y)]
			if p.Value == nil || math.Abs(*p.Value-want) > 0.005 {
				t.Errorf("external funding %d: %v, want %.2f", y, p.Value, want)
			}
		}
		if p := byYear["2024"]; p.Value != nil || p.Missing != "rate:EUR:2024" {
			t.Errorf("2024 without a rate: %+v, want the missing rate named", p)
		}
		if len(points) != 3 {
			t.Errorf("%d years of money, want 2022–2024", len(points))
		}
	})
}

// Regional participation: participations, coordinator roles and EUR granted of the county's
// participants per year, equal to what the rows add up to.
func TestComputedFromRegionalParticipation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFollowup(t, db)
		ctx := f.ctx
		ind := &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.el["P2"].ID, Name: utsyn.NewText("Deltakelser i Horisont 2020", ""),
			Direction: "higher", Source: utsyn.SourceRegional,
			Query: utsyn.IndicatorQuery{Measure: utsyn.MeasureParticipations, County: "11", Programmes: []string{"H2020"}}}
		f.must(f.editor, func(tx *store.Tx) error { return tx.AddIndicator(ctx, ind) })
		if points, err := db.ComputeIndicator(ctx, ind, 2026); err != nil || len(points) != 0 {
			t.Fatalf("before any import: %v, %v; want no points", points, err)
		}
		rows := []store.ParticipationRow{
			{Programme: "H2020", ProjectID: "1", Key: "a", County: "11", Role: "coordinator", Year: 2016, GrantedEURCents: 859_125_00},
			{Programme: "H2020", ProjectID: "1", Key: "b", County: "11", Role: "participant", Year: 2016, GrantedEURCents: 100_000_00},
			{Programme: "h2020", ProjectID: "2", Key: "a", County: "11", Role: "participant", Year: 2018, GrantedEURCents: 50_000_50},
			{Programme: "H2020", ProjectID: "3", Key: "c", County: "46", Role: "coordinator", Year: 2018, GrantedEURCents: 1_000_000_00},
			{Programme: "HORIZON", ProjectID: "4", Key: "a", County: "11", Role: "coordinator", Year: 2022, GrantedEURCents: 70_000_00},
		}
		f.must(nil, func(tx *store.Tx) error {
			for _, r := range rows {
				if err := store.InsertParticipationForTest(ctx, tx, f.org.ID, r); err != nil {
					return err
				}
			}
			return nil
		})
		for _, measure := range []string{utsyn.MeasureParticipations, utsyn.MeasureCoordinators, utsyn.MeasureGrantedEUR} {
			q := ind.Query
			q.Measure = measure
			x := *ind
			x.Query = q
			points, err := db.ComputeIndicator(ctx, &x, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if len(points) != 3 || points[0].Period != "2016" || points[2].Period != "2018" {
				t.Fatalf("%s: %+v, want 2016–2018", measure, points)
			}
			for _, p := range points {
				var want float64
				for _, r := range rows {
					if strconv.Itoa(r.Year) != p.Period || r.County != "11" || (r.Programme != "H2020" && r.Programme != "h2020") {
						continue
					}
					switch measure {
					case utsyn.MeasureParticipations:
						want++
					case utsyn.MeasureCoordinators:
						if r.Role == "coordinator" {
							want++
						}
					case utsyn.MeasureGrantedEUR:
						want += float64(r.GrantedEURCents) / 100
					}
				}
				if p.Value == nil || math.Abs(*p.Value-want) > 0.001 {
					t.Errorf("%s %s: %v, want %v", measure, p.Period, p.Value, want)
				}
			}
		}
	})
}
