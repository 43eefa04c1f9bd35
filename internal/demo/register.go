package demo

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// registerLayout mirrors register.yaml: how the demo stores the engagements of
// engagements.yaml.
type registerLayout struct {
	HostRole struct {
		Key         string     `yaml:"key"`
		Name        utsyn.Text `yaml:"name"`
		Description utsyn.Text `yaml:"description"`
	} `yaml:"host_role"`
	Actors      map[string]actorSource `yaml:"actors"`
	Funder      actorSource            `yaml:"funder"`
	Engagements []registerEntry        `yaml:"engagements"`
}

type actorSource struct {
	Name      string `yaml:"name"`
	Country   string `yaml:"country"`
	Type      string `yaml:"type"`
	OrgNumber string `yaml:"org_number"`
	Region    string `yaml:"region"`
}

func (a actorSource) actor(orgID int64) *utsyn.Actor {
	return &utsyn.Actor{OrgID: orgID, Name: a.Name, Country: a.Country, Type: a.Type, OrgNumber: a.OrgNumber, Region: a.Region}
}

// registerEntry is one engagement of register.yaml.
type registerEntry struct {
	Source      string       `yaml:"source"`
	Title       utsyn.Text   `yaml:"title"`
	Description utsyn.Text   `yaml:"description"`
	Period      []string     `yaml:"period"`
	Status      string       `yaml:"status"`
	Role        string       `yaml:"role"`
	WorkingForm string       `yaml:"working_form"`
	Elements    []string     `yaml:"elements"`
	Tags        []string     `yaml:"tags"`
	SDGs        []int        `yaml:"sdgs"`
	Partners    []partnerRef `yaml:"partners"`
	Grant       string       `yaml:"grant"`
	Seats       []utsyn.Seat `yaml:"seats"`
	Ours        []string     `yaml:"ours"` // what Utsyn added to the sources
}

type partnerRef struct {
	From  string `yaml:"from"`  // eu_grants or nsc_members
	Actor string `yaml:"actor"` // a key of registerLayout.Actors
	Role  string `yaml:"role"`
}

// grantRow is one row of eu_grants_partners.csv.
type grantRow struct {
	CordisID, OrgNumber, Name, Role, County, Type string
}

// memberRow is one row of nsc_members_wikipedia.csv.
type memberRow struct {
	Country, Name string
}

// register is everything the demo's register is made of, read and checked.
type register struct {
	layout  registerLayout
	sources []Engagement
	grants  []grantRow
	members []memberRow
}

func readCSV(name string) ([]map[string]string, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("demo data %s: %v", name, err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out, nil
}

// readRegister reads the register's files and checks that every engagement of
// engagements.yaml has its entry in register.yaml, so a broken file fails before anything is
// stored.
func readRegister() (*register, error) {
	r := &register{}
	var err error
	if r.sources, err = Engagements(); err != nil {
		return nil, err
	}
	if err := decode("register.yaml", &r.layout); err != nil {
		return nil, err
	}
	grants, err := readCSV("eu_grants_partners.csv")
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		r.grants = append(r.grants, grantRow{CordisID: g["cordis_id"], OrgNumber: g["org_number"], Name: g["name"],
			Role: g["role"], County: g["county_number"], Type: g["actor_type"]})
	}
	members, err := readCSV("nsc_members_wikipedia.csv")
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		country := m["country"]
		if country == "UK" {
			country = "GB" // the list writes the United Kingdom as UK; ISO 3166-1 says GB
		}
		r.members = append(r.members, memberRow{Country: country, Name: m["member_region_as_written"]})
	}
	for _, s := range r.sources {
		if _, err := r.entry(s); err != nil {
			return nil, err
		}
	}
	if len(r.layout.Engagements) != len(r.sources) {
		return nil, fmt.Errorf("demo data register.yaml: %d entries for %d engagements", len(r.layout.Engagements), len(r.sources))
	}
	return r, nil
}

// key names an engagement of engagements.yaml: its acronym, else its name.
func (s Engagement) key() string {
	if s.Acronym != "" {
		return s.Acronym
	}
	return s.Name
}

