package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/utsyn/utsyn"
)

// The editor's writes: strategies, their elements, plans, plan goals and vocabulary terms.
// Each of them
//   - finds the record within the editor's organisation (a record of another one is "not
//     found", never changed);
//   - refuses a stale edit: the editor sends what it read, the Version of a strategy, plan or
//     element, or a Stamp of a plan goal's or term's fields (they have no version column), and
//     a record changed since then gives an error for which IsStale is true, so that nobody's
//     work is overwritten unseen;
//   - records what changed, each field's value before and after, in the audit trail in the
//     same transaction.
// Run them in DB.UpdateAs, so that the trail names the editor.

// MsgStale is the message key of the error for a record changed since the editor read it.
const MsgStale = "error.stale"

func stale() error { return &utsyn.Error{Code: utsyn.ECONFLICT, Message: MsgStale} }

// IsStale reports whether err means that the record changed since the editor read it.
func IsStale(err error) bool {
	var e *utsyn.Error
	return errors.As(err, &e) && e.Code == utsyn.ECONFLICT && e.Message == MsgStale
}

// GoalStamp is a fingerprint of what an editor can change of a plan goal: an edit that names
// another stamp than the stored goal's is stale.
func GoalStamp(g utsyn.PlanGoal) string {
	return stamp(g.Code, textValue(g.Title), textValue(g.Description))
}

// TermStamp is GoalStamp for a vocabulary term.
func TermStamp(t utsyn.Term) string { return stamp(t.Key, textValue(t.Name), textValue(t.Description)) }

func stamp(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// textValue writes a text for the audit trail: "nb: … / en: …", bokmål and English first.
func textValue(t utsyn.Text) string {
	keys := make([]string, 0, len(t))
	for k, v := range t {
		if v != "" {
			keys = append(keys, k)
		}
	}
	rank := func(k string) string {
		switch k {
		case "nb":
			return "0"
		case "en":
			return "1"
		}
		return "2" + k
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(rank(a), rank(b)) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + t[k]
	}
	return strings.Join(parts, " / ")
}

// label names a record in the audit trail's summary: its code, if any, and its title in bokmål.
func label(code string, title utsyn.Text) string {
	s := title.Get("nb")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return strings.TrimSpace(code + " " + s)
}

// field is one field's value as the audit trail writes it.
type field struct{ name, value string }

// changes lists the fields whose value differs, in order.
func changes(before, after []field) []utsyn.Change {
	var out []utsyn.Change
	for i := range after {
		if before[i].value != after[i].value {
			out = append(out, utsyn.Change{Field: after[i].name, Before: before[i].value, After: after[i].value})
		}
	}
	return out
}

// created lists the fields a new record was given; deleted those a removed record had.
func created(after []field) []utsyn.Change { return changes(make([]field, len(after)), after) }

func deleted(before []field) []utsyn.Change {
	var out []utsyn.Change
	for _, f := range before {
		if f.value != "" {
			out = append(out, utsyn.Change{Field: f.name, Before: f.value})
		}
	}
	return out
}

// invalid joins a domain validator's verdict with the editor's own rules, so that a form shows
// every problem at once.
func invalid(err error, extra utsyn.Problems) error {
	var e *utsyn.Error
	if err != nil && (!errors.As(err, &e) || e.Code != utsyn.EINVALID) {
		return err
	}
	var all utsyn.Problems
	if e != nil {
		if len(e.Problems) > 0 {
			all = append(all, e.Problems...)
		} else {
			all.Add(e.Field, e.Message)
		}
	}
	return append(all, extra...).Err()
}

// checkURL accepts an empty address or a whole http(s) one.
func checkURL(p *utsyn.Problems, name, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2000 {
		p.Add(name, "error.url")
	}
}

// checkCode accepts a short code without spaces: it becomes an anchor in the page's address.
func checkCode(p *utsyn.Problems, name, code string, required bool) {
	switch {
	case code == "" && required:
		p.Add(name, "error.required")
	case strings.ContainsFunc(code, unicode.IsSpace) || strings.ContainsAny(code, `#?/"'<>`):
		p.Add(name, "error.code")
	case utf8.RuneCountInString(code) > 40:
		p.Add(name, "error.too_long")
	}
}

// checkText mirrors the domain's rule for texts, for records the domain has no validator of
// their own for (plan goals on their own).
func checkText(p *utsyn.Problems, name string, t utsyn.Text, required bool, max int) {
	if required && strings.TrimSpace(t["nb"]) == "" {
		p.Add(name, "error.required_nb")
		return
	}
	for _, s := range t {
		if utf8.RuneCountInString(s) > max {
			p.Add(name, "error.too_long")
			return
		}
	}
}

// taken reports whether a query for other rows with the same key finds any.
func (tx *Tx) taken(ctx context.Context, query string, args ...any) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// updateVersioned runs an UPDATE … WHERE version = … and turns a row that was not there (it
// changed since it was read) into a stale error.
func (tx *Tx) updateVersioned(ctx context.Context, what, query string, args ...any) error {
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("update %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update %s: %w", what, err)
	} else if n == 0 {
		return stale()
	}
	return nil
}

// Strategies

// orgTerms returns the organisation's terms of both vocabularies, in order.
func (tx *Tx) orgTerms(ctx context.Context, orgID int64) ([]utsyn.Term, error) {
	var out []utsyn.Term
	err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var t utsyn.Term
		if err := r.Scan(&t.ID, &t.OrgID, &t.Vocabulary, &t.Key, &t.Name, &t.Description, &t.Position); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, `SELECT id, org_id, vocabulary, key, name, description, position FROM terms WHERE org_id = $1
		ORDER BY vocabulary, position`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list terms: %w", err)
	}
	return out, nil
}

