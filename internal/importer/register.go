package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// Importing the register's own format (docs/SPREADSHEET.md). Reading keeps every row; storing
// matches them to the register and writes, in this order: actors, engagements with what the
// partner, strategy-link, link, seat and review sheets say of them, then money lines.
//
// A row with an id updates that record; a row without one is matched by an external id (an
// engagement's CORDIS id, …) or, for an actor, by organisation number, PIC or name and country,
// and is new when nothing matches. A column the file does not have leaves that field alone; a
// sheet the file has is the whole truth, for every engagement the file names, of what the sheet
// lists (its partners, strategy links, …). Nothing is deleted: records the file does not name
// stay as they are.

type registerImport struct {
	org  *utsyn.Organisation
	opt  *Options
	rep  *Report
	in   *inputs
	prog *progress

	sheets map[string][]*rowReader // sheet key → its rows, from every file that has the sheet
	has    map[string]bool         // the sheets the files have
	meta   map[string]string
	done   int // rows stored, for progress
	total  int
}

func (j *registerImport) read(ctx context.Context) error {
	j.sheets, j.has, j.meta = map[string][]*rowReader{}, map[string]bool{}, map[string]string{}
	var total int64
	for _, s := range j.in.sources {
		total += s.weight
	}
	var done int64
	for _, s := range j.in.sources {
		t, err := s.open()
		if err != nil {
			fileProblem(j.rep, s.file, errBrokenXLSX.Error())
			continue
		}
		err = j.readTable(ctx, s, t, func(f float64) {
			j.prog.set("read", (float64(done)+f*float64(s.weight))/float64(max(1, total)), j.rep.RowsRead)
		})
		t.Close()
		if err != nil {
			return err
		}
		done += s.weight
	}
	if j.meta["organisation"] != "" && j.meta["organisation"] != j.org.Slug {
		j.rep.add(Problem{Level: LevelNote, Key: "import.problem.other_organisation", Args: []any{"org", j.meta["organisation"]}})
	}
	return nil
}

func (j *registerImport) readTable(ctx context.Context, s *source, t table, progress func(float64)) error {
	cells, hrow, err := t.Next()
	for err == nil && blank(cells) && hrow < 10 { // a title or empty rows above the header
		cells, hrow, err = t.Next()
	}
	if err != nil || blank(cells) {
		if s.role != sheetMeta {
			j.rep.add(Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Key: "import.problem.no_header"})
		}
		return nil
	}
	h := newHeader(cells)
	info := &sheetInfo{file: s.file, sheet: s.sheet, key: s.role, h: h}
	if s.role == sheetMeta {
		for {
			row, _, err := t.Next()
			if err != nil {
				return nil
			}
			if len(row) >= 2 {
				j.meta[normaliseName(row[0])] = strings.TrimSpace(row[1])
			}
		}
	}
	spec := specFor(s.role)
	var missing []string
	known := map[string]bool{}
	for _, c := range spec.columns {
		known[c.key] = true
		if c.required && !h.has(c.key) {
			missing = append(missing, c.key)
		}
	}
	if len(missing) > 0 {
		j.rep.add(Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Row: hrow, Key: "import.problem.missing_columns",
			Args: []any{"columns", strings.Join(missing, ", ")}})
		j.has[s.role] = true
		return nil
	}
	seen := map[string]bool{}
	for i, name := range h.names {
		key := normaliseName(name)
		switch {
		case key == "":
		case seen[key]:
			j.rep.add(Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Row: hrow, Column: columnName(i), Header: name,
				Key: "import.problem.duplicate_column"})
		case !known[key]:
			j.rep.add(Problem{Level: LevelNote, File: s.file, Sheet: s.sheet, Row: hrow, Column: columnName(i), Header: name,
				Key: "import.problem.unknown_column"})
		}
		seen[key] = true
	}
	j.has[s.role] = true
	for n := 0; ; n++ {
		if n%512 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(t.Progress())
		}
		row, line, err := t.Next()
		if st, ok := t.(*sheetTable); ok {
			for _, f := range st.takeFormulas() {
				p := Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Row: f.row, Column: columnName(f.col), Key: errFormula.Error()}
				if f.col < len(h.names) {
					p.Header = h.names[f.col]
				}
				j.rep.add(p)
			}
		}
		if err == io.EOF {
			return nil
		}
		if re, ok := err.(*rowError); ok {
			j.rep.RowsRead++
			j.rep.Rejected++
			j.rep.add(Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Row: re.row, Key: re.key})
			continue
		} else if err != nil {
			j.rep.add(Problem{Level: LevelError, File: s.file, Sheet: s.sheet, Row: line, Key: err.Error()})
			return nil
		}
		if blank(row) {
			continue
		}
		j.rep.RowsRead++
		r := newRowReader(j.rep, info, line, row)
		if len(row) > len(h.names) {
			for i := len(h.names); i < len(row); i++ {
				if strings.TrimSpace(row[i]) != "" {
					r.problemAt(LevelError, i, "import.problem.extra_cells")
					break
				}
			}
		}
		if s.wb == nil { // in a CSV file, a formula is only text that starts with "="
			for i, c := range row {
				if i < len(h.names) && looksLikeFormula(strings.TrimSpace(c)) {
					r.problem(LevelError, h.names[i], errFormula.Error())
				}
			}
		}
		j.sheets[s.role] = append(j.sheets[s.role], r)
	}
}

