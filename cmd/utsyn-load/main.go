// Command utsyn-load measures a running Utsyn server (utsyn serve) under load: a fixed number of
// clients ask for the register's pages at once, each its next request as soon as the last is
// answered, and it reports the response time's percentiles per kind of request. It talks only
// to loopback addresses, and stops after a number of requests or a time, whichever comes
// first. See docs/PERFORMANCE.md.
//
// It is a command of its own, not a subcommand of utsyn: it is a client, and the server that
// councils run has no use for a tool that hammers a server.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

const usage = `utsyn-load: measure a running Utsyn server's register pages under load.

Usage:
  utsyn-load [--url http://127.0.0.1:8080] [--org SLUG] [--clients 16] [--think 0s]
             [--settle 0s] [--requests 2000] [--duration 60s]
             [--scenarios list,search,api-list,api-search]
             [--email EMAIL --password-stdin]

Each client asks for the next page as soon as the last is answered, or with --think after a
pause as a person reading would make: random, of that length on average. Without pauses the
server is kept busy and the figures say what it answers at its limit; with them, how fast it
answers that many people at once.

Each scenario begins with its first few requests, not measured. --settle waits that long after
them: what the server reads in the background on the first requests (the register's list
index, a few seconds at 100,000 engagements) is then in place, as it is on a server that has
run a while; without it, the first seconds are measured as they are just after the records
changed.

The register's list page (/nb/ORG/engasjementer/) is for signed-in readers: give --email and
the password on standard input (or in UTSYN_LOAD_PASSWORD). The API scenarios ask with the
token in UTSYN_LOAD_TOKEN (utsyn token create), and see every engagement; without one they ask
as the public does, and see published engagements only.

Scenarios:
  list         the register's list page with filters: one kind, one status, one year, a
               priority of the strategy; each request another filter
  search       the list page searched for a word (a theme of the synthetic data)
  mixed        the list page with a filter made of a kind, a status, a year and an order,
               each of them or none, drawn anew for each request from some thousands: few
               are asked twice, so what the server keeps of earlier lists helps little
  mixed-search the list page searched for the start of a word (four letters or more) with a
               filter as in mixed: few are asked twice
  api-list     GET /api/v1/organisations/ORG/engagements with the same filters
  api-search   the same, searched
  public       the public list of published work (/nb/ORG/arbeid/), searched
  public-mixed the public list searched for the start of a word (four letters or more), with
               a kind and a partner country, each or none: few are asked twice
`

type config struct {
	base      *url.URL
	org       string
	clients   int
	requests  int
	duration  time.Duration
	think     time.Duration // a client's pause between requests, on average
	settle    time.Duration // the wait after the warm-up, before measuring
	scenarios []string
	email     string
	password  string
	token     string // an API token, sent to /api/
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parse(args, getenv, stdin, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintln(stderr, "utsyn-load:", err)
		return 2
	}
	if err := load(ctx, c, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "utsyn-load:", err)
		return 1
	}
	return 0
}

func parse(args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("utsyn-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	c := &config{}
	base := fs.String("url", "http://127.0.0.1:8080", "the server's address (loopback only)")
	fs.StringVar(&c.org, "org", "syntetisk-1-1", "the organisation's slug")
	fs.IntVar(&c.clients, "clients", 16, "clients asking at once")
	fs.IntVar(&c.requests, "requests", 2000, "requests per scenario, at most")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "time per scenario, at most")
	fs.DurationVar(&c.think, "think", 0, "each client's pause between requests, on average (random, exponential)")
	fs.DurationVar(&c.settle, "settle", 0, "the wait after each scenario's warm-up, before it is measured")
	scenarios := fs.String("scenarios", "list,search,api-list,api-search", "the scenarios to run, in order")
	fs.StringVar(&c.email, "email", "", "sign in as this reader for the list page")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://HOST:PORT", *base)
	}
	if err := loopback(u.Hostname()); err != nil {
		return nil, err
	}
	c.base = u
	if c.clients < 1 || c.clients > 256 || c.requests < 1 || c.requests > 1_000_000 || c.duration <= 0 || c.duration > time.Hour ||
		c.think < 0 || c.think > time.Minute || c.settle < 0 || c.settle > time.Minute {
		return nil, errors.New("--clients takes 1 to 256, --requests 1 to 1,000,000, --duration up to an hour, --think and --settle up to a minute")
	}
	for _, s := range strings.Split(*scenarios, ",") {
		s = strings.TrimSpace(s)
		if _, ok := scenarioPaths[s]; !ok {
			return nil, fmt.Errorf("unknown scenario %q", s)
		}
		c.scenarios = append(c.scenarios, s)
	}
	c.password, c.token = getenv("UTSYN_LOAD_PASSWORD"), getenv("UTSYN_LOAD_TOKEN")
	if *passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read the password: %w", err)
		}
		c.password = strings.TrimRight(line, "\r\n")
	}
	for _, s := range c.scenarios {
		if (s == "list" || s == "search" || s == "mixed" || s == "mixed-search") && (c.email == "" || c.password == "") {
			return nil, fmt.Errorf("scenario %s needs a signed-in reader: give --email and --password-stdin", s)
		}
	}
	return c, nil
}

