// Command mapgen makes the base maps of internal/chart/maps from public map data, once: it
// projects the outlines, cuts them at the map's edge, simplifies the borders (each shared
// border once, so neighbours still meet), drops islands too small to see, and writes each map
// as a small text file of SVG paths in whole map units. The binary then carries a few tens of
// kilobytes of ready paths instead of megabytes of coordinates, and does no geometry at run time.
//
//	go run ./internal/chart/mapgen -world countries-110m.topojson.json -europe countries-50m.topojson.json \
//	    -counties kartverket_fylker_2024_S.geojson -out internal/chart/maps
//
// The inputs are world-atlas 2.0.2's TopoJSON (ids are ISO 3166-1 numeric codes, written out as
// the alpha-2 codes of internal/places) and Kartverket's counties of 2024 as GeoJSON
// (maps/README.md says where they come from).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/utsyn/utsyn/internal/places"
)

func main() {
	world := flag.String("world", "", "world-atlas countries-110m TopoJSON")
	europe := flag.String("europe", "", "world-atlas countries-50m TopoJSON")
	counties := flag.String("counties", "", "Kartverket's counties (2024) as GeoJSON")
	out := flag.String("out", "internal/chart/maps", "directory to write the maps to")
	flag.Parse()
	if *world == "" || *europe == "" || *counties == "" {
		flag.Usage()
		os.Exit(2)
	}
	for _, m := range []struct {
		name string
		make func() (*baseMap, error)
	}{
		{"world", func() (*baseMap, error) { return worldMap(*world) }},
		{"europe", func() (*baseMap, error) { return europeMap(*europe) }},
		{"norway", func() (*baseMap, error) { return norwayMap(*counties) }},
	} {
		bm, err := m.make()
		if err != nil {
			fmt.Fprintf(os.Stderr, "mapgen: %s: %v\n", m.name, err)
			os.Exit(1)
		}
		path := filepath.Join(*out, m.name+".txt")
		if err := bm.write(path); err != nil {
			fmt.Fprintf(os.Stderr, "mapgen: %v\n", err)
			os.Exit(1)
		}
		st, _ := os.Stat(path)
		fmt.Printf("%s: %d regions, %d bytes\n", path, len(bm.regions), st.Size())
	}
}

type point struct{ x, y float64 }

type ring []point

// feature is one region: its id and its polygons, each an outer ring and its holes.
type feature struct {
	id    string
	polys [][]ring
}

// World: Equal Earth, Antarctica left out, cut at the antimeridian.
func worldMap(path string) (*baseMap, error) {
	fs, err := readTopoJSON(path, "countries")
	if err != nil {
		return nil, err
	}
	var kept []feature
	for _, f := range fs {
		if f.id == "010" || f.id == "" { // Antarctica; and the three unrecognised states without a code
			continue
		}
		var polys [][]ring
		for _, p := range f.polys {
			polys = append(polys, cutAntimeridian(p)...)
		}
		for _, p := range polys {
			for _, r := range p {
				for i := range r {
					r[i] = equalEarth(r[i])
				}
			}
		}
		f.polys = polys
		kept = append(kept, f)
	}
	return build(kept, nil, 1000, 0, 0.55, 1.5)
}

// Europe: Lambert azimuthal equal-area on 52° N 10° E (as ETRS89-LAEA, EPSG:3035), clipped to
// a window from Iceland to the Urals' foot and from Crete to the North Cape.
func europeMap(path string) (*baseMap, error) {
	fs, err := readTopoJSON(path, "countries")
	if err != nil {
		return nil, err
	}
	var kept []feature
	for _, f := range fs {
		if f.id == "010" || f.id == "" {
			continue
		}
		for _, p := range f.polys {
			for _, r := range p {
				for i := range r {
					r[i] = laea(r[i], 52, 10)
				}
			}
		}
		kept = append(kept, f)
	}
	// The window in projected units (radians on the unit sphere): west of Iceland to the
	// Volga, and from Crete and Cyprus to the North Cape.
	window := &rect{minX: -0.41, maxX: 0.50, minY: -0.30, maxY: 0.385}
	return build(kept, window, 1000, 0, 0.6, 2)
}

// Norway: Lambert azimuthal equal-area on 65° N 15° E, the counties of 2024 by number.
func norwayMap(path string) (*baseMap, error) {
	fs, err := readGeoJSON(path, "fylkesnummer")
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		for _, p := range f.polys {
			for _, r := range p {
				for i := range r {
					r[i] = laea(r[i], 65, 15)
				}
			}
		}
	}
	return build(fs, nil, 0, 1000, 0.8, 3)
}

