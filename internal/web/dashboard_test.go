package web_test

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// dashboardExtras gives the demo organisation what its dashboards show beyond the demo: euro
// rates for 2015–2022 (none after), own funds and hours, a membership's renewal and last
// review, status updates at risk and off track, milestones, and a cadence never kept.
func dashboardExtras(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 200, Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	var project, membership *utsyn.Engagement
	for _, e := range page.Items {
		if e.Kind == utsyn.KindProject && project == nil {
			project = e
		}
		if e.Kind == utsyn.KindMembership && membership == nil {
			membership = e
		}
	}
	if project == nil || membership == nil {
		t.Fatal("the demo has no project or no membership")
	}
	membership, err = db.FindEngagement(ctx, org.ID, membership.ID)
	if err != nil {
		t.Fatal(err)
	}
	actor := &utsyn.Principal{Label: "test"}
	err = db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		for y := 2015; y <= 2022; y++ {
			if err := tx.SetExchangeRate(ctx, org.ID, utsyn.ExchangeRate{Year: y, Currency: "EUR", NOK: 9 + float64(y-2015)*0.3}); err != nil {
				return err
			}
		}
		for y := 2019; y <= 2024; y++ {
			for _, m := range []*utsyn.MoneyLine{
				{EngagementID: project.ID, Year: y, Kind: utsyn.MoneyOwnCash, Amount: utsyn.Money{Minor: int64(y-2000) * 10_000_00, Currency: "NOK"}},
				{EngagementID: project.ID, Year: y, Kind: utsyn.MoneyOwnHours, Hours: 120, HourlyRate: utsyn.Money{Minor: 950_00}, Amount: utsyn.Money{Currency: "NOK"}},
				{EngagementID: membership.ID, Year: y, Kind: utsyn.MoneyMembershipFee, Amount: utsyn.Money{Minor: 85_000_00, Currency: "NOK"}},
			} {
				if err := tx.CreateMoneyLine(ctx, org.ID, m); err != nil {
					return err
				}
			}
		}
		if membership.Membership == nil {
			membership.Membership = &utsyn.MembershipFacts{}
		}
		membership.Membership.RenewalDate = utsyn.DateOf(time.Now().AddDate(0, 2, 0))
		membership.Membership.Reviews = []utsyn.Review{{Date: utsyn.MustDate("2020-03"), Outcome: "continue", Rationale: utsyn.NewText("Verdt det.", "Worth it.")}}
		if err := tx.UpdateEngagement(ctx, membership); err != nil {
			return err
		}
		today := utsyn.DateOf(time.Now())
		for _, u := range []*utsyn.StatusUpdate{
			{OrgID: org.ID, EngagementID: project.ID, Date: utsyn.AddMonths(today, -2), Status: utsyn.FollowOnTrack},
			{OrgID: org.ID, EngagementID: project.ID, Date: utsyn.AddMonths(today, -1), Status: utsyn.FollowOffTrack, Narrative: "Forsinket rapport."},
			{OrgID: org.ID, EngagementID: membership.ID, Date: utsyn.AddMonths(today, -1), Status: utsyn.FollowAtRisk},
		} {
			if err := tx.AddStatusUpdate(ctx, u); err != nil {
				return err
			}
		}
		for _, m := range []*utsyn.Milestone{
			{OrgID: org.ID, EngagementID: project.ID, Title: "Sluttrapport", Due: utsyn.AddMonths(today, -1)},
			{OrgID: org.ID, EngagementID: project.ID, Title: "Formidlingsseminar", Due: utsyn.AddMonths(today, 3)},
		} {
			if err := tx.AddMilestone(ctx, m); err != nil {
				return err
			}
		}
		p, err := db.FindEngagement(ctx, org.ID, project.ID)
		if err != nil {
			return err
		}
		return tx.SetSettings(ctx, org.ID, store.Item{Kind: store.ItemEngagement, ID: project.ID}, p.Version,
			store.FollowupSettings{Cadence: utsyn.CadenceMonthly})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dashReader signs in a reader of the organisation.
func dashReader(t *testing.T, srv *httptest.Server, db *store.DB, org string) *browser {
	t.Helper()
	addUser(t, db, org, "leser-"+org+"@example.org", utsyn.RoleReader)
	b := newBrowser(t, srv)
	b.signIn("leser-"+org+"@example.org", testPassword)
	return b
}

var (
	registerLink = regexp.MustCompile(`(?:<td class="num">|<dd>)<a href="(/nb/rogaland/engasjementer/(?:\?[^"]*)?)">([0-9\x{00a0} ]+)</a>`)
	resultCount  = regexp.MustCompile(`<h2 id="result-title">([0-9\x{00a0} ]+) engasjement`)
)

// Every count in the dashboards' tables that leads to the register leads to a list of as many
// engagements: a reader who follows a figure finds the records behind it.
func TestDashboardCountsLeadToTheirRecords(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		dashboardExtras(t, db)
		b := dashReader(t, srv, db, "rogaland")
		checked := 0
		for _, path := range []string{"/nb/rogaland/oversikt/", "/nb/rogaland/oversikt/dekning", "/nb/rogaland/oversikt/dekning?fra=2020&til=2020",
			"/nb/rogaland/oversikt/partnere", "/nb/rogaland/oversikt/partnere?kart=verden"} {
			resp, body := b.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", path, resp.StatusCode)
			}
			links := registerLink.FindAllStringSubmatch(body, -1)
			if len(links) < 3 {
				t.Fatalf("%s: only %d counts lead to the register", path, len(links))
			}
			for _, l := range links {
				href, want := html.UnescapeString(l[1]), strings.NewReplacer("\u00a0", "", " ", "").Replace(l[2])
				resp, list := b.get(href)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s: %d", href, resp.StatusCode)
				}
				got := "1"
				if m := resultCount.FindStringSubmatch(list); m != nil {
					got = strings.NewReplacer("\u00a0", "", " ", "").Replace(m[1])
				} else if !strings.Contains(list, `<h2 id="result-title">1 engasjement`) {
					t.Fatalf("%s: no count on the register's list", href)
				}
				if got != want {
					t.Errorf("%s shows %s, and its link %s lists %s", path, want, href, got)
				}
				checked++
			}
		}
		t.Logf("%d figures followed to the register", checked)
	})
}

