package web

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// An engagement's money: lines per year and kind, in NOK or EUR, and the totals. A total that
// needs an exchange rate the organisation has not set is shown in its own currencies and
// flagged; it is never converted at a rate Utsyn would have to make up.

// regMoney is an engagement's money as its page shows it.
type regMoney struct {
	Years     []regMoneyYear
	Totals    []string // every year, a sum per currency
	NOK       string   // every year in NOK; "" when a year lacks its rate
	Missing   []int    // the years whose totals lack a rate
	NewHref   string   // for those who may change the engagement
	RatesHref string   // for administrators, where a rate is missing
}

type regMoneyYear struct {
	Year    int
	Lines   []regMoneyLine
	Sums    []string // a sum per currency
	NOK     string   // the year in NOK; "" when the rate is missing
	Rate    string   // the rate used, when one was
	Missing bool     // the year has amounts in EUR and no rate
}

type regMoneyLine struct {
	Kind, Funder, FunderHref, Note, Amount, Detail string
	EditHref, DeleteHref, Name                     string
}

// regSums adds amounts per currency, NOK first.
type regSums map[string]int64

func (cs regSums) shown(p *page) []string {
	var out []string
	for _, c := range utsyn.Currencies {
		if v, ok := cs[c]; ok {
			out = append(out, i18n.FormatMoney(p.Lang, float64(v)/100, c))
		}
	}
	return out
}

// inNOK converts the sums with the year's rate of EUR; ok is false when EUR needs a rate that
// is not set.
func (cs regSums) inNOK(rate float64) (minor int64, ok bool) {
	minor = cs["NOK"]
	if eur := cs["EUR"]; eur != 0 {
		if rate <= 0 {
			return 0, false
		}
		minor += int64(math.Round(float64(eur) * rate))
	}
	return minor, true
}

