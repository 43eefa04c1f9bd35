package importer

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/places"
	"github.com/utsyn/utsyn/internal/store"
)

// Public EU project data: the Research Council of Norway's open data on EU grants to Norwegian
// participants (one row per participation in a Horizon 2020 project, ';'-separated), and the
// CORDIS project and organisation files (project.csv, organization.csv) as the EU publishes them
// for Horizon 2020 and Horizon Europe. Every row becomes regional participation data
// (regional_participations), which indicators count per county and year; the rows of the
// importing organisation itself (by its organisation number) become engagements of its register,
// with the other participants as partners and its grant as money.

// Sources of regional participation data.
const (
	SourceForskningsradet = "forskningsradet"
	SourceCORDIS          = "cordis"
)

// participation is one organisation's part in one project, as read from either source.
type participation struct {
	source     string
	file       string
	row        int
	projectID  string
	orgNumber  string // Norwegian organisation number, when known
	pic        string // EU Participant Identification Code (CORDIS)
	name       string
	country    string
	county     county2024 // zero when unknown or abroad
	nuts       string
	role       string // coordinator, participant, …
	cents      int64
	actorType  string
	start      utsyn.Date // the project's, copied from the project
	year       int
	key        string
	partNumber string // the participant's number in the project, to tell two rows of one organisation apart
}

// project is what the sources say about a project.
type project struct {
	id, acronym, title, programme, topic, topicName, action, status string
	start, end, signed                                              utsyn.Date
}

// euImport imports EU-grant or CORDIS files.
type euImport struct {
	org          *utsyn.Organisation
	opt          *Options
	rep          *Report
	in           *inputs
	prog         *progress
	regionalOnly bool // the demo: regional data, not the register

	parts    []*participation
	projects map[string]*project
}

// The Research Council's columns that an import needs.
var rcnRequired = []string{"Prosjektnr", "Organisasjonsnavn", "Organisasjon rolle", "Innvilget beløp organisasjon EUR"}

func (j *euImport) read(ctx context.Context) error {
	j.projects = map[string]*project{}
	var total int64
	for _, s := range j.in.sources {
		total += s.weight
	}
	var done int64
	// Projects first, so that organisations find their project's dates.
	order := slices.Clone(j.in.sources)
	slices.SortStableFunc(order, func(a, b *source) int {
		return boolInt(a.role != roleCORDISProj) - boolInt(b.role != roleCORDISProj)
	})
	for _, s := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := s.open()
		if err != nil {
			fileProblem(j.rep, s.file, "import.problem.unreadable")
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
	j.finish()
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readTable reads one table row by row.
func (j *euImport) readTable(ctx context.Context, s *source, t table, progress func(float64)) error {
	cells, _, err := t.Next()
	if err != nil {
		fileProblem(j.rep, s.file, "import.problem.no_header")
		return nil
	}
	h := newHeader(cells)
	info := &sheetInfo{file: s.file, key: s.role, h: h}
	var required []string
	switch s.role {
	case roleRCN:
		required = rcnRequired
	case roleCORDISProj:
		required = []string{"id", "acronym", "title", "startDate", "endDate", "status"}
	case roleCORDISOrg:
		required = []string{"projectID", "organisationID", "name", "country", "role", "ecContribution"}
	}
	var missing []string
	for _, c := range required {
		if !h.has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		fileProblem(j.rep, s.file, "import.problem.missing_columns", "columns", strings.Join(missing, ", "))
		return nil
	}
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(t.Progress())
		}
		row, line, err := t.Next()
		if err == io.EOF {
			return nil
		}
		if re, ok := err.(*rowError); ok {
			j.rep.RowsRead++
			j.rep.Rejected++
			j.rep.add(Problem{Level: LevelError, File: s.file, Row: re.row, Key: re.key})
			continue
		} else if err != nil {
			j.rep.add(Problem{Level: LevelError, File: s.file, Row: line, Key: err.Error()})
			return nil
		}
		if blank(row) {
			continue
		}
		j.rep.RowsRead++
		r := newRowReader(j.rep, info, line, row)
		switch s.role {
		case roleRCN:
			j.readRCN(r)
		case roleCORDISProj:
			j.readCORDISProject(r)
		case roleCORDISOrg:
			j.readCORDISOrg(r)
		}
		if r.failed {
			j.rep.Rejected++
		}
	}
}

