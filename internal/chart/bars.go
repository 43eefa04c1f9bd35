package chart

import (
	"html/template"
	"math"
)

// Bars is a horizontal bar chart: a row per category, its label on a line of its own above
// one or more bars (side by side in the row), each bar stacked from segments of the series.
// Each bar ends in its figure, written out. Rows read top to bottom; long labels are
// shortened, since the table beside the chart has them in full.
type Bars struct {
	ID     string // unique on the page; the ids of the chart's title, reading and patterns start with it
	Title  string
	Desc   string // the one-line reading
	Series []Series
	Rows   []BarRow
	// Max is the end of the scale; 0 for the largest bar's total. Small multiples share one.
	Max float64
	// Tick writes a figure of the scale ("2 mill."); nil leaves the scale out.
	Tick  func(float64) string
	Width float64 // in user units; 640 when 0
	// Bare leaves out the legend and the figures at the bars' ends: for the second and later of
	// small multiples, whose first has the legend and whose table has the figures.
	Bare bool
}

// BarRow is one category: its label, a note after the label in words (e.g. "no active work"),
// and its bars.
type BarRow struct {
	Label string
	Note  string
	Bars  []Bar
}

// Bar is one bar: its segments, one per series that has a value, and the figure written at its
// end.
type Bar struct {
	Segments []Segment
	Text     string
}

// Segment is a part of a bar: how much of a series.
type Segment struct {
	Series int // index in Bars.Series
	Value  float64
}

// Total is the bar's length.
func (b Bar) Total() float64 {
	var t float64
	for _, s := range b.Segments {
		if s.Value > 0 {
			t += s.Value
		}
	}
	return t
}

// Max is the largest bar of the rows, for a scale shared by small multiples.
func MaxBar(rows ...[]BarRow) float64 {
	var m float64
	for _, rs := range rows {
		for _, r := range rs {
			for _, b := range r.Bars {
				m = math.Max(m, b.Total())
			}
		}
	}
	return m
}

const (
	barHeight = 18
	barGap    = 4
	rowGap    = 14
	labelLine = 20
)

// SVG draws the chart.
func (c Bars) SVG() template.HTML {
	width := c.Width
	if width == 0 {
		width = 640
	}
	max := c.Max
	if max <= 0 {
		max = MaxBar(c.Rows)
	}
	var ticks []float64
	if c.Tick != nil {
		ticks = niceTicks(max, 4)
		max = ticks[len(ticks)-1]
	}
	if max <= 0 {
		max = 1
	}
	// The bars leave room at their end for the longest figure.
	textRoom := 0.0
	for _, r := range c.Rows {
		if c.Bare {
			break
		}
		for _, b := range r.Bars {
			textRoom = math.Max(textRoom, textWidth(b.Text, fontSize-1))
		}
	}
	left, right := 2.0, width-textRoom-10
	if right < width/2 {
		right = width / 2
	}
	scale := (right - left) / max

	s := &svg{id: c.ID}
	var body svg
	body.id = c.ID
	y := 4.0
	if len(c.Series) > 1 && !c.Bare {
		y += body.legend(c.Series, left, y, width-left) + 6
	}
	gridTop := y
	for _, r := range c.Rows {
		// The note is never cut: the label gives way to it.
		label := r.Label
		if r.Note != "" {
			note := " – " + r.Note
			label = fit(label, width-left-textWidth(note, fontSize), fontSize) + note
		} else {
			label = fit(label, width-left, fontSize)
		}
		body.text(left, y+15, "start", textColour, fontSize, "", label)
		y += labelLine + 2
		for _, b := range r.Bars {
			x := left
			for _, seg := range b.Segments {
				if seg.Value <= 0 || seg.Series < 0 || seg.Series >= len(c.Series) {
					continue
				}
				w := seg.Value * scale
				body.rect(c.Series[seg.Series].Style, x, y, w, barHeight)
				x += w
			}
			if b.Total() == 0 {
				// Nothing: a hairline at zero, so the row does not look forgotten.
				body.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`, num(left), num(y), num(left), num(y+barHeight), textColour)
			}
			if b.Text != "" && !c.Bare {
				body.text(x+6, y+barHeight-4, "start", textColour, fontSize-1, "", b.Text)
			}
			y += barHeight + barGap
		}
		y += rowGap - barGap
	}
	gridBottom := y - rowGap + 4
	height := y + 4
	if len(ticks) > 0 {
		height = gridBottom + 24
	}

	s.open("chart-bars", width, height, c.Title, c.Desc)
	var used []Style
	for _, se := range c.Series {
		used = append(used, se.Style)
	}
	s.patterns(used)
	for _, t := range ticks {
		x := left + t*scale
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(x), num(gridTop), num(x), num(gridBottom), gridColour)
		label := c.Tick(t)
		anchor := "middle"
		switch {
		case t == 0:
			anchor = "start"
		case x+textWidth(label, fontSize-2)/2 > width:
			anchor = "end"
		}
		s.text(x, gridBottom+17, anchor, mutedText, fontSize-2, "", label)
	}
	s.b.WriteString(body.b.String())
	return s.close()
}
