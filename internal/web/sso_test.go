package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/auth/oidctest"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/web"
)

// ssoBrowser behaves as a browser through a single sign-on: it follows redirects between Utsyn
// and the provider, keeps the cookies of both, and notes every address it is sent to.
type ssoBrowser struct {
	t       testing.TB
	srv     *httptest.Server
	client  *http.Client
	lang    string // Accept-Language
	visited []*url.URL
}

func newSSOBrowser(t testing.TB, srv *httptest.Server) *ssoBrowser {
	jar, _ := cookiejar.New(nil)
	b := &ssoBrowser{t: t, srv: srv}
	b.client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		b.visited = append(b.visited, req.URL)
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	return b
}

// get opens an address (a path means one on Utsyn) and follows every redirect.
func (b *ssoBrowser) get(addr string) (*http.Response, string) {
	b.t.Helper()
	if strings.HasPrefix(addr, "/") {
		addr = b.srv.URL + addr
	}
	req, _ := http.NewRequest("GET", addr, nil)
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *ssoBrowser) cookie(name string) string {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// callback returns the last address on Utsyn's callback the browser was sent to.
func (b *ssoBrowser) callback() string {
	for i := len(b.visited) - 1; i >= 0; i-- {
		if b.visited[i].Path == "/sso/callback" {
			return b.visited[i].String()
		}
	}
	b.t.Fatal("the browser never came back to /sso/callback")
	return ""
}

// setupSSO gives Rogaland single sign-on through the fake provider: the "groups" claim maps
// utsyn-redaktorer to editor and utsyn-admin to admin.
func setupSSO(t testing.TB, db *store.DB, p *oidctest.Provider, change func(*store.OIDCProvider)) *store.OIDCProvider {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &store.OIDCProvider{OrgID: org.ID, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		RoleClaim: "groups", RoleMap: map[string]utsyn.Role{"utsyn-redaktorer": utsyn.RoleEditor, "utsyn-admin": utsyn.RoleAdmin}, Enabled: true}
	if change != nil {
		change(cfg)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveOIDCProvider(ctx, cfg) }); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestSSOSignIn(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		kari := addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleContributor)
		p := oidctest.New(t, oidctest.Options{})
		cfg := setupSSO(t, db, p, nil)
		p.Next(oidctest.Signin{Subject: "kari-1", Claims: map[string]any{
			"email": "Kari@example.org", "email_verified": true, "name": "Kari Nordmann", "groups": []string{"andre", "utsyn-redaktorer"}}})

		b := newSSOBrowser(t, srv)
		resp, body := b.get("/nb/logg-inn/rogaland?neste=/nb/rogaland/strategi/internasjonal-strategi")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/nb/rogaland/strategi/internasjonal-strategi" {
			t.Fatalf("after sign-in: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
		}
		if !strings.Contains(body, "Logg ut") || b.cookie("utsyn_session") == "" {
			t.Error("not signed in after the sign-in")
		}
		if b.cookie("utsyn_sso") != "" {
			t.Error("the sign-in's browser cookie outlives the sign-in")
		}
		az := p.Authorizations()[0]
		if az.Get("redirect_uri") != srv.URL+"/sso/callback" || az.Get("code_challenge_method") != "S256" || az.Get("scope") != "openid profile email" {
			t.Errorf("authorization request %v", az)
		}
		if strings.Contains(b.visited[0].String(), "neste") || strings.Contains(az.Get("state"), "rogaland") {
			t.Errorf("the provider sees more than it needs: %s", b.visited[0])
		}
		if resp, body := b.get("/nb/konto"); resp.StatusCode != 200 || !strings.Contains(body, "kari@example.org") {
			t.Errorf("account page after single sign-on: %d", resp.StatusCode)
		}
		u, err := db.FindUserByEmail(ctx, "kari@example.org")
		if err != nil || u.ID != kari.ID || u.RoleIn(cfg.OrgID) != utsyn.RoleEditor {
			t.Fatalf("role after sign-in: %v %q, want editor from the groups claim", err, u.RoleIn(cfg.OrgID))
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: cfg.OrgID, Entity: "user", EntityID: kari.ID, Action: "update"})
		if len(events) == 0 || events[0].Changes[0] != (utsyn.Change{Field: "role", Before: "contributor", After: "editor"}) ||
			events[0].ActorLabel != auth.ProviderName(p.Issuer) {
			t.Errorf("the role change is not in the audit trail as the provider's: %+v", events)
		}

		// The way back is spent: the same answer from the provider signs no one in again.
		replay := b.callback()
		resp, body = b.get(replay)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Innloggingen kunne ikke fullføres") {
			t.Errorf("replayed state: status %d", resp.StatusCode)
		}
		thief := newSSOBrowser(t, srv)
		if resp, _ := thief.get(replay); resp.StatusCode != http.StatusBadRequest || thief.cookie("utsyn_session") != "" {
			t.Errorf("replayed state in another browser: status %d", resp.StatusCode)
		}

		// Mapped to admin, the person reaches the administration.
		p.Next(oidctest.Signin{Subject: "kari-1", Claims: map[string]any{"groups": []string{"utsyn-admin"}}})
		b2 := newSSOBrowser(t, srv)
		if resp, body := b2.get("/nb/logg-inn/rogaland"); resp.StatusCode != 200 || resp.Request.URL.Path != "/nb/rogaland" {
			t.Fatalf("second sign-in: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
		}
		if resp, _ := b2.get("/nb/rogaland/admin/sso"); resp.StatusCode != 200 {
			t.Errorf("an admin by the role claim cannot open the settings: %d", resp.StatusCode)
		}
	})
}

