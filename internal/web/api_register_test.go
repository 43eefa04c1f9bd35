package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

// request sends a request with a body (none when "") and returns the response and its body.
func request(t testing.TB, srv *httptest.Server, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// registerFixture is a register to test the API on: in the demo organisation (A), a published
// project and membership and an internal project, their money, and actors that are public (a
// partner or funder of published work), hidden (a partner of internal work only) and unused;
// in organisation B, a strategy element and an actor. Every role of A has a token, and so has
// an administrator of B.
type registerFixture struct {
	org, other                          *utsyn.Organisation
	tokens                              map[string]string // reader, contributor, editor, admin, other
	emails                              map[string]string
	subGoal, p1, p2, otherElement       int64
	draftElement                        int64 // of a strategy not published
	roleKey                             string
	uni, fund, hidden, unused, otherAct *utsyn.Actor
	pub, internal, member               *utsyn.Engagement
	grant, hours, note                  *utsyn.MoneyLine
}

func newRegisterFixture(t *testing.T, db *store.DB, readerToken string) *registerFixture {
	t.Helper()
	ctx := context.Background()
	f := &registerFixture{tokens: map[string]string{"reader": readerToken}, emails: map[string]string{"reader": "api-reader@example.org"}}
	var err error
	if f.org, err = db.FindOrganisation(ctx, demoOrg); err != nil {
		t.Fatal(err)
	}
	users := map[string]*utsyn.User{}
	for _, role := range []utsyn.Role{utsyn.RoleContributor, utsyn.RoleEditor, utsyn.RoleAdmin} {
		email := "api-" + string(role) + "@example.org"
		f.tokens[string(role)] = apiToken(t, db, email, role)
		f.emails[string(role)] = email
		if users[string(role)], err = db.FindUserByEmail(ctx, email); err != nil {
			t.Fatal(err)
		}
	}
	f.other = addOrg(t, db, "agder")
	otherAdmin := addUser(t, db, "agder", "api-agder@example.org", utsyn.RoleAdmin)
	if f.tokens["other"], _, err = auth.IssueToken(ctx, db, &utsyn.Principal{User: otherAdmin, OrgID: f.other.ID, Role: utsyn.RoleAdmin,
		Label: otherAdmin.Email}, "contract test", utsyn.RoleAdmin, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	st, err := db.FindStrategy(ctx, f.org.ID, demoStrategy)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	p2 := tree.AtLevel("priority")[1]
	f.p1, f.p2, f.subGoal = tree.AtLevel("priority")[0].ID, p2.ID, p2.ParentID
	roles, err := db.ListTerms(ctx, f.org.ID, utsyn.VocabRole)
	if err != nil || len(roles) == 0 {
		t.Fatalf("the demo's roles: %v, %v", roles, err)
	}
	f.roleKey = roles[0].Key

	actor := &utsyn.Principal{Label: "test"}
	err = db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		otherStrategy := &utsyn.Strategy{OrgID: f.other.ID, Slug: "strategi", Title: utsyn.NewText("Agders strategi", ""), Status: utsyn.StatusDraft,
			Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("Mål", "Goal"), Plural: utsyn.NewText("Mål", "Goals")}}}
		if err := tx.CreateStrategy(ctx, otherStrategy); err != nil {
			return err
		}
		el := &utsyn.Element{StrategyID: otherStrategy.ID, LevelID: otherStrategy.Levels[0].ID, Title: utsyn.NewText("Agders mål", "")}
		if err := tx.CreateElement(ctx, el); err != nil {
			return err
		}
		f.otherElement = el.ID
		draft := &utsyn.Strategy{OrgID: f.org.ID, Slug: "utkast", Title: utsyn.NewText("Utkast til strategi", ""), Status: utsyn.StatusDraft,
			Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("Mål", "Goal"), Plural: utsyn.NewText("Mål", "Goals")}}}
		if err := tx.CreateStrategy(ctx, draft); err != nil {
			return err
		}
		del := &utsyn.Element{StrategyID: draft.ID, LevelID: draft.Levels[0].ID, Title: utsyn.NewText("Et mål i utkastet", "")}
		if err := tx.CreateElement(ctx, del); err != nil {
			return err
		}
		f.draftElement = del.ID
		f.uni = &utsyn.Actor{OrgID: f.org.ID, Name: "Havbris Universitet", Country: "NO", Type: "university", OrgNumber: "999000111"}
		f.fund = &utsyn.Actor{OrgID: f.org.ID, Name: "Havbris Fond", Country: "NL", Type: "other"}
		f.hidden = &utsyn.Actor{OrgID: f.org.ID, Name: "Havbris Skjult AS", Country: "NO", Type: "company"}
		f.unused = &utsyn.Actor{OrgID: f.org.ID, Name: "Havbris Ubrukt Stiftelse", Country: "SE", Type: "ngo"}
		f.otherAct = &utsyn.Actor{OrgID: f.other.ID, Name: "Havbris Agder", Country: "NO"}
		for _, a := range []*utsyn.Actor{f.uni, f.fund, f.hidden, f.unused, f.otherAct} {
			if err := tx.CreateActor(ctx, a); err != nil {
				return err
			}
		}
		f.pub = &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindProject, Acronym: "HAVBRIS",
			Title:  utsyn.NewText("Havbris – havvind i Nordsjøen", "Havbris – offshore wind in the North Sea"),
			Status: utsyn.StatusRunning, Start: utsyn.MustDate("2023-09"), End: utsyn.MustDate("2026-08-31"), Programme: "Horisont Europa",
			Public: true, Unit: "Regionalutvikling", Responsible: users["editor"].ID, RoleTermID: roles[0].ID,
			Tags: []string{"havvind"}, SDGs: []int{7, 13}, ExternalIDs: map[string]string{"cordis": "101000001"},
			Links:    []utsyn.Link{{URL: "https://example.org/havbris", Label: "Prosjektets nettsted"}},
			Elements: []utsyn.ElementRef{{ElementID: p2.ID, Primary: true}, {ElementID: f.subGoal}},
			Partners: []utsyn.Partner{{ActorID: f.uni.ID, Role: "lead"}}}
		f.internal = &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Havbris intern søknad", ""),
			Status: utsyn.StatusIdea, Unit: "Regionalutvikling", Responsible: users["contributor"].ID,
			Partners: []utsyn.Partner{{ActorID: f.hidden.ID, Role: "partner"}}}
		f.member = &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindMembership, Title: utsyn.NewText("Havbris-nettverket", "The Havbris network"),
			Status: utsyn.StatusActive, Start: utsyn.MustDate("2019"), Public: true, Responsible: users["editor"].ID,
			Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 1250000, Currency: "EUR"}, DecisionBody: "Fylkestinget",
				DecisionDate: utsyn.MustDate("2019-06-18"), Seats: []utsyn.Seat{{Body: "Styret", Kind: "political", Holder: "Fylkesordføreren"}}}}
		for _, e := range []*utsyn.Engagement{f.pub, f.internal, f.member} {
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
		}
		f.grant = &utsyn.MoneyLine{EngagementID: f.pub.ID, Year: 2024, Kind: utsyn.MoneyExternalGrant, FunderID: f.fund.ID,
			Amount: utsyn.Money{Minor: 85912500, Currency: "EUR"}, Note: "Tilsagnsbrev i arkivet"}
		f.hours = &utsyn.MoneyLine{EngagementID: f.pub.ID, Year: 2024, Kind: utsyn.MoneyOwnHours, Hours: 120.5,
			HourlyRate: utsyn.Money{Minor: 80000}, Amount: utsyn.Money{Currency: "NOK"}}
		f.note = &utsyn.MoneyLine{EngagementID: f.internal.ID, Year: 2025, Kind: utsyn.MoneyOwnCash,
			Amount: utsyn.Money{Minor: 1000000, Currency: "NOK"}, Note: "Egenandel"}
		for _, m := range []*utsyn.MoneyLine{f.grant, f.hours, f.note} {
			if err := tx.CreateMoneyLine(ctx, f.org.ID, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *registerFixture) auth(who string) []string {
	return []string{"Authorization", "Bearer " + f.tokens[who]}
}

// headers joins header pairs.
func headers(pairs ...[]string) []string { return slices.Concat(pairs...) }

var english = []string{"Accept-Language", "en"}

func ifMatch(version int) []string { return []string{"If-Match", fmt.Sprintf(`"%d"`, version)} }

func id(n int64) string { return fmt.Sprint(n) }

// jsonBody writes v as JSON.
func jsonBody(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// titles returns the bokmål titles of a list's items.
func titles(t *testing.T, body any) []string {
	t.Helper()
	var out []string
	for _, item := range jsonAt(t, body, "items").([]any) {
		out = append(out, jsonAt(t, item, "title", "nb").(string))
	}
	return out
}

func wantTitles(want ...string) func(t *testing.T, body any) {
	return func(t *testing.T, body any) {
		t.Helper()
		if got := titles(t, body); !slices.Equal(got, want) {
			t.Errorf("titles %q, want %q", got, want)
		}
	}
}

func names(t *testing.T, body any) []string {
	t.Helper()
	var out []string
	for _, item := range jsonAt(t, body, "items").([]any) {
		out = append(out, jsonAt(t, item, "name").(string))
	}
	return out
}

// noInternal fails if any record in a body shows its internal fields.
func noInternal(t *testing.T, body any) {
	t.Helper()
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["internal"]; ok {
				t.Errorf("an anonymous caller sees internal fields: %v", v["internal"])
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(body)
}

// registerAPICases lists the requests on the register, in the order they run: reads, then
// writes that build on each other.
func registerAPICases(t *testing.T, srv *httptest.Server, db *store.DB, readerToken string) []apiCase {
	f := newRegisterFixture(t, db, readerToken)
	org := "/api/v1/organisations/" + demoOrg
	eng := func(e *utsyn.Engagement) string { return org + "/engagements/" + id(e.ID) }
	money := func(m *utsyn.MoneyLine) string { return org + "/money/" + id(m.ID) }
	actor := func(a *utsyn.Actor) string { return org + "/actors/" + id(a.ID) }
	const (
		list      = "/engagements"
		orgList   = "/organisations/{org}/engagements"
		one       = "/organisations/{org}/engagements/{id}"
		moneyList = "/organisations/{org}/engagements/{id}/money"
		oneMoney  = "/organisations/{org}/money/{id}"
		actors    = "/organisations/{org}/actors"
		oneActor  = "/organisations/{org}/actors/{id}"
	)
	pubTitle, memberTitle, internalTitle := f.pub.Title["nb"], f.member.Title["nb"], f.internal.Title["nb"]

	// What the editor reads of the published project, to send back changed (PUT takes what GET gives).
	_, pubAsRead := request(t, srv, "GET", eng(f.pub), "", f.auth("editor")...)
	var roundTrip map[string]any
	if err := json.Unmarshal([]byte(pubAsRead), &roundTrip); err != nil {
		t.Fatal(err)
	}
	roundTrip["title"] = map[string]any{"nb": pubTitle, "en": "Havbris – offshore wind, as read and sent back"}

	newProject := func(changes map[string]any) string {
		v := map[string]any{"kind": "project", "title": map[string]string{"nb": "Havbris ny søknad"}, "status": "idea"}
		for k, x := range changes {
			v[k] = x
		}
		return jsonBody(t, v)
	}
	internalPut := func(version int, title string) string {
		return jsonBody(t, map[string]any{"kind": "project", "title": map[string]string{"nb": title}, "status": "application",
			"partners": []any{map[string]any{"role": "partner", "actor": map[string]any{"id": f.hidden.ID}}},
			"internal": map[string]any{"unit": "Regionalutvikling", "responsible": map[string]any{"email": f.emails["contributor"]}},
			"version":  version})
	}
	tooLarge := `{"kind": "project", "description": {"nb": "` + strings.Repeat("x", 1<<20) + `"}}`

	return []apiCase{
		// ---- Reading the list ----
		{name: "engagements of an organisation, anonymous", docPath: list, url: "/api/v1/engagements?org=rogaland&q=havbris&sort=title", status: 200,
			check: func(t *testing.T, body any) {
				wantTitles(pubTitle, memberTitle)(t, body) // not the internal one
				wantJSON(t, body, json.Number("2"), "total")
				wantJSON(t, body, false, "more")
				wantJSON(t, body, nil, "next")
				noInternal(t, body)
				p := jsonAt(t, body, "items", 0)
				wantJSON(t, p, "Havbris Universitet", "partners", 0, "actor", "name")
				wantJSON(t, p, "lead", "partners", 0, "role")
				wantJSON(t, p, "P2", "elements", 0, "code")
				wantJSON(t, p, demoStrategy, "elements", 0, "strategy")
				wantJSON(t, p, true, "elements", 0, "primary")
				wantJSON(t, p, "101000001", "external_ids", "cordis")
				wantJSON(t, p, "2023-09", "start")  // known to the month
				wantJSON(t, p, "2026-08-31", "end") // known to the day
				wantJSON(t, p, f.roleKey, "role")   // a term's key
				wantJSON(t, p, nil, "membership")   // a project
				wantJSON(t, p, demoOrg, "organisation")
				wantJSON(t, body, "2019", "items", 1, "start") // known to the year
				wantJSON(t, body, "12500.00", "items", 1, "membership", "annual_fee", "amount")
			}},
		{name: "engagements of the token's organisation", docPath: list, url: "/api/v1/engagements?q=havbris&sort=title", header: f.auth("reader"), status: 200,
			check: func(t *testing.T, body any) {
				wantTitles(pubTitle, internalTitle, memberTitle)(t, body)
				wantJSON(t, body, "Regionalutvikling", "items", 1, "internal", "unit")
				wantJSON(t, body, f.emails["contributor"], "items", 1, "internal", "responsible", "email")
				wantJSON(t, body, f.emails["editor"], "items", 0, "internal", "responsible", "email")
			}},
		{name: "engagements, anonymous, without an organisation", docPath: list, url: "/api/v1/engagements?q=havbris", status: 400,
			errKey: "error.invalid", fields: map[string]string{"org": "error.org_required"}},
		{name: "engagements of an unknown organisation", docPath: list, url: "/api/v1/engagements?org=finnes-ikke", status: 400,
			errKey: "error.invalid", fields: map[string]string{"org": "error.not_found.organisation"}},
		{name: "engagements, every filter", docPath: list, status: 200,
			url: "/api/v1/engagements?org=rogaland&kind=project&kind=visit&status=running&country=no&element=" + id(f.subGoal) +
				"&programme=Horisont+Europa&year=2024&role=" + f.roleKey + "&q=nordsjøen",
			check: func(t *testing.T, body any) { wantTitles(pubTitle)(t, body) }},
		{name: "engagements under another goal", docPath: list, url: "/api/v1/engagements?org=rogaland&q=havbris&element=" + id(f.p1), status: 200,
			check: func(t *testing.T, body any) { wantTitles()(t, body) }},
		{name: "engagements in another year", docPath: list, url: "/api/v1/engagements?org=rogaland&q=havbris&year=2027&kind=project", status: 200,
			check: func(t *testing.T, body any) { wantTitles()(t, body) }},
		{name: "engagements with a parameter the list does not know", docPath: list, url: "/api/v1/engagements?org=rogaland&colour=red", status: 400,
			errKey: "error.invalid", fields: map[string]string{"colour": "error.unknown_parameter"}},
		{name: "engagements with bad filters", docPath: list, url: "/api/v1/engagements?org=rogaland&kind=castle&status=done&year=1800&limit=0&country=XX&role=nope",
			status: 400, errKey: "error.invalid", fields: map[string]string{"kind": "error.kind", "status": "error.status", "year": "error.year",
				"limit": "error.limit", "country": "error.country", "role": "error.reference"}},
		{name: "engagements under an element of another organisation", docPath: list, url: "/api/v1/engagements?org=rogaland&element=" + id(f.otherElement),
			header: english, status: 400, errKey: "error.invalid", fields: map[string]string{"element": "error.reference"}},
		// The public cannot tell an element of an unpublished strategy from one that does not
		// exist; the organisation's own people filter by it.
		{name: "engagements under an element of an unpublished strategy, anonymous", docPath: list,
			url: "/api/v1/engagements?org=rogaland&element=" + id(f.draftElement), status: 400, errKey: "error.invalid",
			fields: map[string]string{"element": "error.reference"}},
		{name: "engagements under an element of an unpublished strategy, a reader", docPath: list,
			url: "/api/v1/engagements?org=rogaland&element=" + id(f.draftElement), header: f.auth("reader"), status: 200},
		{name: "engagements in an unknown order", docPath: list, url: "/api/v1/engagements?org=rogaland&sort=size", header: english, status: 400,
			errKey: "error.invalid", fields: map[string]string{"sort": "error.sort"}},
		{name: "engagements after a bad cursor", docPath: list, url: "/api/v1/engagements?org=rogaland&after=nope", status: 400,
			errKey: "error.invalid", fields: map[string]string{"after": "error.cursor"}},
		{name: "my engagements, anonymous", docPath: list, url: "/api/v1/engagements?org=rogaland&responsible=me", status: 401, errKey: "error.unauthorized"},
		{name: "another organisation's people's engagements", docPath: list, url: "/api/v1/engagements?org=rogaland&responsible=me",
			header: f.auth("other"), status: 403, errKey: "error.forbidden"},
		{name: "my engagements", docPath: list, url: "/api/v1/engagements?q=havbris&responsible=me", header: f.auth("contributor"), status: 200,
			check: func(t *testing.T, body any) { wantTitles(internalTitle)(t, body) }},
		{name: "someone's engagements", docPath: list, url: "/api/v1/engagements?q=havbris&sort=title&responsible=" + f.emails["editor"],
			header: f.auth("reader"), status: 200, check: func(t *testing.T, body any) { wantTitles(pubTitle, memberTitle)(t, body) }},
		{name: "engagements of someone who is not a user", docPath: list, url: "/api/v1/engagements?responsible=nobody@example.org",
			header: f.auth("reader"), status: 400, errKey: "error.invalid", fields: map[string]string{"responsible": "error.responsible"}},
		{name: "a page of one engagement", docPath: list, url: "/api/v1/engagements?q=havbris&limit=1", header: f.auth("reader"), status: 200,
			check: func(t *testing.T, body any) {
				if n := len(jsonAt(t, body, "items").([]any)); n != 1 {
					t.Errorf("%d items, want 1", n)
				}
				wantJSON(t, body, json.Number("3"), "total")
				if next, _ := jsonAt(t, body, "next").(string); next == "" {
					t.Error("no cursor to the next page")
				}
			}},
		{name: "an organisation's engagements", docPath: orgList, url: org + "/engagements?q=havbris&sort=title", status: 200,
			check: func(t *testing.T, body any) { wantTitles(pubTitle, memberTitle)(t, body); noInternal(t, body) }},
		{name: "an organisation's engagements, naming another", docPath: orgList, url: org + "/engagements?org=agder", status: 400,
			errKey: "error.invalid", fields: map[string]string{"org": "error.unknown_parameter"}},
		{name: "an organisation's engagements of a person, by another organisation", docPath: orgList, url: org + "/engagements?responsible=me",
			header: f.auth("other"), status: 403, errKey: "error.forbidden"},
		{name: "engagements of an unknown organisation's path", docPath: orgList, url: "/api/v1/organisations/finnes-ikke/engagements",
			status: 404, errKey: "error.not_found.organisation"},

		// ---- Reading one engagement ----
		{name: "a published engagement, anonymous", docPath: one, url: eng(f.pub), status: 200,
			check: func(t *testing.T, body any) {
				noInternal(t, body)
				wantJSON(t, body, pubTitle, "title", "nb")
				wantJSON(t, body, "HAVBRIS", "acronym")
				wantJSON(t, body, json.Number("1"), "version")
				wantJSON(t, body, eng(f.pub)+"/money", "links", "money")
				wantJSON(t, body, "https://example.org/havbris", "web_links", 0, "url")
				wantJSON(t, body, []any{json.Number("7"), json.Number("13")}, "sdgs")
				wantJSON(t, body, []any{"havvind"}, "tags")
				if n := len(jsonAt(t, body, "elements").([]any)); n != 2 {
					t.Errorf("%d elements, want P2 and the goal above it", n)
				}
			}},
		{name: "a membership, anonymous", docPath: one, url: eng(f.member), status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, map[string]any{"amount": "12500.00", "currency": "EUR"}, "membership", "annual_fee")
				wantJSON(t, body, "2019-06-18", "membership", "decision_date")
				wantJSON(t, body, "Styret", "membership", "seats", 0, "body")
				wantJSON(t, body, nil, "membership", "renewal_date")
			}},
		{name: "an internal engagement, anonymous", docPath: one, url: eng(f.internal), status: 404, errKey: "error.not_found.engagement"},
		{name: "an internal engagement, in English", docPath: one, url: eng(f.internal), header: english, status: 404, errKey: "error.not_found.engagement"},
		{name: "an internal engagement, by another organisation", docPath: one, url: eng(f.internal), header: f.auth("other"), status: 404,
			errKey: "error.not_found.engagement"},
		{name: "an internal engagement, by its organisation", docPath: one, url: eng(f.internal), header: f.auth("reader"), status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, false, "public")
				wantJSON(t, body, "Regionalutvikling", "internal", "unit")
				wantJSON(t, body, f.emails["contributor"], "internal", "responsible", "email")
				wantJSON(t, body, "Havbris Skjult AS", "partners", 0, "actor", "name")
			}},
		{name: "an engagement that does not exist", docPath: one, url: org + "/engagements/999999", status: 404, errKey: "error.not_found.engagement"},
		{name: "an engagement id that is not one", docPath: one, url: org + "/engagements/abc", status: 404, errKey: "error.not_found.engagement"},
		{name: "an engagement of an unknown organisation", docPath: one, url: "/api/v1/organisations/finnes-ikke/engagements/1", status: 404,
			errKey: "error.not_found.organisation"},

		// ---- Reading money ----
		{name: "money of a published engagement, anonymous", docPath: moneyList, url: eng(f.pub) + "/money", status: 200,
			check: func(t *testing.T, body any) {
				noInternal(t, body)
				wantJSON(t, body, map[string]any{"amount": "859125.00", "currency": "EUR"}, "items", 0, "amount")
				wantJSON(t, body, "Havbris Fond", "items", 0, "funder", "name")
				wantJSON(t, body, nil, "items", 0, "hourly_rate")
				wantJSON(t, body, "own_hours", "items", 1, "kind")
				wantJSON(t, body, json.Number("120.5"), "items", 1, "hours")
				wantJSON(t, body, map[string]any{"amount": "96400.00", "currency": "NOK"}, "items", 1, "amount") // 120.5 × 800
				wantJSON(t, body, map[string]any{"amount": "800.00", "currency": "NOK"}, "items", 1, "hourly_rate")
			}},
		{name: "money of a published engagement, by its organisation", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("reader"),
			status: 200, check: func(t *testing.T, body any) {
				wantJSON(t, body, "Tilsagnsbrev i arkivet", "items", 0, "internal", "note")
			}},
		{name: "money of an internal engagement, anonymous", docPath: moneyList, url: eng(f.internal) + "/money", status: 404,
			errKey: "error.not_found.engagement"},
		{name: "a money line, anonymous", docPath: oneMoney, url: money(f.grant), status: 200,
			check: func(t *testing.T, body any) {
				noInternal(t, body)
				wantJSON(t, body, json.Number("2024"), "year")
				wantJSON(t, body, eng(f.pub), "links", "engagement")
			}},
		{name: "a money line of an internal engagement, anonymous", docPath: oneMoney, url: money(f.note), status: 404, errKey: "error.not_found.money"},
		{name: "a money line of an internal engagement, by its organisation", docPath: oneMoney, url: money(f.note), header: f.auth("reader"),
			status: 200, check: func(t *testing.T, body any) { wantJSON(t, body, "Egenandel", "internal", "note") }},
		{name: "a money line that does not exist", docPath: oneMoney, url: org + "/money/999999", header: english, status: 404, errKey: "error.not_found.money"},

		// ---- Reading actors ----
		{name: "actors, anonymous", docPath: actors, url: org + "/actors?q=havbris", status: 200,
			check: func(t *testing.T, body any) {
				// The partner and the funder of published work; not the partner of internal work, nor the unused.
				if got, want := names(t, body), []string{"Havbris Fond", "Havbris Universitet"}; !slices.Equal(got, want) {
					t.Errorf("actors %q, want %q", got, want)
				}
				wantJSON(t, body, "999000111", "items", 1, "org_number")
				wantJSON(t, body, nil, "next")
			}},
		{name: "actors, by their organisation, a page", docPath: actors, url: org + "/actors?q=havbris&limit=3", header: f.auth("reader"), status: 200,
			check: func(t *testing.T, body any) {
				if got, want := names(t, body), []string{"Havbris Fond", "Havbris Skjult AS", "Havbris Ubrukt Stiftelse"}; !slices.Equal(got, want) {
					t.Errorf("actors %q, want %q", got, want)
				}
				if next, _ := jsonAt(t, body, "next").(string); next == "" {
					t.Error("no cursor to the next page")
				}
			}},
		{name: "actors with bad parameters", docPath: actors, url: org + "/actors?limit=500&colour=red", status: 400, errKey: "error.invalid",
			fields: map[string]string{"limit": "error.limit", "colour": "error.unknown_parameter"}},
		{name: "actors of an unknown organisation", docPath: actors, url: "/api/v1/organisations/finnes-ikke/actors", status: 404,
			errKey: "error.not_found.organisation"},
		{name: "a public actor, anonymous", docPath: oneActor, url: actor(f.fund), status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "NL", "country")
				wantJSON(t, body, actor(f.fund), "links", "self")
			}},
		{name: "an actor of internal work alone, anonymous", docPath: oneActor, url: actor(f.hidden), status: 404, errKey: "error.not_found.actor"},
		{name: "an actor of internal work alone, by its organisation", docPath: oneActor, url: actor(f.hidden), header: f.auth("reader"), status: 200,
			check: func(t *testing.T, body any) { wantJSON(t, body, "company", "type") }},
		{name: "another organisation's actor", docPath: oneActor, url: actor(f.otherAct), header: f.auth("admin"), status: 404, errKey: "error.not_found.actor"},

		// ---- Creating engagements ----
		{name: "register an engagement", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("contributor"), status: 201,
			body: newProject(map[string]any{"title": map[string]string{"nb": "Havbris ny søknad", "en": "Havbris new application"},
				"start": "2025-03", "end": nil, "acronym": "HB2", "public": false, "sdgs": []int{14},
				"partners":     []any{map[string]any{"role": "lead", "actor": map[string]any{"id": f.uni.ID}}},
				"elements":     []any{map[string]any{"id": f.p2, "primary": true}},
				"external_ids": map[string]string{"keep_eu": "KEEP-77"},
				"internal":     map[string]any{"unit": "Internasjonalt"}}),
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "Havbris new application", "title", "en")
				wantJSON(t, body, "2025-03", "start")
				wantJSON(t, body, json.Number("1"), "version")
				wantJSON(t, body, "Havbris Universitet", "partners", 0, "actor", "name")
				wantJSON(t, body, "P2", "elements", 0, "code")
				wantJSON(t, body, "KEEP-77", "external_ids", "keep_eu")
				wantJSON(t, body, "Internasjonalt", "internal", "unit")
				wantJSON(t, body, f.emails["contributor"], "internal", "responsible", "email") // who registers it, by default
			}},
		{name: "register an engagement as a reader", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("reader"),
			body: newProject(nil), status: 403, errKey: "error.forbidden"},
		{name: "register an engagement in another organisation", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("other"),
			body: newProject(nil), status: 403, errKey: "error.forbidden"},
		{name: "register an engagement in an unknown organisation", method: "POST", docPath: orgList, url: "/api/v1/organisations/finnes-ikke/engagements",
			header: f.auth("editor"), body: newProject(nil), status: 404, errKey: "error.not_found.organisation"},
		{name: "register an engagement with dates out of order", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("editor"),
			body: newProject(map[string]any{"start": "2024-06", "end": "2023", "sdgs": []int{18}, "status": "active"}), status: 400,
			errKey: "error.invalid", fields: map[string]string{"end": "error.period_order", "sdgs": "error.sdg", "status": "error.status"}},
		{name: "register an engagement with another organisation's element", method: "POST", docPath: orgList, url: org + "/engagements",
			header: f.auth("editor"), body: newProject(map[string]any{"elements": []any{map[string]any{"id": f.otherElement}}}), status: 400,
			errKey: "error.invalid", fields: map[string]string{"elements": "error.reference"}},
		{name: "register an engagement with another organisation's actor", method: "POST", docPath: orgList, url: org + "/engagements",
			header: f.auth("editor"), status: 400, errKey: "error.invalid", fields: map[string]string{"partners": "error.reference"},
			body: newProject(map[string]any{"partners": []any{map[string]any{"role": "partner", "actor": map[string]any{"id": f.otherAct.ID}}}})},
		{name: "register an engagement with a CORDIS id in use", method: "POST", docPath: orgList, url: org + "/engagements", header: headers(f.auth("editor"), english),
			body: newProject(map[string]any{"external_ids": map[string]string{"cordis": "101000001"}}), status: 400,
			errKey: "error.invalid", fields: map[string]string{"external_ids.cordis": "error.external_id_taken"}},
		{name: "register an engagement with a value of the wrong type", method: "POST", docPath: orgList, url: org + "/engagements",
			header: f.auth("editor"), body: newProject(map[string]any{"public": "yes"}), status: 400,
			errKey: "error.invalid", fields: map[string]string{"public": "error.json_type.boolean"}},
		{name: "register an engagement with a deep value of the wrong type", method: "POST", docPath: orgList, url: org + "/engagements",
			header: headers(f.auth("editor"), english), status: 400, errKey: "error.invalid", fields: map[string]string{"partners.0.actor.id": "error.json_type.integer"},
			body: newProject(map[string]any{"partners": []any{map[string]any{"role": "lead", "actor": map[string]any{"id": "Havbris Universitet"}}}})},
		{name: "register an engagement with a field it does not have", method: "POST", docPath: orgList, url: org + "/engagements",
			header: f.auth("editor"), body: newProject(map[string]any{"colour": "red"}), status: 400,
			errKey: "error.invalid", fields: map[string]string{"colour": "error.unknown_field"}},
		{name: "register an engagement with a bad date and a text in no language", method: "POST", docPath: orgList, url: org + "/engagements",
			header: headers(f.auth("editor"), english), status: 400, errKey: "error.invalid",
			fields: map[string]string{"start": "error.date", "description": "error.language", "role": "error.reference", "membership": "error.membership_kind",
				"internal.responsible": "error.responsible", "membership.annual_fee": "error.amount"},
			body: newProject(map[string]any{"start": "2023-13", "description": map[string]string{"English": "x"}, "role": "nope",
				"membership": map[string]any{"annual_fee": map[string]string{"amount": "12,50", "currency": "EUR"}},
				"internal":   map[string]any{"responsible": map[string]string{"email": "api-agder@example.org"}}})},
		{name: "register an engagement with a body over 1 MB", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("editor"),
			body: tooLarge, status: 400, errKey: "error.too_large"},
		{name: "register an engagement with a body that is not JSON", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("editor"),
			body: `{"kind": "project",`, status: 400, errKey: "error.json"},
		{name: "register an engagement with a list", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("editor"),
			body: `[{"kind": "project"}]`, status: 400, errKey: "error.json_object"},
		{name: "register an engagement with two bodies", method: "POST", docPath: orgList, url: org + "/engagements", header: f.auth("editor"),
			body: newProject(nil) + ` {}`, status: 400, errKey: "error.json"},

		// ---- Replacing and changing engagements ----
		{name: "replace an engagement as it was read", method: "PUT", docPath: one, url: eng(f.pub), header: f.auth("editor"), status: 200,
			body: jsonBody(t, roundTrip),
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "Havbris – offshore wind, as read and sent back", "title", "en")
				wantJSON(t, body, json.Number("2"), "version")
				wantJSON(t, body, "101000001", "external_ids", "cordis")
				wantJSON(t, body, "Havbris Universitet", "partners", 0, "actor", "name")
				wantJSON(t, body, f.emails["editor"], "internal", "responsible", "email")
				wantJSON(t, body, "2023-09", "start")
			}},
		{name: "replace an engagement someone else is responsible for", method: "PUT", docPath: one, url: eng(f.pub), header: f.auth("contributor"),
			body: jsonBody(t, roundTrip), status: 403, errKey: "error.forbidden_not_responsible"},
		{name: "replace an engagement as a reader", method: "PUT", docPath: one, url: eng(f.internal), header: f.auth("reader"),
			body: internalPut(1, internalTitle), status: 403, errKey: "error.forbidden"},
		{name: "replace one's own engagement", method: "PUT", docPath: one, url: eng(f.internal), header: f.auth("contributor"), status: 200,
			body: internalPut(1, "Havbris intern søknad, sendt"),
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "application", "status")
				wantJSON(t, body, json.Number("2"), "version")
				wantJSON(t, body, nil, "start")
				wantJSON(t, body, f.emails["contributor"], "internal", "responsible", "email")
			}},
		{name: "replace an engagement from a stale version", method: "PUT", docPath: one, url: eng(f.internal), header: f.auth("contributor"),
			body: internalPut(1, "Havbris intern søknad, overskrevet"), status: 409, errKey: "error.conflict",
			check: func(t *testing.T, body any) {
				wantJSON(t, body, json.Number("2"), "current", "version")
				wantJSON(t, body, "Havbris intern søknad, sendt", "current", "title", "nb")
			}},
		{name: "replace an engagement without its version", method: "PUT", docPath: one, url: eng(f.internal), header: f.auth("contributor"),
			body: internalPut(0, "Havbris uten versjon"), status: 400, errKey: "error.invalid", fields: map[string]string{"version": "error.version_required"}},
		{name: "replace an engagement with a negative fee", method: "PUT", docPath: one, url: eng(f.member), header: f.auth("editor"), status: 400,
			body: jsonBody(t, map[string]any{"kind": "membership", "title": map[string]string{"nb": memberTitle}, "status": "active", "version": 1,
				"membership": map[string]any{"annual_fee": map[string]string{"amount": "-5.00", "currency": "SEK"}}}),
			errKey: "error.invalid", fields: map[string]string{"membership.annual_fee": "error.negative", "membership.annual_fee.currency": "error.currency"}},
		{name: "replace an engagement that does not exist", method: "PUT", docPath: one, url: org + "/engagements/999999", header: f.auth("editor"),
			body: internalPut(1, "x"), status: 404, errKey: "error.not_found.engagement"},
		{name: "change a title in one language", method: "PATCH", docPath: one, url: eng(f.pub), header: headers(f.auth("admin"), ifMatch(2)), status: 200,
			body: `{"title": {"en": "Havbris – offshore wind in the North Sea"}, "external_ids": {"keep_eu": "KEEP-1"}}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, pubTitle, "title", "nb") // kept
				wantJSON(t, body, "Havbris – offshore wind in the North Sea", "title", "en")
				wantJSON(t, body, map[string]any{"cordis": "101000001", "keep_eu": "KEEP-1"}, "external_ids")
				wantJSON(t, body, json.Number("3"), "version")
				wantJSON(t, body, "running", "status")
				wantJSON(t, body, "Havbris Universitet", "partners", 0, "actor", "name")
			}},
		{name: "change an engagement from a stale version", method: "PATCH", docPath: one, url: eng(f.pub), header: headers(f.auth("editor"), ifMatch(2)),
			body: `{"status": "completed"}`, status: 409, errKey: "error.conflict",
			check: func(t *testing.T, body any) { wantJSON(t, body, json.Number("3"), "current", "version") }},
		{name: "change an engagement with a bad If-Match", method: "PATCH", docPath: one, url: eng(f.pub), header: headers(f.auth("editor"), []string{"If-Match", "*"}),
			body: `{"status": "completed"}`, status: 400, errKey: "error.invalid", fields: map[string]string{"version": "error.if_match"}},
		{name: "change an engagement of another organisation", method: "PATCH", docPath: one, url: eng(f.pub), header: f.auth("other"),
			body: `{"status": "completed", "version": 3}`, status: 403, errKey: "error.forbidden"},
		{name: "change an engagement that does not exist", method: "PATCH", docPath: one, url: org + "/engagements/999999", header: f.auth("editor"),
			body: `{"status": "completed", "version": 1}`, status: 404, errKey: "error.not_found.engagement"},

		// ---- Money ----
		{name: "add money to one's own engagement", method: "POST", docPath: moneyList, url: eng(f.internal) + "/money", header: f.auth("contributor"),
			status: 201, body: `{"year": 2025, "kind": "own_hours", "hours": 10.5, "hourly_rate": {"amount": "950", "currency": "NOK"}, "internal": {"note": "Skriving"}}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, map[string]any{"amount": "9975.00", "currency": "NOK"}, "amount")
				wantJSON(t, body, map[string]any{"amount": "950.00", "currency": "NOK"}, "hourly_rate")
				wantJSON(t, body, "Skriving", "internal", "note")
			}},
		{name: "add money to someone else's engagement", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("contributor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}}`, status: 403, errKey: "error.forbidden_not_responsible"},
		{name: "add money as a reader", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("reader"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}}`, status: 403, errKey: "error.forbidden"},
		{name: "add a negative amount in an unknown currency", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("editor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "-10.00", "currency": "SEK"}}`, status: 400, errKey: "error.invalid",
			fields: map[string]string{"amount": "error.negative", "amount.currency": "error.currency"}},
		{name: "add money of an unknown kind and year", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: headers(f.auth("editor"), english),
			body: `{"year": 1800, "kind": "gift", "amount": {"amount": "10.00", "currency": "NOK"}}`, status: 400, errKey: "error.invalid",
			fields: map[string]string{"year": "error.year", "kind": "error.money_kind"}},
		{name: "add money from another organisation's funder", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("editor"),
			body:   fmt.Sprintf(`{"year": 2025, "kind": "external_grant", "amount": {"amount": "10.00", "currency": "EUR"}, "funder": {"id": %d}}`, f.otherAct.ID),
			status: 400, errKey: "error.invalid", fields: map[string]string{"funder": "error.reference"}},
		{name: "add hours to a grant", method: "POST", docPath: moneyList, url: eng(f.pub) + "/money", header: f.auth("editor"),
			body: `{"year": 2025, "kind": "external_grant", "amount": {"amount": "10.00", "currency": "EUR"}, "hours": 3}`, status: 400,
			errKey: "error.invalid", fields: map[string]string{"hours": "error.hours_only"}},
		{name: "add money to an engagement that does not exist", method: "POST", docPath: moneyList, url: org + "/engagements/999999/money",
			header: f.auth("editor"), body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}}`, status: 404,
			errKey: "error.not_found.engagement"},
		{name: "replace a money line", method: "PUT", docPath: oneMoney, url: money(f.note), header: f.auth("contributor"), status: 200,
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "12000.5", "currency": "NOK"}, "version": 1}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "12000.50", "amount", "amount")
				wantJSON(t, body, "", "internal", "note") // replaced: left out is emptied
				wantJSON(t, body, json.Number("2"), "version")
			}},
		{name: "replace a money line from a stale version", method: "PUT", docPath: oneMoney, url: money(f.note), header: f.auth("contributor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}, "version": 1}`, status: 409, errKey: "error.conflict",
			check: func(t *testing.T, body any) { wantJSON(t, body, "12000.50", "current", "amount", "amount") }},
		{name: "replace a money line of someone else's engagement", method: "PUT", docPath: oneMoney, url: money(f.grant), header: f.auth("contributor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}, "version": 1}`, status: 403,
			errKey: "error.forbidden_not_responsible"},
		{name: "replace a money line with an amount that is not one", method: "PUT", docPath: oneMoney, url: money(f.note), header: f.auth("contributor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": 12.5, "currency": "NOK"}, "version": 2}`, status: 400,
			errKey: "error.invalid", fields: map[string]string{"amount.amount": "error.json_type.string"}},
		{name: "replace a money line that does not exist", method: "PUT", docPath: oneMoney, url: org + "/money/999999", header: f.auth("editor"),
			body: `{"year": 2025, "kind": "own_cash", "amount": {"amount": "1.00", "currency": "NOK"}, "version": 1}`, status: 404, errKey: "error.not_found.money"},
		{name: "change a money line's note", method: "PATCH", docPath: oneMoney, url: money(f.grant), header: f.auth("editor"), status: 200,
			body: `{"internal": {"note": "Innvilget"}, "version": 1}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "859125.00", "amount", "amount")
				wantJSON(t, body, "Innvilget", "internal", "note")
				wantJSON(t, body, "Havbris Fond", "funder", "name")
			}},
		{name: "change a money line from a stale version", method: "PATCH", docPath: oneMoney, url: money(f.grant), header: headers(f.auth("editor"), ifMatch(1)),
			body: `{"year": 2023}`, status: 409, errKey: "error.conflict", check: func(t *testing.T, body any) { wantJSON(t, body, json.Number("2"), "current", "version") }},
		{name: "change a money line to an unknown currency", method: "PATCH", docPath: oneMoney, url: money(f.grant), header: headers(f.auth("editor"), ifMatch(2)),
			body: `{"amount": {"amount": "1.00", "currency": "GBP"}}`, status: 400, errKey: "error.invalid", fields: map[string]string{"amount.currency": "error.currency"}},
		{name: "change a money line as a reader", method: "PATCH", docPath: oneMoney, url: money(f.grant), header: f.auth("reader"),
			body: `{"year": 2023, "version": 2}`, status: 403, errKey: "error.forbidden"},
		{name: "change a money line that does not exist", method: "PATCH", docPath: oneMoney, url: org + "/money/abc", header: f.auth("editor"),
			body: `{"year": 2023, "version": 2}`, status: 404, errKey: "error.not_found.money"},
		{name: "delete a money line from a stale version", method: "DELETE", docPath: oneMoney, url: money(f.hours), header: headers(f.auth("editor"), ifMatch(7)),
			status: 409, errKey: "error.conflict", check: func(t *testing.T, body any) { wantJSON(t, body, "own_hours", "current", "kind") }},
		{name: "delete a money line with a bad If-Match", method: "DELETE", docPath: oneMoney, url: money(f.hours), header: headers(f.auth("editor"), []string{"If-Match", `W/"1"`}),
			status: 400, errKey: "error.invalid", fields: map[string]string{"version": "error.if_match"}},
		{name: "delete a money line of someone else's engagement", method: "DELETE", docPath: oneMoney, url: money(f.hours), header: f.auth("contributor"),
			status: 403, errKey: "error.forbidden_not_responsible"},
		{name: "delete a money line that does not exist", method: "DELETE", docPath: oneMoney, url: org + "/money/999999", header: f.auth("editor"),
			status: 404, errKey: "error.not_found.money"},
		{name: "delete a money line", method: "DELETE", docPath: oneMoney, url: money(f.hours), header: headers(f.auth("editor"), ifMatch(1)), status: 204},

		// ---- Actors ----
		{name: "register an actor", method: "POST", docPath: actors, url: org + "/actors", header: f.auth("contributor"), status: 201,
			body: `{"name": " Havbris Institutt ", "country": "dk", "type": "research", "pic": "999888777"}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "Havbris Institutt", "name")
				wantJSON(t, body, "DK", "country")
				wantJSON(t, body, json.Number("1"), "version")
			}},
		{name: "register an actor that is registered already", method: "POST", docPath: actors, url: org + "/actors", header: f.auth("contributor"),
			body: `{"name": "havbris  universitet", "country": "NO"}`, status: 409, errKey: "error.actor_exists",
			check: func(t *testing.T, body any) { wantJSON(t, body, json.Number(id(f.uni.ID)), "existing", "id") }},
		{name: "register an actor in a country that does not exist", method: "POST", docPath: actors, url: org + "/actors", header: f.auth("contributor"),
			body: `{"name": "Havbris Atlantis", "country": "XX"}`, status: 400, errKey: "error.invalid", fields: map[string]string{"country": "error.country"}},
		{name: "register an actor with bad numbers", method: "POST", docPath: actors, url: org + "/actors", header: headers(f.auth("contributor"), english),
			body: `{"name": "Havbris AS", "country": "NO", "org_number": "123", "type": "castle"}`, status: 400, errKey: "error.invalid",
			fields: map[string]string{"org_number": "error.org_number", "type": "error.actor_type"}},
		{name: "register an actor as a reader", method: "POST", docPath: actors, url: org + "/actors", header: f.auth("reader"),
			body: `{"name": "Havbris Lesestue", "country": "NO"}`, status: 403, errKey: "error.forbidden"},
		{name: "register an actor in an unknown organisation", method: "POST", docPath: actors, url: "/api/v1/organisations/finnes-ikke/actors",
			header: f.auth("editor"), body: `{"name": "Havbris", "country": "NO"}`, status: 404, errKey: "error.not_found.organisation"},
		{name: "replace an actor", method: "PUT", docPath: oneActor, url: actor(f.uni), header: f.auth("editor"), status: 200,
			body: `{"name": "Havbris Universitet", "country": "NO", "type": "university", "org_number": "999000111", "website": "https://havbris.example.org", "version": 1}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "https://havbris.example.org", "website")
				wantJSON(t, body, json.Number("2"), "version")
			}},
		{name: "replace an actor from a stale version", method: "PUT", docPath: oneActor, url: actor(f.uni), header: f.auth("editor"),
			body: `{"name": "Havbris Universitet", "country": "NO", "version": 1}`, status: 409, errKey: "error.conflict",
			check: func(t *testing.T, body any) { wantJSON(t, body, "https://havbris.example.org", "current", "website") }},
		{name: "replace an actor with another registered one", method: "PUT", docPath: oneActor, url: actor(f.uni), header: f.auth("editor"),
			body: `{"name": "Havbris Fond", "country": "NL", "version": 2}`, status: 409, errKey: "error.actor_exists",
			check: func(t *testing.T, body any) { wantJSON(t, body, "Havbris Fond", "existing", "name") }},
		{name: "replace an actor as a contributor", method: "PUT", docPath: oneActor, url: actor(f.uni), header: f.auth("contributor"),
			body: `{"name": "Havbris Universitet", "country": "NO", "version": 2}`, status: 403, errKey: "error.forbidden"},
		{name: "replace an actor without a name", method: "PUT", docPath: oneActor, url: actor(f.uni), header: f.auth("editor"),
			body: `{"country": "NO", "version": 2}`, status: 400, errKey: "error.invalid", fields: map[string]string{"name": "error.required"}},
		{name: "replace an actor that does not exist", method: "PUT", docPath: oneActor, url: org + "/actors/999999", header: f.auth("editor"),
			body: `{"name": "Havbris", "country": "NO", "version": 1}`, status: 404, errKey: "error.not_found.actor"},
		{name: "change an actor's region", method: "PATCH", docPath: oneActor, url: actor(f.hidden), header: headers(f.auth("editor"), ifMatch(1)), status: 200,
			body: `{"region": "NO11"}`,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "NO11", "region")
				wantJSON(t, body, "Havbris Skjult AS", "name")
			}},
		{name: "change an actor from a stale version", method: "PATCH", docPath: oneActor, url: actor(f.hidden), header: headers(f.auth("editor"), ifMatch(1)),
			body: `{"region": "NO03"}`, status: 409, errKey: "error.conflict", check: func(t *testing.T, body any) { wantJSON(t, body, "NO11", "current", "region") }},
		{name: "change an actor to a bad PIC", method: "PATCH", docPath: oneActor, url: actor(f.hidden), header: headers(f.auth("editor"), ifMatch(2)),
			body: `{"pic": "12"}`, status: 400, errKey: "error.invalid", fields: map[string]string{"pic": "error.pic"}},
		{name: "change an actor of another organisation", method: "PATCH", docPath: oneActor, url: actor(f.hidden), header: f.auth("other"),
			body: `{"region": "NO03", "version": 2}`, status: 403, errKey: "error.forbidden"},
		{name: "change an actor that does not exist", method: "PATCH", docPath: oneActor, url: org + "/actors/999999", header: f.auth("editor"),
			body: `{"region": "NO03", "version": 2}`, status: 404, errKey: "error.not_found.actor"},
		{name: "delete an actor engagements use", method: "DELETE", docPath: oneActor, url: actor(f.uni), header: f.auth("editor"), status: 409,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "conflict", "error", "code")
				msg := jsonAt(t, body, "error", "message").(string)
				if !strings.Contains(msg, pubTitle) || !strings.Contains(msg, "Havbris ny søknad") {
					t.Errorf("the refusal does not name the engagements: %s", msg)
				}
				var got []string
				for _, e := range jsonAt(t, body, "engagements").([]any) {
					got = append(got, jsonAt(t, e, "title", "nb").(string))
				}
				if want := []string{pubTitle, "Havbris ny søknad"}; !slices.Equal(got, want) {
					t.Errorf("engagements %q, want %q", got, want)
				}
			}},
		{name: "delete an actor from a stale version", method: "DELETE", docPath: oneActor, url: actor(f.unused), header: headers(f.auth("editor"), ifMatch(4)),
			status: 409, errKey: "error.conflict", check: func(t *testing.T, body any) { wantJSON(t, body, "Havbris Ubrukt Stiftelse", "current", "name") }},
		{name: "delete an actor with a bad If-Match", method: "DELETE", docPath: oneActor, url: actor(f.unused), header: headers(f.auth("editor"), []string{"If-Match", "1"}),
			status: 400, errKey: "error.invalid", fields: map[string]string{"version": "error.if_match"}},
		{name: "delete an actor as a contributor", method: "DELETE", docPath: oneActor, url: actor(f.unused), header: f.auth("contributor"),
			status: 403, errKey: "error.forbidden"},
		{name: "delete an actor that does not exist", method: "DELETE", docPath: oneActor, url: org + "/actors/999999", header: f.auth("editor"),
			status: 404, errKey: "error.not_found.actor"},
		{name: "delete an actor", method: "DELETE", docPath: oneActor, url: actor(f.unused), header: headers(f.auth("admin"), ifMatch(1)), status: 204},

		// ---- Deleting engagements ----
		{name: "delete someone else's engagement", method: "DELETE", docPath: one, url: eng(f.pub), header: f.auth("contributor"),
			status: 403, errKey: "error.forbidden_not_responsible"},
		{name: "delete an engagement from a stale version", method: "DELETE", docPath: one, url: eng(f.internal), header: headers(f.auth("contributor"), ifMatch(1)),
			status: 409, errKey: "error.conflict", check: func(t *testing.T, body any) { wantJSON(t, body, json.Number("2"), "current", "version") }},
		{name: "delete an engagement with a bad If-Match", method: "DELETE", docPath: one, url: eng(f.internal), header: headers(f.auth("contributor"), []string{"If-Match", `"two"`}),
			status: 400, errKey: "error.invalid", fields: map[string]string{"version": "error.if_match"}},
		{name: "delete an engagement that does not exist", method: "DELETE", docPath: one, url: org + "/engagements/999999", header: f.auth("editor"),
			status: 404, errKey: "error.not_found.engagement"},
		{name: "delete one's own engagement", method: "DELETE", docPath: one, url: eng(f.internal), header: headers(f.auth("contributor"), ifMatch(2)), status: 204},
		{name: "the deleted engagement", docPath: one, url: eng(f.internal), header: f.auth("reader"), status: 404, errKey: "error.not_found.engagement"},
	}
}

