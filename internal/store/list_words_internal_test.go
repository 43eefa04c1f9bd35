package store

import (
	"slices"
	"testing"
)

// Words and queries are read as PostgreSQL writes them; what prefixQuery cannot read is left to
// the database.
func TestSearchWordsRead(t *testing.T) {
	var b searchWordsBuilder
	for row, vector := range []string{`'havvind' 'it''s' 'a\\b'`, `'havvind' 'havbruk'`, ``} {
		if err := b.add(int32(row), vector); err != nil {
			t.Fatal(err)
		}
	}
	w := b.done()
	if want := []string{`a\b`, "havbruk", "havvind", "it's"}; !slices.Equal(w.words, want) {
		t.Errorf("words %q, want %q", w.words, want)
	}
	if got := w.rows[2]; !slices.Equal(got, []int32{0, 1}) {
		t.Errorf("havvind in rows %v, want 0 and 1", got)
	}
	if err := b.add(3, `havvind`); err == nil {
		t.Error("a vector without quotes was read")
	}

	for q, want := range map[string][]string{
		`'kultu':*`:             {"kultu"},
		`'kultu':* & 'havv':*`:  {"kultu", "havv"},
		`'it''s':*`:             {"it's"},
		``:                      {},
		`'north':* <-> 'sea':*`: nil,
		`'sea':* | 'wind':*`:    nil,
		`'sea'`:                 nil,
		`'sea':*A`:              nil,
		`!'sea':*`:              nil,
	} {
		got, ok := prefixQuery(q)
		if want == nil && ok || want != nil && (!ok || !slices.Equal(got, want)) {
			t.Errorf("prefixQuery(%q) = %q, %v; want %q", q, got, ok, want)
		}
	}
}
