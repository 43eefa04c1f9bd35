package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// The engagement register: the organisation's international work, for its signed-in people.
// Readers list, filter, read and export it; contributors register engagements and keep those
// they are responsible for up to date (partners, money); editors change every engagement and
// the shared list of actors (register_actors.go); administrators set the exchange rates
// (register_money.go).
//
// The forms follow the editor's patterns (editor.go): everything is checked on the server; a
// form with mistakes is shown again (422) with what was typed, a message beside each field and
// a summary at the top; an edit of a record that changed since the form was read is refused
// (409) and shown beside what is stored now, with the typed input kept; a save redirects (303)
// to the page that shows the result.

// The register's form fields, as register-form.html shows them.

// rfield is one field of a register form.
type rfield struct {
	Name, Label, Hint, Type, Value  string
	Error, ErrorPrefix, Describedby string
	Lang, Class, Inputmode          string
	Rows                            int
	Options                         []ropt
	Groups                          []rgroup // options under headings: optgroups, or fieldsets of checkboxes
	Checked                         map[string]bool
	Empty                           string // what a checkbox group without choices says
	Written                         string // a select's options as written, none selected (filterChoices)
}

// ropt is one choice; ID is set for checkboxes.
type ropt struct {
	ID, Value, Label string
	Depth            int
}

type rgroup struct {
	Label   string
	Options []ropt
}

// OptionsHTML writes a select's options, and its groups of options, with the field's value
// selected: those the register's filter offers on every page of its list are written once
// (filterChoices.written), the rest here.
func (f rfield) OptionsHTML() template.HTML {
	written := f.Written
	if written == "" {
		written = writeOptions(f.Options, f.Groups)
	}
	return template.HTML(selectedIn(written, f.Value))
}

// writeOptions writes options, and groups of options, with none selected.
func writeOptions(opts []ropt, groups []rgroup) string {
	var w htmlWriter
	options := func(os []ropt) {
		for _, o := range os {
			w.raw(`<option value="`, esc(o.Value), `">`, esc(o.Label), "</option>")
		}
	}
	options(opts)
	for _, g := range groups {
		w.raw(`<optgroup label="`, esc(g.Label), `">`)
		options(g.Options)
		w.raw("</optgroup>")
	}
	return w.String()
}

// selectedIn is options as writeOptions writes them with the one of value selected.
func selectedIn(written, value string) string {
	option := `<option value="` + esc(value) + `"`
	i := strings.Index(written, option+">")
	if i < 0 {
		return written
	}
	i += len(option)
	return written[:i] + " selected" + written[i:]
}

