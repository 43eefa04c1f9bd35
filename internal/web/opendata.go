package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// Open data: an organisation's published strategies and published engagements as CSV and JSON
// under stable addresses, with the licence (NLOD 2.0) in every file, and a public page that
// links and describes them. The files hold only what the public pages show: unpublished
// strategies and internal engagements are left out, and so are the engagements' internal fields
// (responsible unit and person, membership fees, decisions, seats, reviews, partners' numbers,
// the council's own money). The addresses and columns are described in docs/SPREADSHEET.md.

// The licence of the open data.
const (
	licenceName   = "Norsk lisens for offentlige data (NLOD) 2.0"
	licenceNameEN = "Norwegian Licence for Open Government Data (NLOD) 2.0"
	licenceURL    = "https://data.norge.no/nlod/no/2.0"
)

// The open data files, by the last segment of their address.
var openDataFiles = []string{"strategi.json", "strategi.csv", "engasjementer.json", "engasjementer.csv"}

// openDataBase is the address of the organisation's files: /apne-data/{org}/.
func openDataBase(org string) string { return "/apne-data/" + org + "/" }

type openDataPage struct {
	*page
	Files       []openDataFile
	Licence     string
	LicenceURL  string
	Strategies  int
	Engagements int
}

type openDataFile struct {
	Name, Href, Kind, Format string
}

// openDataPage is the public page that links the files and says under which licence they are.
func (s *Server) openData(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.findOrg(r.Context(), r, p); err != nil {
		return err
	}
	if r.URL.Path != p.Href(p.Org.Slug, "apne-data", "") {
		return errNotFound // the route is a subtree
	}
	strategies, err := s.db.ListStrategies(r.Context(), store.StrategyFilter{OrgID: p.Org.ID, Published: published})
	if err != nil {
		return err
	}
	engagements, err := s.db.PublicEngagements(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	op := &openDataPage{page: p, Licence: licenceName, LicenceURL: licenceURL, Strategies: len(strategies), Engagements: len(engagements)}
	if p.Lang == i18n.EN {
		op.Licence = licenceNameEN
	}
	for _, f := range openDataFiles {
		kind, format, _ := strings.Cut(f, ".")
		op.Files = append(op.Files, openDataFile{Name: f, Href: openDataBase(p.Org.Slug) + f, Kind: kind, Format: strings.ToUpper(format)})
	}
	op.Title = p.T("opendata.title")
	op.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: op.Title}}
	s.render(w, r, "import-opendata", http.StatusOK, op)
	return nil
}

// openDataFile answers /apne-data/{org}/{file}.
func (s *Server) openDataFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, err := s.db.FindOrganisation(ctx, r.PathValue("org"))
	file := r.PathValue("file")
	if err != nil || !slices.Contains(openDataFiles, file) {
		s.notFound(w, r)
		return
	}
	meta := s.openDataMeta(r, org)
	var body []byte
	switch file {
	case "strategi.json", "strategi.csv":
		var rows []openStrategy
		if rows, err = s.openStrategies(ctx, org); err == nil {
			if file == "strategi.json" {
				body, err = openJSON(meta, "strategies", rows)
			} else {
				body, err = strategyCSV(meta, rows)
			}
		}
	default:
		var rows []openEngagement
		if rows, err = s.openEngagements(r, org); err == nil {
			if file == "engasjementer.json" {
				body, err = openJSON(meta, "engagements", rows)
			} else {
				body, err = engagementCSV(meta, rows)
			}
		}
	}
	if err != nil {
		s.notFoundOrError(w, r, http.StatusInternalServerError)
		s.log.Error("open data", "org", org.Slug, "file", file, "err", err)
		return
	}
	h := w.Header()
	if strings.HasSuffix(file, ".json") {
		h.Set("Content-Type", "application/json; charset=utf-8")
	} else {
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	}
	h.Set("Link", `<`+licenceURL+`>; rel="license"`)
	h.Set("Access-Control-Allow-Origin", "*") // public data, never anything a cookie unlocks
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// openMeta is what every file says about itself: whose data, under which licence, from where.
type openMeta struct {
	Licence   openLicence   `json:"licence"`
	Publisher openPublisher `json:"publisher"`
	Source    string        `json:"source"`
	Generated string        `json:"generated"`
	Note      utsyn.Text    `json:"note,omitempty"` // demo data: what they are
}

type openLicence struct {
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	URL    string `json:"url"`
}

