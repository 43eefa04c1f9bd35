package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

func TestSignIn(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleEditor)
		b := newBrowser(t, srv)

		resp, body := b.get("/nb/logg-inn")
		if resp.StatusCode != 200 || !strings.Contains(body, `autocomplete="current-password"`) {
			t.Fatalf("sign-in page: %d", resp.StatusCode)
		}

		resp, body = b.post("/nb/logg-inn", url.Values{"email": {"kari@example.org"}, "password": {"feil passord her"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "E-postadressen eller passordet er feil") ||
			!strings.Contains(body, `value="kari@example.org"`) || b.cookie() != "" {
			t.Errorf("wrong password: status %d, cookie %q; want 401, the message, the address kept and no session", resp.StatusCode, b.cookie())
		}
		resp, body = b.post("/nb/logg-inn", url.Values{"email": {""}, "password": {""}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv e-postadressen din") || !strings.Contains(body, `href="#email"`) {
			t.Errorf("empty form: status %d, want 422 with an error summary linking to the field", resp.StatusCode)
		}

		resp, _ = b.post("/nb/logg-inn", url.Values{"email": {"KARI@example.org "}, "password": {testPassword},
			"next": {"/nb/rogaland/strategi/internasjonal-strategi"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/nb/rogaland/strategi/internasjonal-strategi" {
			t.Fatalf("sign in: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		set := resp.Header.Get("Set-Cookie")
		for _, want := range []string{"utsyn_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(set, want) {
				t.Errorf("session cookie %q lacks %s", set, want)
			}
		}
		if strings.Contains(set, "Secure") {
			t.Errorf("cookie over plain HTTP is Secure: %q", set)
		}
		_, body = b.get("/nb/rogaland")
		if !strings.Contains(body, "Logg ut") || !strings.Contains(body, "kari@example.org") {
			t.Error("signed in, the page does not offer to sign out")
		}
		if resp, _ := b.get("/nb/rogaland"); resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("a signed-in page may be cached: %q", resp.Header.Get("Cache-Control"))
		}

		// An outside address after sign-in is ignored: no open redirect.
		b2 := newBrowser(t, srv)
		resp, _ = b2.post("/nb/logg-inn", url.Values{"email": {"kari@example.org"}, "password": {testPassword}, "next": {"//evil.example/x"}})
		if loc := resp.Header.Get("Location"); loc != "/nb/rogaland" {
			t.Errorf("sign in with next=//evil.example: redirected to %q", loc)
		}

		// Signing out ends the session on the server: the old cookie is worth nothing.
		old := b.cookie()
		resp, _ = b.post("/nb/logg-ut", nil)
		if resp.StatusCode != http.StatusSeeOther || b.cookie() != "" {
			t.Fatalf("sign out: status %d, cookie left %q", resp.StatusCode, b.cookie())
		}
		stale := newBrowser(t, srv)
		u, _ := url.Parse(srv.URL)
		stale.client.Jar.SetCookies(u, []*http.Cookie{{Name: "utsyn_session", Value: old}})
		if resp, _ := stale.get("/nb/konto"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/nb/logg-inn") {
			t.Errorf("the cookie of a signed-out session still works: %d", resp.StatusCode)
		}
	})
}

// Behind TLS (here: a proxy that says so) the session cookie is Secure and HSTS is sent.
func TestSecureBehindTLS(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
	req, _ := http.NewRequest("POST", srv.URL+"/nb/logg-inn", strings.NewReader(url.Values{"email": {"kari@example.org"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, _ := newBrowser(t, srv).do(req)
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie behind TLS is not Secure: %q", resp.Header.Get("Set-Cookie"))
	}
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind TLS")
	}
}

// A new session every sign-in: a cookie planted before sign-in is never the one that signs in.
func TestSessionFixation(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
	b := newBrowser(t, srv)
	u, _ := url.Parse(srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "utsyn_session", Value: "planted-by-an-attacker"}})
	b.signIn("kari@example.org", testPassword)
	if c := b.cookie(); c == "planted-by-an-attacker" || c == "" {
		t.Errorf("session after sign-in is %q", c)
	}
}

func TestSignInRateLimit(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
		b := newBrowser(t, srv)
		for i := range 5 {
			if resp, _ := b.post("/nb/logg-inn", url.Values{"email": {"kari@example.org"}, "password": {"gjetting nummer " + string(rune('a'+i))}}); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("try %d: status %d", i+1, resp.StatusCode)
			}
		}
		// Now even the right password is refused, with a time to try again.
		resp, body := b.post("/en/logg-inn", url.Values{"email": {"kari@example.org"}, "password": {testPassword}})
		if resp.StatusCode != http.StatusTooManyRequests || !regexp.MustCompile(`Try again at \d\d:\d\d \(in 1[45] minutes\)`).MatchString(body) {
			t.Errorf("sixth try: status %d; want 429 saying when to try again\n%s", resp.StatusCode, body)
		}
		if b.cookie() != "" {
			t.Error("a blocked sign-in gave a session")
		}
		// Another account from another address is not blocked by it.
		addUser(t, db, "rogaland", "ola@example.org", utsyn.RoleReader)
		newBrowser(t, srv).signIn("ola@example.org", testPassword)
	})
}