// ID-porten gives a subject and a national identity number (pid), and no address or name.
func TestSSOIDPorten(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		p := oidctest.New(t, oidctest.Options{Scopes: []string{"openid", "profile"}})
		cfg := setupSSO(t, db, p, func(c *store.OIDCProvider) { c.RoleClaim, c.RoleMap, c.CreateUnknown = "", nil, true })
		const sub = "Yk4lNoq8r1vQ-2bXWZgYVlsX1Rr_aQCKS7Jn8eQjO3o"
		idporten := func(sub string) oidctest.Signin {
			return oidctest.Signin{Subject: sub, Claims: map[string]any{"pid": "24079409630", "acr": "idporten-loa-substantial",
				"amr": []string{"MinID"}, "locale": "nb"}}
		}
		p.Next(idporten(sub))
		users, _ := db.Count(ctx, "users")

		b := newSSOBrowser(t, srv)
		resp, body := b.get("/en/logg-inn/rogaland")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/en/rogaland" || !strings.Contains(body, "Sign out") {
			t.Fatalf("ID-porten sign-in: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
		}
		if scope := p.Authorizations()[0].Get("scope"); scope != "openid profile" {
			t.Errorf("asked ID-porten for scopes %q it does not have", scope)
		}
		u, err := db.FindUserByEmail(ctx, auth.PlaceholderEmail(p.Issuer, sub))
		if err != nil || u.RoleIn(cfg.OrgID) != utsyn.RoleReader {
			t.Fatalf("the person is not a reader with a placeholder address: %v", err)
		}
		if strings.Contains(u.Email+u.Name, "24079409630") {
			t.Error("the national identity number is stored")
		}

		// Next time the link finds the same user, even where unknown people are no longer let in.
		setupSSO(t, db, p, func(c *store.OIDCProvider) { c.RoleClaim, c.RoleMap, c.CreateUnknown = "", nil, false })
		if resp, _ := newSSOBrowser(t, srv).get("/nb/logg-inn/rogaland"); resp.StatusCode != 200 || resp.Request.URL.Path != "/nb/rogaland" {
			t.Errorf("second sign-in by link: %d at %s", resp.StatusCode, resp.Request.URL)
		}
		if n, _ := db.Count(ctx, "users"); n != users+1 {
			t.Errorf("%d users made for one person", n-users)
		}
		// Someone else is not let in, and is told so in their language.
		p.Next(idporten("someone-else"))
		b3 := newSSOBrowser(t, srv)
		resp, body = b3.get("/en/logg-inn/rogaland")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "You do not have access yet") || b3.cookie("utsyn_session") != "" {
			t.Errorf("unknown person with create_unknown off: %d\n%s", resp.StatusCode, body)
		}
		if n, _ := db.Count(ctx, "users"); n != users+1 {
			t.Error("a refused person got a user")
		}
	})
}

