package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/store"
)

// The engagement register as its users meet it: registering a project with partners and money,
// finding it again, paging, conflicting edits, who may change what, actors in use, exports,
// bad input and escaping. Every test runs on each engine the suite tests.

// regEnv is a demo server with a person of each role in Rogaland, signed in.
type regEnv struct {
	srv                                  *httptest.Server
	db                                   *store.DB
	org                                  *utsyn.Organisation
	tree                                 *utsyn.Tree // the demo's international strategy
	admin, editor, contributor, reader   *browser
	adminU, editorU, contributorU, readU *utsyn.User
}

func newRegEnv(t *testing.T, srv *httptest.Server, db *store.DB) *regEnv {
	t.Helper()
	ctx := context.Background()
	env := &regEnv{srv: srv, db: db}
	var err error
	if env.org, err = db.FindOrganisation(ctx, "rogaland"); err != nil {
		t.Fatal(err)
	}
	st, err := db.FindStrategy(ctx, env.org.ID, "internasjonal-strategi")
	if err != nil {
		t.Fatal(err)
	}
	if env.tree, err = db.FindTree(ctx, st); err != nil {
		t.Fatal(err)
	}
	signedIn := func(email string, role utsyn.Role) (*browser, *utsyn.User) {
		u := addUser(t, db, "rogaland", email, role)
		b := newBrowser(t, srv)
		b.signIn(email, testPassword)
		return b, u
	}
	env.admin, env.adminU = signedIn("admin@example.org", utsyn.RoleAdmin)
	env.editor, env.editorU = signedIn("redaktor@example.org", utsyn.RoleEditor)
	env.contributor, env.contributorU = signedIn("bidrag@example.org", utsyn.RoleContributor)
	env.reader, env.readU = signedIn("leser@example.org", utsyn.RoleReader)
	return env
}

// store runs a write as the system, failing the test on an error.
func (env *regEnv) store(t *testing.T, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := env.db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// engagement stores an engagement of the organisation.
func (env *regEnv) engagement(t *testing.T, e *utsyn.Engagement) *utsyn.Engagement {
	t.Helper()
	e.OrgID = env.org.ID
	if e.Kind == "" {
		e.Kind = utsyn.KindProject
	}
	if e.Status == "" {
		e.Status = utsyn.StatusRunning
	}
	env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateEngagement(ctx, e) })
	return e
}

func (env *regEnv) actor(t *testing.T, a *utsyn.Actor) *utsyn.Actor {
	t.Helper()
	a.OrgID = env.org.ID
	env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateActor(ctx, a) })
	return a
}

