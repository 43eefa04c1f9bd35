package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// The engagement register in the JSON API: engagements, actors (partner organisations) and
// money lines, to read and to write with an API token. openapi.json describes every shape.
//
// Who sees what: anonymous callers and tokens of another organisation see the published
// engagements, the money lines of those, and the actors they name, without the internal
// fields (each record's "internal" object: the responsible person and unit of an engagement,
// the note of a money line). A token of the organisation sees everything of it.
//
// Who may write: a token of the organisation with the role contributor creates engagements and
// actors, and changes (edits, deletes, adds money to) the engagements they are responsible
// for; an editor or administrator changes every engagement, and edits and deletes actors.
// Writing without a token answers 401, with too low a role or another organisation's token 403.
//
// Every write carries the version the caller read (If-Match: "3", or "version" in the body);
// a stale one answers 409 with the record as it is now. Every write goes through the store
// under the caller's name (db.UpdateAs), so the audit trail credits it.

// ---- Shapes ----

// apiMoney is an amount as an exact decimal string with two decimals, in a currency.
type apiMoney struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

func toAPIMoney(m utsyn.Money) apiMoney {
	sign, n := "", m.Minor
	if n < 0 {
		sign, n = "-", -n
	}
	return apiMoney{Amount: fmt.Sprintf("%s%d.%02d", sign, n/100, n%100), Currency: m.Currency}
}

var apiAmountPattern = regexp.MustCompile(`^[0-9]{1,13}(\.[0-9]{1,2})?$`)

// money reads an amount, adding a problem on field (or field.currency) when it is not one.
func (m *apiMoney) money(p *utsyn.Problems, field string) utsyn.Money {
	out := utsyn.Money{Currency: m.Currency}
	switch a := strings.TrimSpace(m.Amount); {
	case strings.HasPrefix(a, "-") && apiAmountPattern.MatchString(a[1:]):
		p.Add(field, "error.negative")
	case !apiAmountPattern.MatchString(a):
		p.Add(field, "error.amount")
	default:
		whole, frac, _ := strings.Cut(a, ".")
		w, _ := strconv.ParseInt(whole, 10, 64)
		f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
		out.Minor = w*100 + f
	}
	if !slices.Contains(utsyn.Currencies, m.Currency) {
		p.Add(field+".currency", "error.currency")
	}
	return out
}

type apiSelfLink struct {
	Self string `json:"self"`
}

// apiActorSummary is an actor as an engagement names it.
type apiActorSummary struct {
	ID        int64       `json:"id"`
	Name      string      `json:"name"`
	Country   string      `json:"country"`
	Region    string      `json:"region"`
	Type      string      `json:"type"`
	OrgNumber string      `json:"org_number"`
	PIC       string      `json:"pic"`
	Website   string      `json:"website"`
	Version   int         `json:"version"`
	Links     apiSelfLink `json:"links"`
}

