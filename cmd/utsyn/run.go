package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/web"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise it comes from
// the module's build information.
var version = ""

const usage = `Utsyn: the strategy and international work of a public body, as data.

Usage:
  utsyn [serve] [--addr HOST:PORT] [--db PATH|URL] [--demo]   run the web server (default)
  utsyn migrate [--db PATH|URL]                                bring the database schema up to date
  utsyn demo [--db PATH|URL] [--synthetic N [--orgs K] [--seed S]]
                                                               load the demo data set, and with
                                                               --synthetic N engagements of
                                                               synthetic data in K organisations
  utsyn user add --org SLUG --role ROLE --email EMAIL --password-stdin [--db …]
                                                               add a user (or give one a role)
  utsyn token create --email EMAIL --name NAME --role ROLE [--expires 30d] [--db …]
                                                               print a new API token
  utsyn import [--db …] [--org SLUG] [--dry-run] [--format auto|xlsx|csv|forskningsradet|cordis] FILE...
                                                               import the register (XLSX, CSV, a ZIP of
                                                               CSV) or EU project data, all or nothing;
                                                               --dry-run says what would change
  utsyn export [--db …] [--org SLUG] [--format xlsx|csv] --out FILE
                                                               export the whole register (docs/SPREADSHEET.md)
  utsyn report --org SLUG --from DATE --to DATE --form political|administrative
               --format html|pdf|xlsx --out FILE [--lang nb|en] [--public] [--db …]
                                                               write the annual report for a period
  utsyn version                                                print the version

Every flag can also be set in the environment: --addr as UTSYN_ADDR, --db as UTSYN_DB.
--db is an SQLite file (created when missing; default utsyn.db) or a postgres:// URL.
`