func (env *regEnv) find(t *testing.T, id int64) *utsyn.Engagement {
	t.Helper()
	e, err := env.db.FindEngagement(context.Background(), env.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const reg = "/nb/rogaland/engasjementer"

var engagementPath = regexp.MustCompile(`/engasjementer/(\d+)`)

// createdID reads the new engagement's id from the redirect after a save.
func createdID(t *testing.T, resp *http.Response, body string) int64 {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, want 303\n%s", resp.StatusCode, errorsOf(body))
	}
	m := engagementPath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("save sent the browser to %q", resp.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

var summaryItem = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)

// errorsOf is the error summary of a page, for failure messages.
func errorsOf(body string) string {
	if m := summaryItem.FindAllString(body, -1); m != nil {
		return strings.Join(m, "\n")
	}
	if len(body) > 1500 {
		return body[:1500]
	}
	return body
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustLack(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

func get200(t *testing.T, b *browser, path string) string {
	t.Helper()
	resp, body := b.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, resp.StatusCode, errorsOf(body))
	}
	if strings.Contains(body, "[[") {
		t.Errorf("GET %s: a message is missing from the catalog: %s", path, body[strings.Index(body, "[["):min(len(body), strings.Index(body, "[[")+80)])
	}
	return body
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }

// nbsp writes an amount as the pages do: with no-break spaces, so it never breaks.
func nbsp(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }

// A contributor registers a project, adds partners (finding one, registering one, and being
// stopped from registering one twice) and money in two currencies; the totals wait for the
// year's exchange rate; the project is found again with every filter.
func TestRegisterProjectFlow(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		c := env.contributor
		priority := env.tree.AtLevel("priority")[1] // P2
		subGoal := env.tree.AtLevel("sub_goal")[0]
		var above *utsyn.Element // the element P2 is under, at any depth: the filter includes descendants
		for _, e := range env.tree.Elements {
			if e.ID == priority.ParentID {
				above = e
			}
		}
		if above == nil {
			t.Fatal("P2 has no parent in the demo strategy")
		}

		roles, err := db.ListTerms(context.Background(), env.org.ID, utsyn.VocabRole)
		if err != nil || len(roles) < 2 {
			t.Fatalf("the demo's roles: %v, %v", roles, err)
		}
		body := get200(t, c, reg+"/ny")
		mustContain(t, "the new-engagement form", body, "Type engasjement", "Tittel (bokmål)", "Status og periode", "Kobling til strategien",
			`<legend><span class="legend-heading">Medlemskap</span></legend>`, "Årlig kontingent")

		form := url.Values{
			"kind": {"project"}, "status": {"application"}, "title_nb": {"Hydrogenferjer i Nordsjøen"}, "title_en": {"Hydrogen ferries in the North Sea"},
			"acronym": {"H2SEA"}, "description_nb": {"Fylket leder et prosjekt om hydrogenferjer.\n\nAndre avsnitt."}, "start": {"2024-01-01"}, "end": {"2026-12"},
			"unit": {"Regionalutvikling"}, "responsible": {id64(env.contributorU.ID)}, "programme": {"Interreg Nordsjøen"}, "call": {"NSR-2024-1"},
			"external_keep_eu": {"H2SEA-2024"}, "primary": {id64(priority.ID)}, "elements": {id64(subGoal.ID)}, "sdgs": {"7", "14"},
			"tags": {"hydrogen, sjøfart"}, "public": {"1"}, "link_url_0": {"https://example.org/h2sea"}, "link_label_0": {"Prosjektets nettsted"},
			"link_url_1": {""}, "link_label_1": {""}, "fee_currency": {"NOK"}, "seat_kind_0": {"political"}, "seat_kind_1": {"political"},
			"role": {id64(roles[0].ID)},
		}
		resp, body := c.post(reg+"/ny", form)
		id := createdID(t, resp, body)
		base := reg + "/" + id64(id)
		body = get200(t, c, base+"?opprettet=1")
		mustContain(t, "the new project's page", body, "H2SEA – Hydrogenferjer i Nordsjøen", "Opprettet og lagret.", "Søknad", "Prosjekt",
			"Interreg Nordsjøen", "NSR-2024-1", "H2SEA-2024", "P2", "hovedkobling", "7. Ren energi til alle", "14. Livet i havet",
			"hydrogen", "Prosjektets nettsted", "Regionalutvikling", "Andre avsnitt.", "registrert med status Søknad", "bidrag@example.org",
			`href="`+base+`/rediger"`, `href="`+base+`/historikk"`)
		// The follow-up at a glance, beside the link to it: no status update yet.
		mustContain(t, "the new project's follow-up", body, "Status nå:", "Ingen statusoppdatering ennå.")
		mustLack(t, "the new project's follow-up", body, "Forfalt:", "follow-tag")

		// Partners: none found, so a new one is registered and added as lead partner.
		body = get200(t, c, base+"/partnere?q=bremerhaven")
		mustContain(t, "a search without results", body, "Fant ingen aktør for «bremerhaven»", "Registrer en ny aktør og legg den til")
		version := strconv.Itoa(env.find(t, id).Version)
		resp, body = c.post(base+"/partnere/ny", url.Values{"version": {version}, "name": {"Hafenbehörde Bremerhaven"}, "country": {"DE"},
			"type": {"public_authority"}, "role": {"lead"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("register a new partner: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		actors, _ := db.Count(context.Background(), "actors")
		// The same actor again, written another way: refused, and the registered one offered.
		version = strconv.Itoa(env.find(t, id).Version)
		resp, body = c.post(base+"/partnere/ny", url.Values{"version": {version}, "name": {"hafenbehorde  bremerhaven"}, "country": {"DE"}, "role": {"partner"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("the same actor again: status %d, want 409", resp.StatusCode)
		}
		mustContain(t, "the refusal of a duplicate actor", body, "Aktøren er allerede registrert", "Hafenbehörde Bremerhaven er allerede registrert",
			`name="actor" value="`)
		if n, _ := db.Count(context.Background(), "actors"); n != actors {
			t.Errorf("a duplicate actor was stored: %d actors, then %d", actors, n)
		}
		// A registered actor is found by its organisation number and added.
		uis := env.actor(t, &utsyn.Actor{Name: "Testfjord universitet", Country: "NO", OrgNumber: "999888777", Type: "university"})
		body = get200(t, c, base+"/partnere?q=999888777")
		mustContain(t, "a search by organisation number", body, "Testfjord universitet", `name="actor" value="`+id64(uis.ID)+`"`)
		body = get200(t, c, base+"/partnere?q=bremer")
		mustContain(t, "a search for a partner already added", body, "Er allerede med som hovedpartner (leder).")
		resp, body = c.post(base+"/partnere", url.Values{"version": {strconv.Itoa(env.find(t, id).Version)}, "actor": {id64(uis.ID)}, "role": {"partner"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a found partner: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		e := env.find(t, id)
		if len(e.Partners) != 2 {
			t.Fatalf("partners %+v, want two", e.Partners)
		}
		var bremerhaven int64
		for _, p := range e.Partners {
			if p.Actor.Country == "DE" {
				bremerhaven = p.ActorID
			}
		}

		// Money in kroner and euros: the year's total waits for the rate.
		lines := []url.Values{
			{"year": {"2024"}, "kind": {"own_hours"}, "currency": {"NOK"}, "hours": {"120,5"}, "hourly_rate": {"850"}, "amount": {""}},
			{"year": {"2024"}, "kind": {"external_grant"}, "currency": {"EUR"}, "amount": {"50 000"}, "funder": {id64(bremerhaven)}},
			{"year": {"2025"}, "kind": {"own_cash"}, "currency": {"NOK"}, "amount": {"25 000,50"}},
		}
		for _, l := range lines {
			resp, body := c.post(base+"/penger/ny", l)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add money %v: status %d\n%s", l, resp.StatusCode, errorsOf(body))
			}
		}
		body = get200(t, c, base)
		mustContain(t, "the project with partners and money", body, "Hafenbehörde Bremerhaven", "Tyskland", "Hovedpartner (leder)",
			"Testfjord universitet", nbsp("kr 102 425"), "120,5 timer à "+nbsp("kr 850"), nbsp("EUR 50 000"), nbsp("kr 25 000,50"),
			"Valutakursen for euro i 2024 er ikke satt", "Ikke regnet om")
		mustLack(t, "the project before the rate is set", body, nbsp("kr 677 425"))

		resp, body = env.admin.post("/nb/rogaland/admin/valutakurser", url.Values{"year": {"2024"}, "rate": {"11,5"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set the rate: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		body = get200(t, c, base)
		mustContain(t, "the project after the rate is set", body, nbsp("kr 677 425"), "kurs 11,5000", nbsp("kr 702 425,50"))
		mustLack(t, "the project after the rate is set", body, "Ikke regnet om", "er ikke satt")

		// Every filter finds it; a filter that does not fit does not.
		for _, q := range []string{"q=hydrogenferjer", "q=H2SEA", "type=project&status=application", "land=DE", "element=" + id64(above.ID),
			"element=" + id64(priority.ID), "ar=2025", "ansvarlig=" + id64(env.contributorU.ID), "program=" + url.QueryEscape("Interreg Nordsjøen"),
			"q=hydrogen&sorter=title", "q=hydrogen&sorter=start", "rolle=" + id64(roles[0].ID)} {
			body := get200(t, env.reader, reg+"/?"+q)
			mustContain(t, "the list filtered by "+q, body, `href="`+base+`"`)
		}
		for _, q := range []string{"ar=2030", "type=membership", "land=SE", "q=hydrogen&status=running", "rolle=" + id64(roles[1].ID)} {
			body := get200(t, env.reader, reg+"/?"+q)
			mustLack(t, "the list filtered by "+q, body, `href="`+base+`"`)
		}
		body = get200(t, env.reader, reg+"/?q=hydrogenferjer&land=DE")
		mustContain(t, "a narrow filter", body, "1 engasjement", "Fjern filteret")
		// The filter shows what was chosen.
		body = get200(t, env.reader, reg+"/?type=project&land=DE&element="+id64(priority.ID))
		mustContain(t, "the filter's choices", body, `<option value="project" selected>`, `<option value="DE" selected>`,
			`<option value="`+id64(priority.ID)+`" selected>`)
		// A country or programme no engagement has any longer is still offered, chosen, where it
		// was asked for, and only there.
		body = get200(t, env.reader, reg+"/?land=IS&program=Gammelt+program")
		mustContain(t, "a filter by what is no longer in use", body, `<option value="IS" selected>Island</option>`,
			`<option value="Gammelt program" selected>Gammelt program</option>`, "Ingen engasjementer")
		mustContain(t, "the countries still in use", body, `<option value="DE">Tyskland</option>`)
		body = get200(t, env.reader, reg+"/?land=DE")
		mustLack(t, "a filter of countries in use", body, `<option value="IS"`, "Gammelt program")

		// One's own engagements.
		mustContain(t, "the contributor's own list", get200(t, c, reg+"/mine"), `href="`+base+`"`)
		mustLack(t, "the editor's own list", get200(t, env.editor, reg+"/mine"), `href="`+base+`"`)

		// A status update recorded in the follow-up shows beside the link to it: its status as a
		// tag (a symbol and a word) and its date.
		env.store(t, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: env.org.ID, EngagementID: id, Date: utsyn.MustDate("2026-08-01"),
				Status: utsyn.FollowAtRisk, Narrative: "Forsinket leveranse."})
		})
		body = get200(t, env.reader, base)
		mustContain(t, "the project with a status update", body, `<span class="follow-tag follow-at_risk"><span class="follow-icon" aria-hidden="true">▲</span> Risiko</span>`,
			"per 1. august 2026")
		mustLack(t, "the project with a status update", body, "Ingen statusoppdatering ennå.", "Forfalt:")
		// Updated every quarter, the next is due on 1 November: overdue the day after, on a server
		// with a fixed clock, as on the list of overdue updates; never once the project is completed.
		item := store.Item{Kind: store.ItemEngagement, ID: id}
		settingsAt := env.find(t, id).Version
		env.store(t, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetSettings(ctx, env.org.ID, item, settingsAt, store.FollowupSettings{Cadence: utsyn.CadenceQuarterly})
		})
		followup := fmt.Sprintf("/nb/rogaland/oppfolging/engasjement/%d", id)
		onPage := func(day, path string) string {
			t.Helper()
			now, _ := time.Parse("2006-01-02 15:04", day+" 12:00")
			b := newBrowser(t, newServerWith(t, db, func() time.Time { return now }))
			b.signIn("leser@example.org", testPassword)
			return get200(t, b, path)
		}
		on := func(day string) string { t.Helper(); return onPage(day, base) }
		mustLack(t, "the project before its update is due", on("2026-10-15"), "Forfalt:")
		body = on("2026-11-02")
		mustContain(t, "the project with an overdue update", body, `<p class="follow-alert">`, "Forfalt:",
			"Oppdateres hvert kvartal; neste oppdatering: 1. november 2026.", "follow-at_risk", "per 1. august 2026")
		mustContain(t, "the follow-up of the project with an overdue update", onPage("2026-11-02", followup), "Forfalt:")
		done := env.find(t, id)
		done.Status = utsyn.StatusCompleted
		env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEngagement(ctx, done) })
		body = on("2026-11-02")
		mustContain(t, "the completed project", body, "follow-at_risk", "per 1. august 2026")
		mustLack(t, "the completed project", body, "Forfalt:")
		mustLack(t, "the follow-up of the completed project", onPage("2026-11-02", followup), "Forfalt:")
	})
}

// 120 engagements page by page with the cursor, in each order: every one once, none left out.
func TestRegisterPaging(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		want := map[int64]bool{}
		env.store(t, func(ctx context.Context, tx *store.Tx) error {
			for i := range 120 {
				e := &utsyn.Engagement{OrgID: env.org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusRunning,
					Title: utsyn.NewText(fmt.Sprintf("Sidetest %03d", (i*37)%120), ""), Tags: []string{"sidetest"},
					Start: utsyn.MustDate(fmt.Sprintf("20%02d", 10+i%7))} // many share a start and, in one transaction, an updated time
				if err := tx.CreateEngagement(ctx, e); err != nil {
					return err
				}
				want[e.ID] = true
			}
			return nil
		})
		item := regexp.MustCompile(`<h3 class="register-item-title"><a href="/nb/rogaland/engasjementer/(\d+)">`)
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">Neste side</a>`)
		for _, sort := range []string{"", "title", "start"} {
			t.Run("sort="+sort, func(t *testing.T) {
				path := reg + "/?q=sidetest&sorter=" + sort
				seen := map[int64]int{}
				var order []int64
				pages := 0
				for path != "" {
					pages++
					if pages > 5 {
						t.Fatal("more pages than 120 engagements need")
					}
					body := get200(t, env.reader, path)
					mustContain(t, "page "+strconv.Itoa(pages), body, "120 engasjementer")
					for _, m := range item.FindAllStringSubmatch(body, -1) {
						id, _ := strconv.ParseInt(m[1], 10, 64)
						seen[id]++
						order = append(order, id)
					}
					path = ""
					if m := next.FindStringSubmatch(body); m != nil {
						path = html.UnescapeString(m[1])
						if !strings.Contains(path, "etter=") || strings.Contains(path, "offset") {
							t.Errorf("the next page is %q, want a cursor", path)
						}
					}
				}
				if pages != 3 {
					t.Errorf("%d pages, want 3 (50, 50, 20)", pages)
				}
				for id := range want {
					if seen[id] != 1 {
						t.Errorf("engagement %d was shown %d times", id, seen[id])
					}
				}
				if len(seen) != len(want) {
					t.Errorf("%d engagements shown, want %d", len(seen), len(want))
				}
				if sort == "title" {
					var titles []string
					for _, id := range order {
						titles = append(titles, env.find(t, id).Title["nb"])
					}
					if !slices.IsSorted(titles) {
						t.Errorf("sorted by title, the pages give %v", titles[:10])
					}
				}
			})
		}
		resp, body := env.reader.get(reg + "/?etter=ikke-en-markør")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Gå til første side") {
			t.Errorf("a broken cursor: status %d, want 400 with a way on", resp.StatusCode)
		}
	})
}

// The list is kept written for each state of the records (registerChoices.writtenOf): a change
// shows on the next page at once, each language has its own, each reader sees what their rights
// and their own engagements make it, and the API's kept pages likewise.
func TestRegisterListAfterChange(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		e := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Radtest før", "Row test before")})
		path := reg + "/?q=radtest"
		mustContain(t, "the list", get200(t, env.reader, path), "Radtest før")
		mustContain(t, "the list again", get200(t, env.reader, path), "Radtest før")
		// Kept, it is still each reader's: what they may do, and their own engagements.
		newLink := `href="/nb/rogaland/engasjementer/ny"`
		mustContain(t, "the list for an editor", get200(t, env.editor, path), "Radtest før", newLink)
		mustLack(t, "the list for a reader, after an editor's", get200(t, env.reader, path), newLink)
		env.store(t, func(ctx context.Context, tx *store.Tx) error {
			e.Responsible = env.editorU.ID
			return tx.UpdateEngagement(ctx, e)
		})
		mustContain(t, "the editor's own", get200(t, env.editor, reg+"/mine?q=radtest"), "Radtest før")
		mustLack(t, "the reader's own, after the editor's", get200(t, env.reader, reg+"/mine?q=radtest"), "Radtest før")
		mustContain(t, "the list in English", get200(t, env.reader, "/en/rogaland/engasjementer/?q=radtest"), "Row test before")
		// The API's pages are kept likewise, apart for those who may see internal work.
		token := apiToken(t, db, "api-leser@example.org", utsyn.RoleReader)
		api := "/api/v1/organisations/rogaland/engagements?q=radtest"
		apiList := func(header ...string) string {
			t.Helper()
			resp, body := request(t, srv, http.MethodGet, api, "", header...)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", api, resp.StatusCode, body)
			}
			return body
		}
		mustContain(t, "the API's list", apiList("Authorization", "Bearer "+token), "Radtest før")
		mustLack(t, "the API's list, anonymously", apiList(), "Radtest")

		env.store(t, func(ctx context.Context, tx *store.Tx) error {
			e.Title = utsyn.NewText("Radtest etter", "Row test after")
			e.Programme = "Radtestprogrammet"
			return tx.UpdateEngagement(ctx, e)
		})
		body := get200(t, env.reader, path)
		mustContain(t, "the list after the change", body, "Radtest etter", `<option value="Radtestprogrammet">`)
		mustLack(t, "the list after the change", body, "Radtest før")
		mustContain(t, "the list in English after the change", get200(t, env.reader, "/en/rogaland/engasjementer/?q=radtest"), "Row test after")
		body = apiList("Authorization", "Bearer "+token)
		mustContain(t, "the API's list after the change", body, "Radtest etter")
		mustLack(t, "the API's list after the change", body, "Radtest før")
	})
}