// fail records an error of a cell; args add to the cell's value.
func (r *rowReader) fail(name, key string, args ...any) {
	r.problem(LevelError, name, key, append([]any{"value", shorten(r.get(name), 60)}, args...)...)
}

func (r *rowReader) date(name string) utsyn.Date {
	d, err := parseDate(r.get(name))
	if err != nil {
		r.fail(name, err.Error())
	}
	return d
}

func (r *rowReader) cents(name string) int64 {
	c, err := parseCents(r.get(name))
	if err != nil {
		r.fail(name, err.Error())
	}
	return c
}

// readRCN reads one row of the Research Council's file.
func (j *euImport) readRCN(r *rowReader) {
	p := &participation{source: SourceForskningsradet, file: r.info.file, row: r.row, country: "NO"}
	p.projectID = r.get("Prosjektnr")
	if !isDigits(p.projectID) {
		r.fail("Prosjektnr", "import.problem.project_id")
		return
	}
	pr := j.projects[p.projectID]
	if pr == nil {
		pr = &project{id: p.projectID, programme: programmeName(r.get("Rammeprogram"))}
		j.projects[p.projectID] = pr
		pr.acronym, pr.title = r.get("Prosjektkortnavn"), r.get("Prosjektnavn")
		pr.topic, pr.topicName, pr.action = r.get("Topic kode"), r.get("Topic"), r.get("Søknadstypenavn")
		pr.status = strings.ToUpper(r.get("Kontraktstatus"))
		pr.start, pr.end, pr.signed = r.date("Kontrakt startdato"), r.date("Kontrakt sluttdato"), r.date("Kontrakt signeringsdato")
		if pr.programme == "" {
			pr.programme = "Horizon 2020"
		}
	}
	p.orgNumber = strings.ReplaceAll(r.get("Organisasjonsnummer"), " ", "")
	if p.orgNumber != "" && (len(p.orgNumber) != 9 || !isDigits(p.orgNumber)) {
		r.fail("Organisasjonsnummer", "import.problem.org_number")
		return
	}
	p.name = r.get("Organisasjonsnavn")
	if p.name == "" {
		r.fail("Organisasjonsnavn", "import.problem.required")
		return
	}
	if p.orgNumber == "" {
		r.problem(LevelNote, "Organisasjonsnummer", "import.problem.no_org_number", "name", p.name)
	}
	county, municipality := r.get("Adresse fylkenummer"), r.get("Adresse kommunenummer")
	switch c, ok := countyOf(county, municipality); {
	case ok:
		p.county, p.nuts = c, c.NUTS
	case county == "":
		r.problem(LevelNote, "Adresse fylkenummer", "import.problem.no_county", "name", p.name)
	default:
		r.problem(LevelNote, "Adresse fylkenummer", "import.problem.county_unknown", "value", county+" "+baseName(r.get("Adresse fylke")))
	}
	p.role = roleName(r.get("Organisasjon rolle"))
	p.cents = r.cents("Innvilget beløp organisasjon EUR")
	p.actorType = rcnActorType(r.get("FoU kategori"), r.get("FoU sektor"))
	p.partNumber = r.get("Deltakernr")
	if !r.failed {
		j.parts = append(j.parts, p)
	}
}

// readCORDISProject reads one row of CORDIS's project.csv.
func (j *euImport) readCORDISProject(r *rowReader) {
	id := r.get("id")
	if !isDigits(id) {
		r.fail("id", "import.problem.project_id")
		return
	}
	pr := &project{id: id, acronym: r.get("acronym"), title: r.get("title"), status: strings.ToUpper(r.get("status")),
		programme: programmeName(r.get("frameworkProgramme")), action: r.get("fundingScheme")}
	pr.start, pr.end, pr.signed = r.date("startDate"), r.date("endDate"), r.date("ecSignatureDate")
	pr.topic = r.get("topics")
	if pr.topic == "" {
		pr.topic = r.get("topic")
	}
	if !r.failed {
		j.projects[id] = pr
	}
}

