package chart

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The base maps, made once from public map data by ./mapgen (maps/README.md says from what,
// and how to make them again): projected, simplified, in whole map units.
//
//go:embed maps/*.txt
var mapFiles embed.FS

// The maps.
const (
	World  = "world"  // the countries of the world (Equal Earth), by ISO 3166-1 alpha-2 code
	Europe = "europe" // the countries of Europe and around it (Lambert equal-area), likewise
	Norway = "norway" // Norway's counties of 2024, by county number ("11" is Rogaland)
)

type baseMap struct {
	width, height int
	regions       []mapRegion
	byID          map[string]int
}

type mapRegion struct {
	id     string
	lx, ly int // where a figure fits inside it
	area   int // of its largest part, in square map units
	d      string
}

var (
	mapsOnce sync.Once
	maps     map[string]*baseMap
	mapsErr  error
)

func loadMaps() {
	maps = map[string]*baseMap{}
	for _, name := range []string{World, Europe, Norway} {
		m, err := parseMap(name)
		if err != nil {
			mapsErr = err
			return
		}
		maps[name] = m
	}
}

func parseMap(name string) (*baseMap, error) {
	f, err := mapFiles.Open("maps/" + name + ".txt")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	m := &baseMap{byID: map[string]int{}}
	if !sc.Scan() {
		return nil, fmt.Errorf("map %s: empty", name)
	}
	if _, err := fmt.Sscanf(sc.Text(), "%d %d", &m.width, &m.height); err != nil {
		return nil, fmt.Errorf("map %s: size: %w", name, err)
	}
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 4 {
			return nil, fmt.Errorf("map %s: line %q", name, sc.Text())
		}
		r := mapRegion{id: parts[0], d: parts[3]}
		if _, err := fmt.Sscanf(parts[1], "%d %d", &r.lx, &r.ly); err != nil {
			return nil, fmt.Errorf("map %s, %s: label: %w", name, r.id, err)
		}
		if r.area, err = strconv.Atoi(parts[2]); err != nil {
			return nil, fmt.Errorf("map %s, %s: area: %w", name, r.id, err)
		}
		m.byID[r.id] = len(m.regions)
		m.regions = append(m.regions, r)
	}
	return m, sc.Err()
}

func baseOf(name string) (*baseMap, error) {
	mapsOnce.Do(loadMaps)
	if mapsErr != nil {
		return nil, mapsErr
	}
	m, ok := maps[name]
	if !ok {
		return nil, fmt.Errorf("no map %q", name)
	}
	return m, nil
}

// HasRegion reports whether the map draws the region: small countries are missing from the
// world map (Malta, Singapore), and Svalbard is no county.
func HasRegion(name, id string) bool {
	m, err := baseOf(name)
	if err != nil {
		return false
	}
	_, ok := m.byID[id]
	return ok
}

// Regions lists the ids of the map's regions, sorted.
func Regions(name string) []string {
	m, err := baseOf(name)
	if err != nil {
		return nil
	}
	out := make([]string, len(m.regions))
	for i, r := range m.regions {
		out[i] = r.id
	}
	return out
}

// Choropleth is a map whose regions are shaded by a count: none, or one of up to five classes
// from light to dark, the classes in a legend under the map. Where a region has room its count
// is written in it, and every region is named with its count in its own title.
type Choropleth struct {
	ID     string
	Title  string
	Desc   string
	Map    string // World, Europe or Norway
	Values map[string]int
	Names  map[string]string // a region's name, for its title; the id when missing
	// Label says a region's count in words for its title ("12 partners"); the number alone
	// when nil.
	Label func(n int) string
	// NoneLabel names the lightest class in the legend ("none").
	NoneLabel string
	// Numbers writes the counts in the regions that have room for them.
	Numbers bool
	// Width is how wide a page shows the map, in CSS pixels, so that its text is of a size to
	// read there; 640 when 0.
	Width float64
}

// Class is a range of counts that share a shade.
type Class struct {
	From, To int // inclusive
	Fill     string
}

// The shades, from light to dark: each a step darker, so that they stay apart printed in grey.
var (
	noneFill = "#eceff1"
	ramp     = []string{"#b3cde3", "#8c96c6", "#8856a7", "#810f7c", "#4d004b"}
)

