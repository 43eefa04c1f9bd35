package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
}

func (s *Server) registerChoices(ctx context.Context, orgID int64) (*registerChoices, error) {
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
func engagementName(p *page, e *utsyn.Engagement) string {
	title := p.S(e.Title)
	if e.Acronym != "" && !strings.Contains(title, e.Acronym) {
		return e.Acronym + " – " + title
	}
	return title
}

// The engagement form.

var engagementFields = []string{"version", "kind", "status", "title_nb", "title_en", "acronym", "description_nb",
	"description_en", "start", "end", "unit", "responsible", "role", "working_form", "programme", "call", "public", "tags",
	"external_cordis", "external_keep_eu", "external_erasmus", "external_eea_grants", "primary",
	"fee_amount", "fee_currency", "decision_body", "decision_date", "decision_case", "renewal_date"}

// The rows that repeat: each group's fields are named GROUP_PART_N, N from 0.
var engagementRows = []struct {
	group string
	parts []string
}{
	{"link", []string{"url", "label"}},
	{"seat", []string{"body", "kind", "holder"}},
	{"review", []string{"date", "outcome", "rationale_nb", "rationale_en"}},
}

const maxRows = 50

func rowName(group, part string, i int) string { return group + "_" + part + "_" + strconv.Itoa(i) }

// engagementAliases put the store's problems beside the fields of the form.
var engagementAliases = map[string]string{"period_end": "end", "annual_fee": "fee_amount", "links": "link_url_0",
	"seats": "seat_body_0", "reviews": "review_date_0", "partners": "", "sdgs": "sdgs", "elements": "elements"}

// engagementForm is the engagement form's input, with the number of rows of each group.
type engagementForm struct {
	*eform
	rows map[string]int
}

func newEngagementForm() *engagementForm {
	return &engagementForm{eform: newEform(engagementFields, "elements", "sdgs"), rows: map[string]int{}}
}

func (f *engagementForm) setRow(group string, i int, values ...string) {
	for j, part := range engagementRowParts(group) {
		name := rowName(group, part, i)
		f.known[name] = true
		if j < len(values) {
			f.Values[name] = values[j]
		} else {
			f.Values[name] = ""
		}
	}
	f.rows[group] = max(f.rows[group], i+1)
}

func engagementRowParts(group string) []string {
	for _, g := range engagementRows {
		if g.group == group {
			return g.parts
		}
	}
	return nil
}

// readEngagementForm reads a submitted engagement form and its rows.
func readEngagementForm(r *http.Request) (*engagementForm, error) {
	ef, err := readEform(r, engagementFields, "elements", "sdgs")
	if err != nil {
		return nil, err
	}
	f := &engagementForm{eform: ef, rows: map[string]int{}}
	for _, g := range engagementRows {
		for i := range maxRows {
			present := false
			values := make([]string, len(g.parts))
			for j, part := range g.parts {
				vs, ok := r.PostForm[rowName(g.group, part, i)]
				if !ok {
					continue
				}
				present = true
				if len(vs) > 0 {
					if !utf8.ValidString(vs[0]) {
						return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.encoding"}
					}
					values[j] = strings.TrimSpace(strings.ReplaceAll(vs[0], "\r\n", "\n"))
				}
			}
			if !present {
				break
			}
			f.setRow(g.group, i, values...)
		}
	}
	return f, nil
}

// engagementValues fills the form with a stored engagement.
func engagementValues(e *utsyn.Engagement) *engagementForm {
	f := newEngagementForm()
	v := f.Values
	v["version"] = strconv.Itoa(e.Version)
	v["kind"], v["status"], v["acronym"], v["unit"], v["programme"], v["call"] = e.Kind, e.Status, e.Acronym, e.Unit, e.Programme, e.Call
	f.setText("title", e.Title)
	f.setText("description", e.Description)
	v["start"], v["end"] = e.Start.String(), e.End.String()
	for name, id := range map[string]int64{"responsible": e.Responsible, "role": e.RoleTermID, "working_form": e.FormTermID} {
		if id != 0 {
			v[name] = strconv.FormatInt(id, 10)
		}
	}
	if e.Public {
		v["public"] = "1"
	}
	v["tags"] = strings.Join(e.Tags, ", ")
	for scheme, id := range e.ExternalIDs {
		v["external_"+scheme] = id
	}
	for _, g := range e.SDGs {
		f.Multi["sdgs"] = append(f.Multi["sdgs"], strconv.Itoa(g))
	}
	for _, el := range e.Elements {
		if el.Primary {
			v["primary"] = strconv.FormatInt(el.ElementID, 10)
		} else {
			f.Multi["elements"] = append(f.Multi["elements"], strconv.FormatInt(el.ElementID, 10))
		}
	}
	for i, l := range e.Links {
		f.setRow("link", i, l.URL, l.Label)
	}
	v["fee_currency"] = "NOK"
	if m := e.Membership; m != nil {
		if m.AnnualFee.Minor != 0 {
			v["fee_amount"] = amountString(m.AnnualFee.Minor)
			v["fee_currency"] = m.AnnualFee.Currency
		}
		v["decision_body"], v["decision_case"] = m.DecisionBody, m.DecisionCase
		v["decision_date"], v["renewal_date"] = m.DecisionDate.String(), m.RenewalDate.String()
		for i, st := range m.Seats {
			f.setRow("seat", i, st.Body, st.Kind, st.Holder)
		}
		for i, rv := range m.Reviews {
			f.setRow("review", i, rv.Date.String(), rv.Outcome, rv.Rationale["nb"], rv.Rationale["en"])
		}
	}
	return f
}

// amountString writes minor units as a plain decimal an input shows: "1234.5" → "1234,50".
func amountString(minor int64) string {
	s := strconv.FormatInt(minor/100, 10)
	if c := minor % 100; c != 0 {
		s += fmt.Sprintf(",%02d", c)
	}
	return s
}

// parseAmount reads an amount as people type it ("1 234,50", "1234.5", "kr 1 234") into minor
// units. ok is false for anything else, or more than two decimals.
func parseAmount(s string) (minor int64, ok bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "kr"))
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2212", "-").Replace(s)
	if s == "" {
		return 0, false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac := s, ""
	if i := strings.LastIndexAny(s, ",."); i >= 0 && len(s)-i-1 <= 2 {
		whole, frac = s[:i], s[i+1:]
	}
	whole = strings.NewReplacer(",", "", ".", "").Replace(whole) // thousands separators
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	if len(whole) > 15 {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	c, _ := strconv.ParseInt(frac, 10, 64)
	minor = n*100 + c
	if neg {
		minor = -minor
	}
	return minor, true
}

// parseDecimal reads a decimal number with a comma or a point ("37,5"); ok is false otherwise.
func parseDecimal(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u2212", "-").Replace(strings.TrimSpace(s))
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// engagementFrom reads an engagement from its form; what cannot be read is failed on the form.
func engagementFrom(p *page, f *engagementForm) *utsyn.Engagement {
	e := &utsyn.Engagement{
		Kind: f.Get("kind"), Status: f.Get("status"), Title: f.text("title"), Description: f.text("description"),
		Acronym: f.Get("acronym"), Unit: f.Get("unit"), Programme: f.Get("programme"), Call: f.Get("call"),
		Start: f.date(p, "start"), End: f.date(p, "end"),
		Responsible: f.id(p, "responsible"), RoleTermID: f.id(p, "role"), FormTermID: f.id(p, "working_form"),
		Public: f.Get("public") == "1", ExternalIDs: map[string]string{},
	}
	if !slices.Contains(utsyn.EngagementKinds, e.Kind) {
		f.Fail("kind", p.T("register.error.kind"))
	} else if e.Status != "" && !slices.Contains(utsyn.StatusesFor(e.Kind), e.Status) {
		var allowed []string
		for _, st := range utsyn.StatusesFor(e.Kind) {
			allowed = append(allowed, strings.ToLower(p.EStatusLabel(st)))
		}
		f.Fail("status", p.T("register.error.status_for_kind", "kind", strings.ToLower(p.KindLabel(e.Kind)), "statuses", strings.Join(allowed, ", ")))
	}
	if e.Status == "" {
		f.Fail("status", p.T("register.error.status"))
	}
	for _, t := range strings.FieldsFunc(f.Get("tags"), func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		e.Tags = append(e.Tags, strings.TrimSpace(t))
	}
	for _, v := range f.Multi["sdgs"] {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 17 {
			f.Fail("sdgs", p.T("error.sdg"))
			continue
		}
		e.SDGs = append(e.SDGs, n)
	}
	for _, scheme := range utsyn.ExternalIDSchemes {
		if v := f.Get("external_" + scheme); v != "" {
			e.ExternalIDs[scheme] = v
		}
	}
	primary := f.id(p, "primary")
	for _, id := range f.ids(p, "elements") {
		if id != primary {
			e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: id})
		}
	}
	if primary != 0 {
		e.Elements = append([]utsyn.ElementRef{{ElementID: primary, Primary: true}}, e.Elements...)
	}
	for i := range f.rows["link"] {
		u, label := f.Get(rowName("link", "url", i)), f.Get(rowName("link", "label", i))
		switch {
		case u == "" && label == "":
			continue
		case u == "":
			f.Fail(rowName("link", "url", i), p.T("register.error.link_url"))
		case !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") || len(u) > 2000:
			f.Fail(rowName("link", "url", i), p.T("error.url"))
		}
		e.Links = append(e.Links, utsyn.Link{URL: u, Label: label})
	}
	if e.Kind == utsyn.KindMembership {
		e.Membership = membershipFrom(p, f)
	}
	return e
}

