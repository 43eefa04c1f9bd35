package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store"
)

// upload posts files as the import form does (multipart, with the format).
func (b *browser) upload(path, format string, files map[string][]byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, data := range files {
		w, err := mw.CreateFormFile("fil", name)
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write(data)
	}
	mw.WriteField("format", format)
	mw.Close()
	req, _ := http.NewRequest("POST", b.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.srv.URL)
	return b.do(req)
}

// waitForJob follows a job's page until it is no longer running, and returns the last page.
func (b *browser) waitForJob(jobPath string) string {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, body := b.get(jobPath)
		if resp.StatusCode >= 500 {
			b.t.Fatalf("GET %s: status %d\n%s", jobPath, resp.StatusCode, body)
		}
		if strings.Contains(body, `http-equiv="refresh"`) {
			b.t.Fatal("the progress page reloads itself with a meta refresh")
		}
		if !strings.Contains(body, "data-import-status") {
			return body
		}
		if !strings.Contains(body, `<progress id="import-progress"`) || !strings.Contains(body, `href="`+jobPath+`"`) {
			b.t.Fatalf("the running job's page has no progress bar or no link that reloads it:\n%s", body)
		}
		if time.Now().After(deadline) {
			b.t.Fatal("the import did not finish in a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exportXLSX is the demo register as the export writes it.
func exportXLSX(t *testing.T, db *store.DB) []byte {
	t.Helper()
	org, err := db.FindOrganisation(context.Background(), "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := importer.Export(context.Background(), db, org, importer.FormatXLSX, &buf, time.Now()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var tagPattern = regexp.MustCompile(`<[^>]+>`)

// text is a page's text without its tags and with its spaces folded, for assertions.
func text(html string) string {
	return strings.Join(strings.Fields(tagPattern.ReplaceAllString(html, " ")), " ")
}

func TestImportInTheBrowser(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
		b := newBrowser(t, srv)
		b.signIn("admin@example.org", testPassword)

		resp, body := b.get("/nb/rogaland/admin/import")
		if resp.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "/nb/rogaland/eksport/register.xlsx") {
			t.Fatalf("the import page: status %d\n%s", resp.StatusCode, body)
		}

		// The demo register, exported, with one title changed in the workbook.
		f, err := excelize.OpenReader(bytes.NewReader(exportXLSX(t, db)))
		if err != nil {
			t.Fatal(err)
		}
		title, _ := f.GetCellValue("engagements", "E2")
		id, _ := f.GetCellValue("engagements", "A2")
		f.SetCellValue("engagements", "E2", title+" (endret)")
		var changed bytes.Buffer
		f.WriteTo(&changed)

		resp, body = b.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"register.xlsx": changed.Bytes()})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: status %d\n%s", resp.StatusCode, body)
		}
		job := resp.Header.Get("Location")
		body = text(b.waitForJob(job))
		for _, want := range []string{"Filen er kontrollert uten feil. Ingenting er lagret ennå.", "Engasjementer 0 1 11", title + " (endret)", "title"} {
			if !strings.Contains(body, want) {
				t.Errorf("the dry run's page lacks %q:\n%s", want, body)
			}
		}
		e, err := db.FindEngagement(ctx, mustOrg(t, db).ID, importID(t, id))
		if err != nil || e.Title["nb"] != title {
			t.Fatalf("the dry run changed the title to %q (%v)", e.Title["nb"], err)
		}
		resp, body = b.get(job + "/status")
		var status struct {
			State   string `json:"state"`
			Done    bool   `json:"done"`
			Percent int    `json:"percent"`
		}
		if err := json.Unmarshal([]byte(body), &status); err != nil || !status.Done || status.State != "checked" || status.Percent != 100 {
			t.Errorf("status: %d %s (%v)", resp.StatusCode, body, err)
		}

		resp, body = b.post(job+"/bekreft", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: status %d\n%s", resp.StatusCode, body)
		}
		body = text(b.waitForJob(job))
		if !strings.Contains(body, "Importen er lagret.") || !strings.Contains(body, "Engasjementer 0 1 11") {
			t.Errorf("the import's page:\n%s", body)
		}
		if e, _ := db.FindEngagement(ctx, mustOrg(t, db).ID, importID(t, id)); e.Title["nb"] != title+" (endret)" {
			t.Errorf("after the import the title is %q", e.Title["nb"])
		}
		// A job is confirmed once.
		if resp, _ := b.post(job+"/bekreft", nil); resp.StatusCode != http.StatusConflict {
			t.Errorf("a second confirmation: status %d, want 409", resp.StatusCode)
		}
	})
}

