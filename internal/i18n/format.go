package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Characters of Norwegian number typography.
const (
	nbsp  = "\u00a0" // no-break space: thousands separator, and between "kr" and the amount
	minus = "\u2212" // the true minus sign
)

// numberStyle is how a language writes numbers. Every formatter treats an
// unsupported Lang as NB, the default language.
type numberStyle struct {
	group, decimal, minus string
}

func styleOf(l Lang) numberStyle {
	if l == EN {
		return numberStyle{group: ",", decimal: ".", minus: "-"}
	}
	return numberStyle{group: nbsp, decimal: ",", minus: minus}
}

// FormatInt writes n with thousands separators: "1 234 567" in NB (with
// no-break spaces, so a number never breaks across lines) and "1,234,567" in
// EN. Negative numbers start with the minus sign U+2212 in NB and a
// hyphen-minus in EN.
func FormatInt(l Lang, n int64) string {
	s := styleOf(l)
	if n < 0 {
		// -(n+1)+1 also works for math.MinInt64, whose negation overflows.
		return s.minus + group(strconv.FormatUint(uint64(-(n+1))+1, 10), s.group)
	}
	return group(strconv.FormatUint(uint64(n), 10), s.group)
}

// FormatDecimal writes f with exactly decimals digits after the decimal mark
// (none when decimals <= 0): "1 234 567,50" in NB, "1,234,567.50" in EN, with
// the same separators and minus signs as FormatInt. It rounds half away from
// zero on the shortest decimal form of f, so 2.675 (stored as 2.67499…)
// becomes 2.68 as a reader would expect. A value that rounds to zero has no
// sign. NaN is written "NaN" and infinities "∞" with their sign.
func FormatDecimal(l Lang, f float64, decimals int) string {
	s := styleOf(l)
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "∞"
	case math.IsInf(f, -1):
		return s.minus + "∞"
	}
	decimals = max(decimals, 0)
	whole, frac := roundDecimal(math.Abs(f), decimals)
	out := group(whole, s.group)
	if decimals > 0 {
		out += s.decimal + frac
	}
	if f < 0 && strings.Trim(whole+frac, "0") != "" {
		out = s.minus + out
	}
	return out
}

// FormatMoney writes an amount with its currency: in NB, NOK as "kr 1 234"
// and other currencies by code, "EUR 859 125"; in EN always by code, "NOK
// 1,234". The space after the currency is a no-break space. Whole amounts
// (after rounding to øre or cents) have no decimals, others have two:
// "kr 1 234,50". A negative amount has its sign on the number ("kr −1 234").
// currency is an ISO 4217 code in any letter case; when it is empty only the
// number is written.
func FormatMoney(l Lang, amount float64, currency string) string {
	decimals := 2
	if !math.IsNaN(amount) && !math.IsInf(amount, 0) {
		if _, frac := roundDecimal(math.Abs(amount), 2); frac == "00" {
			decimals = 0
		}
	}
	number := FormatDecimal(l, amount, decimals)
	code := strings.ToUpper(strings.TrimSpace(currency))
	switch {
	case code == "":
		return number
	case code == "NOK" && l != EN:
		return "kr" + nbsp + number
	}
	return code + nbsp + number
}

// group inserts sep between groups of three digits, counted from the right.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// roundDecimal rounds the non-negative, finite a half away from zero to
// decimals places and returns the digits before and after the decimal point.
// It works on the shortest decimal string that reads back as a, which is the
// number a person typed or would expect, rather than on its binary value.
func roundDecimal(a float64, decimals int) (whole, frac string) {
	whole, frac, _ = strings.Cut(strconv.FormatFloat(a, 'f', -1, 64), ".")
	if len(frac) <= decimals {
		return whole, frac + strings.Repeat("0", decimals-len(frac))
	}
	roundUp := frac[decimals] >= '5'
	digits := []byte(whole + frac[:decimals])
	if roundUp {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i >= 0 {
			digits[i]++
		} else {
			digits = append([]byte{'1'}, digits...)
		}
	}
	n := len(digits) - decimals
	return string(digits[:n]), string(digits[n:])
}

// nbMonths are the Norwegian month names, written in lower case as in
// running text.
var nbMonths = [12]string{
	"januar", "februar", "mars", "april", "mai", "juni",
	"juli", "august", "september", "oktober", "november", "desember",
}

func monthName(l Lang, m time.Month) string {
	if l == EN {
		return m.String()
	}
	return nbMonths[m-1]
}

// FormatDate writes the date of t in full: "27. november 2026" in NB and
// "27 November 2026" in EN. It uses t's own location, so convert to the
// reader's time zone first.
func FormatDate(l Lang, t time.Time) string {
	// Written without fmt: a page of the register writes a hundred dates.
	year, month, day := t.Date()
	if l == EN {
		return strconv.Itoa(day) + " " + monthName(l, month) + " " + strconv.Itoa(year)
	}
	return strconv.Itoa(day) + ". " + monthName(l, month) + " " + strconv.Itoa(year)
}

// FormatMonth writes a month of a year: "juni 2023" in NB and "June 2023" in
// EN. A month outside 1–12 is normalised as time.Date does (month 13 of 2023
// is January 2024).
func FormatMonth(l Lang, year int, month time.Month) string {
	t := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	return monthName(l, t.Month()) + " " + strconv.Itoa(t.Year())
}

// FormatDateShort writes the date of t compactly, for tables: "27.11.2026"
// (day and month with two digits) in NB and "27 Nov 2026" in EN. Like
// FormatDate it uses t's own location.
func FormatDateShort(l Lang, t time.Time) string {
	year, month, day := t.Date()
	if l == EN {
		return strconv.Itoa(day) + " " + month.String()[:3] + " " + strconv.Itoa(year)
	}
	two := func(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
	return two(day) + "." + two(int(month)) + "." + strconv.Itoa(year)
}
