package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

// TestImportBatches: many new records at once are checked as one at a time would be, refer only
// to the organisation's own records, and each has its own audit event.
func TestImportBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, tree := registerFixture(t, db)
		other := &utsyn.Organisation{Slug: "agder", Name: utsyn.NewText("Agder", "")}
		var foreign utsyn.Actor
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganisation(ctx, other); err != nil {
				return err
			}
			foreign = utsyn.Actor{OrgID: other.ID, Name: "Agders partner", Country: "SE"}
			return tx.CreateActor(ctx, &foreign)
		})
		if err != nil {
			t.Fatal(err)
		}
		who := &utsyn.Principal{Label: "import test"}
		actors := []*utsyn.Actor{{Name: "Region Skåne", Country: "SE", Type: "region"}, {Name: "Région Bretagne", Country: "FR", PIC: "999123456"}}
		var es []*utsyn.Engagement
		for i := range 1500 { // more than one batch of a thousand
			es = append(es, &utsyn.Engagement{Kind: utsyn.KindProject, Status: utsyn.StatusIdea, Title: utsyn.NewText("Prosjekt "+strconv.Itoa(i), ""),
				ExternalIDs: map[string]string{"keep_eu": "K-" + strconv.Itoa(i)}})
		}
		err = db.UpdateAs(ctx, who, func(tx *store.Tx) error {
			if err := tx.ImportActors(ctx, org.ID, actors); err != nil {
				return err
			}
			es[0].Partners = []utsyn.Partner{{ActorID: actors[0].ID, Role: "lead"}}
			es[0].Elements = []utsyn.ElementRef{{ElementID: tree.AtLevel("priority")[0].ID, Primary: true}}
			if err := tx.ImportEngagements(ctx, org.ID, es); err != nil {
				return err
			}
			return tx.ImportMoneyLines(ctx, org.ID, []*utsyn.MoneyLine{{EngagementID: es[0].ID, Year: 2025, Kind: utsyn.MoneyExternalGrant,
				Amount: utsyn.Money{Minor: 100, Currency: "EUR"}, FunderID: actors[1].ID}})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindEngagement(ctx, org.ID, es[0].ID)
		if err != nil || len(got.Partners) != 1 || len(got.Elements) != 1 || got.ExternalIDs["keep_eu"] != "K-0" {
			t.Fatalf("the first engagement: %+v, %v", got, err)
		}
		if es[1499].ID == 0 || es[1499].ID == es[1498].ID {
			t.Errorf("ids: %d, %d", es[1498].ID, es[1499].ID)
		}
		events, err := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Action: "create"})
		if err != nil {
			t.Fatal(err)
		}
		byEntity := map[string]int{}
		for _, e := range events {
			if e.ActorLabel == who.Label {
				byEntity[e.Entity]++
			}
		}
		if byEntity["engagement"] != 1500 || byEntity["actor"] != 2 || byEntity["money"] != 1 {
			t.Errorf("audit events: %v", byEntity)
		}
		if n, _ := db.Count(ctx, "engagements_fts"); db.Engine() == "sqlite" && n < 1500 {
			t.Errorf("the search index has %d rows", n)
		}
		page, err := db.ListEngagements(ctx, store.EngagementFilter{OrgID: org.ID, Query: "K-1499"})
		if err != nil || len(page.Items) != 1 {
			t.Errorf("search finds %d of the new engagements (%v)", len(page.Items), err)
		}

		// Refused: another organisation's actor, a taken external id, a bad field; nothing of the
		// batch is kept.
		for name, e := range map[string]*utsyn.Engagement{
			"foreign partner": {Kind: utsyn.KindProject, Status: utsyn.StatusIdea, Title: utsyn.NewText("X", ""),
				Partners: []utsyn.Partner{{ActorID: foreign.ID, Role: "partner"}}},
			"taken id": {Kind: utsyn.KindProject, Status: utsyn.StatusIdea, Title: utsyn.NewText("X", ""), ExternalIDs: map[string]string{"keep_eu": "K-7"}},
			"no title": {Kind: utsyn.KindProject, Status: utsyn.StatusIdea},
		} {
			before, _ := db.Count(ctx, "engagements")
			err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.ImportEngagements(ctx, org.ID, []*utsyn.Engagement{
					{Kind: utsyn.KindArena, Status: utsyn.StatusActive, Title: utsyn.NewText("Gyldig", "")}, e})
			})
			var ie *store.ImportError
			if !errors.As(err, &ie) || ie.Index != 1 || utsyn.ErrorCode(err) != utsyn.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
			if after, _ := db.Count(ctx, "engagements"); after != before {
				t.Errorf("%s: %d engagements stored", name, after-before)
			}
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.ImportMoneyLines(ctx, org.ID, []*utsyn.MoneyLine{{EngagementID: es[0].ID, Year: 2025, Kind: utsyn.MoneyOwnCash,
				Amount: utsyn.Money{Minor: 100, Currency: "NOK"}, FunderID: foreign.ID}})
		})
		if utsyn.ErrorCode(err) != utsyn.EINVALID {
			t.Errorf("a funder of another organisation: %v", err)
		}
	})
}

func TestRegionalParticipations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, _ := registerFixture(t, db)
		p := store.RegionalParticipation{ProjectID: "100000001", Acronym: "TEST", Programme: "Horizon 2020", Participant: "ROGALAND FYLKESKOMMUNE",
			Key: "971045698", Country: "NO", County: "11", NUTS: "NO0A1", Role: "coordinator", Year: 2018, GrantedEURCents: 85912500}
		q := p
		q.Key, q.Participant, q.Role, q.Year = "name:ukjent", "ukjent", "participant", 0
		err := db.Update(ctx, func(tx *store.Tx) error {
			return tx.SaveRegionalParticipations(ctx, org.ID, "forskningsradet", []store.RegionalParticipation{p, q}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		p.GrantedEURCents = 1
		err = db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.SaveRegionalParticipations(ctx, org.ID, "forskningsradet", nil, []store.RegionalParticipation{p}); err != nil {
				return err
			}
			all, err := tx.RegionalParticipations(ctx, org.ID, "forskningsradet")
			if err != nil {
				return err
			}
			var got []store.RegionalParticipation
			for _, x := range all {
				if x.ProjectID == "100000001" {
					got = append(got, x)
				}
			}
			if len(got) != 2 || got[0].GrantedEURCents != 1 || got[0].OrgID != org.ID || got[1].Year != 0 || got[1].Key != "name:ukjent" {
				t.Errorf("stored: %+v", got)
			}
			if other, _ := tx.RegionalParticipations(ctx, org.ID, "cordis"); len(other) != 0 {
				t.Errorf("another source: %+v", other)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The same project and participant twice is refused by the database.
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.SaveRegionalParticipations(ctx, org.ID, "forskningsradet", []store.RegionalParticipation{p}, nil)
		})
		if err == nil {
			t.Error("a participation stored twice")
		}
		events, _ := db.ListEvents(ctx, store.EventFilter{OrgID: org.ID, Entity: "regional_participations"})
		if len(events) != 3 { // the demo's, and the two saves
			t.Errorf("%d audit events for the two saves", len(events))
		}
	})
}
