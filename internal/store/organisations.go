package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
)

// queryer is what reads need: the read pool, or a transaction that reads its own writes.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const organisationColumns = `id, slug, name, vision, org_number, country, nuts, website, demo_note, demo_source_url, created_at, updated_at`

func scanOrganisation(row interface{ Scan(...any) error }) (*utsyn.Organisation, error) {
	o := &utsyn.Organisation{}
	var demoNote utsyn.Text
	var demoURL string
	if err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Vision, &o.OrgNumber, &o.Country, &o.NUTS, &o.Website,
		&demoNote, &demoURL, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return nil, err
	}
	if !demoNote.IsZero() {
		o.Demo = &utsyn.DemoSource{Note: demoNote, SourceURL: demoURL}
	}
	return o, nil
}

// ListOrganisations returns every organisation, by slug.
func (db *DB) ListOrganisations(ctx context.Context) ([]*utsyn.Organisation, error) {
	rows, err := db.reads().QueryContext(ctx, `SELECT `+organisationColumns+` FROM organisations ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*utsyn.Organisation
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// FindOrganisation returns the organisation with the slug, or a not-found error. In a context
// of OneChangeStamp it reads the organisation's change stamp with it, in the same query.
func (db *DB) FindOrganisation(ctx context.Context, slug string) (*utsyn.Organisation, error) {
	memo := stamps(ctx)
	if memo == nil {
		return findOrganisation(ctx, db.reads(), slug)
	}
	if o := memo.organisation(slug); o != nil {
		return o, nil
	}
	var id sql.NullInt64
	var at sql.NullTime
	o, err := scanOrganisation(scanMore{db.reads().QueryRowContext(ctx, `SELECT o.`+strings.ReplaceAll(organisationColumns, ", ", ", o.")+`, a.id, a.at
		FROM organisations o LEFT JOIN audit_events a ON a.id =
			(SELECT l.id FROM audit_events l WHERE l.org_id = o.id ORDER BY l.at DESC, l.id DESC LIMIT 1)
		WHERE o.slug = CAST($1 AS TEXT)`, slug), []any{&id, &at}}) // CAST: see reader
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("organisation")
	} else if err != nil {
		return nil, fmt.Errorf("find organisation %q: %w", slug, err)
	}
	stamp := ""
	if id.Valid {
		stamp = changeStamp(id.Int64, at.Time)
	}
	memo.remember(o.ID, stamp)
	return o, nil
}

// scanMore scans a row into the destinations asked for and then into more of its own.
type scanMore struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (s scanMore) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// among is a row whose columns, between before's and after's, may all be NULL (of a LEFT
// JOIN that found nothing): those leave their destinations as they are.
type among struct {
	row           interface{ Scan(...any) error }
	before, after []any
}

func (a among) Scan(dest ...any) error {
	all := slices.Clone(a.before)
	for _, d := range dest {
		all = append(all, orNull{d})
	}
	return a.row.Scan(append(all, a.after...)...)
}

// orNull scans a value into dest as database/sql would, and a NULL into nothing.
type orNull struct{ dest any }

func (n orNull) Scan(src any) error {
	if src == nil {
		return nil
	}
	switch d := n.dest.(type) {
	case sql.Scanner:
		return d.Scan(src)
	case *int64:
		return assign(d, src)
	case *string:
		return assign(d, src)
	case *time.Time:
		return assign(d, src)
	}
	return fmt.Errorf("orNull: cannot scan into %T", n.dest)
}

func assign[T any](dest *T, src any) error {
	var v sql.Null[T]
	if err := v.Scan(src); err != nil {
		return err
	}
	*dest = v.V
	return nil
}

// FindOrganisation is DB.FindOrganisation inside the transaction.
func (tx *Tx) FindOrganisation(ctx context.Context, slug string) (*utsyn.Organisation, error) {
	return findOrganisation(ctx, tx.tx, slug)
}

func findOrganisation(ctx context.Context, q queryer, slug string) (*utsyn.Organisation, error) {
	o, err := scanOrganisation(q.QueryRowContext(ctx, `SELECT `+organisationColumns+` FROM organisations WHERE slug = $1`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("organisation")
	} else if err != nil {
		return nil, fmt.Errorf("find organisation %q: %w", slug, err)
	}
	return o, nil
}

// CreateOrganisation stores a new organisation and sets its ID and times.
func (tx *Tx) CreateOrganisation(ctx context.Context, o *utsyn.Organisation) error {
	if err := utsyn.ValidateOrganisation(o); err != nil {
		return err
	}
	var demoNote utsyn.Text
	var demoURL string
	if o.Demo != nil {
		demoNote, demoURL = o.Demo.Note, o.Demo.SourceURL
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE slug = $1`, o.Slug).Scan(&n); err != nil {
		return fmt.Errorf("create organisation: %w", err)
	} else if n > 0 {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
	}
	o.CreatedAt, o.UpdatedAt = tx.now, tx.now
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, vision, org_number, country, nuts, website, demo_note, demo_source_url, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		o.Slug, o.Name, o.Vision, o.OrgNumber, o.Country, o.NUTS, o.Website, nullText(demoNote), demoURL, tx.now, tx.now).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create organisation: %w", err)
	}
	return nil
}

// nullText stores an empty Text as NULL, for optional texts.
func nullText(t utsyn.Text) any {
	if t.IsZero() {
		return nil
	}
	return t
}
