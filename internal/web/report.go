package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store"
)

// The annual report (internal/report): the page for signed-in readers with its PDF and XLSX,
// the records behind each figure, and the political report an editor publishes. A published
// report is not a stored copy: its public page builds the report again from published data
// only (report.Options.Public), so that nothing internal can reach it, not even a record made
// internal after the report was published.

// Query parameters of the report's pages.
const (
	rqFrom, rqTo, rqForm, rqFigure = "fra", "til", "form", "tall"
	// reportRecordsPerPage is how many records the page of a figure's records lists at a time.
	reportRecordsPerPage = 200
)

// WarmReports builds this year's and last year's annual reports, both forms, of every
// organisation whose register is larger than the list counts (store.CountLimit), one after the
// other, so that their first reader does not wait for them: at 34,000 engagements a report takes
// half a second or more to build, and is then kept by the server's report cache, which builds it
// again in the background when the register changes. utsyn serve runs it once, after it starts.
func (s *Server) WarmReports(ctx context.Context) {
	orgs, err := s.db.ListOrganisations(ctx)
	if err != nil {
		s.log.Warn("preparing the annual reports", "error", err)
		return
	}
	now := s.now()
	year := now.In(oslo).Year()
	for _, org := range orgs {
		page, err := s.db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 1, Count: true})
		if err != nil || !page.More {
			continue
		}
		started := time.Now()
		for _, y := range []int{year, year - 1} {
			for _, form := range []report.Form{report.Political, report.Administrative} {
				if _, err := s.reports.Build(ctx, s.db, report.Options{Org: org, Period: report.YearPeriod(y), Form: form, Now: now}); err != nil {
					if ctx.Err() == nil {
						s.log.Warn("preparing an annual report", "organisation", org.Slug, "year", y, "form", form, "error", err)
					}
					return
				}
			}
		}
		s.log.Info("prepared the annual reports", "organisation", org.Slug, "years", []int{year - 1, year}, "took", time.Since(started).Round(time.Millisecond).String())
	}
}

// StyleSheet returns the site's style sheet, whose print rules lay a report out on A4: for a
// report written to a file or printed to PDF outside the web server.
func StyleSheet() (string, error) {
	b, err := fs.ReadFile(embedded, "static/style.css")
	return string(b), err
}

// reportQuery is a report's period and form as a request gives them.
type reportQuery struct {
	Period report.Period
	Form   report.Form
}

// values is the query of a report's pages.
func (q reportQuery) values() url.Values {
	return url.Values{rqFrom: {q.Period.From.String()}, rqTo: {q.Period.To.String()}, rqForm: {q.Form.Slug()}}
}

// readReportQuery reads the period and form from the request's query (or form, for a POST). An
// empty query is last calendar year's political report. A mistake is put on the form, beside
// its field.
func (s *Server) readReportQuery(r *http.Request, p *page) (reportQuery, *form) {
	f := newForm()
	vals := r.URL.Query()
	if r.Method == http.MethodPost {
		vals = r.PostForm
	}
	for _, k := range []string{rqFrom, rqTo, rqForm} {
		f.Values[k] = vals.Get(k)
	}
	if f.Values[rqFrom] == "" && f.Values[rqTo] == "" {
		last := s.now().In(oslo).Year() - 1
		f.Values[rqFrom], f.Values[rqTo] = fmt.Sprintf("%d-01-01", last), fmt.Sprintf("%d-12-31", last)
	}
	var q reportQuery
	var err error
	if q.Period, err = report.ParsePeriod(f.Values[rqFrom], f.Values[rqTo]); err != nil {
		f.FailWith(p, err)
	} else {
		f.Values[rqFrom], f.Values[rqTo] = q.Period.From.String(), q.Period.To.String()
	}
	if q.Form, err = report.ParseForm(f.Values[rqForm]); err != nil {
		f.FailWith(p, err)
	} else {
		f.Values[rqForm] = q.Form.Slug()
	}
	return q, f
}

