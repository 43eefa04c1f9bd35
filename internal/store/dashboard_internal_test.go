package store

import (
	"context"
	"testing"
	"time"

	"github.com/utsyn/utsyn"
)

// A large organisation's snapshot (one that took long to read) is read again in the background
// when the register changes: the page shows the previous figures, saying they are not the
// latest, and the figures after that show the change.
func TestDashboardsReadALargeSnapshotInTheBackground(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/utsyn.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org := &utsyn.Organisation{Slug: "stor", Name: utsyn.NewText("Stor", "")}
	add := func(title string) {
		t.Helper()
		err := db.Update(ctx, func(tx *Tx) error {
			if org.ID == 0 {
				if err := tx.CreateOrganisation(ctx, org); err != nil {
					return err
				}
			}
			return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: org.ID, Kind: utsyn.KindArena, Title: utsyn.NewText(title, ""), Status: utsyn.StatusActive})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("Første")
	d := db.NewDashboards()
	filter := DashboardFilter{OrgID: org.ID}
	cov, err := d.Coverage(ctx, filter)
	if err != nil || cov.All.Total() != 1 || cov.AsOf.Stale {
		t.Fatalf("first figures: %v, %+v, %v", cov.All, cov.AsOf, err)
	}
	snap := func() *snapshot {
		d.mu.Lock()
		e := d.snaps[org.ID]
		d.mu.Unlock()
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.snap
	}
	snap().took = 2 * syncRebuild // as if it had taken long; no request runs meanwhile

	add("Andre")
	cov, err = d.Coverage(ctx, filter)
	if err != nil || cov.All.Total() != 1 || !cov.AsOf.Stale {
		t.Fatalf("right after a change: %v, %+v, %v; want the previous figures, marked stale", cov.All, cov.AsOf, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		cov, err = d.Coverage(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		if cov.All.Total() == 2 && !cov.AsOf.Stale {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the snapshot was not read again: %v, %+v", cov.All, cov.AsOf)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// An audit event of another organisation leaves the snapshot as it is.
	other := &utsyn.Organisation{Slug: "annen", Name: utsyn.NewText("Annen", "")}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.CreateOrganisation(ctx, other) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		return tx.CreateEngagement(ctx, &utsyn.Engagement{OrgID: other.ID, Kind: utsyn.KindArena, Title: utsyn.NewText("Annet", ""), Status: utsyn.StatusActive})
	}); err != nil {
		t.Fatal(err)
	}
	before := snap()
	if cov, err = d.Coverage(ctx, filter); err != nil || cov.AsOf.Stale {
		t.Fatalf("after another organisation's change: %+v, %v", cov.AsOf, err)
	}
	if after := snap(); before != after {
		t.Error("another organisation's change made the snapshot be read again")
	}
}
