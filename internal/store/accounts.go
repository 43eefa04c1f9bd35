package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
)

// CreateUser stores a new user with their memberships. The email must be normalised
// (utsyn.NormaliseEmail) and not taken.
func (tx *Tx) CreateUser(ctx context.Context, u *utsyn.User) error {
	email, err := utsyn.NormaliseEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	if len([]rune(u.Name)) > utsyn.MaxShort {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.too_long", Field: "name"}
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email = $1`, u.Email).Scan(&n); err != nil {
		return fmt.Errorf("create user: %w", err)
	} else if n > 0 {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.email_taken", Field: "email"}
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, u.Email, u.Name, u.PasswordHash, tx.now, tx.now).Scan(&u.ID); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	for _, m := range u.Memberships {
		if err := tx.SetMembership(ctx, u.ID, m.OrgID, m.Role); err != nil {
			return err
		}
	}
	return nil
}

// SetMembership gives the user the role in the organisation, replacing any role they had there,
// and records it in the audit trail.
func (tx *Tx) SetMembership(ctx context.Context, userID, orgID int64, role utsyn.Role) error {
	if !role.Valid() {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.role", Field: "role"}
	}
	var before string
	err := tx.tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2`, userID, orgID).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set membership: %w", err)
	}
	if before == string(role) {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = $1 AND org_id = $2`, userID, orgID); err != nil {
		return fmt.Errorf("set membership: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, $3)`, userID, orgID, string(role)); err != nil {
		return fmt.Errorf("set membership: %w", err)
	}
	var email string
	if err := tx.tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email); err != nil {
		return fmt.Errorf("set membership: %w", err)
	}
	return tx.Record(ctx, orgID, "update", "user", userID, email, []utsyn.Change{{Field: "role", Before: before, After: string(role)}})
}

