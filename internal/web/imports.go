package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/importer"
)

// Import and export of the whole register in the browser. An administrator uploads a file;
// Utsyn checks it at once in a dry run and shows what it would create, update and leave alone,
// with every problem in place; then the administrator confirms and the import runs. Both run
// in a goroutine of their own: the page shows their progress, which a small script updates (and
// which, without the script, a link reloads). The uploaded files wait in memory for the
// confirmation for an hour at most. Readers export the register as a workbook or CSV files.

const (
	// maxUpload bounds an upload; larger files go through 'utsyn import', which streams them.
	maxUpload = 32 << 20
	// maxWaiting bounds the uploads held in memory at once, for every organisation together.
	maxWaiting = 256 << 20
	// jobLifetime is how long an upload waits for its confirmation, and a result is shown.
	jobLifetime = time.Hour
	// jobTimeout bounds one run of the importer.
	jobTimeout = 30 * time.Minute
)

// bodyLimit is how large a request body may be: an import's upload, or a megabyte.
func bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/admin/import") {
		return maxUpload + 1<<20 // the form's other fields and the multipart framing
	}
	return 1 << 20
}

// Import job states.
const (
	jobChecking  = "checking"  // the dry run is running
	jobChecked   = "checked"   // the dry run is done; waiting for a confirmation
	jobImporting = "importing" // the import is running
	jobDone      = "done"      // the import is done (stored, or refused)
	jobFailed    = "failed"    // the system failed; nothing was stored
)

// importJob is one upload, from its dry run to its import.
type importJob struct {
	id      string
	orgID   int64
	org     *utsyn.Organisation
	who     *utsyn.Principal
	files   []importer.File
	format  importer.Format
	created time.Time

	mu       sync.Mutex
	state    string
	progress importer.Progress
	check    *importer.Report // the dry run's report
	result   *importer.Report // the import's
}

func (j *importJob) size() int64 {
	var n int64
	for _, f := range j.files {
		n += int64(len(f.Data))
	}
	return n
}

// importJobs holds the jobs of this process. Behind a load balancer, a job lives on the server
// that took its upload: a confirmation that reaches another server asks for the upload again.
type importJobs struct {
	s    *Server
	mu   sync.Mutex
	jobs map[string]*importJob
}

func (s *Server) newImportJobs() *importJobs {
	return &importJobs{s: s, jobs: map[string]*importJob{}}
}

// prune forgets jobs older than their lifetime that are not running.
func (js *importJobs) prune() {
	for id, j := range js.jobs {
		j.mu.Lock()
		running := j.state == jobChecking || j.state == jobImporting
		j.mu.Unlock()
		if !running && time.Since(j.created) > jobLifetime {
			delete(js.jobs, id)
		}
	}
}

func (js *importJobs) find(p *page, id string) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.prune()
	j := js.jobs[id]
	if j == nil || j.orgID != p.Org.ID {
		return nil, &utsyn.Error{Code: utsyn.ENOTFOUND, Message: "import.error.no_job"}
	}
	return j, nil
}

// run runs the importer for a job in the background, as a dry run or for real.
func (js *importJobs) run(j *importJob, dryRun bool) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	rep, err := importer.Import(ctx, js.s.db, j.org, j.who, j.files, importer.Options{
		Format: j.format, DryRun: dryRun, Catalog: js.s.cat,
		Progress: func(p importer.Progress) {
			j.mu.Lock()
			j.progress = p
			j.mu.Unlock()
		},
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case err != nil:
		js.s.log.Error("import failed", "org", j.orgID, "files", len(j.files), "err", err)
		j.state = jobFailed
		j.files = nil
	case dryRun:
		j.check, j.state = rep, jobChecked
		if rep.HasErrors() {
			j.files = nil // nothing to confirm
		}
	default:
		j.result, j.state, j.files = rep, jobDone, nil
	}
}

type importFormPage struct {
	*page
	Form       *form
	Formats    []importer.Format
	MaxMB      int
	ExportXLSX string
	ExportCSV  string
}

func (js *importJobs) formPage(p *page, f *form) *importFormPage {
	ip := &importFormPage{page: p, Form: f, Formats: importer.Formats, MaxMB: maxUpload >> 20,
		ExportXLSX: p.Href(p.Org.Slug, "eksport", "register.xlsx"), ExportCSV: p.Href(p.Org.Slug, "eksport", "register-csv.zip")}
	ip.Title = p.T("import.title")
	ip.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: ip.Title}}
	return ip
}