func radians(d float64) float64 { return d * math.Pi / 180 }

// equalEarth projects longitude and latitude (degrees) by the Equal Earth projection (Šavrič,
// Patterson and Jenny 2018), y up.
func equalEarth(p point) point {
	const a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
	m := math.Sqrt(3) / 2
	lambda, phi := radians(p.x), radians(p.y)
	theta := math.Asin(m * math.Sin(phi))
	t2 := theta * theta
	t6 := t2 * t2 * t2
	x := lambda * math.Cos(theta) / (m * (a1 + 3*a2*t2 + t6*(7*a3+9*a4*t2)))
	y := theta * (a1 + a2*t2 + t6*(a3+a4*t2))
	return point{x, y}
}

// laea projects longitude and latitude (degrees) by the spherical Lambert azimuthal equal-area
// projection centred on lat0, lon0, y up.
func laea(p point, lat0, lon0 float64) point {
	phi, dl := radians(p.y), radians(p.x-lon0)
	phi0 := radians(lat0)
	k := math.Sqrt(2 / (1 + math.Sin(phi0)*math.Sin(phi) + math.Cos(phi0)*math.Cos(phi)*math.Cos(dl)))
	return point{k * math.Cos(phi) * math.Sin(dl), k * (math.Cos(phi0)*math.Sin(phi) - math.Sin(phi0)*math.Cos(phi)*math.Cos(dl))}
}

// cutAntimeridian splits a polygon (degrees) that crosses 180° into parts that each stay on
// one side, so that no edge runs across the whole map. The ring is first made continuous (a
// step of more than 180° is a crossing), then clipped to each 360°-wide window and shifted
// back; points are added along the cut so it follows the map's curved edge.
func cutAntimeridian(poly []ring) [][]ring {
	crosses := false
	unwrapped := make([]ring, len(poly))
	for i, r := range poly {
		u := make(ring, len(r))
		offset := 0.0
		for j, p := range r {
			if j > 0 {
				switch d := p.x + offset - u[j-1].x; {
				case d > 180:
					offset -= 360
					crosses = true
				case d < -180:
					offset += 360
					crosses = true
				}
			}
			u[j] = point{p.x + offset, p.y}
		}
		unwrapped[i] = u
	}
	if !crosses {
		return [][]ring{poly}
	}
	var out [][]ring
	for _, shift := range []float64{-360, 0, 360} {
		lo, hi := -180+shift, 180+shift
		var parts []ring
		for _, r := range unwrapped {
			c := clipX(r, lo, hi)
			if len(c) < 3 {
				continue
			}
			var d ring
			for j, p := range c {
				if j > 0 {
					q := c[j-1]
					if q.x == p.x && (p.x == lo || p.x == hi) { // along the cut: follow the edge
						n := int(math.Abs(p.y-q.y) / 2)
						for k := 1; k < n; k++ {
							d = append(d, point{p.x - shift, q.y + (p.y-q.y)*float64(k)/float64(n)})
						}
					}
				}
				d = append(d, point{p.x - shift, p.y})
			}
			parts = append(parts, d)
		}
		if len(parts) > 0 {
			out = append(out, parts) // the outer ring first; a hole that survives stays a hole
		}
	}
	return out
}

// clipX clips a closed ring to lo ≤ x ≤ hi (Sutherland–Hodgman).
func clipX(r ring, lo, hi float64) ring {
	r = clipEdge(r, func(p point) bool { return p.x >= lo }, func(a, b point) point { return interpX(a, b, lo) })
	return clipEdge(r, func(p point) bool { return p.x <= hi }, func(a, b point) point { return interpX(a, b, hi) })
}

func interpX(a, b point, x float64) point {
	t := (x - a.x) / (b.x - a.x)
	return point{x, a.y + t*(b.y-a.y)}
}

func interpY(a, b point, y float64) point {
	t := (y - a.y) / (b.y - a.y)
	return point{a.x + t*(b.x-a.x), y}
}

func clipEdge(r ring, inside func(point) bool, cross func(a, b point) point) ring {
	if len(r) == 0 {
		return nil
	}
	var out ring
	prev := r[len(r)-1]
	for _, p := range r {
		switch {
		case inside(p) && !inside(prev):
			out = append(out, cross(prev, p), p)
		case inside(p):
			out = append(out, p)
		case inside(prev):
			out = append(out, cross(prev, p))
		}
		prev = p
	}
	return out
}

type rect struct{ minX, maxX, minY, maxY float64 }