// Two editors change the same engagement: the second save is refused with what changed, and
// neither is lost.
func TestRegisterStaleEdit(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		e := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Felles prosjekt", ""), Unit: "Kultur", Responsible: env.editorU.ID})
		base := reg + "/" + id64(e.ID)
		formOf := func(body string) url.Values {
			t.Helper()
			v := url.Values{}
			for _, m := range regexp.MustCompile(`<input id="[^"]*" name="([^"]+)" type="(?:text|url)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
				v.Set(m[1], html.UnescapeString(m[2]))
			}
			for _, m := range regexp.MustCompile(`<input type="hidden" name="version" value="(\d+)">`).FindAllStringSubmatch(body, -1) {
				v.Set("version", m[1])
			}
			v.Set("kind", e.Kind)
			v.Set("status", e.Status)
			v.Set("responsible", id64(env.editorU.ID))
			return v
		}
		mine := formOf(get200(t, env.editor, base+"/rediger"))
		theirs := formOf(get200(t, env.admin, base+"/rediger"))
		if mine.Get("version") != "1" || mine.Get("title_nb") != "Felles prosjekt" {
			t.Fatalf("the edit form: %v", mine)
		}
		theirs.Set("title_nb", "Deres tittel")
		if resp, body := env.admin.post(base+"/rediger", theirs); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the first save: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		mine.Set("title_nb", "Min tittel")
		mine.Set("unit", "Næring")
		resp, body := env.editor.post(base+"/rediger", mine)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("a stale save: status %d, want 409", resp.StatusCode)
		}
		mustContain(t, "the refused save", body, "Noen andre har endret dette", "admin@example.org", "Deres tittel", "Min tittel",
			`value="Min tittel"`, `value="Næring"`, `name="version" value="2"`)
		if got := env.find(t, e.ID); got.Title["nb"] != "Deres tittel" || got.Unit != "Kultur" {
			t.Errorf("after a refused save the engagement is %q, %q", got.Title["nb"], got.Unit)
		}
		// Saved again from the refused form, on purpose, it wins.
		again := formOf(body)
		if resp, body := env.editor.post(base+"/rediger", again); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the second save: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		if got := env.find(t, e.ID); got.Title["nb"] != "Min tittel" || got.Unit != "Næring" {
			t.Errorf("after the second save the engagement is %q, %q", got.Title["nb"], got.Unit)
		}
		// The history shows both saves, by name.
		body = get200(t, env.reader, base+"/historikk")
		mustContain(t, "the history", body, "Deres tittel", "Min tittel", "admin@example.org", "redaktor@example.org")

		// A stale delete is asked again; a fresh one deletes.
		resp, body = env.editor.post(base+"/slett", url.Values{"version": {"1"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Se over og bekreft på nytt") {
			t.Errorf("a stale delete: status %d, want 409 asking again", resp.StatusCode)
		}
		body = get200(t, env.editor, base+"/slett")
		mustContain(t, "the delete confirmation", body, "Slette Min tittel?", "Ja, slett engasjementet")
		resp, _ = env.editor.post(base+"/slett", url.Values{"version": {"3"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d", resp.StatusCode)
		}
		if _, err := db.FindEngagement(context.Background(), env.org.ID, e.ID); !utsyn.IsNotFound(err) {
			t.Errorf("after delete: %v", err)
		}
	})
}

// Contributors register engagements and change the ones they are responsible for; editors
// change every one; readers read.
func TestRegisterRights(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		other, otherU := newBrowser(t, srv), addUser(t, db, "rogaland", "annen@example.org", utsyn.RoleContributor)
		other.signIn(otherU.Email, testPassword)
		e := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Bidragsyterens prosjekt", ""), Responsible: env.contributorU.ID})
		base := reg + "/" + id64(e.ID)
		version := url.Values{"version": {"1"}}

		for _, path := range []string{"/rediger", "/slett", "/partnere", "/penger/ny"} {
			if resp, _ := env.contributor.get(base + path); resp.StatusCode != http.StatusOK {
				t.Errorf("the responsible contributor GET %s: status %d", path, resp.StatusCode)
			}
			if resp, _ := env.editor.get(base + path); resp.StatusCode != http.StatusOK {
				t.Errorf("an editor GET %s: status %d", path, resp.StatusCode)
			}
			resp, body := other.get(base + path)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Du kan bare endre engasjementer du er ansvarlig for") {
				t.Errorf("another contributor GET %s: status %d, want 403 saying why", path, resp.StatusCode)
			}
		}
		for _, path := range []string{"/rediger", "/slett", "/partnere", "/partnere/fjern", "/penger/ny"} {
			if resp, _ := other.post(base+path, version); resp.StatusCode != http.StatusForbidden {
				t.Errorf("another contributor POST %s: status %d, want 403", path, resp.StatusCode)
			}
		}
		body := get200(t, other, base)
		mustLack(t, "the page as another contributor sees it", body, base+"/rediger", base+"/slett")
		body = get200(t, env.contributor, base)
		mustContain(t, "the page as the responsible contributor sees it", body, base+"/rediger", base+"/slett")
		if got := env.find(t, e.ID); got.Version != 1 {
			t.Errorf("the refused requests changed the engagement (version %d)", got.Version)
		}

		// Readers read and export, and change nothing.
		for _, path := range []string{reg + "/", base, base + "/historikk", reg + "/eksport.csv", "/nb/rogaland/aktorer/"} {
			if resp, _ := env.reader.get(path); resp.StatusCode != http.StatusOK {
				t.Errorf("a reader GET %s: status %d", path, resp.StatusCode)
			}
		}
		if resp, _ := env.reader.get(reg + "/ny"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a reader GET the new form: status %d, want 403", resp.StatusCode)
		}
		if resp, _ := env.reader.post(reg+"/ny", url.Values{"title_nb": {"Nei"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a reader POST a new engagement: status %d, want 403", resp.StatusCode)
		}
		mustLack(t, "the list as a reader sees it", get200(t, env.reader, reg+"/"), reg+"/ny")
		// Editors change actors; contributors register them, and change none.
		a := env.actor(t, &utsyn.Actor{Name: "Rettighetstest AS", Country: "NO"})
		if resp, _ := env.contributor.get("/nb/rogaland/aktorer/" + id64(a.ID) + "/rediger"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a contributor GET an actor's edit form: status %d, want 403", resp.StatusCode)
		}
		if resp, _ := env.contributor.get("/nb/rogaland/aktorer/ny"); resp.StatusCode != http.StatusOK {
			t.Errorf("a contributor GET the new actor form: status %d", resp.StatusCode)
		}
		// A contributor's new engagement is theirs to change.
		resp, body := env.contributor.post(reg+"/ny", url.Values{"kind": {"visit"}, "status": {"idea"}, "title_nb": {"Besøk fra Bretagne"},
			"responsible": {id64(env.contributorU.ID)}})
		id := createdID(t, resp, body)
		if resp, _ := env.contributor.get(reg + "/" + id64(id) + "/rediger"); resp.StatusCode != http.StatusOK {
			t.Errorf("a contributor GET their new engagement's edit form: status %d", resp.StatusCode)
		}
		// Signed out, the register sends to sign in.
		if resp, _ := get(t, srv, reg+"/"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/logg-inn") {
			t.Errorf("the register signed out: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// An actor an engagement uses cannot be deleted, and the refusal names the engagements.
func TestRegisterActorInUse(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		resp, body := env.contributor.post("/nb/rogaland/aktorer/ny", url.Values{"name": {"Vestlandsforskning Test"}, "country": {"NO"},
			"org_number": {"976 123 456"}, "type": {"research"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("register an actor: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		aPath := resp.Header.Get("Location")
		aPath = aPath[:strings.Index(aPath, "?")]
		id, _ := strconv.ParseInt(aPath[strings.LastIndex(aPath, "/")+1:], 10, 64)
		a, err := db.FindActor(context.Background(), env.org.ID, id)
		if err != nil || a.OrgNumber != "976123456" {
			t.Fatalf("the registered actor: %+v, %v", a, err)
		}
		// Registered again by its number: refused, with a link to the one there is.
		resp, body = env.contributor.post("/nb/rogaland/aktorer/ny", url.Values{"name": {"VF"}, "country": {"NO"}, "org_number": {"976123456"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("a duplicate actor: status %d, want 409", resp.StatusCode)
		}
		mustContain(t, "the refused duplicate", body, "Aktøren er allerede registrert", `href="`+aPath+`"`, "Vestlandsforskning Test er allerede registrert")

		one := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Klimaprosjektet", ""), Partners: []utsyn.Partner{{ActorID: a.ID, Role: "partner"}}})
		two := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Havbruksnettverket", ""), Kind: utsyn.KindMembership, Status: utsyn.StatusActive,
			Partners: []utsyn.Partner{{ActorID: a.ID, Role: "member"}}})
		body = get200(t, env.reader, aPath)
		mustContain(t, "the actor's page", body, "Klimaprosjektet", "Havbruksnettverket", "Medlem", "976123456")

		body = get200(t, env.editor, aPath+"/slett")
		mustContain(t, "the delete page of an actor in use", body, "kan ikke slettes", "Klimaprosjektet", "Havbruksnettverket")
		mustLack(t, "the delete page of an actor in use", body, "Ja, slett aktøren")
		resp, body = env.editor.post(aPath+"/slett", url.Values{"version": {"1"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("delete an actor in use: status %d, want 409", resp.StatusCode)
		}
		mustContain(t, "the refused delete", body, "kan ikke slettes", "Klimaprosjektet", "Havbruksnettverket")
		if _, err := db.FindActor(context.Background(), env.org.ID, a.ID); err != nil {
			t.Fatalf("the actor in use is gone: %v", err)
		}
		// Taken out of both, it can go.
		for _, e := range []*utsyn.Engagement{one, two} {
			e := env.find(t, e.ID)
			resp, body := env.editor.post(reg+"/"+id64(e.ID)+"/partnere/fjern", url.Values{"version": {strconv.Itoa(e.Version)},
				"actor": {id64(a.ID)}, "role": {e.Partners[0].Role}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("remove the partner: status %d\n%s", resp.StatusCode, errorsOf(body))
			}
		}
		mustContain(t, "the delete page of an actor no longer in use", get200(t, env.editor, aPath+"/slett"), "Ja, slett aktøren")
		if resp, _ := env.editor.post(aPath+"/slett", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("delete an actor no longer in use: status %d", resp.StatusCode)
		}
		if _, err := db.FindActor(context.Background(), env.org.ID, a.ID); !utsyn.IsNotFound(err) {
			t.Errorf("the deleted actor: %v", err)
		}
	})
}

// The CSV and XLSX exports hold what the filtered list shows, every page of it, and no cell
// that a spreadsheet would run.
func TestRegisterExport(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		de := env.actor(t, &utsyn.Actor{Name: "Eksport GmbH", Country: "DE"})
		titles := []string{`=HYPERLINK("http://example.com","klikk")`, "+SUM(1;2)", "Eksport; med semikolon", "-2+3", "@eksport"}
		for i, title := range titles {
			env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText(title, "Export "+strconv.Itoa(i)), Tags: []string{"eksporttest"},
				Partners: []utsyn.Partner{{ActorID: de.ID, Role: "partner"}}, Programme: "Horisont Europa", Start: utsyn.MustDate("2024-03-01")})
		}
		for i := range 60 { // more than a page
			env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText(fmt.Sprintf("Eksportfyll %02d", i), ""), Tags: []string{"eksporttest"}})
		}
		env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Ikke med", ""), Tags: []string{"annet"}})

		listTitles := func(query string) []string {
			var out []string
			path := reg + "/?" + query
			for path != "" {
				body := get200(t, env.reader, path)
				for _, m := range regexp.MustCompile(`<h3 class="register-item-title"><a href="[^"]+">([^<]*)</a>`).FindAllStringSubmatch(body, -1) {
					out = append(out, html.UnescapeString(m[1]))
				}
				path = ""
				if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			return out
		}
		for _, query := range []string{"q=eksporttest&sorter=title", "q=eksporttest&land=DE&sorter=title"} {
			t.Run(query, func(t *testing.T) {
				want := listTitles(query)
				if len(want) == 0 {
					t.Fatal("the list is empty")
				}
				resp, body := env.reader.get(reg + "/eksport.csv?" + query)
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
					t.Fatalf("CSV: status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				if !strings.HasPrefix(body, "\uFEFF") {
					t.Error("the CSV has no byte-order mark")
				}
				r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
				r.Comma = ';'
				rows, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if rows[0][1] != "Tittel (bokmål)" || rows[0][0] != "ID" {
					t.Errorf("CSV header %q", rows[0])
				}
				var got []string
				for _, row := range rows[1:] {
					title := row[1]
					if len(title) > 0 && strings.ContainsRune("=+-@", rune(title[0])) {
						t.Errorf("CSV cell %q would run as a formula", title)
					}
					got = append(got, strings.TrimPrefix(title, "'"))
					if strings.HasPrefix(title, "'") && !strings.ContainsRune("=+-@", rune(title[1])) {
						t.Errorf("CSV cell %q was quoted without need", title)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("CSV titles\n%q\nwant the list's\n%q", got, want)
				}

				resp, body = env.reader.get(reg + "/eksport.xlsx?" + query)
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
					t.Fatalf("XLSX: status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				sheet := x.GetSheetName(0)
				xrows, err := x.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				got = nil
				for i, row := range xrows[1:] {
					got = append(got, row[1])
					if f, _ := x.GetCellFormula(sheet, "B"+strconv.Itoa(i+2)); f != "" {
						t.Errorf("XLSX cell B%d is the formula %q", i+2, f)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("XLSX titles\n%q\nwant the list's\n%q", got, want)
				}
				if xrows[1][14] != "Eksport GmbH (partner)" || xrows[1][15] != "Tyskland" {
					t.Errorf("XLSX partners %q, countries %q", xrows[1][14], xrows[1][15])
				}
			})
		}
		if resp, _ := get(t, srv, reg+"/eksport.csv"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the export signed out: status %d, want 303 to sign in", resp.StatusCode)
		}
	})
}

