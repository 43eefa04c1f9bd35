package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// The API's contract: every response of every route is checked against the schema that
// openapi.json declares for its path, method and status, on every engine. The document and the
// routes cannot drift apart: each documented response must be exercised here, and each /api/v1
// route in routes.go must be documented.

// apiCase is one request and what its answer must be.
type apiCase struct {
	name    string
	method  string // GET when empty
	docPath string // the path as the document names it, relative to its server; "" for no documented path
	url     string // the path requested
	header  []string
	body    string // the request's body, for writes
	status  int
	errKey  string            // for an error: the catalog key of its message
	fields  map[string]string // for an invalid input: each field's message key, and no other field
	check   func(t *testing.T, body any)
}

// do sends the case's request.
func (c apiCase) do(t *testing.T, srv *httptest.Server) (*http.Response, string) {
	t.Helper()
	return request(t, srv, cmp.Or(c.method, "GET"), c.url, c.body, c.header...)
}

// succeeded reports whether the case is one of a request that works.
func (c apiCase) succeeded() bool { return c.status >= 200 && c.status < 300 }

// The demo data: one organisation, one plan, one strategy.
const (
	demoOrg      = "rogaland"
	demoPlan     = "utviklingsplan-2021-2024"
	demoStrategy = "internasjonal-strategi"
)

// apiCases lists the requests; token is a valid API token (reader) of the demo organisation.
func apiCases(token string) []apiCase {
	org := "/api/v1/organisations/" + demoOrg
	en := []string{"Accept-Language", "en"}
	return []apiCase{
		{name: "me", docPath: "/me", url: "/api/v1/me", header: []string{"Authorization", "Bearer " + token}, status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "reader", "role")
				wantJSON(t, body, "api-reader@example.org", "email")
				wantJSON(t, body, demoOrg, "organisation", "slug")
				wantJSON(t, body, "contract test", "token", "name")
			}},
		{name: "me without a token", docPath: "/me", url: "/api/v1/me", status: 401, errKey: "error.unauthorized"},
		{name: "organisations", docPath: "/organisations", url: "/api/v1/organisations", status: 200,
			check: func(t *testing.T, body any) {
				items := jsonAt(t, body, "items").([]any)
				if len(items) != 1 {
					t.Fatalf("%d organisations, want the 1 of the demo", len(items))
				}
				wantJSON(t, body, "Rogaland County Council", "items", 0, "name", "en")
				wantJSON(t, body, demoOrg, "items", 0, "slug")
			}},
		{name: "organisation", docPath: "/organisations/{org}", url: org, status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, "Rogaland County Council", "name", "en")
				wantJSON(t, body, "Rogaland fylkeskommune", "name", "nb")
				wantJSON(t, body, org+"/strategies", "links", "strategies")
				if jsonAt(t, body, "demo") == nil {
					t.Error("demo is null for the demo organisation")
				}
			}},
		{name: "unknown organisation", docPath: "/organisations/{org}", url: "/api/v1/organisations/finnes-ikke",
			status: 404, errKey: "error.not_found.organisation"},
		{name: "unknown organisation in English", docPath: "/organisations/{org}", url: "/api/v1/organisations/finnes-ikke",
			header: en, status: 404, errKey: "error.not_found.organisation"},

		{name: "plans", docPath: "/organisations/{org}/plans", url: org + "/plans", status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, demoPlan, "items", 0, "slug")
			}},
		{name: "plans of an unknown organisation", docPath: "/organisations/{org}/plans", url: "/api/v1/organisations/finnes-ikke/plans",
			status: 404, errKey: "error.not_found.organisation"},
		{name: "plan", docPath: "/organisations/{org}/plans/{slug}", url: org + "/plans/" + demoPlan, status: 200,
			check: func(t *testing.T, body any) {
				var codes []string
				for _, g := range jsonAt(t, body, "goals").([]any) {
					codes = append(codes, jsonAt(t, g, "code").(string))
				}
				if want := []string{"U1", "U2", "U3", "U4"}; !slices.Equal(codes, want) {
					t.Errorf("plan goals %v, want %v", codes, want)
				}
				wantJSON(t, body, "2020-10-20", "adopted_on") // known to the day
				wantJSON(t, body, "2021", "period_start")     // known to the year
				wantJSON(t, body, "Konkurransedyktig region", "goals", 1, "title", "nb")
			}},
		{name: "unknown plan", docPath: "/organisations/{org}/plans/{slug}", url: org + "/plans/finnes-ikke",
			status: 404, errKey: "error.not_found.plan"},
		{name: "unknown plan in English", docPath: "/organisations/{org}/plans/{slug}", url: org + "/plans/finnes-ikke",
			header: en, status: 404, errKey: "error.not_found.plan"},

		{name: "strategies", docPath: "/organisations/{org}/strategies", url: org + "/strategies", status: 200,
			check: func(t *testing.T, body any) {
				wantJSON(t, body, demoStrategy, "items", 0, "slug")
				wantJSON(t, body, "adopted", "items", 0, "status")
				wantJSON(t, body, org+"/strategies/"+demoStrategy, "items", 0, "links", "self")
			}},
		{name: "strategies of an unknown organisation", docPath: "/organisations/{org}/strategies", url: "/api/v1/organisations/finnes-ikke/strategies",
			header: en, status: 404, errKey: "error.not_found.organisation"},
		{name: "strategy", docPath: "/organisations/{org}/strategies/{slug}", url: org + "/strategies/" + demoStrategy, status: 200,
			check: checkDemoStrategy},
		{name: "unknown strategy", docPath: "/organisations/{org}/strategies/{slug}", url: org + "/strategies/finnes-ikke",
			status: 404, errKey: "error.not_found.strategy"},
		{name: "unknown strategy in English", docPath: "/organisations/{org}/strategies/{slug}", url: org + "/strategies/finnes-ikke",
			header: en, status: 404, errKey: "error.not_found.strategy"},
		{name: "strategy of an unknown organisation", docPath: "/organisations/{org}/strategies/{slug}", url: "/api/v1/organisations/finnes-ikke/strategies/" + demoStrategy,
			status: 404, errKey: "error.not_found.organisation"},

		{name: "openapi.json", docPath: "/openapi.json", url: "/api/v1/openapi.json", status: 200,
			check: func(t *testing.T, body any) {
				want, err := os.ReadFile("openapi.json")
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(body, decodeJSONBody(t, string(want))) {
					t.Error("/api/v1/openapi.json is not the document in openapi.json")
				}
			}},

		// No route: the catch-all answers JSON under /api/.
		{name: "unknown path", url: "/api/v1/nope", status: 404, errKey: "error.not_found"},
		{name: "unknown path in English", url: "/api/v1/nope", header: en, status: 404, errKey: "error.not_found"},
		{name: "unknown path below a strategy", url: org + "/strategies/" + demoStrategy + "/elements", status: 404, errKey: "error.not_found"},
		{name: "unknown API version", url: "/api/v2/organisations", status: 404, errKey: "error.not_found"},
	}
}

