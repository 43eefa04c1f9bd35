package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
)

// UpdateAs runs fn in a transaction whose changes the audit trail credits to the actor.
func (db *DB) UpdateAs(ctx context.Context, actor *utsyn.Principal, fn func(tx *Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		tx.actor = actor
		return fn(tx)
	})
}

// Record writes an audit event in the transaction, so that no change is stored without its
// record and no record without its change.
func (tx *Tx) Record(ctx context.Context, orgID int64, action, entity string, entityID int64, summary string, changes []utsyn.Change) error {
	if changes == nil {
		changes = []utsyn.Change{}
	}
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	var userID int64
	label := "system"
	if tx.actor != nil {
		label = tx.actor.Label
		if tx.actor.User != nil {
			userID = tx.actor.User.ID
		}
	}
	if len(summary) > 300 {
		summary = summary[:300]
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audit_events (org_id, user_id, actor_label, at, action, entity, entity_id, summary, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, orgID, nullID(userID), label, tx.now, action, entity, entityID, summary, string(b))
	if err != nil {
		return fmt.Errorf("record %s %s %d: %w", action, entity, entityID, err)
	}
	return nil
}

// EventFilter selects audit events; zero fields select all.
type EventFilter struct {
	OrgID    int64
	Entity   string
	EntityID int64
	UserID   int64
	Action   string
	From, To time.Time // To is exclusive
	Limit    int
}

// ListEvents returns the organisation's audit events, newest first.
func (db *DB) ListEvents(ctx context.Context, f EventFilter) ([]utsyn.Event, error) {
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = $%d", f.EntityID)
	}
	if f.UserID != 0 {
		add("user_id = $%d", f.UserID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	var out []utsyn.Event
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var e utsyn.Event
		var userID sql.NullInt64
		var changes string
		if err := r.Scan(&e.ID, &e.OrgID, &userID, &e.ActorLabel, &e.At, &e.Action, &e.Entity, &e.EntityID, &e.Summary, &changes); err != nil {
			return err
		}
		e.UserID = userID.Int64
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return fmt.Errorf("event %d changes: %w", e.ID, err)
		}
		out = append(out, e)
		return nil
	}, `SELECT id, org_id, user_id, actor_label, at, action, entity, entity_id, summary, changes FROM audit_events
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return out, nil
}