// loopback refuses any host that is not this machine: a load test is never pointed at
// someone else's server.
func loopback(host string) error {
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("--url: cannot resolve %q", host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("--url: %s is not a loopback address; utsyn-load only measures a server on this machine", host)
		}
	}
	return nil
}

// The words searched for: themes of the synthetic data, each in a few per cent of it.
var words = []string{"havvind", "hydrogen", "kulturarv", "fagopplæring", "havbruk", "reiseliv", "klimatilpasning", "digitalisering"}

// The filters of the list scenarios, as the list page names them and as the API does.
var listFilters = []struct{ page, api string }{
	{"type=project&status=running", "kind=project&status=running"},
	{"type=membership&status=active", "kind=membership&status=active"},
	{"status=completed", "status=completed"},
	{"type=programme_participation", "kind=programme_participation"},
	{"ar=2025", "year=2025"},
	{"type=project&ar=2024", "kind=project&year=2024"},
}

// mixedFilter is the i-th filter of the mixed scenario: a kind, a status, a year and an order,
// each of them or none, drawn from 9 × 10 × 13 × 3 = 3,510 combinations.
func mixedFilter(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 1))
	pick := func(name string, values ...string) string {
		if v := values[r.IntN(len(values))]; v != "" {
			return name + "=" + v + "&"
		}
		return ""
	}
	years := []string{""}
	for y := 2015; y <= 2026; y++ {
		years = append(years, strconv.Itoa(y))
	}
	q := pick("type", "", "project", "membership", "partnership", "arena", "programme_participation", "policy_influence", "visit", "mobility") +
		pick("status", "", "idea", "application", "granted", "rejected", "running", "completed", "active", "under_review", "ended") +
		pick("ar", years...) + pick("sorter", "", "title", "start")
	return strings.TrimSuffix(q, "&")
}

// mixedSearch is the i-th query of the mixed-search scenario: the start of a word, four letters
// or more, and a filter as mixedFilter gives.
func mixedSearch(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 2))
	word := []rune(words[r.IntN(len(words))])
	q := "q=" + url.QueryEscape(string(word[:4+r.IntN(len(word)-3)]))
	if f := mixedFilter(i); f != "" {
		q += "&" + f
	}
	return q
}

// publicSearch is the i-th query of the public-mixed scenario: the start of a word, four
// letters or more, with a kind and a partner country, each or none.
func publicSearch(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 3))
	word := []rune(words[r.IntN(len(words))])
	q := "q=" + url.QueryEscape(string(word[:4+r.IntN(len(word)-3)]))
	kinds := []string{"", "project", "membership", "partnership", "arena", "programme_participation", "policy_influence", "visit", "mobility"}
	if k := kinds[r.IntN(len(kinds))]; k != "" {
		q += "&type=" + k
	}
	countries := []string{"", "DE", "NL", "BE", "DK", "SE", "FR", "ES", "IT", "PL", "FI", "IE", "AT"}
	if c := countries[r.IntN(len(countries))]; c != "" {
		q += "&land=" + c
	}
	return q
}

// scenarioPaths returns the scenario's i-th request.
var scenarioPaths = map[string]func(org string, i int) string{
	"list": func(org string, i int) string {
		return "/nb/" + org + "/engasjementer/?" + listFilters[i%len(listFilters)].page
	},
	"search": func(org string, i int) string {
		return "/nb/" + org + "/engasjementer/?q=" + url.QueryEscape(words[i%len(words)])
	},
	"mixed": func(org string, i int) string {
		return "/nb/" + org + "/engasjementer/?" + mixedFilter(i)
	},
	"mixed-search": func(org string, i int) string {
		return "/nb/" + org + "/engasjementer/?" + mixedSearch(i)
	},
	"api-list": func(org string, i int) string {
		return "/api/v1/organisations/" + org + "/engagements?" + listFilters[i%len(listFilters)].api
	},
	"api-search": func(org string, i int) string {
		return "/api/v1/organisations/" + org + "/engagements?q=" + url.QueryEscape(words[i%len(words)])
	},
	"public": func(org string, i int) string {
		return "/nb/" + org + "/arbeid/?q=" + url.QueryEscape(words[i%len(words)])
	},
	"public-mixed": func(org string, i int) string {
		return "/nb/" + org + "/arbeid/?" + publicSearch(i)
	},
}

// sample is one answered request: the time to the first byte of the answer (the server
// renders a page whole before it sends it, so this is its time plus the loopback's) and to
// the last, and the server's own time when it says it (Server-Timing).
type sample struct {
	first, total, server time.Duration
}

