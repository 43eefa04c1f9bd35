package utsyn_test

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/utsyn/utsyn"
)

func TestRollup(t *testing.T) {
	// A goal (1) with two priorities (2, 3); priority 2 has measures 4, 5, 6, priority 3 has
	// measures 7 and 8. Weights and statuses vary per case.
	tree := func(weights map[int64]float64, status map[int64]string) []utsyn.RollupNode {
		parents := map[int64]int64{1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3}
		var out []utsyn.RollupNode
		for id := int64(1); id <= 8; id++ {
			w, ok := weights[id]
			if !ok {
				w = 1
			}
			out = append(out, utsyn.RollupNode{ID: id, ParentID: parents[id], Weight: w, Status: status[id]})
		}
		return out
	}
	type want struct {
		status string
		score  float64
		leaves int
		count  map[string]int
	}
	tests := []struct {
		name    string
		rule    string
		weights map[int64]float64
		status  map[int64]string
		want    map[int64]want
	}{
		{
			name:   "worst of: one measure at risk makes its priority and the goal at risk",
			rule:   utsyn.RollupWorst,
			status: map[int64]string{4: "on_track", 5: "at_risk", 6: "on_track", 7: "on_track", 8: "done"},
			want: map[int64]want{
				2: {status: "at_risk", score: 0.5, leaves: 3, count: map[string]int{"on_track": 2, "at_risk": 1}},
				3: {status: "on_track", score: 1, leaves: 2, count: map[string]int{"on_track": 1, "done": 1}},
				1: {status: "at_risk", score: 0.5, leaves: 5, count: map[string]int{"on_track": 3, "at_risk": 1, "done": 1}},
			},
		},
		{
			name:   "worst of: off track beats at risk",
			rule:   utsyn.RollupWorst,
			status: map[int64]string{4: "off_track", 5: "at_risk", 7: "at_risk"},
			want: map[int64]want{
				2: {status: "off_track", score: 0, leaves: 3, count: map[string]int{"off_track": 1, "at_risk": 1, "": 1}},
				1: {status: "off_track", score: 0, leaves: 5, count: map[string]int{"off_track": 1, "at_risk": 2, "": 2}},
			},
		},
		{
			name:   "done only when every child is done",
			rule:   utsyn.RollupWorst,
			status: map[int64]string{4: "done", 5: "done", 6: "done", 7: "done"},
			want: map[int64]want{
				2: {status: "done", score: 1, leaves: 3, count: map[string]int{"done": 3}},
				3: {status: "on_track", score: 1, leaves: 2, count: map[string]int{"done": 1, "": 1}},
				1: {status: "on_track", score: 1, leaves: 5, count: map[string]int{"done": 4, "": 1}},
			},
		},
		{
			name:   "no status anywhere",
			rule:   utsyn.RollupWorst,
			status: map[int64]string{},
			want: map[int64]want{
				1: {status: "", leaves: 5, count: map[string]int{"": 5}},
			},
		},
		{
			name:    "weighted: a heavy measure on track outweighs one off track",
			rule:    utsyn.RollupWeighted,
			weights: map[int64]float64{4: 3, 5: 1, 6: 0},
			status:  map[int64]string{4: "on_track", 5: "off_track", 6: "off_track", 7: "at_risk", 8: "at_risk"},
			want: map[int64]want{
				2: {status: "on_track", score: 0.75, leaves: 3, count: map[string]int{"on_track": 1, "off_track": 2}},
				3: {status: "at_risk", score: 0.5, leaves: 2, count: map[string]int{"at_risk": 2}},
				1: {status: "at_risk", score: 0.625, leaves: 5, count: map[string]int{"on_track": 1, "off_track": 2, "at_risk": 2}},
			},
		},
		{
			name:    "weighted: below the at-risk threshold is off track",
			rule:    utsyn.RollupWeighted,
			weights: map[int64]float64{2: 3},
			status:  map[int64]string{4: "off_track", 5: "off_track", 6: "at_risk", 7: "on_track"},
			want: map[int64]want{
				2: {status: "off_track", score: 1.0 / 6, leaves: 3, count: map[string]int{"off_track": 2, "at_risk": 1}},
				3: {status: "on_track", score: 1, leaves: 2, count: map[string]int{"on_track": 1, "": 1}},
				1: {status: "off_track", score: (3*(1.0/6) + 1) / 4, leaves: 5, count: map[string]int{"off_track": 2, "at_risk": 1, "on_track": 1, "": 1}},
			},
		},
		{
			name:   "an element with its own status and nothing known under it keeps its own",
			rule:   utsyn.RollupWorst,
			status: map[int64]string{3: "at_risk", 4: "on_track"},
			want: map[int64]want{
				3: {status: "at_risk", score: 0.5, leaves: 2, count: map[string]int{"": 2}},
				1: {status: "at_risk", score: 0.5, leaves: 5, count: map[string]int{"on_track": 1, "": 4}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := utsyn.Rollup(tree(tt.weights, tt.status), tt.rule)
			for id, w := range tt.want {
				r := got[id]
				if r == nil {
					t.Fatalf("element %d was not rolled up", id)
				}
				if r.Status != w.status || math.Abs(r.Score-w.score) > 1e-9 || r.Leaves != w.leaves {
					t.Errorf("element %d: status %q score %.4f leaves %d, want %q %.4f %d", id, r.Status, r.Score, r.Leaves, w.status, w.score, w.leaves)
				}
				if !reflect.DeepEqual(w.count, r.ByStatus) {
					t.Errorf("element %d: leaves by status %v, want %v", id, r.ByStatus, w.count)
				}
			}
		})
	}
}

func TestRollupProgress(t *testing.T) {
	nodes := []utsyn.RollupNode{
		{ID: 1},
		{ID: 2, ParentID: 1, Weight: 1, Status: "done"},
		{ID: 3, ParentID: 1, Weight: 3, Status: "on_track", Progress: 0.5},
	}
	if got := utsyn.Rollup(nodes, utsyn.RollupWeighted)[1].Progress; math.Abs(got-(1+3*0.5)/4) > 1e-9 {
		t.Errorf("weighted progress %.3f, want %.3f", got, (1+3*0.5)/4)
	}
	if got := utsyn.Rollup(nodes, utsyn.RollupWorst)[1].Progress; math.Abs(got-0.75) > 1e-9 {
		t.Errorf("worst-of progress %.3f, want the plain mean 0.75", got)
	}
}

func TestOverdue(t *testing.T) {
	d := utsyn.MustDate
	tests := []struct {
		name    string
		cadence string
		last    string
		today   string
		want    bool
	}{
		{"no cadence", "", "", "2026-11-27", false},
		{"cadence none", "none", "2020-01-01", "2026-11-27", false},
		{"never updated", "quarterly", "", "2026-11-27", true},
		{"monthly, on the due day", "monthly", "2026-10-27", "2026-11-27", false},
		{"monthly, a day late", "monthly", "2026-10-26", "2026-11-27", true},
		{"quarterly, in time", "quarterly", "2026-09-01", "2026-11-27", false},
		{"quarterly, late", "quarterly", "2026-08-26", "2026-11-27", true},
		{"half-yearly", "half_yearly", "2026-05-27", "2026-11-27", false},
		{"half-yearly, late", "half_yearly", "2026-05-26", "2026-11-27", true},
		{"yearly", "yearly", "2025-11-27", "2026-11-27", false},
		{"yearly, late", "yearly", "2025-11-26", "2026-11-27", true},
		{"the end of a short month", "monthly", "2026-01-31", "2026-02-28", false},
		{"after the end of a short month", "monthly", "2026-01-31", "2026-03-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := utsyn.Overdue(tt.cadence, d(tt.last), d(tt.today)); got != tt.want {
				t.Errorf("Overdue(%q, %s, %s) = %v, want %v", tt.cadence, tt.last, tt.today, got, tt.want)
			}
		})
	}
	if got := utsyn.Due("monthly", d("2024-01-31")); got != d("2024-02-29") {
		t.Errorf("Due monthly after 31 January 2024 = %s, want 2024-02-29", got)
	}
	if got := utsyn.AddMonths(d("2026-11-15"), 3); got != d("2027-02-15") {
		t.Errorf("AddMonths across the year = %s", got)
	}
}