// HTML and script typed into any text field is shown as text, everywhere it is shown.
func TestRegisterEscapes(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
		form := url.Values{"kind": {"membership"}, "status": {"active"}, "title_nb": {"Ondsinnet " + evil}, "title_en": {evil},
			"acronym": {evil}, "description_nb": {evil}, "description_en": {evil}, "unit": {evil}, "programme": {evil}, "call": {evil},
			"tags": {evil}, "external_cordis": {evil}, "external_keep_eu": {evil}, "external_erasmus": {evil}, "external_eea_grants": {evil},
			"link_url_0": {`https://example.org/"><script>alert(1)</script>`}, "link_label_0": {evil}, "fee_amount": {"100"}, "fee_currency": {"EUR"},
			"decision_body": {evil}, "decision_case": {evil}, "seat_body_0": {evil}, "seat_kind_0": {"political"}, "seat_holder_0": {evil},
			"review_date_0": {"2024"}, "review_outcome_0": {"change"}, "review_rationale_nb_0": {evil}, "review_rationale_en_0": {evil}}
		resp, body := env.editor.post(reg+"/ny", form)
		id := createdID(t, resp, body)
		base := reg + "/" + id64(id)
		a := env.actor(t, &utsyn.Actor{Name: "Aktør " + evil, Country: "FR", Website: "javascript:alert(1)"})
		e := env.find(t, id)
		e.Partners = []utsyn.Partner{{ActorID: a.ID, Role: "member"}}
		env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) })
		if resp, body := env.editor.post(base+"/penger/ny", url.Values{"year": {"2024"}, "kind": {"membership_fee"}, "currency": {"EUR"},
			"amount": {"100"}, "funder": {id64(a.ID)}, "note": {evil}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add money: status %d\n%s", resp.StatusCode, errorsOf(body))
		}
		for _, path := range []string{base, base + "/rediger", base + "/partnere?q=" + url.QueryEscape("Aktør"), base + "/historikk", base + "/slett",
			reg + "/?q=ondsinnet", reg + "/mine", "/nb/rogaland/aktorer/", "/nb/rogaland/aktorer/" + id64(a.ID), "/en/rogaland/engasjementer/" + id64(id)} {
			body := get200(t, env.editor, path)
			mustLack(t, path, body, "<script>alert", "<img src=x", `href="javascript:`)
			if !strings.Contains(body, "&lt;script&gt;") {
				t.Errorf("%s does not show the typed tags as text", path)
			}
		}
		_, body = env.editor.get(reg + "/eksport.csv?q=ondsinnet")
		if !strings.Contains(body, "<script>") {
			t.Error("the CSV lost the text as typed") // CSV is data, not HTML: kept as typed
		}
	})
}

