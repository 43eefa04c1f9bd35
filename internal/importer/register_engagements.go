package importer

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// engagementEntry is one engagement the file names: in the engagements sheet, or only in a
// sheet about its partners, links, money, ….
type engagementEntry struct {
	id        int64             // 0 for a new one
	rowNumber int               // the row of its first mention, for messages
	row       *rowReader        // its row in the engagements sheet, or nil
	children  []*rowReader      // the rows of other sheets about it
	before    *utsyn.Engagement // as stored; nil for a new one
	e         *utsyn.Engagement // as the file makes it
}

// firstRow is the row problems of the whole engagement are shown on.
func (en *engagementEntry) firstRow() *rowReader {
	if en.row != nil {
		return en.row
	}
	if len(en.children) > 0 {
		return en.children[0]
	}
	return nil
}

func (en *engagementEntry) failed() bool {
	if en.row != nil && en.row.failed {
		return true
	}
	for _, c := range en.children {
		if c.failed {
			return true
		}
	}
	return false
}

// The sheets that are part of an engagement's record, each the whole truth of its part.
var childSheets = []string{sheetPartners, sheetElements, sheetLinks, sheetSeats, sheetReviews}

var engagementColumns = map[string]string{"kind": "kind", "title": "title_nb", "description": "description_nb",
	"status": "status", "acronym": "acronym", "unit": "unit", "programme": "programme", "call": "call", "period_end": "end",
	"start": "start", "end": "end", "tags": "tags", "sdgs": "sdgs", "links": "links", "responsible": "responsible",
	"role": "role", "working_form": "working_form", "annual_fee": "annual_fee", "reviews": "reviews", "seats": "seats",
	"elements": "", "partners": ""}

