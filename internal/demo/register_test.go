package demo_test

import (
	"context"
	"database/sql"
	"math"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// registerOf returns the demo organisation's engagements, by acronym or bokmål title.
func registerOf(t *testing.T, db *store.DB) (*utsyn.Organisation, map[string]*utsyn.Engagement) {
	t.Helper()
	ctx := context.Background()
	org, err := db.FindOrganisation(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*utsyn.Engagement{}
	for _, e := range page.Items {
		key := e.Acronym
		if key == "" {
			key = e.Title.Get("nb")
		}
		out[key] = e
	}
	return org, out
}

func TestRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		org, reg := registerOf(t, db)
		if len(reg) != 12 {
			t.Fatalf("%d engagements, want the 12 of engagements.yaml", len(reg))
		}
		for key, e := range reg {
			if !e.Public || !e.Example {
				t.Errorf("%s: public %v, example %v; want both (public facts, links chosen by Utsyn)", key, e.Public, e.Example)
			}
			if len(e.Elements) == 0 || !e.Elements[0].Primary {
				t.Errorf("%s: strategy links %+v, want a primary one first", key, e.Elements)
			}
			if e.RoleTermID == 0 || e.FormTermID == 0 {
				t.Errorf("%s: role %d, working form %d", key, e.RoleTermID, e.FormTermID)
			}
		}

		tram := reg["TrAM"]
		if tram == nil {
			t.Fatal("no TrAM")
		}
		if tram.ExternalIDs["cordis"] != "769303" || tram.Start.String() != "2018-09-01" || tram.End.String() != "2022-08-31" ||
			tram.Programme != "Horizon 2020" || tram.Call != "MG-2.4-2017" || tram.Status != utsyn.StatusCompleted {
			t.Errorf("TrAM read as %+v", tram)
		}
		if tram.Elements[0].Code != "P2" {
			t.Errorf("TrAM's primary link is %s, want P2", tram.Elements[0].Code)
		}
		names := map[string]string{}
		for _, p := range tram.Partners {
			names[p.Actor.Name] = p.Actor.OrgNumber
		}
		if len(tram.Partners) != 6 || names["Fjellstrand AS"] != "945645245" || names["Rogaland fylkeskommune"] != "" {
			t.Errorf("TrAM's partners: %v; want the six Norwegian participants, the council not among them", names)
		}
		lines, err := db.ListMoneyLines(ctx, org.ID, tram.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, m := range lines {
			sum += m.Amount.Minor
			if m.Kind != utsyn.MoneyExternalGrant || m.Amount.Currency != "EUR" || m.Funder != "European Commission" || m.Note == "" {
				t.Errorf("TrAM money line %+v", m)
			}
		}
		// 2018 has 122 of the period's 1,461 days.
		if len(lines) != 5 || lines[0].Year != 2018 || lines[4].Year != 2022 || sum != 85912500 ||
			math.Abs(float64(lines[0].Amount.Minor)-85912500*122.0/1461) > 1 {
			t.Errorf("TrAM's grant by year: %d lines summing to %d; first %+v", len(lines), sum, lines[0])
		}

		sre := reg["Stavangerregionens Europakontor"]
		if sre == nil {
			t.Fatal("no Stavanger Region European Office")
		}
		host, err := db.FindTerm(ctx, org.ID, sre.RoleTermID)
		if err != nil || host.Key != "vert" || sre.Kind != utsyn.KindMembership || sre.Start.String() != "2020-07-01" ||
			sre.Membership == nil || sre.Membership.DecisionBody != "Fylkestinget" || sre.Membership.DecisionDate.String() != "2020-04-28" {
			t.Errorf("the European office: role %+v (%v), %+v", host, err, sre)
		}
		nsc := reg["Nordsjøkommisjonen (CPMR)"]
		if nsc == nil {
			t.Fatal("no North Sea Commission")
		}
		countries, roles := map[string]int{}, map[string]string{}
		for _, p := range nsc.Partners {
			countries[p.Actor.Country]++
			roles[p.Actor.Name] = p.Role
			if p.Actor.Name == "Rogaland" {
				t.Error("Rogaland is a partner of its own membership")
			}
		}
		if len(nsc.Partners) != 29 || countries["GB"] != 5 || countries["FR"] != 1 || roles["North Sea Commission (CPMR)"] != "host" || roles["Vestland"] != "member" {
			t.Errorf("North Sea Commission: %d partners by country %v", len(nsc.Partners), countries)
		}
		if cpmr := reg["CPMR – Konferansen for perifere maritime regioner"]; cpmr == nil || len(cpmr.Membership.Seats) != 1 {
			t.Errorf("CPMR: %+v", cpmr)
		}
		// The same university, named by two sources, is one actor.
		uis, _ := db.ListActors(ctx, org.ID, "Universitetet i Stavanger", 10)
		if len(uis) != 1 {
			t.Errorf("%d actors named Universitetet i Stavanger", len(uis))
		}
	})
}

// TestRegisterUpgrade: a database loaded by a version before the register gets the register;
// one whose register someone has emptied since does not get it back.
func TestRegisterUpgrade(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, db); err != nil {
				t.Fatal(err)
			}
			// What an older version left: the strategy, no register, no trace of one.
			driver := map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine]
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			// The raw connection does not enforce foreign keys on SQLite: children go first.
			for _, q := range []string{`DELETE FROM money_lines`, `DELETE FROM engagement_external_ids`, `DELETE FROM engagement_elements`,
				`DELETE FROM engagement_partners`, `DELETE FROM engagement_status_history`, `DELETE FROM engagements`, `DELETE FROM actors`,
				`DELETE FROM audit_events WHERE entity IN ('engagement', 'actor', 'money')`, `DELETE FROM terms WHERE key = 'vert'`} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			before := counts(t, db)

			loaded, err := demo.Load(ctx, db)
			if err != nil || !loaded {
				t.Fatalf("load into an older demo: loaded %v, err %v", loaded, err)
			}
			if _, reg := registerOf(t, db); len(reg) != 12 {
				t.Errorf("%d engagements after the upgrade, want 12", len(reg))
			}
			if after := counts(t, db); after["elements"] != before["elements"] || after["strategies"] != before["strategies"] {
				t.Errorf("the upgrade changed the strategy: %v, then %v", before, after)
			}
			if loaded, err := demo.Load(ctx, db); err != nil || loaded {
				t.Errorf("a third load: loaded %v, err %v; want nothing stored", loaded, err)
			}

			// Someone deletes every engagement: the demo leaves it so.
			org, reg := registerOf(t, db)
			err = db.UpdateAs(ctx, &utsyn.Principal{Label: "test"}, func(tx *store.Tx) error {
				for _, e := range reg {
					if err := tx.DeleteEngagement(ctx, org.ID, e.ID, e.Version); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if loaded, err := demo.Load(ctx, db); err != nil || loaded {
				t.Errorf("load after the register was emptied: loaded %v, err %v; want nothing stored", loaded, err)
			}
			if n, _ := db.Count(ctx, "engagements"); n != 0 {
				t.Errorf("%d engagements came back", n)
			}
		})
	}
}
