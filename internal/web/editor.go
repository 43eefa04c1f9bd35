package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// The editor: the pages where editors (utsyn.RoleEditor and up) change strategies and their
// element trees, plans and their goals, and the vocabularies of roles and working forms; and
// the history of each record, for its organisation's readers.
//
// Every form is checked on the server. A form with mistakes is shown again (422) with what was
// typed, a message beside each field and a summary at the top. An edit of a record that
// changed since the form was read is refused (409) and shown beside what is stored now, with
// the typed input kept. A save redirects (303) to the page that shows the result, with a
// notice (?lagret=1 and the like).

// eform is an editor form: the single values of form, the values of checkbox groups, and the
// names it knows, so that a problem the store finds lands beside its field.
type eform struct {
	*form
	Multi map[string][]string
	known map[string]bool
}

func newEform(fields []string, multi ...string) *eform {
	f := &eform{form: newForm(), Multi: map[string][]string{}, known: map[string]bool{}}
	for _, n := range append(slices.Clone(fields), multi...) {
		f.known[n] = true
	}
	for _, n := range fields {
		f.Values[n] = ""
	}
	return f
}

// readEform reads a submitted editor form: the fields trimmed, line ends as "\n", and the
// checked values of each checkbox group.
func readEform(r *http.Request, fields []string, multi ...string) (*eform, error) {
	base, err := readForm(r, fields...)
	if err != nil {
		return nil, err
	}
	f := newEform(fields, multi...)
	for k, v := range base.Values {
		f.Values[k] = strings.ReplaceAll(v, "\r\n", "\n")
	}
	for _, name := range multi {
		for _, v := range r.PostForm[name] {
			if !utf8.ValidString(v) {
				return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.encoding"}
			}
			f.Multi[name] = append(f.Multi[name], strings.TrimSpace(v))
		}
	}
	return f, nil
}

// text returns the pair of fields BASE_nb and BASE_en as a text.
func (f *eform) text(base string) utsyn.Text {
	return utsyn.NewText(f.Get(base+"_nb"), f.Get(base+"_en"))
}

func (f *eform) setText(base string, t utsyn.Text) {
	f.Values[base+"_nb"], f.Values[base+"_en"] = t["nb"], t["en"]
}

func (f *eform) date(p *page, name string) utsyn.Date {
	d, err := utsyn.ParseDate(f.Get(name))
	if err != nil {
		f.Fail(name, p.T("error.date"))
	}
	return d
}

// id reads a chosen record's ID; "" is none.
func (f *eform) id(p *page, name string) int64 {
	if f.Get(name) == "" {
		return 0
	}
	n, err := strconv.ParseInt(f.Get(name), 10, 64)
	if err != nil || n <= 0 {
		f.Fail(name, p.T("error.reference"))
	}
	return n
}

