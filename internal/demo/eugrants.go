package demo

import (
	"context"
	"fmt"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/importer"
	"github.com/utsyn/utsyn/internal/store"
)

// euGrantsFile is the Research Council of Norway's open data on EU grants to Norwegian
// participants in Horizon 2020, shipped with the demo (data/eugrants/README.md).
const euGrantsFile = "data/eugrants/forskningsradet_bevilgningereu_h2020.csv"

// loadEUGrants stores the shipped EU-grant data as the organisation's regional participation
// data, which the indicators of regional EU participation count (Rogaland's priority P3). It
// leaves the register alone: the demo's own projects come from register.yaml.
func loadEUGrants(ctx context.Context, tx *store.Tx, org *utsyn.Organisation) error {
	b, err := files.ReadFile(euGrantsFile)
	if err != nil {
		return err
	}
	if _, err := importer.LoadRegional(ctx, tx, org, []importer.File{{Name: euGrantsFile, Data: b}}); err != nil {
		return fmt.Errorf("demo EU grants: %w", err)
	}
	return nil
}
