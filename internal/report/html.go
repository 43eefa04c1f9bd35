package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

var templates = template.Must(template.New("report").Funcs(template.FuncMap{
	"sectionArgs": func(v *view, s *Section) sectionArgs { return sectionArgs{V: v, S: s} },
	"listArgs": func(v *view, title, key string, n int, items []*Engagement) listArgs {
		return listArgs{V: v, Title: title, Key: key, N: n, Items: items}
	},
}).ParseFS(templateFiles, "templates/*.html"))

// sectionArgs pass a section to a sub-template.
type sectionArgs struct {
	V *view
	S *Section
}

// listArgs pass a list of engagements to a sub-template: its heading's message key, the key of
// its figure, how many it has in all, and those it names.
type listArgs struct {
	V     *view
	Title string
	Key   string
	N     int
	Items []*Engagement
}

// HTMLOptions say how to render a report as HTML.
type HTMLOptions struct {
	Lang    i18n.Lang
	Catalog *i18n.Catalog
	// EngagementHref, ElementHref and FigureHref make the addresses of an engagement, a
	// strategy element and the records behind a figure (by its key). Each may be nil, or
	// return "", for no link.
	EngagementHref func(id int64) string
	ElementHref    func(id int64) string
	FigureHref     func(key string) string
	// Now is when the document is made, for the standalone document; the report's time when zero.
	Now time.Time
}

// HTML writes the report's body: its sections, headed from h2 down, for a page that has its
// own h1.
func (r *Report) HTML(w io.Writer, o HTMLOptions) error {
	return templates.ExecuteTemplate(w, "body", r.view(o))
}

// Document writes the report as a whole HTML document, with its title as h1 and the style
// sheet css in the document itself: a file that opens anywhere, and what Chromium prints as
// PDF.
func (r *Report) Document(w io.Writer, o HTMLOptions, css string) error {
	v := r.view(o)
	v.CSS = template.CSS(css)
	return templates.ExecuteTemplate(w, "document", v)
}

// Title is the report's title in the language: "Årsrapport 2025" for a calendar year,
// "Rapport 1. mars–30. juni 2025" for another period.
func (r *Report) Title(lang i18n.Lang, cat *i18n.Catalog) string {
	v := &view{Report: r, Lang: lang, cat: cat}
	return v.Heading()
}

func (r *Report) view(o HTMLOptions) *view {
	return &view{Report: r, Lang: o.Lang, cat: o.Catalog, opts: o}
}

// view is what the templates get: the report, and the language to show it in.
type view struct {
	*Report
	Lang i18n.Lang
	CSS  template.CSS
	cat  *i18n.Catalog
	opts HTMLOptions
}

// T returns the catalog's message in the view's language.
func (v *view) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// L shows a stored text in the language, marking a fallback with its language.
func (v *view) L(t utsyn.Text) template.HTML {
	s, fallback := t.In(string(v.Lang))
	if fallback {
		for lang, x := range t {
			if x == s {
				return template.HTML(`<span lang="` + template.HTMLEscapeString(lang) + `">` + template.HTMLEscapeString(s) + `</span>`)
			}
		}
	}
	return template.HTML(template.HTMLEscapeString(s))
}

// S is a stored text as plain text.
func (v *view) S(t utsyn.Text) string { return t.Get(string(v.Lang)) }

// Heading is the report's title.
func (v *view) Heading() string {
	if y, ok := v.Period.Year(); ok {
		return v.T("report.title.year", "year", y)
	}
	return v.T("report.title.period", "period", v.PeriodText())
}

// DocumentTitle is the title of a standalone document: the title, the form and the organisation.
func (v *view) DocumentTitle() string {
	return v.Heading() + " – " + v.FormName() + " – " + v.S(v.Org.Name)
}

// FormName names the report's form.
func (v *view) FormName() string { return v.T("report.form." + string(v.Form)) }

