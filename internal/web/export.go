package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
)

// Export of the register: the list as it is filtered on its page, every match and not only the
// page shown, as CSV (UTF-8 with a byte-order mark and semicolons, as Norwegian Excel opens it)
// or as an Excel workbook. A cell that a spreadsheet would run as a formula is made text.

// maxExport bounds an export of the list, so that one request cannot hold the database for
// long. A longer list is refused, never cut short without a word: the whole register comes out
// as a workbook or CSV files from Import and export (docs/SPREADSHEET.md), streamed.
const maxExport = 20000

// exportTable is the filtered register as a header and rows of text.
func (s *Server) exportTable(ctx context.Context, r *http.Request, p *page) (header []string, rows [][]string, err error) {
	c, err := s.registerChoices(ctx, p.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	lf := readListFilter(r)
	lf.After = ""
	filter, problems := lf.storeFilter(p, c, false)
	if len(problems) > 0 {
		return nil, nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "register.error.filter"}
	}
	filter.Limit, filter.Count = 200, false
	header = []string{p.T("export.id"), p.T("export.title_nb"), p.T("export.title_en"), p.T("register.field.acronym"),
		p.T("register.field.kind"), p.T("register.field.status"), p.T("register.field.start"), p.T("register.field.end"),
		p.T("register.field.unit"), p.T("register.field.responsible"), p.T("register.field.role"), p.T("register.field.working_form"),
		p.T("register.field.programme"), p.T("register.field.call"), p.T("export.partners"), p.T("export.countries"),
		p.T("export.elements"), p.T("register.field.tags"), p.T("register.field.sdgs")}
	for _, scheme := range utsyn.ExternalIDSchemes {
		header = append(header, p.T("register.field.external_"+scheme))
	}
	header = append(header, p.T("export.visibility"), p.T("export.updated"), p.T("export.link"))
	for {
		page, err := s.db.ListEngagements(ctx, filter)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range page.Items {
			rows = append(rows, exportRow(p, c, r, e))
		}
		if page.Next == "" {
			break
		}
		if len(rows) >= maxExport {
			return nil, nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "register.error.export_too_large"}
		}
		filter.After = page.Next
	}
	return header, rows, nil
}

func exportRow(p *page, c *registerChoices, r *http.Request, e *utsyn.Engagement) []string {
	var partners, countries, elements, sdgs []string
	for _, pa := range e.Partners {
		partners = append(partners, pa.Actor.Name+" ("+strings.ToLower(p.PartnerRoleLabel(pa.Role))+")")
		if name := p.CountryName(pa.Actor.Country); !slices.Contains(countries, name) {
			countries = append(countries, name)
		}
	}
	for _, el := range e.Elements {
		label := strings.TrimSpace(el.Code + " " + p.S(el.Title))
		if el.Primary {
			label += " (" + p.T("register.primary") + ")"
		}
		elements = append(elements, label)
	}
	for _, n := range e.SDGs {
		sdgs = append(sdgs, strconv.Itoa(n))
	}
	visibility := p.T("register.internal")
	if e.Public {
		visibility = p.T("register.public")
	}
	row := []string{strconv.FormatInt(e.ID, 10), e.Title["nb"], e.Title["en"], e.Acronym, p.KindLabel(e.Kind), p.EStatusLabel(e.Status),
		e.Start.String(), e.End.String(), e.Unit, e.ResponsibleName, c.termName(p, e.RoleTermID), c.termName(p, e.FormTermID),
		e.Programme, e.Call, strings.Join(partners, "; "), strings.Join(countries, "; "), strings.Join(elements, "; "),
		strings.Join(e.Tags, ", "), strings.Join(sdgs, ", ")}
	for _, scheme := range utsyn.ExternalIDSchemes {
		row = append(row, e.ExternalIDs[scheme])
	}
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return append(row, visibility, e.UpdatedAt.In(oslo).Format("2006-01-02 15:04"), scheme+"://"+r.Host+engagementBase(p, e.ID))
}

func exportName(p *page, ext string) string {
	return "utsyn-engasjementer-" + p.Org.Slug + "-" + time.Now().In(oslo).Format("2006-01-02") + "." + ext
}

func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request, p *page) error {
	header, rows, err := s.exportTable(r.Context(), r, p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(p, "csv")+`"`)
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	cw.Write(header)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, v := range row {
			safe[i] = csvSafe(v)
		}
		cw.Write(safe)
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) exportXLSX(w http.ResponseWriter, r *http.Request, p *page) error {
	header, rows, err := s.exportTable(r.Context(), r, p)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := short(p.T("register.title"), 31)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := x.SetSheetRow(sheet, "A1", &cells); err != nil {
		return err
	}
	for n, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v // text stays text: a cell is never written as a formula
		}
		if id, err := strconv.ParseInt(row[0], 10, 64); err == nil {
			cells[0] = id
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(header))
	if err := x.SetCellStyle(sheet, "A1", lastCol+"1", bold); err != nil {
		return err
	}
	if err := x.SetColWidth(sheet, "A", lastCol, 18); err != nil {
		return err
	}
	for _, col := range []string{"B", "C", "O", "Q"} { // titles, partners, strategy elements
		if err := x.SetColWidth(sheet, col, col, 40); err != nil {
			return err
		}
	}
	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), len(rows)+1)
	if err := x.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(p, "xlsx")+`"`)
	_, err = x.WriteTo(w)
	return err
}
