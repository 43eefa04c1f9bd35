package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// The browser tests open every public page in real Chromium, in both languages, and check what a
// reader meets there: the heading, the language, the language switch, the demo-data notice, the
// accessibility rules (axe-core, WCAG 2.1 A and AA), valid HTML (the Nu checker), the keyboard,
// and reflow at 320 CSS pixels (WCAG 1.4.10, 400 % zoom of a 1280 px window).
//
// They need Chromium, axe-core and vnu (scripts/test installs them) and only SQLite: the store
// suite covers PostgreSQL.
//
// Set UTSYN_SCREENSHOTS to a directory to get screenshots of every page at 1280, 375 and 320 px.

// publicPage is one public page, without its language prefix.
type publicPage struct {
	name   string
	path   string // after /{lang}
	empty  bool   // served by the installation with no organisation
	status int
	h1     map[i18n.Lang]string
	demo   bool // the organisation's demo-data notice, with a link to its source
}

func publicPages(t *testing.T) []publicPage {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	msg := func(key string) map[i18n.Lang]string {
		return map[i18n.Lang]string{"nb": cat.T("nb", key), "en": cat.T("en", key)}
	}
	return []publicPage{
		{name: "organisation", path: "/rogaland", status: 200, demo: true,
			h1: map[i18n.Lang]string{"nb": "Rogaland fylkeskommune", "en": "Rogaland County Council"}},
		{name: "strategy", path: "/rogaland/strategi/internasjonal-strategi", status: 200, demo: true,
			h1: map[i18n.Lang]string{"nb": "Internasjonal strategi", "en": "International strategy"}},
		{name: "plan", path: "/rogaland/plan/utviklingsplan-2021-2024", status: 200, demo: true,
			h1: map[i18n.Lang]string{
				"nb": "Utviklingsplan for Rogaland – regional planstrategi 2021–2024",
				"en": "Development plan for Rogaland – regional planning strategy 2021–2024"}},
		{name: "accessibility", path: "/tilgjengelighet", status: 200, h1: msg("accessibility.title")},
		{name: "privacy", path: "/personvern", status: 200, h1: msg("privacy.title")},
		{name: "not-found", path: "/rogaland/strategi/finnes-ikke", status: 404, h1: msg("error.not_found.title")},
		{name: "empty-home", path: "/", empty: true, status: 200, h1: msg("home.title")},
	}
}

// jsEval evaluates a JavaScript expression in the page, bounded in time.
func jsEval[T any](t testing.TB, p *browsertest.Page, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// setWidth makes the tab's viewport width CSS pixels wide.
func setWidth(t testing.TB, p *browsertest.Page, width int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
		t.Fatalf("setting the viewport to %d px: %v", width, err)
	}
}

// checkReflow fails when the page scrolls sideways at its current width, and names the elements
// that stick out.
func checkReflow(t testing.TB, p *browsertest.Page, width int64) {
	t.Helper()
	type result struct {
		ScrollWidth int      `json:"scrollWidth"`
		ClientWidth int      `json:"clientWidth"`
		Wide        []string `json:"wide"`
	}
	r := jsEval[result](t, p, `(() => {
		const d = document.documentElement, w = d.clientWidth;
		const wide = [];
		for (const e of document.body.querySelectorAll("*")) {
			const b = e.getBoundingClientRect();
			const st = getComputedStyle(e);
			const spills = e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && st.overflowX === "visible";
			if (b.width > 0 && st.position !== "absolute" && (b.right > w + 0.5 || b.left < -0.5 || spills)) {
				wide.push(e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().replace(/\s+/g, ".") : "") +
					" (" + Math.round(b.left) + "–" + Math.round(b.right) + ")");
			}
		}
		return {scrollWidth: d.scrollWidth, clientWidth: w, wide: wide.slice(0, 10)};
	})()`)
	if r.ScrollWidth > r.ClientWidth {
		t.Errorf("at %d px the page scrolls sideways: scrollWidth %d > clientWidth %d; too wide: %s",
			width, r.ScrollWidth, r.ClientWidth, strings.Join(r.Wide, ", "))
	}
}

