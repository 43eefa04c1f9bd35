package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

var secretPattern = regexp.MustCompile(`<code class="secret">([^<]+)</code>`)

// apiGet calls the API with a token and decodes the answer.
func apiGet(t *testing.T, srv *httptest.Server, path, token string) (int, map[string]any) {
	t.Helper()
	resp, body := get(t, srv, path, "Authorization", "Bearer "+token)
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return resp.StatusCode, v
}

func TestTokens(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleEditor)
		b := newBrowser(t, srv)
		b.signIn("kari@example.org", testPassword)
		org, _ := db.FindOrganisation(context.Background(), "rogaland")
		orgID := itoa(org.ID)

		// A token may not have a higher role than its maker.
		resp, body := b.post("/nb/konto/nokler", url.Values{"name": {"for høy"}, "org": {orgID}, "role": {"admin"}, "days": {"30"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "høyere rolle enn din egen") {
			t.Errorf("admin token by an editor: status %d", resp.StatusCode)
		}
		resp, body = b.post("/nb/konto/nokler", url.Values{"name": {""}, "org": {orgID}, "role": {"reader"}, "days": {"3"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Fyll ut feltet") || !strings.Contains(body, "utløpsdato") {
			t.Errorf("token without a name and with a bad lifetime: status %d", resp.StatusCode)
		}

		resp, body = b.post("/nb/konto/nokler", url.Values{"name": {"Import <script>alert(1)</script>"}, "org": {orgID}, "role": {"reader"}, "days": {"30"}})
		m := secretPattern.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil || !strings.HasPrefix(m[1], "utsyn_") {
			t.Fatalf("make token: status %d, no secret shown", resp.StatusCode)
		}
		secret := m[1]
		if strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "Import &lt;script&gt;") {
			t.Error("the token's name is not escaped")
		}
		if resp.Header.Get("Cache-Control") != "no-store" && !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
			t.Error("the page with a secret may be cached")
		}
		// Shown once: the account page lists the token by its prefix, never the secret.
		_, body = b.get("/nb/konto")
		if strings.Contains(body, secret) || !strings.Contains(body, secret[:12]) {
			t.Error("the account page shows the secret again, or not the token's start")
		}

		status, me := apiGet(t, srv, "/api/v1/me", secret)
		if status != 200 || me["email"] != "kari@example.org" || me["role"] != "reader" {
			t.Fatalf("/me with the token: %d %v", status, me)
		}
		_, body = b.get("/nb/konto")
		if strings.Contains(body, "<td>aldri</td>\n      <td>Aktiv") {
			t.Error("the token's last use was not recorded")
		}

		// Revoked: refused, and the answer says so.
		tokens, _ := db.ListTokens(context.Background(), tokensUser(t, db, "kari@example.org"), org.ID)
		resp, _ = b.post("/nb/konto/nokler/"+itoa(tokens[0].ID)+"/trekk-tilbake", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d", resp.StatusCode)
		}
		status, v := apiGet(t, srv, "/api/v1/me", secret)
		if status != 401 || !strings.Contains(v["error"].(map[string]any)["message"].(string), "trukket tilbake") {
			t.Errorf("revoked token: %d %v", status, v)
		}
		// Someone else cannot revoke your tokens.
		addUser(t, db, "rogaland", "ola@example.org", utsyn.RoleEditor)
		other := newBrowser(t, srv)
		other.signIn("ola@example.org", testPassword)
		if resp, _ := other.post("/nb/konto/nokler/"+itoa(tokens[0].ID)+"/trekk-tilbake", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoking another's token: status %d, want 404", resp.StatusCode)
		}
	})
}

