package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/utsyn/utsyn"
)

// StrategyFilter selects strategies; nil fields select all.
type StrategyFilter struct {
	OrgID     int64
	Published *bool
}

const strategyColumns = `id, org_id, slug, title, summary, period_start, period_end, status, adopted_by, adopted_on,
	case_number, coalesce(plan_id, 0), coalesce(supersedes_id, 0), published, source_url, note, version, created_at, updated_at`

func scanStrategy(row interface{ Scan(...any) error }) (*utsyn.Strategy, error) {
	s := &utsyn.Strategy{}
	err := row.Scan(&s.ID, &s.OrgID, &s.Slug, &s.Title, &s.Summary, &s.PeriodStart, &s.PeriodEnd, &s.Status,
		&s.AdoptedBy, &s.AdoptedOn, &s.CaseNumber, &s.PlanID, &s.SupersedesID, &s.Published, &s.SourceURL,
		&s.Note, &s.Version, &s.CreatedAt, &s.UpdatedAt)
	return s, err
}

// ListStrategies returns the organisation's strategies, adopted and newest first, without
// their statements and levels.
func (db *DB) ListStrategies(ctx context.Context, f StrategyFilter) ([]*utsyn.Strategy, error) {
	rows, err := db.reads().QueryContext(ctx, `SELECT `+strategyColumns+` FROM strategies
		WHERE org_id = $1 AND (CAST($2 AS BOOLEAN) IS NULL OR published = $2)
		ORDER BY CASE status WHEN 'adopted' THEN 0 WHEN 'consultation' THEN 1 WHEN 'draft' THEN 2 ELSE 3 END,
			coalesce(adopted_on, period_start, '') DESC, slug`, f.OrgID, f.Published)
	if err != nil {
		return nil, fmt.Errorf("list strategies: %w", err)
	}
	defer rows.Close()
	var out []*utsyn.Strategy
	for rows.Next() {
		s, err := scanStrategy(rows)
		if err != nil {
			return nil, fmt.Errorf("list strategies: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindStrategy returns the organisation's strategy with the slug, with its statements and
// levels.
func (db *DB) FindStrategy(ctx context.Context, orgID int64, slug string) (*utsyn.Strategy, error) {
	return findStrategy(ctx, db.reads(), `org_id = $1 AND slug = $2`, orgID, slug)
}

// FindStrategyByID returns the strategy with the id, with its statements and levels.
func (db *DB) FindStrategyByID(ctx context.Context, id int64) (*utsyn.Strategy, error) {
	return findStrategy(ctx, db.reads(), `id = $1`, id)
}

func findStrategy(ctx context.Context, q queryer, where string, args ...any) (*utsyn.Strategy, error) {
	s, err := scanStrategy(q.QueryRowContext(ctx, `SELECT `+strategyColumns+` FROM strategies WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("strategy")
	} else if err != nil {
		return nil, fmt.Errorf("find strategy: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT kind, text FROM strategy_statements WHERE strategy_id = $1
		ORDER BY kind, position`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("find strategy statements: %w", err)
	}
	for rows.Next() {
		var st utsyn.Statement
		if err := rows.Scan(&st.Kind, &st.Text); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find strategy statements: %w", err)
		}
		s.Purpose = append(s.Purpose, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find strategy statements: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT id, key, name, plural, position FROM strategy_levels
		WHERE strategy_id = $1 ORDER BY position`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("find strategy levels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l utsyn.Level
		if err := rows.Scan(&l.ID, &l.Key, &l.Name, &l.Plural, &l.Position); err != nil {
			return nil, fmt.Errorf("find strategy levels: %w", err)
		}
		s.Levels = append(s.Levels, l)
	}
	return s, rows.Err()
}

// FindTree returns the strategy (as found by FindStrategy) with its elements in tree order,
// their links, and the roles and working forms it describes.
func (db *DB) FindTree(ctx context.Context, s *utsyn.Strategy) (*utsyn.Tree, error) {
	return findTree(ctx, db.reads(), s)
}

func findTree(ctx context.Context, q queryer, s *utsyn.Strategy) (*utsyn.Tree, error) {
	strategyID := s.ID
	t := &utsyn.Tree{Strategy: s}
	rows, err := q.QueryContext(ctx, `SELECT id, strategy_id, level_id, coalesce(parent_id, 0), code, title,
		description, note, position, version FROM elements WHERE strategy_id = $1 ORDER BY position, id`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("find tree %d: %w", strategyID, err)
	}
	var flat []*utsyn.Element
	byID := map[int64]*utsyn.Element{}
	for rows.Next() {
		e := &utsyn.Element{}
		if err := rows.Scan(&e.ID, &e.StrategyID, &e.LevelID, &e.ParentID, &e.Code, &e.Title, &e.Description,
			&e.Note, &e.Position, &e.Version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find tree %d: %w", strategyID, err)
		}
		flat = append(flat, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find tree %d: %w", strategyID, err)
	}
	// Depth-first order, so a page can show the tree by walking the list once.
	children := map[int64][]*utsyn.Element{}
	for _, e := range flat {
		children[e.ParentID] = append(children[e.ParentID], e)
	}
	var walk func(parent int64)
	walk = func(parent int64) {
		for _, e := range children[parent] {
			t.Elements = append(t.Elements, e)
			walk(e.ID)
		}
	}
	walk(0)

	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var elementID, goalID int64
		if err := r.Scan(&elementID, &goalID); err != nil {
			return err
		}
		if e := byID[elementID]; e != nil {
			e.PlanGoalIDs = append(e.PlanGoalIDs, goalID)
		}
		return nil
	}, `SELECT epg.element_id, epg.plan_goal_id FROM element_plan_goals epg
		JOIN elements e ON e.id = epg.element_id JOIN plan_goals g ON g.id = epg.plan_goal_id
		WHERE e.strategy_id = $1 ORDER BY epg.element_id, g.position`, s.ID); err != nil {
		return nil, fmt.Errorf("find tree %d plan goals: %w", strategyID, err)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var l utsyn.ElementLink
		if err := r.Scan(&l.FromID, &l.ToID, &l.Kind); err != nil {
			return err
		}
		t.Links = append(t.Links, l)
		return nil
	}, `SELECT l.from_id, l.to_id, l.kind FROM element_links l JOIN elements e ON e.id = l.from_id
		WHERE e.strategy_id = $1 ORDER BY l.from_id, l.to_id`, s.ID); err != nil {
		return nil, fmt.Errorf("find tree %d links: %w", strategyID, err)
	}
	if err := eachRow(ctx, q, func(r *sql.Rows) error {
		var term utsyn.Term
		var description utsyn.Text
		if err := r.Scan(&term.ID, &term.OrgID, &term.Vocabulary, &term.Key, &term.Name, &term.Description, &description, &term.Position); err != nil {
			return err
		}
		if !description.IsZero() {
			term.Description = description // the strategy's own words about the term
		}
		if term.Vocabulary == utsyn.VocabRole {
			t.Roles = append(t.Roles, term)
		} else {
			t.Forms = append(t.Forms, term)
		}
		return nil
	}, `SELECT t.id, t.org_id, t.vocabulary, t.key, t.name, t.description, st.description, st.position
		FROM strategy_terms st JOIN terms t ON t.id = st.term_id
		WHERE st.strategy_id = $1 ORDER BY st.position, t.position`, s.ID); err != nil {
		return nil, fmt.Errorf("find tree %d terms: %w", strategyID, err)
	}
	return t, nil
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, q queryer, fn func(*sql.Rows) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CreateStrategy stores a new strategy with its statements and levels, setting their IDs.
func (tx *Tx) CreateStrategy(ctx context.Context, s *utsyn.Strategy) error {
	if err := utsyn.ValidateStrategy(s); err != nil {
		return err
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM strategies WHERE org_id = $1 AND slug = $2`, s.OrgID, s.Slug).Scan(&n); err != nil {
		return fmt.Errorf("create strategy: %w", err)
	} else if n > 0 {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
	}
	if s.PlanID != 0 {
		if err := tx.sameOrg(ctx, "plans", s.PlanID, s.OrgID, "plan_id"); err != nil {
			return err
		}
	}
	s.Version, s.CreatedAt, s.UpdatedAt = 1, tx.now, tx.now
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO strategies (org_id, slug, title, summary, period_start, period_end,
		status, adopted_by, adopted_on, case_number, plan_id, supersedes_id, published, source_url, note, version,
		created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		s.OrgID, s.Slug, s.Title, s.Summary, s.PeriodStart, s.PeriodEnd, s.Status, s.AdoptedBy, s.AdoptedOn,
		s.CaseNumber, nullID(s.PlanID), nullID(s.SupersedesID), s.Published, s.SourceURL, s.Note, s.Version,
		tx.now, tx.now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("create strategy: %w", err)
	}
	positions := map[string]int{}
	for _, st := range s.Purpose {
		positions[st.Kind]++
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO strategy_statements (strategy_id, kind, position, text)
			VALUES ($1, $2, $3, $4)`, s.ID, st.Kind, positions[st.Kind], st.Text); err != nil {
			return fmt.Errorf("create strategy statement: %w", err)
		}
	}
	for i := range s.Levels {
		l := &s.Levels[i]
		l.Position = i + 1
		if err := tx.tx.QueryRowContext(ctx, `INSERT INTO strategy_levels (strategy_id, key, name, plural, position)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, s.ID, l.Key, l.Name, l.Plural, l.Position).Scan(&l.ID); err != nil {
			return fmt.Errorf("create strategy level %s: %w", l.Key, err)
		}
	}
	return nil
}

// sameOrg refuses a reference to a record of another organisation (or to none), so that one
// tenant's records never point into another's.
func (tx *Tx) sameOrg(ctx context.Context, table string, id, orgID int64, field string) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&n); err != nil {
		return fmt.Errorf("check %s %d: %w", table, id, err)
	}
	if n == 0 {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: field}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateElement stores a new element of a strategy. Its level must belong to the strategy,
// its parent (if any) to the same strategy and a higher level, and its plan goals to the plan
// of the strategy's organisation.
func (tx *Tx) CreateElement(ctx context.Context, e *utsyn.Element) error {
	if err := utsyn.ValidateElement(e); err != nil {
		return err
	}
	var levelPos int
	err := tx.tx.QueryRowContext(ctx, `SELECT position FROM strategy_levels WHERE id = $1 AND strategy_id = $2`,
		e.LevelID, e.StrategyID).Scan(&levelPos)
	if errors.Is(err, sql.ErrNoRows) {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "level"}
	} else if err != nil {
		return fmt.Errorf("create element: %w", err)
	}
	if e.ParentID != 0 {
		var parentLevelPos int
		err := tx.tx.QueryRowContext(ctx, `SELECT l.position FROM elements e JOIN strategy_levels l ON l.id = e.level_id
			WHERE e.id = $1 AND e.strategy_id = $2`, e.ParentID, e.StrategyID).Scan(&parentLevelPos)
		if errors.Is(err, sql.ErrNoRows) {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "parent"}
		} else if err != nil {
			return fmt.Errorf("create element: %w", err)
		}
		if parentLevelPos >= levelPos {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.parent_level", Field: "parent"}
		}
	}
	if e.Position == 0 {
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM elements
			WHERE strategy_id = $1 AND coalesce(parent_id, 0) = $2`, e.StrategyID, e.ParentID).Scan(&e.Position); err != nil {
			return fmt.Errorf("create element: %w", err)
		}
	}
	e.Version = 1
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO elements (strategy_id, level_id, parent_id, code, title,
		description, note, position, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		e.StrategyID, e.LevelID, nullID(e.ParentID), e.Code, e.Title, e.Description, e.Note, e.Position, e.Version,
		tx.now, tx.now).Scan(&e.ID); err != nil {
		return fmt.Errorf("create element: %w", err)
	}
	for _, goalID := range e.PlanGoalIDs {
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM plan_goals g JOIN plans p ON p.id = g.plan_id
			JOIN strategies s ON s.org_id = p.org_id WHERE g.id = $1 AND s.id = $2`, goalID, e.StrategyID).Scan(&n); err != nil {
			return fmt.Errorf("create element: %w", err)
		} else if n == 0 {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "plan_goals"}
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO element_plan_goals (element_id, plan_goal_id) VALUES ($1, $2)`,
			e.ID, goalID); err != nil {
			return fmt.Errorf("create element plan goal: %w", err)
		}
	}
	return nil
}

// LinkElements relates two elements of the same organisation.
func (tx *Tx) LinkElements(ctx context.Context, l utsyn.ElementLink) error {
	if l.Kind != utsyn.LinkRelated && l.Kind != utsyn.LinkSucceeds {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.invalid", Field: "kind"}
	}
	var elements, orgs int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT s.org_id) FROM elements e
		JOIN strategies s ON s.id = e.strategy_id WHERE e.id IN ($1, $2)`, l.FromID, l.ToID).Scan(&elements, &orgs); err != nil {
		return fmt.Errorf("link elements: %w", err)
	}
	if elements != 2 || orgs != 1 {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "to"}
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO element_links (from_id, to_id, kind) VALUES ($1, $2, $3)`,
		l.FromID, l.ToID, l.Kind); err != nil {
		return fmt.Errorf("link elements: %w", err)
	}
	return nil
}

// CreateTerm stores a new term of one of the organisation's vocabularies.
func (tx *Tx) CreateTerm(ctx context.Context, t *utsyn.Term) error {
	if err := utsyn.ValidateTerm(t); err != nil {
		return err
	}
	if t.Position == 0 {
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM terms
			WHERE org_id = $1 AND vocabulary = $2`, t.OrgID, t.Vocabulary).Scan(&t.Position); err != nil {
			return fmt.Errorf("create term: %w", err)
		}
	}
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO terms (org_id, vocabulary, key, name, description, position)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.OrgID, t.Vocabulary, t.Key, t.Name, t.Description, t.Position).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create term %s: %w", t.Key, err)
	}
	return nil
}

