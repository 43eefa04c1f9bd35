// Package oidctest runs a fake OpenID Connect provider for tests: discovery, keys, an
// authorization endpoint that signs anyone in at once, and a token endpoint that checks the
// PKCE verifier and answers with an ID token whose claims the test chooses.
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Signin is what the provider does with the next sign-in.
type Signin struct {
	Subject string
	// Claims are added to the ID token, over the standard ones (iss, sub, aud, exp, iat,
	// nonce): a test sets "aud", "exp" or "nonce" to spoil the token. A nil value removes a claim.
	Claims map[string]any
	// Deny makes the authorization endpoint answer error=access_denied, as when the person
	// cancels.
	Deny bool
	// SignWith signs the ID token with another key than the published one.
	SignWith *rsa.PrivateKey
	// TokenDown makes the token endpoint drop the connection, as a provider that went away.
	TokenDown bool
	// Iss is the issuer the authorization answer names (RFC 9207); empty means the provider's.
	Iss string
}

// Options configure a provider.
type Options struct {
	// Issuer is the issuer the provider names itself, e.g.
	// "https://login.microsoftonline.com/TENANT/v2.0"; its endpoints are under it. Empty means
	// the test server's own address. A client from Provider.Client reaches another host's
	// issuer at the test server.
	Issuer       string
	ClientID     string   // default "utsyn"
	ClientSecret string   // default "hemmelig"; checked at the token endpoint
	Scopes       []string // scopes_supported; default openid, profile, email
}

// Provider is a fake OpenID Connect provider on an httptest server.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Key          *rsa.PrivateKey // the signing key published at the JWKS endpoint
	Server       *httptest.Server

	t      testing.TB
	scopes []string
	mu     sync.Mutex
	next   Signin
	grants map[string]grant // by code
	// Authorizations lists the query of every authorization request, for the test to check.
	authorizations []url.Values
}

type grant struct {
	clientID, redirectURI, challenge, nonce string
	signin                                  Signin
}

// New starts a provider, stopped when the test ends. It signs in Subject "person-1" with no
// other claims until told otherwise with Next.
func New(t testing.TB, o Options) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Key: key, t: t, scopes: o.Scopes,
		grants: map[string]grant{}, next: Signin{Subject: "person-1"}}
	if p.ClientID == "" {
		p.ClientID = "utsyn"
	}
	if p.ClientSecret == "" {
		p.ClientSecret = "hemmelig"
	}
	if p.scopes == nil {
		p.scopes = []string{"openid", "profile", "email"}
	}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Server.Close)
	p.Issuer = o.Issuer
	if p.Issuer == "" {
		p.Issuer = p.Server.URL
	}
	return p
}

// Next sets what the next sign-ins yield.
func (p *Provider) Next(s Signin) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.Subject == "" {
		s.Subject = "person-1"
	}
	p.next = s
}

// Authorizations returns the queries of the authorization requests so far.
func (p *Provider) Authorizations() []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.authorizations)
}

// Client returns an HTTP client that reaches the issuer's host, whatever it is, at the test
// server over plain HTTP.
func (p *Provider) Client() *http.Client {
	iss, _ := url.Parse(p.Issuer)
	srv, _ := url.Parse(p.Server.URL)
	return &http.Client{Timeout: 10 * time.Second, Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host == iss.Host {
			r = r.Clone(r.Context())
			r.URL.Scheme, r.URL.Host = srv.Scheme, srv.Host
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	iss, _ := url.Parse(p.Issuer)
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(iss.Path, "/"))
	switch path {
	case "/.well-known/openid-configuration":
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                p.Issuer,
			"authorization_endpoint":                p.Issuer + "/authorize",
			"token_endpoint":                        p.Issuer + "/token",
			"jwks_uri":                              p.Issuer + "/jwks",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported":      []string{"S256"},
			"scopes_supported":                      p.scopes,
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		})
	case "/jwks":
		pub := p.Key.PublicKey
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "key-1",
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	case "/authorize":
		p.authorize(w, r)
	case "/token":
		p.token(w, r)
	default:
		http.NotFound(w, r)
	}
}

// authorize checks the request as a strict provider would and sends the browser straight back
// with a code (or with access_denied).
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	p.authorizations = append(p.authorizations, q)
	next := p.next
	p.mu.Unlock()
	var problems []string
	check := func(ok bool, what string) {
		if !ok {
			problems = append(problems, what)
		}
	}
	check(q.Get("response_type") == "code", "response_type must be code")
	check(q.Get("client_id") == p.ClientID, "unknown client_id")
	check(q.Get("redirect_uri") != "", "no redirect_uri")
	check(q.Get("state") != "", "no state")
	check(q.Get("nonce") != "", "no nonce")
	check(q.Get("code_challenge_method") == "S256", "code_challenge_method must be S256")
	check(len(q.Get("code_challenge")) == 43, "code_challenge must be a base64url SHA-256")
	check(slices.Contains(strings.Fields(q.Get("scope")), "openid"), "scope lacks openid")
	for _, s := range strings.Fields(q.Get("scope")) {
		check(slices.Contains(p.scopes, s), "unsupported scope "+s)
	}
	if len(problems) > 0 {
		http.Error(w, "fake provider refuses the request: "+strings.Join(problems, "; "), http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := url.Values{"state": {q.Get("state")}, "iss": {p.Issuer}}
	if next.Iss != "" {
		v.Set("iss", next.Iss)
	}
	if next.Deny {
		v.Set("error", "access_denied")
		v.Set("error_description", "the user cancelled")
	} else {
		code := rand.Text()
		p.mu.Lock()
		p.grants[code] = grant{clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
			challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), signin: next}
		p.mu.Unlock()
		v.Set("code", code)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code, once, for an ID token, after checking the client and the PKCE
// verifier against the challenge.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.grants[code]
	delete(p.grants, code)
	p.mu.Unlock()
	if g.signin.TokenDown {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case id != p.ClientID || secret != p.ClientSecret:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok || g.clientID != id:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri differs"})
	case b64(sum[:]) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
	default:
		now := time.Now()
		claims := map[string]any{"iss": p.Issuer, "sub": g.signin.Subject, "aud": p.ClientID,
			"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "nonce": g.nonce}
		for k, v := range g.signin.Claims {
			if v == nil {
				delete(claims, k)
			} else {
				claims[k] = v
			}
		}
		key := p.Key
		if g.signin.SignWith != nil {
			key = g.signin.SignWith
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": rand.Text(), "token_type": "Bearer",
			"expires_in": 3600, "id_token": p.sign(key, claims)})
	}
}

// sign makes a JWT signed with RS256.
func (p *Provider) sign(key *rsa.PrivateKey, claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "key-1"})
	payload, err := json.Marshal(claims)
	if err != nil {
		p.t.Errorf("oidctest: claims: %v", err)
	}
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		p.t.Errorf("oidctest: sign: %v", err)
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
