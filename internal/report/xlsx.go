package report

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn/internal/i18n"
)

// XLSXOptions say how to write a report as a workbook.
type XLSXOptions struct {
	Lang    i18n.Lang
	Catalog *i18n.Catalog
	// EngagementURL makes the address of an engagement, for a column of links in the list of
	// engagements; nil or "" for none.
	EngagementURL func(id int64) string
}

// XLSX writes the report as a workbook with a sheet per section: what the report is (period,
// source, form, rules and rates), the key figures, the money, the status and what needs a
// decision, the strategy's elements and indicators (administrative form), and as appendices
// every engagement and every money line the figures count, with the keys to filter them by.
// Numbers are numbers, with formats; each amount has its currency in a column of its own.
func (r *Report) XLSX(ctx context.Context, w io.Writer, o XLSXOptions) error {
	if err := r.Details(ctx, r.Engagements); err != nil { // the appendix names every one
		return err
	}
	x := &xlsxWriter{Report: r, v: &view{Report: r, Lang: o.Lang, cat: o.Catalog}, f: excelize.NewFile(), opts: o, names: map[string]string{}}
	defer x.f.Close()
	// The appendices run to tens of megabytes of XML at 100,000 engagements: the fastest
	// compression halves the time of writing the file for a third more bytes.
	x.f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
		return zw
	})
	if err := x.styles(); err != nil {
		return err
	}
	steps := []func() error{x.about, x.figures, x.money, x.moneyByYear}
	if !r.Public {
		steps = append(steps, x.status, x.decisions)
	}
	if r.Form == Administrative {
		steps = append(steps, x.elements, x.indicators)
	}
	steps = append(steps, x.engagements, x.lines)
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("report xlsx: %w", err)
		}
	}
	x.f.SetActiveSheet(0)
	if err := x.f.SetDocProps(&excelize.DocProperties{
		Title:    x.v.DocumentTitle(),
		Subject:  x.v.FormName() + ", " + x.v.PeriodText(),
		Creator:  "Utsyn – " + x.v.S(r.Org.Name),
		Language: string(o.Lang),
		Created:  r.Generated.UTC().Format("2006-01-02T15:04:05Z"),
		Modified: r.Generated.UTC().Format("2006-01-02T15:04:05Z"),
	}); err != nil {
		return err
	}
	return x.f.Write(w)
}

type xlsxWriter struct {
	*Report
	v      *view
	f      *excelize.File
	names  map[string]string
	opts   XLSXOptions
	sheets int
	// styles
	bold, wrap, count, amount, rate, day int
}

func (x *xlsxWriter) styles() error {
	var err error
	dateFmt, rateFmt := "yyyy-mm-dd", "0.0000"
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&x.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&x.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&x.count, &excelize.Style{NumFmt: 3}},  // #,##0
		{&x.amount, &excelize.Style{NumFmt: 4}}, // #,##0.00
		{&x.rate, &excelize.Style{CustomNumFmt: &rateFmt}},
		{&x.day, &excelize.Style{CustomNumFmt: &dateFmt}},
	} {
		if *s.id, err = x.f.NewStyle(s.style); err != nil {
			return err
		}
	}
	return nil
}

// sheet is one worksheet being written.
type sheet struct {
	x    *xlsxWriter
	sw   *excelize.StreamWriter
	name string
	row  int
	cols int
}

// newSheet starts a sheet, the first one in the workbook's own first sheet.
func (x *xlsxWriter) newSheet(nameKey string, widths ...float64) (*sheet, error) {
	name := x.v.T(nameKey)
	if x.sheets == 0 {
		if err := x.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := x.f.NewSheet(name); err != nil {
		return nil, err
	}
	x.sheets++
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	return &sheet{x: x, sw: sw, name: name, cols: len(widths)}, nil
}

// add writes a row.
func (s *sheet) add(values ...any) error {
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, values)
}

