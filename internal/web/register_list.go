package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// The register's list, with its filter and keyset pages, and the page of one engagement.

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

// registerPage is the register's list (written by write), of everything or of the signed-in
// person's engagements.
type registerPage struct {
	*page
	Heading, Lead, Notice    string
	Mine                     bool
	Base                     string // the list's own path
	Filtered                 bool
	Controls                 []rfield // the filter's fields
	Items                    []regListItem
	Words                    regListWords
	Total                    int
	NextHref, FirstHref      string
	ExportCSV, ExportXLSX    string
	AllHref, MineHref, Count string
	ActorsHref               string
	NewHref, RatesHref       string // "" when the reader may not add engagements, or set rates
	PageN                    string // "page 2" after the first page, else ""
}

// regListItem is one engagement in the list.
type regListItem struct {
	Href, Name, Kind, Period, Updated string
	Status                            template.HTML // the status tag
	Responsible, Programme, Partners  string        // "" when none
	Public                            bool
}

// regListWords are the list page's words, looked up here rather than by its template for the
// reason the layout's are (frame).
type regListWords struct {
	Responsible, Public, Partners         string // the rows'
	All, Mine, Actors, Rates, New         string
	FilterTitle, Submit, Clear, CSV, XLSX string
	EmptyFiltered, EmptyMine, EmptyAll    string
	Pages, FirstPage, NextPage            string
}

func newRegListWords(p *page) regListWords {
	return regListWords{Responsible: p.T("register.field.responsible"), Public: p.T("register.public"),
		Partners: p.T("register.partners_short"), All: p.T("register.all"), Mine: p.T("register.mine.title"),
		Actors: p.T("actor.list.title"), Rates: p.T("rates.title"), New: p.T("register.new.title"),
		FilterTitle: p.T("register.filter.title"), Submit: p.T("register.filter.submit"), Clear: p.T("register.filter.clear"),
		CSV: p.T("register.export.csv"), XLSX: p.T("register.export.xlsx"), EmptyFiltered: p.T("register.empty.filtered"),
		EmptyMine: p.T("register.empty.mine"), EmptyAll: p.T("register.empty.all"), Pages: p.T("register.pages"),
		FirstPage: p.T("register.first_page"), NextPage: p.T("register.next_page")}
}

// writeFilter writes the filter's fields: in a template, ten fields of a dozen values each,
// every one looked up and escaped by reflection, were a quarter of the page's template's time.
func (rp *registerPage) writeFilter(w *htmlWriter) {
	for _, f := range rp.Controls {
		invalid := ""
		if f.Error != "" {
			w.raw(`<div class="field field-error">`)
			invalid = "true"
		} else {
			w.raw(`<div class="field">`)
		}
		w.raw("\n<label", attr("for", f.Name), ">", esc(f.Label), "</label>\n")
		if f.Hint != "" {
			w.raw(`<p class="hint"`, attr("id", f.Name+"-hint"), ">", esc(f.Hint), "</p>\n")
		}
		if f.Error != "" {
			w.raw(`<p class="error-message"`, attr("id", f.Name+"-error"), `><span class="visually-hidden">`, esc(f.ErrorPrefix),
				"</span> ", esc(f.Error), "</p>\n")
		}
		if f.Type == "select" {
			w.raw("<select", attr("id", f.Name), attr("name", f.Name), attr("aria-describedby", f.Describedby),
				attr("aria-invalid", invalid), ">", string(f.OptionsHTML()), "</select>")
		} else {
			w.raw("<input", attr("id", f.Name), attr("name", f.Name), attr("type", f.Type), ` value="`, esc(f.Value), `"`,
				attr("class", f.Class), attr("inputmode", f.Inputmode), attr("aria-describedby", f.Describedby),
				attr("aria-invalid", invalid), ">")
		}
		w.raw("\n</div>\n")
	}
}