// PeriodText is the period in words: "1. januar–31. desember 2025".
func (v *view) PeriodText() string {
	return i18n.FormatDate(v.Lang, v.Period.From.Time()) + "–" + i18n.FormatDate(v.Lang, v.Period.To.Time())
}

// Date shows a date at its precision.
func (v *view) Date(d utsyn.Date) string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return d.String()
	case d.Day == 0:
		return i18n.FormatMonth(v.Lang, d.Year, d.Month)
	}
	return i18n.FormatDate(v.Lang, d.Time())
}

// Span shows an engagement's dates.
func (v *view) Span(e *Engagement) string { return v.span(e, v.Date) }

// span shows an engagement's dates, each written by date.
func (v *view) span(e *Engagement, date func(utsyn.Date) string) string {
	switch {
	case e.Start.IsZero() && e.End.IsZero():
		return ""
	case e.End.IsZero():
		return v.T("period.from", "from", date(e.Start))
	case e.Start.IsZero():
		return v.T("period.to", "to", date(e.End))
	}
	return date(e.Start) + "–" + date(e.End)
}

// Made is when the report was made, in Norwegian time.
func (v *view) Made() string {
	t := v.Generated.In(oslo)
	return i18n.FormatDate(v.Lang, t) + " " + t.Format("15:04")
}

// Int writes a whole number the language's way.
func (v *view) Int(n int) string { return i18n.FormatInt(v.Lang, int64(n)) }

// Amount writes an amount with its currency.
func (v *view) Amount(m utsyn.Money) string {
	return i18n.FormatMoney(v.Lang, float64(m.Minor)/100, m.Currency)
}

// Number writes a measured value with up to two decimals.
func (v *view) Number(f float64) string {
	if f == math.Trunc(f) {
		return i18n.FormatDecimal(v.Lang, f, 0)
	}
	return i18n.FormatDecimal(v.Lang, f, 2)
}

// Kind names a kind of engagement.
func (v *view) Kind(k string) string { return v.T("work.kind." + k) }

// EStatus names an engagement's status.
func (v *view) EStatus(s string) string { return v.T("work.status." + s) }

// MoneyKind names a kind of money.
func (v *view) MoneyKind(k string) string { return v.T("report.money_kind." + k) }

// Country names a country.
func (v *view) Country(code string) string {
	if c, ok := places.Lookup(code); ok {
		return c.Name(string(v.Lang))
	}
	return code
}

// Countries names the countries, in the language's alphabetical order.
func (v *view) Countries(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = v.Country(c)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// Status shows a follow-up status as a tag with a word and a sign, never colour alone.
func (v *view) Status(s string) template.HTML {
	sign := map[string]string{"on_track": "●", "at_risk": "▲", "off_track": "✕", "done": "✓", NoStatus: "–"}[s]
	return template.HTML(`<span class="tag report-status-tag report-status-` + template.HTMLEscapeString(s) + `"><span aria-hidden="true">` +
		sign + `</span> ` + template.HTMLEscapeString(v.T("report.status."+s)) + `</span>`)
}

// EngagementLink is an engagement's name, linked to it when there is an address.
func (v *view) EngagementLink(e *Engagement) template.HTML {
	name := template.HTMLEscapeString(e.Name(string(v.Lang)))
	if e.Title.IsZero() {
		name = template.HTMLEscapeString(v.T("report.engagement_n", "id", e.ID))
	} else if _, fallback := e.Title.In(string(v.Lang)); fallback {
		name = `<span lang="nb">` + name + `</span>`
	}
	if v.opts.EngagementHref != nil {
		if href := v.opts.EngagementHref(e.ID); href != "" {
			return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `">` + name + `</a>`)
		}
	}
	return template.HTML(name)
}

// ElementName is an element's code and title, linked to it when there is an address.
func (v *view) ElementName(el *Element) template.HTML {
	var b strings.Builder
	if el.Code != "" {
		b.WriteString(`<span class="code">` + template.HTMLEscapeString(el.Code) + `</span> `)
	}
	b.WriteString(string(v.L(el.Title)))
	if v.opts.ElementHref != nil {
		if href := v.opts.ElementHref(el.ID); href != "" {
			return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `">` + b.String() + `</a>`)
		}
	}
	return template.HTML(b.String())
}

