// Package chart draws Utsyn's charts and maps as SVG, on the server, with nothing to run in the
// browser: bar charts (stacked, and grouped side by side), a timeline of bars over years, and
// choropleth maps of the world, of Europe and of Norway's counties.
//
// Every chart is an image to assistive technology (role="img") named by its <title> and its
// <desc>, the one-line reading a page shows beside it; the page shows the chart's numbers in a
// table, which is where its links to the records are. No meaning rests on colour alone: each
// series has a pattern as well as a colour and an outline, bars carry their figures as text,
// and maps write their figures in the regions that have room. The markup sets no style
// attributes (the Content-Security-Policy forbids inline styles); colours are SVG presentation
// attributes, so a chart looks the same in a page, printed and in a PDF.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Style is how a series looks: a fill colour, an outline, and a pattern over the fill that
// tells the series apart in print and for people who do not see the colours.
type Style int

// The styles. Each fill but Plain's has at least 3:1 contrast with white, and every shape is
// outlined in the text colour besides.
const (
	Solid   Style = iota // dark blue, plain: the council's own, active work
	Hatched              // orange with white diagonal lines: external funding
	Dotted               // mid blue with white dots: hours, planned work
	Crossed              // grey with white cross-hatching: finished work
	Striped              // green with white vertical lines
	Plain                // light grey, plain: the rest
	Alarm                // red with white horizontal lines: off track
	numStyles
)

var styles = [numStyles]struct {
	fill    string
	pattern string // the pattern's drawing in a 8×8 tile, white on the fill; "" for none
}{
	Solid:   {"#0b4f7c", ""},
	Hatched: {"#b35900", `<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#fff" stroke-width="1.6"/>`},
	Dotted:  {"#4a78a8", `<circle cx="2" cy="2" r="1.3" fill="#fff"/><circle cx="6" cy="6" r="1.3" fill="#fff"/>`},
	Crossed: {"#6b7480", `<path d="M0 0l8 8M8 0l-8 8" stroke="#fff" stroke-width="1.1"/>`},
	Striped: {"#2e7d32", `<path d="M2 0v8M6 0v8" stroke="#fff" stroke-width="1.2"/>`},
	Plain:   {"#c5ccd3", ""},
	Alarm:   {"#b3261e", `<path d="M0 2h8M0 6h8" stroke="#fff" stroke-width="1.2"/>`},
}

// Fill is the style's colour, for a legend drawn outside a chart.
func (s Style) Fill() string { return styles[s%numStyles].fill }

// Series is one kind of value in a chart: its name in the legend and its look.
type Series struct {
	Name  string
	Style Style
}

const (
	textColour = "#1a1a1a"
	mutedText  = "#505a63"
	gridColour = "#c9d1d9"
	fontSize   = 14
)

// svg collects a chart's markup.
type svg struct {
	b  strings.Builder
	id string
}

func (s *svg) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// open starts an <svg> of the size in user units, scaled to its container's width, as an image
// named by its title and described by its reading.
func (s *svg) open(class string, width, height float64, title, desc string) {
	// The text's colour and size are the root's, for the texts to inherit.
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" focusable="false" fill="%s" font-size="%d">`,
		esc(class), num(width), num(height), num(width), num(height), esc(s.id), esc(s.id), textColour, fontSize)
	s.printf(`<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(s.id), esc(title), esc(s.id), esc(desc))
}

// patterns defines the patterns of the styles the chart uses, with ids of its own.
func (s *svg) patterns(used []Style) {
	var defs strings.Builder
	seen := map[Style]bool{}
	for _, st := range used {
		st %= numStyles
		if seen[st] || styles[st].pattern == "" {
			continue
		}
		seen[st] = true
		fmt.Fprintf(&defs, `<pattern id="%s-p%d" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="%s"/>%s</pattern>`,
			esc(s.id), st, styles[st].fill, styles[st].pattern)
	}
	if defs.Len() > 0 {
		s.printf(`<defs>%s</defs>`, defs.String())
	}
}

// rect draws a rectangle in the style, outlined: filled with the style's colour, or with its
// pattern (which has the colour under it).
func (s *svg) rect(st Style, x, y, w, h float64) {
	st %= numStyles
	if w <= 0 || h <= 0 {
		return
	}
	fill := styles[st].fill
	if styles[st].pattern != "" {
		fill = fmt.Sprintf("url(#%s-p%d)", esc(s.id), st)
	}
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width=".8"/>`,
		num(x+0.4), num(y+0.4), num(math.Max(w-0.8, 0.1)), num(math.Max(h-0.8, 0.1)), fill, textColour)
}

// text writes a text; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, colour string, size float64, weight, content string) {
	attrs := ""
	if anchor != "start" {
		attrs += ` text-anchor="` + anchor + `"`
	}
	if weight != "" {
		attrs += ` font-weight="` + weight + `"`
	}
	if colour != textColour {
		attrs += ` fill="` + colour + `"`
	}
	if size != fontSize {
		attrs += ` font-size="` + num(size) + `"`
	}
	s.printf(`<text x="%s" y="%s"%s>%s</text>`, num(x), num(y), attrs, esc(content))
}

func (s *svg) close() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String())
}

// legend draws the series' swatches and names in a row that wraps, from x, y within width; it
// returns the height it took.
func (s *svg) legend(series []Series, x, y, width float64) float64 {
	cx, cy := x, y
	for _, se := range series {
		w := 18 + 8 + textWidth(se.Name, fontSize) + 20
		if cx > x && cx+w > x+width {
			cx, cy = x, cy+24
		}
		s.rect(se.Style, cx, cy, 18, 14)
		s.text(cx+26, cy+12, "start", textColour, fontSize, "", se.Name)
		cx += w
	}
	return cy - y + 24
}

// textWidth estimates the width of a text in the chart's sans-serif font: the charts place text
// on the server, without the browser's measurements, and leave room to spare.
func textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == 'i' || r == 'l' || r == 'j' || r == '\'' || r == '|':
			w += 0.3
		case r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == 'Æ' || r == 'æ':
			w += 0.85
		case r >= 'A' && r <= 'Z' || r == 'Ø' || r == 'Å':
			w += 0.68
		case r >= '0' && r <= '9':
			w += 0.56
		default:
			w += 0.55
		}
	}
	return w * size
}

// fit shortens a text to fit width at the size, with an ellipsis.
func fit(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ,.;:–-") + "…"
}

// niceTicks returns about n round steps from 0 to at least max: 0, 2, 4 … or 0, 5, 10 … .
func niceTicks(max float64, n int) []float64 {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		return []float64{0, 1}
	}
	raw := max / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := 0.0; ; v += step {
		out = append(out, v)
		if v >= max-step*1e-9 {
			break
		}
	}
	return out
}

// num writes a coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

func esc(s string) string { return template.HTMLEscapeString(s) }
