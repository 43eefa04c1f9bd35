package demo

import (
	"context"
	"fmt"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Indicators of the demo strategy's priorities. What they count comes from the register (the
// demo engagements and their money) and from regional participation in EU programmes (filled by
// the EU-grant import: until it has run, those indicators say that their data are missing). The
// strategy sets no figures of its own, so every target here is an example, and marked so.

// rogalandCounty is Rogaland's county number (2024 structure).
const rogalandCounty = "11"

type demoIndicator struct {
	element     string
	name, unit  utsyn.Text
	description utsyn.Text
	source      string
	query       utsyn.IndicatorQuery
	targets     []utsyn.Target // all examples
	public      bool
}

var demoIndicators = []demoIndicator{
	{element: "P1", source: utsyn.SourceRegister, public: true,
		name: utsyn.NewText("Aktive medlemskap og arenaer", "Active memberships and arenas"),
		unit: utsyn.NewText("medlemskap og arenaer", "memberships and arenas"),
		description: utsyn.NewText("Medlemskap og arenaer knyttet til prioriteringen som er aktive i året, talt fra registeret.",
			"Memberships and arenas linked to the priority that are active in the year, counted from the register."),
		query:   utsyn.IndicatorQuery{Measure: utsyn.MeasureEngagements, Kinds: []string{utsyn.KindMembership, utsyn.KindArena}, Statuses: []string{utsyn.StatusActive}, From: 2019},
		targets: []utsyn.Target{{Period: "2026", Value: 6}}},
	{element: "P2", source: utsyn.SourceRegister, public: true,
		name: utsyn.NewText("Ekstern finansiering hentet inn", "External funding brought in"),
		unit: utsyn.NewText("EUR", "EUR"),
		description: utsyn.NewText("Eksterne tilskudd til engasjementer under prioriteringen, per år, i euro (kroner regnet om med årets kurs, der den er satt).",
			"External grants to engagements under the priority, per year, in euro (NOK converted at the year's rate, where it is set)."),
		query: utsyn.IndicatorQuery{Measure: utsyn.MeasureMoney, MoneyKinds: []string{utsyn.MoneyExternalGrant}, Currency: "EUR"}},
	{element: "P3", source: utsyn.SourceRegional, public: true,
		name: utsyn.NewText("Deltakelser i EU-prosjekter fra aktører i Rogaland", "Participations in EU projects by actors in Rogaland"),
		unit: utsyn.NewText("deltakelser", "participations"),
		description: utsyn.NewText("Deltakelser i EU-finansierte prosjekter (Horisont 2020 og Horisont Europa) for aktører i Rogaland, per år, fra Forskningsrådets åpne data om EU-bevilgninger.",
			"Participations in EU-funded projects (Horizon 2020 and Horizon Europe) of actors in Rogaland, per year, from the Research Council of Norway's open data on EU grants."),
		query:   utsyn.IndicatorQuery{Measure: utsyn.MeasureParticipations, County: rogalandCounty},
		targets: []utsyn.Target{{Period: "2026", Value: 40}, {Period: "2027", Value: 45}}},
	{element: "P3", source: utsyn.SourceRegional, public: true,
		name: utsyn.NewText("Koordinatorroller for aktører i Rogaland", "Coordinator roles of actors in Rogaland"),
		unit: utsyn.NewText("koordinatorroller", "coordinator roles"),
		description: utsyn.NewText("EU-prosjekter der en aktør i Rogaland er koordinator, per år.",
			"EU projects coordinated by an actor in Rogaland, per year."),
		query:   utsyn.IndicatorQuery{Measure: utsyn.MeasureCoordinators, County: rogalandCounty},
		targets: []utsyn.Target{{Period: "2026", Value: 5}}},
	{element: "P3", source: utsyn.SourceRegional, public: true,
		name: utsyn.NewText("EU-midler tildelt aktører i Rogaland", "EU funding granted to actors in Rogaland"),
		unit: utsyn.NewText("EUR", "EUR"),
		description: utsyn.NewText("Tilskudd fra EU til aktører i Rogaland i prosjekter som startet i året, i euro.",
			"EU grants to actors in Rogaland in projects that started in the year, in euro."),
		query: utsyn.IndicatorQuery{Measure: utsyn.MeasureGrantedEUR, County: rogalandCounty}},
	{element: "P4", source: utsyn.SourceManual, public: false,
		name: utsyn.NewText("Kurs og samlinger om internasjonalt samarbeid", "Courses and gatherings on international cooperation"),
		unit: utsyn.NewText("arrangementer", "events"),
		description: utsyn.NewText("Kurs, webinarer og samlinger fylkeskommunen holder for aktører i fylket; skrives inn for hvert år.",
			"Courses, webinars and gatherings the council holds for actors in the county; typed in for each year."),
		targets: []utsyn.Target{{Period: "2026", Value: 8}}},
}

// loadIndicators stores the demo's indicators of the strategy's priorities.
func loadIndicators(ctx context.Context, tx *store.Tx, orgID int64, strategySlug string) error {
	codes, err := tx.ElementCodes(ctx, orgID, strategySlug)
	if err != nil {
		return err
	}
	for _, d := range demoIndicators {
		id, ok := codes[d.element]
		if !ok {
			return fmt.Errorf("demo indicator %q: no element %s", d.name.Get("nb"), d.element)
		}
		ind := &utsyn.Indicator{OrgID: orgID, ElementID: id, Name: d.name, Description: d.description, Unit: d.unit,
			Direction: utsyn.DirectionHigher, Source: d.source, Query: d.query, Public: d.public}
		for _, t := range d.targets {
			t.Example = true
			ind.Targets = append(ind.Targets, t)
		}
		if err := tx.AddIndicator(ctx, ind); err != nil {
			return fmt.Errorf("demo indicator %q: %w", d.name.Get("nb"), err)
		}
	}
	return nil
}