// SetPassword replaces a user's password hash and ends all their sessions, so a changed or
// reset password locks out whoever knew the old one.
func (tx *Tx) SetPassword(ctx context.Context, userID int64, hash string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, tx.now, userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user")
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

const userColumns = `id, email, name, password_hash, created_at, updated_at`

func findUser(ctx context.Context, q queryer, where string, arg any) (*utsyn.User, error) {
	u := &utsyn.User{}
	err := q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	err = eachRow(ctx, q, func(r *sql.Rows) error {
		var m utsyn.Membership
		var role string
		if err := r.Scan(&m.OrgID, &m.OrgSlug, &role); err != nil {
			return err
		}
		m.Role = utsyn.Role(role)
		u.Memberships = append(u.Memberships, m)
		return nil
	}, `SELECT m.org_id, o.slug, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id
		WHERE m.user_id = $1 ORDER BY o.slug`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("find user memberships: %w", err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the address (any case), with their memberships.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*utsyn.User, error) {
	return findUser(ctx, db.reads(), `email = $1`, strings.ToLower(strings.TrimSpace(email)))
}

// FindUserByEmail is DB.FindUserByEmail inside the transaction.
func (tx *Tx) FindUserByEmail(ctx context.Context, email string) (*utsyn.User, error) {
	return findUser(ctx, tx.tx, `email = $1`, strings.ToLower(strings.TrimSpace(email)))
}

// FindUser returns the user with the id, with their memberships.
func (db *DB) FindUser(ctx context.Context, id int64) (*utsyn.User, error) {
	return findUser(ctx, db.reads(), `id = $1`, id)
}

// ListUsers returns the organisation's members with their role there, by email.
func (db *DB) ListUsers(ctx context.Context, orgID int64) ([]*utsyn.User, error) {
	var out []*utsyn.User
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		u := &utsyn.User{}
		var m utsyn.Membership
		var role string
		if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt, &m.OrgID, &m.OrgSlug, &role); err != nil {
			return err
		}
		m.Role = utsyn.Role(role)
		u.Memberships = []utsyn.Membership{m}
		out = append(out, u)
		return nil
	}, `SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at, m.org_id, o.slug, m.role
		FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.org_id
		WHERE m.org_id = $1 ORDER BY u.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// Session is a signed-in browser.
type Session struct {
	TokenHash  string
	UserID     int64
	OrgID      int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end, whatever the activity
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s *Session) error {
	s.CreatedAt, s.LastSeenAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, org_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.TokenHash, s.UserID, s.OrgID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession returns the session with the hash and its user, with their memberships, or
// not-found. One query, not one for each: every page a signed-in person asks for begins here.
// In a context of OneChangeStamp, given the slug of the organisation the page is about (or
// may be: a slug that names none reads nothing), it reads that organisation and its change
// stamp in the same query, for FindOrganisation to answer from: on PostgreSQL each query is a
// round trip to another process, and this one was a tenth of a list page's time.
func (db *DB) FindSession(ctx context.Context, tokenHash, orgSlug string) (*Session, *utsyn.User, error) {
	memo := stamps(ctx)
	withOrg := memo != nil && orgSlug != ""
	var s *Session
	u := &utsyn.User{}
	var org *utsyn.Organisation
	var orgStamp string
	orgColumns, orgJoins, args := "", "", []any{tokenHash}
	if withOrg {
		orgColumns = ", " + strings.ReplaceAll("po."+organisationColumns, ", ", ", po.") + ", pa.id, pa.at"
		orgJoins = ` LEFT JOIN organisations po ON po.slug = CAST($2 AS TEXT)
			LEFT JOIN audit_events pa ON pa.id =
				(SELECT l.id FROM audit_events l WHERE l.org_id = po.id ORDER BY l.at DESC, l.id DESC LIMIT 1)`
		args = append(args, orgSlug)
	}
	query := `SELECT s.user_id, s.org_id, s.created_at, s.last_seen_at, s.expires_at,
			u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at, m.org_id, o.slug, m.role` + orgColumns + `
		FROM sessions s JOIN users u ON u.id = s.user_id
			LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN organisations o ON o.id = m.org_id` + orgJoins + `
		WHERE s.token_hash = CAST($1 AS TEXT) ORDER BY o.slug` // CAST: see reader
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		first := Session{TokenHash: tokenHash}
		var orgID sql.NullInt64
		var slug, role sql.NullString
		dest := []any{&first.UserID, &first.OrgID, &first.CreatedAt, &first.LastSeenAt, &first.ExpiresAt,
			&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt, &u.UpdatedAt, &orgID, &slug, &role}
		if withOrg && s == nil { // the organisation's columns, NULL where the slug names none
			var stampID sql.NullInt64
			var stampAt sql.NullTime
			o, err := scanOrganisation(among{r, dest, []any{&stampID, &stampAt}})
			if err != nil {
				return err
			}
			if o.ID != 0 {
				org = o
				if stampID.Valid {
					orgStamp = changeStamp(stampID.Int64, stampAt.Time)
				}
			}
		} else {
			if withOrg { // the organisation's columns and its stamp's two, read with the first row
				for range strings.Count(organisationColumns, ",") + 1 + 2 {
					dest = append(dest, new(any))
				}
			}
			if err := r.Scan(dest...); err != nil {
				return err
			}
		}
		if s == nil {
			s = &first
		}
		if orgID.Valid {
			u.Memberships = append(u.Memberships, utsyn.Membership{OrgID: orgID.Int64, OrgSlug: slug.String, Role: utsyn.Role(role.String)})
		}
		return nil
	}, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	} else if s == nil {
		return nil, nil, notFound("session")
	}
	if org != nil {
		memo.remember(org.ID, orgStamp)
		memo.found(org)
	}
	return s, u, nil
}

// TouchSession records activity on a session, for its idle time-out.
func (db *DB) TouchSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, db.now(), tokenHash)
	return err
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions that ended before the time.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleBefore time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`, db.now(), idleBefore)
	return err
}

