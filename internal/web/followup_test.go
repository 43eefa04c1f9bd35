package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// followupFixture finds the demo strategy's measure M1.1 and registers an engagement under it,
// with the contributor given responsible for it.
type followupFixture struct {
	org        *utsyn.Organisation
	strategy   *utsyn.Strategy
	measure    *utsyn.Element
	priority   *utsyn.Element
	focusArea  *utsyn.Element // S1, above M1.1
	own, other *utsyn.Engagement
}

func newFollowupFixture(t *testing.T, db *store.DB, responsible *utsyn.User) *followupFixture {
	t.Helper()
	ctx := context.Background()
	f := &followupFixture{}
	var err error
	if f.org, err = db.FindOrganisation(ctx, "rogaland"); err != nil {
		t.Fatal(err)
	}
	if f.strategy, err = db.FindStrategy(ctx, f.org.ID, "internasjonal-strategi"); err != nil {
		t.Fatal(err)
	}
	tree, err := db.FindTree(ctx, f.strategy)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tree.Elements {
		switch e.Code {
		case "M1.1":
			f.measure = e
		case "P1":
			f.priority = e
		case "S1":
			f.focusArea = e
		}
	}
	if f.measure == nil || f.priority == nil || f.focusArea == nil {
		t.Fatal("the demo has no M1.1, S1 or P1")
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		f.own = &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindProject, Title: utsyn.NewText("Oppfølgingsprosjekt", ""),
			Status: utsyn.StatusRunning, Responsible: responsible.ID, Elements: []utsyn.ElementRef{{ElementID: f.measure.ID, Primary: true}}}
		f.other = &utsyn.Engagement{OrgID: f.org.ID, Kind: utsyn.KindArena, Title: utsyn.NewText("Annen arena", ""), Status: utsyn.StatusActive}
		if err := tx.CreateEngagement(ctx, f.own); err != nil {
			return err
		}
		return tx.CreateEngagement(ctx, f.other)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *followupFixture) elementPath() string {
	return "/nb/rogaland/oppfolging/element/" + strconv.FormatInt(f.measure.ID, 10)
}

func (f *followupFixture) engagementPath(e *utsyn.Engagement) string {
	return "/nb/rogaland/oppfolging/engasjement/" + strconv.FormatInt(e.ID, 10)
}