// Bad input is refused with a message beside each field, keeps what was typed, and stores
// nothing.
func TestRegisterBadInput(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		env := newRegEnv(t, srv, db)
		ctx := context.Background()
		agder := addOrg(t, db, "agder")
		foreign := &utsyn.Strategy{OrgID: agder.ID, Slug: "agder-strategi", Title: utsyn.NewText("Agders strategi", ""), Status: utsyn.StatusDraft,
			Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("mål", ""), Plural: utsyn.NewText("mål", "")}}}
		env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateStrategy(ctx, foreign) })
		foreignEl := &utsyn.Element{StrategyID: foreign.ID, LevelID: foreign.Levels[0].ID, Title: utsyn.NewText("Agders mål", "")}
		env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateElement(ctx, foreignEl) })
		env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Har CORDIS-nummeret", ""), ExternalIDs: map[string]string{"cordis": "101000001"}})
		before, _ := db.Count(ctx, "engagements")

		ok := url.Values{"kind": {"project"}, "status": {"running"}, "title_nb": {"Et gyldig navn"}, "start": {"2024-05-01"}}
		with := func(changes url.Values) url.Values {
			v := url.Values{}
			for k, vs := range ok {
				v[k] = vs
			}
			for k, vs := range changes {
				v[k] = vs
			}
			return v
		}
		tests := []struct {
			name    string
			form    url.Values
			field   string // the input the message is beside
			message string
		}{
			{"dates out of order", with(url.Values{"end": {"2023-12-31"}}), "end", "Sluttdatoen kan ikke være før startdatoen."},
			{"not a date", with(url.Values{"start": {"1. mai"}}), "start", "Skriv datoen som ÅÅÅÅ-MM-DD"},
			{"no title", with(url.Values{"title_nb": {""}, "title_en": {"Only English"}}), "title_nb", "Fyll ut feltet på bokmål."},
			{"a status of another kind", with(url.Values{"status": {"active"}}), "status", "Statusen passer ikke til typen. Et prosjekt kan ha status idé, søknad"},
			{"a negative fee", with(url.Values{"kind": {"membership"}, "status": {"active"}, "fee_amount": {"-100"}, "fee_currency": {"NOK"}}), "fee_amount", "Beløpet kan ikke være negativt."},
			{"an unknown currency", with(url.Values{"kind": {"membership"}, "status": {"active"}, "fee_amount": {"100"}, "fee_currency": {"SEK"}}), "fee_currency", "Velg en gyldig valuta"},
			{"an amount that is not one", with(url.Values{"kind": {"membership"}, "status": {"active"}, "fee_amount": {"hundre"}}), "fee_amount", "Skriv beløpet med tall"},
			{"another organisation's element", with(url.Values{"primary": {id64(foreignEl.ID)}}), "primary", "finnes ikke i denne organisasjonen"},
			{"a duplicate CORDIS id", with(url.Values{"external_cordis": {"101000001"}}), "external_cordis", "Et annet engasjement har allerede denne ID-en."},
			{"a link that is not one", with(url.Values{"link_url_0": {"javascript:alert(1)"}, "link_label_0": {"Lenke"}}), "link_url_0", "Skriv en hel nettadresse"},
			{"a seat without a body", with(url.Values{"kind": {"membership"}, "status": {"active"}, "seat_holder_0": {"Ordføreren"}, "seat_kind_0": {"political"}}), "seat_body_0", "Skriv hvilket organ"},
			{"a review without an outcome", with(url.Values{"kind": {"membership"}, "status": {"active"}, "review_date_0": {"2024-01-01"}}), "review_outcome_0", "Velg utfallet"},
			{"SDG 18", with(url.Values{"sdgs": {"18"}}), "sdgs", "fra 1 til 17"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := env.contributor.post(reg+"/ny", tt.form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422\n%s", resp.StatusCode, errorsOf(body))
				}
				errorID := `id="` + tt.field + `-error"`
				if !strings.Contains(body, errorID) {
					t.Errorf("no message beside %s\n%s", tt.field, errorsOf(body))
				} else if i := strings.Index(body, errorID); !strings.Contains(body[i:min(len(body), i+400)], tt.message) {
					t.Errorf("the message beside %s is not %q: %.300s", tt.field, tt.message, body[i:])
				}
				mustContain(t, "the refused form", body, "Det er feil i skjemaet", `href="#`+tt.field+`"`)
				if tt.field != "sdgs" { // a group of checkboxes is described by its message instead
					mustContain(t, "the refused form", body, `aria-invalid="true"`)
				}
				for k, vs := range tt.form {
					if v := vs[0]; v != "" && (strings.HasSuffix(k, "_nb") || k == "start" || k == "end" || k == "fee_amount" || k == "external_cordis") {
						mustContain(t, "the refused form", body, `value="`+html.EscapeString(v)+`"`)
					}
				}
			})
		}
		if after, _ := db.Count(ctx, "engagements"); after != before {
			t.Errorf("refused engagements were stored: %d, then %d", before, after)
		}

		// Actors and money: an unknown country, an unknown currency, a negative amount.
		resp, body := env.contributor.post("/nb/rogaland/aktorer/ny", url.Values{"name": {"Landløs"}, "country": {"XX"}, "org_number": {"12345"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an actor of no country: status %d, want 422", resp.StatusCode)
		}
		mustContain(t, "the refused actor", body, `id="country-error"`, `id="org_number-error"`, `value="Landløs"`)
		e := env.engagement(t, &utsyn.Engagement{Title: utsyn.NewText("Pengetest", ""), Responsible: env.contributorU.ID})
		for _, tt := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"year": {"2024"}, "kind": {"own_cash"}, "currency": {"SEK"}, "amount": {"100"}}, "currency"},
			{url.Values{"year": {"2024"}, "kind": {"own_cash"}, "currency": {"NOK"}, "amount": {"-5"}}, "amount"},
			{url.Values{"year": {"2024"}, "kind": {"own_hours"}, "currency": {"NOK"}, "hours": {"-3"}, "hourly_rate": {"800"}}, "hours"},
			{url.Values{"year": {"1850"}, "kind": {"own_cash"}, "currency": {"NOK"}, "amount": {"5"}}, "year"},
		} {
			resp, body := env.contributor.post(reg+"/"+id64(e.ID)+"/penger/ny", tt.form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tt.field+`-error"`) {
				t.Errorf("money %v: status %d, want 422 with a message beside %s", tt.form, resp.StatusCode, tt.field)
			}
		}
		if lines, _ := db.ListMoneyLines(ctx, env.org.ID, e.ID); len(lines) != 0 {
			t.Errorf("refused money lines were stored: %d", len(lines))
		}
		resp, body = env.admin.post("/nb/rogaland/admin/valutakurser", url.Values{"year": {"2024"}, "rate": {"-1"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rate-error"`) {
			t.Errorf("a negative rate: status %d, want 422 with a message beside it", resp.StatusCode)
		}
	})
}