// apiActor is an actor with its times of change.
type apiActor struct {
	apiActorSummary
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func apiActorPath(org string, id int64) string {
	return "/api/v1/organisations/" + org + "/actors/" + strconv.FormatInt(id, 10)
}

func toAPIActorSummary(org string, a *utsyn.Actor) apiActorSummary {
	return apiActorSummary{ID: a.ID, Name: a.Name, Country: a.Country, Region: a.Region, Type: a.Type, OrgNumber: a.OrgNumber,
		PIC: a.PIC, Website: a.Website, Version: a.Version, Links: apiSelfLink{Self: apiActorPath(org, a.ID)}}
}

func toAPIActor(org string, a *utsyn.Actor) apiActor {
	return apiActor{apiActorSummary: toAPIActorSummary(org, a), CreatedAt: a.CreatedAt.UTC().Format(timeFormat),
		UpdatedAt: a.UpdatedAt.UTC().Format(timeFormat)}
}

type apiEngagement struct {
	ID           int64                  `json:"id"`
	Organisation string                 `json:"organisation"`
	Kind         string                 `json:"kind"`
	Title        utsyn.Text             `json:"title"`
	Acronym      string                 `json:"acronym"`
	Description  utsyn.Text             `json:"description"`
	Status       string                 `json:"status"`
	Start        utsyn.Date             `json:"start"`
	End          utsyn.Date             `json:"end"`
	Programme    string                 `json:"programme"`
	Call         string                 `json:"call"`
	Role         *string                `json:"role"`
	WorkingForm  *string                `json:"working_form"`
	Public       bool                   `json:"public"`
	Example      bool                   `json:"example"`
	Tags         []string               `json:"tags"`
	SDGs         []int                  `json:"sdgs"`
	ExternalIDs  map[string]string      `json:"external_ids"`
	WebLinks     []utsyn.Link           `json:"web_links"`
	Elements     []apiElementRef        `json:"elements"`
	Partners     []apiPartner           `json:"partners"`
	Membership   *apiMembership         `json:"membership"`
	Internal     *apiEngagementInternal `json:"internal,omitempty"`
	Version      int                    `json:"version"`
	CreatedAt    string                 `json:"created_at"`
	UpdatedAt    string                 `json:"updated_at"`
	Links        apiEngagementLinks     `json:"links"`
}

type apiElementRef struct {
	ID       int64      `json:"id"`
	Strategy string     `json:"strategy"`
	Code     string     `json:"code"`
	Title    utsyn.Text `json:"title"`
	Primary  bool       `json:"primary"`
}

type apiPartner struct {
	Role  string          `json:"role"`
	Actor apiActorSummary `json:"actor"`
}

type apiMembership struct {
	AnnualFee    *apiMoney      `json:"annual_fee"`
	DecisionBody string         `json:"decision_body"`
	DecisionDate utsyn.Date     `json:"decision_date"`
	DecisionCase string         `json:"decision_case"`
	RenewalDate  utsyn.Date     `json:"renewal_date"`
	Seats        []utsyn.Seat   `json:"seats"`
	Reviews      []utsyn.Review `json:"reviews"`
}

// apiEngagementInternal holds what only the organisation's own tokens see.
type apiEngagementInternal struct {
	Unit        string     `json:"unit"`
	Responsible *apiPerson `json:"responsible"`
}

type apiPerson struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

type apiEngagementLinks struct {
	Self  string `json:"self"`
	Money string `json:"money"`
}

func apiEngagementPath(org string, id int64) string {
	return "/api/v1/organisations/" + org + "/engagements/" + strconv.FormatInt(id, 10)
}

type apiMoneyLine struct {
	ID           int64             `json:"id"`
	EngagementID int64             `json:"engagement_id"`
	Year         int               `json:"year"`
	Kind         string            `json:"kind"`
	Amount       apiMoney          `json:"amount"`
	Hours        float64           `json:"hours"`
	HourlyRate   *apiMoney         `json:"hourly_rate"`
	Funder       *apiFunder        `json:"funder"`
	Internal     *apiMoneyInternal `json:"internal,omitempty"`
	Version      int               `json:"version"`
	Links        apiMoneyLinks     `json:"links"`
}

type apiFunder struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiMoneyInternal struct {
	Note string `json:"note"`
}

type apiMoneyLinks struct {
	Self       string `json:"self"`
	Engagement string `json:"engagement"`
}

func apiMoneyPath(org string, id int64) string {
	return "/api/v1/organisations/" + org + "/money/" + strconv.FormatInt(id, 10)
}

func toAPIMoneyLine(org string, m *utsyn.MoneyLine, member bool) apiMoneyLine {
	a := apiMoneyLine{ID: m.ID, EngagementID: m.EngagementID, Year: m.Year, Kind: m.Kind, Amount: toAPIMoney(m.Amount),
		Hours: m.Hours, Version: m.Version,
		Links: apiMoneyLinks{Self: apiMoneyPath(org, m.ID), Engagement: apiEngagementPath(org, m.EngagementID)}}
	if m.Kind == utsyn.MoneyOwnHours {
		rate := toAPIMoney(m.HourlyRate)
		a.HourlyRate = &rate
	}
	if m.FunderID != 0 {
		a.Funder = &apiFunder{ID: m.FunderID, Name: m.Funder}
	}
	if member {
		a.Internal = &apiMoneyInternal{Note: m.Note}
	}
	return a
}

type apiPage[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

type apiEngagementPage struct {
	Items []apiEngagement `json:"items"`
	Next  *string         `json:"next"`
	Total int             `json:"total"`
	More  bool            `json:"more"`
}

func apiCursor(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiEngagementView turns engagements of one organisation into their API shape, as the caller
// may see them: the keys of their terms, where their elements sit, and (for the organisation's
// own tokens) the people responsible.
type apiEngagementView struct {
	org      *utsyn.Organisation
	member   bool
	terms    apiTerms
	strategy map[int64]*utsyn.Strategy // of each element, by its id
	people   map[int64]store.Person
}

// apiTerms are an organisation's role and working-form terms, by id and by key.
type apiTerms struct {
	key map[int64]string
	id  map[string]map[string]int64 // vocabulary → key → id
}

// apiTerms are the organisation's terms, from its register choices (kept while its records
// stay as they are).
func (s *Server) apiTerms(ctx context.Context, orgID int64) (apiTerms, error) {
	c, err := s.registerChoices(ctx, orgID)
	if err != nil {
		return apiTerms{}, err
	}
	return c.terms, nil
}

func newAPITerms(vocabularies map[string][]utsyn.Term) apiTerms {
	t := apiTerms{key: map[int64]string{}, id: map[string]map[string]int64{}}
	for vocab, terms := range vocabularies {
		t.id[vocab] = map[string]int64{}
		for _, term := range terms {
			t.key[term.ID] = term.Key
			t.id[vocab][term.Key] = term.ID
		}
	}
	return t
}

func (s *Server) apiEngagementView(ctx context.Context, org *utsyn.Organisation, member bool, es ...*utsyn.Engagement) (*apiEngagementView, error) {
	c, err := s.registerChoices(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	v := &apiEngagementView{org: org, member: member, terms: c.terms, strategy: c.strategy}
	var people []int64
	for _, e := range es {
		if e.Responsible != 0 {
			people = append(people, e.Responsible)
		}
	}
	if member {
		if v.people, err = s.db.People(ctx, people); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *apiEngagementView) termKey(id int64) *string {
	if k, ok := v.terms.key[id]; ok {
		return &k
	}
	return nil
}

func (v *apiEngagementView) engagement(e *utsyn.Engagement) apiEngagement {
	org := v.org.Slug
	a := apiEngagement{ID: e.ID, Organisation: org, Kind: e.Kind, Title: e.Title, Acronym: e.Acronym, Description: e.Description,
		Status: e.Status, Start: e.Start, End: e.End, Programme: e.Programme, Call: e.Call, Role: v.termKey(e.RoleTermID),
		WorkingForm: v.termKey(e.FormTermID), Public: e.Public, Example: e.Example, Tags: e.Tags, SDGs: e.SDGs,
		ExternalIDs: e.ExternalIDs, WebLinks: e.Links, Elements: []apiElementRef{}, Partners: []apiPartner{},
		Version: e.Version, CreatedAt: e.CreatedAt.UTC().Format(timeFormat), UpdatedAt: e.UpdatedAt.UTC().Format(timeFormat),
		Links: apiEngagementLinks{Self: apiEngagementPath(org, e.ID), Money: apiEngagementPath(org, e.ID) + "/money"}}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.SDGs == nil {
		a.SDGs = []int{}
	}
	if a.ExternalIDs == nil {
		a.ExternalIDs = map[string]string{}
	}
	if a.WebLinks == nil {
		a.WebLinks = []utsyn.Link{}
	}
	for _, el := range e.Elements {
		st, ok := v.strategy[el.ElementID]
		if !ok || !st.Published && !v.member { // an unpublished strategy's elements are not told
			continue
		}
		a.Elements = append(a.Elements, apiElementRef{ID: el.ElementID, Strategy: st.Slug, Code: el.Code, Title: el.Title, Primary: el.Primary})
	}
	for _, p := range e.Partners {
		a.Partners = append(a.Partners, apiPartner{Role: p.Role, Actor: toAPIActorSummary(org, p.Actor)})
	}
	if m := e.Membership; m != nil {
		am := &apiMembership{DecisionBody: m.DecisionBody, DecisionDate: m.DecisionDate, DecisionCase: m.DecisionCase,
			RenewalDate: m.RenewalDate, Seats: m.Seats, Reviews: m.Reviews}
		if m.AnnualFee.Currency != "" {
			fee := toAPIMoney(m.AnnualFee)
			am.AnnualFee = &fee
		}
		if am.Seats == nil {
			am.Seats = []utsyn.Seat{}
		}
		if am.Reviews == nil {
			am.Reviews = []utsyn.Review{}
		}
		a.Membership = am
	}
	if v.member {
		a.Internal = &apiEngagementInternal{Unit: e.Unit}
		if e.Responsible != 0 {
			p := v.people[e.Responsible]
			a.Internal.Responsible = &apiPerson{Email: p.Email, Name: p.Name}
		}
	}
	return a
}

// ---- Input ----

// What a write accepts is what a read gives: a record read with GET can be changed and sent
// back. Read-only properties (ids of the record itself, times, links, the names of what it
// refers to) are accepted and ignored; a property the record does not have is refused.

type apiEngagementInput struct {
	ID           json.RawMessage             `json:"id"`
	Organisation json.RawMessage             `json:"organisation"`
	CreatedAt    json.RawMessage             `json:"created_at"`
	UpdatedAt    json.RawMessage             `json:"updated_at"`
	Links        json.RawMessage             `json:"links"`
	Kind         string                      `json:"kind"`
	Title        utsyn.Text                  `json:"title"`
	Acronym      string                      `json:"acronym"`
	Description  utsyn.Text                  `json:"description"`
	Status       string                      `json:"status"`
	Start        *string                     `json:"start"`
	End          *string                     `json:"end"`
	Programme    string                      `json:"programme"`
	Call         string                      `json:"call"`
	Role         *string                     `json:"role"`
	WorkingForm  *string                     `json:"working_form"`
	Public       bool                        `json:"public"`
	Example      bool                        `json:"example"`
	Tags         []string                    `json:"tags"`
	SDGs         []int                       `json:"sdgs"`
	ExternalIDs  map[string]string           `json:"external_ids"`
	WebLinks     []utsyn.Link                `json:"web_links"`
	Elements     []apiElementRefInput        `json:"elements"`
	Partners     []apiPartnerInput           `json:"partners"`
	Membership   *apiMembershipInput         `json:"membership"`
	Internal     *apiEngagementInternalInput `json:"internal"`
	Version      int                         `json:"version"`
}

type apiElementRefInput struct {
	ID       int64           `json:"id"`
	Primary  bool            `json:"primary"`
	Strategy json.RawMessage `json:"strategy"`
	Code     json.RawMessage `json:"code"`
	Title    json.RawMessage `json:"title"`
}

type apiPartnerInput struct {
	Role  string           `json:"role"`
	Actor apiActorRefInput `json:"actor"`
}

// apiActorRefInput refers to an actor by id; the rest of an actor's summary is accepted and ignored.
type apiActorRefInput struct {
	ID        int64           `json:"id"`
	Name      json.RawMessage `json:"name"`
	Country   json.RawMessage `json:"country"`
	Region    json.RawMessage `json:"region"`
	Type      json.RawMessage `json:"type"`
	OrgNumber json.RawMessage `json:"org_number"`
	PIC       json.RawMessage `json:"pic"`
	Website   json.RawMessage `json:"website"`
	Version   json.RawMessage `json:"version"`
	Links     json.RawMessage `json:"links"`
}

type apiMembershipInput struct {
	AnnualFee    *apiMoney        `json:"annual_fee"`
	DecisionBody string           `json:"decision_body"`
	DecisionDate *string          `json:"decision_date"`
	DecisionCase string           `json:"decision_case"`
	RenewalDate  *string          `json:"renewal_date"`
	Seats        []utsyn.Seat     `json:"seats"`
	Reviews      []apiReviewInput `json:"reviews"`
}

type apiReviewInput struct {
	Date      *string    `json:"date"`
	Outcome   string     `json:"outcome"`
	Rationale utsyn.Text `json:"rationale"`
}

type apiEngagementInternalInput struct {
	Unit        string          `json:"unit"`
	Responsible *apiPersonInput `json:"responsible"`
}

type apiPersonInput struct {
	Email string          `json:"email"`
	Name  json.RawMessage `json:"name"`
}

// toEngagementInput is the input that would store e as it is: what a PATCH changes.
func (v *apiEngagementView) toEngagementInput(e *utsyn.Engagement) *apiEngagementInput {
	a := v.engagement(e)
	in := &apiEngagementInput{Kind: a.Kind, Title: a.Title, Acronym: a.Acronym, Description: a.Description, Status: a.Status,
		Start: apiDateInput(a.Start), End: apiDateInput(a.End), Programme: a.Programme, Call: a.Call, Role: a.Role,
		WorkingForm: a.WorkingForm, Public: a.Public, Example: a.Example, Tags: a.Tags, SDGs: a.SDGs,
		ExternalIDs: a.ExternalIDs, WebLinks: a.WebLinks, Version: a.Version}
	for _, el := range e.Elements { // every link, also to elements of unpublished strategies
		in.Elements = append(in.Elements, apiElementRefInput{ID: el.ElementID, Primary: el.Primary})
	}
	for _, p := range e.Partners {
		in.Partners = append(in.Partners, apiPartnerInput{Role: p.Role, Actor: apiActorRefInput{ID: p.ActorID}})
	}
	if m := a.Membership; m != nil {
		in.Membership = &apiMembershipInput{AnnualFee: m.AnnualFee, DecisionBody: m.DecisionBody, DecisionDate: apiDateInput(m.DecisionDate),
			DecisionCase: m.DecisionCase, RenewalDate: apiDateInput(m.RenewalDate), Seats: m.Seats}
		for _, r := range m.Reviews {
			in.Membership.Reviews = append(in.Membership.Reviews, apiReviewInput{Date: apiDateInput(r.Date), Outcome: r.Outcome, Rationale: r.Rationale})
		}
	}
	if a.Internal != nil {
		in.Internal = &apiEngagementInternalInput{Unit: a.Internal.Unit}
		if p := a.Internal.Responsible; p != nil {
			in.Internal.Responsible = &apiPersonInput{Email: p.Email}
		}
	}
	return in
}

func apiDateInput(d utsyn.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func apiDate(p *utsyn.Problems, field string, s *string) utsyn.Date {
	if s == nil {
		return utsyn.Date{}
	}
	d, err := utsyn.ParseDate(*s)
	if err != nil || *s == "" {
		p.Add(field, "error.date")
	}
	return d
}

var apiLanguageKey = regexp.MustCompile(`^[a-z]{2,3}$`)

// apiText drops the languages a text is empty in, and refuses keys that are no language code.
func apiText(p *utsyn.Problems, field string, t utsyn.Text) utsyn.Text {
	out := utsyn.Text{}
	for lang, s := range t {
		if !apiLanguageKey.MatchString(lang) {
			p.Add(field, "error.language")
			continue
		}
		if strings.TrimSpace(s) != "" {
			out[lang] = s
		}
	}
	return out
}

// apiEngagementFrom turns the input into an engagement of the organisation, or says what is wrong
// with it, field by field.
func (s *Server) apiEngagementFrom(ctx context.Context, org *utsyn.Organisation, terms apiTerms, in *apiEngagementInput) (*utsyn.Engagement, error) {
	var p utsyn.Problems
	e := &utsyn.Engagement{OrgID: org.ID, Kind: in.Kind, Title: apiText(&p, "title", in.Title), Acronym: in.Acronym,
		Description: apiText(&p, "description", in.Description), Status: in.Status, Start: apiDate(&p, "start", in.Start),
		End: apiDate(&p, "end", in.End), Programme: in.Programme, Call: in.Call, Public: in.Public, Example: in.Example,
		Tags: in.Tags, SDGs: in.SDGs, ExternalIDs: in.ExternalIDs, Links: in.WebLinks, Version: in.Version}
	if e.ExternalIDs == nil {
		e.ExternalIDs = map[string]string{}
	}
	for field, ref := range map[string]struct {
		key   *string
		vocab string
		id    *int64
	}{"role": {in.Role, utsyn.VocabRole, &e.RoleTermID}, "working_form": {in.WorkingForm, utsyn.VocabWorkingForm, &e.FormTermID}} {
		if ref.key == nil {
			continue
		}
		if id, ok := terms.id[ref.vocab][*ref.key]; ok {
			*ref.id = id
		} else {
			p.Add(field, "error.reference")
		}
	}
	for _, el := range in.Elements {
		e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: el.ID, Primary: el.Primary})
	}
	for _, pa := range in.Partners {
		e.Partners = append(e.Partners, utsyn.Partner{ActorID: pa.Actor.ID, Role: pa.Role})
	}
	if m := in.Membership; m != nil {
		if in.Kind != utsyn.KindMembership {
			p.Add("membership", "error.membership_kind")
		}
		e.Membership = &utsyn.MembershipFacts{DecisionBody: m.DecisionBody, DecisionCase: m.DecisionCase, Seats: m.Seats,
			DecisionDate: apiDate(&p, "membership.decision_date", m.DecisionDate),
			RenewalDate:  apiDate(&p, "membership.renewal_date", m.RenewalDate)}
		if m.AnnualFee != nil {
			e.Membership.AnnualFee = m.AnnualFee.money(&p, "membership.annual_fee")
		}
		for i, r := range m.Reviews {
			e.Membership.Reviews = append(e.Membership.Reviews, utsyn.Review{Outcome: r.Outcome,
				Date:      apiDate(&p, fmt.Sprintf("membership.reviews.%d.date", i), r.Date),
				Rationale: apiText(&p, fmt.Sprintf("membership.reviews.%d.rationale", i), r.Rationale)})
		}
	}
	if in.Internal != nil {
		e.Unit = in.Internal.Unit
		if r := in.Internal.Responsible; r != nil {
			u, err := s.db.FindUserByEmail(ctx, r.Email)
			if utsyn.IsNotFound(err) || err == nil && u.RoleIn(org.ID) == "" {
				p.Add("internal.responsible", "error.responsible")
			} else if err != nil {
				return nil, err
			} else {
				e.Responsible = u.ID
			}
		}
	}
	return e, p.Err()
}

type apiMoneyInput struct {
	ID           json.RawMessage `json:"id"`
	EngagementID json.RawMessage `json:"engagement_id"`
	Links        json.RawMessage `json:"links"`
	Year         int             `json:"year"`
	Kind         string          `json:"kind"`
	Amount       *apiMoney       `json:"amount"`
	Hours        float64         `json:"hours"`
	HourlyRate   *apiMoney       `json:"hourly_rate"`
	Funder       *apiFunderInput `json:"funder"`
	Internal     *struct {
		Note string `json:"note"`
	} `json:"internal"`
	Version int `json:"version"`
}

type apiFunderInput struct {
	ID   int64           `json:"id"`
	Name json.RawMessage `json:"name"`
}

func toAPIMoneyInput(m *utsyn.MoneyLine) *apiMoneyInput {
	a := toAPIMoneyLine("", m, true)
	in := &apiMoneyInput{Year: a.Year, Kind: a.Kind, Amount: &a.Amount, Hours: a.Hours, HourlyRate: a.HourlyRate, Version: a.Version}
	if a.Funder != nil {
		in.Funder = &apiFunderInput{ID: a.Funder.ID}
	}
	in.Internal = &struct {
		Note string `json:"note"`
	}{Note: m.Note}
	return in
}

// moneyLine turns the input into a money line, or says what is wrong with it. The amount of own
// hours is worked out by the store (hours × rate), in the rate's currency.
func (in *apiMoneyInput) moneyLine() (*utsyn.MoneyLine, error) {
	var p utsyn.Problems
	m := &utsyn.MoneyLine{Year: in.Year, Kind: in.Kind, Hours: in.Hours, Version: in.Version}
	if in.Kind == utsyn.MoneyOwnHours {
		if in.HourlyRate == nil {
			p.Add("hourly_rate", "error.required")
		} else {
			m.HourlyRate = in.HourlyRate.money(&p, "hourly_rate")
			m.Amount.Currency = m.HourlyRate.Currency
		}
	} else {
		if in.Amount == nil {
			p.Add("amount", "error.required")
		} else {
			m.Amount = in.Amount.money(&p, "amount")
		}
		if in.Hours != 0 || in.HourlyRate != nil {
			p.Add("hours", "error.hours_only")
		}
	}
	if in.Funder != nil {
		m.FunderID = in.Funder.ID
	}
	if in.Internal != nil {
		m.Note = in.Internal.Note
	}
	return m, p.Err()
}

type apiActorInput struct {
	ID        json.RawMessage `json:"id"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	Links     json.RawMessage `json:"links"`
	Name      string          `json:"name"`
	Country   string          `json:"country"`
	Region    string          `json:"region"`
	Type      string          `json:"type"`
	OrgNumber string          `json:"org_number"`
	PIC       string          `json:"pic"`
	Website   string          `json:"website"`
	Version   int             `json:"version"`
}

func toAPIActorInput(a *utsyn.Actor) *apiActorInput {
	return &apiActorInput{Name: a.Name, Country: a.Country, Region: a.Region, Type: a.Type, OrgNumber: a.OrgNumber, PIC: a.PIC,
		Website: a.Website, Version: a.Version}
}

func (in *apiActorInput) actor(orgID int64) *utsyn.Actor {
	return &utsyn.Actor{OrgID: orgID, Name: in.Name, Country: in.Country, Region: strings.TrimSpace(in.Region), Type: in.Type,
		OrgNumber: strings.TrimSpace(in.OrgNumber), PIC: strings.TrimSpace(in.PIC), Website: strings.TrimSpace(in.Website),
		Version: in.Version}
}

// apiReadBody reads a request's JSON body, bounded by the middleware to 1 MB.
func apiReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.too_large"}
	} else if err != nil {
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.json"}
	}
	return b, nil
}

// apiDecode decodes a JSON object into v, which may hold values already (a PATCH decodes onto
// the record as it is): a property of the wrong type, or one v does not have, is refused on its
// field.
func apiDecode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, more := dec.Token(); more != io.EOF {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.json"}
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.json_object"}
	case errors.As(err, &typeErr):
		return (&utsyn.Problems{{Field: typeErr.Field, Message: "error.json_type." + apiJSONKind(typeErr.Type)}}).Err()
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		name := strings.TrimSuffix(strings.TrimPrefix(err.Error(), `json: unknown field "`), `"`)
		return (&utsyn.Problems{{Field: name, Message: "error.unknown_field"}}).Err()
	}
	return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.json"}
}

// apiJSONKind names the JSON type a Go type is read from.
func apiJSONKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// apiVersion returns the version the caller read: If-Match ("3") when given, else the body's
// "version". required says whether a write without either is refused.
func apiVersion(r *http.Request, body []byte, required bool) (int, error) {
	if h := strings.TrimSpace(r.Header.Get("If-Match")); h != "" {
		n, err := strconv.Atoi(strings.Trim(h, `"`))
		if err != nil || n < 1 || len(h) < 3 || h[0] != '"' || h[len(h)-1] != '"' {
			return 0, (&utsyn.Problems{{Field: "version", Message: "error.if_match"}}).Err()
		}
		return n, nil
	}
	var v struct {
		Version *int `json:"version"`
	}
	if len(body) > 0 {
		json.Unmarshal(body, &v) // its errors were told by apiDecode
	}
	if v.Version == nil || *v.Version == 0 {
		if required {
			return 0, (&utsyn.Problems{{Field: "version", Message: "error.version_required"}}).Err()
		}
		return 0, nil
	}
	return *v.Version, nil
}

func apiETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ---- Errors ----

// apiConflict is a refusal that carries a record for the caller to start again from: the
// record as it is now (a stale version), the actor already registered, or the engagements
// that use an actor.
type apiConflict struct {
	err   error
	key   string // "current", "existing" or "engagements"
	value any
	args  []any // for the message
}

func (e *apiConflict) Error() string { return e.err.Error() }
func (e *apiConflict) Unwrap() error { return e.err }

// apiFieldNames renames the fields the store names to the API's, where they differ.
var apiFieldNames = map[string]string{
	"period_end": "end", "links": "web_links", "unit": "internal.unit", "responsible": "internal.responsible",
	"annual_fee": "membership.annual_fee", "seats": "membership.seats", "reviews": "membership.reviews",
	"note": "internal.note", "currency": "amount.currency",
}

func apiFieldName(field string) string {
	if scheme, ok := strings.CutPrefix(field, "external_"); ok {
		return "external_ids." + scheme
	}
	if name, ok := apiFieldNames[field]; ok {
		return name
	}
	return field
}

// apiRegisterError answers an error of the register's API: a conflict with its record, an
// invalid input with a message per field, anything else as api does.
func (s *Server) apiRegisterError(w http.ResponseWriter, r *http.Request, err error) {
	if utsyn.ErrorCode(err) == utsyn.EUNAUTHORIZED && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="utsyn"`)
	}
	var ue *utsyn.Error
	if !errors.As(err, &ue) {
		s.apiError(w, r, err)
		return
	}
	if c, ok := errors.AsType[*apiConflict](err); ok {
		lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
		writeJSON(w, r, http.StatusConflict, map[string]any{
			"error": apiErrorDetail{Code: utsyn.ECONFLICT, Message: s.cat.T(lang, ue.Message, c.args...)},
			c.key:   c.value,
		})
		return
	}
	if ue.Code == utsyn.EINVALID && len(ue.Problems) == 0 && ue.Field != "" { // one field's problem: told as such
		ue = &utsyn.Error{Code: ue.Code, Message: "error.invalid", Problems: utsyn.Problems{{Field: ue.Field, Message: ue.Message}}}
	}
	s.apiError(w, r, ue)
}

// apiUpdate runs a write as the caller (db.UpdateAs), and names the fields of an invalid
// input as the API does.
func (s *Server) apiUpdate(ctx context.Context, c *utsyn.Principal, fn func(tx *store.Tx) error) error {
	err := s.db.UpdateAs(ctx, c, fn)
	ue, ok := errors.AsType[*utsyn.Error](err)
	if !ok || ue.Code != utsyn.EINVALID {
		return err
	}
	out := &utsyn.Error{Code: ue.Code, Message: ue.Message, Field: apiFieldName(ue.Field)}
	for _, p := range ue.Problems {
		out.Problems = append(out.Problems, utsyn.Problem{Field: apiFieldName(p.Field), Message: p.Message})
	}
	return out
}

// ---- Requests and answers ----

// apiReply is a register handler's answer.
type apiReply struct {
	status   int // 200 when zero
	body     any // nil for 204
	etag     string
	location string
}

type apiRegisterHandler func(r *http.Request) (apiReply, error)

// apiRegister serves a route of the register's API: the caller from its bearer token (as api
// does), the reply with its status and headers, or the error.
func (s *Server) apiRegister(h apiRegisterHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.bearer(r)
		if err != nil {
			if statusOf(err) == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="utsyn", error="invalid_token"`)
			}
			s.apiRegisterError(w, r, err)
			return
		}
		r = r.WithContext(withCaller(r.Context(), caller))
		rep, err := h(r)
		if err != nil {
			s.apiRegisterError(w, r, err)
			return
		}
		if rep.etag != "" {
			w.Header().Set("ETag", rep.etag)
		}
		if rep.location != "" {
			w.Header().Set("Location", rep.location)
		}
		if rep.body == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, r, cmp.Or(rep.status, http.StatusOK), rep.body)
	}
}