// readCORDISOrg reads one row of CORDIS's organization.csv.
func (j *euImport) readCORDISOrg(r *rowReader) {
	p := &participation{source: SourceCORDIS, file: r.info.file, row: r.row}
	p.projectID = r.get("projectID")
	if !isDigits(p.projectID) {
		r.fail("projectID", "import.problem.project_id")
		return
	}
	p.pic = r.get("organisationID")
	if !isDigits(p.pic) {
		r.fail("organisationID", "import.problem.pic")
		return
	}
	p.name = r.get("name")
	if p.name == "" {
		r.fail("name", "import.problem.required")
		return
	}
	p.country = countryCode(r.get("country"))
	if len(p.country) != 2 {
		r.fail("country", "import.problem.country")
		return
	}
	if vat := strings.ToUpper(strings.ReplaceAll(r.get("vatNumber"), " ", "")); p.country == "NO" && strings.HasPrefix(vat, "NO") {
		if n := strings.TrimSuffix(strings.TrimPrefix(vat, "NO"), "MVA"); len(n) == 9 && isDigits(n) {
			p.orgNumber = n
		}
	}
	p.nuts = strings.ToUpper(r.get("nutsCode"))
	if p.country == "NO" {
		if c, ok := countyOfNUTS(p.nuts); ok {
			p.county = c
		} else {
			r.problem(LevelNote, "nutsCode", "import.problem.nuts_unknown", "value", p.nuts, "name", p.name)
		}
	}
	p.role = roleName(r.get("role"))
	p.cents = r.cents("ecContribution")
	p.actorType = cordisActorType(r.get("activityType"))
	p.partNumber = r.get("order")
	if pr := j.projects[p.projectID]; pr == nil {
		j.projects[p.projectID] = &project{id: p.projectID, acronym: r.get("projectAcronym")}
	}
	if !r.failed {
		j.parts = append(j.parts, p)
	}
}

// finish gives every participation its project's year and a key unique in its project, and
// notes what could not be known.
func (j *euImport) finish() {
	seen := map[[3]string]bool{}
	noProject := map[string]bool{}
	for _, p := range j.parts {
		pr := j.projects[p.projectID]
		p.start = pr.start
		switch {
		case !pr.start.IsZero():
			p.year = pr.start.Year
		case !pr.signed.IsZero():
			p.year = pr.signed.Year
			j.rep.add(Problem{Level: LevelNote, File: p.file, Row: p.row, Key: "import.problem.no_start_signed",
				Args: []any{"project", pr.id, "year", p.year}})
		default:
			if p.source == SourceCORDIS && pr.title == "" {
				if !noProject[pr.id] {
					noProject[pr.id] = true
					j.rep.add(Problem{Level: LevelNote, File: p.file, Row: p.row, Key: "import.problem.no_project", Args: []any{"project", pr.id}})
				}
			} else {
				j.rep.add(Problem{Level: LevelNote, File: p.file, Row: p.row, Key: "import.problem.no_start", Args: []any{"project", pr.id}})
			}
		}
		switch {
		case p.source == SourceCORDIS:
			p.key = p.pic
		case p.orgNumber != "":
			p.key = p.orgNumber
		default:
			p.key = "name:" + foldName(p.name)
		}
		k := [3]string{p.source, p.projectID, p.key}
		if seen[k] {
			p.key += "#" + p.partNumber
			k[2] = p.key
			if seen[k] || p.partNumber == "" {
				j.rep.add(Problem{Level: LevelError, File: p.file, Row: p.row, Key: "import.problem.duplicate_participation",
					Args: []any{"project", p.projectID, "name", p.name}})
				j.rep.Rejected++
				continue
			}
		}
		seen[k] = true
	}
}

// programmeName names a framework programme as the register does.
func programmeName(code string) string {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "H2020":
		return "Horizon 2020"
	case "HORIZON", "HE", "HORIZON EUROPE":
		return "Horizon Europe"
	case "FP7":
		return "FP7"
	}
	return strings.TrimSpace(code)
}

// roleName is a participant's role in lower case words: coordinator, participant, partner,
// third_party, associated_partner, …
func roleName(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		if unicode.IsUpper(r) && i > 0 && !unicode.IsUpper(rune(s[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.ReplaceAll(b.String(), " ", "_")
}

// countryCode turns CORDIS's country codes into ISO 3166-1: EL is Greece (GR), UK is GB.
func countryCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "EL":
		return "GR"
	case "UK":
		return "GB"
	}
	return s
}

// rcnActorType reads the kind of actor from the Research Council's R&D category and sector.
func rcnActorType(category, sector string) string {
	switch {
	case category == "Universiteter" || sector == "UoH-sektor":
		return "university"
	case category == "Næringsliv" || sector == "Næringsliv":
		return "company"
	case category == "Øvrige offentlige" || sector == "Helseforetak" || sector == "Norges forskningsråd":
		return "public_authority"
	case strings.Contains(category, "institutter") || sector == "Instituttsektor":
		return "research"
	}
	return "other"
}

// cordisActorType reads the kind of actor from CORDIS's activity type.
func cordisActorType(s string) string {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "HES":
		return "university"
	case "REC":
		return "research"
	case "PRC":
		return "company"
	case "PUB":
		return "public_authority"
	}
	return "other"
}

