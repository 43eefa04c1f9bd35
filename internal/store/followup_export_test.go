package store

import (
	"context"
	"fmt"
)

// ParticipationRow is a row of regional participation for the follow-up tests, which fill the
// table the EU-grant import fills.
type ParticipationRow struct {
	Programme, ProjectID, Key, County, Role string
	Year                                    int
	GrantedEURCents                         int64
}

// InsertParticipationForTest stores a row of regional participation as the import would.
func InsertParticipationForTest(ctx context.Context, tx *Tx, orgID int64, r ParticipationRow) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO regional_participations (org_id, source, project_id, programme, participant,
		participant_key, country, county, role, year, granted_eur_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		orgID, "forskningsradet", r.ProjectID, r.Programme, "Deltaker "+r.Key, r.Key, "NO", r.County, r.Role, r.Year, r.GrantedEURCents)
	if err != nil {
		return fmt.Errorf("insert participation: %w", err)
	}
	return nil
}