// The money page's totals are the sums of the money lines, the euros of each year converted at
// its rate; the years without a rate are named, and their euros kept apart.
func TestDashboardMoneyIsTheSumOfTheLines(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		dashboardExtras(t, db)
		ctx := context.Background()
		org, _ := db.FindOrganisation(ctx, "rogaland")
		rates, err := db.ExchangeRates(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		rate := map[int]float64{}
		for _, r := range rates {
			rate[r.Year] = r.NOK
		}
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		own, external := map[int]int64{}, map[int]int64{}
		eurWithout := map[int]int64{}
		for _, e := range page.Items {
			lines, err := db.ListMoneyLines(ctx, org.ID, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range lines {
				switch m.Kind {
				case utsyn.MoneyOwnCash, utsyn.MoneyOwnHours:
					if m.Amount.Currency != "NOK" {
						t.Fatalf("the test expects own money in kroner: %+v", m)
					}
					own[m.Year] += m.Amount.Minor
				case utsyn.MoneyExternalGrant:
					if m.Amount.Currency == "NOK" {
						external[m.Year] += m.Amount.Minor
					} else {
						eurWithout[m.Year] += m.Amount.Minor
					}
				}
			}
		}
		var totalOwn, totalExternal int64
		var missing []string
		for y, eur := range eurWithout {
			if r, ok := rate[y]; ok {
				external[y] += int64(math.Round(float64(eur) * r))
			} else {
				missing = append(missing, strconv.Itoa(y))
			}
		}
		for _, v := range own {
			totalOwn += v
		}
		for _, v := range external {
			totalExternal += v
		}
		b := dashReader(t, srv, db, "rogaland")
		_, body := b.get("/nb/rogaland/oversikt/penger")
		kr := func(ore int64) string { return i18n.FormatMoney(i18n.NB, math.Round(float64(ore)/100), "NOK") }
		for _, want := range []string{kr(totalOwn), kr(totalExternal)} {
			if !strings.Contains(body, want) {
				t.Errorf("the money page lacks the total %q", want)
			}
		}
		if len(missing) == 0 {
			t.Fatal("the demo has no euros in a year without a rate; the test needs some")
		}
		if !strings.Contains(body, "Mangler valutakurs") {
			t.Error("the money page does not say that rates are missing")
		}
		for _, y := range missing {
			if !strings.Contains(body, y) {
				t.Errorf("the money page does not name %s, which has no rate", y)
			}
		}
		// The reading is a sentence with the ratio of the last year that has one.
		last := 0
		for y := range own {
			if _, ok := rate[y]; ok && external[y] > 0 && own[y] > 0 && eurWithout[y] >= 0 && y > last {
				last = y
			}
		}
		if last > 0 {
			ratio := i18n.FormatDecimal(i18n.NB, float64(external[last])/float64(own[last]), 1)
			want := fmt.Sprintf("Ekstern finansiering var %s ganger fylkeskommunens egen innsats i %d", ratio, last)
			if !strings.Contains(body, want) {
				t.Errorf("the money page lacks the reading %q", want)
			}
		}
	})
}