// apiRequireRole refuses an anonymous caller (401) and one without the role in the organisation (403).
func apiRequireRole(r *http.Request, orgID int64, role utsyn.Role) (*utsyn.Principal, error) {
	c := callerFrom(r)
	if c == nil {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.unauthorized"}
	}
	if !c.Can(orgID, role) {
		return nil, &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.forbidden"}
	}
	return c, nil
}

// apiMayChange says whether the caller may change the engagement (and its money): an editor may
// change any, a contributor those they are responsible for.
func apiMayChange(c *utsyn.Principal, e *utsyn.Engagement) error {
	if c.Can(e.OrgID, utsyn.RoleEditor) || c.Can(e.OrgID, utsyn.RoleContributor) && c.User != nil && c.User.ID == e.Responsible {
		return nil
	}
	return &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.forbidden_not_responsible"}
}

func apiPathID(r *http.Request, kind string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found." + kind}
	}
	return id, nil
}

func (s *Server) apiPathOrg(r *http.Request) (*utsyn.Organisation, error) {
	return s.db.FindOrganisation(r.Context(), r.PathValue("org"))
}

func apiMember(r *http.Request, orgID int64) bool { return callerFrom(r).Can(orgID, utsyn.RoleReader) }

// The answers for records the caller may not see: the same as for records that do not exist.
var (
	errAPIEngagementNotFound = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.engagement"}
	errAPIActorNotFound      = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.actor"}
	errAPIMoneyNotFound      = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.money"}
)

