package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// The editor, tested as editors use it: they open a form, change what they see, save, and look
// at the public page and the history. Forms are read from the served page (formValues), so a
// field the page forgets to send back is a failing test.

const (
	strategyPath = "/nb/rogaland/strategi/internasjonal-strategi"
	planPath     = "/nb/rogaland/plan/utviklingsplan-2021-2024"
)

// signedIn makes a user with the role in the organisation and signs them in.
func signedIn(t testing.TB, srv *httptest.Server, db *store.DB, org string, role utsyn.Role) *browser {
	t.Helper()
	email := fmt.Sprintf("%s-%s@example.org", role, org)
	addUser(t, db, org, email, role)
	b := newBrowser(t, srv)
	b.signIn(email, testPassword)
	return b
}

var (
	formRe    = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	controlRe = regexp.MustCompile(`(?s)<(input|select|textarea)\b([^>]*)>`)
	attrRe    = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
	optionRe  = regexp.MustCompile(`(?s)<option\b([^>]*)>`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(s, -1) {
		m[a[1]] = html.UnescapeString(a[2])
	}
	return m
}

// formValues returns what a browser would submit from the page's form with the action: the
// values of its inputs, checked checkboxes, textareas and selects.
func formValues(t testing.TB, body, action string) url.Values {
	t.Helper()
	for _, f := range formRe.FindAllStringSubmatch(body, -1) {
		if attrs(f[1])["action"] != action {
			continue
		}
		inner := f[2]
		v := url.Values{}
		for _, loc := range controlRe.FindAllStringSubmatchIndex(inner, -1) {
			tag, a := inner[loc[2]:loc[3]], attrs(inner[loc[4]:loc[5]])
			name := a["name"]
			if name == "" {
				continue
			}
			rest := inner[loc[1]:]
			switch tag {
			case "input":
				if _, checked := a["checked"]; a["type"] == "checkbox" && !checked {
					continue
				}
				v.Add(name, a["value"])
			case "textarea":
				v.Add(name, html.UnescapeString(rest[:strings.Index(rest, "</textarea>")]))
			case "select":
				for _, o := range optionRe.FindAllStringSubmatch(rest[:strings.Index(rest, "</select>")], -1) {
					if oa := attrs(o[1]); oa["selected"] != "" || strings.Contains(o[1], "selected") {
						v.Set(name, oa["value"])
					}
				}
			}
		}
		return v
	}
	t.Fatalf("no form posting to %s on the page:\n%.3000s", action, body)
	return nil
}

func wantStatus(t testing.TB, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.3000s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, mainOf(body))
	}
}

// mainOf is the page's main content, for readable failures.
func mainOf(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	return body
}

func wantIn(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

func wantNotIn(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if strings.Contains(body, w) {
			t.Errorf("the page shows %q", w)
		}
	}
}

// submit posts a form, expects to be sent on (303, post/redirect/get) and fetches where it leads.
func (b *browser) submit(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, body := b.post(path, form)
	wantStatus(b.t, resp, body, http.StatusSeeOther)
	return b.get(resp.Header.Get("Location"))
}

// osloToday is today's date as the history writes it in bokmål.
func osloToday() string {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	return i18n.FormatDate(i18n.NB, time.Now().In(loc))
}

