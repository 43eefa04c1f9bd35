package importer

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// Reading workbooks (XLSX). A workbook is a ZIP archive of XML parts: the workbook names its
// sheets, the relationships say which part holds each, the shared strings hold the texts, and
// each sheet's rows hold cells that are numbers, booleans, texts of their own, or indexes into
// the shared strings. Utsyn reads a sheet as a stream of raw XML tokens, without the reflection
// a general library spends on every cell (a quarter of a large import's time went there), and
// takes every cell raw: a date is its serial number and an amount has a decimal point, whatever
// the sheet's formats show. A cell with a formula is noted: Utsyn stores values, not what a
// spreadsheet computed last. (excelize, which writes Utsyn's workbooks, is not needed to read.)

// Limits on a workbook, so that a small file that unpacks to gigabytes (a "zip bomb") is
// refused instead of filling the memory.
const (
	maxUnzipped = 2 << 30  // every sheet together, unpacked
	maxStrings  = 64 << 20 // the shared strings, unpacked: they are held in memory
)

var (
	errBrokenXLSX = errors.New("import.problem.broken_xlsx")
	errOldExcel   = errors.New("import.problem.old_excel")
)

// workbook is an XLSX file opened for reading.
type workbook struct {
	zr      *zip.Reader
	names   []string             // the sheets, in the workbook's order
	parts   map[string]*zip.File // sheet → its part
	strings []string             // the shared strings
	read    int64                // bytes of sheets unpacked so far, against maxUnzipped
}

