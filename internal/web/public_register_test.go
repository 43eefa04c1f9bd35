package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// workFixture is published and internal work in the demo organisation, with what must never
// reach a public page.
type workFixture struct {
	org                  *utsyn.Organisation
	ship, nsc, secret    *utsyn.Engagement // published project, published membership, internal project
	other                *utsyn.Engagement // published, of another organisation
	p1, p2, s1, s2, m11  *utsyn.Element
	internal             []string // texts no public page may show
	internalCountryNames []string
}

// seedPublicWork adds the fixture's work to a database with the demo data loaded.
func seedPublicWork(t testing.TB, db *store.DB) *workFixture {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	tree := demoTree(t, db, org.ID)
	fx := &workFixture{org: org}
	for _, e := range tree.Elements {
		switch e.Code {
		case "P1":
			fx.p1 = e
		case "P2":
			fx.p2 = e
		case "S1":
			fx.s1 = e
		case "S2":
			fx.s2 = e
		case "M1.1":
			fx.m11 = e
		}
	}
	fx.internal = []string{"Kari Hemmeligsen", "Seksjon for lukkede saker", "Lukket søknad om havvind", "Closed wind application",
		"Ola Styrevervsen", "Lukket Partner AB", "9 999 999", "9,999,999", "333 333", "333,333", "123 456", "123,456", "22/04711"}
	fx.internalCountryNames = []string{"Sverige", "Sweden"}
	rates, err := db.ExchangeRates(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rates {
		if r.Year == 2022 && r.Currency == "EUR" {
			t.Fatal("the fixture needs a year without an exchange rate: EUR 2022 has one")
		}
	}

	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		kari := &utsyn.User{Email: "kari@example.org", Name: "Kari Hemmeligsen", Memberships: []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleEditor}}}
		if err := tx.CreateUser(ctx, kari); err != nil {
			return err
		}
		var aerr error
		actor := func(name, country, website string) int64 {
			a := &utsyn.Actor{OrgID: org.ID, Name: name, Country: country, Website: website}
			if aerr == nil {
				aerr = tx.CreateActor(ctx, a)
			}
			return a.ID
		}
		kiel := actor("Hafenforschung Kiel (test)", "DE", "https://example.org/hafenforschung")
		testvik := actor("Høgskulen på Testvik", "NO", "")
		zh := actor("Provincie Testland", "NL", "")
		cpmr := actor("Havbyenes sekretariat (test)", "FR", "")
		closed := actor("Lukket Partner AB", "SE", "")
		if aerr != nil {
			return aerr
		}
		fx.ship = &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusRunning, Public: true,
			Title:   utsyn.NewText("GREENSHIP – Grønn skipsfart i Nordsjøen", "GREENSHIP – Green shipping in the North Sea"),
			Acronym: "GREENSHIP", Start: utsyn.MustDate("2021-01-01"), End: utsyn.MustDate("2024-12-31"),
			Programme: "Horizon 2020", Call: "LC-MG-1-2019", Unit: "Seksjon for lukkede saker", Responsible: kari.ID,
			Description: utsyn.NewText("Utslippsfrie skip på kortruter.", "Zero-emission ships on short routes."),
			ExternalIDs: map[string]string{"cordis": "999001"},
			Elements:    []utsyn.ElementRef{{ElementID: fx.p2.ID, Primary: true}, {ElementID: fx.m11.ID}},
			Partners:    []utsyn.Partner{{ActorID: kiel, Role: "lead"}, {ActorID: testvik, Role: "partner"}, {ActorID: zh, Role: "partner"}}}
		fx.nsc = &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMembership, Status: utsyn.StatusActive, Public: true,
			Title: utsyn.NewText("Havbyene – nettverk av kystregioner", "Sea Towns – a network of coastal regions"), Start: utsyn.MustDate("1990"),
			Responsible: kari.ID, Unit: "Seksjon for lukkede saker",
			Elements: []utsyn.ElementRef{{ElementID: fx.s1.ID, Primary: true}},
			Partners: []utsyn.Partner{{ActorID: cpmr, Role: "member"}},
			Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 12345600, Currency: "NOK"}, DecisionCase: "22/04711",
				Seats: []utsyn.Seat{{Body: "Styret", Kind: "political", Holder: "Ola Styrevervsen"}}}}
		fx.secret = &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusApplication, Public: false,
			Title:    utsyn.NewText("Lukket søknad om havvind", "Closed wind application"),
			Elements: []utsyn.ElementRef{{ElementID: fx.p1.ID, Primary: true}},
			Partners: []utsyn.Partner{{ActorID: closed, Role: "lead"}, {ActorID: zh, Role: "partner"}}}
		for _, e := range []*utsyn.Engagement{fx.ship, fx.nsc, fx.secret} {
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
		}
		for _, m := range []utsyn.MoneyLine{
			{EngagementID: fx.ship.ID, Year: 2021, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 100000000, Currency: "EUR"}},
			{EngagementID: fx.ship.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 121235000, Currency: "EUR"}},
			{EngagementID: fx.ship.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 50000000, Currency: "NOK"}},
			{EngagementID: fx.ship.ID, Year: 2022, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: 33333300, Currency: "NOK"}},
			{EngagementID: fx.nsc.ID, Year: 2023, Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: 12345600, Currency: "NOK"}},
			{EngagementID: fx.secret.ID, Year: 2022, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: 999999900, Currency: "EUR"}},
		} {
			if err := tx.CreateMoneyLine(ctx, org.ID, &m); err != nil {
				return err
			}
		}
		return tx.SetExchangeRate(ctx, org.ID, utsyn.ExchangeRate{Year: 2021, Currency: "EUR", NOK: 10.1})
	})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func (fx *workFixture) href(lang string, e *utsyn.Engagement) string {
	return fmt.Sprintf("/%s/%s/arbeid/%d", lang, fx.org.Slug, e.ID)
}

