package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// A table is what every importer reads: a header and rows of text cells, each row with its
// number in the sheet or file (the header is row 1), whether it came from a CSV file, a sheet of
// a workbook or a CSV file in a ZIP archive.
type table interface {
	// Next returns the next row and its number, or io.EOF after the last. A row that cannot be
	// read (a broken quote) is returned as a *rowError with its number, and reading goes on.
	Next() (cells []string, row int, err error)
	// Progress is how much of the table has been read, from 0 to 1.
	Progress() float64
	Close() error
}

// rowError is a row that could not be read.
type rowError struct {
	row int
	key string
}

func (e *rowError) Error() string { return e.key }

// Encodings a CSV file was found in, as the report names them.
const (
	encUTF8    = "UTF-8"
	encUTF8BOM = "UTF-8 with byte-order mark"
	encUTF16   = "UTF-16"
	encLatin1  = "Windows-1252 (Latin-1)"
)

// csvTable reads a CSV file: UTF-8 with or without a byte-order mark, UTF-16 with one (what
// Excel calls Unicode text), or Windows-1252 (Latin-1) when the start of the file is not UTF-8;
// separated by semicolons, commas or tabs, whichever the header has most of; lines ending in
// CRLF or LF.
type csvTable struct {
	r        *csv.Reader
	counter  *countingReader
	size     int64
	encoding string
	comma    rune
	errors   int
}

// maxRowErrors stops reading a file that is broken through, so a binary file read as text does
// not give a million problems.
const maxRowErrors = 100

var errNotText = errors.New("import.problem.not_spreadsheet")

func newCSVTable(r io.Reader, size int64) (*csvTable, error) {
	t := &csvTable{counter: &countingReader{r: r}, size: size}
	raw := bufio.NewReaderSize(t.counter, 64<<10)
	head, err := raw.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var text io.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		raw.Discard(3)
		text, t.encoding = raw, encUTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		text, t.encoding = transform.NewReader(raw, dec), encUTF16
	case bytes.IndexByte(head, 0) >= 0:
		return nil, errNotText
	case validUTF8Prefix(head):
		text, t.encoding = raw, encUTF8
	default:
		text, t.encoding = transform.NewReader(raw, charmap.Windows1252.NewDecoder()), encLatin1
	}
	decoded := bufio.NewReaderSize(text, 64<<10)
	first, _ := decoded.Peek(64 << 10)
	if bytes.IndexByte(first, 0) >= 0 {
		return nil, errNotText
	}
	t.comma = sniffComma(first)
	t.r = csv.NewReader(decoded)
	t.r.Comma = t.comma
	t.r.FieldsPerRecord = -1 // rows of other lengths are reported, not fatal
	t.r.ReuseRecord = true
	return t, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at its end.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for i := 1; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.Valid(b[:len(b)-i]) && !utf8.FullRune(b[len(b)-i:]) {
			return true
		}
	}
	return false
}

// sniffComma picks the separator the first line has most of, outside quotes: semicolon (as
// Norwegian Excel and the public data sets write), comma or tab.
func sniffComma(b []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range b {
		if c == '"' {
			quoted = !quoted
		} else if !quoted && (c == '\n' || c == '\r') {
			break
		} else if !quoted && (c == ';' || c == ',' || c == '\t') {
			counts[c]++
		}
	}
	best := byte(';')
	for _, c := range []byte{',', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

func (t *csvTable) Next() ([]string, int, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if t.errors++; t.errors > maxRowErrors {
			return nil, pe.StartLine, errTooBroken
		}
		return nil, pe.StartLine, &rowError{row: pe.StartLine, key: "import.problem.csv_quote"}
	} else if err != nil {
		return nil, 0, err
	}
	line, _ := t.r.FieldPos(0)
	cells := make([]string, len(rec))
	for i, c := range rec {
		if !utf8.ValidString(c) {
			if t.errors++; t.errors > maxRowErrors {
				return nil, line, errTooBroken
			}
			return nil, line, &rowError{row: line, key: "import.problem.encoding"}
		}
		cells[i] = c
	}
	return cells, line, nil
}

var errTooBroken = errors.New("import.problem.too_broken")

func (t *csvTable) Progress() float64 {
	if t.size <= 0 {
		return 0
	}
	return min(1, float64(t.counter.n.Load())/float64(t.size))
}

func (t *csvTable) Close() error { return nil }

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// header is a table's first row, with the columns found by their names.
type header struct {
	names []string       // as written
	index map[string]int // normalised name → column
	known map[string]int // a name as asked for → column (-1 for none): a row's cells are looked up by the same few names
}

func newHeader(cells []string) *header {
	h := &header{names: slicesClone(cells), index: map[string]int{}, known: map[string]int{}}
	for i, c := range cells {
		key := normaliseName(c)
		if _, dup := h.index[key]; !dup && key != "" {
			h.index[key] = i
		}
	}
	return h
}

var nameReplacer = strings.NewReplacer(" ", "_", "-", "_")

// normaliseName is a header or sheet name as matched: trimmed, lower case, without a
// byte-order mark, and with spaces and hyphens as underscores.
func normaliseName(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if plain {
		return s
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ToLower(strings.TrimSpace(s))
	return nameReplacer.Replace(s)
}

// col returns the column number (0-based) of the named column, or -1.
func (h *header) col(name string) int {
	if i, ok := h.known[name]; ok {
		return i
	}
	i, ok := h.index[normaliseName(name)]
	if !ok {
		i = -1
	}
	h.known[name] = i
	return i
}

// has reports whether the header has a column of the name.
func (h *header) has(name string) bool { return h.col(name) >= 0 }

// cell returns the row's cell in the named column, cleaned, or "".
func (h *header) cell(row []string, name string) string {
	i := h.col(name)
	if i < 0 || i >= len(row) {
		return ""
	}
	return cleanCell(row[i])
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// columnName is a column's spreadsheet letter: 0 is "A", 26 is "AA".
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// blank reports whether every cell of a row is empty.
func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