// engagementRef finds the engagement a cell names: a Utsyn id, or the ref of a row of the
// engagements sheet.
func (w *registerWriter) engagementRef(r *rowReader, column string) *engagementEntry {
	v := strings.TrimSuffix(r.get(column), ".0")
	if en := w.engagementRefs[v]; en != nil {
		return en
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && w.x.Engagements[id] {
		en := &engagementEntry{id: id}
		w.engagementRefs[v] = en
		return en
	}
	if v == "" {
		r.fail(column, "import.problem.required")
	} else {
		r.fail(column, "import.problem.no_engagement")
	}
	return nil
}

func (w *registerWriter) engagements(ctx context.Context) error {
	var entries []*engagementEntry
	byID := map[int64]*engagementEntry{}
	for _, r := range w.j.sheets[sheetEngagements] {
		id := r.id("id")
		if id != 0 && !w.x.Engagements[id] {
			r.fail("id", "import.problem.no_engagement")
			continue
		}
		if id == 0 { // an engagement already registered under one of its external ids
			for _, scheme := range utsyn.ExternalIDSchemes {
				v := r.get(scheme)
				if v == "" {
					continue
				}
				if other, ok := w.x.External[store.ExternalKey{Scheme: scheme, Value: v}]; ok {
					if id != 0 && id != other {
						r.fail(scheme, "import.problem.external_other", "id", other)
						continue
					}
					id = other
				}
			}
		}
		if id == 0 && r.get("id") == "" {
			// Without an id of any kind, an engagement of the same kind and title is the one the
			// row means: so importing a file of new rows twice adds them once.
			if kind, ok := w.look.kinds.find(r.get("kind")); ok && r.get("title_nb") != "" {
				switch same := w.x.Titles[store.TitleKey{Kind: kind, Title: store.Fold(r.get("title_nb"))}]; {
				case len(same) == 1:
					id = same[0]
				case len(same) > 1:
					r.fail("title_nb", "import.problem.same_title", "n", len(same))
				}
			}
		}
		if r.failed {
			continue
		}
		en := &engagementEntry{id: id, row: r, rowNumber: r.row}
		if id != 0 {
			if prev := byID[id]; prev != nil {
				r.problem(LevelError, "id", "import.problem.same_engagement", "row", prev.row.row)
				continue
			}
			byID[id] = en
			w.engagementRefs[strconv.FormatInt(id, 10)] = en
		}
		if ref := r.get("ref"); ref != "" {
			if w.engagementRefs[ref] != nil && w.engagementRefs[ref] != en {
				r.fail("ref", "import.problem.ref_taken")
				continue
			}
			w.engagementRefs[ref] = en
		}
		entries = append(entries, en)
	}
	// The other sheets' rows, by the engagement they name.
	for _, sheet := range childSheets {
		for _, r := range w.j.sheets[sheet] {
			en := w.engagementRef(r, "engagement")
			if en == nil {
				continue
			}
			if en.row == nil && len(en.children) == 0 && !slices.Contains(entries, en) {
				entries = append(entries, en)
			}
			en.children = append(en.children, r)
			if en.rowNumber == 0 {
				en.rowNumber = r.row
			}
		}
	}
	var ids []int64
	for _, en := range entries {
		if en.id != 0 {
			ids = append(ids, en.id)
		}
	}
	stored, err := w.tx.EngagementsByID(ctx, w.j.org.ID, ids)
	if err != nil {
		return err
	}
	count := w.j.rep.count(EntityEngagement)
	var creates []*engagementEntry
	taken := map[store.ExternalKey]*engagementEntry{}
	for _, en := range entries {
		if err := w.j.step(en.firstRow()); err != nil {
			return err
		}
		if en.id != 0 {
			en.before = stored[en.id]
			en.e = cloneEngagement(en.before)
		} else {
			en.e = &utsyn.Engagement{OrgID: w.j.org.ID, ExternalIDs: map[string]string{}}
		}
		if en.row != nil {
			w.applyRow(en)
		}
		for _, sheet := range childSheets {
			if w.j.has[sheet] && (en.row != nil || hasChild(en, sheet)) {
				w.applyChildren(en, sheet)
			}
		}
		if en.failed() {
			continue
		}
		normalise(en.e)
		if err := utsyn.ValidateEngagement(en.e); err != nil {
			w.fieldErrors(en.firstRow(), err, engagementColumns)
			continue
		}
		if en.before == nil {
			creates = append(creates, en)
			if len(creates) == 5000 && !w.createFailed {
				if err := w.createEngagements(ctx, creates, taken); err != nil {
					return err
				}
				creates = nil
			}
			continue
		}
		fields := engagementFields(en.before, en.e)
		if len(fields) == 0 {
			count.Unchanged++
			continue
		}
		if en.row != nil && w.stale(en.row, en.before.Version) {
			continue
		}
		en.e.Version = en.before.Version
		if err := w.tx.UpdateEngagement(ctx, en.e); err != nil {
			if !w.fieldErrors(en.firstRow(), err, engagementColumns) {
				return err
			}
			continue
		}
		count.Updated++
		r := en.firstRow()
		w.j.rep.change(Change{Entity: EntityEngagement, Action: "update", ID: en.e.ID, Label: en.e.Title.Get("nb"), Fields: fields,
			Sheet: r.info.sheet, Row: r.row})
	}
	if err := w.createEngagements(ctx, creates, taken); err != nil {
		return err
	}
	// What the money sheet needs of an engagement is its id and title; the rows can go.
	for _, en := range entries {
		en.row, en.children = nil, nil
	}
	for _, sheet := range append(childSheets, sheetEngagements) {
		w.j.sheets[sheet] = nil
	}
	return nil
}

// createEngagements stores new engagements at once; their external ids must be new too. It
// keeps of each only what the money sheet needs, so a large workbook's engagements are not all
// in memory at once.
func (w *registerWriter) createEngagements(ctx context.Context, creates []*engagementEntry, taken map[store.ExternalKey]*engagementEntry) error {
	if w.createFailed {
		return nil // the transaction is lost; the problem is reported
	}
	var batch []*utsyn.Engagement
	var batchEntries []*engagementEntry
	for _, en := range creates {
		clash := false
		for scheme, v := range en.e.ExternalIDs {
			k := store.ExternalKey{Scheme: scheme, Value: v}
			if other := taken[k]; other != nil && other != en {
				en.firstRow().problem(LevelError, scheme, "import.problem.same_engagement", "row", other.rowNumber)
				clash = true
			}
			taken[k] = en
		}
		if !clash {
			batch = append(batch, en.e)
			batchEntries = append(batchEntries, en)
		}
	}
	if err := w.tx.ImportEngagements(ctx, w.j.org.ID, batch); err != nil {
		var ie *store.ImportError
		if errors.As(err, &ie) && w.fieldErrors(batchEntries[ie.Index].firstRow(), ie.Err, engagementColumns) {
			w.createFailed = true
			return nil
		}
		return err
	}
	count := w.j.rep.count(EntityEngagement)
	for _, en := range batchEntries {
		en.id = en.e.ID
		w.engagementRefs[strconv.FormatInt(en.id, 10)] = en
		count.Created++
		r := en.firstRow()
		if err := w.j.step(r); err != nil {
			return err
		}
		w.j.rep.change(Change{Entity: EntityEngagement, Action: "create", ID: en.e.ID, Label: en.e.Title.Get("nb"), Sheet: r.info.sheet, Row: r.row})
		en.e = &utsyn.Engagement{ID: en.e.ID, Title: en.e.Title}
	}
	return nil
}

func hasChild(en *engagementEntry, sheet string) bool {
	return slices.ContainsFunc(en.children, func(c *rowReader) bool { return c.info.key == sheet })
}

// applyRow sets the fields of the engagements sheet's columns.
func (w *registerWriter) applyRow(en *engagementEntry) {
	r, e := en.row, en.e
	isNew := en.before == nil
	if v := r.text("kind", e.Kind); v != "" {
		if k, ok := w.look.kinds.find(v); ok {
			e.Kind = k
		} else {
			r.fail("kind", "import.problem.kind")
		}
	} else {
		r.fail("kind", "import.problem.required")
	}
	if v := r.text("status", e.Status); v != "" {
		if s, ok := w.look.statuses.find(v); ok {
			e.Status = s
		} else {
			r.fail("status", "import.problem.status")
		}
	} else if isNew || r.present("status") {
		r.fail("status", "import.problem.required")
	}
	e.Title = setText(r, e.Title, "title_nb", "title_en")
	e.Description = setText(r, e.Description, "description_nb", "description_en")
	e.Acronym, e.Unit = r.text("acronym", e.Acronym), r.text("unit", e.Unit)
	e.Programme, e.Call = r.text("programme", e.Programme), r.text("call", e.Call)
	for _, d := range []struct {
		col string
		dst *utsyn.Date
	}{{"start", &e.Start}, {"end", &e.End}} {
		if r.present(d.col) {
			*d.dst = r.date(d.col)
		}
	}
	if r.present("responsible") {
		e.Responsible = 0
		if v := r.get("responsible"); v != "" {
			if id, ok := w.x.Members[strings.ToLower(v)]; ok {
				e.Responsible = id
			} else {
				r.fail("responsible", "import.problem.no_person")
			}
		}
	}
	for _, t := range []struct {
		col, vocabulary string
		dst             *int64
	}{{"role", utsyn.VocabRole, &e.RoleTermID}, {"working_form", utsyn.VocabWorkingForm, &e.FormTermID}} {
		if !r.present(t.col) {
			continue
		}
		*t.dst = 0
		if v := r.get(t.col); v != "" {
			if id, ok := w.look.term(t.vocabulary, v); ok {
				*t.dst = id
			} else {
				r.fail(t.col, "import.problem.term")
			}
		}
	}
	for _, b := range []struct {
		col string
		dst *bool
	}{{"public", &e.Public}, {"example", &e.Example}} {
		if r.present(b.col) {
			v, err := parseBool(r.get(b.col))
			if err != nil {
				r.fail(b.col, err.Error())
			}
			*b.dst = v
		}
	}
	if r.present("tags") {
		e.Tags = splitList(r.get("tags"))
	}
	if r.present("sdgs") {
		sdgs, err := parseSDGs(r.get("sdgs"))
		if err != nil {
			r.fail("sdgs", err.Error())
		}
		e.SDGs = sdgs
	}
	for _, scheme := range utsyn.ExternalIDSchemes {
		if r.present(scheme) {
			if v := r.get(scheme); v != "" {
				e.ExternalIDs[scheme] = v
			} else {
				delete(e.ExternalIDs, scheme)
			}
		}
	}
	// Membership facts belong to memberships; for another kind their cells must be empty.
	feeColumns := []string{"annual_fee", "fee_currency", "decision_body", "decision_date", "decision_case", "renewal_date"}
	if e.Kind != utsyn.KindMembership {
		e.Membership = nil
		for _, c := range feeColumns {
			if r.get(c) != "" {
				r.fail(c, "import.problem.membership_only")
			}
		}
		return
	}
	if e.Membership == nil {
		e.Membership = &utsyn.MembershipFacts{}
	}
	m := e.Membership
	if r.present("annual_fee") {
		m.AnnualFee.Minor = r.cents("annual_fee")
	}
	if r.present("fee_currency") {
		m.AnnualFee.Currency = strings.ToUpper(r.get("fee_currency"))
	}
	if m.AnnualFee.Minor != 0 && m.AnnualFee.Currency == "" {
		m.AnnualFee.Currency = "NOK"
	}
	if m.AnnualFee.Minor == 0 {
		m.AnnualFee.Currency = strings.ToUpper(r.text("fee_currency", m.AnnualFee.Currency))
	}
	m.DecisionBody, m.DecisionCase = r.text("decision_body", m.DecisionBody), r.text("decision_case", m.DecisionCase)
	if r.present("decision_date") {
		m.DecisionDate = r.date("decision_date")
	}
	if r.present("renewal_date") {
		m.RenewalDate = r.date("renewal_date")
	}
}

// setText sets a text from its bokmål and English columns, where the sheet has them.
func setText(r *rowReader, t utsyn.Text, nbColumn, enColumn string) utsyn.Text {
	out := utsyn.Text{}
	maps.Copy(out, t)
	for lang, col := range map[string]string{"nb": nbColumn, "en": enColumn} {
		if !r.present(col) {
			continue
		}
		if v := r.get(col); v != "" {
			out[lang] = v
		} else {
			delete(out, lang)
		}
	}
	return out
}

// applyChildren replaces one part of an engagement (partners, strategy links, …) with the
// rows of its sheet.
func (w *registerWriter) applyChildren(en *engagementEntry, sheet string) {
	e := en.e
	var rows []*rowReader
	for _, c := range en.children {
		if c.info.key == sheet {
			rows = append(rows, c)
		}
	}
	switch sheet {
	case sheetPartners:
		e.Partners = nil
		for _, r := range rows {
			a := w.actorRefs[strings.TrimSuffix(r.get("actor"), ".0")]
			if a == nil || a.actor.ID == 0 && a.row == nil {
				r.fail("actor", "import.problem.no_actor")
				continue
			}
			if a.actor.ID == 0 { // an actor of the file that could not be stored
				r.fail("actor", "import.problem.actor_failed")
				continue
			}
			role, ok := w.look.partnerRoles.find(r.get("role"))
			if !ok {
				r.fail("role", "import.problem.partner_role")
				continue
			}
			e.Partners = append(e.Partners, utsyn.Partner{ActorID: a.actor.ID, Role: role})
		}
	case sheetElements:
		e.Elements = nil
		for _, r := range rows {
			codes, ok := w.x.Elements[r.get("strategy")]
			if !ok {
				r.fail("strategy", "import.problem.no_strategy")
				continue
			}
			id, ok := codes[strings.TrimSuffix(r.get("element"), ".0")]
			if !ok {
				r.fail("element", "import.problem.no_element")
				continue
			}
			primary, err := parseBool(r.get("primary"))
			if err != nil {
				r.fail("primary", err.Error())
			}
			e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: id, Primary: primary})
		}
	case sheetLinks:
		e.Links = nil
		for _, r := range rows {
			u := r.get("url")
			if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				r.fail("url", "import.problem.url")
				continue
			}
			e.Links = append(e.Links, utsyn.Link{URL: u, Label: r.get("label")})
		}
	case sheetSeats, sheetReviews:
		if e.Kind != utsyn.KindMembership {
			for _, r := range rows {
				r.fail("engagement", "import.problem.membership_only")
			}
			return
		}
		if e.Membership == nil {
			e.Membership = &utsyn.MembershipFacts{}
		}
		if sheet == sheetSeats {
			e.Membership.Seats = nil
			for _, r := range rows {
				kind, ok := w.look.seatKinds.find(r.get("kind"))
				if !ok {
					r.fail("kind", "import.problem.seat_kind")
					continue
				}
				e.Membership.Seats = append(e.Membership.Seats, utsyn.Seat{Body: r.get("body"), Kind: kind, Holder: r.get("holder")})
			}
			return
		}
		e.Membership.Reviews = nil
		for _, r := range rows {
			outcome, ok := w.look.outcomes.find(r.get("outcome"))
			if !ok {
				r.fail("outcome", "import.problem.outcome")
				continue
			}
			d := r.date("date")
			e.Membership.Reviews = append(e.Membership.Reviews, utsyn.Review{Date: d, Outcome: outcome,
				Rationale: utsyn.NewText(r.get("rationale_nb"), r.get("rationale_en"))})
		}
	}
}