func membershipFrom(p *page, f *engagementForm) *utsyn.MembershipFacts {
	m := &utsyn.MembershipFacts{DecisionBody: f.Get("decision_body"), DecisionCase: f.Get("decision_case"),
		DecisionDate: f.date(p, "decision_date"), RenewalDate: f.date(p, "renewal_date")}
	if s := f.Get("fee_amount"); s != "" {
		minor, ok := parseAmount(s)
		switch {
		case !ok:
			f.Fail("fee_amount", p.T("register.error.amount"))
		case minor < 0:
			f.Fail("fee_amount", p.T("error.negative"))
		}
		m.AnnualFee = utsyn.Money{Minor: minor, Currency: f.Get("fee_currency")}
		if !slices.Contains(utsyn.Currencies, m.AnnualFee.Currency) {
			f.Fail("fee_currency", p.T("error.currency"))
		}
	}
	for i := range f.rows["seat"] {
		body, kind, holder := f.Get(rowName("seat", "body", i)), f.Get(rowName("seat", "kind", i)), f.Get(rowName("seat", "holder", i))
		if body == "" && holder == "" {
			continue // a kind alone is the select's default, not input
		}
		if body == "" {
			f.Fail(rowName("seat", "body", i), p.T("register.error.seat_body"))
		}
		if kind != "political" && kind != "administrative" {
			f.Fail(rowName("seat", "kind", i), p.T("register.error.seat_kind"))
		}
		m.Seats = append(m.Seats, utsyn.Seat{Body: body, Kind: kind, Holder: holder})
	}
	for i := range f.rows["review"] {
		date, outcome := f.Get(rowName("review", "date", i)), f.Get(rowName("review", "outcome", i))
		rationale := utsyn.NewText(f.Get(rowName("review", "rationale_nb", i)), f.Get(rowName("review", "rationale_en", i)))
		if date == "" && outcome == "" && rationale.IsZero() {
			continue
		}
		d := f.date(p, rowName("review", "date", i))
		if date == "" {
			f.Fail(rowName("review", "date", i), p.T("register.error.review_date"))
		}
		if !slices.Contains([]string{"continue", "change", "leave"}, outcome) {
			f.Fail(rowName("review", "outcome", i), p.T("register.error.review_outcome"))
		}
		m.Reviews = append(m.Reviews, utsyn.Review{Date: d, Outcome: outcome, Rationale: rationale})
	}
	return m
}

