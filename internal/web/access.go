package web

import (
	"net/http"
	"net/url"

	"github.com/utsyn/utsyn"
)

// The permission model, in one place. Anonymous readers see what is published. Signed in, a
// person has one role per organisation (utsyn.Role): reader < contributor < editor < admin,
// each including the ones below. A person with no role in an organisation is, there, anonymous:
// they never see or change another organisation's internal data.

// member wraps a page of an organisation ({org} in the path) that needs at least the role there.
// It puts the organisation and the actor on the page. Anyone not signed in is sent to sign in
// and back; a signed-in person without the role gets 403.
func (s *Server) member(role utsyn.Role, h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		if err := s.findOrg(r.Context(), r, p); err != nil {
			return err
		}
		if whoFrom(r) == nil {
			if r.Method != http.MethodGet {
				return &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.unauthorized"}
			}
			http.Redirect(w, r, "/"+string(p.Lang)+"/logg-inn?"+url.Values{"neste": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return nil
		}
		p.Actor = actorFor(r, p.Org.ID)
		if !p.Actor.Can(p.Org.ID, role) {
			return &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.forbidden"}
		}
		return h(w, r, p)
	}
}

// CanEdit reports whether the page's actor may edit the organisation's strategies and plans.
func (p *page) CanEdit() bool { return p.Org != nil && p.Actor.Can(p.Org.ID, utsyn.RoleEditor) }

// CanAdmin reports whether the page's actor administers the organisation.
func (p *page) CanAdmin() bool { return p.Org != nil && p.Actor.Can(p.Org.ID, utsyn.RoleAdmin) }

// CanRead reports whether the page's actor sees the organisation's internal pages.
func (p *page) CanRead() bool { return p.Org != nil && p.Actor.Can(p.Org.ID, utsyn.RoleReader) }
