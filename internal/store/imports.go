package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/utsyn/utsyn"
)

// Imports and exports of the whole register (internal/importer): what an import needs to match
// rows to records, many new records at once, all engagements for an export, and the regional
// EU participation data.
//
// Many records at once go in with multi-row INSERTs and ids taken up front: a workbook of
// 100,000 engagements would take minutes one record at a time. Each record still gets its own
// audit event, with every field, as CreateEngagement would give it.

// RegisterIndex is what an import matches rows against: the organisation's engagements,
// their external ids, its strategies' elements, its vocabularies, its people and its actors.
type RegisterIndex struct {
	Engagements map[int64]bool              // the organisation's engagement ids
	Titles      map[TitleKey][]int64        // kind and folded title in bokmål → engagement ids
	External    map[ExternalKey]int64       // scheme and value → engagement id
	Elements    map[string]map[string]int64 // strategy slug → element code → element id
	ElementRefs map[int64]ElementKey        // element id → where it is
	Terms       []utsyn.Term                // roles and working forms
	Members     map[string]int64            // e-mail address (lower case) → user id
	Emails      map[int64]string            // user id → e-mail address
	Actors      []*utsyn.Actor              // every actor, by id
}

// TitleKey finds an engagement by its kind and its title in bokmål, folded (Fold).
type TitleKey struct{ Kind, Title string }

// Fold is a title or name as the store compares and sorts it: lower case, without accents,
// with æ, ø and å spelt out and punctuation as spaces.
func Fold(s string) string { return fold(s) }

// ExternalKey is an engagement's id in another system.
type ExternalKey struct{ Scheme, Value string }

// ElementKey says where an element is: its strategy's slug and its code (or its id, for an
// element without a code).
type ElementKey struct {
	Strategy string
	Code     string
	Title    utsyn.Text
}

// RegisterIndex returns the index of the organisation's register inside the transaction.
func (tx *Tx) RegisterIndex(ctx context.Context, orgID int64) (*RegisterIndex, error) {
	return registerIndex(ctx, tx.tx, orgID)
}

// RegisterIndex returns the index of the organisation's register.
func (db *DB) RegisterIndex(ctx context.Context, orgID int64) (*RegisterIndex, error) {
	return registerIndex(ctx, db.read, orgID)
}

func registerIndex(ctx context.Context, q queryer, orgID int64) (*RegisterIndex, error) {
	x := &RegisterIndex{Engagements: map[int64]bool{}, Titles: map[TitleKey][]int64{}, External: map[ExternalKey]int64{}, Elements: map[string]map[string]int64{},
		ElementRefs: map[int64]ElementKey{}, Members: map[string]int64{}, Emails: map[int64]string{}}
	steps := []struct {
		query string
		scan  func(*sql.Rows) error
	}{
		{`SELECT id, kind, title_sort FROM engagements WHERE org_id = $1 ORDER BY id`, func(r *sql.Rows) error {
			var id int64
			var k TitleKey
			err := r.Scan(&id, &k.Kind, &k.Title)
			x.Engagements[id] = true
			x.Titles[k] = append(x.Titles[k], id)
			return err
		}},
		{`SELECT scheme, value, engagement_id FROM engagement_external_ids WHERE org_id = $1`, func(r *sql.Rows) error {
			var k ExternalKey
			var id int64
			err := r.Scan(&k.Scheme, &k.Value, &id)
			x.External[k] = id
			return err
		}},
		{`SELECT s.slug, e.id, e.code, e.title FROM elements e JOIN strategies s ON s.id = e.strategy_id WHERE s.org_id = $1 ORDER BY s.id, e.id`,
			func(r *sql.Rows) error {
				var slug, code string
				var id int64
				var title utsyn.Text
				if err := r.Scan(&slug, &id, &code, &title); err != nil {
					return err
				}
				if x.Elements[slug] == nil {
					x.Elements[slug] = map[string]int64{}
				}
				key := code
				if key == "" {
					key = fmt.Sprint(id)
				}
				if _, dup := x.Elements[slug][key]; !dup {
					x.Elements[slug][key] = id
				}
				x.ElementRefs[id] = ElementKey{Strategy: slug, Code: key, Title: title}
				return nil
			}},
		{`SELECT id, org_id, vocabulary, key, name, description, position FROM terms WHERE org_id = $1 ORDER BY vocabulary, position, id`,
			func(r *sql.Rows) error {
				var t utsyn.Term
				err := r.Scan(&t.ID, &t.OrgID, &t.Vocabulary, &t.Key, &t.Name, &t.Description, &t.Position)
				x.Terms = append(x.Terms, t)
				return err
			}},
		{`SELECT u.id, u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1`, func(r *sql.Rows) error {
			var id int64
			var email string
			err := r.Scan(&id, &email)
			x.Members[strings.ToLower(email)] = id
			x.Emails[id] = email
			return err
		}},
		{`SELECT ` + actorColumns + ` FROM actors WHERE org_id = $1 ORDER BY id`, func(r *sql.Rows) error {
			a, err := scanActor(r)
			x.Actors = append(x.Actors, a)
			return err
		}},
	}
	for _, s := range steps {
		if err := eachRow(ctx, q, s.scan, s.query, orgID); err != nil {
			return nil, fmt.Errorf("register index: %w", err)
		}
	}
	return x, nil
}