// StrategyTermIDs returns the IDs of the roles and working forms the strategy describes.
func (db *DB) StrategyTermIDs(ctx context.Context, strategyID int64) ([]int64, error) {
	return strategyTermIDs(ctx, db.reads(), strategyID)
}

func strategyTermIDs(ctx context.Context, q queryer, strategyID int64) ([]int64, error) {
	var out []int64
	err := eachRow(ctx, q, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	}, `SELECT term_id FROM strategy_terms WHERE strategy_id = $1 ORDER BY position, term_id`, strategyID)
	if err != nil {
		return nil, fmt.Errorf("strategy terms: %w", err)
	}
	return out, nil
}

// strategyFields writes what the editor changes of a strategy for the audit trail; it also
// refuses terms of another organisation.
func (tx *Tx) strategyFields(ctx context.Context, s *utsyn.Strategy, termIDs []int64) ([]field, error) {
	var plan string
	if s.PlanID != 0 {
		if err := tx.tx.QueryRowContext(ctx, `SELECT slug FROM plans WHERE id = $1 AND org_id = $2`, s.PlanID, s.OrgID).Scan(&plan); errors.Is(err, sql.ErrNoRows) {
			return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "plan_id"}
		} else if err != nil {
			return nil, fmt.Errorf("strategy plan: %w", err)
		}
	}
	terms, err := tx.orgTerms(ctx, s.OrgID)
	if err != nil {
		return nil, err
	}
	var roles, forms []string
	for _, id := range termIDs {
		i := slices.IndexFunc(terms, func(t utsyn.Term) bool { return t.ID == id })
		if i < 0 {
			return nil, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "terms"}
		}
	}
	for _, t := range terms { // in the vocabularies' order, whatever order the IDs came in
		if !slices.Contains(termIDs, t.ID) {
			continue
		}
		if t.Vocabulary == utsyn.VocabRole {
			roles = append(roles, t.Key)
		} else {
			forms = append(forms, t.Key)
		}
	}
	statements := func(kind string) string {
		var lines []string
		for _, st := range s.Purpose {
			if st.Kind == kind {
				lines = append(lines, textValue(st.Text))
			}
		}
		return strings.Join(lines, "\n")
	}
	return []field{
		{"slug", s.Slug},
		{"title", textValue(s.Title)},
		{"status", s.Status},
		{"period_start", s.PeriodStart.String()},
		{"period_end", s.PeriodEnd.String()},
		{"adopted_by", textValue(s.AdoptedBy)},
		{"adopted_on", s.AdoptedOn.String()},
		{"case_number", s.CaseNumber},
		{"plan", plan},
		{"summary", textValue(s.Summary)},
		{"note", textValue(s.Note)},
		{"source_url", s.SourceURL},
		{"purpose_shall_be", statements(utsyn.StatementShallBe)},
		{"purpose_insight", statements(utsyn.StatementInsight)},
		{"purpose_context", statements(utsyn.StatementContext)},
		{"roles", strings.Join(roles, ", ")},
		{"working_forms", strings.Join(forms, ", ")},
	}, nil
}

func validateStrategy(s *utsyn.Strategy) error {
	var extra utsyn.Problems
	checkURL(&extra, "source_url", s.SourceURL)
	return invalid(utsyn.ValidateStrategy(s), extra)
}

// AddStrategy stores a new strategy, with its statements, levels and the terms it describes,
// and records it in the audit trail.
func (tx *Tx) AddStrategy(ctx context.Context, s *utsyn.Strategy, termIDs []int64) error {
	if err := validateStrategy(s); err != nil {
		return err
	}
	after, err := tx.strategyFields(ctx, s, termIDs)
	if err != nil {
		return err
	}
	if err := tx.CreateStrategy(ctx, s); err != nil {
		return err
	}
	if err := tx.setStrategyTerms(ctx, s.ID, termIDs); err != nil {
		return err
	}
	return tx.Record(ctx, s.OrgID, "create", "strategy", s.ID, label("", s.Title), created(after))
}

// UpdateStrategy stores the editor's changes to a strategy's fields, statements and terms.
// s.Version is the version the editor read; its levels, publication and lineage are left as
// they are. A save that changes nothing stores and records nothing.
func (tx *Tx) UpdateStrategy(ctx context.Context, s *utsyn.Strategy, termIDs []int64) error {
	old, err := findStrategy(ctx, tx.tx, `id = $1 AND org_id = $2`, s.ID, s.OrgID)
	if err != nil {
		return err
	}
	if old.Version != s.Version {
		return stale()
	}
	s.Levels, s.SupersedesID, s.Published, s.CreatedAt = old.Levels, old.SupersedesID, old.Published, old.CreatedAt
	if err := validateStrategy(s); err != nil {
		return err
	}
	if s.Slug != old.Slug {
		if taken, err := tx.taken(ctx, `SELECT count(*) FROM strategies WHERE org_id = $1 AND slug = $2 AND id <> $3`, s.OrgID, s.Slug, s.ID); err != nil {
			return fmt.Errorf("update strategy: %w", err)
		} else if taken {
			return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
		}
	}
	oldTerms, err := strategyTermIDs(ctx, tx.tx, s.ID)
	if err != nil {
		return err
	}
	before, err := tx.strategyFields(ctx, old, oldTerms)
	if err != nil {
		return err
	}
	after, err := tx.strategyFields(ctx, s, termIDs)
	if err != nil {
		return err
	}
	diff := changes(before, after)
	if len(diff) == 0 {
		s.Version, s.UpdatedAt = old.Version, old.UpdatedAt
		return nil
	}
	if err := tx.updateVersioned(ctx, "strategy", `UPDATE strategies SET slug = $1, title = $2, summary = $3, period_start = $4,
		period_end = $5, status = $6, adopted_by = $7, adopted_on = $8, case_number = $9, plan_id = $10, source_url = $11,
		note = $12, version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15`,
		s.Slug, s.Title, s.Summary, s.PeriodStart, s.PeriodEnd, s.Status, s.AdoptedBy, s.AdoptedOn, s.CaseNumber,
		nullID(s.PlanID), s.SourceURL, s.Note, tx.now, s.ID, s.Version); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM strategy_statements WHERE strategy_id = $1`, s.ID); err != nil {
		return fmt.Errorf("update strategy statements: %w", err)
	}
	positions := map[string]int{}
	for _, st := range s.Purpose {
		positions[st.Kind]++
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO strategy_statements (strategy_id, kind, position, text)
			VALUES ($1, $2, $3, $4)`, s.ID, st.Kind, positions[st.Kind], st.Text); err != nil {
			return fmt.Errorf("update strategy statements: %w", err)
		}
	}
	if err := tx.setStrategyTerms(ctx, s.ID, termIDs); err != nil {
		return err
	}
	s.Version, s.UpdatedAt = old.Version+1, tx.now
	return tx.Record(ctx, s.OrgID, "update", "strategy", s.ID, label("", s.Title), diff)
}