// reportPage is the report for signed-in readers: the choice of period and form, the actions,
// and the report.
type reportPage struct {
	*page
	Form      *form
	Query     reportQuery
	Report    *report.Report
	Body      template.HTML
	Heading   string
	Forms     []reportFormChoice
	PDFHref   string
	XLSXHref  string
	NoPDF     bool // no Chromium is installed to print with
	Publish   bool // the reader may publish it (an editor, the political form)
	Published *store.PublishedReport
	Public    string // the published report's address
	Notice    string
	Stale     string // says that the records have changed since the report was made, when they have
}

// FormName names the report's form.
func (rp *reportPage) FormName() string { return rp.T("report.form." + string(rp.Query.Form)) }

// PeriodText is the report's period in words.
func (rp *reportPage) PeriodText() string {
	return rp.Date(rp.Query.Period.From) + "–" + rp.Date(rp.Query.Period.To)
}

// PublishedAt is when the report was published.
func (rp *reportPage) PublishedAt() string { return formatTime(rp.Lang, rp.Published.PublishedAt) }

// UnpublishHref is where the published report is taken off the public pages.
func (rp *reportPage) UnpublishHref() string {
	return rp.Href(rp.Org.Slug, "rapporter", strconv.FormatInt(rp.Published.ID, 10), "avpubliser")
}

type reportFormChoice struct {
	Value, Label, Hint string
	Checked            bool
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, p *page) error {
	q, f := s.readReportQuery(r, p)
	return s.showReport(w, r, p, q, f, reportNotice(p, r))
}

// showReport renders the report page; with mistakes in the form, with them and no report (422).
func (s *Server) showReport(w http.ResponseWriter, r *http.Request, p *page, q reportQuery, f *form, notice string) error {
	ctx := r.Context()
	rp := &reportPage{page: p, Form: f, Query: q, Notice: notice}
	rp.Title = p.T("report.page.title")
	rp.Heading = rp.Title
	rp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: rp.Title}}
	for _, fm := range []report.Form{report.Political, report.Administrative} {
		rp.Forms = append(rp.Forms, reportFormChoice{Value: fm.Slug(), Label: p.T("report.form." + string(fm)),
			Hint: p.T("report.page.form_hint." + string(fm)), Checked: f.Get(rqForm) == fm.Slug()})
	}
	if f.Failed() {
		s.render(w, r, "report-page", http.StatusUnprocessableEntity, rp)
		return nil
	}
	rep, stale, err := s.reports.Get(ctx, s.db, report.Options{Org: p.Org, Period: q.Period, Form: q.Form, Now: s.now()})
	if err != nil {
		return err
	}
	rp.Report = rep
	if stale {
		rp.Stale = p.T("report.page.stale", "time", formatTime(p.Lang, rep.Generated))
	}
	rp.Heading = rep.Title(p.Lang, p.cat)
	rp.Title = rp.Heading + " – " + p.T("report.form."+string(q.Form))
	rp.Crumbs[len(rp.Crumbs)-1].Label = rp.Heading
	if rp.Body, err = rep.RenderHTML(s.reportLinks(p, q, rep)); err != nil {
		return err
	}
	query := q.values().Encode()
	rp.PDFHref = p.Href(p.Org.Slug, "rapport", "rapport.pdf") + "?" + query
	rp.XLSXHref = p.Href(p.Org.Slug, "rapport", "rapport.xlsx") + "?" + query
	rp.NoPDF = report.FindChromium(os.Getenv) == ""
	if q.Form == report.Political {
		rp.Publish = p.CanEdit()
		list, err := s.db.ListPublishedReports(ctx, p.Org.ID)
		if err != nil {
			return err
		}
		for _, pr := range list {
			if pr.From == q.Period.From && pr.To == q.Period.To {
				rp.Published = pr
				rp.Public = p.Href(p.Org.Slug, "rapporter", strconv.FormatInt(pr.ID, 10))
			}
		}
	}
	s.render(w, r, "report-page", http.StatusOK, rp)
	return nil
}

