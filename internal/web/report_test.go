package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// What the report's tests register in 2023, and the words that must never reach a public page.
const (
	reportProject  = "Nordsjøprosjektet Havvind"
	reportSecret   = "Hemmelig samarbeid Ørnereir"
	reportNarrativ = "Forhandlingene har stoppet opp"
	report2023     = "fra=2023-01-01&til=2023-12-31"
)

// reportWork registers some work of 2023: a published project with money in EUR and NOK, an
// internal partnership that is off track, and a membership due for renewal.
func reportWork(t testing.TB, db *store.DB) (project, secret *utsyn.Engagement) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	tree := demoTree(t, db, org.ID)
	p1 := tree.AtLevel("priority")[0]
	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		be := &utsyn.Actor{OrgID: org.ID, Name: "Provincie West-Vlaanderen", Country: "BE"}
		if err := tx.CreateActor(ctx, be); err != nil {
			return err
		}
		project = &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText(reportProject, "North Sea offshore wind"),
			Status: utsyn.StatusRunning, Start: utsyn.MustDate("2022-09-01"), End: utsyn.MustDate("2025-08-31"), Public: true,
			Elements: []utsyn.ElementRef{{ElementID: p1.ID, Primary: true}}, Partners: []utsyn.Partner{{ActorID: be.ID, Role: "partner"}}}
		secret = &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindPartnership, Title: utsyn.NewText(reportSecret, ""), Unit: "Hemmelig enhet",
			Status: utsyn.StatusActive, Start: utsyn.MustDate("2023-02"), Elements: []utsyn.ElementRef{{ElementID: p1.ID, Primary: true}}}
		member := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMembership, Title: utsyn.NewText("Rapportnettverket", "Report network"),
			Status: utsyn.StatusActive, Start: utsyn.MustDate("2021"), Membership: &utsyn.MembershipFacts{RenewalDate: utsyn.MustDate("2024-03-01")}}
		for _, e := range []*utsyn.Engagement{project, secret, member} {
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
		}
		for _, m := range []*utsyn.MoneyLine{
			{EngagementID: project.ID, Year: 2023, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 40_000_000, Currency: "EUR"}},
			{EngagementID: project.ID, Year: 2023, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 15_000_000, Currency: "NOK"}},
			{EngagementID: secret.ID, Year: 2023, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 77_700_000, Currency: "NOK"}},
		} {
			if err := tx.CreateMoneyLine(ctx, org.ID, m); err != nil {
				return err
			}
		}
		return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: org.ID, EngagementID: secret.ID, Date: utsyn.MustDate("2023-11-01"),
			Status: utsyn.FollowOffTrack, Narrative: reportNarrativ})
	})
	if err != nil {
		t.Fatal(err)
	}
	return project, secret
}