// run is the whole program, with its surroundings passed in so tests can drive it. It returns
// the exit code: 0 for success, 1 for a failure, 2 for a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, getenv, log, stderr)
	case "migrate":
		err = migrate(ctx, args, getenv, stdout, stderr)
	case "demo":
		err = loadDemo(ctx, args, getenv, stdout, stderr)
	case "user":
		err = userCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "token":
		err = tokenCommand(ctx, args, getenv, stdout, stderr)
	case "report":
		err = reportCommand(ctx, args, getenv, stdout, stderr)
	case "import":
		err = importCommand(ctx, args, getenv, stdout, stderr)
	case "export":
		err = exportCommand(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "utsyn", buildVersion(), "schema", store.SchemaVersion())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "utsyn: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if errors.As(err, new(usageError)) {
		fmt.Fprintf(stderr, "utsyn %s: %v\n", cmd, err)
		return 2
	} else if err != nil {
		fmt.Fprintf(stderr, "utsyn %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

type usageError struct{ error }

// config is every setting, parsed once from flags with UTSYN_* variables as defaults.
type config struct {
	Addr      string
	DB        string
	Demo      bool
	PublicURL string
	// utsyn demo
	Synthetic int    // engagements of synthetic data to add
	Orgs      int    // organisations they are spread over
	Seed      uint64 // the synthetic data's seed
}

func parseFlags(cmd string, args []string, getenv func(string) string, stderr io.Writer, withServe bool) (config, error) {
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	var c config
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.DB, "db", env("UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	if withServe {
		fs.StringVar(&c.Addr, "addr", env("UTSYN_ADDR", "127.0.0.1:8080"), "address to listen on (UTSYN_ADDR)")
		fs.BoolVar(&c.Demo, "demo", getenv("UTSYN_DEMO") == "1" || getenv("UTSYN_DEMO") == "true", "load the demo data when the database is empty (UTSYN_DEMO)")
		fs.StringVar(&c.PublicURL, "public-url", env("UTSYN_PUBLIC_URL", ""), "the address people reach Utsyn at, e.g. https://utsyn.example.no (UTSYN_PUBLIC_URL)")
	}
	if cmd == "demo" {
		fs.IntVar(&c.Synthetic, "synthetic", 0, "also add this many engagements of synthetic data")
		fs.IntVar(&c.Orgs, "orgs", 0, "spread the synthetic engagements over this many organisations (default: one per 20,000, at least 1)")
		fs.Uint64Var(&c.Seed, "seed", 1, "the synthetic data's seed: the same seed gives the same data")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError{err}
	}
	if fs.NArg() > 0 {
		return c, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if c.Synthetic < 0 || c.Synthetic > 10_000_000 || c.Orgs < 0 || c.Orgs > 1000 || c.Synthetic > 0 && c.Orgs > c.Synthetic {
		return c, usageError{errors.New("--synthetic takes 1 to 10,000,000 engagements, --orgs 1 to 1,000 organisations, no more than engagements")}
	}
	return c, nil
}

// openDB opens the database and, on SQLite, migrates it: an embedded database belongs to this
// binary. PostgreSQL is shared by servers that may run different versions, so its schema
// changes only through 'utsyn migrate'.
func openDB(ctx context.Context, dsn string) (*store.DB, []string, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	var applied []string
	if db.Engine() == "sqlite" {
		if applied, err = db.Migrate(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, applied, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger, stderr io.Writer) error {
	started := time.Now()
	c, err := parseFlags("serve", args, getenv, stderr, true)
	if err != nil {
		return err
	}
	var publicURL *url.URL
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			return usageError{fmt.Errorf("--public-url %q: give an address such as https://utsyn.example.no", c.PublicURL)}
		}
		publicURL = u
	}
	db, applied, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(applied) > 0 {
		log.Info("migrated", "steps", applied)
	}
	if c.Demo {
		orgs, err := db.ListOrganisations(ctx)
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			if _, err := demo.Load(ctx, db); err != nil {
				return err
			}
			log.Info("loaded the demo data set", "organisation", demo.Slug)
			password := rand.Text() // 26 characters, 128 random bits
			if _, err := addUser(ctx, db, demo.Slug, utsyn.RoleAdmin, demoAdmin, "Demo", password); err != nil {
				return err
			}
			// Shown once, here, and never stored in clear: there is no default password.
			fmt.Fprintf(stderr, "\n  Demo administrator: %s\n  Password (shown only now): %s\n\n", demoAdmin, password)
		}
	}
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	handler, err := web.New(web.Config{DB: db, Catalog: catalog, Log: log, Version: buildVersion(), PublicURL: publicURL})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", c.Addr, unwrapNet(err))
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("ready", "url", "http://"+ln.Addr().String()+"/", "db", db.Describe(), "version", buildVersion(),
		"startup", time.Since(started).Round(time.Millisecond).String())
	go handler.WarmReports(ctx)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Requests in flight finish; new connections are refused.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// unwrapNet drops the noise around a listen error ("listen tcp 127.0.0.1:8080: bind: address
// already in use" becomes "address already in use").
func unwrapNet(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		s := op.Err.Error()
		if i := strings.LastIndex(s, ": "); i >= 0 {
			s = s[i+2:]
		}
		return errors.New(s)
	}
	return err
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseFlags("migrate", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is at version %d\n", store.SchemaVersion())
	return nil
}

func loadDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseFlags("demo", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	db, _, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	loaded, err := demo.Load(ctx, db)
	if err != nil {
		return err
	}
	if loaded {
		fmt.Fprintf(stdout, "loaded the demo data set (organisation %q) into %s\n", demo.Slug, db.Describe())
	} else {
		fmt.Fprintf(stdout, "the demo data set (organisation %q) is already in %s; nothing changed\n", demo.Slug, db.Describe())
	}
	if c.Synthetic == 0 {
		return nil
	}
	orgs := c.Orgs
	if orgs == 0 {
		orgs = max(1, c.Synthetic/20000)
	}
	started := time.Now()
	res, err := demo.LoadSynthetic(ctx, db, demo.Synthetic{Engagements: c.Synthetic, Organisations: orgs, Seed: c.Seed, Progress: stderr})
	if err != nil {
		return err
	}
	if res.Skipped {
		fmt.Fprintf(stdout, "the synthetic data set of seed %d is already in %s; nothing changed (another --seed adds another)\n", c.Seed, db.Describe())
		return nil
	}
	where := fmt.Sprintf("%d organisations (%s … %s)", len(res.Organisations), res.Organisations[0], res.Organisations[len(res.Organisations)-1])
	if len(res.Organisations) == 1 {
		where = "the organisation " + res.Organisations[0]
	}
	fmt.Fprintf(stdout, "added %d synthetic engagements with %d money lines and %d actors in %s to %s in %.1f s\n",
		res.Engagements, res.MoneyLines, res.Actors, where, db.Describe(), time.Since(started).Seconds())
	return nil
}

// demoAdmin is the demo administrator's address; example.org is reserved for examples.
const demoAdmin = "demo.admin@example.org"

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
