package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
)

// Follow-up: status updates and milestones of engagements and strategy elements, their update
// cadences, the elements' weights and the strategies' roll-up rules. Every write checks that
// the item belongs to the organisation (an item of another one is "not found"), refuses a
// stale edit where the record has a version, and records what it did in the audit trail in the
// same transaction. Run them in DB.UpdateAs, so that the trail names the author.

// Kinds of item a status update or milestone concerns.
const (
	ItemEngagement = "engagement"
	ItemElement    = "element"
)

// Item names an engagement or a strategy element.
type Item struct {
	Kind string
	ID   int64
}

func itemOf(engagementID, elementID int64) Item {
	if engagementID != 0 {
		return Item{ItemEngagement, engagementID}
	}
	return Item{ItemElement, elementID}
}

func (it Item) ids() (engagementID, elementID any) {
	if it.Kind == ItemEngagement {
		return it.ID, nil
	}
	return nil, it.ID
}

func (it Item) column() string {
	if it.Kind == ItemEngagement {
		return "engagement_id"
	}
	return "element_id"
}

// itemLabel finds the organisation's item and names it for the audit trail: "not found" for an
// item of another organisation, or none.
func itemLabel(ctx context.Context, q queryer, orgID int64, it Item) (string, error) {
	var code string
	var title utsyn.Text
	var err error
	switch it.Kind {
	case ItemEngagement:
		err = q.QueryRowContext(ctx, `SELECT '', title FROM engagements WHERE id = $1 AND org_id = $2`, it.ID, orgID).Scan(&code, &title)
	case ItemElement:
		err = q.QueryRowContext(ctx, `SELECT el.code, el.title FROM elements el JOIN strategies s ON s.id = el.strategy_id
			WHERE el.id = $1 AND s.org_id = $2`, it.ID, orgID).Scan(&code, &title)
	default:
		return "", notFound("item")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound(it.Kind)
	} else if err != nil {
		return "", fmt.Errorf("find %s %d: %w", it.Kind, it.ID, err)
	}
	return label(code, title), nil
}

// ItemLabel names an item of the organisation: an element by its code and title, an
// engagement by its title, in bokmål.
func (db *DB) ItemLabel(ctx context.Context, orgID int64, it Item) (string, error) {
	return itemLabel(ctx, db.reads(), orgID, it)
}

// Status updates

const updateColumns = `id, org_id, coalesce(engagement_id, 0), coalesce(element_id, 0), date, status, narrative, evidence,
	no_change, coalesce(author_id, 0), author_label, created_at`

func scanUpdate(row interface{ Scan(...any) error }) (*utsyn.StatusUpdate, error) {
	u := &utsyn.StatusUpdate{}
	var evidence string
	if err := row.Scan(&u.ID, &u.OrgID, &u.EngagementID, &u.ElementID, &u.Date, &u.Status, &u.Narrative, &evidence,
		&u.NoChange, &u.AuthorID, &u.AuthorLabel, &u.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(evidence), &u.Evidence); err != nil {
		return nil, fmt.Errorf("status update %d evidence: %w", u.ID, err)
	}
	return u, nil
}

func updateFields(it Item, itemName string, u *utsyn.StatusUpdate) []field {
	return []field{
		{it.Kind, itemName},
		{"date", u.Date.String()},
		{"status", u.Status},
		{"narrative", u.Narrative},
		{"evidence", jsonTextOrEmpty(u.Evidence)},
		{"no_change", strconv.FormatBool(u.NoChange)},
	}
}