// CreatePasswordReset stores a one-time reset link's hash for the user.
func (tx *Tx) CreatePasswordReset(ctx context.Context, tokenHash string, userID, createdBy int64, expires time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_by, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, nullID(createdBy), expires)
	if err != nil {
		return fmt.Errorf("create password reset: %w", err)
	}
	return nil
}

// UsePasswordReset spends a reset link: it returns the user it was made for, or not-found when
// the link is unknown, used or expired.
func (tx *Tx) UsePasswordReset(ctx context.Context, tokenHash string) (int64, error) {
	var userID int64
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id FROM password_resets
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, tx.now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("reset")
	} else if err != nil {
		return 0, fmt.Errorf("use password reset: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE token_hash = $2`, tx.now, tokenHash); err != nil {
		return 0, fmt.Errorf("use password reset: %w", err)
	}
	return userID, nil
}

// FindPasswordReset reports whether a reset link is still usable, without spending it.
func (db *DB) FindPasswordReset(ctx context.Context, tokenHash string) (int64, error) {
	var userID int64
	err := db.reads().QueryRowContext(ctx, `SELECT user_id FROM password_resets
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, db.now()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("reset")
	}
	return userID, err
}

// RecordSigninFailure notes a failed sign-in under each key.
func (db *DB) RecordSigninFailure(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO signin_failures (key, at) VALUES ($1, $2)`, k, db.now()); err != nil {
			return fmt.Errorf("record sign-in failure: %w", err)
		}
	}
	return nil
}

// SigninFailures returns how many sign-ins failed under the key since the time, and when the
// oldest of them was.
func (db *DB) SigninFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	if err := db.reads().QueryRowContext(ctx, `SELECT count(*) FROM signin_failures WHERE key = $1 AND at > $2`, key, since).Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("count sign-in failures: %w", err)
	}
	var oldest time.Time
	if n > 0 {
		if err := db.reads().QueryRowContext(ctx, `SELECT at FROM signin_failures WHERE key = $1 AND at > $2 ORDER BY at LIMIT 1`, key, since).Scan(&oldest); err != nil {
			return 0, time.Time{}, fmt.Errorf("count sign-in failures: %w", err)
		}
	}
	return n, oldest, nil
}

// ClearSigninFailures forgets the failures under the key, after a successful sign-in.
func (db *DB) ClearSigninFailures(ctx context.Context, key string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = $1`, key)
	return err
}

// RemoveMembership takes the user's role in the organisation away and ends their sessions
// there. A user left with no organisation is deleted, with their sessions and tokens.
func (tx *Tx) RemoveMembership(ctx context.Context, userID, orgID int64) error {
	var email, role string
	err := tx.tx.QueryRowContext(ctx, `SELECT u.email, m.role FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.id = $1 AND m.org_id = $2`, userID, orgID).Scan(&email, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("user")
	} else if err != nil {
		return fmt.Errorf("remove membership: %w", err)
	}
	for _, q := range []string{
		`DELETE FROM memberships WHERE user_id = $1 AND org_id = $2`,
		`DELETE FROM sessions WHERE user_id = $1 AND org_id = $2`,
		`DELETE FROM api_tokens WHERE user_id = $1 AND org_id = $2`,
	} {
		if _, err := tx.tx.ExecContext(ctx, q, userID, orgID); err != nil {
			return fmt.Errorf("remove membership: %w", err)
		}
	}
	if err := tx.Record(ctx, orgID, "remove", "user", userID, email, []utsyn.Change{{Field: "role", Before: role}}); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1)`, userID); err != nil {
		return fmt.Errorf("remove membership: %w", err)
	}
	return nil
}

// CountAdmins returns how many administrators the organisation has.
func (tx *Tx) CountAdmins(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE org_id = $1 AND role = 'admin'`, orgID).Scan(&n)
	return n, err
}