var norwegianLetters = strings.NewReplacer("ø", "o", "Ø", "o", "æ", "ae", "Æ", "ae", "å", "a", "Å", "a")

// foldName lower-cases a name and strips its accents and punctuation, to find it again.
func foldName(s string) string {
	s = norwegianLetters.Replace(s)
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), " "):
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// store stores the regional data and, for the organisation's own participations, the register.
func (j *euImport) store(ctx context.Context, tx *store.Tx) error {
	if err := j.storeRegional(ctx, tx); err != nil {
		return err
	}
	j.prog.set("store", 0.5, j.rep.RowsRead)
	if j.regionalOnly {
		return nil
	}
	return j.storeOwn(ctx, tx)
}

func (j *euImport) storeRegional(ctx context.Context, tx *store.Tx) error {
	bySource := map[string][]*participation{}
	for _, p := range j.parts {
		bySource[p.source] = append(bySource[p.source], p)
	}
	count := j.rep.count(EntityParticipation)
	for _, source := range []string{SourceForskningsradet, SourceCORDIS} {
		parts := bySource[source]
		if len(parts) == 0 {
			continue
		}
		stored, err := tx.RegionalParticipations(ctx, j.org.ID, source)
		if err != nil {
			return err
		}
		have := map[[2]string]store.RegionalParticipation{}
		for _, s := range stored {
			have[[2]string{s.ProjectID, s.Key}] = s
		}
		// In batches, so that a file of a few hundred thousand rows is never held twice over.
		for batch := range slices.Chunk(parts, 20000) {
			var create, update []store.RegionalParticipation
			for _, p := range batch {
				pr := j.projects[p.projectID]
				rp := store.RegionalParticipation{OrgID: j.org.ID, Source: source, ProjectID: p.projectID, Acronym: pr.acronym,
					Programme: pr.programme, Participant: p.name, Key: p.key, Country: p.country, County: p.county.Number,
					NUTS: p.nuts, Role: p.role, Year: p.year, GrantedEURCents: p.cents}
				old, ok := have[[2]string{p.projectID, p.key}]
				switch {
				case !ok:
					create = append(create, rp)
					count.Created++
				case old == rp:
					count.Unchanged++
				default:
					update = append(update, rp)
					count.Updated++
				}
			}
			if err := tx.SaveRegionalParticipations(ctx, j.org.ID, source, create, update); err != nil {
				return err
			}
		}
		if j.opt.failAt > 0 && slices.ContainsFunc(parts, func(p *participation) bool { return p.row >= j.opt.failAt }) {
			return fmt.Errorf("failure injected at row %d", j.opt.failAt)
		}
	}
	return nil
}