// registerMatrixIDs adds to the permission matrix's organisation A an engagement its
// contributor is responsible for ("own") and a published one they are not ("others"), a money
// line of each, and an actor; ids gets their ids. ids["contributor"] and ids["editor"] are the
// matrix's users.
func registerMatrixIDs(t *testing.T, db *store.DB, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, demoOrg)
	if err != nil {
		t.Fatal(err)
	}
	userID := func(role string) int64 {
		var n int64
		if _, err := fmt.Sscan(ids[role], &n); err != nil {
			t.Fatalf("no %s in the matrix: %v", role, err)
		}
		return n
	}
	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		a := &utsyn.Actor{OrgID: org.ID, Name: "Matrise AS", Country: "NO"}
		if err := tx.CreateActor(ctx, a); err != nil {
			return err
		}
		ids["actor"] = id(a.ID)
		for _, x := range []struct {
			key, role string
			public    bool
		}{{"own", "contributor", false}, {"others", "editor", true}} {
			e := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Matrise "+x.key, ""),
				Status: utsyn.StatusIdea, Public: x.public, Responsible: userID(x.role),
				Partners: []utsyn.Partner{{ActorID: a.ID, Role: "partner"}}}
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
			m := &utsyn.MoneyLine{EngagementID: e.ID, Year: 2025, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 100, Currency: "NOK"}}
			if err := tx.CreateMoneyLine(ctx, org.ID, m); err != nil {
				return err
			}
			ids[x.key], ids[x.key+"Money"] = id(e.ID), id(m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every engagement comes once over the pages, in order, whatever the sort; the public see the
// published ones only, the organisation's tokens all of them.
func TestAPIRegisterPages(t *testing.T) {
	doc := loadAPIDoc(t)
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		org, err := db.FindOrganisation(ctx, demoOrg)
		if err != nil {
			t.Fatal(err)
		}
		reader := apiToken(t, db, "api-reader@example.org", utsyn.RoleReader)
		other := addOrg(t, db, "agder")
		otherAdmin := addUser(t, db, "agder", "api-agder@example.org", utsyn.RoleAdmin)
		otherToken, _, err := auth.IssueToken(ctx, db, &utsyn.Principal{User: otherAdmin, OrgID: other.ID, Role: utsyn.RoleAdmin,
			Label: otherAdmin.Email}, "test", utsyn.RoleAdmin, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		public := map[string]bool{}
		err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
			for i := range 10 {
				e := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindVisit, Status: utsyn.StatusCompleted, Public: i%3 != 0,
					Title: utsyn.NewText(fmt.Sprintf("Sidebesøk %02d", (i*7)%10), ""), Start: utsyn.MustDate(fmt.Sprintf("20%02d", 10+i%4))}
				if err := tx.CreateEngagement(ctx, e); err != nil {
					return err
				}
				public[e.Title["nb"]] = e.Public
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		schema := doc.response(t, "/engagements", "get", 200).schema
		walk := func(query string, header ...string) []string {
			t.Helper()
			var seen []string
			after := ""
			for pages := 0; pages < 20; pages++ {
				url := "/api/v1/engagements?q=sidebesøk&limit=3&" + query
				if after != "" {
					url += "&after=" + after
				}
				resp, body := request(t, srv, "GET", url, "", header...)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
				}
				v := decodeJSONBody(t, body)
				if err := doc.validate(schema, v); err != nil {
					t.Fatal(err)
				}
				seen = append(seen, titles(t, v)...)
				next, _ := jsonAt(t, v, "next").(string)
				if next == "" {
					return seen
				}
				after = next
			}
			t.Fatal("the pages never end")
			return nil
		}
		var all, published []string
		for title, pub := range public {
			all = append(all, title)
			if pub {
				published = append(published, title)
			}
		}
		slices.Sort(all)
		slices.Sort(published)
		tests := []struct {
			name   string
			query  string
			header []string
			want   []string
		}{
			{"anonymous, by title", "org=rogaland&sort=title", nil, published},
			{"another organisation, by title", "org=rogaland&sort=title", []string{"Authorization", "Bearer " + otherToken}, published},
			{"the organisation, by title", "sort=title", []string{"Authorization", "Bearer " + reader}, all},
		}
		for _, tt := range tests {
			if got := walk(tt.query, tt.header...); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
			}
		}
		for _, sort := range []string{"updated", "start"} {
			got := walk("sort="+sort, "Authorization", "Bearer "+reader)
			slices.Sort(got)
			if !slices.Equal(got, all) {
				t.Errorf("sort %s: %q over the pages, want each of %q once", sort, got, all)
			}
		}
	})
}