// checkDemoStrategy checks a few real values of the demo strategy.
func checkDemoStrategy(t *testing.T, body any) {
	wantJSON(t, body, "adopted", "status")
	wantJSON(t, body, demoPlan, "plan", "slug")
	if jsonAt(t, body, "supersedes") != nil {
		t.Error("supersedes is set on a first version")
	}
	if jsonAt(t, body, "adopted_on") != nil {
		t.Error("adopted_on is set, though the demo does not know it")
	}
	roots := jsonAt(t, body, "elements").([]any)
	if len(roots) != 1 {
		t.Fatalf("%d root elements, want the main goal alone", len(roots))
	}
	wantJSON(t, body, "main_goal", "elements", 0, "level")
	priorities := 0
	for _, c := range jsonAt(t, roots[0], "children").([]any) {
		if jsonAt(t, c, "level") == "priority" {
			priorities++
		}
	}
	if priorities != 4 {
		t.Errorf("%d priorities under the main goal, want 4", priorities)
	}
	p3 := findElement(body, "P3")
	if p3 == nil {
		t.Fatal("no element P3")
	}
	var goals []string
	for _, g := range jsonAt(t, p3, "plan_goals").([]any) {
		goals = append(goals, g.(string))
	}
	if want := []string{"U1", "U2", "U3", "U4"}; !slices.Equal(goals, want) {
		t.Errorf("P3 builds on %v, want %v", goals, want)
	}
	if m := findElement(body, "M1.1"); m == nil || jsonAt(t, m, "level") != "measure" {
		t.Error("measure M1.1 is missing from the tree")
	}
	var levels []string
	for _, l := range jsonAt(t, body, "levels").([]any) {
		levels = append(levels, jsonAt(t, l, "key").(string))
	}
	if want := []string{"main_goal", "sub_goal", "priority", "focus_area", "measure"}; !slices.Equal(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}
	if n := len(jsonAt(t, body, "roles").([]any)); n == 0 {
		t.Error("no roles")
	}
	if n := len(jsonAt(t, body, "purpose", "shall_be").([]any)); n == 0 {
		t.Error("no purpose")
	}
}

// findElement returns the element with the code anywhere in a strategy's tree.
func findElement(strategy any, code string) any {
	var walk func(list any) any
	walk = func(list any) any {
		items, _ := list.([]any)
		for _, e := range items {
			m, _ := e.(map[string]any)
			if m["code"] == code {
				return m
			}
			if found := walk(m["children"]); found != nil {
				return found
			}
		}
		return nil
	}
	m, _ := strategy.(map[string]any)
	return walk(m["elements"])
}

