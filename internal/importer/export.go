package importer

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Export writes the organisation's whole register in the format of docs/SPREADSHEET.md: a
// workbook (FormatXLSX) or a ZIP archive of CSV files, one per sheet (FormatCSV), which Import
// reads back. A workbook is written as a stream, so a register of any size costs little memory.
func Export(ctx context.Context, db *store.DB, org *utsyn.Organisation, format Format, w io.Writer, now time.Time) error {
	x, err := db.RegisterIndex(ctx, org.ID)
	if err != nil {
		return err
	}
	var out sheetWriter
	switch format {
	case FormatXLSX:
		out = newXLSXWriter()
	case FormatCSV:
		out = &csvZipWriter{zw: zip.NewWriter(w)}
	default:
		return fmt.Errorf("export: unknown format %q", format)
	}
	e := &exporter{x: x, out: out, titles: map[int64]string{}, terms: map[int64]string{}}
	for _, t := range x.Terms {
		e.terms[t.ID] = t.Key
	}
	if err := e.write(ctx, db, org, now); err != nil {
		return err
	}
	return out.close(w)
}

// ExportName is the file name an export of the organisation is offered under.
func ExportName(org *utsyn.Organisation, format Format, now time.Time) string {
	base := "utsyn-register-" + org.Slug + "-" + now.Format("2006-01-02")
	if format == FormatCSV {
		return base + "-csv.zip"
	}
	return base + ".xlsx"
}

// sheetWriter writes sheets one after another.
type sheetWriter interface {
	sheet(key string, header []string) error
	row(cells []any) error
	close(w io.Writer) error
}

type exporter struct {
	x      *store.RegisterIndex
	out    sheetWriter
	titles map[int64]string // engagement id → title, for the columns people read
	terms  map[int64]string
}