type openPublisher struct {
	Slug      string     `json:"slug"`
	Name      utsyn.Text `json:"name"`
	OrgNumber string     `json:"org_number,omitempty"`
	Website   string     `json:"website,omitempty"`
}

func (s *Server) openDataMeta(r *http.Request, org *utsyn.Organisation) openMeta {
	m := openMeta{
		Licence:   openLicence{Name: licenceName, NameEN: licenceNameEN, URL: licenceURL},
		Publisher: openPublisher{Slug: org.Slug, Name: org.Name, OrgNumber: org.OrgNumber, Website: org.Website},
		Source:    s.absoluteURL(r, "/nb/"+org.Slug+"/apne-data/"),
		Generated: s.now().UTC().Format(time.RFC3339),
	}
	if org.Demo != nil {
		m.Note = org.Demo.Note
	}
	return m
}

// openJSON writes the metadata and the records under key as one JSON object.
func openJSON(meta openMeta, key string, records any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	err := enc.Encode(map[string]any{"licence": meta.Licence, "publisher": meta.Publisher, "source": meta.Source,
		"generated": meta.Generated, "note": meta.Note, key: records})
	return buf.Bytes(), err
}

// csvHeader is the first line of an open CSV file: a comment with the licence and the source,
// in bokmål and English. Readers that take "#" lines as comments skip it; the header follows.
func csvHeader(meta openMeta) string {
	return fmt.Sprintf("# Lisens / licence: %s, %s. Kilde / source: %s, %s. Hentet / retrieved %s.\r\n",
		licenceName, licenceURL, meta.Publisher.Name.Get("nb"), meta.Source, meta.Generated)
}

func writeCSV(meta openMeta, header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	buf.WriteString(csvHeader(meta))
	cw := csv.NewWriter(&buf)
	cw.Comma, cw.UseCRLF = ';', true
	cw.Write(header)
	for _, row := range rows {
		for i, v := range row {
			row[i] = csvSafe(v)
		}
		cw.Write(row)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

type openStrategy struct {
	Slug         string        `json:"slug"`
	Title        utsyn.Text    `json:"title"`
	Summary      utsyn.Text    `json:"summary"`
	Status       string        `json:"status"`
	PeriodStart  utsyn.Date    `json:"period_start"`
	PeriodEnd    utsyn.Date    `json:"period_end"`
	AdoptedBy    utsyn.Text    `json:"adopted_by"`
	AdoptedOn    utsyn.Date    `json:"adopted_on"`
	CaseNumber   string        `json:"case_number"`
	SourceURL    string        `json:"source_url"`
	URL          string        `json:"url"`
	Plan         *apiRef       `json:"plan"`
	Purpose      apiPurpose    `json:"purpose"`
	Levels       []apiLevel    `json:"levels"`
	Elements     []openElement `json:"elements"`
	Roles        []apiTerm     `json:"roles"`
	WorkingForms []apiTerm     `json:"working_forms"`
}

// openElement is one element of a strategy's tree, flat, with its parent's code.
type openElement struct {
	ID          int64      `json:"id"`
	Code        string     `json:"code"`
	Level       string     `json:"level"`
	Parent      string     `json:"parent"`
	Title       utsyn.Text `json:"title"`
	Description utsyn.Text `json:"description"`
	PlanGoals   []string   `json:"plan_goals"`
}

func (s *Server) openStrategies(ctx context.Context, org *utsyn.Organisation) ([]openStrategy, error) {
	strategies, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: org.ID, Published: published})
	if err != nil {
		return nil, err
	}
	out := []openStrategy{}
	for _, st := range strategies {
		tree, err := s.db.FindTree(ctx, st)
		if err != nil {
			return nil, err
		}
		o := openStrategy{Slug: st.Slug, Title: st.Title, Summary: st.Summary, Status: st.Status, PeriodStart: st.PeriodStart,
			PeriodEnd: st.PeriodEnd, AdoptedBy: st.AdoptedBy, AdoptedOn: st.AdoptedOn, CaseNumber: st.CaseNumber,
			SourceURL: st.SourceURL, URL: "/nb/" + org.Slug + "/strategi/" + st.Slug,
			Purpose: toAPIPurpose(st),
			Levels:  []apiLevel{}, Elements: []openElement{}, Roles: []apiTerm{}, WorkingForms: []apiTerm{}}
		goals := map[int64]string{}
		if st.PlanID != 0 {
			if plan, err := s.db.FindPlanByID(ctx, st.PlanID); err != nil {
				return nil, err
			} else if plan.Published {
				o.Plan = &apiRef{Slug: plan.Slug, Title: plan.Title}
				for _, g := range plan.Goals {
					goals[g.ID] = g.Code
				}
			}
		}
		levels := map[int64]string{}
		for _, l := range st.Levels {
			levels[l.ID] = l.Key
			o.Levels = append(o.Levels, apiLevel{Key: l.Key, Name: l.Name, Plural: l.Plural})
		}
		codes := map[int64]string{}
		for _, e := range tree.Elements {
			codes[e.ID] = e.Code
		}
		for _, e := range tree.Elements {
			el := openElement{ID: e.ID, Code: e.Code, Level: levels[e.LevelID], Parent: codes[e.ParentID], Title: e.Title,
				Description: e.Description, PlanGoals: []string{}}
			for _, g := range e.PlanGoalIDs {
				if c, ok := goals[g]; ok {
					el.PlanGoals = append(el.PlanGoals, c)
				}
			}
			o.Elements = append(o.Elements, el)
		}
		for _, t := range tree.Roles {
			o.Roles = append(o.Roles, apiTerm{Key: t.Key, Name: t.Name, Description: t.Description})
		}
		for _, t := range tree.Forms {
			o.WorkingForms = append(o.WorkingForms, apiTerm{Key: t.Key, Name: t.Name, Description: t.Description})
		}
		out = append(out, o)
	}
	return out, nil
}

