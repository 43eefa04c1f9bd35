package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/report"
	"github.com/utsyn/utsyn/internal/web"
)

// reportCommand runs 'utsyn report': the annual report for a period, written to a file as
// HTML (a standalone page that prints on A4), PDF (printed by headless Chromium) or XLSX.
func reportCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	org := fs.String("org", "", "the organisation's slug")
	from := fs.String("from", "", "the period's first day: YYYY-MM-DD, or YYYY-MM or YYYY for the month's or year's first")
	to := fs.String("to", "", "the period's last day: YYYY-MM-DD, or YYYY-MM or YYYY for the month's or year's last")
	formName := fs.String("form", "political", "political (short, per priority) or administrative (every measure and engagement)")
	format := fs.String("format", "", "html, pdf or xlsx (default: from the --out file's extension)")
	out := fs.String("out", "", "the file to write")
	langName := fs.String("lang", "nb", "the report's language: nb or en")
	public := fs.Bool("public", false, "build the report from published data only, as the public pages show it")
	baseURL := fs.String("base-url", envOr(getenv, "UTSYN_PUBLIC_URL", ""), "the address of Utsyn (UTSYN_PUBLIC_URL), to link each figure to its records")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *org == "" || *from == "" || *to == "" || *out == "" {
		return usageError{errors.New("--org, --from, --to and --out are required, e.g. utsyn report --org rogaland --from 2025-01-01 --to 2025-12-31 --out report.pdf")}
	}
	period, err := report.ParsePeriod(*from, *to)
	if err != nil {
		switch utsyn.ErrorMessage(err) {
		case "report.error.period_order":
			return usageError{fmt.Errorf("the period ends before it starts: --to %s is before --from %s", *to, *from)}
		case "report.error.period_long":
			return usageError{fmt.Errorf("the period from %s to %s is longer than %d years", *from, *to, report.MaxYears)}
		case "report.error.from":
			return usageError{fmt.Errorf("--from %q is not a date: give YYYY-MM-DD, YYYY-MM or YYYY", *from)}
		}
		return usageError{fmt.Errorf("--to %q is not a date: give YYYY-MM-DD, YYYY-MM or YYYY", *to)}
	}
	form, err := report.ParseForm(*formName)
	if err != nil {
		return usageError{fmt.Errorf("--form must be political or administrative, not %q", *formName)}
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if *format != "html" && *format != "pdf" && *format != "xlsx" {
		return usageError{fmt.Errorf("--format must be html, pdf or xlsx (or give --out a file name that ends in one)")}
	}
	lang, ok := i18n.Parse(*langName)
	if !ok || string(lang) != *langName {
		return usageError{fmt.Errorf("--lang must be nb or en, not %q", *langName)}
	}
	var base *url.URL
	if *baseURL != "" {
		if base, err = url.Parse(*baseURL); err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
			return usageError{fmt.Errorf("--base-url %q: give an address such as https://utsyn.example.no", *baseURL)}
		}
	}
	chromium := ""
	if *format == "pdf" {
		if chromium = report.FindChromium(getenv); chromium == "" {
			return errors.New("cannot write a PDF: no Chromium is installed (install Debian's chromium package, or set UTSYN_CHROMIUM to the browser); --format html gives a page to print instead")
		}
	}

	started := time.Now()
	db, _, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.FindOrganisation(ctx, *org)
	if utsyn.IsNotFound(err) {
		return fmt.Errorf("no organisation %q in %s", *org, db.Describe())
	} else if err != nil {
		return err
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	rep, err := report.Build(ctx, db, report.Options{Org: o, Period: period, Form: form, Public: *public})
	if err != nil {
		return err
	}
	links := reportFileLinks(base, lang, o.Slug, rep, *public)
	links.Catalog = cat
	var buf bytes.Buffer
	switch *format {
	case "xlsx":
		err = rep.XLSX(ctx, &buf, report.XLSXOptions{Lang: lang, Catalog: cat, EngagementURL: links.EngagementHref})
	case "html", "pdf":
		css, cerr := web.StyleSheet()
		if cerr != nil {
			return cerr
		}
		if *format == "html" {
			err = rep.Document(&buf, links, css)
		} else {
			err = rep.PDF(ctx, &buf, report.PDFOptions{Chromium: chromium, HTML: links, CSS: css})
		}
	}
	if err != nil {
		return err
	}
	if err := writeReportFile(*out, buf.Bytes()); err != nil {
		return err
	}
	what := "nothing in the period"
	if !rep.Empty() {
		what = fmt.Sprintf("%d engagements, %d money lines", len(rep.Engagements), len(rep.Money))
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %s (%s) in %.1f s\n", *out, strings.ToLower(rep.Title(i18n.EN, cat)), form, what,
		time.Since(started).Seconds())
	return nil
}

// reportFileLinks are the report's links to Utsyn, when its address is known: each engagement and
// the records of each figure.
func reportFileLinks(base *url.URL, lang i18n.Lang, org string, rep *report.Report, public bool) report.HTMLOptions {
	o := report.HTMLOptions{Lang: lang}
	if base == nil {
		return o
	}
	at := func(parts ...string) string {
		u := *base
		u.Path = strings.TrimSuffix(u.Path, "/") + "/" + string(lang) + "/" + org + "/" + strings.Join(parts, "/")
		return u.String()
	}
	list := "engasjementer"
	if public {
		list = "arbeid"
	}
	o.EngagementHref = func(id int64) string { return at(list, strconv.FormatInt(id, 10)) }
	if !public {
		o.FigureHref = func(key string) string {
			return at("rapport", "grunnlag") + "?" + url.Values{"fra": {rep.Period.From.String()}, "til": {rep.Period.To.String()},
				"form": {rep.Form.Slug()}, "tall": {key}}.Encode()
		}
	}
	return o
}

// writeReportFile writes the file whole or not at all: to a temporary file beside it, renamed over it.
func writeReportFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".utsyn-report-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %v", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %v", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("cannot write %s: %v", name, err)
	}
	return nil
}
