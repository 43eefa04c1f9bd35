package chart

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// node is an SVG element as encoding/xml reads it, for looking at what a chart drew.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Content  string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) all(name string) []node {
	var out []node
	for _, c := range n.Children {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

// parse reads a chart's markup as XML, failing the test when it is not well-formed.
func parse(t *testing.T, h template.HTML) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(h), &n); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%.500s", err, h)
	}
	return n
}

// checkImage checks what makes a chart an accessible image: role="img", a title and a
// description that aria-labelledby names, and every pattern it uses defined.
func checkImage(t *testing.T, n node, title, desc string) {
	t.Helper()
	if n.XMLName.Local != "svg" || n.attr("role") != "img" {
		t.Errorf("root <%s role=%q>, want <svg role=\"img\">", n.XMLName.Local, n.attr("role"))
	}
	ids := map[string]string{}
	for _, c := range n.Children {
		if id := c.attr("id"); id != "" {
			ids[id] = c.XMLName.Local
		}
	}
	if first := n.Children[0]; first.XMLName.Local != "title" || strings.TrimSpace(first.Content) != title {
		t.Errorf("first child <%s>%q, want <title>%q", first.XMLName.Local, first.Content, title)
	}
	if got := n.all("desc"); len(got) != 1 || got[0].Content != desc {
		t.Errorf("desc %v, want one saying %q", got, desc)
	}
	labelled := strings.Fields(n.attr("aria-labelledby"))
	if len(labelled) != 2 || ids[labelled[0]] != "title" || ids[labelled[1]] != "desc" {
		t.Errorf("aria-labelledby=%q does not name the title and the desc (%v)", n.attr("aria-labelledby"), ids)
	}
	defined := map[string]bool{}
	for _, p := range n.all("pattern") {
		defined[p.attr("id")] = true
	}
	for _, r := range n.all("rect") {
		if f := r.attr("fill"); strings.HasPrefix(f, "url(#") {
			if id := strings.TrimSuffix(strings.TrimPrefix(f, "url(#"), ")"); !defined[id] {
				t.Errorf("a rect uses the pattern %q, which is not defined", id)
			}
		}
	}
	for _, a := range []string{"style"} {
		if strings.Contains(fmt.Sprint(n), " "+a+"=") {
			t.Errorf("the chart sets a %s attribute (the CSP forbids inline styles)", a)
		}
	}
}

func texts(n node) []string {
	var out []string
	for _, t := range n.all("text") {
		out = append(out, t.Content)
	}
	return out
}

func TestBars(t *testing.T) {
	c := Bars{
		ID: "money", Title: "Egen innsats og ekstern finansiering", Desc: "Ekstern finansiering var 3,2 ganger egen innsats i 2024.",
		Series: []Series{{"Egne midler", Solid}, {"Egne timer", Dotted}, {"Ekstern <finansiering>", Hatched}},
		Rows: []BarRow{
			{Label: "2023", Bars: []Bar{{Segments: []Segment{{0, 100}, {1, 50}}, Text: "kr 150"}, {Segments: []Segment{{2, 300}}, Text: "kr 300"}}},
			{Label: "2024 & <b>", Note: "ingen data", Bars: []Bar{{Text: "kr 0"}, {Text: "kr 0"}}},
			{Label: strings.Repeat("Et langt navn på et element i strategien ", 4), Note: "ingen aktivt arbeid", Bars: []Bar{{Text: "0"}}},
		},
		Tick: func(f float64) string { return fmt.Sprint(f) },
	}
	n := parse(t, c.SVG())
	checkImage(t, n, c.Title, c.Desc)
	got := texts(n)
	for _, want := range []string{"Egne midler", "Ekstern <finansiering>", "2023", "2024 & <b> – ingen data", "kr 150", "kr 300", "kr 0", "0", "300"} {
		if !slices.Contains(got, want) {
			t.Errorf("no text %q in %q", want, got)
		}
	}
	// A long label gives way to its note, which is never cut.
	if !slices.ContainsFunc(got, func(s string) bool {
		return strings.HasPrefix(s, "Et langt navn") && strings.HasSuffix(s, "… – ingen aktivt arbeid")
	}) {
		t.Errorf("the note of a long label was cut: %q", got)
	}
	// Three segments with a value, each drawn as fill, outline and (patterned series) a
	// pattern; the legend's three swatches likewise.
	var patterned, outlined int
	for _, r := range n.all("rect") {
		if strings.HasPrefix(r.attr("fill"), "url(#money-p") {
			patterned++
		}
		if r.attr("stroke") == textColour {
			outlined++
		}
	}
	if outlined != 6 || patterned != 4 {
		t.Errorf("%d outlined and %d patterned shapes, want 6 (3 segments, 3 swatches) and 4 (hours and external, twice)", outlined, patterned)
	}
	// A bar's length is its share of the scale: 300 of a scale that ends at 300.
	var widths []string
	for _, r := range n.all("rect") {
		if r.attr("fill") == "url(#money-p1)" {
			widths = append(widths, r.attr("width"))
		}
	}
	if len(widths) != 2 || widths[0] != "17.2" { // the swatch, then the bar
		t.Fatalf("hatched rects %v", widths)
	}
}