// openWorkbook opens an XLSX file and reads its list of sheets and its shared strings. Every
// failure is a broken-workbook error: a reader can do nothing with the reasons.
func openWorkbook(ra io.ReaderAt, size int64) (wb *workbook, err error) {
	defer func() {
		if v := recover(); v != nil { // a workbook broken in a way no one foresaw
			wb, err = nil, errBrokenXLSX
		}
	}()
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, errBrokenXLSX
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	var book struct {
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
	if err := decodePart(files["xl/workbook.xml"], &book); err != nil {
		return nil, errBrokenXLSX
	}
	if err := decodePart(files["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, errBrokenXLSX
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.ReplaceAll(r.Target, "\\", "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = strings.ToLower(t)
	}
	wb = &workbook{zr: zr, parts: map[string]*zip.File{}}
	for _, s := range book.Sheets {
		if f := files[targets[s.RID]]; f != nil && s.Name != "" {
			wb.names = append(wb.names, s.Name)
			wb.parts[s.Name] = f
		}
	}
	if f := files["xl/sharedstrings.xml"]; f != nil {
		if wb.strings, err = readSharedStrings(f); err != nil {
			return nil, errBrokenXLSX
		}
	}
	return wb, nil
}

func (wb *workbook) sheets() []string { return wb.names }

func (wb *workbook) Close() error { return nil }

// decodePart decodes a small XML part of the archive.
func decodePart(f *zip.File, v any) error {
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

// readSharedStrings reads the workbook's texts: each <si> is a text, or runs of text (<r><t>)
// to join; phonetic readings (<rPh>) are not part of it.
func readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(io.LimitReader(rc, maxStrings), 64<<10))
	var out []string
	var b strings.Builder
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				b.Reset()
			case "t":
				inT = inSI && phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, b.String())
				inSI = false
			case "t":
				inT = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// table returns a sheet's rows.
func (wb *workbook) table(sheet string) (table, error) {
	f := wb.parts[sheet]
	if f == nil {
		return nil, errBrokenXLSX
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errBrokenXLSX
	}
	remaining := maxUnzipped - wb.read
	counter := &countingReader{r: io.LimitReader(rc, max(0, remaining))}
	return &sheetTable{wb: wb, rc: rc, counter: counter, size: int64(f.UncompressedSize64),
		d: xml.NewDecoder(bufio.NewReaderSize(counter, 64<<10))}, nil
}

// sheetTable reads a sheet row by row, without holding it in memory.
type sheetTable struct {
	wb       *workbook
	rc       io.ReadCloser
	counter  *countingReader
	size     int64
	d        *xml.Decoder
	row      int      // the number of the last row returned
	pending  []string // a row read ahead: the sheet left out the rows before it
	at       int      // the number of the pending row
	formulas []formulaCell
	done     bool
}

// formulaCell is a cell that holds a formula.
type formulaCell struct{ row, col int }

func (t *sheetTable) Next() (cells []string, row int, err error) {
	defer func() {
		if v := recover(); v != nil {
			cells, row, err = nil, t.row, errBrokenXLSX
		}
	}()
	// A sheet leaves empty rows out; they are returned empty, so that every row keeps its number.
	if t.pending == nil && !t.done {
		t.pending, t.at, err = t.readRow()
		if err != nil {
			t.done = true
			if err != io.EOF {
				return nil, t.row + 1, errBrokenXLSX
			}
		}
	}
	if t.pending == nil {
		return nil, 0, io.EOF
	}
	t.row++
	if t.at > t.row {
		return []string{}, t.row, nil
	}
	cells, t.pending = t.pending, nil
	return cells, t.row, nil
}

// readRow reads the next <row> element: its cells by column, and its number.
func (t *sheetTable) readRow() ([]string, int, error) {
	var cells []string
	number, col := 0, 0
	inRow := false
	var cellType, value, inline string
	var inV, inIS, inT, hasFormula bool
	var text strings.Builder
	for {
		if t.counter.n.Load() > maxUnzipped-t.wb.read {
			return nil, 0, errBrokenXLSX
		}
		tok, err := t.d.RawToken()
		if err != nil {
			return nil, 0, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "row":
				inRow, cells, col = true, cells[:0], 0
				number = t.at + 1
				if r := attr(e, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n <= t.at || n > 1<<20 {
						return nil, 0, errBrokenXLSX
					}
					number = n
				}
			case "c":
				if !inRow {
					continue
				}
				col++
				if r := attr(e, "r"); r != "" {
					c, _, err := cellCoordinates(r)
					if err != nil || c+1 < col || c >= 16384 {
						return nil, 0, errBrokenXLSX
					}
					col = c + 1
				}
				cellType, value, inline, hasFormula = attr(e, "t"), "", "", false
			case "v":
				inV = true
				text.Reset()
			case "is":
				inIS = true
				text.Reset()
			case "t":
				inT = inIS
			case "f":
				hasFormula = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "v":
				inV, value = false, text.String()
			case "t":
				inT = false
			case "is":
				inIS, inline = false, text.String()
			case "c":
				if !inRow {
					continue
				}
				v := value
				switch cellType {
				case "s":
					i, err := strconv.Atoi(strings.TrimSpace(value))
					if err != nil || i < 0 || i >= len(t.wb.strings) {
						return nil, 0, errBrokenXLSX
					}
					v = t.wb.strings[i]
				case "inlineStr":
					v = inline
				}
				if hasFormula {
					t.formulas = append(t.formulas, formulaCell{row: number, col: col - 1})
				}
				if v != "" {
					for len(cells) < col-1 {
						cells = append(cells, "")
					}
					cells = append(cells, v)
				}
			case "row":
				if inRow {
					t.at = number
					if cells == nil {
						cells = []string{}
					}
					return cells, number, nil
				}
			case "sheetData":
				return nil, 0, io.EOF
			}
		case xml.CharData:
			if inV || inT {
				text.Write(e)
			}
		}
	}
}

// attr returns an attribute of an element, whatever its prefix.
func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// takeFormulas returns the formula cells read since it was last called.
func (t *sheetTable) takeFormulas() []formulaCell {
	f := t.formulas
	t.formulas = nil
	return f
}

func (t *sheetTable) Progress() float64 {
	if t.size <= 0 {
		return 0
	}
	return min(1, float64(t.counter.n.Load())/float64(t.size))
}

func (t *sheetTable) Close() error {
	t.wb.read += t.counter.n.Load()
	return t.rc.Close()
}
