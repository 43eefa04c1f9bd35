package web

import (
	"testing"
	"time"
)

func TestStartLimitWindow(t *testing.T) {
	l := startLimit{max: 2, window: time.Minute}
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		addr  string
		after time.Duration
		want  bool
	}{
		{"a", 0, true}, {"a", time.Second, true}, {"a", 2 * time.Second, false}, {"b", 2 * time.Second, true},
		{"a", 59 * time.Second, false}, {"a", time.Minute, true},
	} {
		if got := l.allow(tc.addr, at.Add(tc.after)); got != tc.want {
			t.Errorf("%d: %s at +%s: %v, want %v", i, tc.addr, tc.after, got, tc.want)
		}
	}
}