func tokensUser(t *testing.T, db *store.DB, email string) int64 {
	u, err := db.FindUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUserAdministration(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		addUser(t, db, "rogaland", "admin@example.org", utsyn.RoleAdmin)
		admin := newBrowser(t, srv)
		admin.signIn("admin@example.org", testPassword)

		resp, body := admin.post("/nb/rogaland/admin/brukere", url.Values{"email": {"ikke en adresse"}, "name": {"Ny"}, "role": {"editor"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "gyldig e-postadresse") || !strings.Contains(body, `value="ikke en adresse"`) {
			t.Errorf("bad address: status %d; want 422 keeping what was typed", resp.StatusCode)
		}
		resp, body = admin.post("/nb/rogaland/admin/brukere", url.Values{"email": {"Nina@Example.org"}, "name": {`<img src=x onerror=alert(1)>`}, "role": {"editor"}})
		m := secretPattern.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(m[1], "/nb/passord/") {
			t.Fatalf("add user: status %d, no reset link", resp.StatusCode)
		}
		if strings.Contains(body, "<img src=x") {
			t.Error("a user's name is shown unescaped")
		}
		link, _ := url.Parse(m[1])

		// The new user sets a password through the link, once.
		nina := newBrowser(t, srv)
		if resp, _ := nina.get(link.Path); resp.StatusCode != 200 {
			t.Fatalf("reset page: %d", resp.StatusCode)
		}
		resp, body = nina.post(link.Path, url.Values{"password": {"kort"}, "confirm": {"kort"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "minst 12 tegn") {
			t.Errorf("short password: status %d", resp.StatusCode)
		}
		resp, _ = nina.post(link.Path, url.Values{"password": {"et langt nytt passord"}, "confirm": {"et langt nytt passord"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: status %d", resp.StatusCode)
		}
		if resp, _ := nina.post(link.Path, url.Values{"password": {"et annet passord her"}, "confirm": {"et annet passord her"}}); resp.StatusCode != http.StatusGone {
			t.Errorf("a used link works again: %d", resp.StatusCode)
		}
		nina.signIn("nina@example.org", "et langt nytt passord")
		if resp, _ := nina.get("/nb/rogaland/admin/brukere"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an editor sees user administration: %d", resp.StatusCode)
		}

		// Change the role; the last administrator cannot be demoted.
		ninaID := tokensUser(t, db, "nina@example.org")
		if resp, _ := admin.post("/nb/rogaland/admin/brukere/"+itoa(ninaID)+"/rolle", url.Values{"role": {"reader"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("change role: %d", resp.StatusCode)
		}
		adminID := tokensUser(t, db, "admin@example.org")
		resp, body = admin.post("/nb/rogaland/admin/brukere/"+itoa(adminID)+"/rolle", url.Values{"role": {"reader"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "minst én administrator") {
			t.Errorf("demote the last admin: %d", resp.StatusCode)
		}

		// Removing asks first, then removes.
		resp, body = admin.post("/nb/rogaland/admin/brukere/"+itoa(ninaID)+"/fjern", nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "Fjerne nina@example.org?") {
			t.Errorf("remove without confirmation: %d", resp.StatusCode)
		}
		if resp, _ := admin.post("/nb/rogaland/admin/brukere/"+itoa(ninaID)+"/fjern", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("remove: %d", resp.StatusCode)
		}
		if resp, _ := nina.get("/nb/konto"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a removed user is still signed in: %d", resp.StatusCode)
		}

		// The change log tells it all, and exports it.
		_, body = admin.get("/nb/rogaland/admin/logg?entity=user")
		for _, want := range []string{"nina@example.org", "Opprettet", "Fjernet", "editor", "reader", "admin@example.org"} {
			if !strings.Contains(body, want) {
				t.Errorf("change log lacks %q", want)
			}
		}
		resp, body = admin.get("/nb/rogaland/admin/logg.csv?entity=user")
		if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(body, "\uFEFFTidspunkt;Hvem;") || !strings.Contains(body, "nina@example.org") {
			t.Errorf("CSV export: %q\n%s", resp.Header.Get("Content-Type"), body)
		}
		if resp, _ := admin.get("/nb/rogaland/admin/logg?from=igår"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a bad date in the filter: %d", resp.StatusCode)
		}
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addUser(t, db, "rogaland", "kari@example.org", utsyn.RoleReader)
	here, elsewhere := newBrowser(t, srv), newBrowser(t, srv)
	here.signIn("kari@example.org", testPassword)
	elsewhere.signIn("kari@example.org", testPassword)
	resp, body := here.post("/nb/konto/passord", url.Values{"current": {"feil"}, "password": {"et helt nytt passord"}, "confirm": {"et helt nytt passord"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "nåværende passordet er feil") {
		t.Errorf("wrong current password: %d", resp.StatusCode)
	}
	resp, _ = here.post("/nb/konto/passord", url.Values{"current": {testPassword}, "password": {"et helt nytt passord"}, "confirm": {"et helt nytt passord"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	if resp, _ := here.get("/nb/konto"); resp.StatusCode != 200 {
		t.Errorf("this browser was signed out by its own change: %d", resp.StatusCode)
	}
	if resp, _ := elsewhere.get("/nb/konto"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in: %d", resp.StatusCode)
	}
}
