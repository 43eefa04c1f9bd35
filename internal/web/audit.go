package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

type auditPage struct {
	*page
	Events []utsyn.Event
	Form   *form
	Query  string // the filter as a query string, for the CSV link
	Limit  int
}

// Entities lists what the log can be filtered by.
func (p *auditPage) Entities() []string {
	return []string{"strategy", "element", "plan", "plan_goal", "term", "user", "token", "sso"}
}

// auditFilter reads the log's filter from the query: entity, action, from and to (dates).
func auditFilter(r *http.Request, p *page) (store.EventFilter, *form) {
	q := r.URL.Query()
	f := newForm()
	for _, k := range []string{"entity", "action", "from", "to"} {
		f.Values[k] = strings.TrimSpace(q.Get(k))
	}
	filter := store.EventFilter{OrgID: p.Org.ID, Entity: f.Get("entity"), Action: f.Get("action"), Limit: 500}
	for _, k := range []string{"from", "to"} {
		if f.Get(k) == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", f.Get(k), oslo)
		if err != nil {
			f.Fail(k, p.T("error.date_day"))
			continue
		}
		if k == "from" {
			filter.From = d
		} else {
			filter.To = d.AddDate(0, 0, 1) // the whole day
		}
	}
	return filter, f
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, p *page) error {
	filter, f := auditFilter(r, p)
	ap := &auditPage{page: p, Form: f, Query: r.URL.RawQuery, Limit: filter.Limit}
	ap.Title = p.T("audit.title")
	ap.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ap.Title}}
	status := http.StatusOK
	if f.Failed() {
		status = http.StatusUnprocessableEntity
	} else {
		var err error
		if ap.Events, err = s.db.ListEvents(r.Context(), filter); err != nil {
			return err
		}
	}
	s.render(w, r, "audit", status, ap)
	return nil
}

// auditCSV exports the filtered log as CSV: UTF-8 with a byte-order mark and semicolons, as
// Norwegian Excel opens it.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, p *page) error {
	filter, f := auditFilter(r, p)
	if f.Failed() {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.date_day"}
	}
	filter.Limit = 0
	events, err := s.db.ListEvents(r.Context(), filter)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="utsyn-endringslogg-`+p.Org.Slug+`.csv"`)
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{p.T("audit.time"), p.T("audit.who"), p.T("audit.action"), p.T("audit.entity"), "id", p.T("audit.record"), p.T("audit.field"), p.T("audit.before"), p.T("audit.after")})
	for _, e := range events {
		base := []string{e.At.In(oslo).Format("2006-01-02 15:04:05"), e.ActorLabel, e.Action, e.Entity, itoa64(e.EntityID), csvSafe(e.Summary)}
		if len(e.Changes) == 0 {
			cw.Write(append(base, "", "", ""))
		}
		for _, c := range e.Changes {
			cw.Write(append(append([]string(nil), base...), c.Field, csvSafe(c.Before), csvSafe(c.After)))
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a cell as a formula (CSV injection).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
