package utsyn

import "time"

// Organisation is a public body that owns strategies: the tenant. Every other record belongs
// to exactly one organisation, reached through its ID.
type Organisation struct {
	ID        int64
	Slug      string // short, lower-case, used in URLs and on the command line ("rogaland")
	Name      Text
	Vision    Text
	OrgNumber string // Norwegian organisation number (Enhetsregisteret), when it has one
	Country   string // ISO 3166-1 alpha-2
	NUTS      string // NUTS code of the region it governs (NUTS 2024)
	Website   string
	// Demo is set when the organisation came from the embedded demo data set; every page that
	// shows its records says so, with the source.
	Demo      *DemoSource
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DemoSource says where demo data comes from, so pages can credit it.
type DemoSource struct {
	Note      Text   // what the data is and what was added to it
	SourceURL string // the public source
}

// Strategy statuses.
const (
	StatusDraft        = "draft"
	StatusConsultation = "consultation"
	StatusAdopted      = "adopted"
	StatusArchived     = "archived"
)

// StrategyStatuses lists the statuses in their life-cycle order.
var StrategyStatuses = []string{StatusDraft, StatusConsultation, StatusAdopted, StatusArchived}

// Plan is an overarching plan, such as a regional development plan, whose goals strategies
// build on.
type Plan struct {
	ID          int64
	OrgID       int64
	Slug        string
	Title       Text
	Description Text
	PeriodStart Date
	PeriodEnd   Date
	AdoptedBy   Text
	AdoptedOn   Date
	SourceURL   string
	Note        Text
	Published   bool
	Goals       []PlanGoal
	Version     int // raised on every update; an update that names an older version is refused
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// PlanGoal is one goal of an overarching plan.
type PlanGoal struct {
	ID          int64
	PlanID      int64
	Code        string // short label as the plan uses it, e.g. "U1"
	Title       Text
	Description Text
	Position    int
}

// Strategy is one version of a strategy. A revision is a new Strategy whose SupersedesID
// points to the one it replaces; its elements point back to the elements they continue
// (ElementLink with LinkSucceeds), so the lineage old goal → new goal is kept.
type Strategy struct {
	ID           int64
	OrgID        int64
	Slug         string
	Title        Text
	Summary      Text
	PeriodStart  Date
	PeriodEnd    Date
	Status       string
	AdoptedBy    Text   // the body that adopted it, e.g. "Fylkestinget"
	AdoptedOn    Date   // may be known only to the month
	CaseNumber   string // the case number of the decision
	PlanID       int64  // the overarching plan it builds on; 0 when none
	SupersedesID int64  // the version it replaces; 0 for a first version
	Published    bool   // visible to the public
	SourceURL    string
	Note         Text
	Purpose      []Statement // what the strategy is for, in the strategy's own words
	Levels       []Level     // the names of the tree's levels, top first
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Kinds of Statement.
const (
	StatementShallBe = "shall_be" // "the strategy shall be ..."
	StatementInsight = "insight"  // "... and give insight into ..."
	StatementContext = "context"  // facts that frame it
)

// Statement is one sentence of a strategy's purpose or context.
type Statement struct {
	Kind string
	Text Text
}

// Level names one level of a strategy's element tree ("hovedmål", "delmål", ...). Each
// strategy has its own levels, ordered from the top.
type Level struct {
	ID       int64
	Key      string // stable identifier within the strategy, e.g. "priority"
	Name     Text   // singular
	Plural   Text
	Position int
}

// Element is a node in a strategy's tree: a goal, priority, focus area or measure.
type Element struct {
	ID          int64
	StrategyID  int64
	LevelID     int64
	ParentID    int64 // 0 for a root
	Code        string
	Title       Text
	Description Text
	Note        Text
	Position    int
	PlanGoalIDs []int64 // goals of the overarching plan it builds on
	Version     int
}

// Kinds of ElementLink.
const (
	LinkRelated  = "related"  // the elements support each other
	LinkSucceeds = "succeeds" // From, in a newer version, continues To
)

// ElementLink relates two elements.
type ElementLink struct {
	FromID int64
	ToID   int64
	Kind   string
}

// Vocabularies an organisation configures.
const (
	VocabRole        = "role"         // the part the organisation plays: driving force, host, ...
	VocabWorkingForm = "working_form" // how it works: political cooperation, projects, ...
)

// Term is one entry of a vocabulary.
type Term struct {
	ID          int64
	OrgID       int64
	Vocabulary  string
	Key         string
	Name        Text
	Description Text
	Position    int
}

// Tree is a strategy with its elements, ready to show.
type Tree struct {
	Strategy *Strategy
	Elements []*Element // every element, in tree order (depth first, by position)
	Links    []ElementLink
	Roles    []Term // the roles the strategy describes
	Forms    []Term // the working forms it uses
}

// Children returns the elements whose parent is id, in order.
func (t *Tree) Children(id int64) []*Element {
	var out []*Element
	for _, e := range t.Elements {
		if e.ParentID == id {
			out = append(out, e)
		}
	}
	return out
}

// AtLevel returns the elements on the level with the given key, in tree order.
func (t *Tree) AtLevel(key string) []*Element {
	var levelID int64
	for _, l := range t.Strategy.Levels {
		if l.Key == key {
			levelID = l.ID
		}
	}
	var out []*Element
	for _, e := range t.Elements {
		if levelID != 0 && e.LevelID == levelID {
			out = append(out, e)
		}
	}
	return out
}

// Level returns the level with the given id, or nil.
func (t *Tree) Level(id int64) *Level {
	for i := range t.Strategy.Levels {
		if t.Strategy.Levels[i].ID == id {
			return &t.Strategy.Levels[i]
		}
	}
	return nil
}