// shown is the field's value as a reader sees it: a choice by its label.
func (f rfield) shown() string {
	label := func(v string) (string, bool) {
		for _, o := range f.Options {
			if o.Value == v {
				return o.Label, true
			}
		}
		for _, g := range f.Groups {
			for _, o := range g.Options {
				if o.Value == v {
					return o.Label, true
				}
			}
		}
		return v, false
	}
	switch f.Type {
	case "select":
		s, _ := label(f.Value)
		return s
	case "checkbox":
		if f.Value == "1" {
			return f.Label
		}
		return ""
	case "checkboxes":
		var out []string
		for v := range f.Checked {
			if s, ok := label(v); ok {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return strings.Join(out, "; ")
	}
	return f.Value
}

// rset is a fieldset of a register form: a legend, its fields, and rows of fields that repeat
// (web links, seats, reviews), each row a fieldset of its own.
type rset struct {
	ID, Legend, Hint string
	Fields           []rfield
	Rows             []rrow
}

type rrow struct {
	Legend string
	Fields []rfield
}

// rbuilder lays out a register form's fields with their values and messages.
type rbuilder struct {
	p    *page
	f    *eform
	sets []rset
}

func (b *rbuilder) set(id, legendKey, hintKey string) {
	b.sets = append(b.sets, rset{ID: id, Legend: b.p.T(legendKey), Hint: b.t(hintKey)})
}

func (b *rbuilder) t(key string) string {
	if key == "" {
		return ""
	}
	return b.p.T(key)
}

// fill gives a field its value, message and the ids that describe it.
func (b *rbuilder) fill(fs rfield) rfield {
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
		first := true
		id := func(o *ropt) {
			if first {
				o.ID, first = fs.Name, false
			} else {
				o.ID = fs.Name + "-" + o.Value
			}
		}
		for i := range fs.Options {
			id(&fs.Options[i])
		}
		for g := range fs.Groups {
			fs.Groups[g].Options = slices.Clone(fs.Groups[g].Options)
			for i := range fs.Groups[g].Options {
				id(&fs.Groups[g].Options[i])
			}
		}
	}
	return fs
}

func (b *rbuilder) add(fs rfield) {
	if len(b.sets) == 0 {
		b.sets = append(b.sets, rset{})
	}
	last := &b.sets[len(b.sets)-1]
	last.Fields = append(last.Fields, b.fill(fs))
}

// row adds a repeating row of fields to the last fieldset.
func (b *rbuilder) row(legend string, fields ...rfield) {
	last := &b.sets[len(b.sets)-1]
	r := rrow{Legend: legend}
	for _, fs := range fields {
		r.Fields = append(r.Fields, b.fill(fs))
	}
	last.Rows = append(last.Rows, r)
}

func (b *rbuilder) input(name, labelKey, hintKey, class string) {
	b.add(rfield{Name: name, Label: b.p.T(labelKey), Hint: b.t(hintKey), Type: "text", Class: class})
}

// pair lays out a text in bokmål and English, each field marked with its language.
func (b *rbuilder) pair(base, labelKey, hintKey string, rows int) {
	for _, fs := range pairFields(b.p, base, labelKey, hintKey, rows) {
		b.add(fs)
	}
}

func pairFields(p *page, base, labelKey, hintKey string, rows int) []rfield {
	label := p.T(labelKey)
	var out []rfield
	for i, lang := range []string{"nb", "en"} {
		fs := rfield{Name: base + "_" + lang, Label: p.T("editor.in_"+lang, "label", label), Type: "text", Lang: lang}
		if i == 0 && hintKey != "" {
			fs.Hint = p.T(hintKey)
		}
		if rows > 0 {
			fs.Type, fs.Rows = "textarea", rows
		}
		out = append(out, fs)
	}
	return out
}

func (b *rbuilder) choose(name, labelKey, hintKey string, opts []ropt) {
	b.add(rfield{Name: name, Label: b.p.T(labelKey), Hint: b.t(hintKey), Type: "select", Options: opts})
}

// registerFormPage is every register form page (register-form.html): a form in fieldsets, and
// the panels some pages add (an engagement's partners, the exchange rates).
type registerFormPage struct {
	*page
	Eyebrow, Heading, Lead string
	Notice                 string
	Problem                string // a refusal that concerns no one field
	Conflict               *conflictView
	Form                   *eform
	Errors                 []fieldError // the summary at the top, in the order of the fields
	Action, Submit, Cancel string
	Hidden                 []hiddenField
	Sets                   []rset
	FormHeading            string // a heading over the form, when the page has more than it
	Partners               *regPartnersPanel
	Rates                  *regRatesPanel
	Same                   *regSameActor // the registered actor a new entry is the same as
}

// regSameActor is an actor found again while registering a new one, with what can be done with it.
type regSameActor struct {
	Actor          *utsyn.Actor
	Href, Country  string
	AddAction      string // to add it as a partner instead, on an engagement's partners page
	AddRole, AddTo string
	Version        int
}

// finish lays the fieldsets on the page and the summary of their mistakes, in their order.
func (fp *registerFormPage) finish(sets []rset) {
	fp.Sets = sets
	if msg := fp.Form.Err(""); msg != "" {
		fp.Errors = append(fp.Errors, fieldError{Message: msg})
	}
	add := func(fs rfield) {
		if fs.Error != "" {
			id := fs.Name
			if fs.Type == "checkboxes" {
				id = firstOption(fs)
			}
			fp.Errors = append(fp.Errors, fieldError{Field: id, Message: fs.Label + ": " + fs.Error})
		}
	}
	for _, set := range sets {
		for _, fs := range set.Fields {
			add(fs)
		}
		for _, row := range set.Rows {
			for _, fs := range row.Fields {
				if fs.Error != "" {
					fp.Errors = append(fp.Errors, fieldError{Field: fs.Name, Message: row.Legend + ", " + strings.ToLower(fs.Label) + ": " + fs.Error})
				}
			}
		}
	}
	for _, name := range fp.Form.order { // a problem of a field not on this form
		if name != "" && !slices.ContainsFunc(fp.Errors, func(e fieldError) bool { return e.Field == name }) {
			fp.Errors = append(fp.Errors, fieldError{Message: fp.Form.Err(name)})
		}
	}
}

func firstOption(fs rfield) string {
	if len(fs.Options) > 0 {
		return fs.Options[0].ID
	}
	for _, g := range fs.Groups {
		if len(g.Options) > 0 {
			return g.Options[0].ID
		}
	}
	return fs.Name
}

// conflictOf compares, field by field, what was typed with what is stored now.
func conflictOf(typed, stored []rset) *conflictView {
	cv := &conflictView{}
	now := map[string]rfield{}
	for _, set := range stored {
		for _, fs := range set.Fields {
			now[fs.Name] = fs
		}
		for _, row := range set.Rows {
			for _, fs := range row.Fields {
				now[fs.Name] = fs
			}
		}
	}
	compare := func(prefix string, fs rfield) {
		st, ok := now[fs.Name]
		if !ok {
			st = rfield{Type: fs.Type, Options: fs.Options, Groups: fs.Groups}
		}
		if st.shown() != fs.shown() {
			cv.Rows = append(cv.Rows, conflictRow{Label: prefix + fs.Label, Stored: st.shown(), Yours: fs.shown()})
		}
	}
	for _, set := range typed {
		for _, fs := range set.Fields {
			compare("", fs)
		}
		for _, row := range set.Rows {
			for _, fs := range row.Fields {
				compare(row.Legend+": ", fs)
			}
		}
	}
	return cv
}

// lastChange names who changed a record last, and when, for a conflict.
func (s *Server) lastChange(ctx context.Context, p *page, cv *conflictView, entity string, id int64) {
	if events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: entity, EntityID: id, Limit: 1}); err == nil && len(events) > 0 {
		cv.By, cv.At = events[0].ActorLabel, p.When(events[0].At)
	}
}