// Each page in both languages, with what a reader would look for on it.
func TestDashboardPages(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	dashboardExtras(t, db)
	b := dashReader(t, srv, db, "rogaland")
	tests := []struct {
		path   string
		wantIn []string
	}{
		{"/nb/rogaland/oversikt/", []string{"<h1>Oversikt</h1>", "Uten aktivt arbeid", "Engasjementer", `role="img"`, "Tallene er hentet fra registeret"}},
		{"/en/rogaland/oversikt/", []string{"<h1>Overview</h1>", "Without active work", "External funding against own contribution"}},
		{"/nb/rogaland/oversikt/dekning", []string{"Dekning av strategien", "ingen aktivt arbeid", "Engasjementer under hvert element, etter status", "<title id=\"coverage-0-title\">"}},
		{"/nb/rogaland/oversikt/penger", []string{"Egen innsats og ekstern finansiering per år", "Mangler valutakurs", "Ikke omregnet (EUR)", "uten kurs"}},
		{"/en/rogaland/oversikt/penger", []string{"Own contribution and external funding per year", "Exchange rates missing", "times the"}},
		{"/nb/rogaland/oversikt/tidslinje", []string{"Porteføljen over tid", `class="chart chart-timeline"`, "I dag"}},
		{"/nb/rogaland/oversikt/tidslinje?gruppe=type", []string{"Medlemskap", "Prosjekt"}},
		{"/nb/rogaland/oversikt/partnere", []string{"Partnere i Europa", "Natural Earth", "Partnere per land", "Nederland"}},
		{"/nb/rogaland/oversikt/partnere?kart=norge", []string{"Norske partnere etter fylke", "Rogaland", "© Kartverket (CC BY 4.0)", "Norske partnere per fylke"}},
		{"/en/rogaland/oversikt/partnere?kart=verden", []string{"Partners in the world", "Netherlands"}},
		{"/nb/rogaland/oversikt/frister", []string{"Hva som forfaller", "Fornyelser", "Sluttrapport", "forsinket", "Formidlingsseminar", "Forfalte statusoppdateringer", "Vurderinger av medlemskap"}},
		{"/nb/rogaland/oversikt/avvik", []string{"Hva som henger etter", "Avvik", "Risiko", "Arbeid og tiltak med risiko eller avvik"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := b.get(tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, want := range tt.wantIn {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			if strings.Contains(body, "[[") {
				t.Errorf("a message is missing from the catalog: %s", body[strings.Index(body, "[["):][:60])
			}
			if len(body) > 60_000 {
				t.Errorf("the page is %d bytes, over the 60 KB a page should stay under", len(body))
			}
		})
	}
	// /oversikt without its slash leads to the overview.
	resp, _ := b.get("/nb/rogaland/oversikt")
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || loc != "/nb/rogaland/oversikt/" {
		t.Errorf("/nb/rogaland/oversikt: %d to %q", resp.StatusCode, loc)
	}
}

// A selection with nothing in it says so, and draws no chart; a filter that cannot be used
// says why beside its field.
func TestDashboardEmptyStatesAndMistakes(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	addOrg(t, db, "agder")
	b := dashReader(t, srv, db, "rogaland")
	for path, want := range map[string]string{
		"/nb/rogaland/oversikt/penger?fra=1995&til=1996": "Ingen pengelinjer passer med utvalget (1995–1996)",
		"/nb/rogaland/oversikt/dekning?enhet=Ingen+slik": "Ingen engasjementer har denne enheten",
	} {
		resp, body := b.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, want %q", path, resp.StatusCode, want)
		}
		if strings.Contains(path, "1995") && strings.Contains(body, `class="chart `) {
			t.Errorf("%s: a chart of nothing", path)
		}
	}
	_, body := b.get("/nb/rogaland/oversikt/dekning?fra=2030&til=2020")
	if !strings.Contains(body, "Til-året kan ikke være før fra-året.") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Error("a period that ends before it begins is not refused beside its field")
	}

	// An organisation without a strategy or work.
	a := dashReader(t, srv, db, "agder")
	for path, want := range map[string]string{
		"/nb/agder/oversikt/":                                        "Ingen engasjementer passer med utvalget",
		"/nb/agder/oversikt/dekning":                                 "Organisasjonen har ingen strategi ennå",
		"/nb/agder/oversikt/penger":                                  "Ingen pengelinjer passer med utvalget",
		"/nb/agder/oversikt/tidslinje":                               "Organisasjonen har ingen strategi ennå",
		"/nb/agder/oversikt/tidslinje?gruppe=type&fra=2020&til=2024": "Ingen engasjementer løper i 2020–2024",
		"/nb/agder/oversikt/partnere":                                "Ingen engasjementer i utvalget",
		"/nb/agder/oversikt/frister":                                 "Ingenting forfaller de neste 6 månedene",
		"/en/agder/oversikt/avvik":                                   "Nothing lags",
	} {
		resp, body := a.get(path)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, want %q", path, resp.StatusCode, want)
		}
		if strings.Contains(body, `class="chart `) {
			t.Errorf("%s: a chart of nothing", path)
		}
	}
}

