// Package importer moves records in and out of Utsyn: the whole register as a workbook (XLSX)
// or as CSV files in the documented format of docs/SPREADSHEET.md, and public EU project data,
// the Research Council of Norway's open data on EU grants and the CORDIS project and
// organisation files.
//
// An import reads every file first, then stores everything in one transaction: all of it or,
// when any row has a problem, none of it. A dry run does the same work in a transaction it
// always rolls back, so what it reports is exactly what the import would do. Each problem names
// its file, sheet, row and column. Importing the same file twice changes nothing the second
// time: rows are matched to records by Utsyn id or by an external id (the CORDIS project id, an
// organisation number).
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Format is the kind of file an import reads.
type Format string

// Formats.
const (
	FormatAuto            Format = "auto"            // found from the files' contents
	FormatXLSX            Format = "xlsx"            // Utsyn's workbook (docs/SPREADSHEET.md)
	FormatCSV             Format = "csv"             // Utsyn's CSV files, or a ZIP of them
	FormatForskningsradet Format = "forskningsradet" // the Research Council's EU-grant file
	FormatCORDIS          Format = "cordis"          // CORDIS project.csv and organization.csv
)

// Formats lists the formats an import can be asked for.
var Formats = []Format{FormatAuto, FormatXLSX, FormatCSV, FormatForskningsradet, FormatCORDIS}

// File is one file to import: its bytes, or the path of a file on disk, which is read as a
// stream (large files never sit whole in memory).
type File struct {
	Name string // as the user knows it, for messages
	Path string // read from this path when set
	Data []byte // else from these bytes
}

// open returns the file's contents for reading at any offset, and its size.
func (f File) open() (io.ReaderAt, int64, func() error, error) {
	if f.Path == "" {
		return byteReader(f.Data), int64(len(f.Data)), func() error { return nil }, nil
	}
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, 0, nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, nil, err
	}
	return fh, st.Size(), fh.Close, nil
}

type byteReader []byte