// clipRect clips a closed ring to the rectangle, after projecting: Sutherland–Hodgman against
// each of its four sides.
func clipRect(r ring, w rect) ring {
	r = clipEdge(r, func(p point) bool { return p.x >= w.minX }, func(a, b point) point { return interpX(a, b, w.minX) })
	r = clipEdge(r, func(p point) bool { return p.x <= w.maxX }, func(a, b point) point { return interpX(a, b, w.maxX) })
	r = clipEdge(r, func(p point) bool { return p.y >= w.minY }, func(a, b point) point { return interpY(a, b, w.minY) })
	return clipEdge(r, func(p point) bool { return p.y <= w.maxY }, func(a, b point) point { return interpY(a, b, w.maxY) })
}

// baseMap is a map ready to write: its size in map units and its regions' paths.
type baseMap struct {
	width, height int
	regions       []region
}

type region struct {
	id    string
	label [2]int // where a figure can be written inside the region
	area  int    // the largest part's area, in square map units
	rings [][][2]int
}

// build turns projected features into a base map: clip to the window (when given), scale to
// width (or height) map units with y down, simplify every border once with the tolerance, and
// leave out rings under minArea square units (but never a region's largest part).
func build(fs []feature, window *rect, width, height int, tolerance, minArea float64) (*baseMap, error) {
	if window != nil {
		for i := range fs {
			var polys [][]ring
			for _, p := range fs[i].polys {
				outer := clipRect(p[0], *window)
				if len(outer) < 3 {
					continue
				}
				np := []ring{outer}
				for _, h := range p[1:] {
					if c := clipRect(h, *window); len(c) >= 3 {
						np = append(np, c)
					}
				}
				polys = append(polys, np)
			}
			fs[i].polys = polys
		}
	}
	b := rect{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, f := range fs {
		for _, p := range f.polys {
			for _, r := range p {
				for _, q := range r {
					b.minX, b.maxX = math.Min(b.minX, q.x), math.Max(b.maxX, q.x)
					b.minY, b.maxY = math.Min(b.minY, q.y), math.Max(b.maxY, q.y)
				}
			}
		}
	}
	if window != nil {
		b = *window
	}
	var scale float64
	if width > 0 {
		scale = float64(width) / (b.maxX - b.minX)
		height = int(math.Ceil((b.maxY - b.minY) * scale))
	} else {
		scale = float64(height) / (b.maxY - b.minY)
		width = int(math.Ceil((b.maxX - b.minX) * scale))
	}
	for i := range fs {
		for _, p := range fs[i].polys {
			for _, r := range p {
				for j, q := range r {
					r[j] = point{(q.x - b.minX) * scale, (b.maxY - q.y) * scale}
				}
			}
		}
	}
	simplified := simplifyShared(fs, tolerance)
	bm := &baseMap{width: width, height: height}
	for fi, f := range fs {
		rg := region{id: f.id}
		var best ring
		bestArea := -1.0
		type kept struct {
			r    ring
			area float64
		}
		var rings []kept
		for pi, p := range f.polys {
			for ri := range p {
				r := simplified[fi][pi][ri]
				a := math.Abs(area(r))
				if len(r) >= 3 {
					rings = append(rings, kept{r, a})
				}
				if ri == 0 && a > bestArea {
					best, bestArea = r, a
				}
			}
		}
		for _, k := range rings {
			if k.area < minArea && !slices.Equal(k.r, best) {
				continue
			}
			q := quantise(k.r)
			if len(q) >= 3 {
				rg.rings = append(rg.rings, q)
			}
		}
		if len(rg.rings) == 0 {
			continue
		}
		lx, ly := labelPoint(best)
		rg.label = [2]int{int(math.Round(lx)), int(math.Round(ly))}
		rg.area = int(math.Round(bestArea))
		bm.regions = append(bm.regions, rg)
	}
	sort.Slice(bm.regions, func(i, j int) bool { return bm.regions[i].id < bm.regions[j].id })
	return bm, nil
}

// simplifyShared simplifies every ring of every feature, each stretch of border that two rings
// share only once, so that neighbours keep meeting exactly. A point where a ring meets a
// different set of neighbours is a junction, kept as it is; the chains between junctions are
// simplified by Douglas–Peucker with their ends fixed.
func simplifyShared(fs []feature, tolerance float64) [][][]ring {
	type nb struct{ a, b point }
	neighbours := map[point]map[nb]bool{}
	each := func(fn func(r ring)) {
		for _, f := range fs {
			for _, p := range f.polys {
				for _, r := range p {
					fn(r)
				}
			}
		}
	}
	each(func(r ring) {
		n := len(r)
		for i, q := range r {
			a, c := r[(i+n-1)%n], r[(i+1)%n]
			if c.x < a.x || (c.x == a.x && c.y < a.y) {
				a, c = c, a
			}
			if neighbours[q] == nil {
				neighbours[q] = map[nb]bool{}
			}
			neighbours[q][nb{a, c}] = true
		}
	})
	junction := func(q point) bool { return len(neighbours[q]) > 1 }
	done := map[string]ring{}
	key := func(c ring) string {
		return fmt.Sprint(c[0], c[len(c)-1], c[len(c)/2], len(c))
	}
	out := make([][][]ring, len(fs))
	for fi, f := range fs {
		out[fi] = make([][]ring, len(f.polys))
		for pi, p := range f.polys {
			out[fi][pi] = make([]ring, len(p))
			for ri, r := range p {
				r = dedupe(r)
				start := slices.IndexFunc(r, junction)
				if start < 0 {
					out[fi][pi][ri] = simplifyClosed(r, tolerance)
					continue
				}
				rot := append(slices.Clone(r[start:]), r[:start]...)
				rot = append(rot, rot[0])
				var res ring
				from := 0
				for i := 1; i < len(rot); i++ {
					if i < len(rot)-1 && !junction(rot[i]) {
						continue
					}
					chain := rot[from : i+1]
					k := key(chain)
					rev := slices.Clone(chain)
					slices.Reverse(rev)
					var s ring
					if got, ok := done[k]; ok {
						s = got
					} else if got, ok := done[key(rev)]; ok {
						s = slices.Clone(got)
						slices.Reverse(s)
					} else {
						s = douglasPeucker(chain, tolerance)
						done[k] = s
					}
					res = append(res, s[:len(s)-1]...)
					from = i
				}
				out[fi][pi][ri] = res
			}
		}
	}
	return out
}

func dedupe(r ring) ring {
	var out ring
	for _, q := range r {
		if len(out) == 0 || out[len(out)-1] != q {
			out = append(out, q)
		}
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

// simplifyClosed simplifies a ring that shares no border: split at its first point and the
// point farthest from it, each half simplified with its ends fixed.
func simplifyClosed(r ring, tolerance float64) ring {
	if len(r) < 4 {
		return r
	}
	far, best := 0, -1.0
	for i, q := range r {
		if d := math.Hypot(q.x-r[0].x, q.y-r[0].y); d > best {
			far, best = i, d
		}
	}
	a := douglasPeucker(r[:far+1], tolerance)
	b := douglasPeucker(append(slices.Clone(r[far:]), r[0]), tolerance)
	return append(a[:len(a)-1], b[:len(b)-1]...)
}

// douglasPeucker keeps the points of a chain that lie more than tolerance from the line
// through the points kept around them, and always its ends.
func douglasPeucker(c ring, tolerance float64) ring {
	if len(c) < 3 {
		return slices.Clone(c)
	}
	keep := make([]bool, len(c))
	keep[0], keep[len(c)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		if j <= i+1 {
			return
		}
		far, best := -1, tolerance
		for k := i + 1; k < j; k++ {
			if d := segmentDistance(c[k], c[i], c[j]); d > best {
				far, best = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			rec(i, far)
			rec(far, j)
		}
	}
	rec(0, len(c)-1)
	var out ring
	for i, q := range c {
		if keep[i] {
			out = append(out, q)
		}
	}
	return out
}

func segmentDistance(p, a, b point) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	if dx == 0 && dy == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/(dx*dx+dy*dy)))
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

func area(r ring) float64 {
	var s float64
	for i, q := range r {
		n := r[(i+1)%len(r)]
		s += q.x*n.y - n.x*q.y
	}
	return s / 2
}

// quantise rounds a ring to whole map units and drops the points that then repeat.
func quantise(r ring) [][2]int {
	var out [][2]int
	for _, q := range r {
		p := [2]int{int(math.Round(q.x)), int(math.Round(q.y))}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

// labelPoint finds a point well inside a ring, where a figure can stand: of a grid over the
// ring's box, the inside point farthest from its edges.
func labelPoint(r ring) (float64, float64) {
	b := rect{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, q := range r {
		b.minX, b.maxX = math.Min(b.minX, q.x), math.Max(b.maxX, q.x)
		b.minY, b.maxY = math.Min(b.minY, q.y), math.Max(b.maxY, q.y)
	}
	best, bx, by := -1.0, (b.minX+b.maxX)/2, (b.minY+b.maxY)/2
	const n = 40
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			p := point{b.minX + (b.maxX-b.minX)*float64(i)/n, b.minY + (b.maxY-b.minY)*float64(j)/n}
			if !inside(p, r) {
				continue
			}
			d := math.Inf(1)
			for k, q := range r {
				d = math.Min(d, segmentDistance(p, q, r[(k+1)%len(r)]))
			}
			if d > best {
				best, bx, by = d, p.x, p.y
			}
		}
	}
	return bx, by
}

func inside(p point, r ring) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a.y > p.y) != (b.y > p.y) && p.x < (b.x-a.x)*(p.y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}

// write stores the map: a first line "width height", then a line per region: its id, its label
// point, the area of its largest part, and its outline as an SVG path with relative steps.
func (bm *baseMap) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "%d %d\n", bm.width, bm.height)
	for _, rg := range bm.regions {
		var d strings.Builder
		for _, r := range rg.rings {
			fmt.Fprintf(&d, "M%d %d", r[0][0], r[0][1])
			prev := r[0]
			d.WriteString("l")
			for i, q := range r[1:] {
				dx, dy := q[0]-prev[0], q[1]-prev[1]
				if i > 0 && dx >= 0 {
					d.WriteByte(' ')
				}
				fmt.Fprintf(&d, "%d", dx)
				if dy >= 0 {
					d.WriteByte(' ')
				}
				fmt.Fprintf(&d, "%d", dy)
				prev = q
			}
			d.WriteString("z")
		}
		fmt.Fprintf(w, "%s\t%d %d\t%d\t%s\n", rg.id, rg.label[0], rg.label[1], rg.area, d.String())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TopoJSON and GeoJSON

type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type string          `json:"type"`
			ID   any             `json:"id"`
			Arcs json.RawMessage `json:"arcs"`
		} `json:"geometries"`
	} `json:"objects"`
}

