// Package demo holds the demo data set, Rogaland fylkeskommune's international strategy and
// the development plan it builds on, compiled from public sources (data/README.md), and loads
// it into a database.
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

//go:embed data
var files embed.FS

// Slug is the demo organisation's slug.
const Slug = "rogaland"

// source mirrors strategy.yaml.
type source struct {
	Organisation struct {
		Name      string `yaml:"name"`
		NameEN    string `yaml:"name_en"`
		OrgNumber string `yaml:"org_number"`
		Country   string `yaml:"country"`
		NUTS3     string `yaml:"nuts3"`
		County    string `yaml:"county_number"`
		Website   string `yaml:"website"`
		Vision    string `yaml:"vision"`
		VisionEN  string `yaml:"vision_en"`
	} `yaml:"organisation"`
	Plan struct {
		Title     string `yaml:"title"`
		TitleEN   string `yaml:"title_en"`
		Adopted   string `yaml:"adopted"`
		AdoptedBy string `yaml:"adopted_by"`
		Source    string `yaml:"source"`
		Note      string `yaml:"note"`
		Goals     []item `yaml:"goals"`
	} `yaml:"overarching_plan"`
	Strategy struct {
		Title           string   `yaml:"title"`
		TitleEN         string   `yaml:"title_en"`
		Status          string   `yaml:"status"`
		PlannedAdoption string   `yaml:"planned_adoption"`
		BuildsOn        []string `yaml:"builds_on"`
		Purpose         struct {
			ShallBe []item `yaml:"shall_be"`
			Insight []item `yaml:"gives_insight_into"`
		} `yaml:"purpose"`
		MainGoal   item   `yaml:"main_goal"`
		SubGoals   []item `yaml:"sub_goals"`
		Priorities []item `yaml:"priorities"`
		FocusAreas []struct {
			item     `yaml:",inline"`
			Measures []item `yaml:"measures"`
		} `yaml:"focus_areas"`
		Roles        []item `yaml:"roles"`
		ContextFacts []item `yaml:"context_facts"`
	} `yaml:"strategy"`
}

// item is the shape most entries share: an id and a text in both languages.
type item struct {
	ID   string `yaml:"id"`
	NB   string `yaml:"nb"`
	EN   string `yaml:"en"`
	Note string `yaml:"note"`
	From string `yaml:"from"` // where in the strategy a role is described
}

func (i item) text() utsyn.Text { return utsyn.NewText(i.NB, i.EN) }

// layout mirrors demo.yaml: how Utsyn lays the sources out.
type layout struct {
	Organisation struct {
		Slug      string     `yaml:"slug"`
		SourceURL string     `yaml:"source_url"`
		Note      utsyn.Text `yaml:"note"`
	} `yaml:"organisation"`
	Plan struct {
		Slug   string    `yaml:"slug"`
		Period [2]string `yaml:"period"`
	} `yaml:"plan"`
	Strategy struct {
		Slug      string     `yaml:"slug"`
		SourceURL string     `yaml:"source_url"`
		AdoptedBy utsyn.Text `yaml:"adopted_by"`
		Note      utsyn.Text `yaml:"note"`
		Levels    []struct {
			Key      string `yaml:"key"`
			NB       string `yaml:"nb"`
			NBPlural string `yaml:"nb_plural"`
			EN       string `yaml:"en"`
			ENPlural string `yaml:"en_plural"`
		} `yaml:"levels"`
		PrioritiesBuildOn []string `yaml:"priorities_build_on"`
	} `yaml:"strategy"`
	WorkingForms []struct {
		Key string `yaml:"key"`
		NB  string `yaml:"nb"`
		EN  string `yaml:"en"`
	} `yaml:"working_forms"`
	Roles map[string]utsyn.Text `yaml:"roles"`
}

func decode(name string, v any) error {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("demo data %s: %w", name, err)
	}
	return nil
}

// Load stores the demo data set in db, in one transaction, unless the demo organisation is
// there already: loading twice changes nothing, and never overwrites what someone has edited
// since. A demo organisation stored by a version of Utsyn before the register gets the
// register's engagements, unless its register has been touched (an engagement stored or
// deleted since). It reports whether it stored anything.
func Load(ctx context.Context, db *store.DB) (loaded bool, err error) {
	return loadDemo(ctx, db, true)
}