// engagementSets lays out the engagement form.
func engagementSets(p *page, f *engagementForm, c *registerChoices) []rset {
	b := &rbuilder{p: p, f: f.eform}

	b.set("om", "register.form.about", "")
	b.choose("kind", "register.field.kind", "register.hint.kind", kindOptions(p, p.T("register.choose")))
	b.pair("title", "register.field.title", "register.hint.title", 0)
	b.input("acronym", "register.field.acronym", "register.hint.acronym", "input-short")
	b.pair("description", "register.field.description", "register.hint.description", 5)

	b.set("periode", "register.form.status", "")
	b.choose("status", "register.field.status", "register.hint.status", statusOptions(p, p.T("register.choose")))
	b.input("start", "register.field.start", "register.hint.date", "input-short")
	b.input("end", "register.field.end", "register.hint.date", "input-short")

	b.set("ansvar", "register.form.responsibility", "")
	b.input("unit", "register.field.unit", "register.hint.unit", "")
	b.choose("responsible", "register.field.responsible", "register.hint.responsible", userChoices(p, c.users, p.T("register.nobody")))
	b.choose("role", "register.field.role", "register.hint.role", termChoices(p, c.roles, p.T("register.not_set")))
	b.choose("working_form", "register.field.working_form", "register.hint.working_form", termChoices(p, c.forms, p.T("register.not_set")))

	b.set("program", "register.form.programme", "")
	b.input("programme", "register.field.programme", "register.hint.programme", "")
	b.input("call", "register.field.call", "register.hint.call", "")
	for _, scheme := range utsyn.ExternalIDSchemes {
		b.input("external_"+scheme, "register.field.external_"+scheme, "register.hint.external_"+scheme, "input-short")
	}

	b.set("strategi", "register.form.strategy", "register.hint.strategy")
	groups := c.elementGroups(p)
	primary := []ropt{{Value: "", Label: p.T("register.none")}}
	b.add(rfield{Name: "primary", Label: p.T("register.field.primary"), Hint: p.T("register.hint.primary"), Type: "select", Options: primary, Groups: groups})
	b.add(rfield{Name: "elements", Label: p.T("register.field.elements"), Hint: p.T("register.hint.elements"), Type: "checkboxes",
		Groups: groups, Empty: p.T("register.no_elements")})

	b.set("merking", "register.form.tags", "")
	b.input("tags", "register.field.tags", "register.hint.tags", "")
	var sdgs []ropt
	for n := 1; n <= 17; n++ {
		sdgs = append(sdgs, ropt{Value: strconv.Itoa(n), Label: p.T("register.sdg", "number", n, "name", p.T("sdg."+strconv.Itoa(n)))})
	}
	b.add(rfield{Name: "sdgs", Label: p.T("register.field.sdgs"), Hint: p.T("register.hint.sdgs"), Type: "checkboxes", Options: sdgs})
	b.add(rfield{Name: "public", Label: p.T("register.field.public"), Hint: p.T("register.hint.public"), Type: "checkbox"})

	b.set("lenker", "register.form.links", "register.hint.links")
	for i := range max(f.rows["link"]+2, 2) {
		f.setRowIfMissing("link", i)
		b.row(p.T("register.link_n", "n", i+1),
			rfield{Name: rowName("link", "url", i), Label: p.T("register.field.link_url"), Type: "url", Inputmode: "url"},
			rfield{Name: rowName("link", "label", i), Label: p.T("register.field.link_label"), Type: "text"})
	}

	b.set("medlemskap", "register.form.membership", "register.hint.membership")
	b.input("fee_amount", "register.field.fee_amount", "register.hint.amount", "input-short")
	b.choose("fee_currency", "register.field.currency", "", currencyOptions())
	b.input("decision_body", "register.field.decision_body", "register.hint.decision_body", "")
	b.input("decision_date", "register.field.decision_date", "register.hint.date", "input-short")
	b.input("decision_case", "register.field.decision_case", "", "input-short")
	b.input("renewal_date", "register.field.renewal_date", "register.hint.date", "input-short")
	seatKinds := []ropt{{Value: "political", Label: p.T("seat.kind.political")}, {Value: "administrative", Label: p.T("seat.kind.administrative")}}
	for i := range max(f.rows["seat"]+2, 2) {
		f.setRowIfMissing("seat", i)
		b.row(p.T("register.seat_n", "n", i+1),
			rfield{Name: rowName("seat", "body", i), Label: p.T("register.field.seat_body"), Type: "text"},
			rfield{Name: rowName("seat", "kind", i), Label: p.T("register.field.seat_kind"), Type: "select", Options: seatKinds},
			rfield{Name: rowName("seat", "holder", i), Label: p.T("register.field.seat_holder"), Type: "text"})
	}
	outcomes := []ropt{{Value: "", Label: p.T("register.choose")}}
	for _, o := range []string{"continue", "change", "leave"} {
		outcomes = append(outcomes, ropt{Value: o, Label: p.T("review.outcome." + o)})
	}
	for i := range max(f.rows["review"]+1, 1) {
		f.setRowIfMissing("review", i)
		fields := []rfield{
			{Name: rowName("review", "date", i), Label: p.T("register.field.review_date"), Hint: p.T("register.hint.date"), Type: "text", Class: "input-short"},
			{Name: rowName("review", "outcome", i), Label: p.T("register.field.review_outcome"), Type: "select", Options: outcomes},
		}
		for _, fs := range pairFields(p, "review_rationale", "register.field.review_rationale", "", 3) {
			fs.Name = rowName("review", "rationale_"+fs.Lang, i)
			fields = append(fields, fs)
		}
		b.row(p.T("register.review_n", "n", i+1), fields...)
	}
	return b.sets
}

