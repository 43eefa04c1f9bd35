package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/utsyn/utsyn"
)

// The register as the public sees it: published engagements only, without what is internal,
// and the external funding they brought in. Every public page about the organisation's work is
// built from these reads, so what they leave out cannot reach a public page.

// PublicEngagements returns the organisation's published engagements by title, with their
// partners, strategy links and external ids, and with every internal field cleared (see
// hideInternal).
func (db *DB) PublicEngagements(ctx context.Context, orgID int64) ([]*utsyn.Engagement, error) {
	var out []*utsyn.Engagement
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		e, err := scanEngagement(r)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	}, `SELECT `+engagementColumns+engagementFrom+` WHERE e.org_id = $1 AND e.public = $2 ORDER BY e.title_sort, e.id`, orgID, true)
	if err != nil {
		return nil, fmt.Errorf("public engagements: %w", err)
	}
	if err := fillEngagements(ctx, db.reads(), db.dialect, out); err != nil {
		return nil, err
	}
	for _, e := range out {
		hideInternal(e)
	}
	return out, nil
}

// PublicEngagement returns one of the organisation's published engagements as
// PublicEngagements does. An internal engagement is not found, as if it did not exist.
func (db *DB) PublicEngagement(ctx context.Context, orgID, id int64) (*utsyn.Engagement, error) {
	e, err := findEngagement(ctx, db.reads(), db.dialect, orgID, id)
	if err != nil {
		return nil, err
	}
	if !e.Public {
		return nil, notFound("engagement")
	}
	hideInternal(e)
	return e, nil
}

// hideInternal clears what only the organisation's own people see: who is responsible (person
// and unit), the membership's fee, decision, seats and reviews, and the partners' identifiers.
func hideInternal(e *utsyn.Engagement) {
	e.Unit, e.Responsible, e.ResponsibleName = "", 0, ""
	e.Membership = nil
	for i := range e.Partners {
		if a := e.Partners[i].Actor; a != nil {
			e.Partners[i].Actor = &utsyn.Actor{ID: a.ID, OrgID: a.OrgID, Name: a.Name, Country: a.Country, Region: a.Region,
				Type: a.Type, Website: a.Website}
		}
	}
}

// FundingLine is the external funding one published engagement brought in, in one year and
// currency.
type FundingLine struct {
	EngagementID int64
	Year         int
	Amount       utsyn.Money
}

// PublicFunding returns the external grants of the organisation's published engagements (of
// one of them when engagementID is not 0), summed per engagement, year and currency. The
// council's own money (cash, hours, fees, co-financing) is internal and not in it.
func (db *DB) PublicFunding(ctx context.Context, orgID, engagementID int64) ([]FundingLine, error) {
	q := `SELECT m.engagement_id, m.year, m.currency, CAST(sum(m.amount_minor) AS BIGINT) FROM money_lines m
		JOIN engagements e ON e.id = m.engagement_id
		WHERE e.org_id = $1 AND e.public = $2 AND m.kind = $3`
	args := []any{orgID, true, utsyn.MoneyExternalGrant}
	if engagementID != 0 {
		q += ` AND e.id = $4`
		args = append(args, engagementID)
	}
	q += ` GROUP BY m.engagement_id, m.year, m.currency ORDER BY m.engagement_id, m.year, m.currency`
	var out []FundingLine
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var f FundingLine
		if err := r.Scan(&f.EngagementID, &f.Year, &f.Amount.Currency, &f.Amount.Minor); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("public funding: %w", err)
	}
	return out, nil
}

// Funding is external funding added up: one sum per currency, never mixed, each also in kroner
// when the organisation has set an exchange rate for every year it falls in.
type Funding struct {
	Sums []CurrencySum // NOK first, then by currency code
	// NOK is all of it in kroner; Complete says whether every sum could be converted, and
	// NOK is only the whole when it is.
	NOK      utsyn.Money
	Complete bool
}

// CurrencySum is the funding in one currency.
type CurrencySum struct {
	Amount       utsyn.Money
	NOK          utsyn.Money // the amount in kroner at each year's rate; zero unless Converted
	Converted    bool        // kroner, or every year's rate is set
	MissingYears []int       // the years that have no exchange rate, in order
}

// IsZero reports whether there is no funding at all.
func (f Funding) IsZero() bool { return len(f.Sums) == 0 }

// SumFunding adds up the funding lines of the engagements that include accepts (every line
// when include is nil), each line once. A currency other than NOK is converted year by year at
// the organisation's rates; when any of its years has no rate the currency is left
// unconverted, and says which years lack one, rather than being converted in part.
func SumFunding(lines []FundingLine, rates []utsyn.ExchangeRate, include func(engagementID int64) bool) Funding {
	type rateKey struct {
		year     int
		currency string
	}
	rate := map[rateKey]float64{}
	for _, r := range rates {
		rate[rateKey{r.Year, r.Currency}] = r.NOK
	}
	sums := map[string]*CurrencySum{}
	for _, l := range lines {
		if include != nil && !include(l.EngagementID) {
			continue
		}
		s := sums[l.Amount.Currency]
		if s == nil {
			s = &CurrencySum{Amount: utsyn.Money{Currency: l.Amount.Currency}, NOK: utsyn.Money{Currency: "NOK"}, Converted: true}
			sums[l.Amount.Currency] = s
		}
		s.Amount.Minor += l.Amount.Minor
		switch r, ok := rate[rateKey{l.Year, l.Amount.Currency}]; {
		case l.Amount.Currency == "NOK":
			s.NOK.Minor += l.Amount.Minor
		case ok:
			s.NOK.Minor += int64(math.Round(float64(l.Amount.Minor) * r))
		default:
			s.Converted = false
			if !slices.Contains(s.MissingYears, l.Year) {
				s.MissingYears = append(s.MissingYears, l.Year)
			}
		}
	}
	f := Funding{NOK: utsyn.Money{Currency: "NOK"}, Complete: true}
	for _, s := range sums {
		if !s.Converted {
			s.NOK.Minor = 0
			f.Complete = false
		}
		slices.Sort(s.MissingYears)
		f.NOK.Minor += s.NOK.Minor
		f.Sums = append(f.Sums, *s)
	}
	slices.SortFunc(f.Sums, func(a, b CurrencySum) int {
		return cmp.Or(cmp.Compare(currencyRank(a.Amount.Currency), currencyRank(b.Amount.Currency)),
			cmp.Compare(a.Amount.Currency, b.Amount.Currency))
	})
	if !f.Complete {
		f.NOK.Minor = 0
	}
	return f
}

