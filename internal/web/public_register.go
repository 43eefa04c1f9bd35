package web

import (
	"context"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// Published work, as the public sees it: the organisation's published engagements in a list
// with filters and search (/{org}/arbeid), one by one (/{org}/arbeid/{id}), under the
// priorities and focus areas of the strategy page, and as key figures on the organisation's
// front page. Every one of them is built from the store's public reads, which hold published
// engagements only and leave internal fields (responsible person and unit, the council's own
// money, membership fees and seats) out, so no template can show them by mistake.

// workPageSize is how many engagements one page of the list shows.
const workPageSize = 50

// publicWork is what the public pages know of an organisation's work. It is read once per
// state of the organisation's records (workCache) and never changed after, so requests share it.
type publicWork struct {
	engagements []*utsyn.Engagement           // published only, by title
	index       *store.PublicIndex            // the same, for search
	kinds       map[string]int                // how many of each kind
	countries   map[string]int                // how many have a partner in each country
	fundingBy   map[int64][]store.FundingLine // each engagement's external funding
	total       store.Funding                 // all of it
	rates       []utsyn.ExchangeRate

	mu     sync.Mutex
	trees  map[int64]*treeWork        // by strategy, as the strategy pages ask (underTree)
	chosen map[i18n.Lang]*workChoices // what the list offers to filter by (choices)
	cards  map[cardKey]string         // each engagement's card as written, in a language (cardsOf)
}

type cardKey struct {
	lang i18n.Lang
	id   int64
}

// workCardsKept is as many cards as the published work of an organisation keeps written; a
// card is some 600 bytes.
const workCardsKept = 20_000

// cardsOf returns the engagements' cards, each written once per state of the work and
// language: a list searched for something new shows cards that other lists showed, and
// making each (its period, countries and funding) was a fifth of such a page's time.
func (w *publicWork) cardsOf(p *page, es []*utsyn.Engagement, words workWords) []string {
	out := make([]string, len(es))
	w.mu.Lock()
	for i, e := range es {
		out[i] = w.cards[cardKey{p.Lang, e.ID}]
	}
	w.mu.Unlock()
	made := map[cardKey]string{}
	for i, e := range es {
		if out[i] == "" {
			var cw htmlWriter
			writeCard(&cw, p.workItem(w, e), words)
			out[i] = cw.String()
			made[cardKey{p.Lang, e.ID}] = out[i]
		}
	}
	if len(made) > 0 {
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.cards)+len(made) > workCardsKept {
			w.cards = nil
		}
		if w.cards == nil {
			w.cards = map[cardKey]string{}
		}
		maps.Copy(w.cards, made)
	}
	return out
}

// workChoices are what the public list of work offers to filter by, in one language: the kinds
// and the countries of the published work with how many of each, and the parts of the
// strategy, as options written with none selected (selectedIn marks the reader's); and each
// element of the strategies with those below it. Made once per state of the work and
// language: made on every request, and written by the template, they were a fifth of the
// list's time.
type workChoices struct {
	kinds, countries, elements string
	below                      map[int64][]int64
}

// choices returns the list's choices in the page's language, made from the published
// strategies' trees (of the same state of the records as the work) when first asked for.
func (w *publicWork) choices(p *page, trees []*utsyn.Tree) *workChoices {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c := w.chosen[p.Lang]; c != nil {
		return c
	}
	option := func(value, name string, n int) ropt {
		return ropt{Value: value, Label: p.T("work.filter.option", "name", name, "count", i18n.FormatInt(p.Lang, int64(n)))}
	}
	kinds := []ropt{{Value: "", Label: p.T("work.filter.kind_all")}}
	for _, kind := range utsyn.EngagementKinds {
		if n := w.kinds[kind]; n > 0 {
			kinds = append(kinds, option(kind, p.T("work.kind."+kind), n))
		}
	}
	countries := []ropt{{Value: "", Label: p.T("work.filter.country_all")}}
	for _, c := range places.All(string(p.Lang)) {
		if n := w.countries[c.Code]; n > 0 {
			countries = append(countries, option(c.Code, c.Name(string(p.Lang)), n))
		}
	}
	// The parts of the strategy the strategy page lists work under: the elements below the
	// main goal, a group per level.
	c := &workChoices{below: map[int64][]int64{}}
	var groups []rgroup
	for _, tree := range trees {
		maps.Copy(c.below, descendants(tree))
		for _, root := range tree.Children(0) {
			for _, sec := range groupByLevel(tree, tree.Children(root.ID), func(e *utsyn.Element) elementView { return elementView{Element: e} }) {
				g := rgroup{Label: p.S(sec.Level.Plural)}
				if len(trees) > 1 {
					g.Label = p.S(tree.Strategy.Title) + ": " + g.Label
				}
				for _, it := range sec.Items {
					label := p.S(it.Title)
					if it.Code != "" {
						label = it.Code + " " + label
					}
					g.Options = append(g.Options, ropt{Value: strconv.FormatInt(it.ID, 10), Label: label})
				}
				groups = append(groups, g)
			}
		}
	}
	c.kinds, c.countries = writeOptions(kinds, nil), writeOptions(countries, nil)
	if len(groups) > 0 {
		c.elements = writeOptions([]ropt{{Value: "", Label: p.T("work.filter.element_all")}}, groups)
	}
	if w.chosen == nil {
		w.chosen = map[i18n.Lang]*workChoices{}
	}
	w.chosen[p.Lang] = c
	return c
}