// EngagementsByID returns the organisation's engagements with the ids, whole (links, partners,
// external ids), by id; ids of other organisations are left out.
func (tx *Tx) EngagementsByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*utsyn.Engagement, error) {
	out := map[int64]*utsyn.Engagement{}
	for chunk := range slices.Chunk(ids, 500) {
		var es []*utsyn.Engagement
		err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
			e, err := scanEngagement(r)
			if err == nil {
				es = append(es, e)
				out[e.ID] = e
			}
			return err
		}, `SELECT `+engagementColumns+engagementFrom+` WHERE e.org_id = $1 AND e.id IN (`+idList(chunk)+`)`, orgID)
		if err != nil {
			return nil, fmt.Errorf("engagements by id: %w", err)
		}
		if err := fillEngagements(ctx, tx.tx, tx.db.dialect, es); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EachEngagement calls fn with the organisation's engagements, whole, a few hundred at a time
// in the order of their ids, for an export that never holds the register in memory.
func (db *DB) EachEngagement(ctx context.Context, orgID int64, fn func([]*utsyn.Engagement) error) error {
	var after int64
	for {
		var es []*utsyn.Engagement
		err := eachRow(ctx, db.read, func(r *sql.Rows) error {
			e, err := scanEngagement(r)
			if err == nil {
				es = append(es, e)
			}
			return err
		}, `SELECT `+engagementColumns+engagementFrom+` WHERE e.org_id = $1 AND e.id > $2 ORDER BY e.id LIMIT 500`, orgID, after)
		if err != nil {
			return fmt.Errorf("each engagement: %w", err)
		}
		if len(es) == 0 {
			return nil
		}
		if err := fillEngagements(ctx, db.read, db.dialect, es); err != nil {
			return err
		}
		if err := fn(es); err != nil {
			return err
		}
		after = es[len(es)-1].ID
	}
}

// MoneyLinesOf returns the money lines of the organisation's engagements with the ids, by
// engagement.
func (tx *Tx) MoneyLinesOf(ctx context.Context, orgID int64, ids []int64) (map[int64][]*utsyn.MoneyLine, error) {
	out := map[int64][]*utsyn.MoneyLine{}
	for chunk := range slices.Chunk(ids, 500) {
		err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
			m, err := scanMoneyLine(r)
			if err == nil {
				out[m.EngagementID] = append(out[m.EngagementID], m)
			}
			return err
		}, `SELECT `+moneyColumns+` FROM money_lines m JOIN engagements e ON e.id = m.engagement_id LEFT JOIN actors a ON a.id = m.funder_id
			WHERE e.org_id = $1 AND m.engagement_id IN (`+idList(chunk)+`) ORDER BY m.engagement_id, m.year, m.kind, m.id`, orgID)
		if err != nil {
			return nil, fmt.Errorf("money lines: %w", err)
		}
	}
	return out, nil
}