// Another organisation's engagements, internal ones too, never count in an organisation's
// dashboards.
func TestDashboardKeepsOrganisationsApart(t *testing.T) {
	srv, db := newServer(t, "sqlite")
	ctx := context.Background()
	b := dashReader(t, srv, db, "rogaland")
	_, before := b.get("/nb/rogaland/oversikt/partnere?kart=verden")
	_, beforeMoney := b.get("/nb/rogaland/oversikt/penger")
	other := addOrg(t, db, "agder")
	err := db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		a := &utsyn.Actor{OrgID: other.ID, Name: "Region Skåne", Country: "SE"}
		if err := tx.CreateActor(ctx, a); err != nil {
			return err
		}
		e := &utsyn.Engagement{OrgID: other.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Internt i Agder", ""), Status: utsyn.StatusRunning,
			Start: utsyn.MustDate("2023"), Public: false, Partners: []utsyn.Partner{{ActorID: a.ID, Role: "partner"}}}
		if err := tx.CreateEngagement(ctx, e); err != nil {
			return err
		}
		return tx.CreateMoneyLine(ctx, other.ID, &utsyn.MoneyLine{EngagementID: e.ID, Year: 2023, Kind: utsyn.MoneyOwnCash,
			Amount: utsyn.Money{Minor: 123_456_789_00, Currency: "NOK"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, after := b.get("/nb/rogaland/oversikt/partnere?kart=verden")
	_, afterMoney := b.get("/nb/rogaland/oversikt/penger")
	strip := regexp.MustCompile(`Tallene er hentet fra registeret [^<]*`)
	if strip.ReplaceAllString(before, "") != strip.ReplaceAllString(after, "") {
		t.Error("the partner map changed with another organisation's internal engagement")
	}
	if strip.ReplaceAllString(beforeMoney, "") != strip.ReplaceAllString(afterMoney, "") || strings.Contains(afterMoney, "123") && strings.Contains(afterMoney, "456") && strings.Contains(afterMoney, "789") {
		t.Error("the money changed with another organisation's internal engagement")
	}
	a := dashReader(t, srv, db, "agder")
	if _, body := a.get("/nb/agder/oversikt/partnere?kart=verden"); !strings.Contains(body, "Sverige") {
		t.Error("the other organisation's own map lacks its partner in Sweden")
	}
}