// LoadStrategy is Load without the register: the organisation, its plan, its strategy and its
// vocabularies, for tests that build a register of their own.
func LoadStrategy(ctx context.Context, db *store.DB) (loaded bool, err error) {
	return loadDemo(ctx, db, false)
}

func loadDemo(ctx context.Context, db *store.DB, withRegister bool) (loaded bool, err error) {
	var src source
	var lay layout
	if err := decode("strategy.yaml", &src); err != nil {
		return false, err
	}
	if err := decode("demo.yaml", &lay); err != nil {
		return false, err
	}
	reg, err := readRegister()
	if err != nil {
		return false, err
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		org, err := tx.FindOrganisation(ctx, lay.Organisation.Slug)
		if utsyn.IsNotFound(err) {
			loaded = true
			if org, err = load(ctx, tx, &src, &lay); err != nil || !withRegister {
				return err
			}
			return reg.store(ctx, tx, org, lay.Strategy.Slug)
		} else if err != nil {
			return err
		}
		if org.Demo == nil || !withRegister {
			return nil // the demo is there, or someone else's organisation has its slug
		}
		if touched, err := tx.RegisterTouched(ctx, org.ID); err != nil || touched {
			return err
		}
		loaded = true
		return reg.store(ctx, tx, org, lay.Strategy.Slug)
	})
	if err != nil {
		return false, fmt.Errorf("load demo data: %w", err)
	}
	return loaded, nil
}

// load stores the demo organisation with its plan, strategy and vocabularies.
func load(ctx context.Context, tx *store.Tx, src *source, lay *layout) (*utsyn.Organisation, error) {
	so := &src.Organisation
	org := &utsyn.Organisation{
		Slug:      lay.Organisation.Slug,
		Name:      utsyn.NewText(so.Name, so.NameEN),
		Vision:    utsyn.NewText(so.Vision, so.VisionEN),
		OrgNumber: so.OrgNumber,
		Country:   so.Country,
		NUTS:      so.NUTS3,
		Website:   so.Website,
		Demo:      &utsyn.DemoSource{Note: lay.Organisation.Note, SourceURL: lay.Organisation.SourceURL},
	}
	if err := tx.CreateOrganisation(ctx, org); err != nil {
		return nil, err
	}
	if err := loadStrategy(ctx, tx, org.ID, src, lay); err != nil {
		return nil, err
	}
	if err := loadIndicators(ctx, tx, org.ID, lay.Strategy.Slug); err != nil {
		return nil, err
	}
	return org, loadEUGrants(ctx, tx, org)
}

