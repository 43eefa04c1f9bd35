package web_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
)

// The dashboards in real Chromium, signed in as a reader: one h1, every chart
// an image with a name, axe-core (WCAG 2.1 A and AA) with no violations, reflow at 320 CSS
// pixels, and the Nu HTML checker over every page.
func TestBrowserDashboards(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "leser@example.org", utsyn.RoleReader)
	dashboardExtras(t, db)
	pages := []string{"/rogaland/oversikt/", "/rogaland/oversikt/dekning", "/rogaland/oversikt/penger", "/rogaland/oversikt/tidslinje",
		"/rogaland/oversikt/tidslinje?gruppe=type", "/rogaland/oversikt/partnere", "/rogaland/oversikt/partnere?kart=verden",
		"/rogaland/oversikt/partnere?kart=norge", "/rogaland/oversikt/frister", "/rogaland/oversikt/avvik",
		"/rogaland/oversikt/penger?fra=1995&til=1996", "/rogaland/oversikt/dekning?fra=2030&til=2020&enhet=Ingen"}
	// Every page in bokmål; in English a selection, so that the package's run stays within its
	// time limit on a busy machine.
	english := []string{"/rogaland/oversikt/", "/rogaland/oversikt/penger", "/rogaland/oversikt/partnere?kart=norge", "/rogaland/oversikt/avvik"}
	docs := map[string][]byte{}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			pages := pages
			if lang == i18n.EN {
				pages = english
			}
			p := b.Open(t, srv.URL+"/"+string(lang)+"/logg-inn")
			fill(t, p, "#email", "leser@example.org")
			fill(t, p, "#password", testPassword)
			p.Click(t, `form.form button[type="submit"]`)
			for _, path := range pages {
				t.Run(strings.Trim(strings.NewReplacer("/", "_", "?", "-", "&", "-", "=", "-").Replace(path), "_"), func(t *testing.T) {
					url := "/" + string(lang) + path
					navigate(t, p, srv.URL+url)
					if got := p.Status(); got != 200 {
						t.Fatalf("GET %s: status %d", url, got)
					}
					if got := p.Count(t, "h1"); got != 1 {
						t.Errorf("%d h1 elements, want 1", got)
					}
					// Every chart is an image named by its title and its reading.
					unnamed := jsEval[[]string](t, p, `Array.from(document.querySelectorAll("svg.chart")).filter(s => {
						const ids = (s.getAttribute("aria-labelledby") || "").split(" ");
						return s.getAttribute("role") !== "img" || ids.length !== 2 ||
							!ids.every(id => { const e = document.getElementById(id); return e && s.contains(e) && e.textContent.trim() !== ""; });
					}).map(s => s.outerHTML.slice(0, 120))`)
					if len(unnamed) > 0 {
						t.Errorf("charts without a name or a reading: %q", unnamed)
					}
					// A figure with a chart has its numbers in a table beside it.
					if n := jsEval[int](t, p, `Array.from(document.querySelectorAll(".dash-figure")).filter(f =>
						f.querySelector("svg.chart") && !f.querySelector("table")).length`); n > 0 {
						t.Errorf("%d charts without their table", n)
					}
					docs[url] = []byte(p.HTML(t))
					p.CheckAxe(t)
					if dir := screenshotDir(); dir != "" {
						p.Screenshot(t, filepath.Join(dir, "dashboard-"+string(lang)+strings.NewReplacer("/", "_", "?", "-", "&", "-", "=", "-").Replace(path)+".png"))
					}
					setWidth(t, p, 320)
					checkReflow(t, p, 320)
					setWidth(t, p, 1280)
				})
			}
		})
	}
	// Printed, a dashboard keeps its charts and tables and drops the filter and the tabs, and
	// fits an A4 page (about 640 CSS pixels between the margins): a table of more columns than
	// that is printed a row to a block, each value beside its column's heading.
	t.Run("print", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/nb/logg-inn")
		fill(t, p, "#email", "leser@example.org")
		fill(t, p, "#password", testPassword)
		p.Click(t, `form.form button[type="submit"]`)
		for _, path := range []string{"/nb/rogaland/oversikt/penger", "/nb/rogaland/oversikt/partnere?kart=norge", "/nb/rogaland/oversikt/"} {
			navigate(t, p, srv.URL+path)
			ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			cancel()
			if err != nil {
				t.Fatalf("emulating print: %v", err)
			}
			setWidth(t, p, 640)
			shown := jsEval[[]string](t, p, `Array.from(document.querySelectorAll(".dash-filter, .dash-tabs, .main-nav, .site-footer"))
				.filter(e => getComputedStyle(e).display !== "none").map(e => e.className)`)
			if len(shown) > 0 {
				t.Errorf("%s printed still shows %q", path, shown)
			}
			if p.Count(t, "svg.chart") == 0 || p.Count(t, ".dash-figure table") == 0 {
				t.Errorf("%s printed lost its charts or tables", path)
			}
			unlabelled := jsEval[int](t, p, `Array.from(document.querySelectorAll(".dash-table-wide td"))
				.filter(td => !td.dataset.label).length`)
			if unlabelled > 0 {
				t.Errorf("%s: %d values of a wide table printed without their column's heading", path, unlabelled)
			}
			checkReflow(t, p, 640)
			if dir := screenshotDir(); dir != "" {
				p.Screenshot(t, filepath.Join(dir, "dashboard-print"+strings.NewReplacer("/", "_", "?", "-", "=", "-").Replace(path)+".png"))
			}
		}
	})
	browsertest.CheckHTML(t, docs)
}
