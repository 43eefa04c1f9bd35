package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/demo"
	"github.com/utsyn/utsyn/internal/store"
	"github.com/utsyn/utsyn/internal/store/storetest"
)

func TestOpenRejectsBadAddresses(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"empty", "", "no database given"},
		{"other scheme", "mysql://root@localhost/x", "unsupported database"},
		{"unreachable PostgreSQL", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2", "cannot reach the database"},
		{"directory that does not exist", "/nonexistent/dir/utsyn.db", "cannot reach the database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tt.dsn)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.dsn)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open(%q) = %q, want it to say %q", tt.dsn, err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %q", err)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, storetest.DSN(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var se *store.SchemaError
			if err := db.CheckSchema(ctx); !errors.As(err, &se) || se.Database != 0 {
				t.Fatalf("empty database: CheckSchema = %v, want a schema error at version 0", err)
			}
			applied, err := db.Migrate(ctx)
			if err != nil || len(applied) != store.SchemaVersion() {
				t.Fatalf("Migrate = %v, %v; want %d steps", applied, err, store.SchemaVersion())
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("after Migrate: %v", err)
			}
			if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing to do", applied, err)
			}
		})
	}
}

// A database written by a newer Utsyn is refused, and nothing is changed in it.
func TestNewerSchemaIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MarkSchemaVersionForTest(ctx, store.SchemaVersion()+1); err != nil {
			t.Fatal(err)
		}
		var se *store.SchemaError
		if err := db.CheckSchema(ctx); !errors.As(err, &se) || !strings.Contains(err.Error(), "newer") {
			t.Errorf("CheckSchema = %v, want it to say the database is newer", err)
		}
		if _, err := db.Migrate(ctx); !errors.As(err, &se) {
			t.Errorf("Migrate = %v, want a schema error", err)
		}
	})
}

