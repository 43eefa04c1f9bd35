package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
)

//go:embed messages/*.json
var messageFiles embed.FS

// Catalog holds every user-visible string in every supported language. It is
// loaded once at startup with Load and is safe for concurrent use.
//
// Messages live in messages/nb.json and messages/en.json, flat JSON objects
// from dotted keys ("nav.skip") to text. Text may hold {name} placeholders,
// filled in by T.
type Catalog struct {
	msgs map[Lang]map[string]string
	keys []string // sorted
}

// Load parses the embedded message files. It returns an error, listing every
// problem found, when a file is not a flat JSON object of strings, repeats a
// key, has a key the other language lacks, or uses a different set of
// placeholders than the other language for the same key. Any such error is a
// bug in the message files, so the server should refuse to start.
func Load() (*Catalog, error) {
	return load(messageFiles)
}

// load reads messages/<lang>.json for every language in Langs from fsys.
func load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: make(map[Lang]map[string]string, len(Langs))}
	for _, l := range Langs {
		data, err := fs.ReadFile(fsys, "messages/"+string(l)+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m, err := parseMessages(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: messages/%s.json: %w", l, err)
		}
		c.msgs[l] = m
	}

	all := make(map[string]bool)
	for _, m := range c.msgs {
		for k := range m {
			all[k] = true
		}
	}
	c.keys = slices.Sorted(maps.Keys(all))

	var errs []error
	for _, k := range c.keys {
		var missing []string
		for _, l := range Langs {
			if _, ok := c.msgs[l][k]; !ok {
				missing = append(missing, string(l)+".json")
			}
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("i18n: key %q is missing from %s", k, strings.Join(missing, " and ")))
			continue
		}
		first := placeholders(c.msgs[Langs[0]][k])
		for _, l := range Langs[1:] {
			if p := placeholders(c.msgs[l][k]); !slices.Equal(p, first) {
				errs = append(errs, fmt.Errorf("i18n: key %q has placeholders {%s} in %s but {%s} in %s",
					k, strings.Join(first, "}, {"), Langs[0], strings.Join(p, "}, {"), l))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// parseMessages decodes a flat JSON object of strings. Unlike decoding into a
// map, it rejects a repeated key instead of silently keeping the last one.
func parseMessages(data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	m := make(map[string]string)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("not a flat JSON object")
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, err
		}
		text, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("value of key %q is not a string", key)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("key %q appears more than once", key)
		}
		m[key] = text
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return m, nil
}

// T returns the message for key in language l with its placeholders filled
// in. args are name/value pairs: T(NB, "strategy.period", "from", "2023",
// "to", "2027") fills {from} and {to}. Values are written with fmt.Sprint, so
// format numbers and dates first (FormatInt, FormatDate) to get them the way
// the language writes them. A placeholder without a value stays as written
// and a value without a placeholder is ignored.
//
// T never panics: an unknown key returns "[[key]]" so a missing message
// shows up on the page and in tests, and an unsupported language falls back
// to NB.
func (c *Catalog) T(l Lang, key string, args ...any) string {
	if c == nil {
		return "[[" + key + "]]"
	}
	m, ok := c.msgs[l]
	if !ok {
		m = c.msgs[NB]
	}
	text, ok := m[key]
	if !ok {
		return "[[" + key + "]]"
	}
	if len(args) < 2 || !strings.Contains(text, "{") {
		return text
	}
	return expand(text, func(name string) (string, bool) {
		for i := 0; i+1 < len(args); i += 2 {
			if argString(args[i]) == name {
				return argString(args[i+1]), true
			}
		}
		return "", false
	})
}

// Has reports whether the catalog has a message for key (in every language,
// which Load guarantees).
func (c *Catalog) Has(key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.msgs[NB][key]
	return ok
}

// Keys returns every message key, sorted. The slice is the caller's to keep.
func (c *Catalog) Keys() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.keys)
}

// placeholders returns the sorted, distinct placeholder names in text.
func placeholders(text string) []string {
	var names []string
	expand(text, func(name string) (string, bool) {
		names = append(names, name)
		return "", false
	})
	slices.Sort(names)
	return slices.Compact(names)
}

// argString is fmt.Sprint(v), without fmt for the strings and numbers most messages take.
func argString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprint(v)
}

// expand replaces each {name} placeholder in text with value(name) when that
// reports true, in one pass so that values are never expanded themselves. A
// name is one or more ASCII letters, digits or underscores; other braces are
// left as they are.
func expand(text string, value func(name string) (string, bool)) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open+1:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+1+end]
		if !isName(name) {
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		if v, ok := value(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[open : open+end+2])
		}
		text = text[open+end+2:]
	}
	b.WriteString(text)
	return b.String()
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