// SectionName names a section: its priority, or the work that serves none.
func (v *view) SectionName(s *Section) template.HTML {
	if s.Element == nil {
		return template.HTML(template.HTMLEscapeString(v.T("report.other.title")))
	}
	var b strings.Builder
	if s.Element.Code != "" {
		b.WriteString(`<span class="code">` + template.HTMLEscapeString(s.Element.Code) + `</span> `)
	}
	b.WriteString(string(v.L(s.Element.Title)))
	return template.HTML(b.String())
}

// figure wraps a figure's text in a link to its records, when there is an address for them.
func (v *view) figure(key, text string) template.HTML {
	text = template.HTMLEscapeString(text)
	if v.opts.FigureHref != nil {
		if href := v.opts.FigureHref(key); href != "" {
			return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `">` + text +
				`<span class="visually-hidden"> (` + template.HTMLEscapeString(v.T("report.records.link")) + `)</span></a>`)
		}
	}
	return template.HTML(text)
}

// Fig shows a count, linked to its records.
func (v *view) Fig(c Count) template.HTML { return v.figure(c.Key, v.Int(c.N)) }

// FigN shows a number, linked to the records of a figure.
func (v *view) FigN(key string, n int) template.HTML { return v.figure(key, v.Int(n)) }

// FigAmount shows an amount, linked to the records of a figure.
func (v *view) FigAmount(key string, m utsyn.Money) template.HTML { return v.figure(key, v.Amount(m)) }

// MoneyFig shows money added up per currency: each currency's sum, linked to the lines it
// adds up, with its value in NOK where every year has a rate and a flag where one lacks.
func (v *view) MoneyFig(m Money) template.HTML {
	if m.IsZero() {
		return v.figure(m.Key, v.Amount(utsyn.Money{Currency: "NOK"}))
	}
	var parts []string
	for _, s := range m.Sums {
		part := string(v.figure(m.Key, v.Amount(s.Amount)))
		switch {
		case s.Amount.Currency == "NOK":
		case s.Converted:
			part += ` <span class="report-nok">(` + template.HTMLEscapeString(v.T("report.money.about", "amount", v.Amount(s.NOK))) + `)</span>`
		default:
			part += ` <span class="report-flag">` + template.HTMLEscapeString(v.T("report.money.no_rate", "years", years(s.MissingYears))) + `</span>`
		}
		parts = append(parts, part)
	}
	out := strings.Join(parts, "<br>")
	if len(m.Sums) > 1 && m.Complete {
		out += `<br><span class="report-total">` + template.HTMLEscapeString(v.T("report.money.total", "amount", v.Amount(m.NOK))) + `</span>`
	}
	return template.HTML(out)
}

// FigMore says that a list has n more than it names, linked to all of them.
func (v *view) FigMore(key string, n int) template.HTML {
	return v.figure(key, v.T("report.more", "count", v.Int(n)))
}

// EngagementRows are the rows of the administrative form's table, in parts to be written one
// after the other. They are written here, not in the template, as the table can have tens of
// thousands of rows, and in as many parts at once as there are processors: at 34,000 rows
// writing them was a third of the report's time.
func (v *view) EngagementRows(es []*Engagement) []template.HTML {
	if len(es) == 0 {
		return nil
	}
	parts := make([]template.HTML, min(runtime.GOMAXPROCS(0), max(1, len(es)/1000)))
	size := (len(es) + len(parts) - 1) / len(parts)
	words := v.rowWords()
	var wg sync.WaitGroup
	for i, chunk := range slices.Collect(slices.Chunk(es, size)) {
		wg.Go(func() {
			var b strings.Builder
			b.Grow(len(chunk) * 512)
			dates := map[utsyn.Date]string{} // many engagements share a start or an end
			for _, e := range chunk {
				v.writeEngagementRow(&b, e, words, dates)
			}
			parts[i] = template.HTML(b.String())
		})
	}
	wg.Wait()
	return parts
}

