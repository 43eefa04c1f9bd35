package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/utsyn/utsyn"
)

const moneyColumns = `m.id, m.engagement_id, m.year, m.kind, m.amount_minor, m.currency, m.hours, m.hourly_rate_minor,
	coalesce(m.funder_id, 0), coalesce(a.name, ''), m.note, m.version`

func scanMoneyLine(row interface{ Scan(...any) error }) (*utsyn.MoneyLine, error) {
	m := &utsyn.MoneyLine{}
	err := row.Scan(&m.ID, &m.EngagementID, &m.Year, &m.Kind, &m.Amount.Minor, &m.Amount.Currency, &m.Hours,
		&m.HourlyRate.Minor, &m.FunderID, &m.Funder, &m.Note, &m.Version)
	m.HourlyRate.Currency = m.Amount.Currency
	return m, err
}

// prepareMoneyLine checks a line and its references, and works out the amount of own hours.
func (tx *Tx) prepareMoneyLine(ctx context.Context, orgID int64, m *utsyn.MoneyLine) error {
	if m.Kind == utsyn.MoneyOwnHours {
		m.Amount.Minor = int64(math.Round(m.Hours * float64(m.HourlyRate.Minor)))
		m.HourlyRate.Currency = m.Amount.Currency
	}
	if err := utsyn.ValidateMoneyLine(m); err != nil {
		return err
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM engagements WHERE id = $1 AND org_id = $2`, m.EngagementID, orgID).Scan(&n); err != nil {
		return fmt.Errorf("money line: %w", err)
	} else if n != 1 {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "engagement"}
	}
	if m.FunderID != 0 {
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM actors WHERE id = $1 AND org_id = $2`, m.FunderID, orgID).Scan(&n); err != nil {
			return fmt.Errorf("money line: %w", err)
		} else if n != 1 {
			return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.reference", Field: "funder"}
		}
	}
	return nil
}

func moneyChanges(before, after *utsyn.MoneyLine) []utsyn.Change {
	var out []utsyn.Change
	str := func(m *utsyn.MoneyLine) [7]string {
		if m.Kind == "" {
			return [7]string{}
		}
		return [7]string{fmt.Sprint(m.Year), m.Kind, fmt.Sprintf("%.2f", m.Amount.Amount()), m.Amount.Currency,
			fmt.Sprint(m.Hours), fmt.Sprintf("%.2f", m.HourlyRate.Amount()), idString(m.FunderID)}
	}
	b, a := str(before), str(after)
	for i, name := range []string{"year", "kind", "amount", "currency", "hours", "hourly_rate", "funder"} {
		if b[i] != a[i] {
			out = append(out, utsyn.Change{Field: name, Before: b[i], After: a[i]})
		}
	}
	if before.Note != after.Note {
		out = append(out, utsyn.Change{Field: "note", Before: before.Note, After: after.Note})
	}
	return out
}

// CreateMoneyLine stores a money line of one of the organisation's engagements.
func (tx *Tx) CreateMoneyLine(ctx context.Context, orgID int64, m *utsyn.MoneyLine) error {
	if err := tx.prepareMoneyLine(ctx, orgID, m); err != nil {
		return err
	}
	m.Version = 1
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO money_lines (engagement_id, year, kind, amount_minor, currency, hours,
		hourly_rate_minor, funder_id, note, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		m.EngagementID, m.Year, m.Kind, m.Amount.Minor, m.Amount.Currency, m.Hours, m.HourlyRate.Minor, nullID(m.FunderID),
		m.Note, m.Version, tx.now, tx.now).Scan(&m.ID); err != nil {
		return fmt.Errorf("create money line: %w", err)
	}
	return tx.Record(ctx, orgID, "create", "money", m.ID, fmt.Sprintf("%d %s", m.Year, m.Kind), moneyChanges(&utsyn.MoneyLine{}, m))
}