func TestFollowupUpdatesAndMilestones(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		editor := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		contributor := signedIn(t, srv, db, "rogaland", utsyn.RoleContributor)
		reader := signedIn(t, srv, db, "rogaland", utsyn.RoleReader)
		cu, err := db.FindUserByEmail(ctx, "contributor-rogaland@example.org")
		if err != nil {
			t.Fatal(err)
		}
		f := newFollowupFixture(t, db, cu)
		el := f.elementPath()

		// A status update with mistakes comes back with each message beside its field.
		resp, body := editor.post(el+"/oppdatering", url.Values{"date": {"2026-13-01"}, "status": {"grønn"}, "narrative": {"Typet tekst"},
			"evidence": {"ikke-en-lenke"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `href="#date"`, `href="#status"`, `href="#evidence"`, `id="date-error"`, "Typet tekst", "ikke-en-lenke")

		_, body = editor.submit(el+"/oppdatering", url.Values{"date": {"2026-11-02"}, "status": {"at_risk"},
			"narrative": {"Samarbeidsavtalen er forsinket."}, "evidence": {"https://example.org/referat.pdf Referat"}})
		wantIn(t, body, "Risiko", "Samarbeidsavtalen er forsinket.", `href="https://example.org/referat.pdf"`, "editor-rogaland@example.org")

		// No change since last time, in one click.
		_, body = editor.submit(el+"/ingen-endring", url.Values{})
		wantIn(t, body, "Lagret: ingen endring siden sist.", "Ingen endring siden sist.")
		ups, err := db.ListStatusUpdates(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID})
		if err != nil || len(ups) != 2 || !ups[0].NoChange || ups[0].Status != utsyn.FollowAtRisk {
			t.Fatalf("updates after no change: %+v, %v", ups, err)
		}
		// An engagement never updated has nothing to repeat.
		resp, body = editor.post(f.engagementPath(f.other)+"/ingen-endring", url.Values{})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Det finnes ingen tidligere statusoppdatering")

		// The focus area above rolls up, with the rule beside it.
		_, body = reader.get("/nb/rogaland/oppfolging/strategi/internasjonal-strategi")
		wantIn(t, body, "Sammenstilt etter verste status: 1 av", "har risiko", "Regel for sammenstilling")
		_, body = reader.get(strategyPath)
		wantIn(t, body, `href="/nb/rogaland/oppfolging/strategi/internasjonal-strategi"`)
		_, body = reader.get("/nb/rogaland/oppfolging/element/" + strconv.FormatInt(f.focusArea.ID, 10))
		wantIn(t, body, "Sammenstilt status", "Sammenstilt etter verste status: 1 av")

		// Cadence and weight: saved, and a stale form is refused beside what is stored.
		form := url.Values{"version": {strconv.Itoa(f.measure.Version)}, "cadence": {"monthly"}, "weight": {"2,5"}}
		_, body = editor.submit(el+"/innstillinger", form)
		wantIn(t, body, "Oppdateres hver måned")
		form.Set("cadence", "yearly")
		resp, body = editor.post(el+"/innstillinger", form)
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, `class="conflict-table"`, "hvert år", "hver måned")
		resp, body = editor.post(el+"/innstillinger", url.Values{"version": {strconv.Itoa(f.measure.Version + 1)}, "cadence": {"sometimes"}, "weight": {"mye"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `id="weight-error"`, `id="cadence-error"`)

		// The weighted rule, with its formula beside the figure; a rule set from a stale form is refused.
		rules := "/nb/rogaland/oppfolging/strategi/internasjonal-strategi/regler"
		_, body = editor.submit(rules, url.Values{"version": {strconv.Itoa(f.strategy.Version)}, "rule": {"weighted"}})
		wantIn(t, body, "Sammenstilt som vektet snitt: (2,5 × 0,5) / 2,5 = 0,5 → risiko (på sporet fra 0,75, risiko fra 0,4).")
		resp, body = editor.post(rules, url.Values{"version": {strconv.Itoa(f.strategy.Version)}, "rule": {"worst"}})
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, `class="conflict-table"`)

		// Milestones: added, ticked, and an edit from a page read before the tick refused.
		resp, body = editor.post(el+"/milepel/ny", url.Values{"title": {""}, "due": {"snart"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `id="title-error"`, `id="due-error"`)
		_, body = editor.submit(el+"/milepel/ny", url.Values{"title": {"Avtale signert"}, "due": {"2026-12"}})
		wantIn(t, body, "Avtale signert", "desember 2026", "Ikke nådd")
		ms, err := db.ListMilestones(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID})
		if err != nil || len(ms) != 1 {
			t.Fatalf("milestones: %v, %v", ms, err)
		}
		m := ms[0]
		mPath := "/nb/rogaland/oppfolging/milepel/" + strconv.FormatInt(m.ID, 10)
		_, body = editor.submit(mPath+"/ferdig", url.Values{"version": {strconv.Itoa(m.Version)}, "ferdig": {"1"}})
		wantIn(t, body, "Nådd ")
		resp, body = editor.post(mPath+"/rediger", url.Values{"version": {strconv.Itoa(m.Version)}, "title": {"Avtale underskrevet"}, "due": {"2026-12"}})
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, "Avtale underskrevet", `class="conflict-table"`)
		resp, body = editor.post(mPath+"/ferdig", url.Values{"version": {strconv.Itoa(m.Version)}, "ferdig": {"0"}})
		wantStatus(t, resp, body, http.StatusConflict)

		// Contributors: their own engagement, not another's, and never a measure.
		_, body = contributor.submit(f.engagementPath(f.own)+"/oppdatering", url.Values{"date": {"2026-11-20"}, "status": {"on_track"}})
		wantIn(t, body, "På sporet")
		for _, path := range []string{f.engagementPath(f.other) + "/oppdatering", el + "/oppdatering"} {
			resp, body = contributor.get(path)
			wantStatus(t, resp, body, http.StatusForbidden)
		}
		resp, body = contributor.post(f.engagementPath(f.other)+"/milepel/ny", url.Values{"title": {"x"}, "due": {"2027"}})
		wantStatus(t, resp, body, http.StatusForbidden)
		// The engagement's own page leads to its follow-up.
		_, body = reader.get("/nb/rogaland/engasjementer/" + strconv.FormatInt(f.own.ID, 10))
		wantIn(t, body, `href="`+f.engagementPath(f.own)+`"`)
		resp, body = reader.get(f.engagementPath(f.own))
		wantStatus(t, resp, body, http.StatusOK)
		wantNotIn(t, mainOf(body), "Ny statusoppdatering", "Ingen endring siden sist</button>")

		// Every write is in the audit trail.
		for _, entity := range []string{"status_update", "milestone", "element"} {
			ev, err := db.ListEvents(ctx, store.EventFilter{OrgID: f.org.ID, Entity: entity})
			if err != nil || len(ev) == 0 {
				t.Errorf("no audit events of %s: %v", entity, err)
			}
		}
	})
}

