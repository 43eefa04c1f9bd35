package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
)

// OIDCProvider is an organisation's single sign-on through OpenID Connect: the provider that
// vouches for its people, and how the provider's claims become roles in Utsyn.
type OIDCProvider struct {
	OrgID        int64
	OrgSlug      string     // filled in by the reads, ignored by SaveOIDCProvider
	OrgName      utsyn.Text // likewise
	Issuer       string     // e.g. https://login.microsoftonline.com/{tenant}/v2.0
	ClientID     string
	ClientSecret string // empty for a public client
	// RoleClaim names the claim that carries roles or groups ("roles" for Entra ID's app
	// roles, "groups", or a dotted path such as "realm_access.roles"); empty for none.
	RoleClaim string
	// RoleMap gives the Utsyn role for each value of the role claim.
	RoleMap map[string]utsyn.Role
	// CreateUnknown makes a user of a person the provider vouches for but Utsyn does not know,
	// as a reader unless the role claim maps higher.
	CreateUnknown bool
	Enabled       bool
	UpdatedAt     time.Time
}

// Limits of the settings, generous for any provider seen in practice.
const (
	maxIssuer    = 500
	maxClientID  = 255
	maxSecret    = 1000
	maxRoleClaim = 100
	maxRoleMap   = 200
	maxRoleValue = 500
)

// Validate checks the settings and returns an EINVALID error naming each field that breaks a
// rule. The issuer must be an https URL; plain http is accepted only on this machine
// (localhost, 127.0.0.1, ::1), where tests run their own provider.
func (p *OIDCProvider) Validate() error {
	var probs utsyn.Problems
	switch u, err := url.Parse(p.Issuer); {
	case p.Issuer == "":
		probs.Add("issuer", "error.required")
	case len(p.Issuer) > maxIssuer:
		probs.Add("issuer", "error.too_long")
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(p.Issuer, " \t\r\n"):
		probs.Add("issuer", "sso.error_issuer")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		probs.Add("issuer", "sso.error_issuer_https")
	}
	if p.ClientID == "" {
		probs.Add("client_id", "error.required")
	} else if len(p.ClientID) > maxClientID {
		probs.Add("client_id", "error.too_long")
	}
	if len(p.ClientSecret) > maxSecret {
		probs.Add("client_secret", "error.too_long")
	}
	if len(p.RoleClaim) > maxRoleClaim {
		probs.Add("role_claim", "error.too_long")
	} else if strings.ContainsAny(p.RoleClaim, " \t\r\n") {
		probs.Add("role_claim", "sso.error_role_claim")
	}
	switch {
	case len(p.RoleMap) > maxRoleMap:
		probs.Add("role_map", "error.too_long")
	case len(p.RoleMap) > 0 && p.RoleClaim == "":
		probs.Add("role_claim", "sso.error_role_claim_missing")
	}
	for value, role := range p.RoleMap {
		if !role.Valid() {
			probs.Add("role_map", "error.role")
			break
		}
		if value == "" || len(value) > maxRoleValue {
			probs.Add("role_map", "sso.error_role_map")
			break
		}
	}
	return probs.Err()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

const oidcProviderColumns = `p.org_id, o.slug, o.name, p.issuer, p.client_id, p.client_secret, p.role_claim, p.role_map,
	p.create_unknown, p.enabled, p.updated_at`

func scanOIDCProvider(row interface{ Scan(...any) error }) (*OIDCProvider, error) {
	p := &OIDCProvider{}
	var roleMap string
	if err := row.Scan(&p.OrgID, &p.OrgSlug, &p.OrgName, &p.Issuer, &p.ClientID, &p.ClientSecret, &p.RoleClaim, &roleMap,
		&p.CreateUnknown, &p.Enabled, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roleMap), &p.RoleMap); err != nil {
		return nil, fmt.Errorf("role map of organisation %d: %w", p.OrgID, err)
	}
	if p.RoleMap == nil {
		p.RoleMap = map[string]utsyn.Role{}
	}
	return p, nil
}

