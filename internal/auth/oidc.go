package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// Single sign-on through OpenID Connect: the authorization code flow with PKCE (S256), a
// nonce, and a state that is kept on the server, used once and valid for StateLifetime.
const (
	StateLifetime     = 10 * time.Minute
	discoveryTimeout  = 5 * time.Second  // the provider's discovery document, at sign-in time
	exchangeTimeout   = 10 * time.Second // the token request and the provider's keys
	providerCacheTime = 10 * time.Minute // how long a discovery document is trusted
)

// Why a sign-in through a provider failed, as catalog keys: what the person is told.
const (
	SSOBadState    = "sso.fail.state"       // unknown, used or expired state, or another browser
	SSODenied      = "sso.fail.denied"      // the person or the provider said no
	SSOUnreachable = "sso.fail.unreachable" // the provider did not answer, or not sensibly
	SSOBadToken    = "sso.fail.token"       // the ID token did not verify
	SSOUnknownUser = "sso.fail.unknown"     // no such user here, and none is made
	SSOOtherOrg    = "sso.fail.other_org"   // the address belongs to a user of other organisations
	SSODisabled    = "sso.fail.disabled"    // the organisation has no enabled provider
	SSOBusy        = "sso.fail.busy"        // too many sign-ins started from one address
)

// SSOError is a sign-in through a provider that failed. Reason (one of the SSO* keys) is what
// the person is told; Err, when set, is what went wrong in detail, for the log only.
type SSOError struct {
	Reason string
	Err    error
}

func (e *SSOError) Error() string {
	if e.Err != nil {
		return "single sign-on: " + e.Reason + ": " + e.Err.Error()
	}
	return "single sign-on: " + e.Reason
}

func (e *SSOError) Unwrap() error { return e.Err }

func ssoFail(reason string, err error) error { return &SSOError{Reason: reason, Err: err} }

// OIDC talks to the organisations' OpenID Connect providers. It caches each issuer's
// discovery document (and with it the provider's keys) for some minutes. It is safe for
// concurrent use.
type OIDC struct {
	client *http.Client
	now    func() time.Time
	mu     sync.Mutex
	cache  map[string]cachedProvider // by issuer
}

type cachedProvider struct {
	provider  *oidc.Provider
	scopes    []string
	authStyle oauth2.AuthStyle // how the client authenticates at the token endpoint
	fetched   time.Time
}

// NewOIDC returns a client for OpenID Connect providers that makes its requests with client,
// or with a client that gives up after ten seconds when client is nil.
func NewOIDC(client *http.Client) *OIDC {
	if client == nil {
		client = &http.Client{Timeout: exchangeTimeout}
	}
	return &OIDC{client: client, now: time.Now, cache: map[string]cachedProvider{}}
}

