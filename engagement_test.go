package utsyn

import (
	"reflect"
	"testing"
)

// A grant spread over the years of its period adds up to the grant, to the cent.
func TestSpreadByYear(t *testing.T) {
	d := MustDate
	tests := []struct {
		name       string
		minor      int64
		start, end Date
		want       []YearPart
	}{
		{"one year", 1000, d("2021-01-01"), d("2021-12-31"), []YearPart{{2021, 1000}}},
		// 2021-07-01 to 2022-06-30: 184 days in 2021, 181 in 2022, of 365.
		{"two halves", 36500, d("2021-07-01"), d("2022-06-30"), []YearPart{{2021, 18400}, {2022, 18100}}},
		// Three equal thirds of 100 leave 1 over, which goes to the first of the equal remainders.
		{"rounding", 100, d("2021-01-01"), d("2023-12-31"), []YearPart{{2021, 34}, {2022, 33}, {2023, 33}}},
		{"no end", 500, d("2020-03-01"), Date{}, []YearPart{{2020, 500}}},
		{"ends before it starts", 500, d("2022-03-01"), d("2021-03-01"), []YearPart{{2022, 500}}},
		{"no start", 500, Date{}, d("2021-03-01"), nil},
		{"nothing", 0, d("2021-01-01"), d("2022-12-31"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SpreadByYear(tt.minor, tt.start, tt.end)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SpreadByYear(%d, %v, %v) = %v, want %v", tt.minor, tt.start, tt.end, got, tt.want)
			}
			var sum int64
			for _, p := range got {
				sum += p.Minor
			}
			if got != nil && sum != tt.minor {
				t.Errorf("the parts add up to %d, not %d", sum, tt.minor)
			}
		})
	}
}
