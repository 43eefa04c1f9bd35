package importer

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
)

// Fuzz tests of every parser of the importer: cell values, CSV files, workbooks, the Research
// Council's file and CORDIS's files, and the register's own sheets (fuzz_import_test.go, which
// needs a database). scripts/test runs each for a few seconds; run one longer with
//
//	go test -run '^$' -fuzz '^FuzzCSV$' -fuzztime 5m ./internal/importer/

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2023-06-14", "14.06.2023", "14.06.2023 00:00", "45091", "45091.5", "2023", "2023-06",
		"1.6.2023", "31.02.2024", "2023-06-14T10:00:00+01:00", "99999999999", "-1", "14/06/2023 10:00:00.000Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate(s)
		if err != nil || d.IsZero() {
			return
		}
		if d.Year < 1900 || d.Year > 2200 {
			t.Fatalf("parseDate(%q) = %v, a year out of range", s, d)
		}
		back, err := utsyn.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("parseDate(%q) = %v, which the register reads back as %v (%v)", s, d, back, err)
		}
	})
}

func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"626199.99999984", "1 234 567,50", "1.234.567,89", "1,234,567.89", "1.5E+6", "0,005", "-1", "NaN",
		"1e400", "12,345", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCents(s)
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("parseCents(%q) = %d, negative", s, c)
		}
		if back, err := parseCents(formatCents(c)); err != nil || back != c {
			t.Fatalf("parseCents(%q) = %d, written %q, read back %d (%v)", s, c, formatCents(c), back, err)
		}
	})
}

func FuzzCSV(f *testing.F) {
	sample, _ := os.ReadFile("testdata/forskningsradet_sample.csv")
	cordis, _ := os.ReadFile("testdata/cordis_organization.csv")
	for _, s := range [][]byte{sample[:min(len(sample), 4000)], cordis, []byte("a;b\n1;\"x;y\"\n"), []byte("\uFEFFa,b\r\n1,2\r\n"),
		{0xFF, 0xFE, 'a', 0, ';', 0, 'b', 0}, []byte("a;b\n\"open\n"), []byte("æ;ø\n\xe6;\xf8\n")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := newCSVTable(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for range 10000 {
			row, _, err := tab.Next()
			if err == io.EOF || err == errTooBroken {
				return
			}
			if err != nil {
				if _, ok := err.(*rowError); !ok {
					t.Fatalf("a read error that is not a row's: %v", err)
				}
				continue
			}
			for _, c := range row {
				if !utf8.ValidString(c) {
					t.Fatalf("a cell that is not UTF-8: %q", c)
				}
			}
			if p := tab.Progress(); p < 0 || p > 1 {
				t.Fatalf("progress %v", p)
			}
		}
	})
}

// smallWorkbook is a workbook of two sheets with a date, a number, a formula and a shared string.
func smallWorkbook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "engagements")
	f.SetSheetRow("engagements", "A1", &[]any{"kind", "status", "title_nb", "start", "sdgs"})
	f.SetSheetRow("engagements", "A2", &[]any{"project", "idea", "Ein tittel", 45091, "9; 13"})
	f.SetCellFormula("engagements", "E3", "=1+1")
	f.NewSheet("actors")
	f.SetSheetRow("actors", "A1", &[]any{"name", "country"})
	f.SetSheetRow("actors", "A5", &[]any{"Ein partnar", "SE"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzXLSX(f *testing.F) {
	wb := smallWorkbook(f)
	f.Add(wb)
	f.Add(wb[:len(wb)/2])
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := openWorkbook(byteReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer w.Close()
		for _, name := range w.sheets() {
			tab, err := w.table(name)
			if err != nil {
				continue
			}
			for range 2000 {
				row, n, err := tab.Next()
				if err != nil {
					break
				}
				if n <= 0 {
					t.Fatalf("row number %d", n)
				}
				_ = row
			}
			tab.Close()
		}
	})
}

var testCatalog = sync.OnceValues(i18n.Load)

// readEU parses files as an EU import does, without a database.
func readEU(t *testing.T, files []File) *euImport {
	t.Helper()
	cat, err := testCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{}
	in, err := openInputs(files, FormatAuto, rep)
	if err != nil {
		t.Fatal(err)
	}
	defer in.close()
	j := &euImport{org: &utsyn.Organisation{ID: 1, OrgNumber: "971045698"}, opt: &Options{Catalog: cat}, rep: rep, in: in, prog: newProgress(nil)}
	if in.format != FormatForskningsradet && in.format != FormatCORDIS {
		return j
	}
	if err := j.read(context.Background()); err != nil {
		t.Fatal(err)
	}
	return j
}

// checkParticipations holds what every participation read must be.
func checkParticipations(t *testing.T, j *euImport) {
	t.Helper()
	for _, p := range j.parts {
		if !isDigits(p.projectID) || p.key == "" || p.cents < 0 || p.year != 0 && (p.year < 1900 || p.year > 2200) {
			t.Fatalf("a participation that cannot be: %+v", p)
		}
		if p.county.Number != "" && counties2024[p.county.Number] != p.county {
			t.Fatalf("an unknown county: %+v", p.county)
		}
		if j.projects[p.projectID] == nil {
			t.Fatalf("a participation without its project: %+v", p)
		}
	}
	for _, pr := range j.rep.Problems {
		if pr.Key == "" {
			t.Fatalf("a problem without a message: %+v", pr)
		}
	}
}

func FuzzForskningsradet(f *testing.F) {
	sample, err := os.ReadFile("testdata/forskningsradet_sample.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(sample, []byte("\n"))
	f.Add(bytes.Join(lines[:6], nil))
	f.Add(bytes.Join(append(lines[:1], lines[20:26]...), nil))
	f.Add(append(bytes.Clone(lines[0]), []byte("H2020;;;;;;;;;;12a;;;;;;;;;SIGNED;x;31.02.2020;;;;;;;123;ukjent;;BOSS;;1;;;;;;;;30;;;;-5\n")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParticipations(t, readEU(t, []File{{Name: "rcn.csv", Data: data}}))
	})
}

func FuzzCORDIS(f *testing.F) {
	project, err := os.ReadFile("testdata/cordis_project.csv")
	if err != nil {
		f.Fatal(err)
	}
	org, err := os.ReadFile("testdata/cordis_organization.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(project, org)
	f.Add(project[:len(project)/2], org[:len(org)/3])
	f.Add([]byte("id;acronym;status;title;startDate;endDate;frameworkProgramme\n1;A;X;T;2020-13-01;;H2020\n"),
		[]byte("projectID;organisationID;name;country;role;ecContribution\n1;123456789;N;EL;coordinator;1,5\n1;123456789;N;UK;participant;x\n"))
	f.Fuzz(func(t *testing.T, project, org []byte) {
		checkParticipations(t, readEU(t, []File{{Name: "project.csv", Data: project}, {Name: "organization.csv", Data: org}}))
	})
}