// writeRows writes the list's rows: in a template, the reflection of a page's 50, for every
// field and every escaping of one, cost a sixth of the page's time (docs/PERFORMANCE.md).
func (rp *registerPage) writeRows(w *htmlWriter) {
	words := rp.Words
	for _, it := range rp.Items {
		w.raw(`<li class="register-item">`+"\n"+`<h3 class="register-item-title"><a`, attr("href", it.Href), ">", esc(it.Name),
			"</a></h3>\n", `<p class="meta">`, string(it.Status), " <span>", esc(it.Kind), "</span>")
		if it.Period != "" {
			w.raw(" <span>", esc(it.Period), "</span>")
		}
		if it.Responsible != "" {
			w.raw(` <span><span class="visually-hidden">`, esc(words.Responsible), ": </span>", esc(it.Responsible), "</span>")
		}
		if it.Public {
			w.raw(` <span class="tag tag-public">`, esc(words.Public), "</span>")
		}
		w.raw("</p>\n")
		if it.Programme != "" || it.Partners != "" {
			w.raw(`<p class="register-item-more">`)
			if it.Programme != "" {
				w.raw("<span>", esc(it.Programme), "</span>")
			}
			if it.Partners != "" {
				w.raw(` <span class="muted">`, esc(words.Partners), ": ", esc(it.Partners), "</span>")
			}
			w.raw("</p>\n")
		}
		w.raw(`<p class="register-item-updated muted">`, esc(it.Updated), "</p>\n</li>\n")
	}
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
	ctx := store.OneChangeStamp(r.Context()) // the choices and the list in one state of the records
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	lf := readListFilter(r)
	filter, problems := lf.storeFilter(p, c, mine)
	heading := p.T("register.title")
	if mine {
		heading = p.T("register.mine.title")
	}
	p.Title = heading
	if lf.Page > 1 {
		p.Title = p.T("register.page_title", "title", heading, "page", lf.Page)
	}
	p.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: heading}}
	content := func() (string, error) {
		return s.registerListContent(ctx, r, p, c, lf, filter, problems, mine)
	}
	// The list is the same for everyone with the same rights who asks for it in one state of
	// the records, so it is kept written (registerChoices.writtenOf): but for a filter with a
	// problem to show, or a notice of what a form did.
	var list string
	if len(problems) == 0 && noticeOf(r, p) == "" {
		var yours int64 // my engagements are mine alone
		if mine {
			yours = p.Actor.User.ID
		}
		key := fmt.Sprintf("list %s %d %v %v %s", p.Lang, yours, p.CanCreate(), p.CanAdmin(), r.URL.RawQuery)
		list, err = c.writtenOf(key, content)
	} else {
		list, err = content()
	}
	if err != nil {
		return err
	}
	s.render(w, r, "kept", http.StatusOK, &keptPage{page: p, Content: template.HTML(list)})
	return nil
}