func screenshotDir() string { return os.Getenv("UTSYN_SCREENSHOTS") }

func TestBrowserPublicPages(t *testing.T) {
	b := browsertest.Start(t)
	demoSrv, demoDB := newServer(t, "sqlite")
	emptySrv := newServerOn(t, storetest.Open(t, "sqlite"))

	docs := map[string][]byte{}
	for _, pg := range append(publicPages(t), publicWorkPages(t, demoDB)...) {
		for _, lang := range i18n.Langs {
			other := lang.Other()
			t.Run(pg.name+"/"+string(lang), func(t *testing.T) {
				base := demoSrv.URL
				if pg.empty {
					base = emptySrv.URL
				}
				path := "/" + string(lang) + pg.path
				altPath := "/" + string(other) + pg.path
				p := b.Open(t, base+path)
				if got := p.Status(); got != pg.status {
					t.Errorf("GET %s: status %d, want %d", path, got, pg.status)
				}
				html := p.HTML(t)
				if !strings.HasPrefix(html, "<!DOCTYPE html>") {
					t.Errorf("the served document does not start with a doctype: %.60q", html)
				}
				docs[path] = []byte(html)

				if got := p.Count(t, "h1"); got != 1 {
					t.Errorf("%d h1 elements, want 1", got)
				}
				if got := strings.TrimSpace(p.Text(t, "h1")); got != pg.h1[lang] {
					t.Errorf("h1 %q, want %q", got, pg.h1[lang])
				}
				if got := p.Attr(t, "html", "lang"); got != string(lang) {
					t.Errorf("<html lang=%q>, want %q", got, lang)
				}
				if got := p.Attr(t, fmt.Sprintf(`head link[rel="alternate"][hreflang=%q]`, other), "href"); got != altPath {
					t.Errorf(`<link rel="alternate" hreflang=%q> leads to %q, want %q`, other, got, altPath)
				}

				// The visible language switch names the other language in that language and
				// leads to the same page in it.
				sw := `header a[hreflang="` + string(other) + `"]`
				if got := p.Attr(t, sw, "href"); got != altPath {
					t.Errorf("the language switch leads to %q, want %q", got, altPath)
				}
				if got := p.Attr(t, sw, "lang"); got != string(other) {
					t.Errorf("the language switch is marked lang=%q, want %q", got, other)
				}
				wantSwitch := map[i18n.Lang]string{"nb": "Norsk", "en": "English"}[other]
				if got := strings.TrimSpace(p.Text(t, sw)); got != wantSwitch {
					t.Errorf("the language switch says %q, want %q", got, wantSwitch)
				}

				if pg.demo {
					if p.Count(t, "main .demo-notice") != 1 {
						t.Error("no demo-data notice in main")
					} else if href := p.Attr(t, ".demo-notice a[href]", "href"); !strings.HasPrefix(href, "https://") {
						t.Errorf("the demo-data notice's source link leads to %q", href)
					}
				} else if p.Count(t, ".demo-notice") != 0 {
					t.Error("a demo-data notice on a page that shows no data")
				}

				p.CheckAxe(t)

				if dir := screenshotDir(); dir != "" {
					name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")
					p.Screenshot(t, filepath.Join(dir, name+"-1280.png"))
					setWidth(t, p, 375)
					p.Screenshot(t, filepath.Join(dir, name+"-375.png"))
				}

				// Reflow: at 320 CSS pixels nothing may need sideways scrolling.
				setWidth(t, p, 320)
				checkReflow(t, p, 320)
				if dir := screenshotDir(); dir != "" {
					name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")
					p.Screenshot(t, filepath.Join(dir, name+"-320.png"))
				}
				setWidth(t, p, 1280)

				// Follow the switch like a reader: a click, then the same page in the other
				// language.
				p.Click(t, sw)
				if got, want := p.URL(t), base+altPath; got != want {
					t.Fatalf("the language switch went to %s, want %s", got, want)
				}
				if got := p.Status(); got != pg.status {
					t.Errorf("after the language switch: status %d, want %d", got, pg.status)
				}
				if got := p.Attr(t, "html", "lang"); got != string(other) {
					t.Errorf("after the language switch: <html lang=%q>, want %q", got, other)
				}
				if got := strings.TrimSpace(p.Text(t, "h1")); got != pg.h1[other] {
					t.Errorf("after the language switch: h1 %q, want %q", got, pg.h1[other])
				}
			})
		}
	}
	// One run of the Nu checker for every page that was opened.
	browsertest.CheckHTML(t, docs)
}

