package importer

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an empty date, "!" for an error
	}{
		{"", ""},
		{"2023-06-14", "2023-06-14"},
		{"14.06.2023", "2023-06-14"},
		{"14.06.2023 00:00", "2023-06-14"},
		{"14.06.2023 00:00:00", "2023-06-14"},
		{"1.6.2023", "2023-06-01"},
		{"14/06/2023", "2023-06-14"},
		{"2023-06-14T10:30:00Z", "2023-06-14"},
		{"2023-06-14 12:00:00", "2023-06-14"},
		{"2023-06", "2023-06"},
		{"2023", "2023"},
		{"45091", "2023-06-14"},    // Excel's serial number of 14 June 2023
		{"45091.75", "2023-06-14"}, // with a time of day
		{"61", "!"},                // a serial number no one means as a date in a register
		{"31.02.2024", "!"},
		{"29.02.2024", "2024-02-29"},
		{"29.02.2023", "!"},
		{"14.13.2023", "!"},
		{"2023-6-1", "!"},
		{"14.06.23", "!"}, // a two-digit year is ambiguous
		{"i går", "!"},
		{"14.06.2023 kl 10", "!"},
		{"1899", "!"},
	} {
		got, err := parseDate(tc.in)
		switch {
		case tc.want == "!" && err == nil:
			t.Errorf("parseDate(%q) = %v, want an error", tc.in, got)
		case tc.want != "!" && err != nil:
			t.Errorf("parseDate(%q): %v", tc.in, err)
		case tc.want != "!" && got.String() != tc.want:
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, got.String(), tc.want)
		}
	}
}