// cellCoordinates reads a cell name ("B7") into a 0-based column and a row.
func cellCoordinates(cell string) (col, row int, err error) {
	i := strings.IndexFunc(cell, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return 0, 0, errors.New("bad cell")
	}
	for _, r := range cell[:i] {
		if r < 'A' || r > 'Z' {
			return 0, 0, errors.New("bad cell")
		}
		col = col*26 + int(r-'A'+1)
	}
	row, err = strconv.Atoi(cell[i:])
	return col - 1, row, err
}

// present reports whether the row's sheet has the column.
func (r *rowReader) present(name string) bool { return r.info.h.has(name) }

// text returns a cell, or the fallback when the sheet has no such column.
func (r *rowReader) text(name, fallback string) string {
	if !r.present(name) {
		return fallback
	}
	return r.get(name)
}

// id reads a Utsyn id (a positive whole number; Excel may have written it as 12.0).
func (r *rowReader) id(name string) int64 {
	s := r.get(name)
	if s == "" {
		return 0
	}
	s = strings.TrimSuffix(s, ".0")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		r.fail(name, "import.problem.id")
		return 0
	}
	return n
}

// lookups turns what people write into the register's keys: kinds, statuses, roles and types
// by key or by their names in bokmål or English.
type lookups struct {
	kinds, statuses, partnerRoles, actorTypes, moneyKinds, seatKinds, outcomes vocab
	terms                                                                      map[string]vocab // vocabulary → key or name → id
	termIDs                                                                    map[string]map[string]int64
	countries                                                                  map[string]string // folded name or code → code
}

// vocab maps folded keys and names to keys.
type vocab map[string]string

func newVocab(cat *i18n.Catalog, prefix string, keys []string) vocab {
	v := vocab{}
	for _, k := range keys {
		v[foldName(k)] = k
		v[foldName(strings.ReplaceAll(k, "_", " "))] = k
		if cat != nil && prefix != "" && cat.Has(prefix+k) {
			for _, l := range i18n.Langs {
				v[foldName(cat.T(l, prefix+k))] = k
			}
		}
	}
	return v
}

func (v vocab) find(s string) (string, bool) {
	if k, ok := v[s]; ok { // a key as it is: most cells, and no folding
		return k, ok
	}
	k, ok := v[foldName(s)]
	return k, ok
}

func newLookups(cat *i18n.Catalog, x *store.RegisterIndex) *lookups {
	l := &lookups{
		kinds:        newVocab(cat, "engagement.kind.", utsyn.EngagementKinds),
		statuses:     newVocab(cat, "engagement.status.", utsyn.EngagementStatuses),
		partnerRoles: newVocab(cat, "partner.role.", utsyn.PartnerRoles),
		actorTypes:   newVocab(cat, "actor.type.", utsyn.ActorTypes),
		moneyKinds:   newVocab(cat, "money.kind.", utsyn.MoneyKinds),
		seatKinds:    newVocab(cat, "seat.kind.", []string{"political", "administrative"}),
		outcomes:     newVocab(cat, "review.outcome.", []string{"continue", "change", "leave"}),
		terms:        map[string]vocab{},
		termIDs:      map[string]map[string]int64{},
		countries:    map[string]string{},
	}
	for _, t := range x.Terms {
		if l.terms[t.Vocabulary] == nil {
			l.terms[t.Vocabulary], l.termIDs[t.Vocabulary] = vocab{}, map[string]int64{}
		}
		l.termIDs[t.Vocabulary][t.Key] = t.ID
		l.terms[t.Vocabulary][foldName(t.Key)] = t.Key
		for _, name := range t.Name {
			if _, taken := l.terms[t.Vocabulary][foldName(name)]; !taken {
				l.terms[t.Vocabulary][foldName(name)] = t.Key
			}
		}
	}
	for _, lang := range []string{"en", "nb"} {
		for _, c := range places.All(lang) {
			l.countries[foldName(c.Name(lang))] = c.Code
		}
	}
	return l
}