// elementHTML cuts the strategy page's item of one element out of the page.
func elementHTML(t *testing.T, body string, code string) string {
	t.Helper()
	start := strings.Index(body, `<li class="element" id="`+code+`">`)
	if start < 0 {
		t.Fatalf("no element %s on the strategy page", code)
	}
	rest := body[start+1:]
	if end := strings.Index(rest, `<li class="element"`); end >= 0 {
		rest = rest[:end]
	} else if end := strings.Index(rest, `</ol>`+"\n</section>"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

func TestPublicWork(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		clearRegister(t, db, "rogaland")
		fx := seedPublicWork(t, db)
		agder := addOrg(t, db, "agder")
		fx.other = &utsyn.Engagement{OrgID: agder.ID, Kind: utsyn.KindArena, Status: utsyn.StatusActive, Public: true, Title: utsyn.NewText("Agders arena", "")}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateEngagement(ctx, fx.other) }); err != nil {
			t.Fatal(err)
		}
		pages := map[string]string{} // path → body, of every public page the test opens
		page := func(path string, status int) string {
			t.Helper()
			resp, body := get(t, srv, path)
			if resp.StatusCode != status {
				t.Fatalf("GET %s: status %d, want %d\n%.500s", path, resp.StatusCode, status, body)
			}
			pages[path] = body
			return body
		}
		lacks := func(path, body string, texts ...string) {
			t.Helper()
			for _, s := range texts {
				if strings.Contains(body, s) {
					t.Errorf("GET %s shows %q", path, s)
				}
			}
		}
		has := func(path, body string, texts ...string) {
			t.Helper()
			for _, s := range texts {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q", path, s)
				}
			}
		}
		// What the external funding of the published project adds up to, from its money lines.
		lines, err := db.ListMoneyLines(ctx, fx.org.ID, fx.ship.ID)
		if err != nil {
			t.Fatal(err)
		}
		grants := map[string]int64{}
		for _, m := range lines {
			if m.Kind == utsyn.MoneyExternalGrant {
				grants[m.Amount.Currency] += m.Amount.Minor
			}
		}
		money := func(lang i18n.Lang, currency string, minor int64) string {
			return i18n.FormatMoney(lang, float64(minor)/100, currency)
		}
		if got := money("nb", "EUR", grants["EUR"]); got != "EUR\u00a02\u00a0212\u00a0350" {
			t.Fatalf("the fixture's EUR grants add up to %q", got)
		}

		t.Run("strategy page", func(t *testing.T) {
			for _, lang := range i18n.Langs {
				path := "/" + string(lang) + "/rogaland/strategi/internasjonal-strategi"
				body := page(path, 200)
				title := fx.ship.Title.Get(string(lang))
				nscTitle := fx.nsc.Title.Get(string(lang))
				p2 := elementHTML(t, body, "P2")
				has(path+" P2", p2, `href="`+fx.href(string(lang), fx.ship)+`"`, title,
					money(lang, "EUR", grants["EUR"]), money(lang, "NOK", grants["NOK"]),
					map[i18n.Lang]string{"nb": "ingen valutakurs for 2022", "en": "no exchange rate set for 2022"}[lang])
				lacks(path+" P2", p2, nscTitle)
				p1 := elementHTML(t, body, "P1")
				has(path+" P1", p1, map[i18n.Lang]string{
					"nb": "Ingen publisert arbeid er registrert under denne prioriteringen ennå.",
					"en": "No published work is registered under this priority yet."}[lang])
				lacks(path+" P1", p1, title, nscTitle, "/arbeid/")
				// Work on a measure counts under its focus area.
				s1 := elementHTML(t, body, "S1")
				has(path+" S1", s1, title, nscTitle)
				s2 := elementHTML(t, body, "S2")
				has(path+" S2", s2, map[i18n.Lang]string{
					"nb": "Ingen publisert arbeid er registrert under dette satsingsområdet ennå.",
					"en": "No published work is registered under this focus area yet."}[lang])
			}
		})

		t.Run("organisation's key figures", func(t *testing.T) {
			body := page("/nb/rogaland", 200)
			has("/nb/rogaland", body, "Publiserte engasjementer</dt><dd>2</dd>", "Partnerland</dt><dd>4</dd>",
				"Frankrike, Nederland, Norge, Tyskland", `href="/nb/rogaland/arbeid/?type=membership"`, `href="/nb/rogaland/arbeid/"`,
				money("nb", "EUR", grants["EUR"]))
			body = page("/en/rogaland", 200)
			has("/en/rogaland", body, "Published engagements</dt><dd>2</dd>", "France, Germany, Netherlands, Norway")
			body = page("/nb/agder", 200)
			has("/nb/agder", body, "Publiserte engasjementer</dt><dd>1</dd>", "Partnerland</dt><dd>0</dd>") // its own only
		})

		t.Run("list", func(t *testing.T) {
			resp, _ := get(t, srv, "/nb/rogaland/arbeid?type=project")
			if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/nb/rogaland/arbeid/?type=project" {
				t.Errorf("/nb/rogaland/arbeid: status %d to %q, want a redirect to the list", resp.StatusCode, resp.Header.Get("Location"))
			}
			ship, nsc := fx.ship.Title.Get("nb"), fx.nsc.Title.Get("nb")
			tests := []struct {
				query         string
				want, wantNot []string
			}{
				{"", []string{ship, nsc, "2 treff", "Tyskland (1)", "Prosjekt (1)", "Pågår", "Aktivt"}, nil},
				{"?type=membership", []string{nsc, "1 treff"}, []string{ship}},
				{"?land=DE", []string{ship}, []string{nsc}},
				{"?land=SE", []string{"0 treff", "Ingen publisert arbeid passer"}, []string{ship, nsc}},
				{fmt.Sprintf("?element=%d", fx.s1.ID), []string{ship, nsc}, nil}, // GREENSHIP through measure M1.1
				{fmt.Sprintf("?element=%d", fx.p2.ID), []string{ship}, []string{nsc}},
				{fmt.Sprintf("?element=%d", fx.p1.ID), []string{"0 treff"}, []string{ship, nsc}},
				{"?q=hafenforsch", []string{ship}, []string{nsc}},
				{"?q=nordsjo", []string{ship}, []string{nsc}}, // ø typed as o
				{"?q=kystregion", []string{nsc}, []string{ship}},
				{"?q=lukkede", []string{"0 treff"}, []string{ship, nsc}}, // the unit is not searched
				{"?q=havvind", []string{"0 treff"}, nil},
				{"?type=nonsense", []string{"0 treff"}, nil},
			}
			for _, tt := range tests {
				path := "/nb/rogaland/arbeid/" + tt.query
				body := page(path, 200)
				has(path, body, tt.want...)
				lacks(path, body, tt.wantNot...)
			}
			body := page("/en/rogaland/arbeid/?land=NL", 200)
			has("/en", body, "GREENSHIP – Green shipping in the North Sea", "1 result", "Netherlands (1)")
			body = page("/nb/agder/arbeid/", 200)
			has("/nb/agder/arbeid/", body, "Agders arena")
			lacks("/nb/agder/arbeid/", body, ship)
		})

		t.Run("detail", func(t *testing.T) {
			for _, lang := range i18n.Langs {
				path := fx.href(string(lang), fx.ship)
				body := page(path, 200)
				has(path, body, "<h1>"+fx.ship.Title.Get(string(lang))+"</h1>", fx.ship.Description.Get(string(lang)),
					"Horizon 2020", "LC-MG-1-2019", `href="https://cordis.europa.eu/project/id/999001"`,
					`href="/`+string(lang)+`/rogaland/strategi/internasjonal-strategi#P2"`,
					`href="/`+string(lang)+`/rogaland/strategi/internasjonal-strategi#M1.1"`,
					"Hafenforschung Kiel (test)", `href="https://example.org/hafenforschung"`, "Høgskulen på Testvik",
					map[i18n.Lang]string{"nb": "Tyskland", "en": "Germany"}[lang],
					map[i18n.Lang]string{"nb": "Koordinator", "en": "Lead"}[lang],
					map[i18n.Lang]string{"nb": "Pågår", "en": "Running"}[lang],
					money(lang, "EUR", grants["EUR"]), money(lang, "NOK", grants["NOK"]),
					money(lang, "NOK", 1010000000), // 2021: EUR 1 000 000 at 10,10
					"<caption>")
			}
			page(fx.href("nb", fx.secret), 404)
			page(fmt.Sprintf("/nb/rogaland/arbeid/%d", fx.other.ID), 404) // another organisation's
			page(fmt.Sprintf("/nb/agder/arbeid/%d", fx.other.ID), 200)
			page("/nb/rogaland/arbeid/abc", 404)
			page("/nb/rogaland/arbeid/999999", 404)
			page(fx.href("nb", fx.ship)+"/mer", 404)
		})

		t.Run("with every exchange rate", func(t *testing.T) {
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.SetExchangeRate(ctx, fx.org.ID, utsyn.ExchangeRate{Year: 2022, Currency: "EUR", NOK: 11.25})
			}); err != nil {
				t.Fatal(err)
			}
			// 1 000 000 × 10,10 + 1 212 350 × 11,25 = 23 738 937,50; with kr 500 000, 24 238 937,50.
			for _, path := range []string{fx.href("nb", fx.ship), "/nb/rogaland/strategi/internasjonal-strategi", "/nb/rogaland"} {
				body := page(path, 200)
				has(path, body, money("nb", "NOK", 2373893750), money("nb", "NOK", 2423893750))
				lacks(path, body, "ingen valutakurs")
			}
		})

		t.Run("a strategy taken off the public pages", func(t *testing.T) {
			st, err := db.FindStrategy(ctx, fx.org.ID, demoStrategy)
			if err != nil {
				t.Fatal(err)
			}
			option := fmt.Sprintf(`<option value="%d"`, fx.p2.ID)
			publish := func(on bool, version int) {
				t.Helper()
				if err := db.Update(ctx, func(tx *store.Tx) error { return tx.PublishStrategy(ctx, fx.org.ID, st.ID, version, on) }); err != nil {
					t.Fatal(err)
				}
			}
			has("/nb/rogaland/arbeid/", page("/nb/rogaland/arbeid/", 200), option)
			publish(false, st.Version)
			lacks("/nb/rogaland/arbeid/", page("/nb/rogaland/arbeid/", 200), option) // at once, though the trees are kept
			publish(true, st.Version+1)
			has("/nb/rogaland/arbeid/", page("/nb/rogaland/arbeid/", 200), option)
		})

		t.Run("made internal, at once off the list as written", func(t *testing.T) {
			nsc := fx.nsc.Title.Get("nb")
			for range 2 { // the second is the list kept written
				has("/nb/rogaland/arbeid/?q=kystregion", page("/nb/rogaland/arbeid/?q=kystregion", 200), nsc, "1 treff")
			}
			e, err := db.FindEngagement(ctx, fx.org.ID, fx.nsc.ID)
			if err != nil {
				t.Fatal(err)
			}
			e.Public = false
			if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) }); err != nil {
				t.Fatal(err)
			}
			body := page("/nb/rogaland/arbeid/?q=kystregion", 200)
			has("/nb/rogaland/arbeid/?q=kystregion", body, "0 treff")
			lacks("/nb/rogaland/arbeid/?q=kystregion", body, nsc)
			e.Public = true
			if err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) }); err != nil {
				t.Fatal(err)
			}
			has("/nb/rogaland/arbeid/?q=kystregion", page("/nb/rogaland/arbeid/?q=kystregion", 200), nsc)
		})

		// Nothing internal, on any page the test opened, in either language. (The not-found page
		// of the internal engagement's address names the address the reader asked for.)
		for path, body := range pages {
			lacks(path, body, fx.internal...)
			lacks(path, body, fx.internalCountryNames...)
			lacks(path, body, fx.secret.Title.Get("nb"), fx.secret.Title.Get("en"))
			if path != fx.href("nb", fx.secret) {
				lacks(path, body, fx.href("nb", fx.secret), fx.href("en", fx.secret), "/arbeid/"+strconv.FormatInt(fx.secret.ID, 10)+`"`)
			}
		}
	})
}

