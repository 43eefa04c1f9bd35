package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/utsyn/utsyn"
)

// PlanFilter selects plans; nil fields select all.
type PlanFilter struct {
	OrgID     int64
	Published *bool
}

const planColumns = `id, org_id, slug, title, description, period_start, period_end, adopted_by, adopted_on,
	source_url, note, published, version, created_at, updated_at`

func scanPlan(row interface{ Scan(...any) error }) (*utsyn.Plan, error) {
	p := &utsyn.Plan{}
	err := row.Scan(&p.ID, &p.OrgID, &p.Slug, &p.Title, &p.Description, &p.PeriodStart, &p.PeriodEnd, &p.AdoptedBy,
		&p.AdoptedOn, &p.SourceURL, &p.Note, &p.Published, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// ListPlans returns the organisation's plans with their goals, newest period first.
func (db *DB) ListPlans(ctx context.Context, f PlanFilter) ([]*utsyn.Plan, error) {
	rows, err := db.reads().QueryContext(ctx, `SELECT `+planColumns+` FROM plans
		WHERE org_id = $1 AND (CAST($2 AS BOOLEAN) IS NULL OR published = $2)
		ORDER BY period_start DESC, slug`, f.OrgID, f.Published)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	defer rows.Close()
	var out []*utsyn.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("list plans: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	for _, p := range out {
		if p.Goals, err = listPlanGoals(ctx, db.reads(), p.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindPlan returns the organisation's plan with the slug, with its goals.
func (db *DB) FindPlan(ctx context.Context, orgID int64, slug string) (*utsyn.Plan, error) {
	return findPlan(ctx, db.reads(), `org_id = $1 AND slug = $2`, orgID, slug)
}

// FindPlanByID returns the plan with the id, with its goals.
func (db *DB) FindPlanByID(ctx context.Context, id int64) (*utsyn.Plan, error) {
	return findPlan(ctx, db.reads(), `id = $1`, id)
}

func findPlan(ctx context.Context, q queryer, where string, args ...any) (*utsyn.Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("plan")
	} else if err != nil {
		return nil, fmt.Errorf("find plan: %w", err)
	}
	if p.Goals, err = listPlanGoals(ctx, q, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func listPlanGoals(ctx context.Context, q queryer, planID int64) ([]utsyn.PlanGoal, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, plan_id, code, title, description, position
		FROM plan_goals WHERE plan_id = $1 ORDER BY position`, planID)
	if err != nil {
		return nil, fmt.Errorf("list plan goals: %w", err)
	}
	defer rows.Close()
	var out []utsyn.PlanGoal
	for rows.Next() {
		var g utsyn.PlanGoal
		if err := rows.Scan(&g.ID, &g.PlanID, &g.Code, &g.Title, &g.Description, &g.Position); err != nil {
			return nil, fmt.Errorf("list plan goals: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// CreatePlan stores a new plan with its goals, setting their IDs.
func (tx *Tx) CreatePlan(ctx context.Context, p *utsyn.Plan) error {
	if err := utsyn.ValidatePlan(p); err != nil {
		return err
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM plans WHERE org_id = $1 AND slug = $2`, p.OrgID, p.Slug).Scan(&n); err != nil {
		return fmt.Errorf("create plan: %w", err)
	} else if n > 0 {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
	}
	p.Version, p.CreatedAt, p.UpdatedAt = 1, tx.now, tx.now
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO plans (org_id, slug, title, description, period_start, period_end,
		adopted_by, adopted_on, source_url, note, published, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		p.OrgID, p.Slug, p.Title, p.Description, p.PeriodStart, p.PeriodEnd, p.AdoptedBy, p.AdoptedOn,
		p.SourceURL, p.Note, p.Published, p.Version, tx.now, tx.now).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("create plan: %w", err)
	}
	for i := range p.Goals {
		g := &p.Goals[i]
		g.PlanID, g.Position = p.ID, i+1
		err := tx.tx.QueryRowContext(ctx, `INSERT INTO plan_goals (plan_id, code, title, description, position)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, g.PlanID, g.Code, g.Title, g.Description, g.Position).Scan(&g.ID)
		if err != nil {
			return fmt.Errorf("create plan goal %s: %w", g.Code, err)
		}
	}
	return nil
}