// setStrategyTerms makes the strategy describe exactly the terms: it keeps the ones it has
// (with the strategy's own words about them), removes the others and adds the new ones last.
func (tx *Tx) setStrategyTerms(ctx context.Context, strategyID int64, termIDs []int64) error {
	current, err := strategyTermIDs(ctx, tx.tx, strategyID)
	if err != nil {
		return err
	}
	for _, id := range current {
		if !slices.Contains(termIDs, id) {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM strategy_terms WHERE strategy_id = $1 AND term_id = $2`, strategyID, id); err != nil {
				return fmt.Errorf("detach term: %w", err)
			}
		}
	}
	for _, id := range termIDs {
		if slices.Contains(current, id) {
			continue
		}
		var pos int
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM strategy_terms WHERE strategy_id = $1`, strategyID).Scan(&pos); err != nil {
			return fmt.Errorf("attach term: %w", err)
		}
		if err := tx.AttachTerm(ctx, strategyID, id, nil, pos); err != nil {
			return err
		}
		current = append(current, id)
	}
	return nil
}

// PublishStrategy shows the strategy to the public (published) or hides it again. version is
// the version the editor read.
func (tx *Tx) PublishStrategy(ctx context.Context, orgID, id int64, version int, published bool) error {
	old, err := findStrategy(ctx, tx.tx, `id = $1 AND org_id = $2`, id, orgID)
	if err != nil {
		return err
	}
	if old.Version != version {
		return stale()
	}
	if old.Published == published {
		return nil
	}
	if err := tx.updateVersioned(ctx, "strategy", `UPDATE strategies SET published = $1, version = version + 1, updated_at = $2
		WHERE id = $3 AND version = $4`, published, tx.now, id, version); err != nil {
		return err
	}
	action := map[bool]string{true: "publish", false: "unpublish"}[published]
	return tx.Record(ctx, orgID, action, "strategy", id, label("", old.Title),
		[]utsyn.Change{{Field: "published", Before: strconv.FormatBool(old.Published), After: strconv.FormatBool(published)}})
}