// ---- Engagements ----

// apiListParams are the query parameters of the engagement list.
var apiListParams = []string{"org", "q", "kind", "status", "element", "country", "programme", "role", "year", "responsible", "sort", "after", "limit"}

// apiEngagements lists engagements, a page at a time: GET /engagements?org=… and
// GET /organisations/{org}/engagements.
func (s *Server) apiEngagements(r *http.Request) (apiReply, error) {
	ctx := store.OneChangeStamp(r.Context()) // the list and its terms in one state of the records
	q := r.URL.Query()
	var p utsyn.Problems
	allowed := apiListParams
	if r.PathValue("org") != "" {
		allowed = apiListParams[1:] // the path names the organisation
	}
	for name := range q {
		if !slices.Contains(allowed, name) {
			p.Add(name, "error.unknown_parameter")
		}
	}
	if err := p.Err(); err != nil {
		return apiReply{}, err
	}
	org, err := s.apiListOrg(ctx, r)
	if err != nil {
		return apiReply{}, err
	}
	member := apiMember(r, org.ID)
	f := store.EngagementFilter{OrgID: org.ID, PublicOnly: !member, Query: q.Get("q"), Programme: q.Get("programme"),
		Sort: q.Get("sort"), After: q.Get("after"), Count: true}
	for _, k := range q["kind"] {
		if !slices.Contains(utsyn.EngagementKinds, k) {
			p.Add("kind", "error.kind")
		}
		f.Kinds = append(f.Kinds, k)
	}
	for _, st := range q["status"] {
		if !slices.Contains(utsyn.EngagementStatuses, st) {
			p.Add("status", "error.status")
		}
		f.Statuses = append(f.Statuses, st)
	}
	var elements []int64
	for _, v := range q["element"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			p.Add("element", "error.reference")
		}
		elements = append(elements, id)
	}
	if c := q.Get("country"); c != "" {
		if country, ok := places.Lookup(c); ok {
			f.Country = country.Code
		} else {
			p.Add("country", "error.country")
		}
	}
	if key := q.Get("role"); key != "" {
		terms, err := s.apiTerms(ctx, org.ID)
		if err != nil {
			return apiReply{}, err
		}
		if f.RoleTermID = terms.id[utsyn.VocabRole][key]; f.RoleTermID == 0 {
			p.Add("role", "error.reference")
		}
	}
	if y := q.Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil || f.Year < 1990 || f.Year > 2100 {
			p.Add("year", "error.year")
		}
	}
	if l := q.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 200 {
			p.Add("limit", "error.limit")
		}
	}
	if who := q.Get("responsible"); who != "" {
		// Who is responsible is internal: only the organisation's own tokens may ask.
		c, err := apiRequireRole(r, org.ID, utsyn.RoleReader)
		if err != nil {
			return apiReply{}, err
		}
		if who == "me" {
			f.Responsible = c.User.ID
		} else if u, err := s.db.FindUserByEmail(ctx, who); err == nil && u.RoleIn(org.ID) != "" {
			f.Responsible = u.ID
		} else if err != nil && !utsyn.IsNotFound(err) {
			return apiReply{}, err
		} else {
			p.Add("responsible", "error.responsible")
		}
	}
	if err := p.Err(); err != nil {
		return apiReply{}, err
	}
	if len(elements) > 0 {
		if f.ElementIDs, err = s.db.ElementScope(ctx, org.ID, elements, !member); err != nil {
			return apiReply{}, err
		}
	}
	c, err := s.registerChoices(ctx, org.ID)
	if err != nil {
		return apiReply{}, err
	}
	// The page is the same for everyone who may see what the filter says they may (PublicOnly),
	// and is kept encoded for the state of the records.
	body, err := c.writtenOf(fmt.Sprintf("api %+v", f), func() (string, error) {
		page, err := s.db.ListEngagements(ctx, f)
		if err != nil {
			return "", err
		}
		view, err := s.apiEngagementView(ctx, org, member, page.Items...)
		if err != nil {
			return "", err
		}
		out := apiEngagementPage{Items: []apiEngagement{}, Next: apiCursor(page.Next), Total: page.Total, More: page.More}
		for _, e := range page.Items {
			out.Items = append(out.Items, view.engagement(e))
		}
		b, err := json.Marshal(out)
		return string(b) + "\n", err
	})
	if err != nil {
		return apiReply{}, err
	}
	return apiReply{body: encodedJSON(body)}, nil
}