// storeOwn makes engagements of the organisation's own participations. A project already in
// the register (by its CORDIS id) is the organisation's to keep: the import only fills in what
// is empty (acronym, programme, call, dates), adds the partners when it has none, and the grant
// when it has no external grant.
func (j *euImport) storeOwn(ctx context.Context, tx *store.Tx) error {
	if j.org.OrgNumber == "" {
		if len(j.parts) > 0 {
			j.rep.add(Problem{Level: LevelNote, Key: "import.problem.org_without_number"})
		}
		return nil
	}
	byProject := map[string][]*participation{}
	var own []string
	for _, p := range j.parts {
		byProject[p.projectID] = append(byProject[p.projectID], p)
		if p.orgNumber == j.org.OrgNumber && !slices.Contains(own, p.projectID) {
			own = append(own, p.projectID)
		}
	}
	if len(own) == 0 {
		return nil
	}
	x, err := tx.RegisterIndex(ctx, j.org.ID)
	if err != nil {
		return err
	}
	cat, now := j.opt.Catalog, j.opt.Now()
	funderID := int64(0)
	actorCount, engagementCount, moneyCount := j.rep.count(EntityActor), j.rep.count(EntityEngagement), j.rep.count(EntityMoney)
	seenActors := map[int64]bool{}
	actor := func(a *utsyn.Actor) (int64, error) {
		created, err := tx.FindOrCreateActor(ctx, a)
		if err != nil {
			return 0, err
		}
		if created {
			actorCount.Created++
			j.rep.change(Change{Entity: EntityActor, Action: "create", ID: a.ID, Label: a.Name})
		} else if !seenActors[a.ID] {
			actorCount.Unchanged++
		}
		seenActors[a.ID] = true
		return a.ID, nil
	}
	for i, id := range own {
		j.prog.set("store", 0.5+0.5*float64(i)/float64(len(own)), j.rep.RowsRead)
		pr := j.projects[id]
		var mine *participation
		var cents int64
		for _, p := range byProject[id] {
			if p.orgNumber == j.org.OrgNumber {
				if mine == nil || p.role == "coordinator" {
					mine = p
				}
				cents += p.cents
			}
		}
		if j.opt.failAt > 0 && mine.row >= j.opt.failAt {
			return fmt.Errorf("failure injected at row %d", mine.row)
		}
		// The other participants, as partners: in the Research Council's data the Norwegian
		// ones, in CORDIS everyone. Found or registered only when the engagement gets them.
		partners := func() []utsyn.Partner {
			var out []utsyn.Partner
			for _, p := range byProject[id] {
				if p.orgNumber == j.org.OrgNumber {
					continue
				}
				if _, ok := places.Lookup(p.country); !ok {
					continue
				}
				a := &utsyn.Actor{OrgID: j.org.ID, Name: p.name, Country: p.country, OrgNumber: p.orgNumber, PIC: p.pic, Type: p.actorType}
				if p.source == SourceCORDIS && p.country != "NO" {
					a.Region = p.nuts
				} else {
					a.Region = p.county.Number
				}
				aid, err := actor(a)
				if err != nil {
					j.rep.add(Problem{Level: LevelNote, File: p.file, Row: p.row, Key: "import.problem.partner_skipped", Args: []any{"name", p.name}})
					continue
				}
				role := "partner"
				if p.role == "coordinator" {
					role = "lead"
				}
				out = append(out, utsyn.Partner{ActorID: aid, Role: role})
			}
			return out
		}
		// The grant to the organisation, spread over the contract's years, funded by the
		// European Commission.
		addGrant := func(engagementID int64) error {
			lines := spreadByYear(cents, pr.start, pr.end)
			if len(lines) == 0 {
				return nil
			}
			if funderID == 0 {
				var err error
				if funderID, err = actor(&utsyn.Actor{OrgID: j.org.ID, Name: "European Commission", Country: "BE", Type: "public_authority"}); err != nil {
					return err
				}
			}
			note := cat.T(i18n.NB, "import.eu.grant_note", "source", cat.T(i18n.NB, "import.eu.source."+mine.source), "amount", formatCents(cents))
			for _, m := range lines {
				m.EngagementID, m.FunderID, m.Note = engagementID, funderID, note
				if err := tx.CreateMoneyLine(ctx, j.org.ID, m); err != nil {
					return err
				}
				moneyCount.Created++
			}
			return nil
		}
		existing, found := x.External[store.ExternalKey{Scheme: "cordis", Value: id}]
		if !found {
			e := j.engagement(pr, mine, now)
			e.Partners = partners()
			if err := tx.CreateEngagement(ctx, e); err != nil {
				j.rep.add(Problem{Level: LevelError, File: mine.file, Row: mine.row, Key: utsyn.ErrorMessage(err)})
				continue
			}
			engagementCount.Created++
			j.rep.change(Change{Entity: EntityEngagement, Action: "create", ID: e.ID, Label: e.Title.Get("nb"), Row: mine.row})
			if err := addGrant(e.ID); err != nil {
				return err
			}
			continue
		}
		es, err := tx.EngagementsByID(ctx, j.org.ID, []int64{existing})
		if err != nil {
			return err
		}
		e := es[existing]
		before := *e
		fresh := j.engagement(pr, mine, now)
		var fields []string
		fill := func(field string, empty bool, set func()) {
			if empty {
				set()
				fields = append(fields, field)
			}
		}
		fill("acronym", e.Acronym == "" && fresh.Acronym != "", func() { e.Acronym = fresh.Acronym })
		fill("programme", e.Programme == "" && fresh.Programme != "", func() { e.Programme = fresh.Programme })
		fill("call", e.Call == "" && fresh.Call != "", func() { e.Call = fresh.Call })
		fill("start", e.Start.IsZero() && !fresh.Start.IsZero(), func() { e.Start = fresh.Start })
		fill("end", e.End.IsZero() && !fresh.End.IsZero(), func() { e.End = fresh.End })
		if len(e.Partners) == 0 {
			if ps := partners(); len(ps) > 0 {
				fill("partners", true, func() { e.Partners = ps })
			}
		}
		if len(fields) > 0 {
			if err := tx.UpdateEngagement(ctx, e); err != nil {
				j.rep.add(Problem{Level: LevelError, File: mine.file, Row: mine.row, Key: utsyn.ErrorMessage(err)})
				continue
			}
			engagementCount.Updated++
			j.rep.change(Change{Entity: EntityEngagement, Action: "update", ID: e.ID, Label: before.Title.Get("nb"), Fields: fields, Row: mine.row})
		} else {
			engagementCount.Unchanged++
		}
		lines, err := tx.MoneyLinesOf(ctx, j.org.ID, []int64{e.ID})
		if err != nil {
			return err
		}
		hasGrant := false
		for _, m := range lines[e.ID] {
			hasGrant = hasGrant || m.Kind == utsyn.MoneyExternalGrant
		}
		if hasGrant {
			moneyCount.Unchanged += len(lines[e.ID])
			continue
		}
		if err := addGrant(e.ID); err != nil {
			return err
		}
	}
	return nil
}

