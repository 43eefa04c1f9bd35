package utsyn

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of engagement: the units of international work in the register.
const (
	KindProject     = "project"                 // prosjekt: Interreg, Horizon Europe, Erasmus+ …
	KindMembership  = "membership"              // medlemskap of an organisation or network
	KindPartnership = "partnership"             // bilateral partnership with a region
	KindArena       = "arena"                   // political or administrative forum
	KindProgramme   = "programme_participation" // programdeltakelse, e.g. an Erasmus+ accreditation
	KindInfluence   = "policy_influence"        // påvirkningssak: consultation response, position paper
	KindVisit       = "visit"                   // besøk or delegation
	KindMobility    = "mobility"                // student or staff exchange
)

// EngagementKinds lists the kinds in the order forms and filters show them.
var EngagementKinds = []string{KindProject, KindMembership, KindPartnership, KindArena, KindProgramme, KindInfluence, KindVisit, KindMobility}

// Engagement statuses. Projects and most kinds go idea → application → granted or rejected →
// running → completed; memberships are active, under review or ended.
const (
	StatusIdea        = "idea"
	StatusApplication = "application"
	StatusGranted     = "granted"
	StatusRejected    = "rejected"
	StatusRunning     = "running"
	StatusCompleted   = "completed"
	StatusActive      = "active"
	StatusUnderReview = "under_review"
	StatusEnded       = "ended"
)

// StatusesFor lists the statuses an engagement of the kind can have, in life-cycle order.
func StatusesFor(kind string) []string {
	switch kind {
	case KindMembership, KindPartnership, KindArena, KindProgramme:
		return []string{StatusIdea, StatusActive, StatusUnderReview, StatusEnded}
	case KindInfluence, KindVisit, KindMobility:
		return []string{StatusIdea, StatusRunning, StatusCompleted}
	}
	return []string{StatusIdea, StatusApplication, StatusGranted, StatusRejected, StatusRunning, StatusCompleted}
}

// EngagementStatuses lists every status, for filters.
var EngagementStatuses = []string{StatusIdea, StatusApplication, StatusGranted, StatusRejected, StatusRunning, StatusCompleted,
	StatusActive, StatusUnderReview, StatusEnded}

// Partner roles in an engagement.
var PartnerRoles = []string{"lead", "partner", "associated", "member", "host", "funder"}

// External identifier schemes.
var ExternalIDSchemes = []string{"cordis", "keep_eu", "erasmus", "eea_grants"}