func (b byteReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Options say how to import.
type Options struct {
	Format  Format
	DryRun  bool
	Catalog *i18n.Catalog    // for reading kinds and statuses written as words; loaded when nil
	Now     func() time.Time // today, for the status of EU projects; time.Now when nil
	// Progress, when set, is called as the import goes on (from the goroutine that runs it).
	Progress func(Progress)

	// failAt makes the import fail with an internal error when it stores the record of the
	// nth row (1-based), for tests that show a failure half-way leaves nothing behind.
	failAt int
}

// Progress says how far an import has come.
type Progress struct {
	Phase    string  // "read", "check" or "store" (catalog keys import.phase.*)
	Fraction float64 // of the whole import, 0 to 1
	Rows     int     // rows read so far
}

// Level says whether a problem stops the import.
type Level string

// Levels of problem.
const (
	LevelError Level = "error" // the row is refused, so nothing is stored
	LevelNote  Level = "note"  // the row is kept; the reader should know
)

// Problem is one thing wrong with, or worth knowing about, an input: where it is and what it
// is, as a catalog key with its arguments.
type Problem struct {
	Level  Level
	File   string
	Sheet  string // the sheet of a workbook, or "" for a CSV file
	Row    int    // the row (the header is row 1); 0 for the file as a whole
	Column string // the column's letter, "" when the problem is the row's
	Header string // the column's name in the header
	Key    string // catalog key
	Args   []any  // name/value pairs for the message
}

// Message is the problem in words, in the language.
func (p Problem) Message(cat *i18n.Catalog, lang i18n.Lang) string {
	return cat.T(lang, p.Key, p.Args...)
}

// Where is the problem's place in words: "engagements.csv, row 7, column C (title_nb)".
func (p Problem) Where(cat *i18n.Catalog, lang i18n.Lang) string {
	parts := []string{p.File}
	if p.Sheet != "" {
		parts = append(parts, cat.T(lang, "import.where.sheet", "sheet", p.Sheet))
	}
	if p.Row > 0 {
		parts = append(parts, cat.T(lang, "import.where.row", "row", p.Row))
	}
	if p.Column != "" {
		col := p.Column
		if p.Header != "" {
			col += " (" + p.Header + ")"
		}
		parts = append(parts, cat.T(lang, "import.where.column", "column", col))
	}
	return strings.Join(parts, ", ")
}

// Count is what an import did, or would do, with one kind of record.
type Count struct {
	Created   int
	Updated   int
	Unchanged int
}

// Total is every record counted.
func (c Count) Total() int { return c.Created + c.Updated + c.Unchanged }

// Entities an import counts, in the order a report shows them.
const (
	EntityEngagement    = "engagement"
	EntityActor         = "actor"
	EntityMoney         = "money"
	EntityParticipation = "participation"
)

// Entities lists them in order.
var Entities = []string{EntityEngagement, EntityActor, EntityMoney, EntityParticipation}

// Change is one record an import creates or updates, for the report.
type Change struct {
	Entity string
	Action string   // "create" or "update"
	ID     int64    // the record's id (in a dry run, the id it would have had)
	Label  string   // its title or name
	Fields []string // the fields an update changes
	Sheet  string
	Row    int
}

// Report is what an import did, or in a dry run would do.
type Report struct {
	Format   Format
	DryRun   bool
	Stored   bool // the changes are in the database
	Files    []string
	RowsRead int
	Rejected int // rows refused for a problem
	Counts   map[string]*Count
	Problems []Problem // errors first, then notes; at most maxProblems
	Omitted  int       // problems left out of Problems
	Changes  []Change  // at most maxChanges
	More     int       // changes left out of Changes
	Duration time.Duration
}

// Limits on what a report lists; the counts are always whole.
const (
	maxProblems = 1000
	maxChanges  = 500
)

// Errors reports whether any problem stops the import.
func (r *Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if p.Level == LevelError {
			n++
		}
	}
	if r.Omitted > 0 && n == len(r.Problems) {
		n += r.Omitted
	}
	return n
}

// HasErrors reports whether the import was or would be refused.
func (r *Report) HasErrors() bool { return r.Errors() > 0 }

// Count returns the count of an entity.
func (r *Report) Count(entity string) Count {
	if c := r.Counts[entity]; c != nil {
		return *c
	}
	return Count{}
}

// Total adds up the counts of every entity.
func (r *Report) Total() Count {
	var t Count
	for _, c := range r.Counts {
		t.Created += c.Created
		t.Updated += c.Updated
		t.Unchanged += c.Unchanged
	}
	return t
}

func (r *Report) count(entity string) *Count {
	if r.Counts == nil {
		r.Counts = map[string]*Count{}
	}
	c := r.Counts[entity]
	if c == nil {
		c = &Count{}
		r.Counts[entity] = c
	}
	return c
}

func (r *Report) add(p Problem) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, p)
}

func (r *Report) change(c Change) {
	if len(r.Changes) >= maxChanges {
		r.More++
		return
	}
	r.Changes = append(r.Changes, c)
}

// sortProblems puts errors before notes, each in the order of the files and rows.
func (r *Report) sortProblems() {
	slices.SortStableFunc(r.Problems, func(a, b Problem) int {
		if a.Level != b.Level {
			if a.Level == LevelError {
				return -1
			}
			return 1
		}
		return 0
	})
}

// errRollback ends a transaction that must not be kept: a dry run, or an import with problems.
var errRollback = errors.New("rolled back on purpose")

// ErrFormat says that the files are of no format the import knows, or of several.
var ErrFormat = &utsyn.Error{Code: utsyn.EINVALID, Message: "import.error.format"}