// AddVersion starts a revision of the organisation's strategy under a new slug (see
// SupersedeStrategy: a draft with a copy of the tree, each element linked to the one it
// continues) and records it in the trail of both versions.
func (tx *Tx) AddVersion(ctx context.Context, orgID, oldID int64, newSlug string) (*utsyn.Strategy, error) {
	old, err := findStrategy(ctx, tx.tx, `id = $1 AND org_id = $2`, oldID, orgID)
	if err != nil {
		return nil, err
	}
	// Only the slug is new; the rest was valid when it was stored.
	probe := *old
	probe.Slug = newSlug
	var p utsyn.Problems
	var e *utsyn.Error
	if errors.As(utsyn.ValidateStrategy(&probe), &e) {
		for _, pr := range e.Problems {
			if pr.Field == "slug" {
				p = append(p, pr)
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	s, err := tx.SupersedeStrategy(ctx, oldID, newSlug)
	if err != nil {
		return nil, err
	}
	terms, err := strategyTermIDs(ctx, tx.tx, s.ID)
	if err != nil {
		return nil, err
	}
	after, err := tx.strategyFields(ctx, s, terms)
	if err != nil {
		return nil, err
	}
	if err := tx.Record(ctx, orgID, "create", "strategy", s.ID, label("", s.Title),
		append([]utsyn.Change{{Field: "supersedes", After: old.Slug}}, created(after)...)); err != nil {
		return nil, err
	}
	return s, tx.Record(ctx, orgID, "supersede", "strategy", old.ID, label("", old.Title),
		[]utsyn.Change{{Field: "superseded_by", After: newSlug}})
}

// Elements

const elementColumns = `id, strategy_id, level_id, coalesce(parent_id, 0), code, title, description, note, position, version`

// FindElement returns the element with the id, with the plan goals it builds on.
func (db *DB) FindElement(ctx context.Context, id int64) (*utsyn.Element, error) {
	return findElement(ctx, db.reads(), id)
}

func findElement(ctx context.Context, q queryer, id int64) (*utsyn.Element, error) {
	e := &utsyn.Element{}
	err := q.QueryRowContext(ctx, `SELECT `+elementColumns+` FROM elements WHERE id = $1`, id).Scan(&e.ID, &e.StrategyID,
		&e.LevelID, &e.ParentID, &e.Code, &e.Title, &e.Description, &e.Note, &e.Position, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("element")
	} else if err != nil {
		return nil, fmt.Errorf("find element %d: %w", id, err)
	}
	err = eachRow(ctx, q, func(r *sql.Rows) error {
		var goal int64
		if err := r.Scan(&goal); err != nil {
			return err
		}
		e.PlanGoalIDs = append(e.PlanGoalIDs, goal)
		return nil
	}, `SELECT epg.plan_goal_id FROM element_plan_goals epg JOIN plan_goals g ON g.id = epg.plan_goal_id
		WHERE epg.element_id = $1 ORDER BY g.position, g.id`, id)
	if err != nil {
		return nil, fmt.Errorf("find element %d plan goals: %w", id, err)
	}
	return e, nil
}

// Continued reports whether a newer version of a strategy continues any of the elements (a
// "succeeds" link points to it): deleting it would cut the lineage.
func (db *DB) Continued(ctx context.Context, ids []int64) (bool, error) {
	return continued(ctx, db.reads(), ids)
}

func continued(ctx context.Context, q queryer, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM element_links WHERE kind = 'succeeds' AND to_id IN (`+
		strings.Join(marks, ", ")+`)`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("continued: %w", err)
	}
	return n > 0, nil
}

// elementFields writes an element for the audit trail.
func (tx *Tx) elementFields(ctx context.Context, e *utsyn.Element) ([]field, error) {
	var level utsyn.Text
	if err := tx.tx.QueryRowContext(ctx, `SELECT name FROM strategy_levels WHERE id = $1`, e.LevelID).Scan(&level); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("element level: %w", err)
	}
	parent, err := tx.elementLabel(ctx, e.ParentID)
	if err != nil {
		return nil, err
	}
	var goals []string
	for _, id := range e.PlanGoalIDs {
		var code string
		if err := tx.tx.QueryRowContext(ctx, `SELECT code FROM plan_goals WHERE id = $1`, id).Scan(&code); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("element plan goal: %w", err)
		}
		goals = append(goals, code)
	}
	return []field{
		{"level", textValue(level)},
		{"parent", parent},
		{"code", e.Code},
		{"title", textValue(e.Title)},
		{"description", textValue(e.Description)},
		{"note", textValue(e.Note)},
		{"plan_goals", strings.Join(goals, ", ")},
	}, nil
}

func (tx *Tx) elementLabel(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var code string
	var title utsyn.Text
	if err := tx.tx.QueryRowContext(ctx, `SELECT code, title FROM elements WHERE id = $1`, id).Scan(&code, &title); err != nil {
		return "", fmt.Errorf("element label: %w", err)
	}
	return label(code, title), nil
}

// checkElement holds an element to the domain's rules and the editor's, and names every
// problem at once: a short code without spaces, used once in the strategy (it is the element's
// anchor on the strategy's page); a level of the strategy; a parent of the strategy on a higher
// level, and, for an element with children, a level above theirs (so an element never moves
// under itself); plan goals of the organisation's plans.
func (tx *Tx) checkElement(ctx context.Context, orgID int64, e *utsyn.Element) error {
	var p utsyn.Problems
	checkCode(&p, "code", e.Code, false)
	if e.Code != "" && len(p) == 0 {
		if taken, err := tx.taken(ctx, `SELECT count(*) FROM elements WHERE strategy_id = $1 AND code = $2 AND id <> $3`,
			e.StrategyID, e.Code, e.ID); err != nil {
			return fmt.Errorf("check element code: %w", err)
		} else if taken {
			p.Add("code", "error.code_taken")
		}
	}
	levelPos, err := tx.levelPosition(ctx, e.StrategyID, e.LevelID)
	if utsyn.ErrorCode(err) == utsyn.EINVALID {
		p.Add("level", "error.reference")
	} else if err != nil {
		return err
	} else {
		if err := tx.checkParent(ctx, e.StrategyID, e.ParentID, levelPos); utsyn.ErrorCode(err) == utsyn.EINVALID {
			p.Add("parent", utsyn.ErrorMessage(err))
		} else if err != nil {
			return err
		}
		var childPos sql.NullInt64
		if err := tx.tx.QueryRowContext(ctx, `SELECT min(l.position) FROM elements c JOIN strategy_levels l ON l.id = c.level_id
			WHERE c.parent_id = $1`, e.ID).Scan(&childPos); err != nil {
			return fmt.Errorf("check element: %w", err)
		}
		if childPos.Valid && int(childPos.Int64) <= levelPos {
			p.Add("level", "error.child_level")
		}
	}
	for _, goalID := range e.PlanGoalIDs {
		if ok, err := tx.taken(ctx, `SELECT count(*) FROM plan_goals g JOIN plans p ON p.id = g.plan_id
			WHERE g.id = $1 AND p.org_id = $2`, goalID, orgID); err != nil {
			return fmt.Errorf("check element: %w", err)
		} else if !ok {
			p.Add("plan_goals", "error.reference")
			break
		}
	}
	return invalid(utsyn.ValidateElement(e), p)
}

// levelPosition returns the position of a level of the strategy, or a reference error.
func (tx *Tx) levelPosition(ctx context.Context, strategyID, levelID int64) (int, error) {
	var pos int
	err := tx.tx.QueryRowContext(ctx, `SELECT position FROM strategy_levels WHERE id = $1 AND strategy_id = $2`, levelID, strategyID).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "level"}
	} else if err != nil {
		return 0, fmt.Errorf("element level: %w", err)
	}
	return pos, nil
}

// checkParent requires the parent (when there is one) to be an element of the strategy on a
// higher level than levelPos. As every child sits lower than its parent, this also keeps an
// element from moving under itself or its own descendants.
func (tx *Tx) checkParent(ctx context.Context, strategyID, parentID int64, levelPos int) error {
	if parentID == 0 {
		return nil
	}
	var parentPos int
	err := tx.tx.QueryRowContext(ctx, `SELECT l.position FROM elements e JOIN strategy_levels l ON l.id = e.level_id
		WHERE e.id = $1 AND e.strategy_id = $2`, parentID, strategyID).Scan(&parentPos)
	if errors.Is(err, sql.ErrNoRows) {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "parent"}
	} else if err != nil {
		return fmt.Errorf("element parent: %w", err)
	}
	if parentPos >= levelPos {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.parent_level", Field: "parent"}
	}
	return nil
}

// AddElement stores a new element (see CreateElement) after the editor's checks, and records
// it in the audit trail.
func (tx *Tx) AddElement(ctx context.Context, orgID int64, e *utsyn.Element) error {
	if err := tx.strategyOf(ctx, orgID, e.StrategyID); err != nil {
		return err
	}
	e.ID = 0
	if err := tx.checkElement(ctx, orgID, e); err != nil {
		return err
	}
	e.Position = 0 // last among its siblings
	if err := tx.CreateElement(ctx, e); err != nil {
		return err
	}
	after, err := tx.elementFields(ctx, e)
	if err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "create", "element", e.ID, label(e.Code, e.Title), created(after))
}

// strategyOf refuses a strategy that is not the organisation's.
func (tx *Tx) strategyOf(ctx context.Context, orgID, strategyID int64) error {
	if ok, err := tx.taken(ctx, `SELECT count(*) FROM strategies WHERE id = $1 AND org_id = $2`, strategyID, orgID); err != nil {
		return fmt.Errorf("find strategy: %w", err)
	} else if !ok {
		return notFound("strategy")
	}
	return nil
}

// findElementIn returns the element when it belongs to the strategy of the organisation.
func (tx *Tx) findElementIn(ctx context.Context, orgID, strategyID, id int64) (*utsyn.Element, error) {
	if err := tx.strategyOf(ctx, orgID, strategyID); err != nil {
		return nil, err
	}
	e, err := findElement(ctx, tx.tx, id)
	if err != nil {
		return nil, err
	}
	if e.StrategyID != strategyID {
		return nil, notFound("element")
	}
	return e, nil
}

// UpdateElement stores the editor's changes to an element: its level, parent, code, texts and
// the plan goals it builds on. e.Version is the version the editor read. Under a new parent it
// comes last.
func (tx *Tx) UpdateElement(ctx context.Context, orgID int64, e *utsyn.Element) error {
	old, err := tx.findElementIn(ctx, orgID, e.StrategyID, e.ID)
	if err != nil {
		return err
	}
	if old.Version != e.Version {
		return stale()
	}
	if err := tx.checkElement(ctx, orgID, e); err != nil {
		return err
	}
	before, err := tx.elementFields(ctx, old)
	if err != nil {
		return err
	}
	after, err := tx.elementFields(ctx, e)
	if err != nil {
		return err
	}
	diff := changes(before, after)
	if len(diff) == 0 {
		return nil
	}
	e.Position = old.Position
	if e.ParentID != old.ParentID {
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM elements
			WHERE strategy_id = $1 AND coalesce(parent_id, 0) = $2`, e.StrategyID, e.ParentID).Scan(&e.Position); err != nil {
			return fmt.Errorf("update element: %w", err)
		}
	}
	if err := tx.updateVersioned(ctx, "element", `UPDATE elements SET level_id = $1, parent_id = $2, position = $3, code = $4,
		title = $5, description = $6, note = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
		e.LevelID, nullID(e.ParentID), e.Position, e.Code, e.Title, e.Description, e.Note, tx.now, e.ID, e.Version); err != nil {
		return err
	}
	if !slices.Equal(old.PlanGoalIDs, e.PlanGoalIDs) {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM element_plan_goals WHERE element_id = $1`, e.ID); err != nil {
			return fmt.Errorf("update element plan goals: %w", err)
		}
		for _, goalID := range e.PlanGoalIDs {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO element_plan_goals (element_id, plan_goal_id) VALUES ($1, $2)`,
				e.ID, goalID); err != nil {
				return fmt.Errorf("update element plan goals: %w", err)
			}
		}
	}
	e.Version = old.Version + 1
	return tx.Record(ctx, orgID, "update", "element", e.ID, label(e.Code, e.Title), diff)
}

// MoveElement puts the element, with everything under it, under another parent (0: at the
// top), last among its new siblings. version is the version the editor read.
func (tx *Tx) MoveElement(ctx context.Context, orgID, strategyID, id int64, version int, parentID int64) error {
	old, err := tx.findElementIn(ctx, orgID, strategyID, id)
	if err != nil {
		return err
	}
	if old.Version != version {
		return stale()
	}
	if parentID == old.ParentID {
		return nil
	}
	levelPos, err := tx.levelPosition(ctx, strategyID, old.LevelID)
	if err != nil {
		return err
	}
	if err := tx.checkParent(ctx, strategyID, parentID, levelPos); err != nil {
		return err
	}
	var pos int
	if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM elements
		WHERE strategy_id = $1 AND coalesce(parent_id, 0) = $2`, strategyID, parentID).Scan(&pos); err != nil {
		return fmt.Errorf("move element: %w", err)
	}
	before, err := tx.elementLabel(ctx, old.ParentID)
	if err != nil {
		return err
	}
	after, err := tx.elementLabel(ctx, parentID)
	if err != nil {
		return err
	}
	if err := tx.updateVersioned(ctx, "element", `UPDATE elements SET parent_id = $1, position = $2, version = version + 1,
		updated_at = $3 WHERE id = $4 AND version = $5`, nullID(parentID), pos, tx.now, id, version); err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "move", "element", id, label(old.Code, old.Title),
		[]utsyn.Change{{Field: "parent", Before: before, After: after}})
}

