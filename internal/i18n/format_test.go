package i18n

import (
	"math"
	"strings"
	"testing"
	"time"
)

// noBreak turns every space in a wanted number or amount into the no-break
// space the formatters write, so the tables stay readable. Minus signs in
// NB wants are written as the true minus "−" (U+2212).
var noBreak = strings.NewReplacer(" ", "\u00a0")

func TestTypographyCodePoints(t *testing.T) {
	// The tables below rely on noBreak; this pins the actual code points once.
	if got, want := FormatInt(NB, -1234), "\u22121\u00a0234"; got != want {
		t.Errorf("FormatInt(NB, -1234) = %+q, want %+q", got, want)
	}
	if got, want := FormatMoney(NB, 1234, "NOK"), "kr\u00a01\u00a0234"; got != want {
		t.Errorf("FormatMoney(NB, 1234, NOK) = %+q, want %+q", got, want)
	}
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		n    int64
		want string
	}{
		{name: "nb zero", lang: NB, n: 0, want: "0"},
		{name: "en zero", lang: EN, n: 0, want: "0"},
		{name: "nb three digits", lang: NB, n: 999, want: "999"},
		{name: "nb four digits are grouped", lang: NB, n: 1234, want: "1 234"},
		{name: "en four digits", lang: EN, n: 1234, want: "1,234"},
		{name: "nb million", lang: NB, n: 1234567, want: "1 234 567"},
		{name: "en million", lang: EN, n: 1234567, want: "1,234,567"},
		{name: "nb exact thousands", lang: NB, n: 100000, want: "100 000"},
		{name: "nb negative", lang: NB, n: -1234567, want: "−1 234 567"},
		{name: "en negative", lang: EN, n: -1234567, want: "-1,234,567"},
		{name: "nb minus one", lang: NB, n: -1, want: "−1"},
		{name: "nb largest", lang: NB, n: math.MaxInt64, want: "9 223 372 036 854 775 807"},
		{name: "en smallest", lang: EN, n: math.MinInt64, want: "-9,223,372,036,854,775,808"},
		{name: "unsupported lang formats as nb", lang: "de", n: 1234, want: "1 234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := noBreak.Replace(tt.want)
			if got := FormatInt(tt.lang, tt.n); got != want {
				t.Errorf("FormatInt(%q, %d) = %q, want %q", tt.lang, tt.n, got, want)
			}
		})
	}
}

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		name     string
		lang     Lang
		f        float64
		decimals int
		want     string
	}{
		{name: "nb example", lang: NB, f: 1234567.5, decimals: 2, want: "1 234 567,50"},
		{name: "en example", lang: EN, f: 1234567.5, decimals: 2, want: "1,234,567.50"},
		{name: "nb zero", lang: NB, f: 0, decimals: 2, want: "0,00"},
		{name: "en zero no decimals", lang: EN, f: 0, decimals: 0, want: "0"},
		{name: "negative zero has no sign", lang: NB, f: math.Copysign(0, -1), decimals: 1, want: "0,0"},
		{name: "nb negative", lang: NB, f: -1234.5, decimals: 2, want: "−1 234,50"},
		{name: "en negative", lang: EN, f: -1234.5, decimals: 2, want: "-1,234.50"},
		{name: "rounds to zero without sign", lang: NB, f: -0.004, decimals: 2, want: "0,00"},
		{name: "negative small keeps sign", lang: EN, f: -0.005, decimals: 2, want: "-0.01"},
		{name: "half up", lang: EN, f: 0.125, decimals: 2, want: "0.13"},
		{name: "half away from zero negative", lang: EN, f: -0.125, decimals: 2, want: "-0.13"},
		{name: "half to whole", lang: NB, f: 2.5, decimals: 0, want: "3"},
		{name: "negative half to whole", lang: NB, f: -2.5, decimals: 0, want: "−3"},
		{name: "below half", lang: EN, f: 2.4999, decimals: 0, want: "2"},
		{name: "decimal as typed, not binary", lang: EN, f: 2.675, decimals: 2, want: "2.68"},
		{name: "decimal as typed 1.005", lang: EN, f: 1.005, decimals: 2, want: "1.01"},
		{name: "carry into new group", lang: NB, f: 999999.995, decimals: 2, want: "1 000 000,00"},
		{name: "carry all nines", lang: EN, f: 9.96, decimals: 1, want: "10.0"},
		{name: "padding", lang: EN, f: 3, decimals: 3, want: "3.000"},
		{name: "negative decimals as zero", lang: EN, f: 1234.56, decimals: -1, want: "1,235"},
		{name: "large", lang: NB, f: 1e15, decimals: 2, want: "1 000 000 000 000 000,00"},
		{name: "very large", lang: EN, f: 1.5e21, decimals: 0, want: "1,500,000,000,000,000,000,000"},
		{name: "tiny", lang: EN, f: 1e-9, decimals: 2, want: "0.00"},
		{name: "NaN", lang: NB, f: math.NaN(), decimals: 2, want: "NaN"},
		{name: "infinity", lang: EN, f: math.Inf(1), decimals: 2, want: "∞"},
		{name: "nb minus infinity", lang: NB, f: math.Inf(-1), decimals: 2, want: "−∞"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := noBreak.Replace(tt.want)
			if got := FormatDecimal(tt.lang, tt.f, tt.decimals); got != want {
				t.Errorf("FormatDecimal(%q, %v, %d) = %q, want %q", tt.lang, tt.f, tt.decimals, got, want)
			}
		})
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		name     string
		lang     Lang
		amount   float64
		currency string
		want     string
	}{
		{name: "nb kroner", lang: NB, amount: 1234, currency: "NOK", want: "kr 1 234"},
		{name: "nb euro", lang: NB, amount: 859125, currency: "EUR", want: "EUR 859 125"},
		{name: "en kroner", lang: EN, amount: 1234, currency: "NOK", want: "NOK 1,234"},
		{name: "en euro", lang: EN, amount: 859125, currency: "EUR", want: "EUR 859,125"},
		{name: "nb øre", lang: NB, amount: 1234.5, currency: "NOK", want: "kr 1 234,50"},
		{name: "en cents", lang: EN, amount: 0.99, currency: "EUR", want: "EUR 0.99"},
		{name: "nb zero", lang: NB, amount: 0, currency: "NOK", want: "kr 0"},
		{name: "en zero", lang: EN, amount: 0, currency: "EUR", want: "EUR 0"},
		{name: "nb negative", lang: NB, amount: -1234, currency: "NOK", want: "kr −1 234"},
		{name: "en negative", lang: EN, amount: -859125.25, currency: "EUR", want: "EUR -859,125.25"},
		{name: "rounds to whole", lang: NB, amount: 1234.004, currency: "NOK", want: "kr 1 234"},
		{name: "rounds up to whole", lang: NB, amount: 1234.996, currency: "NOK", want: "kr 1 235"},
		{name: "rounds half cent", lang: EN, amount: 10.125, currency: "EUR", want: "EUR 10.13"},
		{name: "large", lang: NB, amount: 12500000000, currency: "NOK", want: "kr 12 500 000 000"},
		{name: "lower-case code", lang: NB, amount: 100, currency: "nok", want: "kr 100"},
		{name: "other currency nb", lang: NB, amount: 2500.5, currency: "SEK", want: "SEK 2 500,50"},
		{name: "other currency en", lang: EN, amount: 2500, currency: "usd", want: "USD 2,500"},
		{name: "no currency", lang: NB, amount: 2500, currency: "", want: "2 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := noBreak.Replace(tt.want)
			if got := FormatMoney(tt.lang, tt.amount, tt.currency); got != want {
				t.Errorf("FormatMoney(%q, %v, %q) = %q, want %q", tt.lang, tt.amount, tt.currency, got, want)
			}
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func TestFormatDate(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		t    time.Time
		want string
	}{
		{name: "nb example", lang: NB, t: date(2026, time.November, 27), want: "27. november 2026"},
		{name: "en example", lang: EN, t: date(2026, time.November, 27), want: "27 November 2026"},
		{name: "nb single-digit day", lang: NB, t: date(2024, time.March, 5), want: "5. mars 2024"},
		{name: "en single-digit day", lang: EN, t: date(2024, time.March, 5), want: "5 March 2024"},
		{name: "nb may", lang: NB, t: date(2025, time.May, 17), want: "17. mai 2025"},
		{name: "nb january", lang: NB, t: date(2023, time.January, 1), want: "1. januar 2023"},
		{name: "nb december", lang: NB, t: date(2027, time.December, 31), want: "31. desember 2027"},
		{name: "nb leap day", lang: NB, t: date(2028, time.February, 29), want: "29. februar 2028"},
		{name: "uses the time's own zone", lang: NB, t: time.Date(2026, 11, 27, 23, 30, 0, 0, time.FixedZone("CET", 3600)), want: "27. november 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatDate(tt.lang, tt.t); got != tt.want {
				t.Errorf("FormatDate(%q, %v) = %q, want %q", tt.lang, tt.t, got, tt.want)
			}
		})
	}
}

