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

// Bulk loading: many records at once, for demo and synthetic data sets. The rows go in with
// multi-row INSERTs and ids taken up front, which costs one round trip per few hundred rows
// instead of several per record, and every batch is recorded in the audit trail by one event
// that says how many records it stored (the per-record events are bypassed, and the event says
// so). The references are still checked: a batch never points into another organisation.

// RegisterTouched reports whether the organisation has, or ever had, an engagement: one in the
// register now, or one the audit trail names.
func (tx *Tx) RegisterTouched(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM engagements WHERE org_id = $1)
		+ (SELECT count(*) FROM audit_events WHERE org_id = $1 AND entity = 'engagement')`, orgID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("register touched: %w", err)
	}
	return n > 0, nil
}

// ElementIDsByCode returns the ids of the elements of the organisation's strategy with the
// slug, by code; elements without a code are left out.
func (tx *Tx) ElementIDsByCode(ctx context.Context, orgID int64, strategySlug string) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var code string
		var id int64
		if err := r.Scan(&code, &id); err != nil {
			return err
		}
		out[code] = id
		return nil
	}, `SELECT e.code, e.id FROM elements e JOIN strategies s ON s.id = e.strategy_id
		WHERE s.org_id = $1 AND s.slug = $2 AND e.code <> '' ORDER BY e.id`, orgID, strategySlug)
	if err != nil {
		return nil, fmt.Errorf("element ids: %w", err)
	}
	return out, nil
}

// TermIDsByKey returns the ids of the organisation's terms of a vocabulary, by key.
func (tx *Tx) TermIDsByKey(ctx context.Context, orgID int64, vocabulary string) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var key string
		var id int64
		if err := r.Scan(&key, &id); err != nil {
			return err
		}
		out[key] = id
		return nil
	}, `SELECT key, id FROM terms WHERE org_id = $1 AND vocabulary = $2`, orgID, vocabulary)
	if err != nil {
		return nil, fmt.Errorf("term ids: %w", err)
	}
	return out, nil
}

// reserveIDs takes n ids for new rows of a table. On SQLite the writer holds the database's
// write lock for the whole transaction, so the ids after the largest are free; on PostgreSQL
// they come from the table's identity sequence, as a plain INSERT would take them.
func (tx *Tx) reserveIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if tx.db.dialect == postgres {
		err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			ids = append(ids, id)
			return err
		}, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("ids for %s: %w", table, err)
		}
		return ids, nil
	}
	var last int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, fmt.Errorf("ids for %s: %w", table, err)
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// bulkInsert inserts rows with multi-row INSERTs, as many rows to a statement as the engines'
// limits on parameters allow. On SQLite the placeholders are "?": SQLite looks numbered ones up
// in a list, which costs the square of their number in a statement of thousands.
func (tx *Tx) bulkInsert(ctx context.Context, table string, columns []string, rows [][]any) error {
	perStatement := min(30000/len(columns), 500)
	var full *sql.Stmt // the statement of a full chunk, parsed once: parsing one of thousands of values costs SQLite as much as running it
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for chunk := range slices.Chunk(rows, perStatement) {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(columns))
		for i, row := range chunk {
			if len(row) != len(columns) {
				return fmt.Errorf("insert into %s: %d values for %d columns", table, len(row), len(columns))
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				if tx.db.dialect == sqlite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args))
				}
			}
			b.WriteByte(')')
		}
		var err error
		switch {
		case len(chunk) < perStatement || len(rows) <= perStatement:
			_, err = tx.tx.ExecContext(ctx, b.String(), args...)
		default:
			if full == nil {
				if full, err = tx.tx.PrepareContext(ctx, b.String()); err != nil {
					return fmt.Errorf("insert into %s: %w", table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// idSet returns which of the ids the query (with the ids inlined as "%s") finds.
func (tx *Tx) idSet(ctx context.Context, query string, ids map[int64]bool, args ...any) (map[int64]bool, error) {
	found := map[int64]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, fmt.Sprint(id))
	}
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		found[id] = true
		return nil
	}, fmt.Sprintf(query, strings.Join(list, ",")), args...) // integers of ours: safe to inline
	return found, err
}

// InsertActors stores new actors of one organisation at once and sets their ids. Unlike
// CreateActor it does not look for the same actor registered already (the caller gives
// distinct actors), and it records one audit event for all of them, saying why.
func (tx *Tx) InsertActors(ctx context.Context, orgID int64, actors []*utsyn.Actor, why string) error {
	if len(actors) == 0 {
		return nil
	}
	ids, err := tx.reserveIDs(ctx, "actors", len(actors))
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(actors))
	for i, a := range actors {
		a.OrgID = orgID
		a.Name, a.Country = strings.TrimSpace(a.Name), strings.ToUpper(strings.TrimSpace(a.Country))
		if err := validateActor(a); err != nil {
			return fmt.Errorf("actor %q: %w", a.Name, err)
		}
		a.ID, a.Version, a.CreatedAt, a.UpdatedAt = ids[i], 1, tx.now, tx.now
		rows = append(rows, []any{a.ID, a.OrgID, a.Name, fold(a.Name), a.Country, a.Region, a.Type, nullString(a.OrgNumber),
			nullString(a.PIC), a.Website, a.Version, tx.now, tx.now})
	}
	if err := tx.bulkInsert(ctx, "actors", []string{"id", "org_id", "name", "name_key", "country", "region", "type",
		"org_number", "pic", "website", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	return tx.recordBulk(ctx, orgID, "actor", len(actors), why)
}

// recordBulk records one audit event for a batch of new records.
func (tx *Tx) recordBulk(ctx context.Context, orgID int64, entity string, n int, why string) error {
	return tx.Record(ctx, orgID, "create", entity, 0, fmt.Sprintf("%d × %s: %s", n, entity, why), []utsyn.Change{
		{Field: "count", After: fmt.Sprint(n)},
		{Field: "audit", After: "one event for the whole batch; no event per record"},
	})
}

// BulkEngagement is an engagement with its money lines, for InsertEngagements.
type BulkEngagement struct {
	Engagement *utsyn.Engagement
	Money      []*utsyn.MoneyLine
}

// InsertEngagements stores new engagements of one organisation at once, with their element
// links, partners, external ids, first status and money lines, and sets their ids. Each is
// validated as CreateEngagement does, and its references must belong to the organisation. An
// engagement's CreatedAt and UpdatedAt are kept when set (synthetic data spreads them over
// the years), else they are the transaction's time. One audit event records the batch.
func (tx *Tx) InsertEngagements(ctx context.Context, orgID int64, items []BulkEngagement, why string) error {
	if len(items) == 0 {
		return nil
	}
	refs := struct{ elements, actors, roles, forms map[int64]bool }{map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}}
	for _, it := range items {
		e := it.Engagement
		e.OrgID = orgID
		normaliseEngagement(e)
		if err := utsyn.ValidateEngagement(e); err != nil {
			return fmt.Errorf("engagement %q: %w", e.Title.Get("nb"), err)
		}
		for _, el := range e.Elements {
			refs.elements[el.ElementID] = true
		}
		for _, p := range e.Partners {
			refs.actors[p.ActorID] = true
		}
		if e.RoleTermID != 0 {
			refs.roles[e.RoleTermID] = true
		}
		if e.FormTermID != 0 {
			refs.forms[e.FormTermID] = true
		}
		for _, m := range it.Money {
			if m.Kind == utsyn.MoneyOwnHours {
				m.Amount.Minor = int64(math.Round(m.Hours * float64(m.HourlyRate.Minor)))
				m.HourlyRate.Currency = m.Amount.Currency
			}
			if err := utsyn.ValidateMoneyLine(m); err != nil {
				return fmt.Errorf("money line of %q: %w", e.Title.Get("nb"), err)
			}
			if m.FunderID != 0 {
				refs.actors[m.FunderID] = true
			}
		}
		if e.Responsible != 0 {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "responsible"}
		}
	}
	for _, check := range []struct {
		field, query string
		ids          map[int64]bool
		args         []any
	}{
		{"elements", `SELECT e.id FROM elements e JOIN strategies s ON s.id = e.strategy_id WHERE s.org_id = $1 AND e.id IN (%s)`, refs.elements, nil},
		{"partners", `SELECT id FROM actors WHERE org_id = $1 AND id IN (%s)`, refs.actors, nil},
		{"role", `SELECT id FROM terms WHERE org_id = $1 AND vocabulary = $2 AND id IN (%s)`, refs.roles, []any{utsyn.VocabRole}},
		{"working_form", `SELECT id FROM terms WHERE org_id = $1 AND vocabulary = $2 AND id IN (%s)`, refs.forms, []any{utsyn.VocabWorkingForm}},
	} {
		found, err := tx.idSet(ctx, check.query, check.ids, append([]any{orgID}, check.args...)...)
		if err != nil {
			return fmt.Errorf("insert engagements: %w", err)
		}
		if len(found) != len(check.ids) {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: check.field}
		}
	}

	if tx.db.dialect == sqlite {
		// The indexes by title, dates and time of change take rows in no order; with the
		// default page cache of 2 MB each insert reads its pages again from the file.
		if _, err := tx.tx.ExecContext(ctx, `PRAGMA cache_size = -131072`); err != nil {
			return fmt.Errorf("insert engagements: %w", err)
		}
	}
	ids, err := tx.reserveIDs(ctx, "engagements", len(items))
	if err != nil {
		return err
	}
	var engagements, externalIDs, elements, partners, history, money [][]any
	label := tx.label()
	for i, it := range items {
		e := it.Engagement
		e.ID, e.Version = ids[i], 1
		if e.CreatedAt.IsZero() {
			e.CreatedAt = tx.now
		}
		if e.UpdatedAt.IsZero() {
			e.UpdatedAt = e.CreatedAt
		}
		m := e.Membership
		if m == nil {
			m = &utsyn.MembershipFacts{}
		}
		engagements = append(engagements, []any{e.ID, e.OrgID, e.Kind, e.Title, fold(e.Title.Get("nb")), e.Acronym,
			e.Description, e.Status, e.Start, e.End, e.Unit, nullID(e.RoleTermID), nullID(e.FormTermID), e.Programme, e.Call,
			e.Public, e.Example, jsonText(e.Tags), jsonText(e.SDGs), jsonText(e.Links), m.AnnualFee.Minor, m.AnnualFee.Currency,
			m.DecisionBody, m.DecisionDate, m.DecisionCase, m.RenewalDate, jsonText(m.Seats), jsonText(m.Reviews),
			searchText(e), e.Version, e.CreatedAt, e.UpdatedAt})
		for _, scheme := range utsyn.ExternalIDSchemes {
			if v, ok := e.ExternalIDs[scheme]; ok {
				externalIDs = append(externalIDs, []any{e.ID, e.OrgID, scheme, v})
			}
		}
		seen := map[int64]bool{}
		for _, el := range e.Elements {
			if !seen[el.ElementID] {
				seen[el.ElementID] = true
				elements = append(elements, []any{e.ID, el.ElementID, el.Primary})
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
		history = append(history, []any{e.ID, e.CreatedAt, "", e.Status, label})
		for _, ml := range it.Money {
			ml.EngagementID, ml.Version = e.ID, 1
			money = append(money, []any{ml.EngagementID, ml.Year, ml.Kind, ml.Amount.Minor, ml.Amount.Currency, ml.Hours,
				ml.HourlyRate.Minor, nullID(ml.FunderID), ml.Note, ml.Version, e.CreatedAt, e.UpdatedAt})
		}
	}
	for _, t := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"engagements", []string{"id", "org_id", "kind", "title", "title_sort", "acronym", "description", "status", "start_date",
			"end_date", "unit", "role_term_id", "form_term_id", "programme", "call_ref", "public", "example", "tags", "sdgs",
			"links", "fee_minor", "fee_currency", "decision_body", "decision_date", "decision_case", "renewal_date", "seats",
			"reviews", "search", "version", "created_at", "updated_at"}, engagements},
		{"engagement_external_ids", []string{"engagement_id", "org_id", "scheme", "value"}, externalIDs},
		{"engagement_elements", []string{"engagement_id", "element_id", "is_primary"}, elements},
		{"engagement_partners", []string{"engagement_id", "actor_id", "role"}, partners},
		{"engagement_status_history", []string{"engagement_id", "at", "from_status", "to_status", "actor_label"}, history},
		{"money_lines", []string{"engagement_id", "year", "kind", "amount_minor", "currency", "hours", "hourly_rate_minor",
			"funder_id", "note", "version", "created_at", "updated_at"}, money},
	} {
		if err := tx.bulkInsert(ctx, t.table, t.columns, t.rows); err != nil {
			return err
		}
	}
	return tx.recordBulk(ctx, orgID, "engagement", len(items), why)
}

// Analyze refreshes the statistics the query planner uses, after a bulk load has changed the
// tables' sizes by much. On PostgreSQL it vacuums too, which marks the new rows visible to
// every transaction: until then an index-only scan (a capped count) reads the table as well.
func (db *DB) Analyze(ctx context.Context) error {
	q := `VACUUM (ANALYZE)`
	if db.dialect == sqlite {
		q = `PRAGMA optimize=0x10002` // analyze every table that needs it, as after a first load
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