// Classes divides the counts above zero into up to five ranges of round numbers, each holding
// about as many regions: the legend of a map of them.
func Classes(values map[string]int) []Class {
	var vs []int
	for _, v := range values {
		if v > 0 {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	slices.Sort(vs)
	distinct := slices.Compact(slices.Clone(vs))
	var uppers []int
	if len(distinct) <= 5 {
		uppers = distinct
	} else {
		for k := 1; k <= 5; k++ {
			v := vs[min(len(vs)-1, int(math.Ceil(float64(len(vs))*float64(k)/5))-1)]
			if k < 5 {
				v = roundUp(v)
			} else {
				v = vs[len(vs)-1]
			}
			if len(uppers) == 0 || v > uppers[len(uppers)-1] {
				uppers = append(uppers, v)
			}
		}
	}
	shades := ramp
	switch len(uppers) {
	case 1:
		shades = ramp[2:3]
	case 2:
		shades = []string{ramp[0], ramp[3]}
	case 3:
		shades = []string{ramp[0], ramp[2], ramp[4]}
	case 4:
		shades = ramp[:4]
	}
	var out []Class
	from := 1
	for i, u := range uppers {
		out = append(out, Class{From: from, To: u, Fill: shades[i]})
		from = u + 1
	}
	return out
}

// roundUp rounds a count up to 1, 2, 3, 5 or 10 of its magnitude (and every number up to 10 as
// it is): class limits a reader takes in at a glance.
func roundUp(v int) int {
	if v <= 10 {
		return v
	}
	mag := int(math.Pow(10, math.Floor(math.Log10(float64(v)))))
	for _, m := range []int{1, 2, 3, 5, 10} {
		if m*mag >= v {
			return m * mag
		}
	}
	return v
}

// FillOf is the shade of a count under the classes.
func FillOf(classes []Class, v int) string {
	for _, c := range classes {
		if v >= c.From && v <= c.To {
			return c.Fill
		}
	}
	return noneFill
}

// SVG draws the map, with its legend under it.
func (c Choropleth) SVG() (template.HTML, error) {
	m, err := baseOf(c.Map)
	if err != nil {
		return "", err
	}
	classes := Classes(c.Values)
	shown := c.Width
	if shown == 0 {
		shown = 640
	}
	unit := float64(m.width) / shown // map units to a pixel at the width the page shows
	font := math.Round(14 * unit)
	stroke := num(math.Max(0.6, 1.1*unit))

	// The legend: a swatch per class, in a row that wraps.
	var legend svg
	legend.id = c.ID
	lx, ly := 0.0, float64(m.height)+font*0.8
	sw := font * 1.3
	item := func(fill, label string) {
		w := sw + font*0.5 + textWidth(label, font) + font*1.5
		if lx > 0 && lx+w > float64(m.width) {
			lx, ly = 0, ly+font*1.8
		}
		legend.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="%s"/>`,
			num(lx+1), num(ly), num(sw), num(font), fill, textColour, stroke)
		legend.text(lx+sw+font*0.5, ly+font*0.85, "start", textColour, font, "", label)
		lx += w
	}
	if c.NoneLabel != "" {
		item(noneFill, c.NoneLabel)
	}
	for _, cl := range classes {
		label := strconv.Itoa(cl.From)
		if cl.To != cl.From {
			label += "–" + strconv.Itoa(cl.To)
		}
		item(cl.Fill, label)
	}
	height := ly + font*1.6

	s := &svg{id: c.ID}
	s.open("chart-map chart-map-"+c.Map, float64(m.width), height, c.Title, c.Desc)
	s.printf(`<rect width="%d" height="%d" fill="#f6f9fb" stroke="%s" stroke-width="%s"/>`, m.width, m.height, gridColour, stroke)
	s.printf(`<g stroke="#ffffff" stroke-width="%s" stroke-linejoin="round">`, stroke)
	for _, r := range m.regions {
		v := c.Values[r.id]
		name := c.Names[r.id]
		if name == "" {
			name = r.id
		}
		says := strconv.Itoa(v)
		if c.Label != nil {
			says = c.Label(v)
		}
		fill := FillOf(classes, v)
		if v == 0 {
			s.printf(`<path d="%s" fill="%s" stroke="#9aa5b1"><title>%s</title></path>`, r.d, fill, esc(name+": "+says))
		} else {
			s.printf(`<path d="%s" fill="%s"><title>%s</title></path>`, r.d, fill, esc(name+": "+says))
		}
	}
	s.b.WriteString(`</g>`)
	if c.Numbers {
		for _, r := range m.regions {
			v := c.Values[r.id]
			if v <= 0 {
				continue
			}
			label := strconv.Itoa(v)
			if w := textWidth(label, font) + font*0.4; float64(r.area) < w*w*1.2 {
				continue // no room: the table says it
			}
			y := float64(r.ly) + font*0.35
			// A white halo first, then the figure, so it reads on every shade.
			s.printf(`<text x="%d" y="%s" font-size="%s" font-weight="700" text-anchor="middle" fill="#ffffff" stroke="#ffffff" stroke-width="%s" stroke-linejoin="round">%s</text>`,
				r.lx, num(y), num(font), num(font*0.3), label)
			s.printf(`<text x="%d" y="%s" font-size="%s" font-weight="700" text-anchor="middle" fill="%s">%s</text>`,
				r.lx, num(y), num(font), textColour, label)
		}
	}
	s.b.WriteString(legend.b.String())
	return s.close(), nil
}