// reportLinks are the addresses a signed-in reader's report links to: each engagement in the
// register, each element in its strategy, and the records of each figure.
func (s *Server) reportLinks(p *page, q reportQuery, rep *report.Report) report.HTMLOptions {
	records := p.Href(p.Org.Slug, "rapport", "grunnlag")
	return report.HTMLOptions{Lang: p.Lang, Catalog: p.cat,
		EngagementHref: func(id int64) string { return p.Href(p.Org.Slug, "engasjementer", strconv.FormatInt(id, 10)) },
		ElementHref:    reportElementHref(p, rep),
		FigureHref: func(key string) string {
			v := q.values()
			v.Set(rqFigure, key)
			return records + "?" + v.Encode()
		},
	}
}

// reportElementHref links an element to its place on the strategy's page.
func reportElementHref(p *page, rep *report.Report) func(id int64) string {
	if rep.Strategy == nil {
		return nil
	}
	base := p.Href(p.Org.Slug, "strategi", rep.Strategy.Slug)
	return func(id int64) string {
		if el := rep.Element(id); el != nil && el.Code != "" {
			return base + "#" + url.PathEscape(el.Code)
		}
		return base + "#element-" + strconv.FormatInt(id, 10)
	}
}

func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request, p *page) error {
	q, f := s.readReportQuery(r, p)
	if f.Failed() {
		return s.showReport(w, r, p, q, f, "")
	}
	chromium := report.FindChromium(os.Getenv)
	if chromium == "" {
		s.log.Warn("report PDF asked for, but no Chromium is installed", "org", p.Org.Slug)
		ep := &errorPage{page: p, Heading: p.T("report.pdf.unavailable.title"), Text: p.T("report.pdf.unavailable.text")}
		ep.Title, ep.Status = ep.Heading, http.StatusServiceUnavailable
		s.render(w, r, "error", http.StatusServiceUnavailable, ep)
		return nil
	}
	ctx := r.Context()
	rep, err := s.reports.Build(ctx, s.db, report.Options{Org: p.Org, Period: q.Period, Form: q.Form, Now: s.now()})
	if err != nil {
		return err
	}
	css, err := StyleSheet()
	if err != nil {
		return err
	}
	links := s.reportLinks(p, q, rep)
	abs := func(href string) string {
		if href == "" {
			return ""
		}
		return s.absoluteURL(r, href)
	}
	links.EngagementHref = reportAbsolute(links.EngagementHref, abs)
	links.ElementHref = reportAbsolute(links.ElementHref, abs)
	links.FigureHref = func(key string) string {
		v := q.values()
		v.Set(rqFigure, key)
		return abs(p.Href(p.Org.Slug, "rapport", "grunnlag")) + "?" + v.Encode()
	}
	select {
	case s.pdfSlots <- struct{}{}:
		defer func() { <-s.pdfSlots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	var buf bytes.Buffer
	if err := rep.PDF(ctx, &buf, report.PDFOptions{Chromium: chromium, HTML: links, CSS: css}); err != nil {
		return err
	}
	reportDownload(w, "application/pdf", reportFileName(p, rep, q, "pdf"))
	w.Write(buf.Bytes())
	return nil
}

// reportAbsolute makes a link function give full addresses.
func reportAbsolute(f func(int64) string, abs func(string) string) func(int64) string {
	if f == nil {
		return nil
	}
	return func(id int64) string { return abs(f(id)) }
}

func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request, p *page) error {
	q, f := s.readReportQuery(r, p)
	if f.Failed() {
		return s.showReport(w, r, p, q, f, "")
	}
	ctx := r.Context()
	rep, err := s.reports.Build(ctx, s.db, report.Options{Org: p.Org, Period: q.Period, Form: q.Form, Now: s.now()})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = rep.XLSX(ctx, &buf, report.XLSXOptions{Lang: p.Lang, Catalog: p.cat,
		EngagementURL: func(id int64) string {
			return s.absoluteURL(r, p.Href(p.Org.Slug, "engasjementer", strconv.FormatInt(id, 10)))
		}})
	if err != nil {
		return err
	}
	reportDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", reportFileName(p, rep, q, "xlsx"))
	w.Write(buf.Bytes())
	return nil
}

func reportDownload(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
}

// reportFileName is a file name for a report: "rogaland-arsrapport-2025-politisk.pdf".
func reportFileName(p *page, rep *report.Report, q reportQuery, ext string) string {
	period := q.Period.From.String() + "-" + q.Period.To.String()
	if y, ok := q.Period.Year(); ok {
		period = strconv.Itoa(y)
	}
	return fmt.Sprintf("%s-%s-%s-%s.%s", p.Org.Slug, p.T("report.file"), period, q.Form.Slug(), ext)
}

// reportRecordsPage lists the records behind one figure of a report.
type reportRecordsPage struct {
	*page
	Section, Figure string
	Back            string
	Engagements     []*report.Engagement
	Elements        []*report.Element
	Money           []*report.MoneyLine
	Total           int
	Sums            []utsyn.Money // the money lines added up per currency, on every page
	PageNo, Pages   int
	PrevHref        string
	NextHref        string
	EngagementHref  func(id int64) string
	ElementHref     func(id int64) string
	rep             *report.Report
}

// EHref is an engagement's address.
func (rp *reportRecordsPage) EHref(id int64) string { return rp.EngagementHref(id) }

// LHref is an element's address, or "".
func (rp *reportRecordsPage) LHref(id int64) string {
	if rp.ElementHref == nil {
		return ""
	}
	return rp.ElementHref(id)
}

// EName is the name of the engagement with the id.
func (rp *reportRecordsPage) EName(id int64) string {
	if e := rp.rep.Engagement(id); e != nil {
		return e.Name(string(rp.Lang))
	}
	return ""
}

// Amount writes an amount with its currency.
func (rp *reportRecordsPage) Amount(m utsyn.Money) string {
	return i18n.FormatMoney(rp.Lang, float64(m.Minor)/100, m.Currency)
}

// Kind, EStatus and MoneyKind name kinds and statuses.
func (rp *reportRecordsPage) Kind(k string) string      { return rp.T("work.kind." + k) }
func (rp *reportRecordsPage) EStatus(st string) string  { return rp.T("work.status." + st) }
func (rp *reportRecordsPage) MoneyKind(k string) string { return rp.T("report.money_kind." + k) }

func (s *Server) reportRecords(w http.ResponseWriter, r *http.Request, p *page) error {
	q, f := s.readReportQuery(r, p)
	if f.Failed() {
		return s.showReport(w, r, p, q, f, "")
	}
	rep, err := s.reports.Build(r.Context(), s.db, report.Options{Org: p.Org, Period: q.Period, Form: q.Form, Now: s.now()})
	if err != nil {
		return err
	}
	back := p.Href(p.Org.Slug, "rapport", "") + "?" + q.values().Encode()
	links := s.reportLinks(p, q, rep)
	return s.showRecords(w, r, p, rep, back, links.EngagementHref, links.ElementHref)
}

// showRecords renders the records behind the figure the query names, a page at a time.
func (s *Server) showRecords(w http.ResponseWriter, r *http.Request, p *page, rep *report.Report, back string,
	engagementHref, reportElementHref func(int64) string) error {
	key := r.URL.Query().Get(rqFigure)
	recs, ok := rep.Records(key)
	if !ok {
		return errNotFound
	}
	section, figure, _ := rep.Describe(key, p.Lang, p.cat)
	rp := &reportRecordsPage{page: p, Section: section, Figure: figure, Back: back, EngagementHref: engagementHref, ElementHref: reportElementHref, rep: rep}
	rp.Title = p.T("report.records.title", "figure", figure, "section", section)
	rp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: rep.Title(p.Lang, p.cat), Href: back}, {Label: figure}}
	rp.Total = max(len(recs.Engagements)+len(recs.Elements), len(recs.Money))
	rp.Pages = max(1, (rp.Total+reportRecordsPerPage-1)/reportRecordsPerPage)
	rp.PageNo = 1
	if n, err := strconv.Atoi(r.URL.Query().Get("side")); err == nil && n > 1 && n <= rp.Pages {
		rp.PageNo = n
	}
	sums := map[string]int64{}
	for _, m := range recs.Money {
		if _, ok := sums[m.Amount.Currency]; !ok {
			rp.Sums = append(rp.Sums, utsyn.Money{Currency: m.Amount.Currency})
		}
		sums[m.Amount.Currency] += m.Amount.Minor
	}
	for i := range rp.Sums {
		rp.Sums[i].Minor = sums[rp.Sums[i].Currency]
	}
	from, to := (rp.PageNo-1)*reportRecordsPerPage, rp.PageNo*reportRecordsPerPage
	cut := func(n int) (int, int) { return min(from, n), min(to, n) }
	a, b := cut(len(recs.Engagements))
	rp.Engagements = recs.Engagements[a:b]
	a, b = cut(len(recs.Elements))
	rp.Elements = recs.Elements[a:b]
	a, b = cut(len(recs.Money))
	rp.Money = recs.Money[a:b]
	show := rp.Engagements
	for _, m := range rp.Money {
		if e := rep.Engagement(m.EngagementID); e != nil {
			show = append(show, e)
		}
	}
	if err := rep.Details(r.Context(), show); err != nil {
		return err
	}
	pageHref := func(n int) string {
		v := r.URL.Query()
		v.Set("side", strconv.Itoa(n))
		return r.URL.Path + "?" + v.Encode()
	}
	if rp.PageNo > 1 {
		rp.PrevHref = pageHref(rp.PageNo - 1)
	}
	if rp.PageNo < rp.Pages {
		rp.NextHref = pageHref(rp.PageNo + 1)
	}
	s.render(w, r, "report-records", http.StatusOK, rp)
	return nil
}