// workCache keeps each organisation's published work for as long as its audit trail has no
// newer event (store.ChangeStamp), as every change of a record writes one. Reading it costs
// about a second at 65,000 published engagements, and every public page about the
// organisation's work starts from it (docs/PERFORMANCE.md). It is also read again, in the
// background, when it is older than workMaxAge: on PostgreSQL a transaction can commit an
// event older than the newest one seen, which the stamp would not notice.
type workCache struct {
	mu      sync.Mutex
	entries map[int64]*workEntry
}

type workEntry struct {
	mu         sync.Mutex // held while the work is read: one request reads it, the others wait for it
	stamp      string
	read       time.Time
	work       *publicWork
	refreshing bool // read again in the background, as it is older than workMaxAge
}

const workMaxAge = time.Minute

func (s *Server) loadPublicWork(ctx context.Context, orgID int64) (*publicWork, error) {
	stamp, err := s.db.ChangeStamp(ctx, orgID)
	if err != nil {
		return nil, err
	}
	s.work.mu.Lock()
	e := s.work.entries[orgID]
	if e == nil {
		e = &workEntry{}
		s.work.entries[orgID] = e
	}
	s.work.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.work != nil && e.stamp == stamp {
		// Only old: read again in the background, and answer with what is known meanwhile, so
		// that no reader waits the second a large register takes every minute.
		if time.Since(e.read) >= workMaxAge && !e.refreshing {
			e.refreshing = true
			go s.refreshPublicWork(e, orgID, stamp)
		}
		return e.work, nil
	}
	read := time.Now()
	w, err := s.readPublicWork(ctx, orgID)
	if err != nil {
		return nil, err
	}
	e.stamp, e.read, e.work = stamp, read, w
	return w, nil
}

// refreshPublicWork reads the organisation's published work again, in the background.
func (s *Server) refreshPublicWork(e *workEntry, orgID int64, stamp string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	read := time.Now()
	w, err := s.readPublicWork(ctx, orgID)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err != nil {
		s.log.Warn("reading the published work again", "org", orgID, "error", err)
		return
	}
	if e.stamp == stamp { // unless a request read a newer state meanwhile
		e.read, e.work = read, w
	}
}

func (s *Server) readPublicWork(ctx context.Context, orgID int64) (*publicWork, error) {
	// The funding is read beside the engagements: a reader waits for both after each change.
	var funding []store.FundingLine
	var rates []utsyn.ExchangeRate
	var fundingErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if funding, fundingErr = s.db.PublicFunding(ctx, orgID, 0); fundingErr == nil {
			rates, fundingErr = s.db.ExchangeRates(ctx, orgID)
		}
	})
	es, err := s.db.PublicEngagements(ctx, orgID)
	wg.Wait()
	if err != nil {
		return nil, err
	} else if fundingErr != nil {
		return nil, fundingErr
	}
	return newPublicWork(es, funding, rates), nil
}

// newPublicWork works out once what the public pages ask of published work again and again.
func newPublicWork(es []*utsyn.Engagement, funding []store.FundingLine, rates []utsyn.ExchangeRate) *publicWork {
	w := &publicWork{engagements: es, index: store.NewPublicIndex(es), kinds: map[string]int{}, countries: map[string]int{},
		fundingBy: map[int64][]store.FundingLine{}, rates: rates}
	for _, e := range es {
		w.kinds[e.Kind]++
		for c := range partnerCountries(e) {
			w.countries[c]++
		}
	}
	for _, f := range funding {
		w.fundingBy[f.EngagementID] = append(w.fundingBy[f.EngagementID], f)
	}
	w.total = store.SumFunding(funding, rates, func(int64) bool { return true })
	return w
}

