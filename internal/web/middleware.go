package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere: every script and
// style is a file of ours.
const contentSecurityPolicy = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// middleware wraps every request: security headers, a bound on bodies, logging, and recovery
// from a panic (logged, answered with the error page, never a stack trace to the reader).
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if !strings.HasPrefix(r.URL.Path, "/static/") { // files take microseconds: they need no turn
			leave, ok := s.admit.enter(r.Context())
			if !ok {
				return // the client went away while it waited
			}
			defer leave()
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r)) // a megabyte, more for an import (imports.go)
		rec := &statusRecorder{ResponseWriter: w, start: start}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.status == 0 {
					s.notFoundOrError(rec, r, http.StatusInternalServerError)
				}
			}
			level := slog.LevelDebug
			if rec.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration", time.Since(start).String())
		}()
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder notes the status of the answer, and says in a Server-Timing header how long
// the server took before it began to answer: a page is rendered whole before it is sent, so
// that is its time, which a load test (cmd/utsyn-load) reads apart from the network's.
type statusRecorder struct {
	http.ResponseWriter
	start  time.Time
	status int
}

func (r *statusRecorder) begin(code int) {
	if r.status == 0 {
		r.status = code
		r.Header().Set("Server-Timing", fmt.Sprintf("app;dur=%.2f", float64(time.Since(r.start).Microseconds())/1000))
	}
}

func (r *statusRecorder) WriteHeader(code int) {
	r.begin(code)
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.begin(http.StatusOK)
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