func TestAPIContract(t *testing.T) {
	doc := loadAPIDoc(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		exercised := map[string]bool{} // "get /path 200"
		token := apiToken(t, db, "api-reader@example.org", utsyn.RoleReader)
		run := func(cases []apiCase) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					resp, body := c.do(t, srv)
					exercised[checkAPIResponse(t, doc, cat, c, resp, body)] = true
				})
			}
		}
		cases := apiCases(token)
		run(cases)
		register := registerAPICases(t, srv, db, token) // adds a second organisation: after the cases that count them
		run(register)
		cases = append(cases, register...)
		indicators := indicatorAPICases(t, db)
		run(indicators)
		cases = append(cases, indicators...)

		// A token that is not one: every data route refuses it with 401, and says why.
		for _, c := range cases {
			if !c.succeeded() || c.docPath == "/openapi.json" || c.docPath == "" {
				continue
			}
			c.name, c.status, c.errKey, c.fields, c.check = c.name+" with a bad token", 401, "error.token_invalid", nil, nil
			c.header = []string{"Authorization", "Bearer utsyn_not-a-token"}
			t.Run(c.name, func(t *testing.T) {
				resp, body := c.do(t, srv)
				exercised[checkAPIResponse(t, doc, cat, c, resp, body)] = true
				if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without WWW-Authenticate: Bearer")
				}
			})
		}

		// A fault of ours: with the database gone, every data route answers 500 with the
		// generic message and nothing of the cause.
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if !c.succeeded() || c.docPath == "/openapi.json" || c.docPath == "" {
				continue
			}
			c.name, c.status, c.errKey, c.fields, c.check = c.name+" without a database", 500, "error.internal", nil, nil
			t.Run(c.name, func(t *testing.T) {
				resp, body := c.do(t, srv)
				exercised[checkAPIResponse(t, doc, cat, c, resp, body)] = true
			})
		}

		for _, op := range doc.responses() {
			if !exercised[op] {
				t.Errorf("the document declares %q, but no test request exercises it", op)
			}
		}
	})
}

// checkAPIResponse checks one answer and returns the documented response it exercised.
func checkAPIResponse(t *testing.T, doc *apiDoc, cat *i18n.Catalog, c apiCase, resp *http.Response, body string) string {
	t.Helper()
	method := cmp.Or(c.method, "GET")
	if resp.StatusCode != c.status {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, c.url, resp.StatusCode, c.status, body)
	}
	op := ""
	var r apiResponse
	if c.docPath != "" {
		op = fmt.Sprintf("%s %s %d", strings.ToLower(method), c.docPath, c.status)
		r = doc.response(t, c.docPath, strings.ToLower(method), c.status)
		for name, h := range r.headers {
			got := resp.Header.Get(name)
			if got == "" {
				t.Errorf("%s %s: no header %s, which the document declares", method, c.url, name)
			} else if err := doc.validate(h, got); err != nil {
				t.Errorf("%s %s: header %s: %v", method, c.url, name, err)
			}
		}
		// What a request that works sends is what the document says it may.
		if c.body != "" && c.succeeded() {
			if err := doc.validate(doc.requestBody(t, c.docPath, strings.ToLower(method)), decodeJSONBody(t, c.body)); err != nil {
				t.Errorf("%s %s: the request body does not match the document: %v\n%s", method, c.url, err, c.body)
			}
		}
	}
	if c.status == http.StatusNoContent {
		if body != "" {
			t.Errorf("%s %s: 204 with a body: %s", method, c.url, body)
		}
		return op
	}
	ct, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("%s %s: Content-Type %q, want application/json; charset=utf-8", method, c.url, resp.Header.Get("Content-Type"))
	}
	v := decodeJSONBody(t, body)

	schema := r.schema
	if c.docPath == "" {
		schema = map[string]any{"$ref": "#/components/schemas/Error"}
	}
	if err := doc.validate(schema, v); err != nil {
		t.Fatalf("%s %s: the %d answer does not match the document: %v\n%s", method, c.url, c.status, err, body)
	}

	if c.errKey != "" {
		lang := i18n.NB // the default
		for i := 0; i+1 < len(c.header); i += 2 {
			if c.header[i] == "Accept-Language" {
				lang = i18n.Negotiate(c.header[i+1])
			}
		}
		want := cat.T(lang, c.errKey)
		if other := cat.T(lang.Other(), c.errKey); other == want || want == c.errKey {
			t.Fatalf("catalog: %q is not translated", c.errKey)
		}
		wantJSON(t, v, want, "error", "message")
		wantCode := map[int]string{400: utsyn.EINVALID, 401: utsyn.EUNAUTHORIZED, 403: utsyn.EFORBIDDEN, 404: utsyn.ENOTFOUND,
			409: utsyn.ECONFLICT, 500: utsyn.EINTERNAL}[c.status]
		wantJSON(t, v, wantCode, "error", "code")
		got, _ := jsonAt(t, v, "error").(map[string]any)["fields"].(map[string]any)
		if len(got) != len(c.fields) {
			t.Errorf("%s %s: fields %v, want messages for %v", method, c.url, got, c.fields)
		}
		for field, key := range c.fields {
			if want := cat.T(lang, key); got[field] != want {
				t.Errorf("%s %s: fields[%q] = %v, want %q", method, c.url, field, got[field], want)
			}
		}
		if lang == i18n.NB && !strings.Contains(body, "Fant ikke") && c.status == 404 {
			t.Errorf("GET %s: a Norwegian not-found message was expected, got %s", c.url, body)
		}
		if lang == i18n.EN && !strings.Contains(body, "not found") && c.status == 404 {
			t.Errorf("GET %s: an English not-found message was expected, got %s", c.url, body)
		}
	}
	if c.check != nil {
		c.check(t, v)
	}
	return op
}