// eurRates returns the organisation's rates of EUR by year.
func (s *Server) eurRates(ctx context.Context, orgID int64) (map[int]float64, error) {
	rates, err := s.db.ExchangeRates(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := map[int]float64{}
	for _, r := range rates {
		if r.Currency == "EUR" {
			out[r.Year] = r.NOK
		}
	}
	return out, nil
}

// moneyOf lays out an engagement's money by year.
func (s *Server) moneyOf(ctx context.Context, p *page, e *utsyn.Engagement, change bool) (*regMoney, error) {
	lines, err := s.db.ListMoneyLines(ctx, p.Org.ID, e.ID)
	if err != nil {
		return nil, err
	}
	rates, err := s.eurRates(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	mv := &regMoney{}
	base := engagementBase(p, e.ID) + "/penger"
	if change {
		mv.NewHref = base + "/ny"
	}
	total := regSums{}
	var totalNOK int64
	allRates := true
	for _, m := range lines {
		if len(mv.Years) == 0 || mv.Years[len(mv.Years)-1].Year != m.Year {
			mv.Years = append(mv.Years, regMoneyYear{Year: m.Year})
		}
		y := &mv.Years[len(mv.Years)-1]
		v := regMoneyLine{Kind: p.MoneyKindLabel(m.Kind), Funder: m.Funder, Note: m.Note, Amount: p.FormatMoney(m.Amount),
			Name: strconv.Itoa(m.Year) + " " + p.MoneyKindLabel(m.Kind)}
		if m.FunderID != 0 {
			v.FunderHref = actorHref(p, m.FunderID)
		}
		if m.Kind == utsyn.MoneyOwnHours {
			v.Detail = p.T("money.hours_detail", "hours", i18n.FormatDecimal(p.Lang, m.Hours, decimalsOf(m.Hours)), "rate", p.FormatMoney(m.HourlyRate))
		}
		if change {
			id := strconv.FormatInt(m.ID, 10)
			v.EditHref, v.DeleteHref = base+"/"+id+"/rediger", base+"/"+id+"/slett"
		}
		y.Lines = append(y.Lines, v)
		total[m.Amount.Currency] += m.Amount.Minor
	}
	for i := range mv.Years {
		y := &mv.Years[i]
		sums := regSums{}
		for _, m := range lines {
			if m.Year == y.Year {
				sums[m.Amount.Currency] += m.Amount.Minor
			}
		}
		y.Sums = sums.shown(p)
		rate := rates[y.Year]
		if minor, ok := sums.inNOK(rate); ok {
			totalNOK += minor
			if sums["EUR"] != 0 {
				y.NOK = i18n.FormatMoney(p.Lang, float64(minor)/100, "NOK")
				y.Rate = i18n.FormatDecimal(p.Lang, rate, 4)
			}
		} else {
			y.Missing, allRates = true, false
			mv.Missing = append(mv.Missing, y.Year)
		}
	}
	mv.Totals = total.shown(p)
	if allRates && len(lines) > 0 {
		mv.NOK = i18n.FormatMoney(p.Lang, float64(totalNOK)/100, "NOK")
	}
	if len(mv.Missing) > 0 && p.CanAdmin() {
		mv.RatesHref = p.Href(p.Org.Slug, "admin", "valutakurser")
	}
	return mv, nil
}

// decimalsOf is how many decimals a number of hours needs: 37.5 → 1.
func decimalsOf(f float64) int {
	switch {
	case f == math.Trunc(f):
		return 0
	case f*10 == math.Trunc(f*10):
		return 1
	}
	return 2
}

// Money lines

var moneyFields = []string{"version", "year", "kind", "amount", "currency", "hours", "hourly_rate", "funder", "note"}

var moneyAliases = map[string]string{"engagement": ""}

func moneyValues(m *utsyn.MoneyLine) *eform {
	f := newEform(moneyFields)
	f.Values["version"] = strconv.Itoa(m.Version)
	f.Values["year"], f.Values["kind"], f.Values["currency"], f.Values["note"] = strconv.Itoa(m.Year), m.Kind, m.Amount.Currency, m.Note
	if m.Kind == utsyn.MoneyOwnHours {
		f.Values["hours"] = strconv.FormatFloat(m.Hours, 'f', -1, 64)
		f.Values["hourly_rate"] = amountString(m.HourlyRate.Minor)
	} else {
		f.Values["amount"] = amountString(m.Amount.Minor)
	}
	if m.FunderID != 0 {
		f.Values["funder"] = strconv.FormatInt(m.FunderID, 10)
	}
	return f
}

// moneyFrom reads a money line from its form; what cannot be read is failed on the form.
func moneyFrom(p *page, f *eform) *utsyn.MoneyLine {
	m := &utsyn.MoneyLine{Kind: f.Get("kind"), Note: f.Get("note"), Amount: utsyn.Money{Currency: f.Get("currency")}}
	if y, err := strconv.Atoi(f.Get("year")); err == nil && y >= 1990 && y <= 2100 {
		m.Year = y
	} else {
		f.Fail("year", p.T("error.year"))
	}
	if !slices.Contains(utsyn.MoneyKinds, m.Kind) {
		f.Fail("kind", p.T("error.money_kind"))
	}
	if !slices.Contains(utsyn.Currencies, m.Amount.Currency) {
		f.Fail("currency", p.T("error.currency"))
	}
	amount := func(name string, required bool) int64 {
		s := f.Get(name)
		if s == "" {
			if required {
				f.Fail(name, p.T("money.error.amount_required"))
			}
			return 0
		}
		minor, ok := parseAmount(s)
		switch {
		case !ok:
			f.Fail(name, p.T("register.error.amount"))
		case minor < 0:
			f.Fail(name, p.T("error.negative"))
		}
		return minor
	}
	if m.Kind == utsyn.MoneyOwnHours {
		if s := f.Get("hours"); s == "" {
			f.Fail("hours", p.T("money.error.hours_required"))
		} else if h, ok := parseDecimal(s); !ok {
			f.Fail("hours", p.T("money.error.hours"))
		} else if h < 0 {
			f.Fail("hours", p.T("error.negative"))
		} else {
			m.Hours = h
		}
		m.HourlyRate = utsyn.Money{Minor: amount("hourly_rate", true), Currency: m.Amount.Currency}
	} else {
		m.Amount.Minor = amount("amount", true)
	}
	m.FunderID = f.id(p, "funder")
	return m
}

func moneySets(p *page, f *eform, funders []*utsyn.Actor) []rset {
	b := &rbuilder{p: p, f: f}
	b.set("penger", "money.form.line", "")
	b.add(rfield{Name: "year", Label: p.T("money.field.year"), Hint: p.T("money.hint.year"), Type: "text", Inputmode: "numeric", Class: "input-year"})
	var kinds []ropt
	for _, k := range utsyn.MoneyKinds {
		kinds = append(kinds, ropt{Value: k, Label: p.MoneyKindLabel(k)})
	}
	b.choose("kind", "money.field.kind", "money.hint.kind", kinds)
	b.choose("currency", "register.field.currency", "", currencyOptions())
	b.input("amount", "money.field.amount", "money.hint.amount", "input-short")
	b.set("timer", "money.form.hours", "money.hint.hours_set")
	b.add(rfield{Name: "hours", Label: p.T("money.field.hours"), Type: "text", Inputmode: "decimal", Class: "input-short"})
	b.input("hourly_rate", "money.field.hourly_rate", "money.hint.hourly_rate", "input-short")
	b.set("finansiering", "money.form.funding", "")
	opts := []ropt{{Value: "", Label: p.T("register.none")}}
	for _, a := range funders {
		opts = append(opts, ropt{Value: strconv.FormatInt(a.ID, 10), Label: a.Name + " (" + p.CountryName(a.Country) + ")"})
	}
	b.choose("funder", "money.field.funder", "money.hint.funder", opts)
	b.input("note", "money.field.note", "money.hint.note", "")
	return b.sets
}

// funders are the actors a money line can name: the engagement's partners first, then every
// other actor of the organisation.
func (s *Server) funders(ctx context.Context, p *page, e *utsyn.Engagement) ([]*utsyn.Actor, error) {
	all, err := s.db.ListActors(ctx, p.Org.ID, "", 200)
	if err != nil {
		return nil, err
	}
	var out []*utsyn.Actor
	for _, pa := range e.Partners {
		if !slices.ContainsFunc(out, func(a *utsyn.Actor) bool { return a.ID == pa.ActorID }) {
			out = append(out, pa.Actor)
		}
	}
	for _, a := range all {
		if !slices.ContainsFunc(out, func(x *utsyn.Actor) bool { return x.ID == a.ID }) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s *Server) moneyEditor(ctx context.Context, p *page, e *utsyn.Engagement, m *utsyn.MoneyLine, f *eform) (*registerFormPage, error) {
	funders, err := s.funders(ctx, p, e)
	if err != nil {
		return nil, err
	}
	eb := engagementBase(p, e.ID)
	name := engagementName(p, e)
	fp := &registerFormPage{page: p, Form: f, Eyebrow: short(name, 80), Cancel: eb + "#penger", Lead: p.T("money.lead")}
	if m == nil {
		fp.Heading, fp.Action, fp.Submit = p.T("money.new.title"), eb+"/penger/ny", p.T("money.new.submit")
	} else {
		fp.Heading, fp.Action, fp.Submit = p.T("money.edit.title"), eb+"/penger/"+strconv.FormatInt(m.ID, 10)+"/rediger", p.T("editor.save")
		fp.Hidden = []hiddenField{{"version", f.Get("version")}}
	}
	fp.Title = fp.Heading
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)},
		{Label: short(name, 60), Href: eb}, {Label: fp.Heading}}
	fp.finish(moneySets(p, f, funders))
	return fp, nil
}