func TestMilestoneLate(t *testing.T) {
	m := &utsyn.Milestone{Due: utsyn.MustDate("2026-06")}
	if m.Late(utsyn.MustDate("2026-06-30")) {
		t.Error("a milestone due in June is late on 30 June")
	}
	if !m.Late(utsyn.MustDate("2026-07-01")) {
		t.Error("a milestone due in June is not late on 1 July")
	}
	m.DoneOn = utsyn.MustDate("2026-07-03")
	if m.Late(utsyn.MustDate("2026-08-01")) {
		t.Error("a done milestone is late")
	}
}

func TestIndicatorSeries(t *testing.T) {
	ind := &utsyn.Indicator{Source: utsyn.SourceManual, Direction: utsyn.DirectionHigher,
		Targets: []utsyn.Target{{Period: "2025", Value: 10}, {Period: "2026", Value: 12, Example: true}},
		Values: []utsyn.Value{
			{ID: 1, Period: "2024", Value: 7, Current: true},
			{ID: 2, Period: "2025", Value: 8, Current: false},
			{ID: 3, Period: "2025", Value: 11, ReplacesID: 2, Current: true, Comment: "corrected"},
		}}
	f := func(v float64) *float64 { return &v }
	want := []utsyn.Point{
		{Period: "2024", Value: f(7)},
		{Period: "2025", Value: f(11), Target: f(10), Revisions: 1},
		{Period: "2026", Target: f(12), Example: true},
	}
	if got := ind.Series(nil); !reflect.DeepEqual(want, got) {
		t.Errorf("series\n got %s\nwant %s", points(got), points(want))
	}
	if !ind.Met(11, 10) || ind.Met(8, 10) {
		t.Error("Met is wrong for higher is better")
	}
	ind.Direction = utsyn.DirectionLower
	if ind.Met(11, 10) || !ind.Met(8, 10) {
		t.Error("Met is wrong for lower is better")
	}
	if got := (&utsyn.Indicator{}).Missing(); !reflect.DeepEqual(got, []string{"unit", "target"}) {
		t.Errorf("Missing of a bare indicator = %v", got)
	}
}

