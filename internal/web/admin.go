package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

// resetLifetime is how long a password link made by an administrator works.
const resetLifetime = time.Hour

type usersPage struct {
	*page
	Users     []*utsyn.User
	Form      *form
	ResetLink string // a one-time link just made: shown on this response only
	ResetFor  string
	Done      string
}

func (s *Server) usersData(r *http.Request, p *page) (*usersPage, error) {
	users, err := s.db.ListUsers(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	up := &usersPage{page: p, Users: users, Form: newForm()}
	up.Title = p.T("users.title")
	up.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: up.Title}}
	return up, nil
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, p *page) error {
	up, err := s.usersData(r, p)
	if err != nil {
		return err
	}
	up.Done = r.URL.Query().Get("utfort")
	s.render(w, r, "users", http.StatusOK, up)
	return nil
}

// resetLinkFor makes a one-time link for the user to set a password.
func (s *Server) resetLinkFor(r *http.Request, p *page, userID int64) (string, error) {
	secret, hash, err := auth.NewSecret("")
	if err != nil {
		return "", err
	}
	err = s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error {
		if err := tx.CreatePasswordReset(r.Context(), hash, userID, p.Actor.User.ID, time.Now().Add(resetLifetime)); err != nil {
			return err
		}
		return tx.Record(r.Context(), p.Org.ID, "reset_link", "user", userID, "", nil)
	})
	if err != nil {
		return "", err
	}
	return s.absoluteURL(r, "/"+string(p.Lang)+"/passord/"+secret), nil
}

// addUser adds a person to the organisation (or gives an existing user a role here) and shows
// a one-time link for them to set their password.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, p *page) error {
	f, err := readForm(r, "email", "name", "role")
	if err != nil {
		return err
	}
	up, err := s.usersData(r, p)
	if err != nil {
		return err
	}
	up.Form = f
	role, err := utsyn.ParseRole(f.Get("role"))
	if err != nil {
		f.Fail("role", p.T("error.role"))
	}
	email, err := utsyn.NormaliseEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", p.T("error.email"))
	}
	if len([]rune(f.Get("name"))) > utsyn.MaxShort {
		f.Fail("name", p.T("error.too_long"))
	}
	if f.Failed() {
		s.render(w, r, "users", http.StatusUnprocessableEntity, up)
		return nil
	}
	var user *utsyn.User
	err = s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error {
		existing, err := tx.FindUserByEmail(r.Context(), email)
		if err == nil {
			if existing.RoleIn(p.Org.ID) != "" {
				return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "users.already_member", Field: "email"}
			}
			user = existing
			return tx.SetMembership(r.Context(), user.ID, p.Org.ID, role)
		} else if !utsyn.IsNotFound(err) {
			return err
		}
		user = &utsyn.User{Email: email, Name: f.Get("name"), Memberships: []utsyn.Membership{{OrgID: p.Org.ID, Role: role}}}
		if err := tx.CreateUser(r.Context(), user); err != nil {
			return err
		}
		return tx.Record(r.Context(), p.Org.ID, "create", "user", user.ID, user.Email, []utsyn.Change{{Field: "role", After: string(role)}})
	})
	if err != nil {
		if !f.FailWith(p, err) {
			return err
		}
		s.render(w, r, "users", http.StatusUnprocessableEntity, up)
		return nil
	}
	if up, err = s.usersData(r, p); err != nil {
		return err
	}
	if user.PasswordHash == "" {
		if up.ResetLink, err = s.resetLinkFor(r, p, user.ID); err != nil {
			return err
		}
		up.ResetFor = user.Email
	} else {
		up.Done = "lagt-til"
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "users", http.StatusOK, up)
	return nil
}

// userAction changes a member's role, makes a password link for them, or removes them.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, p *page) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	f, err := readForm(r, "role", "confirm")
	if err != nil {
		return err
	}
	user, err := s.db.FindUser(r.Context(), id)
	if err != nil || user.RoleIn(p.Org.ID) == "" {
		return errNotFound // a person of another organisation is no concern of this one's administrators
	}
	up, err := s.usersData(r, p)
	if err != nil {
		return err
	}
	done := ""
	switch r.PathValue("action") {
	case "rolle":
		role, err := utsyn.ParseRole(f.Get("role"))
		if err != nil {
			return err
		}
		err = s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error {
			if user.RoleIn(p.Org.ID) == utsyn.RoleAdmin && role != utsyn.RoleAdmin {
				if n, err := tx.CountAdmins(r.Context(), p.Org.ID); err != nil {
					return err
				} else if n <= 1 {
					return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "users.last_admin"}
				}
			}
			return tx.SetMembership(r.Context(), user.ID, p.Org.ID, role)
		})
		if err != nil {
			return s.userActionFailed(w, r, up, err)
		}
		done = "rolle"
	case "fjern":
		if f.Get("confirm") != "yes" { // removing someone is confirmed on a page of its own
			cp := &confirmPage{page: p, Heading: p.T("users.remove_confirm", "email", user.Email), Text: p.T("users.remove_text"),
				Action: p.Href(p.Org.Slug, "admin", "brukere", r.PathValue("id"), "fjern"), Button: p.T("users.remove"),
				Cancel: p.Href(p.Org.Slug, "admin", "brukere")}
			cp.Title = cp.Heading
			s.render(w, r, "confirm", http.StatusOK, cp)
			return nil
		}
		err = s.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error {
			if user.RoleIn(p.Org.ID) == utsyn.RoleAdmin {
				if n, err := tx.CountAdmins(r.Context(), p.Org.ID); err != nil {
					return err
				} else if n <= 1 {
					return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "users.last_admin"}
				}
			}
			return tx.RemoveMembership(r.Context(), user.ID, p.Org.ID)
		})
		if err != nil {
			return s.userActionFailed(w, r, up, err)
		}
		done = "fjernet"
	case "passord":
		if up.ResetLink, err = s.resetLinkFor(r, p, user.ID); err != nil {
			return err
		}
		up.ResetFor = user.Email
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, "users", http.StatusOK, up)
		return nil
	default:
		return errNotFound
	}
	http.Redirect(w, r, p.Href(p.Org.Slug, "admin", "brukere")+"?utfort="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) userActionFailed(w http.ResponseWriter, r *http.Request, up *usersPage, err error) error {
	if !up.Form.FailWith(up.page, err) {
		return err
	}
	s.render(w, r, "users", http.StatusConflict, up)
	return nil
}

// confirmPage asks before something that cannot be undone.
type confirmPage struct {
	*page
	Heading, Text, Action, Button, Cancel string
}
