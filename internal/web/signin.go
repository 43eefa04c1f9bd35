package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Brute-force limits: five wrong passwords for one account, or twenty from one address, within
// fifteen minutes stop further tries until the oldest of them is fifteen minutes old.
const (
	signinWindow     = 15 * time.Minute
	signinPerAccount = 5
	signinPerAddress = 20
)

type signinPage struct {
	*page
	Form *form
	Next string
	SSO  []ssoButton // "Logg inn med …" for the organisations with single sign-on
}

// safeNext keeps a redirect after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request, p *page) error {
	sp := &signinPage{page: p, Form: newForm(), Next: safeNext(r.URL.Query().Get("neste"))}
	sp.Title = p.T("signin.title")
	var err error
	if sp.SSO, err = s.ssoButtons(r, p, r.URL.Query().Get("org"), sp.Next); err != nil {
		return err
	}
	s.render(w, r, "signin", http.StatusOK, sp)
	return nil
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readForm(r, "email", "password", "next")
	if err != nil {
		return err
	}
	sp := &signinPage{page: p, Form: f, Next: safeNext(f.Get("next"))}
	sp.Title = p.T("signin.title")
	if sp.SSO, err = s.ssoButtons(r, p, "", sp.Next); err != nil {
		return err
	}
	fail := func(status int) error {
		s.render(w, r, "signin", status, sp)
		return nil
	}
	password := r.PostForm.Get("password") // not trimmed: spaces may be part of it
	if f.Get("email") == "" {
		f.Fail("email", p.T("signin.email_missing"))
	}
	if password == "" {
		f.Fail("password", p.T("signin.password_missing"))
	}
	if f.Failed() {
		return fail(http.StatusUnprocessableEntity)
	}
	accountKey := "email:" + strings.ToLower(f.Get("email"))
	addressKey := "ip:" + clientIP(r)
	if until, err := s.signinBlocked(ctx, accountKey, addressKey); err != nil {
		return err
	} else if !until.IsZero() {
		f.Fail("", p.T("signin.blocked", "time", clock(p.Lang, until), "minutes", minutesUntil(until)))
		return fail(http.StatusTooManyRequests)
	}
	user, err := s.db.FindUserByEmail(ctx, f.Get("email"))
	ok := false
	if err == nil && user.PasswordHash != "" {
		if ok, err = auth.CheckPassword(user.PasswordHash, password); err != nil {
			return err
		}
	} else if err == nil || utsyn.IsNotFound(err) {
		auth.WasteTime(password) // the same time whether the account exists or not
	} else {
		return err
	}
	if !ok || len(user.Memberships) == 0 {
		if err := s.db.RecordSigninFailure(ctx, accountKey, addressKey); err != nil {
			return err
		}
		f.Fail("email", p.T("signin.wrong"))
		return fail(http.StatusUnauthorized)
	}
	if err := s.db.ClearSigninFailures(ctx, accountKey); err != nil {
		return err
	}
	if err := s.startSession(w, r, user, user.Memberships[0].OrgID); err != nil {
		return err
	}
	s.log.Info("signed in", "user", user.ID)
	next := sp.Next
	if next == "" {
		next = p.Href(user.Memberships[0].OrgSlug)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signinBlocked returns when sign-in opens again under either key, or the zero time when it is
// open.
func (s *Server) signinBlocked(ctx context.Context, accountKey, addressKey string) (time.Time, error) {
	since := s.now().Add(-signinWindow)
	var until time.Time
	for _, k := range []struct {
		key   string
		limit int
	}{{accountKey, signinPerAccount}, {addressKey, signinPerAddress}} {
		n, oldest, err := s.db.SigninFailures(ctx, k.key, since)
		if err != nil {
			return time.Time{}, err
		}
		if n >= k.limit && oldest.Add(signinWindow).After(until) {
			until = oldest.Add(signinWindow)
		}
	}
	return until, nil
}

// clientIP is the address the request came from. Behind a proxy every request comes from the
// proxy: set the limits with that in mind, or make the proxy limit too.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

func clock(lang i18n.Lang, t time.Time) string { return t.In(oslo).Format("15:04") }

func minutesUntil(t time.Time) string {
	m := int(time.Until(t).Minutes()) + 1
	return fmt.Sprint(m)
}

// signout ends the session here and removes the cookie.
func (s *Server) signout(w http.ResponseWriter, r *http.Request, p *page) error {
	if who := whoFrom(r); who != nil {
		if err := s.db.DeleteSession(r.Context(), who.tokenHash); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/"+string(p.Lang)+"/?"+url.Values{"utlogget": {"1"}}.Encode(), http.StatusSeeOther)
	return nil
}

type passwordPage struct {
	*page
	Form  *form
	Done  bool
	Reset bool // the page of a one-time reset link: no current password asked
	Token string
}

// requireUser sends an anonymous visitor to the sign-in page and back here afterwards.
func (s *Server) requireUser(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		if whoFrom(r) == nil {
			if r.Method != http.MethodGet {
				return &utsyn.Error{Code: utsyn.EUNAUTHORIZED, Message: "error.unauthorized"}
			}
			http.Redirect(w, r, "/"+string(p.Lang)+"/logg-inn?"+url.Values{"neste": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return nil
		}
		return h(w, r, p)
	}
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, p *page) error {
	pp := &passwordPage{page: p, Form: newForm(), Done: r.URL.Query().Get("endret") == "1"}
	pp.Title = p.T("password.title")
	s.render(w, r, "password", http.StatusOK, pp)
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, p *page) error {
	f, err := readForm(r, "current", "password", "confirm")
	if err != nil {
		return err
	}
	pp := &passwordPage{page: p, Form: f}
	pp.Title = p.T("password.title")
	user := whoFrom(r).user
	current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("confirm")
	if ok, _ := auth.CheckPassword(user.PasswordHash, current); !ok {
		f.Fail("current", p.T("password.current_wrong"))
	}
	s.checkNewPassword(p, f, next, confirm)
	if f.Failed() {
		s.render(w, r, "password", http.StatusUnprocessableEntity, pp)
		return nil
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	actor := &utsyn.Principal{User: user, Label: user.Email}
	if err := s.db.UpdateAs(r.Context(), actor, func(tx *store.Tx) error {
		if err := tx.SetPassword(r.Context(), user.ID, hash); err != nil {
			return err
		}
		for _, m := range user.Memberships {
			if err := tx.Record(r.Context(), m.OrgID, "change_password", "user", user.ID, user.Email, nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// Every session of the user ended with the change; this browser gets a new one.
	if err := s.startSession(w, r, user, whoFrom(r).session.OrgID); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+string(p.Lang)+"/konto/passord?endret=1", http.StatusSeeOther)
	return nil
}

func (s *Server) checkNewPassword(p *page, f *form, next, confirm string) {
	if err := utsyn.ValidatePassword(next); err != nil {
		f.Fail("password", p.T(utsyn.ErrorMessage(err), "min", fmt.Sprint(utsyn.MinPassword)))
	} else if next != confirm {
		f.Fail("confirm", p.T("password.mismatch"))
	}
}

// resetForm shows the page of a one-time reset link.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request, p *page) error {
	token := r.PathValue("token")
	if _, err := s.db.FindPasswordReset(r.Context(), auth.HashSecret(token)); err != nil {
		return s.resetGone(w, r, p, err)
	}
	pp := &passwordPage{page: p, Form: newForm(), Reset: true, Token: token}
	pp.Title = p.T("reset.title")
	s.render(w, r, "password", http.StatusOK, pp)
	return nil
}

func (s *Server) resetGone(w http.ResponseWriter, r *http.Request, p *page, err error) error {
	if !utsyn.IsNotFound(err) {
		return err
	}
	ep := &errorPage{page: p, Heading: p.T("reset.gone.title"), Text: p.T("reset.gone.text")}
	ep.Title = ep.Heading
	s.render(w, r, "error", http.StatusGone, ep)
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request, p *page) error {
	token := r.PathValue("token")
	f, err := readForm(r, "password", "confirm")
	if err != nil {
		return err
	}
	pp := &passwordPage{page: p, Form: f, Reset: true, Token: token}
	pp.Title = p.T("reset.title")
	next, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	s.checkNewPassword(p, f, next, confirm)
	if f.Failed() {
		s.render(w, r, "password", http.StatusUnprocessableEntity, pp)
		return nil
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	err = s.db.Update(r.Context(), func(tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(r.Context(), auth.HashSecret(token))
		if err != nil {
			return err
		}
		return tx.SetPassword(r.Context(), userID, hash)
	})
	if err != nil {
		return s.resetGone(w, r, p, err)
	}
	http.Redirect(w, r, "/"+string(p.Lang)+"/logg-inn?passord=nytt", http.StatusSeeOther)
	return nil
}
