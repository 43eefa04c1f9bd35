package web

import (
	"net/http"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/importer"
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

		// Published engagements (public): the list with filters and search, and each one. The list
		// ends in a slash (a two-segment /{org}/x would clash with /logg-inn/{org}); the mux sends
		// /{org}/arbeid there.
		mux.HandleFunc(get+"/{org}/arbeid/", s.page(s.publicWorkList))
		mux.HandleFunc(get+"/{org}/arbeid/{id}", s.page(s.publicEngagement))

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

		// Editing strategies and plans (editors); the history of each (readers).
		mux.HandleFunc(get+"/{org}/strategi/ny", s.page(s.member(utsyn.RoleEditor, s.newStrategy)))
		mux.HandleFunc(post+"/{org}/strategi/ny", s.page(s.member(utsyn.RoleEditor, s.createStrategy)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/rediger", s.page(s.member(utsyn.RoleEditor, s.editStrategy)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateStrategy)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/publiser", s.page(s.member(utsyn.RoleEditor, s.publishStrategy)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/ny-versjon", s.page(s.member(utsyn.RoleEditor, s.versionForm)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/ny-versjon", s.page(s.member(utsyn.RoleEditor, s.createVersion)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/historikk", s.page(s.member(utsyn.RoleReader, s.strategyHistory)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/element/ny", s.page(s.member(utsyn.RoleEditor, s.newElement)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/element/ny", s.page(s.member(utsyn.RoleEditor, s.createElement)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/element/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.editElement)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/element/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateElement)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/element/{id}/flytt", s.page(s.member(utsyn.RoleEditor, s.moveElement)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/element/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.confirmDeleteElement)))
		mux.HandleFunc(post+"/{org}/strategi/{slug}/element/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.deleteElement)))
		mux.HandleFunc(get+"/{org}/strategi/{slug}/element/{id}/historikk", s.page(s.member(utsyn.RoleReader, s.elementHistory)))
		mux.HandleFunc(get+"/{org}/plan/ny", s.page(s.member(utsyn.RoleEditor, s.newPlan)))
		mux.HandleFunc(post+"/{org}/plan/ny", s.page(s.member(utsyn.RoleEditor, s.createPlan)))
		mux.HandleFunc(get+"/{org}/plan/{slug}/rediger", s.page(s.member(utsyn.RoleEditor, s.editPlan)))
		mux.HandleFunc(post+"/{org}/plan/{slug}/rediger", s.page(s.member(utsyn.RoleEditor, s.updatePlan)))
		mux.HandleFunc(get+"/{org}/plan/{slug}/historikk", s.page(s.member(utsyn.RoleReader, s.planHistory)))
		mux.HandleFunc(get+"/{org}/plan/{slug}/mal/ny", s.page(s.member(utsyn.RoleEditor, s.newGoal)))
		mux.HandleFunc(post+"/{org}/plan/{slug}/mal/ny", s.page(s.member(utsyn.RoleEditor, s.createGoal)))
		mux.HandleFunc(get+"/{org}/plan/{slug}/mal/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.editGoal)))
		mux.HandleFunc(post+"/{org}/plan/{slug}/mal/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateGoal)))
		mux.HandleFunc(post+"/{org}/plan/{slug}/mal/{id}/flytt", s.page(s.member(utsyn.RoleEditor, s.moveGoal)))
		mux.HandleFunc(get+"/{org}/plan/{slug}/mal/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.confirmDeleteGoal)))
		mux.HandleFunc(post+"/{org}/plan/{slug}/mal/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.deleteGoal)))
		mux.HandleFunc(get+"/{org}/ordlister/{vocab}", s.page(s.member(utsyn.RoleEditor, s.terms)))
		mux.HandleFunc(get+"/{org}/ordlister/{vocab}/ny", s.page(s.member(utsyn.RoleEditor, s.newTerm)))
		mux.HandleFunc(post+"/{org}/ordlister/{vocab}/ny", s.page(s.member(utsyn.RoleEditor, s.createTerm)))
		mux.HandleFunc(get+"/{org}/ordlister/{vocab}/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.editTerm)))
		mux.HandleFunc(post+"/{org}/ordlister/{vocab}/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateTerm)))

		// The engagement register (signed in): the list (readers; it ends in a slash, as
		// /{org}/engasjementer would clash with /logg-inn/{org}), one's own, exports, each engagement
		// and its history; registering (contributors) and changing one's own (editors: every one),
		// with its partners and money; the actors; the exchange rates (administrators).
		mux.HandleFunc(get+"/{org}/engasjementer/{$}", s.page(s.member(utsyn.RoleReader, s.engagementList)))
		mux.HandleFunc(get+"/{org}/engasjementer/mine", s.page(s.member(utsyn.RoleReader, s.myEngagements)))
		mux.HandleFunc(get+"/{org}/engasjementer/eksport.csv", s.page(s.member(utsyn.RoleReader, s.exportCSV)))
		mux.HandleFunc(get+"/{org}/engasjementer/eksport.xlsx", s.page(s.member(utsyn.RoleReader, s.exportXLSX)))
		mux.HandleFunc(get+"/{org}/engasjementer/ny", s.page(s.member(utsyn.RoleContributor, s.newEngagement)))
		mux.HandleFunc(post+"/{org}/engasjementer/ny", s.page(s.member(utsyn.RoleContributor, s.createEngagement)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}", s.page(s.member(utsyn.RoleReader, s.engagement)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/historikk", s.page(s.member(utsyn.RoleReader, s.engagementHistory)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/rediger", s.page(s.member(utsyn.RoleContributor, s.editEngagement)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/rediger", s.page(s.member(utsyn.RoleContributor, s.updateEngagement)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/slett", s.page(s.member(utsyn.RoleContributor, s.confirmDeleteEngagement)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/slett", s.page(s.member(utsyn.RoleContributor, s.deleteEngagement)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/partnere", s.page(s.member(utsyn.RoleContributor, s.partners)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/partnere", s.page(s.member(utsyn.RoleContributor, s.addPartner)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/partnere/ny", s.page(s.member(utsyn.RoleContributor, s.addNewPartner)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/partnere/fjern", s.page(s.member(utsyn.RoleContributor, s.removePartner)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/penger/ny", s.page(s.member(utsyn.RoleContributor, s.newMoneyLine)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/penger/ny", s.page(s.member(utsyn.RoleContributor, s.createMoneyLine)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/penger/{line}/rediger", s.page(s.member(utsyn.RoleContributor, s.editMoneyLine)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/penger/{line}/rediger", s.page(s.member(utsyn.RoleContributor, s.updateMoneyLine)))
		mux.HandleFunc(get+"/{org}/engasjementer/{id}/penger/{line}/slett", s.page(s.member(utsyn.RoleContributor, s.confirmDeleteMoneyLine)))
		mux.HandleFunc(post+"/{org}/engasjementer/{id}/penger/{line}/slett", s.page(s.member(utsyn.RoleContributor, s.deleteMoneyLine)))
		mux.HandleFunc(get+"/{org}/aktorer/{$}", s.page(s.member(utsyn.RoleReader, s.actors)))
		mux.HandleFunc(get+"/{org}/aktorer/ny", s.page(s.member(utsyn.RoleContributor, s.newActor)))
		mux.HandleFunc(post+"/{org}/aktorer/ny", s.page(s.member(utsyn.RoleContributor, s.createActor)))
		mux.HandleFunc(get+"/{org}/aktorer/{id}", s.page(s.member(utsyn.RoleReader, s.actor)))
		mux.HandleFunc(get+"/{org}/aktorer/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.editActor)))
		mux.HandleFunc(post+"/{org}/aktorer/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateActor)))
		mux.HandleFunc(get+"/{org}/aktorer/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.confirmDeleteActor)))
		mux.HandleFunc(post+"/{org}/aktorer/{id}/slett", s.page(s.member(utsyn.RoleEditor, s.deleteActor)))
		mux.HandleFunc(get+"/{org}/admin/valutakurser", s.page(s.member(utsyn.RoleAdmin, s.rates)))
		mux.HandleFunc(post+"/{org}/admin/valutakurser", s.page(s.member(utsyn.RoleAdmin, s.setRate)))
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

	// Dashboards (readers): the overview and its pages: coverage of the strategy, money, the
	// timeline, partners on maps, what is due, what lags (dashboard.go). The overview ends in a
	// slash (/{org}/oversikt would clash with /logg-inn/{org}); the mux sends /{org}/oversikt there.
	dash := s.newDashboards()
	for _, lang := range i18n.Langs {
		get := "GET /" + string(lang)
		mux.HandleFunc(get+"/{org}/oversikt/{$}", s.page(s.member(utsyn.RoleReader, dash.overview)))
		mux.HandleFunc(get+"/{org}/oversikt/dekning", s.page(s.member(utsyn.RoleReader, dash.coverage)))
		mux.HandleFunc(get+"/{org}/oversikt/penger", s.page(s.member(utsyn.RoleReader, dash.money)))
		mux.HandleFunc(get+"/{org}/oversikt/tidslinje", s.page(s.member(utsyn.RoleReader, dash.timeline)))
		mux.HandleFunc(get+"/{org}/oversikt/partnere", s.page(s.member(utsyn.RoleReader, dash.partners)))
		mux.HandleFunc(get+"/{org}/oversikt/frister", s.page(s.member(utsyn.RoleReader, dash.due)))
		mux.HandleFunc(get+"/{org}/oversikt/avvik", s.page(s.member(utsyn.RoleReader, dash.lags)))
	}

	// Import, export and open data (imports.go, opendata.go): the whole register in and out as
	// spreadsheets (administrators import, with a dry run first; readers export), and the
	// published strategies and work as open data files under /apne-data/, with a public page
	// that links them.
	imports := s.newImportJobs()
	mux.HandleFunc("GET /apne-data/{org}/{file}", s.openDataFile)
	for _, lang := range i18n.Langs {
		get, post := "GET /"+string(lang), "POST /"+string(lang)
		mux.HandleFunc(get+"/{org}/admin/import", s.page(s.member(utsyn.RoleAdmin, imports.form)))
		mux.HandleFunc(post+"/{org}/admin/import", s.page(s.member(utsyn.RoleAdmin, imports.upload)))
		mux.HandleFunc(get+"/{org}/admin/import/{job}", s.page(s.member(utsyn.RoleAdmin, imports.job)))
		mux.HandleFunc(get+"/{org}/admin/import/{job}/status", s.page(s.member(utsyn.RoleAdmin, imports.status)))
		mux.HandleFunc(post+"/{org}/admin/import/{job}/bekreft", s.page(s.member(utsyn.RoleAdmin, imports.confirm)))
		mux.HandleFunc(get+"/{org}/eksport/register.xlsx", s.page(s.member(utsyn.RoleReader, imports.export(importer.FormatXLSX))))
		mux.HandleFunc(get+"/{org}/eksport/register-csv.zip", s.page(s.member(utsyn.RoleReader, imports.export(importer.FormatCSV))))
		mux.HandleFunc(get+"/{org}/apne-data/", s.page(s.openData))
	}

	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /api/v1/me", s.api(s.apiMe))
	mux.HandleFunc("GET /api/v1/organisations", s.api(s.apiOrganisations))
	mux.HandleFunc("GET /api/v1/organisations/{org}", s.api(s.apiOrganisation))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans", s.api(s.apiPlans))
	mux.HandleFunc("GET /api/v1/organisations/{org}/plans/{slug}", s.api(s.apiPlan))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies", s.api(s.apiStrategies))
	mux.HandleFunc("GET /api/v1/organisations/{org}/strategies/{slug}", s.api(s.apiStrategy))

	// The register in the API: engagements, their money, and actors (api_register.go).
	mux.HandleFunc("GET /api/v1/engagements", s.apiRegister(s.apiEngagements))
	mux.HandleFunc("GET /api/v1/organisations/{org}/engagements", s.apiRegister(s.apiEngagements))
	mux.HandleFunc("POST /api/v1/organisations/{org}/engagements", s.apiRegister(s.apiCreateEngagement))
	mux.HandleFunc("GET /api/v1/organisations/{org}/engagements/{id}", s.apiRegister(s.apiEngagement))
	mux.HandleFunc("PUT /api/v1/organisations/{org}/engagements/{id}", s.apiRegister(s.apiUpdateEngagement))
	mux.HandleFunc("PATCH /api/v1/organisations/{org}/engagements/{id}", s.apiRegister(s.apiUpdateEngagement))
	mux.HandleFunc("DELETE /api/v1/organisations/{org}/engagements/{id}", s.apiRegister(s.apiDeleteEngagement))
	mux.HandleFunc("GET /api/v1/organisations/{org}/engagements/{id}/money", s.apiRegister(s.apiMoneyLines))
	mux.HandleFunc("POST /api/v1/organisations/{org}/engagements/{id}/money", s.apiRegister(s.apiCreateMoneyLine))
	mux.HandleFunc("GET /api/v1/organisations/{org}/money/{id}", s.apiRegister(s.apiMoneyLine))
	mux.HandleFunc("PUT /api/v1/organisations/{org}/money/{id}", s.apiRegister(s.apiUpdateMoneyLine))
	mux.HandleFunc("PATCH /api/v1/organisations/{org}/money/{id}", s.apiRegister(s.apiUpdateMoneyLine))
	mux.HandleFunc("DELETE /api/v1/organisations/{org}/money/{id}", s.apiRegister(s.apiDeleteMoneyLine))
	mux.HandleFunc("GET /api/v1/organisations/{org}/actors", s.apiRegister(s.apiActors))
	mux.HandleFunc("POST /api/v1/organisations/{org}/actors", s.apiRegister(s.apiCreateActor))
	mux.HandleFunc("GET /api/v1/organisations/{org}/actors/{id}", s.apiRegister(s.apiActor))
	mux.HandleFunc("PUT /api/v1/organisations/{org}/actors/{id}", s.apiRegister(s.apiUpdateActor))
	mux.HandleFunc("PATCH /api/v1/organisations/{org}/actors/{id}", s.apiRegister(s.apiUpdateActor))
	mux.HandleFunc("DELETE /api/v1/organisations/{org}/actors/{id}", s.apiRegister(s.apiDeleteActor))

	// Follow-up (followup.go, indicators.go): for the organisation's readers, the overview, the
	// overdue updates, each strategy's roll-up, each engagement's and element's status updates and
	// milestones, and the indicators. Contributors post on the engagements they are responsible
	// for, editors on everything (the handlers check it); editors set rules and indicators.
	for _, lang := range i18n.Langs {
		l := "/" + string(lang)
		get, post := "GET "+l, "POST "+l
		mux.HandleFunc(get+"/{org}/oppfolging/{$}", s.page(s.member(utsyn.RoleReader, s.followupHome)))
		mux.HandleFunc(get+"/{org}/oppfolging/forfalte", s.page(s.member(utsyn.RoleReader, s.overdueUpdates)))
		mux.HandleFunc(get+"/{org}/oppfolging/strategi/{slug}", s.page(s.member(utsyn.RoleReader, s.followupStrategy)))
		mux.HandleFunc(get+"/{org}/oppfolging/strategi/{slug}/regler", s.page(s.member(utsyn.RoleEditor, s.rollupForm)))
		mux.HandleFunc(post+"/{org}/oppfolging/strategi/{slug}/regler", s.page(s.member(utsyn.RoleEditor, s.saveRollup)))
		mux.HandleFunc(get+"/{org}/oppfolging/element/{id}", s.page(s.member(utsyn.RoleReader, s.followupItem(itemElement))))
		mux.HandleFunc(get+"/{org}/oppfolging/element/{id}/oppdatering", s.page(s.member(utsyn.RoleEditor, s.updateForm(itemElement))))
		mux.HandleFunc(post+"/{org}/oppfolging/element/{id}/oppdatering", s.page(s.member(utsyn.RoleEditor, s.createUpdate(itemElement))))
		mux.HandleFunc(post+"/{org}/oppfolging/element/{id}/ingen-endring", s.page(s.member(utsyn.RoleEditor, s.noChange(itemElement))))
		mux.HandleFunc(get+"/{org}/oppfolging/element/{id}/innstillinger", s.page(s.member(utsyn.RoleEditor, s.settingsForm(itemElement))))
		mux.HandleFunc(post+"/{org}/oppfolging/element/{id}/innstillinger", s.page(s.member(utsyn.RoleEditor, s.saveSettings(itemElement))))
		mux.HandleFunc(get+"/{org}/oppfolging/element/{id}/milepel/ny", s.page(s.member(utsyn.RoleEditor, s.newMilestone(itemElement))))
		mux.HandleFunc(post+"/{org}/oppfolging/element/{id}/milepel/ny", s.page(s.member(utsyn.RoleEditor, s.createMilestone(itemElement))))
		mux.HandleFunc(get+"/{org}/oppfolging/engasjement/{id}", s.page(s.member(utsyn.RoleReader, s.followupItem(itemEngagement))))
		mux.HandleFunc(get+"/{org}/oppfolging/engasjement/{id}/oppdatering", s.page(s.member(utsyn.RoleContributor, s.updateForm(itemEngagement))))
		mux.HandleFunc(post+"/{org}/oppfolging/engasjement/{id}/oppdatering", s.page(s.member(utsyn.RoleContributor, s.createUpdate(itemEngagement))))
		mux.HandleFunc(post+"/{org}/oppfolging/engasjement/{id}/ingen-endring", s.page(s.member(utsyn.RoleContributor, s.noChange(itemEngagement))))
		mux.HandleFunc(get+"/{org}/oppfolging/engasjement/{id}/innstillinger", s.page(s.member(utsyn.RoleContributor, s.settingsForm(itemEngagement))))
		mux.HandleFunc(post+"/{org}/oppfolging/engasjement/{id}/innstillinger", s.page(s.member(utsyn.RoleContributor, s.saveSettings(itemEngagement))))
		mux.HandleFunc(get+"/{org}/oppfolging/engasjement/{id}/milepel/ny", s.page(s.member(utsyn.RoleContributor, s.newMilestone(itemEngagement))))
		mux.HandleFunc(post+"/{org}/oppfolging/engasjement/{id}/milepel/ny", s.page(s.member(utsyn.RoleContributor, s.createMilestone(itemEngagement))))
		mux.HandleFunc(get+"/{org}/oppfolging/milepel/{id}/rediger", s.page(s.member(utsyn.RoleContributor, s.editMilestone)))
		mux.HandleFunc(post+"/{org}/oppfolging/milepel/{id}/rediger", s.page(s.member(utsyn.RoleContributor, s.updateMilestone)))
		mux.HandleFunc(post+"/{org}/oppfolging/milepel/{id}/ferdig", s.page(s.member(utsyn.RoleContributor, s.tickMilestone)))
		mux.HandleFunc(get+"/{org}/oppfolging/indikatorer/{$}", s.page(s.member(utsyn.RoleReader, s.indicatorList)))
		mux.HandleFunc(get+"/{org}/oppfolging/indikatorer/ny", s.page(s.member(utsyn.RoleEditor, s.newIndicator)))
		mux.HandleFunc(post+"/{org}/oppfolging/indikatorer/ny", s.page(s.member(utsyn.RoleEditor, s.createIndicator)))
		mux.HandleFunc(get+"/{org}/oppfolging/indikatorer/{id}", s.page(s.member(utsyn.RoleReader, s.indicator)))
		mux.HandleFunc(get+"/{org}/oppfolging/indikatorer/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.editIndicator)))
		mux.HandleFunc(post+"/{org}/oppfolging/indikatorer/{id}/rediger", s.page(s.member(utsyn.RoleEditor, s.updateIndicator)))
		mux.HandleFunc(get+"/{org}/oppfolging/indikatorer/{id}/verdi", s.page(s.member(utsyn.RoleEditor, s.valueForm)))
		mux.HandleFunc(post+"/{org}/oppfolging/indikatorer/{id}/verdi", s.page(s.member(utsyn.RoleEditor, s.createValue)))
	}
	mux.HandleFunc("GET /api/v1/indicators", s.api(s.apiIndicators))
	mux.HandleFunc("GET /api/v1/organisations/{org}/indicators", s.api(s.apiIndicators))

	// Reports (report.go): the annual report for signed-in readers, as a page, PDF and XLSX, with
	// the records behind each figure; an editor publishes the political one, which the public
	// reads, rebuilt from published data only. The lists end in a slash, as /{org}/rapport would
	// clash with /logg-inn/{org}.
	for _, lang := range i18n.Langs {
		get, post := "GET /"+string(lang), "POST /"+string(lang)
		mux.HandleFunc(get+"/{org}/rapport/{$}", s.page(s.member(utsyn.RoleReader, s.reportPage)))
		mux.HandleFunc(get+"/{org}/rapport/rapport.pdf", s.page(s.member(utsyn.RoleReader, s.reportPDF)))
		mux.HandleFunc(get+"/{org}/rapport/rapport.xlsx", s.page(s.member(utsyn.RoleReader, s.reportXLSX)))
		mux.HandleFunc(get+"/{org}/rapport/grunnlag", s.page(s.member(utsyn.RoleReader, s.reportRecords)))
		mux.HandleFunc(post+"/{org}/rapport/publiser", s.page(s.member(utsyn.RoleEditor, s.publishReport)))
		mux.HandleFunc(post+"/{org}/rapporter/{id}/avpubliser", s.page(s.member(utsyn.RoleEditor, s.unpublishReport)))
		mux.HandleFunc(get+"/{org}/rapporter/{$}", s.page(s.publishedReports))
		mux.HandleFunc(get+"/{org}/rapporter/{id}", s.page(s.publishedReport))
		mux.HandleFunc(get+"/{org}/rapporter/{id}/grunnlag", s.page(s.publishedReportRecords))
	}

	mux.HandleFunc("/", s.notFound)
	return mux
}