// fundingOf adds up the external funding of a set of engagements, each once. It reads only
// their own lines: each item of a list used to pass over every line of the organisation.
func (w *publicWork) fundingOf(ids map[int64]bool) store.Funding {
	if len(ids) == len(w.engagements) {
		return w.total
	}
	var lines []store.FundingLine
	for id := range ids {
		lines = append(lines, w.fundingBy[id]...)
	}
	return store.SumFunding(lines, w.rates, func(int64) bool { return true })
}

// fundingView is external funding as a page shows it: a sum per currency, and the whole in
// kroner when there are several currencies and each could be converted.
type fundingView struct {
	Sums  []moneyView
	Total string
	Text  string // all of it in a line: "EUR 2 212 350 (om lag kr 24 112 615); kr 500 000; i alt om lag …"
}

// moneyView is one amount, with its value in kroner or the reason it has none.
type moneyView struct {
	Amount  string // "EUR 2 212 350"
	NOK     string // "kr 24 112 615", for another currency converted at each year's rate
	Missing string // why it was not converted
}

// IsZero reports whether there is no funding to show.
func (f fundingView) IsZero() bool { return len(f.Sums) == 0 }

func (p *page) fundingView(f store.Funding) fundingView {
	var v fundingView
	for _, s := range f.Sums {
		v.Sums = append(v.Sums, p.moneyView(s))
	}
	if f.Complete && len(f.Sums) > 1 {
		v.Total = p.money(f.NOK)
	}
	var parts []string
	for _, m := range v.Sums {
		switch {
		case m.NOK != "":
			parts = append(parts, p.T("work.funding.converted", "amount", m.Amount, "nok", m.NOK))
		case m.Missing != "":
			parts = append(parts, p.T("work.funding.unconverted", "amount", m.Amount, "reason", m.Missing))
		default:
			parts = append(parts, m.Amount)
		}
	}
	if v.Total != "" {
		parts = append(parts, p.T("work.funding.total", "nok", v.Total))
	}
	v.Text = strings.Join(parts, "; ")
	return v
}

func (p *page) moneyView(s store.CurrencySum) moneyView {
	m := moneyView{Amount: p.money(s.Amount)}
	switch {
	case s.Amount.Currency == "NOK":
	case s.Converted:
		m.NOK = p.money(s.NOK)
	default:
		m.Missing = p.T("work.funding.no_rate", "years", yearRanges(s.MissingYears))
	}
	return m
}

