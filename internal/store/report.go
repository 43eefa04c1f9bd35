package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/utsyn/utsyn"
)

// The reads an annual report is built from (internal/report computes the report itself), and
// the reports an editor has published.

// ReportQuery selects the records of one organisation that an annual report for a period
// counts.
type ReportQuery struct {
	OrgID    int64
	From, To utsyn.Date // known to the day; To is the period's last day
	// Statuses are the engagement statuses the report counts (work that happened, not ideas
	// or refused applications).
	Statuses []string
	// PublicOnly reads what the public may see and nothing else: published engagements
	// without their internal fields (unit, responsible person, membership facts), external
	// grants only (the council's own money is internal), no status updates, and only the
	// indicators marked public. A public report is built from such a read, so no internal
	// record can reach it.
	PublicOnly bool
	// RenewalsUntil, when set, also reads the renewal dates of memberships that fall from the
	// period's start to this day (not for a public report).
	RenewalsUntil utsyn.Date
	// Details also reads every engagement's details (see ReportDetails) with it, for a report
	// that shows them all: one walk of the period's engagements instead of a lookup of each.
	Details bool
}

// ReportData is what a report is built from.
type ReportData struct {
	Engagements []*ReportEngagement // by id, without their details (see ReportDetails)
	Money       []*ReportMoney      // by engagement, year, kind, id
	Updates     []*ReportUpdate     // the latest status update, on or before the period's end, of each engagement and element that has one
}

// ReportEngagement is an engagement as a report counts it. ReportData reads what every figure
// needs; ReportDetails adds the rest for the engagements a report shows.
type ReportEngagement struct {
	ID         int64
	Kind       string
	Status     string
	Start, End utsyn.Date
	Public     bool
	TitleSort  string   // the title folded, for sorting
	Elements   []int64  // the strategy elements it serves
	Countries  []string // its partners' countries, sorted, each once

	// Details.
	Detailed    bool
	Title       utsyn.Text
	Acronym     string
	Unit        string     // internal
	Responsible string     // the responsible person's name; internal
	RenewalDate utsyn.Date // memberships; internal
}

// ReportMoney is one money line.
type ReportMoney struct {
	ID           int64
	EngagementID int64
	Year         int
	Kind         string
	Amount       utsyn.Money
}

// ReportUpdate is a status update of an engagement or an element.
type ReportUpdate struct {
	ID           int64
	EngagementID int64 // 0 for an element's
	ElementID    int64 // 0 for an engagement's
	Date         utsyn.Date
	Status       string // on_track, at_risk, off_track, done
	Narrative    string
	Author       string
}

// reportInPeriod is the condition that an engagement e ran at some time in the period from $2 to $3
// (YYYY-MM-DD). Dates known only to the month or year are compared at their own precision, so
// an end of "2025" reaches into a period that starts on 2025-03-01. Comparing equal-length
// prefixes keeps the result the same under any collation.
const reportInPeriod = `e.org_id = $1
	AND (e.start_date IS NULL OR e.start_date <= substr($3, 1, length(e.start_date)))
	AND (e.end_date IS NULL OR e.end_date >= substr($2, 1, length(e.end_date)))`

// reportChunk is how many ids one query names.
const reportChunk = 1000