// rowWords are the words and tags every row of the table repeats, made once for the table.
type rowWords struct {
	kind, status, money map[string]string
	tag                 map[string]template.HTML
}

func (v *view) rowWords() rowWords {
	w := rowWords{kind: map[string]string{}, status: map[string]string{}, money: map[string]string{}, tag: map[string]template.HTML{}}
	for _, k := range utsyn.EngagementKinds {
		w.kind[k] = v.Kind(k)
	}
	for _, s := range utsyn.EngagementStatuses {
		w.status[s] = v.EStatus(s)
	}
	for _, k := range utsyn.MoneyKinds {
		w.money[k] = v.MoneyKind(k)
	}
	for _, s := range append(slices.Clone(FollowUpStatuses), NoStatus) {
		w.tag[s] = v.Status(s)
	}
	return w
}

// word returns the word for key from words, or makes it with f when it is not there.
func word[T any](words map[string]T, key string, f func(string) T) T {
	if w, ok := words[key]; ok {
		return w
	}
	return f(key)
}

// writeEngagementRow writes an engagement's row in the administrative form's table.
func (v *view) writeEngagementRow(b *strings.Builder, e *Engagement, words rowWords, dates map[utsyn.Date]string) {
	date := func(d utsyn.Date) string {
		s, ok := dates[d]
		if !ok {
			s = v.Date(d)
			dates[d] = s
		}
		return s
	}
	esc := func(s string) { template.HTMLEscape(b, []byte(s)) }
	b.WriteString(`<tr><th scope="row">`)
	b.WriteString(string(v.EngagementLink(e)))
	if len(e.Codes) > 0 {
		b.WriteString(` <span class="muted">(`)
		esc(strings.Join(e.Codes, ", "))
		b.WriteString(`)</span>`)
	}
	b.WriteString(`</th><td>`)
	esc(word(words.kind, e.Kind, v.Kind))
	b.WriteString(`</td><td>`)
	esc(word(words.status, e.Status, v.EStatus))
	b.WriteString(`</td><td>`)
	if e.Latest != nil {
		b.WriteString(string(word(words.tag, e.Latest.Status, v.Status)))
		b.WriteString(` <span class="muted">`)
		esc(date(e.Latest.Date))
		b.WriteString(`</span>`)
	} else {
		b.WriteString(string(words.tag[NoStatus]))
	}
	b.WriteString(`</td><td>`)
	esc(v.span(e, date))
	b.WriteString(`</td><td>`)
	for i, m := range e.Money {
		if i > 0 {
			b.WriteString(`<br>`)
		}
		b.WriteString(strconv.Itoa(m.Year))
		b.WriteByte(' ')
		esc(word(words.money, m.Kind, v.MoneyKind))
		b.WriteString(": ")
		esc(v.Amount(m.Amount))
	}
	b.WriteString("</td></tr>\n")
}

// DecisionMore says that more of a kind need a decision than the report names, linked to them.
func (v *view) DecisionMore(c Count) template.HTML {
	kind := strings.TrimPrefix(c.Key, "decisions.")
	return v.figure(c.Key, v.T("report.decisions.more."+kind, "count", v.Int(c.N)))
}

// More says how many more a list has than it names, or 0.
func (v *view) More(n int, shown []*Engagement) int { return max(0, n-len(shown)) }

// Reading is a one-line reading of the key figures: external funding against the own
// contribution, when both are known in NOK.
func (v *view) Reading() string {
	ext, own := v.Total.Figures.External, v.Total.Figures.Own
	if v.Public || ext.IsZero() || own.IsZero() || !ext.Complete || !own.Complete || own.NOK.Minor == 0 {
		return ""
	}
	ratio := float64(ext.NOK.Minor) / float64(own.NOK.Minor)
	return v.T("report.reading", "ratio", i18n.FormatDecimal(v.Lang, ratio, 1))
}