// apiListOrg is the organisation of GET /engagements: the path's, the "org" parameter's, or the
// caller's token's. An anonymous caller must name one.
func (s *Server) apiListOrg(ctx context.Context, r *http.Request) (*utsyn.Organisation, error) {
	slug := r.PathValue("org")
	if slug == "" {
		slug = r.URL.Query().Get("org")
	}
	if slug == "" {
		c := callerFrom(r)
		if c == nil {
			return nil, (&utsyn.Problems{{Field: "org", Message: "error.org_required"}}).Err()
		}
		for _, m := range c.User.Memberships {
			if m.OrgID == c.OrgID {
				slug = m.OrgSlug
			}
		}
	}
	org, err := s.db.FindOrganisation(ctx, slug) // with its stamp, in ctx
	if utsyn.IsNotFound(err) && r.PathValue("org") == "" {
		return nil, (&utsyn.Problems{{Field: "org", Message: "error.not_found.organisation"}}).Err()
	}
	return org, err
}

// apiEngagementReply answers with the engagement as the caller may see it.
func (s *Server) apiEngagementReply(ctx context.Context, org *utsyn.Organisation, member bool, e *utsyn.Engagement, status int) (apiReply, error) {
	view, err := s.apiEngagementView(ctx, org, member, e)
	if err != nil {
		return apiReply{}, err
	}
	rep := apiReply{status: status, body: view.engagement(e), etag: apiETag(e.Version)}
	if status == http.StatusCreated {
		rep.location = apiEngagementPath(org.Slug, e.ID)
	}
	return rep, nil
}