// ReportData reads the records a report for the period counts: the engagements that ran in it
// with one of the statuses, their strategy links and partner countries, their money lines of
// the period's years, and the latest status updates. It reads from indexes
// (engagements_report, money_lines_report) and runs its queries side by side, so a report of
// 100,000 engagements costs a walk of each index, not a lookup per row. The queries do not
// share one snapshot: a record stored while they run may be missing from some of them, and is
// then left out.
func (db *DB) ReportData(ctx context.Context, q ReportQuery) (*ReportData, error) {
	if q.From.Day == 0 || q.To.Day == 0 {
		return nil, fmt.Errorf("report data: the period must be known to the day")
	}
	where := reportInPeriod
	args := []any{q.OrgID, q.From.String(), q.To.String()}
	if len(q.Statuses) > 0 {
		ps := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			args = append(args, s)
			ps[i] = fmt.Sprintf("$%d", len(args))
		}
		where += ` AND e.status IN (` + strings.Join(ps, ", ") + `)`
	}
	if q.PublicOnly {
		args = append(args, true)
		where += fmt.Sprintf(` AND e.public = $%d`, len(args))
	}
	// The period's engagements again, as a subquery: the condition is read from the index
	// engagements_report, cheaper than naming thousands of ids.
	in := `(SELECT e.id FROM engagements e WHERE ` + where + `)`

	type link struct{ engagement, other int64 }
	var (
		data      = &ReportData{}
		links     []link
		partners  []link
		countries = map[int64]string{}
		renewals  = map[int64]utsyn.Date{}
	)
	queries := []func() error{
		func() error {
			if q.Details {
				return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
					e := &ReportEngagement{Detailed: true}
					var unit, responsible string
					var renewal utsyn.Date
					if err := rows.Scan(&e.ID, &e.Kind, &e.Status, &e.Start, &e.End, &e.Public, &e.TitleSort,
						&e.Title, &e.Acronym, &unit, &responsible, &renewal); err != nil {
						return err
					}
					if !q.PublicOnly {
						e.Unit, e.Responsible, e.RenewalDate = unit, responsible, renewal
					}
					data.Engagements = append(data.Engagements, e)
					return nil
				}, `SELECT e.id, e.kind, e.status, e.start_date, e.end_date, e.public, e.title_sort,
					e.title, e.acronym, e.unit, coalesce(u.name, u.email, ''), e.renewal_date
					FROM engagements e LEFT JOIN users u ON u.id = e.responsible_id WHERE `+where, args...)
			}
			return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
				e := &ReportEngagement{}
				if err := rows.Scan(&e.ID, &e.Kind, &e.Status, &e.Start, &e.End, &e.Public, &e.TitleSort); err != nil {
					return err
				}
				data.Engagements = append(data.Engagements, e)
				return nil
			}, `SELECT e.id, e.kind, e.status, e.start_date, e.end_date, e.public, e.title_sort FROM engagements e WHERE `+where, args...)
		},
		func() error {
			return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
				var l link
				if err := rows.Scan(&l.engagement, &l.other); err != nil {
					return err
				}
				links = append(links, l)
				return nil
			}, `SELECT engagement_id, element_id FROM engagement_elements WHERE engagement_id IN `+in, args...)
		},
		func() error {
			err := eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
				var id int64
				var country string
				if err := rows.Scan(&id, &country); err != nil {
					return err
				}
				countries[id] = country
				return nil
			}, `SELECT id, country FROM actors WHERE org_id = $1`, q.OrgID)
			if err != nil {
				return err
			}
			return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
				var l link
				if err := rows.Scan(&l.engagement, &l.other); err != nil {
					return err
				}
				partners = append(partners, l)
				return nil
			}, `SELECT engagement_id, actor_id FROM engagement_partners WHERE engagement_id IN `+in, args...)
		},
		func() error {
			margs := append(slices.Clone(args), q.From.Year, q.To.Year)
			money := fmt.Sprintf(` AND year >= $%d AND year <= $%d`, len(margs)-1, len(margs))
			if q.PublicOnly {
				margs = append(margs, utsyn.MoneyExternalGrant)
				money += fmt.Sprintf(` AND kind = $%d`, len(margs))
			}
			return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
				m := &ReportMoney{}
				if err := rows.Scan(&m.EngagementID, &m.Year, &m.Kind, &m.Amount.Currency, &m.Amount.Minor, &m.ID); err != nil {
					return err
				}
				data.Money = append(data.Money, m)
				return nil
			}, `SELECT engagement_id, year, kind, currency, amount_minor, id FROM money_lines WHERE engagement_id IN `+in+money, margs...)
		},
	}
	if !q.PublicOnly {
		queries = append(queries, func() (err error) {
			data.Updates, err = db.latestUpdates(ctx, q.OrgID, q.To)
			return err
		})
		if !q.RenewalsUntil.IsZero() && !q.Details { // the details carry every renewal date
			queries = append(queries, func() error {
				rargs := append(slices.Clone(args), q.RenewalsUntil.String())
				return eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
					var id int64
					var d utsyn.Date
					if err := rows.Scan(&id, &d); err != nil {
						return err
					}
					renewals[id] = d
					return nil
				}, `SELECT e.id, e.renewal_date FROM engagements e WHERE `+where+` AND e.kind = 'membership' AND e.renewal_date IS NOT NULL
					AND e.renewal_date >= substr($2, 1, length(e.renewal_date))
					AND e.renewal_date <= substr(`+fmt.Sprintf("$%d", len(rargs))+`, 1, length(e.renewal_date))`, rargs...)
			})
		}
	}
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, query := range queries {
		wg.Go(func() { errs[i] = query() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("report data: %w", err)
	}

	slices.SortFunc(data.Engagements, func(a, b *ReportEngagement) int { return cmp.Compare(a.ID, b.ID) })
	byID := make(map[int64]*ReportEngagement, len(data.Engagements))
	for _, e := range data.Engagements {
		byID[e.ID] = e
		if d, ok := renewals[e.ID]; ok {
			e.RenewalDate = d
		}
	}
	for _, l := range links {
		if e := byID[l.engagement]; e != nil {
			e.Elements = append(e.Elements, l.other)
		}
	}
	for _, l := range partners {
		e, c := byID[l.engagement], countries[l.other]
		if e != nil && c != "" && !slices.Contains(e.Countries, c) {
			e.Countries = append(e.Countries, c)
		}
	}
	for _, e := range data.Engagements {
		slices.Sort(e.Countries)
	}
	data.Money = slices.DeleteFunc(data.Money, func(m *ReportMoney) bool { return byID[m.EngagementID] == nil })
	slices.SortFunc(data.Money, func(a, b *ReportMoney) int {
		return cmp.Or(cmp.Compare(a.EngagementID, b.EngagementID), cmp.Compare(a.Year, b.Year), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	data.Updates = slices.DeleteFunc(data.Updates, func(u *ReportUpdate) bool { return u.EngagementID != 0 && byID[u.EngagementID] == nil })
	return data, nil
}

// reportIDList writes the engagements' ids for an IN list: integers of ours, safe to inline.
func reportIDList(es []*ReportEngagement) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(e.ID, 10))
	}
	return b.String()
}

// ReportDetails adds the details (title, acronym, and unless publicOnly the responsible unit
// and person and a membership's renewal date) to the engagements that lack them. The rows are
// found by id alone, and those of another organisation left out here: a condition on the
// organisation would make SQLite walk the organisation's index once per chunk.
func (db *DB) ReportDetails(ctx context.Context, orgID int64, es []*ReportEngagement, publicOnly bool) error {
	var todo []*ReportEngagement
	byID := map[int64]*ReportEngagement{}
	for _, e := range es {
		if !e.Detailed && byID[e.ID] == nil {
			todo = append(todo, e)
			byID[e.ID] = e
		}
	}
	for chunk := range slices.Chunk(todo, reportChunk) {
		err := eachRow(ctx, db.read, func(rows *sql.Rows) error {
			var id, org int64
			var d ReportEngagement
			if err := rows.Scan(&id, &org, &d.Title, &d.Acronym, &d.Unit, &d.Responsible, &d.RenewalDate); err != nil {
				return err
			}
			if org != orgID {
				return nil
			}
			e := byID[id]
			e.Title, e.Acronym, e.Detailed = d.Title, d.Acronym, true
			if !publicOnly {
				e.Unit, e.Responsible, e.RenewalDate = d.Unit, d.Responsible, d.RenewalDate
			}
			return nil
		}, `SELECT e.id, e.org_id, e.title, e.acronym, e.unit, coalesce(u.name, u.email, ''), e.renewal_date
			FROM engagements e LEFT JOIN users u ON u.id = e.responsible_id WHERE e.id IN (`+reportIDList(chunk)+`)`)
		if err != nil {
			return fmt.Errorf("report details: %w", err)
		}
	}
	return nil
}

// latestUpdates returns the latest status update on or before the day of each engagement of
// the report and of each of the organisation's elements.
func (db *DB) latestUpdates(ctx context.Context, orgID int64, to utsyn.Date) ([]*ReportUpdate, error) {
	type target struct{ engagement, element int64 }
	latest := map[target]*ReportUpdate{}
	var order []target
	err := eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
		u := &ReportUpdate{}
		var engagement, element sql.NullInt64
		if err := rows.Scan(&u.ID, &engagement, &element, &u.Date, &u.Status, &u.Narrative, &u.Author); err != nil {
			return err
		}
		u.EngagementID, u.ElementID = engagement.Int64, element.Int64
		k := target{u.EngagementID, u.ElementID}
		if latest[k] == nil {
			order = append(order, k)
		}
		latest[k] = u // rows come oldest first
		return nil
	}, `SELECT id, engagement_id, element_id, date, status, narrative, author_label FROM status_updates
		WHERE org_id = $1 AND date <= $2 ORDER BY date, id`, orgID, to.String())
	if err != nil {
		return nil, fmt.Errorf("report status updates: %w", err)
	}
	out := make([]*ReportUpdate, 0, len(order))
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out, nil
}