// form shows the upload form and the export links.
func (js *importJobs) form(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newForm()
	f.Values["format"] = string(importer.FormatAuto)
	js.s.render(w, r, "import-form", http.StatusOK, js.formPage(p, f))
	return nil
}

// upload takes the files, starts their dry run, and sends the browser to its page.
func (js *importJobs) upload(w http.ResponseWriter, r *http.Request, p *page) error {
	f := newForm()
	f.Values["format"] = string(importer.FormatAuto)
	files, format, err := readUpload(r)
	if format != "" {
		f.Values["format"] = string(format)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, errTooLarge):
		f.Fail("fil", p.T("import.error.too_large", "max", maxUpload>>20))
	case errors.Is(err, errBadFormat):
		f.Fail("format", p.T("import.error.format_choice"))
	case err != nil:
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.invalid"}
	case len(files) == 0:
		f.Fail("fil", p.T("import.error.no_file"))
	}
	if f.Failed() {
		js.s.render(w, r, "import-form", http.StatusBadRequest, js.formPage(p, f))
		return nil
	}
	j := &importJob{id: rand.Text(), orgID: p.Org.ID, org: p.Org, who: p.Actor, files: files, format: format, created: time.Now(), state: jobChecking}
	js.mu.Lock()
	js.prune()
	var waiting int64
	for _, o := range js.jobs {
		o.mu.Lock()
		waiting += o.size()
		o.mu.Unlock()
	}
	if waiting+j.size() > maxWaiting {
		js.mu.Unlock()
		f.Fail("fil", p.T("import.error.busy"))
		js.s.render(w, r, "import-form", http.StatusServiceUnavailable, js.formPage(p, f))
		return nil
	}
	js.jobs[j.id] = j
	js.mu.Unlock()
	go js.run(j, true)
	http.Redirect(w, r, p.Href(p.Org.Slug, "admin", "import", j.id), http.StatusSeeOther)
	return nil
}

var (
	errTooLarge  = errors.New("upload too large")
	errBadFormat = errors.New("unknown format")
)

// readUpload reads the multipart form: the files (field "fil", one or more) and the format.
func readUpload(r *http.Request) ([]importer.File, importer.Format, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", err
	}
	var files []importer.File
	format := importer.FormatAuto
	var total int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return files, format, nil
		} else if err != nil {
			return nil, format, err
		}
		switch part.FormName() {
		case "fil":
			if part.FileName() == "" {
				continue
			}
			b, err := io.ReadAll(io.LimitReader(part, maxUpload+1-total))
			if err != nil {
				return nil, format, err
			}
			if total += int64(len(b)); total > maxUpload {
				return nil, format, errTooLarge
			}
			if len(b) > 0 || part.FileName() != "" {
				files = append(files, importer.File{Name: filepath.Base(part.FileName()), Data: b})
			}
		case "format":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			format = importer.Format(strings.TrimSpace(string(b)))
			if !slices.Contains(importer.Formats, format) {
				return nil, "", errBadFormat
			}
		}
	}
}

type importJobPage struct {
	*page
	Job        string
	State      string
	Percent    int
	Phase      string
	Rows       int
	Check      *importReportView
	Result     *importReportView
	StatusURL  string
	SelfURL    string
	ConfirmURL string
	NewURL     string
}

// importReportView is an import's report as a page shows it.
type importReportView struct {
	DryRun, Stored, HasErrors bool
	Files                     string
	RowsRead, Rejected        int
	Errors, Notes             int
	Counts                    []importCountView
	Problems                  []importProblemView
	Omitted                   int
	Changes                   []importChangeView
	More                      int
	Seconds                   string
}

type importCountView struct {
	Label                       string
	Created, Updated, Unchanged int
}

type importProblemView struct {
	Error          bool
	Where, Message string
}

type importChangeView struct {
	Action, Entity, Label, Fields, Where string
}

