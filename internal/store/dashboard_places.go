package store

import "strings"

// Where a Norwegian actor is: its region holds a county number or a NUTS code, of whichever
// county structure the source used. The partner map shows the 15 counties of 2024.

// Counties2024 are the county numbers of 2024, in number order.
var Counties2024 = []string{"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}

// countyOf maps the county numbers and NUTS codes of earlier structures to the county of 2024
// they lie in, where there is one. The counties of 2020–2023 that were split in 2024 (30
// Viken, 38 Vestfold og Telemark, 54 Troms og Finnmark, and their NUTS codes NO082, NO091 and
// NO074) are missing on purpose: an actor there cannot be placed in one county of today.
var countyOf = map[string]string{
	// The numbers of 2024, and those that did not change in 2020 or 2024.
	"03": "03", "11": "11", "15": "15", "18": "18", "31": "31", "32": "32", "33": "33", "34": "34", "39": "39",
	"40": "40", "42": "42", "46": "46", "50": "50", "55": "55", "56": "56",
	// Before 2020 (and Trøndelag's two before 2018): each lies whole in one county of 2024.
	"01": "31", "02": "32", "04": "34", "05": "34", "06": "33", "07": "39", "08": "40", "09": "42", "10": "42",
	"12": "46", "14": "46", "16": "50", "17": "50", "19": "55", "20": "56",
	// NUTS 2024 (level 3).
	"NO020": "34", "NO060": "50", "NO071": "18", "NO072": "55", "NO073": "56", "NO081": "03", "NO083": "31",
	"NO084": "32", "NO085": "33", "NO092": "42", "NO093": "39", "NO094": "40", "NO0A1": "11", "NO0A2": "46", "NO0A3": "15",
	// NUTS 2013 and 2016 (level 3), where they differ. NO060, NO071, NO072 and NO073 mean the same
	// county in every version; NO092 is Agder in 2021 and 2024 alike.
	"NO011": "03", "NO012": "32", "NO021": "34", "NO022": "34", "NO031": "31", "NO032": "33", "NO033": "39",
	"NO034": "40", "NO041": "42", "NO042": "42", "NO043": "11", "NO051": "46", "NO052": "46", "NO053": "15",
	"NO061": "50", "NO062": "50",
	// NUTS level 2 regions that are one county.
	"NO02": "34", "NO06": "50",
}

// County returns the county of 2024 (its number, "11" for Rogaland) that a Norwegian actor's
// region names: a county number of 2024 or earlier ("1", "01", "NO-11" as ISO 3166-2 writes it)
// or a NUTS code of 2013 to 2024. It reports false for a region it cannot place in one county:
// empty, unknown, or a county of 2020–2023 that was split in 2024.
func County(region string) (string, bool) {
	r := strings.ToUpper(strings.TrimSpace(region))
	r = strings.TrimPrefix(r, "NO-")
	if len(r) == 1 && r[0] >= '0' && r[0] <= '9' {
		r = "0" + r
	}
	c, ok := countyOf[r]
	return c, ok
}
