package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// The permission model, tested exhaustively: every route of routes.go, requested as anonymous,
// as each role of organisation A (rogaland), and as an administrator of organisation B
// (agder), must answer as its access class says. A route missing from the table fails the
// test, so no route can be added without deciding who may use it.

// access is who may use a route.
type access string

const (
	forAnyone      access = "public"      // anyone, signed in or not
	forUser        access = "user"        // anyone signed in
	forReader      access = "reader"      // readers of A and up
	forContributor access = "contributor" // contributors of A and up
	forEditor      access = "editor"      // editors of A and up
	forAdmin       access = "admin"       // administrators of A
	forAPI         access = "api-public"  // the API, for anyone
	forToken       access = "api-token"   // the API, with a valid token
)

// The register's writes in the API.
const (
	forAPIWriter access = "api-contributor" // the API, with a token of a contributor of A and up
	forAPIEditor access = "api-editor"      // the API, with a token of an editor of A and up
)

// routeCase is one route with real values for its wildcards.
type routeCase struct {
	pattern string // as in routes.go, with "{lang}" for the language prefix
	path    string // what to request (in bokmål)
	form    url.Values
	body    string   // an API request's JSON body
	header  []string // an API request's headers
	access  access
}

// apiAccess reports whether the access class is one of the API's, which answers 401, never a
// redirect to sign in.
func apiAccess(a access) bool {
	return a == forAPI || a == forToken || a == forAPIWriter || a == forAPIEditor
}