// apiVisibleEngagement finds an engagement of the organisation in the path that the caller may see.
func (s *Server) apiVisibleEngagement(r *http.Request) (*utsyn.Organisation, *utsyn.Engagement, error) {
	org, err := s.apiPathOrg(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := apiPathID(r, "engagement")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.db.FindEngagement(r.Context(), org.ID, id)
	if err != nil {
		return nil, nil, err
	}
	if !e.Public && !apiMember(r, org.ID) {
		return nil, nil, errAPIEngagementNotFound
	}
	return org, e, nil
}

func (s *Server) apiEngagement(r *http.Request) (apiReply, error) {
	org, e, err := s.apiVisibleEngagement(r)
	if err != nil {
		return apiReply{}, err
	}
	return s.apiEngagementReply(r.Context(), org, apiMember(r, org.ID), e, http.StatusOK)
}

// apiWriter returns the organisation in the path and the caller, refused (401, 403) unless they
// have at least the role there.
func (s *Server) apiWriter(r *http.Request, role utsyn.Role) (*utsyn.Organisation, *utsyn.Principal, error) {
	org, err := s.apiPathOrg(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := apiRequireRole(r, org.ID, role)
	return org, c, err
}

// apiChange is a write to one record: the organisation, the caller, the record's id, and the
// body, read once the caller may write.
type apiChange struct {
	org  *utsyn.Organisation
	c    *utsyn.Principal
	id   int64
	body []byte
}

// apiChangeOf checks that the caller may write with the role and reads the request.
func (s *Server) apiChangeOf(r *http.Request, role utsyn.Role, kind string) (*apiChange, error) {
	org, c, err := s.apiWriter(r, role)
	if err != nil {
		return nil, err
	}
	id, err := apiPathID(r, kind)
	if err != nil {
		return nil, err
	}
	body, err := apiReadBody(r)
	if err != nil {
		return nil, err
	}
	return &apiChange{org: org, c: c, id: id, body: body}, nil
}

// version is the version the change starts from; a PUT or PATCH must give it, a DELETE may.
func (ch *apiChange) version(r *http.Request) (int, error) {
	return apiVersion(r, ch.body, r.Method != http.MethodDelete)
}

// errAPIStale is a stale version refused by the API itself (a DELETE with If-Match).
var errAPIStale = &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}

// deletable refuses a DELETE whose If-Match is not the record's version; other methods pass.
func (ch *apiChange) deletable(r *http.Request, current int) error {
	if r.Method != http.MethodDelete {
		return nil
	}
	if v, err := ch.version(r); err != nil {
		return err
	} else if v != 0 && v != current {
		return errAPIStale
	}
	return nil
}

func (s *Server) apiCreateEngagement(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	org, c, err := s.apiWriter(r, utsyn.RoleContributor)
	if err != nil {
		return apiReply{}, err
	}
	body, err := apiReadBody(r)
	if err != nil {
		return apiReply{}, err
	}
	in := &apiEngagementInput{}
	if err := apiDecode(body, in); err != nil {
		return apiReply{}, err
	}
	terms, err := s.apiTerms(ctx, org.ID)
	if err != nil {
		return apiReply{}, err
	}
	e, err := s.apiEngagementFrom(ctx, org, terms, in)
	if err != nil {
		return apiReply{}, err
	}
	if in.Internal == nil || in.Internal.Responsible == nil {
		e.Responsible = c.User.ID // someone is responsible: by default, whoever registers it
	}
	if err := s.apiUpdate(ctx, c, func(tx *store.Tx) error { return tx.CreateEngagement(ctx, e) }); err != nil {
		return apiReply{}, err
	}
	if e, err = s.db.FindEngagement(ctx, org.ID, e.ID); err != nil {
		return apiReply{}, err
	}
	return s.apiEngagementReply(ctx, org, true, e, http.StatusCreated)
}

// apiChangeEngagement runs fn on an engagement the caller may change (apiMayChange), in one
// transaction with the check, and adds the engagement as it is now to a stale version's
// conflict.
func (s *Server) apiChangeEngagement(r *http.Request, fn func(tx *store.Tx, ch *apiChange, cur *utsyn.Engagement) error) (*apiChange, error) {
	ctx := r.Context()
	ch, err := s.apiChangeOf(r, utsyn.RoleContributor, "engagement")
	if err != nil {
		return nil, err
	}
	err = s.apiUpdate(ctx, ch.c, func(tx *store.Tx) error {
		cur, err := tx.FindEngagement(ctx, ch.org.ID, ch.id)
		if err != nil {
			return err
		}
		if err := apiMayChange(ch.c, cur); err != nil {
			return err
		}
		return fn(tx, ch, cur)
	})
	if utsyn.ErrorCode(err) != utsyn.ECONFLICT {
		return ch, err
	}
	cur, ferr := s.db.FindEngagement(ctx, ch.org.ID, ch.id)
	if ferr != nil {
		return nil, ferr
	}
	view, ferr := s.apiEngagementView(ctx, ch.org, true, cur)
	if ferr != nil {
		return nil, ferr
	}
	return nil, &apiConflict{err: err, key: "current", value: view.engagement(cur)}
}

// apiUpdateEngagement replaces an engagement (PUT) or changes the properties the body gives
// (PATCH, onto the engagement as it is): texts and external ids merge by key, every other
// property given replaces the stored one.
func (s *Server) apiUpdateEngagement(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	ch, err := s.apiChangeEngagement(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.Engagement) error {
		view, err := s.apiEngagementView(ctx, ch.org, true, cur)
		if err != nil {
			return err
		}
		in := &apiEngagementInput{}
		if r.Method == http.MethodPatch {
			in = view.toEngagementInput(cur)
		}
		if err := apiDecode(ch.body, in); err != nil {
			return err
		}
		v, err := ch.version(r)
		if err != nil {
			return err
		}
		e, err := s.apiEngagementFrom(ctx, ch.org, view.terms, in)
		if err != nil {
			return err
		}
		e.ID, e.Version = cur.ID, v
		return tx.UpdateEngagement(ctx, e)
	})
	if err != nil {
		return apiReply{}, err
	}
	e, err := s.db.FindEngagement(ctx, ch.org.ID, ch.id)
	if err != nil {
		return apiReply{}, err
	}
	return s.apiEngagementReply(ctx, ch.org, true, e, http.StatusOK)
}

