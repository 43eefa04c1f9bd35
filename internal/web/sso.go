package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Single sign-on through an organisation's OpenID Connect provider (Microsoft Entra ID,
// ID-porten, or any other). A sign-in starts at /{lang}/logg-inn/{org}, goes to the provider and
// comes back to the one fixed address /sso/callback, which is what an administrator registers
// at the provider. The state, the nonce and the PKCE verifier stay on the server (oidc_states);
// a cookie ties the state to the browser that started the sign-in, so that no one can plant
// their own sign-in in another person's browser.

// ssoCookie marks the browser that started a sign-in. It lives as long as a state does.
const ssoCookie = "utsyn_sso"

// sso serves single sign-on. routes makes one, which keeps the providers' discovery documents
// for some minutes.
type sso struct {
	*Server
	oidc   *auth.OIDC
	starts startLimit
}

func (s *Server) newSSO() *sso {
	return &sso{Server: s, oidc: auth.NewOIDC(nil), starts: startLimit{max: ssoStartsPerAddress, window: auth.StateLifetime}}
}

// ssoStartsPerAddress is how many sign-ins one address may start while their states live.
// Starting one needs no account and stores a state: without a bound, anyone could fill the
// table. Behind a proxy every request comes from the proxy (clientIP): make the proxy limit too.
const ssoStartsPerAddress = 30

// startLimit counts what each address started within a window of time, in memory: a restart
// forgets it, which costs an attacker one more window.
type startLimit struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	seen   map[string]startCount
}

type startCount struct {
	since time.Time
	n     int
}

// allow counts a start from the address, and reports whether it is within the limit.
func (l *startLimit) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil || len(l.seen) > 100_000 {
		l.seen = map[string]startCount{} // many addresses at once: start counting again
	}
	c := l.seen[addr]
	if now.Sub(c.since) >= l.window {
		c = startCount{since: now}
	}
	c.n++
	l.seen[addr] = c
	return c.n <= l.max
}

// callbackURL is the address the provider sends the browser back to.
func (s *Server) callbackURL(r *http.Request) string { return s.absoluteURL(r, "/sso/callback") }

// start sends the browser to the organisation's provider.
func (h *sso) start(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	if err := h.findOrg(ctx, r, p); err != nil {
		return err
	}
	cfg, err := h.db.FindOIDCProvider(ctx, p.Org.ID)
	if utsyn.IsNotFound(err) || (err == nil && !cfg.Enabled) {
		return h.failed(w, r, p, &auth.SSOError{Reason: auth.SSODisabled})
	} else if err != nil {
		return err
	}
	if !h.starts.allow(clientIP(r), h.now()) {
		return h.failed(w, r, p, &auth.SSOError{Reason: auth.SSOBusy})
	}
	authURL, st, err := h.oidc.Begin(ctx, cfg, h.callbackURL(r))
	if err != nil {
		return h.failed(w, r, p, err)
	}
	// One cookie per browser, whatever the number of sign-ins it has under way (tabs).
	browser := ""
	if c, err := r.Cookie(ssoCookie); err == nil && len(c.Value) >= 43 {
		browser = c.Value
	} else if browser, _, err = auth.NewSecret(""); err != nil {
		return err
	}
	st.Lang = string(p.Lang)
	st.Next = safeNext(r.URL.Query().Get("neste"))
	st.BrowserHash = auth.HashSecret(browser)
	if err := h.db.Update(ctx, func(tx *store.Tx) error { return tx.CreateOIDCState(ctx, st) }); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: browser, Path: "/", HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: int(auth.StateLifetime / time.Second)})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