// Anonymous callers see only published records: an unpublished plan or strategy is not listed
// and answers exactly as one that does not exist, so that its existence is not told either.
// A published revision shows its predecessor, and a strategy without a plan says so with null.
func TestAPIPublishedOnly(t *testing.T) {
	doc := loadAPIDoc(t)
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		o, err := db.FindOrganisation(ctx, demoOrg)
		if err != nil {
			t.Fatal(err)
		}
		first, err := db.FindStrategy(ctx, o.ID, demoStrategy)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.SupersedeStrategy(ctx, first.ID, "utkast"); err != nil { // a draft, unpublished
				return err
			}
			if err := tx.CreatePlan(ctx, &utsyn.Plan{OrgID: o.ID, Slug: "upublisert-plan", Title: utsyn.NewText("Upublisert", "")}); err != nil {
				return err
			}
			return tx.CreateStrategy(ctx, &utsyn.Strategy{OrgID: o.ID, Slug: "revisjon", Title: utsyn.NewText("Revisjon", "Revision"),
				Status: utsyn.StatusConsultation, Published: true, SupersedesID: first.ID, PeriodStart: utsyn.MustDate("2025-06"),
				Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("Mål", "Goal"), Plural: utsyn.NewText("Mål", "Goals")}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		org := "/api/v1/organisations/" + demoOrg

		for _, hidden := range []string{"/plans/upublisert-plan", "/strategies/utkast"} {
			missing := hidden[:strings.LastIndex(hidden, "/")] + "/finnes-ikke"
			for _, lang := range []string{"nb", "en"} {
				resp, got := get(t, srv, org+hidden, "Accept-Language", lang)
				_, want := get(t, srv, org+missing, "Accept-Language", lang)
				if resp.StatusCode != 404 || got != want {
					t.Errorf("GET %s%s (%s): %d %s; want the answer for a record that does not exist: %s",
						org, hidden, lang, resp.StatusCode, got, want)
				}
			}
		}

		_, body := get(t, srv, org+"/strategies")
		list := decodeJSONBody(t, body)
		if err := doc.validate(doc.response(t, "/organisations/{org}/strategies", "get", 200).schema, list); err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, s := range jsonAt(t, list, "items").([]any) {
			slugs = append(slugs, jsonAt(t, s, "slug").(string))
		}
		if want := []string{demoStrategy, "revisjon"}; !slices.Equal(slugs, want) { // adopted before consultation
			t.Errorf("strategies %v, want %v", slugs, want)
		}
		_, body = get(t, srv, org+"/plans")
		if strings.Contains(body, "upublisert-plan") {
			t.Error("an unpublished plan is listed")
		}

		_, body = get(t, srv, org+"/strategies/revisjon")
		st := decodeJSONBody(t, body)
		if err := doc.validate(doc.response(t, "/organisations/{org}/strategies/{slug}", "get", 200).schema, st); err != nil {
			t.Fatalf("revision: %v\n%s", err, body)
		}
		wantJSON(t, st, demoStrategy, "supersedes", "slug")
		wantJSON(t, st, "International strategy", "supersedes", "title", "en")
		wantJSON(t, st, "2025-06", "period_start") // known to the month
		if jsonAt(t, st, "plan") != nil {
			t.Error("plan is set on a strategy without one")
		}
	})
}