// AddStatusUpdate stores a status update of one of the organisation's engagements or elements,
// by the transaction's actor.
func (tx *Tx) AddStatusUpdate(ctx context.Context, u *utsyn.StatusUpdate) error {
	u.Narrative = strings.TrimSpace(strings.ReplaceAll(u.Narrative, "\r\n", "\n"))
	if u.Evidence == nil {
		u.Evidence = []utsyn.Link{}
	}
	if err := utsyn.ValidateStatusUpdate(u); err != nil {
		return err
	}
	it := itemOf(u.EngagementID, u.ElementID)
	name, err := itemLabel(ctx, tx.tx, u.OrgID, it)
	if err != nil {
		return err
	}
	u.AuthorLabel, u.CreatedAt = tx.label(), tx.now
	if tx.actor != nil && tx.actor.User != nil {
		u.AuthorID = tx.actor.User.ID
	}
	eng, el := it.ids()
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO status_updates (org_id, engagement_id, element_id, date, status, narrative,
		evidence, no_change, author_id, author_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		u.OrgID, eng, el, u.Date, u.Status, u.Narrative, jsonText(u.Evidence), u.NoChange, nullID(u.AuthorID), u.AuthorLabel,
		tx.now).Scan(&u.ID); err != nil {
		return fmt.Errorf("add status update: %w", err)
	}
	return tx.Record(ctx, u.OrgID, "create", "status_update", u.ID, name, created(updateFields(it, name, u)))
}

// AddNoChange records "no change since last time": a dated update that repeats the item's last
// status. An item that was never updated has nothing to repeat (an invalid-input error).
func (tx *Tx) AddNoChange(ctx context.Context, orgID int64, it Item, date utsyn.Date) (*utsyn.StatusUpdate, error) {
	if _, err := itemLabel(ctx, tx.tx, orgID, it); err != nil {
		return nil, err
	}
	last, err := latestUpdate(ctx, tx.tx, orgID, it)
	if err != nil {
		return nil, err
	}
	if last == nil {
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.no_previous_update", Field: "status"}
	}
	u := &utsyn.StatusUpdate{OrgID: orgID, Date: date, Status: last.Status, NoChange: true}
	u.EngagementID, u.ElementID = 0, 0
	if it.Kind == ItemEngagement {
		u.EngagementID = it.ID
	} else {
		u.ElementID = it.ID
	}
	return u, tx.AddStatusUpdate(ctx, u)
}

func latestUpdate(ctx context.Context, q queryer, orgID int64, it Item) (*utsyn.StatusUpdate, error) {
	u, err := scanUpdate(q.QueryRowContext(ctx, `SELECT `+updateColumns+` FROM status_updates WHERE org_id = $1 AND `+it.column()+` = $2
		ORDER BY date DESC, id DESC LIMIT 1`, orgID, it.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("latest status update: %w", err)
	}
	return u, nil
}

// ListStatusUpdates returns an item's status updates, the newest first.
func (db *DB) ListStatusUpdates(ctx context.Context, orgID int64, it Item) ([]*utsyn.StatusUpdate, error) {
	var out []*utsyn.StatusUpdate
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		u, err := scanUpdate(r)
		if err != nil {
			return err
		}
		out = append(out, u)
		return nil
	}, `SELECT `+updateColumns+` FROM status_updates WHERE org_id = $1 AND `+it.column()+` = $2 ORDER BY date DESC, id DESC`, orgID, it.ID)
	if err != nil {
		return nil, fmt.Errorf("list status updates: %w", err)
	}
	return out, nil
}