// ListTerms returns the organisation's terms of a vocabulary, in order.
func (db *DB) ListTerms(ctx context.Context, orgID int64, vocabulary string) ([]utsyn.Term, error) {
	var out []utsyn.Term
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var t utsyn.Term
		if err := r.Scan(&t.ID, &t.OrgID, &t.Vocabulary, &t.Key, &t.Name, &t.Description, &t.Position); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, `SELECT id, org_id, vocabulary, key, name, description, position FROM terms
		WHERE org_id = $1 AND vocabulary = $2 ORDER BY position`, orgID, vocabulary)
	if err != nil {
		return nil, fmt.Errorf("list terms: %w", err)
	}
	return out, nil
}

// AttachTerm records that a strategy describes a role or working form, optionally in its own
// words (description), at the given position.
func (tx *Tx) AttachTerm(ctx context.Context, strategyID, termID int64, description utsyn.Text, position int) error {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM terms t JOIN strategies s ON s.org_id = t.org_id
		WHERE t.id = $1 AND s.id = $2`, termID, strategyID).Scan(&n); err != nil {
		return fmt.Errorf("attach term: %w", err)
	} else if n == 0 {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "term"}
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO strategy_terms (strategy_id, term_id, description, position)
		VALUES ($1, $2, $3, $4)`, strategyID, termID, description, position); err != nil {
		return fmt.Errorf("attach term: %w", err)
	}
	return nil
}