// ChangeStamp names the state of the organisation's records: the newest event of its audit
// trail, which every change records. A view built when the stamp was the same (a report, the
// published work of the public pages) shows the same records. "" when the organisation has no events yet.
func (db *DB) ChangeStamp(ctx context.Context, orgID int64) (string, error) {
	memo := stamps(ctx)
	if memo == nil {
		return readChangeStamp(ctx, db.reads(), orgID)
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if stamp, ok := memo.stamps[orgID]; ok {
		return stamp, nil
	}
	stamp, err := readChangeStamp(ctx, db.reads(), orgID)
	if err == nil {
		memo.stamps[orgID] = stamp
	}
	return stamp, err
}

// OneChangeStamp returns a context in which ChangeStamp reads each organisation's stamp once,
// for a request that only reads: its parts (the register's choices, then its list) then
// show the records in one state, and the second asks no query (a twentieth of a list page's
// time). FindOrganisation in it reads the organisation's stamp with the organisation, so that
// the first asks none either. A request that writes must not use it: it would see the stamp
// from before its change. In a context that has one already, it returns that context.
func OneChangeStamp(ctx context.Context) context.Context {
	if stamps(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, stampMemoKey{}, &stampMemo{stamps: map[int64]string{}})
}

type stampMemoKey struct{}

type stampMemo struct {
	mu     sync.Mutex
	stamps map[int64]string
	orgs   map[string]*utsyn.Organisation // read with their stamps (FindSession), by slug
}

func stamps(ctx context.Context) *stampMemo {
	memo, _ := ctx.Value(stampMemoKey{}).(*stampMemo)
	return memo
}

// found keeps an organisation read with its stamp, for FindOrganisation to answer with.
func (m *stampMemo) found(o *utsyn.Organisation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.orgs == nil {
		m.orgs = map[string]*utsyn.Organisation{}
	}
	m.orgs[o.Slug] = o
}

func (m *stampMemo) organisation(slug string) *utsyn.Organisation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orgs[slug]
}