func load(ctx context.Context, c *config, stdout, stderr io.Writer) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: c.clients, MaxConnsPerHost: c.clients, DisableCompression: true,
			ForceAttemptHTTP2: false},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if c.email != "" {
		if err := signIn(ctx, client, c); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "scenario\trequests\terrors\treq/s\tp50\tp95\tp99\tmax\tp99 server\t\n")
	// A scenario that fails is skipped, said so, and makes the run fail at the end: the others'
	// figures are still worth having.
	var failed []string
	for _, name := range c.scenarios {
		path := scenarioPaths[name]
		// Warm up: every distinct request once, so that the first use of a query is not measured.
		var warm error
		for i := range max(len(words), len(listFilters)) {
			if _, warm = fetch(ctx, client, c, path(c.org, i)); warm != nil {
				break
			}
		}
		if warm != nil {
			fmt.Fprintf(stderr, "utsyn-load: %s: skipped, as warming up failed: %v\n", name, warm)
			failed = append(failed, name)
			continue
		}
		// What the server reads in the background after the first requests (the register's list
		// index: two seconds at 100,000 engagements) is in place after the wait; without one,
		// the first seconds are measured as they are just after a change of the records.
		select {
		case <-time.After(c.settle):
		case <-ctx.Done():
			return ctx.Err()
		}
		fmt.Fprintf(stderr, "utsyn-load: %s: %d clients (pausing %s on average), up to %d requests or %s\n", name, c.clients, c.think, c.requests, c.duration)
		samples, errs, elapsed := measure(ctx, client, c, path)
		if len(samples) == 0 {
			fmt.Fprintf(stderr, "utsyn-load: %s: no request was answered (%d errors)\n", name, errs)
			failed = append(failed, name)
			continue
		}
		p := percentiles(samples)
		server := "–"
		if p.server > 0 {
			server = ms(p.server)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", name, len(samples), errs,
			float64(len(samples))/elapsed.Seconds(), ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max), server)
	}
	tw.Flush()
	fmt.Fprintln(stdout, "Times to the first byte of the answer, in ms, on loopback; p99 server is the server's own (Server-Timing), when it says it.")
	if len(failed) > 0 {
		return fmt.Errorf("failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// measure runs the clients until the requests are used up, the time is up or ctx ends.
func measure(ctx context.Context, client *http.Client, c *config, path func(string, int) string) ([]sample, int, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	var next, errs atomic.Int64
	var mu sync.Mutex
	samples := make([]sample, 0, c.requests)
	var wg sync.WaitGroup
	started := time.Now()
	for range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if c.think > 0 {
					select {
					case <-time.After(time.Duration(rand.ExpFloat64() * float64(c.think))):
					case <-ctx.Done():
						return
					}
				}
				i := int(next.Add(1)) - 1
				if i >= c.requests {
					return
				}
				s, err := fetch(ctx, client, c, path(c.org, i))
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return samples, int(errs.Load()), time.Since(started)
}

func fetch(ctx context.Context, client *http.Client, c *config, path string) (sample, error) {
	u := c.base.String() + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return sample{}, err
	}
	if c.token != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return sample{}, err
	}
	first := time.Since(start)
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return sample{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return sample{}, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return sample{first: first, total: time.Since(start), server: serverTiming(resp.Header.Get("Server-Timing"))}, nil
}

// serverTiming reads the largest dur= of a Server-Timing header ("app;dur=3.2"), or 0.
func serverTiming(h string) time.Duration {
	var best time.Duration
	for _, part := range strings.Split(h, ",") {
		for _, p := range strings.Split(part, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "dur="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					best = max(best, time.Duration(f*float64(time.Millisecond)))
				}
			}
		}
	}
	return best
}

type summary struct{ p50, p95, p99, max, server time.Duration }

func percentiles(samples []sample) summary {
	firsts := make([]time.Duration, len(samples))
	servers := make([]time.Duration, 0, len(samples))
	for i, s := range samples {
		firsts[i] = s.first
		if s.server > 0 {
			servers = append(servers, s.server)
		}
	}
	slices.Sort(firsts)
	slices.Sort(servers)
	at := func(d []time.Duration, q float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(len(d)-1, int(q*float64(len(d))))]
	}
	return summary{p50: at(firsts, 0.50), p95: at(firsts, 0.95), p99: at(firsts, 0.99), max: firsts[len(firsts)-1],
		server: at(servers, 0.99)}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

// signIn signs in with a password, so that the client's cookie jar holds a session.
func signIn(ctx context.Context, client *http.Client, c *config) error {
	form := url.Values{"email": {c.email}, "password": {c.password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/nb/logg-inn", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: %s (wrong address or password?)", c.email, resp.Status)
	}
	return nil
}