func TestEditStrategy(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		ctx := context.Background()

		// The public page shows the editor the way in.
		_, body := ed.get(strategyPath)
		wantIn(t, body, `href="`+strategyPath+`/rediger"`, `href="`+strategyPath+`/historikk"`)
		_, body = get(t, srv, strategyPath)
		wantNotIn(t, body, strategyPath+"/rediger", strategyPath+"/historikk")

		resp, body := ed.get(strategyPath + "/rediger")
		wantStatus(t, resp, body, http.StatusOK)
		form := formValues(t, body, strategyPath+"/rediger")
		if form.Get("title_nb") != "Internasjonal strategi" || form.Get("version") != "1" || len(form["roles"]) != 6 {
			t.Fatalf("the form does not show the strategy: %v", form)
		}
		stale := url.Values{}
		for k, v := range form {
			stale[k] = append([]string(nil), v...)
		}

		form.Set("title_nb", "Internasjonal strategi 2023–2027")
		form.Set("adopted_on", "2023-06-14")
		form.Set("purpose_shall_be_nb", form.Get("purpose_shall_be_nb")+"\nen ny linje")
		form.Set("purpose_shall_be_en", form.Get("purpose_shall_be_en")+"\na new line")
		resp, body = ed.submit(strategyPath+"/rediger", form)
		wantStatus(t, resp, body, http.StatusOK)
		wantIn(t, body, `role="status"`, "Endringene er lagret.")

		// The public page shows the change.
		_, body = get(t, srv, strategyPath)
		wantIn(t, body, "<h1>Internasjonal strategi 2023–2027</h1>", "14. juni 2023", "<li>en ny linje</li>")

		// The history says who changed what from what to what, and when, the Norwegian way.
		resp, body = ed.get(strategyPath + "/historikk")
		wantStatus(t, resp, body, http.StatusOK)
		wantIn(t, body, "<caption>Endringer i Internasjonal strategi 2023–2027, de nyeste først</caption>",
			"editor-rogaland@example.org", "Endret", "<td>Tittel</td>",
			"nb: Internasjonal strategi / en: International strategy",
			"nb: Internasjonal strategi 2023–2027 / en: International strategy",
			"<td>Vedtaksdato</td>", ">2023-06-14<", osloToday())

		// A reader may read the history, but not edit.
		reader := signedIn(t, srv, db, "rogaland", utsyn.RoleReader)
		resp, body = reader.get(strategyPath + "/historikk")
		wantStatus(t, resp, body, http.StatusOK)
		resp, body = reader.get(strategyPath + "/rediger")
		wantStatus(t, resp, body, http.StatusForbidden)

		// A second editor still has the form read at version 1: their save is refused, what they
		// typed is kept and shown beside what is stored now, and nothing is overwritten.
		stale.Set("title_nb", "Min egen tittel")
		resp, body = ed.post(strategyPath+"/rediger", stale)
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, "Noen andre har endret dette", "Sist endret av editor-rogaland@example.org",
			`<td class="value">Internasjonal strategi 2023–2027</td><td class="value">Min egen tittel</td>`,
			`value="Min egen tittel"`, `name="version" value="2"`)
		st, err := db.FindStrategy(ctx, 1, "internasjonal-strategi")
		if err != nil {
			t.Fatal(err)
		}
		if st.Title["nb"] != "Internasjonal strategi 2023–2027" || st.Version != 2 {
			t.Errorf("after a refused save the strategy is %q, version %d", st.Title["nb"], st.Version)
		}
		// Saved again from the conflict page, knowingly, it is stored.
		ed.submit(strategyPath+"/rediger", formValues(t, body, strategyPath+"/rediger"))
		if st, _ := db.FindStrategy(ctx, 1, "internasjonal-strategi"); st.Title["nb"] != "Min egen tittel" {
			t.Errorf("saving from the conflict page stored %q", st.Title["nb"])
		}

		// Unpublish: the public no longer sees it; publish again.
		_, body = ed.get(strategyPath + "/rediger")
		_, body = ed.submit(strategyPath+"/publiser", formValues(t, body, strategyPath+"/publiser"))
		wantIn(t, body, "Strategien er ikke lenger publisert")
		if resp, _ := get(t, srv, strategyPath); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unpublished strategy: status %d for the public", resp.StatusCode)
		}
		_, orgPage := get(t, srv, "/nb/rogaland")
		wantNotIn(t, orgPage, "Min egen tittel")
		// A stale publish button is refused.
		resp, body = ed.post(strategyPath+"/publiser", url.Values{"version": {"1"}, "published": {"1"}})
		wantStatus(t, resp, body, http.StatusConflict)
		_, body = ed.get(strategyPath + "/rediger")
		ed.submit(strategyPath+"/publiser", formValues(t, body, strategyPath+"/publiser"))
		if resp, _ := get(t, srv, strategyPath); resp.StatusCode != http.StatusOK {
			t.Errorf("a published strategy: status %d for the public", resp.StatusCode)
		}
		_, body = ed.get(strategyPath + "/historikk")
		wantIn(t, body, "Avpublisert", "Publisert", "<td>Publisert</td>")
	})
}

// sectionIndex is where text first appears in body, failing when it does not.
func sectionIndex(t testing.TB, body, text string) int {
	t.Helper()
	i := strings.Index(body, text)
	if i < 0 {
		t.Fatalf("the page lacks %q", text)
	}
	return i
}