// Every way a sign-in can go wrong ends on a page that says so, and no one is signed in.
func TestSSORefused(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleEditor)
		addOrg(t, db, "agder")
		addUser(t, db, "agder", "kari@example.org", utsyn.RoleAdmin) // Kari is also an admin elsewhere
		addUser(t, db, "rogaland", "ola@example.org", utsyn.RoleReader)
		otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		p := oidctest.New(t, oidctest.Options{})
		setupSSO(t, db, p, nil)
		ola := map[string]any{"email": "ola@example.org", "email_verified": true}
		with := func(extra map[string]any) map[string]any {
			m := map[string]any{"email": "ola@example.org", "email_verified": true}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		tests := []struct {
			name       string
			signin     oidctest.Signin
			wantStatus int
			wantText   string
		}{
			{"consent denied", oidctest.Signin{Deny: true}, 403, "Innloggingen ble avbrutt"},
			{"signed with another key", oidctest.Signin{Claims: ola, SignWith: otherKey}, 401, "Innloggingen kunne ikke bekreftes"},
			{"for another client", oidctest.Signin{Claims: with(map[string]any{"aud": "another-app"})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"wrong nonce", oidctest.Signin{Claims: with(map[string]any{"nonce": "forged"})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"no nonce", oidctest.Signin{Claims: with(map[string]any{"nonce": nil})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"expired", oidctest.Signin{Claims: with(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"another issuer", oidctest.Signin{Claims: with(map[string]any{"iss": "https://evil.example"})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"several audiences, not us as azp", oidctest.Signin{Claims: with(map[string]any{"aud": []string{"utsyn", "other"}, "azp": "other"})}, 401, "Innloggingen kunne ikke bekreftes"},
			{"unverified address", oidctest.Signin{Claims: map[string]any{"email": "ola@example.org"}}, 403, "Du har ikke tilgang ennå"},
			{"unknown person", oidctest.Signin{Subject: "stranger", Claims: map[string]any{"email": "stranger@example.org", "email_verified": true}}, 403, "Du har ikke tilgang ennå"},
			{"address of a user of other organisations", oidctest.Signin{Claims: map[string]any{"email": "kari@example.org", "email_verified": true}}, 403, "Kontoen kan ikke kobles automatisk"},
			{"token endpoint down", oidctest.Signin{Claims: ola, TokenDown: true}, 502, "Innloggingstjenesten svarer ikke"},
			{"answer from another issuer (mix-up)", oidctest.Signin{Claims: ola, Iss: "https://evil.example"}, 401, "Innloggingen kunne ikke bekreftes"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.signin.Subject == "" {
					tt.signin.Subject = "subject-" + string(rune('a'+i))
				}
				p.Next(tt.signin)
				b := newSSOBrowser(t, srv)
				resp, body := b.get("/nb/logg-inn/rogaland")
				if resp.StatusCode != tt.wantStatus || !strings.Contains(body, tt.wantText) {
					t.Errorf("status %d, want %d with %q\n%s", resp.StatusCode, tt.wantStatus, tt.wantText, body)
				}
				if b.cookie("utsyn_session") != "" {
					t.Error("signed in all the same")
				}
				for _, leak := range []string{"oidc:", "goroutine", "invalid_grant", "panic"} {
					if strings.Contains(body, leak) {
						t.Errorf("the page shows internals: %q", leak)
					}
				}
			})
		}
		// And the good case works with the same set-up, so the refusals above are not accidents.
		p.Next(oidctest.Signin{Subject: "ola", Claims: ola})
		if resp, body := newSSOBrowser(t, srv).get("/nb/logg-inn/rogaland"); resp.StatusCode != 200 || !strings.Contains(body, "Logg ut") {
			t.Errorf("the good case: %d", resp.StatusCode)
		}
	})
}

func TestSSOState(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "ola@example.org", utsyn.RoleReader)
		p := oidctest.New(t, oidctest.Options{})
		setupSSO(t, db, p, nil)
		p.Next(oidctest.Signin{Subject: "ola", Claims: map[string]any{"email": "ola@example.org", "email_verified": true}})

		for _, path := range []string{"/sso/callback?state=forged&code=x", "/sso/callback?code=x", "/sso/callback"} {
			b := newSSOBrowser(t, srv)
			b.lang = "en-GB,en;q=0.9"
			resp, body := b.get(path)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The sign-in could not be completed") || !strings.Contains(body, `<html lang="en">`) {
				t.Errorf("GET %s: status %d, want 400 and the page in the browser's language", path, resp.StatusCode)
			}
		}

		// A sign-in started in one browser cannot be finished in another: no one can plant
		// their own account in someone else's browser (login CSRF).
		attacker := newSSOBrowser(t, srv)
		attacker.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, _ := attacker.get("/nb/logg-inn/rogaland")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), p.Issuer+"/authorize?") {
			t.Fatalf("start: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "utsyn_sso=") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("the browser cookie is %q", c)
		}
		victim := newSSOBrowser(t, srv)
		resp, body := victim.get(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "startet i en annen nettleser") || victim.cookie("utsyn_session") != "" {
			t.Errorf("finished in another browser: status %d", resp.StatusCode)
		}
	})
}

