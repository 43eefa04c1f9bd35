// Package browsertest drives Debian's headless Chromium from Go tests, runs the
// axe-core accessibility checks in the page, and validates HTML documents with
// the Nu HTML checker (vnu.jar).
//
// The tools come from the machine, not from the Go module cache:
//
//   - Chromium: /usr/bin/chromium, or the path in $UTSYN_CHROMIUM.
//   - axe-core: node_modules/axe-core/axe.min.js, found by walking up from the
//     package directory of the test to the repository root, or the file in
//     $UTSYN_AXE_JS.
//   - vnu: java on $PATH and node_modules/vnu-jar/build/dist/vnu.jar, found the
//     same way, or the jar in $UTSYN_VNU_JAR.
//
// scripts/test installs all of them. When one is missing, the test is skipped
// with a message that says so, unless UTSYN_REQUIRE_BROWSER=1, in which case it
// fails: scripts/test and CI set it so that nothing is skipped silently.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	// defaultChromium is where Debian's chromium package puts the browser.
	defaultChromium = "/usr/bin/chromium"

	// opTimeout bounds every single browser operation, so that a hung
	// browser fails the test with a message instead of running into the
	// go test timeout.
	opTimeout = 30 * time.Second

	// navGrace is how long Click and Press (Enter, Space) wait for a
	// navigation to start before they decide that the action caused none.
	// A link or a form submission starts its navigation within a few
	// milliseconds; the grace only costs time for actions that do not
	// navigate.
	navGrace = time.Second

	// vnuTimeout bounds one run of the Nu HTML checker (one JVM).
	vnuTimeout = 5 * time.Minute
)

// axeTags are the axe-core rule tags that the project is held to:
// WCAG 2.1 levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// unavailable skips the test because a tool is missing, or fails it when
// UTSYN_REQUIRE_BROWSER=1 says that the tools must be there.
func unavailable(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("UTSYN_REQUIRE_BROWSER") == "1" {
		t.Fatalf("browser tests required (UTSYN_REQUIRE_BROWSER=1), but %s; run scripts/test", what)
	}
	t.Skipf("browser tests skipped: %s; run scripts/test", what)
}

// within runs f and gives up after d. On time-out it calls cancel, which must
// make f return (it ends the chromedp context that f uses). It exists for the
// first Run on a chromedp context, which must not get a context with a
// deadline: that first Run binds the life of the browser or tab to its context.
func within(d time.Duration, cancel func(), f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		cancel()
		<-done
		return fmt.Errorf("timed out after %v", d)
	}
}

// Browser is one headless Chromium process, shared by the pages of a test.
type Browser struct {
	ctx context.Context // chromedp context that owns the browser
}

// Start launches one headless Debian Chromium for the test (closed in
// t.Cleanup). When /usr/bin/chromium (or $UTSYN_CHROMIUM) is missing, it skips
// the test, or fails it when UTSYN_REQUIRE_BROWSER=1.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe := os.Getenv("UTSYN_CHROMIUM")
	if exe == "" {
		exe = defaultChromium
	}
	if _, err := os.Stat(exe); err != nil {
		unavailable(t, "no Chromium at "+exe)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // we run as root in CI; the sandbox refuses root
		chromedp.DisableGPU,
		// No traffic to Google services: this machine reaches no network
		// but the package registries, and tests must not depend on it.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 1024),
		// Without UserDataDir, chromedp makes a fresh temporary profile
		// for each browser and removes it when the browser has stopped.
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := sync.OnceFunc(func() {
		cancelCtx() // waits until the browser process has stopped
		cancelAlloc()
	})
	t.Cleanup(cancel)

	// The first Do starts the browser.
	if err := within(opTimeout, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("browsertest: starting %s: %v", exe, err)
	}
	return &Browser{ctx: ctx}
}

// Page is one browser tab, opened by Browser.Open.
type Page struct {
	ctx context.Context // chromedp context of the tab

	// The fields below are written by onEvent, in the loop that reads
	// the tab's messages, and read by the test's goroutine.
	mu        sync.Mutex
	mainFrame cdp.FrameID       // the tab's top frame; its id is the target id
	started   int               // main-frame loads started
	stopped   int               // equals started when the last load has finished
	status    int               // HTTP status of the last main document response
	docID     network.RequestID // request of the last main document
	changed   chan struct{}     // closed and replaced at every change above
}

