package web

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// page is what every page template gets: the reader's language, the catalog to speak it,
// and the frame around the content. Each page embeds it in a struct of its own.
type page struct {
	Lang      i18n.Lang
	Title     string // the page's own title; the layout adds the site's
	Path      string // the path without the language prefix, e.g. "/rogaland"
	Org       *utsyn.Organisation
	User      *utsyn.User      // the signed-in person, or nil
	Actor     *utsyn.Principal // the signed-in person in Org, or nil when they have no role there
	Crumbs    []crumb
	Status    int
	query     string // the request's query, for the language switch
	cat       *i18n.Catalog
	words     *frameWords // the layout's, in Lang
	assetHash string
}

type crumb struct {
	Label string
	Href  string // empty for the current page
}

// T returns the catalog's message in the page's language.
func (p *page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// L shows a stored text in the page's language. When only another language has it, the text is
// marked with its language, so screen readers pronounce it right.
func (p *page) L(t utsyn.Text) template.HTML {
	s, fallback := t.In(string(p.Lang))
	if !fallback {
		return template.HTML(template.HTMLEscapeString(s))
	}
	for lang, v := range t {
		if v == s {
			return template.HTML(`<span lang="` + template.HTMLEscapeString(lang) + `">` + template.HTMLEscapeString(s) + `</span>`)
		}
	}
	return template.HTML(template.HTMLEscapeString(s))
}

// S is L as plain text, for attributes and titles.
func (p *page) S(t utsyn.Text) string { return t.Get(string(p.Lang)) }

// Href builds a path in the page's language from path segments.
func (p *page) Href(parts ...string) string {
	return "/" + string(p.Lang) + "/" + strings.Join(parts, "/")
}

// AltHref is the same page in the other language.
// The query is kept, so a filtered list stays filtered in the other language.
func (p *page) AltHref() string {
	if p.query != "" {
		return "/" + string(p.Lang.Other()) + p.Path + "?" + p.query
	}
	return "/" + string(p.Lang.Other()) + p.Path
}

// AltLang is the other language.
func (p *page) AltLang() i18n.Lang { return p.Lang.Other() }

// Asset is the URL of a static file, with a hash that changes when the files change.
func (p *page) Asset(name string) string { return "/static/" + name + "?v=" + p.assetHash }

// Date formats a date at its precision: "27. november 2026", "juni 2023", "2023".
func (p *page) Date(d utsyn.Date) string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return d.String()
	case d.Day == 0:
		return i18n.FormatMonth(p.Lang, d.Year, d.Month)
	}
	return i18n.FormatDate(p.Lang, d.Time())
}

// Period formats a period of two dates, either of which may be unknown.
func (p *page) Period(from, to utsyn.Date) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return p.T("period.from", "from", p.Date(from))
	case from.IsZero():
		return p.T("period.to", "to", p.Date(to))
	}
	return p.Date(from) + "–" + p.Date(to)
}

// StatusTag shows a strategy's status as a tag with a word, never colour alone.
func (p *page) StatusTag(status string) template.HTML {
	return template.HTML(`<span class="tag tag-` + template.HTMLEscapeString(status) + `">` +
		template.HTMLEscapeString(p.T("strategy.status."+status)) + `</span>`)
}

// Action names an audit action in words; an action the catalog does not know is shown as it is.
func (p *page) Action(a string) string { return p.tOr("action."+a, a) }

// Entity names a kind of record in words, likewise.
func (p *page) Entity(e string) string { return p.tOr("entity."+e, e) }

func (p *page) tOr(key, fallback string) string {
	if p.cat.Has(key) {
		return p.T(key)
	}
	return fallback
}

// AllRoles lists the roles from most to least.
func (p *page) AllRoles() []utsyn.Role { return utsyn.Roles }

// oslo is the time zone every time is shown in.
var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return time.FixedZone("CET", 3600) // no time zone database: close enough, never wrong by more than an hour
	}
	return loc
}()

// formatTime shows a moment in Norwegian time: "27. november 2026 kl. 14:05".
func formatTime(lang i18n.Lang, t time.Time) string {
	t = t.In(oslo)
	return i18n.FormatDate(lang, t) + " " + t.Format("15:04")
}

// funcs are the few template functions; everything that needs the language is a method of page.
var funcs = template.FuncMap{
	// elementArgs passes the strategy page and one element to a sub-template.
	// Compact shows plan goals by code only, with the titles for screen readers.
	"elementArgs": func(p *strategyPage, e elementView, compact bool) elementArgs {
		return elementArgs{Page: p, Element: e, Compact: compact}
	},
	// cellLabel is the column heading of a dashboard table's cell, when the table gives it (a
	// wide one, printed with each value's heading beside it).
	"cellLabel": func(c any) string {
		if l, ok := c.(labelledCell); ok {
			return l.Label
		}
		return ""
	},
}

type elementArgs struct {
	Page    *strategyPage
	Element elementView
	Compact bool
}

