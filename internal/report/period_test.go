package report_test

import (
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
)

func catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           string // "from to", or the error's message key
		field          string
	}{
		{name: "days", from: "2025-03-01", to: "2025-06-30", want: "2025-03-01 2025-06-30"},
		{name: "a year", from: "2025", to: "2025", want: "2025-01-01 2025-12-31"},
		{name: "months", from: "2024-02", to: "2024-02", want: "2024-02-01 2024-02-29"},
		{name: "one day", from: "2025-05-17", to: "2025-05-17", want: "2025-05-17 2025-05-17"},
		{name: "ends before it starts", from: "2025-12-31", to: "2025-01-01", want: "report.error.period_order", field: "til"},
		{name: "a year before", from: "2025", to: "2024", want: "report.error.period_order", field: "til"},
		{name: "no start", from: "", to: "2025", want: "report.error.from_required", field: "fra"},
		{name: "no end", from: "2025", to: " ", want: "report.error.to_required", field: "til"},
		{name: "not a date", from: "31.12.2025", to: "2025", want: "report.error.from", field: "fra"},
		{name: "no such day", from: "2025", to: "2025-02-30", want: "report.error.to", field: "til"},
		{name: "too long", from: "2000", to: "2025", want: "report.error.period_long", field: "til"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := report.ParsePeriod(tt.from, tt.to)
			if tt.field == "" {
				if err != nil || p.From.String()+" "+p.To.String() != tt.want {
					t.Errorf("ParsePeriod(%q, %q) = %v %v, %v; want %s", tt.from, tt.to, p.From, p.To, err, tt.want)
				}
				return
			}
			var e *utsyn.Error
			if err == nil || utsyn.ErrorCode(err) != utsyn.EINVALID || utsyn.ErrorMessage(err) != tt.want {
				t.Fatalf("ParsePeriod(%q, %q): %v, want %s", tt.from, tt.to, err, tt.want)
			}
			e = err.(*utsyn.Error)
			if e.Field != tt.field {
				t.Errorf("field %q, want %q", e.Field, tt.field)
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	for in, want := range map[string]report.Form{"": report.Political, "politisk": report.Political, "political": report.Political,
		"Administrativ": report.Administrative, "administrative": report.Administrative} {
		if got, err := report.ParseForm(in); err != nil || got != want {
			t.Errorf("ParseForm(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := report.ParseForm("hemmelig"); utsyn.ErrorMessage(err) != "report.error.form" {
		t.Errorf("ParseForm of no form: %v", err)
	}
}
