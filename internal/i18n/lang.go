// Package i18n provides Utsyn's two languages, Norwegian bokmål and English:
// choosing a language, the message catalog with every user-visible string, and
// formatting of numbers, amounts and dates the way each language writes them.
package i18n

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Lang is a supported user-interface language, named by its BCP 47 code.
type Lang string

// The supported languages.
const (
	NB Lang = "nb" // Norwegian bokmål, the default.
	EN Lang = "en" // English.
)

// Langs lists the supported languages, bokmål first.
var Langs = []Lang{NB, EN}

// Parse returns the language named by s: "nb", "no" or "nob" for bokmål and
// "en" for English, in any letter case. It reports false for anything else,
// so an unknown value in a URL or cookie can fall back to Negotiate.
func Parse(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nb", "no", "nob":
		return NB, true
	case "en":
		return EN, true
	}
	return "", false
}

// Other returns the language the language switch leads to: EN for NB and NB
// for EN (and for any unsupported value, since NB is the default).
func (l Lang) Other() Lang {
	if l == NB {
		return EN
	}
	return NB
}

// Name returns the language's name written in that language, as shown in the
// language switch: "Norsk" or "English". An unsupported value returns itself.
func (l Lang) Name() string {
	switch l {
	case NB:
		return "Norsk"
	case EN:
		return "English"
	}
	return string(l)
}

// Negotiate picks the language for a visitor from an HTTP Accept-Language
// header. Ranges are tried in order of preference (q-value, then position);
// the first Norwegian one (nb, nn, no, nob, with or without a region) gives
// NB and the first English one gives EN. Nynorsk readers get bokmål, which is
// closer to them than English. An empty or unusable header, or one naming only
// other languages, gives NB.
func Negotiate(acceptLanguage string) Lang {
	type choice struct {
		lang Lang
		q    float64
	}
	var choices []choice
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q, ok := quality(params)
		if !ok || q <= 0 {
			continue
		}
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		primary, _, _ = strings.Cut(primary, "_")
		var l Lang
		switch strings.ToLower(primary) {
		case "nb", "nn", "no", "nob", "nno", "nor":
			l = NB
		case "en", "eng":
			l = EN
		default:
			continue
		}
		choices = append(choices, choice{l, q})
	}
	if len(choices) == 0 {
		return NB
	}
	// Stable, so equal q-values keep the order the browser sent them in.
	slices.SortStableFunc(choices, func(a, b choice) int { return cmp.Compare(b.q, a.q) })
	return choices[0].lang
}

// quality returns the q-value in the parameters of one Accept-Language range
// (";q=0.8"), 1 when there is none, and false when it is malformed.
func quality(params string) (float64, bool) {
	if strings.TrimSpace(params) == "" {
		return 1, true
	}
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}