func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(embedded, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(embedded, "templates/partials.html", name)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

// newPage starts the page data for a request in lang.
func (s *Server) newPage(lang i18n.Lang, r *http.Request) *page {
	p := &page{
		Lang:      lang,
		Path:      strings.TrimPrefix(r.URL.Path, "/"+string(lang)),
		query:     r.URL.RawQuery,
		cat:       s.cat,
		words:     s.words[lang],
		assetHash: s.assetHash,
		Status:    http.StatusOK,
	}
	if w := whoFrom(r); w != nil {
		p.User = w.user
	}
	return p
}

// render writes a page. It renders into a buffer first, so a template error gives the error
// page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf := takeBuffer()
	defer giveBuffer(buf)
	f := data.(interface{ Frame() *frame }).Frame()
	f.writeTop(buf)
	if err := t.ExecuteTemplate(buf, "content", data); err != nil {
		s.log.Error("render", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	f.writeBottom(buf)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Said, the length lets the page go out in one piece rather than in chunks, one write
	// fewer on the connection.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// keptPage is a page whose content was written before (registerPage.write, workListPage.write,
// kept written with the records' state they show), shown in the frame of its request.
type keptPage struct {
	*page
	Content template.HTML
}

// buffers hold pages and API answers while they are written. A register page is some 40 kB,
// and a buffer grown anew for each was a third of the bytes the page allocated, which the
// garbage collector then had to come back for.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func takeBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// giveBuffer returns a buffer once what it held has been written. A rare large one (an export
// of the whole register) is left to the collector rather than kept.
func giveBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// pageHandler handles a page in the language of the path; it returns an error to show the
// error page in that language.
type pageHandler func(w http.ResponseWriter, r *http.Request, p *page) error

func (s *Server) page(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page that only reads shows one state of each organisation's records, whose
			// stamp is read with the organisation (store.OneChangeStamp).
			r = r.WithContext(store.OneChangeStamp(r.Context()))
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		p := s.newPage(i18n.Lang(first), r) // the routes register each page under /nb/ and /en/
		if err := h(w, r, p); err != nil {
			s.fail(w, r, p, err)
		}
	}
}

type errorPage struct {
	*page
	Heading, Text string
}

// fail shows the error page for err in the page's language. Internal errors are logged; the
// reader sees only that something went wrong.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	key := "error.internal"
	switch status {
	case http.StatusNotFound:
		key = "error.not_found"
	case http.StatusForbidden:
		key = "error.forbidden"
	case http.StatusUnauthorized:
		key = "error.unauthorized"
	case http.StatusBadRequest:
		key = "error.bad_request"
	}
	ep := &errorPage{page: p, Heading: p.T(key + ".title"), Text: p.T(key + ".text")}
	// Refusals say why, when the error knows better than the generic text.
	if e := (*utsyn.Error)(nil); errors.As(err, &e) && status < 500 && status != http.StatusNotFound && p.cat.Has(e.Message) &&
		e.Message != key {
		ep.Text = p.T(e.Message)
	}
	ep.Title, ep.Status = ep.Heading, status
	s.render(w, r, "error", status, ep)
}

// statusOf maps the domain's error codes to HTTP statuses, in one place.
func statusOf(err error) int {
	switch utsyn.ErrorCode(err) {
	case utsyn.EINVALID:
		return http.StatusBadRequest
	case utsyn.ENOTFOUND:
		return http.StatusNotFound
	case utsyn.ECONFLICT:
		return http.StatusConflict
	case utsyn.EFORBIDDEN:
		return http.StatusForbidden
	case utsyn.EUNAUTHORIZED:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

var errNotFound = &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "error.not_found"}

// notFound answers a path no route knows: JSON under /api/, else the 404 page in the
// language of the path or, failing that, of the browser.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.notFoundOrError(w, r, http.StatusNotFound)
}

func (s *Server) notFoundOrError(w http.ResponseWriter, r *http.Request, status int) {
	err := error(errNotFound)
	if status != http.StatusNotFound {
		err = errors.New("internal error")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	lang := langOf(r)
	p := s.newPage(lang, r)
	if !strings.HasPrefix(r.URL.Path, "/"+string(lang)+"/") {
		p.Path = "/"
	}
	s.fail(w, r, p, err)
}

// langOf is the language of the path (/nb/…, /en/…) or, failing that, of the browser.
func langOf(r *http.Request) i18n.Lang {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if lang, ok := i18n.Parse(first); ok && first == string(lang) {
		return lang
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// htmlWriter writes the parts of a page that repeat too often for the template's reflection
// (a list's rows, its filter's fields): markup as written, every value through esc or attr.
// The zero htmlWriter writes into a buffer of its own; one given a buffer (takeBuffer) writes
// there.
type htmlWriter struct{ *bytes.Buffer }

func (w *htmlWriter) init() {
	if w.Buffer == nil {
		w.Buffer = new(bytes.Buffer)
	}
}

func (w *htmlWriter) raw(ss ...string) {
	w.init()
	for _, s := range ss {
		w.WriteString(s)
	}
}

// esc is s escaped for an element's text or a quoted attribute's value. Most texts have
// nothing to escape, and are found so by a table: template.HTMLEscapeString's own test for
// that (strings.ContainsAny) was a twentieth of an uncached register page's time.
func esc(s string) string {
	for i := 0; i < len(s); i++ {
		if escaped[s[i]] {
			return template.HTMLEscapeString(s)
		}
	}
	return s
}

// escaped are the bytes template.HTMLEscapeString replaces.
var escaped = [256]bool{0: true, '"': true, '\'': true, '&': true, '<': true, '>': true}

func (w *htmlWriter) html() template.HTML {
	w.init()
	return template.HTML(w.String())
}

// attr is ` name="value"` with the value escaped, or nothing when the value is empty.
func attr(name, value string) string {
	if value == "" {
		return ""
	}
	return " " + name + `="` + esc(value) + `"`
}