// header writes a row of column names, in bold, and freezes it when it is the first.
func (s *sheet) header(keys ...string) error {
	values := make([]any, len(keys))
	for i, k := range keys {
		values[i] = excelize.Cell{StyleID: s.x.bold, Value: s.x.v.T(k)}
	}
	if s.row == 0 {
		if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return s.add(values...)
}

// done makes the sheet's rows a table with filters (when it has a header and rows), and ends it.
func (s *sheet) done(table string) error {
	if table != "" && s.row > 1 {
		last, _ := excelize.CoordinatesToCellName(s.cols, s.row)
		if err := s.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: table, StyleName: "TableStyleLight1", ShowRowStripes: new(true)}); err != nil {
			return err
		}
	}
	return s.sw.Flush()
}

func (x *xlsxWriter) n(v int) excelize.Cell { return excelize.Cell{StyleID: x.count, Value: v} }

func (x *xlsxWriter) amountCell(minor int64) excelize.Cell {
	return excelize.Cell{StyleID: x.amount, Value: float64(minor) / 100}
}

// yes is a yes-or-no cell: a boolean, which a spreadsheet shows in its own language and filters.
func (x *xlsxWriter) yes(b bool) bool { return b }

// name returns the catalog's message for key, once per key: the appendices name a kind or a
// status on every row.
func (x *xlsxWriter) name(key string) string {
	if s, ok := x.names[key]; ok {
		return s
	}
	s := x.v.T(key)
	x.names[key] = s
	return s
}

// sectionName is a section's code and title, as text.
func (x *xlsxWriter) sectionName(s *Section) (code, title string) {
	if s == x.Total {
		return "", x.v.T("report.figures.total")
	}
	if s.Element == nil {
		return "", x.v.T("report.other.title")
	}
	return s.Element.Code, x.v.S(s.Element.Title)
}

func (x *xlsxWriter) all() []*Section { return append(append([]*Section{}, x.Sections...), x.Total) }

// about is the first sheet: what the report is, where it comes from, and how it counts.
func (x *xlsxWriter) about() error {
	s, err := x.newSheet("report.xlsx.sheet.about", 28, 100)
	if err != nil {
		return err
	}
	v := x.v
	label := func(key string) excelize.Cell { return excelize.Cell{StyleID: x.bold, Value: v.T(key)} }
	text := func(t string) excelize.Cell { return excelize.Cell{StyleID: x.wrap, Value: t} }
	strategy := v.T("report.about.no_strategy")
	if x.Strategy != nil {
		strategy = v.S(x.Strategy.Title)
	}
	source := v.T("report.about.source", "org", v.S(x.Org.Name))
	if x.Public {
		source = v.T("report.about.source_public", "org", v.S(x.Org.Name))
	}
	rows := [][]any{
		{label("report.xlsx.title"), text(v.Heading())},
		{label("report.about.org"), text(v.S(x.Org.Name))},
		{label("report.xlsx.from"), excelize.Cell{StyleID: x.day, Value: x.Period.From.Time()}},
		{label("report.xlsx.to"), excelize.Cell{StyleID: x.day, Value: x.Period.To.Time()}},
		{label("report.about.form"), text(v.FormName())},
		{label("report.about.strategy"), text(strategy)},
		{label("report.xlsx.source"), text(source + " " + v.T("report.xlsx.source_sheets"))},
		{label("report.about.made"), text(v.Made())},
	}
	if x.Empty() {
		rows = append(rows, []any{label("report.empty.title"), text(v.T("report.empty.text", "period", v.PeriodText()))})
	}
	rules := []string{v.T("report.rules.counted"), v.T("report.rules.new"), v.T("report.rules.priorities", "level", v.LevelOne()),
		v.T("report.rules.money")}
	if x.Period.PartYears() {
		rules = append(rules, v.T("report.rules.money_part"))
	}
	if x.Public {
		rules = append(rules, v.T("report.rules.public"))
	} else {
		rules = append(rules, v.T("report.rules.status"), v.T("report.decisions.rule", "months", "6", "date", v.Horizon()))
	}
	for i, rule := range rules {
		key := excelize.Cell{}
		if i == 0 {
			key = label("report.rules.title")
		}
		rows = append(rows, []any{key, text(rule)})
	}
	for _, row := range rows {
		if err := s.add(row...); err != nil {
			return err
		}
	}
	if err := s.add(); err != nil {
		return err
	}
	if err := s.add(label("report.rates.used"), text(v.T("report.xlsx.rates_lead"))); err != nil {
		return err
	}
	if len(x.Rates) == 0 {
		if err := s.add(excelize.Cell{}, text(v.T("report.rates.none"))); err != nil {
			return err
		}
	}
	for _, r := range x.Rates {
		if err := s.add(fmt.Sprintf("%s %d", r.Currency, r.Year), excelize.Cell{StyleID: x.rate, Value: r.NOK}); err != nil {
			return err
		}
	}
	for _, line := range v.Unconverted() {
		if err := s.add(excelize.Cell{}, text(line)); err != nil {
			return err
		}
	}
	return s.done("")
}