// Open opens url in a fresh tab of b and waits until the document has loaded.
// Each tab gets its own browser context (like a private window), so cookies and
// storage are not shared between pages. The tab is closed in t.Cleanup.
func (b *Browser) Open(t testing.TB, url string) *Page {
	t.Helper()
	p := &Page{changed: make(chan struct{})}
	ctx, cancelCtx := chromedp.NewContext(b.ctx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(p.onEvent),
	)
	cancel := sync.OnceFunc(cancelCtx)
	t.Cleanup(cancel)
	p.ctx = ctx

	// The first Do creates and attaches the tab.
	if err := within(opTimeout, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	p.mu.Lock()
	// Chrome gives the top frame of a tab the id of its target.
	p.mainFrame = cdp.FrameID(chromedp.FromContext(ctx).Target.TargetID)
	p.mu.Unlock()

	resp, err := run(p, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("browsertest: opening %s: %v", url, err)
	}
	if resp != nil {
		p.mu.Lock()
		p.status = int(resp.Status)
		p.mu.Unlock()
	}
	return p
}

// onEvent follows the main frame's loads and document responses. It runs in
// the loop that reads the tab's messages, so it must be quick and must not
// send commands.
func (p *Page) onEvent(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mainFrame == "" {
		return // still the initial about:blank
	}
	switch ev := ev.(type) {
	case *page.EventFrameStartedLoading:
		if ev.FrameID != p.mainFrame {
			return
		}
		p.started++
	case *page.EventFrameStoppedLoading:
		if ev.FrameID != p.mainFrame {
			return
		}
		p.stopped = p.started
	case *page.EventNavigatedWithinDocument:
		// A fragment link or history.pushState: no load follows.
		if ev.FrameID != p.mainFrame {
			return
		}
		p.started++
		p.stopped = p.started
	case *network.EventResponseReceived:
		if ev.Type != network.ResourceTypeDocument || ev.FrameID != p.mainFrame || ev.Response == nil {
			return
		}
		p.status = int(ev.Response.Status)
		p.docID = ev.RequestID
	default:
		return
	}
	close(p.changed)
	p.changed = make(chan struct{})
}

// waitFor waits up to d until cond, which runs with p.mu held, is true.
func (p *Page) waitFor(d time.Duration, cond func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		p.mu.Lock()
		ok, ch := cond(), p.changed
		p.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		case <-p.ctx.Done():
			return false
		}
	}
}

func (p *Page) loadsStarted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started
}

// settle waits for the navigation that an action may have caused: up to grace
// for it to start, then until the page has loaded.
func (p *Page) settle(t testing.TB, before int, grace time.Duration, what string) {
	t.Helper()
	if !p.waitFor(grace, func() bool { return p.started > before }) {
		return // the action caused no navigation
	}
	if !p.waitFor(opTimeout, func() bool { return p.stopped >= p.started }) {
		t.Fatalf("browsertest: %s: the page did not finish loading within %v", what, opTimeout)
	}
}

