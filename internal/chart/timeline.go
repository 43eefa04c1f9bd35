package chart

import (
	"html/template"
	"math"
	"strconv"
)

// Timeline draws items as bars over years (a Gantt chart): a row per item, its label on a line
// above its bar, years along the top, and a line at today. A bar that began before the first
// year shown, or goes on after the last (or has no end), ends in an arrow that says so.
type Timeline struct {
	ID         string
	Title      string
	Desc       string
	From, To   int     // the years shown, both whole
	Today      float64 // today as a year with its fraction (2026.9); 0 for no line
	TodayLabel string
	Series     []Series // the styles the items use, for the legend
	Items      []TimelineItem
	Width      float64 // in user units; 640 when 0
}

// TimelineItem is one bar: a label, a start and an end as years with their fractions (the
// start of 2024 is 2024, its end 2025), and its series. Start 0 is unknown (drawn from the
// first year, with an arrow); End 0 is open.
type TimelineItem struct {
	Label      string
	Start, End float64
	Series     int
}

// SVG draws the timeline.
func (c Timeline) SVG() template.HTML {
	width := c.Width
	if width == 0 {
		width = 640
	}
	if c.To < c.From {
		c.From, c.To = c.To, c.From
	}
	from, to := float64(c.From), float64(c.To+1)
	left, right := 2.0, width-14
	scale := (right - left) / (to - from)
	x := func(year float64) float64 { return left + (math.Max(from, math.Min(to, year))-from)*scale }

	var body svg
	body.id = c.ID
	y := 4.0
	if len(c.Series) > 1 {
		y += body.legend(c.Series, left, y, width-left) + 4
	}
	axisY := y + 14
	years := c.To - c.From + 1
	every := 1
	for float64(every)*scale < textWidth("2024", 12)+6 {
		every++
	}
	for yr := c.From; yr <= c.To; yr++ {
		if (yr-c.From)%every == 0 {
			body.text(x(float64(yr))+scale*float64(min(every, years-(yr-c.From)))/2, axisY, "middle", mutedText, 12, "", strconv.Itoa(yr))
		}
	}
	top := axisY + 6
	y = top + 4
	type bar struct {
		item          TimelineItem
		y             float64
		x0, x1        float64
		before, after bool
		hidden        bool
	}
	var bars []bar
	for _, it := range c.Items {
		body.text(left, y+14, "start", textColour, fontSize-1, "", fit(it.Label, width-left, fontSize-1))
		y += labelLine
		b := bar{item: it, y: y}
		start, end := it.Start, it.End
		b.before = start == 0 || start < from
		b.after = end == 0 || end > to
		if start == 0 {
			start = from
		}
		if end == 0 {
			end = to
		}
		b.hidden = end < from || start > to
		b.x0, b.x1 = x(start), x(end)
		if b.x1-b.x0 < 3 { // a visit of a day still shows
			b.x1 = b.x0 + 3
		}
		bars = append(bars, b)
		y += barHeight + rowGap
	}
	bottom := y - rowGap + 6
	height := bottom + 4
	if c.TodayLabel != "" && c.Today >= from && c.Today <= to {
		height += 16
	}

	s := &svg{id: c.ID}
	s.open("chart-timeline", width, height, c.Title, c.Desc)
	var used []Style
	for _, se := range c.Series {
		used = append(used, se.Style)
	}
	s.patterns(used)
	for yr := c.From; yr <= c.To+1; yr++ {
		gx := x(float64(yr))
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(gx), num(top), num(gx), num(bottom), gridColour)
	}
	s.b.WriteString(body.b.String())
	for _, b := range bars {
		if b.hidden {
			continue
		}
		st := Solid
		if b.item.Series >= 0 && b.item.Series < len(c.Series) {
			st = c.Series[b.item.Series].Style
		}
		s.rect(st, b.x0, b.y, b.x1-b.x0, barHeight)
		if b.before {
			s.printf(`<path d="M%s %sl-7 %s 7 %sz" fill="%s"/>`, num(b.x0), num(b.y), num(barHeight/2), num(barHeight/2), textColour)
		}
		if b.after {
			s.printf(`<path d="M%s %sl7 %s-7 %sz" fill="%s"/>`, num(b.x1), num(b.y), num(barHeight/2), num(barHeight/2), textColour)
		}
	}
	if c.Today >= from && c.Today <= to {
		tx := x(c.Today)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="5 3"/>`, num(tx), num(top-2), num(tx), num(bottom), "#b3261e")
		if c.TodayLabel != "" {
			anchor := "middle"
			switch w := textWidth(c.TodayLabel, 12) / 2; {
			case tx+w > width:
				anchor = "end"
			case tx-w < 0:
				anchor = "start"
			}
			s.text(tx, bottom+14, anchor, "#b3261e", 12, "600", c.TodayLabel)
		}
	}
	return s.close()
}
