package importer

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/utsyn/utsyn"
)

// Reading cell values. Spreadsheets and the public data sets write the same value in many
// ways: dates as 2023-06-14, 14.06.2023, 14.06.2023 00:00 or an Excel serial number, amounts
// with a decimal comma or point and with or without thousands separators, yes and no in two
// languages. Every reader here takes a cell's text (already trimmed) and returns the value or an
// error whose message is a catalog key.

var (
	errDate    = errors.New("import.problem.date")
	errAmount  = errors.New("import.problem.amount")
	errNumber  = errors.New("import.problem.number")
	errBool    = errors.New("import.problem.bool")
	errYear    = errors.New("import.problem.year")
	errSDG     = errors.New("import.problem.sdg")
	errFormula = errors.New("import.problem.formula")
)

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it: serial 1 is
// 1900-01-01 and serial 61 is 1900-03-01, because Excel believes 1900 was a leap year. Counting
// from 1899-12-30 gives the right date for every serial from 61 on, which covers every date
// Utsyn keeps.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date in any of the forms people and systems write: ISO 8601 at any
// precision ("2023", "2023-06", "2023-06-14", with or without a time after it), the Norwegian
// day-first form ("14.06.2023", "14.06.2023 00:00", "1.6.2023", "14/06/2023"), or an Excel serial
// number (45091, or 45091.5 with a time of day). A four-digit whole number is a year.
func parseDate(s string) (utsyn.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return utsyn.Date{}, nil
	}
	// A time of day after the date says nothing Utsyn keeps.
	date := s
	if i := strings.IndexAny(s, " T"); i > 0 {
		date = s[:i]
		if !isTime(strings.TrimSpace(s[i+1:])) {
			return utsyn.Date{}, errDate
		}
	}
	switch {
	case strings.Count(date, ".") == 2 || strings.Count(date, "/") == 2:
		sep := "."
		if strings.Count(date, "/") == 2 {
			sep = "/"
		}
		parts := strings.Split(date, sep)
		if len(parts) != 3 {
			return utsyn.Date{}, errDate // both marks: "1./2/."
		}
		day, err1 := strconv.Atoi(parts[0])
		month, err2 := strconv.Atoi(parts[1])
		year, err3 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil || len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return utsyn.Date{}, errDate
		}
		return checkedDate(year, month, day)
	case isDigits(date) && len(date) == 4:
		year, _ := strconv.Atoi(date)
		return checkedDate(year, 0, 0)
	case isSerial(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 10000 || f > 2958465 { // 1927 to 9999: a smaller number is no date anyone means
			return utsyn.Date{}, errDate
		}
		t := excelEpoch.AddDate(0, 0, int(math.Floor(f)))
		return checkedDate(t.Year(), int(t.Month()), t.Day())
	}
	d, err := utsyn.ParseDate(date)
	if err != nil {
		return utsyn.Date{}, errDate
	}
	return checkedDate(d.Year, int(d.Month), d.Day)
}

// checkedDate makes a date of its parts, refusing impossible days and years outside the
// range a register of today's work can mean.
func checkedDate(year, month, day int) (utsyn.Date, error) {
	if year < 1900 || year > 2200 || month < 0 || month > 12 || day < 0 || day > 31 || day > 0 && month == 0 {
		return utsyn.Date{}, errDate
	}
	if day > 0 && time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return utsyn.Date{}, errDate
	}
	return utsyn.Date{Year: year, Month: time.Month(month), Day: day}, nil
}