// The document itself: every /api/v1 route is in it, each path's parameters are declared,
// and every schema uses only what the validator understands.
func TestAPIDocument(t *testing.T) {
	doc := loadAPIDoc(t)
	if v, _ := doc.root["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi %q, want a 3.x version", v)
	}
	info := jsonAt(t, doc.root, "info")
	if id := jsonAt(t, info, "license", "identifier"); id != "EUPL-1.2" {
		t.Errorf("info.license.identifier %v, want EUPL-1.2", id)
	}
	desc := jsonAt(t, info, "description").(string)
	for _, want := range []string{"`nb`", "`en`", "nynorsk", "published", "open data", "precision", "`2023-06`", "`null`"} {
		if !strings.Contains(desc, want) {
			t.Errorf("info.description does not mention %s", want)
		}
	}

	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routeRE := regexp.MustCompile(`HandleFunc\("([A-Z]+) (/api/v1/[^"]*)"`)
	routes := routeRE.FindAllStringSubmatch(string(src), -1)
	if len(routes) < 7 {
		t.Fatalf("found %d /api/v1 routes in routes.go, want at least 7: has its form changed?", len(routes))
	}
	routed := map[string]bool{}
	for _, m := range routes {
		method, path := strings.ToLower(m[1]), strings.TrimPrefix(m[2], doc.server)
		routed[method+" "+path] = true
		if _, ok := doc.operation(path, method); !ok {
			t.Errorf("route %s %s is not in openapi.json", m[1], m[2])
		}
	}

	paramRE := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc.root["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json documents %s %s%s, which routes.go does not route", method, doc.server, path)
			}
			op, _ := doc.operation(path, method)
			var inPath, declared []string
			for _, m := range paramRE.FindAllStringSubmatch(path, -1) {
				inPath = append(inPath, m[1])
			}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p := doc.deref(t, p).(map[string]any)
				if p["in"] == "path" {
					declared = append(declared, p["name"].(string))
					if p["required"] != true {
						t.Errorf("%s %s: path parameter %s is not required", method, path, p["name"])
					}
				}
			}
			sort.Strings(inPath)
			sort.Strings(declared)
			if !slices.Equal(inPath, declared) {
				t.Errorf("%s %s: path parameters %v, declared %v", method, path, inPath, declared)
			}
		}
	}

	schemas := jsonAt(t, doc.root, "components", "schemas").(map[string]any)
	for _, name := range []string{"Text", "Date", "Organisation", "Plan", "PlanGoal", "StrategySummary", "Strategy",
		"Element", "Level", "Term", "Ref", "Purpose", "OrganisationList", "PlanList", "StrategyList", "Error"} {
		if schemas[name] == nil {
			t.Errorf("components.schemas lacks %s", name)
		}
	}
	for name, s := range schemas {
		if err := doc.checkKeywords(s, "#/components/schemas/"+name); err != nil {
			t.Error(err)
		}
	}
	// A Strategy is a StrategySummary and more.
	summary := jsonAt(t, schemas, "StrategySummary", "properties").(map[string]any)
	full := jsonAt(t, schemas, "Strategy", "properties").(map[string]any)
	for p, s := range summary {
		if !reflect.DeepEqual(stripDescriptions(full[p]), stripDescriptions(s)) {
			t.Errorf("Strategy.%s differs from StrategySummary.%s", p, p)
		}
	}
}

func stripDescriptions(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if k != "description" {
			out[k] = x
		}
	}
	return out
}