func TestBrowserKeyboard(t *testing.T) {
	b := browsertest.Start(t)
	srv, _ := newServer(t, "sqlite")
	const path = "/rogaland/strategi/internasjonal-strategi"

	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			p := b.Open(t, srv.URL+"/"+string(lang)+path)
			if p.Status() != http.StatusOK {
				t.Fatalf("status %d", p.Status())
			}

			// The first Tab reaches the skip link, which is then visible; Enter moves focus to
			// main.
			p.Press(t, "Tab")
			want := map[i18n.Lang]string{"nb": "Hopp til hovedinnhold", "en": "Skip to main content"}[lang]
			if got := strings.TrimSpace(p.FocusedText(t)); got != want {
				t.Fatalf("the first Tab focuses %q, want the skip link %q", got, want)
			}
			if !jsEval[bool](t, p, `(() => {
				const b = document.activeElement.getBoundingClientRect();
				return b.width > 1 && b.height > 1 && b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth;
			})()`) {
				t.Error("the focused skip link is not visible in the viewport")
			}
			if dir := screenshotDir(); dir != "" {
				p.Screenshot(t, filepath.Join(dir, string(lang)+"-focus-skip-link.png"))
			}
			p.Press(t, "Enter")
			if got := jsEval[string](t, p, `document.activeElement.id`); got != "main" {
				t.Fatalf("after Enter on the skip link, focus is on #%s, want #main", got)
			}
			if u := p.URL(t); !strings.HasSuffix(u, "#main") {
				t.Errorf("after Enter on the skip link the address is %s, want …#main", u)
			}
			// The next Tab goes on from main: to the first link inside it.
			p.Press(t, "Tab")
			if !jsEval[bool](t, p, `document.getElementById("main").contains(document.activeElement)`) {
				t.Errorf("after the skip link, Tab focuses %q outside main", p.FocusedText(t))
			}
			if dir := screenshotDir(); dir != "" {
				p.Screenshot(t, filepath.Join(dir, string(lang)+"-focus-first-link.png"))
			}

			// No positive tabindex reorders the page.
			if bad := jsEval[[]string](t, p, `Array.from(document.querySelectorAll("[tabindex]"))
				.filter(e => e.tabIndex > 0).map(e => e.outerHTML.slice(0, 120))`); len(bad) > 0 {
				t.Errorf("elements with a positive tabindex: %q", bad)
			}

			// Tab from the top reaches every link, once, in document order.
			p = b.Open(t, srv.URL+"/"+string(lang)+path)
			links := jsEval[[]string](t, p, `Array.from(document.querySelectorAll("a[href]"), a => a.getAttribute("href"))`)
			if len(links) < 20 {
				t.Fatalf("only %d links on the strategy page", len(links))
			}
			var order []int
			for range len(links) + 3 {
				p.Press(t, "Tab")
				i := jsEval[int](t, p, `Array.from(document.querySelectorAll("a[href]")).indexOf(document.activeElement)`)
				if i < 0 || (len(order) > 0 && i <= order[len(order)-1]) {
					break // off the links, or wrapped around
				}
				order = append(order, i)
			}
			for i := range links {
				if !slices.Contains(order, i) {
					t.Errorf("link %d (%s) is not reached by Tab", i, links[i])
				}
			}
			for j, i := range order {
				if i != j {
					t.Errorf("Tab %d reaches link %d (%s), want link %d: focus order differs from the document", j+1, i, links[i], j)
					break
				}
			}
		})
	}
}