func (l *lookups) term(vocabulary, s string) (int64, bool) {
	key, ok := l.terms[vocabulary].find(s)
	if !ok {
		return 0, false
	}
	return l.termIDs[vocabulary][key], true
}

func (l *lookups) country(s string) (string, bool) {
	if c, ok := places.Lookup(countryCode(s)); ok {
		return c.Code, true
	}
	c, ok := l.countries[foldName(s)]
	return c, ok
}

// store matches and stores everything read.
func (j *registerImport) store(ctx context.Context, tx *store.Tx) error {
	for _, rows := range j.sheets {
		j.total += len(rows)
	}
	x, err := tx.RegisterIndex(ctx, j.org.ID)
	if err != nil {
		return err
	}
	w := &registerWriter{j: j, tx: tx, x: x, look: newLookups(j.opt.Catalog, x), actorRefs: map[string]*actorEntry{},
		engagementRefs: map[string]*engagementEntry{}}
	j.prog.set("check", 1, j.rep.RowsRead)
	if err := w.actors(ctx); err != nil {
		return err
	}
	if err := w.engagements(ctx); err != nil {
		return err
	}
	return w.money(ctx)
}

// step counts a stored row for progress, and fails at the row the tests ask for.
func (j *registerImport) step(r *rowReader) error {
	j.done++
	if j.done%256 == 0 {
		j.prog.set("store", float64(j.done)/float64(max(1, j.total)), j.rep.RowsRead)
	}
	if j.opt.failAt > 0 && r != nil && r.row >= j.opt.failAt {
		return fmt.Errorf("failure injected at row %d", r.row)
	}
	return nil
}

// registerWriter holds what storing one import needs.
type registerWriter struct {
	j              *registerImport
	tx             *store.Tx
	x              *store.RegisterIndex
	look           *lookups
	actorRefs      map[string]*actorEntry      // an actor's id (as text) or ref → the actor
	engagementRefs map[string]*engagementEntry // likewise for engagements
	createFailed   bool                        // a batch of new engagements was refused
}

type actorEntry struct {
	actor *utsyn.Actor
	row   *rowReader // the row that describes it, or nil
}

