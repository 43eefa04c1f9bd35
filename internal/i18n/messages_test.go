package i18n

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var fixMessages = flag.Bool("fixmessages", false, "rewrite messages/*.json sorted by key with 2-space indent")

// TestMessageFilesTidy keeps the message files sorted by key and formatted
// the one way encoding/json writes them with a 2-space indent, so additions
// land in a predictable place and diffs stay small. To tidy the files after
// editing them, run:
//
//	go test ./internal/i18n -run TestMessageFilesTidy -fixmessages
func TestMessageFilesTidy(t *testing.T) {
	for _, l := range Langs {
		name := "messages/" + string(l) + ".json"
		t.Run(string(l), func(t *testing.T) {
			data, err := messageFiles.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := parseMessages(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want, err := canonicalMessages(m)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(data, want) {
				return
			}
			if *fixMessages {
				if err := os.WriteFile(name, want, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote %s", name)
				return
			}
			keys, err := keysInOrder(data)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(keys); i++ {
				if keys[i-1] >= keys[i] {
					t.Errorf("%s: key %q comes after %q; keys must be sorted", name, keys[i], keys[i-1])
					break
				}
			}
			got, wantLines := strings.Split(string(data), "\n"), strings.Split(string(want), "\n")
			for i := range min(len(got), len(wantLines)) {
				if got[i] != wantLines[i] {
					t.Errorf("%s line %d is\n\t%q\nbut should be\n\t%q", name, i+1, got[i], wantLines[i])
					break
				}
			}
			t.Errorf("%s is not sorted and formatted; run: go test ./internal/i18n -run TestMessageFilesTidy -fixmessages", name)
		})
	}
}

// TestMessageFilesSameKeys says which keys a translator still has to add;
// Load refuses such files too, but with less guidance.
func TestMessageFilesSameKeys(t *testing.T) {
	keys := make(map[Lang][]string)
	for _, l := range Langs {
		data, err := messageFiles.ReadFile("messages/" + string(l) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if keys[l], err = keysInOrder(data); err != nil {
			t.Fatalf("%s.json: %v", l, err)
		}
		slices.Sort(keys[l])
	}
	for _, l := range Langs {
		for _, k := range keys[l.Other()] {
			if _, found := slices.BinarySearch(keys[l], k); !found {
				t.Errorf("%s.json lacks key %q, which %s.json has", l, k, l.Other())
			}
		}
	}
}

// canonicalMessages is the tidy form of a message file: keys sorted, 2-space
// indent, no HTML escaping, a final newline.
func canonicalMessages(m map[string]string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil { // maps are encoded sorted by key
		return nil, err
	}
	return b.Bytes(), nil
}

// keysInOrder returns the keys of a flat JSON object in file order.
func keysInOrder(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected %v where a key should be", tok)
		}
		keys = append(keys, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