// Printed, the strategy and plan pages keep their content and drop the navigation, and fit an A4
// page (about 170 mm, 640 CSS pixels, between the margins).
func TestBrowserPrint(t *testing.T) {
	b := browsertest.Start(t)
	srv, _ := newServer(t, "sqlite")
	for _, path := range []string{"/nb/rogaland/strategi/internasjonal-strategi", "/en/rogaland/plan/utviklingsplan-2021-2024"} {
		t.Run(strings.ReplaceAll(strings.Trim(path, "/"), "/", "_"), func(t *testing.T) {
			p := b.Open(t, srv.URL+path)
			ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
			defer cancel()
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatalf("emulating print: %v", err)
			}
			setWidth(t, p, 640)
			shown := jsEval[[]string](t, p, `Array.from(document.querySelectorAll(
				".skip-link, .lang-switch, .main-nav, .breadcrumbs, .toc, .site-footer"))
				.filter(e => getComputedStyle(e).display !== "none").map(e => e.className)`)
			if len(shown) > 0 {
				t.Errorf("printed, the page still shows %q", shown)
			}
			if p.Text(t, "h1") == "" || p.Count(t, "main .section") == 0 {
				t.Error("printed, the page lost its content")
			}
			checkReflow(t, p, 640)
			if dir := screenshotDir(); dir != "" {
				p.Screenshot(t, filepath.Join(dir, "print-"+strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")+".png"))
			}
		})
	}
}

// navigate loads a path in the tab, as following a link would.
func navigate(t testing.TB, p *browsertest.Page, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// fill types a value into a form field, replacing what was there.
func fill(t testing.TB, p *browsertest.Page, selector, value string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(selector), value)); err != nil {
		t.Fatalf("filling in %s: %v", selector, err)
	}
}

