package web

import "testing"

func TestYearRanges(t *testing.T) {
	tests := []struct {
		years []int
		want  string
	}{
		{nil, ""},
		{[]int{2022}, "2022"},
		{[]int{2021, 2022}, "2021–2022"},
		{[]int{2015, 2016, 2017, 2018, 2019, 2020, 2022, 2023, 2024}, "2015–2020, 2022–2024"},
		{[]int{2015, 2017, 2019}, "2015, 2017, 2019"},
	}
	for _, tt := range tests {
		if got := yearRanges(tt.years); got != tt.want {
			t.Errorf("yearRanges(%v) = %q, want %q", tt.years, got, tt.want)
		}
	}
}