func TestFormatMonth(t *testing.T) {
	tests := []struct {
		name  string
		lang  Lang
		year  int
		month time.Month
		want  string
	}{
		{name: "nb example", lang: NB, year: 2023, month: time.June, want: "juni 2023"},
		{name: "en example", lang: EN, year: 2023, month: time.June, want: "June 2023"},
		{name: "nb october", lang: NB, year: 2030, month: time.October, want: "oktober 2030"},
		{name: "en december", lang: EN, year: 2027, month: time.December, want: "December 2027"},
		{name: "month 13 normalised", lang: NB, year: 2023, month: 13, want: "januar 2024"},
		{name: "month 0 normalised", lang: EN, year: 2023, month: 0, want: "December 2022"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatMonth(tt.lang, tt.year, tt.month); got != tt.want {
				t.Errorf("FormatMonth(%q, %d, %d) = %q, want %q", tt.lang, tt.year, tt.month, got, tt.want)
			}
		})
	}
}

func TestFormatDateShort(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		t    time.Time
		want string
	}{
		{name: "nb example", lang: NB, t: date(2026, time.November, 27), want: "27.11.2026"},
		{name: "en example", lang: EN, t: date(2026, time.November, 27), want: "27 Nov 2026"},
		{name: "nb pads day and month", lang: NB, t: date(2024, time.March, 5), want: "05.03.2024"},
		{name: "en no padding", lang: EN, t: date(2024, time.March, 5), want: "5 Mar 2024"},
		{name: "en september", lang: EN, t: date(2025, time.September, 30), want: "30 Sep 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatDateShort(tt.lang, tt.t); got != tt.want {
				t.Errorf("FormatDateShort(%q, %v) = %q, want %q", tt.lang, tt.t, got, tt.want)
			}
		})
	}
}

func TestAllMonthNames(t *testing.T) {
	want := "januar februar mars april mai juni juli august september oktober november desember"
	var got []string
	for m := time.January; m <= time.December; m++ {
		got = append(got, strings.Fields(FormatMonth(NB, 2026, m))[0])
	}
	if strings.Join(got, " ") != want {
		t.Errorf("nb months = %q, want %q", strings.Join(got, " "), want)
	}
}
