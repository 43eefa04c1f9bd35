package importer

import (
	"path"
	"strings"
)

// The register's own format (docs/SPREADSHEET.md): one sheet per kind of record, each with a
// header row of column keys. A workbook holds the sheets under these names; as CSV, each sheet
// is a file named after it (engagements.csv, …), alone or together in a ZIP archive. The
// Norwegian names of the sheets are read as well.

// Sheet keys.
const (
	sheetMeta        = "utsyn"
	sheetEngagements = "engagements"
	sheetActors      = "actors"
	sheetPartners    = "partners"
	sheetMoney       = "money"
	sheetElements    = "strategy_links"
	sheetLinks       = "links"
	sheetSeats       = "seats"
	sheetReviews     = "reviews"
)

// FormatVersion names the version of the format in the meta sheet of an export.
const FormatVersion = "utsyn-register 1"

// column is one column of a sheet.
type column struct {
	key      string
	required bool // a file without the column is refused
	info     bool // written by the export for people to read; an import ignores it
}

// sheetSpec is one sheet of the format.
type sheetSpec struct {
	key     string
	nb      string // the sheet's name in bokmål, also read
	columns []column
}

var sheetSpecs = []sheetSpec{
	{key: sheetEngagements, nb: "engasjementer", columns: []column{
		{key: "id"}, {key: "ref"}, {key: "version"}, {key: "kind", required: true}, {key: "status"},
		{key: "title_nb", required: true}, {key: "title_en"}, {key: "acronym"}, {key: "description_nb"},
		{key: "description_en"}, {key: "start"}, {key: "end"}, {key: "unit"}, {key: "responsible"}, {key: "role"},
		{key: "working_form"}, {key: "programme"}, {key: "call"}, {key: "public"}, {key: "example"}, {key: "tags"},
		{key: "sdgs"}, {key: "cordis"}, {key: "keep_eu"}, {key: "erasmus"}, {key: "eea_grants"}, {key: "annual_fee"},
		{key: "fee_currency"}, {key: "decision_body"}, {key: "decision_date"}, {key: "decision_case"},
		{key: "renewal_date"}, {key: "updated", info: true},
	}},
	{key: sheetActors, nb: "aktorer", columns: []column{
		{key: "id"}, {key: "ref"}, {key: "version"}, {key: "name", required: true}, {key: "country", required: true},
		{key: "region"}, {key: "type"}, {key: "org_number"}, {key: "pic"}, {key: "website"},
	}},
	{key: sheetPartners, nb: "partnere", columns: []column{
		{key: "engagement", required: true}, {key: "actor", required: true}, {key: "role", required: true},
		{key: "engagement_title", info: true}, {key: "actor_name", info: true},
	}},
	{key: sheetMoney, nb: "penger", columns: []column{
		{key: "id"}, {key: "version"}, {key: "engagement", required: true}, {key: "year", required: true},
		{key: "kind", required: true}, {key: "amount"}, {key: "currency", required: true}, {key: "hours"},
		{key: "hourly_rate"}, {key: "funder"}, {key: "note"}, {key: "engagement_title", info: true},
		{key: "funder_name", info: true},
	}},
	{key: sheetElements, nb: "strategikoblinger", columns: []column{
		{key: "engagement", required: true}, {key: "strategy", required: true}, {key: "element", required: true},
		{key: "primary"}, {key: "engagement_title", info: true}, {key: "element_title", info: true},
	}},
	{key: sheetLinks, nb: "lenker", columns: []column{
		{key: "engagement", required: true}, {key: "url", required: true}, {key: "label"},
		{key: "engagement_title", info: true},
	}},
	{key: sheetSeats, nb: "verv", columns: []column{
		{key: "engagement", required: true}, {key: "body", required: true}, {key: "kind", required: true},
		{key: "holder"}, {key: "engagement_title", info: true},
	}},
	{key: sheetReviews, nb: "vurderinger", columns: []column{
		{key: "engagement", required: true}, {key: "date", required: true}, {key: "outcome", required: true},
		{key: "rationale_nb"}, {key: "rationale_en"}, {key: "engagement_title", info: true},
	}},
}

// specFor returns the sheet of a key.
func specFor(key string) *sheetSpec {
	for i := range sheetSpecs {
		if sheetSpecs[i].key == key {
			return &sheetSpecs[i]
		}
	}
	return nil
}

// sheetByName finds the sheet a workbook's sheet name, or a CSV file's name, stands for:
// "engagements", "Engasjementer", "utsyn-register-rogaland-2026-11-27-engagements.csv".
func sheetByName(name string) string {
	name = normaliseName(strings.TrimSuffix(path.Base(name), path.Ext(name)))
	name = strings.NewReplacer("ø", "o", "å", "a", "æ", "ae").Replace(name)
	if name == sheetMeta || strings.HasSuffix(name, "_"+sheetMeta) {
		return sheetMeta
	}
	// The longest name first, so "strategy_links" is not taken for "links".
	best, bestLen := "", 0
	for _, s := range sheetSpecs {
		for _, n := range []string{s.key, s.nb} {
			if (name == n || strings.HasSuffix(name, "_"+n)) && len(n) > bestLen {
				best, bestLen = s.key, len(n)
			}
		}
	}
	return best
}

// sheetByHeader finds the sheet a header belongs to: the one with all its required columns
// and the most known ones.
func sheetByHeader(h *header) string {
	best, bestScore := "", 0
	for _, s := range sheetSpecs {
		score := 0
		ok := true
		for _, c := range s.columns {
			if h.has(c.key) {
				score++
			} else if c.required {
				ok = false
			}
		}
		if ok && score > bestScore {
			best, bestScore = s.key, score
		}
	}
	return best
}