// findMoneyOf finds the money line of the path, of the engagement of the path.
func (s *Server) findMoneyOf(r *http.Request, p *page, e *utsyn.Engagement) (*utsyn.MoneyLine, error) {
	id, err := pathID(r, "line")
	if err != nil {
		return nil, err
	}
	m, err := s.db.FindMoneyLine(r.Context(), p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	if m.EngagementID != e.ID {
		return nil, errNotFound
	}
	return m, nil
}

func (s *Server) newMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f := newEform(moneyFields)
	f.Values["year"] = strconv.Itoa(time.Now().In(oslo).Year())
	f.Values["currency"], f.Values["kind"] = "NOK", utsyn.MoneyOwnCash
	fp, err := s.moneyEditor(r.Context(), p, e, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "register-form", http.StatusOK, fp)
	return nil
}

func (s *Server) createMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	f, err := readEform(r, moneyFields)
	if err != nil {
		return err
	}
	m := moneyFrom(p, f)
	m.EngagementID = e.ID
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.CreateMoneyLine(ctx, p.Org.ID, m) })
	if err == nil {
		return seeOther(w, r, engagementBase(p, e.ID)+"?lagret=1#penger")
	}
	if !f.failWith(p, err, moneyAliases) {
		return err
	}
	fp, err := s.moneyEditor(ctx, p, e, nil, f)
	if err != nil {
		return err
	}
	s.render(w, r, "register-form", http.StatusUnprocessableEntity, fp)
	return nil
}