// callback is where the provider sends the browser back, with a code or an error. The state
// says in which language and for which organisation; until it is found, the browser's
// language is used.
func (h *sso) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := h.newPage(i18n.Negotiate(r.Header.Get("Accept-Language")), r)
	p.Path = "/"
	fail := func(err error) {
		if err := h.failed(w, r, p, err); err != nil {
			h.fail(w, r, p, err)
		}
	}
	badState := &auth.SSOError{Reason: auth.SSOBadState}
	state := q.Get("state")
	if state == "" {
		fail(badState)
		return
	}
	var st *store.OIDCState
	err := h.db.Update(ctx, func(tx *store.Tx) (err error) {
		st, err = tx.UseOIDCState(ctx, auth.HashSecret(state))
		return err
	})
	if utsyn.IsNotFound(err) {
		fail(badState)
		return
	} else if err != nil {
		fail(err)
		return
	}
	if lang, ok := i18n.Parse(st.Lang); ok {
		p.Lang = lang
	}
	c, err := r.Cookie(ssoCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(auth.HashSecret(c.Value)), []byte(st.BrowserHash)) != 1 {
		fail(&auth.SSOError{Reason: auth.SSOBadState, Err: errors.New("the sign-in was started in another browser")})
		return
	}
	if e := q.Get("error"); e != "" {
		fail(&auth.SSOError{Reason: auth.SSODenied, Err: fmt.Errorf("%.100s: %.300s", e, q.Get("error_description"))})
		return
	}
	cfg, err := h.db.FindOIDCProvider(ctx, st.OrgID)
	if utsyn.IsNotFound(err) || (err == nil && !cfg.Enabled) {
		fail(&auth.SSOError{Reason: auth.SSODisabled})
		return
	} else if err != nil {
		fail(err)
		return
	}
	// RFC 9207: a provider that names itself in the answer (ID-porten does) must be the one the
	// sign-in went to, or the answer was sent elsewhere by someone in between (a mix-up).
	if iss := q.Get("iss"); iss != "" && iss != cfg.Issuer {
		fail(&auth.SSOError{Reason: auth.SSOBadToken, Err: fmt.Errorf("the answer names issuer %.200q", iss)})
		return
	}
	if q.Get("code") == "" {
		fail(&auth.SSOError{Reason: auth.SSOBadToken, Err: errors.New("no code")})
		return
	}
	id, err := h.oidc.Finish(ctx, cfg, st, q.Get("code"))
	if err != nil {
		fail(err)
		return
	}
	user, err := auth.SignIn(ctx, h.db, cfg, id)
	if err != nil {
		fail(err)
		return
	}
	if err := h.startSession(w, r, user, cfg.OrgID); err != nil {
		fail(err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/", HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	h.log.Info("signed in", "user", user.ID, "through", auth.ProviderName(cfg.Issuer))
	next := st.Next
	if next == "" {
		next = "/" + string(p.Lang) + "/" + cfg.OrgSlug
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// failed shows why a sign-in through a provider failed, in the page's language; the details
// go to the log only. Any error that is not an *auth.SSOError is returned for the error page.
func (h *sso) failed(w http.ResponseWriter, r *http.Request, p *page, err error) error {
	var e *auth.SSOError
	if !errors.As(err, &e) {
		return err
	}
	status := map[string]int{
		auth.SSOBadState:    http.StatusBadRequest,
		auth.SSODenied:      http.StatusForbidden,
		auth.SSOUnreachable: http.StatusBadGateway,
		auth.SSOBadToken:    http.StatusUnauthorized,
		auth.SSOUnknownUser: http.StatusForbidden,
		auth.SSOOtherOrg:    http.StatusForbidden,
		auth.SSODisabled:    http.StatusNotFound,
		auth.SSOBusy:        http.StatusTooManyRequests,
	}[e.Reason]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	h.log.Warn("single sign-on failed", "reason", e.Reason, "err", e.Err, "path", r.URL.Path)
	ep := &errorPage{page: p, Heading: p.T(e.Reason + ".title"), Text: p.T(e.Reason + ".text")}
	ep.Title, ep.Status = ep.Heading, status
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, "error", status, ep)
	return nil
}

// ssoButton is a "Sign in with …" link on the sign-in page.
type ssoButton struct {
	Href, Label string
}

// ssoButtons returns the sign-in links of the organisations whose single sign-on is enabled:
// only the one named by orgSlug when it is given. next is where to go once signed in.
func (s *Server) ssoButtons(r *http.Request, p *page, orgSlug, next string) ([]ssoButton, error) {
	providers, err := s.db.ListOIDCProviders(r.Context())
	if err != nil {
		return nil, err
	}
	if orgSlug != "" {
		var only []*store.OIDCProvider
		for _, pr := range providers {
			if pr.OrgSlug == orgSlug {
				only = append(only, pr)
			}
		}
		providers = only
	}
	out := make([]ssoButton, 0, len(providers))
	for _, pr := range providers {
		href := p.Href("logg-inn", pr.OrgSlug)
		if next = safeNext(next); next != "" {
			href += "?" + url.Values{"neste": {next}}.Encode()
		}
		label := p.T("sso.signin_with", "provider", auth.ProviderName(pr.Issuer))
		if len(providers) > 1 {
			label = p.T("sso.signin_with_org", "provider", auth.ProviderName(pr.Issuer), "org", p.S(pr.OrgName))
		}
		out = append(out, ssoButton{Href: href, Label: label})
	}
	return out, nil
}

type ssoSettingsPage struct {
	*page
	Form        *form
	CallbackURL string // to register at the provider
	HasSecret   bool
	Configured  bool // the organisation has settings, enabled or not
	Enabled     bool
	Saved       bool
}

func (s *Server) ssoSettingsData(r *http.Request, p *page, f *form) (*ssoSettingsPage, *store.OIDCProvider, error) {
	cfg, err := s.db.FindOIDCProvider(r.Context(), p.Org.ID)
	if err != nil && !utsyn.IsNotFound(err) {
		return nil, nil, err
	}
	sp := &ssoSettingsPage{page: p, Form: f, CallbackURL: s.callbackURL(r)}
	if cfg != nil {
		sp.HasSecret, sp.Configured, sp.Enabled = cfg.ClientSecret != "", true, cfg.Enabled
	}
	sp.Title = p.T("sso.admin.title")
	sp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: sp.Title}}
	return sp, cfg, nil
}