// publishReport puts the political report for a period on the public pages.
func (s *Server) publishReport(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := r.ParseForm(); err != nil {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.invalid"}
	}
	q, f := s.readReportQuery(r, p)
	if !f.Failed() && q.Form != report.Political {
		f.Fail(rqForm, p.T("report.error.publish_form"))
	}
	if f.Failed() {
		return s.showReport(w, r, p, q, f, "")
	}
	pr := &store.PublishedReport{OrgID: p.Org.ID, From: q.Period.From, To: q.Period.To, Form: store.ReportFormPolitical}
	if err := s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error { return tx.PublishReport(r.Context(), pr) }); err != nil {
		return err
	}
	v := q.values()
	v.Set("publisert", "1")
	http.Redirect(w, r, p.Href(p.Org.Slug, "rapport", "")+"?"+v.Encode(), http.StatusSeeOther)
	return nil
}

// unpublishReport takes a published report off the public pages.
func (s *Server) unpublishReport(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	pr, err := s.db.FindPublishedReport(r.Context(), p.Org.ID, id)
	if err != nil {
		return err
	}
	if err := s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error { return tx.UnpublishReport(r.Context(), p.Org.ID, id) }); err != nil {
		return err
	}
	v := reportQuery{Period: report.Period{From: pr.From, To: pr.To}, Form: report.Political}.values()
	v.Set("avpublisert", "1")
	http.Redirect(w, r, p.Href(p.Org.Slug, "rapport", "")+"?"+v.Encode(), http.StatusSeeOther)
	return nil
}