func TestCreateStrategyAndItsTree(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		ctx := context.Background()

		// Mistakes: each is named at the top and beside its field, and what was typed stays.
		_, body := ed.get("/nb/rogaland/strategi/ny")
		form := formValues(t, body, "/nb/rogaland/strategi/ny")
		form.Set("title_en", "A title in English only")
		form.Set("slug", "Ugyldig Adresse")
		form.Set("period_start", "juni 2023")
		form.Set("source_url", "javascript:alert(1)")
		form.Set("purpose_insight_en", "a line\nanother line")
		resp, body := ed.post("/nb/rogaland/strategi/ny", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Det er feil i skjemaet", `<a href="#title_nb">Tittel (bokmål): Fyll ut feltet på bokmål.</a>`,
			`<a href="#slug">`, `id="slug-error"`, `aria-describedby="slug-hint slug-error"`, `aria-invalid="true"`,
			`<a href="#period_start">`, `<a href="#source_url">`, `<a href="#purpose_insight_en">`,
			`value="Ugyldig Adresse"`, `value="A title in English only"`, "another line")
		if n, _ := db.Count(ctx, "strategies"); n != 1 {
			t.Errorf("a refused form stored a strategy: %d strategies", n)
		}

		form.Set("title_nb", "Strategi for Nordsjøen")
		form.Set("slug", "nordsjoen")
		form.Set("period_start", "2025")
		form.Set("source_url", "")
		form.Set("purpose_insight_nb", "en linje\nen linje til")
		resp, body = ed.post("/nb/rogaland/strategi/ny", form)
		wantStatus(t, resp, body, http.StatusSeeOther)
		base := "/nb/rogaland/strategi/nordsjoen"
		if loc := resp.Header.Get("Location"); loc != base+"/rediger?opprettet=1" {
			t.Fatalf("after creating: sent to %s", loc)
		}
		_, body = ed.get(resp.Header.Get("Location"))
		wantIn(t, body, "Opprettet og lagret.", "Ikke publisert", "Strategien har ingen elementer ennå")
		if resp, _ := get(t, srv, base); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a new strategy is public: status %d", resp.StatusCode)
		}

		// The tree: a main goal, two sub-goals under it, a priority.
		st, err := db.FindStrategy(ctx, 1, "nordsjoen")
		if err != nil {
			t.Fatal(err)
		}
		level := func(key string) string {
			for _, l := range st.Levels {
				if l.Key == key {
					return strconv.FormatInt(l.ID, 10)
				}
			}
			t.Fatalf("no level %s", key)
			return ""
		}
		add := func(levelKey, parent, code, title string) string {
			t.Helper()
			path := base + "/element/ny"
			if parent != "" {
				path += "?forelder=" + parent
			}
			_, body := ed.get(path)
			f := formValues(t, body, base+"/element/ny")
			if f.Get("parent") != parent {
				t.Errorf("adding under %q: the form proposes parent %q", parent, f.Get("parent"))
			}
			f.Set("level", level(levelKey))
			f.Set("code", code)
			f.Set("title_nb", title)
			resp, body := ed.post(base+"/element/ny", f)
			wantStatus(t, resp, body, http.StatusSeeOther)
			loc := resp.Header.Get("Location")
			return loc[strings.LastIndex(loc, "-")+1:]
		}
		root := add("main_goal", "", "H", "Rogaland skal samarbeide over Nordsjøen")
		a := add("sub_goal", root, "A", "Delmål A")
		b := add("sub_goal", root, "B", "Delmål B")
		add("priority", root, "P", "Prioritering P")
		add("measure", a, "A.1", "Tiltak under A")

		// A code used twice and a measure at the top are refused beside their fields.
		_, body = ed.get(base + "/element/ny")
		f := formValues(t, body, base+"/element/ny")
		f.Set("level", level("sub_goal"))
		f.Set("parent", a)
		f.Set("code", "A")
		f.Set("title_nb", "Dobbelt")
		resp, body = ed.post(base+"/element/ny", f)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Koden er allerede i bruk", `>Dobbelt</textarea>`, `<a href="#code">`, `<a href="#parent">`)

		// Move B up: it now comes before A.
		_, body = ed.submit(base+"/element/"+b+"/flytt", url.Values{"retning": {"opp"}})
		wantIn(t, body, "Flyttet.")
		if sectionIndex(t, body, "Delmål B") > sectionIndex(t, body, "Delmål A") {
			t.Error("after moving B up, A still comes first")
		}
		// Move A.1 under B through its form.
		aOne := elementID(t, body, "A.1")
		_, body = ed.get(base + "/element/" + aOne + "/rediger")
		f = formValues(t, body, base+"/element/"+aOne+"/rediger")
		f.Set("parent", b)
		ed.submit(base+"/element/"+aOne+"/rediger", f)
		_, body = ed.get(base + "/element/" + b + "/slett")
		wantIn(t, body, "Vil du slette B?", "Dette ligger under og blir slettet sammen med det (1):", "A.1 Tiltak under A")

		// Published, the public page shows the tree in its order.
		_, body = ed.get(base + "/rediger")
		ed.submit(base+"/publiser", formValues(t, body, base+"/publiser"))
		_, public := get(t, srv, base)
		wantIn(t, public, "Rogaland skal samarbeide over Nordsjøen", "Tiltak under A", "en linje til")
		if sectionIndex(t, public, "Delmål B") > sectionIndex(t, public, "Delmål A") {
			t.Error("the public page does not show the new order")
		}

		// Deleting the main goal asks first, saying how many go with it.
		_, body = ed.get(base + "/element/" + root + "/slett")
		wantIn(t, body, "Vil du slette H?", "Dette ligger under og blir slettet sammen med det (4):", "5 elementer blir slettet")
		_, body = ed.submit(base+"/element/"+root+"/slett", formValues(t, body, base+"/element/"+root+"/slett"))
		wantIn(t, body, "Slettet (5).", "Strategien har ingen elementer ennå")
		_, public = get(t, srv, base)
		wantNotIn(t, public, "Rogaland skal samarbeide over Nordsjøen")
		_, body = ed.get(base + "/historikk")
		wantIn(t, body, "Fjernet", "<td>Element</td>", "H Rogaland skal samarbeide over Nordsjøen", "Opprettet")
	})
}