// EachMoneyLine calls fn with every money line of the organisation, by engagement, year and
// kind.
func (db *DB) EachMoneyLine(ctx context.Context, orgID int64, fn func(*utsyn.MoneyLine) error) error {
	return eachRow(ctx, db.read, func(r *sql.Rows) error {
		m, err := scanMoneyLine(r)
		if err != nil {
			return err
		}
		return fn(m)
	}, `SELECT `+moneyColumns+` FROM money_lines m JOIN engagements e ON e.id = m.engagement_id LEFT JOIN actors a ON a.id = m.funder_id
		WHERE e.org_id = $1 ORDER BY m.engagement_id, m.year, m.kind, m.id`, orgID)
}

// ImportActors stores new actors of the organisation at once and sets their ids. Each is
// checked as CreateActor checks it, except that the caller has made sure it is not registered
// already; each gets its own audit event.
func (tx *Tx) ImportActors(ctx context.Context, orgID int64, actors []*utsyn.Actor) error {
	if len(actors) == 0 {
		return nil
	}
	for _, a := range actors {
		a.OrgID = orgID
		a.Name, a.Country = strings.TrimSpace(a.Name), strings.ToUpper(strings.TrimSpace(a.Country))
		if err := validateActor(a); err != nil {
			return &ImportError{Index: indexOf(actors, a), Err: err}
		}
	}
	ids, err := tx.reserveIDs(ctx, "actors", len(actors))
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(actors))
	events := make([][]any, 0, len(actors))
	for i, a := range actors {
		a.ID, a.Version, a.CreatedAt, a.UpdatedAt = ids[i], 1, tx.now, tx.now
		rows = append(rows, []any{a.ID, a.OrgID, a.Name, fold(a.Name), a.Country, a.Region, a.Type, nullString(a.OrgNumber),
			nullString(a.PIC), a.Website, a.Version, tx.now, tx.now})
		events = append(events, tx.event(orgID, "create", "actor", a.ID, a.Name, actorChanges(&utsyn.Actor{}, a)))
	}
	if err := tx.bulkInsert(ctx, "actors", []string{"id", "org_id", "name", "name_key", "country", "region", "type",
		"org_number", "pic", "website", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	return tx.bulkInsert(ctx, "audit_events", eventColumns, events)
}

// ImportError says which record of a batch was refused, and why.
type ImportError struct {
	Index int // in the batch
	Err   error
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("record %d of the batch: %v", e.Index, e.Err)
}
func (e *ImportError) Unwrap() error { return e.Err }

func indexOf[T comparable](list []T, v T) int { return slices.Index(list, v) }

// ImportEngagements stores new engagements of the organisation at once, with their external
// ids, element links and partners, their first status, and an audit event each, and sets their
// ids. Each is checked as CreateEngagement checks it: its fields, and that every record it
// refers to is the organisation's; a refused one fails the batch with an *ImportError. They go
// in a few thousand at a time, so a large batch costs little more memory than a small one.
func (tx *Tx) ImportEngagements(ctx context.Context, orgID int64, es []*utsyn.Engagement) error {
	if tx.db.dialect == sqlite && len(es) > 1000 {
		// The indexes by title, dates and time of change take rows in no order; with the
		// default page cache of 2 MB each insert reads its pages again from the file.
		if _, err := tx.tx.ExecContext(ctx, `PRAGMA cache_size = -131072`); err != nil {
			return fmt.Errorf("import engagements: %w", err)
		}
	}
	taken, err := tx.takenExternalIDs(ctx, orgID, es)
	if err != nil {
		return err
	}
	for start := 0; start < len(es); start += 2500 {
		if err := tx.importEngagements(ctx, orgID, es[start:min(start+2500, len(es))], start, taken); err != nil {
			return err
		}
	}
	return nil
}

// takenExternalIDs returns which of the engagements' external ids another engagement of the
// organisation has.
func (tx *Tx) takenExternalIDs(ctx context.Context, orgID int64, es []*utsyn.Engagement) (map[ExternalKey]bool, error) {
	values := map[string][]string{} // scheme → ids
	for _, e := range es {
		for scheme, v := range e.ExternalIDs {
			values[scheme] = append(values[scheme], v)
		}
	}
	// Per scheme, so that the unique index (org_id, scheme, value) finds them. On PostgreSQL
	// each value is looked up in the index by a join: with an IN list, a plan made with the
	// statistics of the table before the import (empty, say) read every id of the scheme and
	// compared each with the whole list, 100 s for an import of 100,000 engagements.
	taken := map[ExternalKey]bool{}
	for scheme, vs := range values {
		for chunk := range slices.Chunk(vs, 500) {
			args := []any{orgID, scheme}
			q := `SELECT x.value FROM unnest($3::text[]) AS v (value)
				JOIN engagement_external_ids x ON x.org_id = $1 AND x.scheme = $2 AND x.value = v.value`
			if tx.db.dialect == postgres {
				args = append(args, chunk)
			} else {
				marks := make([]string, len(chunk))
				for i, v := range chunk {
					args = append(args, v)
					marks[i] = fmt.Sprintf("$%d", i+3)
				}
				q = `SELECT value FROM engagement_external_ids WHERE org_id = $1 AND scheme = $2 AND value IN (` + strings.Join(marks, ", ") + `)`
			}
			err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
				var v string
				err := r.Scan(&v)
				taken[ExternalKey{scheme, v}] = true
				return err
			}, q, args...)
			if err != nil {
				return nil, fmt.Errorf("import engagements: %w", err)
			}
		}
	}
	return taken, nil
}