// Import reads the files and stores what they hold in the organisation's register, in one
// transaction credited to who. It returns the report, whose problems say what was wrong with
// the input; the error is for faults of the system (the database failing), never of the input.
func Import(ctx context.Context, db *store.DB, org *utsyn.Organisation, who *utsyn.Principal, files []File, opt Options) (*Report, error) {
	started := time.Now()
	if opt.Catalog == nil {
		cat, err := i18n.Load()
		if err != nil {
			return nil, err
		}
		opt.Catalog = cat
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	rep := &Report{DryRun: opt.DryRun}
	for _, f := range files {
		rep.Files = append(rep.Files, f.Name)
	}
	prog := newProgress(opt.Progress)
	in, err := openInputs(files, opt.Format, rep)
	if err != nil {
		return nil, err
	}
	defer in.close()
	rep.Format = in.format
	var job importJob
	switch in.format {
	case FormatXLSX, FormatCSV:
		job = &registerImport{org: org, opt: &opt, rep: rep, in: in, prog: prog}
	case FormatForskningsradet, FormatCORDIS:
		job = &euImport{org: org, opt: &opt, rep: rep, in: in, prog: prog}
	default:
		rep.sortProblems()
		rep.Duration = time.Since(started)
		return rep, nil // openInputs has said what is wrong
	}
	if err := job.read(ctx); err != nil {
		return nil, err
	}
	in.close() // everything is read: a large workbook's memory can go before storing begins
	// The store phase runs even when reading found problems, in a transaction that is then
	// rolled back, so the report lists every problem and counts what the import would do.
	err = db.UpdateAs(ctx, who, func(tx *store.Tx) error {
		if err := job.store(ctx, tx); err != nil {
			return err
		}
		if opt.DryRun || rep.HasErrors() {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, fmt.Errorf("import: %w", err)
	}
	rep.Stored = err == nil
	prog.set("store", 1, rep.RowsRead)
	rep.sortProblems()
	rep.Duration = time.Since(started)
	return rep, nil
}

// LoadRegional stores the regional participation data of EU-grant or CORDIS files in the
// organisation's regional_participations inside an open transaction, leaving the register
// alone, for the demo loader. It fails on any problem of the files.
func LoadRegional(ctx context.Context, tx *store.Tx, org *utsyn.Organisation, files []File) (*Report, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	opt := &Options{Catalog: cat, Now: time.Now}
	rep := &Report{}
	in, err := openInputs(files, FormatAuto, rep)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if in.format != FormatForskningsradet && in.format != FormatCORDIS {
		return rep, fmt.Errorf("load regional data: not EU-grant or CORDIS files")
	}
	job := &euImport{org: org, opt: opt, rep: rep, in: in, prog: newProgress(nil), regionalOnly: true}
	if err := job.read(ctx); err != nil {
		return nil, err
	}
	if rep.HasErrors() {
		return rep, fmt.Errorf("load regional data: %d problems, the first: %s", rep.Errors(), rep.Problems[0].Message(cat, i18n.EN))
	}
	return rep, job.store(ctx, tx)
}

// importJob is one family of import: the register's own format, or EU data.
type importJob interface {
	// read parses every file, recording problems in the report; it stores nothing.
	read(ctx context.Context) error
	// store matches what was read to the register and stores it in tx.
	store(ctx context.Context, tx *store.Tx) error
}

// progress passes an import's progress to the caller, at most a few hundred times.
type progress struct {
	mu   sync.Mutex
	fn   func(Progress)
	last Progress
}

func newProgress(fn func(Progress)) *progress { return &progress{fn: fn} }

// Reading is the first 60 % of an import, checking and storing the rest.
func (p *progress) set(phase string, fraction float64, rows int) {
	if p.fn == nil {
		return
	}
	switch phase {
	case "read":
		fraction *= 0.6
	case "check":
		fraction = 0.6 + 0.1*fraction
	case "store":
		fraction = 0.7 + 0.3*fraction
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if phase == p.last.Phase && fraction-p.last.Fraction < 0.005 && fraction < 1 {
		return
	}
	p.last = Progress{Phase: phase, Fraction: min(1, fraction), Rows: rows}
	p.fn(p.last)
}
