// Package web serves Utsyn over HTTP: the public pages (server-rendered HTML that works
// without JavaScript, in bokmål and English) and the JSON API under /api/v1/.
//
// A request flows through the middleware in middleware.go (recovery, logging, security
// headers), the route table in routes.go, and a handler that parses the request, asks the
// store, and renders a typed page struct with a template, or JSON.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/store"
)

//go:embed templates static openapi.json
var embedded embed.FS

// Config is what the web server needs.
type Config struct {
	DB      *store.DB
	Catalog *i18n.Catalog
	Log     *slog.Logger
	Version string
	Now     func() time.Time // the clock for time-outs; time.Now when nil (tests move it)
	// PublicURL is the address people reach Utsyn at (https://utsyn.example.no), for links
	// made to be sent or given to an identity provider. Without it they are made from the
	// request's Host header.
	PublicURL *url.URL
}

// Server is the HTTP side of Utsyn.
type Server struct {
	db        *store.DB
	cat       *i18n.Catalog
	log       *slog.Logger
	version   string
	now       func() time.Time
	publicURL *url.URL
	pages     map[string]*template.Template
	static    fs.FS
	assetHash string // content hash of the static files, so their URLs change with them
	words     map[i18n.Lang]*frameWords
	work      workCache
	choices   choicesCache
	// reports keeps the reports built, for as long as their organisation's records stay as
	// they were (report.Cache): the page, its PDF and XLSX and the records behind its figures
	// are one report asked for again and again.
	reports *report.Cache
	// pdfSlots bounds how many PDFs are printed at once: each starts a Chromium.
	pdfSlots chan struct{}
	admit    *admission   // the requests' turns
	handler  http.Handler // the routes with their middleware
}

// New returns the server: the handler for every route, with its middleware. Templates are
// parsed here, so a broken template stops the server at start-up, not on a reader's request.
func New(c Config) (*Server, error) {
	s := &Server{db: c.DB, cat: c.Catalog, log: c.Log, version: c.Version, now: c.Now, publicURL: c.PublicURL,
		work: workCache{entries: map[int64]*workEntry{}}, choices: choicesCache{entries: map[int64]choicesEntry{}},
		reports: report.NewCache(8), pdfSlots: make(chan struct{}, 2), admit: newAdmission(admitted(c.DB), admissionTurn)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.static, err = fs.Sub(embedded, "static"); err != nil {
		return nil, err
	}
	if s.assetHash, err = hashFS(s.static); err != nil {
		return nil, err
	}
	s.words = map[i18n.Lang]*frameWords{}
	for _, lang := range i18n.Langs {
		s.words[lang] = newFrameWords(s.cat, lang, s.assetHash, s.version)
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.handler = s.middleware(s.identify(s.crossOrigin(s.routes())))
	return s, nil
}

// admitted is how many requests work at once (admission): one per processor, two per
// processor on PostgreSQL, where a request spends part of its time waiting for the database
// server.
func admitted(db *store.DB) int {
	n := runtime.GOMAXPROCS(0)
	if db.Engine() == "postgres" {
		n *= 2
	}
	return n
}

// admissionTurn is how long a request works before it gives its turn up (admission): a page
// takes a few milliseconds.
const admissionTurn = 50 * time.Millisecond

// ServeHTTP answers a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// crossOrigin refuses state-changing requests from other sites (cross-site request forgery),
// by the browser's Sec-Fetch-Site and Origin headers. The API is exempt: it takes no cookies,
// only bearer tokens, which a browser never sends by itself.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		p := s.newPage(langOf(r), r)
		s.fail(w, r, p, &utsyn.Error{Code: utsyn.EFORBIDDEN, Message: "error.cross_origin"})
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// absoluteURL makes a full address of a path on this site, from the configured public address
// or, without one, from the request.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if s.publicURL != nil {
		u := *s.publicURL
		u.Path = strings.TrimSuffix(u.Path, "/") + path
		return u.String()
	}
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
}