// provider returns the issuer's provider, from the cache or fetched now.
func (o *OIDC) provider(ctx context.Context, issuer string) (cachedProvider, error) {
	o.mu.Lock()
	c, ok := o.cache[issuer]
	o.mu.Unlock()
	if ok && o.now().Sub(c.fetched) < providerCacheTime {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return cachedProvider{}, ssoFail(SSOUnreachable, err)
	}
	var meta struct {
		Scopes      []string `json:"scopes_supported"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return cachedProvider{}, ssoFail(SSOUnreachable, err)
	}
	// "openid" always; email and profile where the provider has them (ID-porten has no email,
	// and refuses a scope it does not know).
	c = cachedProvider{provider: p, scopes: []string{oidc.ScopeOpenID}, fetched: o.now()}
	for _, s := range []string{"profile", "email"} {
		if len(meta.Scopes) == 0 || slices.Contains(meta.Scopes, s) {
			c.scopes = append(c.scopes, s)
		}
	}
	// Left to guess, the oauth2 package tries one way and then the other, which sends a code
	// twice and hides a provider that went away behind its refusal of the second try.
	switch {
	case len(meta.AuthMethods) == 0 || slices.Contains(meta.AuthMethods, "client_secret_basic"):
		c.authStyle = oauth2.AuthStyleInHeader // the default of the standard
	case slices.Contains(meta.AuthMethods, "client_secret_post"):
		c.authStyle = oauth2.AuthStyleInParams
	}
	o.mu.Lock()
	o.cache[issuer] = c
	o.mu.Unlock()
	return c, nil
}

func oauthConfig(cfg *store.OIDCProvider, c cachedProvider, redirectURI string) *oauth2.Config {
	endpoint := c.provider.Endpoint()
	endpoint.AuthStyle = c.authStyle
	if cfg.ClientSecret == "" {
		endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client names itself in the request
	}
	return &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: endpoint,
		RedirectURL: redirectURI, Scopes: c.scopes}
}

// Begin starts a sign-in through the organisation's provider: it fetches the provider's
// discovery document (or takes it from the cache) and returns the address of the provider's
// sign-in page, and the state to keep until the browser comes back to redirectURI. The caller
// fills in the state's language, destination and browser, and stores it.
func (o *OIDC) Begin(ctx context.Context, cfg *store.OIDCProvider, redirectURI string) (string, *store.OIDCState, error) {
	c, err := o.provider(ctx, cfg.Issuer)
	if err != nil {
		return "", nil, err
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	st := &store.OIDCState{Hash: HashSecret(state), OrgID: cfg.OrgID, Nonce: nonce, Verifier: verifier,
		RedirectURI: redirectURI, ExpiresAt: o.now().Add(StateLifetime)}
	authURL := oauthConfig(cfg, c, redirectURI).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	return authURL, st, nil
}

// Identity is a person as the provider vouches for them.
type Identity struct {
	Issuer  string
	Subject string   // the provider's stable identifier for the person
	Email   string   // an address the provider vouches for (normalised), or "" when it vouches for none
	Name    string   // may be empty (ID-porten gives no name)
	Roles   []string // the values of the organisation's role claim
}

// idClaims are the claims Utsyn reads from an ID token.
type idClaims struct {
	Subject           string    `json:"sub"`
	Email             string    `json:"email"`
	EmailVerified     jsonBool  `json:"email_verified"`
	EmailDomainOwner  jsonBool  `json:"xms_edov"` // Entra ID: the email's domain is verified by the tenant
	PreferredUsername string    `json:"preferred_username"`
	Name              string    `json:"name"`
	AuthorizedParty   string    `json:"azp"`
	Audience          audClaims `json:"aud"`
}

// jsonBool reads true and "true" alike: some providers send email_verified as a string.
type jsonBool bool

func (b *jsonBool) UnmarshalJSON(data []byte) error {
	*b = jsonBool(string(data) == "true" || string(data) == `"true"`)
	return nil
}

// audClaims reads an audience given as a string or a list.
type audClaims []string

func (a *audClaims) UnmarshalJSON(data []byte) error {
	var one string
	if json.Unmarshal(data, &one) == nil {
		*a = []string{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(data, &many)
	*a = many
	return err
}

// Finish ends a sign-in that came back from the provider with a code: it exchanges the code
// with the PKCE verifier, verifies the ID token (signature by the provider's published keys,
// issuer, audience, expiry, nonce) and returns whom it names. Every failure is an *SSOError.
func (o *OIDC) Finish(ctx context.Context, cfg *store.OIDCProvider, st *store.OIDCState, code string) (*Identity, error) {
	c, err := o.provider(ctx, cfg.Issuer)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), exchangeTimeout)
	defer cancel()
	tok, err := oauthConfig(cfg, c, st.RedirectURI).Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) {
			return nil, ssoFail(SSOBadToken, err)
		}
		return nil, ssoFail(SSOUnreachable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, ssoFail(SSOBadToken, errors.New("no id_token in the token response"))
	}
	idToken, err := c.provider.VerifierContext(ctx, &oidc.Config{ClientID: cfg.ClientID, Now: o.now}).Verify(ctx, raw)
	if err != nil {
		return nil, ssoFail(SSOBadToken, err)
	}
	if idToken.Nonce != st.Nonce {
		return nil, ssoFail(SSOBadToken, errors.New("the nonce differs from the one sent"))
	}
	var claims idClaims
	if err := idToken.Claims(&claims); err != nil {
		return nil, ssoFail(SSOBadToken, err)
	}
	// OpenID Connect Core 3.1.3.7: a token for several audiences names us as its authorised party.
	if len(claims.Audience) > 1 && claims.AuthorizedParty != cfg.ClientID {
		return nil, ssoFail(SSOBadToken, fmt.Errorf("azp %q is not the client", claims.AuthorizedParty))
	}
	if claims.Subject == "" {
		return nil, ssoFail(SSOBadToken, errors.New("no subject"))
	}
	var all map[string]any
	if err := idToken.Claims(&all); err != nil {
		return nil, ssoFail(SSOBadToken, err)
	}
	id := &Identity{Issuer: idToken.Issuer, Subject: claims.Subject, Email: trustedEmail(cfg.Issuer, &claims),
		Name: strings.TrimSpace(claims.Name), Roles: claimValues(all, cfg.RoleClaim)}
	if len([]rune(id.Name)) > utsyn.MaxShort {
		id.Name = string([]rune(id.Name)[:utsyn.MaxShort])
	}
	return id, nil
}

// IsEntraID reports whether the issuer is Microsoft Entra ID (Azure AD), v2 or v1.
func IsEntraID(issuer string) bool {
	u, err := url.Parse(issuer)
	return err == nil && (u.Hostname() == "login.microsoftonline.com" || u.Hostname() == "sts.windows.net")
}

// IsIDPorten reports whether the issuer is ID-porten, the Norwegian public sector's national
// sign-in (or its test environment).
func IsIDPorten(issuer string) bool {
	u, err := url.Parse(issuer)
	return err == nil && (u.Hostname() == "idporten.no" || strings.HasSuffix(u.Hostname(), ".idporten.no"))
}

// ProviderName names the provider for people: "Microsoft Entra ID", "ID-porten", or the
// issuer's host.
func ProviderName(issuer string) string {
	switch {
	case IsEntraID(issuer):
		return "Microsoft Entra ID"
	case IsIDPorten(issuer):
		return "ID-porten"
	}
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return issuer
}

// trustedEmail returns the address the provider vouches for, or "". Any provider may say so
// with email_verified. Entra ID does not send email_verified: there its "email" claim is an
// attribute any tenant administrator can set to anything (the "nOAuth" weakness), so it counts
// only with xms_edov (the domain is the tenant's); preferred_username, the user principal name,
// always lies in a domain the tenant has verified, except for guests ("#EXT#").
func trustedEmail(issuer string, c *idClaims) string {
	entra := IsEntraID(issuer)
	if c.Email != "" && (bool(c.EmailVerified) || (entra && bool(c.EmailDomainOwner))) {
		if e, err := utsyn.NormaliseEmail(c.Email); err == nil {
			return e
		}
	}
	if entra && c.PreferredUsername != "" && !strings.Contains(strings.ToUpper(c.PreferredUsername), "#EXT#") {
		if e, err := utsyn.NormaliseEmail(c.PreferredUsername); err == nil {
			return e
		}
	}
	return ""
}

// claimValues returns the values of a claim: its strings (or numbers), whether the claim is
// one value or a list. A name that is not a claim of its own is read as a dotted path into
// nested claims, such as Keycloak's "realm_access.roles".
func claimValues(claims map[string]any, name string) []string {
	if name == "" {
		return nil
	}
	v, ok := claims[name]
	if !ok {
		var cur any = claims
		for part := range strings.SplitSeq(name, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				return nil
			}
			if cur, ok = m[part]; !ok {
				return nil
			}
		}
		v = cur
	}
	var out []string
	add := func(x any) {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case float64, bool:
			out = append(out, fmt.Sprint(x))
		}
	}
	if list, ok := v.([]any); ok {
		for _, x := range list {
			add(x)
		}
	} else {
		add(v)
	}
	return out
}

// MapRole returns the highest role the map gives any of the values, or "" when it gives none.
func MapRole(m map[string]utsyn.Role, values []string) utsyn.Role {
	var best utsyn.Role
	for _, v := range values {
		if r, ok := m[v]; ok && r.Valid() && (best == "" || r.AtLeast(best)) {
			best = r
		}
	}
	return best
}

// SignIn finds or makes the user that the identity names in the organisation of cfg, and gives
// them the role the role claim maps to. The user is found by the identity's link (issuer and
// subject) first; else by the address the provider vouches for, which links the identity; else,
// when the organisation allows it, made, as a reader unless the role claim maps higher. A user
// found by address who has roles in other organisations is refused, since this provider speaks
// for this organisation only. Every change is in the audit trail, credited to the provider.
func SignIn(ctx context.Context, db *store.DB, cfg *store.OIDCProvider, id *Identity) (*utsyn.User, error) {
	actor := &utsyn.Principal{OrgID: cfg.OrgID, Label: ProviderName(cfg.Issuer)}
	var user *utsyn.User
	err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		u, err := tx.FindUserByIdentity(ctx, id.Issuer, id.Subject)
		if err != nil && !utsyn.IsNotFound(err) {
			return err
		}
		if u == nil && id.Email != "" {
			if u, err = tx.FindUserByEmail(ctx, id.Email); err == nil {
				for _, m := range u.Memberships {
					if m.OrgID != cfg.OrgID {
						return ssoFail(SSOOtherOrg, fmt.Errorf("user %d has roles in other organisations", u.ID))
					}
				}
				if err := tx.LinkIdentity(ctx, cfg.OrgID, id.Issuer, id.Subject, u.ID); err != nil {
					return err
				}
			} else if !utsyn.IsNotFound(err) {
				return err
			} else {
				u = nil
			}
		}
		if u == nil {
			if !cfg.CreateUnknown {
				return ssoFail(SSOUnknownUser, nil)
			}
			u = &utsyn.User{Email: id.Email, Name: id.Name}
			if u.Email == "" {
				u.Email = PlaceholderEmail(id.Issuer, id.Subject)
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.Record(ctx, cfg.OrgID, "create", "user", u.ID, u.Email, []utsyn.Change{{Field: "identity", After: id.Issuer}}); err != nil {
				return err
			}
			if err := tx.LinkIdentity(ctx, cfg.OrgID, id.Issuer, id.Subject, u.ID); err != nil {
				return err
			}
		}
		current := u.RoleIn(cfg.OrgID)
		switch mapped := MapRole(cfg.RoleMap, id.Roles); {
		case mapped != "" && mapped != current:
			if err := tx.SetMembership(ctx, u.ID, cfg.OrgID, mapped); err != nil {
				return err
			}
		case mapped == "" && current == "" && cfg.CreateUnknown:
			if err := tx.SetMembership(ctx, u.ID, cfg.OrgID, utsyn.RoleReader); err != nil {
				return err
			}
		case mapped == "" && current == "":
			return ssoFail(SSOUnknownUser, fmt.Errorf("user %d has no role in organisation %d", u.ID, cfg.OrgID))
		}
		user, err = tx.FindUser(ctx, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// PlaceholderEmail stands in for the address of a person whose provider gives none (ID-porten):
// stable for the identity, unique, and in the .invalid domain (RFC 2606), so no mail ever
// leaves for it and no one can sign in with it by password or claim it at another provider.
func PlaceholderEmail(issuer, subject string) string {
	sum := sha256.Sum256([]byte(issuer + "\x00" + subject))
	host := "sso"
	if u, err := url.Parse(issuer); err == nil && u.Hostname() != "" && !strings.Contains(u.Hostname(), ":") {
		host = u.Hostname()
	}
	return "sso-" + hex.EncodeToString(sum[:10]) + "@" + host + ".invalid"
}
