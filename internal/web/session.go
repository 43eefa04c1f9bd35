package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

// Session rules (OWASP ASVS level 2): a session ends after 30 minutes without activity and
// 12 hours after sign-in, whatever the activity.
const (
	sessionCookie   = "utsyn_session"
	sessionIdle     = 30 * time.Minute
	sessionAbsolute = 12 * time.Hour
)

type ctxKey int

const userKey ctxKey = iota

// who is the signed-in person of a request, as the session middleware found them.
type who struct {
	user      *utsyn.User
	session   *store.Session
	tokenHash string
}

// identify finds the signed-in user from the session cookie. A cookie of an ended session or a
// deleted user is removed and the request goes on anonymous.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, slug := r.Context(), ""
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// A page that only reads (pageHandler): the organisation it is about, and its change
			// stamp, are read with the session, in one query (store.FindSession).
			ctx = store.OneChangeStamp(ctx)
			_, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			slug, _, _ = strings.Cut(rest, "/")
		}
		hash := auth.HashSecret(c.Value)
		sess, user, err := s.db.FindSession(ctx, hash, slug)
		now := s.now()
		if err != nil || now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > sessionIdle {
			if err == nil {
				s.db.DeleteSession(ctx, hash)
			} else if !utsyn.IsNotFound(err) {
				s.log.Error("find session", "err", err)
			}
			s.clearSessionCookie(w, r)
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(sess.LastSeenAt) > time.Minute { // spare the writer: a minute's precision is enough
			if err := s.db.TouchSession(ctx, hash); err != nil {
				s.log.Warn("touch session", "err", err)
			}
		}
		w.Header().Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, &who{user: user, session: sess, tokenHash: hash})))
	})
}

func whoFrom(r *http.Request) *who {
	w, _ := r.Context().Value(userKey).(*who)
	return w
}

// actorFor returns the signed-in user as an actor in the organisation, or nil when no one is
// signed in or they have no role there.
func actorFor(r *http.Request, orgID int64) *utsyn.Principal {
	w := whoFrom(r)
	if w == nil {
		return nil
	}
	role := w.user.RoleIn(orgID)
	if role == "" {
		return nil
	}
	return &utsyn.Principal{User: w.user, OrgID: orgID, Role: role, Label: w.user.Email}
}

func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// startSession signs the user in: a new random session (never one the browser brought with it,
// so a planted cookie is useless) in an HttpOnly, SameSite=Lax cookie, Secure behind TLS.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user *utsyn.User, orgID int64) error {
	if old := whoFrom(r); old != nil {
		s.db.DeleteSession(r.Context(), old.tokenHash)
	}
	secret, hash, err := auth.NewSecret("")
	if err != nil {
		return err
	}
	sess := &store.Session{TokenHash: hash, UserID: user.ID, OrgID: orgID, ExpiresAt: time.Now().Add(sessionAbsolute)}
	if err := s.db.Update(r.Context(), func(tx *store.Tx) error { return tx.CreateSession(r.Context(), sess) }); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionAbsolute / time.Second)})
	return nil
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