// isStaleVersion reports whether err is the store's refusal of a stale version.
func isStaleVersion(err error) bool {
	return store.IsStale(err) || utsyn.ErrorCode(err) == utsyn.ECONFLICT && utsyn.ErrorMessage(err) == "error.conflict"
}

// Labels of the register's codes.

func (p *page) KindLabel(kind string) string        { return p.tOr("engagement.kind."+kind, kind) }
func (p *page) EStatusLabel(status string) string   { return p.tOr("engagement.status."+status, status) }
func (p *page) PartnerRoleLabel(role string) string { return p.tOr("partner.role."+role, role) }
func (p *page) ActorTypeLabel(t string) string      { return p.tOr("actor.type."+t, t) }
func (p *page) MoneyKindLabel(kind string) string   { return p.tOr("money.kind."+kind, kind) }

// CountryName names a country in the page's language, or gives its code.
func (p *page) CountryName(code string) string {
	if c, ok := places.Lookup(code); ok {
		return c.Name(string(p.Lang))
	}
	return code
}

// EStatusTag shows an engagement's status as a tag with a word, never colour alone.
func (p *page) EStatusTag(status string) template.HTML {
	return template.HTML(`<span class="tag tag-e-` + template.HTMLEscapeString(status) + `">` +
		template.HTMLEscapeString(p.EStatusLabel(status)) + `</span>`)
}

// Money formats an amount with its currency, the reader's way.
func (p *page) FormatMoney(m utsyn.Money) string {
	return i18n.FormatMoney(p.Lang, m.Amount(), m.Currency)
}

func kindOptions(p *page, empty string) []ropt {
	var out []ropt
	if empty != "" {
		out = append(out, ropt{Value: "", Label: empty})
	}
	for _, k := range utsyn.EngagementKinds {
		out = append(out, ropt{Value: k, Label: p.KindLabel(k)})
	}
	return out
}

func statusOptions(p *page, empty string) []ropt {
	var out []ropt
	if empty != "" {
		out = append(out, ropt{Value: "", Label: empty})
	}
	for _, st := range utsyn.EngagementStatuses {
		out = append(out, ropt{Value: st, Label: p.EStatusLabel(st)})
	}
	return out
}

func termChoices(p *page, terms []utsyn.Term, empty string) []ropt {
	out := []ropt{{Value: "", Label: empty}}
	for _, t := range terms {
		out = append(out, ropt{Value: strconv.FormatInt(t.ID, 10), Label: capitalise(p.S(t.Name))})
	}
	return out
}