// figures are the key figures per section.
func (x *xlsxWriter) figures() error {
	s, err := x.newSheet("report.xlsx.sheet.figures", 10, 60, 14, 10, 12, 14, 16)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.code", "report.xlsx.priority", "report.figures.engagements", "report.figures.new",
		"report.figures.completed", "report.figures.memberships", "report.figures.countries"); err != nil {
		return err
	}
	for _, sec := range x.all() {
		code, title := x.sectionName(sec)
		f := sec.Figures
		if err := s.add(code, title, x.n(f.Engagements.N), x.n(f.New.N), x.n(f.Completed.N), x.n(f.Memberships.N), x.n(f.Countries.N)); err != nil {
			return err
		}
	}
	return s.done("")
}

// money is the external funding and own contribution per section and currency.
func (x *xlsxWriter) money() error {
	s, err := x.newSheet("report.xlsx.sheet.money", 10, 50, 20, 10, 18, 18, 12, 22)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.code", "report.xlsx.priority", "report.xlsx.money_type", "report.xlsx.currency",
		"report.money.amount", "report.money.nok", "report.xlsx.converted", "report.xlsx.missing_rates"); err != nil {
		return err
	}
	for _, sec := range x.all() {
		code, title := x.sectionName(sec)
		for _, m := range []struct {
			key string
			fig Money
		}{{"report.figures.external", sec.Figures.External}, {"report.figures.own", sec.Figures.Own}} {
			if x.Public && m.key == "report.figures.own" {
				continue
			}
			for _, c := range m.fig.Sums {
				nok := excelize.Cell{}
				if c.Converted {
					nok = x.amountCell(c.NOK.Minor)
				}
				if err := s.add(code, title, x.v.T(m.key), c.Amount.Currency, x.amountCell(c.Amount.Minor), nok, x.yes(c.Converted), years(c.MissingYears)); err != nil {
					return err
				}
			}
		}
	}
	return s.done("")
}

// moneyByYear is the money per section, year, kind and currency.
func (x *xlsxWriter) moneyByYear() error {
	s, err := x.newSheet("report.xlsx.sheet.money_by_year", 10, 50, 8, 22, 10, 18, 18)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.code", "report.xlsx.priority", "report.money.year", "report.money.kind", "report.xlsx.currency",
		"report.money.amount", "report.money.nok"); err != nil {
		return err
	}
	for _, sec := range x.all() {
		code, title := x.sectionName(sec)
		for _, row := range sec.MoneyRows {
			nok := excelize.Cell{}
			if row.Converted {
				nok = x.amountCell(row.NOK.Minor)
			}
			if err := s.add(code, title, row.Year, x.v.MoneyKind(row.Kind), row.Amount.Currency, x.amountCell(row.Amount.Minor), nok); err != nil {
				return err
			}
		}
	}
	return s.done("")
}