// currencyRank puts kroner first.
func currencyRank(c string) int {
	if c == "NOK" {
		return 0
	}
	return 1
}

// PublicFilter selects among published engagements; zero fields select all.
type PublicFilter struct {
	Kind       string
	Country    string  // a partner in this country (ISO 3166-1 alpha-2)
	ElementIDs []int64 // linked to any of these (the caller adds an element's descendants)
	Query      string  // words; each must start a word of the engagement's public texts
}

// PublicIndex is published engagements with what searching them needs, worked out once: every
// distinct folded word of their public texts, sorted, with the engagements that have it. A term
// is looked up as the run of words it starts, so a search costs about as much as its matches;
// going through every word of every engagement cost 15 ms a search at 65,000 published
// engagements (docs/PERFORMANCE.md). It is not changed once made, so requests share it.
type PublicIndex struct {
	Engagements []*utsyn.Engagement
	words       []string  // every distinct word, sorted
	postings    [][]int32 // for each word, the engagements that have it, by index, ascending
}

// NewPublicIndex indexes the engagements, in their order.
func NewPublicIndex(es []*utsyn.Engagement) *PublicIndex {
	// Each engagement's words, on every processor: folding the texts is most of the work, and
	// a reader waits for it after each change of a large register.
	words := make([][]string, len(es))
	var wg sync.WaitGroup
	parts := runtime.GOMAXPROCS(0)
	for part := range parts {
		wg.Go(func() {
			for i := part; i < len(es); i += parts {
				words[i] = publicWords(es[i])
			}
		})
	}
	wg.Wait()
	postings := map[string][]int32{}
	for i := range es {
		for _, w := range words[i] {
			if p := postings[w]; len(p) == 0 || p[len(p)-1] != int32(i) {
				postings[w] = append(p, int32(i))
			}
		}
	}
	ix := &PublicIndex{Engagements: es, words: slices.Sorted(maps.Keys(postings))}
	ix.postings = make([][]int32, len(ix.words))
	for k, w := range ix.words {
		ix.postings[k] = postings[w]
	}
	return ix
}

// matching returns which engagements have, for every term, a word that the term starts.
func (ix *PublicIndex) matching(terms []string) rowSet {
	var all, this rowSet
	for _, t := range terms {
		if this == nil {
			this = newRowSet(len(ix.Engagements))
		} else {
			clear(this)
		}
		k, _ := slices.BinarySearch(ix.words, t)
		for ; k < len(ix.words) && strings.HasPrefix(ix.words[k], t); k++ {
			for _, i := range ix.postings[k] {
				this.add(i)
			}
		}
		if all == nil {
			all = slices.Clone(this)
		} else {
			all.and(this)
		}
	}
	return all
}

// Filter returns the engagements that match the filter, in their order. Search looks only at
// what a public page shows (titles, acronym, description, programme, call, tags, external ids
// and partners' names), never at internal fields such as the responsible unit, which the
// register's own full-text index includes.
func (ix *PublicIndex) Filter(f PublicFilter) []*utsyn.Engagement {
	var terms []string
	for _, t := range searchTerms(f.Query) {
		if t = fold(t); t != "" {
			terms = append(terms, t)
		}
	}
	var out []*utsyn.Engagement
	keep := func(i int32) bool {
		e := ix.Engagements[i]
		switch {
		case f.Kind != "" && e.Kind != f.Kind:
		case f.Country != "" && !slices.ContainsFunc(e.Partners, func(p utsyn.Partner) bool {
			return p.Actor != nil && strings.EqualFold(p.Actor.Country, f.Country)
		}):
		case len(f.ElementIDs) > 0 && !slices.ContainsFunc(e.Elements, func(r utsyn.ElementRef) bool {
			return slices.Contains(f.ElementIDs, r.ElementID)
		}):
		default:
			out = append(out, e)
		}
		return true
	}
	if len(terms) > 0 { // only the matches are looked at
		ix.matching(terms).each(keep)
		return out
	}
	for i := range ix.Engagements {
		keep(int32(i))
	}
	return out
}

// publicWords are the folded words of an engagement's public texts.
func publicWords(e *utsyn.Engagement) []string {
	parts := []string{e.Acronym, e.Programme, e.Call, strings.Join(e.Tags, " ")}
	for _, t := range []utsyn.Text{e.Title, e.Description} {
		for _, v := range t {
			parts = append(parts, v)
		}
	}
	for _, id := range e.ExternalIDs {
		parts = append(parts, id)
	}
	for _, p := range e.Partners {
		if p.Actor != nil {
			parts = append(parts, p.Actor.Name)
		}
	}
	return strings.Fields(fold(strings.Join(parts, " ")))
}