func TestSSOUnavailable(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		p := &oidctest.Provider{Issuer: gone.URL, ClientID: "utsyn"}
		setupSSO(t, db, p, nil)
		b := newSSOBrowser(t, srv)
		resp, body := b.get("/nb/logg-inn/rogaland")
		if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "Innloggingstjenesten svarer ikke") || !strings.Contains(body, `<html lang="nb">`) {
			t.Errorf("provider down: status %d\n%s", resp.StatusCode, body)
		}
		if b.cookie("utsyn_sso") != "" {
			t.Error("a sign-in that never left kept a cookie")
		}

		setupSSO(t, db, p, func(c *store.OIDCProvider) { c.Enabled = false })
		if resp, body := b.get("/en/logg-inn/rogaland"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "not switched on") {
			t.Errorf("switched off: status %d", resp.StatusCode)
		}
		if resp, _ := b.get("/nb/logg-inn/finnes-ikke"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown organisation: status %d", resp.StatusCode)
		}
	})
}

func TestSSOSettings(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
		addUser(t, db, "rogaland", "red@example.org", utsyn.RoleEditor)
		p := oidctest.New(t, oidctest.Options{ClientSecret: "s3cr3t-fra-idp"})

		if resp, _ := newBrowser(t, srv).get("/nb/rogaland/admin/sso"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: status %d, want a redirect to sign in", resp.StatusCode)
		}
		editor := newBrowser(t, srv)
		editor.signIn("red@example.org", testPassword)
		if resp, _ := editor.get("/nb/rogaland/admin/sso"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("editor: status %d", resp.StatusCode)
		}
		if resp, _ := editor.post("/nb/rogaland/admin/sso", url.Values{"issuer": {p.Issuer}, "client_id": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("editor saves: status %d", resp.StatusCode)
		}

		b := newBrowser(t, srv)
		b.signIn("admin@example.org", testPassword)
		resp, body := b.get("/nb/rogaland/admin/sso")
		if resp.StatusCode != 200 || !strings.Contains(body, srv.URL+"/sso/callback") || !strings.Contains(body, `id="enabled" name="enabled" value="on" checked`) {
			t.Fatalf("settings page: %d\n%s", resp.StatusCode, body)
		}

		resp, body = b.post("/nb/rogaland/admin/sso", url.Values{"issuer": {"http://idp.example.org"}, "client_id": {""},
			"client_secret": {"topphemmelig-1"}, "role_claim": {"groups"}, "role_map": {"utsyn-admin = admin\nutsyn-sjef = sjef"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid settings: status %d", resp.StatusCode)
		}
		for _, want := range []string{"Adressen må begynne med https://", "Fyll ut feltet", "Linje 2:", `href="#issuer"`, `value="http://idp.example.org"`} {
			if !strings.Contains(body, want) {
				t.Errorf("invalid settings: the page lacks %q", want)
			}
		}
		if i, j := strings.Index(body, `href="#issuer"`), strings.Index(body, `href="#role_map"`); i < 0 || j < i {
			t.Error("the error summary is not in the order of the form")
		}
		if strings.Contains(body, "topphemmelig") {
			t.Error("the secret is shown back")
		}
		if _, err := db.FindOIDCProvider(ctx, 1); !utsyn.IsNotFound(err) {
			t.Errorf("invalid settings were stored: %v", err)
		}

		form := url.Values{"issuer": {p.Issuer}, "client_id": {p.ClientID}, "client_secret": {p.ClientSecret}, "role_claim": {"groups"},
			"role_map": {"# roller fra Entra ID\nutsyn-admin = administrator\ncn=redaktorer,ou=grupper = redaktør\n"}, "enabled": {"on"}}
		resp, _ = b.post("/nb/rogaland/admin/sso", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/nb/rogaland/admin/sso?lagret=1" {
			t.Fatalf("save: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = b.get("/nb/rogaland/admin/sso?lagret=1")
		for _, want := range []string{"Innstillingene er lagret", "cn=redaktorer,ou=grupper = editor", "utsyn-admin = admin", "En hemmelighet er lagret", "Prøv den"} {
			if !strings.Contains(body, want) {
				t.Errorf("saved settings: the page lacks %q", want)
			}
		}
		if strings.Contains(body, p.ClientSecret) {
			t.Error("the stored secret is shown")
		}

		// An empty secret field keeps the secret.
		form.Set("client_secret", "")
		form.Set("create_unknown", "on")
		if resp, _ := b.post("/nb/rogaland/admin/sso", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save again: status %d", resp.StatusCode)
		}
		org, _ := db.FindOrganisation(ctx, "rogaland")
		cfg, err := db.FindOIDCProvider(ctx, org.ID)
		if err != nil || cfg.ClientSecret != p.ClientSecret || !cfg.CreateUnknown || cfg.RoleMap["cn=redaktorer,ou=grupper"] != utsyn.RoleEditor {
			t.Fatalf("stored: %v %+v", err, cfg)
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "sso"})
		if len(events) != 2 || events[0].ActorLabel != "admin@example.org" {
			t.Errorf("audit: %+v", events)
		}
		for _, e := range events {
			for _, c := range e.Changes {
				if strings.Contains(c.Before+c.After, p.ClientSecret) {
					t.Error("the audit trail holds the secret")
				}
			}
		}

		// The settings made through the page work: a new person signs in and is made an editor.
		p.Next(oidctest.Signin{Subject: "ny", Claims: map[string]any{"email": "ny@example.org", "email_verified": true,
			"groups": []string{"cn=redaktorer,ou=grupper"}}})
		if resp, _ := newSSOBrowser(t, srv).get("/en/logg-inn/rogaland"); resp.StatusCode != 200 || resp.Request.URL.Path != "/en/rogaland" {
			t.Fatalf("sign-in with the saved settings: %d at %s", resp.StatusCode, resp.Request.URL)
		}
		if u, err := db.FindUserByEmail(ctx, "ny@example.org"); err != nil || u.RoleIn(org.ID) != utsyn.RoleEditor {
			t.Errorf("the new person: %v", err)
		}
	})
}

// The sign-in page offers "Sign in with …" for the organisations whose single sign-on is on.
func TestSSOSignInPage(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		b := newBrowser(t, srv)
		if _, body := b.get("/nb/logg-inn"); strings.Contains(body, "Logg inn med") {
			t.Error("a button without single sign-on")
		}
		p := oidctest.New(t, oidctest.Options{})
		setupSSO(t, db, p, nil)
		name := auth.ProviderName(p.Issuer)
		_, body := b.get("/nb/logg-inn?neste=/nb/rogaland/plan/utviklingsplan-2021-2024")
		if !strings.Contains(body, `href="/nb/logg-inn/rogaland?neste=%2Fnb%2Frogaland%2Fplan%2Futviklingsplan-2021-2024">Logg inn med `+name+`</a>`) ||
			!strings.Contains(body, "Eller logg inn med e-postadresse og passord") {
			t.Errorf("sign-in page without the organisation's button:\n%s", body)
		}
		if _, body := b.get("/en/logg-inn"); !strings.Contains(body, "Sign in with "+name) {
			t.Error("no button in English")
		}

		// With several, each names its organisation; ?org= picks one; one switched off is not offered.
		agder := addOrg(t, db, "agder")
		ctx := context.Background()
		save := func(enabled bool) {
			cfg := &store.OIDCProvider{OrgID: agder.ID, Issuer: "https://idporten.no", ClientID: "agder", Enabled: enabled}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveOIDCProvider(ctx, cfg) }); err != nil {
				t.Fatal(err)
			}
		}
		save(true)
		_, body = b.get("/nb/logg-inn")
		for _, want := range []string{"Logg inn med ID-porten (Agder fylkeskommune)", "Logg inn med " + name + " (Rogaland fylkeskommune)"} {
			if !strings.Contains(body, want) {
				t.Errorf("sign-in page lacks %q", want)
			}
		}
		if _, body = b.get("/nb/logg-inn?org=agder"); !strings.Contains(body, `href="/nb/logg-inn/agder"`) || strings.Contains(body, "/nb/logg-inn/rogaland") {
			t.Error("?org=agder does not offer Agder's alone")
		}
		save(false)
		if _, body = b.get("/nb/logg-inn"); strings.Contains(body, "ID-porten") {
			t.Error("a switched-off sign-in is offered")
		}
		// A failed password sign-in keeps the buttons.
		if resp, body := b.post("/nb/logg-inn", url.Values{"email": {"x@example.org"}, "password": {"feil feil feil"}}); resp.StatusCode != 401 || !strings.Contains(body, "Logg inn med "+name) {
			t.Errorf("after a wrong password: %d without the button", resp.StatusCode)
		}
	})
}

// Starting a sign-in needs no account and stores a state: one address may start only so many
// while their states live, and the one past the limit is told to wait, with nothing stored.
func TestSSOStartLimit(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		p := oidctest.New(t, oidctest.Options{})
		setupSSO(t, db, p, nil)
		b := newSSOBrowser(t, srv)
		b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		for i := range web.SSOStartsPerAddress {
			if resp, _ := b.get("/nb/logg-inn/rogaland"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("start %d: status %d, want 303 to the provider", i+1, resp.StatusCode)
			}
		}
		before, _ := db.Count(ctx, "oidc_states")
		resp, body := b.get("/nb/logg-inn/rogaland")
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "For mange innlogginger startet") {
			t.Errorf("start past the limit: status %d, want 429 and the reason", resp.StatusCode)
		}
		if after, _ := db.Count(ctx, "oidc_states"); after != before {
			t.Errorf("states %d after the refused start, %d before", after, before)
		}
	})
}
