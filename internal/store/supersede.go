package store

import (
	"context"
	"fmt"

	"github.com/utsyn/utsyn"
)

// SupersedeStrategy starts a revision of a strategy: a new draft under newSlug with a copy of
// its statements, levels, elements, plan-goal links and terms. Each new element is linked to
// the element it continues (utsyn.LinkSucceeds), so the lineage old goal → new goal is kept
// whatever the revision then changes. The old version is left as it is until the new one is
// adopted.
func (tx *Tx) SupersedeStrategy(ctx context.Context, oldID int64, newSlug string) (*utsyn.Strategy, error) {
	oldStrategy, err := findStrategy(ctx, tx.tx, `id = $1`, oldID)
	if err != nil {
		return nil, err
	}
	old, err := findTree(ctx, tx.tx, oldStrategy)
	if err != nil {
		return nil, err
	}
	s := *old.Strategy
	s.ID, s.Slug, s.Status, s.Published, s.SupersedesID = 0, newSlug, utsyn.StatusDraft, false, old.Strategy.ID
	s.AdoptedOn, s.AdoptedBy, s.CaseNumber = utsyn.Date{}, utsyn.Text{}, ""
	s.Levels = append([]utsyn.Level(nil), old.Strategy.Levels...)
	if err := tx.CreateStrategy(ctx, &s); err != nil {
		return nil, err
	}
	levels := map[int64]int64{}
	for i, l := range old.Strategy.Levels {
		levels[l.ID] = s.Levels[i].ID
	}
	elements := map[int64]int64{} // old id → new id; the tree order puts parents first
	for _, oe := range old.Elements {
		e := *oe
		e.ID, e.StrategyID, e.LevelID, e.ParentID = 0, s.ID, levels[oe.LevelID], elements[oe.ParentID]
		if err := tx.CreateElement(ctx, &e); err != nil {
			return nil, fmt.Errorf("copy element %d: %w", oe.ID, err)
		}
		elements[oe.ID] = e.ID
		if err := tx.LinkElements(ctx, utsyn.ElementLink{FromID: e.ID, ToID: oe.ID, Kind: utsyn.LinkSucceeds}); err != nil {
			return nil, err
		}
	}
	for _, l := range old.Links {
		if l.Kind != utsyn.LinkRelated {
			continue // lineage stays with the version it describes
		}
		if err := tx.LinkElements(ctx, utsyn.ElementLink{FromID: elements[l.FromID], ToID: elements[l.ToID], Kind: l.Kind}); err != nil {
			return nil, err
		}
	}
	for i, t := range append(append([]utsyn.Term(nil), old.Roles...), old.Forms...) {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO strategy_terms (strategy_id, term_id, description, position)
			SELECT $1, term_id, description, $2 FROM strategy_terms WHERE strategy_id = $3 AND term_id = $4`,
			s.ID, i+1, oldID, t.ID); err != nil {
			return nil, fmt.Errorf("copy term: %w", err)
		}
	}
	return &s, nil
}

// Lineage returns, for each element of the strategy, the elements of the earlier version it
// continues (From → To with LinkSucceeds).
func (db *DB) Lineage(ctx context.Context, strategyID int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	rows, err := db.reads().QueryContext(ctx, `SELECT l.from_id, l.to_id FROM element_links l
		JOIN elements e ON e.id = l.from_id WHERE e.strategy_id = $1 AND l.kind = 'succeeds'`, strategyID)
	if err != nil {
		return nil, fmt.Errorf("lineage %d: %w", strategyID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("lineage %d: %w", strategyID, err)
		}
		out[from] = append(out[from], to)
	}
	return out, rows.Err()
}