// Engagement is one unit of international work.
type Engagement struct {
	ID          int64
	OrgID       int64
	Kind        string
	Title       Text
	Acronym     string
	Description Text
	Status      string
	Start       Date
	End         Date
	Unit        string // the responsible unit, e.g. "Regionalutvikling"
	Responsible int64  // the responsible person (a user); 0 when none
	// ResponsibleName is the responsible person's name or address, for lists.
	ResponsibleName string
	RoleTermID      int64 // the council's role (vocabulary "role"); 0 when not set
	FormTermID      int64 // the working form (vocabulary "working_form"); 0 when not set
	Programme       string
	Call            string
	Public          bool
	Example         bool // demo content that the sources do not give: shown as an example
	Tags            []string
	SDGs            []int             // UN sustainable development goals 1–17
	ExternalIDs     map[string]string // scheme → id (ExternalIDSchemes)
	Links           []Link
	Elements        []ElementRef // the strategy elements it serves
	Partners        []Partner
	Membership      *MembershipFacts // set for memberships
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Link is a web link with a label.
type Link struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// ElementRef links an engagement to a strategy element; one link is the primary one.
type ElementRef struct {
	ElementID int64
	Primary   bool
	Code      string // for display
	Title     Text
}

// Partner is an actor's part in an engagement.
type Partner struct {
	ActorID int64
	Role    string // PartnerRoles
	Actor   *Actor // filled in on reads
}

// MembershipFacts are what a membership carries beyond the common fields.
type MembershipFacts struct {
	AnnualFee    Money
	DecisionBody string
	DecisionDate Date
	DecisionCase string
	RenewalDate  Date
	Seats        []Seat
	Reviews      []Review
}

// Seat is a place the council holds in a membership's bodies.
type Seat struct {
	Body   string `json:"body"`   // e.g. "Styret" / "the board"
	Kind   string `json:"kind"`   // political or administrative
	Holder string `json:"holder"` // who holds it
}

// Review is a periodic "is this still worth it?" of a membership.
type Review struct {
	Date      Date   `json:"date"`
	Outcome   string `json:"outcome"` // continue, change, leave
	Rationale Text   `json:"rationale"`
}

// StatusChange is one step in an engagement's status history.
type StatusChange struct {
	At    time.Time
	From  string
	To    string
	Actor string
}

// Actor is a partner organisation.
type Actor struct {
	ID        int64
	OrgID     int64
	Name      string
	Country   string // ISO 3166-1 alpha-2
	Region    string // NUTS code, or the Norwegian county number for Norwegian actors
	Type      string // ActorTypes
	OrgNumber string // Norwegian organisation number
	PIC       string // EU Participant Identification Code
	Website   string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ActorTypes are the kinds of actor.
var ActorTypes = []string{"public_authority", "region", "municipality", "university", "research", "company", "ngo", "network", "school", "other"}

// Money kinds.
const (
	MoneyOwnCash       = "own_cash"
	MoneyOwnHours      = "own_hours"
	MoneyExternalGrant = "external_grant"
	MoneyMembershipFee = "membership_fee"
	MoneyCoFinancing   = "co_financing"
)

// MoneyKinds lists the kinds of money line.
var MoneyKinds = []string{MoneyOwnCash, MoneyOwnHours, MoneyExternalGrant, MoneyMembershipFee, MoneyCoFinancing}

// Currencies Utsyn keeps amounts in.
var Currencies = []string{"NOK", "EUR"}

// Money is an amount in a currency, in minor units (øre, cent) so that sums are exact.
type Money struct {
	Minor    int64
	Currency string
}

// Amount returns the amount in major units.
func (m Money) Amount() float64 { return float64(m.Minor) / 100 }

// MoneyLine is one line of an engagement's money: a kind, a year and an amount. Own hours carry
// the hours and the hourly rate, and their amount is hours × rate.
type MoneyLine struct {
	ID           int64
	EngagementID int64
	Year         int
	Kind         string
	Amount       Money
	Hours        float64
	HourlyRate   Money
	FunderID     int64  // the funding actor of an external grant, when registered
	Funder       string // the funder's name, for lists
	Note         string
	Version      int
}

// YearPart is the part of an amount that falls in one year.
type YearPart struct {
	Year  int
	Minor int64
}

// SpreadByYear splits an amount in minor units over the years of a period, by the days of the
// period in each year (the end day counts); what rounding leaves over goes, a unit at a time,
// to the years with the largest remainders, so the parts add up to the amount exactly. A period
// without an end, or one that ends before it starts, puts it all on the start year; an amount
// that is not positive, or a period without a start, has no parts.
func SpreadByYear(minor int64, start, end Date) []YearPart {
	if minor <= 0 || start.IsZero() {
		return nil
	}
	if end.IsZero() || end.Time().Before(start.Time()) {
		return []YearPart{{Year: start.Year, Minor: minor}}
	}
	from, to := start.Time(), end.Time().AddDate(0, 0, 1)
	days := to.Sub(from).Hours() / 24
	var parts []YearPart
	var rests []float64
	var sum int64
	for y := start.Year; y <= end.Year; y++ {
		a, b := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		exact := float64(minor) * b.Sub(a).Hours() / 24 / days
		whole := int64(exact) // exact ≥ 0
		parts = append(parts, YearPart{Year: y, Minor: whole})
		rests = append(rests, exact-float64(whole))
		sum += whole
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		switch {
		case rests[i] > rests[j]:
			return -1
		case rests[i] < rests[j]:
			return 1
		}
		return 0
	})
	for k := 0; sum < minor; k++ {
		parts[order[k%len(order)]].Minor++
		sum++
	}
	return parts
}

// ExchangeRate is how many NOK one unit of a currency cost in a year, as set by an administrator.
type ExchangeRate struct {
	Year     int
	Currency string
	NOK      float64
}

// ValidateEngagement checks an engagement's own fields; the store checks its references.
func ValidateEngagement(e *Engagement) error {
	var p Problems
	if !slices.Contains(EngagementKinds, e.Kind) {
		p.Add("kind", "error.kind")
	}
	checkText(&p, "title", e.Title, true, MaxTitle)
	checkText(&p, "description", e.Description, false, MaxText)
	if !slices.Contains(StatusesFor(e.Kind), e.Status) {
		p.Add("status", "error.status")
	}
	for field, s := range map[string]string{"acronym": e.Acronym, "unit": e.Unit, "programme": e.Programme, "call": e.Call} {
		checkShort(&p, field, s)
	}
	checkPeriod(&p, e.Start, e.End)
	for _, t := range e.Tags {
		if t == "" || utf8.RuneCountInString(t) > 60 {
			p.Add("tags", "error.tag")
			break
		}
	}
	for _, g := range e.SDGs {
		if g < 1 || g > 17 {
			p.Add("sdgs", "error.sdg")
			break
		}
	}
	for scheme, id := range e.ExternalIDs {
		if !slices.Contains(ExternalIDSchemes, scheme) || strings.TrimSpace(id) == "" || len(id) > 100 {
			p.Add("external_"+scheme, "error.external_id")
		}
	}
	for _, l := range e.Links {
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || len(l.URL) > 2000 {
			p.Add("links", "error.url")
			break
		}
	}
	primaries := 0
	for _, el := range e.Elements {
		if el.Primary {
			primaries++
		}
	}
	if primaries > 1 {
		p.Add("elements", "error.one_primary")
	}
	for _, pa := range e.Partners {
		if !slices.Contains(PartnerRoles, pa.Role) {
			p.Add("partners", "error.partner_role")
			break
		}
	}
	if m := e.Membership; m != nil {
		if m.AnnualFee.Minor < 0 {
			p.Add("annual_fee", "error.negative")
		}
		if m.AnnualFee.Minor != 0 && !slices.Contains(Currencies, m.AnnualFee.Currency) {
			p.Add("annual_fee", "error.currency")
		}
		for _, r := range m.Reviews {
			if !slices.Contains([]string{"continue", "change", "leave"}, r.Outcome) || r.Date.IsZero() {
				p.Add("reviews", "error.review")
				break
			}
		}
		for _, s := range m.Seats {
			if s.Kind != "political" && s.Kind != "administrative" || s.Body == "" {
				p.Add("seats", "error.seat")
				break
			}
		}
	}
	return p.Err()
}

// ValidateActor checks an actor.
func ValidateActor(a *Actor) error {
	var p Problems
	if strings.TrimSpace(a.Name) == "" {
		p.Add("name", "error.required")
	} else if utf8.RuneCountInString(a.Name) > MaxTitle {
		p.Add("name", "error.too_long")
	}
	if !countryPattern.MatchString(a.Country) {
		p.Add("country", "error.country")
	}
	if a.Type != "" && !slices.Contains(ActorTypes, a.Type) {
		p.Add("type", "error.actor_type")
	}
	if a.OrgNumber != "" && !orgNumberPattern.MatchString(a.OrgNumber) {
		p.Add("org_number", "error.org_number")
	}
	if a.PIC != "" && !picPattern.MatchString(a.PIC) {
		p.Add("pic", "error.pic")
	}
	checkShort(&p, "region", a.Region)
	checkShort(&p, "website", a.Website)
	return p.Err()
}

// ValidateMoneyLine checks a money line.
func ValidateMoneyLine(m *MoneyLine) error {
	var p Problems
	if m.Year < 1990 || m.Year > 2100 {
		p.Add("year", "error.year")
	}
	if !slices.Contains(MoneyKinds, m.Kind) {
		p.Add("kind", "error.money_kind")
	}
	if !slices.Contains(Currencies, m.Amount.Currency) {
		p.Add("currency", "error.currency")
	}
	if m.Amount.Minor < 0 || m.Hours < 0 || m.HourlyRate.Minor < 0 {
		p.Add("amount", "error.negative")
	}
	if m.Kind == MoneyOwnHours && m.Hours == 0 {
		p.Add("hours", "error.required")
	}
	checkShort(&p, "note", m.Note)
	return p.Err()
}