// The list shows fifty at a time, with links between the pages that keep the filters.
func TestPublicWorkPages(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	ctx := context.Background()
	clearRegister(t, db, "rogaland")
	org, _ := db.FindOrganisation(ctx, "rogaland")
	tree := demoTree(t, db, org.ID)
	var focus *utsyn.Element // the visits serve a focus area, a level the list's filter does not offer
	for _, el := range tree.Elements {
		if l := tree.Level(el.LevelID); focus == nil && l != nil && l.Key == "focus_area" && el.Code != "" {
			focus = el
		}
	}
	if focus == nil {
		t.Fatal("the demo strategy has no focus area with a code")
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		for i := range 53 {
			e := &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindVisit, Status: utsyn.StatusCompleted, Public: true,
				Title:    utsyn.NewText(fmt.Sprintf("Besøk %02d", i), fmt.Sprintf("Visit %02d", i)),
				Elements: []utsyn.ElementRef{{ElementID: focus.ID, Primary: true}}}
			if err := tx.CreateEngagement(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, srv, "/nb/rogaland/arbeid/?type=visit")
	for _, want := range []string{"53 treff", "Viser 1–50 av 53", "Besøk 49", `href="/nb/rogaland/arbeid/?side=2&amp;type=visit"`, "Side 1 av 2"} {
		if !strings.Contains(body, want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if strings.Contains(body, "Besøk 50") {
		t.Error("page 1 shows the 51st")
	}
	_, body = get(t, srv, "/nb/rogaland/arbeid/?side=2&type=visit")
	for _, want := range []string{"Viser 51–53 av 53", "Besøk 52", `href="/nb/rogaland/arbeid/?type=visit"`, "Side 2 av 2"} {
		if !strings.Contains(body, want) {
			t.Errorf("page 2 lacks %q", want)
		}
	}

	// The strategy page names the first ten under the focus area (and under its priority) and
	// links to the list of all of them, which the focus area filters.
	_, body = get(t, srv, "/nb/rogaland/strategi/internasjonal-strategi")
	more := fmt.Sprintf(`<a href="/nb/rogaland/arbeid/?element=%d">Alle 53 publiserte engasjementer under %s</a>`, focus.ID, focus.Code)
	for _, want := range []string{"Besøk 00", "Besøk 09", more} {
		if !strings.Contains(body, want) {
			t.Errorf("the strategy page lacks %q", want)
		}
	}
	if strings.Contains(body, "Besøk 10") {
		t.Error("the strategy page names an eleventh engagement")
	}
	_, body = get(t, srv, fmt.Sprintf("/nb/rogaland/arbeid/?element=%d", focus.ID))
	if !strings.Contains(body, "53 treff") {
		t.Errorf("the list of the focus area's work does not have all 53")
	}
}

// publicWorkPages adds the fixture's work to the demo database of the browser test and returns
// the public pages about it.
func publicWorkPages(t *testing.T, db *store.DB) []publicPage {
	t.Helper()
	fx := seedPublicWork(t, db)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	msg := func(key string) map[i18n.Lang]string {
		return map[i18n.Lang]string{"nb": cat.T("nb", key), "en": cat.T("en", key)}
	}
	return []publicPage{
		{name: "work", path: "/rogaland/arbeid/", status: 200, demo: true, h1: msg("work.title")},
		{name: "engagement", path: fmt.Sprintf("/rogaland/arbeid/%d", fx.ship.ID), status: 200, demo: true,
			h1: map[i18n.Lang]string{"nb": fx.ship.Title.Get("nb"), "en": fx.ship.Title.Get("en")}},
		{name: "internal-engagement", path: fmt.Sprintf("/rogaland/arbeid/%d", fx.secret.ID), status: 404, h1: msg("error.not_found.title")},
	}
}

// clearRegister deletes every engagement of the organisation, for tests that count.
func clearRegister(t testing.TB, db *store.DB, slug string) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	for {
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			return
		}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			for _, e := range page.Items {
				if err := tx.DeleteEngagement(ctx, org.ID, e.ID, 0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// Printed, the pages of published work keep their content, tables included, and drop the
// navigation and the filter form, within an A4 page's width.
func TestBrowserPrintPublicWork(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	fx := seedPublicWork(t, db)
	for _, path := range []string{"/nb/rogaland/arbeid/", fx.href("nb", fx.ship), fx.href("en", fx.ship)} {
		t.Run(strings.ReplaceAll(strings.Trim(path, "/"), "/", "_"), func(t *testing.T) {
			p := b.Open(t, srv.URL+path)
			ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
			defer cancel()
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatalf("emulating print: %v", err)
			}
			setWidth(t, p, 640)
			shown := jsEval[[]string](t, p, `Array.from(document.querySelectorAll(
				".skip-link, .lang-switch, .main-nav, .breadcrumbs, .site-footer, .work-filter, .pagination"))
				.filter(e => getComputedStyle(e).display !== "none").map(e => e.className)`)
			if len(shown) > 0 {
				t.Errorf("printed, the page still shows %q", shown)
			}
			if p.Text(t, "h1") == "" || p.Count(t, "main .section") == 0 {
				t.Error("printed, the page lost its content")
			}
			if strings.Contains(path, "/arbeid/"+strconv.FormatInt(fx.ship.ID, 10)) && p.Count(t, "main table caption") != 2 {
				t.Errorf("printed, the engagement has %d tables with captions, want 2", p.Count(t, "main table caption"))
			}
			checkReflow(t, p, 640)
			if dir := screenshotDir(); dir != "" {
				p.Screenshot(t, filepath.Join(dir, "print-"+strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")+".png"))
			}
		})
	}
}
