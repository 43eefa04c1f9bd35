package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

var moneyColumns = map[string]string{"year": "year", "kind": "kind", "currency": "currency", "amount": "amount",
	"hours": "hours", "note": "note", "engagement": "engagement", "funder": "funder"}

// money stores the money sheet. A row with an id changes that line; a row without one is the
// same as a stored line of its engagement with every value alike (so importing a file twice
// adds nothing), or new. No line is deleted.
func (w *registerWriter) money(ctx context.Context) error {
	rows := w.j.sheets[sheetMoney]
	if len(rows) == 0 {
		return nil
	}
	type parsed struct {
		r  *rowReader
		m  *utsyn.MoneyLine
		en *engagementEntry
	}
	var lines []parsed
	engagementIDs := map[int64]bool{}
	for _, r := range rows {
		en := w.engagementRef(r, "engagement")
		m := &utsyn.MoneyLine{ID: r.id("id")}
		if en != nil {
			if en.id == 0 { // a new engagement that could not be stored
				r.fail("engagement", "import.problem.engagement_failed")
			}
			m.EngagementID = en.id
			engagementIDs[en.id] = true
		}
		year, err := parseYear(r.get("year"))
		if err != nil || year == 0 {
			r.fail("year", errYear.Error())
		}
		m.Year = year
		if kind, ok := w.look.moneyKinds.find(r.get("kind")); ok {
			m.Kind = kind
		} else {
			r.fail("kind", "import.problem.money_kind")
		}
		m.Amount = utsyn.Money{Minor: r.cents("amount"), Currency: strings.ToUpper(r.get("currency"))}
		if r.present("hours") {
			h, err := parseNumber(r.get("hours"))
			if err != nil {
				r.fail("hours", err.Error())
			}
			m.Hours = h
		}
		if r.present("hourly_rate") {
			m.HourlyRate = utsyn.Money{Minor: r.cents("hourly_rate"), Currency: m.Amount.Currency}
		}
		if m.Kind == utsyn.MoneyOwnHours {
			m.Amount.Minor = int64(float64(m.HourlyRate.Minor)*m.Hours + 0.5)
		}
		if v := strings.TrimSuffix(r.get("funder"), ".0"); v != "" {
			if a := w.actorRefs[v]; a != nil && a.actor.ID != 0 {
				m.FunderID = a.actor.ID
			} else {
				r.fail("funder", "import.problem.no_actor")
			}
		}
		m.Note = r.get("note")
		if err := utsyn.ValidateMoneyLine(m); err != nil {
			w.fieldErrors(r, err, moneyColumns)
		}
		lines = append(lines, parsed{r: r, m: m, en: en})
	}
	var ids []int64
	for id := range engagementIDs {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	stored, err := w.tx.MoneyLinesOf(ctx, w.j.org.ID, ids)
	if err != nil {
		return err
	}
	byID := map[int64]*utsyn.MoneyLine{}
	for _, ms := range stored {
		for _, m := range ms {
			byID[m.ID] = m
		}
	}
	used := map[int64]bool{}
	count := w.j.rep.count(EntityMoney)
	var creates []parsed
	for _, l := range lines {
		r, m := l.r, l.m
		if err := w.j.step(r); err != nil {
			return err
		}
		if r.failed {
			continue
		}
		if m.ID != 0 {
			old := byID[m.ID]
			if old == nil {
				// A line of another engagement, or of none of the organisation's.
				r.fail("id", "import.problem.no_money")
				continue
			}
			used[m.ID] = true
			if sameMoney(old, m) {
				count.Unchanged++
				continue
			}
			if w.stale(r, old.Version) {
				continue
			}
			m.Version = old.Version
			if err := w.tx.UpdateMoneyLine(ctx, w.j.org.ID, m); err != nil {
				if !w.fieldErrors(r, err, moneyColumns) {
					return err
				}
				continue
			}
			count.Updated++
			w.j.rep.change(Change{Entity: EntityMoney, Action: "update", ID: m.ID, Label: moneyLabel(m, l.en), Sheet: r.info.sheet, Row: r.row})
			continue
		}
		found := false
		for _, old := range stored[m.EngagementID] {
			if !used[old.ID] && sameMoney(old, m) {
				used[old.ID], found = true, true
				break
			}
		}
		if found {
			count.Unchanged++
			continue
		}
		creates = append(creates, l)
	}
	batch := make([]*utsyn.MoneyLine, len(creates))
	for i, l := range creates {
		batch[i] = l.m
	}
	if err := w.tx.ImportMoneyLines(ctx, w.j.org.ID, batch); err != nil {
		var ie *store.ImportError
		if errors.As(err, &ie) && w.fieldErrors(creates[ie.Index].r, ie.Err, moneyColumns) {
			return nil
		}
		return err
	}
	for _, l := range creates {
		count.Created++
		w.j.rep.change(Change{Entity: EntityMoney, Action: "create", ID: l.m.ID, Label: moneyLabel(l.m, l.en), Sheet: l.r.info.sheet, Row: l.r.row})
	}
	return nil
}

// sameMoney reports whether two lines say the same.
func sameMoney(a, b *utsyn.MoneyLine) bool {
	return a.EngagementID == b.EngagementID && a.Year == b.Year && a.Kind == b.Kind && a.Amount.Minor == b.Amount.Minor &&
		a.Amount.Currency == b.Amount.Currency && a.Hours == b.Hours && a.HourlyRate.Minor == b.HourlyRate.Minor &&
		a.FunderID == b.FunderID && strings.TrimSpace(a.Note) == strings.TrimSpace(b.Note)
}

func moneyLabel(m *utsyn.MoneyLine, en *engagementEntry) string {
	label := fmt.Sprintf("%d %s %s %s", m.Year, m.Kind, m.Amount.Currency, formatCents(m.Amount.Minor))
	if en != nil && en.e != nil {
		label = en.e.Title.Get("nb") + ": " + label
	} else if en != nil {
		label = "#" + strconv.FormatInt(en.id, 10) + ": " + label
	}
	return label
}
