package utsyn

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

var (
	slugPattern      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	countryPattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	orgNumberPattern = regexp.MustCompile(`^[0-9]{9}$`)
	picPattern       = regexp.MustCompile(`^[0-9]{9}$`)
)

// reservedSlugs are path words the public pages use beside organisation slugs.
var reservedSlugs = []string{"api", "static", "tilgjengelighet", "personvern", "healthz", "readyz",
	"logg-inn", "logg-ut", "konto", "passord", "sso"}

// Limits on input sizes: generous for real texts, small enough to refuse abuse.
const (
	MaxTitle = 500
	MaxText  = 20000
	MaxShort = 200
)

func checkSlug(p *Problems, slug string) {
	switch {
	case slug == "":
		p.Add("slug", "error.required")
	case len(slug) > 64 || !slugPattern.MatchString(slug):
		p.Add("slug", "error.slug")
	case slices.Contains(reservedSlugs, slug):
		p.Add("slug", "error.slug_reserved")
	}
}

// checkText requires a text in bokmål when required, and bounds every language's length.
func checkText(p *Problems, field string, t Text, required bool, max int) {
	if required && strings.TrimSpace(t["nb"]) == "" {
		p.Add(field, "error.required_nb")
		return
	}
	for _, s := range t {
		if utf8.RuneCountInString(s) > max {
			p.Add(field, "error.too_long")
			return
		}
		if !utf8.ValidString(s) {
			p.Add(field, "error.encoding")
			return
		}
	}
}

func checkShort(p *Problems, field, s string) {
	if utf8.RuneCountInString(s) > MaxShort {
		p.Add(field, "error.too_long")
	}
}

func checkPeriod(p *Problems, start, end Date) {
	if !start.IsZero() && !end.IsZero() && end.Time().Before(start.Time()) {
		p.Add("period_end", "error.period_order")
	}
}

// ValidateOrganisation checks an organisation before it is stored.
func ValidateOrganisation(o *Organisation) error {
	var p Problems
	checkSlug(&p, o.Slug)
	checkText(&p, "name", o.Name, true, MaxTitle)
	checkText(&p, "vision", o.Vision, false, MaxText)
	for field, s := range map[string]string{"org_number": o.OrgNumber, "nuts": o.NUTS, "website": o.Website} {
		checkShort(&p, field, s)
	}
	if o.Country != "" && !countryPattern.MatchString(o.Country) {
		p.Add("country", "error.country")
	}
	return p.Err()
}

// ValidatePlan checks an overarching plan and its goals before they are stored.
func ValidatePlan(pl *Plan) error {
	var p Problems
	checkSlug(&p, pl.Slug)
	checkText(&p, "title", pl.Title, true, MaxTitle)
	checkText(&p, "description", pl.Description, false, MaxText)
	checkText(&p, "note", pl.Note, false, MaxText)
	checkPeriod(&p, pl.PeriodStart, pl.PeriodEnd)
	codes := map[string]bool{}
	for _, g := range pl.Goals {
		checkText(&p, "goals", g.Title, true, MaxTitle)
		if g.Code != "" && codes[g.Code] {
			p.Add("goals", "error.duplicate_code")
		}
		codes[g.Code] = true
	}
	return p.Err()
}

// ValidateStrategy checks a strategy, its statements and its levels before they are stored.
func ValidateStrategy(s *Strategy) error {
	var p Problems
	checkSlug(&p, s.Slug)
	checkText(&p, "title", s.Title, true, MaxTitle)
	checkText(&p, "summary", s.Summary, false, MaxText)
	checkText(&p, "note", s.Note, false, MaxText)
	checkShort(&p, "case_number", s.CaseNumber)
	checkPeriod(&p, s.PeriodStart, s.PeriodEnd)
	if !slices.Contains(StrategyStatuses, s.Status) {
		p.Add("status", "error.status")
	}
	for _, st := range s.Purpose {
		if !slices.Contains([]string{StatementShallBe, StatementInsight, StatementContext}, st.Kind) {
			p.Add("purpose", "error.invalid")
		}
		checkText(&p, "purpose", st.Text, true, MaxText)
	}
	if len(s.Levels) == 0 {
		p.Add("levels", "error.levels_required")
	}
	keys := map[string]bool{}
	for _, l := range s.Levels {
		if l.Key == "" || keys[l.Key] {
			p.Add("levels", "error.duplicate_code")
		}
		keys[l.Key] = true
		checkText(&p, "levels", l.Name, true, MaxShort)
		checkText(&p, "levels", l.Plural, true, MaxShort)
	}
	return p.Err()
}

// ValidateElement checks an element's own fields; the store checks that its level and parent
// belong to the same strategy.
func ValidateElement(e *Element) error {
	var p Problems
	checkShort(&p, "code", e.Code)
	checkText(&p, "title", e.Title, true, MaxText)
	checkText(&p, "description", e.Description, false, MaxText)
	checkText(&p, "note", e.Note, false, MaxText)
	return p.Err()
}

// ValidateTerm checks a vocabulary term.
func ValidateTerm(t *Term) error {
	var p Problems
	if t.Vocabulary != VocabRole && t.Vocabulary != VocabWorkingForm {
		p.Add("vocabulary", "error.invalid")
	}
	if t.Key == "" || !slugPattern.MatchString(t.Key) {
		p.Add("key", "error.slug")
	}
	checkText(&p, "name", t.Name, true, MaxShort)
	checkText(&p, "description", t.Description, false, MaxText)
	return p.Err()
}