// run runs one chromedp action on the tab, bounded by opTimeout.
func run[T any](p *Page, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, opTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// eval evaluates a JavaScript expression in the page and decodes its JSON
// result into T. It fails the test on a JavaScript exception, for example an
// invalid selector.
func eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := run(p, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browsertest: evaluating %s: %v", abbrev(expr), err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func abbrev(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// Ctx returns the chromedp context of the tab, for actions this package does
// not wrap (for example chromedp.SetValue to fill in a form field).
func (p *Page) Ctx() context.Context { return p.ctx }

// Status returns the HTTP status of the main document response: of the page
// that Open loaded, or of the last page a Click or Press navigated to.
func (p *Page) Status() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Text returns the innerText of the first element that matches the CSS
// selector. It fails the test when none matches.
func (p *Page) Text(t testing.TB, selector string) string {
	t.Helper()
	v := eval[*string](t, p, fmt.Sprintf(
		`(() => { const e = document.querySelector(%s); return e === null ? null : e.innerText; })()`,
		jsString(selector)))
	if v == nil {
		t.Fatalf("browsertest: no element matches %q on %s", selector, p.URL(t))
	}
	return *v
}

// Texts returns the innerText of every element that matches the CSS selector,
// in document order; it is empty when none matches.
func (p *Page) Texts(t testing.TB, selector string) []string {
	t.Helper()
	return eval[[]string](t, p, fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), e => e.innerText)`, jsString(selector)))
}

// Attr returns the attribute name of the first element that matches the CSS
// selector, or "" when that element does not have it. It fails the test when
// no element matches.
func (p *Page) Attr(t testing.TB, selector, name string) string {
	t.Helper()
	v := eval[*string](t, p, fmt.Sprintf(
		`(() => { const e = document.querySelector(%s); return e === null ? null : (e.getAttribute(%s) ?? ""); })()`,
		jsString(selector), jsString(name)))
	if v == nil {
		t.Fatalf("browsertest: no element matches %q on %s", selector, p.URL(t))
	}
	return *v
}

// Count returns how many elements match the CSS selector.
func (p *Page) Count(t testing.TB, selector string) int {
	t.Helper()
	return eval[int](t, p, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(selector)))
}

// Click clicks the first element that matches the CSS selector with the mouse,
// like a person would (so the element must be visible), and when that starts a
// navigation (a link, a form submission), waits until the new page has loaded.
// It fails the test when no element matches.
func (p *Page) Click(t testing.TB, selector string) {
	t.Helper()
	if p.Count(t, selector) == 0 {
		t.Fatalf("browsertest: click: no element matches %q on %s", selector, p.URL(t))
	}
	before := p.loadsStarted()
	if _, err := run(p, chromedp.Click(chromedp.CSS(selector))); err != nil {
		t.Fatalf("browsertest: click %q: %v", selector, err)
	}
	p.settle(t, before, navGrace, "click "+selector)
}

// keyNames maps DOM key names ("Tab", "Enter", "ArrowDown", "Space", …) to
// the runes that chromedp's kb package encodes.
var keyNames = sync.OnceValue(func() map[string]rune {
	m := make(map[string]rune)
	add := func(name string, r rune) {
		if old, ok := m[name]; !ok || r < old { // deterministic on duplicates
			m[name] = r
		}
	}
	for r, k := range kb.Keys {
		if len([]rune(k.Key)) > 1 {
			add(k.Key, r)
		}
	}
	add("Space", ' ')
	return m
})

// Press presses a key on the focused element: a DOM key name such as "Tab",
// "Enter", "Escape", "ArrowDown" or "Space", optionally with modifiers
// ("Shift+Tab", "Control+a"), or else literal text to type. After Enter or
// Space, which activate links and buttons, it waits for a resulting navigation
// like Click does.
func (p *Page) Press(t testing.TB, key string) {
	t.Helper()
	keys, mods := parseKey(key)
	var opts []chromedp.KeyOption
	if len(mods) > 0 {
		opts = append(opts, chromedp.KeyModifiers(mods...))
	}
	before := p.loadsStarted()
	if _, err := run(p, chromedp.KeyEvent(keys, opts...)); err != nil {
		t.Fatalf("browsertest: press %q: %v", key, err)
	}
	if keys == "\r" || keys == " " {
		p.settle(t, before, navGrace, "press "+key)
	}
}

// parseKey turns the argument of Press into the runes that chromedp's kb
// package encodes and the modifiers to hold. What is not a known key name,
// with or without known modifiers, is literal text.
func parseKey(key string) (string, []chromedp.Modifier) {
	named := func(name string) (string, bool) {
		if r, ok := keyNames()[name]; ok {
			return string(r), true
		}
		if len([]rune(name)) == 1 {
			return name, true
		}
		return "", false
	}
	if k, ok := keyNames()[key]; ok {
		return string(k), nil
	}
	i := strings.LastIndex(key, "+")
	if i <= 0 || i == len(key)-1 {
		return key, nil
	}
	k, ok := named(key[i+1:])
	if !ok {
		return key, nil
	}
	var mods []chromedp.Modifier
	for m := range strings.SplitSeq(key[:i], "+") {
		switch strings.ToLower(m) {
		case "shift":
			mods = append(mods, chromedp.ModifierShift)
		case "ctrl", "control":
			mods = append(mods, chromedp.ModifierCtrl)
		case "alt":
			mods = append(mods, chromedp.ModifierAlt)
		case "meta":
			mods = append(mods, chromedp.ModifierMeta)
		default:
			return key, nil
		}
	}
	return k, mods
}

// FocusedText returns the value (for form fields) or the innerText of
// document.activeElement, for keyboard tests. It returns "" when nothing has
// focus (the active element is the body).
func (p *Page) FocusedText(t testing.TB) string {
	t.Helper()
	return eval[string](t, p, `(() => {
		const e = document.activeElement;
		if (e === null || e === document.body || e === document.documentElement) return "";
		if (typeof e.value === "string" && e.value !== "" && e.matches("input, textarea, select")) return e.value;
		return e.innerText ?? "";
	})()`)
}

// URL returns the address of the document in the tab.
func (p *Page) URL(t testing.TB) string {
	t.Helper()
	return eval[string](t, p, `document.location.href`)
}

// HTML returns the HTML of the page as the server sent it (the body of the
// main document response), so that CheckHTML sees the markup itself and not
// the browser's repaired DOM. When the browser no longer has that body, it
// falls back to the serialized DOM with its doctype.
func (p *Page) HTML(t testing.TB) string {
	t.Helper()
	p.mu.Lock()
	id := p.docID
	p.mu.Unlock()
	if id != "" {
		ctx, cancel := context.WithTimeout(p.ctx, opTimeout)
		res, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		cancel()
		if err == nil {
			return string(res.Body)
		}
	}
	return eval[string](t, p, `(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") +
		document.documentElement.outerHTML`)
}

// Screenshot writes a PNG of the whole page (not only the viewport) to path,
// creating its directory.
func (p *Page) Screenshot(t testing.TB, path string) {
	t.Helper()
	png, err := run(p, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
}

// Violation is one axe-core rule that the page breaks.
type Violation struct {
	ID      string   `json:"id"`      // axe rule id, e.g. "image-alt"
	Impact  string   `json:"impact"`  // minor, moderate, serious or critical
	Help    string   `json:"help"`    // one sentence on what the rule wants
	HelpURL string   `json:"helpUrl"` // the rule's documentation
	Targets []string `json:"targets"` // CSS selectors of the offending elements
}

// String formats v for a test failure message.
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t\telements: %s\n\t\tsee %s",
		v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "), v.HelpURL)
}

// findUp looks for rel in the working directory (the package directory
// under go test) and its parents, up to and including the directory that holds
// go.mod (the repository root).
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil || parent == dir {
			return "", fmt.Errorf("no %s in %s or above", rel, dir)
		}
		dir = parent
	}
}

// toolPath returns the file in $env, or rel found by findUp.
func toolPath(env, rel string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", env, p, err)
		}
		return p, nil
	}
	return findUp(rel)
}

// axeSource caches the axe-core script by path.
var axeSource sync.Map // path → string

func loadAxe(t testing.TB) string {
	t.Helper()
	path, err := toolPath("UTSYN_AXE_JS", filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		unavailable(t, "no axe-core ("+err.Error()+")")
	}
	if src, ok := axeSource.Load(path); ok {
		return src.(string)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("browsertest: reading axe-core: %v", err)
	}
	axeSource.Store(path, string(b))
	return string(b)
}

// Axe runs the axe-core WCAG 2.1 A and AA rules on the page and returns the
// violations.
//
// The script is injected with Runtime.evaluate, which the page's
// Content-Security-Policy does not govern: the app's CSP (no unsafe-inline, no
// unsafe-eval) would block an injected <script> element.
func (p *Page) Axe(t testing.TB) []Violation {
	t.Helper()
	src := loadAxe(t)
	if !eval[bool](t, p, `typeof window.axe === "object" && typeof window.axe.run === "function"`) {
		// The trailing expression keeps the evaluation's result small.
		if _, err := run(p, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
			t.Fatalf("browsertest: injecting axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	expr := fmt.Sprintf(`axe.run(document, {
		runOnly: {type: "tag", values: %s},
		resultTypes: ["violations"],
	}).then(r => r.violations.map(v => ({
		id: v.id,
		impact: v.impact || "",
		help: v.help,
		helpUrl: v.helpUrl,
		// A target is a list of selectors, nested for iframes and shadow roots.
		targets: v.nodes.map(n => [].concat(n.target).flat(Infinity).join(" ")),
	})))`, tags)
	vs, err := run(p, chromedp.Evaluate[[]Violation](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: running axe-core: %v", err)
	}
	return vs
}

// CheckAxe fails the test (t.Errorf, so the test goes on) with every axe-core
// violation on the page.
func (p *Page) CheckAxe(t testing.TB) {
	t.Helper()
	vs := p.Axe(t)
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("\n\t")
		b.WriteString(v.String())
	}
	t.Errorf("axe: %d accessibility violation(s) on %s:%s", len(vs), p.URL(t), b.String())
}

// vnuMessage is one message of vnu's JSON output.
type vnuMessage struct {
	Type        string `json:"type"` // error, info or non-document-error
	URL         string `json:"url"`
	FirstLine   int    `json:"firstLine"` // absent when equal to lastLine
	LastLine    int    `json:"lastLine"`
	FirstColumn int    `json:"firstColumn"`
	LastColumn  int    `json:"lastColumn"`
	Message     string `json:"message"`
	Extract     string `json:"extract"`
}

// CheckHTML validates whole HTML documents with the Nu HTML checker and fails
// the test (t.Errorf) once for each error, naming the document by its key in
// docs. All documents are checked in one JVM run. When java or vnu.jar is
// missing, it skips the test, or fails it when UTSYN_REQUIRE_BROWSER=1.
func CheckHTML(t testing.TB, docs map[string][]byte) {
	t.Helper()
	if len(docs) == 0 {
		return
	}
	java, err := exec.LookPath("java")
	if err != nil {
		unavailable(t, "no java on PATH for the Nu HTML checker")
	}
	jar, err := toolPath("UTSYN_VNU_JAR", filepath.Join("node_modules", "vnu-jar", "build", "dist", "vnu.jar"))
	if err != nil {
		unavailable(t, "no vnu.jar ("+err.Error()+")")
	}

	// Write the documents under safe, distinct file names (a name can be a
	// URL path), and remember which name each file stands for.
	dir := t.TempDir()
	byFile := make(map[string]string, len(docs))
	args := []string{"-jar", jar, "--errors-only", "--exit-zero-always", "--stdout", "--format", "json", "--no-langdetect"}
	for i, name := range slices.Sorted(maps.Keys(docs)) {
		file := fmt.Sprintf("%03d-%s.html", i, safeName(name))
		if err := os.WriteFile(filepath.Join(dir, file), docs[name], 0o644); err != nil {
			t.Fatalf("browsertest: CheckHTML: %v", err)
		}
		byFile[file] = name
		args = append(args, filepath.Join(dir, file))
	}

	ctx, cancel := context.WithTimeout(context.Background(), vnuTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browsertest: CheckHTML: %s: %v\n%s", jar, err, stderr.String())
	}
	var res struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("browsertest: CheckHTML: reading vnu output: %v\n%s", err, out)
	}
	for _, m := range res.Messages {
		if m.Type == "info" { // warnings; --errors-only leaves none
			continue
		}
		name := "(vnu)"
		if u, err := url.Parse(m.URL); err == nil && m.URL != "" {
			if n, ok := byFile[path.Base(u.Path)]; ok {
				name = n
			}
		}
		t.Errorf("html: %s:%d:%d: %s\n\tnear: %s", name, m.LastLine, m.FirstColumn, m.Message, strings.TrimSpace(m.Extract))
	}
}

// safeName turns a document name into a short file name part.
func safeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "._")
}