// elementID finds an element's ID in the editor's tree by its code.
func elementID(t testing.TB, body, code string) string {
	t.Helper()
	m := regexp.MustCompile(`<tr id="element-(\d+)">\s*<td>[^<]*</td>\s*<th[^>]*><span class="code">` + regexp.QuoteMeta(code) + `</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no element %s in the tree", code)
	}
	return m[1]
}

func TestElementConflictAndLineage(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		_, body := ed.get(strategyPath + "/rediger")
		p3 := elementID(t, body, "P3")
		edit := strategyPath + "/element/" + p3 + "/rediger"

		_, body = ed.get(edit)
		first, second := formValues(t, body, edit), formValues(t, body, edit)
		if first.Get("code") != "P3" || len(first["plan_goals"]) != 4 {
			t.Fatalf("the element's form: %v", first)
		}
		first.Set("description_nb", "Første beskrivelse")
		first["plan_goals"] = first["plan_goals"][:1]
		ed.submit(edit, first)
		second.Set("description_nb", "Andre beskrivelse")
		resp, body := ed.post(edit, second)
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, `<td class="value">Første beskrivelse</td><td class="value">Andre beskrivelse</td>`, ">Andre beskrivelse</textarea>")
		e, err := db.FindElement(context.Background(), mustInt(t, p3))
		if err != nil || e.Description["nb"] != "Første beskrivelse" || len(e.PlanGoalIDs) != 1 {
			t.Errorf("after a refused save: %+v, %v", e, err)
		}
		_, body = ed.get(strategyPath + "/element/" + p3 + "/historikk")
		wantIn(t, body, "<td>Beskrivelse</td>", "nb: Første beskrivelse", "<td>Bygger på mål</td>", "U1, U2, U3, U4")

		// A deletion confirmed on a page read before the edit is asked again.
		resp, body = ed.post(strategyPath+"/element/"+p3+"/slett", url.Values{"version": {"1"}})
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, "Det er endret siden du åpnet siden")

		// A new version keeps the old one's tree linked: deleting an element the new version
		// continues is refused, with the reason.
		_, body = ed.get(strategyPath + "/ny-versjon")
		form := formValues(t, body, strategyPath+"/ny-versjon")
		form.Set("slug", "internasjonal-strategi")
		resp, body = ed.post(strategyPath+"/ny-versjon", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Adressen er allerede i bruk")
		form.Set("slug", "internasjonal-strategi-2027")
		_, body = ed.submit(strategyPath+"/ny-versjon", form)
		wantIn(t, body, "Den nye versjonen er laget", "Dette er en ny versjon av", "Ikke publisert", "P3")
		_, body = ed.get(strategyPath + "/element/" + p3 + "/slett")
		wantIn(t, body, "En nyere versjon av strategien viderefører dette")
		wantNotIn(t, body, `class="button button-danger"`)
		resp, body = ed.post(strategyPath+"/element/"+p3+"/slett", url.Values{"version": {"2"}})
		wantStatus(t, resp, body, http.StatusConflict)
		if _, err := db.FindElement(context.Background(), mustInt(t, p3)); err != nil {
			t.Errorf("a continued element was deleted: %v", err)
		}
		_, body = ed.get(strategyPath + "/historikk")
		wantIn(t, body, "Ny versjon", "internasjonal-strategi-2027")
	})
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEditPlanAndGoals(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		_, body := ed.get("/nb/rogaland")
		wantIn(t, body, `href="/nb/rogaland/plan/ny"`, `href="`+planPath+`/rediger"`)

		_, body = ed.get("/nb/rogaland/plan/ny")
		form := formValues(t, body, "/nb/rogaland/plan/ny")
		form.Set("title_nb", "Regional plan for klima")
		form.Set("slug", "klimaplan")
		form.Set("period_start", "2026")
		form.Set("period_end", "2024")
		resp, body := ed.post("/nb/rogaland/plan/ny", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `<a href="#period_end">`, "Sluttdatoen kan ikke være før startdatoen.")
		form.Set("period_end", "2030")
		form.Set("published", "1")
		_, body = ed.submit("/nb/rogaland/plan/ny", form)
		base := "/nb/rogaland/plan/klimaplan"
		wantIn(t, body, "Opprettet og lagret.", "Planen har ingen registrerte mål ennå.")

		addGoal := func(code, title string) {
			t.Helper()
			_, body := ed.get(base + "/mal/ny")
			f := formValues(t, body, base+"/mal/ny")
			f.Set("code", code)
			f.Set("title_nb", title)
			resp, body := ed.post(base+"/mal/ny", f)
			wantStatus(t, resp, body, http.StatusSeeOther)
		}
		addGoal("K1", "Lavere utslipp")
		addGoal("K2", "Klimatilpasning")
		resp, body = ed.post(base+"/mal/ny", url.Values{"code": {"K1"}, "title_nb": {"Igjen"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Koden er allerede i bruk", `>Igjen</textarea>`)

		_, body = ed.get(base + "/rediger")
		k2 := regexp.MustCompile(`<tr id="mal-(\d+)">\s*<td><span class="code">K2</span>`).FindStringSubmatch(body)[1]
		_, body = ed.submit(base+"/mal/"+k2+"/flytt", url.Values{"retning": {"opp"}})
		if sectionIndex(t, body, "Klimatilpasning") > sectionIndex(t, body, "Lavere utslipp") {
			t.Error("after moving K2 up, K1 still comes first")
		}
		_, public := get(t, srv, base)
		wantIn(t, public, `id="K2"`, "Klimatilpasning")
		if sectionIndex(t, public, "Klimatilpasning") > sectionIndex(t, public, "Lavere utslipp") {
			t.Error("the public plan does not show the new order")
		}

		// Two editors change the same goal: the second is shown the first one's words.
		edit := base + "/mal/" + k2 + "/rediger"
		_, body = ed.get(edit)
		one, two := formValues(t, body, edit), formValues(t, body, edit)
		one.Set("title_en", "Climate adaptation")
		ed.submit(edit, one)
		two.Set("title_nb", "Tilpasning")
		resp, body = ed.post(edit, two)
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, `<td class="value">Climate adaptation</td><td class="value"></td>`, `>Tilpasning</textarea>`)

		// The plan's own form, stale.
		_, body = ed.get(base + "/rediger")
		p1, p2 := formValues(t, body, base+"/rediger"), formValues(t, body, base+"/rediger")
		p1.Set("description_nb", "Planen for klima.")
		ed.submit(base+"/rediger", p1)
		p2.Del("published")
		resp, body = ed.post(base+"/rediger", p2)
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, "<th scope=\"row\">Beskrivelse (bokmål)</th><td class=\"value\">Planen for klima.</td>", "<th scope=\"row\">Publisering</th>")
		if resp, _ := get(t, srv, base); resp.StatusCode != http.StatusOK {
			t.Error("a refused save unpublished the plan")
		}

		// Deleting a goal the strategy builds on says so.
		_, body = ed.get(planPath + "/rediger")
		u1 := regexp.MustCompile(`<tr id="mal-(\d+)">\s*<td><span class="code">U1</span>`).FindStringSubmatch(body)[1]
		_, body = ed.get(planPath + "/mal/" + u1 + "/slett")
		wantIn(t, body, "Vil du slette målet U1?", "5 strategielementer bygger ikke lenger på det")
		ed.submit(planPath+"/mal/"+u1+"/slett", formValues(t, body, planPath+"/mal/"+u1+"/slett"))
		_, public = get(t, srv, planPath)
		wantNotIn(t, public, `id="U1"`)
		_, body = ed.get(planPath + "/historikk")
		wantIn(t, body, "Fjernet", "<td>Planmål</td>", "U1 Klimaomstilling og livskraftig naturmiljø")
		_, body = ed.get(base + "/historikk")
		wantIn(t, body, "Planmål: K2 Klimatilpasning", "<td>Plass</td>", "Climate adaptation")
	})
}

func TestEditVocabularies(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		const roles = "/nb/rogaland/ordlister/roller"
		resp, body := ed.get(roles)
		wantStatus(t, resp, body, http.StatusOK)
		wantIn(t, body, "Tilrettelegger", `href="/nb/rogaland/ordlister/arbeidsformer"`)

		_, body = ed.get(roles + "/ny")
		form := formValues(t, body, roles+"/ny")
		form.Set("name_nb", "vertskap")
		form.Set("name_en", "host")
		form.Set("key", "Vertskap!")
		resp, body = ed.post(roles+"/ny", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `<a href="#key">`, `value="Vertskap!"`)
		form.Set("key", "vertskap")
		_, body = ed.submit(roles+"/ny", form)
		wantIn(t, body, "Opprettet og lagret.", ">vertskap<", "<code>vertskap</code>")
		resp, body = ed.post(roles+"/ny", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Nøkkelen er allerede i bruk")

		id := regexp.MustCompile(`<tr id="term-(\d+)">\s*<th scope="row">vertskap`).FindStringSubmatch(mustGet(t, ed, roles))[1]
		edit := roles + "/" + id + "/rediger"
		_, body = ed.get(edit)
		f := formValues(t, body, edit)
		f.Set("description_nb", "Tar imot besøk fra partnerregioner.")
		ed.submit(edit, f)

		// Attach it to the strategy, and the public page names it; detach it, and it is gone.
		_, body = ed.get(strategyPath + "/rediger")
		sf := formValues(t, body, strategyPath+"/rediger")
		sf.Add("roles", id)
		ed.submit(strategyPath+"/rediger", sf)
		_, public := get(t, srv, strategyPath)
		wantIn(t, public, "<dt>vertskap</dt><dd>Tar imot besøk fra partnerregioner.</dd>")
		_, body = ed.get(strategyPath + "/rediger")
		sf = formValues(t, body, strategyPath+"/rediger")
		var kept []string
		for _, v := range sf["roles"] {
			if v != id {
				kept = append(kept, v)
			}
		}
		sf["roles"] = kept
		ed.submit(strategyPath+"/rediger", sf)
		_, public = get(t, srv, strategyPath)
		wantNotIn(t, public, "<dt>vertskap</dt>")
		resp, body = ed.get("/nb/rogaland/ordlister/ukjent")
		wantStatus(t, resp, body, http.StatusNotFound)
	})
}

func mustGet(t testing.TB, b *browser, path string) string {
	t.Helper()
	resp, body := b.get(path)
	wantStatus(t, resp, body, http.StatusOK)
	return body
}

// editorRoutes are every editor route with a real path, and a form for the POSTs that would
// be accepted from an editor.
func editorRoutes(t *testing.T, db *store.DB) []struct {
	method, path string
	form         url.Values
} {
	ctx := context.Background()
	st, err := db.FindStrategy(ctx, 1, "internasjonal-strategi")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := db.FindPlan(ctx, 1, "utviklingsplan-2021-2024")
	if err != nil {
		t.Fatal(err)
	}
	roles, err := db.ListTerms(ctx, 1, utsyn.VocabRole)
	if err != nil {
		t.Fatal(err)
	}
	e := tree.Elements[len(tree.Elements)-1]
	el := strategyPath + "/element/" + strconv.FormatInt(e.ID, 10)
	g := planPath + "/mal/" + strconv.FormatInt(pl.Goals[0].ID, 10)
	term := "/nb/rogaland/ordlister/roller/" + strconv.FormatInt(roles[0].ID, 10)
	v := url.Values{"version": {"1"}}
	return []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/nb/rogaland/strategi/ny", nil},
		{"POST", "/nb/rogaland/strategi/ny", url.Values{"title_nb": {"Ny"}, "slug": {"ny-strategi"}, "status": {"draft"}}},
		{"GET", strategyPath + "/rediger", nil},
		{"POST", strategyPath + "/rediger", url.Values{"version": {"1"}, "title_nb": {"Overtatt"}, "slug": {"internasjonal-strategi"}, "status": {"draft"}}},
		{"POST", strategyPath + "/publiser", url.Values{"version": {"1"}, "published": {"0"}}},
		{"GET", strategyPath + "/ny-versjon", nil},
		{"POST", strategyPath + "/ny-versjon", url.Values{"slug": {"kapret"}}},
		{"GET", strategyPath + "/element/ny", nil},
		{"POST", strategyPath + "/element/ny", url.Values{"level": {strconv.FormatInt(st.Levels[0].ID, 10)}, "title_nb": {"Kapret"}}},
		{"GET", el + "/rediger", nil},
		{"POST", el + "/rediger", url.Values{"version": {"1"}, "level": {strconv.FormatInt(e.LevelID, 10)}, "parent": {strconv.FormatInt(e.ParentID, 10)}, "title_nb": {"Kapret"}}},
		{"POST", el + "/flytt", url.Values{"retning": {"opp"}}},
		{"GET", el + "/slett", nil},
		{"POST", el + "/slett", v},
		{"GET", "/nb/rogaland/plan/ny", nil},
		{"POST", "/nb/rogaland/plan/ny", url.Values{"title_nb": {"Kapret"}, "slug": {"kapret"}}},
		{"GET", planPath + "/rediger", nil},
		{"POST", planPath + "/rediger", url.Values{"version": {"1"}, "title_nb": {"Kapret"}, "slug": {"utviklingsplan-2021-2024"}}},
		{"GET", planPath + "/mal/ny", nil},
		{"POST", planPath + "/mal/ny", url.Values{"code": {"X9"}, "title_nb": {"Kapret"}}},
		{"GET", g + "/rediger", nil},
		{"POST", g + "/rediger", url.Values{"stamp": {store.GoalStamp(pl.Goals[0])}, "code": {"U1"}, "title_nb": {"Kapret"}}},
		{"POST", g + "/flytt", url.Values{"retning": {"ned"}}},
		{"GET", g + "/slett", nil},
		{"POST", g + "/slett", url.Values{"stamp": {store.GoalStamp(pl.Goals[0])}}},
		{"GET", "/nb/rogaland/ordlister/roller", nil},
		{"GET", "/nb/rogaland/ordlister/roller/ny", nil},
		{"POST", "/nb/rogaland/ordlister/roller/ny", url.Values{"key": {"kapret"}, "name_nb": {"Kapret"}}},
		{"GET", term + "/rediger", nil},
		{"POST", term + "/rediger", url.Values{"stamp": {store.TermStamp(roles[0])}, "name_nb": {"Kapret"}}},
	}
}

// Only editors of the organisation may use the editor: everyone else is refused and nothing
// changes.
func TestEditorRefusesOthers(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addOrg(t, db, "agder")
		others := map[string]*browser{
			"contributor":       signedIn(t, srv, db, "rogaland", utsyn.RoleContributor),
			"reader":            signedIn(t, srv, db, "rogaland", utsyn.RoleReader),
			"admin of agder":    signedIn(t, srv, db, "agder", utsyn.RoleAdmin),
			"anonymous visitor": newBrowser(t, srv),
		}
		events := func() int {
			n, err := db.Count(context.Background(), "audit_events")
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := events()
		for _, r := range editorRoutes(t, db) {
			for who, b := range others {
				var resp *http.Response
				var body string
				if r.method == "GET" {
					resp, body = b.get(r.path)
				} else {
					resp, body = b.post(r.path, r.form)
				}
				want := http.StatusForbidden
				if who == "anonymous visitor" {
					want = map[string]int{"GET": http.StatusSeeOther, "POST": http.StatusUnauthorized}[r.method]
				}
				if resp.StatusCode != want {
					t.Errorf("%s: %s %s: status %d, want %d\n%.300s", who, r.method, r.path, resp.StatusCode, want, mainOf(body))
				}
			}
		}
		if n := events(); n != before {
			t.Errorf("refused requests changed something: %d audit events, were %d", n, before)
		}
		// And the editor may use every one of them (the forms are valid, or answered 422).
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		for _, r := range editorRoutes(t, db) {
			var resp *http.Response
			var body string
			if r.method == "GET" {
				resp, body = ed.get(r.path)
			} else {
				resp, body = ed.post(r.path, r.form)
			}
			if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode >= 500 {
				t.Errorf("editor: %s %s: status %d\n%.500s", r.method, r.path, resp.StatusCode, mainOf(body))
			}
		}
	})
}

// HTML and script typed into the forms are shown as text, never run, on every page that shows
// them: the form again, the public pages, the history.
func TestEditorEscapesInput(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>"'`
		escaped := []string{"&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;"}
		raw := []string{"<script>alert", "<img src=x"}

		_, body := ed.get(strategyPath + "/rediger")
		form := formValues(t, body, strategyPath+"/rediger")
		for k := range form {
			if strings.HasSuffix(k, "_nb") || strings.HasSuffix(k, "_en") || k == "case_number" {
				form.Set(k, evil+" "+k)
			}
		}
		// First with a mistake, so that the form comes back with everything typed in it.
		form.Set("slug", evil)
		resp, body := ed.post(strategyPath+"/rediger", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, escaped...)
		wantNotIn(t, body, raw...)
		form.Set("slug", "internasjonal-strategi")
		ed.submit(strategyPath+"/rediger", form)

		_, body = ed.get(strategyPath + "/rediger")
		form = formValues(t, body, strategyPath+"/rediger")
		if !strings.HasPrefix(form.Get("title_nb"), evil) || !strings.HasPrefix(form.Get("purpose_context_en"), evil) {
			t.Errorf("the form does not give back what was typed: %q", form.Get("title_nb"))
		}
		el := strategyPath + "/element/" + elementID(t, body, "P3") + "/rediger"
		_, body = ed.get(el)
		ef := formValues(t, body, el)
		ef.Set("title_nb", evil)
		ef.Set("description_en", evil)
		ed.submit(el, ef)

		for _, path := range []string{strategyPath, "/en" + strings.TrimPrefix(strategyPath, "/nb"), strategyPath + "/rediger", strategyPath + "/historikk", "/nb/rogaland", el} {
			resp, body := ed.get(path)
			wantStatus(t, resp, body, http.StatusOK)
			t.Run(path, func(t *testing.T) {
				wantIn(t, body, escaped...)
				wantNotIn(t, body, raw...)
			})
		}
		// The plan, its goals, and terms.
		_, body = ed.get(planPath + "/rediger")
		pf := formValues(t, body, planPath+"/rediger")
		for k := range pf {
			if strings.HasSuffix(k, "_nb") || strings.HasSuffix(k, "_en") {
				pf.Set(k, evil+" "+k)
			}
		}
		ed.submit(planPath+"/rediger", pf)
		resp, body = ed.post(planPath+"/mal/ny", url.Values{"code": {"Z1"}, "title_nb": {evil}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		resp, body = ed.post("/nb/rogaland/ordlister/roller/ny", url.Values{"key": {"ond"}, "name_nb": {evil}, "description_nb": {evil}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		for _, path := range []string{planPath, planPath + "/rediger", planPath + "/historikk", "/nb/rogaland/ordlister/roller"} {
			body := mustGet(t, ed, path)
			t.Run(path, func(t *testing.T) {
				wantIn(t, body, escaped...)
				wantNotIn(t, body, raw...)
			})
		}
	})
}

// Over-long input and malformed addresses get a clear answer, and nothing is stored.
func TestEditorRefusesBadInput(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		ctx := context.Background()
		events := func() int {
			n, _ := db.Count(ctx, "audit_events")
			return n
		}
		before := events()

		_, body := ed.get(strategyPath + "/rediger")
		form := formValues(t, body, strategyPath+"/rediger")
		form.Set("title_en", strings.Repeat("x", utsyn.MaxTitle+1))
		form.Set("summary_nb", strings.Repeat("y", utsyn.MaxText+1))
		form.Set("case_number", strings.Repeat("1", utsyn.MaxShort+1))
		resp, body := ed.post(strategyPath+"/rediger", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `<a href="#title_en">Tittel (engelsk): Teksten er for lang.</a>`, `<a href="#summary_nb">`,
			`<a href="#case_number">`, `id="title_en-error"`)

		_, body = ed.get(strategyPath + "/element/ny")
		ef := formValues(t, body, strategyPath+"/element/ny")
		ef.Set("title_nb", strings.Repeat("z", utsyn.MaxText+1))
		ef.Set("code", "M 1")
		resp, body = ed.post(strategyPath+"/element/ny", ef)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `<a href="#title_nb">`, `<a href="#code">`)

		resp, body = ed.post(planPath+"/mal/ny", url.Values{"code": {strings.Repeat("K", 41)}, "title_nb": {"x"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		resp, body = ed.post("/nb/rogaland/ordlister/roller/ny", url.Values{"key": {"lang"}, "name_nb": {strings.Repeat("n", utsyn.MaxShort+1)}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `<a href="#name_nb">`)

		for _, path := range []string{
			strategyPath + "/element/abc/rediger", strategyPath + "/element/-1/rediger", strategyPath + "/element/999999/rediger",
			strategyPath + "/element/1e3/slett", strategyPath + "/element/abc/historikk", "/nb/rogaland/strategi/finnes-ikke/rediger",
			planPath + "/mal/abc/rediger", planPath + "/mal/999999/slett", "/nb/rogaland/ordlister/roller/abc/rediger",
			"/nb/rogaland/ordlister/arbeidsformer/1/rediger", // a role, asked for as a working form
		} {
			resp, body := ed.get(path)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Fant ikke siden") {
				t.Errorf("GET %s: status %d, want the 404 page", path, resp.StatusCode)
			}
			resp, _ = ed.post(path, url.Values{"version": {"1"}, "title_nb": {"x"}})
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("POST %s: status %d, want 404", path, resp.StatusCode)
			}
		}
		// An element of another strategy, through this one's address.
		_, body = ed.get(strategyPath + "/rediger")
		p3 := elementID(t, body, "P3")
		ed.submit(strategyPath+"/ny-versjon", url.Values{"slug": {"neste"}})
		if resp, _ := ed.get("/nb/rogaland/strategi/neste/element/" + p3 + "/rediger"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an element through another strategy's address: status %d", resp.StatusCode)
		}
		after := events()
		// A form without its version was not made by this site.
		resp, _ = ed.post(strategyPath+"/rediger", url.Values{"title_nb": {"Uten versjon"}, "slug": {"x"}, "status": {"draft"}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a save without a version: status %d, want 400", resp.StatusCode)
		}
		if n := events(); n != after || after != before+2 { // the new version is recorded in both trails
			t.Errorf("refused input was recorded: %d events, %d before, %d after the new version", n, before, after)
		}
		if st, _ := db.FindStrategy(ctx, 1, "internasjonal-strategi"); st.Title["nb"] != "Internasjonal strategi" || st.Version != 1 {
			t.Errorf("refused input changed the strategy: %q v%d", st.Title["nb"], st.Version)
		}
	})
}

// In English, the editor speaks English, with the same Norwegian path words.
func TestEditorInEnglish(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
	en := "/en" + strings.TrimPrefix(strategyPath, "/nb")
	_, body := ed.get(en + "/rediger")
	wantIn(t, body, `<html lang="en">`, "Title (Norwegian bokmål)", "Title (English)", "Publication", "Move down")
	form := formValues(t, body, en+"/rediger")
	form.Set("title_nb", "")
	resp, body := ed.post(en+"/rediger", form)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantIn(t, body, "There is a problem", "Title (Norwegian bokmål): ")
	form.Set("title_nb", "Internasjonal strategi")
	form.Set("adopted_on", "2023-06-14")
	ed.submit(en+"/rediger", form)
	_, body = ed.get(en + "/historikk")
	wantIn(t, body, "Changes to International strategy, newest first", "Date of adoption", "Changed")
}

// Signed-in readers of the organisation see its unpublished strategies and plans, marked as
// such; the public and other organisations never do.
func TestReadersSeeUnpublished(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addOrg(t, db, "agder")
		ed := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		_, body := ed.get(strategyPath + "/rediger")
		ed.submit(strategyPath+"/publiser", formValues(t, body, strategyPath+"/publiser"))
		ed.submit("/nb/rogaland/plan/ny", url.Values{"title_nb": {"Utkast til plan"}, "slug": {"utkast"}})

		reader := signedIn(t, srv, db, "rogaland", utsyn.RoleReader)
		body = mustGet(t, reader, "/nb/rogaland")
		wantIn(t, body, "Internasjonal strategi", "Utkast til plan")
		if n := strings.Count(body, `<span class="tag tag-unpublished">Ikke publisert</span>`); n != 2 {
			t.Errorf("%d records marked as not published on the organisation's page, want 2", n)
		}
		wantIn(t, mustGet(t, reader, strategyPath), `<span class="tag tag-unpublished">Ikke publisert</span>`)
		wantIn(t, mustGet(t, reader, "/nb/rogaland/plan/utkast"), `<span class="tag tag-unpublished">Ikke publisert</span>`)

		for who, b := range map[string]*browser{"the public": newBrowser(t, srv), "agder's admin": signedIn(t, srv, db, "agder", utsyn.RoleAdmin)} {
			_, body := b.get("/nb/rogaland")
			if strings.Contains(body, "Utkast til plan") || strings.Contains(body, "Ikke publisert") {
				t.Errorf("%s sees unpublished records on the organisation's page", who)
			}
			for _, path := range []string{strategyPath, "/nb/rogaland/plan/utkast"} {
				if resp, _ := b.get(path); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: GET %s: status %d, want 404", who, path, resp.StatusCode)
				}
			}
		}
	})
}