// importEngagements stores a batch; taken holds the external ids in use, and gets the batch's.
func (tx *Tx) importEngagements(ctx context.Context, orgID int64, es []*utsyn.Engagement, offset int, taken map[ExternalKey]bool) error {
	elements, actors, terms, users := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for i, e := range es {
		e.OrgID = orgID
		normaliseEngagement(e)
		if err := utsyn.ValidateEngagement(e); err != nil {
			return &ImportError{Index: offset + i, Err: err}
		}
		for _, el := range e.Elements {
			elements[el.ElementID] = true
		}
		for _, p := range e.Partners {
			actors[p.ActorID] = true
		}
		for _, id := range []int64{e.RoleTermID, e.FormTermID} {
			if id != 0 {
				terms[id] = true
			}
		}
		if e.Responsible != 0 {
			users[e.Responsible] = true
		}
	}
	okElements, err := tx.ownIDs(ctx, `SELECT e.id FROM elements e JOIN strategies s ON s.id = e.strategy_id WHERE s.org_id = $1 AND e.id IN (%s)`, orgID, elements)
	if err != nil {
		return err
	}
	okActors, err := tx.ownIDs(ctx, `SELECT id FROM actors WHERE org_id = $1 AND id IN (%s)`, orgID, actors)
	if err != nil {
		return err
	}
	okUsers, err := tx.ownIDs(ctx, `SELECT user_id FROM memberships WHERE org_id = $1 AND user_id IN (%s)`, orgID, users)
	if err != nil {
		return err
	}
	vocabularies := map[int64]string{}
	if len(terms) > 0 {
		ids := make([]int64, 0, len(terms))
		for id := range terms {
			ids = append(ids, id)
		}
		err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
			var id int64
			var v string
			err := r.Scan(&id, &v)
			vocabularies[id] = v
			return err
		}, `SELECT id, vocabulary FROM terms WHERE org_id = $1 AND id IN (`+idList(ids)+`)`, orgID)
		if err != nil {
			return fmt.Errorf("import engagements: %w", err)
		}
	}
	for i, e := range es {
		bad := func(field string) error {
			return &ImportError{Index: offset + i, Err: &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: field}}
		}
		for _, el := range e.Elements {
			if !okElements[el.ElementID] {
				return bad("elements")
			}
		}
		for _, p := range e.Partners {
			if !okActors[p.ActorID] {
				return bad("partners")
			}
		}
		if e.RoleTermID != 0 && vocabularies[e.RoleTermID] != utsyn.VocabRole {
			return bad("role")
		}
		if e.FormTermID != 0 && vocabularies[e.FormTermID] != utsyn.VocabWorkingForm {
			return bad("working_form")
		}
		if e.Responsible != 0 && !okUsers[e.Responsible] {
			return bad("responsible")
		}
		for scheme, value := range e.ExternalIDs {
			k := ExternalKey{scheme, value}
			if taken[k] {
				return &ImportError{Index: offset + i, Err: &utsyn.Error{Code: utsyn.EINVALID, Message: "error.external_id_taken", Field: "external_" + scheme}}
			}
			taken[k] = true
		}
	}
	ids, err := tx.reserveIDs(ctx, "engagements", len(es))
	if err != nil {
		return err
	}
	var engagements, external, links, partners, history, events [][]any
	label := tx.label()
	for i, e := range es {
		e.ID, e.Version, e.CreatedAt, e.UpdatedAt = ids[i], 1, tx.now, tx.now
		m := e.Membership
		if m == nil {
			m = &utsyn.MembershipFacts{}
		}
		engagements = append(engagements, []any{e.ID, e.OrgID, e.Kind, e.Title, fold(e.Title.Get("nb")), e.Acronym,
			e.Description, e.Status, e.Start, e.End, e.Unit, nullID(e.Responsible), nullID(e.RoleTermID), nullID(e.FormTermID),
			e.Programme, e.Call, e.Public, e.Example, jsonList(e.Tags), jsonList(e.SDGs), jsonList(e.Links), m.AnnualFee.Minor,
			m.AnnualFee.Currency, m.DecisionBody, m.DecisionDate, m.DecisionCase, m.RenewalDate, jsonList(m.Seats),
			jsonList(m.Reviews), searchText(e), e.Version, tx.now, tx.now})
		for _, scheme := range utsyn.ExternalIDSchemes {
			if v, ok := e.ExternalIDs[scheme]; ok {
				external = append(external, []any{e.ID, e.OrgID, scheme, v})
			}
		}
		seen := map[int64]bool{}
		for _, el := range e.Elements {
			if !seen[el.ElementID] {
				seen[el.ElementID] = true
				links = append(links, []any{e.ID, el.ElementID, el.Primary})
			}
		}
		seenPartner := map[utsyn.Partner]bool{}
		for _, p := range e.Partners {
			key := utsyn.Partner{ActorID: p.ActorID, Role: p.Role}
			if !seenPartner[key] {
				seenPartner[key] = true
				partners = append(partners, []any{e.ID, p.ActorID, p.Role})
			}
		}
		history = append(history, []any{e.ID, tx.now, "", e.Status, label})
		events = append(events, tx.event(orgID, "create", "engagement", e.ID, e.Title.Get("nb"), engagementChanges(nil, e)))
	}
	for _, t := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"engagements", []string{"id", "org_id", "kind", "title", "title_sort", "acronym", "description", "status", "start_date",
			"end_date", "unit", "responsible_id", "role_term_id", "form_term_id", "programme", "call_ref", "public", "example", "tags",
			"sdgs", "links", "fee_minor", "fee_currency", "decision_body", "decision_date", "decision_case", "renewal_date", "seats",
			"reviews", "search", "version", "created_at", "updated_at"}, engagements},
		{"engagement_external_ids", []string{"engagement_id", "org_id", "scheme", "value"}, external},
		{"engagement_elements", []string{"engagement_id", "element_id", "is_primary"}, links},
		{"engagement_partners", []string{"engagement_id", "actor_id", "role"}, partners},
		{"engagement_status_history", []string{"engagement_id", "at", "from_status", "to_status", "actor_label"}, history},
		{"audit_events", eventColumns, events},
	} {
		if err := tx.bulkInsert(ctx, t.table, t.columns, t.rows); err != nil {
			return err
		}
	}
	return nil
}

