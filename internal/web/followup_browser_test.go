package web_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/browsertest"
	"github.com/utsyn/utsyn/internal/i18n"
	"github.com/utsyn/utsyn/internal/store"
)

// The follow-up pages, signed in as an editor, in both languages: the overview, the overdue
// updates, a strategy's roll-up, a measure's and an engagement's follow-up, the indicators, and
// the forms, with mistakes and with a refused stale save. The same checks as the editor's
// pages: one h1, axe (WCAG 2.1 A and AA), the Nu checker, reflow at 320 px. English gets a
// selection, to keep the package's run within its time.
func TestBrowserFollowupPages(t *testing.T) {
	b := browsertest.Start(t)
	srv, db := newServer(t, "sqlite")
	ctx := context.Background()
	u := addUser(t, db, "rogaland", "oppfolger@example.org", utsyn.RoleEditor)
	f := newFollowupFixture(t, db, u)
	actor := &utsyn.Principal{User: u, OrgID: f.org.ID, Role: utsyn.RoleEditor, Label: u.Email}
	// Something to show: updates, a cadence that has run out, a milestone, values of an indicator.
	var ind *utsyn.Indicator
	err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		for _, up := range []*utsyn.StatusUpdate{
			{OrgID: f.org.ID, ElementID: f.measure.ID, Date: utsyn.MustDate("2026-01-15"), Status: utsyn.FollowOnTrack, Narrative: "Avtalen med Bretagne er fornyet."},
			{OrgID: f.org.ID, ElementID: f.measure.ID, Date: utsyn.MustDate("2026-06-10"), Status: utsyn.FollowAtRisk, Narrative: "Møtet i juni ble avlyst.",
				Evidence: []utsyn.Link{{URL: "https://example.org/referat", Label: "Referat"}}},
			{OrgID: f.org.ID, EngagementID: f.own.ID, Date: utsyn.MustDate("2026-02-01"), Status: utsyn.FollowOffTrack, Narrative: "Søknaden ble avslått."},
		} {
			if err := tx.AddStatusUpdate(ctx, up); err != nil {
				return err
			}
		}
		if err := tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID}, f.measure.Version,
			store.FollowupSettings{Cadence: utsyn.CadenceQuarterly, Weight: 2}); err != nil {
			return err
		}
		if err := tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemEngagement, ID: f.own.ID}, f.own.Version,
			store.FollowupSettings{Cadence: utsyn.CadenceMonthly}); err != nil {
			return err
		}
		if err := tx.AddMilestone(ctx, &utsyn.Milestone{OrgID: f.org.ID, ElementID: f.measure.ID, Title: "Felles søknad levert", Due: utsyn.MustDate("2026-03-01")}); err != nil {
			return err
		}
		ind = &utsyn.Indicator{OrgID: f.org.ID, ElementID: f.priority.ID, Name: utsyn.NewText("Politiske møter i Brussel", "Political meetings in Brussels"),
			Unit: utsyn.NewText("møter", "meetings"), Direction: utsyn.DirectionHigher, Source: utsyn.SourceManual,
			Targets: []utsyn.Target{{Period: "2025", Value: 6, Example: true}, {Period: "2026", Value: 8, Example: true}}}
		if err := tx.AddIndicator(ctx, ind); err != nil {
			return err
		}
		first := &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 5, Comment: "Fra reiseregningene"}
		if err := tx.AddValue(ctx, f.org.ID, first); err != nil {
			return err
		}
		return tx.AddValue(ctx, f.org.ID, &utsyn.Value{IndicatorID: ind.ID, Period: "2025", Value: 7, ReplacesID: first.ID, Comment: "To møter manglet"})
	})
	if err != nil {
		t.Fatal(err)
	}
	el := f.elementPath()[len("/nb"):]
	eng := f.engagementPath(f.own)[len("/nb"):]
	indPath := fmt.Sprintf("/rogaland/oppfolging/indikatorer/%d", ind.ID)
	// Every page in bokmål; in English the ones whose words differ most (the rest share them).
	pages := []struct {
		name, path string
		submit     bool // submit the form as it is: an empty one comes back with its mistakes
		status     int
		en         bool
	}{
		{name: "followup", path: "/rogaland/oppfolging/", status: 200, en: true},
		{name: "overdue", path: "/rogaland/oppfolging/forfalte", status: 200},
		{name: "rollup", path: "/rogaland/oppfolging/strategi/internasjonal-strategi", status: 200, en: true},
		{name: "rollup-rule", path: "/rogaland/oppfolging/strategi/internasjonal-strategi/regler", status: 200},
		{name: "measure", path: el, status: 200},
		{name: "focus-area", path: fmt.Sprintf("/rogaland/oppfolging/element/%d", f.focusArea.ID), status: 200, en: true},
		{name: "engagement", path: eng, status: 200},
		{name: "update", path: el + "/oppdatering", status: 200},
		{name: "settings", path: el + "/innstillinger", status: 200},
		{name: "new-milestone-with-mistakes", path: eng + "/milepel/ny", submit: true, status: 422},
		{name: "indicators", path: "/rogaland/oppfolging/indikatorer/", status: 200},
		{name: "indicator", path: indPath, status: 200, en: true},
		{name: "new-indicator-with-mistakes", path: "/rogaland/oppfolging/indikatorer/ny", submit: true, status: 422, en: true},
		{name: "revise-value", path: indPath + "/verdi?periode=2025", status: 200},
		{name: "strategy-with-link", path: "/rogaland/strategi/internasjonal-strategi", status: 200},
	}
	docs := map[string][]byte{}
	check := func(t *testing.T, p *browsertest.Page, name string, status int) {
		t.Helper()
		if got := p.Status(); got != status {
			t.Errorf("status %d, want %d", got, status)
		}
		if got := p.Count(t, "h1"); got != 1 {
			t.Errorf("%d h1 elements, want 1", got)
		}
		docs[name] = []byte(p.HTML(t))
		p.CheckAxe(t)
		if dir := screenshotDir(); dir != "" {
			p.Screenshot(t, filepath.Join(dir, "followup-"+name+".png"))
		}
		setWidth(t, p, 320)
		checkReflow(t, p, 320)
		setWidth(t, p, 1280)
	}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			p := b.Open(t, srv.URL+"/"+string(lang)+"/logg-inn")
			fill(t, p, "#email", "oppfolger@example.org")
			fill(t, p, "#password", testPassword)
			p.Click(t, `form.form button[type="submit"]`)
			if p.Count(t, "header form[action$='/logg-ut']") != 1 {
				t.Fatalf("not signed in: %s", p.URL(t))
			}
			for _, pg := range pages {
				if lang == i18n.EN && !pg.en {
					continue
				}
				t.Run(pg.name, func(t *testing.T) {
					navigate(t, p, srv.URL+"/"+string(lang)+pg.path)
					if pg.submit {
						p.Click(t, `.editor-form button[type="submit"]`)
						if p.Count(t, ".error-summary a[href^='#']") == 0 {
							t.Error("no error summary with links to the fields")
						}
						if p.Count(t, "[aria-invalid='true']") == 0 {
							t.Error("no field marked invalid")
						}
					}
					if p.Count(t, ".follow-tag") > 0 && p.Count(t, ".follow-tag .follow-icon[aria-hidden='true']")+p.Count(t, ".follow-none") != p.Count(t, ".follow-tag") {
						t.Error("a status tag without its icon")
					}
					check(t, p, string(lang)+"-"+pg.name, pg.status)
				})
			}
			// "No change since last time" is one click.
			t.Run("no-change", func(t *testing.T) {
				navigate(t, p, srv.URL+"/"+string(lang)+el)
				before := p.Count(t, ".follow-updates > li")
				p.Click(t, `form[action$='/ingen-endring'] button`)
				if after := p.Count(t, ".follow-updates > li"); after != before+1 {
					t.Errorf("%d updates after the click, want %d", after, before+1)
				}
				check(t, p, string(lang)+"-no-change", 200)
			})
			// A save over a change made meanwhile is refused and shown beside it.
			t.Run("conflict", func(t *testing.T) {
				navigate(t, p, srv.URL+"/"+string(lang)+el+"/innstillinger")
				set, err := db.Settings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID})
				if err != nil {
					t.Fatal(err)
				}
				changed := *set
				changed.Weight++
				if err := db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
					return tx.SetSettings(ctx, f.org.ID, store.Item{Kind: store.ItemElement, ID: f.measure.ID}, set.Version, changed)
				}); err != nil {
					t.Fatal(err)
				}
				fill(t, p, "#weight", "5")
				p.Click(t, `.editor-form button[type="submit"]`)
				if p.Count(t, ".conflict table") != 1 {
					t.Error("no table of what is stored and what was typed")
				}
				check(t, p, string(lang)+"-conflict", 409)
			})
		})
	}
	browsertest.CheckHTML(t, docs)
}