// reportNotice is what the report page says after publishing or unpublishing.
func reportNotice(p *page, r *http.Request) string {
	switch {
	case r.URL.Query().Get("publisert") == "1":
		return p.T("report.publish.done")
	case r.URL.Query().Get("avpublisert") == "1":
		return p.T("report.unpublish.done")
	}
	return ""
}

// reportListPage is the public list of published reports.
type reportListPage struct {
	*page
	Reports  []reportListItem
	CanEdit  bool
	EditHref string
}

type reportListItem struct {
	Title, Period, Published, Href string
}

func (s *Server) publishedReports(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return err
	}
	list, err := s.db.ListPublishedReports(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	lp := &reportListPage{page: p, CanEdit: p.CanEdit(), EditHref: p.Href(p.Org.Slug, "rapport", "")}
	lp.Title = p.T("report.public.list_title")
	lp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: lp.Title}}
	for _, pr := range list {
		period := report.Period{From: pr.From, To: pr.To}
		rep := &report.Report{Period: period}
		lp.Reports = append(lp.Reports, reportListItem{
			Title:     rep.Title(p.Lang, p.cat),
			Period:    p.Date(pr.From) + "–" + p.Date(pr.To),
			Published: p.Date(utsyn.Date{Year: pr.PublishedAt.Year(), Month: pr.PublishedAt.Month(), Day: pr.PublishedAt.Day()}),
			Href:      p.Href(p.Org.Slug, "rapporter", strconv.FormatInt(pr.ID, 10)),
		})
	}
	s.render(w, r, "report-list", http.StatusOK, lp)
	return nil
}

