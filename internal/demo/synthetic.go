package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// Synthetic describes a synthetic data set: many engagements, for trying Utsyn at a size no
// real organisation has yet, and for measuring its speed.
type Synthetic struct {
	Engagements   int       // how many, in all
	Organisations int       // how many organisations share them (1/i of the weight to the i-th); 1 when zero
	Seed          uint64    // the same seed gives the same data
	Batch         int       // engagements per transaction; 2,000 when zero
	Progress      io.Writer // where progress is reported; nil for nowhere
}

// SyntheticResult says what LoadSynthetic stored.
type SyntheticResult struct {
	Organisations []string // slugs
	Engagements   int
	Actors        int
	MoneyLines    int
	Skipped       bool // the data set of this seed was there already; nothing was stored
}

// syntheticToday is the synthetic data's "today", fixed so that a seed always gives the same
// statuses: what started before it and has not ended is running.
var syntheticToday = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

// SyntheticSlug is the slug of the i-th synthetic organisation (from 1) of a seed.
func SyntheticSlug(seed uint64, i int) string { return fmt.Sprintf("syntetisk-%d-%d", seed, i) }

// LoadSynthetic stores a synthetic data set: organisations named "Syntetisk fylkeskommune 1",
// "… 2", …, marked as demo data whose note says they are synthetic, each with a copy of the
// demo's strategy and vocabularies and a pool of invented partners in many countries, and the
// engagements spread over them, in transactions of s.Batch engagements. The rows go in through
// the store's bulk insert, which records one audit event per batch instead of one per record.
// When the first organisation of the seed exists, it stores nothing: loading twice changes
// nothing, and another seed adds another data set.
func LoadSynthetic(ctx context.Context, db *store.DB, s Synthetic) (*SyntheticResult, error) {
	if s.Organisations == 0 {
		s.Organisations = 1
	}
	if s.Batch <= 0 {
		s.Batch = 2000
	}
	if s.Engagements < 1 || s.Engagements > 10_000_000 || s.Organisations < 1 || s.Organisations > 1000 || s.Organisations > s.Engagements {
		return nil, fmt.Errorf("synthetic data: %d engagements in %d organisations: want 1 to 10,000,000 engagements, and 1 to 1,000 organisations, no more than engagements",
			s.Engagements, s.Organisations)
	}
	progress := s.Progress
	if progress == nil {
		progress = io.Discard
	}
	res := &SyntheticResult{}
	if _, err := db.FindOrganisation(ctx, SyntheticSlug(s.Seed, 1)); err == nil {
		res.Skipped = true
		return res, nil
	} else if !utsyn.IsNotFound(err) {
		return nil, err
	}
	var src source
	var lay layout
	if err := decode("strategy.yaml", &src); err != nil {
		return nil, err
	}
	if err := decode("demo.yaml", &lay); err != nil {
		return nil, err
	}

	started := time.Now()
	g := &generator{rng: rand.New(rand.NewPCG(s.Seed, 0x7574_7379_6e)), seed: s.Seed}
	counts := shares(s.Engagements, s.Organisations)
	done, lastReport, analyzedAt := 0, time.Time{}, s.Batch/2 // analyzed after the first batch, then as the register doubles
	for i, count := range counts {
		slug := SyntheticSlug(s.Seed, i+1)
		var orgID int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			org := &utsyn.Organisation{
				Slug:    slug,
				Name:    utsyn.NewText(fmt.Sprintf("Syntetisk fylkeskommune %d", i+1), fmt.Sprintf("Synthetic county council %d", i+1)),
				Country: "NO",
				Demo: &utsyn.DemoSource{Note: utsyn.NewText(
					fmt.Sprintf("Syntetiske data laget av Utsyn for å prøve og måle systemet (frø %d; %d engasjementer i %d organisasjoner). Ingenting her er virkelig: aktører, engasjementer, beløp og datoer er trukket tilfeldig. Strategien er en kopi av demoens.",
						s.Seed, s.Engagements, s.Organisations),
					fmt.Sprintf("Synthetic data made by Utsyn to try and measure the system (seed %d; %d engagements in %d organisations). Nothing here is real: actors, engagements, amounts and dates are drawn at random. The strategy is a copy of the demo's.",
						s.Seed, s.Engagements, s.Organisations))},
			}
			if err := tx.CreateOrganisation(ctx, org); err != nil {
				return err
			}
			orgID = org.ID
			if err := loadStrategy(ctx, tx, org.ID, &src, &lay); err != nil {
				return err
			}
			if err := g.startOrganisation(ctx, tx, org.ID, lay.Strategy.Slug, count); err != nil {
				return err
			}
			return tx.InsertActors(ctx, org.ID, g.actors, "synthetic data")
		})
		if err != nil {
			return nil, fmt.Errorf("synthetic organisation %s: %w", slug, err)
		}
		res.Organisations = append(res.Organisations, slug)
		res.Actors += len(g.actors)
		g.bindActors()
		for from := 0; from < count; from += s.Batch {
			n := min(s.Batch, count-from)
			items := make([]store.BulkEngagement, n)
			for k := range items {
				items[k] = g.engagement()
				res.MoneyLines += len(items[k].Money)
			}
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.InsertEngagements(ctx, orgID, items, fmt.Sprintf("synthetic data (seed %d)", s.Seed))
			}); err != nil {
				return nil, fmt.Errorf("synthetic engagements of %s: %w", slug, err)
			}
			done += n
			res.Engagements = done
			if done >= analyzedAt*2 {
				// The planner's statistics and the plans made from them (PostgreSQL's checks of
				// foreign keys among them) still describe the tables as they were: where
				// autovacuum is off or behind, each check then read the whole table, and 100,000
				// took hours. Refreshed whenever the register has doubled, they cost a fraction
				// of the load.
				if err := db.Analyze(ctx); err != nil {
					return nil, err
				}
				analyzedAt = done
			}
			if time.Since(lastReport) > time.Second || done == s.Engagements {
				lastReport = time.Now()
				fmt.Fprintf(progress, "synthetic: %d/%d engagements (%s: %d/%d), %.1f s\n", done, s.Engagements, slug, from+n, count,
					time.Since(started).Seconds())
			}
		}
	}
	if err := db.Analyze(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// shares splits n over k organisations (k ≤ n) by the weights 1, 1/2, 1/3, …: a few large,
// many small, each at least one.
func shares(n, k int) []int {
	var h float64
	for i := 1; i <= k; i++ {
		h += 1 / float64(i)
	}
	out := make([]int, k)
	given := 0
	for i := range out {
		out[i] = 1 + int(float64(n-k)/float64(i+1)/h)
		given += out[i]
	}
	out[0] += n - given
	return out
}

// generator draws the synthetic data, in one fixed order from one seeded source.
type generator struct {
	rng  *rand.Rand
	seed uint64
	seq  int // engagements drawn so far, in all organisations

	// the organisation at hand
	levels   map[string][]int64 // element ids by level: sub-goals, priorities, focus areas, measures
	roles    []int64
	forms    []int64
	actors   []*utsyn.Actor
	byType   map[string][]int64
	funders  []int64
	actorsOf map[int64]*utsyn.Actor
}

func (g *generator) startOrganisation(ctx context.Context, tx *store.Tx, orgID int64, strategySlug string, engagements int) error {
	codes, err := tx.ElementIDsByCode(ctx, orgID, strategySlug)
	if err != nil {
		return err
	}
	g.levels = map[string][]int64{}
	for code, id := range codes {
		level := map[byte]string{'G': "sub_goal", 'P': "priority", 'S': "focus_area", 'M': "measure"}[code[0]]
		if level != "" {
			g.levels[level] = append(g.levels[level], id)
		}
	}
	for _, ids := range g.levels {
		slices.Sort(ids) // map order is random; the draw must not be
	}
	roles, err := tx.TermIDsByKey(ctx, orgID, utsyn.VocabRole)
	if err != nil {
		return err
	}
	forms, err := tx.TermIDsByKey(ctx, orgID, utsyn.VocabWorkingForm)
	if err != nil {
		return err
	}
	g.roles, g.forms = sortedValues(roles), sortedValues(forms)

	// The pool of partners: one actor for every 25 engagements, at least 150, at most 4,000.
	n := min(max(engagements/25, 150), 4000)
	g.actors = g.actors[:0]
	numbers := map[string]int{}
	for range n {
		t := pick(g.rng, actorTypes)
		c := pick(g.rng, countries)
		country, _ := places.Lookup(c.code)
		key := t.key + c.code
		numbers[key]++
		a := &utsyn.Actor{Name: fmt.Sprintf("%s %d – %s", t.nb, numbers[key], country.NameNB), Country: c.code, Type: t.key}
		if c.code == "NO" {
			a.Region = norwegianCounties[g.rng.IntN(len(norwegianCounties))]
		}
		g.actors = append(g.actors, a)
	}
	return nil
}

// bindActors indexes the pool once its actors have ids.
func (g *generator) bindActors() {
	g.byType, g.funders, g.actorsOf = map[string][]int64{}, nil, map[int64]*utsyn.Actor{}
	for _, a := range g.actors {
		g.byType[a.Type] = append(g.byType[a.Type], a.ID)
		g.actorsOf[a.ID] = a
		if a.Type == "public_authority" && len(g.funders) < 8 {
			g.funders = append(g.funders, a.ID)
		}
	}
}

func sortedValues(m map[string]int64) []int64 {
	out := make([]int64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// weighted is a choice with a weight.
type weighted[T any] struct {
	w float64
	v T
}

func pick[T any](rng *rand.Rand, choices []weighted[T]) T {
	var total float64
	for _, c := range choices {
		total += c.w
	}
	x := rng.Float64() * total
	for _, c := range choices {
		if x -= c.w; x < 0 {
			return c.v
		}
	}
	return choices[len(choices)-1].v
}

type actorType struct{ key, nb string }

var actorTypes = []weighted[actorType]{
	{15, actorType{"region", "Region"}}, {14, actorType{"municipality", "Kommune"}}, {12, actorType{"university", "Universitet"}},
	{8, actorType{"research", "Forskingsinstitutt"}}, {20, actorType{"company", "Bedrift"}}, {9, actorType{"ngo", "Organisasjon"}},
	{5, actorType{"network", "Nettverk"}}, {8, actorType{"school", "Skole"}}, {6, actorType{"public_authority", "Myndighet"}},
	{3, actorType{"other", "Aktør"}},
}

type country struct{ code string }

// countries weighs where partners are: mostly Norway and the North Sea and Baltic countries,
// some the rest of Europe, a few the world.
var countries = []weighted[country]{
	{24, country{"NO"}}, {8, country{"SE"}}, {7, country{"DK"}}, {8, country{"DE"}}, {7, country{"NL"}}, {5, country{"BE"}},
	{5, country{"FR"}}, {5, country{"GB"}}, {4, country{"FI"}}, {2, country{"IS"}}, {2, country{"IE"}}, {4, country{"ES"}},
	{4, country{"IT"}}, {2, country{"PT"}}, {3, country{"PL"}}, {1, country{"EE"}}, {1, country{"LV"}}, {1, country{"LT"}},
	{1, country{"AT"}}, {1, country{"CZ"}}, {1, country{"GR"}}, {1, country{"HR"}}, {1, country{"SI"}}, {1, country{"RO"}},
	{0.5, country{"UA"}}, {1, country{"US"}}, {0.5, country{"CA"}}, {0.3, country{"JP"}}, {0.3, country{"CN"}},
	{0.3, country{"KE"}}, {0.3, country{"BR"}}, {0.3, country{"ZA"}}, {0.3, country{"IN"}}, {0.3, country{"AU"}},
}

// norwegianCounties are the county numbers of 2024, an actor's region in Norway.
var norwegianCounties = []string{"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}

// kinds weighs the kinds of engagement toward projects, as in a council's register.
var kinds = []weighted[string]{
	{45, utsyn.KindProject}, {8, utsyn.KindMembership}, {7, utsyn.KindPartnership}, {6, utsyn.KindArena},
	{10, utsyn.KindProgramme}, {8, utsyn.KindInfluence}, {8, utsyn.KindVisit}, {8, utsyn.KindMobility},
}

type topic struct{ nb, en string }

var topics = []topic{
	{"havvind", "offshore wind"}, {"hydrogen", "hydrogen"}, {"grønn skipsfart", "green shipping"},
	{"sirkulærøkonomi", "circular economy"}, {"klimatilpasning", "climate adaptation"}, {"kulturarv", "cultural heritage"},
	{"ungt entreprenørskap", "youth entrepreneurship"}, {"digitalisering", "digitalisation"}, {"fagopplæring", "vocational training"},
	{"folkehelse", "public health"}, {"havbruk", "aquaculture"}, {"smarte byer", "smart cities"}, {"reiseliv", "tourism"},
	{"matproduksjon", "food production"}, {"energiomstilling", "energy transition"}, {"kollektivtransport", "public transport"},
	{"karbonfangst", "carbon capture"}, {"inkludering", "inclusion"}, {"offentlig innovasjon", "public sector innovation"},
	{"naturmangfold", "biodiversity"}, {"kystforvaltning", "coastal management"}, {"likestilling", "gender equality"},
	{"medvirkning", "participation"}, {"forskning og utdanning", "research and education"}, {"havforskning", "marine research"},
	{"bioøkonomi", "bioeconomy"}, {"batteriteknologi", "battery technology"}, {"landbruk", "agriculture"},
	{"vannforvaltning", "water management"}, {"kompetanseutvikling", "skills development"}, {"språk og kultur", "language and culture"},
	{"idrett", "sport"}, {"beredskap", "preparedness"}, {"logistikk", "logistics"}, {"romfart", "space"},
	{"helseteknologi", "health technology"}, {"skogbruk", "forestry"}, {"fiskeri", "fisheries"}, {"luftfart", "aviation"},
	{"ungdomsmedvirkning", "youth participation"},
}

var areas = []topic{
	{"Nordsjøregionen", "the North Sea Region"}, {"Østersjøregionen", "the Baltic Sea Region"}, {"Arktis", "the Arctic"},
	{"Europa", "Europe"}, {"Norden", "the Nordic countries"}, {"kystregioner", "coastal regions"}, {"byregioner", "urban regions"},
	{"distriktene", "rural areas"}, {"Vestlandet", "Western Norway"},
}

var units = []string{"Regionalutvikling", "Opplæring", "Samferdsel", "Kultur og inkludering", "Næring og innovasjon", "Klima og miljø", "Internasjonalt"}

var projectProgrammes = []weighted[string]{
	{25, "Horisont Europa"}, {12, "Interreg Nordsjøen"}, {8, "Interreg Europe"}, {5, "Interreg NPA"}, {10, "EØS-midlene"},
	{12, "Erasmus+"}, {4, "Creative Europe"}, {5, "LIFE"}, {3, "Digital Europe"}, {6, "Nordisk ministerråd"},
}

var programmeProgrammes = []weighted[string]{
	{40, "Erasmus+"}, {20, "Interreg Nordsjøen"}, {10, "Nordplus"}, {15, "EØS-midlene"}, {5, "Creative Europe"}, {10, "Horisont Europa"},
}

var extraTags = []string{"EU", "Nordsjøen", "ungdom", "næringsliv", "skole", "forskning", "klima", "kultur", "grønn omstilling",
	"innovasjon", "Brussel", "kommuner", "partnersøk", "søknad", "EØS", "bærekraft"}

// day returns a date drawn between two times, at day precision mostly, else month or year.
func (g *generator) date(t time.Time, precision int) utsyn.Date {
	d := utsyn.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	switch precision {
	case 1:
		d.Day = 0
	case 2:
		d.Month, d.Day = 0, 0
	}
	return d
}

func (g *generator) between(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(g.rng.Int64N(int64(to.Sub(from)))))
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) logUniform(lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + g.rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

// engagement draws the next engagement of the organisation at hand, with its money.
func (g *generator) engagement() store.BulkEngagement {
	g.seq++
	rng := g.rng
	kind := pick(rng, kinds)
	t := topics[rng.IntN(len(topics))]
	area := areas[rng.IntN(len(areas))]
	e := &utsyn.Engagement{Kind: kind, Unit: units[rng.IntN(len(units))], ExternalIDs: map[string]string{}}

	// When: a start in 2014–2028, a length by kind, an end no later than 2028.
	first, last := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC)
	start := g.between(first, time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC))
	var end time.Time
	years := func(lo, hi float64) time.Time {
		return start.Add(time.Duration((lo + rng.Float64()*(hi-lo)) * 365 * 24 * float64(time.Hour)))
	}
	switch kind {
	case utsyn.KindProject:
		end = years(1.5, 5)
	case utsyn.KindProgramme:
		end = years(2, 7)
	case utsyn.KindMembership, utsyn.KindArena:
		if g.chance(0.2) {
			end = years(2, 8)
		}
	case utsyn.KindPartnership:
		if g.chance(0.4) {
			end = years(3, 10)
		}
	case utsyn.KindInfluence:
		end = start.AddDate(0, 0, 30+rng.IntN(270))
	case utsyn.KindVisit:
		end = start.AddDate(0, 0, rng.IntN(7))
	case utsyn.KindMobility:
		end = start.AddDate(0, 0, 14+rng.IntN(290))
	}
	if end.After(last) {
		end = last
	}
	precision := pick(rng, []weighted[int]{{85, 0}, {10, 1}, {5, 2}})
	e.Start = g.date(start, precision)
	if !end.IsZero() {
		e.End = g.date(end, precision)
	}

	// Status, as the dates make it on the synthetic "today".
	future, over := start.After(syntheticToday), !end.IsZero() && end.Before(syntheticToday)
	switch kind {
	case utsyn.KindProject:
		switch {
		case future:
			e.Status = pick(rng, []weighted[string]{{40, utsyn.StatusIdea}, {45, utsyn.StatusApplication}, {15, utsyn.StatusGranted}})
		case over:
			e.Status = pick(rng, []weighted[string]{{85, utsyn.StatusCompleted}, {15, utsyn.StatusRejected}})
		default:
			e.Status = pick(rng, []weighted[string]{{90, utsyn.StatusRunning}, {10, utsyn.StatusGranted}})
		}
	case utsyn.KindMembership, utsyn.KindPartnership, utsyn.KindArena, utsyn.KindProgramme:
		switch {
		case future:
			e.Status = utsyn.StatusIdea
		case over:
			e.Status = utsyn.StatusEnded
		default:
			e.Status = pick(rng, []weighted[string]{{85, utsyn.StatusActive}, {15, utsyn.StatusUnderReview}})
		}
	default:
		switch {
		case future:
			e.Status = utsyn.StatusIdea
		case over:
			e.Status = utsyn.StatusCompleted
		default:
			e.Status = utsyn.StatusRunning
		}
	}

	// Partners: 1–8 from the pool, the kinds of actor the kind of engagement has.
	var partners int
	switch kind {
	case utsyn.KindProject:
		partners = 2 + rng.IntN(7)
	case utsyn.KindMembership:
		partners = 1 + rng.IntN(6)
	case utsyn.KindArena, utsyn.KindVisit, utsyn.KindProgramme:
		partners = 1 + rng.IntN(3)
	default:
		partners = 1 + rng.IntN(2)
	}
	seen := map[int64]bool{}
	add := func(types []string, role string) {
		for range 5 { // a few tries for an actor not yet in it
			ids := g.byType[types[rng.IntN(len(types))]]
			if len(ids) == 0 {
				continue
			}
			id := ids[rng.IntN(len(ids))]
			if !seen[id] {
				seen[id] = true
				e.Partners = append(e.Partners, utsyn.Partner{ActorID: id, Role: role})
				return
			}
		}
	}
	anyType := []string{"region", "municipality", "university", "research", "company", "ngo", "school", "public_authority", "other"}
	for i := range partners {
		switch {
		case kind == utsyn.KindMembership && i == 0:
			add([]string{"network"}, "host")
		case kind == utsyn.KindMembership:
			add([]string{"region", "municipality"}, "member")
		case kind == utsyn.KindPartnership:
			add([]string{"region", "municipality"}, "partner")
		case kind == utsyn.KindProject && i == 0 && g.chance(0.6):
			add([]string{"university", "research", "region", "company"}, "lead")
		case kind == utsyn.KindProject && g.chance(0.15):
			add(anyType, "associated")
		case kind == utsyn.KindMobility:
			add([]string{"school", "university"}, "partner")
		default:
			add(anyType, "partner")
		}
	}
	partnerCountries := map[string]bool{}
	var region string
	for _, p := range e.Partners {
		a := g.actorsOf[p.ActorID]
		partnerCountries[a.Country] = true
		if region == "" {
			region = a.Name
		}
	}

	// Words: a title in bokmål and English, a description that says the data are synthetic.
	upper := func(s string) string { r := []rune(s); return strings.ToUpper(string(r[0])) + string(r[1:]) }
	switch kind {
	case utsyn.KindProject:
		e.Title = utsyn.NewText(upper(t.nb)+" i "+area.nb, upper(t.en)+" in "+area.en)
		letters := strings.ToUpper(strings.ReplaceAll(t.en, " ", ""))
		e.Acronym = fmt.Sprintf("%s%d", letters[:min(4, len(letters))], 10+rng.IntN(90))
	case utsyn.KindMembership:
		e.Title = utsyn.NewText("Nettverk for "+t.nb+" i "+area.nb, "Network for "+t.en+" in "+area.en)
	case utsyn.KindPartnership:
		e.Title = utsyn.NewText("Partnerskap med "+region+" om "+t.nb, "Partnership with "+region+" on "+t.en)
	case utsyn.KindArena:
		e.Title = utsyn.NewText("Forum for "+t.nb+" i "+area.nb, "Forum on "+t.en+" in "+area.en)
	case utsyn.KindProgramme:
		e.Title = utsyn.NewText("Programdeltakelse: "+t.nb, "Programme participation: "+t.en)
	case utsyn.KindInfluence:
		e.Title = utsyn.NewText("Høringssvar om "+t.nb, "Consultation response on "+t.en)
	case utsyn.KindVisit:
		e.Title = utsyn.NewText("Delegasjonsbesøk om "+t.nb, "Delegation visit on "+t.en)
	case utsyn.KindMobility:
		e.Title = utsyn.NewText("Utveksling for elever: "+t.nb, "Student exchange: "+t.en)
	}
	e.Description = utsyn.NewText(
		fmt.Sprintf("Syntetiske testdata laget av Utsyn (frø %d, nr. %d). Tema: %s; partnere i %d land.", g.seed, g.seq, t.nb, len(partnerCountries)),
		fmt.Sprintf("Synthetic test data made by Utsyn (seed %d, no. %d). Topic: %s; partners in %d countries.", g.seed, g.seq, t.en, len(partnerCountries)))

	// Programme, call and external ids for projects and programmes.
	switch kind {
	case utsyn.KindProject:
		e.Programme = pick(rng, projectProgrammes)
	case utsyn.KindProgramme:
		e.Programme = pick(rng, programmeProgrammes)
	case utsyn.KindMobility:
		e.Programme = pick(rng, []weighted[string]{{80, "Erasmus+"}, {20, "Nordplus"}})
	}
	id := fmt.Sprintf("syn-%d-%d", g.seed, g.seq)
	switch e.Programme {
	case "Horisont Europa":
		e.Call = fmt.Sprintf("HORIZON-CL%d-%d-D%d-%02d", 1+rng.IntN(6), max(2021, start.Year()), 1+rng.IntN(6), 1+rng.IntN(3))
		e.ExternalIDs["cordis"] = id
	case "Interreg Nordsjøen", "Interreg Europe", "Interreg NPA":
		e.ExternalIDs["keep_eu"] = id
	case "Erasmus+":
		e.ExternalIDs["erasmus"] = id
	case "EØS-midlene":
		e.ExternalIDs["eea_grants"] = id
	}

	// The strategy it serves: a priority or a focus area first, then up to two more.
	primary := "priority"
	if g.chance(0.3) {
		primary = "focus_area"
	}
	link := func(level string, isPrimary bool) {
		ids := g.levels[level]
		if len(ids) == 0 {
			return
		}
		id := ids[rng.IntN(len(ids))]
		for _, el := range e.Elements {
			if el.ElementID == id {
				return
			}
		}
		e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: id, Primary: isPrimary})
	}
	link(primary, true)
	for range rng.IntN(3) {
		link(pick(rng, []weighted[string]{{40, "focus_area"}, {25, "measure"}, {25, "priority"}, {10, "sub_goal"}}), false)
	}
	if len(g.roles) > 0 && g.chance(0.9) {
		e.RoleTermID = g.roles[rng.IntN(len(g.roles))]
	}
	if len(g.forms) > 0 && g.chance(0.9) {
		e.FormTermID = g.forms[rng.IntN(len(g.forms))]
	}

	e.Tags = []string{t.nb}
	for range rng.IntN(4) {
		e.Tags = append(e.Tags, extraTags[rng.IntN(len(extraTags))])
	}
	for range rng.IntN(4) {
		e.SDGs = append(e.SDGs, 1+rng.IntN(17))
	}
	switch e.Status {
	case utsyn.StatusIdea, utsyn.StatusApplication, utsyn.StatusRejected:
		e.Public = g.chance(0.15)
	default:
		e.Public = g.chance(0.75)
	}
	if g.chance(0.3) {
		e.Links = []utsyn.Link{{URL: fmt.Sprintf("https://example.org/syntetisk/%d/%d", g.seed, g.seq), Label: "example.org"}}
	}

	// When it was registered and last changed: before it started (or since), and by "today".
	created := g.between(start.AddDate(0, -9, 0), start)
	if created.After(syntheticToday) {
		created = g.between(syntheticToday.AddDate(0, -6, 0), syntheticToday)
	}
	e.CreatedAt = created.Truncate(time.Millisecond)
	e.UpdatedAt = g.between(created, syntheticToday).Truncate(time.Millisecond)

	if kind == utsyn.KindMembership {
		fee := int64(g.logUniform(15_000, 350_000)/1000) * 1000 * 100
		m := &utsyn.MembershipFacts{
			AnnualFee:    utsyn.Money{Minor: fee, Currency: "NOK"},
			DecisionBody: pick(rng, []weighted[string]{{60, "Fylkestinget"}, {40, "Fylkesutvalget"}}),
			DecisionDate: g.date(g.between(start.AddDate(0, -6, 0), start), 0),
			DecisionCase: fmt.Sprintf("%02d/%05d", start.Year()%100, 1+rng.IntN(30000)),
		}
		if e.End.IsZero() {
			m.RenewalDate = g.date(g.between(syntheticToday, syntheticToday.AddDate(3, 0, 0)), 0)
		}
		for range rng.IntN(3) {
			m.Seats = append(m.Seats, utsyn.Seat{
				Body:   pick(rng, []weighted[string]{{40, "Styret"}, {30, "Generalforsamlingen"}, {30, "Arbeidsgruppe for " + t.nb}}),
				Kind:   pick(rng, []weighted[string]{{50, "political"}, {50, "administrative"}}),
				Holder: pick(rng, []weighted[string]{{30, "Fylkesordføreren"}, {30, "Fylkesråd"}, {40, "Rådgiver"}}),
			})
		}
		for y := start.Year() + 2; y < syntheticToday.Year() && len(m.Reviews) < 2; y += 2 + rng.IntN(3) {
			outcome := pick(rng, []weighted[string]{{80, "continue"}, {15, "change"}, {5, "leave"}})
			m.Reviews = append(m.Reviews, utsyn.Review{Date: utsyn.Date{Year: y, Month: time.Month(1 + rng.IntN(12))}, Outcome: outcome,
				Rationale: utsyn.NewText("Syntetisk vurdering.", "Synthetic review.")})
		}
		e.Membership = m
	}
	return store.BulkEngagement{Engagement: e, Money: g.money(e, start, end)}
}

