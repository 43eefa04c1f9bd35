package i18n

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   Lang
		wantOK bool
	}{
		{name: "bokmål", in: "nb", want: NB, wantOK: true},
		{name: "english", in: "en", want: EN, wantOK: true},
		{name: "norwegian macrolanguage", in: "no", want: NB, wantOK: true},
		{name: "three-letter bokmål", in: "nob", want: NB, wantOK: true},
		{name: "upper case", in: "NB", want: NB, wantOK: true},
		{name: "mixed case english", in: "En", want: EN, wantOK: true},
		{name: "surrounding space", in: " en ", want: EN, wantOK: true},
		{name: "empty", in: "", want: "", wantOK: false},
		{name: "nynorsk is not a UI language", in: "nn", want: "", wantOK: false},
		{name: "region subtag", in: "nb-NO", want: "", wantOK: false},
		{name: "german", in: "de", want: "", wantOK: false},
		{name: "english word", in: "english", want: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestLangOtherAndName(t *testing.T) {
	tests := []struct {
		name      string
		lang      Lang
		wantOther Lang
		wantName  string
	}{
		{name: "bokmål", lang: NB, wantOther: EN, wantName: "Norsk"},
		{name: "english", lang: EN, wantOther: NB, wantName: "English"},
		{name: "unsupported", lang: "de", wantOther: NB, wantName: "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.lang.Other(); got != tt.wantOther {
				t.Errorf("%q.Other() = %q, want %q", tt.lang, got, tt.wantOther)
			}
			if got := tt.lang.Name(); got != tt.wantName {
				t.Errorf("%q.Name() = %q, want %q", tt.lang, got, tt.wantName)
			}
		})
	}
}

func TestLangsBokmålFirst(t *testing.T) {
	if len(Langs) != 2 || Langs[0] != NB || Langs[1] != EN {
		t.Errorf("Langs = %q, want [nb en]", Langs)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   Lang
	}{
		{name: "norwegian browser", header: "nb-NO,nb;q=0.9,en;q=0.8", want: NB},
		{name: "british browser", header: "en-GB,en;q=0.9", want: EN},
		{name: "german only", header: "de", want: NB},
		{name: "empty", header: "", want: NB},
		{name: "nynorsk", header: "nn", want: NB},
		{name: "nynorsk with region", header: "nn-NO,nn;q=0.9", want: NB},
		{name: "norwegian macrolanguage", header: "no", want: NB},
		{name: "legacy no-bok", header: "no-bok", want: NB},
		{name: "american chrome", header: "en-US,en;q=0.9", want: EN},
		{name: "german with english fallback", header: "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", want: EN},
		{name: "french partner with english", header: "fr-FR,fr;q=0.9,en;q=0.5", want: EN},
		{name: "q-values override order", header: "en;q=0.5,nb;q=0.8", want: NB},
		{name: "equal q keeps order", header: "en,nb", want: EN},
		{name: "q=0 means not acceptable", header: "nb;q=0,en", want: EN},
		{name: "wildcard only", header: "*", want: NB},
		{name: "upper case", header: "EN-gb", want: EN},
		{name: "spaces around", header: " de ; q=0.9 , en ; q=0.8 ", want: EN},
		{name: "malformed q skipped", header: "en;q=high,nb;q=0.1", want: NB},
		{name: "q above one skipped", header: "en;q=2,nb;q=0.1", want: NB},
		{name: "underscore locale", header: "en_GB", want: EN},
		{name: "garbage", header: ";;,,=q", want: NB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate(tt.header); got != tt.want {
				t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}