// A refused write stores nothing; a write that works is in the audit trail under the token's
// user, field by field.
func TestAPIRegisterWritesAreAudited(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		org, err := db.FindOrganisation(ctx, demoOrg)
		if err != nil {
			t.Fatal(err)
		}
		editor := []string{"Authorization", "Bearer " + apiToken(t, db, "api-editor@example.org", utsyn.RoleEditor)}
		base := "/api/v1/organisations/" + demoOrg
		counts := func() []int {
			var out []int
			for _, table := range []string{"engagements", "actors", "money_lines", "engagement_partners", "engagement_external_ids", "audit_events"} {
				n, err := db.Count(ctx, table)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			return out
		}
		before := counts()
		for _, bad := range []struct{ path, body string }{
			{"/engagements", `{"kind": "project", "title": {"nb": "Revisjon"}, "status": "idea", "start": "2025", "end": "2024"}`},
			{"/engagements", `{"kind": "project", "title": {"nb": "Revisjon"}, "status": "idea", "external_ids": {"cordis": "1"},
				"partners": [{"role": "lead", "actor": {"id": 999999}}]}`},
			{"/engagements", `{"kind": "project", "title": {"nb": "Revisjon"}, "status": "idea", "tags": "one"}`},
			{"/actors", `{"name": "Revisjon AS", "country": "ZZ"}`},
		} {
			resp, body := request(t, srv, "POST", base+bad.path, bad.body, editor...)
			if resp.StatusCode != 400 {
				t.Errorf("POST %s %s: %d %s, want 400", bad.path, bad.body, resp.StatusCode, body)
			}
		}
		if after := counts(); !slices.Equal(after, before) {
			t.Errorf("refused writes changed the database: %v, then %v", before, after)
		}

		resp, body := request(t, srv, "POST", base+"/engagements", `{"kind": "arena", "title": {"nb": "Revisjonsforum"}, "status": "idea"}`, editor...)
		if resp.StatusCode != 201 {
			t.Fatalf("POST: %d %s", resp.StatusCode, body)
		}
		created := decodeJSONBody(t, body)
		if loc := resp.Header.Get("Location"); loc != jsonAt(t, created, "links", "self") {
			t.Errorf("Location %q, want the new engagement's path %q", loc, jsonAt(t, created, "links", "self"))
		}
		var id int64
		fmt.Sscan(fmt.Sprint(jsonAt(t, created, "id")), &id)
		resp, body = request(t, srv, "PATCH", resp.Header.Get("Location"), `{"status": "active"}`, headers(editor, []string{"If-Match", resp.Header.Get("ETag")})...)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` {
			t.Fatalf("PATCH: %d, ETag %s: %s", resp.StatusCode, resp.Header.Get("ETag"), body)
		}
		events, err := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "engagement", EntityID: id})
		if err != nil {
			t.Fatal(err)
		}
		label := "api-editor@example.org (contract test)"
		if len(events) != 2 || events[0].Action != "update" || events[1].Action != "create" || events[0].ActorLabel != label || events[1].ActorLabel != label {
			t.Fatalf("audit trail %+v, want the creation and the change by %s", events, label)
		}
		if want := []utsyn.Change{{Field: "status", Before: "idea", After: "active"}}; !slices.Equal(events[0].Changes, want) {
			t.Errorf("the change is recorded as %+v, want %+v", events[0].Changes, want)
		}
		resp, _ = request(t, srv, "DELETE", base+"/engagements/"+fmt.Sprint(id), "", editor...)
		if resp.StatusCode != 204 {
			t.Fatalf("DELETE: %d", resp.StatusCode)
		}
		events, _ = db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "engagement", EntityID: id, Action: "delete"})
		if len(events) != 1 || events[0].ActorLabel != label {
			t.Errorf("the deletion is not in the audit trail: %+v", events)
		}
	})
}

// PATCH changes what it names: a date can be cleared with null, a text keeps its other
// languages, a list is replaced whole.
func TestAPIRegisterPatch(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		editor := []string{"Authorization", "Bearer " + apiToken(t, db, "api-editor@example.org", utsyn.RoleEditor)}
		base := "/api/v1/organisations/" + demoOrg + "/engagements"
		resp, body := request(t, srv, "POST", base, `{"kind": "project", "title": {"nb": "Lappeteppe", "en": "Patchwork"}, "status": "idea",
			"start": "2024-02", "end": "2025", "tags": ["a", "b"], "sdgs": [3], "internal": {"unit": "Kultur", "responsible": null}}`, editor...)
		if resp.StatusCode != 201 {
			t.Fatalf("POST: %d %s", resp.StatusCode, body)
		}
		resp, body = request(t, srv, "PATCH", resp.Header.Get("Location"), `{"version": 1, "end": null, "title": {"nb": "Lappetepper"}, "tags": ["c"]}`, editor...)
		if resp.StatusCode != 200 {
			t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
		}
		v := decodeJSONBody(t, body)
		wantJSON(t, v, nil, "end")
		wantJSON(t, v, "2024-02", "start")
		wantJSON(t, v, map[string]any{"nb": "Lappetepper", "en": "Patchwork"}, "title")
		wantJSON(t, v, []any{"c"}, "tags")
		wantJSON(t, v, []any{json.Number("3")}, "sdgs")
		wantJSON(t, v, "Kultur", "internal", "unit")
		wantJSON(t, v, "api-editor@example.org", "internal", "responsible", "email") // null on POST: whoever registers it
	})
}