// ImportMoneyLines stores new money lines of the organisation's engagements at once, each
// checked as CreateMoneyLine checks it and with its own audit event, and sets their ids.
func (tx *Tx) ImportMoneyLines(ctx context.Context, orgID int64, lines []*utsyn.MoneyLine) error {
	for start := 0; start < len(lines); start += 2000 {
		if err := tx.importMoneyLines(ctx, orgID, lines[start:min(start+2000, len(lines))], start); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) importMoneyLines(ctx context.Context, orgID int64, lines []*utsyn.MoneyLine, offset int) error {
	engagements, actors := map[int64]bool{}, map[int64]bool{}
	for _, m := range lines {
		engagements[m.EngagementID] = true
		if m.FunderID != 0 {
			actors[m.FunderID] = true
		}
	}
	okEngagements, err := tx.ownIDs(ctx, `SELECT id FROM engagements WHERE org_id = $1 AND id IN (%s)`, orgID, engagements)
	if err != nil {
		return err
	}
	okActors, err := tx.ownIDs(ctx, `SELECT id FROM actors WHERE org_id = $1 AND id IN (%s)`, orgID, actors)
	if err != nil {
		return err
	}
	for i, m := range lines {
		if m.Kind == utsyn.MoneyOwnHours {
			m.Amount.Minor = int64(math.Round(m.Hours * float64(m.HourlyRate.Minor)))
			m.HourlyRate.Currency = m.Amount.Currency
		}
		if err := utsyn.ValidateMoneyLine(m); err != nil {
			return &ImportError{Index: offset + i, Err: err}
		}
		if !okEngagements[m.EngagementID] {
			return &ImportError{Index: offset + i, Err: &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "engagement"}}
		}
		if m.FunderID != 0 && !okActors[m.FunderID] {
			return &ImportError{Index: offset + i, Err: &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "funder"}}
		}
	}
	ids, err := tx.reserveIDs(ctx, "money_lines", len(lines))
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(lines))
	events := make([][]any, 0, len(lines))
	for i, m := range lines {
		m.ID, m.Version = ids[i], 1
		rows = append(rows, []any{m.ID, m.EngagementID, m.Year, m.Kind, m.Amount.Minor, m.Amount.Currency, m.Hours,
			m.HourlyRate.Minor, nullID(m.FunderID), m.Note, m.Version, tx.now, tx.now})
		events = append(events, tx.event(orgID, "create", "money", m.ID, fmt.Sprintf("%d %s", m.Year, m.Kind), moneyChanges(&utsyn.MoneyLine{}, m)))
	}
	if err := tx.bulkInsert(ctx, "money_lines", []string{"id", "engagement_id", "year", "kind", "amount_minor", "currency", "hours",
		"hourly_rate_minor", "funder_id", "note", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	return tx.bulkInsert(ctx, "audit_events", eventColumns, events)
}

// ownIDs returns which of the ids the query (with the ids inlined as "%s", the organisation as
// $1) finds.
func (tx *Tx) ownIDs(ctx context.Context, query string, orgID int64, ids map[int64]bool) (map[int64]bool, error) {
	found := map[int64]bool{}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for chunk := range slices.Chunk(list, 1000) {
		err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			found[id] = true
			return err
		}, fmt.Sprintf(query, idList(chunk)), orgID)
		if err != nil {
			return nil, fmt.Errorf("check references: %w", err)
		}
	}
	return found, nil
}

