package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/places"
)

const actorColumns = `id, org_id, name, country, region, type, org_number, pic, website, version, created_at, updated_at`

func scanActor(row interface{ Scan(...any) error }) (*utsyn.Actor, error) {
	a := &utsyn.Actor{}
	var orgNumber, pic sql.NullString
	err := row.Scan(&a.ID, &a.OrgID, &a.Name, &a.Country, &a.Region, &a.Type, &orgNumber, &pic, &a.Website, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	a.OrgNumber, a.PIC = orgNumber.String, pic.String
	return a, err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FindSameActor returns the organisation's actor that a new entry is the same as: the one with
// its organisation number, else its PIC, else its name (folded) in the same country. It returns
// not-found when there is none.
func (tx *Tx) FindSameActor(ctx context.Context, a *utsyn.Actor) (*utsyn.Actor, error) {
	return findSameActor(ctx, tx.tx, a)
}

func findSameActor(ctx context.Context, q queryer, a *utsyn.Actor) (*utsyn.Actor, error) {
	try := func(where string, args ...any) (*utsyn.Actor, error) {
		found, err := scanActor(q.QueryRowContext(ctx, `SELECT `+actorColumns+` FROM actors WHERE org_id = $1 AND id <> $2 AND `+where+` ORDER BY id LIMIT 1`,
			append([]any{a.OrgID, a.ID}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return found, err
	}
	checks := []struct {
		ok    bool
		where string
		arg   string
	}{
		{a.OrgNumber != "", "org_number = $3", a.OrgNumber},
		{a.PIC != "", "pic = $3", a.PIC},
		{a.Name != "", "name_key = $3 AND country = $4", fold(a.Name)},
	}
	for _, c := range checks {
		if !c.ok {
			continue
		}
		args := []any{c.arg}
		if strings.Contains(c.where, "$4") {
			args = append(args, a.Country)
		}
		found, err := try(c.where, args...)
		if err != nil {
			return nil, fmt.Errorf("find same actor: %w", err)
		}
		if found != nil {
			return found, nil
		}
	}
	return nil, notFound("actor")
}

// CreateActor stores a new actor. An actor that is already registered (FindSameActor) is
// refused with a conflict naming it, so the same partner is not registered twice.
func (tx *Tx) CreateActor(ctx context.Context, a *utsyn.Actor) error {
	a.Name, a.Country = strings.TrimSpace(a.Name), strings.ToUpper(strings.TrimSpace(a.Country))
	if err := validateActor(a); err != nil {
		return err
	}
	if same, err := tx.FindSameActor(ctx, a); err == nil {
		return sameActor(same)
	} else if !utsyn.IsNotFound(err) {
		return err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = 1, tx.now, tx.now
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO actors (org_id, name, name_key, country, region, type, org_number, pic, website,
		version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.OrgID, a.Name, fold(a.Name), a.Country, a.Region, a.Type, nullString(a.OrgNumber), nullString(a.PIC), a.Website,
		a.Version, tx.now, tx.now).Scan(&a.ID); err != nil {
		return fmt.Errorf("create actor: %w", err)
	}
	return tx.Record(ctx, a.OrgID, "create", "actor", a.ID, a.Name, actorChanges(&utsyn.Actor{}, a))
}

// validateActor checks an actor, and that its country is one (ISO 3166-1).
func validateActor(a *utsyn.Actor) error {
	if err := utsyn.ValidateActor(a); err != nil {
		return err
	}
	if _, ok := places.Lookup(a.Country); !ok {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.country", Field: "country"}
	}
	return nil
}

// FindOrCreateActor returns the actor a new entry is the same as, or stores it as new; created
// says which.
func (tx *Tx) FindOrCreateActor(ctx context.Context, a *utsyn.Actor) (created bool, err error) {
	if same, err := tx.FindSameActor(ctx, a); err == nil {
		*a = *same
		return false, nil
	} else if !utsyn.IsNotFound(err) {
		return false, err
	}
	return true, tx.CreateActor(ctx, a)
}

func actorChanges(before, after *utsyn.Actor) []utsyn.Change {
	var out []utsyn.Change
	for _, f := range [][3]string{
		{"name", before.Name, after.Name}, {"country", before.Country, after.Country}, {"region", before.Region, after.Region},
		{"type", before.Type, after.Type}, {"org_number", before.OrgNumber, after.OrgNumber}, {"pic", before.PIC, after.PIC},
		{"website", before.Website, after.Website},
	} {
		if f[1] != f[2] {
			out = append(out, utsyn.Change{Field: f[0], Before: f[1], After: f[2]})
		}
	}
	return out
}

// UpdateActor stores a new version of an actor, refusing a stale version with a conflict.
func (tx *Tx) UpdateActor(ctx context.Context, a *utsyn.Actor) error {
	a.Name, a.Country = strings.TrimSpace(a.Name), strings.ToUpper(strings.TrimSpace(a.Country))
	if err := validateActor(a); err != nil {
		return err
	}
	before, err := findActor(ctx, tx.tx, a.OrgID, a.ID)
	if err != nil {
		return err
	}
	if before.Version != a.Version {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
	}
	if same, err := tx.FindSameActor(ctx, a); err == nil {
		return sameActor(same)
	} else if !utsyn.IsNotFound(err) {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE actors SET name = $1, name_key = $2, country = $3, region = $4, type = $5,
		org_number = $6, pic = $7, website = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND org_id = $11`,
		a.Name, fold(a.Name), a.Country, a.Region, a.Type, nullString(a.OrgNumber), nullString(a.PIC), a.Website, tx.now,
		a.ID, a.OrgID); err != nil {
		return fmt.Errorf("update actor %d: %w", a.ID, err)
	}
	a.Version++
	if changes := actorChanges(before, a); len(changes) > 0 {
		return tx.Record(ctx, a.OrgID, "update", "actor", a.ID, a.Name, changes)
	}
	return nil
}

// SameActorError names the registered actor that a new entry is the same as.
type SameActorError struct {
	Existing *utsyn.Actor
}

func (e *SameActorError) Error() string {
	return fmt.Sprintf("the actor is registered already: %s (%d)", e.Existing.Name, e.Existing.ID)
}

func sameActor(a *utsyn.Actor) error {
	return fmt.Errorf("%w: %w", &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.actor_exists", Field: "name"}, &SameActorError{Existing: a})
}

// ActorInUseError says which engagements use an actor that was to be deleted.
type ActorInUseError struct {
	Titles []string
}

func (e *ActorInUseError) Error() string {
	return "the actor is a partner or funder of: " + strings.Join(e.Titles, "; ")
}

// DeleteActor removes an actor no engagement uses. One in use is refused with a conflict whose
// cause, an *ActorInUseError, names the engagements.
func (tx *Tx) DeleteActor(ctx context.Context, orgID, id int64) error {
	a, err := findActor(ctx, tx.tx, orgID, id)
	if err != nil {
		return err
	}
	var titles []string
	err = eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var t utsyn.Text
		if err := r.Scan(&t); err != nil {
			return err
		}
		titles = append(titles, t.Get("nb"))
		return nil
	}, `SELECT DISTINCT e.title FROM engagements e WHERE e.id IN (SELECT engagement_id FROM engagement_partners WHERE actor_id = $1)
		OR e.id IN (SELECT engagement_id FROM money_lines WHERE funder_id = $1)`, id)
	if err != nil {
		return fmt.Errorf("delete actor %d: %w", id, err)
	}
	if len(titles) > 0 {
		return fmt.Errorf("%w: %w", &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.actor_in_use"}, &ActorInUseError{Titles: titles})
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM actors WHERE id = $1 AND org_id = $2`, id, orgID); err != nil {
		return fmt.Errorf("delete actor %d: %w", id, err)
	}
	return tx.Record(ctx, orgID, "delete", "actor", id, a.Name, actorChanges(a, &utsyn.Actor{}))
}

// FindActor returns the organisation's actor with the id.
func (db *DB) FindActor(ctx context.Context, orgID, id int64) (*utsyn.Actor, error) {
	return findActor(ctx, db.reads(), orgID, id)
}

func findActor(ctx context.Context, q queryer, orgID, id int64) (*utsyn.Actor, error) {
	a, err := scanActor(q.QueryRowContext(ctx, `SELECT `+actorColumns+` FROM actors WHERE id = $1 AND org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("actor")
	} else if err != nil {
		return nil, fmt.Errorf("find actor %d: %w", id, err)
	}
	return a, nil
}

// ListActors returns the organisation's actors whose name starts with or contains the query
// (folded), by name; at most limit (200 when zero).
func (db *DB) ListActors(ctx context.Context, orgID int64, query string, limit int) ([]*utsyn.Actor, error) {
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var out []*utsyn.Actor
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		a, err := scanActor(r)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	}, `SELECT `+actorColumns+` FROM actors WHERE org_id = $1 AND ($2 = '' OR name_key LIKE $3 OR org_number = $2 OR pic = $2)
		ORDER BY name_key, id LIMIT `+fmt.Sprint(limit), orgID, strings.TrimSpace(query), "%"+fold(query)+"%")
	if err != nil {
		return nil, fmt.Errorf("list actors: %w", err)
	}
	return out, nil
}
