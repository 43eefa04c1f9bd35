package utsyn

import (
	"database/sql/driver"
	"encoding/json"
	"encoding/json/jsontext"
	"fmt"
	"slices"
	"sort"
	"unicode/utf8"
)

// Text is a text the public reads, in every language it has been written in, keyed by
// language code ("nb", "en"; "nn" can follow without a schema change). It is stored as one
// JSON object per column.
type Text map[string]string

// NewText returns a Text in bokmål and English; an empty string is left out.
func NewText(nb, en string) Text {
	t := Text{}
	if nb != "" {
		t["nb"] = nb
	}
	if en != "" {
		t["en"] = en
	}
	return t
}

// In returns the text in lang, falling back to bokmål and then to any language, so that a
// reader always sees something; fallback reports whether it had to.
func (t Text) In(lang string) (s string, fallback bool) {
	if s, ok := t[lang]; ok && s != "" {
		return s, false
	}
	if s, ok := t["nb"]; ok && s != "" {
		return s, true
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k], true
		}
	}
	return "", false
}

// Get returns the text in lang with the same fallback as In.
func (t Text) Get(lang string) string {
	s, _ := t.In(lang)
	return s
}

// IsZero reports whether no language has any text.
func (t Text) IsZero() bool {
	for _, s := range t {
		if s != "" {
			return false
		}
	}
	return true
}

// Value stores the text as a JSON object.
func (t Text) Value() (driver.Value, error) {
	if t == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(t))
	return string(b), err
}

// Scan reads a JSON object written by Value.
func (t *Text) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*t = Text{}
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("scan Text from %T", src)
	}
	if m, ok := parsePlainText(b); ok {
		*t = m
		return nil
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("scan Text: %w", err)
	}
	*t = m
	return nil
}

// MarshalJSON writes the text as an object of languages; an empty text as {}.
func (t Text) MarshalJSON() ([]byte, error) {
	if t == nil {
		return []byte("{}"), nil
	}
	if b, ok := appendPlainText(make([]byte, 0, 64), t); ok {
		return b, nil
	}
	return json.Marshal(map[string]string(t))
}

// MarshalJSONTo writes the text as MarshalJSON does, straight to the encoder: encoding/json
// calls it in place of MarshalJSON, and need not then read back and check what that returned
// (a page of 50 engagements from the API has some hundred texts: a fifth of its time). The
// encoder escapes the strings as json.Marshal does a map's (FuzzTextMarshal holds them alike).
func (t Text) MarshalJSONTo(enc *jsontext.Encoder) error {
	var buf [4]string // the languages, sorted: seldom more than two
	keys := buf[:0]
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	for _, k := range keys {
		if err := enc.WriteToken(jsontext.String(k)); err != nil {
			return err
		}
		if err := enc.WriteToken(jsontext.String(t[k])); err != nil {
			return err
		}
	}
	return enc.WriteToken(jsontext.EndObject)
}

// appendPlainText writes the common case of a text the way json.Marshal does, keys in order,
// without its reflection: a page of the API has some hundred texts, and marshalling each as a
// map was a quarter of its time. ok is false when a key or value has a character that JSON
// escapes (FuzzTextMarshal holds the two to the same bytes).
func appendPlainText(b []byte, t Text) ([]byte, bool) {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if !plainJSON(k) || !plainJSON(t[k]) {
			return nil, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":"`...)
		b = append(b, t[k]...)
		b = append(b, '"')
	}
	return append(b, '}'), true
}

// plainJSON reports whether s is valid UTF-8 that json.Marshal writes as it is, between quotes.
func plainJSON(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20, r == '"', r == '\\', r == '<', r == '>', r == '&', r == '\u2028', r == '\u2029', r == utf8.RuneError:
			return false
		}
	}
	return true
}

// parsePlainText reads the common case of a stored text without decoding it as JSON in
// general: an object of strings with no escapes in them, such as {"nb":"Havvind","en":"Offshore
// wind"}. A list of 34,000 engagements spent a third of its reading in the JSON decoder. ok is
// false for anything else (an escape, a character JSON must escape, text that is not UTF-8),
// which json.Unmarshal then reads; FuzzTextScan holds the two to the same result.
func parsePlainText(b []byte) (t Text, ok bool) {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	str := func() (string, bool) {
		if i >= len(b) || b[i] != '"' {
			return "", false
		}
		start := i + 1
		for j := start; j < len(b); j++ {
			switch c := b[j]; {
			case c == '"':
				i = j + 1
				s := string(b[start:j])
				return s, utf8.ValidString(s)
			case c == '\\' || c < 0x20:
				return "", false
			}
		}
		return "", false
	}
	space()
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i++
	t = Text{}
	space()
	if i < len(b) && b[i] == '}' {
		i++
		space()
		return t, i == len(b)
	}
	for {
		space()
		k, ok := str()
		if !ok {
			return nil, false
		}
		space()
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i++
		space()
		v, ok := str()
		if !ok {
			return nil, false
		}
		t[k] = v
		space()
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			i++
			space()
			return t, i == len(b)
		default:
			return nil, false
		}
	}
}
