package web_test

import (
	"context"
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
	"github.com/utsyn/utsyn/internal/store"
)

// browser is an HTTP client that behaves as a browser towards the test server: it keeps
// cookies, does not follow redirects (so tests see them), and sends Origin on POSTs.
type browser struct {
	t      testing.TB
	srv    *httptest.Server
	client *http.Client
}

func newBrowser(t testing.TB, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form from a page of the same site.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.postFrom(b.srv.URL, path, form)
}

// postFrom submits a form from a page of the given origin.
func (b *browser) postFrom(origin, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	return b.do(req)
}

// cookie returns the session cookie the browser holds, or "".
func (b *browser) cookie() string {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "utsyn_session" {
			return c.Value
		}
	}
	return ""
}

// signIn signs in and fails the test unless it worked.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	resp, body := b.post("/nb/logg-inn", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d\n%s", email, resp.StatusCode, body)
	}
}

const testPassword = "korrekt hest batteri stift"

// addUser creates a user with the password and a role in the organisation.
func addUser(t testing.TB, db *store.DB, orgSlug, email string, role utsyn.Role) *utsyn.User {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, orgSlug)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &utsyn.User{Email: email, PasswordHash: hash, Memberships: []utsyn.Membership{{OrgID: org.ID, OrgSlug: org.Slug, Role: role}}}
	err = db.Update(ctx, func(tx *store.Tx) error {
		if existing, err := tx.FindUserByEmail(ctx, email); err == nil {
			u = existing
			return tx.SetMembership(ctx, u.ID, org.ID, role)
		}
		return tx.CreateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// addOrg creates a second organisation, for tests of tenant isolation.
func addOrg(t testing.TB, db *store.DB, slug string) *utsyn.Organisation {
	t.Helper()
	ctx := context.Background()
	o := &utsyn.Organisation{Slug: slug, Name: utsyn.NewText("Agder fylkeskommune", "Agder County Council")}
	if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOrganisation(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

// issueToken makes an API token for the actor, valid for an hour.
func issueToken(db *store.DB, a *utsyn.Principal, role utsyn.Role) (string, *utsyn.Token, error) {
	return auth.IssueToken(context.Background(), db, a, "test", role, time.Now().Add(time.Hour))
}