// readTopoJSON decodes the polygons of one object of a TopoJSON topology (quantised and delta
// encoded, or not), in degrees.
func readTopoJSON(path, object string) ([]feature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	arcs := make([]ring, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		for _, d := range a {
			p := point{d[0], d[1]}
			if t.Transform != nil {
				x, y = x+d[0], y+d[1]
				p = point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			}
			arcs[i] = append(arcs[i], p)
		}
	}
	ringOf := func(ids []int) ring {
		var r ring
		for _, id := range ids {
			var a ring
			if id >= 0 {
				a = arcs[id]
			} else {
				a = slices.Clone(arcs[^id])
				slices.Reverse(a)
			}
			if len(r) > 0 {
				a = a[1:]
			}
			r = append(r, a...)
		}
		return r
	}
	obj, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("%s: no object %q", path, object)
	}
	alpha2 := map[string]string{}
	for _, c := range places.All("en") {
		alpha2[c.Numeric] = c.Code
	}
	var out []feature
	for _, g := range obj.Geometries {
		f := feature{}
		if g.ID != nil {
			// The world-atlas ids are ISO 3166-1 numeric; the maps use the alpha-2 codes that
			// actors carry. Antarctica stays numeric, for the callers to leave out.
			if f.id = fmt.Sprint(g.ID); alpha2[f.id] != "" && f.id != "010" {
				f.id = alpha2[f.id]
			}
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, err
			}
		default:
			continue
		}
		for _, p := range polys {
			var rs []ring
			for _, ids := range p {
				rs = append(rs, ringOf(ids))
			}
			f.polys = append(f.polys, rs)
		}
		out = append(out, f)
	}
	return out, nil
}

type geoJSON struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// readGeoJSON decodes the polygons of a GeoJSON feature collection, each feature named by the
// property idProp.
func readGeoJSON(path, idProp string) ([]feature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g geoJSON
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []feature
	for _, ft := range g.Features {
		f := feature{id: fmt.Sprint(ft.Properties[idProp])}
		var polys [][][][2]float64
		switch ft.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(ft.Geometry.Coordinates, &p); err != nil {
				return nil, err
			}
			polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(ft.Geometry.Coordinates, &polys); err != nil {
				return nil, err
			}
		default:
			continue
		}
		for _, p := range polys {
			var rs []ring
			for _, r := range p {
				var rr ring
				for _, c := range r {
					rr = append(rr, point{c[0], c[1]})
				}
				rs = append(rs, rr)
			}
			f.polys = append(f.polys, rs)
		}
		out = append(out, f)
	}
	return out, nil
}