// ids reads the checked IDs of checkbox groups.
func (f *eform) ids(p *page, names ...string) []int64 {
	var out []int64
	for _, name := range names {
		for _, v := range f.Multi[name] {
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				f.Fail(name, p.T("error.reference"))
				continue
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (f *eform) setIDs(name string, ids []int64) {
	f.Multi[name] = nil
	for _, id := range ids {
		f.Multi[name] = append(f.Multi[name], strconv.FormatInt(id, 10))
	}
}

// version reads the hidden version the form was read at. A form without one was not made by
// this site.
func (f *eform) version() (int, error) {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil || v <= 0 {
		return 0, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.bad_request"}
	}
	return v, nil
}

// failWith puts a domain error on the form, each problem beside the field it concerns (a
// text's problem beside the language it is in). It reports false for an error that is not the
// user's to mend, which the caller fails with.
func (f *eform) failWith(p *page, err error, aliases map[string]string) bool {
	if errors.Is(err, errUnsaved) {
		return true // the form's own mistakes are on it already
	}
	var e *utsyn.Error
	if !errors.As(err, &e) || (e.Code != utsyn.EINVALID && e.Code != utsyn.ECONFLICT) || store.IsStale(err) {
		return false
	}
	problems := e.Problems
	if len(problems) == 0 {
		problems = []utsyn.Problem{{Field: e.Field, Message: e.Message}}
	}
	for _, pr := range problems {
		name := pr.Field
		if a, ok := aliases[name]; ok {
			name = a
		}
		switch {
		case f.known[name+"_nb"]:
			if pr.Message == "error.too_long" && utf8.RuneCountInString(f.Get(name+"_en")) > utf8.RuneCountInString(f.Get(name+"_nb")) {
				name += "_en"
			} else {
				name += "_nb"
			}
		case !f.known[name]:
			name = "" // the form as a whole
		}
		f.Fail(name, p.T(pr.Message))
	}
	return true
}

// lines splits a textarea into trimmed lines, without the empty ones at the end.
func textLines(s string) []string {
	out := strings.Split(s, "\n")
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// statements reads a kind of purpose statement from its two textareas, one statement a line,
// line n in English belonging to line n in bokmål.
func (f *eform) statements(p *page, kind string) []utsyn.Statement {
	base := "purpose_" + kind
	nb, en := textLines(f.Get(base+"_nb")), textLines(f.Get(base+"_en"))
	var out []utsyn.Statement
	for i := range max(len(nb), len(en)) {
		var a, b string
		if i < len(nb) {
			a = nb[i]
		}
		if i < len(en) {
			b = en[i]
		}
		switch {
		case a == "" && b == "":
			continue
		case a == "":
			f.Fail(base+"_en", p.T("editor.error.line_missing", "line", i+1))
			continue
		case utf8.RuneCountInString(a) > utsyn.MaxText:
			f.Fail(base+"_nb", p.T("error.too_long"))
		case utf8.RuneCountInString(b) > utsyn.MaxText:
			f.Fail(base+"_en", p.T("error.too_long"))
		}
		out = append(out, utsyn.Statement{Kind: kind, Text: utsyn.NewText(a, b)})
	}
	return out
}

// What an editor page shows.

// fieldSpec is one field of an editor form as editor-form.html shows it.
type fieldSpec struct {
	Name, Label, Hint, Type, Value, Error, ErrorPrefix, Lang, Describedby, Class string
	Rows                                                                         int
	Options                                                                      []choice
	Checked                                                                      map[string]bool
	Empty                                                                        string // what a checkbox group without choices says
}

type choice struct{ Value, Label string }

// shown is the field's value as a reader sees it: a choice by its label.
func (fs fieldSpec) shown() string {
	switch fs.Type {
	case "select":
		for _, o := range fs.Options {
			if o.Value == fs.Value {
				return o.Label
			}
		}
	case "checkboxes":
		var out []string
		for _, o := range fs.Options {
			if fs.Checked[o.Value] {
				out = append(out, o.Label)
			}
		}
		return strings.Join(out, "; ")
	}
	return fs.Value
}

type formSection struct {
	ID, Heading string
	Fields      []fieldSpec
}

type hiddenField struct{ Name, Value string }

// builder lays out an editor form's fields with their values and messages.
type formBuilder struct {
	p    *page
	f    *eform
	secs []formSection
}

func (b *formBuilder) formSection(id, headingKey string) {
	heading := ""
	if headingKey != "" {
		heading = b.p.T(headingKey)
	}
	b.secs = append(b.secs, formSection{ID: id, Heading: heading})
}

func (b *formBuilder) add(fs fieldSpec) {
	fs.Value, fs.Error, fs.ErrorPrefix = b.f.Get(fs.Name), b.f.Err(fs.Name), b.p.T("form.error_prefix")
	var by []string
	if fs.Hint != "" {
		by = append(by, fs.Name+"-hint")
	}
	if fs.Error != "" {
		by = append(by, fs.Name+"-error")
	}
	fs.Describedby = strings.Join(by, " ")
	if fs.Type == "checkboxes" {
		fs.Checked = map[string]bool{}
		for _, v := range b.f.Multi[fs.Name] {
			fs.Checked[v] = true
		}
	}
	if len(b.secs) == 0 {
		b.formSection("", "")
	}
	last := &b.secs[len(b.secs)-1]
	last.Fields = append(last.Fields, fs)
}

func (b *formBuilder) hint(key string) string {
	if key == "" {
		return ""
	}
	return b.p.T(key)
}

func (b *formBuilder) input(name, labelKey, hintKey, class string) {
	b.add(fieldSpec{Name: name, Label: b.p.T(labelKey), Hint: b.hint(hintKey), Type: "text", Class: class})
}

// pair lays out a text in bokmål and English: two fields, each marked with its language.
func (b *formBuilder) pair(base, labelKey, hintKey string, rows int) {
	label := b.p.T(labelKey)
	for i, lang := range []string{"nb", "en"} {
		fs := fieldSpec{Name: base + "_" + lang, Label: b.p.T("editor.in_"+lang, "label", label), Type: "text", Lang: lang}
		if i == 0 {
			fs.Hint = b.hint(hintKey)
		}
		if rows > 0 {
			fs.Type, fs.Rows = "textarea", rows
		}
		b.add(fs)
	}
}

func (b *formBuilder) choose(name, labelKey, hintKey string, opts []choice) {
	b.add(fieldSpec{Name: name, Label: b.p.T(labelKey), Hint: b.hint(hintKey), Type: "select", Options: opts})
}

func (b *formBuilder) checks(name, labelKey, hintKey, emptyKey string, opts []choice) {
	b.add(fieldSpec{Name: name, Label: b.p.T(labelKey), Hint: b.hint(hintKey), Type: "checkboxes", Options: opts, Empty: b.hint(emptyKey)})
}

// conflictView shows, after a refused edit, what is stored now beside what the editor typed.
type conflictView struct {
	By, At string // who changed the record last, and when
	Rows   []conflictRow
}

type conflictRow struct{ Label, Stored, Yours string }

// editorPage is every editor form page (editor-form.html): a form in sections, and the parts
// some pages add (a strategy's tree, a plan's goals, the vocabulary an element builds on).
type editorPage struct {
	*page
	Eyebrow, Heading, Lead string
	Notice                 string // a saved change, shown as a status message
	Problem                string // a refusal that concerns no one field
	Conflict               *conflictView
	Form                   *eform
	Errors                 []fieldError // the summary at the top, in the order of the fields
	Action, Submit, Cancel string
	Hidden                 []hiddenField
	Sections               []formSection
	Links                  []crumb // the record's other pages
	Strategy               *strategyPanel
	Plan                   *planPanel
}

// finish lays the form's fields and its summary on the page.
func (ep *editorPage) finish(secs []formSection) {
	ep.Sections = secs
	if msg := ep.Form.Err(""); msg != "" {
		ep.Errors = append(ep.Errors, fieldError{Message: msg})
	}
	for _, sec := range secs {
		for _, fs := range sec.Fields {
			if fs.Error != "" {
				ep.Errors = append(ep.Errors, fieldError{Field: fs.Name, Message: fs.Label + ": " + fs.Error})
			}
		}
	}
	for _, name := range ep.Form.order { // a problem of a field not on this form
		if name != "" && !slices.ContainsFunc(ep.Errors, func(e fieldError) bool { return e.Field == name }) {
			ep.Errors = append(ep.Errors, fieldError{Message: ep.Form.Err(name)})
		}
	}
}

// conflict compares what the editor typed with what is stored now, field by field, and names
// who changed the record last.
func (s *Server) conflict(ctx context.Context, p *page, entity string, id int64, typed, stored []formSection) *conflictView {
	cv := &conflictView{}
	now := map[string]fieldSpec{}
	for _, sec := range stored {
		for _, fs := range sec.Fields {
			now[fs.Name] = fs
		}
	}
	for _, sec := range typed {
		for _, fs := range sec.Fields {
			if st, ok := now[fs.Name]; ok && st.shown() != fs.shown() {
				cv.Rows = append(cv.Rows, conflictRow{Label: fs.Label, Stored: st.shown(), Yours: fs.shown()})
			}
		}
	}
	if events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: entity, EntityID: id, Limit: 1}); err == nil && len(events) > 0 {
		cv.By, cv.At = events[0].ActorLabel, p.When(events[0].At)
	}
	return cv
}

// noticeKeys are the query parameters a redirect after a save carries, and what they say.
var noticeKeys = []struct{ param, key string }{
	{"opprettet", "editor.notice.created"},
	{"lagret", "editor.notice.saved"},
	{"publisert", "editor.notice.published"},
	{"avpublisert", "editor.notice.unpublished"},
	{"flyttet", "editor.notice.moved"},
	{"slettet", "editor.notice.deleted"},
	{"ny-versjon", "editor.notice.version"},
}

func noticeOf(r *http.Request, p *page) string {
	q := r.URL.Query()
	for _, n := range noticeKeys {
		if v := q.Get(n.param); v != "" {
			return p.T(n.key, "count", v)
		}
	}
	return ""
}

// seeOther sends the browser on to the page that shows what a form did.
func seeOther(w http.ResponseWriter, r *http.Request, href string) error {
	http.Redirect(w, r, href, http.StatusSeeOther)
	return nil
}

// errUnsaved rolls back a write whose form has mistakes only the form could see (a date that
// is not one): the store still checks the rest, so that every mistake is shown at once.
var errUnsaved = errors.New("the form has mistakes")

// save runs the editor's write as the page's actor, and keeps it only when the form is free of
// mistakes.
func (s *Server) save(ctx context.Context, p *page, f *eform, write func(tx *store.Tx) error) error {
	return s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		if f.Failed() {
			return errUnsaved
		}
		return nil
	})
}

// pathID reads a numeric ID from the path; anything else is a page that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errNotFound
	}
	return n, nil
}

// short cuts a title for a choice or a hidden label.
func short(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// The editor's links on the public pages.

// EditHref is the editing page of a strategy or plan for those who may edit it, or "".
func (p *page) EditHref(kind, slug string) string {
	if !p.CanEdit() {
		return ""
	}
	return p.Href(p.Org.Slug, kind, slug, "rediger")
}

// HistoryHref is the history of a strategy or plan for the organisation's readers, or "".
func (p *page) HistoryHref(kind, slug string) string {
	if !p.CanRead() {
		return ""
	}
	return p.Href(p.Org.Slug, kind, slug, "historikk")
}

// VisuallyHidden is the part of a link's text only screen readers hear: the name of the record
// it concerns, so that each "Edit" says what it edits.
func (p *page) VisuallyHidden(t utsyn.Text) template.HTML {
	return template.HTML(`<span class="visually-hidden"> ` + template.HTMLEscapeString(short(p.S(t), 80)) + `</span>`)
}