func (s *Server) editMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	m, err := s.findMoneyOf(r, p, e)
	if err != nil {
		return err
	}
	fp, err := s.moneyEditor(r.Context(), p, e, m, moneyValues(m))
	if err != nil {
		return err
	}
	s.render(w, r, "register-form", http.StatusOK, fp)
	return nil
}

func (s *Server) updateMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	stored, err := s.findMoneyOf(r, p, e)
	if err != nil {
		return err
	}
	f, err := readEform(r, moneyFields)
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	m := moneyFrom(p, f)
	m.ID, m.EngagementID, m.Version = stored.ID, e.ID, version
	status := http.StatusUnprocessableEntity
	var conflict *conflictView
	err = s.save(ctx, p, f, func(tx *store.Tx) error { return tx.UpdateMoneyLine(ctx, p.Org.ID, m) })
	switch {
	case err == nil:
		return seeOther(w, r, engagementBase(p, e.ID)+"?lagret=1#penger")
	case isStaleVersion(err):
		if stored, err = s.findMoneyOf(r, p, e); err != nil {
			return err
		}
		funders, err := s.funders(ctx, p, e)
		if err != nil {
			return err
		}
		conflict = conflictOf(moneySets(p, f, funders), moneySets(p, moneyValues(stored), funders))
		s.lastChange(ctx, p, conflict, "money", stored.ID)
		f.Values["version"] = strconv.Itoa(stored.Version)
		status = http.StatusConflict
	case !f.failWith(p, err, moneyAliases):
		return err
	}
	fp, err := s.moneyEditor(ctx, p, e, stored, f)
	if err != nil {
		return err
	}
	fp.Conflict = conflict
	s.render(w, r, "register-form", status, fp)
	return nil
}

func (s *Server) moneyConfirm(p *page, e *utsyn.Engagement, m *utsyn.MoneyLine) *deletePage {
	eb := engagementBase(p, e.ID)
	name := engagementName(p, e)
	cp := &deletePage{page: p, Eyebrow: short(name, 80), Heading: p.T("money.delete.title"),
		Action: eb + "/penger/" + strconv.FormatInt(m.ID, 10) + "/slett", Submit: p.T("money.delete.submit"), Cancel: eb + "#penger",
		Hidden: []hiddenField{{"version", strconv.Itoa(m.Version)}}, Warning: p.T("money.delete.warning")}
	cp.Facts = []deleteFact{{Label: p.T("money.field.year"), Plain: strconv.Itoa(m.Year)}, {Label: p.T("money.field.kind"), Plain: p.MoneyKindLabel(m.Kind)},
		{Label: p.T("money.field.amount"), Plain: p.FormatMoney(m.Amount)}}
	if m.Funder != "" {
		cp.Facts = append(cp.Facts, deleteFact{Label: p.T("money.field.funder"), Plain: m.Funder})
	}
	cp.Title = cp.Heading
	cp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: p.T("register.title"), Href: registerHome(p)},
		{Label: short(name, 60), Href: eb}, {Label: cp.Heading}}
	return cp
}

func (s *Server) confirmDeleteMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	m, err := s.findMoneyOf(r, p, e)
	if err != nil {
		return err
	}
	s.render(w, r, "editor-confirm", http.StatusOK, s.moneyConfirm(p, e, m))
	return nil
}