// setRowIfMissing offers an empty row where the form has none.
func (f *engagementForm) setRowIfMissing(group string, i int) {
	if i >= f.rows[group] {
		f.setRow(group, i)
	}
}

func currencyOptions() []ropt {
	var out []ropt
	for _, c := range utsyn.Currencies {
		out = append(out, ropt{Value: c, Label: c})
	}
	return out
}

// engagementEditor lays out the engagement form page: for a new engagement (e nil) or an edit.
func (s *Server) engagementEditor(p *page, e *utsyn.Engagement, f *engagementForm, c *registerChoices) *registerFormPage {
	fp := &registerFormPage{page: p, Form: f.eform, Eyebrow: p.T("register.title")}
	base := registerBase(p)
	if e == nil {
		fp.Heading, fp.Lead = p.T("register.new.title"), p.T("register.new.lead")
		fp.Action, fp.Cancel, fp.Submit = base+"/ny", base+"/", p.T("register.new.submit")
		fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: base + "/"}, {Label: fp.Heading}}
	} else {
		name := engagementName(p, e)
		fp.Heading = p.T("register.edit.title", "title", name)
		fp.Lead = p.T("register.edit.lead")
		eb := engagementBase(p, e.ID)
		fp.Action, fp.Cancel, fp.Submit = eb+"/rediger", eb, p.T("editor.save")
		fp.Hidden = []hiddenField{{"version", f.Get("version")}}
		fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: base + "/"},
			{Label: short(name, 60), Href: eb}, {Label: p.T("editor.edit")}}
	}
	fp.Title = fp.Heading
	fp.finish(engagementSets(p, f, c))
	return fp
}

func (s *Server) newEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	c, err := s.registerChoices(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	f := newEngagementForm()
	f.Values["kind"] = r.URL.Query().Get("type")
	f.Values["status"] = utsyn.StatusIdea
	f.Values["fee_currency"] = "NOK"
	if p.Actor.User != nil {
		f.Values["responsible"] = strconv.FormatInt(p.Actor.User.ID, 10)
	}
	s.render(w, r, "register-form", http.StatusOK, s.engagementEditor(p, nil, f, c))
	return nil
}

func (s *Server) createEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEngagementForm(r)
	if err != nil {
		return err
	}
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	e := engagementFrom(p, f)
	e.OrgID = p.Org.ID
	c.checkElements(p, f, e)
	err = s.save(ctx, p, f.eform, func(tx *store.Tx) error { return tx.CreateEngagement(ctx, e) })
	if err == nil {
		return seeOther(w, r, engagementBase(p, e.ID)+"?opprettet=1")
	}
	if !f.failWith(p, err, engagementAliases) {
		return err
	}
	s.render(w, r, "register-form", http.StatusUnprocessableEntity, s.engagementEditor(p, nil, f, c))
	return nil
}

func (s *Server) editEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	c, err := s.registerChoices(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	fp := s.engagementEditor(p, e, engagementValues(e), c)
	fp.Notice = noticeOf(r, p)
	s.render(w, r, "register-form", http.StatusOK, fp)
	return nil
}

func (s *Server) updateEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	stored, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEngagementForm(r)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	e := engagementFrom(p, f)
	e.ID, e.OrgID, e.Version = stored.ID, p.Org.ID, version
	c.checkElements(p, f, e)
	e.Partners, e.Example = stored.Partners, stored.Example // partners have a page of their own
	if e.Kind != utsyn.KindMembership && stored.Membership != nil && stored.Kind == utsyn.KindMembership {
		e.Membership = nil
	}
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	err = s.save(ctx, p, f.eform, func(tx *store.Tx) error { return tx.UpdateEngagement(ctx, e) })
	switch {
	case err == nil:
		return seeOther(w, r, engagementBase(p, e.ID)+"?lagret=1")
	case isStaleVersion(err):
		// Show the form again over what is stored now, with the typed input kept.
		if stored, err = s.findEngagementOf(r, p); err != nil {
			return err
		}
		conflict = conflictOf(engagementSets(p, f, c), engagementSets(p, engagementValues(stored), c))
		s.lastChange(ctx, p, conflict, "engagement", stored.ID)
		f.Values["version"] = strconv.Itoa(stored.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, engagementAliases):
		return err
	}
	fp := s.engagementEditor(p, stored, f, c)
	fp.Conflict = conflict
	s.render(w, r, "register-form", status, fp)
	return nil
}