// remember keeps the organisation's stamp, read with something else.
func (m *stampMemo) remember(orgID int64, stamp string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stamps[orgID] = stamp
}

func readChangeStamp(ctx context.Context, q queryer, orgID int64) (string, error) {
	var id int64
	var at time.Time
	// CAST: see reader.
	err := q.QueryRowContext(ctx, `SELECT id, at FROM audit_events WHERE org_id = CAST($1 AS BIGINT) ORDER BY at DESC, id DESC LIMIT 1`,
		orgID).Scan(&id, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("report stamp: %w", err)
	}
	return changeStamp(id, at), nil
}

// changeStamp names the audit event id at at as a stamp.
func changeStamp(id int64, at time.Time) string {
	return strconv.FormatInt(id, 10) + "@" + at.UTC().Format(time.RFC3339Nano)
}

// Report forms that can be published.
const ReportFormPolitical = "political"

// PublishedReport is an annual report an editor has put on the public pages. It holds no
// figures: the public page builds the report again from published data only.
type PublishedReport struct {
	ID          int64
	OrgID       int64
	From, To    utsyn.Date
	Form        string
	PublishedBy string
	PublishedAt time.Time
}

// PublishReport publishes the political report for a period, or records that it was published
// again (by whom and when) when it is already.
func (tx *Tx) PublishReport(ctx context.Context, r *PublishedReport) error {
	if r.Form != ReportFormPolitical {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "report.error.publish_form", Field: "form"}
	}
	if r.From.Day == 0 || r.To.Day == 0 || r.To.Time().Before(r.From.Time()) {
		return &utsyn.Error{Code: utsyn.EINVALID, Message: "report.error.period_order", Field: "til"}
	}
	r.PublishedBy, r.PublishedAt = tx.label(), tx.now
	var id int64
	err := tx.tx.QueryRowContext(ctx, `SELECT id FROM published_reports WHERE org_id = $1 AND period_from = $2 AND period_to = $3 AND form = $4`,
		r.OrgID, r.From.String(), r.To.String(), r.Form).Scan(&id)
	action := "update"
	switch {
	case errors.Is(err, sql.ErrNoRows):
		action = "publish"
		err = tx.tx.QueryRowContext(ctx, `INSERT INTO published_reports (org_id, period_from, period_to, form, published_by, published_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.OrgID, r.From.String(), r.To.String(), r.Form, r.PublishedBy, r.PublishedAt).Scan(&id)
	case err == nil:
		_, err = tx.tx.ExecContext(ctx, `UPDATE published_reports SET published_by = $1, published_at = $2 WHERE id = $3`, r.PublishedBy, r.PublishedAt, id)
	}
	if err != nil {
		return fmt.Errorf("publish report: %w", err)
	}
	r.ID = id
	return tx.Record(ctx, r.OrgID, action, "report", id, r.From.String()+" – "+r.To.String(),
		[]utsyn.Change{{Field: "published", After: r.From.String() + " – " + r.To.String() + " (" + r.Form + ")"}})
}

// UnpublishReport takes a published report off the public pages.
func (tx *Tx) UnpublishReport(ctx context.Context, orgID, id int64) error {
	r, err := findPublishedReport(ctx, tx.tx, orgID, id)
	if err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM published_reports WHERE id = $1 AND org_id = $2`, id, orgID); err != nil {
		return fmt.Errorf("unpublish report %d: %w", id, err)
	}
	return tx.Record(ctx, orgID, "unpublish", "report", id, r.From.String()+" – "+r.To.String(),
		[]utsyn.Change{{Field: "published", Before: r.From.String() + " – " + r.To.String() + " (" + r.Form + ")"}})
}

