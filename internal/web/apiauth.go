package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
)

const callerKey ctxKey = 100

// bearer finds the caller of an API request from its "Authorization: Bearer …" header: nil
// when there is none (an anonymous caller, who sees what is published), or an error when the
// token is unknown, revoked or expired, or its user no longer has a role in its organisation.
// The API takes no session cookies, so a browser can never be tricked into calling it.
func (s *Server) bearer(r *http.Request) (*utsyn.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_invalid"}
	}
	ctx := r.Context()
	t, err := s.db.FindTokenByHash(ctx, auth.HashSecret(strings.TrimSpace(secret)))
	if utsyn.IsNotFound(err) {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_invalid"}
	} else if err != nil {
		return nil, err
	}
	switch {
	case !t.RevokedAt.IsZero():
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_revoked"}
	case s.now().After(t.ExpiresAt):
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_expired"}
	}
	user, err := s.db.FindUser(ctx, t.UserID)
	if utsyn.IsNotFound(err) {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_invalid"}
	} else if err != nil {
		return nil, err
	}
	// A token never does more than its user may do now: if their role was lowered, so is its.
	role := t.Role
	if current := user.RoleIn(t.OrgID); current == "" {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.token_invalid"}
	} else if !current.AtLeast(role) {
		role = current
	}
	if err := s.db.TouchToken(ctx, t); err != nil {
		s.log.Warn("touch token", "err", err)
	}
	return &utsyn.Principal{User: user, OrgID: t.OrgID, Role: role, TokenID: t.ID, Label: user.Email + " (" + t.Name + ")"}, nil
}

func withCaller(ctx context.Context, a *utsyn.Principal) context.Context {
	return context.WithValue(ctx, callerKey, a)
}

// callerFrom returns the API request's caller, or nil for an anonymous one.
func callerFrom(r *http.Request) *utsyn.Principal {
	a, _ := r.Context().Value(callerKey).(*utsyn.Principal)
	return a
}

// visibleTo returns the filter for what the API caller may see of an organisation's plans and
// strategies: everything for its readers and up, what is published for everyone else.
func visibleTo(r *http.Request, orgID int64) *bool {
	if callerFrom(r).Can(orgID, utsyn.RoleReader) {
		return nil
	}
	return published
}

type apiMe struct {
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Organisation apiRef     `json:"organisation"`
	Role         utsyn.Role `json:"role"`
	Token        apiMeToken `json:"token"`
}

type apiMeToken struct {
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

// apiMe tells a token's holder who they are to Utsyn.
func (s *Server) apiMe(r *http.Request) (any, error) {
	a := callerFrom(r)
	if a == nil {
		return nil, &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.unauthorized"}
	}
	var org *utsyn.Organisation
	for _, m := range a.User.Memberships {
		if m.OrgID == a.OrgID {
			o, err := s.db.FindOrganisation(r.Context(), m.OrgSlug)
			if err != nil {
				return nil, err
			}
			org = o
		}
	}
	tokens, err := s.db.ListTokens(r.Context(), a.User.ID, a.OrgID)
	if err != nil {
		return nil, err
	}
	me := apiMe{Email: a.User.Email, Name: a.User.Name, Organisation: apiRef{Slug: org.Slug, Title: org.Name}, Role: a.Role}
	for _, t := range tokens {
		if t.ID == a.TokenID {
			me.Token = apiMeToken{Name: t.Name, ExpiresAt: t.ExpiresAt.UTC().Format(timeFormat)}
		}
	}
	return me, nil
}