func TestReportPage(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		project, _ := reportWork(t, db)
		addUser(t, db, "rogaland", "leser@example.org", utsyn.RoleReader)
		b := newBrowser(t, srv)
		b.signIn("leser@example.org", testPassword)
		base := "/nb/rogaland/rapport/"

		tests := []struct {
			name   string
			path   string
			status int
			want   []string
			not    []string
		}{
			{name: "political", path: base + "?" + report2023 + "&form=politisk", status: 200, want: []string{
				"<h1>Årsrapport 2023</h1>", "Politisk rapport, 1. januar 2023–31. desember 2023", "Nøkkeltall", "Trenger beslutning",
				reportProject, reportSecret, reportNarrativ, "Rapportnettverket", "skal fornyes 1. mars 2024", "EUR\u00a0400\u00a0000",
				"ikke i NOK: mangler kurs for 2023", "Slik er tallene regnet",
				fmt.Sprintf(`href="/nb/rogaland/engasjementer/%d"`, project.ID),
				`href="/nb/rogaland/rapport/grunnlag?form=politisk&amp;fra=2023-01-01&amp;tall=total.engagements&amp;til=2023-12-31"`,
				"rapport.xlsx?form=politisk&amp;fra=2023-01-01&amp;til=2023-12-31"}},
			{name: "administrative in English", path: "/en/rogaland/rapport/?" + report2023 + "&form=administrativ", status: 200, want: []string{
				"<h1>Annual report 2023</h1>", "Administrative report", "The strategy&#39;s goals and measures", "Money by year and kind",
				reportSecret, "Own cash"}},
			{name: "a year given as a year", path: base + "?fra=2023&til=2023", status: 200, want: []string{"<h1>Årsrapport 2023</h1>"}},
			{name: "a period that is not a year", path: base + "?fra=2023-03-01&til=2023-06-30", status: 200, want: []string{
				"Rapport 1. mars 2023–30. juni 2023", "Perioden dekker bare en del av et år"}},
			{name: "the period ends before it starts", path: base + "?fra=2023-12-31&til=2023-01-01", status: 422, want: []string{
				`class="error-summary"`, `<a href="#til">Perioden slutter før den starter.`, `aria-invalid="true"`, `value="2023-12-31"`},
				not: []string{"Nøkkeltall"}},
			{name: "not a date", path: base + "?fra=2023-02-30&til=2023", status: 422, want: []string{`<a href="#fra">Skriv fra-datoen som`}},
			{name: "no such form", path: base + "?" + report2023 + "&form=hemmelig", status: 422, want: []string{`<a href="#form">Velg politisk eller administrativ rapport.`}},
			{name: "the records of a figure", path: "/nb/rogaland/rapport/grunnlag?" + report2023 + "&form=politisk&tall=total.external", status: 200, want: []string{
				"<h1>Eksterne midler</h1>", reportProject, reportSecret, "EUR\u00a0400\u00a0000", "kr\u00a0777\u00a0000", "Tilbake til rapporten",
				"I alt i EUR, alle sider"}},
			{name: "the records of no figure", path: "/nb/rogaland/rapport/grunnlag?" + report2023 + "&tall=nei", status: 404},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := b.get(tt.path)
				if resp.StatusCode != tt.status {
					t.Fatalf("GET %s: status %d, want %d\n%.500s", tt.path, resp.StatusCode, tt.status, body)
				}
				for _, want := range tt.want {
					if !strings.Contains(body, want) {
						t.Errorf("GET %s: the page lacks %q", tt.path, want)
					}
				}
				for _, not := range tt.not {
					if strings.Contains(body, not) {
						t.Errorf("GET %s: the page has %q", tt.path, not)
					}
				}
			})
		}

		t.Run("without a period, last year", func(t *testing.T) {
			resp, body := b.get(base)
			if resp.StatusCode != 200 || !strings.Contains(body, "<h1>Årsrapport ") {
				t.Errorf("status %d\n%.300s", resp.StatusCode, body)
			}
		})

		t.Run("xlsx", func(t *testing.T) {
			resp, body := b.get("/nb/rogaland/rapport/rapport.xlsx?" + report2023 + "&form=administrativ")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="rogaland-arsrapport-2023-administrativ.xlsx"`) {
				t.Fatalf("status %d, %v", resp.StatusCode, resp.Header)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, _ := f.GetRows("Vedlegg engasjementer")
			found := false
			for _, r := range rows {
				found = found || len(r) > 1 && r[1] == reportSecret
			}
			if !found {
				t.Errorf("the appendix does not list %q", reportSecret)
			}
		})

		t.Run("no Chromium", func(t *testing.T) {
			t.Setenv("UTSYN_CHROMIUM", filepath.Join(t.TempDir(), "ingen-nettleser"))
			resp, body := b.get("/nb/rogaland/rapport/rapport.pdf?" + report2023)
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "PDF er ikke tilgjengelig") ||
				!strings.Contains(body, "Chromium ikke er installert") {
				t.Errorf("PDF without a browser: status %d\n%.500s", resp.StatusCode, body)
			}
			_, page := b.get(base + "?" + report2023)
			if strings.Contains(page, "rapport.pdf") || !strings.Contains(page, "PDF kan ikke lages på denne serveren") {
				t.Error("the page offers a PDF it cannot make, or does not say why there is none")
			}
			resp, _ = b.get("/en/rogaland/rapport/rapport.pdf?" + report2023)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("in English: status %d", resp.StatusCode)
			}
		})

		t.Run("an organisation with nothing", func(t *testing.T) {
			addOrg(t, db, "tom")
			addUser(t, db, "tom", "leser@example.org", utsyn.RoleReader)
			resp, body := b.get("/nb/tom/rapport/?" + report2023)
			if resp.StatusCode != 200 || !strings.Contains(body, "Ingenting å rapportere for perioden") {
				t.Errorf("status %d\n%.500s", resp.StatusCode, body)
			}
		})
	})
}

// An editor publishes the political report; the public reads it built from published data only:
// no internal engagement, own money, status or decision, then or later.
func TestPublishedReport(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		project, _ := reportWork(t, db)
		addUser(t, db, "rogaland", "redaktor@example.org", utsyn.RoleEditor)
		editor := newBrowser(t, srv)
		editor.signIn("redaktor@example.org", testPassword)
		public := newBrowser(t, srv)

		if _, body := public.get("/nb/rogaland/rapporter/"); !strings.Contains(body, "Ingen rapporter er publisert ennå") {
			t.Error("the empty list does not say so")
		}
		resp, body := editor.post("/nb/rogaland/rapport/publiser", url.Values{"fra": {"2023-01-01"}, "til": {"2023-12-31"}, "form": {"administrativ"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "Bare den politiske rapporten kan publiseres.") {
			t.Errorf("publishing the administrative form: status %d", resp.StatusCode)
		}
		resp, _ = editor.post("/nb/rogaland/rapport/publiser", url.Values{"fra": {"2023-12-31"}, "til": {"2023-01-01"}, "form": {"politisk"}})
		if resp.StatusCode != 422 {
			t.Errorf("publishing a period that ends before it starts: status %d", resp.StatusCode)
		}
		resp, _ = editor.post("/nb/rogaland/rapport/publiser", url.Values{"fra": {"2023-01-01"}, "til": {"2023-12-31"}, "form": {"politisk"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: status %d", resp.StatusCode)
		}
		_, body = editor.get(resp.Header.Get("Location"))
		if !strings.Contains(body, "Rapporten er publisert.") || !strings.Contains(body, "Se den publiserte rapporten") {
			t.Error("the report page does not say that it is published")
		}
		list, _ := db.ListPublishedReports(ctx, 1)
		if len(list) != 1 {
			t.Fatalf("%d published reports", len(list))
		}
		href := fmt.Sprintf("/nb/rogaland/rapporter/%d", list[0].ID)
		_, body = public.get("/nb/rogaland/rapporter/")
		if !strings.Contains(body, href) || !strings.Contains(body, "Årsrapport 2023") {
			t.Errorf("the public list does not link the report")
		}
		internal := []string{reportSecret, reportNarrativ, "Hemmelig enhet", "Egen innsats", "Trenger beslutning", "Rapportnettverket", "kr\u00a0150\u00a0000",
			"kr\u00a0777\u00a0000", "/engasjementer/"}
		check := func(t *testing.T, path string, want ...string) {
			t.Helper()
			resp, body := public.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: status %d", path, resp.StatusCode)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", path, w)
				}
			}
			for _, secret := range internal {
				if strings.Contains(body, secret) {
					t.Errorf("GET %s shows %q, which is internal", path, secret)
				}
			}
		}
		check(t, href, "<h1>Årsrapport 2023</h1>", reportProject, "EUR\u00a0400\u00a0000", fmt.Sprintf(`href="/nb/rogaland/arbeid/%d"`, project.ID),
			"Den offentlige rapporten bygger bare på publiserte engasjementer")
		check(t, "/en"+href[3:], "<h1>Annual report 2023</h1>", "North Sea offshore wind")
		for _, key := range []string{"total.engagements", "total.external", "total.own", "total.status.off_track"} {
			if resp, body := public.get(href + "/grunnlag?tall=" + key); resp.StatusCode == 200 {
				for _, secret := range internal {
					if strings.Contains(body, secret) {
						t.Errorf("the records of %s show %q", key, secret)
					}
				}
			}
		}

		// Made internal after publishing, the project leaves the public report.
		e, err := db.FindEngagement(ctx, 1, project.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.Public = false
		if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) }); err != nil {
			t.Fatal(err)
		}
		internal = append(internal, reportProject, fmt.Sprintf("/arbeid/%d", project.ID))
		check(t, href, "<h1>Årsrapport 2023</h1>")

		// Taken off the public pages, the report is gone.
		resp, _ = editor.post(href+"/avpubliser", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unpublish: status %d", resp.StatusCode)
		}
		if resp, _ := public.get(href); resp.StatusCode != 404 {
			t.Errorf("the unpublished report: status %d", resp.StatusCode)
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: 1, Entity: "report"})
		if len(events) != 2 {
			t.Errorf("%d audit events of the report, want publish and unpublish", len(events))
		}
	})
}

// The report's pages in Chromium, in both languages: one h1, axe (WCAG 2.1 A and AA) with no
// violations, valid HTML, reflow at 320 px, and printed on A4 without the page's controls.
func TestBrowserReportPages(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	reportWork(t, db)
	addUser(t, db, "rogaland", "redaktor@example.org", utsyn.RoleEditor)
	if err := db.UpdateAs(context.Background(), &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		return tx.PublishReport(context.Background(), &store.PublishedReport{OrgID: 1, From: utsyn.MustDate("2023-01-01"),
			To: utsyn.MustDate("2023-12-31"), Form: store.ReportFormPolitical})
	}); err != nil {
		t.Fatal(err)
	}
	list, _ := db.ListPublishedReports(context.Background(), 1)
	published := fmt.Sprintf("/rogaland/rapporter/%d", list[0].ID)
	pages := []struct {
		name, path string
		status     int
		print      bool
	}{
		{name: "political", path: "/rogaland/rapport/?" + report2023 + "&form=politisk", status: 200, print: true},
		{name: "administrative", path: "/rogaland/rapport/?" + report2023 + "&form=administrativ", status: 200, print: true},
		{name: "period-in-error", path: "/rogaland/rapport/?fra=2023-12-31&til=2023-01-01", status: 422},
		{name: "records", path: "/rogaland/rapport/grunnlag?" + report2023 + "&form=politisk&tall=total.external", status: 200},
		{name: "empty", path: "/rogaland/rapport/?fra=1990-01-01&til=1990-12-31&form=administrativ", status: 200},
		{name: "public-list", path: "/rogaland/rapporter/", status: 200},
		{name: "public-report", path: published, status: 200, print: true},
	}
	docs := map[string][]byte{}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			p := b.Open(t, srv.URL+"/"+string(lang)+"/logg-inn")
			fill(t, p, "#email", "redaktor@example.org")
			fill(t, p, "#password", testPassword)
			p.Click(t, `form.form button[type="submit"]`)
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					navigate(t, p, srv.URL+"/"+string(lang)+pg.path)
					if got := p.Status(); got != pg.status {
						t.Errorf("status %d, want %d", got, pg.status)
					}
					if got := p.Count(t, "h1"); got != 1 {
						t.Errorf("%d h1 elements, want 1", got)
					}
					docs[string(lang)+"-"+pg.name] = []byte(p.HTML(t))
					p.CheckAxe(t)
					if dir := screenshotDir(); dir != "" {
						p.Screenshot(t, filepath.Join(dir, "report-"+string(lang)+"-"+pg.name+".png"))
					}
					setWidth(t, p, 320)
					checkReflow(t, p, 320)
					setWidth(t, p, 1280)
					if pg.print {
						printed(t, p, "report-"+string(lang)+"-"+pg.name)
					}
				})
			}
		})
	}
	browsertest.CheckHTML(t, docs)
}

// printed checks the page as printed on A4: the report without the page's controls, no wider
// than the paper.
func printed(t *testing.T, p *browsertest.Page, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	setWidth(t, p, 640)
	shown := jsEval[[]string](t, p, `Array.from(document.querySelectorAll(
		".skip-link, .main-nav, .breadcrumbs, .site-footer, .report-choose, .report-actions, .header-tools, .report-editor-tools"))
		.filter(e => getComputedStyle(e).display !== "none").map(e => e.className)`)
	if len(shown) > 0 {
		t.Errorf("printed, the page still shows %q", shown)
	}
	if p.Count(t, ".report .report-section") == 0 {
		t.Error("printed, the page lost the report")
	}
	checkReflow(t, p, 640)
	if dir := screenshotDir(); dir != "" {
		p.Screenshot(t, filepath.Join(dir, "print-"+name+".png"))
	}
	setWidth(t, p, 1280)
}