func TestSupersedeKeepsLineage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		org, _ := db.FindOrganisation(ctx, "rogaland")
		old, err := db.FindStrategy(ctx, org.ID, "internasjonal-strategi")
		if err != nil {
			t.Fatal(err)
		}
		var next *utsyn.Strategy
		if err := db.Update(ctx, func(tx *store.Tx) error {
			next, err = tx.SupersedeStrategy(ctx, old.ID, "internasjonal-strategi-2027")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if next.SupersedesID != old.ID || next.Status != utsyn.StatusDraft || next.Published {
			t.Errorf("new version: supersedes %d, status %s, published %v", next.SupersedesID, next.Status, next.Published)
		}
		oldTree, _ := db.FindTree(ctx, old)
		newTree, err := db.FindTree(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		if len(newTree.Elements) != len(oldTree.Elements) || len(newTree.Roles) != len(oldTree.Roles) || len(newTree.Forms) != len(oldTree.Forms) {
			t.Fatalf("copy has %d elements, %d roles, %d forms; the old version %d, %d, %d", len(newTree.Elements),
				len(newTree.Roles), len(newTree.Forms), len(oldTree.Elements), len(oldTree.Roles), len(oldTree.Forms))
		}
		lineage, err := db.Lineage(ctx, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range newTree.Elements {
			o := oldTree.Elements[i]
			if got := lineage[e.ID]; len(got) != 1 || got[0] != o.ID {
				t.Errorf("element %s continues %v, want [%d]", e.Code, got, o.ID)
			}
			if e.Code != o.Code || e.Title.Get("nb") != o.Title.Get("nb") || len(e.PlanGoalIDs) != len(o.PlanGoalIDs) {
				t.Errorf("element %s copied as %s %q with %d plan goals", o.Code, e.Code, e.Title.Get("nb"), len(e.PlanGoalIDs))
			}
		}
		if p := newTree.AtLevel("measure"); len(p) != 3 || p[0].ParentID != newTree.AtLevel("focus_area")[0].ID {
			t.Errorf("measures were not copied under the new focus area")
		}
	})
}

// One organisation's records never point into another's, and bad input stores nothing.
func TestWritesRefuseBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		rogaland, _ := db.FindOrganisation(ctx, "rogaland")
		rogStrategy, _ := db.FindStrategy(ctx, rogaland.ID, "internasjonal-strategi")
		rogTree, _ := db.FindTree(ctx, rogStrategy)
		rogPlans, err := db.ListPlans(ctx, store.PlanFilter{OrgID: rogaland.ID})
		if err != nil || len(rogPlans) != 1 || len(rogPlans[0].Goals) != 4 {
			t.Fatalf("ListPlans: %d plans, err %v; want the development plan with 4 goals", len(rogPlans), err)
		}

		other := &utsyn.Organisation{Slug: "agder", Name: utsyn.NewText("Agder fylkeskommune", "Agder County Council")}
		var st *utsyn.Strategy
		err = db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateOrganisation(ctx, other); err != nil {
				return err
			}
			st = &utsyn.Strategy{OrgID: other.ID, Slug: "strategi", Title: utsyn.NewText("Strategi", ""), Status: utsyn.StatusDraft,
				Levels: []utsyn.Level{{Key: "goal", Name: utsyn.NewText("mål", "goal"), Plural: utsyn.NewText("Mål", "Goals")},
					{Key: "measure", Name: utsyn.NewText("tiltak", "measure"), Plural: utsyn.NewText("Tiltak", "Measures")}}}
			return tx.CreateStrategy(ctx, st)
		})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.Count(ctx, "elements")

		tests := []struct {
			name      string
			write     func(tx *store.Tx) error
			wantField string
		}{
			{"element under another organisation's element", func(tx *store.Tx) error {
				return tx.CreateElement(ctx, &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[1].ID, ParentID: rogTree.Elements[0].ID, Title: utsyn.NewText("x", "")})
			}, "parent"},
			{"element on another strategy's level", func(tx *store.Tx) error {
				return tx.CreateElement(ctx, &utsyn.Element{StrategyID: st.ID, LevelID: rogStrategy.Levels[0].ID, Title: utsyn.NewText("x", "")})
			}, "level"},
			{"element building on another organisation's plan goal", func(tx *store.Tx) error {
				return tx.CreateElement(ctx, &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[0].ID, Title: utsyn.NewText("x", ""), PlanGoalIDs: []int64{rogPlans[0].Goals[0].ID}})
			}, "plan_goals"},
			{"strategy building on another organisation's plan", func(tx *store.Tx) error {
				return tx.CreateStrategy(ctx, &utsyn.Strategy{OrgID: other.ID, Slug: "s2", Title: utsyn.NewText("S", ""), Status: utsyn.StatusDraft, PlanID: rogPlans[0].ID, Levels: st.Levels[:1]})
			}, "plan_id"},
			{"link between organisations", func(tx *store.Tx) error {
				e := &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[0].ID, Title: utsyn.NewText("ok", "")}
				if err := tx.CreateElement(ctx, e); err != nil {
					return err
				}
				return tx.LinkElements(ctx, utsyn.ElementLink{FromID: rogTree.Elements[0].ID, ToID: e.ID, Kind: utsyn.LinkRelated})
			}, "to"},
			{"link to an element that does not exist", func(tx *store.Tx) error {
				return tx.LinkElements(ctx, utsyn.ElementLink{FromID: rogTree.Elements[0].ID, ToID: 1 << 40, Kind: utsyn.LinkRelated})
			}, "to"},
			{"link of an element to itself", func(tx *store.Tx) error {
				return tx.LinkElements(ctx, utsyn.ElementLink{FromID: rogTree.Elements[0].ID, ToID: rogTree.Elements[0].ID, Kind: utsyn.LinkRelated})
			}, "to"},
			{"measure above its focus area's level", func(tx *store.Tx) error {
				m := &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[1].ID, Title: utsyn.NewText("m", "")}
				if err := tx.CreateElement(ctx, m); err != nil {
					return err
				}
				return tx.CreateElement(ctx, &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[0].ID, ParentID: m.ID, Title: utsyn.NewText("g", "")})
			}, "parent"},
			{"title missing in bokmål", func(tx *store.Tx) error {
				return tx.CreateElement(ctx, &utsyn.Element{StrategyID: st.ID, LevelID: st.Levels[0].ID, Title: utsyn.NewText("", "English only")})
			}, "title"},
			{"taken slug", func(tx *store.Tx) error {
				return tx.CreateOrganisation(ctx, &utsyn.Organisation{Slug: "rogaland", Name: utsyn.NewText("R", "")})
			}, "slug"},
			{"reserved slug", func(tx *store.Tx) error {
				return tx.CreateOrganisation(ctx, &utsyn.Organisation{Slug: "api", Name: utsyn.NewText("R", "")})
			}, "slug"},
			{"period out of order", func(tx *store.Tx) error {
				return tx.CreateStrategy(ctx, &utsyn.Strategy{OrgID: other.ID, Slug: "s3", Title: utsyn.NewText("S", ""), Status: utsyn.StatusDraft,
					PeriodStart: utsyn.MustDate("2027"), PeriodEnd: utsyn.MustDate("2024-12-31"), Levels: st.Levels[:1]})
			}, "period_end"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := db.Update(ctx, tt.write)
				var e *utsyn.Error
				if !errors.As(err, &e) || (e.Code != utsyn.EINVALID && e.Code != utsyn.ECONFLICT) {
					t.Fatalf("err = %v, want an invalid-input or conflict error", err)
				}
				if e.Field != tt.wantField {
					t.Errorf("error names field %q, want %q", e.Field, tt.wantField)
				}
				if after, _ := db.Count(ctx, "elements"); after != before {
					t.Errorf("elements went from %d to %d: a refused write stored something", before, after)
				}
			})
		}
	})
}