// The validator must be able to fail, and say where.
func TestSchemaValidator(t *testing.T) {
	doc := loadAPIDoc(t)
	valid := `{"id": 7, "code": "P3", "level": "priority", "title": {"nb": "Tittel", "en": "Title"},
		"description": {}, "note": {}, "plan_goals": ["U1"],
		"children": [{"id": 8, "code": "", "level": "measure", "title": {"nb": "Tiltak"}, "description": {}, "note": {},
			"plan_goals": [], "children": []}]}`
	element := map[string]any{"$ref": "#/components/schemas/Element"}
	if err := doc.validate(element, decodeJSONBody(t, valid)); err != nil {
		t.Fatalf("a valid element fails: %v", err)
	}
	tests := []struct {
		name, schema, from, to, wantPath string
	}{
		{"extra property", "Element", `"note": {},`, `"note": {}, "extra": 1,`, "$.extra"},
		{"extra property in a child", "Element", `"plan_goals": [],`, `"plan_goals": [], "colour": "red",`, "$.children[0].colour"},
		{"missing required property", "Element", `"plan_goals": ["U1"],`, ``, "$"},
		{"missing required property in a child", "Element", `"id": 8,`, ``, "$.children[0]"},
		{"wrong type", "Element", `"id": 7`, `"id": "7"`, "$.id"},
		{"not an integer", "Element", `"id": 7`, `"id": 7.5`, "$.id"},
		{"wrong type deep", "Element", `["U1"]`, `["U1", 2]`, "$.plan_goals[1]"},
		{"null for a text", "Element", `"note": {},`, `"note": null,`, "$.note"},
		{"a text in a number", "Element", `"en": "Title"`, `"en": 1`, "$.title.en"},
		{"a text in a bad language key", "Element", `"en": "Title"`, `"English": "Title"`, "$.title"},
		{"array for an object", "Element", `"description": {}`, `"description": []`, "$.description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.from) {
				t.Fatalf("the sample lacks %q", tt.from)
			}
			bad := strings.Replace(valid, tt.from, tt.to, 1)
			err := doc.validate(map[string]any{"$ref": "#/components/schemas/" + tt.schema}, decodeJSONBody(t, bad))
			if err == nil {
				t.Fatalf("an invalid document passed:\n%s", bad)
			}
			se, ok := err.(*schemaError)
			if !ok || se.Path != tt.wantPath {
				t.Errorf("error %v, want one at %s", err, tt.wantPath)
			}
		})
	}

	// Enums, nullable dates, oneOf and patterns.
	for _, tt := range []struct {
		schema string
		value  string
		ok     bool
	}{
		{"StrategyStatus", `"adopted"`, true},
		{"StrategyStatus", `"final"`, false},
		{"Date", `null`, true},
		{"Date", `"2023"`, true},
		{"Date", `"2023-06"`, true},
		{"Date", `"2023-06-14"`, true},
		{"Date", `"2023-13"`, false},
		{"Date", `"14.06.2023"`, false},
		{"Date", `""`, false},
		{"Date", `2023`, false},
		{"Timestamp", `"2026-01-02T03:04:05Z"`, true},
		{"Timestamp", `"2026-01-02"`, false},
		{"Slug", `"Rogaland"`, false},
		{"Ref", `{"slug": "a", "title": {}}`, true},
		{"Ref", `null`, false},
		{"Text", `{}`, true},
		{"Text", `{"nn": "Tekst"}`, true},
		{"Error", `{"error": {"code": "not_found", "message": "x"}}`, true},
		{"Error", `{"error": {"code": "invalid", "message": "x", "fields": {"title": "y"}}}`, true},
		{"Error", `{"error": {"code": "gone", "message": "x"}}`, false},
		{"Error", `{"error": {"code": "invalid", "message": "x", "fields": {"title": 1}}}`, false},
		{"Error", `{"code": "not_found", "message": "x"}`, false},
	} {
		err := doc.validate(map[string]any{"$ref": "#/components/schemas/" + tt.schema}, decodeJSONBody(t, tt.value))
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: error %v, want ok=%v", tt.schema, tt.value, err, tt.ok)
		}
	}
	org := map[string]any{"$ref": "#/components/schemas/Organisation"}
	orgJSON := `{"slug": "x", "name": {}, "vision": {}, "org_number": "", "country": "", "nuts": "", "website": "",
		"demo": DEMO, "links": {"self": "", "plans": "", "strategies": "", "html": ""}}`
	for demo, ok := range map[string]bool{`null`: true, `{"note": {}, "source_url": ""}`: true, `{}`: false, `"yes"`: false} {
		err := doc.validate(org, decodeJSONBody(t, strings.Replace(orgJSON, "DEMO", demo, 1)))
		if (err == nil) != ok {
			t.Errorf("organisation with demo %s: error %v, want ok=%v", demo, err, ok)
		} else if err != nil && err.(*schemaError).Path != "$.demo" {
			t.Errorf("organisation with demo %s: error %v, want one at $.demo", demo, err)
		}
	}
	// A keyword it does not know is an error, not silently ignored.
	if err := doc.validate(map[string]any{"type": "string", "maxLength": 3}, "abcd"); err == nil {
		t.Error("an unknown keyword was ignored")
	}
	if err := doc.validate(map[string]any{"$ref": "#/components/schemas/Nope"}, "x"); err == nil {
		t.Error("a dangling $ref was accepted")
	}
}

// ---- The document and a small JSON Schema validator for the subset it uses ----

// apiDoc is openapi.json, decoded.
type apiDoc struct {
	root   map[string]any
	server string // the path of its first server, e.g. "/api/v1"
}

func loadAPIDoc(t *testing.T) *apiDoc {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	root, ok := decodeJSONBody(t, string(b)).(map[string]any)
	if !ok {
		t.Fatal("openapi.json is not an object")
	}
	d := &apiDoc{root: root}
	d.server, _ = jsonAt(t, root, "servers", 0, "url").(string)
	if !strings.HasPrefix(d.server, "/api/v1") {
		t.Fatalf("servers[0].url %q, want /api/v1", d.server)
	}
	return d
}