func newImportReportView(p *page, cat *i18n.Catalog, rep *importer.Report) *importReportView {
	if rep == nil {
		return nil
	}
	v := &importReportView{DryRun: rep.DryRun, Stored: rep.Stored, HasErrors: rep.HasErrors(), Files: strings.Join(rep.Files, ", "),
		RowsRead: rep.RowsRead, Rejected: rep.Rejected, Errors: rep.Errors(), Omitted: rep.Omitted, More: rep.More,
		Seconds: i18n.FormatDecimal(p.Lang, rep.Duration.Seconds(), 1)}
	for _, e := range importer.Entities {
		if rep.Counts[e] == nil {
			continue
		}
		c := rep.Count(e)
		v.Counts = append(v.Counts, importCountView{Label: p.T("import.entity." + e), Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged})
	}
	for _, pr := range rep.Problems {
		if pr.Level != importer.LevelError {
			v.Notes++
		}
		v.Problems = append(v.Problems, importProblemView{Error: pr.Level == importer.LevelError, Where: pr.Where(cat, p.Lang), Message: pr.Message(cat, p.Lang)})
	}
	for _, c := range rep.Changes {
		cv := importChangeView{Action: p.T("import.action." + c.Action), Entity: p.T("import.entity." + c.Entity), Label: c.Label,
			Fields: strings.Join(c.Fields, ", ")}
		if c.Row > 0 {
			pr := importer.Problem{Sheet: c.Sheet, Row: c.Row}
			cv.Where = strings.TrimPrefix(pr.Where(cat, p.Lang), ", ")
		}
		v.Changes = append(v.Changes, cv)
	}
	return v
}

// job shows a job: its progress while it runs, then its report.
func (js *importJobs) job(w http.ResponseWriter, r *http.Request, p *page) error {
	j, err := js.find(p, r.PathValue("job"))
	if err != nil {
		return err
	}
	j.mu.Lock()
	jp := &importJobPage{page: p, Job: j.id, State: j.state, Percent: percent(j.progress), Phase: phaseText(p, j.progress.Phase),
		Rows: j.progress.Rows, Check: newImportReportView(p, js.s.cat, j.check), Result: newImportReportView(p, js.s.cat, j.result)}
	j.mu.Unlock()
	base := p.Href(p.Org.Slug, "admin", "import")
	jp.SelfURL, jp.StatusURL, jp.ConfirmURL, jp.NewURL = base+"/"+j.id, base+"/"+j.id+"/status", base+"/"+j.id+"/bekreft", base
	jp.Title = p.T("import.job.title." + j.state)
	jp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("import.title"), Href: base}, {Label: jp.Title}}
	s := http.StatusOK
	if j.state == jobFailed {
		s = http.StatusInternalServerError
	}
	w.Header().Set("Cache-Control", "no-store")
	js.s.render(w, r, "import-job", s, jp)
	return nil
}

func percent(p importer.Progress) int { return int(p.Fraction*100 + 0.5) }

func phaseText(p *page, phase string) string {
	if phase == "" {
		phase = "read"
	}
	return p.T("import.phase." + phase)
}

// status answers the progress script: how far the job is, and whether it is done.
func (js *importJobs) status(w http.ResponseWriter, r *http.Request, p *page) error {
	j, err := js.find(p, r.PathValue("job"))
	if err != nil {
		return err
	}
	j.mu.Lock()
	running := j.state == jobChecking || j.state == jobImporting
	pct := percent(j.progress)
	body := map[string]any{"state": j.state, "done": !running, "percent": pct,
		"text": p.T("import.progress.text", "percent", pct, "phase", phaseText(p, j.progress.Phase), "rows", i18n.FormatInt(p.Lang, int64(j.progress.Rows)))}
	j.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(body)
}

// confirm starts the import of a checked upload.
func (js *importJobs) confirm(w http.ResponseWriter, r *http.Request, p *page) error {
	j, err := js.find(p, r.PathValue("job"))
	if err != nil {
		return err
	}
	j.mu.Lock()
	if j.state != jobChecked || j.check == nil || j.check.HasErrors() || j.files == nil {
		j.mu.Unlock()
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "import.error.not_ready"}
	}
	j.state, j.progress, j.who = jobImporting, importer.Progress{}, p.Actor
	j.mu.Unlock()
	go js.run(j, false)
	http.Redirect(w, r, p.Href(p.Org.Slug, "admin", "import", j.id), http.StatusSeeOther)
	return nil
}

// export sends the whole register as a workbook or a ZIP of CSV files.
func (js *importJobs) export(format importer.Format) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p *page) error {
		// Written to memory first, so that a failure half-way gives an error page, not half a file.
		var buf bytes.Buffer
		now := time.Now().In(oslo)
		if err := importer.Export(r.Context(), js.s.db, p.Org, format, &buf, now); err != nil {
			return err
		}
		ct := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if format == importer.FormatCSV {
			ct = "application/zip"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", `attachment; filename="`+importer.ExportName(p.Org, format, now)+`"`)
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.Header().Set("Cache-Control", "no-store")
		_, err := buf.WriteTo(w)
		return err
	}
}