// ReorderElement moves the element delta places among its siblings on the same level (-1: up,
// 1: down), the order the strategy's page shows them in; at either end it stays where it is.
// Order is not content, so it needs no version: two editors who reorder at once both get their
// move, and no one's text is touched.
func (tx *Tx) ReorderElement(ctx context.Context, orgID, strategyID, id int64, delta int) error {
	old, err := tx.findElementIn(ctx, orgID, strategyID, id)
	if err != nil {
		return err
	}
	var all, same []int64 // all siblings, and those on the element's level, in order
	if err := eachRow(ctx, tx.tx, func(r *sql.Rows) error {
		var sibling, level int64
		if err := r.Scan(&sibling, &level); err != nil {
			return err
		}
		all = append(all, sibling)
		if level == old.LevelID {
			same = append(same, sibling)
		}
		return nil
	}, `SELECT id, level_id FROM elements WHERE strategy_id = $1 AND coalesce(parent_id, 0) = $2 ORDER BY position, id`,
		strategyID, old.ParentID); err != nil {
		return fmt.Errorf("reorder element: %w", err)
	}
	i := slices.Index(same, id)
	j := i + delta
	if i < 0 || j < 0 || j >= len(same) || delta == 0 {
		return nil
	}
	// Swap the two in the order of all siblings, and number them all 1, 2, …
	a, b := slices.Index(all, same[i]), slices.Index(all, same[j])
	all[a], all[b] = all[b], all[a]
	if err := tx.renumber(ctx, "elements", all); err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "move", "element", id, label(old.Code, old.Title),
		[]utsyn.Change{{Field: "position", Before: strconv.Itoa(i + 1), After: strconv.Itoa(j + 1)}})
}