// cloneEngagement copies an engagement deeply enough to change it without changing the copy.
func cloneEngagement(e *utsyn.Engagement) *utsyn.Engagement {
	c := *e
	c.Title, c.Description = maps.Clone(e.Title), maps.Clone(e.Description)
	c.Tags, c.SDGs, c.Links = slices.Clone(e.Tags), slices.Clone(e.SDGs), slices.Clone(e.Links)
	c.Elements, c.Partners = slices.Clone(e.Elements), slices.Clone(e.Partners)
	c.ExternalIDs = maps.Clone(e.ExternalIDs)
	if c.ExternalIDs == nil {
		c.ExternalIDs = map[string]string{}
	}
	if e.Membership != nil {
		m := *e.Membership
		m.Seats, m.Reviews = slices.Clone(m.Seats), slices.Clone(m.Reviews)
		c.Membership = &m
	}
	return &c
}

// normalise trims what the store trims and drops empty entries, so a file's engagement compares
// equal to the stored one it repeats.
func normalise(e *utsyn.Engagement) {
	e.Acronym, e.Unit = strings.TrimSpace(e.Acronym), strings.TrimSpace(e.Unit)
	e.Programme, e.Call = strings.TrimSpace(e.Programme), strings.TrimSpace(e.Call)
	var tags []string
	for _, t := range e.Tags {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	e.Tags = tags
	slices.Sort(e.SDGs)
	e.SDGs = slices.Compact(e.SDGs)
	for k, v := range e.ExternalIDs {
		if strings.TrimSpace(v) == "" {
			delete(e.ExternalIDs, k)
		} else {
			e.ExternalIDs[k] = strings.TrimSpace(v)
		}
	}
	for k, v := range e.Title {
		if strings.TrimSpace(v) == "" {
			delete(e.Title, k)
		}
	}
	for k, v := range e.Description {
		if strings.TrimSpace(v) == "" {
			delete(e.Description, k)
		}
	}
}

// engagementFields names the fields in which two versions of an engagement differ.
func engagementFields(a, b *utsyn.Engagement) []string {
	var out []string
	diff := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	diff("kind", a.Kind != b.Kind)
	diff("status", a.Status != b.Status)
	diff("title", !sameText(a.Title, b.Title))
	diff("description", !sameText(a.Description, b.Description))
	diff("acronym", a.Acronym != b.Acronym)
	diff("start", a.Start != b.Start)
	diff("end", a.End != b.End)
	diff("unit", a.Unit != b.Unit)
	diff("responsible", a.Responsible != b.Responsible)
	diff("role", a.RoleTermID != b.RoleTermID)
	diff("working_form", a.FormTermID != b.FormTermID)
	diff("programme", a.Programme != b.Programme)
	diff("call", a.Call != b.Call)
	diff("public", a.Public != b.Public)
	diff("example", a.Example != b.Example)
	diff("tags", !slices.Equal(a.Tags, b.Tags))
	diff("sdgs", !slices.Equal(a.SDGs, b.SDGs))
	diff("external_ids", !maps.Equal(nonEmpty(a.ExternalIDs), nonEmpty(b.ExternalIDs)))
	diff("links", !slices.Equal(a.Links, b.Links))
	diff("elements", !sameSet(a.Elements, b.Elements, func(r utsyn.ElementRef) string {
		return strconv.FormatInt(r.ElementID, 10) + strconv.FormatBool(r.Primary)
	}))
	diff("partners", !sameSet(a.Partners, b.Partners, func(p utsyn.Partner) string { return strconv.FormatInt(p.ActorID, 10) + p.Role }))
	diff("membership", !sameMembership(a.Membership, b.Membership))
	return out
}

func sameText(a, b utsyn.Text) bool { return maps.Equal(nonEmpty(a), nonEmpty(b)) }

func nonEmpty(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if strings.TrimSpace(v) != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

func sameSet[T any](a, b []T, key func(T) string) bool {
	ka, kb := make([]string, 0, len(a)), make([]string, 0, len(b))
	for _, v := range a {
		ka = append(ka, key(v))
	}
	for _, v := range b {
		kb = append(kb, key(v))
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(slices.Compact(ka), slices.Compact(kb))
}

func sameMembership(a, b *utsyn.MembershipFacts) bool {
	if a == nil || b == nil {
		empty := func(m *utsyn.MembershipFacts) bool {
			return m == nil || m.AnnualFee.Minor == 0 && m.DecisionBody == "" && m.DecisionDate.IsZero() && m.DecisionCase == "" &&
				m.RenewalDate.IsZero() && len(m.Seats) == 0 && len(m.Reviews) == 0
		}
		return empty(a) && empty(b)
	}
	if a.AnnualFee.Minor != b.AnnualFee.Minor || a.AnnualFee.Minor != 0 && a.AnnualFee.Currency != b.AnnualFee.Currency ||
		a.DecisionBody != b.DecisionBody || a.DecisionDate != b.DecisionDate || a.DecisionCase != b.DecisionCase ||
		a.RenewalDate != b.RenewalDate || !slices.Equal(a.Seats, b.Seats) || len(a.Reviews) != len(b.Reviews) {
		return false
	}
	for i := range a.Reviews {
		x, y := a.Reviews[i], b.Reviews[i]
		if x.Date != y.Date || x.Outcome != y.Outcome || !sameText(x.Rationale, y.Rationale) {
			return false
		}
	}
	return true
}