func findOIDCProvider(ctx context.Context, q queryer, orgID int64) (*OIDCProvider, error) {
	p, err := scanOIDCProvider(q.QueryRowContext(ctx, `SELECT `+oidcProviderColumns+`
		FROM oidc_providers p JOIN organisations o ON o.id = p.org_id WHERE p.org_id = $1`, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("sso")
	} else if err != nil {
		return nil, fmt.Errorf("find OIDC provider: %w", err)
	}
	return p, nil
}

// FindOIDCProvider returns the organisation's single sign-on settings, enabled or not, or a
// not-found error when it has none.
func (db *DB) FindOIDCProvider(ctx context.Context, orgID int64) (*OIDCProvider, error) {
	return findOIDCProvider(ctx, db.reads(), orgID)
}

// ListOIDCProviders returns the enabled single sign-on settings of every organisation, by the
// organisation's slug, for the sign-in page.
func (db *DB) ListOIDCProviders(ctx context.Context) ([]*OIDCProvider, error) {
	var out []*OIDCProvider
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		p, err := scanOIDCProvider(r)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, `SELECT `+oidcProviderColumns+` FROM oidc_providers p JOIN organisations o ON o.id = p.org_id
		WHERE p.enabled ORDER BY o.slug`)
	if err != nil {
		return nil, fmt.Errorf("list OIDC providers: %w", err)
	}
	return out, nil
}