// engagement is a new engagement of one of the organisation's projects.
func (j *euImport) engagement(pr *project, mine *participation, now time.Time) *utsyn.Engagement {
	cat := j.opt.Catalog
	title := pr.title
	if title == "" {
		title = pr.acronym
	}
	if pr.acronym != "" && pr.title != "" && !strings.HasPrefix(pr.title, pr.acronym) {
		title = pr.acronym + " – " + pr.title
	}
	title = shorten(title, utsyn.MaxTitle-1)
	describe := func(lang i18n.Lang) string {
		role := cat.T(lang, "import.eu.role.participant")
		if mine.role == "coordinator" {
			role = cat.T(lang, "import.eu.role.coordinator")
		}
		topic := pr.topicName
		if topic == "" {
			topic = pr.topic
		}
		return cat.T(lang, "import.eu.description", "programme", pr.programme, "topic", topic, "role", role,
			"source", cat.T(lang, "import.eu.source."+mine.source), "project", pr.id)
	}
	return &utsyn.Engagement{
		OrgID:       j.org.ID,
		Kind:        utsyn.KindProject,
		Title:       utsyn.NewText(title, title),
		Acronym:     shorten(pr.acronym, utsyn.MaxShort-1),
		Description: utsyn.NewText(describe(i18n.NB), describe(i18n.EN)),
		Status:      euStatus(pr.status, pr.start, pr.end, now),
		Start:       pr.start,
		End:         pr.end,
		Programme:   shorten(pr.programme, utsyn.MaxShort-1),
		Call:        shorten(pr.topic, utsyn.MaxShort-1),
		ExternalIDs: map[string]string{"cordis": pr.id},
		Links:       []utsyn.Link{{URL: "https://cordis.europa.eu/project/id/" + pr.id, Label: "CORDIS"}},
	}
}

// euStatus is the register's status of a project: CORDIS and the Research Council say SIGNED,
// CLOSED or TERMINATED; a signed project is running, granted before its start, or completed after
// its end.
func euStatus(contract string, start, end utsyn.Date, now time.Time) string {
	today := utsyn.Date{Year: now.Year(), Month: now.Month(), Day: now.Day()}.Time()
	switch {
	case contract == "CLOSED" || contract == "TERMINATED":
		return utsyn.StatusCompleted
	case !end.IsZero() && end.Time().Before(today):
		return utsyn.StatusCompleted
	case !start.IsZero() && start.Time().After(today):
		return utsyn.StatusGranted
	}
	return utsyn.StatusRunning
}

// spreadByYear splits a grant over the years of a period by the days of the period in each
// year; the cents left over by rounding go to the years with the largest remainders, so the
// lines add up to the grant. Without a start the grant is not split: no lines.
func spreadByYear(cents int64, start, end utsyn.Date) []*utsyn.MoneyLine {
	var out []*utsyn.MoneyLine
	for _, part := range utsyn.SpreadByYear(cents, start, end) {
		if part.Minor > 0 {
			out = append(out, &utsyn.MoneyLine{Year: part.Year, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: part.Minor, Currency: "EUR"}})
		}
	}
	return out
}