func mustOrg(t *testing.T, db *store.DB) *utsyn.Organisation {
	t.Helper()
	org, err := db.FindOrganisation(context.Background(), "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	return org
}

func TestImportRefusesBadFiles(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
	b := newBrowser(t, srv)
	b.signIn("admin@example.org", testPassword)
	before := countRows(t, db)

	// No file.
	resp, body := b.upload("/nb/rogaland/admin/import", "auto", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, `href="#fil"`) {
		t.Errorf("no file: status %d\n%s", resp.StatusCode, body)
	}
	// Too large: refused with the limit in words, before anything is read.
	resp, body = b.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"stor.csv": bytes.Repeat([]byte("a;b\n"), 8<<20+1)})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(body), "Filen er større enn 32 MB") {
		t.Errorf("a file over the limit: status %d\n%.2000s", resp.StatusCode, text(body))
	}
	// Not a spreadsheet: the dry run says so, and offers no import.
	resp, _ = b.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"bilde.png": {0x89, 'P', 'N', 'G', 0, 0, 0, 0, 1, 2, 3}})
	body = text(b.waitForJob(resp.Header.Get("Location")))
	if !strings.Contains(body, "Filen har 1 feil. Ingenting er lagret.") || !strings.Contains(body, "verken et regneark") || strings.Contains(body, "Importer") && strings.Contains(body, "bekreft") {
		t.Errorf("a PNG:\n%s", body)
	}
	// A workbook with a formula and a bad date: each problem with its sheet, row and column.
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "engagements")
	f.SetSheetRow("engagements", "A1", &[]any{"kind", "status", "title_nb", "start", "programme"})
	f.SetSheetRow("engagements", "A2", &[]any{"project", "idea", "Nytt prosjekt", "31.02.2024", "Interreg"})
	f.SetCellFormula("engagements", "E2", `="Inter"&"reg"`)
	var wb bytes.Buffer
	f.WriteTo(&wb)
	resp, _ = b.upload("/nb/rogaland/admin/import", "auto", map[string][]byte{"nye.xlsx": wb.Bytes()})
	job := resp.Header.Get("Location")
	body = text(b.waitForJob(job))
	for _, want := range []string{"Filen har 2 feil", "nye.xlsx, ark engagements, rad 2, kolonne E (programme)", "formel",
		"nye.xlsx, ark engagements, rad 2, kolonne D (start)", "«31.02.2024» er ikke en dato"} {
		if !strings.Contains(body, want) {
			t.Errorf("the bad workbook's page lacks %q:\n%s", want, body)
		}
	}
	if resp, _ := b.post(job+"/bekreft", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("confirming a file with errors: status %d, want 409", resp.StatusCode)
	}
	if after := countRows(t, db); !maps.Equal(after, before) {
		t.Errorf("refused files changed the database: %v → %v", before, after)
	}
	// Another organisation's administrator finds no job.
	addOrg(t, db, "agder")
	addUser(t, db, "agder", "agder@example.org", utsyn.RoleAdmin)
	other := newBrowser(t, srv)
	other.signIn("agder@example.org", testPassword)
	if resp, _ := other.get(strings.Replace(job, "rogaland", "agder", 1)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's job: status %d, want 404", resp.StatusCode)
	}
}