// renumber gives a table's rows the positions 1, 2, … in the order of ids.
func (tx *Tx) renumber(ctx context.Context, table string, ids []int64) error {
	for k, rowID := range ids {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE `+table+` SET position = $1 WHERE id = $2`, k+1, rowID); err != nil {
			return fmt.Errorf("reorder %s: %w", table, err)
		}
	}
	return nil
}

// DeleteElement deletes the element and everything under it, and returns how many elements
// went. version is the version the editor read. It refuses, with the message
// "error.element_continued", when a newer version of the strategy continues any of them.
func (tx *Tx) DeleteElement(ctx context.Context, orgID, strategyID, id int64, version int) (int, error) {
	old, err := tx.findElementIn(ctx, orgID, strategyID, id)
	if err != nil {
		return 0, err
	}
	if old.Version != version {
		return 0, stale()
	}
	st, err := findStrategy(ctx, tx.tx, `id = $1`, strategyID)
	if err != nil {
		return 0, err
	}
	tree, err := findTree(ctx, tx.tx, st)
	if err != nil {
		return 0, err
	}
	gone := Subtree(tree, id)
	ids := make([]int64, len(gone))
	for i, e := range gone {
		ids[i] = e.ID
	}
	if cont, err := continued(ctx, tx.tx, ids); err != nil {
		return 0, err
	} else if cont {
		return 0, &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.element_continued"}
	}
	var removed []utsyn.Change
	for _, e := range gone {
		before, err := tx.elementFields(ctx, e)
		if err != nil {
			return 0, err
		}
		if err := tx.Record(ctx, orgID, "delete", "element", e.ID, label(e.Code, e.Title), deleted(before)); err != nil {
			return 0, err
		}
		removed = append(removed, utsyn.Change{Field: "element", Before: label(e.Code, e.Title)})
	}
	// The strategy's own trail keeps the deletion, as the elements' trails lose their strategy.
	if err := tx.Record(ctx, orgID, "remove", "strategy", strategyID, label("", st.Title), removed); err != nil {
		return 0, err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM elements WHERE id = $1`, id); err != nil { // children by cascade
		return 0, fmt.Errorf("delete element %d: %w", id, err)
	}
	return len(gone), nil
}

// Subtree returns the element with the id and every element under it, in tree order.
func Subtree(t *utsyn.Tree, id int64) []*utsyn.Element {
	var out []*utsyn.Element
	var walk func(id int64)
	walk = func(id int64) {
		for _, c := range t.Children(id) {
			out = append(out, c)
			walk(c.ID)
		}
	}
	for _, e := range t.Elements {
		if e.ID == id {
			out = append(out, e)
			walk(id)
		}
	}
	return out
}

// Plans

func planFields(p *utsyn.Plan) []field {
	return []field{
		{"slug", p.Slug},
		{"title", textValue(p.Title)},
		{"period_start", p.PeriodStart.String()},
		{"period_end", p.PeriodEnd.String()},
		{"adopted_by", textValue(p.AdoptedBy)},
		{"adopted_on", p.AdoptedOn.String()},
		{"description", textValue(p.Description)},
		{"note", textValue(p.Note)},
		{"source_url", p.SourceURL},
		{"published", strconv.FormatBool(p.Published)},
	}
}

func validatePlan(p *utsyn.Plan) error {
	var extra utsyn.Problems
	checkURL(&extra, "source_url", p.SourceURL)
	checkText(&extra, "adopted_by", p.AdoptedBy, false, utsyn.MaxTitle)
	return invalid(utsyn.ValidatePlan(p), extra)
}