func TestBarsSharedScale(t *testing.T) {
	one := func(v float64, max float64) string {
		c := Bars{ID: "x", Title: "t", Desc: "d", Series: []Series{{"a", Solid}}, Max: max,
			Rows: []BarRow{{Label: "r", Bars: []Bar{{Segments: []Segment{{0, v}}}}}}}
		for _, r := range parse(t, c.SVG()).all("rect") {
			if r.attr("fill") == styles[Solid].fill && r.attr("stroke") != "" {
				return r.attr("width")
			}
		}
		return ""
	}
	if a, b := one(50, 100), one(100, 100); a == b || a == "" {
		t.Errorf("with a shared scale, 50 and 100 drew %s and %s", a, b)
	}
}

func TestTimeline(t *testing.T) {
	c := Timeline{ID: "tl", Title: "Porteføljen", Desc: "12 engasjementer løp i 2024.", From: 2020, To: 2026, Today: 2026.9, TodayLabel: "I dag",
		Series: []Series{{"Pågår", Solid}, {"Avsluttet", Crossed}},
		Items: []TimelineItem{
			{Label: "Prosjekt A (2021–2023)", Start: 2021.5, End: 2024, Series: 1},
			{Label: "Medlemskap B", Start: 2015, End: 0, Series: 0}, // began before, open
			{Label: "Besøk C", Start: 2022.2, End: 2022.2, Series: 0},
		},
	}
	n := parse(t, c.SVG())
	checkImage(t, n, c.Title, c.Desc)
	got := texts(n)
	for _, want := range []string{"2020", "2026", "Prosjekt A (2021–2023)", "Medlemskap B", "I dag"} {
		if !slices.Contains(got, want) {
			t.Errorf("no text %q in %q", want, got)
		}
	}
	// Medlemskap B has arrows at both ends: it began before 2020 and has no end.
	arrows := 0
	for _, p := range n.all("path") {
		if p.attr("fill") == textColour {
			arrows++
		}
	}
	if arrows != 2 {
		t.Errorf("%d arrows, want 2", arrows)
	}
}

func TestChoroplethColoursTheRightCountries(t *testing.T) {
	values := map[string]int{"NO": 12, "SE": 3, "DE": 1, "US": 40, "MT": 2}
	c := Choropleth{ID: "world", Title: "Partnere i verden", Desc: "Flest partnere i USA.", Map: World, Values: values,
		Names: map[string]string{"NO": "Norge", "SE": "Sverige", "DE": "Tyskland", "US": "USA"}, NoneLabel: "Ingen", Numbers: true,
		Label: func(n int) string { return fmt.Sprintf("%d partnere", n) }}
	h, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	n := parse(t, h)
	checkImage(t, n, c.Title, c.Desc)
	classes := Classes(values)
	fills := map[string]string{}
	for _, p := range n.all("path") {
		if ts := p.all("title"); len(ts) == 1 {
			name, _, _ := strings.Cut(ts[0].Content, ":")
			fills[name] = p.attr("fill")
		}
	}
	for name, v := range map[string]int{"Norge": 12, "Sverige": 3, "Tyskland": 1, "USA": 40} {
		if got, want := fills[name], FillOf(classes, v); got != want || want == noneFill {
			t.Errorf("%s (%d) is filled %s, want %s", name, v, got, want)
		}
	}
	if got := fills["FR"]; got != noneFill {
		t.Errorf("France, with none, is filled %s, want %s", got, noneFill)
	}
	if fills["Norge"] == fills["Sverige"] || fills["USA"] == fills["Tyskland"] {
		t.Error("counts far apart share a shade")
	}
	if HasRegion(World, "MT") {
		t.Error("Malta is on the 110m world map; the test of a missing region needs another country")
	}
	if !slices.Contains(texts(n), "40") {
		t.Errorf("the count of the USA is not written on the map: %q", texts(n))
	}
	// On the map of Europe, Norway has room for its count.
	c.Map = Europe
	if h, err = c.SVG(); err != nil {
		t.Fatal(err)
	}
	if got := texts(parse(t, h)); !slices.Contains(got, "12") || slices.Contains(got, "40") {
		t.Errorf("on the map of Europe the counts %q, want Norway's 12 and not the USA's 40", got)
	}
}