func userName(u *utsyn.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

func userChoices(p *page, users []*utsyn.User, empty string) []ropt {
	out := []ropt{{Value: "", Label: empty}}
	for _, u := range users {
		label := u.Email
		if u.Name != "" {
			label = u.Name + " (" + u.Email + ")"
		}
		out = append(out, ropt{Value: strconv.FormatInt(u.ID, 10), Label: label})
	}
	return out
}

// registerChoices are what the register's forms and filters offer: the strategies' elements,
// the vocabularies, the organisation's people, and the programmes and countries in use.
type registerChoices struct {
	trees        []*utsyn.Tree
	roles, forms []utsyn.Term
	users        []*utsyn.User
	inUse        *store.RegisterChoices
	// filter holds, per language, the list filter's longest lists of options (read only): made
	// on every page of the list, the countries in use sorted by name were a tenth of its time.
	filter map[i18n.Lang]filterChoices
	// terms and strategy are what the API says of an engagement's terms and strategy elements
	// (apiEngagementView), made from the above rather than asked for on every request.
	terms    apiTerms
	strategy map[int64]*utsyn.Strategy // of each element, by its id
	// written are the list's pages as written (registerList), the public list of work's
	// (publicWorkList), and as the API encodes them (apiEngagements): the same for everyone
	// with the same rights who asks in one state of
	// the records, where writing them was most of a page's time. kept counts the bytes
	// written of every organisation's choices.
	writtenMu sync.Mutex
	written   map[string]string
	kept      *atomic.Int64
}

// writtenBytes is as many bytes written as the choices of all organisations keep together;
// an organisation's start again when the rest would pass it. A page's rows are some 30 kB.
const writtenBytes = 32 << 20

// writtenOf returns what is kept written for key, or what write writes, then kept.
func (c *registerChoices) writtenOf(key string, write func() (string, error)) (string, error) {
	c.writtenMu.Lock()
	w, ok := c.written[key]
	c.writtenMu.Unlock()
	if ok {
		return w, nil
	}
	w, err := write()
	if err != nil {
		return "", err
	}
	c.writtenMu.Lock()
	defer c.writtenMu.Unlock()
	if c.kept.Load()+int64(len(w)) > writtenBytes {
		c.forget()
	}
	if c.kept.Load()+int64(len(w)) <= writtenBytes {
		if c.written == nil {
			c.written = map[string]string{}
		}
		c.written[key] = w
		c.kept.Add(int64(len(w)))
	}
	return w, nil
}

// forget forgets what was written. The caller holds c.writtenMu.
func (c *registerChoices) forget() {
	for _, h := range c.written {
		c.kept.Add(-int64(len(h)))
	}
	c.written = nil
}

// filterChoices are the register filter's options in one language, the choice of all first in
// each list, and each select's options as written with none selected (written, by the field's
// name): the same on every page of the list, where making them, and escaping every label, was
// a sixth of a page written anew.
type filterChoices struct {
	all                                  ropt // the choice of all
	kinds, statuses, roles, users, sorts []ropt
	elements                             []rgroup
	countries, programmes                []ropt // those in use, countries in the language's order
	written                              map[string]string
}

func newFilterChoices(p *page, c *registerChoices) filterChoices {
	all := p.T("register.filter.all")
	fc := filterChoices{all: ropt{Value: "", Label: all}, kinds: kindOptions(p, all), statuses: statusOptions(p, all),
		elements: c.elementGroups(p), countries: append([]ropt{{Value: "", Label: all}}, countryOptions(p.Lang, c.inUse.Countries)...),
		programmes: []ropt{{Value: "", Label: all}}, roles: termChoices(p, c.roles, all), users: userChoices(p, c.users, all),
		sorts: []ropt{{Value: "", Label: p.T("register.sort.updated")}, {Value: "title", Label: p.T("register.sort.title")},
			{Value: "start", Label: p.T("register.sort.start")}}}
	for _, pr := range c.inUse.Programmes {
		fc.programmes = append(fc.programmes, ropt{Value: pr, Label: pr})
	}
	fc.written = map[string]string{}
	for name, opts := range map[string][]ropt{qKind: fc.kinds, qStatus: fc.statuses, qCountry: fc.countries,
		qProgramme: fc.programmes, qRole: fc.roles, qResponsible: fc.users, qSort: fc.sorts} {
		fc.written[name] = writeOptions(opts, nil)
	}
	fc.written[qElement] = writeOptions([]ropt{fc.all}, fc.elements)
	return fc
}

// countryOptions are the countries of the codes, sorted as the language sorts their names.
func countryOptions(lang i18n.Lang, codes []string) []ropt {
	var out []ropt
	for cc := range places.InOrder(string(lang)) {
		if slices.Contains(codes, cc.Code) {
			out = append(out, ropt{Value: cc.Code, Label: cc.Name(string(lang))})
		}
	}
	return out
}

// registerChoices returns the organisation's choices, read again when its records changed
// (store.ChangeStamp) or are older than choicesMaxAge: every page of the register's list
// offers them, and reading them (the strategies' trees, the vocabularies, the people, what is
// in use) was a tenth of a list page's time at 100,000 engagements. The choices are shared by
// the requests and never changed after they are read.
func (s *Server) registerChoices(ctx context.Context, orgID int64) (*registerChoices, error) {
	stamp, err := s.db.ChangeStamp(ctx, orgID)
	if err != nil {
		return nil, err
	}
	s.choices.mu.Lock()
	e, ok := s.choices.entries[orgID]
	s.choices.mu.Unlock()
	if ok && e.stamp == stamp && s.now().Sub(e.read) < choicesMaxAge {
		return e.choices, nil
	}
	read := s.now()
	c, err := s.readRegisterChoices(ctx, orgID)
	if err != nil {
		return nil, err
	}
	c.kept = &s.choices.written
	s.choices.mu.Lock()
	old, replaced := s.choices.entries[orgID]
	s.choices.entries[orgID] = choicesEntry{stamp: stamp, read: read, choices: c}
	s.choices.mu.Unlock()
	if replaced {
		old.choices.writtenMu.Lock()
		old.choices.forget()
		old.choices.writtenMu.Unlock()
	}
	return c, nil
}

// choicesCache keeps each organisation's register choices (Server.registerChoices).
type choicesCache struct {
	mu      sync.Mutex
	entries map[int64]choicesEntry
	written atomic.Int64 // bytes that every organisation's choices keep written (registerChoices.writtenOf)
}

type choicesEntry struct {
	stamp   string
	read    time.Time
	choices *registerChoices
}

// choicesMaxAge bounds how long choices are kept even when the stamp stays: on PostgreSQL a
// transaction can commit an event older than the newest one seen, which the stamp would miss.
const choicesMaxAge = time.Minute

func (s *Server) readRegisterChoices(ctx context.Context, orgID int64) (*registerChoices, error) {
	c := &registerChoices{}
	strategies, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: orgID})
	if err != nil {
		return nil, err
	}
	for _, st := range strategies {
		full, err := s.db.FindStrategyByID(ctx, st.ID) // with its levels
		if err != nil {
			return nil, err
		}
		tree, err := s.db.FindTree(ctx, full)
		if err != nil {
			return nil, err
		}
		c.trees = append(c.trees, tree)
	}
	if c.roles, err = s.db.ListTerms(ctx, orgID, utsyn.VocabRole); err != nil {
		return nil, err
	}
	if c.forms, err = s.db.ListTerms(ctx, orgID, utsyn.VocabWorkingForm); err != nil {
		return nil, err
	}
	if c.users, err = s.db.ListUsers(ctx, orgID); err != nil {
		return nil, err
	}
	slices.SortFunc(c.users, func(a, b *utsyn.User) int {
		return strings.Compare(strings.ToLower(userName(a)), strings.ToLower(userName(b)))
	})
	if c.inUse, err = s.db.RegisterChoices(ctx, orgID); err != nil {
		return nil, err
	}
	c.terms = newAPITerms(map[string][]utsyn.Term{utsyn.VocabRole: c.roles, utsyn.VocabWorkingForm: c.forms})
	c.strategy = map[int64]*utsyn.Strategy{}
	for _, tree := range c.trees {
		for _, e := range tree.Elements {
			c.strategy[e.ID] = tree.Strategy
		}
	}
	c.filter = map[i18n.Lang]filterChoices{}
	for _, lang := range i18n.Langs {
		c.filter[lang] = newFilterChoices(&page{Lang: lang, cat: s.cat}, c)
	}
	return c, nil
}