// status is each section's rolled-up status and its counts by status.
func (x *xlsxWriter) status() error {
	s, err := x.newSheet("report.xlsx.sheet.status", 10, 50, 30, 16, 12)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.code", "report.xlsx.priority", "report.xlsx.what", "report.engagements.status", "report.xlsx.count"); err != nil {
		return err
	}
	for _, sec := range x.Sections {
		code, title := x.sectionName(sec)
		if sec.Rolled != nil {
			st := sec.Rolled.Status
			if st == "" {
				st = NoStatus
			}
			if err := s.add(code, title, x.v.T("report.status.rolled")+" ("+x.v.RuleName()+")", x.v.T("report.status."+st), excelize.Cell{}); err != nil {
				return err
			}
		}
		for _, group := range []struct {
			key    string
			counts []StatusCount
		}{{"report.status.elements", sec.ElementStatus}, {"report.status.engagements", sec.EngagementStatus}} {
			for _, c := range group.counts {
				if err := s.add(code, title, x.v.T(group.key), x.v.T("report.status."+c.Status), x.n(c.N)); err != nil {
					return err
				}
			}
		}
	}
	return s.done("")
}

// decisions is what needs a decision.
func (x *xlsxWriter) decisions() error {
	s, err := x.newSheet("report.xlsx.sheet.decisions", 18, 10, 60, 14, 60)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.what", "report.xlsx.id", "report.engagements.name", "report.xlsx.date", "report.xlsx.note"); err != nil {
		return err
	}
	for _, d := range x.Decisions {
		what := map[string]string{"renewal": "report.decisions.renewal", "review": "report.decisions.review", "off_track": "report.status.off_track"}[d.Kind]
		var id int64
		var name, note string
		if d.Engagement != nil {
			id, name = d.Engagement.ID, d.Engagement.Name(string(x.v.Lang))
		} else if d.Element != nil {
			id, name = d.Element.ID, strings.TrimSpace(d.Element.Code+" "+x.v.S(d.Element.Title))
		}
		if d.Update != nil {
			note = d.Update.Narrative
		}
		if err := s.add(x.v.T(what), id, name, d.Date.String(), excelize.Cell{StyleID: x.wrap, Value: note}); err != nil {
			return err
		}
	}
	return s.done("")
}

// elements is every element of the strategy with its latest status.
func (x *xlsxWriter) elements() error {
	s, err := x.newSheet("report.xlsx.sheet.elements", 10, 10, 18, 70, 14, 12, 60)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.id", "report.xlsx.code", "report.xlsx.level", "report.measures.element", "report.measures.status",
		"report.xlsx.date", "report.xlsx.note"); err != nil {
		return err
	}
	for _, el := range x.Elements {
		status, date, note := x.v.T("report.status.none"), "", ""
		if el.Latest != nil {
			status, date, note = x.v.T("report.status."+el.Latest.Status), el.Latest.Date.String(), el.Latest.Narrative
		}
		if err := s.add(el.ID, el.Code, x.v.S(el.Level.Name), x.v.S(el.Title), status, date, note); err != nil {
			return err
		}
	}
	return s.done("Elements")
}

// indicators are the indicators' values and targets in the period's years.
func (x *xlsxWriter) indicators() error {
	s, err := x.newSheet("report.xlsx.sheet.indicators", 10, 50, 16, 12, 12, 12, 12, 12)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.code", "report.measures.indicators", "report.xlsx.unit", "report.xlsx.period", "report.xlsx.value",
		"report.xlsx.target", "report.xlsx.example", "report.xlsx.reached"); err != nil {
		return err
	}
	for _, el := range x.Elements {
		for _, in := range el.Indicators {
			for _, p := range in.Points {
				value, target, reached := excelize.Cell{}, excelize.Cell{}, any(nil)
				if p.Value != nil {
					value = excelize.Cell{Value: *p.Value}
				}
				if p.Target != nil {
					target = excelize.Cell{Value: *p.Target}
					if p.Value != nil {
						reached = x.yes(in.Met(*p.Value, *p.Target))
					}
				}
				if err := s.add(el.Code, x.v.S(in.Name), x.v.S(in.Unit), p.Period, value, target, x.yes(p.Example), reached); err != nil {
					return err
				}
			}
		}
	}
	return s.done("")
}

