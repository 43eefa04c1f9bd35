package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/utsyn/utsyn"
)

// What the register's JSON API needs beyond the register itself: who may see an actor, where
// a linked element sits, the people an engagement names, and reads inside a write's transaction
// (so that a permission or version check and the write see the same record).

// inList writes ids of ours as a literal list for IN (…): integers, so safe to inline. Queries
// with such lists go to the read pool directly, not through the statement cache, which would
// otherwise keep one prepared statement for every list ever asked for.
func inList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// FindEngagement returns the organisation's engagement with the id, as the transaction sees it.
func (tx *Tx) FindEngagement(ctx context.Context, orgID, id int64) (*utsyn.Engagement, error) {
	return findEngagement(ctx, tx.tx, tx.db.dialect, orgID, id)
}

// FindActor returns the organisation's actor with the id, as the transaction sees it.
func (tx *Tx) FindActor(ctx context.Context, orgID, id int64) (*utsyn.Actor, error) {
	return findActor(ctx, tx.tx, orgID, id)
}

// FindMoneyLine returns one of the organisation's money lines, as the transaction sees it.
func (tx *Tx) FindMoneyLine(ctx context.Context, orgID, id int64) (*utsyn.MoneyLine, error) {
	return findMoneyLine(ctx, tx.tx, orgID, id)
}

// ElementScope returns the elements with the ids and every element below them, for a filter
// on "work under this goal". An id that is not an element of the organisation is refused as
// invalid, on the field "element"; with publishedOnly, so is an element of a strategy that is
// not published, so that the public cannot tell it from one that does not exist.
func (db *DB) ElementScope(ctx context.Context, orgID int64, ids []int64, publishedOnly bool) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var roots int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM elements e JOIN strategies s ON s.id = e.strategy_id
		WHERE s.org_id = $1 AND (s.published OR NOT CAST($2 AS BOOLEAN)) AND e.id IN (`+inList(ids)+`)`, orgID, publishedOnly).Scan(&roots); err != nil {
		return nil, fmt.Errorf("element scope: %w", err)
	}
	if roots != len(ids) {
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "element"}
	}
	var out []int64
	err := eachRow(ctx, db.read, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	}, `WITH RECURSIVE below (id) AS (
			SELECT id FROM elements WHERE id IN (`+inList(ids)+`)
			UNION SELECT c.id FROM elements c JOIN below b ON c.parent_id = b.id)
		SELECT id FROM below ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("element scope: %w", err)
	}
	return out, nil
}

// Person is a user as a record names them: for the person responsible for an engagement.
type Person struct {
	ID    int64
	Email string
	Name  string
}

// People returns the users with the ids, by id; ids of no user are left out.
func (db *DB) People(ctx context.Context, ids []int64) (map[int64]Person, error) {
	out := map[int64]Person{}
	if len(ids) == 0 {
		return out, nil
	}
	err := eachRow(ctx, db.read, func(r *sql.Rows) error {
		var p Person
		if err := r.Scan(&p.ID, &p.Email, &p.Name); err != nil {
			return err
		}
		out[p.ID] = p
		return nil
	}, `SELECT id, email, name FROM users WHERE id IN (`+inList(ids)+`)`)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	return out, nil
}

// publicActor is the condition that the actor a is named by a published engagement: as a
// partner, or as the funder of one of its money lines; p is the parameter that holds true.
// Only such actors are shown to the public: a partner of internal work alone would tell what
// the organisation does not publish.
func publicActor(p string) string {
	return `(EXISTS (SELECT 1 FROM engagement_partners ep JOIN engagements e ON e.id = ep.engagement_id
			WHERE ep.actor_id = a.id AND e.public = ` + p + `)
		OR EXISTS (SELECT 1 FROM money_lines m JOIN engagements e ON e.id = m.engagement_id
			WHERE m.funder_id = a.id AND e.public = ` + p + `))`
}

// ActorIsPublic reports whether a published engagement names the organisation's actor.
func (db *DB) ActorIsPublic(ctx context.Context, orgID, id int64) (bool, error) {
	var n int
	err := db.reads().QueryRowContext(ctx, `SELECT count(*) FROM actors a WHERE a.org_id = $1 AND a.id = $2 AND `+publicActor("$3"),
		orgID, id, true).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("actor %d public: %w", id, err)
	}
	return n > 0, nil
}

// ActorFilter selects actors of one organisation.
type ActorFilter struct {
	OrgID      int64
	PublicOnly bool   // only actors a published engagement names
	Query      string // a part of the name (folded), or an organisation number or PIC
	After      string // the cursor of the page before
	Limit      int    // at most 200; 50 when zero
}

// ActorPage is one page of actors, by name.
type ActorPage struct {
	Items []*utsyn.Actor
	Next  string // the cursor of the next page, "" on the last
}

// ListActorPage returns a page of the organisation's actors by name, found by keyset like
// ListEngagements.
func (db *DB) ListActorPage(ctx context.Context, f ActorFilter) (*ActorPage, error) {
	where := []string{"a.org_id = $1"}
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.PublicOnly {
		where = append(where, publicActor(arg(true)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(a.name_key LIKE "+arg("%"+fold(q)+"%")+" OR a.org_number = "+arg(q)+" OR a.pic = "+arg(q)+")")
	}
	if f.After != "" {
		c, err := decodeCursor(f.After)
		if err != nil {
			return nil, err
		}
		where = append(where, fmt.Sprintf("(a.name_key, a.id) > (%s, %s)", arg(c.Value), arg(c.ID)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	page := &ActorPage{}
	var keys []string
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var key string
		a := &utsyn.Actor{}
		var orgNumber, pic sql.NullString
		if err := r.Scan(&a.ID, &a.OrgID, &a.Name, &a.Country, &a.Region, &a.Type, &orgNumber, &pic, &a.Website, &a.Version,
			&a.CreatedAt, &a.UpdatedAt, &key); err != nil {
			return err
		}
		a.OrgNumber, a.PIC = orgNumber.String, pic.String
		page.Items = append(page.Items, a)
		keys = append(keys, key)
		return nil
	}, `SELECT a.id, a.org_id, a.name, a.country, a.region, a.type, a.org_number, a.pic, a.website, a.version, a.created_at,
		a.updated_at, a.name_key FROM actors a WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY a.name_key, a.id LIMIT %d`, limit+1), args...)
	if err != nil {
		return nil, fmt.Errorf("list actors: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = encodeCursor(cursor{Value: keys[limit-1], ID: page.Items[limit-1].ID})
	}
	return page, nil
}

// EngagementRef names an engagement.
type EngagementRef struct {
	ID     int64
	Title  utsyn.Text
	Public bool
}

// EngagementsUsingActor returns the organisation's engagements that name the actor as a partner
// or as the funder of a money line, by title: what stands in the way of deleting it.
func (db *DB) EngagementsUsingActor(ctx context.Context, orgID, actorID int64) ([]EngagementRef, error) {
	var out []EngagementRef
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var e EngagementRef
		if err := r.Scan(&e.ID, &e.Title, &e.Public); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	}, `SELECT e.id, e.title, e.public FROM engagements e WHERE e.org_id = $1 AND (
			e.id IN (SELECT engagement_id FROM engagement_partners WHERE actor_id = $2)
			OR e.id IN (SELECT engagement_id FROM money_lines WHERE funder_id = $2))
		ORDER BY e.title_sort, e.id`, orgID, actorID)
	if err != nil {
		return nil, fmt.Errorf("engagements using actor %d: %w", actorID, err)
	}
	return out, nil
}