func TestValidateIndicator(t *testing.T) {
	ok := utsyn.Indicator{Name: utsyn.NewText("Deltakelser", ""), Direction: "higher", Source: "regional",
		Query: utsyn.IndicatorQuery{Measure: "participations", County: "11", From: 2014, To: 2020}}
	if err := utsyn.ValidateIndicator(&ok); err != nil {
		t.Fatalf("a good indicator: %v", err)
	}
	bad := ok
	bad.Name = nil
	bad.Direction = "sideways"
	bad.Query = utsyn.IndicatorQuery{Measure: "money", From: 2030, To: 2020}
	bad.Targets = []utsyn.Target{{Period: "2024-Q5", Value: 1}}
	var fields []string
	err := utsyn.ValidateIndicator(&bad)
	if e, ok := err.(*utsyn.Error); ok {
		for _, p := range e.Problems {
			fields = append(fields, p.Field)
		}
	}
	want := []string{"name", "direction", "measure", "county", "to", "targets"}
	if !reflect.DeepEqual(want, fields) {
		t.Errorf("problems in %v, want %v", fields, want)
	}
	for _, p := range []string{"2024", "2024-H2", "2024-Q3", "2024-06"} {
		if !utsyn.ValidPeriod(p) {
			t.Errorf("%q is not a period", p)
		}
	}
	for _, p := range []string{"", "24", "2024-13", "2024-Q0", "2024-H3", "2024-06-01"} {
		if utsyn.ValidPeriod(p) {
			t.Errorf("%q is a period", p)
		}
	}
}

func TestValidateStatusUpdate(t *testing.T) {
	u := &utsyn.StatusUpdate{EngagementID: 1, Date: utsyn.MustDate("2026-11-27"), Status: "at_risk",
		Evidence: []utsyn.Link{{URL: "https://example.org/rapport.pdf"}}}
	if err := utsyn.ValidateStatusUpdate(u); err != nil {
		t.Fatal(err)
	}
	u.ElementID, u.Date, u.Status, u.Evidence = 2, utsyn.MustDate("2026-11"), "green", []utsyn.Link{{URL: "javascript:alert(1)"}}
	e, _ := utsyn.ValidateStatusUpdate(u).(*utsyn.Error)
	if e == nil || len(e.Problems) != 4 {
		t.Errorf("want four problems (item, date, status, evidence), got %v", e)
	}
}

func points(ps []utsyn.Point) string {
	s := ""
	for _, p := range ps {
		f := func(v *float64) string {
			if v == nil {
				return "-"
			}
			return fmt.Sprint(*v)
		}
		s += fmt.Sprintf("[%s %s/%s ex=%v rev=%d %s] ", p.Period, f(p.Value), f(p.Target), p.Example, p.Revisions, p.Missing)
	}
	return s
}