// The history of money and status changes reads in words, in both languages.
func TestRegisterDetailInEnglish(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	env := newRegEnv(t, srv, db)
	e := env.engagement(t, &utsyn.Engagement{Kind: utsyn.KindMembership, Status: utsyn.StatusActive, Title: utsyn.NewText("Nordsjøkommisjonen", "North Sea Commission"),
		Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 2500000, Currency: "EUR"}, DecisionBody: "Fylkestinget",
			DecisionDate: utsyn.MustDate("2020-04-28"), RenewalDate: utsyn.MustDate("2027"),
			Seats:   []utsyn.Seat{{Body: "Styret", Kind: "political", Holder: "Fylkesordføreren"}},
			Reviews: []utsyn.Review{{Date: utsyn.MustDate("2024-06"), Outcome: "continue", Rationale: utsyn.NewText("Gir innflytelse", "Gives influence")}}}})
	e.Status = utsyn.StatusUnderReview
	env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) })
	body := get200(t, env.reader, "/en/rogaland/engasjementer/"+id64(e.ID))
	mustContain(t, "the membership in English", body, "North Sea Commission", "Membership", "Under review", nbsp("EUR 25,000"), "Fylkestinget, 28 April 2020",
		"Styret", "Political", "Fylkesordføreren", "June 2024", "Continue", "Gives influence", "Active → Under review", "registered with the status Active")
	body = get200(t, env.reader, "/nb/rogaland/engasjementer/"+id64(e.ID)+"/historikk")
	mustContain(t, "the history", body, "Aktiv", "Under vurdering")

}