// Overdue updates are worked out with the server's clock: a fixed one here.
func TestOverdueUpdatesPage(t *testing.T) {
	srv0, db := newServer(t, "sqlite")
	_ = srv0
	ctx := context.Background()
	u := addUser(t, db, "rogaland", "leser@example.org", utsyn.RoleReader)
	f := newFollowupFixture(t, db, u)
	actor := &utsyn.Principal{User: u, OrgID: f.org.ID, Role: utsyn.RoleEditor, Label: "system-test"}
	err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		if err := tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemEngagement, ID: f.own.ID}, f.own.Version, store.FollowupSettings{Cadence: utsyn.CadenceQuarterly}); err != nil {
			return err
		}
		if err := tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID}, f.measure.Version, store.FollowupSettings{Cadence: utsyn.CadenceYearly, Weight: 1}); err != nil {
			return err
		}
		return tx.AddStatusUpdate(ctx, &utsyn.StatusUpdate{OrgID: f.org.ID, EngagementID: f.own.ID, Date: utsyn.MustDate("2026-08-01"), Status: utsyn.FollowOnTrack})
	})
	if err != nil {
		t.Fatal(err)
	}
	at := func(day string) string {
		t.Helper()
		now, _ := time.Parse("2006-01-02 15:04", day+" 12:00")
		srv := newServerWith(t, db, func() time.Time { return now })
		b := newBrowser(t, srv)
		b.signIn("leser@example.org", testPassword)
		resp, body := b.get("/nb/rogaland/oppfolging/forfalte")
		wantStatus(t, resp, body, http.StatusOK)
		main := mainOf(body)
		overdue, _, _ := strings.Cut(main, `id="kommende"`)
		return overdue
	}
	overdue := at("2026-10-15")
	wantIn(t, overdue, "M1.1", "aldri")
	wantNotIn(t, overdue, "Oppfølgingsprosjekt")
	overdue = at("2026-11-02")
	wantIn(t, overdue, "M1.1", "Oppfølgingsprosjekt", "1. november 2026")

	// The item shows it too.
	now, _ := time.Parse("2006-01-02", "2026-11-02")
	srv := newServerWith(t, db, func() time.Time { return now })
	b := newBrowser(t, srv)
	b.signIn("leser@example.org", testPassword)
	_, body := b.get(f.engagementPath(f.own))
	wantIn(t, body, "Forfalt:", "Oppdateres hvert kvartal; neste oppdatering: 1. november 2026.")
}

