package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/utsyn/utsyn"
)

// The register's pages need a few lists the register's writes do not: what an actor takes part
// in, and the values the list's filters offer.

// ActorPart is one engagement an actor takes part in: as a partner in a role, or as the funder
// of a money line (Role "funder_money").
type ActorPart struct {
	EngagementID int64
	Title        utsyn.Text
	Kind         string
	Status       string
	Role         string
}

// ActorParts returns the organisation's engagements the actor is a partner in, or funds through
// a money line, by title.
func (db *DB) ActorParts(ctx context.Context, orgID, actorID int64) ([]ActorPart, error) {
	var out []ActorPart
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var p ActorPart
		var sortKey string
		if err := r.Scan(&p.EngagementID, &p.Title, &p.Kind, &p.Status, &p.Role, &sortKey); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, `SELECT e.id, e.title, e.kind, e.status, ep.role, e.title_sort FROM engagement_partners ep JOIN engagements e ON e.id = ep.engagement_id
		WHERE ep.actor_id = $1 AND e.org_id = $2
		UNION
		SELECT DISTINCT e.id, e.title, e.kind, e.status, 'funder_money', e.title_sort FROM money_lines m JOIN engagements e ON e.id = m.engagement_id
		WHERE m.funder_id = $1 AND e.org_id = $2
		ORDER BY 6, 1, 5`, actorID, orgID)
	if err != nil {
		return nil, fmt.Errorf("actor %d parts: %w", actorID, err)
	}
	return out, nil
}

// RegisterChoices are the values the register's filters offer: those in use.
type RegisterChoices struct {
	Programmes []string // the programmes engagements name, by name
	Countries  []string // the countries of the organisation's actors (ISO 3166-1 alpha-2)
}

// RegisterChoices returns the programmes and partner countries the organisation's register uses.
func (db *DB) RegisterChoices(ctx context.Context, orgID int64) (*RegisterChoices, error) {
	c := &RegisterChoices{}
	for _, q := range []struct {
		into  *[]string
		query string
	}{
		// Each programme is found by one step along the index engagements_programme, from the
		// one before (a loose index scan): a DISTINCT over the rows read every engagement, 2 s a
		// page for 100,000 on a busy machine (docs/PERFORMANCE.md).
		{&c.Programmes, `WITH RECURSIVE p (programme) AS (
			SELECT min(programme) FROM engagements WHERE org_id = $1 AND programme > ''
			UNION ALL
			SELECT (SELECT min(e.programme) FROM engagements e WHERE e.org_id = $1 AND e.programme > p.programme)
			FROM p WHERE p.programme IS NOT NULL)
			SELECT programme FROM p WHERE programme IS NOT NULL`},
		{&c.Countries, `SELECT DISTINCT country FROM actors WHERE org_id = $1 ORDER BY country`},
	} {
		err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
			var s string
			if err := r.Scan(&s); err != nil {
				return err
			}
			*q.into = append(*q.into, s)
			return nil
		}, q.query, orgID)
		if err != nil {
			return nil, fmt.Errorf("register choices: %w", err)
		}
	}
	return c, nil
}

// YearsWithout returns the years in which the organisation has money lines in the currency but
// no exchange rate for it, oldest first: the years whose totals cannot be given in NOK.
func (db *DB) YearsWithout(ctx context.Context, orgID int64, currency string) ([]int, error) {
	var out []int
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var y int
		if err := r.Scan(&y); err != nil {
			return err
		}
		out = append(out, y)
		return nil
	}, `SELECT DISTINCT m.year FROM money_lines m JOIN engagements e ON e.id = m.engagement_id
		WHERE e.org_id = $1 AND m.currency = $2 AND NOT EXISTS (SELECT 1 FROM exchange_rates x
			WHERE x.org_id = e.org_id AND x.year = m.year AND x.currency = m.currency)
		ORDER BY m.year`, orgID, currency)
	if err != nil {
		return nil, fmt.Errorf("years without a rate: %w", err)
	}
	return out, nil
}

// DeleteMoneyLineAt removes a money line of one of the organisation's engagements if it is still
// at the version the caller saw; a line changed since is refused with a conflict.
func (tx *Tx) DeleteMoneyLineAt(ctx context.Context, orgID, id int64, version int) error {
	m, err := findMoneyLine(ctx, tx.tx, orgID, id)
	if err != nil {
		return err
	}
	if m.Version != version {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
	}
	return tx.DeleteMoneyLine(ctx, orgID, id)
}