// AddPlan stores a new plan without goals (AddPlanGoal adds them) and records it.
func (tx *Tx) AddPlan(ctx context.Context, p *utsyn.Plan) error {
	p.Goals = nil
	if err := validatePlan(p); err != nil {
		return err
	}
	if err := tx.CreatePlan(ctx, p); err != nil {
		return err
	}
	return tx.Record(ctx, p.OrgID, "create", "plan", p.ID, label("", p.Title), created(planFields(p)))
}

// UpdatePlan stores the editor's changes to a plan's own fields (not its goals). p.Version is
// the version the editor read.
func (tx *Tx) UpdatePlan(ctx context.Context, p *utsyn.Plan) error {
	old, err := findPlan(ctx, tx.tx, `id = $1 AND org_id = $2`, p.ID, p.OrgID)
	if err != nil {
		return err
	}
	if old.Version != p.Version {
		return stale()
	}
	p.Goals, p.CreatedAt = nil, old.CreatedAt
	if err := validatePlan(p); err != nil {
		return err
	}
	if p.Slug != old.Slug {
		if taken, err := tx.taken(ctx, `SELECT count(*) FROM plans WHERE org_id = $1 AND slug = $2 AND id <> $3`, p.OrgID, p.Slug, p.ID); err != nil {
			return fmt.Errorf("update plan: %w", err)
		} else if taken {
			return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
		}
	}
	p.Goals = old.Goals
	diff := changes(planFields(old), planFields(p))
	if len(diff) == 0 {
		return nil
	}
	if err := tx.updateVersioned(ctx, "plan", `UPDATE plans SET slug = $1, title = $2, description = $3, period_start = $4,
		period_end = $5, adopted_by = $6, adopted_on = $7, source_url = $8, note = $9, published = $10,
		version = version + 1, updated_at = $11 WHERE id = $12 AND version = $13`,
		p.Slug, p.Title, p.Description, p.PeriodStart, p.PeriodEnd, p.AdoptedBy, p.AdoptedOn, p.SourceURL, p.Note,
		p.Published, tx.now, p.ID, p.Version); err != nil {
		return err
	}
	p.Version, p.UpdatedAt = old.Version+1, tx.now
	return tx.Record(ctx, p.OrgID, "update", "plan", p.ID, label("", p.Title), diff)
}

func goalFields(g *utsyn.PlanGoal) []field {
	return []field{{"code", g.Code}, {"title", textValue(g.Title)}, {"description", textValue(g.Description)}}
}

// checkGoal holds a plan goal to the rules the domain sets for goals inside ValidatePlan, with
// a message for each field: a code without spaces, used once in the plan, and a title.
func (tx *Tx) checkGoal(ctx context.Context, g *utsyn.PlanGoal) error {
	var p utsyn.Problems
	checkCode(&p, "code", g.Code, true)
	checkText(&p, "title", g.Title, true, utsyn.MaxTitle)
	checkText(&p, "description", g.Description, false, utsyn.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if taken, err := tx.taken(ctx, `SELECT count(*) FROM plan_goals WHERE plan_id = $1 AND code = $2 AND id <> $3`, g.PlanID, g.Code, g.ID); err != nil {
		return fmt.Errorf("check plan goal: %w", err)
	} else if taken {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.code_taken", Field: "code"}
	}
	return nil
}

// findGoalIn returns the goal when it belongs to the organisation's plan.
func (tx *Tx) findGoalIn(ctx context.Context, orgID, planID, id int64) (*utsyn.PlanGoal, error) {
	g := &utsyn.PlanGoal{}
	err := tx.tx.QueryRowContext(ctx, `SELECT g.id, g.plan_id, g.code, g.title, g.description, g.position FROM plan_goals g
		JOIN plans p ON p.id = g.plan_id WHERE g.id = $1 AND g.plan_id = $2 AND p.org_id = $3`, id, planID, orgID).
		Scan(&g.ID, &g.PlanID, &g.Code, &g.Title, &g.Description, &g.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("plan_goal")
	} else if err != nil {
		return nil, fmt.Errorf("find plan goal %d: %w", id, err)
	}
	return g, nil
}

// AddPlanGoal stores a new goal last in the organisation's plan and records it.
func (tx *Tx) AddPlanGoal(ctx context.Context, orgID int64, g *utsyn.PlanGoal) error {
	if err := tx.sameOrg(ctx, "plans", g.PlanID, orgID, "plan"); err != nil {
		return notFound("plan")
	}
	g.ID = 0
	if err := tx.checkGoal(ctx, g); err != nil {
		return err
	}
	if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM plan_goals WHERE plan_id = $1`, g.PlanID).Scan(&g.Position); err != nil {
		return fmt.Errorf("add plan goal: %w", err)
	}
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO plan_goals (plan_id, code, title, description, position)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, g.PlanID, g.Code, g.Title, g.Description, g.Position).Scan(&g.ID); err != nil {
		return fmt.Errorf("add plan goal: %w", err)
	}
	return tx.Record(ctx, orgID, "create", "plan_goal", g.ID, label(g.Code, g.Title), created(goalFields(g)))
}

// UpdatePlanGoal stores the editor's changes to a goal; stamp is GoalStamp of the goal as the
// editor read it.
func (tx *Tx) UpdatePlanGoal(ctx context.Context, orgID int64, g *utsyn.PlanGoal, stamp string) error {
	old, err := tx.findGoalIn(ctx, orgID, g.PlanID, g.ID)
	if err != nil {
		return err
	}
	if GoalStamp(*old) != stamp {
		return stale()
	}
	if err := tx.checkGoal(ctx, g); err != nil {
		return err
	}
	diff := changes(goalFields(old), goalFields(g))
	if len(diff) == 0 {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE plan_goals SET code = $1, title = $2, description = $3 WHERE id = $4`,
		g.Code, g.Title, g.Description, g.ID); err != nil {
		return fmt.Errorf("update plan goal: %w", err)
	}
	g.Position = old.Position
	return tx.Record(ctx, orgID, "update", "plan_goal", g.ID, label(g.Code, g.Title), diff)
}