// yearRanges writes sorted years with runs joined: "2015–2020, 2022".
func yearRanges(years []int) string {
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(years[i])+"–"+strconv.Itoa(years[j]))
		} else {
			parts = append(parts, strconv.Itoa(years[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func (p *page) money(m utsyn.Money) string { return i18n.FormatMoney(p.Lang, m.Amount(), m.Currency) }

// workItem is a published engagement as a list shows it.
type workItem struct {
	*utsyn.Engagement
	Name      template.HTML // the title in the page's language, marked when in another
	Href      string
	Kind      string // in words
	Status    string // in words
	Period    string
	Countries []string // the partners' countries, by name
	Funding   fundingView
}

func (p *page) workItem(w *publicWork, e *utsyn.Engagement) workItem {
	it := workItem{
		Engagement: e,
		Name:       p.L(e.Title),
		Href:       p.Href(p.Org.Slug, "arbeid", strconv.FormatInt(e.ID, 10)),
		Kind:       p.T("work.kind." + e.Kind),
		Status:     p.T("work.status." + e.Status),
		Period:     p.Period(e.Start, e.End),
		Countries:  p.countryNames(partnerCountries(e)),
	}
	if w != nil {
		it.Funding = p.fundingView(w.fundingOf(map[int64]bool{e.ID: true}))
	}
	return it
}

// ShowAcronym reports whether the acronym says something the title does not.
func (it workItem) ShowAcronym() bool {
	return it.Acronym != "" && !strings.Contains(it.Title.Get("nb")+" "+it.Title.Get("en"), it.Acronym)
}

// partnerCountries returns the distinct countries of an engagement's partners.
func partnerCountries(e *utsyn.Engagement) map[string]bool {
	out := map[string]bool{}
	for _, pa := range e.Partners {
		if pa.Actor != nil && pa.Actor.Country != "" {
			out[pa.Actor.Country] = true
		}
	}
	return out
}

// countryNames names the countries in the page's language, in its alphabetical order.
func (p *page) countryNames(codes map[string]bool) []string {
	if len(codes) == 0 {
		return nil
	}
	rank := countryRank()[string(p.Lang)]
	sorted := make([]string, 0, len(codes))
	for c := range codes {
		sorted = append(sorted, c)
	}
	slices.SortFunc(sorted, func(a, b string) int { return rank[a] - rank[b] })
	out := make([]string, len(sorted))
	for i, c := range sorted {
		out[i] = p.countryName(c)
	}
	return out
}

// countryRank is each country's place in the alphabetical order of each language: sorting by
// name the way the language does costs too much to do for every list item.
var countryRank = sync.OnceValue(func() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, lang := range i18n.Langs {
		rank := map[string]int{}
		for i, c := range places.All(string(lang)) {
			rank[c.Code] = i + 1
		}
		out[string(lang)] = rank
	}
	return out
})

func (p *page) countryName(code string) string {
	if c, ok := places.Lookup(code); ok {
		return c.Name(string(p.Lang))
	}
	return code
}

// publishedTrees returns the trees of the organisation's published strategies, from its
// register choices, which are kept while its records stay as they are (publishing a strategy,
// or taking it off, is recorded): reading them was a sixth of the public list's time.
func (s *Server) publishedTrees(ctx context.Context, orgID int64) ([]*utsyn.Tree, error) {
	c, err := s.registerChoices(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []*utsyn.Tree
	for _, tree := range c.trees {
		if tree.Strategy.Published {
			out = append(out, tree)
		}
	}
	return out, nil
}

// descendants maps each element of the tree to itself and every element below it.
func descendants(tree *utsyn.Tree) map[int64][]int64 {
	parent := map[int64]int64{}
	for _, e := range tree.Elements {
		parent[e.ID] = e.ParentID
	}
	out := map[int64][]int64{}
	for _, e := range tree.Elements {
		for id := e.ID; id != 0; id = parent[id] {
			out[id] = append(out[id], e.ID)
		}
	}
	return out
}

// elementAnchor is the fragment of the strategy page where an element stands.
func elementAnchor(e *utsyn.Element) string {
	if e.Code != "" && e.ParentID != 0 {
		return e.Code
	}
	return "element-" + strconv.FormatInt(e.ID, 10)
}

// elementWork is the published work under one element of the strategy page.
type elementWork struct {
	Items    []workItem // the first strategyWorkShown, by title
	More     string     // the link to all of them, when there are more
	MoreHref string
	Funding  fundingView
	Empty    string // what the page says when there is none
}

// strategyWorkShown is how many engagements the strategy page names under an element; the
// list of published work, filtered by the element, has them all. A register of thousands made
// the page list them all under every priority.
const strategyWorkShown = 10

// strategyWork finds the published work under each element of the tree: work linked to the
// element or to any element below it. Elements on the priority and focus-area levels get an
// entry even without work, so the page can say there is none; others only when they have some.
func (s *Server) strategyWork(ctx context.Context, p *page, tree *utsyn.Tree) (map[int64]*elementWork, error) {
	w, err := s.loadPublicWork(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	under := w.underTree(tree)
	out := map[int64]*elementWork{}
	for _, el := range tree.Elements {
		if el.ParentID == 0 {
			continue // the main goal: everything serves it
		}
		es := under.engagements[el.ID]
		level := tree.Level(el.LevelID)
		key := ""
		if level != nil {
			key = level.Key
		}
		if len(es) == 0 && key != "priority" && key != "focus_area" {
			continue
		}
		ew := &elementWork{Funding: p.fundingView(under.funding[el.ID]), Empty: p.T("work.empty.other")}
		for _, e := range es[:min(len(es), strategyWorkShown)] {
			ew.Items = append(ew.Items, p.workItem(nil, e))
		}
		if len(es) > strategyWorkShown {
			name := el.Code
			if name == "" {
				name = p.S(el.Title)
			}
			ew.More = p.T("work.more", "count", i18n.FormatInt(p.Lang, int64(len(es))), "name", name)
			ew.MoreHref = p.Href(p.Org.Slug, "arbeid", "") + "?" + url.Values{"element": {strconv.FormatInt(el.ID, 10)}}.Encode()
		}
		if p.cat.Has("work.empty." + key) {
			ew.Empty = p.T("work.empty." + key)
		}
		out[el.ID] = ew
	}
	return out, nil
}

// treeWork is the published work under each element of one strategy: the engagements linked
// to it or to an element below it, by title, and their external funding.
type treeWork struct {
	engagements map[int64][]*utsyn.Engagement
	funding     map[int64]store.Funding
}

// underTree works out the published work under each element of the tree once per state of
// the organisation's records (a change of the strategy is one), as it costs a pass over every
// published engagement and its funding.
func (w *publicWork) underTree(tree *utsyn.Tree) *treeWork {
	w.mu.Lock()
	defer w.mu.Unlock()
	if tw := w.trees[tree.Strategy.ID]; tw != nil {
		return tw
	}
	parent := map[int64]int64{}
	for _, el := range tree.Elements {
		parent[el.ID] = el.ParentID
	}
	tw := &treeWork{engagements: map[int64][]*utsyn.Engagement{}, funding: map[int64]store.Funding{}}
	lines := map[int64][]store.FundingLine{}
	for _, e := range w.engagements {
		var seen []int64 // the elements this engagement is under already
		for _, ref := range e.Elements {
			for id := ref.ElementID; id != 0; id = parent[id] {
				if _, ok := parent[id]; !ok || slices.Contains(seen, id) {
					break // not this strategy's, or counted by another link
				}
				seen = append(seen, id)
				tw.engagements[id] = append(tw.engagements[id], e)
				lines[id] = append(lines[id], w.fundingBy[e.ID]...)
			}
		}
	}
	for id, ls := range lines {
		tw.funding[id] = store.SumFunding(ls, w.rates, func(int64) bool { return true })
	}
	if w.trees == nil {
		w.trees = map[int64]*treeWork{}
	}
	w.trees[tree.Strategy.ID] = tw
	return tw
}

// keyFigures are the organisation's published work in numbers, for its front page.
type keyFigures struct {
	Total        int
	TotalText    string
	ByKind       []kindCount
	Countries    []string // by name
	CountryCount string
	Funding      fundingView
	Href         string // the list of it all
}

type kindCount struct {
	Name  string
	Count string
	Href  string
}

func (s *Server) keyFigures(ctx context.Context, p *page) (*keyFigures, error) {
	w, err := s.loadPublicWork(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	k := &keyFigures{Total: len(w.engagements), Href: p.Href(p.Org.Slug, "arbeid", "")}
	countries := map[string]bool{}
	for c := range w.countries {
		countries[c] = true
	}
	for _, kind := range utsyn.EngagementKinds {
		if n := w.kinds[kind]; n > 0 {
			k.ByKind = append(k.ByKind, kindCount{Name: p.T("work.kind." + kind), Count: i18n.FormatInt(p.Lang, int64(n)),
				Href: k.Href + "?" + url.Values{"type": {kind}}.Encode()})
		}
	}
	k.Countries = p.countryNames(countries)
	k.TotalText, k.CountryCount = i18n.FormatInt(p.Lang, int64(k.Total)), i18n.FormatInt(p.Lang, int64(len(countries)))
	k.Funding = p.fundingView(w.total)
	return k, nil
}

// workListPage is the public list of work (written by write).
type workListPage struct {
	*page
	Words     workWords
	Intro     string
	Query     string
	Filtered  bool
	Type      string // the kind, country and element chosen
	Country   string
	Element   string
	Choices   *workChoices
	Cards     []string // as written (cardsOf)
	Results   string   // "12 results"
	Showing   string   // "Showing 1–50 of 120"
	Published int      // published in all
	PageOf    string
	PrevHref  string
	NextHref  string
	ResetHref string
}

// workWords are the words the list's cards share.
type workWords struct {
	Kind, Status, Example, Acronym, Period, Programme, Countries, Funding string
}

// writeCard writes an engagement's card on the list, for the reason the register's list writes
// its rows (registerPage.writeRows): 50 cards of a dozen facts, each looked up by reflection,
// were half of the page's time.
func writeCard(w *htmlWriter, it workItem, words workWords) {
	fact := func(term, value string) {
		if value != "" {
			w.raw("<div><dt>", esc(term), "</dt><dd>", esc(value), "</dd></div>")
		}
	}
	w.raw(`<li class="card">`+"\n<h3><a", attr("href", it.Href), ">", string(it.Name), "</a></h3>\n",
		`<p class="meta"><span class="tag tag-work"><span class="visually-hidden">`, esc(words.Kind), ": </span>", esc(it.Kind),
		"</span>\n", `<span class="tag tag-work-status"><span class="visually-hidden">`, esc(words.Status), ": </span>",
		esc(it.Status), "</span>")
	if it.Example {
		w.raw("\n", `<span class="tag tag-example">`, esc(words.Example), "</span>")
	}
	w.raw("</p>\n", `<dl class="work-facts">`)
	if it.ShowAcronym() {
		fact(words.Acronym, it.Acronym)
	}
	fact(words.Period, it.Period)
	fact(words.Programme, it.Programme)
	fact(words.Countries, strings.Join(it.Countries, ", "))
	if !it.Funding.IsZero() {
		fact(words.Funding, it.Funding.Text)
	}
	w.raw("</dl>\n</li>\n")
}

// publicWorkList lists the organisation's published work, with filters by kind, partner
// country and part of the strategy, and search. The filters are a plain GET form.
func (s *Server) publicWorkList(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	if r.URL.Path != p.Href(p.Org.Slug, "arbeid", "") {
		return errNotFound // the route is a subtree: /arbeid/12/x lands here too
	}
	work, err := s.loadPublicWork(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	trees, err := s.publishedTrees(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	p.Title = p.T("work.title")
	p.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.Title}}
	// The list is the same for every reader in one state of the records, so it is kept
	// written with the register's lists (registerChoices.writtenOf), by language and query.
	content, err := c.writtenOf("work "+string(p.Lang)+"?"+r.URL.RawQuery, func() (string, error) {
		return workListContent(p, r, work, trees), nil
	})
	if err != nil {
		return err
	}
	s.render(w, r, "kept", http.StatusOK, &keptPage{page: p, Content: template.HTML(content)})
	return nil
}

// workListContent writes the list of work's content.
func workListContent(p *page, r *http.Request, work *publicWork, trees []*utsyn.Tree) string {
	q := r.URL.Query()
	lp := &workListPage{page: p, Query: strings.TrimSpace(q.Get("q")), Published: len(work.engagements),
		ResetHref: p.Href(p.Org.Slug, "arbeid", "")}
	lp.Intro = p.T("work.intro", "org", p.S(p.Org.Name))
	f := store.PublicFilter{Query: lp.Query}

	// A kind, country or element the list does not offer selects nothing rather than
	// everything; an element it does not offer (a focus area, a measure) still filters, as the
	// strategy page links to the list of the work under each of them.
	lp.Choices = work.choices(p, trees)
	f.Kind, f.Country = q.Get("type"), strings.ToUpper(q.Get("land"))
	element := q.Get("element")
	if element != "" {
		f.ElementIDs = []int64{-1}
		if id, err := strconv.ParseInt(element, 10, 64); err == nil && lp.Choices.below[id] != nil {
			f.ElementIDs = lp.Choices.below[id]
		}
	}
	lp.Type, lp.Country, lp.Element = f.Kind, f.Country, element
	lp.Filtered = f.Query != "" || f.Kind != "" || f.Country != "" || element != ""

	found := work.index.Filter(f)
	pages := max(1, (len(found)+workPageSize-1)/workPageSize)
	n, _ := strconv.Atoi(q.Get("side"))
	n = min(max(n, 1), pages)
	from, to := (n-1)*workPageSize, min(n*workPageSize, len(found))
	lp.Words = workWords{Kind: p.T("work.facts.kind"), Status: p.T("work.facts.status"), Example: p.T("work.example"),
		Acronym: p.T("work.facts.acronym"), Period: p.T("work.facts.period"), Programme: p.T("work.facts.programme"),
		Countries: p.T("work.countries"), Funding: p.T("work.funding")}
	lp.Cards = work.cardsOf(p, found[from:to], lp.Words)
	lp.Results = p.T(plural("work.results", len(found)), "count", i18n.FormatInt(p.Lang, int64(len(found))))
	if pages > 1 {
		lp.Showing = p.T("work.showing", "from", i18n.FormatInt(p.Lang, int64(from+1)), "to", i18n.FormatInt(p.Lang, int64(to)),
			"total", i18n.FormatInt(p.Lang, int64(len(found))))
		lp.PageOf = p.T("work.page_of", "page", strconv.Itoa(n), "pages", strconv.Itoa(pages))
		link := func(n int) string {
			v := url.Values{}
			for _, k := range []string{"q", "type", "land", "element"} {
				if q.Get(k) != "" {
					v.Set(k, q.Get(k))
				}
			}
			if n > 1 {
				v.Set("side", strconv.Itoa(n))
			}
			if len(v) == 0 {
				return lp.ResetHref
			}
			return lp.ResetHref + "?" + v.Encode()
		}
		if n > 1 {
			lp.PrevHref = link(n - 1)
		}
		if n < pages {
			lp.NextHref = link(n + 1)
		}
	}
	return lp.write()
}

// write writes the list's content, for the reason the register's list is written in Go
// (registerPage.write).
func (lp *workListPage) write() string {
	w := htmlWriter{takeBuffer()}
	defer giveBuffer(w.Buffer)
	t := lp.T
	w.raw("\n<div class=\"page-intro\">\n  <h1>", esc(t("work.title")), "</h1>\n  <p class=\"lead\">", esc(lp.Intro), "</p>\n</div>\n\n")
	if lp.Published > 0 {
		w.raw(`<form class="work-filter" method="get"`, attr("action", lp.ResetHref), ` role="search" aria-labelledby="filter-heading">`+"\n",
			`  <h2 id="filter-heading">`, esc(t("work.filter.heading")), "</h2>\n",
			`  <div class="work-filter-fields">`+"\n",
			`    <div class="field">`+"\n",
			`      <label for="q">`, esc(t("work.filter.query")), "</label>\n",
			`      <p class="hint" id="q-hint">`, esc(t("work.filter.query_hint")), "</p>\n",
			`      <input id="q" name="q" type="search" value="`, esc(lp.Query), `" aria-describedby="q-hint">`+"\n",
			"    </div>\n",
			`    <div class="field">`+"\n",
			`      <label for="type">`, esc(t("work.filter.kind")), "</label>\n",
			`      <select id="type" name="type">`, selectedIn(lp.Choices.kinds, lp.Type), "</select>\n",
			"    </div>\n",
			`    <div class="field">`+"\n",
			`      <label for="land">`, esc(t("work.filter.country")), "</label>\n",
			`      <select id="land" name="land">`, selectedIn(lp.Choices.countries, lp.Country), "</select>\n",
			"    </div>\n")
		if lp.Choices.elements != "" {
			w.raw(`    <div class="field">`+"\n",
				`      <label for="element">`, esc(t("work.filter.element")), "</label>\n",
				`      <select id="element" name="element">`, selectedIn(lp.Choices.elements, lp.Element), "</select>\n",
				"    </div>\n")
		}
		w.raw("  </div>\n",
			`  <div class="button-group">`+"\n",
			`    <button type="submit" class="button">`, esc(t("work.filter.submit")), "</button>\n")
		if lp.Filtered {
			w.raw("    <a", attr("href", lp.ResetHref), ">", esc(t("work.filter.reset")), "</a>\n")
		}
		w.raw("  </div>\n</form>\n")
	}
	heading := t("work.title")
	if lp.Published > 0 {
		heading = lp.Results
	}
	w.raw("\n", `<section class="section" aria-labelledby="results">`+"\n", `  <h2 id="results">`, esc(heading), "</h2>\n")
	if lp.Showing != "" {
		w.raw(`  <p class="meta">`, esc(lp.Showing), "</p>\n")
	}
	switch {
	case len(lp.Cards) > 0:
		w.raw(`  <ul class="card-list work-list">` + "\n")
		w.raw(lp.Cards...)
		w.raw("  </ul>\n")
		if lp.PrevHref != "" || lp.NextHref != "" {
			w.raw(`  <nav class="pagination"`, attr("aria-label", t("work.pages")), ">\n    <p>", esc(lp.PageOf), "</p>\n    <ul>\n")
			if lp.PrevHref != "" {
				w.raw("      <li><a", attr("href", lp.PrevHref), ` rel="prev">`, esc(t("work.prev")), "</a></li>\n")
			}
			if lp.NextHref != "" {
				w.raw("      <li><a", attr("href", lp.NextHref), ` rel="next">`, esc(t("work.next")), "</a></li>\n")
			}
			w.raw("    </ul>\n  </nav>\n")
		}
	case lp.Published > 0:
		w.raw(`  <div class="empty-state"><p>`, esc(t("work.no_match")), "</p><p><a", attr("href", lp.ResetHref), ">",
			esc(t("work.filter.reset")), "</a></p></div>\n")
	default:
		w.raw(`  <p class="empty-state">`, esc(t("work.none")), "</p>\n")
	}
	w.raw("</section>\n")
	return w.String()
}

// plural picks KEY.one or KEY.other for a count.
func plural(key string, n int) string {
	if n == 1 {
		return key + ".one"
	}
	return key + ".other"
}

type workDetailPage struct {
	*page
	Item        workItem
	Role        utsyn.Text // the organisation's role, when set
	Form        utsyn.Text // the working form, when set
	Serves      []servesGroup
	Partners    []partnerRow
	Funding     []fundingRow
	Totals      fundingView
	ExternalIDs []externalID
	ListHref    string
}

// servesGroup is the elements of one published strategy that an engagement serves.
type servesGroup struct {
	Strategy utsyn.Text
	Href     string
	Elements []servedElement
}

type servedElement struct {
	Code    string
	Title   utsyn.Text
	Href    string
	Primary bool
}

type partnerRow struct {
	Name, Country, Role, Website string
}

type fundingRow struct {
	Year int
	moneyView
}

type externalID struct {
	Scheme, Value, URL string
}

// publicEngagement shows one published engagement. An internal one, or one of another
// organisation, is not found.
func (s *Server) publicEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	e, err := s.db.PublicEngagement(ctx, p.Org.ID, id)
	if err != nil {
		return err
	}
	lines, err := s.db.PublicFunding(ctx, p.Org.ID, e.ID)
	if err != nil {
		return err
	}
	rates, err := s.db.ExchangeRates(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	trees, err := s.publishedTrees(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	work := newPublicWork([]*utsyn.Engagement{e}, lines, rates)
	dp := &workDetailPage{page: p, Item: p.workItem(work, e), ListHref: p.Href(p.Org.Slug, "arbeid", "")}
	dp.Totals = dp.Item.Funding

	for vocab, dst := range map[string]*utsyn.Text{utsyn.VocabRole: &dp.Role, utsyn.VocabWorkingForm: &dp.Form} {
		want := e.RoleTermID
		if vocab == utsyn.VocabWorkingForm {
			want = e.FormTermID
		}
		if want == 0 {
			continue
		}
		terms, err := s.db.ListTerms(ctx, p.Org.ID, vocab)
		if err != nil {
			return err
		}
		for _, t := range terms {
			if t.ID == want {
				*dst = t.Name
			}
		}
	}

	// Only links to published strategies are shown: a draft's elements are internal.
	for _, tree := range trees {
		g := servesGroup{Strategy: tree.Strategy.Title, Href: p.Href(p.Org.Slug, "strategi", tree.Strategy.Slug)}
		for _, el := range tree.Elements {
			for _, ref := range e.Elements {
				if ref.ElementID == el.ID {
					g.Elements = append(g.Elements, servedElement{Code: el.Code, Title: el.Title, Href: g.Href + "#" + elementAnchor(el), Primary: ref.Primary})
				}
			}
		}
		if len(g.Elements) > 0 {
			dp.Serves = append(dp.Serves, g)
		}
	}
	for _, pa := range e.Partners {
		if pa.Actor == nil {
			continue
		}
		dp.Partners = append(dp.Partners, partnerRow{Name: pa.Actor.Name, Country: p.countryName(pa.Actor.Country),
			Role: p.T("work.partner_role." + pa.Role), Website: pa.Actor.Website})
	}
	for _, l := range lines {
		dp.Funding = append(dp.Funding, fundingRow{Year: l.Year, moneyView: p.moneyView(store.SumFunding([]store.FundingLine{l}, rates, nil).Sums[0])})
	}
	for _, scheme := range utsyn.ExternalIDSchemes {
		if v, ok := e.ExternalIDs[scheme]; ok {
			x := externalID{Scheme: p.T("work.external." + scheme), Value: v}
			if scheme == "cordis" {
				x.URL = "https://cordis.europa.eu/project/id/" + url.PathEscape(v)
			}
			dp.ExternalIDs = append(dp.ExternalIDs, x)
		}
	}
	dp.Title = p.S(e.Title)
	dp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("work.title"), Href: dp.ListHref}, {Label: dp.Title}}
	s.render(w, r, "public-engagement", http.StatusOK, dp)
	return nil
}
