package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// The JSON API, version 1. Its shapes are these structs, described in openapi.json; a test
// checks every response against that document. Dates are ISO 8601 at their precision
// ("2023-06"), texts are objects keyed by language.

type apiHandler func(r *http.Request) (any, error)

// api writes what h returns as JSON, or the error as {"error": {...}} with its status.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.bearer(r)
		if err != nil {
			if statusOf(err) == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="utsyn", error="invalid_token"`)
			}
			s.apiError(w, r, err)
			return
		}
		r = r.WithContext(withCaller(r.Context(), caller))
		v, err := h(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, v)
	}
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	// Compact: indenting a page of 50 engagements cost as much as encoding it, and every JSON
	// tool a reader uses indents it again.
	buf := takeBuffer()
	defer giveBuffer(buf)
	if enc, ok := v.(encodedJSON); ok {
		buf.WriteString(string(enc))
	} else if err := json.NewEncoder(buf).Encode(v); err != nil { // as json.Marshal, and a newline
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len())) // one piece, as render
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// encodedJSON is an answer encoded already, as writeJSON encodes (an API page of the register
// kept, apiEngagements).
type encodedJSON string

type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// apiError answers with the error's status and its message in the caller's language
// (Accept-Language); internal errors are logged and told only as such.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	code := utsyn.ErrorCode(err)
	msg := utsyn.ErrorMessage(err)
	if status >= 500 {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		code, msg = utsyn.EINTERNAL, "error.internal"
	}
	body := apiErrorBody{Error: apiErrorDetail{Code: code, Message: s.cat.T(lang, msg)}}
	if e, ok := err.(*utsyn.Error); ok && len(e.Problems) > 0 {
		body.Error.Fields = map[string]string{}
		for _, p := range e.Problems {
			body.Error.Fields[p.Field] = s.cat.T(lang, p.Message)
		}
	}
	writeJSON(w, r, status, body)
}

type apiOrganisation struct {
	Slug      string      `json:"slug"`
	Name      utsyn.Text  `json:"name"`
	Vision    utsyn.Text  `json:"vision"`
	OrgNumber string      `json:"org_number"`
	Country   string      `json:"country"`
	NUTS      string      `json:"nuts"`
	Website   string      `json:"website"`
	Demo      *apiDemo    `json:"demo"`
	Links     apiOrgLinks `json:"links"`
}

type apiDemo struct {
	Note      utsyn.Text `json:"note"`
	SourceURL string     `json:"source_url"`
}

type apiOrgLinks struct {
	Self       string `json:"self"`
	Plans      string `json:"plans"`
	Strategies string `json:"strategies"`
	HTML       string `json:"html"`
}

func toAPIOrganisation(o *utsyn.Organisation) apiOrganisation {
	base := "/api/v1/organisations/" + o.Slug
	a := apiOrganisation{Slug: o.Slug, Name: o.Name, Vision: o.Vision, OrgNumber: o.OrgNumber, Country: o.Country,
		NUTS: o.NUTS, Website: o.Website,
		Links: apiOrgLinks{Self: base, Plans: base + "/plans", Strategies: base + "/strategies", HTML: "/nb/" + o.Slug}}
	if o.Demo != nil {
		a.Demo = &apiDemo{Note: o.Demo.Note, SourceURL: o.Demo.SourceURL}
	}
	return a
}

type apiList[T any] struct {
	Items []T `json:"items"`
}

func (s *Server) apiOrganisations(r *http.Request) (any, error) {
	orgs, err := s.db.ListOrganisations(r.Context())
	if err != nil {
		return nil, err
	}
	out := apiList[apiOrganisation]{Items: []apiOrganisation{}}
	for _, o := range orgs {
		out.Items = append(out.Items, toAPIOrganisation(o))
	}
	return out, nil
}

func (s *Server) apiOrganisation(r *http.Request) (any, error) {
	o, err := s.db.FindOrganisation(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	return toAPIOrganisation(o), nil
}

type apiPlan struct {
	ID          int64         `json:"id"`
	Slug        string        `json:"slug"`
	Title       utsyn.Text    `json:"title"`
	Description utsyn.Text    `json:"description"`
	PeriodStart utsyn.Date    `json:"period_start"`
	PeriodEnd   utsyn.Date    `json:"period_end"`
	AdoptedBy   utsyn.Text    `json:"adopted_by"`
	AdoptedOn   utsyn.Date    `json:"adopted_on"`
	SourceURL   string        `json:"source_url"`
	Note        utsyn.Text    `json:"note"`
	Goals       []apiPlanGoal `json:"goals"`
	UpdatedAt   string        `json:"updated_at"`
}

type apiPlanGoal struct {
	ID          int64      `json:"id"`
	Code        string     `json:"code"`
	Title       utsyn.Text `json:"title"`
	Description utsyn.Text `json:"description"`
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

func toAPIPlan(p *utsyn.Plan) apiPlan {
	a := apiPlan{ID: p.ID, Slug: p.Slug, Title: p.Title, Description: p.Description, PeriodStart: p.PeriodStart,
		PeriodEnd: p.PeriodEnd, AdoptedBy: p.AdoptedBy, AdoptedOn: p.AdoptedOn, SourceURL: p.SourceURL, Note: p.Note,
		Goals: []apiPlanGoal{}, UpdatedAt: p.UpdatedAt.UTC().Format(timeFormat)}
	for _, g := range p.Goals {
		a.Goals = append(a.Goals, apiPlanGoal{ID: g.ID, Code: g.Code, Title: g.Title, Description: g.Description})
	}
	return a
}

func (s *Server) apiPlans(r *http.Request) (any, error) {
	o, err := s.db.FindOrganisation(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	plans, err := s.db.ListPlans(r.Context(), store.PlanFilter{OrgID: o.ID, Published: visibleTo(r, o.ID)})
	if err != nil {
		return nil, err
	}
	out := apiList[apiPlan]{Items: []apiPlan{}}
	for _, p := range plans {
		out.Items = append(out.Items, toAPIPlan(p))
	}
	return out, nil
}

func (s *Server) apiPlan(r *http.Request) (any, error) {
	o, err := s.db.FindOrganisation(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	p, err := s.db.FindPlan(r.Context(), o.ID, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !p.Published && visibleTo(r, o.ID) != nil { // answered as a plan that does not exist, so as not to tell that it does
		return nil, errPlanNotFound
	}
	return toAPIPlan(p), nil
}

// The store's answers for a plan or strategy that does not exist, given for an unpublished one
// too: a different message would tell an anonymous caller which slugs hide unpublished records.
var (
	errPlanNotFound     = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.plan"}
	errStrategyNotFound = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found.strategy"}
)

type apiStrategySummary struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Title       utsyn.Text `json:"title"`
	Summary     utsyn.Text `json:"summary"`
	Status      string     `json:"status"`
	PeriodStart utsyn.Date `json:"period_start"`
	PeriodEnd   utsyn.Date `json:"period_end"`
	AdoptedBy   utsyn.Text `json:"adopted_by"`
	AdoptedOn   utsyn.Date `json:"adopted_on"`
	CaseNumber  string     `json:"case_number"`
	SourceURL   string     `json:"source_url"`
	Note        utsyn.Text `json:"note"`
	UpdatedAt   string     `json:"updated_at"`
	Links       apiLinks   `json:"links"`
}

type apiLinks struct {
	Self string `json:"self"`
	HTML string `json:"html"`
}

type apiStrategy struct {
	apiStrategySummary
	Plan         *apiRef       `json:"plan"`
	Supersedes   *apiRef       `json:"supersedes"`
	Purpose      apiPurpose    `json:"purpose"`
	Levels       []apiLevel    `json:"levels"`
	Elements     []*apiElement `json:"elements"`
	Roles        []apiTerm     `json:"roles"`
	WorkingForms []apiTerm     `json:"working_forms"`
}

type apiRef struct {
	Slug  string     `json:"slug"`
	Title utsyn.Text `json:"title"`
}

type apiPurpose struct {
	ShallBe []utsyn.Text `json:"shall_be"`
	Insight []utsyn.Text `json:"insight"`
	Context []utsyn.Text `json:"context"`
}

// toAPIPurpose sorts the strategy's purpose statements by kind, each list present if empty.
func toAPIPurpose(st *utsyn.Strategy) apiPurpose {
	p := apiPurpose{ShallBe: []utsyn.Text{}, Insight: []utsyn.Text{}, Context: []utsyn.Text{}}
	for _, stmt := range st.Purpose {
		switch stmt.Kind {
		case utsyn.StatementShallBe:
			p.ShallBe = append(p.ShallBe, stmt.Text)
		case utsyn.StatementInsight:
			p.Insight = append(p.Insight, stmt.Text)
		default:
			p.Context = append(p.Context, stmt.Text)
		}
	}
	return p
}

type apiLevel struct {
	Key    string     `json:"key"`
	Name   utsyn.Text `json:"name"`
	Plural utsyn.Text `json:"plural"`
}

type apiElement struct {
	ID          int64         `json:"id"`
	Code        string        `json:"code"`
	Level       string        `json:"level"`
	Title       utsyn.Text    `json:"title"`
	Description utsyn.Text    `json:"description"`
	Note        utsyn.Text    `json:"note"`
	PlanGoals   []string      `json:"plan_goals"`
	Children    []*apiElement `json:"children"`
}

type apiTerm struct {
	Key         string     `json:"key"`
	Name        utsyn.Text `json:"name"`
	Description utsyn.Text `json:"description"`
}

func toAPIStrategySummary(org string, st *utsyn.Strategy) apiStrategySummary {
	return apiStrategySummary{ID: st.ID, Slug: st.Slug, Title: st.Title, Summary: st.Summary, Status: st.Status,
		PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd, AdoptedBy: st.AdoptedBy, AdoptedOn: st.AdoptedOn,
		CaseNumber: st.CaseNumber, SourceURL: st.SourceURL, Note: st.Note, UpdatedAt: st.UpdatedAt.UTC().Format(timeFormat),
		Links: apiLinks{Self: "/api/v1/organisations/" + org + "/strategies/" + st.Slug, HTML: "/nb/" + org + "/strategi/" + st.Slug}}
}

func (s *Server) apiStrategies(r *http.Request) (any, error) {
	o, err := s.db.FindOrganisation(r.Context(), r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	ss, err := s.db.ListStrategies(r.Context(), store.StrategyFilter{OrgID: o.ID, Published: visibleTo(r, o.ID)})
	if err != nil {
		return nil, err
	}
	out := apiList[apiStrategySummary]{Items: []apiStrategySummary{}}
	for _, st := range ss {
		out.Items = append(out.Items, toAPIStrategySummary(o.Slug, st))
	}
	return out, nil
}

func (s *Server) apiStrategy(r *http.Request) (any, error) {
	ctx := r.Context()
	o, err := s.db.FindOrganisation(ctx, r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	st, err := s.db.FindStrategy(ctx, o.ID, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !st.Published && visibleTo(r, o.ID) != nil { // answered as a strategy that does not exist, so as not to tell that it does
		return nil, errStrategyNotFound
	}
	tree, err := s.db.FindTree(ctx, st)
	if err != nil {
		return nil, err
	}
	a := apiStrategy{apiStrategySummary: toAPIStrategySummary(o.Slug, st),
		Purpose:  toAPIPurpose(st),
		Levels:   []apiLevel{},
		Elements: []*apiElement{}, Roles: []apiTerm{}, WorkingForms: []apiTerm{}}
	goalCodes := map[int64]string{}
	if st.PlanID != 0 {
		if plan, err := s.db.FindPlanByID(ctx, st.PlanID); err != nil {
			return nil, err
		} else if plan.Published {
			a.Plan = &apiRef{Slug: plan.Slug, Title: plan.Title}
			for _, g := range plan.Goals {
				goalCodes[g.ID] = g.Code
			}
		}
	}
	if st.SupersedesID != 0 {
		if prev, err := s.db.FindStrategyByID(ctx, st.SupersedesID); err != nil {
			return nil, err
		} else if prev.Published {
			a.Supersedes = &apiRef{Slug: prev.Slug, Title: prev.Title}
		}
	}
	levelKeys := map[int64]string{}
	for _, l := range st.Levels {
		a.Levels = append(a.Levels, apiLevel{Key: l.Key, Name: l.Name, Plural: l.Plural})
		levelKeys[l.ID] = l.Key
	}
	byID := map[int64]*apiElement{}
	for _, e := range tree.Elements { // tree order: a parent comes before its children
		ae := &apiElement{ID: e.ID, Code: e.Code, Level: levelKeys[e.LevelID], Title: e.Title, Description: e.Description,
			Note: e.Note, PlanGoals: []string{}, Children: []*apiElement{}}
		for _, id := range e.PlanGoalIDs {
			if code, ok := goalCodes[id]; ok {
				ae.PlanGoals = append(ae.PlanGoals, code)
			}
		}
		byID[e.ID] = ae
		if parent := byID[e.ParentID]; parent != nil {
			parent.Children = append(parent.Children, ae)
		} else {
			a.Elements = append(a.Elements, ae)
		}
	}
	for _, t := range tree.Roles {
		a.Roles = append(a.Roles, apiTerm{Key: t.Key, Name: t.Name, Description: t.Description})
	}
	for _, t := range tree.Forms {
		a.WorkingForms = append(a.WorkingForms, apiTerm{Key: t.Key, Name: t.Name, Description: t.Description})
	}
	return a, nil
}

// openAPI serves the API's description.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, err := embedded.ReadFile("openapi.json")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(b)
}