// elementGroups are the strategies' elements, a group a strategy, each element indented by its
// depth in the tree.
func (c *registerChoices) elementGroups(p *page) []rgroup {
	var out []rgroup
	for _, tree := range c.trees {
		g := rgroup{Label: p.S(tree.Strategy.Title)}
		depth := map[int64]int{}
		for _, e := range tree.Elements {
			if e.ParentID != 0 {
				depth[e.ID] = depth[e.ParentID] + 1
			}
			label := short(p.S(e.Title), 110)
			if e.Code != "" {
				label = e.Code + " " + label
			} else if l := tree.Level(e.LevelID); l != nil {
				label = capitalise(p.S(l.Name)) + ": " + label
			}
			g.Options = append(g.Options, ropt{Value: strconv.FormatInt(e.ID, 10), Label: label, Depth: min(depth[e.ID], 4)})
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// findElement finds one of the organisation's elements with its strategy.
func (c *registerChoices) findElement(id int64) (*utsyn.Tree, *utsyn.Element) {
	for _, tree := range c.trees {
		for _, e := range tree.Elements {
			if e.ID == id {
				return tree, e
			}
		}
	}
	return nil, nil
}

// checkElements fails, beside the field that names it, a strategy element that is not one of
// the organisation's (the store refuses it too, but cannot say which field named it).
func (c *registerChoices) checkElements(p *page, f *engagementForm, e *utsyn.Engagement) {
	for _, ref := range e.Elements {
		if _, el := c.findElement(ref.ElementID); el == nil {
			name := "elements"
			if ref.Primary {
				name = "primary"
			}
			f.Fail(name, p.T("error.reference"))
		}
	}
}

func (c *registerChoices) termName(p *page, id int64) string {
	for _, t := range slices.Concat(c.roles, c.forms) {
		if t.ID == id {
			return capitalise(p.S(t.Name))
		}
	}
	return ""
}

func (c *registerChoices) userName(id int64) string {
	for _, u := range c.users {
		if u.ID == id {
			return userName(u)
		}
	}
	return ""
}

// Who may change what.

// canChange reports whether the page's actor may change the engagement: editors change every
// engagement, contributors those they are responsible for.
func canChange(p *page, e *utsyn.Engagement) bool {
	a := p.Actor
	if a.Can(p.Org.ID, utsyn.RoleEditor) {
		return true
	}
	return a.Can(p.Org.ID, utsyn.RoleContributor) && a.User != nil && e.Responsible == a.User.ID
}

var errNotResponsible = &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "register.error.not_responsible"}

// CanCreate reports whether the page's actor may register engagements and actors.
func (p *page) CanCreate() bool { return p.Org != nil && p.Actor.Can(p.Org.ID, utsyn.RoleContributor) }

// findEngagementOf finds the engagement of the path in the page's organisation.
func (s *Server) findEngagementOf(r *http.Request, p *page) (*utsyn.Engagement, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.db.FindEngagement(r.Context(), p.Org.ID, id)
}

// findChangeable finds the engagement of the path and refuses one the actor may not change.
func (s *Server) findChangeable(r *http.Request, p *page) (*utsyn.Engagement, error) {
	e, err := s.findEngagementOf(r, p)
	if err != nil {
		return nil, err
	}
	if !canChange(p, e) {
		return nil, errNotResponsible
	}
	return e, nil
}

func registerBase(p *page) string { return p.Href(p.Org.Slug, "engasjementer") }

// registerHome is the register's list. It ends in a slash: a path of two segments after the
// language, /{org}/engasjementer, would clash with /logg-inn/{org}, and the mux sends it here.
func registerHome(p *page) string { return registerBase(p) + "/" }

func engagementBase(p *page, id int64) string {
	return registerBase(p) + "/" + strconv.FormatInt(id, 10)
}

// engagementName is an engagement's title, with its acronym when the title lacks it.
func engagementName(p *page, e *utsyn.Engagement) string { return titled(p, e.Title, e.Acronym) }

// titled is an engagement's name of its title and acronym, as engagementName gives it.
func titled(p *page, title utsyn.Text, acronym string) string {
	t := p.S(title)
	if acronym != "" && !strings.Contains(t, acronym) {
		return acronym + " – " + t
	}
	return t
}