// isTime reports whether s is a time of day: "00:00", "00:00:00", "00:00:00.000", with an
// optional zone ("Z", "+01:00").
func isTime(s string) bool {
	s = strings.TrimSuffix(s, "Z")
	if i := strings.IndexAny(s, "+-"); i > 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i > 0 && isDigits(s[i+1:]) {
		s = s[:i]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 2 || !isDigits(p) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isSerial reports whether s looks like an Excel serial date: digits, perhaps a fraction.
func isSerial(s string) bool {
	whole, frac, found := strings.Cut(s, ".")
	return isDigits(whole) && (!found || isDigits(frac))
}

// parseCents reads an amount into hundredths (øre, cents), rounding half away from zero at the
// third decimal, so that the float noise of the Research Council's file (626199.99999984) is the
// whole amount it stands for (626200.00). It takes a decimal comma or point, spaces or the other
// mark as thousands separators ("1 234 567,50", "1.234.567,50", "1,234,567.50"), and the
// exponent form Excel stores large numbers in ("1.5E+6"). Negative amounts are refused.
func parseCents(s string) (int64, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, nil
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f >= 1e13 || math.IsNaN(f) { // the same bound as thirteen digits below
			return 0, errAmount
		}
		return int64(math.Round(f * 100)), nil
	}
	dot, comma := strings.Count(s, "."), strings.Count(s, ",")
	var whole, frac, thousands string
	switch {
	case dot > 0 && comma > 0: // the last mark is the decimal one, the other separates thousands
		decimal := "."
		thousands = ","
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			decimal, thousands = ",", "."
		}
		i := strings.LastIndex(s, decimal)
		whole, frac = s[:i], s[i+1:]
		if strings.Contains(whole, decimal) {
			return 0, errAmount
		}
	case dot == 1:
		whole, frac, _ = strings.Cut(s, ".")
	case comma == 1:
		whole, frac, _ = strings.Cut(s, ",")
	case dot > 1:
		whole, thousands = s, "."
	case comma > 1:
		whole, thousands = s, ","
	default:
		whole = s
	}
	if thousands != "" {
		groups := strings.Split(whole, thousands)
		for i, g := range groups {
			if i == 0 && (len(g) == 0 || len(g) > 3) || i > 0 && len(g) != 3 {
				return 0, errAmount
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	if !isDigits(whole) || frac != "" && !isDigits(frac) || len(whole) > 13 {
		return 0, errAmount
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	frac += "000"
	cents := n*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if frac[2] >= '5' {
		cents++
	}
	return cents, nil
}

// parseNumber reads a number that may have a decimal comma, such as hours.
func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "\u00a0", "")
	if s == "" {
		return 0, nil
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e9 {
		return 0, errNumber
	}
	return f, nil
}

// parseYear reads a year, as a number or as the year of a date.
func parseYear(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f >= 1900 && f <= 2200 {
		return int(f), nil
	}
	d, err := parseDate(s)
	if err != nil || d.IsZero() {
		return 0, errYear
	}
	return d.Year, nil
}

// parseBool reads yes or no in bokmål or English, or 1 and 0; empty is no.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "nei", "no", "false", "0", "usann", "n":
		return false, nil
	case "ja", "yes", "true", "1", "sann", "j", "y", "x":
		return true, nil
	}
	return false, errBool
}

// splitList splits a list cell on semicolons and line breaks, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseSDGs reads UN goal numbers separated by semicolons or commas.
func parseSDGs(s string) ([]int, error) {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || unicode.IsSpace(r) }) {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > 17 {
			return nil, errSDG
		}
		out = append(out, n)
	}
	return out, nil
}

// formatCents writes an amount in hundredths with a decimal point, for files: "859125.00".
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + strconv.FormatInt(c/100, 10) + "." + twoDigits(c%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// cleanCell trims a cell and undoes the apostrophe a CSV export puts before a value a
// spreadsheet would otherwise run as a formula ("'=x" is the text "=x").
func cleanCell(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		return s[1:]
	}
	return s
}

// looksLikeFormula reports whether a text cell of a CSV file is a formula a spreadsheet would
// run: "=SUM(A1:A3)". Utsyn stores values, never formulas.
func looksLikeFormula(s string) bool {
	return len(s) > 1 && s[0] == '=' && s[1] != '='
}

// shorten cuts a value for a message, at a rune boundary.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// safeCell keeps a spreadsheet from running a cell as a formula (CSV injection): a text that
// starts with = + - @ or a control character gets an apostrophe in front, which cleanCell
// removes again on import.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