// The editor's pages, signed in as an editor, in both languages: every form, a form with
// mistakes, a refused stale save, a confirmation, a history. The same checks as the public
// pages: one h1, axe (WCAG 2.1 A and AA), the Nu checker, reflow at 320 px.
func TestBrowserEditorPages(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	ctx := context.Background()
	addUser(t, db, "rogaland", "redaktor@example.org", utsyn.RoleEditor)
	// Something in the histories.
	st, err := db.FindStrategy(ctx, 1, "internasjonal-strategi")
	if err != nil {
		t.Fatal(err)
	}
	terms, err := db.StrategyTermIDs(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.FindUserByEmail(ctx, "redaktor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	actor := &utsyn.Principal{User: user, OrgID: 1, Role: utsyn.RoleEditor, Label: user.Email}
	edited := *st
	edited.AdoptedOn = utsyn.MustDate("2023-06-14")
	if err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error { return tx.UpdateStrategy(ctx, &edited, terms) }); err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, &edited)
	if err != nil {
		t.Fatal(err)
	}
	element := tree.Elements[6]
	plan, err := db.FindPlanByID(ctx, st.PlanID)
	if err != nil {
		t.Fatal(err)
	}
	roles, err := db.ListTerms(ctx, 1, utsyn.VocabRole)
	if err != nil {
		t.Fatal(err)
	}
	el := fmt.Sprintf("/rogaland/strategi/internasjonal-strategi/element/%d", element.ID)
	goal := fmt.Sprintf("/rogaland/plan/utviklingsplan-2021-2024/mal/%d", plan.Goals[0].ID)
	pages := []struct {
		name, path string
		submit     bool // submit the form as it is: a new one, empty, comes back with its mistakes
		status     int
	}{
		{name: "strategy-editor", path: "/rogaland/strategi/internasjonal-strategi/rediger", status: 200},
		{name: "new-strategy-with-mistakes", path: "/rogaland/strategi/ny", submit: true, status: 422},
		{name: "new-version", path: "/rogaland/strategi/internasjonal-strategi/ny-versjon", status: 200},
		{name: "strategy-history", path: "/rogaland/strategi/internasjonal-strategi/historikk", status: 200},
		{name: "new-element-with-mistakes", path: "/rogaland/strategi/internasjonal-strategi/element/ny", submit: true, status: 422},
		{name: "element", path: el + "/rediger", status: 200},
		{name: "delete-element", path: el + "/slett", status: 200},
		{name: "plan-editor", path: "/rogaland/plan/utviklingsplan-2021-2024/rediger", status: 200},
		{name: "new-plan", path: "/rogaland/plan/ny", status: 200},
		{name: "goal", path: goal + "/rediger", status: 200},
		{name: "delete-goal", path: goal + "/slett", status: 200},
		{name: "roles", path: "/rogaland/ordlister/roller", status: 200},
		{name: "term", path: fmt.Sprintf("/rogaland/ordlister/roller/%d/rediger", roles[0].ID), status: 200},
		{name: "organisation-as-editor", path: "/rogaland", status: 200},
	}
	docs := map[string][]byte{}
	check := func(t *testing.T, p *browsertest.Page, name string, status int) {
		t.Helper()
		if got := p.Status(); got != status {
			t.Errorf("status %d, want %d", got, status)
		}
		if got := p.Count(t, "h1"); got != 1 {
			t.Errorf("%d h1 elements, want 1", got)
		}
		docs[name] = []byte(p.HTML(t))
		p.CheckAxe(t)
		if dir := screenshotDir(); dir != "" {
			p.Screenshot(t, filepath.Join(dir, "editor-"+name+".png"))
		}
		setWidth(t, p, 320)
		checkReflow(t, p, 320)
		setWidth(t, p, 1280)
	}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			p := b.Open(t, srv.URL+"/"+string(lang)+"/logg-inn")
			fill(t, p, "#email", "redaktor@example.org")
			fill(t, p, "#password", testPassword)
			p.Click(t, `form.form button[type="submit"]`)
			if p.Count(t, "header form[action$='/logg-ut']") != 1 {
				t.Fatalf("not signed in: %s", p.URL(t))
			}
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					navigate(t, p, srv.URL+"/"+string(lang)+pg.path)
					if pg.submit {
						p.Click(t, `.editor-form button[type="submit"]`)
						if p.Count(t, ".error-summary a[href^='#']") == 0 {
							t.Error("no error summary with links to the fields")
						}
						if p.Count(t, "[aria-invalid='true']") == 0 {
							t.Error("no field marked invalid")
						}
					}
					check(t, p, string(lang)+"-"+pg.name, pg.status)
				})
			}
			// A save over a change made meanwhile is refused and shown beside it.
			t.Run("conflict", func(t *testing.T) {
				navigate(t, p, srv.URL+"/"+string(lang)+el+"/rediger")
				now, err := db.FindElement(ctx, element.ID)
				if err != nil {
					t.Fatal(err)
				}
				changed := *now
				changed.Description = utsyn.NewText("Endret av noen andre "+string(lang), "")
				if err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error { return tx.UpdateElement(ctx, 1, &changed) }); err != nil {
					t.Fatal(err)
				}
				fill(t, p, "#description_nb", "Min tekst")
				p.Click(t, `.editor-form button[type="submit"]`)
				if p.Count(t, ".conflict table") != 1 {
					t.Error("no table of what is stored and what was typed")
				}
				check(t, p, string(lang)+"-conflict", 409)
			})
		})
	}
	browsertest.CheckHTML(t, docs)
}