// operation returns the operation of a path and method ("get").
func (d *apiDoc) operation(path, method string) (map[string]any, bool) {
	paths, _ := d.root["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, ok := item[method].(map[string]any)
	return op, ok
}

// responses lists every documented response as "get /path 200".
func (d *apiDoc) responses() []string {
	var out []string
	paths, _ := d.root["paths"].(map[string]any)
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			rs, _ := op.(map[string]any)["responses"].(map[string]any)
			for status := range rs {
				out = append(out, method+" "+path+" "+status)
			}
		}
	}
	sort.Strings(out)
	return out
}

type apiResponse struct {
	schema  any
	headers map[string]any // name → schema
}

// response returns the JSON schema and headers declared for a path, method and status.
func (d *apiDoc) response(t *testing.T, path, method string, status int) apiResponse {
	t.Helper()
	op, ok := d.operation(path, method)
	if !ok {
		t.Fatalf("openapi.json has no %s %s", method, path)
	}
	r, ok := jsonAt(t, op, "responses").(map[string]any)[strconv.Itoa(status)]
	if !ok {
		t.Fatalf("openapi.json declares no %d for %s %s", status, method, path)
	}
	r = d.deref(t, r)
	out := apiResponse{headers: map[string]any{}}
	if status != http.StatusNoContent {
		out.schema = jsonAt(t, r, "content", "application/json", "schema")
	}
	hs, _ := r.(map[string]any)["headers"].(map[string]any)
	for name, h := range hs {
		out.headers[name] = jsonAt(t, d.deref(t, h), "schema")
	}
	return out
}

// requestBody returns the JSON schema of the body of a path and method.
func (d *apiDoc) requestBody(t *testing.T, path, method string) any {
	t.Helper()
	op, ok := d.operation(path, method)
	if !ok {
		t.Fatalf("openapi.json has no %s %s", method, path)
	}
	return jsonAt(t, d.deref(t, jsonAt(t, op, "requestBody")), "content", "application/json", "schema")
}

// deref follows a {"$ref": ...} object of the document (a response, a parameter).
func (d *apiDoc) deref(t *testing.T, v any) any {
	t.Helper()
	for i := 0; i < 10; i++ {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		var err error
		if v, err = d.resolve(ref); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("a $ref loop")
	return nil
}

// resolve returns what a local reference ("#/components/schemas/Text") points to.
func (d *apiDoc) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("$ref %q: only references within the document are supported", ref)
	}
	var v any = d.root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not in an object", ref, tok)
		}
		if v, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, tok)
		}
	}
	return v, nil
}

// schemaError is a value that does not match its schema, at a JSON path ("$.elements[0].id").
type schemaError struct {
	Path, Msg string
}

func (e *schemaError) Error() string { return e.Path + ": " + e.Msg }

// The keywords the validator checks, and those it may ignore because they constrain nothing.
var (
	checkedKeywords = map[string]bool{"$ref": true, "type": true, "nullable": true, "enum": true, "pattern": true,
		"properties": true, "required": true, "additionalProperties": true, "propertyNames": true, "items": true,
		"oneOf": true}
	annotationKeywords = map[string]bool{"description": true, "title": true, "examples": true, "example": true,
		"format": true, "deprecated": true, "readOnly": true}
)

// validate checks v (decoded with UseNumber) against schema and returns the first mismatch.
func (d *apiDoc) validate(schema, v any) error { return d.check(schema, v, "$", 0) }

