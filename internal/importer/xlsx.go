package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on a workbook, so that a small file that unpacks to gigabytes (a "zip bomb") is
// refused instead of filling the disk or the memory.
const (
	maxUnzipped    = 2 << 30  // every part of a workbook together, unpacked
	maxUnzippedXML = 16 << 20 // a sheet larger than this is read from a temporary file
)

var (
	errBrokenXLSX = errors.New("import.problem.broken_xlsx")
	errOldExcel   = errors.New("import.problem.old_excel")
)

// workbook is an XLSX file opened for reading.
type workbook struct {
	f        *excelize.File
	formulas map[string][]string // sheet → the first cells that hold a formula
}

// openWorkbook opens an XLSX file from its bytes or, when path is set, from the file (which
// keeps a large workbook out of memory). Every failure is a broken-workbook error: a reader can
// do nothing with the library's reasons.
func openWorkbook(ra io.ReaderAt, size int64, filePath string) (wb *workbook, err error) {
	defer func() {
		if v := recover(); v != nil { // a workbook broken in a way the library did not foresee
			wb, err = nil, errBrokenXLSX
		}
	}()
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML}
	var f *excelize.File
	if filePath != "" {
		f, err = excelize.OpenFile(filePath, opts)
	} else {
		f, err = excelize.OpenReader(io.NewSectionReader(ra, 0, size), opts)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, errBrokenXLSX
	}
	formulas, err := scanFormulas(ra, size)
	if err != nil {
		f.Close()
		return nil, errBrokenXLSX
	}
	return &workbook{f: f, formulas: formulas}, nil
}

func (wb *workbook) sheets() []string { return wb.f.GetSheetList() }

func (wb *workbook) Close() error { return wb.f.Close() }

// table returns a sheet's rows. Cells are read raw: a date is its serial number and an amount
// has a decimal point, whatever the sheet's formats show.
func (wb *workbook) table(sheet string) (t table, err error) {
	defer func() {
		if v := recover(); v != nil {
			t, err = nil, errBrokenXLSX
		}
	}()
	rows, err := wb.f.Rows(sheet)
	if err != nil {
		return nil, errBrokenXLSX
	}
	total := 0
	if dim, err := wb.f.GetSheetDimension(sheet); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, r, err := excelize.CellNameToCoordinates(last); err == nil {
				total = r
			}
		}
	}
	return &sheetTable{rows: rows, total: total}, nil
}

// sheetTable reads a sheet row by row, without holding it in memory.
type sheetTable struct {
	rows  *excelize.Rows
	row   int
	total int
}

func (t *sheetTable) Next() (cells []string, row int, err error) {
	defer func() {
		if v := recover(); v != nil {
			cells, row, err = nil, t.row, errBrokenXLSX
		}
	}()
	// Next advances one row number at a time, also over rows the sheet leaves out, so its count
	// is the row's number.
	if !t.rows.Next() {
		if err := t.rows.Error(); err != nil {
			return nil, t.row, errBrokenXLSX
		}
		return nil, 0, io.EOF
	}
	t.row++
	cells, err = t.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, t.row, errBrokenXLSX
	}
	return cells, t.row, nil
}

func (t *sheetTable) Progress() float64 {
	if t.total <= 0 {
		return 0
	}
	return min(1, float64(t.row)/float64(t.total))
}

func (t *sheetTable) Close() error { return t.rows.Close() }

// scanFormulas finds the cells that hold a formula, sheet by sheet (at most 20 a sheet). The
// library reads a formula cell's last computed value, which Utsyn will not take as data: a
// reader is told to paste the values instead. It reads each sheet's XML as a stream of bytes,
// looking only at the start of each element, which costs far less than parsing it.
func scanFormulas(ra io.ReaderAt, size int64) (map[string][]string, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeZipXML(files["xl/workbook.xml"], &wb); err != nil {
		return nil, err
	}
	if err := decodeZipXML(files["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	out := map[string][]string{}
	for _, s := range wb.Sheets {
		f := files[targets[s.RID]]
		if f == nil {
			continue
		}
		cells, err := formulaCells(f)
		if err != nil {
			return nil, err
		}
		if len(cells) > 0 {
			out[s.Name] = cells
		}
	}
	return out, nil
}

func decodeZipXML(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing part")
	}
	if f.UncompressedSize64 > 64<<20 {
		return errors.New("part too large")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
}

// formulaCells scans one sheet's XML for <f> elements and names the cells (<c r="B7">) they are
// in.
func formulaCells(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(io.LimitReader(rc, maxUnzipped), 64<<10)
	var cells []string
	current := ""
	for len(cells) < 20 {
		if _, err := br.ReadSlice('<'); errors.Is(err, bufio.ErrBufferFull) {
			continue
		} else if err == io.EOF {
			return cells, nil
		} else if err != nil {
			return nil, err
		}
		tag, _ := br.Peek(256)
		name := tag
		if i := bytes.IndexAny(name, " \t\r\n>/"); i >= 0 {
			name = name[:i]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		switch string(name) {
		case "c":
			current = cellRef(tag)
		case "f":
			if current != "" && (len(cells) == 0 || cells[len(cells)-1] != current) {
				cells = append(cells, current)
			}
		}
	}
	return cells, nil
}

// cellRef finds r="…" in the start of a <c> element.
func cellRef(tag []byte) string {
	if end := bytes.IndexByte(tag, '>'); end >= 0 {
		tag = tag[:end]
	}
	i := bytes.Index(tag, []byte(` r="`))
	if i < 0 {
		return ""
	}
	rest := tag[i+4:]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || j > 12 {
		return ""
	}
	return string(rest[:j])
}
