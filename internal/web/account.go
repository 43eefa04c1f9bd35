package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

type accountPage struct {
	*page
	Orgs   []accountOrg
	Form   *form
	Secret string // a token just made: shown on this response only
	Done   string // what just happened, for the status notice
}

type accountOrg struct {
	Membership utsyn.Membership
	Name       utsyn.Text
	Tokens     []*utsyn.Token
	Roles      []utsyn.Role // the roles a token may have here: the person's own and below
}

// Lifetimes a token may be given in the form, in days.
var tokenLifetimes = []int{7, 30, 90, 365}

// TokenLifetimes lists the choices of the token form.
func (p *accountPage) TokenLifetimes() []int { return tokenLifetimes }

// TokenState says whether a token is active, expired or revoked, in words.
func (p *accountPage) TokenState(t *utsyn.Token) string {
	switch {
	case !t.RevokedAt.IsZero():
		return p.T("token.revoked")
	case time.Now().After(t.ExpiresAt):
		return p.T("token.expired")
	}
	return p.T("token.active")
}

// Active reports whether the token still works.
func (p *accountPage) Active(t *utsyn.Token) bool {
	return t.RevokedAt.IsZero() && time.Now().Before(t.ExpiresAt)
}

// When formats a moment in Norwegian time, or a dash for never.
func (p *page) When(t time.Time) string {
	if t.IsZero() {
		return p.T("time.never")
	}
	return formatTime(p.Lang, t)
}

// RoleName is a role in words.
func (p *page) RoleName(r utsyn.Role) string { return p.T("role." + string(r)) }

func (s *Server) accountData(r *http.Request, p *page) (*accountPage, error) {
	user := whoFrom(r).user
	ap := &accountPage{page: p, Form: newForm()}
	ap.Title = p.T("account.title")
	for _, m := range user.Memberships {
		org, err := s.db.FindOrganisation(r.Context(), m.OrgSlug)
		if err != nil {
			return nil, err
		}
		tokens, err := s.db.ListTokens(r.Context(), user.ID, m.OrgID)
		if err != nil {
			return nil, err
		}
		ao := accountOrg{Membership: m, Name: org.Name, Tokens: tokens}
		for _, role := range utsyn.Roles {
			if m.Role.AtLeast(role) {
				ao.Roles = append(ao.Roles, role)
			}
		}
		ap.Orgs = append(ap.Orgs, ao)
	}
	return ap, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, p *page) error {
	ap, err := s.accountData(r, p)
	if err != nil {
		return err
	}
	ap.Done = r.URL.Query().Get("utfort")
	s.render(w, r, "account", http.StatusOK, ap)
	return nil
}

// createToken makes an API token and shows its secret once, in this response (never in a URL).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *page) error {
	f, err := readForm(r, "name", "org", "role", "days")
	if err != nil {
		return err
	}
	ap, err := s.accountData(r, p)
	if err != nil {
		return err
	}
	ap.Form = f
	user := whoFrom(r).user
	orgID, _ := strconv.ParseInt(f.Get("org"), 10, 64)
	role := utsyn.Role(f.Get("role"))
	days, _ := strconv.Atoi(f.Get("days"))
	if f.Get("name") == "" {
		f.Fail("name", p.T("error.required"))
	}
	if user.RoleIn(orgID) == "" {
		f.Fail("org", p.T("error.reference"))
	}
	validDays := false
	for _, d := range tokenLifetimes {
		validDays = validDays || d == days
	}
	if !validDays {
		f.Fail("days", p.T("error.token_expiry"))
	}
	if !f.Failed() {
		actor := &utsyn.Principal{User: user, OrgID: orgID, Role: user.RoleIn(orgID), Label: user.Email}
		secret, _, err := auth.IssueToken(r.Context(), s.db, actor, f.Get("name"), role, time.Now().Add(time.Duration(days)*24*time.Hour))
		if err == nil {
			if ap, err = s.accountData(r, p); err != nil {
				return err
			}
			ap.Secret = secret
			w.Header().Set("Cache-Control", "no-store")
			s.render(w, r, "account", http.StatusOK, ap)
			return nil
		}
		if !f.FailWith(p, err) {
			return err
		}
	}
	s.render(w, r, "account", http.StatusUnprocessableEntity, ap)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	user := whoFrom(r).user
	actor := &utsyn.Principal{User: user, Label: user.Email}
	if err := s.db.UpdateAs(r.Context(), actor, func(tx *store.Tx) error { return tx.RevokeToken(r.Context(), user.ID, id) }); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+string(p.Lang)+"/konto?utfort=trukket", http.StatusSeeOther)
	return nil
}