// publishedReportPage is a published report's public page.
type publishedReportPage struct {
	*page
	Heading       string
	Lead          string
	Body          template.HTML
	Published     string
	CanEdit       bool
	UnpublishHref string
	InternalHref  string
}

// findPublished finds the published report the path names, and builds it from published data.
func (s *Server) findPublished(r *http.Request, p *page) (*store.PublishedReport, *report.Report, error) {
	ctx := r.Context()
	if err := s.findOrg(ctx, r, p); err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, errNotFound
	}
	pr, err := s.db.FindPublishedReport(ctx, p.Org.ID, id)
	if err != nil {
		return nil, nil, err
	}
	rep, err := s.reports.Build(ctx, s.db, report.Options{Org: p.Org, Period: report.Period{From: pr.From, To: pr.To},
		Form: report.Political, Public: true, Now: s.now()})
	return pr, rep, err
}

// publishedReportLinks are the addresses a public report links to: the published engagements, the
// published strategy, and the records of each figure.
func publishedReportLinks(p *page, pr *store.PublishedReport, rep *report.Report) report.HTMLOptions {
	base := p.Href(p.Org.Slug, "rapporter", strconv.FormatInt(pr.ID, 10), "grunnlag")
	return report.HTMLOptions{Lang: p.Lang, Catalog: p.cat,
		EngagementHref: func(id int64) string { return p.Href(p.Org.Slug, "arbeid", strconv.FormatInt(id, 10)) },
		ElementHref:    reportElementHref(p, rep),
		FigureHref:     func(key string) string { return base + "?" + url.Values{rqFigure: {key}}.Encode() },
	}
}

func (s *Server) publishedReport(w http.ResponseWriter, r *http.Request, p *page) error {
	pr, rep, err := s.findPublished(r, p)
	if err != nil {
		return err
	}
	pp := &publishedReportPage{page: p, Heading: rep.Title(p.Lang, p.cat), CanEdit: p.CanEdit()}
	pp.Title = pp.Heading
	pp.Lead = p.T("report.form.political") + ", " + p.Date(pr.From) + "–" + p.Date(pr.To)
	pp.Published = p.T("report.public.published", "date", formatTime(p.Lang, pr.PublishedAt))
	pp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)},
		{Label: p.T("report.public.list_title"), Href: p.Href(p.Org.Slug, "rapporter", "")}, {Label: pp.Heading}}
	pp.UnpublishHref = p.Href(p.Org.Slug, "rapporter", strconv.FormatInt(pr.ID, 10), "avpubliser")
	pp.InternalHref = p.Href(p.Org.Slug, "rapport", "") + "?" +
		reportQuery{Period: report.Period{From: pr.From, To: pr.To}, Form: report.Political}.values().Encode()
	if pp.Body, err = rep.RenderHTML(publishedReportLinks(p, pr, rep)); err != nil {
		return err
	}
	s.render(w, r, "report-public", http.StatusOK, pp)
	return nil
}

func (s *Server) publishedReportRecords(w http.ResponseWriter, r *http.Request, p *page) error {
	pr, rep, err := s.findPublished(r, p)
	if err != nil {
		return err
	}
	links := publishedReportLinks(p, pr, rep)
	return s.showRecords(w, r, p, rep, p.Href(p.Org.Slug, "rapporter", strconv.FormatInt(pr.ID, 10)), links.EngagementHref, links.ElementHref)
}