func strategyCSV(meta openMeta, strategies []openStrategy) ([]byte, error) {
	header := []string{"strategy", "strategy_title_nb", "strategy_title_en", "status", "level", "code", "parent", "title_nb",
		"title_en", "description_nb", "description_en", "plan_goals", "element_id"}
	var rows [][]string
	for _, st := range strategies {
		for _, e := range st.Elements {
			rows = append(rows, []string{st.Slug, st.Title["nb"], st.Title["en"], st.Status, e.Level, e.Code, e.Parent, e.Title["nb"],
				e.Title["en"], e.Description["nb"], e.Description["en"], strings.Join(e.PlanGoals, "; "), strconv.FormatInt(e.ID, 10)})
		}
	}
	return writeCSV(meta, header, rows)
}

type openEngagement struct {
	ID              int64             `json:"id"`
	Kind            string            `json:"kind"`
	Status          string            `json:"status"`
	Title           utsyn.Text        `json:"title"`
	Acronym         string            `json:"acronym"`
	Description     utsyn.Text        `json:"description"`
	Start           utsyn.Date        `json:"start"`
	End             utsyn.Date        `json:"end"`
	Programme       string            `json:"programme"`
	Call            string            `json:"call"`
	Role            utsyn.Text        `json:"role"`
	WorkingForm     utsyn.Text        `json:"working_form"`
	Tags            []string          `json:"tags"`
	SDGs            []int             `json:"sdgs"`
	ExternalIDs     map[string]string `json:"external_ids"`
	Links           []utsyn.Link      `json:"links"`
	Elements        []openElementRef  `json:"strategy_elements"`
	Partners        []openPartner     `json:"partners"`
	ExternalFunding []openFunding     `json:"external_funding"`
	Example         bool              `json:"example"`
	URL             string            `json:"url"`
}

type openElementRef struct {
	Strategy string `json:"strategy"`
	Code     string `json:"code"`
	Primary  bool   `json:"primary"`
}

type openPartner struct {
	Name    string `json:"name"`
	Country string `json:"country"`
	Region  string `json:"region"`
	Type    string `json:"type"`
	Role    string `json:"role"`
}

type openFunding struct {
	Year     int    `json:"year"`
	Currency string `json:"currency"`
	Amount   string `json:"amount"` // in major units with two decimals, so no float rounds it
}

