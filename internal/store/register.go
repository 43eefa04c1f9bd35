package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/utsyn/utsyn"
)

// EngagementFilter selects engagements of one organisation; zero fields select all.
type EngagementFilter struct {
	OrgID       int64
	PublicOnly  bool
	Kinds       []string
	Statuses    []string
	ElementIDs  []int64 // linked to any of these (the caller adds an element's descendants)
	Country     string  // a partner in this country (ISO 3166-1 alpha-2)
	Programme   string
	RoleTermID  int64
	Year        int // running at some time in the year
	Responsible int64
	Query       string // full text, in Norwegian or English
	Sort        string // "updated" (newest first, the default), "title", "start" (newest first)
	After       string // the cursor of the page before
	Limit       int    // at most 200; 50 when zero
	Count       bool   // also count every match
}

// EngagementPage is one page of a list.
type EngagementPage struct {
	Items []*utsyn.Engagement
	Next  string // the cursor of the next page, "" on the last
	Total int    // every match, when the filter asked to count
}

// cursor is where a page ends: the sort value and the id of its last row.
type cursor struct {
	Value string `json:"v"`
	ID    int64  `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.cursor", Field: "after"}
	}
	return c, nil
}

// searchTerms splits a query into words of letters and digits; anything else separates them,
// so no query can carry search-engine syntax.
func searchTerms(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// ListEngagements returns a page of engagements in the filter's order. Pages are found by
// keyset (the cursor), never by offset, so page 1,000 costs what page 1 does.
func (db *DB) ListEngagements(ctx context.Context, f EngagementFilter) (*EngagementPage, error) {
	where := []string{"e.org_id = $1"}
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	list := func(column string, values []string) {
		var ps []string
		for _, v := range values {
			ps = append(ps, arg(v))
		}
		where = append(where, column+" IN ("+strings.Join(ps, ", ")+")")
	}
	if f.PublicOnly {
		where = append(where, "e.public = "+arg(true))
	}
	if len(f.Kinds) > 0 {
		list("e.kind", f.Kinds)
	}
	if len(f.Statuses) > 0 {
		list("e.status", f.Statuses)
	}
	if len(f.ElementIDs) > 0 {
		ids := make([]string, len(f.ElementIDs))
		for i, id := range f.ElementIDs {
			ids[i] = fmt.Sprint(id)
		}
		where = append(where, "EXISTS (SELECT 1 FROM engagement_elements ee WHERE ee.engagement_id = e.id AND ee.element_id IN ("+strings.Join(ids, ",")+"))")
	}
	if f.Country != "" {
		where = append(where, "EXISTS (SELECT 1 FROM engagement_partners ep JOIN actors a ON a.id = ep.actor_id WHERE ep.engagement_id = e.id AND a.country = "+arg(f.Country)+")")
	}
	if f.Programme != "" {
		where = append(where, "e.programme = "+arg(f.Programme))
	}
	if f.RoleTermID != 0 {
		where = append(where, "e.role_term_id = "+arg(f.RoleTermID))
	}
	if f.Year != 0 {
		where = append(where, "(e.start_date IS NULL OR e.start_date <= "+arg(fmt.Sprintf("%04d-12-31", f.Year))+")",
			"(e.end_date IS NULL OR e.end_date >= "+arg(fmt.Sprintf("%04d", f.Year))+")")
	}
	if f.Responsible != 0 {
		where = append(where, "e.responsible_id = "+arg(f.Responsible))
	}
	if terms := searchTerms(f.Query); len(terms) > 0 {
		where = append(where, db.dialect.matchSQL(arg(db.dialect.matchQuery(terms))))
	}
	var order, keyset string
	var value func(e *utsyn.Engagement) string
	switch f.Sort {
	case "title":
		order, keyset = "e.title_sort, e.id", "(e.title_sort, e.id) > (%s, %s)"
		value = func(e *utsyn.Engagement) string { return fold(e.Title.Get("nb")) }
	case "start":
		order, keyset = "coalesce(e.start_date, '') DESC, e.id DESC", "(coalesce(e.start_date, ''), e.id) < (%s, %s)"
		value = func(e *utsyn.Engagement) string { return e.Start.String() }
	case "", "updated":
		order, keyset = "e.updated_at DESC, e.id DESC", "(e.updated_at, e.id) < (%s, %s)"
		value = func(e *utsyn.Engagement) string { return e.UpdatedAt.UTC().Format(time.RFC3339Nano) }
	default:
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.sort", Field: "sort"}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)

	page := &EngagementPage{}
	if f.Count {
		if err := db.reads().QueryRowContext(ctx, `SELECT count(*) FROM engagements e WHERE `+strings.Join(where, " AND "), args...).Scan(&page.Total); err != nil {
			return nil, fmt.Errorf("count engagements: %w", err)
		}
	}
	if f.After != "" {
		c, err := decodeCursor(f.After)
		if err != nil {
			return nil, err
		}
		var v any = c.Value
		if f.Sort == "" || f.Sort == "updated" {
			t, err := time.Parse(time.RFC3339Nano, c.Value)
			if err != nil {
				return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.cursor", Field: "after"}
			}
			v = t
		}
		where = append(where, fmt.Sprintf(keyset, arg(v), arg(c.ID)))
	}
	query := `SELECT ` + engagementColumns + engagementFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + fmt.Sprintf(` LIMIT %d`, limit+1)
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		e, err := scanEngagement(r)
		if err != nil {
			return err
		}
		page.Items = append(page.Items, e)
		return nil
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list engagements: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = encodeCursor(cursor{Value: value(last), ID: last.ID})
	}
	if err := fillEngagements(ctx, db.reads(), page.Items); err != nil {
		return nil, err
	}
	return page, nil
}