// ListPublishedReports returns the organisation's published reports, the latest period first.
func (db *DB) ListPublishedReports(ctx context.Context, orgID int64) ([]*PublishedReport, error) {
	var out []*PublishedReport
	err := eachRow(ctx, db.reads(), func(rows *sql.Rows) error {
		r, err := scanPublishedReport(rows)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, `SELECT `+publishedReportColumns+` FROM published_reports WHERE org_id = $1 ORDER BY period_to DESC, period_from DESC, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list published reports: %w", err)
	}
	return out, nil
}

// FindPublishedReport returns one of the organisation's published reports; a report of another
// organisation, or none, is not found.
func (db *DB) FindPublishedReport(ctx context.Context, orgID, id int64) (*PublishedReport, error) {
	return findPublishedReport(ctx, db.reads(), orgID, id)
}

const publishedReportColumns = `id, org_id, period_from, period_to, form, published_by, published_at`

func scanPublishedReport(row interface{ Scan(...any) error }) (*PublishedReport, error) {
	r := &PublishedReport{}
	err := row.Scan(&r.ID, &r.OrgID, &r.From, &r.To, &r.Form, &r.PublishedBy, &r.PublishedAt)
	return r, err
}

func findPublishedReport(ctx context.Context, q queryer, orgID, id int64) (*PublishedReport, error) {
	r, err := scanPublishedReport(q.QueryRowContext(ctx, `SELECT `+publishedReportColumns+` FROM published_reports WHERE id = $1 AND org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("report")
	} else if err != nil {
		return nil, fmt.Errorf("find published report %d: %w", id, err)
	}
	return r, nil
}