func (r *register) entry(s Engagement) (*registerEntry, error) {
	for i := range r.layout.Engagements {
		if r.layout.Engagements[i].Source == s.key() {
			return &r.layout.Engagements[i], nil
		}
	}
	return nil, fmt.Errorf("demo data register.yaml: no entry for %q", s.key())
}

// store adds the register to the demo organisation: the engagements with their partners,
// links to the strategy with the slug, and the EU grants to the council as money lines.
func (r *register) store(ctx context.Context, tx *store.Tx, org *utsyn.Organisation, strategySlug string) error {
	elements, err := tx.ElementIDsByCode(ctx, org.ID, strategySlug)
	if err != nil {
		return err
	}
	roles, err := tx.TermIDsByKey(ctx, org.ID, utsyn.VocabRole)
	if err != nil {
		return err
	}
	forms, err := tx.TermIDsByKey(ctx, org.ID, utsyn.VocabWorkingForm)
	if err != nil {
		return err
	}
	if hr := r.layout.HostRole; roles[hr.Key] == 0 {
		t := &utsyn.Term{OrgID: org.ID, Vocabulary: utsyn.VocabRole, Key: hr.Key, Name: hr.Name, Description: hr.Description}
		if err := tx.CreateTerm(ctx, t); err != nil {
			return err
		}
		roles[t.Key] = t.ID
	}
	actor := func(a *utsyn.Actor) (int64, error) {
		if _, err := tx.FindOrCreateActor(ctx, a); err != nil {
			return 0, fmt.Errorf("actor %q: %w", a.Name, err)
		}
		return a.ID, nil
	}
	for _, s := range r.sources {
		entry, _ := r.entry(s)
		e, err := r.engagement(s, entry, org, elements, roles, forms)
		if err != nil {
			return err
		}
		for _, p := range entry.Partners {
			switch {
			case p.From == "eu_grants":
				for _, g := range r.grants {
					if g.CordisID != s.CordisID || g.OrgNumber == org.OrgNumber {
						continue
					}
					id, err := actor(&utsyn.Actor{OrgID: org.ID, Name: g.Name, Country: "NO", OrgNumber: g.OrgNumber, Region: g.County, Type: g.Type})
					if err != nil {
						return err
					}
					role := "partner"
					if g.Role == "COORDINATOR" {
						role = "lead"
					}
					e.Partners = append(e.Partners, utsyn.Partner{ActorID: id, Role: role})
				}
			case p.From == "nsc_members":
				for _, m := range r.members {
					if m.Country == org.Country && m.Name == "Rogaland" {
						continue // the council itself
					}
					id, err := actor(&utsyn.Actor{OrgID: org.ID, Name: m.Name, Country: m.Country, Type: "region"})
					if err != nil {
						return err
					}
					e.Partners = append(e.Partners, utsyn.Partner{ActorID: id, Role: "member"})
				}
			case p.Actor != "":
				a, ok := r.layout.Actors[p.Actor]
				if !ok {
					return fmt.Errorf("demo data register.yaml: %s names an unknown actor %q", entry.Source, p.Actor)
				}
				id, err := actor(a.actor(org.ID))
				if err != nil {
					return err
				}
				e.Partners = append(e.Partners, utsyn.Partner{ActorID: id, Role: p.Role})
			default:
				return fmt.Errorf("demo data register.yaml: %s has a partner entry of no known kind", entry.Source)
			}
		}
		if err := tx.CreateEngagement(ctx, e); err != nil {
			return fmt.Errorf("engagement %s: %w", s.key(), err)
		}
		if entry.Grant == "pro_rata" {
			funder, err := actor(r.layout.Funder.actor(org.ID))
			if err != nil {
				return err
			}
			for _, m := range grantByYear(s.GrantEUR, e.Start, e.End) {
				m.EngagementID, m.FunderID = e.ID, funder
				if err := tx.CreateMoneyLine(ctx, org.ID, m); err != nil {
					return fmt.Errorf("engagement %s: %w", s.key(), err)
				}
			}
		}
	}
	return nil
}