func importID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// countRows counts the rows of the tables an import writes.
func countRows(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"engagements", "actors", "money_lines", "engagement_partners", "engagement_elements",
		"engagement_external_ids", "regional_participations", "audit_events"} {
		n, err := db.Count(context.Background(), table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestExportDownloads(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "reader@example.org", utsyn.RoleReader)
	b := newBrowser(t, srv)
	b.signIn("reader@example.org", testPassword)
	resp, body := b.get("/nb/rogaland/eksport/register.xlsx")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "utsyn-register-rogaland-") {
		t.Fatalf("xlsx: status %d, %v", resp.StatusCode, resp.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "utsyn,engagements,actors,partners,money,strategy_links,links,seats,reviews" {
		t.Errorf("sheets %v", got)
	}
	rows, _ := f.GetRows("engagements")
	if len(rows) != 13 { // the header and the demo's 12 engagements
		t.Errorf("%d rows in engagements", len(rows))
	}
	resp, body = b.get("/nb/rogaland/eksport/register-csv.zip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(body, "PK") {
		t.Errorf("csv: status %d, %v", resp.StatusCode, resp.Header)
	}
}

func TestOpenData(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		org := mustOrg(t, db)
		// One internal engagement, and one public one with internal fields filled in.
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindProject, Status: utsyn.StatusIdea,
				Title: utsyn.NewText("Hemmelig prosjektidé", "")}); err != nil {
				return err
			}
			return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindMembership, Status: utsyn.StatusActive,
				Title: utsyn.NewText("Åpent nettverk", "Open network"), Public: true, Unit: "Intern enhet",
				Membership: &utsyn.MembershipFacts{AnnualFee: utsyn.Money{Minor: 4242400, Currency: "NOK"}, DecisionCase: "2024/4242",
					Seats: []utsyn.Seat{{Body: "Styret", Kind: "political", Holder: "Hemmelig Holder"}}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range []string{"strategi.json", "strategi.csv", "engasjementer.json", "engasjementer.csv"} {
			resp, body := get(t, srv, "/apne-data/rogaland/"+file)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: status %d", file, resp.StatusCode)
			}
			if !strings.Contains(body, "NLOD") || !strings.Contains(body, "https://data.norge.no/nlod/no/2.0") ||
				!strings.Contains(resp.Header.Get("Link"), `rel="license"`) {
				t.Errorf("%s does not state its licence", file)
			}
			for _, secret := range []string{"Hemmelig prosjektidé", "Intern enhet", "42424", "2024/4242", "Hemmelig Holder", "971564679"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s holds the internal %q", file, secret)
				}
			}
			if strings.HasSuffix(file, ".csv") {
				if !strings.HasPrefix(body, "\uFEFF# Lisens / licence: Norsk lisens for offentlige data (NLOD) 2.0") {
					t.Errorf("%s does not start with its licence comment: %.120q", file, body)
				}
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if doc["licence"].(map[string]any)["url"] != "https://data.norge.no/nlod/no/2.0" {
				t.Errorf("%s: licence %v", file, doc["licence"])
			}
		}
		_, body := get(t, srv, "/apne-data/rogaland/engasjementer.json")
		var doc struct {
			Engagements []struct {
				Title    utsyn.Text `json:"title"`
				Elements []struct {
					Strategy, Code string
				} `json:"strategy_elements"`
				Funding []struct{ Year int } `json:"external_funding"`
			} `json:"engagements"`
		}
		json.Unmarshal([]byte(body), &doc)
		if len(doc.Engagements) != 13 { // the demo's 12 and the open network
			t.Errorf("%d engagements", len(doc.Engagements))
		}
		for _, e := range doc.Engagements {
			if e.Title["nb"] == "TrAM – Transport: Advanced and Modular" && (len(e.Elements) == 0 || len(e.Funding) == 0) {
				t.Errorf("TrAM without its strategy links or funding: %+v", e)
			}
		}
		if resp, _ := get(t, srv, "/apne-data/rogaland/hemmelig.json"); resp.StatusCode != 404 {
			t.Errorf("an unknown file: status %d", resp.StatusCode)
		}
		if resp, _ := get(t, srv, "/apne-data/finnes-ikke/strategi.json"); resp.StatusCode != 404 {
			t.Errorf("an unknown organisation: status %d", resp.StatusCode)
		}
		resp, page := get(t, srv, "/nb/rogaland/apne-data/")
		if resp.StatusCode != 200 {
			t.Fatalf("the open data page: status %d", resp.StatusCode)
		}
		for _, want := range []string{`href="/apne-data/rogaland/strategi.json"`, `href="/apne-data/rogaland/engasjementer.csv"`,
			`rel="license"`, "Norsk lisens for offentlige data (NLOD) 2.0"} {
			if !strings.Contains(page, want) {
				t.Errorf("the open data page lacks %s", want)
			}
		}
		if resp, _ := get(t, srv, "/en/rogaland/apne-data"); resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/en/rogaland/apne-data/" {
			t.Errorf("/en/rogaland/apne-data: status %d to %q, want a redirect to the page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
