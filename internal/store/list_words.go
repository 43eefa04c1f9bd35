package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// searchWords are the words of an organisation's engagements as PostgreSQL's full-text search
// has them (the lexemes of each engagement's search_tsv, in all its configurations), each with
// the rows of the list index that have it. A search's matches are then found in memory: asked
// of the table, PostgreSQL read every matching row to check its vector, 330 ms for the start of
// a word in 13,000 of 100,000 engagements (docs/PERFORMANCE.md). SQLite's FTS5 index answers
// such a search in a few milliseconds itself, so its list index has none.
type searchWords struct {
	words []string  // distinct, sorted by their bytes, as PostgreSQL compares a word's start
	rows  [][]int32 // the rows that have each word, ascending
}

// searchWordsBuilder gathers the words while the index's rows are read in order.
type searchWordsBuilder struct {
	number map[string]int32 // each word's place in words and rows, as first met
	words  []string
	rows   [][]int32
}

// add adds the row's words from its stripped tsvector as PostgreSQL writes it: 'a' 'b' 'c'.
func (b *searchWordsBuilder) add(row int32, vector string) error {
	if b.number == nil {
		b.number = map[string]int32{}
	}
	for rest := strings.TrimSpace(vector); rest != ""; rest = strings.TrimLeft(rest, " ") {
		word, after, ok := quotedWord(rest)
		if !ok {
			return fmt.Errorf("a search vector that is not one: %.40q", rest)
		}
		n, ok := b.number[word]
		if !ok {
			word = strings.Clone(word) // not the whole vector's text, kept by a part of it
			n = int32(len(b.words))
			b.number[word] = n
			b.words = append(b.words, word)
			b.rows = append(b.rows, nil)
		}
		// A row has each word once in a vector, and rows are added in order.
		b.rows[n] = append(b.rows[n], row)
		rest = after
	}
	return nil
}

// done returns the words, sorted.
func (b *searchWordsBuilder) done() *searchWords {
	order := make([]int32, len(b.words))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(b.words[x], b.words[y]) })
	w := &searchWords{words: make([]string, len(order)), rows: make([][]int32, len(order))}
	for i, n := range order {
		w.words[i], w.rows[i] = b.words[n], slices.Clip(b.rows[n])
	}
	return w
}

// quotedWord reads the word quoted at the start of s as PostgreSQL writes the words of a
// tsvector or a tsquery (a quote or a backslash in it written twice), and returns it and the rest.
func quotedWord(s string) (word, rest string, ok bool) {
	if !strings.HasPrefix(s, "'") {
		return "", s, false
	}
	var sb strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case (c == '\'' || c == '\\') && i+1 < len(s) && s[i+1] == c:
			sb.WriteByte(c)
			i++
		case c == '\'':
			return sb.String(), s[i+1:], true
		default:
			sb.WriteByte(c)
		}
	}
	return "", s, false
}

// prefixQuery reads a tsquery as PostgreSQL writes it, 'kultur':* & 'arv':*, into the starts of
// words that must all be there. It says false for any other query (an or, a not, a phrase, a
// weight), which the database then answers. An empty query (only stop words) has none, and
// matches nothing, as PostgreSQL's does.
func prefixQuery(q string) (prefixes []string, ok bool) {
	for rest := strings.TrimSpace(q); rest != ""; {
		word, after, ok := quotedWord(rest)
		if !ok || !strings.HasPrefix(after, ":*") {
			return nil, false
		}
		prefixes = append(prefixes, word)
		rest = strings.TrimSpace(after[2:])
		if rest == "" {
			break
		}
		if rest, ok = strings.CutPrefix(rest, "& "); !ok {
			return nil, false
		}
	}
	return prefixes, true
}

// matchWords returns the ids, in order, of the index's engagements that match the search (a
// query as matchQuery writes it), as matchIDs would in the state the index was read at: false
// when the index has no words, or PostgreSQL makes of the search a query that prefixQuery does
// not read. PostgreSQL turns the search into each configuration's words (stemmed, stop words
// dropped), without reading a table; the index finds them.
func (db *DB) matchWords(ctx context.Context, ix *listIndex, match string) ([]int64, bool, error) {
	if ix == nil || ix.words == nil {
		return nil, false, nil
	}
	queries := make([]string, len(searchConfigs))
	dest := make([]any, len(searchConfigs))
	cols := make([]string, len(searchConfigs))
	for i, c := range searchConfigs {
		dest[i], cols[i] = &queries[i], "to_tsquery('"+c+"', $1)::text"
	}
	if err := db.reads().QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), match).Scan(dest...); err != nil {
		return nil, false, fmt.Errorf("search engagements: %w", err)
	}
	matching, has := newRowSet(len(ix.rows)), newRowSet(len(ix.rows))
	for _, q := range queries {
		prefixes, ok := prefixQuery(q)
		if !ok {
			return nil, false, nil
		}
		if len(prefixes) == 0 {
			continue
		}
		var all rowSet // the rows with a word that starts with each prefix
		for _, prefix := range prefixes {
			clear(has)
			for i, _ := slices.BinarySearch(ix.words.words, prefix); i < len(ix.words.words) && strings.HasPrefix(ix.words.words[i], prefix); i++ {
				for _, row := range ix.words.rows[i] {
					has.add(row)
				}
			}
			if all == nil {
				all = slices.Clone(has)
			} else {
				all.and(has)
			}
		}
		matching.or(all)
	}
	ids := []int64{}
	matching.each(func(i int32) bool {
		ids = append(ids, ix.rows[i].id)
		return true
	})
	return ids, true, nil
}
