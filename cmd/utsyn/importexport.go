package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store"
)

// errImportRefused is the exit of an import that stored nothing because of problems in its
// files; the summary has said which.
var errImportRefused = errors.New("nothing was stored")

// importCommand runs 'utsyn import': it reads the files, stores them in one transaction (or,
// with --dry-run, only says what it would do) and prints a summary. It fails when the files
// have any error, after printing every problem.
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	org := fs.String("org", "", "the organisation's slug (may be left out when the database has one organisation)")
	dryRun := fs.Bool("dry-run", false, "read and check everything, say what would change, store nothing")
	format := fs.String("format", "auto", "auto, xlsx, csv, forskningsradet or cordis")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains(importer.Formats, importer.Format(*format)) {
		return usageError{fmt.Errorf("--format must be auto, xlsx, csv, forskningsradet or cordis")}
	}
	if len(files) == 0 {
		return usageError{errors.New("usage: utsyn import --db DB --org SLUG [--dry-run] [--format auto|xlsx|csv|forskningsradet|cordis] FILE [FILE …]")}
	}
	var in []importer.File
	for _, name := range files {
		if _, err := os.Stat(name); err != nil {
			return fmt.Errorf("cannot read %s: %v", name, errors.Unwrap(err))
		}
		in = append(in, importer.File{Name: filepath.Base(name), Path: name})
	}
	db, _, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := pickOrganisation(ctx, db, *org)
	if err != nil {
		return err
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	opt := importer.Options{Format: importer.Format(*format), DryRun: *dryRun, Catalog: cat}
	bar := newProgressBar(stderr)
	if bar != nil {
		opt.Progress = bar.show
	}
	rep, err := importer.Import(ctx, db, o, &utsyn.Principal{Label: "utsyn import"}, in, opt)
	if bar != nil {
		bar.done()
	}
	if err != nil {
		return err
	}
	printReport(stdout, cat, rep)
	if rep.HasErrors() {
		return errImportRefused
	}
	return nil
}

// exportCommand runs 'utsyn export'.
func exportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	org := fs.String("org", "", "the organisation's slug (may be left out when the database has one organisation)")
	format := fs.String("format", "", "xlsx (a workbook) or csv (a ZIP of CSV files); by default from --out's extension, else xlsx")
	out := fs.String("out", "", "the file to write; - for standard output")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", rest[0])}
	}
	if *out == "" {
		return usageError{errors.New("usage: utsyn export --db DB --org SLUG --format xlsx|csv --out FILE")}
	}
	f := importer.Format(*format)
	switch {
	case f == "" && strings.EqualFold(filepath.Ext(*out), ".zip"):
		f = importer.FormatCSV
	case f == "":
		f = importer.FormatXLSX
	case f != importer.FormatXLSX && f != importer.FormatCSV:
		return usageError{errors.New("--format must be xlsx or csv")}
	}
	db, _, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := pickOrganisation(ctx, db, *org)
	if err != nil {
		return err
	}
	if *out == "-" {
		return importer.Export(ctx, db, o, f, stdout, time.Now())
	}
	// Written beside the target and renamed into place, so a failed export leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".utsyn-export-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", *out, errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name())
	if err := importer.Export(ctx, db, o, f, tmp, time.Now()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(stdout, "exported the register of %s to %s (%s, %d bytes)\n", o.Slug, *out, f, st.Size())
	return nil
}

// parseInterspersed parses flags that may come before, between and after the other arguments
// ("utsyn import FILE --dry-run").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// pickOrganisation finds the organisation of --org, or the only one there is.
func pickOrganisation(ctx context.Context, db *store.DB, slug string) (*utsyn.Organisation, error) {
	if slug != "" {
		o, err := db.FindOrganisation(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("no organisation %q", slug)
		}
		return o, nil
	}
	orgs, err := db.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	if len(orgs) != 1 {
		return nil, usageError{fmt.Errorf("the database has %d organisations: name one with --org", len(orgs))}
	}
	return orgs[0], nil
}

// printReport writes an import's summary: what was read, what was (or would be) created,
// updated and left alone, and every problem with its place.
func printReport(w io.Writer, cat *i18n.Catalog, rep *importer.Report) {
	lang := i18n.EN
	mode := ""
	if rep.DryRun {
		mode = " (dry run)"
	}
	fmt.Fprintf(w, "Import of %s, format %s%s\n", strings.Join(rep.Files, ", "), orDash(string(rep.Format)), mode)
	fmt.Fprintf(w, "Rows read: %d   rejected: %d   time: %s\n\n", rep.RowsRead, rep.Rejected, rep.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "%-25s %9s %9s %9s\n", "", "created", "updated", "unchanged")
	names := map[string]string{importer.EntityEngagement: "engagements", importer.EntityActor: "actors",
		importer.EntityMoney: "money lines", importer.EntityParticipation: "regional participations"}
	for _, e := range importer.Entities {
		if rep.Counts[e] == nil {
			continue
		}
		c := rep.Count(e)
		fmt.Fprintf(w, "%-25s %9d %9d %9d\n", names[e], c.Created, c.Updated, c.Unchanged)
	}
	notes := 0
	for _, p := range rep.Problems {
		if p.Level != importer.LevelError {
			notes++
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "\nProblems: %s, %s\n", counted(rep.Errors(), "error"), counted(notes, "note"))
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %-5s %s: %s\n", p.Level, strings.TrimPrefix(p.Where(cat, lang), ", "), p.Message(cat, lang))
		}
		if rep.Omitted > 0 {
			fmt.Fprintf(w, "  … and %d more\n", rep.Omitted)
		}
	}
	fmt.Fprintln(w)
	switch {
	case rep.Stored:
		fmt.Fprintln(w, "Stored.")
	case rep.HasErrors():
		fmt.Fprintf(w, "Nothing was stored: the files have %s. Mend them and import again.\n", counted(rep.Errors(), "error"))
	case rep.DryRun:
		fmt.Fprintln(w, "Dry run: nothing was stored. Run again without --dry-run to store it.")
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// progressBar draws an import's progress on a terminal, on one line that it redraws.
type progressBar struct {
	w     io.Writer
	last  string
	start time.Time
}

// newProgressBar returns a bar for w when w is a terminal, else nil: a log file gets only the
// summary.
func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progressBar{w: w, start: time.Now()}
}

var phaseNames = map[string]string{"read": "reading", "check": "checking", "store": "storing"}

func (b *progressBar) show(p importer.Progress) {
	line := renderBar(p, 30)
	if line == b.last {
		return
	}
	b.last = line
	fmt.Fprintf(b.w, "\r%s", line)
}

func (b *progressBar) done() {
	if b.last != "" {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", len([]rune(b.last))))
	}
}

// renderBar draws one state of the bar: "[#########.....................]  30 % reading, 1200 rows".
func renderBar(p importer.Progress, width int) string {
	filled := int(p.Fraction*float64(width) + 0.5)
	filled = max(0, min(width, filled))
	return fmt.Sprintf("[%s%s] %3d %% %s, %d rows", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		int(p.Fraction*100+0.5), phaseNames[p.Phase], p.Rows)
}

// counted writes a count with its noun, in the plural unless it is one: "1 error", "3 notes".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
