package web

import (
	"net/http"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
)

// routes lists every route, one a line. {org} is an organisation's slug.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /static/{file}", s.staticFile)
	mux.HandleFunc("GET /favicon.ico", s.favicon)
	mux.HandleFunc("GET /robots.txt", s.robots)

	mux.HandleFunc("GET /{$}", s.root)
	// The public pages, once per language: /nb/... and /en/... (a literal first segment keeps
	// them clear of /static/ and /api/).
	for _, lang := range i18n.Langs {
		l := "/" + string(lang)
		get, post := "GET "+l, "POST "+l
		mux.HandleFunc(get+"/{$}", s.page(s.home))
		mux.HandleFunc(get+"/tilgjengelighet", s.page(s.accessibility))
		mux.HandleFunc(get+"/personvern", s.page(s.privacy))
		mux.HandleFunc(get+"/{org}", s.page(s.organisation))
		mux.HandleFunc(get+"/{org}/strategi/{slug}", s.page(s.strategy))
		mux.HandleFunc(get+"/{org}/plan/{slug}", s.page(s.plan))

		// Signing in and the signed-in person's own account.
		mux.HandleFunc(get+"/logg-inn", s.page(s.signinForm))
		mux.HandleFunc(post+"/logg-inn", s.page(s.signin))
		mux.HandleFunc(post+"/logg-ut", s.page(s.signout))
		mux.HandleFunc(get+"/konto/passord", s.page(s.requireUser(s.passwordForm)))
		mux.HandleFunc(post+"/konto/passord", s.page(s.requireUser(s.changePassword)))
		mux.HandleFunc(get+"/passord/{token}", s.page(s.resetForm))
		mux.HandleFunc(post+"/passord/{token}", s.page(s.reset))
		mux.HandleFunc(get+"/konto", s.page(s.requireUser(s.account)))
		mux.HandleFunc(post+"/konto/nokler", s.page(s.requireUser(s.createToken)))
		mux.HandleFunc(post+"/konto/nokler/{id}/trekk-tilbake", s.page(s.requireUser(s.revokeToken)))

		// Administration of an organisation (administrators).
		mux.HandleFunc(get+"/{org}/admin/brukere", s.page(s.member(utsyn.RoleAdmin, s.users)))
		mux.HandleFunc(post+"/{org}/admin/brukere", s.page(s.member(utsyn.RoleAdmin, s.addUser)))
		mux.HandleFunc(post+"/{org}/admin/brukere/{id}/{action}", s.page(s.member(utsyn.RoleAdmin, s.userAction)))
		mux.HandleFunc(get+"/{org}/admin/logg", s.page(s.member(utsyn.RoleAdmin, s.auditLog)))
		mux.HandleFunc(get+"/{org}/admin/logg.csv", s.page(s.member(utsyn.RoleAdmin, s.auditCSV)))
	}

	// Single sign-on (OpenID Connect): one callback for the installation, outside the language
	// prefix (the language and the organisation travel in the state).
	sso := s.newSSO()
	mux.HandleFunc("GET /sso/callback", sso.callback)
	for _, lang := range i18n.Langs {
		get, post := "GET /"+string(lang), "POST /"+string(lang)
		mux.HandleFunc(get+"/logg-inn/{org}", s.page(sso.start))
		mux.HandleFunc(get+"/{org}/admin/sso", s.page(s.member(utsyn.RoleAdmin, sso.settings)))
		mux.HandleFunc(post+"/{org}/admin/sso", s.page(s.member(utsyn.RoleAdmin, sso.saveSettings)))
	}

	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /api/v1/me", s.api(s.apiMe))
	mux.HandleFunc("GET /api/v1/organisations", s.api(s.apiOrganisations))
	mux.HandleFunc("GET /api/v1/organisations/{org}", s.api(s.apiOrganisation))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans", s.api(s.apiPlans))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans/{slug}", s.api(s.apiPlan))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies", s.api(s.apiStrategies))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies/{slug}", s.api(s.apiStrategy))

	mux.HandleFunc("/", s.notFound)
	return mux
}