// money draws the engagement's money: a line per year and kind, as its kind has them.
func (g *generator) money(e *utsyn.Engagement, start, end time.Time) []*utsyn.MoneyLine {
	rng := g.rng
	if e.Status == utsyn.StatusIdea || e.Status == utsyn.StatusRejected {
		return nil
	}
	from, to := start.Year(), end.Year()
	if end.IsZero() {
		to = min(syntheticToday.Year()+1, 2028)
	}
	to = min(max(to, from), from+7)
	n := to - from + 1
	var out []*utsyn.MoneyLine
	add := func(year int, kind string, minor int64, currency string) {
		if minor > 0 {
			out = append(out, &utsyn.MoneyLine{Year: year, Kind: kind, Amount: utsyn.Money{Minor: minor, Currency: currency}})
		}
	}
	hours := func(year int, lo, hi int) {
		rate := int64(900+50*rng.IntN(9)) * 100
		out = append(out, &utsyn.MoneyLine{Year: year, Kind: utsyn.MoneyOwnHours, Hours: float64(lo + rng.IntN(hi-lo+1)),
			HourlyRate: utsyn.Money{Minor: rate, Currency: "NOK"}, Amount: utsyn.Money{Currency: "NOK"}})
	}
	grant := func(total float64) {
		per := int64(total*100) / int64(n)
		var funder int64
		if len(g.funders) > 0 {
			funder = g.funders[rng.IntN(len(g.funders))]
		}
		for y := from; y <= to; y++ {
			add(y, utsyn.MoneyExternalGrant, per, "EUR")
			if len(out) > 0 {
				out[len(out)-1].FunderID = funder
			}
		}
	}
	switch e.Kind {
	case utsyn.KindProject:
		if e.Status != utsyn.StatusApplication {
			grant(g.logUniform(40_000, 2_500_000))
		}
		for y := from; y <= to; y++ {
			hours(y, 80, 1200)
			if g.chance(0.5) {
				add(y, utsyn.MoneyOwnCash, int64(g.logUniform(20_000, 400_000))*100, "NOK")
			}
			if g.chance(0.15) {
				add(y, utsyn.MoneyCoFinancing, int64(g.logUniform(50_000, 500_000))*100, "NOK")
			}
		}
	case utsyn.KindMembership:
		for y := from; y <= to; y++ {
			add(y, utsyn.MoneyMembershipFee, e.Membership.AnnualFee.Minor, "NOK")
			if g.chance(0.5) {
				hours(y, 20, 200)
			}
		}
	case utsyn.KindProgramme:
		grant(g.logUniform(20_000, 600_000) * float64(n))
		for y := from; y <= to; y++ {
			hours(y, 100, 800)
		}
	case utsyn.KindMobility:
		grant(g.logUniform(5_000, 120_000))
		hours(from, 20, 200)
	case utsyn.KindVisit:
		add(from, utsyn.MoneyOwnCash, int64(g.logUniform(15_000, 250_000))*100, "NOK")
	case utsyn.KindInfluence:
		hours(from, 10, 150)
	default: // partnerships and arenas
		for y := from; y <= to; y++ {
			hours(y, 10, 300)
			if e.Kind == utsyn.KindPartnership && g.chance(0.3) {
				add(y, utsyn.MoneyOwnCash, int64(g.logUniform(10_000, 150_000))*100, "NOK")
			}
		}
	}
	return out
}