// SaveOIDCProvider stores the organisation's single sign-on settings, replacing any it had,
// and records what changed in the audit trail: the client secret's value never, only that it
// changed. Settings that break a rule give an EINVALID error (see Validate).
func (tx *Tx) SaveOIDCProvider(ctx context.Context, p *OIDCProvider) error {
	if err := p.Validate(); err != nil {
		return err
	}
	before, err := findOIDCProvider(ctx, tx.tx, p.OrgID)
	if utsyn.IsNotFound(err) {
		before = &OIDCProvider{RoleMap: map[string]utsyn.Role{}}
	} else if err != nil {
		return err
	}
	if p.RoleMap == nil {
		p.RoleMap = map[string]utsyn.Role{}
	}
	roleMap, err := json.Marshal(p.RoleMap)
	if err != nil {
		return err
	}
	var changes []utsyn.Change
	change := func(field, b, a string) {
		if b != a {
			changes = append(changes, utsyn.Change{Field: field, Before: b, After: a})
		}
	}
	change("issuer", before.Issuer, p.Issuer)
	change("client_id", before.ClientID, p.ClientID)
	if before.ClientSecret != p.ClientSecret {
		changes = append(changes, utsyn.Change{Field: "client_secret", Before: maskSecret(before.ClientSecret), After: maskSecret(p.ClientSecret)})
	}
	change("role_claim", before.RoleClaim, p.RoleClaim)
	change("role_map", FormatRoleMap(before.RoleMap, "; "), FormatRoleMap(p.RoleMap, "; "))
	flag := func(field string, b, a bool) {
		if before.Issuer == "" { // new settings: every choice is news
			changes = append(changes, utsyn.Change{Field: field, After: fmt.Sprint(a)})
		} else {
			change(field, fmt.Sprint(b), fmt.Sprint(a))
		}
	}
	flag("create_unknown", before.CreateUnknown, p.CreateUnknown)
	flag("enabled", before.Enabled, p.Enabled)
	if len(changes) == 0 {
		return nil
	}
	p.UpdatedAt = tx.now
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO oidc_providers (org_id, issuer, client_id, client_secret, role_claim, role_map, create_unknown, enabled, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (org_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = excluded.client_secret, role_claim = excluded.role_claim, role_map = excluded.role_map,
			create_unknown = excluded.create_unknown, enabled = excluded.enabled, updated_at = excluded.updated_at`,
		p.OrgID, p.Issuer, p.ClientID, p.ClientSecret, p.RoleClaim, string(roleMap), p.CreateUnknown, p.Enabled, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save OIDC provider: %w", err)
	}
	action := "update"
	if before.Issuer == "" {
		action = "create"
	}
	return tx.Record(ctx, p.OrgID, action, "sso", p.OrgID, p.Issuer, changes)
}

// maskSecret stands for a secret in the audit trail: whether there is one, never what it is.
func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return "••••••"
}

// FormatRoleMap writes a role map as "value = role" items, sorted by value, joined by sep.
func FormatRoleMap(m map[string]utsyn.Role, sep string) string {
	values := make([]string, 0, len(m))
	for v := range m {
		values = append(values, v)
	}
	slices.Sort(values)
	lines := make([]string, len(values))
	for i, v := range values {
		lines[i] = v + " = " + string(m[v])
	}
	return strings.Join(lines, sep)
}

// OIDCState is a sign-in that has gone to the provider and not yet come back.
type OIDCState struct {
	Hash        string // SHA-256 of the state parameter, hex
	OrgID       int64
	Lang        string
	Nonce       string
	Verifier    string // the PKCE code verifier
	RedirectURI string
	Next        string // where to go once signed in; empty for the organisation's page
	BrowserHash string // SHA-256 of the cookie of the browser that started the sign-in
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateOIDCState stores a started sign-in, and forgets those that expired unused.
func (tx *Tx) CreateOIDCState(ctx context.Context, st *OIDCState) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM oidc_states WHERE expires_at < $1`, tx.now); err != nil {
		return fmt.Errorf("create OIDC state: %w", err)
	}
	st.CreatedAt = tx.now
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO oidc_states (state_hash, org_id, lang, nonce, verifier, redirect_uri, next, browser_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		st.Hash, st.OrgID, st.Lang, st.Nonce, st.Verifier, st.RedirectURI, st.Next, st.BrowserHash, st.CreatedAt, st.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create OIDC state: %w", err)
	}
	return nil
}

// UseOIDCState spends a started sign-in: it returns it and deletes it, so that it serves once.
// An unknown, used or expired state gives a not-found error.
func (tx *Tx) UseOIDCState(ctx context.Context, hash string) (*OIDCState, error) {
	st := &OIDCState{Hash: hash}
	err := tx.tx.QueryRowContext(ctx, `SELECT org_id, lang, nonce, verifier, redirect_uri, next, browser_hash, created_at, expires_at
		FROM oidc_states WHERE state_hash = $1`, hash).Scan(&st.OrgID, &st.Lang, &st.Nonce, &st.Verifier, &st.RedirectURI,
		&st.Next, &st.BrowserHash, &st.CreatedAt, &st.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("sso_state")
	} else if err != nil {
		return nil, fmt.Errorf("use OIDC state: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM oidc_states WHERE state_hash = $1`, hash); err != nil {
		return nil, fmt.Errorf("use OIDC state: %w", err)
	}
	if !tx.now.Before(st.ExpiresAt) {
		return nil, notFound("sso_state")
	}
	return st, nil
}

// FindUserByIdentity returns the user an identity at a provider (issuer and subject) is linked
// to, with their memberships, or a not-found error.
func (tx *Tx) FindUserByIdentity(ctx context.Context, issuer, subject string) (*utsyn.User, error) {
	var userID int64
	err := tx.tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	} else if err != nil {
		return nil, fmt.Errorf("find user by identity: %w", err)
	}
	return findUser(ctx, tx.tx, `id = $1`, userID)
}

// FindUser is DB.FindUser inside the transaction.
func (tx *Tx) FindUser(ctx context.Context, id int64) (*utsyn.User, error) {
	return findUser(ctx, tx.tx, `id = $1`, id)
}

// LinkIdentity ties an identity at a provider to a user, so that the provider's word for that
// identity signs the user in from now on, and records it in the organisation's audit trail.
// An identity already linked gives a conflict error.
func (tx *Tx) LinkIdentity(ctx context.Context, orgID int64, issuer, subject string, userID int64) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM user_identities WHERE issuer = $1 AND subject = $2`, issuer, subject).Scan(&n); err != nil {
		return fmt.Errorf("link identity: %w", err)
	} else if n > 0 {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO user_identities (issuer, subject, user_id) VALUES ($1, $2, $3)`, issuer, subject, userID); err != nil {
		return fmt.Errorf("link identity: %w", err)
	}
	var email string
	if err := tx.tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email); err != nil {
		return fmt.Errorf("link identity: %w", err)
	}
	return tx.Record(ctx, orgID, "link_identity", "user", userID, email, []utsyn.Change{{Field: "identity", After: issuer}})
}
