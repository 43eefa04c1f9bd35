package store

import "context"

// SmallSet lets the tests move the line between a set filter read whole and one checked row
// by row.
var SmallSet = &smallSet

// FewMatches lets the tests move the line between a search whose matches SQLite looks up one
// by one and one it checks along the list's order.
var FewMatches = &fewMatches

// NarrowFilter lets the tests move the line between a filter whose engagements are read
// whole and one found along the list's order.
var NarrowFilter = &narrowFilter

// KeepRegisters lets the benchmarks measure a list asked for the first time.
var KeepRegisters = &keepRegisters

// IndexedPage is what a list index finds for a filter.
type IndexedPage struct {
	IDs             []int64
	More            bool
	Total           int
	TotalMore       bool
	AnsweredByIndex bool // false: the index could not answer (the database would)
}

// ListIndex is an organisation's list index.
type ListIndex = listIndex

// ReadListIndex reads the organisation's list index now.
func (db *DB) ReadListIndex(ctx context.Context, orgID int64) (*ListIndex, error) {
	return db.readListIndex(ctx, orgID)
}

// FindInIndex finds the filter's page in the index, as a list does once it has one.
func (db *DB) FindInIndex(ctx context.Context, ix *ListIndex, f EngagementFilter) (IndexedPage, error) {
	matches, err := db.SearchMatches(ctx, ix, f)
	if err != nil {
		return IndexedPage{}, err
	}
	return ix.FindPage(f, ix.RowsOf(matches)), nil
}

// SearchMatches returns the ids of the engagements that match the filter's search, nil when it
// searches for nothing: found by the index's words when it has them.
func (db *DB) SearchMatches(ctx context.Context, ix *ListIndex, f EngagementFilter) ([]int64, error) {
	return db.searchMatches(ctx, f, ix, "", false, db.now())
}

// RowSet is a set of an index's rows.
type RowSet = rowSet

// RowsOf is the set of the index's rows with these ids, nil for none.
func (ix *ListIndex) RowsOf(ids []int64) RowSet {
	if ids == nil {
		return nil
	}
	return ix.rowsOf(ids)
}

// FindPage finds the filter's page in the index, given the search's matching rows.
func (ix *ListIndex) FindPage(f EngagementFilter, matching RowSet) IndexedPage {
	found, ok := ix.find(f, matching)
	return IndexedPage{IDs: found.ids, More: found.more, Total: found.total, TotalMore: found.totalMore, AnsweredByIndex: ok}
}

// Lines is what the list page shows of the engagements with these ids, nil when the index
// does not hold one.
func (ix *ListIndex) Lines(ids []int64) []EngagementLine { return ix.lines(ids) }

// LineOf is what the list page shows of an engagement read whole.
var LineOf = lineOf