// columnsOf lists the columns an export writes for a sheet: every column of the format but ref,
// which is for rows people add.
func columnsOf(key string) []string {
	var out []string
	for _, c := range specFor(key).columns {
		if c.key != "ref" {
			out = append(out, c.key)
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func idOrEmpty(id int64) any {
	if id == 0 {
		return ""
	}
	return id
}

func (e *exporter) write(ctx context.Context, db *store.DB, org *utsyn.Organisation, now time.Time) error {
	if err := e.out.sheet(sheetMeta, []string{"key", "value"}); err != nil {
		return err
	}
	for _, kv := range [][2]string{{"format", FormatVersion}, {"organisation", org.Slug}, {"exported", now.UTC().Format(time.RFC3339)},
		{"documentation", "docs/SPREADSHEET.md"}} {
		if err := e.out.row([]any{kv[0], kv[1]}); err != nil {
			return err
		}
	}
	child := map[string][][]any{}
	if err := e.out.sheet(sheetEngagements, columnsOf(sheetEngagements)); err != nil {
		return err
	}
	err := db.EachEngagement(ctx, org.ID, func(es []*utsyn.Engagement) error {
		for _, en := range es {
			title := en.Title.Get("nb")
			e.titles[en.ID] = title
			if err := e.out.row(e.engagementRow(en)); err != nil {
				return err
			}
			for _, p := range en.Partners {
				name := ""
				if p.Actor != nil {
					name = p.Actor.Name
				}
				child[sheetPartners] = append(child[sheetPartners], []any{en.ID, p.ActorID, p.Role, title, name})
			}
			for _, el := range en.Elements {
				k := e.x.ElementRefs[el.ElementID]
				child[sheetElements] = append(child[sheetElements], []any{en.ID, k.Strategy, k.Code, yesNo(el.Primary), title, k.Title.Get("nb")})
			}
			for _, l := range en.Links {
				child[sheetLinks] = append(child[sheetLinks], []any{en.ID, l.URL, l.Label, title})
			}
			if m := en.Membership; m != nil {
				for _, s := range m.Seats {
					child[sheetSeats] = append(child[sheetSeats], []any{en.ID, s.Body, s.Kind, s.Holder, title})
				}
				for _, r := range m.Reviews {
					child[sheetReviews] = append(child[sheetReviews], []any{en.ID, r.Date.String(), r.Outcome, r.Rationale["nb"], r.Rationale["en"], title})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.out.sheet(sheetActors, columnsOf(sheetActors)); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, a := range e.x.Actors {
		names[a.ID] = a.Name
		if err := e.out.row([]any{a.ID, a.Version, a.Name, a.Country, a.Region, a.Type, a.OrgNumber, a.PIC, a.Website}); err != nil {
			return err
		}
	}
	for _, key := range []string{sheetPartners, sheetMoney, sheetElements, sheetLinks, sheetSeats, sheetReviews} {
		if err := e.out.sheet(key, columnsOf(key)); err != nil {
			return err
		}
		if key == sheetMoney {
			err := db.EachMoneyLine(ctx, org.ID, func(m *utsyn.MoneyLine) error {
				var hours, rate any = "", ""
				if m.Kind == utsyn.MoneyOwnHours || m.Hours != 0 {
					hours, rate = m.Hours, formatCents(m.HourlyRate.Minor)
				}
				return e.out.row([]any{m.ID, m.Version, m.EngagementID, m.Year, m.Kind, formatCents(m.Amount.Minor), m.Amount.Currency,
					hours, rate, idOrEmpty(m.FunderID), m.Note, e.titles[m.EngagementID], names[m.FunderID]})
			})
			if err != nil {
				return err
			}
			continue
		}
		for _, r := range child[key] {
			if err := e.out.row(r); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

func (e *exporter) engagementRow(en *utsyn.Engagement) []any {
	sdgs := make([]string, len(en.SDGs))
	for i, n := range en.SDGs {
		sdgs[i] = strconv.Itoa(n)
	}
	m := en.Membership
	if m == nil {
		m = &utsyn.MembershipFacts{}
	}
	fee, currency := "", ""
	if m.AnnualFee.Minor != 0 {
		fee, currency = formatCents(m.AnnualFee.Minor), m.AnnualFee.Currency
	}
	return []any{en.ID, en.Version, en.Kind, en.Status, en.Title["nb"], en.Title["en"], en.Acronym, en.Description["nb"],
		en.Description["en"], en.Start.String(), en.End.String(), en.Unit, e.x.Emails[en.Responsible], e.terms[en.RoleTermID],
		e.terms[en.FormTermID], en.Programme, en.Call, yesNo(en.Public), yesNo(en.Example), strings.Join(en.Tags, "; "),
		strings.Join(sdgs, "; "), en.ExternalIDs["cordis"], en.ExternalIDs["keep_eu"], en.ExternalIDs["erasmus"],
		en.ExternalIDs["eea_grants"], fee, currency, m.DecisionBody, m.DecisionDate.String(), m.DecisionCase,
		m.RenewalDate.String(), en.UpdatedAt.UTC().Format(time.RFC3339)}
}

// xlsxWriter writes a workbook sheet by sheet with excelize's stream writer.
type xlsxWriter struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	n    int // the current sheet's next row
	bold int
	err  error
}

func newXLSXWriter() *xlsxWriter {
	f := excelize.NewFile()
	w := &xlsxWriter{f: f}
	w.bold, w.err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	return w
}

func (w *xlsxWriter) sheet(key string, header []string) error {
	if w.err != nil {
		return w.err
	}
	if err := w.flush(); err != nil {
		return err
	}
	if key == sheetMeta {
		if err := w.f.SetSheetName("Sheet1", key); err != nil {
			return err
		}
	} else if _, err := w.f.NewSheet(key); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(key)
	if err != nil {
		return err
	}
	w.sw, w.n = sw, 1
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: w.bold, Value: h}
	}
	return w.row(cells)
}

func (w *xlsxWriter) row(cells []any) error {
	cell, err := excelize.CoordinatesToCellName(1, w.n)
	if err != nil {
		return err
	}
	w.n++
	for i, c := range cells {
		if s, ok := c.(string); ok && len(s) > 32000 { // Excel's limit on a cell
			cells[i] = s[:32000]
		}
	}
	return w.sw.SetRow(cell, cells)
}

func (w *xlsxWriter) flush() error {
	if w.sw == nil {
		return nil
	}
	err := w.sw.Flush()
	w.sw = nil
	return err
}

func (w *xlsxWriter) close(out io.Writer) error {
	defer w.f.Close()
	if err := w.flush(); err != nil {
		return err
	}
	if idx, err := w.f.GetSheetIndex(sheetEngagements); err == nil && idx >= 0 {
		w.f.SetActiveSheet(idx)
	}
	_, err := w.f.WriteTo(out)
	return err
}

// csvZipWriter writes each sheet as a CSV file (UTF-8 with a byte-order mark, semicolons, CRLF,
// as Norwegian Excel opens it) in a ZIP archive.
type csvZipWriter struct {
	zw *zip.Writer
	cw *csv.Writer
}

func (w *csvZipWriter) sheet(key string, header []string) error {
	if err := w.flush(); err != nil {
		return err
	}
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: key + ".csv", Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte("\uFEFF")); err != nil {
		return err
	}
	w.cw = csv.NewWriter(f)
	w.cw.Comma, w.cw.UseCRLF = ';', true
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	return w.row(cells)
}

func (w *csvZipWriter) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case string:
			rec[i] = safeCell(v)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			rec[i] = fmt.Sprint(v)
		}
	}
	return w.cw.Write(rec)
}

func (w *csvZipWriter) flush() error {
	if w.cw == nil {
		return nil
	}
	w.cw.Flush()
	return w.cw.Error()
}

func (w *csvZipWriter) close(io.Writer) error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.zw.Close()
}
