package importer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// readAll reads a CSV file's rows through the table.
func readAll(t *testing.T, data []byte) ([][]string, *csvTable) {
	t.Helper()
	tab, err := newCSVTable(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for {
		row, _, err := tab.Next()
		if err == io.EOF {
			return rows, tab
		}
		if err != nil {
			t.Fatalf("row %d: %v", len(rows)+1, err)
		}
		rows = append(rows, row)
	}
}

// TestCSVEncodings reads the sample of the Research Council's file in every form it may come
// in, and gets the same cells from each.
func TestCSVEncodings(t *testing.T) {
	lf, err := os.ReadFile("testdata/forskningsradet_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readAll(t, lf)
	if len(want) != 43 || len(want[0]) != 44 {
		t.Fatalf("the sample has %d rows of %d cells", len(want), len(want[0]))
	}
	latin1, err := charmap.Windows1252.NewEncoder().Bytes(lf)
	if err != nil {
		t.Fatal(err)
	}
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(lf)
	for _, tc := range []struct {
		name, encoding string
		data           []byte
	}{
		{"LF", encUTF8, lf},
		{"CRLF", encUTF8, bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))},
		{"byte-order mark", encUTF8BOM, append([]byte("\uFEFF"), lf...)},
		{"Latin-1", encLatin1, latin1},
		{"UTF-16", encUTF16, utf16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, tab := readAll(t, tc.data)
			if tab.encoding != tc.encoding || tab.comma != ';' {
				t.Errorf("read as %s with %q", tab.encoding, tab.comma)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range want {
				if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
					t.Errorf("row %d differs:\n%q\n%q", i+1, got[i], want[i])
					break
				}
			}
		})
	}
}

func TestCSVShapes(t *testing.T) {
	rows, tab := readAll(t, []byte("a,b,c\n1,\"x, y\",3\n"))
	if tab.comma != ',' || rows[1][1] != "x, y" {
		t.Errorf("comma: %q %q", tab.comma, rows)
	}
	rows, tab = readAll(t, []byte("a\tb\n1\t2\n"))
	if tab.comma != '\t' || rows[1][1] != "2" {
		t.Errorf("tab: %q %q", tab.comma, rows)
	}
	rows, _ = readAll(t, []byte("\"a;b\";c\n\"line\nbreak\";\"quote \"\"q\"\"\"\n"))
	if rows[0][0] != "a;b" || rows[1][0] != "line\nbreak" || rows[1][1] != `quote "q"` {
		t.Errorf("quotes: %q", rows)
	}
	// A broken quote is a row error, and reading goes on.
	tab2, _ := newCSVTable(strings.NewReader("a;b\n1;x\"y\n2;3\n"), 0)
	tab2.Next()
	if _, line, err := tab2.Next(); !errors.As(err, new(*rowError)) || line != 2 {
		t.Errorf("a bare quote: line %d, %v", line, err)
	}
	if row, _, err := tab2.Next(); err != nil || row[0] != "2" {
		t.Errorf("after a broken row: %q %v", row, err)
	}
	if _, err := newCSVTable(bytes.NewReader([]byte{0x89, 'P', 'N', 'G', 0, 0, 1}), 7); !errors.Is(err, errNotText) {
		t.Errorf("a PNG: %v", err)
	}
}