// Deleting

func (s *Server) engagementConfirm(ctx context.Context, p *page, e *utsyn.Engagement) (*deletePage, error) {
	lines, err := s.db.ListMoneyLines(ctx, p.Org.ID, e.ID)
	if err != nil {
		return nil, err
	}
	eb := engagementBase(p, e.ID)
	name := engagementName(p, e)
	cp := &deletePage{page: p, Eyebrow: p.T("register.title"), Heading: p.T("register.delete.title", "title", short(name, 80)),
		Action: eb + "/slett", Submit: p.T("register.delete.submit"), Cancel: eb,
		Hidden: []hiddenField{{"version", strconv.Itoa(e.Version)}}, Warning: p.T("register.delete.warning")}
	cp.Facts = []deleteFact{{Label: p.T("register.field.title"), Text: e.Title}, {Label: p.T("register.field.kind"), Plain: p.KindLabel(e.Kind)},
		{Label: p.T("register.field.status"), Plain: p.EStatusLabel(e.Status)}}
	for _, pa := range e.Partners {
		cp.Goes = append(cp.Goes, p.T("register.delete.partner", "name", pa.Actor.Name, "role", strings.ToLower(p.PartnerRoleLabel(pa.Role))))
	}
	for _, m := range lines {
		cp.Goes = append(cp.Goes, p.T("register.delete.money", "year", m.Year, "kind", p.MoneyKindLabel(m.Kind), "amount", p.FormatMoney(m.Amount)))
	}
	if len(cp.Goes) > 0 {
		cp.GoesLabel = p.T("register.delete.goes")
	}
	cp.Title = cp.Heading
	cp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)},
		{Label: short(name, 60), Href: eb}, {Label: p.T("editor.delete")}}
	return cp, nil
}

func (s *Server) confirmDeleteEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	cp, err := s.engagementConfirm(r.Context(), p, e)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-confirm", http.StatusOK, cp)
	return nil
}

func (s *Server) deleteEngagement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.DeleteEngagement(ctx, p.Org.ID, e.ID, version) })
	if err == nil {
		return seeOther(w, r, registerHome(p)+"?slettet=1")
	}
	if !isStaleVersion(err) {
		return err
	}
	// Changed since the page was read: ask again, as it is now.
	if e, err = s.findEngagementOf(r, p); err != nil {
		return err
	}
	cp, err := s.engagementConfirm(ctx, p, e)
	if err != nil {
		return err
	}
	cp.Problem = p.T("editor.stale.confirm")
	s.render(w, r, "editor-confirm", http.StatusConflict, cp)
	return nil
}

// The history of an engagement: every change to it and to its money, newest first.
func (s *Server) engagementHistory(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findEngagementOf(r, p)
	if err != nil {
		return err
	}
	events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "engagement", EntityID: e.ID})
	if err != nil {
		return err
	}
	lines, err := s.db.ListMoneyLines(ctx, p.Org.ID, e.ID)
	if err != nil {
		return err
	}
	if len(lines) > 0 {
		moneyEvents, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "money"})
		if err != nil {
			return err
		}
		for _, ev := range moneyEvents {
			if slices.ContainsFunc(lines, func(m *utsyn.MoneyLine) bool { return m.ID == ev.EntityID }) {
				events = append(events, ev)
			}
		}
		sortEvents(events)
	}
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	for i := range events {
		for j, ch := range events[i].Changes {
			events[i].Changes[j].Before = s.shownChange(ctx, p, c, ch.Field, ch.Before)
			events[i].Changes[j].After = s.shownChange(ctx, p, c, ch.Field, ch.After)
		}
	}
	name := engagementName(p, e)
	s.history(w, r, p, events, short(name, 90), crumb{Label: short(name, 60), Href: engagementBase(p, e.ID)}, len(lines) > 0)
	return nil
}

// shownChange shows a stored value of the audit trail in words where it is a code or an id.
func (s *Server) shownChange(ctx context.Context, p *page, c *registerChoices, field, v string) string {
	if v == "" {
		return v
	}
	switch field {
	case "kind":
		if p.cat.Has("engagement.kind." + v) {
			return p.KindLabel(v)
		}
		return p.MoneyKindLabel(v)
	case "status":
		return p.EStatusLabel(v)
	case "public":
		return p.tOr("editor.bool."+v, v)
	case "role", "working_form":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			if name := c.termName(p, id); name != "" {
				return name
			}
		}
	case "responsible":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			if name := c.userName(id); name != "" {
				return name
			}
		}
	case "elements":
		var out []string
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSuffix(part, "*"), 10, 64)
			if err != nil {
				return v
			}
			label := part
			if _, el := c.findElement(id); el != nil {
				label = elementName(p, el)
			}
			if strings.HasSuffix(part, "*") {
				label += " (" + p.T("register.primary") + ")"
			}
			out = append(out, label)
		}
		return strings.Join(out, ", ")
	case "partners":
		var out []string
		for _, part := range strings.Split(v, ",") {
			idStr, role, _ := strings.Cut(part, ":")
			id, err := strconv.ParseInt(idStr, 10, 64)
			if err != nil {
				return v
			}
			name := idStr
			if a, err := s.db.FindActor(ctx, p.Org.ID, id); err == nil {
				name = a.Name
			}
			out = append(out, name+" ("+strings.ToLower(p.PartnerRoleLabel(role))+")")
		}
		return strings.Join(out, ", ")
	case "funder":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			if a, err := s.db.FindActor(ctx, p.Org.ID, id); err == nil {
				return a.Name
			}
		}
	}
	return v
}