// LatestUpdates returns the last status update of each of the organisation's items that has
// one.
func (db *DB) LatestUpdates(ctx context.Context, orgID int64) (map[Item]*utsyn.StatusUpdate, error) {
	out := map[Item]*utsyn.StatusUpdate{}
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		u, err := scanUpdate(r)
		if err != nil {
			return err
		}
		out[itemOf(u.EngagementID, u.ElementID)] = u // the rows come oldest first: the last one stays
		return nil
	}, `SELECT `+updateColumns+` FROM status_updates WHERE org_id = $1 ORDER BY date, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("latest status updates: %w", err)
	}
	return out, nil
}

// Cadences, weights and roll-up rules

// FollowupSettings are what follow-up keeps of an engagement or element beyond its own fields.
type FollowupSettings struct {
	Cadence string  // "" when not set: no updates expected
	Weight  float64 // elements: the weight among its siblings in a weighted roll-up
	Version int     // the item's version, for the form that changes these
}

// Settings returns an item's cadence (and, for an element, its weight) with its version.
func (db *DB) Settings(ctx context.Context, orgID int64, it Item) (*FollowupSettings, error) {
	s := &FollowupSettings{Weight: 1}
	var err error
	if it.Kind == ItemEngagement {
		err = db.reads().QueryRowContext(ctx, `SELECT update_cadence, version FROM engagements WHERE id = $1 AND org_id = $2`,
			it.ID, orgID).Scan(&s.Cadence, &s.Version)
	} else {
		err = db.reads().QueryRowContext(ctx, `SELECT el.update_cadence, el.weight, el.version FROM elements el
			JOIN strategies s ON s.id = el.strategy_id WHERE el.id = $1 AND s.org_id = $2`, it.ID, orgID).Scan(&s.Cadence, &s.Weight, &s.Version)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(it.Kind)
	} else if err != nil {
		return nil, fmt.Errorf("follow-up settings of %s %d: %w", it.Kind, it.ID, err)
	}
	return s, nil
}

func weightString(w float64) string { return strconv.FormatFloat(w, 'f', -1, 64) }

// SetSettings changes an item's cadence and, for an element, its weight. version is the
// item's version the form was read at: a stale one is refused. It raises the item's version
// and records what changed.
func (tx *Tx) SetSettings(ctx context.Context, orgID int64, it Item, version int, s FollowupSettings) error {
	var p utsyn.Problems
	if err := utsyn.ValidateCadence(s.Cadence); err != nil {
		p.Add("cadence", "error.cadence")
	}
	if it.Kind == ItemElement {
		if err := utsyn.ValidateWeight(s.Weight); err != nil {
			p.Add("weight", "error.weight")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	name, err := itemLabel(ctx, tx.tx, orgID, it)
	if err != nil {
		return err
	}
	var before FollowupSettings
	before.Weight = 1
	if it.Kind == ItemEngagement {
		err = tx.tx.QueryRowContext(ctx, `SELECT update_cadence, version FROM engagements WHERE id = $1`, it.ID).Scan(&before.Cadence, &before.Version)
	} else {
		err = tx.tx.QueryRowContext(ctx, `SELECT update_cadence, weight, version FROM elements WHERE id = $1`, it.ID).Scan(&before.Cadence, &before.Weight, &before.Version)
	}
	if err != nil {
		return fmt.Errorf("follow-up settings of %s %d: %w", it.Kind, it.ID, err)
	}
	if before.Version != version {
		return stale()
	}
	fields := func(x FollowupSettings) []field {
		f := []field{{"update_cadence", x.Cadence}}
		if it.Kind == ItemElement {
			f = append(f, field{"weight", weightString(x.Weight)})
		}
		return f
	}
	diff := changes(fields(before), fields(s))
	if len(diff) == 0 {
		return nil
	}
	if it.Kind == ItemEngagement {
		err = tx.updateVersioned(ctx, "engagement", `UPDATE engagements SET update_cadence = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND version = $4`, s.Cadence, tx.now, it.ID, version)
	} else {
		err = tx.updateVersioned(ctx, "element", `UPDATE elements SET update_cadence = $1, weight = $2, version = version + 1
			WHERE id = $3 AND version = $4`, s.Cadence, s.Weight, it.ID, version)
	}
	if err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "update", it.Kind, it.ID, name, diff)
}

// ElementSettings returns the cadence and weight of every element of a strategy.
func (db *DB) ElementSettings(ctx context.Context, strategyID int64) (map[int64]FollowupSettings, error) {
	out := map[int64]FollowupSettings{}
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var id int64
		var s FollowupSettings
		if err := r.Scan(&id, &s.Cadence, &s.Weight, &s.Version); err != nil {
			return err
		}
		out[id] = s
		return nil
	}, `SELECT id, update_cadence, weight, version FROM elements WHERE strategy_id = $1`, strategyID)
	if err != nil {
		return nil, fmt.Errorf("element settings: %w", err)
	}
	return out, nil
}

// RollupRule returns the rule by which a strategy rolls statuses up its tree.
func (db *DB) RollupRule(ctx context.Context, strategyID int64) (string, error) {
	var rule string
	if err := db.reads().QueryRowContext(ctx, `SELECT rollup_status FROM strategies WHERE id = $1`, strategyID).Scan(&rule); errors.Is(err, sql.ErrNoRows) {
		return "", notFound("strategy")
	} else if err != nil {
		return "", fmt.Errorf("roll-up rule: %w", err)
	}
	return rule, nil
}

// SetRollupRule sets the rule by which the organisation's strategy rolls statuses up. version is
// the strategy's version the form was read at; the change raises it.
func (tx *Tx) SetRollupRule(ctx context.Context, orgID, strategyID int64, version int, rule string) error {
	if !slices.Contains(utsyn.RollupRules, rule) {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.rollup_rule", Field: "rule"}
	}
	old, err := findStrategy(ctx, tx.tx, `id = $1 AND org_id = $2`, strategyID, orgID)
	if err != nil {
		return err
	}
	if old.Version != version {
		return stale()
	}
	var before string
	if err := tx.tx.QueryRowContext(ctx, `SELECT rollup_status FROM strategies WHERE id = $1`, strategyID).Scan(&before); err != nil {
		return fmt.Errorf("roll-up rule: %w", err)
	}
	if before == rule {
		return nil
	}
	if err := tx.updateVersioned(ctx, "strategy", `UPDATE strategies SET rollup_status = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND version = $4`, rule, tx.now, strategyID, version); err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "update", "strategy", strategyID, label("", old.Title),
		[]utsyn.Change{{Field: "rollup_status", Before: before, After: rule}})
}

// Overdue updates

// DueItem is an item whose cadence expects status updates, with when it was last updated and
// when the next update is due.
type DueItem struct {
	Item
	Code        string
	Title       utsyn.Text
	Strategy    string // an element's strategy's slug
	Cadence     string
	Last        *utsyn.StatusUpdate // nil when never updated
	Due         utsyn.Date          // zero when never updated: due now
	Overdue     bool
	Responsible int64 // an engagement's responsible person
	RespName    string
}

// Which items expect status updates, in SQL: a cadence that asks for them, and an engagement
// (e) not finished or an element (el) of a strategy (s) not archived. ListDue and DueOf share
// them, so that an item's own page and the list of overdue updates agree.
const (
	engagementExpectsUpdates = `e.update_cadence NOT IN ('', 'none') AND e.status NOT IN ('completed', 'rejected', 'ended')`
	elementExpectsUpdates    = `el.update_cadence NOT IN ('', 'none') AND s.status <> 'archived'`
)

// judge works out, from the item's cadence and last update, when its next update is due and
// whether it is overdue on today.
func (d *DueItem) judge(today utsyn.Date) {
	var last utsyn.Date // zero when never updated: due now
	if d.Last != nil {
		last = d.Last.Date
	}
	d.Due = utsyn.Due(d.Cadence, last)
	d.Overdue = utsyn.Overdue(d.Cadence, last, today)
}

// DueOf returns one of the organisation's items as ListDue judges it: its last status update
// (nil when none), and, when it expects updates, its cadence, when the next update is due and
// whether that is overdue on today. An item that expects none (no cadence, a finished
// engagement, an element of an archived strategy) has no Cadence and is never overdue. Only
// Item, Cadence, Last, Due and Overdue are set. Two one-row reads, by the item's indexes.
func (db *DB) DueOf(ctx context.Context, orgID int64, it Item, today utsyn.Date) (*DueItem, error) {
	d := &DueItem{Item: it}
	var cadence string
	var expects int
	var err error
	if it.Kind == ItemEngagement {
		err = db.reads().QueryRowContext(ctx, `SELECT e.update_cadence, CASE WHEN `+engagementExpectsUpdates+` THEN 1 ELSE 0 END
			FROM engagements e WHERE e.id = $1 AND e.org_id = $2`, it.ID, orgID).Scan(&cadence, &expects)
	} else {
		err = db.reads().QueryRowContext(ctx, `SELECT el.update_cadence, CASE WHEN `+elementExpectsUpdates+` THEN 1 ELSE 0 END
			FROM elements el JOIN strategies s ON s.id = el.strategy_id WHERE el.id = $1 AND s.org_id = $2`, it.ID, orgID).Scan(&cadence, &expects)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(it.Kind)
	} else if err != nil {
		return nil, fmt.Errorf("follow-up of %s %d: %w", it.Kind, it.ID, err)
	}
	if expects == 1 {
		d.Cadence = cadence
	}
	if d.Last, err = latestUpdate(ctx, db.reads(), orgID, it); err != nil {
		return nil, err
	}
	d.judge(today)
	return d, nil
}

// ListDue returns the organisation's items whose cadence expects updates (engagements not
// finished, elements of strategies not archived), each with its last update and whether that
// is overdue on today; the overdue ones first, the longest overdue first.
func (db *DB) ListDue(ctx context.Context, orgID int64, today utsyn.Date) ([]DueItem, error) {
	latest, err := db.LatestUpdates(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []DueItem
	err = eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var d DueItem
		d.Kind = ItemEngagement
		if err := r.Scan(&d.ID, &d.Title, &d.Cadence, &d.Responsible, &d.RespName); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	}, `SELECT e.id, e.title, e.update_cadence, coalesce(e.responsible_id, 0), coalesce(u.name, u.email, '')
		FROM engagements e LEFT JOIN users u ON u.id = e.responsible_id
		WHERE e.org_id = $1 AND `+engagementExpectsUpdates, orgID)
	if err != nil {
		return nil, fmt.Errorf("due engagements: %w", err)
	}
	err = eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var d DueItem
		d.Kind = ItemElement
		if err := r.Scan(&d.ID, &d.Code, &d.Title, &d.Cadence, &d.Strategy); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	}, `SELECT el.id, el.code, el.title, el.update_cadence, s.slug FROM elements el JOIN strategies s ON s.id = el.strategy_id
		WHERE s.org_id = $1 AND `+elementExpectsUpdates, orgID)
	if err != nil {
		return nil, fmt.Errorf("due elements: %w", err)
	}
	for i := range out {
		out[i].Last = latest[out[i].Item]
		out[i].judge(today)
	}
	slices.SortStableFunc(out, func(a, b DueItem) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		// Never updated first, then the earliest due.
		return strings.Compare(a.Due.String(), b.Due.String())
	})
	return out, nil
}

// Milestones

const milestoneColumns = `id, org_id, coalesce(engagement_id, 0), coalesce(element_id, 0), title, due_date, done_on, version,
	created_at, updated_at`

func scanMilestone(row interface{ Scan(...any) error }) (*utsyn.Milestone, error) {
	m := &utsyn.Milestone{}
	err := row.Scan(&m.ID, &m.OrgID, &m.EngagementID, &m.ElementID, &m.Title, &m.Due, &m.DoneOn, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	return m, err
}

func milestoneFields(m *utsyn.Milestone) []field {
	return []field{{"title", m.Title}, {"due", m.Due.String()}, {"done_on", m.DoneOn.String()}}
}

// AddMilestone stores a milestone of one of the organisation's engagements or elements.
func (tx *Tx) AddMilestone(ctx context.Context, m *utsyn.Milestone) error {
	m.Title = strings.TrimSpace(m.Title)
	if err := utsyn.ValidateMilestone(m); err != nil {
		return err
	}
	it := itemOf(m.EngagementID, m.ElementID)
	name, err := itemLabel(ctx, tx.tx, m.OrgID, it)
	if err != nil {
		return err
	}
	m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
	eng, el := it.ids()
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO milestones (org_id, engagement_id, element_id, title, due_date, done_on, version,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		m.OrgID, eng, el, m.Title, m.Due, m.DoneOn, m.Version, tx.now, tx.now).Scan(&m.ID); err != nil {
		return fmt.Errorf("add milestone: %w", err)
	}
	return tx.Record(ctx, m.OrgID, "create", "milestone", m.ID, m.Title,
		append([]utsyn.Change{{Field: it.Kind, After: name}}, created(milestoneFields(m))...))
}

// UpdateMilestone stores a new version of a milestone's title, due date and done date. m.Version
// is the version the form was read at: a stale one is refused.
func (tx *Tx) UpdateMilestone(ctx context.Context, m *utsyn.Milestone) error {
	before, err := findMilestone(ctx, tx.tx, m.OrgID, m.ID)
	if err != nil {
		return err
	}
	if before.Version != m.Version {
		return stale()
	}
	m.EngagementID, m.ElementID, m.CreatedAt = before.EngagementID, before.ElementID, before.CreatedAt
	m.Title = strings.TrimSpace(m.Title)
	if err := utsyn.ValidateMilestone(m); err != nil {
		return err
	}
	diff := changes(milestoneFields(before), milestoneFields(m))
	if len(diff) == 0 {
		m.UpdatedAt = before.UpdatedAt
		return nil
	}
	if err := tx.updateVersioned(ctx, "milestone", `UPDATE milestones SET title = $1, due_date = $2, done_on = $3, version = version + 1,
		updated_at = $4 WHERE id = $5 AND version = $6`, m.Title, m.Due, m.DoneOn, tx.now, m.ID, m.Version); err != nil {
		return err
	}
	m.Version, m.UpdatedAt = before.Version+1, tx.now
	return tx.Record(ctx, m.OrgID, "update", "milestone", m.ID, m.Title, diff)
}

// SetMilestoneDone ticks a milestone done on a date, or (with the zero date) not done again.
func (tx *Tx) SetMilestoneDone(ctx context.Context, orgID, id int64, version int, on utsyn.Date) (*utsyn.Milestone, error) {
	m, err := findMilestone(ctx, tx.tx, orgID, id)
	if err != nil {
		return nil, err
	}
	if m.Version != version {
		return nil, stale()
	}
	if !on.IsZero() && on.Day == 0 {
		return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.date_day", Field: "done_on"}
	}
	m.DoneOn = on
	return m, tx.UpdateMilestone(ctx, m)
}

// DeleteMilestone removes a milestone the caller read at version.
func (tx *Tx) DeleteMilestone(ctx context.Context, orgID, id int64, version int) error {
	m, err := findMilestone(ctx, tx.tx, orgID, id)
	if err != nil {
		return err
	}
	if m.Version != version {
		return stale()
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM milestones WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete milestone %d: %w", id, err)
	}
	return tx.Record(ctx, orgID, "delete", "milestone", id, m.Title, deleted(milestoneFields(m)))
}

// FindMilestone returns one of the organisation's milestones.
func (db *DB) FindMilestone(ctx context.Context, orgID, id int64) (*utsyn.Milestone, error) {
	return findMilestone(ctx, db.reads(), orgID, id)
}

func findMilestone(ctx context.Context, q queryer, orgID, id int64) (*utsyn.Milestone, error) {
	m, err := scanMilestone(q.QueryRowContext(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE id = $1 AND org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("milestone")
	} else if err != nil {
		return nil, fmt.Errorf("find milestone %d: %w", id, err)
	}
	return m, nil
}

// ListMilestones returns an item's milestones by due date.
func (db *DB) ListMilestones(ctx context.Context, orgID int64, it Item) ([]*utsyn.Milestone, error) {
	return db.milestones(ctx, `org_id = $1 AND `+it.column()+` = $2`, orgID, it.ID)
}

// OrgMilestones returns every milestone of the organisation, by due date.
func (db *DB) OrgMilestones(ctx context.Context, orgID int64) ([]*utsyn.Milestone, error) {
	return db.milestones(ctx, `org_id = $1`, orgID)
}

func (db *DB) milestones(ctx context.Context, where string, args ...any) ([]*utsyn.Milestone, error) {
	var out []*utsyn.Milestone
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		m, err := scanMilestone(r)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	}, `SELECT `+milestoneColumns+` FROM milestones WHERE `+where+` ORDER BY due_date, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	return out, nil
}

// ElementCodes maps the codes of a strategy's elements to their ids, within a transaction (for
// loaders that build on a strategy they have just stored).
func (tx *Tx) ElementCodes(ctx context.Context, orgID int64, strategySlug string) (map[string]int64, error) {
	out := map[string]int64{}
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var code string
		var id int64
		if err := r.Scan(&code, &id); err != nil {
			return err
		}
		out[code] = id
		return nil
	}, `SELECT el.code, el.id FROM elements el JOIN strategies s ON s.id = el.strategy_id
		WHERE s.org_id = $1 AND s.slug = $2 AND el.code <> ''`, orgID, strategySlug)
	if err != nil {
		return nil, fmt.Errorf("element codes: %w", err)
	}
	return out, nil
}