// engagement builds the engagement of a source entry and its layout; partners come after.
func (r *register) engagement(s Engagement, entry *registerEntry, org *utsyn.Organisation, elements, roles, forms map[string]int64) (*utsyn.Engagement, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("demo data register.yaml: %s: %s", entry.Source, fmt.Sprintf(format, args...))
	}
	e := &utsyn.Engagement{
		OrgID:       org.ID,
		Kind:        s.Kind,
		Title:       entry.Title,
		Acronym:     s.Acronym,
		Description: entry.Description,
		Status:      entry.Status,
		Programme:   s.Programme,
		Call:        s.Topic,
		Public:      true, // public facts from public sources
		Example:     len(entry.Ours) > 0,
		Tags:        entry.Tags,
		SDGs:        entry.SDGs,
		ExternalIDs: map[string]string{},
	}
	start, end := s.Start, s.End
	if s.Since != "" {
		start = s.Since
	}
	if len(entry.Period) == 2 {
		if start != "" || end != "" {
			return nil, bad("a period in both files")
		}
		start, end = entry.Period[0], entry.Period[1]
	}
	var err error
	if e.Start, err = utsyn.ParseDate(start); err != nil {
		return nil, bad("start %q", start)
	}
	if e.End, err = utsyn.ParseDate(end); err != nil {
		return nil, bad("end %q", end)
	}
	if s.CordisID != "" {
		e.ExternalIDs["cordis"] = s.CordisID
		e.Links = append(e.Links, utsyn.Link{URL: "https://cordis.europa.eu/project/id/" + s.CordisID, Label: "CORDIS"})
	}
	if strings.HasPrefix(s.Source, "https://") || strings.HasPrefix(s.Source, "http://") {
		host := strings.TrimPrefix(strings.TrimPrefix(s.Source, "https://"), "http://")
		host, _, _ = strings.Cut(host, "/")
		e.Links = append(e.Links, utsyn.Link{URL: s.Source, Label: strings.TrimPrefix(host, "www.")})
	}
	for i, code := range entry.Elements {
		id, ok := elements[code]
		if !ok {
			continue // an element someone has removed or renamed since: the rest still stand
		}
		e.Elements = append(e.Elements, utsyn.ElementRef{ElementID: id, Primary: i == 0})
	}
	if entry.Role != "" {
		if e.RoleTermID = roles[entry.Role]; e.RoleTermID == 0 {
			return nil, bad("no role %q", entry.Role)
		}
	}
	if entry.WorkingForm != "" {
		if e.FormTermID = forms[entry.WorkingForm]; e.FormTermID == 0 {
			return nil, bad("no working form %q", entry.WorkingForm)
		}
	}
	if s.Kind == utsyn.KindMembership {
		m := &utsyn.MembershipFacts{Seats: entry.Seats}
		if s.Decision != "" {
			// "Fylkestinget 2020-04-28": the body, then the date.
			i := strings.LastIndex(s.Decision, " ")
			if m.DecisionDate, err = utsyn.ParseDate(s.Decision[i+1:]); err != nil || i < 0 {
				return nil, bad("decision %q", s.Decision)
			}
			m.DecisionBody = s.Decision[:i]
		}
		e.Membership = m
	}
	return e, nil
}

// grantByYear splits a grant in EUR over the years of a period, by the days of the period in
// each year; the cents left over by rounding go to the years with the largest remainders, so
// the lines add up to the grant exactly. A period without an end puts it all on the start year.
func grantByYear(eur float64, start, end utsyn.Date) []*utsyn.MoneyLine {
	total := int64(math.Round(eur * 100))
	note := "EU-tilskudd til fylkeskommunen, fordelt på år etter dager i kontraktsperioden av Utsyn; kilden gir bare summen, EUR " +
		strconv.FormatFloat(float64(total)/100, 'f', 2, 64) + "."
	var out []*utsyn.MoneyLine
	for _, part := range utsyn.SpreadByYear(total, start, end) {
		out = append(out, &utsyn.MoneyLine{Year: part.Year, Kind: utsyn.MoneyExternalGrant, Amount: utsyn.Money{Minor: part.Minor, Currency: "EUR"}, Note: note})
	}
	return out
}