// Unconverted lists the currencies of the report that could not be converted, with the years
// that lack a rate.
func (v *view) Unconverted() []string {
	var out []string
	for _, m := range []Money{v.Total.Figures.External, v.Total.Figures.Own} {
		for _, s := range m.Sums {
			if !s.Converted {
				line := v.T("report.rates.missing", "currency", s.Amount.Currency, "years", years(s.MissingYears))
				if !slices.Contains(out, line) {
					out = append(out, line)
				}
			}
		}
	}
	return out
}

// RateText describes an exchange rate.
func (v *view) RateText(x utsyn.ExchangeRate) string {
	return v.T("report.rates.rate", "currency", x.Currency, "year", x.Year, "nok", i18n.FormatDecimal(v.Lang, x.NOK, 4))
}

// LevelName names the level the report is organised by, in the plural.
func (v *view) LevelName() string {
	if s := v.Priority.Plural.Get(string(v.Lang)); s != "" {
		return s
	}
	return v.T("report.priorities")
}

// LevelOne names the level the report is organised by, in the singular, as in running text.
func (v *view) LevelOne() string {
	if s := v.Priority.Name.Get(string(v.Lang)); s != "" {
		return strings.ToLower(s)
	}
	return v.T("report.priority")
}

// Depth is the indentation class of an element under its priority.
func (v *view) Depth(el *Element) string { return fmt.Sprintf("report-depth-%d", min(el.Depth, 4)) }

// IndicatorName names an indicator with its unit.
func (v *view) IndicatorName(in *Indicator) string {
	name := in.Name.Get(string(v.Lang))
	if u := in.Unit.Get(string(v.Lang)); u != "" {
		name += " (" + u + ")"
	}
	return name
}

// Baseline describes an indicator's baseline, or "".
func (v *view) Baseline(in *Indicator) string {
	if in.Baseline == nil {
		return ""
	}
	if in.BaselinePeriod != "" {
		return v.T("report.indicator.baseline_in", "value", v.Number(*in.Baseline), "period", in.BaselinePeriod)
	}
	return v.T("report.indicator.baseline", "value", v.Number(*in.Baseline))
}

// PointText describes an indicator's value and target for one period.
func (v *view) PointText(in *Indicator, p utsyn.Point) string {
	value := v.T("report.indicator.no_value")
	if p.Value != nil {
		value = v.Number(*p.Value)
	} else if p.Missing != "" {
		value = v.T("report.indicator.missing")
	}
	s := p.Period + ": " + value
	if p.Target != nil {
		target := v.T("report.indicator.target", "value", v.Number(*p.Target))
		if p.Example {
			target += " " + v.T("report.indicator.example")
		}
		if p.Value != nil {
			if in.Met(*p.Value, *p.Target) {
				target += ", " + v.T("report.indicator.reached")
			} else {
				target += ", " + v.T("report.indicator.not_reached")
			}
		}
		s += " (" + target + ")"
	}
	return s
}

// RuleName names the roll-up rule.
func (v *view) RuleName() string { return v.T("report.rollup." + v.RollupRule) }

// UpdateText is a status update's date and author.
func (v *view) UpdateText(u *store.ReportUpdate) string {
	return v.T("report.update.by", "date", v.Date(u.Date), "author", u.Author)
}

// Horizon is the last day a renewal still needs a decision now.
func (v *view) Horizon() string {
	return i18n.FormatDate(v.Lang, v.Period.To.Time().AddDate(0, DecisionMonths, 0))
}

// Administrative reports whether the report is the administrative form.
func (v *view) Administrative() bool { return v.Form == Administrative }

// years lists years: "2024, 2025".
func years(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = fmt.Sprint(y)
	}
	return strings.Join(s, ", ")
}

// oslo is the time zone times are shown in.
var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// RenderHTML renders the body into a string, for a page template to embed.
func (r *Report) RenderHTML(o HTMLOptions) (template.HTML, error) {
	var b bytes.Buffer
	if err := r.HTML(&b, o); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