func TestParseCents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // -1 for an error
	}{
		{"", 0},
		{"0", 0},
		{"859125", 85912500},
		{"626199.99999984", 62620000}, // the Research Council's float noise
		{"49999.99999998", 5000000},
		{"1312037.4999996", 131203750},
		{"1234,5", 123450},
		{"1234,56", 123456},
		{"1 234 567,50", 123456750},
		{"1\u00a0234\u00a0567,50", 123456750},
		{"1.234.567,89", 123456789},
		{"1,234,567.89", 123456789},
		{"1.234.567", 123456700},
		{"12,345", 1235}, // one comma is a decimal comma
		{"0.005", 1},
		{"0.004", 0},
		{"1.5E+6", 150000000},
		{"-5", -1},
		{"5 kr", -1},
		{"1,2,3.4,5", -1},
		{"abc", -1},
		{"99999999999999", -1},
	} {
		got, err := parseCents(tc.in)
		if tc.want == -1 {
			if err == nil {
				t.Errorf("parseCents(%q) = %d, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseCents(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestSmallValues(t *testing.T) {
	for in, want := range map[string]bool{"ja": true, "Yes": true, "1": true, "x": true, "nei": false, "": false, "no": false, "FALSE": false} {
		if got, err := parseBool(in); err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseBool("kanskje"); err == nil {
		t.Error("parseBool(kanskje) took it")
	}
	if got, err := parseSDGs("9; 13,7 17"); err != nil || len(got) != 4 || got[3] != 17 {
		t.Errorf("parseSDGs = %v, %v", got, err)
	}
	for _, bad := range []string{"0", "18", "ni"} {
		if _, err := parseSDGs(bad); err == nil {
			t.Errorf("parseSDGs(%q) took it", bad)
		}
	}
	if got := splitList(" energi ; hav;\n; Arktis "); strings.Join(got, "|") != "energi|hav|Arktis" {
		t.Errorf("splitList = %q", got)
	}
	for in, want := range map[string]string{" '=SUM(A1) ": "=SUM(A1)", "'-5": "-5", "'hei": "'hei", "x": "x"} {
		if got := cleanCell(in); got != want {
			t.Errorf("cleanCell(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "@x": "'@x", "-5": "'-5", "ok": "ok", "": ""} {
		if got := safeCell(in); got != want || cleanCell(got) != strings.TrimSpace(in) {
			t.Errorf("safeCell(%q) = %q, want %q, and back", in, got, want)
		}
	}
	if formatCents(62620000) != "626200.00" || formatCents(5) != "0.05" {
		t.Errorf("formatCents: %s %s", formatCents(62620000), formatCents(5))
	}
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 43: "AR", 701: "ZZ", 702: "AAA"} {
		if got := columnName(col); got != want {
			t.Errorf("columnName(%d) = %s, want %s", col, got, want)
		}
		if c, _, err := cellCoordinates(want + "7"); err != nil || c != col {
			t.Errorf("cellCoordinates(%s7) = %d, %v", want, c, err)
		}
	}
}

func TestCounties(t *testing.T) {
	for _, tc := range []struct {
		county, municipality string
		want                 string // "" when it cannot be told
	}{
		{"11", "1103", "11"},
		{"3", "301", "03"},   // the Research Council writes Oslo's number without its zero
		{"30", "3024", "32"}, // Bærum: Viken → Akershus
		{"30", "3001", "31"}, // Halden → Østfold
		{"30", "3005", "33"}, // Drammen → Buskerud
		{"30", "3054", "32"}, // Lunner → Akershus
		{"30", "", ""},       // Viken without a municipality
		{"38", "3811", "39"}, // Færder → Vestfold
		{"38", "3806", "40"}, // Porsgrunn → Telemark
		{"54", "5401", "55"}, // Tromsø → Troms
		{"54", "5430", "56"}, // Kautokeino → Finnmark
		{"54", "3024", ""},   // a municipality of another county
		{"21", "2100", "21"}, // Svalbard
		{"12", "", "46"},     // Hordaland (before 2020) → Vestland
		{"19", "", "55"},
		{"99", "", ""},
	} {
		c, ok := countyOf(tc.county, tc.municipality)
		if ok != (tc.want != "") || c.Number != tc.want {
			t.Errorf("countyOf(%q, %q) = %q, %v; want %q", tc.county, tc.municipality, c.Number, ok, tc.want)
		}
	}
	for code, want := range map[string]string{"NO0A1": "11", "NO043": "11", "no011": "03", "NO072": "55", "NO085": "33", "NO082": "", "SE110": ""} {
		c, ok := countyOfNUTS(code)
		if ok != (want != "") || c.Number != want {
			t.Errorf("countyOfNUTS(%q) = %q, %v; want %q", code, c.Number, ok, want)
		}
	}
	if baseName("Trøndelag - Trööndelage") != "Trøndelag" || baseName("Rogaland") != "Rogaland" {
		t.Error("baseName does not drop the Sámi form")
	}
}

// TestCountiesOfTheSample places every municipality of the split counties in the sample as the
// list of 2024's municipalities (testdata/kommuner_2024.csv) places it by name.
func TestCountiesOfTheSample(t *testing.T) {
	kommuner := map[string]string{} // name → county of 2024
	for _, row := range readTestCSV(t, "testdata/kommuner_2024.csv", ',')[1:] {
		kommuner[row[1]] = row[0][:2]
	}
	rows := readTestCSV(t, "testdata/forskningsradet_sample.csv", ';')
	h := newHeader(rows[0])
	checked := 0
	for _, row := range rows[1:] {
		county, number, name := h.cell(row, "Adresse fylkenummer"), h.cell(row, "Adresse kommunenummer"), h.cell(row, "Adresse kommune")
		if county != "30" && county != "38" && county != "54" {
			continue
		}
		want, ok := kommuner[baseName(name)]
		if !ok {
			t.Errorf("%s is not a municipality of 2024", name)
			continue
		}
		if c, ok := countyOf(county, number); !ok || c.Number != want {
			t.Errorf("%s (%s in county %s) is placed in %q, the list of 2024 says %s", name, number, county, c.Number, want)
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d rows of split counties in the sample", checked)
	}
}

func readTestCSV(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSpreadByYear(t *testing.T) {
	lines := spreadByYear(85912500, utsyn.MustDate("2018-09-01"), utsyn.MustDate("2022-08-31"))
	var sum int64
	years := ""
	for _, l := range lines {
		sum += l.Amount.Minor
		years += " " + strconv.Itoa(l.Year)
	}
	if sum != 85912500 || years != " 2018 2019 2020 2021 2022" {
		t.Errorf("spread: sum %d over%s", sum, years)
	}
	if got := spreadByYear(100, utsyn.MustDate("2020"), utsyn.Date{}); len(got) != 1 || got[0].Year != 2020 {
		t.Errorf("no end: %v", got)
	}
	if got := spreadByYear(100, utsyn.Date{}, utsyn.MustDate("2020")); got != nil {
		t.Errorf("no start: %v", got)
	}
}