// The register's pages in Chromium, signed in as an editor, in both languages: the list, an
// engagement, the form with its mistakes shown, the partners, an actor and the exchange rates
// have no axe-core (WCAG 2.1 A and AA) violations, one h1, and no sideways scrolling at 320 CSS
// pixels.
func TestBrowserRegister(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	env := newRegEnv(t, srv, db)
	a := env.actor(t, &utsyn.Actor{Name: "Région Bretagne", Country: "FR", Type: "region", PIC: "999123456"})
	e := env.engagement(t, &utsyn.Engagement{Kind: utsyn.KindMembership, Status: utsyn.StatusActive, Title: utsyn.NewText("Nettverk for havregioner", "Network of sea regions"),
		Acronym: "NHR", Description: utsyn.NewText("Et nettverk.\n\nMed to avsnitt.", ""), Start: utsyn.MustDate("2019-03"), Responsible: env.editorU.ID,
		Public: true, Tags: []string{"hav"}, SDGs: []int{14}, Programme: "Interreg Nordsjøen", ExternalIDs: map[string]string{"keep_eu": "NHR-1"},
		Elements: []utsyn.ElementRef{{ElementID: env.tree.AtLevel("priority")[0].ID, Primary: true}},
		Partners: []utsyn.Partner{{ActorID: a.ID, Role: "member"}},
		Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 1200000, Currency: "EUR"}, DecisionBody: "Fylkestinget",
			Seats: []utsyn.Seat{{Body: "Styret", Kind: "political", Holder: "Fylkesordføreren"}}}})
	for _, l := range []utsyn.MoneyLine{{Year: 2024, Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: 1200000, Currency: "EUR"}},
		{Year: 2024, Kind: utsyn.MoneyOwnHours, Hours: 40, HourlyRate: utsyn.Money{Minor: 90000}, Amount: utsyn.Money{Currency: "NOK"}}} {
		l.EngagementID = e.ID
		env.store(t, func(ctx context.Context, tx *store.Tx) error { return tx.CreateMoneyLine(ctx, env.org.ID, &l) })
	}
	// A status update long overdue by a monthly cadence: the engagement shows its status tag and the
	// overdue note.
	version := env.find(t, e.ID).Version
	env.store(t, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.SetSettings(ctx, env.org.ID, store.Item{Kind: store.ItemEngagement, ID: e.ID}, version, store.FollowupSettings{Cadence: utsyn.CadenceMonthly}); err != nil {
			return err
		}
		return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: env.org.ID, EngagementID: e.ID, Date: utsyn.MustDate("2024-01-15"), Status: utsyn.FollowOffTrack})
	})
	base := "/rogaland/engasjementer/" + id64(e.ID)
	pages := []struct {
		name, path string
		status     int
		submit     bool // submit the form empty first, to see its mistakes
	}{
		{"list", "/rogaland/engasjementer/", 200, false},
		{"list-filtered", "/rogaland/engasjementer/?q=hav&ar=nitten", 200, false},
		{"engagement", base, 200, false},
		{"form-with-errors", "/rogaland/engasjementer/ny", 422, true},
		{"edit", base + "/rediger", 200, false},
		{"partners", base + "/partnere?q=bretagne", 200, false},
		{"money", base + "/penger/ny", 200, false},
		{"actors", "/rogaland/aktorer/", 200, false},
		{"actor", "/rogaland/aktorer/" + id64(a.ID), 200, false},
		{"rates", "/rogaland/admin/valutakurser", 200, false},
	}
	docs := map[string][]byte{}
	for _, pg := range pages {
		for _, lang := range []string{"nb", "en"} {
			t.Run(pg.name+"/"+lang, func(t *testing.T) {
				p := b.Open(t, srv.URL+"/"+lang+"/")
				ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
				defer cancel()
				u, _ := url.Parse(srv.URL)
				if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "utsyn_session", Value: env.admin.cookie(),
					Domain: u.Hostname(), Path: "/"}); err != nil {
					t.Fatalf("setting the session cookie: %v", err)
				}
				if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+"/"+lang+pg.path)); err != nil {
					t.Fatalf("opening %s: %v", pg.path, err)
				}
				if pg.submit {
					p.Click(t, `form.register-form button[type="submit"]`)
				}
				if got := p.Status(); got != pg.status {
					t.Errorf("status %d, want %d", got, pg.status)
				}
				if got := p.Attr(t, "html", "lang"); got != lang {
					t.Errorf("<html lang=%q>, want %q", got, lang)
				}
				if got := p.Count(t, "h1"); got != 1 {
					t.Errorf("%d h1 elements, want 1", got)
				}
				if pg.submit {
					if p.Count(t, ".error-summary a[href]") == 0 || p.Count(t, ".field-error") == 0 {
						t.Error("the submitted empty form shows no mistakes")
					}
					if got := jsEval[string](t, p, `document.activeElement.className`); !strings.Contains(got, "error-summary") {
						t.Errorf("after the refused submission focus is on %q, want the error summary", got)
					}
				}
				p.CheckAxe(t)
				docs[lang+"/"+pg.name] = []byte(p.HTML(t))
				if dir := screenshotDir(); dir != "" {
					p.Screenshot(t, filepath.Join(dir, "register-"+pg.name+"-"+lang+"-1280.png"))
				}
				setWidth(t, p, 320)
				checkReflow(t, p, 320)
				if dir := screenshotDir(); dir != "" {
					p.Screenshot(t, filepath.Join(dir, "register-"+pg.name+"-"+lang+"-320.png"))
				}
			})
		}
	}
	// One run of the Nu HTML checker for every page that was opened.
	browsertest.CheckHTML(t, docs)
}