// loadStrategy stores the demo's plan, strategy and vocabularies in an organisation: the demo
// organisation's own, or a synthetic one's copy.
func loadStrategy(ctx context.Context, tx *store.Tx, orgID int64, src *source, lay *layout) error {
	ss := &src.Strategy
	adopted, err := utsyn.ParseDate(src.Plan.Adopted)
	if err != nil {
		return fmt.Errorf("plan adoption date: %w", err)
	}
	plan := &utsyn.Plan{
		OrgID:       orgID,
		Slug:        lay.Plan.Slug,
		Title:       utsyn.NewText(src.Plan.Title, src.Plan.TitleEN),
		PeriodStart: utsyn.MustDate(lay.Plan.Period[0]),
		PeriodEnd:   utsyn.MustDate(lay.Plan.Period[1]),
		AdoptedBy:   utsyn.NewText(src.Plan.AdoptedBy, src.Plan.AdoptedBy),
		AdoptedOn:   adopted,
		SourceURL:   src.Plan.Source,
		Note:        noteText(src.Plan.Note),
		Published:   true,
	}
	for _, g := range src.Plan.Goals {
		plan.Goals = append(plan.Goals, utsyn.PlanGoal{Code: g.ID, Title: g.text()})
	}
	if err := tx.CreatePlan(ctx, plan); err != nil {
		return err
	}
	goalIDs := map[string]int64{}
	for _, g := range plan.Goals {
		goalIDs[g.Code] = g.ID
	}

	// The sources give only the planned adoption (June 2023), said in the strategy's note;
	// the adoption date stays unknown rather than guessed.
	st := &utsyn.Strategy{
		OrgID:     orgID,
		Slug:      lay.Strategy.Slug,
		Title:     utsyn.NewText(ss.Title, ss.TitleEN),
		Status:    ss.Status,
		AdoptedBy: lay.Strategy.AdoptedBy,
		PlanID:    plan.ID,
		Published: true,
		SourceURL: lay.Strategy.SourceURL,
		Note:      lay.Strategy.Note,
	}
	for _, it := range ss.Purpose.ShallBe {
		st.Purpose = append(st.Purpose, utsyn.Statement{Kind: utsyn.StatementShallBe, Text: it.text()})
	}
	for _, it := range ss.Purpose.Insight {
		st.Purpose = append(st.Purpose, utsyn.Statement{Kind: utsyn.StatementInsight, Text: it.text()})
	}
	for _, it := range ss.ContextFacts {
		st.Purpose = append(st.Purpose, utsyn.Statement{Kind: utsyn.StatementContext, Text: it.text()})
	}
	for _, l := range lay.Strategy.Levels {
		st.Levels = append(st.Levels, utsyn.Level{Key: l.Key, Name: utsyn.NewText(l.NB, l.EN), Plural: utsyn.NewText(l.NBPlural, l.ENPlural)})
	}
	if err := tx.CreateStrategy(ctx, st); err != nil {
		return err
	}
	level := map[string]int64{}
	for _, l := range st.Levels {
		level[l.Key] = l.ID
	}
	add := func(levelKey string, parent int64, it item, goals []string) (int64, error) {
		e := &utsyn.Element{StrategyID: st.ID, LevelID: level[levelKey], ParentID: parent, Code: it.ID, Title: it.text(), Note: noteText(it.Note)}
		for _, code := range goals {
			id, ok := goalIDs[code]
			if !ok {
				return 0, fmt.Errorf("%s builds on unknown plan goal %s", it.ID, code)
			}
			e.PlanGoalIDs = append(e.PlanGoalIDs, id)
		}
		if err := tx.CreateElement(ctx, e); err != nil {
			return 0, fmt.Errorf("element %s: %w", it.ID, err)
		}
		return e.ID, nil
	}
	mainGoal := ss.MainGoal
	mainGoal.ID = "H"
	root, err := add("main_goal", 0, mainGoal, ss.BuildsOn)
	if err != nil {
		return err
	}
	for _, it := range ss.SubGoals {
		if _, err := add("sub_goal", root, it, nil); err != nil {
			return err
		}
	}
	for _, it := range ss.Priorities {
		if _, err := add("priority", root, it, lay.Strategy.PrioritiesBuildOn); err != nil {
			return err
		}
	}
	for _, fa := range ss.FocusAreas {
		id, err := add("focus_area", root, fa.item, nil)
		if err != nil {
			return err
		}
		for _, m := range fa.Measures {
			if _, err := add("measure", id, m, nil); err != nil {
				return err
			}
		}
	}

	for i, r := range ss.Roles {
		t := &utsyn.Term{OrgID: orgID, Vocabulary: utsyn.VocabRole, Key: slugify(r.NB), Name: r.text(), Description: lay.Roles[r.NB]}
		if err := tx.CreateTerm(ctx, t); err != nil {
			return err
		}
		if err := tx.AttachTerm(ctx, st.ID, t.ID, nil, i+1); err != nil {
			return err
		}
	}
	for i, f := range lay.WorkingForms {
		t := &utsyn.Term{OrgID: orgID, Vocabulary: utsyn.VocabWorkingForm, Key: f.Key, Name: utsyn.NewText(f.NB, f.EN)}
		if err := tx.CreateTerm(ctx, t); err != nil {
			return err
		}
		if err := tx.AttachTerm(ctx, st.ID, t.ID, nil, len(ss.Roles)+i+1); err != nil {
			return err
		}
	}
	return nil
}

// noteText keeps an English note from the sources (their notes are written in English).
func noteText(note string) utsyn.Text {
	if note == "" {
		return nil
	}
	return utsyn.Text{"en": note}
}

// slugify turns a Norwegian word into a key: lower case, æøå spelt out, other runs to "-".
func slugify(s string) string {
	s = strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "Æ", "ae", "Ø", "o", "Å", "a").Replace(strings.ToLower(s))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
