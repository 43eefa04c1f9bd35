package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

func TestValidateOIDCProvider(t *testing.T) {
	valid := func() *store.OIDCProvider {
		return &store.OIDCProvider{OrgID: 1, Issuer: "https://login.microsoftonline.com/tenant/v2.0", ClientID: "c",
			RoleClaim: "roles", RoleMap: map[string]utsyn.Role{"Utsyn.Admin": utsyn.RoleAdmin}}
	}
	tests := []struct {
		name   string
		change func(p *store.OIDCProvider)
		want   string // "field:message", or "" for valid
	}{
		{"valid", func(p *store.OIDCProvider) {}, ""},
		{"ID-porten", func(p *store.OIDCProvider) { p.Issuer = "https://idporten.no" }, ""},
		{"http on this machine, for tests", func(p *store.OIDCProvider) { p.Issuer = "http://127.0.0.1:8081" }, ""},
		{"http on localhost", func(p *store.OIDCProvider) { p.Issuer = "http://localhost:8081/realms/utsyn" }, ""},
		{"no issuer", func(p *store.OIDCProvider) { p.Issuer = "" }, "issuer:error.required"},
		{"plain http elsewhere", func(p *store.OIDCProvider) { p.Issuer = "http://idp.example.org" }, "issuer:sso.error_issuer_https"},
		{"http on a name that starts like localhost", func(p *store.OIDCProvider) { p.Issuer = "http://localhost.evil.example" }, "issuer:sso.error_issuer_https"},
		{"not a URL", func(p *store.OIDCProvider) { p.Issuer = "idporten.no" }, "issuer:sso.error_issuer"},
		{"with a query", func(p *store.OIDCProvider) { p.Issuer = "https://idp.example.org/?x=1" }, "issuer:sso.error_issuer"},
		{"with a password", func(p *store.OIDCProvider) { p.Issuer = "https://a:b@idp.example.org" }, "issuer:sso.error_issuer"},
		{"other scheme", func(p *store.OIDCProvider) { p.Issuer = "ftp://idp.example.org" }, "issuer:sso.error_issuer_https"},
		{"no client id", func(p *store.OIDCProvider) { p.ClientID = "" }, "client_id:error.required"},
		{"roles without a claim", func(p *store.OIDCProvider) { p.RoleClaim = "" }, "role_claim:sso.error_role_claim_missing"},
		{"claim with a space", func(p *store.OIDCProvider) { p.RoleClaim = "my roles" }, "role_claim:sso.error_role_claim"},
		{"no such role", func(p *store.OIDCProvider) { p.RoleMap["x"] = "boss" }, "role_map:error.role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(p)
			err := p.Validate()
			got := ""
			if e, ok := err.(*utsyn.Error); ok {
				got = e.Problems[0].Field + ":" + e.Problems[0].Message
			} else if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOIDCProviders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("Rogaland fylkeskommune", "Rogaland County Council")}
		other := &utsyn.Organisation{Slug: "agder", Name: utsyn.NewText("Agder fylkeskommune", "Agder County Council")}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganisation(ctx, org); err != nil {
				return err
			}
			return tx.CreateOrganisation(ctx, other)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindOIDCProvider(ctx, org.ID); !utsyn.IsNotFound(err) {
			t.Fatalf("no settings yet: %v", err)
		}
		actor := &utsyn.Principal{OrgID: org.ID, Label: "admin@example.org"}
		save := func(p *store.OIDCProvider) error {
			return db.UpdateAs(ctx, actor, func(tx *store.Tx) error { return tx.SaveOIDCProvider(ctx, p) })
		}
		p := &store.OIDCProvider{OrgID: org.ID, Issuer: "https://login.microsoftonline.com/t/v2.0", ClientID: "app",
			ClientSecret: "s3cret-value", RoleClaim: "roles", RoleMap: map[string]utsyn.Role{"Utsyn.Admin": utsyn.RoleAdmin}, Enabled: true}
		if err := save(p); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOIDCProvider(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Issuer != p.Issuer || got.ClientSecret != "s3cret-value" || got.RoleMap["Utsyn.Admin"] != utsyn.RoleAdmin ||
			!got.Enabled || got.CreateUnknown || got.OrgSlug != "rogaland" {
			t.Errorf("stored %+v", got)
		}
		// A second organisation, switched off: not offered at sign-in.
		if err := save(&store.OIDCProvider{OrgID: other.ID, Issuer: "https://idporten.no", ClientID: "x"}); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListOIDCProviders(ctx)
		if err != nil || len(list) != 1 || list[0].OrgSlug != "rogaland" {
			t.Errorf("enabled providers: %v, %d", err, len(list))
		}

		p.ClientSecret = "n3w-secret"
		p.CreateUnknown = true
		if err := save(p); err != nil {
			t.Fatal(err)
		}
		events, err := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "sso"})
		if err != nil || len(events) != 2 {
			t.Fatalf("audit: %v, %d events", err, len(events))
		}
		if events[0].Action != "update" || events[1].Action != "create" || events[0].ActorLabel != "admin@example.org" {
			t.Errorf("audit actions %q, %q by %q", events[0].Action, events[1].Action, events[0].ActorLabel)
		}
		var fields []string
		for _, e := range events {
			for _, c := range e.Changes {
				if strings.Contains(c.Before+c.After, "secret") {
					t.Errorf("the audit trail shows the secret: %+v", c)
				}
				fields = append(fields, c.Field)
			}
		}
		if got := strings.Join(fields, ","); got != "client_secret,create_unknown,issuer,client_id,client_secret,role_claim,role_map,create_unknown,enabled" {
			t.Errorf("changed fields %s", got)
		}
		// Saving the same again changes nothing and records nothing.
		if err := save(p); err != nil {
			t.Fatal(err)
		}
		if events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "sso"}); len(events) != 2 {
			t.Errorf("an unchanged save was recorded: %d events", len(events))
		}
		if err := save(&store.OIDCProvider{OrgID: org.ID, Issuer: "http://idp.example.org", ClientID: "x"}); utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("invalid settings saved: %v", err)
		}
	})
}

func TestOIDCStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("Rogaland", "Rogaland")}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOrganisation(ctx, org) }); err != nil {
			t.Fatal(err)
		}
		create := func(hash string, expires time.Time) {
			st := &store.OIDCState{Hash: hash, OrgID: org.ID, Lang: "en", Nonce: "n", Verifier: "v",
				RedirectURI: "https://u.example/sso/callback", Next: "/en/rogaland", BrowserHash: "b", ExpiresAt: expires}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOIDCState(ctx, st) }); err != nil {
				t.Fatal(err)
			}
		}
		use := func(hash string) (*store.OIDCState, error) {
			var st *store.OIDCState
			err := db.Update(ctx, func(tx *store.Tx) (err error) {
				st, err = tx.UseOIDCState(ctx, hash)
				return err
			})
			return st, err
		}
		create("h1", time.Now().Add(10*time.Minute))
		st, err := use("h1")
		if err != nil || st.Lang != "en" || st.Verifier != "v" || st.Next != "/en/rogaland" || st.OrgID != org.ID {
			t.Fatalf("use: %v %+v", err, st)
		}
		if _, err := use("h1"); !utsyn.IsNotFound(err) {
			t.Errorf("a state served twice: %v", err)
		}
		if _, err := use("nope"); !utsyn.IsNotFound(err) {
			t.Errorf("an unknown state: %v", err)
		}
		create("h2", time.Now().Add(-time.Second))
		if _, err := use("h2"); !utsyn.IsNotFound(err) {
			t.Errorf("an expired state served: %v", err)
		}
		// Expired states are swept when new ones come.
		create("h3", time.Now().Add(-time.Minute))
		create("h4", time.Now().Add(time.Minute))
		if n, _ := db.Count(ctx, "oidc_states"); n != 1 {
			t.Errorf("%d states kept, want only the live one", n)
		}
	})
}

func TestUserIdentities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("Rogaland", "Rogaland")}
		u := &utsyn.User{Email: "kari@example.org"}
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganisation(ctx, org); err != nil {
				return err
			}
			u.Memberships = []utsyn.Membership{{OrgID: org.ID, Role: utsyn.RoleReader}}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			return tx.LinkIdentity(ctx, org.ID, "https://idporten.no", "sub-1", u.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			got, err := tx.FindUserByIdentity(ctx, "https://idporten.no", "sub-1")
			if err != nil || got.ID != u.ID || got.RoleIn(org.ID) != utsyn.RoleReader {
				t.Errorf("by identity: %v %+v", err, got)
			}
			if _, err := tx.FindUserByIdentity(ctx, "https://idporten.no", "SUB-1"); !utsyn.IsNotFound(err) {
				t.Errorf("subjects are compared exactly: %v", err)
			}
			if err := tx.LinkIdentity(ctx, org.ID, "https://idporten.no", "sub-1", u.ID); utsyn.ErrorCode(err) != utsyn.ECONFLICT {
				t.Errorf("linked twice: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Action: "link_identity"})
		if len(events) != 1 || events[0].Changes[0].After != "https://idporten.no" || strings.Contains(events[0].Summary+events[0].Changes[0].After, "sub-1") {
			t.Errorf("audit of the link: %+v", events)
		}
	})
}