// ReorderPlanGoal moves the goal delta places in its plan, like ReorderElement.
func (tx *Tx) ReorderPlanGoal(ctx context.Context, orgID, planID, id int64, delta int) error {
	old, err := tx.findGoalIn(ctx, orgID, planID, id)
	if err != nil {
		return err
	}
	goals, err := listPlanGoals(ctx, tx.tx, planID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(goals))
	for i, g := range goals {
		ids[i] = g.ID
	}
	i := slices.Index(ids, id)
	j := i + delta
	if i < 0 || j < 0 || j >= len(ids) || delta == 0 {
		return nil
	}
	ids[i], ids[j] = ids[j], ids[i]
	if err := tx.renumber(ctx, "plan_goals", ids); err != nil {
		return err
	}
	return tx.Record(ctx, orgID, "move", "plan_goal", id, label(old.Code, old.Title),
		[]utsyn.Change{{Field: "position", Before: strconv.Itoa(i + 1), After: strconv.Itoa(j + 1)}})
}

// CountGoalUses returns how many strategy elements build on the plan goal.
func (db *DB) CountGoalUses(ctx context.Context, goalID int64) (int, error) {
	var n int
	if err := db.reads().QueryRowContext(ctx, `SELECT count(*) FROM element_plan_goals WHERE plan_goal_id = $1`, goalID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count goal uses: %w", err)
	}
	return n, nil
}

// DeletePlanGoal deletes a goal of the organisation's plan; the elements that built on it no
// longer do. stamp is GoalStamp of the goal as the editor read it.
func (tx *Tx) DeletePlanGoal(ctx context.Context, orgID, planID, id int64, stamp string) error {
	old, err := tx.findGoalIn(ctx, orgID, planID, id)
	if err != nil {
		return err
	}
	if GoalStamp(*old) != stamp {
		return stale()
	}
	var title utsyn.Text
	if err := tx.tx.QueryRowContext(ctx, `SELECT title FROM plans WHERE id = $1`, planID).Scan(&title); err != nil {
		return fmt.Errorf("delete plan goal: %w", err)
	}
	if err := tx.Record(ctx, orgID, "delete", "plan_goal", id, label(old.Code, old.Title), deleted(goalFields(old))); err != nil {
		return err
	}
	if err := tx.Record(ctx, orgID, "remove", "plan", planID, label("", title),
		[]utsyn.Change{{Field: "plan_goal", Before: label(old.Code, old.Title)}}); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM plan_goals WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete plan goal: %w", err)
	}
	return nil
}

// Terms

// FindTerm returns the organisation's vocabulary term with the id.
func (db *DB) FindTerm(ctx context.Context, orgID, id int64) (*utsyn.Term, error) {
	return findTerm(ctx, db.reads(), orgID, id)
}

func findTerm(ctx context.Context, q queryer, orgID, id int64) (*utsyn.Term, error) {
	t := &utsyn.Term{}
	err := q.QueryRowContext(ctx, `SELECT id, org_id, vocabulary, key, name, description, position FROM terms
		WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&t.ID, &t.OrgID, &t.Vocabulary, &t.Key, &t.Name, &t.Description, &t.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("term")
	} else if err != nil {
		return nil, fmt.Errorf("find term %d: %w", id, err)
	}
	return t, nil
}

func termFields(t *utsyn.Term) []field {
	return []field{{"key", t.Key}, {"name", textValue(t.Name)}, {"description", textValue(t.Description)}}
}

// AddTerm stores a new term last in its vocabulary and records it. A key already used in the
// vocabulary is refused.
func (tx *Tx) AddTerm(ctx context.Context, t *utsyn.Term) error {
	if err := utsyn.ValidateTerm(t); err != nil {
		return err
	}
	if taken, err := tx.taken(ctx, `SELECT count(*) FROM terms WHERE org_id = $1 AND vocabulary = $2 AND key = $3`, t.OrgID, t.Vocabulary, t.Key); err != nil {
		return fmt.Errorf("add term: %w", err)
	} else if taken {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.key_taken", Field: "key"}
	}
	t.Position = 0
	if err := tx.CreateTerm(ctx, t); err != nil {
		return err
	}
	return tx.Record(ctx, t.OrgID, "create", "term", t.ID, label("", t.Name), created(termFields(t)))
}

// UpdateTerm stores new words for a term (its key stays); stamp is TermStamp of the term as the
// editor read it.
func (tx *Tx) UpdateTerm(ctx context.Context, t *utsyn.Term, stamp string) error {
	old, err := findTerm(ctx, tx.tx, t.OrgID, t.ID)
	if err != nil {
		return err
	}
	if TermStamp(*old) != stamp {
		return stale()
	}
	t.Key, t.Vocabulary, t.Position = old.Key, old.Vocabulary, old.Position
	if err := utsyn.ValidateTerm(t); err != nil {
		return err
	}
	diff := changes(termFields(old), termFields(t))
	if len(diff) == 0 {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE terms SET name = $1, description = $2 WHERE id = $3`, t.Name, t.Description, t.ID); err != nil {
		return fmt.Errorf("update term: %w", err)
	}
	return tx.Record(ctx, t.OrgID, "update", "term", t.ID, label("", t.Name), diff)
}