func (s *Server) deleteMoneyLine(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	e, err := s.findChangeable(r, p)
	if err != nil {
		return err
	}
	m, err := s.findMoneyOf(r, p, e)
	if err != nil {
		return err
	}
	f, err := readEform(r, []string{"version"})
	if err != nil {
		return err
	}
	version, err := f.version()
	if err != nil {
		return err
	}
	err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.DeleteMoneyLineAt(ctx, p.Org.ID, m.ID, version) })
	if err == nil {
		return seeOther(w, r, engagementBase(p, e.ID)+"?slettet=1#penger")
	}
	if !isStaleVersion(err) {
		return err
	}
	if m, err = s.findMoneyOf(r, p, e); err != nil {
		return err
	}
	cp := s.moneyConfirm(p, e, m)
	cp.Problem = p.T("editor.stale.confirm")
	s.render(w, r, "editor-confirm", http.StatusConflict, cp)
	return nil
}

// Exchange rates (administrators)

// regRatesPanel is what the exchange-rate page shows above its form.
type regRatesPanel struct {
	Rates   []regRate
	Missing []int
}

type regRate struct{ Year, NOK string }

var rateFields = []string{"year", "rate"}

func (s *Server) ratesPage(ctx context.Context, p *page, f *eform) (*registerFormPage, error) {
	rates, err := s.db.ExchangeRates(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	missing, err := s.db.YearsWithout(ctx, p.Org.ID, "EUR")
	if err != nil {
		return nil, err
	}
	panel := &regRatesPanel{Missing: missing}
	for i := len(rates) - 1; i >= 0; i-- {
		if rates[i].Currency == "EUR" {
			panel.Rates = append(panel.Rates, regRate{Year: strconv.Itoa(rates[i].Year), NOK: i18n.FormatDecimal(p.Lang, rates[i].NOK, 4)})
		}
	}
	fp := &registerFormPage{page: p, Form: f, Heading: p.T("rates.title"), Lead: p.T("rates.lead"), Rates: panel,
		Action: p.Href(p.Org.Slug, "admin", "valutakurser"), Submit: p.T("rates.submit"), FormHeading: p.T("rates.form")}
	fp.Title = fp.Heading
	fp.Crumbs = []crumb{{Label: p.S(p.Org.Name), Href: p.Href(p.Org.Slug)}, {Label: fp.Heading}}
	b := &rbuilder{p: p, f: f}
	b.add(rfield{Name: "year", Label: p.T("money.field.year"), Type: "text", Inputmode: "numeric", Class: "input-year"})
	b.add(rfield{Name: "rate", Label: p.T("rates.field.rate"), Hint: p.T("rates.hint.rate"), Type: "text", Inputmode: "decimal", Class: "input-short"})
	fp.finish(b.sets)
	return fp, nil
}

func (s *Server) rates(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f := newEform(rateFields)
	missing, err := s.db.YearsWithout(ctx, p.Org.ID, "EUR")
	if err != nil {
		return err
	}
	f.Values["year"] = strconv.Itoa(time.Now().In(oslo).Year())
	if len(missing) > 0 {
		f.Values["year"] = strconv.Itoa(missing[0])
	}
	fp, err := s.ratesPage(ctx, p, f)
	if err != nil {
		return err
	}
	fp.Notice = noticeOf(r, p)
	s.render(w, r, "register-form", http.StatusOK, fp)
	return nil
}

func (s *Server) setRate(w http.ResponseWriter, r *http.Request, p *page) error {
	ctx := r.Context()
	f, err := readEform(r, rateFields)
	if err != nil {
		return err
	}
	rate := utsyn.ExchangeRate{Currency: "EUR"}
	if y, err := strconv.Atoi(f.Get("year")); err == nil && y >= 1990 && y <= 2100 {
		rate.Year = y
	} else {
		f.Fail("year", p.T("error.year"))
	}
	if v, ok := parseDecimal(f.Get("rate")); ok && v > 0 {
		rate.NOK = v
	} else {
		f.Fail("rate", p.T("error.rate"))
	}
	if !f.Failed() {
		err = s.db.UpdateAs(ctx, p.Actor, func(tx *store.Tx) error { return tx.SetExchangeRate(ctx, p.Org.ID, rate) })
		if err == nil {
			return seeOther(w, r, p.Href(p.Org.Slug, "admin", "valutakurser")+"?lagret=1")
		}
		if !f.failWith(p, err, nil) {
			return err
		}
	}
	fp, err := s.ratesPage(ctx, p, f)
	if err != nil {
		return err
	}
	s.render(w, r, "register-form", http.StatusUnprocessableEntity, fp)
	return nil
}