// UpdateMoneyLine stores a new version of a money line, refusing a stale version.
func (tx *Tx) UpdateMoneyLine(ctx context.Context, orgID int64, m *utsyn.MoneyLine) error {
	before, err := findMoneyLine(ctx, tx.tx, orgID, m.ID)
	if err != nil {
		return err
	}
	if before.Version != m.Version {
		return &utsyn.Error{Code: utsyn.ECONFLICT, Message: "error.conflict"}
	}
	m.EngagementID = before.EngagementID
	if err := tx.prepareMoneyLine(ctx, orgID, m); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE money_lines SET year = $1, kind = $2, amount_minor = $3, currency = $4, hours = $5,
		hourly_rate_minor = $6, funder_id = $7, note = $8, version = version + 1, updated_at = $9 WHERE id = $10`,
		m.Year, m.Kind, m.Amount.Minor, m.Amount.Currency, m.Hours, m.HourlyRate.Minor, nullID(m.FunderID), m.Note, tx.now, m.ID); err != nil {
		return fmt.Errorf("update money line %d: %w", m.ID, err)
	}
	m.Version++
	return tx.Record(ctx, orgID, "update", "money", m.ID, fmt.Sprintf("%d %s", m.Year, m.Kind), moneyChanges(before, m))
}

// DeleteMoneyLine removes a money line of one of the organisation's engagements.
func (tx *Tx) DeleteMoneyLine(ctx context.Context, orgID, id int64) error {
	before, err := findMoneyLine(ctx, tx.tx, orgID, id)
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM money_lines WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete money line %d: %w", id, err)
	}
	return tx.Record(ctx, orgID, "delete", "money", id, fmt.Sprintf("%d %s", before.Year, before.Kind), moneyChanges(before, &utsyn.MoneyLine{}))
}

// FindMoneyLine returns one of the organisation's money lines.
func (db *DB) FindMoneyLine(ctx context.Context, orgID, id int64) (*utsyn.MoneyLine, error) {
	return findMoneyLine(ctx, db.reads(), orgID, id)
}

func findMoneyLine(ctx context.Context, q queryer, orgID, id int64) (*utsyn.MoneyLine, error) {
	m, err := scanMoneyLine(q.QueryRowContext(ctx, `SELECT `+moneyColumns+` FROM money_lines m JOIN engagements e ON e.id = m.engagement_id
		LEFT JOIN actors a ON a.id = m.funder_id WHERE m.id = $1 AND e.org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("money")
	} else if err != nil {
		return nil, fmt.Errorf("find money line %d: %w", id, err)
	}
	return m, nil
}

// ListMoneyLines returns an engagement's money lines by year and kind.
func (db *DB) ListMoneyLines(ctx context.Context, orgID, engagementID int64) ([]*utsyn.MoneyLine, error) {
	var out []*utsyn.MoneyLine
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		m, err := scanMoneyLine(r)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	}, `SELECT `+moneyColumns+` FROM money_lines m JOIN engagements e ON e.id = m.engagement_id LEFT JOIN actors a ON a.id = m.funder_id
		WHERE m.engagement_id = $1 AND e.org_id = $2 ORDER BY m.year, m.kind, m.id`, engagementID, orgID)
	if err != nil {
		return nil, fmt.Errorf("list money lines: %w", err)
	}
	return out, nil
}

// SetExchangeRate sets how many NOK a unit of the currency cost in the year.
func (tx *Tx) SetExchangeRate(ctx context.Context, orgID int64, r utsyn.ExchangeRate) error {
	if r.Currency != "EUR" || r.Year < 1990 || r.Year > 2100 || r.NOK <= 0 || r.NOK > 1000 {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "error.rate", Field: "rate"}
	}
	var before sql.NullFloat64
	if err := tx.tx.QueryRowContext(ctx, `SELECT nok FROM exchange_rates WHERE org_id = $1 AND year = $2 AND currency = $3`,
		orgID, r.Year, r.Currency).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set exchange rate: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM exchange_rates WHERE org_id = $1 AND year = $2 AND currency = $3`, orgID, r.Year, r.Currency); err != nil {
		return fmt.Errorf("set exchange rate: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO exchange_rates (org_id, year, currency, nok) VALUES ($1, $2, $3, $4)`,
		orgID, r.Year, r.Currency, r.NOK); err != nil {
		return fmt.Errorf("set exchange rate: %w", err)
	}
	b := ""
	if before.Valid {
		b = fmt.Sprint(before.Float64)
	}
	return tx.Record(ctx, orgID, "update", "exchange_rate", int64(r.Year), fmt.Sprintf("%s %d", r.Currency, r.Year),
		[]utsyn.Change{{Field: "nok", Before: b, After: fmt.Sprint(r.NOK)}})
}

// ExchangeRates returns the organisation's rates by year and currency.
func (db *DB) ExchangeRates(ctx context.Context, orgID int64) ([]utsyn.ExchangeRate, error) {
	var out []utsyn.ExchangeRate
	err := eachRow(ctx, db.reads(), func(r *sql.Rows) error {
		var x utsyn.ExchangeRate
		if err := r.Scan(&x.Year, &x.Currency, &x.NOK); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	}, `SELECT year, currency, nok FROM exchange_rates WHERE org_id = $1 ORDER BY year, currency`, orgID)
	if err != nil {
		return nil, fmt.Errorf("exchange rates: %w", err)
	}
	return out, nil
}
