package web

import (
	"net/http"

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
		l := "GET /" + string(lang)
		mux.HandleFunc(l+"/{$}", s.page(s.home))
		mux.HandleFunc(l+"/tilgjengelighet", s.page(s.accessibility))
		mux.HandleFunc(l+"/personvern", s.page(s.privacy))
		mux.HandleFunc(l+"/{org}", s.page(s.organisation))
		mux.HandleFunc(l+"/{org}/strategi/{slug}", s.page(s.strategy))
		mux.HandleFunc(l+"/{org}/plan/{slug}", s.page(s.plan))
	}

	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /api/v1/organisations", s.api(s.apiOrganisations))
	mux.HandleFunc("GET /api/v1/organisations/{org}", s.api(s.apiOrganisation))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans", s.api(s.apiPlans))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans/{slug}", s.api(s.apiPlan))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies", s.api(s.apiStrategies))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies/{slug}", s.api(s.apiStrategy))

	mux.HandleFunc("/", s.notFound)
	return mux
}
