package importer

import (
	"strconv"
	"strings"
)

// Norwegian counties. Public data about the last decade speaks of three county structures:
// before 2020 (19 counties), 2020–2023 (11, with Viken, Vestfold og Telemark and Troms og
// Finnmark), and from 2024 (15, those three split again). Utsyn counts regional figures by the
// counties of 2024 and their NUTS 2024 codes. A county of 2020–2023 that was split is placed by
// its municipality, whose 2020 number tells which new county it went to.

// county2024 is a county of the 2024 structure.
type county2024 struct {
	Number string // "11"
	Name   string
	NUTS   string // NUTS 2024 level 3
}

var counties2024 = map[string]county2024{
	"03": {"03", "Oslo", "NO081"},
	"11": {"11", "Rogaland", "NO0A1"},
	"15": {"15", "Møre og Romsdal", "NO0A3"},
	"18": {"18", "Nordland", "NO071"},
	"31": {"31", "Østfold", "NO083"},
	"32": {"32", "Akershus", "NO084"},
	"33": {"33", "Buskerud", "NO085"},
	"34": {"34", "Innlandet", "NO020"},
	"39": {"39", "Vestfold", "NO093"},
	"40": {"40", "Telemark", "NO094"},
	"42": {"42", "Agder", "NO092"},
	"46": {"46", "Vestland", "NO0A2"},
	"50": {"50", "Trøndelag", "NO060"},
	"55": {"55", "Troms", "NO072"},
	"56": {"56", "Finnmark", "NO073"},
	// Svalbard is no county, but the data sets give it a number of its own (21).
	"21": {"21", "Svalbard", "NO0B2"},
}

// oldCounties maps county numbers of earlier structures that went whole into a county of 2024.
var oldCounties = map[string]string{
	// 2020–2023
	"03": "03", "11": "11", "15": "15", "18": "18", "34": "34", "42": "42", "46": "46", "50": "50",
	// before 2020
	"01": "31", "02": "32", "04": "34", "05": "34", "06": "33", "07": "39", "08": "40", "09": "42", "10": "42",
	"12": "46", "14": "46", "16": "50", "17": "50", "19": "55", "20": "56",
	// 2024 itself
	"31": "31", "32": "32", "33": "33", "39": "39", "40": "40", "55": "55", "56": "56", "21": "21",
}

// countyOf returns the county of 2024 for a county number of any structure and, for the three
// counties of 2020–2023 that were split, the municipality number of 2020–2023; ok is false when
// it cannot be told (a split county without a municipality, an unknown number).
func countyOf(county, municipality string) (c county2024, ok bool) {
	county = strings.TrimSpace(county)
	if len(county) == 1 {
		county = "0" + county // the Research Council writes Oslo as 3
	}
	if n, found := oldCounties[county]; found {
		return counties2024[n], true
	}
	m, err := strconv.Atoi(strings.TrimSpace(municipality))
	if err != nil || len(strings.TrimSpace(municipality)) != 4 || strconv.Itoa(m)[:2] != county {
		return county2024{}, false
	}
	var to string
	switch county {
	case "30": // Viken: Østfold, Akershus, Buskerud
		switch {
		case m >= 3001 && m <= 3004, m >= 3011 && m <= 3018:
			to = "31"
		case m >= 3005 && m <= 3007, m >= 3038 && m <= 3052:
			to = "33"
		case m >= 3019 && m <= 3037, m == 3053, m == 3054:
			to = "32"
		}
	case "38": // Vestfold og Telemark
		switch {
		case m >= 3801 && m <= 3805, m == 3811:
			to = "39"
		case m >= 3806 && m <= 3825:
			to = "40"
		}
	case "54": // Troms og Finnmark
		switch {
		case m == 5401, m == 5402, m >= 5411 && m <= 5429:
			to = "55"
		case m >= 5403 && m <= 5406, m >= 5430 && m <= 5444:
			to = "56"
		}
	}
	if to == "" {
		return county2024{}, false
	}
	return counties2024[to], true
}

// nutsCounties maps the NUTS 3 codes of Norway's vintages (2013/2016 and 2021; 2024 is
// counties2024) to the county of 2024. Viken (NO082), Vestfold og Telemark (NO091) and Troms og
// Finnmark (NO074) of NUTS 2021 were split, and have no county of their own.
var nutsCounties = map[string]string{
	// NUTS 2013/2016
	"NO011": "03", "NO012": "32", "NO021": "34", "NO022": "34", "NO031": "33", "NO032": "39", "NO033": "40",
	"NO034": "40", "NO041": "42", "NO042": "42", "NO043": "11", "NO051": "46", "NO052": "46", "NO053": "15",
	"NO061": "50", "NO062": "50", "NO071": "18", "NO072": "55", "NO073": "56",
	// NUTS 2021
	"NO020": "34", "NO060": "50", "NO081": "03", "NO092": "42", "NO0A1": "11", "NO0A2": "46", "NO0A3": "15",
	// NUTS 2024
	"NO083": "31", "NO084": "32", "NO085": "33", "NO093": "39", "NO094": "40", "NO0B1": "21", "NO0B2": "21",
}

// countyOfNUTS returns the county of 2024 for a Norwegian NUTS 3 code of any vintage. The 2016
// codes NO071–NO073 mean Nordland, Troms and Finnmark, as the 2024 codes do.
func countyOfNUTS(code string) (county2024, bool) {
	n, ok := nutsCounties[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return county2024{}, false
	}
	return counties2024[n], true
}

// baseName drops the Sámi and Kven forms the Research Council writes after a county's or a
// municipality's Norwegian name: "Trøndelag - Trööndelage" is "Trøndelag".
func baseName(s string) string {
	if i := strings.Index(s, " - "); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}
