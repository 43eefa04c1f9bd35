package importer

import (
	"strings"
)

// sheetInfo is what the rows of one table share: where they come from and their header.
type sheetInfo struct {
	file  string
	sheet string // the sheet of a workbook, or ""
	key   string // the sheet of the register's format, or the EU file's role
	h     *header
}

// rowReader reads the cells of one row, recording a problem for each that cannot be read. It
// keeps the row's cells as one string with their ends, which costs a fraction of a slice of
// strings: an import keeps every row of a large workbook until it stores them.
type rowReader struct {
	rep    *Report
	info   *sheetInfo
	row    int
	data   string
	ends   []uint32
	failed bool
}

func newRowReader(rep *Report, info *sheetInfo, row int, cells []string) *rowReader {
	r := &rowReader{rep: rep, info: info, row: row, ends: make([]uint32, len(cells))}
	var b strings.Builder
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	b.Grow(n)
	for i, c := range cells {
		b.WriteString(c)
		r.ends[i] = uint32(b.Len())
	}
	r.data = b.String()
	return r
}

// raw returns the ith cell as it was read.
func (r *rowReader) raw(i int) string {
	if i < 0 || i >= len(r.ends) {
		return ""
	}
	start := uint32(0)
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.data[start:r.ends[i]]
}

// get returns the cell in the named column, cleaned, or "".
func (r *rowReader) get(name string) string { return cleanCell(r.raw(r.info.h.col(name))) }

func (r *rowReader) problem(level Level, name, key string, args ...any) {
	p := Problem{Level: level, File: r.info.file, Sheet: r.info.sheet, Row: r.row, Key: key, Args: args}
	if i := r.info.h.col(name); i >= 0 {
		p.Column, p.Header = columnName(i), r.info.h.names[i]
	}
	if level == LevelError {
		r.failed = true
	}
	r.rep.add(p)
}

// problemAt records a problem of the cell in column i (0-based).
func (r *rowReader) problemAt(level Level, i int, key string, args ...any) {
	p := Problem{Level: level, File: r.info.file, Sheet: r.info.sheet, Row: r.row, Column: columnName(i), Key: key, Args: args}
	if i < len(r.info.h.names) {
		p.Header = r.info.h.names[i]
	}
	if level == LevelError {
		r.failed = true
	}
	r.rep.add(p)
}