// Unknown accounts answer like wrong passwords, so the form tells no one who has an account.
func TestSignInUnknownAccount(t *testing.T) {
	srv, _ := newServer(t, "sqlite")
	resp, body := newBrowser(t, srv).post("/nb/logg-inn", url.Values{"email": {"ingen@example.org"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "E-postadressen eller passordet er feil") {
		t.Errorf("unknown account: status %d", resp.StatusCode)
	}
}

func TestSessionTimeouts(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	if _, err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
	var offset atomic.Int64 // how far the server's clock is ahead
	srv := newServerWith(t, db, func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })

	tests := []struct {
		name   string
		ahead  time.Duration
		signed bool
	}{
		{"active", 0, true},
		{"29 minutes idle", 29 * time.Minute, true},
		{"31 minutes idle", 31 * time.Minute, false},
		{"13 hours after sign-in", 13 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offset.Store(0)
			b := newBrowser(t, srv)
			b.signIn("kari@example.org", testPassword)
			offset.Store(int64(tt.ahead))
			resp, _ := b.get("/nb/konto")
			if signed := resp.StatusCode == http.StatusOK; signed != tt.signed {
				t.Errorf("after %v: signed in %v, want %v (status %d)", tt.ahead, signed, tt.signed, resp.StatusCode)
			}
		})
	}
}

// A session of a user who has been removed signs no one in.
func TestSessionOfRemovedUser(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	admin := addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
	kari := addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
	b := newBrowser(t, srv)
	b.signIn("kari@example.org", testPassword)
	ctx := context.Background()
	org, _ := db.FindOrganisation(ctx, "rogaland")
	if err := db.UpdateAs(ctx, &utsyn.Principal{User: admin, Label: admin.Email}, func(tx *store.Tx) error {
		return tx.RemoveMembership(ctx, kari.ID, org.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindUser(ctx, kari.ID); !utsyn.IsNotFound(err) {
		t.Fatalf("a user with no organisation left was not deleted: %v", err)
	}
	if resp, _ := b.get("/nb/konto"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a deleted user's session still works: %d", resp.StatusCode)
	}
}

// Forms refuse requests from other sites (cross-site request forgery).
func TestCrossOriginRefused(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
	b := newBrowser(t, srv)
	b.signIn("admin@example.org", testPassword)
	resp, body := b.postFrom("https://evil.example", "/nb/rogaland/admin/brukere", url.Values{"email": {"mallory@example.org"}, "role": {"admin"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "et annet nettsted") {
		t.Errorf("cross-site POST: status %d, want 403 with a message", resp.StatusCode)
	}
	if _, err := db.FindUserByEmail(context.Background(), "mallory@example.org"); !utsyn.IsNotFound(err) {
		t.Error("the cross-site POST added a user")
	}
}
