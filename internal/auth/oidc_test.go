package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth/oidctest"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

const entraIssuer = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"

func TestTrustedEmail(t *testing.T) {
	tests := []struct {
		name   string
		issuer string
		claims idClaims
		want   string
	}{
		{"verified email", "https://idp.example.org", idClaims{Email: "Kari@Example.org", EmailVerified: true}, "kari@example.org"},
		{"unverified email", "https://idp.example.org", idClaims{Email: "kari@example.org"}, ""},
		{"preferred_username elsewhere says nothing", "https://idp.example.org", idClaims{PreferredUsername: "kari@example.org"}, ""},
		{"Entra ID: the user principal name", entraIssuer, idClaims{PreferredUsername: "kari.nordmann@rogfk.no"}, "kari.nordmann@rogfk.no"},
		{"Entra ID: email without a verified domain is not trusted", entraIssuer, idClaims{Email: "ceo@other.example", PreferredUsername: "kari.nordmann@rogfk.no"}, "kari.nordmann@rogfk.no"},
		{"Entra ID: email in a domain the tenant owns", entraIssuer, idClaims{Email: "kari@rogfk.no", EmailDomainOwner: true, PreferredUsername: "kn@rogfk.onmicrosoft.com"}, "kari@rogfk.no"},
		{"Entra ID: a guest's name is no address", entraIssuer, idClaims{PreferredUsername: "kari_agder.no#EXT#@rogfk.onmicrosoft.com"}, ""},
		{"Entra ID v1 issuer", "https://sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/", idClaims{PreferredUsername: "kari@rogfk.no"}, "kari@rogfk.no"},
		{"ID-porten: no address at all", "https://idporten.no", idClaims{Subject: "abc"}, ""},
		{"not an address", "https://idp.example.org", idClaims{Email: "kari", EmailVerified: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trustedEmail(tt.issuer, &tt.claims); got != tt.want {
				t.Errorf("trustedEmail = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClaimValues(t *testing.T) {
	claims := map[string]any{
		"roles":        []any{"Utsyn.Admin", "Utsyn.Reader"},
		"groups":       []any{"3f2a", 42.0},
		"role":         "editor",
		"realm_access": map[string]any{"roles": []any{"utsyn-admin"}},
		"a.b":          "literal dotted name",
	}
	tests := []struct {
		name, claim string
		want        []string
	}{
		{"list", "roles", []string{"Utsyn.Admin", "Utsyn.Reader"}},
		{"numbers too", "groups", []string{"3f2a", "42"}},
		{"one value", "role", []string{"editor"}},
		{"nested (Keycloak)", "realm_access.roles", []string{"utsyn-admin"}},
		{"a dotted name that is a claim of its own", "a.b", []string{"literal dotted name"}},
		{"missing", "nope", nil},
		{"no claim configured", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := claimValues(claims, tt.claim); !slices.Equal(got, tt.want) {
				t.Errorf("claimValues(%q) = %q, want %q", tt.claim, got, tt.want)
			}
		})
	}
}

func TestMapRole(t *testing.T) {
	m := map[string]utsyn.Role{"readers": utsyn.RoleReader, "editors": utsyn.RoleEditor, "admins": utsyn.RoleAdmin}
	tests := []struct {
		values []string
		want   utsyn.Role
	}{
		{nil, ""},
		{[]string{"other"}, ""},
		{[]string{"readers"}, utsyn.RoleReader},
		{[]string{"readers", "admins", "editors"}, utsyn.RoleAdmin},
		{[]string{"Admins"}, ""}, // values are compared exactly
	}
	for _, tt := range tests {
		if got := MapRole(m, tt.values); got != tt.want {
			t.Errorf("MapRole(%q) = %q, want %q", tt.values, got, tt.want)
		}
	}
}

func TestPlaceholderEmail(t *testing.T) {
	a := PlaceholderEmail("https://idporten.no", "Yk4lNoq8r1vQ-2bXWZgYVlsX1Rr_aQCKS7Jn8eQjO3o")
	if _, err := utsyn.NormaliseEmail(a); err != nil || !strings.HasSuffix(a, "@idporten.no.invalid") {
		t.Errorf("placeholder %q is not a valid address in idporten.no.invalid", a)
	}
	if b := PlaceholderEmail("https://idporten.no", "Yk4lNoq8r1vQ-2bXWZgYVlsX1Rr_aQCKS7Jn8eQjO3o"); b != a {
		t.Errorf("placeholder not stable: %q then %q", a, b)
	}
	// Subjects that differ only in case are different people.
	if b := PlaceholderEmail("https://idporten.no", "yk4lNoq8r1vQ-2bXWZgYVlsX1Rr_aQCKS7Jn8eQjO3o"); b == a {
		t.Errorf("two subjects share the placeholder %q", a)
	}
	if c := PlaceholderEmail("http://127.0.0.1:4444", "x"); !strings.HasSuffix(c, "@127.0.0.1.invalid") {
		t.Errorf("placeholder for a local issuer: %q", c)
	}
}

// signInThrough runs the whole flow against the fake provider without a browser: Begin, the
// provider's authorization endpoint, Finish.
func signInThrough(t *testing.T, o *OIDC, p *oidctest.Provider, cfg *store.OIDCProvider) (*Identity, error) {
	t.Helper()
	ctx := context.Background()
	authURL, st, err := o.Begin(ctx, cfg, "https://utsyn.example/sso/callback")
	if err != nil {
		return nil, err
	}
	client := p.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if HashSecret(back.Query().Get("state")) != st.Hash {
		t.Fatalf("the state that came back is not the one kept")
	}
	if e := back.Query().Get("error"); e != "" {
		return nil, &SSOError{Reason: SSODenied, Err: errors.New(e)}
	}
	return o.Finish(ctx, cfg, st, back.Query().Get("code"))
}

func newOrg(t *testing.T, db *store.DB, slug string) *utsyn.Organisation {
	t.Helper()
	ctx := context.Background()
	o := &utsyn.Organisation{Slug: slug, Name: utsyn.NewText(slug, slug)}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOrganisation(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func newUser(t *testing.T, db *store.DB, email string, memberships ...utsyn.Membership) *utsyn.User {
	t.Helper()
	ctx := context.Background()
	u := &utsyn.User{Email: email, Memberships: memberships}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

// An Entra ID tenant as Norwegian county councils have it: the tenant's v2.0 issuer, the user
// principal name in preferred_username, an email attribute nobody verified, app roles in
// "roles".
func TestEntraID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := newOrg(t, db, "rogaland")
		kari := newUser(t, db, "kari.nordmann@rogfk.no", utsyn.Membership{OrgID: org.ID, Role: utsyn.RoleReader})
		p := oidctest.New(t, oidctest.Options{Issuer: entraIssuer})
		cfg := &store.OIDCProvider{OrgID: org.ID, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
			RoleClaim: "roles", RoleMap: map[string]utsyn.Role{"Utsyn.Admin": utsyn.RoleAdmin, "Utsyn.Editor": utsyn.RoleEditor}, Enabled: true}
		o := NewOIDC(p.Client())
		p.Next(oidctest.Signin{Subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", Claims: map[string]any{
			"ver": "2.0", "tid": "9188040d-6c67-4c5b-b112-36a304b66dad", "oid": "00000000-0000-0000-66f3-3332eca7ea81",
			"name": "Kari Nordmann", "preferred_username": "Kari.Nordmann@rogfk.no", "email": "direktor@rogfk.no",
			"roles": []string{"Utsyn.Editor", "Utsyn.Admin"}}})
		id, err := signInThrough(t, o, p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if id.Issuer != entraIssuer || id.Email != "kari.nordmann@rogfk.no" || id.Name != "Kari Nordmann" || len(id.Roles) != 2 {
			t.Fatalf("identity = %+v", id)
		}
		if got := p.Authorizations()[0].Get("scope"); got != "openid profile email" {
			t.Errorf("scope = %q", got)
		}
		user, err := SignIn(ctx, db, cfg, id)
		if err != nil {
			t.Fatal(err)
		}
		if user.ID != kari.ID || user.RoleIn(org.ID) != utsyn.RoleAdmin {
			t.Errorf("signed in user %d with role %q, want %d as admin", user.ID, user.RoleIn(org.ID), kari.ID)
		}
		events, err := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, EntityID: kari.ID, Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action+" by "+e.ActorLabel)
		}
		for _, want := range []string{"link_identity by Microsoft Entra ID", "update by Microsoft Entra ID"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit trail %q lacks %q", actions, want)
			}
		}
	})
}

func TestSignInRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := newOrg(t, db, "rogaland")
		other := newOrg(t, db, "agder")
		const iss = "https://idp.example.org"
		cfg := &store.OIDCProvider{OrgID: org.ID, Issuer: iss, ClientID: "utsyn", RoleClaim: "groups",
			RoleMap: map[string]utsyn.Role{"utsyn-editors": utsyn.RoleEditor}, Enabled: true}
		newUser(t, db, "ola@example.org", utsyn.Membership{OrgID: org.ID, Role: utsyn.RoleAdmin})
		newUser(t, db, "per@example.org", utsyn.Membership{OrgID: org.ID, Role: utsyn.RoleReader}, utsyn.Membership{OrgID: other.ID, Role: utsyn.RoleAdmin})
		reason := func(err error) string {
			var e *SSOError
			if errors.As(err, &e) {
				return e.Reason
			}
			if err != nil {
				return err.Error()
			}
			return ""
		}

		// By a verified address: linked, and the role claim maps (here downwards).
		u, err := SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-ola", Email: "ola@example.org", Roles: []string{"utsyn-editors"}})
		if err != nil || u.RoleIn(org.ID) != utsyn.RoleEditor {
			t.Fatalf("by address: %v, role %q", err, u.RoleIn(org.ID))
		}
		// Then by the link, whatever the address now says; no mapping leaves the role alone.
		u2, err := SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-ola", Email: "changed@example.org"})
		if err != nil || u2.ID != u.ID || u2.RoleIn(org.ID) != utsyn.RoleEditor {
			t.Fatalf("by link: %v, user %d role %q", err, u2.ID, u2.RoleIn(org.ID))
		}
		// An address of a user with roles elsewhere is not linked by this provider's word.
		if _, err := SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-per", Email: "per@example.org"}); reason(err) != SSOOtherOrg {
			t.Errorf("user of another organisation: %v", err)
		}
		// Unknown, and no one is made.
		if _, err := SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-new", Email: "new@example.org", Roles: []string{"utsyn-editors"}}); reason(err) != SSOUnknownUser {
			t.Errorf("unknown user: %v", err)
		}
		if _, err := db.FindUserByEmail(ctx, "new@example.org"); !utsyn.IsNotFound(err) {
			t.Errorf("a refused person left a user behind: %v", err)
		}
		// Made when allowed: a reader unless the claim maps higher; without an address, a
		// placeholder.
		cfg.CreateUnknown = true
		u, err = SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-new", Email: "new@example.org", Name: "Ny Person"})
		if err != nil || u.RoleIn(org.ID) != utsyn.RoleReader || u.Name != "Ny Person" {
			t.Fatalf("create: %v %+v", err, u)
		}
		u, err = SignIn(ctx, db, cfg, &Identity{Issuer: iss, Subject: "s-anon", Roles: []string{"utsyn-editors"}})
		if err != nil || u.RoleIn(org.ID) != utsyn.RoleEditor || u.Email != PlaceholderEmail(iss, "s-anon") {
			t.Fatalf("create without address: %v %+v", err, u)
		}
		// The same identity at another issuer is another person.
		u3, err := SignIn(ctx, db, cfg, &Identity{Issuer: "https://other.example.org", Subject: "s-anon"})
		if err != nil || u3.ID == u.ID {
			t.Errorf("identity at another issuer matched user %d: %v", u3.ID, err)
		}
	})
}

func TestProviderName(t *testing.T) {
	for issuer, want := range map[string]string{
		entraIssuer:                     "Microsoft Entra ID",
		"https://idporten.no":           "ID-porten",
		"https://test.idporten.no":      "ID-porten",
		"https://sso.rogfk.no/realms/x": "sso.rogfk.no",
		"https://idporten.no.evil.org":  "idporten.no.evil.org",
	} {
		if got := ProviderName(issuer); got != want {
			t.Errorf("ProviderName(%q) = %q, want %q", issuer, got, want)
		}
	}
}

// The provider's discovery document is fetched once for several sign-ins.
func TestProviderCache(t *testing.T) {
	p := oidctest.New(t, oidctest.Options{})
	var fetched int
	client := p.Client()
	inner := client.Transport
	client.Transport = roundTrip(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			fetched++
		}
		return inner.RoundTrip(r)
	})
	o := NewOIDC(client)
	cfg := &store.OIDCProvider{OrgID: 1, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret}
	for range 3 {
		if _, _, err := o.Begin(context.Background(), cfg, "https://utsyn.example/sso/callback"); err != nil {
			t.Fatal(err)
		}
	}
	if fetched != 1 {
		t.Errorf("discovery fetched %d times for three sign-ins", fetched)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