// ssoSettings shows the organisation's single sign-on settings. The client secret is never
// shown, only whether there is one.
func (h *sso) settings(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newForm()
	sp, cfg, err := h.ssoSettingsData(r, p, f)
	if err != nil {
		return err
	}
	if cfg == nil {
		f.Values["enabled"] = "on"
	} else {
		f.Values["issuer"], f.Values["client_id"], f.Values["role_claim"] = cfg.Issuer, cfg.ClientID, cfg.RoleClaim
		f.Values["role_map"] = store.FormatRoleMap(cfg.RoleMap, "\n")
		f.Values["create_unknown"], f.Values["enabled"] = checked(cfg.CreateUnknown), checked(cfg.Enabled)
	}
	sp.Saved = r.URL.Query().Get("lagret") == "1"
	h.render(w, r, "admin-sso", http.StatusOK, sp)
	return nil
}

func checked(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// saveSettings stores the settings. An empty secret field keeps the stored secret.
func (h *sso) saveSettings(w http.ResponseWriter, r *http.Request, p *page) error {
	f, err := readForm(r, "issuer", "client_id", "client_secret", "role_claim", "role_map", "create_unknown", "enabled")
	if err != nil {
		return err
	}
	sp, old, err := h.ssoSettingsData(r, p, f)
	if err != nil {
		return err
	}
	cfg := &store.OIDCProvider{OrgID: p.Org.ID, Issuer: f.Get("issuer"), ClientID: f.Get("client_id"),
		ClientSecret: f.Get("client_secret"), RoleClaim: f.Get("role_claim"),
		CreateUnknown: f.Get("create_unknown") != "", Enabled: f.Get("enabled") != ""}
	if cfg.ClientSecret == "" && old != nil {
		cfg.ClientSecret = old.ClientSecret
	}
	delete(f.Values, "client_secret")
	roleMap, line, ok := parseRoleMap(f.Get("role_map"))
	cfg.RoleMap = roleMap
	if err := cfg.Validate(); err != nil && !f.FailWith(p, err) {
		return err
	}
	if !ok { // last, as the field comes last in the form and so in the error summary
		f.Fail("role_map", p.T("sso.error_role_map_line", "line", fmt.Sprint(line)))
	}
	if f.Failed() {
		h.render(w, r, "admin-sso", http.StatusUnprocessableEntity, sp)
		return nil
	}
	if err := h.db.UpdateAs(r.Context(), p.Actor, func(tx *store.Tx) error { return tx.SaveOIDCProvider(r.Context(), cfg) }); err != nil {
		if f.FailWith(p, err) {
			h.render(w, r, "admin-sso", http.StatusUnprocessableEntity, sp)
			return nil
		}
		return err
	}
	http.Redirect(w, r, p.Href(p.Org.Slug, "admin", "sso")+"?lagret=1", http.StatusSeeOther)
	return nil
}

// roleNames are the words a role map may use for each role, in English and bokmål.
var roleNames = map[string]utsyn.Role{
	"admin": utsyn.RoleAdmin, "administrator": utsyn.RoleAdmin,
	"editor": utsyn.RoleEditor, "redaktør": utsyn.RoleEditor,
	"contributor": utsyn.RoleContributor, "bidragsyter": utsyn.RoleContributor,
	"reader": utsyn.RoleReader, "leser": utsyn.RoleReader,
}

// parseRoleMap reads lines of "claim value = role". The role comes after the last "=", so a
// value may itself hold one (an LDAP group such as "cn=admins,ou=groups"). Blank lines and
// lines starting with # are skipped. It returns the number of the first bad line, if any.
func parseRoleMap(text string) (map[string]utsyn.Role, int, bool) {
	m := map[string]utsyn.Role{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		j := strings.LastIndex(line, "=")
		if j < 0 {
			return nil, i + 1, false
		}
		value := strings.TrimSpace(line[:j])
		role, ok := roleNames[strings.ToLower(strings.TrimSpace(line[j+1:]))]
		if !ok || value == "" {
			return nil, i + 1, false
		}
		if _, dup := m[value]; dup {
			return nil, i + 1, false
		}
		m[value] = role
	}
	return m, 0, true
}
