package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func loadTest(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadEmbedded(t *testing.T) {
	c := loadTest(t)
	keys := c.Keys()
	if len(keys) == 0 {
		t.Fatal("Keys() is empty")
	}
	if !slices.IsSorted(keys) {
		t.Errorf("Keys() is not sorted: %q", keys)
	}
	for _, k := range keys {
		for _, l := range Langs {
			if strings.TrimSpace(c.T(l, k)) == "" {
				t.Errorf("%s.json: key %q has empty text", l, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	c := loadTest(t)
	tests := []struct {
		name string
		lang Lang
		key  string
		args []any
		want string
	}{
		{name: "nb plain", lang: NB, key: "nav.skip", want: "Hopp til hovedinnhold"},
		{name: "en plain", lang: EN, key: "nav.skip", want: "Skip to main content"},
		{name: "switch names the other language", lang: NB, key: "lang.switch", want: "English"},
		{name: "nb placeholders", lang: NB, key: "strategy.period", args: []any{"from", "2023", "to", "2027"}, want: "Strategiperiode 2023–2027"},
		{name: "en placeholders", lang: EN, key: "strategy.period", args: []any{"from", "2023", "to", "2027"}, want: "Strategy period 2023–2027"},
		{name: "args in any order", lang: EN, key: "strategy.period", args: []any{"to", "2027", "from", "2023"}, want: "Strategy period 2023–2027"},
		{name: "non-string values", lang: EN, key: "list.showing", args: []any{"count", 10, "total", int64(42)}, want: "Showing 10 of 42"},
		{name: "pre-formatted number", lang: NB, key: "list.showing", args: []any{"count", FormatInt(NB, 10), "total", FormatInt(NB, 1234)}, want: "Viser 10 av 1\u00a0234"},
		{name: "missing value stays visible", lang: EN, key: "strategy.period", args: []any{"from", "2023"}, want: "Strategy period 2023–{to}"},
		{name: "no args", lang: EN, key: "strategy.period", want: "Strategy period {from}–{to}"},
		{name: "extra args ignored", lang: NB, key: "nav.skip", args: []any{"x", "y"}, want: "Hopp til hovedinnhold"},
		{name: "odd args ignore the last name", lang: EN, key: "strategy.period", args: []any{"from", "2023", "to"}, want: "Strategy period 2023–{to}"},
		{name: "values are not expanded again", lang: EN, key: "strategy.period", args: []any{"from", "{to}", "to", "2027"}, want: "Strategy period {to}–2027"},
		{name: "missing key", lang: NB, key: "no.such.key", want: "[[no.such.key]]"},
		{name: "missing key with args", lang: EN, key: "no.such.key", args: []any{"a", 1}, want: "[[no.such.key]]"},
		{name: "unsupported lang falls back to nb", lang: "de", key: "nav.skip", want: "Hopp til hovedinnhold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
			}
		})
	}
}

func TestNilCatalogDoesNotPanic(t *testing.T) {
	var c *Catalog
	if got, want := c.T(NB, "nav.skip"), "[[nav.skip]]"; got != want {
		t.Errorf("nil T = %q, want %q", got, want)
	}
	if c.Has("nav.skip") {
		t.Error("nil Has = true, want false")
	}
	if c.Keys() != nil {
		t.Error("nil Keys != nil")
	}
}

func TestHasAndKeys(t *testing.T) {
	c := loadTest(t)
	if !c.Has("nav.skip") {
		t.Error(`Has("nav.skip") = false, want true`)
	}
	if c.Has("no.such.key") {
		t.Error(`Has("no.such.key") = true, want false`)
	}
	keys := c.Keys()
	keys[0] = "changed"
	if c.Keys()[0] == "changed" {
		t.Error("Keys() shares its slice with the catalog")
	}
}

func TestExpand(t *testing.T) {
	value := func(name string) (string, bool) {
		v, ok := map[string]string{"a": "A", "n_1": "N"}[name]
		return v, ok
	}
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "none", in: "plain text", want: "plain text"},
		{name: "one", in: "x {a} y", want: "x A y"},
		{name: "repeated", in: "{a}{a}", want: "AA"},
		{name: "underscore and digit", in: "{n_1}", want: "N"},
		{name: "unknown kept", in: "{b} {a}", want: "{b} A"},
		{name: "empty braces kept", in: "{} {a}", want: "{} A"},
		{name: "space is not a name", in: "{a b} {a}", want: "{a b} A"},
		{name: "double braces", in: "{{a}}", want: "{A}"},
		{name: "unclosed", in: "{a} {a", want: "A {a"},
		{name: "closing only", in: "} {a}", want: "} A"},
		{name: "non-ascii name kept", in: "{år}", want: "{år}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expand(tt.in, value); got != tt.want {
				t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	got := placeholders("{to} and {from}, {to} again, {not a name}, {}")
	if want := []string{"from", "to"}; !slices.Equal(got, want) {
		t.Errorf("placeholders = %q, want %q", got, want)
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	files := func(nb, en string) fstest.MapFS {
		return fstest.MapFS{
			"messages/nb.json": {Data: []byte(nb)},
			"messages/en.json": {Data: []byte(en)},
		}
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string // substrings of the error
	}{
		{
			name: "key only in nb",
			fsys: files(`{"a": "A", "b": "B"}`, `{"a": "A"}`),
			want: []string{`key "b" is missing from en.json`},
		},
		{
			name: "key only in en",
			fsys: files(`{"a": "A"}`, `{"a": "A", "c": "C"}`),
			want: []string{`key "c" is missing from nb.json`},
		},
		{
			name: "every problem reported",
			fsys: files(`{"a": "A", "b": "B"}`, `{"a": "A", "c": "C"}`),
			want: []string{`key "b" is missing from en.json`, `key "c" is missing from nb.json`},
		},
		{
			name: "placeholder missing",
			fsys: files(`{"p": "{from}–{to}"}`, `{"p": "from {from}"}`),
			want: []string{`key "p" has placeholders {from}, {to} in nb but {from} in en`},
		},
		{
			name: "placeholder renamed",
			fsys: files(`{"p": "Viser {antall}"}`, `{"p": "Showing {count}"}`),
			want: []string{`key "p" has placeholders {antall} in nb but {count} in en`},
		},
		{
			name: "duplicate key",
			fsys: files(`{"a": "A", "a": "B"}`, `{"a": "A"}`),
			want: []string{`messages/nb.json`, `key "a" appears more than once`},
		},
		{
			name: "nested object",
			fsys: files(`{"a": {"b": "B"}}`, `{"a.b": "B"}`),
			want: []string{`value of key "a" is not a string`},
		},
		{
			name: "array",
			fsys: files(`{"a": "A"}`, `["a"]`),
			want: []string{`messages/en.json: not a JSON object`},
		},
		{
			name: "trailing data",
			fsys: files(`{"a": "A"} {}`, `{"a": "A"}`),
			want: []string{`unexpected data after the JSON object`},
		},
		{
			name: "syntax error",
			fsys: files(`{"a": "A",}`, `{"a": "A"}`),
			want: []string{`messages/nb.json`},
		},
		{
			name: "missing file",
			fsys: fstest.MapFS{"messages/nb.json": {Data: []byte(`{}`)}},
			want: []string{`en.json`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(tt.fsys)
			if err == nil {
				t.Fatalf("load succeeded with keys %q, want an error", c.Keys())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadAcceptsSamePlaceholdersInAnyOrder(t *testing.T) {
	c, err := load(fstest.MapFS{
		"messages/nb.json": {Data: []byte(`{"p": "{to} og {from} og {to}"}`)},
		"messages/en.json": {Data: []byte(`{"p": "{from} and {to}"}`)},
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got, want := c.T(NB, "p", "from", 1, "to", 2), "2 og 1 og 2"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
}