// The list

// regListFilter is the register list's query: what the filter form sends.
type regListFilter struct {
	Kind, Status, Element, Country, Programme, Role, Year, Responsible, Query, Sort string
	After                                                                           string
	Page                                                                            int
}

// The query parameters of the list, in Norwegian like its path.
const (
	qKind, qStatus, qElement, qCountry, qProgramme = "type", "status", "element", "land", "program"
	qRole, qYear, qResponsible, qQuery, qSort      = "rolle", "ar", "ansvarlig", "q", "sorter"
	qAfter, qPage                                  = "etter", "side"
)

func readListFilter(r *http.Request) regListFilter {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	lf := regListFilter{Kind: get(qKind), Status: get(qStatus), Element: get(qElement), Country: get(qCountry),
		Programme: get(qProgramme), Role: get(qRole), Year: get(qYear), Responsible: get(qResponsible), Query: get(qQuery),
		Sort: get(qSort), After: get(qAfter), Page: 1}
	if n, err := strconv.Atoi(get(qPage)); err == nil && n > 1 && n < 100000 {
		lf.Page = n
	}
	return lf
}

// values is the filter as a query, without the cursor.
func (lf regListFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{qKind: lf.Kind, qStatus: lf.Status, qElement: lf.Element, qCountry: lf.Country,
		qProgramme: lf.Programme, qRole: lf.Role, qYear: lf.Year, qResponsible: lf.Responsible, qQuery: lf.Query, qSort: lf.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filtered reports whether the filter selects anything less than everything.
func (lf regListFilter) filtered() bool {
	v := lf.values()
	v.Del(qSort)
	return len(v) > 0
}

// storeFilter turns the list's query into the store's filter. A value that is not one (an
// unknown kind, a year that is not a number) is named in the problems, and left out.
func (lf regListFilter) storeFilter(p *page, c *registerChoices, mine bool) (store.EngagementFilter, map[string]string) {
	f := store.EngagementFilter{OrgID: p.Org.ID, Query: lf.Query, Sort: lf.Sort, After: lf.After, Count: true}
	problems := map[string]string{}
	if lf.Kind != "" {
		if slices.Contains(utsyn.EngagementKinds, lf.Kind) {
			f.Kinds = []string{lf.Kind}
		} else {
			problems[qKind] = p.T("register.error.kind")
		}
	}
	if lf.Status != "" {
		if slices.Contains(utsyn.EngagementStatuses, lf.Status) {
			f.Statuses = []string{lf.Status}
		} else {
			problems[qStatus] = p.T("register.error.status")
		}
	}
	if lf.Element != "" {
		id, _ := strconv.ParseInt(lf.Element, 10, 64)
		if tree, el := c.findElement(id); el != nil {
			for _, x := range store.Subtree(tree, el.ID) { // the element and everything under it
				f.ElementIDs = append(f.ElementIDs, x.ID)
			}
		} else {
			problems[qElement] = p.T("error.reference")
		}
	}
	if lf.Country != "" {
		if cc, ok := places.Lookup(lf.Country); ok {
			f.Country = cc.Code
		} else {
			problems[qCountry] = p.T("register.error.country")
		}
	}
	f.Programme = lf.Programme
	if lf.Role != "" {
		id, _ := strconv.ParseInt(lf.Role, 10, 64)
		if c.termName(p, id) != "" {
			f.RoleTermID = id
		} else {
			problems[qRole] = p.T("error.reference")
		}
	}
	if lf.Year != "" {
		if y, err := strconv.Atoi(lf.Year); err == nil && y >= 1990 && y <= 2100 {
			f.Year = y
		} else {
			problems[qYear] = p.T("error.year")
		}
	}
	if mine {
		f.Responsible = p.Actor.User.ID
	} else if lf.Responsible != "" {
		id, _ := strconv.ParseInt(lf.Responsible, 10, 64)
		if c.userName(id) != "" {
			f.Responsible = id
		} else {
			problems[qResponsible] = p.T("error.reference")
		}
	}
	if !slices.Contains([]string{"", "updated", "title", "start"}, lf.Sort) {
		f.Sort = ""
		problems[qSort] = p.T("error.sort")
	}
	return f, problems
}

// registerPage is the register's list (register-list.html), of everything or of the signed-in
// person's engagements.
type registerPage struct {
	*page
	Heading, Lead, Notice    string
	Mine                     bool
	Base                     string // the list's own path
	Filter                   regListFilter
	Problems                 map[string]string
	Filtered                 bool
	Controls                 []rfield // the filter's fields
	Items                    []regListItem
	Total, PageNo            int
	NextHref, FirstHref      string
	ExportCSV, ExportXLSX    string
	AllHref, MineHref, Count string
	NewHref                  string
}

// regListItem is one engagement in the list.
type regListItem struct {
	*utsyn.Engagement
	Href, Name, Period, Updated string
	PartnerNames                string
}

func (s *Server) engagementList(w http.ResponseWriter, r *http.Request, p *page) error {
	return s.registerList(w, r, p, false)
}

func (s *Server) myEngagements(w http.ResponseWriter, r *http.Request, p *page) error {
	if p.Actor.User == nil {
		return &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.forbidden"}
	}
	return s.registerList(w, r, p, true)
}

func (s *Server) registerList(w http.ResponseWriter, r *http.Request, p *page, mine bool) error {
	ctx := r.Context()
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	lf := readListFilter(r)
	filter, problems := lf.storeFilter(p, c, mine)
	base := registerBase(p)
	rp := &registerPage{page: p, Mine: mine, Filter: lf, Problems: problems, Filtered: lf.filtered(), PageNo: lf.Page,
		Base: base + "/", AllHref: base + "/", MineHref: base + "/mine", NewHref: base + "/ny", Notice: noticeOf(r, p)}
	if mine {
		rp.Base = base + "/mine"
		rp.Heading, rp.Lead = p.T("register.mine.title"), p.T("register.mine.lead")
	} else {
		rp.Heading, rp.Lead = p.T("register.title"), p.T("register.lead")
	}
	page, err := s.db.ListEngagements(ctx, filter)
	if utsyn.ErrorCode(err) == utsyn.EINVALID && lf.After != "" {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "register.error.cursor"}
	} else if err != nil {
		return err
	}
	rp.Total = page.Total
	for _, e := range page.Items {
		item := regListItem{Engagement: e, Href: engagementBase(p, e.ID), Name: engagementName(p, e), Period: p.Period(e.Start, e.End),
			Updated: i18n.FormatDateShort(p.Lang, e.UpdatedAt.In(oslo))}
		var names []string
		for _, pa := range e.Partners {
			names = append(names, pa.Actor.Name)
		}
		item.PartnerNames = strings.Join(names, ", ")
		rp.Items = append(rp.Items, item)
	}
	q := lf.values()
	if page.Next != "" {
		next := lf.values()
		next.Set(qAfter, page.Next)
		next.Set(qPage, strconv.Itoa(lf.Page+1))
		rp.NextHref = rp.Base + "?" + next.Encode()
	}
	if lf.After != "" {
		rp.FirstHref = rp.Base
		if len(q) > 0 {
			rp.FirstHref += "?" + q.Encode()
		}
	}
	if mine {
		q.Set(qResponsible, strconv.FormatInt(p.Actor.User.ID, 10))
	}
	rp.ExportCSV, rp.ExportXLSX = base+"/eksport.csv", base+"/eksport.xlsx"
	if len(q) > 0 {
		rp.ExportCSV += "?" + q.Encode()
		rp.ExportXLSX += "?" + q.Encode()
	}
	if rp.Total == 1 {
		rp.Count = p.T("register.count.one")
	} else {
		rp.Count = p.T("register.count", "count", i18n.FormatInt(p.Lang, int64(rp.Total)))
	}
	rp.Controls = filterControls(p, lf, problems, c, mine)
	rp.Title = rp.Heading
	if lf.Page > 1 {
		rp.Title = p.T("register.page_title", "title", rp.Heading, "page", lf.Page)
	}
	rp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: rp.Heading}}
	s.render(w, r, "register-list", http.StatusOK, rp)
	return nil
}