// registerListContent writes the list page's content.
func (s *Server) registerListContent(ctx context.Context, r *http.Request, p *page, c *registerChoices, lf regListFilter,
	filter store.EngagementFilter, problems map[string]string, mine bool) (string, error) {
	base := registerBase(p)
	rp := &registerPage{page: p, Mine: mine, Filtered: lf.filtered(),
		Base: base + "/", AllHref: base + "/", MineHref: base + "/mine", NewHref: base + "/ny", Notice: noticeOf(r, p)}
	if mine {
		rp.Base = base + "/mine"
		rp.Heading, rp.Lead = p.T("register.mine.title"), p.T("register.mine.lead")
	} else {
		rp.Heading, rp.Lead = p.T("register.title"), p.T("register.lead")
	}
	page, err := s.db.ListEngagementLines(ctx, filter)
	if utsyn.ErrorCode(err) == utsyn.EINVALID && lf.After != "" {
		return "", &utsyn.Error{Code: utsyn.EINVALID, Message: "register.error.cursor"}
	} else if err != nil {
		return "", err
	}
	rp.Total = page.Total
	rp.Words = newRegListWords(p)
	rp.ActorsHref = p.Href(p.Org.Slug, "aktorer", "")
	if p.CanAdmin() {
		rp.RatesHref = p.Href(p.Org.Slug, "admin", "valutakurser")
	}
	if !p.CanCreate() {
		rp.NewHref = ""
	}
	if lf.Page > 1 {
		rp.PageN = p.T("register.page_n", "page", lf.Page)
	}
	rp.Items = make([]regListItem, len(page.Items))
	for i, e := range page.Items {
		rp.Items[i] = regListItem{Href: engagementBase(p, e.ID), Name: titled(p, e.Title, e.Acronym), Kind: p.KindLabel(e.Kind),
			Period: p.Period(e.Start, e.End), Status: p.EStatusTag(e.Status), Responsible: e.ResponsibleName, Programme: e.Programme,
			Partners: strings.Join(e.Partners, ", "), Public: e.Public,
			Updated: p.T("register.updated", "date", i18n.FormatDateShort(p.Lang, e.UpdatedAt.In(oslo)))}
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
	switch {
	case page.More:
		rp.Count = p.T("register.count.more", "count", i18n.FormatInt(p.Lang, int64(rp.Total)))
	case rp.Total == 1:
		rp.Count = p.T("register.count.one")
	default:
		rp.Count = p.T("register.count", "count", i18n.FormatInt(p.Lang, int64(rp.Total)))
	}
	rp.Controls = filterControls(p, lf, problems, c, mine)
	return rp.write(), nil
}

// write writes the list page's content. It is written here rather than by a template, as the
// page's frame is: a list nobody asked for before is written anew on every request, and the
// template's forty actions, each a call by reflection with more to escape its value, were a
// tenth of such a page's time (docs/PERFORMANCE.md).
func (rp *registerPage) write() string {
	w := htmlWriter{takeBuffer()}
	defer giveBuffer(w.Buffer)
	words := rp.Words
	current := func(yes bool) string {
		if yes {
			return ` aria-current="page"`
		}
		return ""
	}
	w.raw("\n<div class=\"register\">\n<header class=\"page-intro register-intro\">\n",
		"  <h1>", esc(rp.Heading), "</h1>\n",
		`  <p class="lead">`, esc(rp.Lead), "</p>\n",
		`  <ul class="editor-links register-tabs">`+"\n",
		"    <li><a", attr("href", rp.AllHref), current(!rp.Mine), ">", esc(words.All), "</a></li>\n",
		"    <li><a", attr("href", rp.MineHref), current(rp.Mine), ">", esc(words.Mine), "</a></li>\n",
		"    <li><a", attr("href", rp.ActorsHref), ">", esc(words.Actors), "</a></li>\n")
	if rp.RatesHref != "" {
		w.raw("    <li><a", attr("href", rp.RatesHref), ">", esc(words.Rates), "</a></li>\n")
	}
	w.raw("  </ul>\n")
	if rp.NewHref != "" {
		w.raw(`  <p><a class="button"`, attr("href", rp.NewHref), ">", esc(words.New), "</a></p>\n")
	}
	w.raw("</header>\n\n")
	if rp.Notice != "" {
		w.raw(`<div class="notice-success" role="status"><p>`, esc(rp.Notice), "</p></div>\n")
	}
	w.raw("\n<form method=\"get\"", attr("action", rp.Base), ` class="form register-filter" role="search" aria-labelledby="filter-title">`+"\n",
		`  <h2 id="filter-title" class="filter-title">`, esc(words.FilterTitle), "</h2>\n",
		`  <div class="filter-grid">`+"\n  ")
	rp.writeFilter(&w)
	w.raw("\n  </div>\n",
		`  <div class="button-group">`+"\n",
		`    <button type="submit" class="button">`, esc(words.Submit), "</button>\n    ")
	if rp.Filtered {
		w.raw(`<a class="button button-secondary"`, attr("href", rp.Base), ">", esc(words.Clear), "</a>")
	}
	w.raw("\n  </div>\n</form>\n\n",
		`<section aria-labelledby="result-title" class="register-results">`+"\n",
		`  <h2 id="result-title">`, esc(rp.Count))
	if rp.PageN != "" {
		w.raw(` <span class="muted">– `, esc(rp.PageN), "</span>")
	}
	w.raw("</h2>\n",
		`  <ul class="editor-links export-links">`+"\n",
		"    <li><a", attr("href", rp.ExportCSV), " download>", esc(words.CSV), "</a></li>\n",
		"    <li><a", attr("href", rp.ExportXLSX), " download>", esc(words.XLSX), "</a></li>\n",
		"  </ul>\n")
	if len(rp.Items) > 0 {
		w.raw(`  <ol class="register-list">` + "\n    ")
		rp.writeRows(&w)
		w.raw("\n  </ol>\n")
	} else {
		w.raw(`  <div class="empty-state">` + "\n    ")
		empty := words.EmptyAll
		switch {
		case rp.Filtered:
			w.raw("<p>", esc(words.EmptyFiltered), "</p><p><a", attr("href", rp.Base), ">", esc(words.Clear), "</a></p>\n")
		case rp.Mine:
			empty = words.EmptyMine
			fallthrough
		default:
			w.raw("<p>", esc(empty), "</p>")
			if rp.NewHref != "" {
				w.raw("<p><a", attr("href", rp.NewHref), ">", esc(words.New), "</a></p>")
			}
		}
		w.raw("\n  </div>\n")
	}
	if rp.NextHref != "" || rp.FirstHref != "" {
		w.raw(`  <nav class="pagination"`, attr("aria-label", words.Pages), ">\n    <ul>\n      ")
		if rp.FirstHref != "" {
			w.raw("<li><a", attr("href", rp.FirstHref), ">", esc(words.FirstPage), "</a></li>")
		}
		w.raw("\n      ")
		if rp.NextHref != "" {
			w.raw("<li><a", attr("href", rp.NextHref), ` rel="next">`, esc(words.NextPage), "</a></li>")
		}
		w.raw("\n    </ul>\n  </nav>\n")
	}
	w.raw("</section>\n</div>\n")
	return w.String()
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
	fc := c.filter[p.Lang]
	choose := func(name, labelKey, hintKey string, opts []ropt) {
		b.add(rfield{Name: name, Label: p.T(labelKey), Hint: b.t(hintKey), Type: "select", Options: opts, Written: fc.written[name]})
	}
	b.add(rfield{Name: qQuery, Label: p.T("register.filter.query"), Hint: p.T("register.filter.query_hint"), Type: "search"})
	choose(qKind, "register.field.kind", "", fc.kinds)
	choose(qStatus, "register.field.status", "", fc.statuses)
	b.add(rfield{Name: qElement, Label: p.T("register.filter.element"), Hint: p.T("register.filter.element_hint"), Type: "select",
		Options: []ropt{fc.all}, Groups: fc.elements, Written: fc.written[qElement]})
	country := rfield{Name: qCountry, Label: p.T("register.filter.country"), Hint: p.T("register.filter.country_hint"), Type: "select",
		Options: fc.countries, Written: fc.written[qCountry]}
	if lf.Country != "" && !slices.Contains(c.inUse.Countries, lf.Country) { // chosen, but no longer any engagement's
		country.Options = append([]ropt{fc.all}, countryOptions(p.Lang, append(slices.Clone(c.inUse.Countries), lf.Country))...)
		country.Written = ""
	}
	b.add(country)
	if lf.Programme != "" && !slices.Contains(c.inUse.Programmes, lf.Programme) {
		b.add(rfield{Name: qProgramme, Label: p.T("register.field.programme"), Type: "select",
			Options: append(slices.Clip(fc.programmes), ropt{Value: lf.Programme, Label: lf.Programme})})
	} else {
		choose(qProgramme, "register.field.programme", "", fc.programmes)
	}
	choose(qRole, "register.field.role", "", fc.roles)
	b.add(rfield{Name: qYear, Label: p.T("register.filter.year"), Hint: p.T("register.filter.year_hint"), Type: "text", Inputmode: "numeric", Class: "input-year"})
	if !mine {
		choose(qResponsible, "register.field.responsible", "", fc.users)
	}
	choose(qSort, "register.filter.sort", "", fc.sorts)
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
	FollowLatest            *updateView // the last status update, nil when none
	FollowOverdue           *dueView    // when the next update is overdue, nil otherwise
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
	// The follow-up at a glance, beside the link to it: the last status update, and whether the
	// next is overdue, judged as the list of overdue updates judges it (store.DueOf).
	today := s.today()
	due, err := s.db.DueOf(ctx, p.Org.ID, store.Item{Kind: store.ItemEngagement, ID: e.ID}, today)
	if err != nil {
		return err
	}
	if due.Last != nil {
		v := viewUpdate(p, due.Last)
		ep.FollowLatest = &v
	}
	if d := viewDue(p, due.Cadence, due.Last, today); d != nil && d.Overdue {
		ep.FollowOverdue = d
	}
	if events, err := s.db.ListEvents(ctx, store.EventFilter{OrgID: p.Org.ID, Entity: "engagement", EntityID: e.ID, Limit: 1}); err == nil && len(events) > 0 {
		ep.LastBy, ep.LastAt = events[0].ActorLabel, p.When(events[0].At)
	}
	ep.Title = ep.Name
	ep.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)}, {Label: short(ep.Name, 60)}}
	s.render(w, r, "register-detail", http.StatusOK, ep)
	return nil
}
