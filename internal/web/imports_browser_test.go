package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
)

// largeWorkbook is a workbook of n new engagements: enough that checking it takes a while.
func largeWorkbook(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "engagements")
	sw, err := f.NewStreamWriter("engagements")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"kind", "status", "title_nb", "start", "tags"})
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, []any{"project", "idea", fmt.Sprintf("Prosjekt %d for en stor import", i), "2024-01-01", "test"})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

// TestBrowserImportPages opens the import pages and the open data page in Chromium, in both
// languages: axe (WCAG 2.1 A and AA), the Nu checker, reflow at 320 px; and watches the progress
// of a running check move and the page show the report by itself.
func TestBrowserImportPages(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
	admin := newBrowser(t, srv)
	admin.signIn("admin@example.org", testPassword)
	bad := func() string {
		resp, _ := admin.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{
			"engagements.csv": []byte("kind;status;title_nb;start;ukjent\nproject;idé;Nytt;31.02.2024;x\nfnord;idea;Y;;\n")})
		job := resp.Header.Get("Location")
		admin.waitForJob(job)
		return strings.TrimPrefix(job, "/nb")
	}()
	good := func() string {
		resp, _ := admin.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"register.xlsx": exportXLSX(t, db)})
		job := resp.Header.Get("Location")
		admin.waitForJob(job)
		return strings.TrimPrefix(job, "/nb")
	}()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name, path string
		status     int
		signedIn   bool
		submit     bool
		h1         string // a catalog key
	}{
		{"form", "/rogaland/admin/import", 200, true, false, "import.title"},
		{"form-with-errors", "/rogaland/admin/import", 400, true, true, "import.title"},
		{"job-with-problems", bad, 200, true, false, "import.job.title.checked"},
		{"job-checked", good, 200, true, false, "import.job.title.checked"},
		{"open-data", "/rogaland/apne-data/", 200, false, false, "opendata.title"},
	}
	docs := map[string][]byte{}
	for _, pg := range pages {
		for _, lang := range i18n.Langs {
			t.Run(pg.name+"/"+string(lang), func(t *testing.T) {
				p := b.Open(t, srv.URL+"/"+string(lang)+"/")
				ctx, cancel := context.WithTimeout(p.Ctx(), 30*time.Second)
				defer cancel()
				if pg.signedIn {
					u, _ := url.Parse(srv.URL)
					if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "utsyn_session", Value: admin.cookie(),
						Domain: u.Hostname(), Path: "/"}); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+"/"+string(lang)+pg.path)); err != nil {
					t.Fatal(err)
				}
				if pg.submit {
					p.Click(t, `form[enctype="multipart/form-data"] button[type="submit"]`)
					// An upload on a busy machine can take longer to start loading the answer than
					// Click waits for a navigation to begin: wait for the answer's summary first
					// (chromedp's wait follows the navigation).
					if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.CSS(".error-summary"))); err != nil {
						t.Fatalf("the refused upload's answer has no error summary: %v", err)
					}
					got := ""
					for range 40 { // autofocus is applied when the page next renders
						if got = jsEval[string](t, p, `document.activeElement.className`); strings.Contains(got, "error-summary") {
							break
						}
						time.Sleep(50 * time.Millisecond)
					}
					if !strings.Contains(got, "error-summary") {
						t.Errorf("after the refused upload focus is on %q, want the error summary", got)
					}
				}
				if got := p.Status(); got != pg.status {
					t.Errorf("status %d, want %d", got, pg.status)
				}
				if got := strings.TrimSpace(p.Text(t, "h1")); got != cat.T(lang, pg.h1) {
					t.Errorf("h1 %q, want %q", got, cat.T(lang, pg.h1))
				}
				if got := p.Attr(t, "html", "lang"); got != string(lang) {
					t.Errorf("<html lang=%q>", got)
				}
				p.CheckAxe(t)
				docs[string(lang)+"/"+pg.name] = []byte(p.HTML(t))
				if dir := screenshotDir(); dir != "" {
					p.Screenshot(t, filepath.Join(dir, "import-"+pg.name+"-"+string(lang)+"-1280.png"))
				}
				setWidth(t, p, 320)
				checkReflow(t, p, 320)
				if dir := screenshotDir(); dir != "" {
					p.Screenshot(t, filepath.Join(dir, "import-"+pg.name+"-"+string(lang)+"-320.png"))
				}
			})
		}
	}
	browsertest.CheckHTML(t, docs)

	// A running check: the script hides the reload link, moves the bar, and shows the report
	// when the check is done, with no reader's action.
	t.Run("progress", func(t *testing.T) {
		resp, _ := admin.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"stor.xlsx": largeWorkbook(t, 20000)})
		job := resp.Header.Get("Location")
		p := b.Open(t, srv.URL+"/nb/")
		ctx, cancel := context.WithTimeout(p.Ctx(), 120*time.Second)
		defer cancel()
		u, _ := url.Parse(srv.URL)
		chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "utsyn_session", Value: admin.cookie(), Domain: u.Hostname(), Path: "/"})
		if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+job)); err != nil {
			t.Fatal(err)
		}
		if p.Count(t, "progress") == 1 {
			p.CheckAxe(t) // the running page too
			if !jsEval[bool](t, p, `document.querySelector(".import-refresh").hidden`) {
				t.Error("the script does not hide the reload link")
			}
		} else {
			t.Log("the check was done before the page opened")
		}
		var values []float64
		deadline := time.Now().Add(100 * time.Second)
		for time.Now().Before(deadline) {
			// The script reloads the page when the check is done: a page still loading is
			// looked at again.
			state := jsEval[map[string]any](t, p, `(() => { const b = document.querySelector("progress"), h = document.querySelector("h1");
				return {loading: document.readyState !== "complete" || !h, running: !!b, value: b ? b.value : -1, h1: h ? h.textContent : ""}; })()`)
			if state["loading"] == true {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			if state["running"] != true {
				if got := strings.TrimSpace(fmt.Sprint(state["h1"])); got != cat.T(i18n.NB, "import.job.title.checked") {
					t.Errorf("after the check the page says %q", got)
				}
				if p.Count(t, `form[action$="/bekreft"] button`) != 1 {
					t.Error("no button to confirm the import")
				}
				return
			}
			values = append(values, state["value"].(float64))
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("the page still shows progress after 100 s: %v", values)
	})
}