// filterControls are the filter form's fields, with what the reader chose.
func filterControls(p *page, lf regListFilter, problems map[string]string, c *registerChoices, mine bool) []rfield {
	f := newEform(nil)
	for k, v := range map[string]string{qKind: lf.Kind, qStatus: lf.Status, qElement: lf.Element, qCountry: lf.Country,
		qProgramme: lf.Programme, qRole: lf.Role, qYear: lf.Year, qResponsible: lf.Responsible, qQuery: lf.Query, qSort: lf.Sort} {
		f.Values[k] = v
	}
	for k, msg := range problems {
		f.Fail(k, msg)
	}
	b := &rbuilder{p: p, f: f}
	all := p.T("register.filter.all")
	b.add(rfield{Name: qQuery, Label: p.T("register.filter.query"), Hint: p.T("register.filter.query_hint"), Type: "search"})
	b.choose(qKind, "register.field.kind", "", kindOptions(p, all))
	b.choose(qStatus, "register.field.status", "", statusOptions(p, all))
	b.add(rfield{Name: qElement, Label: p.T("register.filter.element"), Hint: p.T("register.filter.element_hint"), Type: "select",
		Options: []ropt{{Value: "", Label: all}}, Groups: c.elementGroups(p)})
	countries := []ropt{{Value: "", Label: all}}
	codes := slices.Clone(c.inUse.Countries)
	if lf.Country != "" && !slices.Contains(codes, lf.Country) {
		codes = append(codes, lf.Country)
	}
	for _, cc := range places.All(string(p.Lang)) {
		if slices.Contains(codes, cc.Code) {
			countries = append(countries, ropt{Value: cc.Code, Label: cc.Name(string(p.Lang))})
		}
	}
	b.add(rfield{Name: qCountry, Label: p.T("register.filter.country"), Hint: p.T("register.filter.country_hint"), Type: "select", Options: countries})
	programmes := []ropt{{Value: "", Label: all}}
	for _, pr := range c.inUse.Programmes {
		programmes = append(programmes, ropt{Value: pr, Label: pr})
	}
	if lf.Programme != "" && !slices.Contains(c.inUse.Programmes, lf.Programme) {
		programmes = append(programmes, ropt{Value: lf.Programme, Label: lf.Programme})
	}
	b.choose(qProgramme, "register.field.programme", "", programmes)
	b.choose(qRole, "register.field.role", "", termChoices(p, c.roles, all))
	b.add(rfield{Name: qYear, Label: p.T("register.filter.year"), Hint: p.T("register.filter.year_hint"), Type: "text", Inputmode: "numeric", Class: "input-year"})
	if !mine {
		b.choose(qResponsible, "register.field.responsible", "", userChoices(p, c.users, all))
	}
	b.choose(qSort, "register.filter.sort", "", []ropt{{Value: "", Label: p.T("register.sort.updated")},
		{Value: "title", Label: p.T("register.sort.title")}, {Value: "start", Label: p.T("register.sort.start")}})
	return b.sets[0].Fields
}