func (d *apiDoc) check(schema, v any, path string, depth int) error {
	if depth > 100 {
		return &schemaError{path, "the schema nests too deep (a $ref loop?)"}
	}
	if b, ok := schema.(bool); ok {
		if !b {
			return &schemaError{path, "no value is allowed here"}
		}
		return nil
	}
	s, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a schema is a %T, not an object", path, schema)
	}
	for k := range s {
		if !checkedKeywords[k] && !annotationKeywords[k] {
			return fmt.Errorf("%s: the validator does not support the keyword %q", path, k)
		}
	}
	if ref, ok := s["$ref"]; ok {
		target, err := d.resolve(fmt.Sprint(ref))
		if err != nil {
			return err
		}
		if err := d.check(target, v, path, depth+1); err != nil {
			return err
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if s["nullable"] == true {
			types = append(types, "null")
		}
		if !slices.ContainsFunc(types, func(typ string) bool { return isJSONType(v, typ) }) {
			return &schemaError{path, fmt.Sprintf("want %s, got %s", strings.Join(types, " or "), describeJSON(v))}
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		if !slices.ContainsFunc(enum, func(e any) bool { return reflect.DeepEqual(e, v) }) {
			return &schemaError{path, fmt.Sprintf("%s is not one of %v", describeJSON(v), enum)}
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := v.(string); isStr {
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("%s: pattern %q: %v", path, p, err)
			}
			if !re.MatchString(str) {
				return &schemaError{path, fmt.Sprintf("%q does not match %s", str, p)}
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		if req, ok := s["required"].([]any); ok {
			for _, name := range req {
				if _, ok := v[fmt.Sprint(name)]; !ok {
					return &schemaError{path, fmt.Sprintf("the required property %q is missing", name)}
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if names, ok := s["propertyNames"]; ok {
				if err := d.check(names, k, path, depth+1); err != nil {
					return &schemaError{path, fmt.Sprintf("the property name %q: %v", k, err)}
				}
			}
			if ps, ok := props[k]; ok {
				if err := d.check(ps, v[k], jsonPathJoin(path, k), depth+1); err != nil {
					return err
				}
			} else if ap, ok := s["additionalProperties"]; ok {
				if ap == false {
					return &schemaError{jsonPathJoin(path, k), "a property the schema does not declare"}
				}
				if err := d.check(ap, v[k], jsonPathJoin(path, k), depth+1); err != nil {
					return err
				}
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				if err := d.check(items, x, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
					return err
				}
			}
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		var matched int
		var first error
		for _, alt := range one {
			if err := d.check(alt, v, path, depth+1); err == nil {
				matched++
			} else if first == nil {
				first = err
			}
		}
		if matched != 1 {
			return &schemaError{path, fmt.Sprintf("matches %d of the %d oneOf schemas, want exactly 1 (first mismatch: %v)", matched, len(one), first)}
		}
	}
	return nil
}

// checkKeywords walks a schema without a value and reports a keyword the validator would not
// check, or a reference that leads nowhere.
func (d *apiDoc) checkKeywords(schema any, where string) error {
	s, ok := schema.(map[string]any)
	if !ok {
		if _, isBool := schema.(bool); isBool {
			return nil
		}
		return fmt.Errorf("%s: a schema is a %T", where, schema)
	}
	for k, x := range s {
		switch {
		case k == "$ref":
			if _, err := d.resolve(fmt.Sprint(x)); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
		case k == "properties":
			for name, p := range x.(map[string]any) {
				if err := d.checkKeywords(p, where+"/properties/"+name); err != nil {
					return err
				}
			}
		case k == "items" || k == "additionalProperties" || k == "propertyNames":
			if err := d.checkKeywords(x, where+"/"+k); err != nil {
				return err
			}
		case k == "oneOf":
			for i, alt := range x.([]any) {
				if err := d.checkKeywords(alt, fmt.Sprintf("%s/oneOf/%d", where, i)); err != nil {
					return err
				}
			}
		case k == "pattern":
			if _, err := regexp.Compile(fmt.Sprint(x)); err != nil {
				return fmt.Errorf("%s: pattern: %v", where, err)
			}
		case !checkedKeywords[k] && !annotationKeywords[k]:
			return fmt.Errorf("%s: the validator does not support the keyword %q", where, k)
		}
	}
	return nil
}

func isJSONType(v any, typ string) bool {
	switch typ {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return false
}

func describeJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case string:
		return "string " + strconv.Quote(v)
	case json.Number:
		return "number " + v.String()
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

var jsonIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func jsonPathJoin(path, key string) string {
	if jsonIdent.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// decodeJSONBody decodes one JSON value, keeping numbers as json.Number.
func decodeJSONBody(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("more than one JSON value:\n%s", s)
	}
	return v
}

// jsonAt follows keys (string) and indices (int) into a decoded value.
func jsonAt(t testing.TB, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch p := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object", path[:i])
			}
			if v, ok = m[p]; !ok {
				t.Fatalf("%v: no property %q", path[:i], p)
			}
		case int:
			a, ok := v.([]any)
			if !ok || p >= len(a) {
				t.Fatalf("%v: no element %d", path[:i], p)
			}
			v = a[p]
		}
	}
	return v
}

func wantJSON(t testing.TB, v any, want any, path ...any) {
	t.Helper()
	if got := jsonAt(t, v, path...); !reflect.DeepEqual(got, want) {
		t.Errorf("%v = %#v, want %#v", path, got, want)
	}
}

// apiToken makes a user with the role in the demo organisation and returns a new API token of
// theirs with the same role.
func apiToken(t *testing.T, db *store.DB, email string, role utsyn.Role) string {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, demoOrg)
	if err != nil {
		t.Fatal(err)
	}
	u := &utsyn.User{Email: email, Memberships: []utsyn.Membership{{OrgID: org.ID, Role: role}}}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	secret, _, err := auth.IssueToken(ctx, db, &utsyn.Principal{User: u, OrgID: org.ID, Role: role, Label: email}, "contract test", role, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