// actors stores the actors sheet: updates one by one, new ones at once.
func (w *registerWriter) actors(ctx context.Context) error {
	byOrgNumber, byPIC, byName := map[string]*actorEntry{}, map[string]*actorEntry{}, map[string]*actorEntry{}
	index := func(e *actorEntry) {
		a := e.actor
		if a.OrgNumber != "" {
			byOrgNumber[a.OrgNumber] = e
		}
		if a.PIC != "" {
			byPIC[a.PIC] = e
		}
		byName[foldName(a.Name)+"\x00"+a.Country] = e
		if a.ID != 0 {
			w.actorRefs[strconv.FormatInt(a.ID, 10)] = e
		}
	}
	for _, a := range w.x.Actors {
		index(&actorEntry{actor: a})
	}
	count := w.j.rep.count(EntityActor)
	var created []*actorEntry
	for _, r := range w.j.sheets[sheetActors] {
		if err := w.j.step(r); err != nil {
			return err
		}
		id, ref := r.id("id"), r.get("ref")
		var found *actorEntry
		if id != 0 {
			if found = w.actorRefs[strconv.FormatInt(id, 10)]; found == nil {
				r.fail("id", "import.problem.no_actor")
				continue
			}
		}
		a := &utsyn.Actor{OrgID: w.j.org.ID}
		if found != nil {
			*a = *found.actor
		}
		a.Name = r.text("name", a.Name)
		if v := r.text("country", a.Country); v != "" {
			if code, ok := w.look.country(v); ok {
				a.Country = code
			} else {
				r.fail("country", "import.problem.country")
			}
		} else {
			r.fail("country", "import.problem.required")
		}
		a.Region, a.Website = r.text("region", a.Region), r.text("website", a.Website)
		a.OrgNumber = strings.ReplaceAll(r.text("org_number", a.OrgNumber), " ", "")
		a.PIC = strings.ReplaceAll(r.text("pic", a.PIC), " ", "")
		if v := r.text("type", a.Type); v != "" {
			if t, ok := w.look.actorTypes.find(v); ok {
				a.Type = t
			} else {
				r.fail("type", "import.problem.actor_type")
			}
		} else {
			a.Type = ""
		}
		if found == nil {
			for _, k := range []struct {
				m   map[string]*actorEntry
				key string
			}{{byOrgNumber, a.OrgNumber}, {byPIC, a.PIC}, {byName, foldName(a.Name) + "\x00" + a.Country}} {
				if k.key != "" && k.key != "\x00" && k.m[k.key] != nil {
					found = k.m[k.key]
					break
				}
			}
			if found != nil && found.row != nil {
				r.problem(LevelError, "name", "import.problem.same_actor", "row", found.row.row)
				continue
			}
			if found != nil {
				merged := *found.actor
				for _, f := range []struct {
					col string
					dst *string
					v   string
				}{{"name", &merged.Name, a.Name}, {"region", &merged.Region, a.Region}, {"website", &merged.Website, a.Website},
					{"org_number", &merged.OrgNumber, a.OrgNumber}, {"pic", &merged.PIC, a.PIC}, {"type", &merged.Type, a.Type}} {
					if r.present(f.col) {
						*f.dst = f.v
					}
				}
				merged.Country = a.Country
				a = &merged
			}
		}
		if err := utsyn.ValidateActor(a); err != nil {
			w.fieldErrors(r, err, actorColumns)
		}
		if r.failed {
			continue
		}
		if found == nil {
			e := &actorEntry{actor: a, row: r}
			created = append(created, e)
			index(e)
			if ref != "" {
				w.actorRefs[ref] = e
			}
			continue
		}
		if ref != "" {
			w.actorRefs[ref] = found
		}
		if !w.stale(r, found.actor.Version) && !sameActor(found.actor, a) {
			fields := actorFields(found.actor, a)
			if err := w.tx.UpdateActor(ctx, a); err != nil {
				if !w.fieldErrors(r, err, actorColumns) {
					return err
				}
				continue
			}
			*found.actor = *a
			found.row = r
			count.Updated++
			w.j.rep.change(Change{Entity: EntityActor, Action: "update", ID: a.ID, Label: a.Name, Fields: fields, Sheet: r.info.sheet, Row: r.row})
			continue
		}
		found.row = r
		count.Unchanged++
	}
	var actors []*utsyn.Actor
	for _, e := range created {
		actors = append(actors, e.actor)
	}
	if err := w.tx.ImportActors(ctx, w.j.org.ID, actors); err != nil {
		var ie *store.ImportError
		if errors.As(err, &ie) {
			w.fieldErrors(created[ie.Index].row, ie.Err, actorColumns)
			return nil
		}
		return err
	}
	for _, e := range created {
		w.actorRefs[strconv.FormatInt(e.actor.ID, 10)] = e
		count.Created++
		w.j.rep.change(Change{Entity: EntityActor, Action: "create", ID: e.actor.ID, Label: e.actor.Name, Sheet: e.row.info.sheet, Row: e.row.row})
	}
	return nil
}

var actorColumns = map[string]string{"name": "name", "country": "country", "type": "type", "org_number": "org_number",
	"pic": "pic", "region": "region", "website": "website"}

func sameActor(a, b *utsyn.Actor) bool { return len(actorFields(a, b)) == 0 }

func actorFields(a, b *utsyn.Actor) []string {
	var out []string
	for _, f := range [][3]string{{"name", a.Name, b.Name}, {"country", a.Country, b.Country}, {"region", a.Region, b.Region},
		{"type", a.Type, b.Type}, {"org_number", a.OrgNumber, b.OrgNumber}, {"pic", a.PIC, b.PIC}, {"website", a.Website, b.Website}} {
		if strings.TrimSpace(f[1]) != strings.TrimSpace(f[2]) {
			out = append(out, f[0])
		}
	}
	return out
}

// stale reports (and records) that a row's version is older than the stored record's: someone
// changed it in Utsyn after the export the row comes from.
func (w *registerWriter) stale(r *rowReader, stored int) bool {
	s := r.get("version")
	if s == "" {
		return false
	}
	v, err := strconv.Atoi(strings.TrimSuffix(s, ".0"))
	if err != nil {
		r.fail("version", "import.problem.number")
		return true
	}
	if v != stored {
		r.problem(LevelError, "version", "import.problem.stale", "version", v, "stored", stored)
		return true
	}
	return false
}

// fieldErrors puts a domain error's problems on the row's columns. It reports whether err was
// about the input; any other error is the caller's.
func (w *registerWriter) fieldErrors(r *rowReader, err error, columns map[string]string) bool {
	var e *utsyn.Error
	if !errors.As(err, &e) || e.Code == utsyn.EINTERNAL {
		return false
	}
	problems := e.Problems
	if len(problems) == 0 {
		problems = []utsyn.Problem{{Field: e.Field, Message: e.Message}}
	}
	for _, p := range problems {
		col := columns[p.Field]
		if strings.HasPrefix(p.Field, "external_") {
			col = strings.TrimPrefix(p.Field, "external_")
		}
		r.problem(LevelError, col, p.Message)
	}
	return true
}