// The detail page

// engagementPage is one engagement (register-detail.html).
type engagementPage struct {
	*page
	E                       *utsyn.Engagement
	Name, Notice            string
	Base                    string
	CanChange               bool
	Role, Form, Responsible string
	Elements                []regElementLink
	Partners                []regPartner
	SDGs                    []string
	ExternalIDs             []regExternalID
	Money                   *regMoney
	Timeline                []regStatusChange
	LastBy, LastAt          string
	Description             []string
	DescriptionLang         string
}

type regElementLink struct {
	Label, Level, Href string
	Primary            bool
}

type regPartner struct {
	Name, Country, Role, Href string
}

type regExternalID struct{ Label, Value, Href string }

type regStatusChange struct {
	At, From, To, By string
}

// externalHref is the public page of an external id, where the scheme has one.
func externalHref(scheme, id string) string {
	switch scheme {
	case "cordis":
		return "https://cordis.europa.eu/project/id/" + url.PathEscape(id)
	case "keep_eu":
		return "https://keep.eu/projects/" + url.PathEscape(id) + "/"
	case "erasmus":
		return "https://erasmus-plus.ec.europa.eu/projects/search/details/" + url.PathEscape(id)
	}
	return ""
}

func (s *Server) engagement(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findEngagementOf(r, p)
	if err != nil {
		return err
	}
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	ep := &engagementPage{page: p, E: e, Name: engagementName(p, e), Base: engagementBase(p, e.ID), CanChange: canChange(p, e),
		Notice: noticeOf(r, p), Role: c.termName(p, e.RoleTermID), Form: c.termName(p, e.FormTermID), Responsible: e.ResponsibleName}
	desc, fallback := e.Description.In(string(p.Lang))
	for _, para := range strings.Split(strings.ReplaceAll(desc, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			ep.Description = append(ep.Description, para)
		}
	}
	if fallback {
		for lang, v := range e.Description {
			if v == desc {
				ep.DescriptionLang = lang
			}
		}
	}
	for _, ref := range e.Elements {
		v := regElementLink{Label: strings.TrimSpace(ref.Code + " " + p.S(ref.Title)), Primary: ref.Primary}
		if tree, el := c.findElement(ref.ElementID); el != nil {
			if l := tree.Level(el.LevelID); l != nil {
				v.Level = capitalise(p.S(l.Name))
			}
			anchor := "element-" + strconv.FormatInt(el.ID, 10)
			if el.Code != "" {
				anchor = el.Code
			}
			if tree.Strategy.Published {
				v.Href = strategyBase(p, tree.Strategy.Slug) + "#" + anchor
			}
			v.Label = strings.TrimSpace(el.Code + " " + p.S(el.Title))
		}
		ep.Elements = append(ep.Elements, v)
	}
	for _, pa := range e.Partners {
		ep.Partners = append(ep.Partners, regPartner{Name: pa.Actor.Name, Country: p.CountryName(pa.Actor.Country),
			Role: p.PartnerRoleLabel(pa.Role), Href: actorHref(p, pa.ActorID)})
	}
	for _, n := range e.SDGs {
		ep.SDGs = append(ep.SDGs, p.T("register.sdg", "number", n, "name", p.T("sdg."+strconv.Itoa(n))))
	}
	for _, scheme := range utsyn.ExternalIDSchemes {
		if id, ok := e.ExternalIDs[scheme]; ok {
			ep.ExternalIDs = append(ep.ExternalIDs, regExternalID{Label: p.T("register.field.external_" + scheme), Value: id, Href: externalHref(scheme, id)})
		}
	}
	if ep.Money, err = s.moneyOf(ctx, p, e, ep.CanChange); err != nil {
		return err
	}
	history, err := s.db.StatusHistory(ctx, e.ID)
	if err != nil {
		return err
	}
	for i := len(history) - 1; i >= 0; i-- { // newest first
		h := history[i]
		v := regStatusChange{At: p.When(h.At), To: p.EStatusLabel(h.To), By: h.Actor}
		if h.From != "" {
			v.From = p.EStatusLabel(h.From)
		}
		ep.Timeline = append(ep.Timeline, v)
	}
	if events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "engagement", EntityID: e.ID, Limit: 1}); err == nil && len(events) > 0 {
		ep.LastBy, ep.LastAt = events[0].ActorLabel, p.When(events[0].At)
	}
	ep.Title = ep.Name
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)}, {Label: short(ep.Name, 60)}}
	s.render(w, r, "register-detail", http.StatusOK, ep)
	return nil
}
