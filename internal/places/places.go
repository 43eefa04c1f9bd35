// Package places knows the world's countries by their ISO 3166-1 codes, with their names in
// bokmål and English, from an embedded list (data/README.md says where it comes from).
package places

import (
	_ "embed"
	"encoding/csv"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

//go:embed data/iso3166_countries_en_nb_nn.csv
var countriesCSV string

// Country is one country.
type Country struct {
	Code    string // ISO 3166-1 alpha-2, e.g. "NO"
	Alpha3  string
	Numeric string // ISO 3166-1 numeric, e.g. "578"; the map data's ids
	NameNB  string
	NameEN  string
}

// Name returns the country's name in the language ("nb" or "en").
func (c Country) Name(lang string) string {
	if lang == "en" {
		return c.NameEN
	}
	return c.NameNB
}

var (
	load      sync.Once
	byCode    map[string]Country
	countries []Country
)

func parse() {
	byCode = map[string]Country{}
	rows, err := csv.NewReader(strings.NewReader(countriesCSV)).ReadAll()
	if err != nil {
		panic("places: embedded country list: " + err.Error()) // part of the binary; a test reads it
	}
	for _, r := range rows[1:] {
		c := Country{Code: r[0], Alpha3: r[1], Numeric: r[2], NameEN: r[3], NameNB: r[4]}
		byCode[c.Code] = c
		countries = append(countries, c)
	}
}

// Lookup returns the country with the alpha-2 code (any case).
func Lookup(code string) (Country, bool) {
	load.Do(parse)
	c, ok := byCode[strings.ToUpper(strings.TrimSpace(code))]
	return c, ok
}

// All returns every country, sorted by its name in the language as that language sorts
// (Ø after Z in bokmål). The order is worked out once per language: the register's filter
// lists the countries on every page, and sorting them by collation cost a quarter of a
// millisecond each time.
func All(lang string) []Country { return slices.Collect(InOrder(lang)) }

// InOrder yields the countries in All's order without copying them, for a page that only looks
// them over (the register's filter, on every page of the list).
func InOrder(lang string) iter.Seq[Country] {
	if lang != "en" {
		lang = "nb"
	}
	sorted := byLanguage[lang]
	sorted.once.Do(func() {
		load.Do(parse)
		sorted.list = append([]Country(nil), countries...)
		// x/text carries the Norwegian order (… Z, Æ, Ø, Å) under nynorsk only; bokmål sorts alike.
		tag := language.MustParse("nn")
		if lang == "en" {
			tag = language.English
		}
		col := collate.New(tag)
		sort.SliceStable(sorted.list, func(i, j int) bool {
			return col.CompareString(sorted.list[i].Name(lang), sorted.list[j].Name(lang)) < 0
		})
	})
	return slices.Values(sorted.list)
}

var byLanguage = map[string]*struct {
	once sync.Once
	list []Country
}{"nb": {}, "en": {}}