func TestIndicatorPages(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *httptest.Server, db *store.DB) {
		ctx := context.Background()
		editor := signedIn(t, srv, db, "rogaland", utsyn.RoleEditor)
		reader := signedIn(t, srv, db, "rogaland", utsyn.RoleReader)
		eu, _ := db.FindUserByEmail(ctx, "editor-rogaland@example.org")
		f := newFollowupFixture(t, db, eu)
		base := "/nb/rogaland/oppfolging/indikatorer"

		// Mistakes: no name, a bad target line, a computed source without a measure.
		resp, body := editor.post(base+"/ny", url.Values{"element": {fmt.Sprint(f.priority.ID)}, "name_nb": {""}, "direction": {"higher"},
			"source": {"register"}, "measure": {""}, "targets": {"2026 40"}, "unit_nb": {"besøk"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, `id="name_nb-error"`, `id="targets-error"`, `id="measure-error"`, `value="besøk"`)

		_, body = editor.submit(base+"/ny", url.Values{"element": {fmt.Sprint(f.priority.ID)}, "name_nb": {"Politiske besøk"},
			"name_en": {"Political visits"}, "direction": {"higher"}, "source": {"manual"}, "targets": {"2026: 12\n2027: 14"},
			"targets_example": {"1"}})
		wantIn(t, body, "Politiske besøk", "Enhet er ikke satt", "Eksempel")
		inds, err := db.ListIndicators(ctx, store.IndicatorFilter{OrgID: f.org.ID, ElementIDs: []int64{f.priority.ID}})
		if err != nil || len(inds) == 0 {
			t.Fatalf("indicators of P1: %v, %v", inds, err)
		}
		ind := inds[len(inds)-1]
		path := base + "/" + strconv.FormatInt(ind.ID, 10)

		_, body = editor.submit(path+"/verdi", url.Values{"period": {"2026"}, "value": {"9"}, "comment": {"Fra kalenderen"}})
		wantIn(t, body, "Fra kalenderen", "Ikke nådd")
		// A second value for the period, from a form read before the first: refused, shown beside it.
		resp, body = editor.post(path+"/verdi", url.Values{"period": {"2026"}, "value": {"10"}, "comment": {""}})
		wantStatus(t, resp, body, http.StatusConflict)
		wantIn(t, body, `class="conflict-table"`, `name="replaces" value="`)
		replaces := formValues(t, body, path+"/verdi").Get("replaces")
		resp, body = editor.post(path+"/verdi", url.Values{"replaces": {replaces}, "period": {"2026"}, "value": {"10"}, "comment": {""}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantIn(t, body, "Skriv hvorfor verdien endres")
		_, body = editor.submit(path+"/verdi", url.Values{"replaces": {replaces}, "period": {"2026"}, "value": {"12,0"}, "comment": {"Et besøk manglet"}})
		wantIn(t, body, "Et besøk manglet", "Fra kalenderen", "erstattet", "revidert 1 gang(er)", "Nådd")

		// Readers see it; the list names what is missing.
		_, body = reader.get(base + "/")
		wantIn(t, body, "Politiske besøk", "Enhet er ikke satt")
		resp, body = reader.get(path + "/rediger")
		wantStatus(t, resp, body, http.StatusForbidden)

		// A stale edit is refused beside what is stored.
		form := url.Values{"version": {"1"}, "element": {fmt.Sprint(f.priority.ID)}, "name_nb": {"Besøk"}, "direction": {"higher"},
			"source": {"manual"}, "unit_nb": {"besøk"}}
		_, _ = editor.submit(path+"/rediger", form)
		resp, body = editor.post(path+"/rediger", form)
		wantStatus(t, resp, body, http.StatusConflict)

		if ev, err := db.ListEvents(ctx, store.EventFilter{OrgID: f.org.ID, Entity: "indicator_value"}); err != nil || len(ev) != 2 || ev[0].Action != "revise" {
			t.Errorf("audit trail of the values: %+v, %v", ev, err)
		}
	})
}

// followupMatrixIDs adds to the permission matrix's records a milestone of the contributor's
// own engagement and one of another's, and an indicator.
func followupMatrixIDs(t *testing.T, db *store.DB, ids map[string]string) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, "rogaland")
	if err != nil {
		t.Fatal(err)
	}
	element, err := strconv.ParseInt(ids["element"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
		for _, key := range []string{"own", "others"} {
			e, err := strconv.ParseInt(ids[key], 10, 64)
			if err != nil {
				return err
			}
			m := &utsyn.Milestone{OrgID: org.ID, EngagementID: e, Title: "Matrise", Due: utsyn.MustDate("2027")}
			if err := tx.AddMilestone(ctx, m); err != nil {
				return err
			}
			ids[key+"Milestone"] = strconv.FormatInt(m.ID, 10)
		}
		ind := &utsyn.Indicator{OrgID: org.ID, ElementID: element, Name: utsyn.NewText("Matrise", ""), Direction: "higher", Source: "manual"}
		if err := tx.AddIndicator(ctx, ind); err != nil {
			return err
		}
		ids["indicator"] = strconv.FormatInt(ind.ID, 10)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
