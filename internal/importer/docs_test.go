package importer

import (
	"os"
	"strings"
	"testing"
)

// TestFormatIsDocumented: docs/SPREADSHEET.md names every sheet and column of the format.
func TestFormatIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/SPREADSHEET.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sheetSpecs {
		if !strings.Contains(string(doc), "| `"+s.key+"` | `"+s.nb+"` |") {
			t.Errorf("docs/SPREADSHEET.md has no row for the sheet %s (%s)", s.key, s.nb)
		}
		for _, c := range s.columns {
			if !strings.Contains(string(doc), "`"+c.key+"`") {
				t.Errorf("docs/SPREADSHEET.md does not describe the column %s of %s", c.key, s.key)
			}
		}
	}
}
