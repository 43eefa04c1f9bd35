package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/utsyn/utsyn"
)

// CreateToken stores an API token by the hash of its secret. The role must be no higher than
// the user's own in the organisation.
func (tx *Tx) CreateToken(ctx context.Context, t *utsyn.Token, secretHash string) error {
	var role string
	err := tx.tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2`, t.UserID, t.OrgID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.token_role", Field: "role"}
	} else if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	var p utsyn.Problems
	if !t.Role.Valid() {
		p.Add("role", "error.role")
	} else if !utsyn.Role(role).AtLeast(t.Role) {
		p.Add("role", "error.token_role")
	}
	if t.Name == "" {
		p.Add("name", "error.required")
	} else if len([]rune(t.Name)) > utsyn.MaxShort {
		p.Add("name", "error.too_long")
	}
	if !t.ExpiresAt.After(tx.now) || t.ExpiresAt.After(tx.now.AddDate(1, 0, 1)) {
		p.Add("expires", "error.token_expiry")
	}
	if err := p.Err(); err != nil {
		return err
	}
	t.CreatedAt = tx.now
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, org_id, name, role, prefix, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, t.UserID, t.OrgID, t.Name, string(t.Role), t.Prefix, secretHash,
		t.CreatedAt, t.ExpiresAt).Scan(&t.ID); err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return tx.Record(ctx, t.OrgID, "create", "token", t.ID, t.Name, []utsyn.Change{{Field: "role", After: string(t.Role)}})
}

const tokenColumns = `id, user_id, org_id, name, role, prefix, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*utsyn.Token, error) {
	t := &utsyn.Token{}
	var role string
	var lastUsed, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.OrgID, &t.Name, &role, &t.Prefix, &t.CreatedAt, &t.ExpiresAt, &lastUsed, &revoked); err != nil {
		return nil, err
	}
	t.Role, t.LastUsedAt, t.RevokedAt = utsyn.Role(role), lastUsed.Time, revoked.Time
	return t, nil
}

// FindTokenByHash returns the token with the secret's hash, whatever its state: the caller
// checks expiry and revocation, so it can say which.
func (db *DB) FindTokenByHash(ctx context.Context, secretHash string) (*utsyn.Token, error) {
	t, err := scanToken(db.reads().QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = CAST($1 AS TEXT)`, secretHash)) // CAST: see reader
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token")
	} else if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return t, nil
}

// TouchToken records that a token was used, at most once a minute, to spare the writer.
func (db *DB) TouchToken(ctx context.Context, t *utsyn.Token) error {
	now := db.now()
	if now.Sub(t.LastUsedAt) < time.Minute {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, t.ID)
	return err
}

// ListTokens returns the user's tokens in the organisation, newest first.
func (db *DB) ListTokens(ctx context.Context, userID, orgID int64) ([]*utsyn.Token, error) {
	var out []*utsyn.Token
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		t, err := scanToken(r)
		if err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 AND org_id = $2 ORDER BY created_at DESC, id DESC`, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken ends one of the user's tokens.
func (tx *Tx) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	var orgID int64
	var name string
	err := tx.tx.QueryRowContext(ctx, `SELECT org_id, name FROM api_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
		tokenID, userID).Scan(&orgID, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("token")
	} else if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, tx.now, tokenID); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return tx.Record(ctx, orgID, "revoke", "token", tokenID, name, nil)
}
