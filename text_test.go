package utsyn

import (
	"encoding/json"
	"maps"
	"testing"
)

// The fast reading of a stored text must read what the JSON decoder reads, and refuse what it
// refuses.
func TestTextScan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Text
		bad  bool
	}{
		{in: `{}`, want: Text{}},
		{in: `{"nb":"Havvind","en":"Offshore wind"}`, want: NewText("Havvind", "Offshore wind")},
		{in: ` { "nb" : "Blå vekst" } `, want: NewText("Blå vekst", "")},
		{in: `{"nb":"FoU \u0026 innovasjon"}`, want: NewText("FoU & innovasjon", "")},
		{in: `{"nb":"Sitat: \"Nordsjøen\""}`, want: NewText(`Sitat: "Nordsjøen"`, "")},
		{in: `{"nb":"a","nb":"b"}`, want: NewText("b", "")},
		{in: `{"nb":""}`, want: Text{"nb": ""}},
		{in: `{"nb":"a",}`, bad: true},
		{in: `{"nb":1}`, bad: true},
		{in: `["nb"]`, bad: true},
		{in: `{"nb":"a"} x`, bad: true},
		{in: `{"nb":"a"`, bad: true},
	} {
		var got Text
		err := got.Scan(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("Scan(%s) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("Scan(%s) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzTextScan(f *testing.F) {
	for _, s := range []string{`{}`, `{"nb":"Havvind","en":"Offshore wind"}`, `{"nb":"\u00e5"}`, ` {"a" :"b" , "c":"d"} `,
		`{"nb":"a"}}`, `{"nb":"\xff"}`, `{"nb":"` + "\t" + `"}`, `null`, `{"nb":"a","nb":"b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := parsePlainText(b)
		if !ok {
			return
		}
		var slow map[string]string
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("%q: read as %v, but the JSON decoder refuses it: %v", b, fast, err)
		}
		if !maps.Equal(map[string]string(fast), slow) {
			t.Fatalf("%q: read as %v, the JSON decoder reads %v", b, fast, slow)
		}
	})
}

// A text is written as json.Marshal writes its map, whether by the quick way or by json.Marshal.
func FuzzTextMarshal(f *testing.F) {
	f.Add("nb", "Havvind", "en", "Offshore wind")
	f.Add("nb", "<b> & \"c\"", "en", "\u2028")
	f.Add("nb", "\xff", "en", "\t")
	f.Add("en", "", "nb", "\ufffd")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		text := Text{k1: v1, k2: v2}
		got, err := text.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(map[string]string(text))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%q: written %s, json.Marshal writes %s", text, got, want)
		}
		// json.Marshal of the text itself calls MarshalJSONTo.
		if to, err := json.Marshal(struct{ T Text }{text}); err != nil || string(to) != `{"T":`+string(want)+`}` {
			t.Fatalf("%q: MarshalJSONTo wrote %s, %v; json.Marshal writes %s", text, to, err, want)
		}
	})
}
