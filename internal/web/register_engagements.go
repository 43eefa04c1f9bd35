package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Registering, changing and deleting an engagement, and its history. Partners and money have
// pages of their own (register_actors.go, register_money.go).

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

// amountString writes minor units as an input shows them: 123450 → "1234,50", 2500000 → "25000".
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