func TestMapsHaveTheirRegions(t *testing.T) {
	counties := []string{"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}
	if got := Regions(Norway); !slices.Equal(got, counties) {
		t.Errorf("Norway's counties %v, want the 15 of 2024 %v", got, counties)
	}
	for _, id := range []string{"NO", "SE", "FI", "DK", "IS", "GB", "IE", "DE", "FR", "ES", "IT", "PL", "UA", "GR", "MT", "LU", "CY"} {
		if !HasRegion(Europe, id) {
			t.Errorf("the map of Europe lacks %s", id)
		}
	}
	for _, id := range []string{"NO", "US", "CN", "BR", "AU", "ZA", "RU", "FJ"} {
		if !HasRegion(World, id) {
			t.Errorf("the world map lacks %s", id)
		}
	}
	if HasRegion(World, "AQ") || HasRegion(World, "010") {
		t.Error("the world map draws Antarctica")
	}
	for _, name := range []string{World, Europe, Norway} {
		m, err := baseOf(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.regions {
			if !strings.HasPrefix(r.d, "M") || !strings.HasSuffix(r.d, "z") {
				t.Errorf("%s %s: path %.40q", name, r.id, r.d)
			}
			if r.lx < 0 || r.lx > m.width || r.ly < 0 || r.ly > m.height {
				t.Errorf("%s %s: label point (%d, %d) off the map", name, r.id, r.lx, r.ly)
			}
		}
	}
}

func TestClasses(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]int
		want   [][2]int
	}{
		{"none", map[string]int{"A": 0}, nil},
		{"one value", map[string]int{"A": 4, "B": 4}, [][2]int{{1, 4}}},
		{"few values, one class each", map[string]int{"A": 1, "B": 2, "C": 7}, [][2]int{{1, 1}, {2, 2}, {3, 7}}},
		{"many values, five classes of about as many", map[string]int{"A": 1, "B": 1, "C": 2, "D": 3, "E": 4, "F": 6, "G": 9, "H": 14, "I": 40, "J": 230},
			[][2]int{{1, 1}, {2, 3}, {4, 6}, {7, 20}, {21, 230}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][2]int
			for _, c := range Classes(tt.values) {
				got = append(got, [2]int{c.From, c.To})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("classes %v, want %v", got, tt.want)
			}
			for id, v := range tt.values {
				if v > 0 && FillOf(Classes(tt.values), v) == noneFill {
					t.Errorf("%s (%d) falls in no class", id, v)
				}
			}
		})
	}
}

// With CHART_PREVIEW set to a directory, TestPreview writes a page of every kind of chart there,
// to look at in a browser.
func TestPreview(t *testing.T) {
	dir := os.Getenv("CHART_PREVIEW")
	if dir == "" {
		t.Skip("CHART_PREVIEW is not set")
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="nb"><meta charset="utf-8"><title>Diagrammer</title><style>body{font-family:sans-serif;max-width:60rem;margin:auto} svg{max-width:100%;height:auto}</style>`)
	b.WriteString(string(Bars{ID: "a", Title: "t", Desc: "d", Series: []Series{{"Egne midler", Solid}, {"Egne timer", Dotted}, {"Ekstern finansiering", Hatched}, {"Avsluttet", Crossed}, {"Grønn", Striped}},
		Rows: []BarRow{
			{Label: "2023", Bars: []Bar{{Segments: []Segment{{0, 100000}, {1, 50000}}, Text: "kr 150 000"}, {Segments: []Segment{{2, 300000}}, Text: "kr 300 000"}}},
			{Label: "2024", Note: "ingen aktivt arbeid", Bars: []Bar{{Segments: []Segment{{3, 80000}, {4, 20000}}, Text: "kr 100 000"}, {Text: "kr 0"}}},
		}, Tick: func(f float64) string { return fmt.Sprintf("%.0f", f) }}.SVG()))
	b.WriteString(string(Timeline{ID: "tl", Title: "t", Desc: "d", From: 2018, To: 2027, Today: 2026.9, TodayLabel: "I dag",
		Series: []Series{{"Pågår", Solid}, {"Avsluttet", Crossed}},
		Items:  []TimelineItem{{Label: "Prosjekt A", Start: 2021.5, End: 2024, Series: 1}, {Label: "Medlemskap B", Start: 2015}, {Label: "Besøk", Start: 2022.2, End: 2022.21}}}.SVG()))
	for _, m := range []string{World, Europe, Norway} {
		vals := map[string]int{"NO": 30, "SE": 8, "DK": 7, "DE": 9, "NL": 6, "BE": 3, "FR": 4, "GB": 5, "US": 2, "ES": 1, "11": 12, "46": 5, "03": 3, "34": 1, "50": 2}
		h, err := Choropleth{ID: m, Title: m, Desc: "d", Map: m, Values: vals, NoneLabel: "Ingen", Numbers: m != World}.SVG()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(string(h))
	}
	if err := os.WriteFile(filepath.Join(dir, "charts.html"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
