package report

import (
	"strings"
	"time"

	"github.com/utsyn/utsyn"
)

// Form is the audience a report is written for.
type Form string

// The two forms of the annual report, from the same data.
const (
	// Political is the short report for the county council and its committees: per priority
	// what was done, the key figures, the status, and what needs a decision.
	Political Form = "political"
	// Administrative is the detailed report for the administration: every measure and
	// engagement with its status, money per year and kind, and the indicators.
	Administrative Form = "administrative"
)

// ParseForm reads a form by its name in English or bokmål; "" is the political form.
func ParseForm(s string) (Form, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "political", "politisk":
		return Political, nil
	case "administrative", "administrativ":
		return Administrative, nil
	}
	return "", &utsyn.Error{Code: utsyn.EINVALID, Message: "report.error.form", Field: "form"}
}

// Slug is the form's name in URLs, in bokmål like the paths.
func (f Form) Slug() string {
	if f == Administrative {
		return "administrativ"
	}
	return "politisk"
}

// Period is the span a report covers, from its first to its last day, both known to the day.
type Period struct {
	From, To utsyn.Date
}

// MaxYears bounds the length of a period, so that one request cannot ask for a century.
const MaxYears = 10

// ParsePeriod reads a period from two dates as people give them: "2025-03-01", or "2025-03"
// or "2025", which mean the month's or the year's first day as a start and its last day as an
// end. A period that ends before it starts is refused with report.error.period_order; a date
// that is not one with report.error.from or report.error.to (the error's Field is "fra" or
// "til", the names of the page's fields).
func ParsePeriod(from, to string) (Period, error) {
	var p utsyn.Problems
	f, err := utsyn.ParseDate(from)
	switch {
	case strings.TrimSpace(from) == "":
		p.Add("fra", "report.error.from_required")
	case err != nil:
		p.Add("fra", "report.error.from")
	}
	t, err := utsyn.ParseDate(to)
	switch {
	case strings.TrimSpace(to) == "":
		p.Add("til", "report.error.to_required")
	case err != nil:
		p.Add("til", "report.error.to")
	}
	if len(p) > 0 {
		e := p.Err().(*utsyn.Error)
		e.Message = p[0].Message
		return Period{}, e
	}
	period := Period{From: firstDay(f), To: lastDay(t)}
	if period.To.Time().Before(period.From.Time()) {
		return Period{}, &utsyn.Error{Code: utsyn.EINVALID, Message: "report.error.period_order", Field: "til",
			Problems: []utsyn.Problem{{Field: "til", Message: "report.error.period_order"}}}
	}
	if period.To.Time().After(period.From.Time().AddDate(MaxYears, 0, 0)) {
		return Period{}, &utsyn.Error{Code: utsyn.EINVALID, Message: "report.error.period_long", Field: "til",
			Problems: []utsyn.Problem{{Field: "til", Message: "report.error.period_long"}}}
	}
	return period, nil
}

// YearPeriod is the calendar year.
func YearPeriod(year int) Period {
	return Period{From: utsyn.Date{Year: year, Month: 1, Day: 1}, To: utsyn.Date{Year: year, Month: 12, Day: 31}}
}

// Year returns the year when the period is one whole calendar year.
func (p Period) Year() (int, bool) {
	return p.From.Year, p.From.Year == p.To.Year && p.From.Month == 1 && p.From.Day == 1 && p.To.Month == 12 && p.To.Day == 31
}

// Years lists the calendar years the period touches.
func (p Period) Years() []int {
	var out []int
	for y := p.From.Year; y <= p.To.Year; y++ {
		out = append(out, y)
	}
	return out
}

// PartYears reports whether the period covers part of a year: money is registered per year,
// so such a period counts the whole year's amounts.
func (p Period) PartYears() bool {
	return p.From.Month != 1 || p.From.Day != 1 || p.To.Month != 12 || p.To.Day != 31
}

func firstDay(d utsyn.Date) utsyn.Date {
	if d.Month == 0 {
		d.Month = 1
	}
	if d.Day == 0 {
		d.Day = 1
	}
	return d
}

func lastDay(d utsyn.Date) utsyn.Date {
	if d.Month == 0 {
		d.Month = 12
	}
	if d.Day == 0 {
		d.Day = time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	return d
}

// first and last are the first and last day a date may mean ("2025" is 2025-01-01 to 2025-12-31).
func first(d utsyn.Date) time.Time { return firstDay(d).Time() }
func last(d utsyn.Date) time.Time  { return lastDay(d).Time() }
