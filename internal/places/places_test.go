package places

import "testing"

func TestLookup(t *testing.T) {
	tests := []struct {
		code, nb, en string
		ok           bool
	}{
		{"NO", "Norge", "Norway", true},
		{"nl", "Nederland", "Netherlands", true},
		{"GB", "Storbritannia", "United Kingdom", true},
		{"XX", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		c, ok := Lookup(tt.code)
		if ok != tt.ok || c.NameNB != tt.nb || c.NameEN != tt.en {
			t.Errorf("Lookup(%q) = %+v, %v", tt.code, c, ok)
		}
	}
	if all := All("nb"); len(all) != 250 || all[len(all)-1].NameNB != "Åland" {
		t.Errorf("%d countries, the last in bokmål %q; want 250 ending with Åland", len(all), all[len(all)-1].NameNB)
	}
}