var eventColumns = []string{"org_id", "user_id", "actor_label", "at", "action", "entity", "entity_id", "summary", "changes"}

// event is the row of an audit event as Record writes it, for a bulk insert.
func (tx *Tx) event(orgID int64, action, entity string, id int64, summary string, changes []utsyn.Change) []any {
	if changes == nil {
		changes = []utsyn.Change{}
	}
	var userID int64
	if tx.actor != nil && tx.actor.User != nil {
		userID = tx.actor.User.ID
	}
	if len(summary) > 300 {
		summary = summary[:300]
	}
	return []any{orgID, nullID(userID), tx.label(), tx.now, action, entity, id, summary, jsonText(changes)}
}

// jsonList is a list as the store writes it: "[]" when empty, which is most lists of most
// records, without the cost of encoding.
func jsonList[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	return jsonText(v)
}

// idList writes ids of ours for an IN (…) list: integers, safe to inline, and one plan for any
// count.
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// RegionalParticipations returns the organisation's participation data from a source.
func (tx *Tx) RegionalParticipations(ctx context.Context, orgID int64, source string) ([]RegionalParticipation, error) {
	var out []RegionalParticipation
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		p := RegionalParticipation{OrgID: orgID}
		var year sql.NullInt64
		err := r.Scan(&p.Source, &p.ProjectID, &p.Acronym, &p.Programme, &p.Participant, &p.Key, &p.Country,
			&p.County, &p.NUTS, &p.Role, &year, &p.GrantedEURCents)
		p.Year = int(year.Int64)
		out = append(out, p)
		return err
	}, `SELECT source, project_id, acronym, programme, participant, participant_key, country, county, nuts, role, year,
		granted_eur_cents FROM regional_participations WHERE org_id = $1 AND source = $2 ORDER BY id`, orgID, source)
	if err != nil {
		return nil, fmt.Errorf("regional participations: %w", err)
	}
	return out, nil
}