func (s *Server) openEngagements(r *http.Request, org *utsyn.Organisation) ([]openEngagement, error) {
	ctx := r.Context()
	es, err := s.db.PublicEngagements(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	funding, err := s.db.PublicFunding(ctx, org.ID, 0)
	if err != nil {
		return nil, err
	}
	byEngagement := map[int64][]openFunding{}
	for _, f := range funding {
		byEngagement[f.EngagementID] = append(byEngagement[f.EngagementID], openFunding{Year: f.Year, Currency: f.Amount.Currency,
			Amount: fmt.Sprintf("%d.%02d", f.Amount.Minor/100, f.Amount.Minor%100)})
	}
	terms := map[int64]utsyn.Text{}
	for _, vocab := range []string{utsyn.VocabRole, utsyn.VocabWorkingForm} {
		ts, err := s.db.ListTerms(ctx, org.ID, vocab)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			terms[t.ID] = t.Name
		}
	}
	x, err := s.db.RegisterIndex(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	publicStrategies := map[string]bool{}
	strategies, err := s.db.ListStrategies(ctx, store.StrategyFilter{OrgID: org.ID, Published: published})
	if err != nil {
		return nil, err
	}
	for _, st := range strategies {
		publicStrategies[st.Slug] = true
	}
	out := []openEngagement{}
	for _, e := range es {
		o := openEngagement{ID: e.ID, Kind: e.Kind, Status: e.Status, Title: e.Title, Acronym: e.Acronym, Description: e.Description,
			Start: e.Start, End: e.End, Programme: e.Programme, Call: e.Call, Role: terms[e.RoleTermID], WorkingForm: terms[e.FormTermID],
			Tags: orEmpty(e.Tags), SDGs: orEmpty(e.SDGs), ExternalIDs: e.ExternalIDs, Links: orEmpty(e.Links), Elements: []openElementRef{},
			Partners: []openPartner{}, ExternalFunding: orEmpty(byEngagement[e.ID]), Example: e.Example,
			URL: "/nb/" + org.Slug + "/arbeid/" + strconv.FormatInt(e.ID, 10)}
		if o.ExternalIDs == nil {
			o.ExternalIDs = map[string]string{}
		}
		for _, el := range e.Elements {
			if k, ok := x.ElementRefs[el.ElementID]; ok && publicStrategies[k.Strategy] { // links into unpublished strategies stay internal
				o.Elements = append(o.Elements, openElementRef{Strategy: k.Strategy, Code: k.Code, Primary: el.Primary})
			}
		}
		for _, p := range e.Partners {
			if p.Actor != nil {
				o.Partners = append(o.Partners, openPartner{Name: p.Actor.Name, Country: p.Actor.Country, Region: p.Actor.Region,
					Type: p.Actor.Type, Role: p.Role})
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func engagementCSV(meta openMeta, es []openEngagement) ([]byte, error) {
	header := []string{"id", "kind", "status", "title_nb", "title_en", "acronym", "description_nb", "description_en", "start", "end",
		"programme", "call", "role_nb", "role_en", "working_form_nb", "working_form_en", "tags", "sdgs", "cordis", "keep_eu",
		"erasmus", "eea_grants", "strategy_elements", "partners", "partner_countries", "external_funding", "example", "url"}
	var rows [][]string
	for _, e := range es {
		var sdgs, elements, partners, countries, funding []string
		for _, n := range e.SDGs {
			sdgs = append(sdgs, strconv.Itoa(n))
		}
		for _, el := range e.Elements {
			ref := el.Strategy + ":" + el.Code
			if el.Primary {
				ref += "*"
			}
			elements = append(elements, ref)
		}
		for _, p := range e.Partners {
			partners = append(partners, p.Name+" ("+p.Country+", "+p.Role+")")
			if !slices.Contains(countries, p.Country) {
				countries = append(countries, p.Country)
			}
		}
		for _, f := range e.ExternalFunding {
			funding = append(funding, fmt.Sprintf("%d %s %s", f.Year, f.Currency, f.Amount))
		}
		rows = append(rows, []string{strconv.FormatInt(e.ID, 10), e.Kind, e.Status, e.Title["nb"], e.Title["en"], e.Acronym,
			e.Description["nb"], e.Description["en"], e.Start.String(), e.End.String(), e.Programme, e.Call, e.Role["nb"], e.Role["en"],
			e.WorkingForm["nb"], e.WorkingForm["en"], strings.Join(e.Tags, "; "), strings.Join(sdgs, "; "), e.ExternalIDs["cordis"],
			e.ExternalIDs["keep_eu"], e.ExternalIDs["erasmus"], e.ExternalIDs["eea_grants"], strings.Join(elements, "; "),
			strings.Join(partners, "; "), strings.Join(countries, "; "), strings.Join(funding, "; "), yesNo(e.Example), e.URL})
	}
	return writeCSV(meta, header, rows)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