// engagements is the appendix of every engagement the figures count, with the keys to filter
// them by: the priorities they count under, whether new, completed or a membership.
func (x *xlsxWriter) engagements() error {
	widths := []float64{10, 60, 18, 14, 12, 12, 8, 10, 12, 14, 14, 18, 14, 12}
	keys := []string{"report.xlsx.id", "report.engagements.name", "report.engagements.kind", "report.engagements.status", "report.xlsx.start",
		"report.xlsx.end", "report.figures.new", "report.figures.completed", "report.figures.memberships", "report.xlsx.priorities",
		"report.xlsx.elements", "report.figures.countries", "report.engagements.follow_up", "report.xlsx.public"}
	if x.opts.EngagementURL != nil {
		widths, keys = append(widths, 50), append(keys, "report.xlsx.address")
	}
	s, err := x.newSheet("report.xlsx.sheet.engagements", widths...)
	if err != nil {
		return err
	}
	if err := s.header(keys...); err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, sec := range x.Sections {
		if sec.Element != nil {
			codes[sec.Element.ID] = sec.Element.Code
		}
	}
	for _, e := range x.Engagements {
		var priorities []string
		for _, p := range e.Priorities {
			priorities = append(priorities, codes[p])
		}
		follow := ""
		if e.Latest != nil {
			follow = x.name("report.status." + e.Latest.Status)
		}
		row := []any{e.ID, e.Name(string(x.v.Lang)), x.name("work.kind." + e.Kind), x.name("work.status." + e.Status), e.Start.String(), e.End.String(),
			x.yes(e.New), x.yes(e.Completed), x.yes(e.Kind == "membership"), strings.Join(priorities, ", "), strings.Join(e.Codes, ", "),
			strings.Join(e.Countries, ", "), follow, x.yes(e.Public)}
		if x.opts.EngagementURL != nil {
			row = append(row, x.opts.EngagementURL(e.ID))
		}
		if err := s.add(row...); err != nil {
			return err
		}
	}
	return s.done("Engagements")
}

// lines is the appendix of every money line the figures count.
func (x *xlsxWriter) lines() error {
	s, err := x.newSheet("report.xlsx.sheet.lines", 10, 12, 50, 8, 22, 20, 10, 16, 16, 12, 14)
	if err != nil {
		return err
	}
	if err := s.header("report.xlsx.line", "report.xlsx.id", "report.engagements.name", "report.money.year", "report.money.kind",
		"report.xlsx.money_type", "report.xlsx.currency", "report.money.amount", "report.money.nok", "report.xlsx.converted",
		"report.xlsx.priorities"); err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, sec := range x.Sections {
		if sec.Element != nil {
			codes[sec.Element.ID] = sec.Element.Code
		}
	}
	for _, m := range x.Money {
		e := x.engagement[m.EngagementID]
		var priorities []string
		for _, p := range e.Priorities {
			priorities = append(priorities, codes[p])
		}
		kind := x.name("report.figures.own")
		if m.External {
			kind = x.name("report.figures.external")
		}
		nok := excelize.Cell{}
		if m.Converted {
			nok = x.amountCell(m.NOK.Minor)
		}
		if err := s.add(m.ID, e.ID, e.Name(string(x.v.Lang)), m.Year, x.name("report.money_kind."+m.Kind), kind, m.Amount.Currency,
			x.amountCell(m.Amount.Minor), nok, x.yes(m.Converted), strings.Join(priorities, ", ")); err != nil {
			return err
		}
	}
	return s.done("MoneyLines")
}