// SaveRegionalParticipations stores new participations of a source and new versions of stored
// ones (matched by project and participant key). The data are statistics, not the register: one audit event records the
// batch, with its counts.
func (tx *Tx) SaveRegionalParticipations(ctx context.Context, orgID int64, source string, create, update []RegionalParticipation) error {
	if len(create)+len(update) == 0 {
		return nil
	}
	nullYear := func(y int) any {
		if y == 0 {
			return nil
		}
		return y
	}
	rows := make([][]any, 0, len(create))
	for _, p := range create {
		if p.ProjectID == "" || p.Key == "" {
			return fmt.Errorf("regional participation without project or participant")
		}
		rows = append(rows, []any{orgID, source, p.ProjectID, p.Acronym, p.Programme, p.Participant, p.Key, p.Country,
			p.County, p.NUTS, p.Role, nullYear(p.Year), p.GrantedEURCents})
	}
	if err := tx.bulkInsert(ctx, "regional_participations", []string{"org_id", "source", "project_id", "acronym", "programme",
		"participant", "participant_key", "country", "county", "nuts", "role", "year", "granted_eur_cents"}, rows); err != nil {
		return err
	}
	for _, p := range update {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE regional_participations SET acronym = $1, programme = $2, participant = $3,
			country = $4, county = $5, nuts = $6, role = $7, year = $8, granted_eur_cents = $9
			WHERE org_id = $10 AND source = $11 AND project_id = $12 AND participant_key = $13`,
			p.Acronym, p.Programme, p.Participant, p.Country, p.County, p.NUTS, p.Role, nullYear(p.Year), p.GrantedEURCents,
			orgID, source, p.ProjectID, p.Key); err != nil {
			return fmt.Errorf("update regional participation %s/%s: %w", p.ProjectID, p.Key, err)
		}
	}
	return tx.Record(ctx, orgID, "import", "regional_participations", 0, fmt.Sprintf("%s: %d new, %d changed", source, len(create), len(update)),
		[]utsyn.Change{{Field: "source", After: source}, {Field: "created", After: fmt.Sprint(len(create))},
			{Field: "updated", After: fmt.Sprint(len(update))}})
}