func (s *Server) apiDeleteEngagement(r *http.Request) (apiReply, error) {
	_, err := s.apiChangeEngagement(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.Engagement) error {
		v, err := ch.version(r)
		if err != nil {
			return err
		}
		if v == 0 {
			v = cur.Version // deleted as the caller was allowed to change it
		}
		return tx.DeleteEngagement(r.Context(), ch.org.ID, cur.ID, v)
	})
	return apiReply{}, err
}

// ---- Money ----

func (s *Server) apiMoneyLines(r *http.Request) (apiReply, error) {
	org, e, err := s.apiVisibleEngagement(r)
	if err != nil {
		return apiReply{}, err
	}
	lines, err := s.db.ListMoneyLines(r.Context(), org.ID, e.ID)
	if err != nil {
		return apiReply{}, err
	}
	member := apiMember(r, org.ID)
	out := apiList[apiMoneyLine]{Items: []apiMoneyLine{}}
	for _, m := range lines {
		out.Items = append(out.Items, toAPIMoneyLine(org.Slug, m, member))
	}
	return apiReply{body: out}, nil
}

func (s *Server) apiMoneyLine(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	org, err := s.apiPathOrg(r)
	if err != nil {
		return apiReply{}, err
	}
	id, err := apiPathID(r, "money")
	if err != nil {
		return apiReply{}, err
	}
	m, err := s.db.FindMoneyLine(ctx, org.ID, id)
	if err != nil {
		return apiReply{}, err
	}
	member := apiMember(r, org.ID)
	if !member {
		if e, err := s.db.FindEngagement(ctx, org.ID, m.EngagementID); err != nil {
			return apiReply{}, err
		} else if !e.Public {
			return apiReply{}, errAPIMoneyNotFound
		}
	}
	return apiReply{body: toAPIMoneyLine(org.Slug, m, member), etag: apiETag(m.Version)}, nil
}

func (s *Server) apiCreateMoneyLine(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	var m *utsyn.MoneyLine
	ch, err := s.apiChangeEngagement(r, func(tx *store.Tx, ch *apiChange, e *utsyn.Engagement) error {
		in := &apiMoneyInput{}
		if err := apiDecode(ch.body, in); err != nil {
			return err
		}
		var err error
		if m, err = in.moneyLine(); err != nil {
			return err
		}
		m.EngagementID = e.ID
		return tx.CreateMoneyLine(ctx, ch.org.ID, m)
	})
	if err != nil {
		return apiReply{}, err
	}
	if m, err = s.db.FindMoneyLine(ctx, ch.org.ID, m.ID); err != nil {
		return apiReply{}, err
	}
	return apiReply{status: http.StatusCreated, body: toAPIMoneyLine(ch.org.Slug, m, true), etag: apiETag(m.Version),
		location: apiMoneyPath(ch.org.Slug, m.ID)}, nil
}

// apiChangeMoneyLine runs fn on a money line the caller may change (as its engagement), in one
// transaction with the check, and adds the line as it is now to a stale version's conflict.
func (s *Server) apiChangeMoneyLine(r *http.Request, fn func(tx *store.Tx, ch *apiChange, cur *utsyn.MoneyLine) error) (*apiChange, error) {
	ctx := r.Context()
	ch, err := s.apiChangeOf(r, utsyn.RoleContributor, "money")
	if err != nil {
		return nil, err
	}
	err = s.apiUpdate(ctx, ch.c, func(tx *store.Tx) error {
		cur, err := tx.FindMoneyLine(ctx, ch.org.ID, ch.id)
		if err != nil {
			return err
		}
		e, err := tx.FindEngagement(ctx, ch.org.ID, cur.EngagementID)
		if err != nil {
			return err
		}
		if err := apiMayChange(ch.c, e); err != nil {
			return err
		}
		if err := ch.deletable(r, cur.Version); err != nil {
			return err
		}
		return fn(tx, ch, cur)
	})
	if utsyn.ErrorCode(err) != utsyn.ECONFLICT {
		return ch, err
	}
	cur, ferr := s.db.FindMoneyLine(ctx, ch.org.ID, ch.id)
	if ferr != nil {
		return nil, ferr
	}
	return nil, &apiConflict{err: err, key: "current", value: toAPIMoneyLine(ch.org.Slug, cur, true)}
}

func (s *Server) apiUpdateMoneyLine(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	ch, err := s.apiChangeMoneyLine(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.MoneyLine) error {
		in := &apiMoneyInput{}
		if r.Method == http.MethodPatch {
			in = toAPIMoneyInput(cur)
		}
		if err := apiDecode(ch.body, in); err != nil {
			return err
		}
		m, err := in.moneyLine()
		if err != nil {
			return err
		}
		if m.Version, err = ch.version(r); err != nil {
			return err
		}
		m.ID = cur.ID
		return tx.UpdateMoneyLine(ctx, ch.org.ID, m)
	})
	if err != nil {
		return apiReply{}, err
	}
	m, err := s.db.FindMoneyLine(ctx, ch.org.ID, ch.id)
	if err != nil {
		return apiReply{}, err
	}
	return apiReply{body: toAPIMoneyLine(ch.org.Slug, m, true), etag: apiETag(m.Version)}, nil
}

