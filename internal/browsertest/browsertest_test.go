package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// strictCSP is at least as strict as the app's policy: no inline scripts, no
// eval. Axe must still run under it.
const strictCSP = "default-src 'self'"

const goodPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Good page</title>
</head>
<body>
<a href="#main">Skip to content</a>
<header><nav aria-label="Main"><a href="/second">Second page</a></nav></header>
<main id="main">
<h1>Hello, world</h1>
<img src="/pixel.svg" alt="A small square" width="10" height="10">
<ul><li>One</li><li>Two</li><li>Three</li></ul>
<form method="post" action="/submit">
<label for="name">Name</label>
<input id="name" name="name" type="text">
<button type="submit">Send</button>
</form>
<p><a href="#top" id="frag">Fragment link</a></p>
<button type="button" id="noop">Does nothing</button>
</main>
<script>document.title = "inline script ran";</script>
</body>
</html>
`

// badPage breaks both axe rules (no lang, an image without alt) and HTML
// (no title, a stray end tag).
const badPage = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"></head>
<body>
<main>
<h1>Bad page</h1>
<img src="/pixel.svg">
</div>
</main>
</body>
</html>
`

func simplePage(title, body string) string {
	return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>` + title + `</title></head>
<body><main>` + body + `</main></body>
</html>
`
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", strictCSP)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	mux.Handle("GET /good", page(http.StatusOK, goodPage))
	mux.Handle("GET /bad", page(http.StatusOK, badPage))
	mux.Handle("GET /second", page(http.StatusOK, simplePage("Second", `<h1>Second page</h1>`)))
	mux.Handle("GET /missing", page(http.StatusNotFound, simplePage("Not found", `<h1>Not found</h1>`)))
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/done?name="+r.FormValue("name"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		page(http.StatusOK, simplePage("Done", `<h1>Thanks, `+html.EscapeString(r.FormValue("name"))+`</h1>`))(w, r)
	})
	mux.HandleFunc("GET /pixel.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := newServer(t)
	b := Start(t)

	t.Run("read", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		if got := p.Status(); got != http.StatusOK {
			t.Errorf("Status = %d, want 200", got)
		}
		if got := p.Text(t, "h1"); got != "Hello, world" {
			t.Errorf("Text(h1) = %q", got)
		}
		if got := p.Texts(t, "li"); !slices.Equal(got, []string{"One", "Two", "Three"}) {
			t.Errorf("Texts(li) = %q", got)
		}
		if got := p.Texts(t, "table"); len(got) != 0 {
			t.Errorf("Texts(table) = %q, want none", got)
		}
		if got := p.Count(t, "li"); got != 3 {
			t.Errorf("Count(li) = %d", got)
		}
		if got := p.Attr(t, "html", "lang"); got != "en" {
			t.Errorf("Attr(html, lang) = %q", got)
		}
		if got := p.Attr(t, "html", "dir"); got != "" {
			t.Errorf("Attr(html, dir) = %q, want empty", got)
		}
		if got := p.URL(t); got != srv.URL+"/good" {
			t.Errorf("URL = %q", got)
		}
		if got := p.HTML(t); got != goodPage {
			t.Errorf("HTML is not the served page:\n%s", got)
		}
		// The CSP is in force: the inline script did not run.
		if got, err := chromedp.Run(p.Ctx(), chromedp.Title()); err != nil || got != "Good page" {
			t.Errorf("title = %q, %v; want the inline script blocked by the CSP", got, err)
		}
	})

	t.Run("missing element", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		r := record(t, func(tb testing.TB) { p.Text(tb, "#nope") })
		if !strings.Contains(r.fatal, `no element matches "#nope"`) {
			t.Errorf("Text(#nope) fatal = %q", r.fatal)
		}
		r = record(t, func(tb testing.TB) { p.Click(tb, "#nope") })
		if !strings.Contains(r.fatal, `no element matches "#nope"`) {
			t.Errorf("Click(#nope) fatal = %q", r.fatal)
		}
	})

	t.Run("status 404", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/missing")
		if got := p.Status(); got != http.StatusNotFound {
			t.Errorf("Status = %d, want 404", got)
		}
	})

	t.Run("click link", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/missing")
		p.Click(t, "body") // no navigation: returns after the grace
		if got := p.URL(t); got != srv.URL+"/missing" {
			t.Errorf("URL after a click on the body = %q", got)
		}
		p = b.Open(t, srv.URL+"/good")
		p.Click(t, "nav a")
		if got := p.URL(t); got != srv.URL+"/second" {
			t.Errorf("URL after click = %q", got)
		}
		if got := p.Text(t, "h1"); got != "Second page" {
			t.Errorf("Text(h1) after click = %q", got)
		}
		if got := p.Status(); got != http.StatusOK {
			t.Errorf("Status after click = %d", got)
		}
	})

	t.Run("click fragment and button", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		p.Click(t, "#frag")
		if got := p.URL(t); got != srv.URL+"/good#top" {
			t.Errorf("URL after fragment click = %q", got)
		}
		p.Click(t, "#noop")
		if got := p.Text(t, "h1"); got != "Hello, world" {
			t.Errorf("Text(h1) after button = %q", got)
		}
	})

	t.Run("submit form", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		if err := chromedp.Do(p.Ctx(), chromedp.SendKeys(chromedp.CSS("#name"), "Åse")); err != nil {
			t.Fatal(err)
		}
		p.Click(t, "button[type=submit]")
		if got := p.Text(t, "h1"); got != "Thanks, Åse" {
			t.Errorf("Text(h1) after submit = %q", got)
		}
		if got := p.Status(); got != http.StatusOK {
			t.Errorf("Status after 303 = %d", got)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		if got := p.FocusedText(t); got != "" {
			t.Errorf("FocusedText before Tab = %q", got)
		}
		p.Press(t, "Tab")
		if got := p.FocusedText(t); got != "Skip to content" {
			t.Errorf("FocusedText after Tab = %q", got)
		}
		p.Press(t, "Tab")
		if got := p.FocusedText(t); got != "Second page" {
			t.Errorf("FocusedText after 2 Tabs = %q", got)
		}
		p.Press(t, "Shift+Tab")
		if got := p.FocusedText(t); got != "Skip to content" {
			t.Errorf("FocusedText after Shift+Tab = %q", got)
		}
		p.Press(t, "Tab")
		p.Press(t, "Enter")
		if got := p.URL(t); got != srv.URL+"/second" {
			t.Errorf("URL after Enter on a link = %q", got)
		}
		if got := p.Text(t, "h1"); got != "Second page" {
			t.Errorf("Text(h1) after Enter = %q", got)
		}
	})

	t.Run("typing into a field", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		for range 3 {
			p.Press(t, "Tab")
		}
		p.Press(t, "Kari")
		if got := p.FocusedText(t); got != "Kari" {
			t.Errorf("FocusedText in the field = %q", got)
		}
		p.Press(t, "Enter") // implicit submission
		if got := p.Text(t, "h1"); got != "Thanks, Kari" {
			t.Errorf("Text(h1) after Enter in the field = %q", got)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		path := filepath.Join(t.TempDir(), "shots", "good.png")
		p.Screenshot(t, path)
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot is not a PNG")
		}
	})

	t.Run("axe good page", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/good")
		if vs := p.Axe(t); len(vs) != 0 {
			t.Errorf("violations on the good page: %v", vs)
		}
		p.CheckAxe(t)
		p.CheckAxe(t) // axe is injected once; a second run works too
	})

	t.Run("axe bad page", func(t *testing.T) {
		p := b.Open(t, srv.URL+"/bad")
		vs := p.Axe(t)
		ids := make([]string, 0, len(vs))
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
		for _, want := range []string{"image-alt", "html-has-lang"} {
			if !slices.Contains(ids, want) {
				t.Errorf("violations %v lack %s", ids, want)
			}
		}
		for _, v := range vs {
			if v.ID == "image-alt" {
				s := v.String()
				if !strings.Contains(s, "image-alt") || !strings.Contains(s, "img") || !strings.Contains(s, "https://") {
					t.Errorf("Violation.String() = %q", s)
				}
			}
		}
		r := record(t, func(tb testing.TB) { p.CheckAxe(tb) })
		if len(r.errors) != 1 || !strings.Contains(r.errors[0], "html-has-lang") || !strings.Contains(r.errors[0], "/bad") {
			t.Errorf("CheckAxe errors = %q", r.errors)
		}
	})

	t.Run("served HTML is valid", func(t *testing.T) {
		docs := make(map[string][]byte)
		for _, path := range []string{"/good", "/second", "/missing"} {
			docs[path] = []byte(b.Open(t, srv.URL+path).HTML(t))
		}
		CheckHTML(t, docs)
	})
}

func TestCheckHTML(t *testing.T) {
	r := record(t, func(tb testing.TB) {
		CheckHTML(tb, map[string][]byte{
			"good":      []byte(goodPage),
			"also/good": []byte(simplePage("Second", "<h1>x</h1>")),
			"bad page":  []byte(badPage),
		})
	})
	if r.fatal != "" || r.skipped != "" {
		t.Fatalf("CheckHTML stopped: fatal %q, skipped %q", r.fatal, r.skipped)
	}
	if len(r.errors) < 2 {
		t.Fatalf("CheckHTML reported %d errors on the bad page, want ≥ 2: %q", len(r.errors), r.errors)
	}
	var title, stray bool
	for _, e := range r.errors {
		if !strings.HasPrefix(e, "html: bad page:") {
			t.Errorf("error not on the bad page: %q", e)
		}
		title = title || strings.Contains(e, "title")
		stray = stray || strings.Contains(e, "bad page:8:") && strings.Contains(e, "div")
	}
	if !title || !stray {
		t.Errorf("errors lack the missing title or the stray </div> on line 8: %q", r.errors)
	}
}

func TestMissingTools(t *testing.T) {
	t.Setenv("UTSYN_CHROMIUM", "/nonexistent/chromium")
	t.Setenv("UTSYN_AXE_JS", "")
	t.Setenv("UTSYN_VNU_JAR", "/nonexistent/vnu.jar")

	t.Setenv("UTSYN_REQUIRE_BROWSER", "")
	r := record(t, func(tb testing.TB) { Start(tb) })
	if want := "browser tests skipped: no Chromium at /nonexistent/chromium; run scripts/test"; r.skipped != want || r.fatal != "" {
		t.Errorf("Start without Chromium: skipped %q, fatal %q; want skipped %q", r.skipped, r.fatal, want)
	}
	r = record(t, func(tb testing.TB) { CheckHTML(tb, map[string][]byte{"x": []byte(goodPage)}) })
	if !strings.Contains(r.skipped, "/nonexistent/vnu.jar") || r.fatal != "" {
		t.Errorf("CheckHTML without vnu.jar: skipped %q, fatal %q", r.skipped, r.fatal)
	}

	t.Setenv("UTSYN_REQUIRE_BROWSER", "1")
	r = record(t, func(tb testing.TB) { Start(tb) })
	if !strings.Contains(r.fatal, "no Chromium at /nonexistent/chromium") || r.skipped != "" {
		t.Errorf("Start without Chromium, required: skipped %q, fatal %q", r.skipped, r.fatal)
	}
	r = record(t, func(tb testing.TB) { CheckHTML(tb, map[string][]byte{"x": []byte(goodPage)}) })
	if !strings.Contains(r.fatal, "/nonexistent/vnu.jar") || r.skipped != "" {
		t.Errorf("CheckHTML without vnu.jar, required: skipped %q, fatal %q", r.skipped, r.fatal)
	}
}

// recorder is a testing.TB that records failures and skips instead of
// reporting them, so that tests can check what this package reports.
// Everything else (Cleanup, TempDir, Helper, Log) goes to the real test.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatal   string
	skipped string
}

// record runs f with a recorder on its own goroutine, as FailNow and SkipNow
// end the goroutine that calls them.
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) FailNow()         { r.Fatalf("FailNow") }
func (r *recorder) Skip(args ...any) { r.Skipf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skipped = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) SkipNow() { r.Skipf("SkipNow") }

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		in, keys string
		mods     int
	}{
		{"Tab", "\t", 0},
		{"Enter", "\r", 0},
		{"Space", " ", 0},
		{"ArrowDown", "\u0301", 0},
		{"Shift+Tab", "\t", 1},
		{"Control+Shift+a", "a", 2},
		{"Kari", "Kari", 0},
		{"a+b", "a+b", 0},
		{"1+1=2", "1+1=2", 0},
		{"+", "+", 0},
	} {
		keys, mods := parseKey(tc.in)
		if keys != tc.keys || len(mods) != tc.mods {
			t.Errorf("parseKey(%q) = %q, %d modifiers; want %q, %d", tc.in, keys, len(mods), tc.keys, tc.mods)
		}
	}
}