// routeCases lists every route. ids are filled in from the test's database.
func routeCases(ids map[string]string) []routeCase {
	const S, P = "/nb/rogaland/strategi/internasjonal-strategi", "/nb/rogaland/plan/utviklingsplan-2021-2024"
	const E, A = "/nb/rogaland/engasjementer/999999", "/nb/rogaland/aktorer/999999" // the register: ids no record has
	return []routeCase{
		{pattern: "GET /healthz", path: "/healthz", access: forAnyone},
		{pattern: "GET /readyz", path: "/readyz", access: forAnyone},
		{pattern: "GET /static/{file}", path: "/static/style.css", access: forAnyone},
		{pattern: "GET /favicon.ico", path: "/favicon.ico", access: forAnyone},
		{pattern: "GET /robots.txt", path: "/robots.txt", access: forAnyone},
		{pattern: "GET /{$}", path: "/", access: forAnyone},
		{pattern: "GET {lang}/{$}", path: "/nb/", access: forAnyone},
		{pattern: "GET {lang}/tilgjengelighet", path: "/nb/tilgjengelighet", access: forAnyone},
		{pattern: "GET {lang}/personvern", path: "/nb/personvern", access: forAnyone},
		{pattern: "GET {lang}/{org}", path: "/nb/rogaland", access: forAnyone},
		{pattern: "GET {lang}/{org}/strategi/{slug}", path: "/nb/rogaland/strategi/internasjonal-strategi", access: forAnyone},
		{pattern: "GET {lang}/{org}/plan/{slug}", path: "/nb/rogaland/plan/utviklingsplan-2021-2024", access: forAnyone},
		{pattern: "GET {lang}/{org}/arbeid/", path: "/nb/rogaland/arbeid/", access: forAnyone},
		{pattern: "GET {lang}/{org}/arbeid/{id}", path: "/nb/rogaland/arbeid/999999", access: forAnyone},

		{pattern: "GET {lang}/logg-inn", path: "/nb/logg-inn", access: forAnyone},
		{pattern: "POST {lang}/logg-inn", path: "/nb/logg-inn", form: url.Values{"email": {""}}, access: forAnyone},
		{pattern: "GET {lang}/konto/passord", path: "/nb/konto/passord", access: forUser},
		{pattern: "POST {lang}/konto/passord", path: "/nb/konto/passord", form: url.Values{"current": {"feil"}}, access: forUser},
		{pattern: "GET {lang}/passord/{token}", path: "/nb/passord/ukjent", access: forAnyone},
		{pattern: "POST {lang}/passord/{token}", path: "/nb/passord/ukjent", form: url.Values{"password": {""}}, access: forAnyone},
		{pattern: "GET {lang}/konto", path: "/nb/konto", access: forUser},
		{pattern: "POST {lang}/konto/nokler", path: "/nb/konto/nokler", form: url.Values{"name": {""}}, access: forUser},
		{pattern: "POST {lang}/konto/nokler/{id}/trekk-tilbake", path: "/nb/konto/nokler/999999/trekk-tilbake", access: forUser},

		{pattern: "GET {lang}/{org}/admin/brukere", path: "/nb/rogaland/admin/brukere", access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/brukere", path: "/nb/rogaland/admin/brukere", form: url.Values{"email": {""}}, access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/brukere/{id}/{action}", path: "/nb/rogaland/admin/brukere/" + ids["reader"] + "/passord", access: forAdmin},
		{pattern: "GET {lang}/{org}/admin/logg", path: "/nb/rogaland/admin/logg", access: forAdmin},
		{pattern: "GET {lang}/{org}/admin/logg.csv", path: "/nb/rogaland/admin/logg.csv", access: forAdmin},

		// Editing strategies and plans.
		{pattern: "GET {lang}/{org}/strategi/ny", path: "/nb/rogaland/strategi/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/ny", path: "/nb/rogaland/strategi/ny", form: url.Values{"title_nb": {""}, "slug": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/rediger", path: S + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/rediger", path: S + "/rediger", form: url.Values{"version": {"1"}, "title_nb": {""}}, access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/publiser", path: S + "/publiser", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/ny-versjon", path: S + "/ny-versjon", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/ny-versjon", path: S + "/ny-versjon", form: url.Values{"slug": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/historikk", path: S + "/historikk", access: forReader},
		{pattern: "GET {lang}/{org}/strategi/{slug}/element/ny", path: S + "/element/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/element/ny", path: S + "/element/ny", form: url.Values{"title_nb": {""}, "code": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/element/{id}/rediger", path: S + "/element/" + ids["element"] + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/element/{id}/rediger", path: S + "/element/" + ids["element"] + "/rediger", form: url.Values{"version": {"1"}, "title_nb": {""}}, access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/element/{id}/flytt", path: S + "/element/" + ids["element"] + "/flytt", form: url.Values{"retning": {"opp"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/element/{id}/slett", path: S + "/element/" + ids["element"] + "/slett", access: forEditor},
		{pattern: "POST {lang}/{org}/strategi/{slug}/element/{id}/slett", path: S + "/element/" + ids["element"] + "/slett", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/strategi/{slug}/element/{id}/historikk", path: S + "/element/" + ids["element"] + "/historikk", access: forReader},
		{pattern: "GET {lang}/{org}/plan/ny", path: "/nb/rogaland/plan/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/plan/ny", path: "/nb/rogaland/plan/ny", form: url.Values{"title_nb": {""}, "slug": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/plan/{slug}/rediger", path: P + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/plan/{slug}/rediger", path: P + "/rediger", form: url.Values{"version": {"1"}, "title_nb": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/plan/{slug}/historikk", path: P + "/historikk", access: forReader},
		{pattern: "GET {lang}/{org}/plan/{slug}/mal/ny", path: P + "/mal/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/plan/{slug}/mal/ny", path: P + "/mal/ny", form: url.Values{"code": {""}, "title_nb": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/plan/{slug}/mal/{id}/rediger", path: P + "/mal/" + ids["goal"] + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/plan/{slug}/mal/{id}/rediger", path: P + "/mal/" + ids["goal"] + "/rediger", form: url.Values{"stamp": {"gammel"}}, access: forEditor},
		{pattern: "POST {lang}/{org}/plan/{slug}/mal/{id}/flytt", path: P + "/mal/" + ids["goal"] + "/flytt", form: url.Values{"retning": {"opp"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/plan/{slug}/mal/{id}/slett", path: P + "/mal/" + ids["goal"] + "/slett", access: forEditor},
		{pattern: "POST {lang}/{org}/plan/{slug}/mal/{id}/slett", path: P + "/mal/" + ids["goal"] + "/slett", form: url.Values{"stamp": {"gammel"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/ordlister/{vocab}", path: "/nb/rogaland/ordlister/roller", access: forEditor},
		{pattern: "GET {lang}/{org}/ordlister/{vocab}/ny", path: "/nb/rogaland/ordlister/roller/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/ordlister/{vocab}/ny", path: "/nb/rogaland/ordlister/roller/ny", form: url.Values{"key": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/ordlister/{vocab}/{id}/rediger", path: "/nb/rogaland/ordlister/roller/" + ids["term"] + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/ordlister/{vocab}/{id}/rediger", path: "/nb/rogaland/ordlister/roller/" + ids["term"] + "/rediger", form: url.Values{"stamp": {"gammel"}}, access: forEditor},

		// The engagement register (signed in). An id no record has: the rights are decided before
		// the record is looked for (register_test.go tests them on real records).
		{pattern: "GET {lang}/{org}/engasjementer/{$}", path: "/nb/rogaland/engasjementer/", access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/mine", path: "/nb/rogaland/engasjementer/mine", access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/eksport.csv", path: "/nb/rogaland/engasjementer/eksport.csv", access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/eksport.xlsx", path: "/nb/rogaland/engasjementer/eksport.xlsx", access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/ny", path: "/nb/rogaland/engasjementer/ny", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/ny", path: "/nb/rogaland/engasjementer/ny", form: url.Values{"title_nb": {""}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}", path: E, access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/historikk", path: E + "/historikk", access: forReader},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/rediger", path: E + "/rediger", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/rediger", path: E + "/rediger", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/slett", path: E + "/slett", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/slett", path: E + "/slett", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/partnere", path: E + "/partnere", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/partnere", path: E + "/partnere", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/partnere/ny", path: E + "/partnere/ny", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/partnere/fjern", path: E + "/partnere/fjern", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/penger/ny", path: E + "/penger/ny", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/penger/ny", path: E + "/penger/ny", form: url.Values{"year": {""}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/penger/{line}/rediger", path: E + "/penger/999999/rediger", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/penger/{line}/rediger", path: E + "/penger/999999/rediger", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "GET {lang}/{org}/engasjementer/{id}/penger/{line}/slett", path: E + "/penger/999999/slett", access: forContributor},
		{pattern: "POST {lang}/{org}/engasjementer/{id}/penger/{line}/slett", path: E + "/penger/999999/slett", form: url.Values{"version": {"1"}}, access: forContributor},
		{pattern: "GET {lang}/{org}/aktorer/{$}", path: "/nb/rogaland/aktorer/", access: forReader},
		{pattern: "GET {lang}/{org}/aktorer/ny", path: "/nb/rogaland/aktorer/ny", access: forContributor},
		{pattern: "POST {lang}/{org}/aktorer/ny", path: "/nb/rogaland/aktorer/ny", form: url.Values{"name": {""}}, access: forContributor},
		{pattern: "GET {lang}/{org}/aktorer/{id}", path: A, access: forReader},
		{pattern: "GET {lang}/{org}/aktorer/{id}/rediger", path: A + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/aktorer/{id}/rediger", path: A + "/rediger", form: url.Values{"version": {"1"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/aktorer/{id}/slett", path: A + "/slett", access: forEditor},
		{pattern: "POST {lang}/{org}/aktorer/{id}/slett", path: A + "/slett", form: url.Values{"version": {"1"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/admin/valutakurser", path: "/nb/rogaland/admin/valutakurser", access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/valutakurser", path: "/nb/rogaland/admin/valutakurser", form: url.Values{"year": {""}}, access: forAdmin},

		// Single sign-on.
		{pattern: "GET /sso/callback", path: "/sso/callback?state=ukjent&code=x", access: forAnyone},
		{pattern: "GET {lang}/logg-inn/{org}", path: "/nb/logg-inn/rogaland", access: forAnyone},
		{pattern: "GET {lang}/{org}/admin/sso", path: "/nb/rogaland/admin/sso", access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/sso", path: "/nb/rogaland/admin/sso", form: url.Values{"issuer": {""}}, access: forAdmin},

		// Import, export and open data.
		{pattern: "GET /apne-data/{org}/{file}", path: "/apne-data/rogaland/engasjementer.json", access: forAnyone},
		{pattern: "GET {lang}/{org}/admin/import", path: "/nb/rogaland/admin/import", access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/import", path: "/nb/rogaland/admin/import", form: url.Values{"format": {"auto"}}, access: forAdmin},
		{pattern: "GET {lang}/{org}/admin/import/{job}", path: "/nb/rogaland/admin/import/ukjent", access: forAdmin},
		{pattern: "GET {lang}/{org}/admin/import/{job}/status", path: "/nb/rogaland/admin/import/ukjent/status", access: forAdmin},
		{pattern: "POST {lang}/{org}/admin/import/{job}/bekreft", path: "/nb/rogaland/admin/import/ukjent/bekreft", access: forAdmin},
		{pattern: "GET {lang}/{org}/eksport/register.xlsx", path: "/nb/rogaland/eksport/register.xlsx", access: forReader},
		{pattern: "GET {lang}/{org}/eksport/register-csv.zip", path: "/nb/rogaland/eksport/register-csv.zip", access: forReader},
		{pattern: "GET {lang}/{org}/apne-data/", path: "/nb/rogaland/apne-data/", access: forAnyone},

		// Follow-up. Writes that pass the permission check fail on what they send (422) or on a
		// stale version (409), so that every caller finds the same records. "own" is the
		// contributor's engagement, "others" one they are not responsible for.
		{pattern: "GET {lang}/{org}/oppfolging/{$}", path: "/nb/rogaland/oppfolging/", access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/forfalte", path: "/nb/rogaland/oppfolging/forfalte", access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/strategi/{slug}", path: "/nb/rogaland/oppfolging/strategi/internasjonal-strategi", access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/strategi/{slug}/regler", path: "/nb/rogaland/oppfolging/strategi/internasjonal-strategi/regler", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/strategi/{slug}/regler", path: "/nb/rogaland/oppfolging/strategi/internasjonal-strategi/regler", form: url.Values{"version": {"999"}, "rule": {"weighted"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/element/{id}", path: "/nb/rogaland/oppfolging/element/" + ids["element"], access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/element/{id}/oppdatering", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/oppdatering", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/element/{id}/oppdatering", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/oppdatering", form: url.Values{"status": {""}}, access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/element/{id}/ingen-endring", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/ingen-endring", access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/element/{id}/innstillinger", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/innstillinger", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/element/{id}/innstillinger", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/innstillinger", form: url.Values{"version": {"999"}, "weight": {"1"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/element/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/milepel/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/element/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/element/" + ids["element"] + "/milepel/ny", form: url.Values{"title": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"], access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/oppdatering", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/oppdatering", access: forContributor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/oppdatering", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/oppdatering", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/oppdatering", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/oppdatering", form: url.Values{"status": {""}}, access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/oppdatering", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/oppdatering", form: url.Values{"status": {""}}, access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/ingen-endring", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/ingen-endring", access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/ingen-endring", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/ingen-endring", access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/innstillinger", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/innstillinger", access: forContributor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/innstillinger", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/innstillinger", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/innstillinger", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/innstillinger", form: url.Values{"version": {"999"}}, access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/innstillinger", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/innstillinger", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/milepel/ny", access: forContributor},
		{pattern: "GET {lang}/{org}/oppfolging/engasjement/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/milepel/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/engasjement/" + ids["own"] + "/milepel/ny", form: url.Values{"title": {""}}, access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/engasjement/{id}/milepel/ny", path: "/nb/rogaland/oppfolging/engasjement/" + ids["others"] + "/milepel/ny", form: url.Values{"title": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/milepel/{id}/rediger", path: "/nb/rogaland/oppfolging/milepel/" + ids["ownMilestone"] + "/rediger", access: forContributor},
		{pattern: "GET {lang}/{org}/oppfolging/milepel/{id}/rediger", path: "/nb/rogaland/oppfolging/milepel/" + ids["othersMilestone"] + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/milepel/{id}/rediger", path: "/nb/rogaland/oppfolging/milepel/" + ids["ownMilestone"] + "/rediger", form: url.Values{"version": {"999"}}, access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/milepel/{id}/rediger", path: "/nb/rogaland/oppfolging/milepel/" + ids["othersMilestone"] + "/rediger", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/milepel/{id}/ferdig", path: "/nb/rogaland/oppfolging/milepel/" + ids["ownMilestone"] + "/ferdig", form: url.Values{"version": {"999"}}, access: forContributor},
		{pattern: "POST {lang}/{org}/oppfolging/milepel/{id}/ferdig", path: "/nb/rogaland/oppfolging/milepel/" + ids["othersMilestone"] + "/ferdig", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/indikatorer/{$}", path: "/nb/rogaland/oppfolging/indikatorer/", access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/indikatorer/ny", path: "/nb/rogaland/oppfolging/indikatorer/ny", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/indikatorer/ny", path: "/nb/rogaland/oppfolging/indikatorer/ny", form: url.Values{"name_nb": {""}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/indikatorer/{id}", path: "/nb/rogaland/oppfolging/indikatorer/" + ids["indicator"], access: forReader},
		{pattern: "GET {lang}/{org}/oppfolging/indikatorer/{id}/rediger", path: "/nb/rogaland/oppfolging/indikatorer/" + ids["indicator"] + "/rediger", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/indikatorer/{id}/rediger", path: "/nb/rogaland/oppfolging/indikatorer/" + ids["indicator"] + "/rediger", form: url.Values{"version": {"999"}}, access: forEditor},
		{pattern: "GET {lang}/{org}/oppfolging/indikatorer/{id}/verdi", path: "/nb/rogaland/oppfolging/indikatorer/" + ids["indicator"] + "/verdi", access: forEditor},
		{pattern: "POST {lang}/{org}/oppfolging/indikatorer/{id}/verdi", path: "/nb/rogaland/oppfolging/indikatorer/" + ids["indicator"] + "/verdi", form: url.Values{"period": {""}}, access: forEditor},
		{pattern: "GET /api/v1/indicators", path: "/api/v1/indicators?org=rogaland", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/indicators", path: "/api/v1/organisations/rogaland/indicators", access: forAPI},

		// Reports. The PDF and the publishing are asked for a period that ends before it starts, so
		// that they answer 422 (no browser is started) once the permission check has passed.
		{pattern: "GET {lang}/{org}/rapport/{$}", path: "/nb/rogaland/rapport/", access: forReader},
		{pattern: "GET {lang}/{org}/rapport/rapport.pdf", path: "/nb/rogaland/rapport/rapport.pdf?fra=2025-12-31&til=2025-01-01", access: forReader},
		{pattern: "GET {lang}/{org}/rapport/rapport.xlsx", path: "/nb/rogaland/rapport/rapport.xlsx?fra=2024&til=2024", access: forReader},
		{pattern: "GET {lang}/{org}/rapport/grunnlag", path: "/nb/rogaland/rapport/grunnlag?fra=2024&til=2024&tall=total.engagements", access: forReader},
		{pattern: "POST {lang}/{org}/rapport/publiser", path: "/nb/rogaland/rapport/publiser", form: url.Values{"fra": {"2025-12-31"}, "til": {"2025-01-01"}}, access: forEditor},
		{pattern: "POST {lang}/{org}/rapporter/{id}/avpubliser", path: "/nb/rogaland/rapporter/999999/avpubliser", access: forEditor},
		{pattern: "GET {lang}/{org}/rapporter/{$}", path: "/nb/rogaland/rapporter/", access: forAnyone},
		{pattern: "GET {lang}/{org}/rapporter/{id}", path: "/nb/rogaland/rapporter/999999", access: forAnyone},
		{pattern: "GET {lang}/{org}/rapporter/{id}/grunnlag", path: "/nb/rogaland/rapporter/999999/grunnlag?tall=total.engagements", access: forAnyone},

		// Dashboards.
		{pattern: "GET {lang}/{org}/oversikt/{$}", path: "/nb/rogaland/oversikt/", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/dekning", path: "/nb/rogaland/oversikt/dekning", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/penger", path: "/nb/rogaland/oversikt/penger", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/tidslinje", path: "/nb/rogaland/oversikt/tidslinje", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/partnere", path: "/nb/rogaland/oversikt/partnere?kart=norge", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/frister", path: "/nb/rogaland/oversikt/frister", access: forReader},
		{pattern: "GET {lang}/{org}/oversikt/avvik", path: "/nb/rogaland/oversikt/avvik", access: forReader},

		// Last, as it ends the sessions the matrix uses.
		{pattern: "POST {lang}/logg-ut", path: "/nb/logg-ut", access: forAnyone},

		{pattern: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", access: forAPI},
		{pattern: "GET /api/v1/me", path: "/api/v1/me", access: forToken},
		{pattern: "GET /api/v1/organisations", path: "/api/v1/organisations", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}", path: "/api/v1/organisations/rogaland", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/plans", path: "/api/v1/organisations/rogaland/plans", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/plans/{slug}", path: "/api/v1/organisations/rogaland/plans/utviklingsplan-2021-2024", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/strategies", path: "/api/v1/organisations/rogaland/strategies", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/strategies/{slug}", path: "/api/v1/organisations/rogaland/strategies/internasjonal-strategi", access: forAPI},

		// The register in the API. Writes that pass the permission check fail on what they send
		// (400) or on a stale version (409), so that every caller finds the same records. "own"
		// is an engagement the contributor of A is responsible for, "others" one they are not.
		{pattern: "GET /api/v1/engagements", path: "/api/v1/engagements?org=rogaland", access: forAPI},
		{pattern: "GET /api/v1/organisations/{org}/engagements", path: "/api/v1/organisations/rogaland/engagements", access: forAPI},
		{pattern: "POST /api/v1/organisations/{org}/engagements", path: "/api/v1/organisations/rogaland/engagements", body: `{}`, access: forAPIWriter},
		{pattern: "GET /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"], access: forAPI},
		{pattern: "PUT /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["own"], body: `{"version": 999}`, access: forAPIWriter},
		{pattern: "PUT /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "PATCH /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["own"], body: `{"version": 999}`, access: forAPIWriter},
		{pattern: "PATCH /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "DELETE /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["own"], header: []string{"If-Match", `"999"`}, access: forAPIWriter},
		{pattern: "DELETE /api/v1/organisations/{org}/engagements/{id}", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"], header: []string{"If-Match", `"999"`}, access: forAPIEditor},
		{pattern: "GET /api/v1/organisations/{org}/engagements/{id}/money", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"] + "/money", access: forAPI},
		{pattern: "POST /api/v1/organisations/{org}/engagements/{id}/money", path: "/api/v1/organisations/rogaland/engagements/" + ids["own"] + "/money", body: `{}`, access: forAPIWriter},
		{pattern: "POST /api/v1/organisations/{org}/engagements/{id}/money", path: "/api/v1/organisations/rogaland/engagements/" + ids["others"] + "/money", body: `{}`, access: forAPIEditor},
		{pattern: "GET /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["othersMoney"], access: forAPI},
		{pattern: "PUT /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["ownMoney"], body: `{"version": 999}`, access: forAPIWriter},
		{pattern: "PUT /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["othersMoney"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "PATCH /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["ownMoney"], body: `{"version": 999}`, access: forAPIWriter},
		{pattern: "PATCH /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["othersMoney"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "DELETE /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["ownMoney"], header: []string{"If-Match", `"999"`}, access: forAPIWriter},
		{pattern: "DELETE /api/v1/organisations/{org}/money/{id}", path: "/api/v1/organisations/rogaland/money/" + ids["othersMoney"], header: []string{"If-Match", `"999"`}, access: forAPIEditor},
		{pattern: "GET /api/v1/organisations/{org}/actors", path: "/api/v1/organisations/rogaland/actors", access: forAPI},
		{pattern: "POST /api/v1/organisations/{org}/actors", path: "/api/v1/organisations/rogaland/actors", body: `{}`, access: forAPIWriter},
		{pattern: "GET /api/v1/organisations/{org}/actors/{id}", path: "/api/v1/organisations/rogaland/actors/" + ids["actor"], access: forAPI},
		{pattern: "PUT /api/v1/organisations/{org}/actors/{id}", path: "/api/v1/organisations/rogaland/actors/" + ids["actor"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "PATCH /api/v1/organisations/{org}/actors/{id}", path: "/api/v1/organisations/rogaland/actors/" + ids["actor"], body: `{"version": 999}`, access: forAPIEditor},
		{pattern: "DELETE /api/v1/organisations/{org}/actors/{id}", path: "/api/v1/organisations/rogaland/actors/" + ids["actor"], header: []string{"If-Match", `"999"`}, access: forAPIEditor},
	}
}

// The people the matrix asks as.
var matrixActors = []struct {
	name string
	org  string // "" for anonymous
	role utsyn.Role
}{
	{"anonymous", "", ""},
	{"reader of A", "rogaland", utsyn.RoleReader},
	{"contributor of A", "rogaland", utsyn.RoleContributor},
	{"editor of A", "rogaland", utsyn.RoleEditor},
	{"admin of A", "rogaland", utsyn.RoleAdmin},
	{"admin of B", "agder", utsyn.RoleAdmin},
}

// allowed says whether the actor may use a route of the access class.
func allowed(a access, org string, role utsyn.Role) bool {
	switch a {
	case forAnyone, forAPI:
		return true
	case forUser, forToken:
		return org != ""
	}
	need := map[access]utsyn.Role{forReader: utsyn.RoleReader, forContributor: utsyn.RoleContributor, forEditor: utsyn.RoleEditor, forAdmin: utsyn.RoleAdmin,
		forAPIWriter: utsyn.RoleContributor, forAPIEditor: utsyn.RoleEditor}[a]
	return org == "rogaland" && role.AtLeast(need)
}

// routePattern finds the patterns of routes.go, the per-language ones as "GET {lang}/…".
var routePattern = regexp.MustCompile(`mux\.HandleFunc\((get|post)?\+?"([^"]+)"`)

func TestEveryRouteHasAnAccessRule(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range routeCases(map[string]string{}) {
		known[c.pattern] = true
	}
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		pattern := m[2]
		if m[1] != "" {
			pattern = strings.ToUpper(m[1]) + " {lang}" + pattern
		}
		if pattern == "/" {
			continue // the catch-all 404
		}
		if !known[pattern] {
			t.Errorf("route %q has no access rule in the permission matrix (access_test.go)", pattern)
		}
	}
}

func TestPermissionMatrix(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addOrg(t, db, "agder")
		ids := map[string]string{}
		ctx := context.Background()
		org, err := db.FindOrganisation(ctx, "rogaland")
		if err != nil {
			t.Fatal(err)
		}
		tree := demoTree(t, db, org.ID)
		pl, err := db.FindPlan(ctx, org.ID, "utviklingsplan-2021-2024")
		if err != nil {
			t.Fatal(err)
		}
		roles, err := db.ListTerms(ctx, org.ID, utsyn.VocabRole)
		if err != nil {
			t.Fatal(err)
		}
		ids["element"] = itoa(tree.Elements[len(tree.Elements)-1].ID)
		ids["goal"] = itoa(pl.Goals[0].ID)
		ids["term"] = itoa(roles[0].ID)
		browsers := map[string]*browser{}
		tokens := map[string]string{}
		for _, a := range matrixActors {
			b := newBrowser(t, srv)
			if a.org != "" {
				email := strings.ReplaceAll(a.name, " ", "-") + "@example.org"
				u := addUser(t, db, a.org, email, a.role)
				ids[string(a.role)] = itoa(u.ID)
				b.signIn(email, testPassword)
				tokens[a.name] = tokenFor(t, db, u, a.org, a.role)
			}
			browsers[a.name] = b
		}
		registerMatrixIDs(t, db, ids)
		followupMatrixIDs(t, db, ids)
		for _, c := range routeCases(ids) {
			for _, a := range matrixActors {
				t.Run(c.pattern+" as "+a.name, func(t *testing.T) {
					ok := allowed(c.access, a.org, a.role)
					var resp *http.Response
					var body string
					switch {
					case apiAccess(c.access):
						header := c.header
						if tok := tokens[a.name]; tok != "" {
							header = append([]string{"Authorization", "Bearer " + tok}, header...)
						}
						method, _, _ := strings.Cut(c.pattern, " ")
						resp, body = request(t, srv, method, c.path, c.body, header...)
					case strings.HasPrefix(c.pattern, "POST"):
						resp, body = browsers[a.name].post(c.path, c.form)
					default:
						resp, body = browsers[a.name].get(c.path)
					}
					got := resp.StatusCode
					switch {
					case ok && (got == 401 || got == 403 || got >= 500):
						t.Errorf("%s %s: status %d, want access\n%.300s", a.name, c.path, got, body)
					case ok && got == http.StatusSeeOther && strings.Contains(resp.Header.Get("Location"), "/logg-inn?neste="):
						t.Errorf("%s %s: sent to sign in, want access", a.name, c.path)
					case !ok && a.org == "" && !apiAccess(c.access) && !strings.HasPrefix(c.pattern, "POST"):
						if got != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/logg-inn?neste=") {
							t.Errorf("anonymous %s: status %d, want 303 to sign in", c.path, got)
						}
					case !ok && a.org == "":
						if got != http.StatusUnauthorized {
							t.Errorf("anonymous %s %s: status %d, want 401", c.pattern, c.path, got)
						}
					case !ok && got != http.StatusForbidden:
						t.Errorf("%s %s: status %d, want 403", a.name, c.path, got)
					}
				})
			}
		}
	})
}

// tokenFor makes an API token of the user with their role.
func tokenFor(t *testing.T, db *store.DB, u *utsyn.User, orgSlug string, role utsyn.Role) string {
	t.Helper()
	org, err := db.FindOrganisation(context.Background(), orgSlug)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := issueToken(db, &utsyn.Principal{User: u, OrgID: org.ID, Role: role, Label: u.Email}, role)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