func (s *Server) apiDeleteMoneyLine(r *http.Request) (apiReply, error) {
	_, err := s.apiChangeMoneyLine(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.MoneyLine) error {
		return tx.DeleteMoneyLine(r.Context(), ch.org.ID, cur.ID)
	})
	return apiReply{}, err
}

// ---- Actors ----

func (s *Server) apiActors(r *http.Request) (apiReply, error) {
	org, err := s.apiPathOrg(r)
	if err != nil {
		return apiReply{}, err
	}
	q := r.URL.Query()
	var p utsyn.Problems
	for name := range q {
		if !slices.Contains([]string{"q", "after", "limit"}, name) {
			p.Add(name, "error.unknown_parameter")
		}
	}
	f := store.ActorFilter{OrgID: org.ID, PublicOnly: !apiMember(r, org.ID), Query: q.Get("q"), After: q.Get("after")}
	if l := q.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 200 {
			p.Add("limit", "error.limit")
		}
	}
	if err := p.Err(); err != nil {
		return apiReply{}, err
	}
	page, err := s.db.ListActorPage(r.Context(), f)
	if err != nil {
		return apiReply{}, err
	}
	out := apiPage[apiActor]{Items: []apiActor{}, Next: apiCursor(page.Next)}
	for _, a := range page.Items {
		out.Items = append(out.Items, toAPIActor(org.Slug, a))
	}
	return apiReply{body: out}, nil
}

func (s *Server) apiActor(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	org, err := s.apiPathOrg(r)
	if err != nil {
		return apiReply{}, err
	}
	id, err := apiPathID(r, "actor")
	if err != nil {
		return apiReply{}, err
	}
	a, err := s.db.FindActor(ctx, org.ID, id)
	if err != nil {
		return apiReply{}, err
	}
	if !apiMember(r, org.ID) {
		if public, err := s.db.ActorIsPublic(ctx, org.ID, id); err != nil {
			return apiReply{}, err
		} else if !public {
			return apiReply{}, errAPIActorNotFound
		}
	}
	return apiReply{body: toAPIActor(org.Slug, a), etag: apiETag(a.Version)}, nil
}

// apiSameActor adds the actor already registered to the store's refusal of a duplicate.
func apiSameActor(org string, err error) error {
	if same, ok := errors.AsType[*store.SameActorError](err); ok {
		return &apiConflict{err: err, key: "existing", value: toAPIActor(org, same.Existing)}
	}
	return err
}

func (s *Server) apiCreateActor(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	org, c, err := s.apiWriter(r, utsyn.RoleContributor)
	if err != nil {
		return apiReply{}, err
	}
	body, err := apiReadBody(r)
	if err != nil {
		return apiReply{}, err
	}
	in := &apiActorInput{}
	if err := apiDecode(body, in); err != nil {
		return apiReply{}, err
	}
	a := in.actor(org.ID)
	if err := s.apiUpdate(ctx, c, func(tx *store.Tx) error { return tx.CreateActor(ctx, a) }); err != nil {
		return apiReply{}, apiSameActor(org.Slug, err)
	}
	if a, err = s.db.FindActor(ctx, org.ID, a.ID); err != nil {
		return apiReply{}, err
	}
	return apiReply{status: http.StatusCreated, body: toAPIActor(org.Slug, a), etag: apiETag(a.Version), location: apiActorPath(org.Slug, a.ID)}, nil
}

// apiChangeActor runs fn on an actor the caller may change (editors: an actor is shared by the
// engagements that name it), in one transaction with the check, and adds the actor as it is
// now to a stale version's conflict, or the one it would duplicate to that conflict.
func (s *Server) apiChangeActor(r *http.Request, fn func(tx *store.Tx, ch *apiChange, cur *utsyn.Actor) error) (*apiChange, error) {
	ctx := r.Context()
	ch, err := s.apiChangeOf(r, utsyn.RoleEditor, "actor")
	if err != nil {
		return nil, err
	}
	err = s.apiUpdate(ctx, ch.c, func(tx *store.Tx) error {
		cur, err := tx.FindActor(ctx, ch.org.ID, ch.id)
		if err != nil {
			return err
		}
		if err := ch.deletable(r, cur.Version); err != nil {
			return err
		}
		return fn(tx, ch, cur)
	})
	if utsyn.ErrorMessage(err) != errAPIStale.Message { // not stale: another refusal, or none
		return ch, apiSameActor(ch.org.Slug, err)
	}
	cur, ferr := s.db.FindActor(ctx, ch.org.ID, ch.id)
	if ferr != nil {
		return nil, ferr
	}
	return nil, &apiConflict{err: err, key: "current", value: toAPIActor(ch.org.Slug, cur)}
}

func (s *Server) apiUpdateActor(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	ch, err := s.apiChangeActor(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.Actor) error {
		in := &apiActorInput{}
		if r.Method == http.MethodPatch {
			in = toAPIActorInput(cur)
		}
		if err := apiDecode(ch.body, in); err != nil {
			return err
		}
		a := in.actor(cur.OrgID)
		var err error
		if a.Version, err = ch.version(r); err != nil {
			return err
		}
		a.ID = cur.ID
		return tx.UpdateActor(ctx, a)
	})
	if err != nil {
		return apiReply{}, err
	}
	a, err := s.db.FindActor(ctx, ch.org.ID, ch.id)
	if err != nil {
		return apiReply{}, err
	}
	return apiReply{body: toAPIActor(ch.org.Slug, a), etag: apiETag(a.Version)}, nil
}

type apiEngagementRef struct {
	ID    int64       `json:"id"`
	Title utsyn.Text  `json:"title"`
	Links apiSelfLink `json:"links"`
}

// apiDeleteActor deletes an actor no engagement names; one in use is refused with the
// engagements that name it.
func (s *Server) apiDeleteActor(r *http.Request) (apiReply, error) {
	ctx := r.Context()
	ch, err := s.apiChangeActor(r, func(tx *store.Tx, ch *apiChange, cur *utsyn.Actor) error {
		return tx.DeleteActor(ctx, ch.org.ID, cur.ID)
	})
	if _, inUse := errors.AsType[*store.ActorInUseError](err); !inUse {
		return apiReply{}, err
	}
	refs, ferr := s.db.EngagementsUsingActor(ctx, ch.org.ID, ch.id)
	if ferr != nil {
		return apiReply{}, ferr
	}
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	var titles []string
	list := []apiEngagementRef{}
	for _, e := range refs {
		titles = append(titles, e.Title.Get(string(lang)))
		list = append(list, apiEngagementRef{ID: e.ID, Title: e.Title, Links: apiSelfLink{Self: apiEngagementPath(ch.org.Slug, e.ID)}})
	}
	return apiReply{}, &apiConflict{err: err, key: "engagements", value: list, args: []any{"engagements", strings.Join(titles, "; ")}}
}
