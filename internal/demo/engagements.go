package demo

// Engagement is one entry of engagements.yaml: a known international engagement of the
// council, as the public sources give it. Fields the sources lack are empty, never guessed.
type Engagement struct {
	Kind      string   `yaml:"kind"` // project, membership, arena, programme_participation
	Acronym   string   `yaml:"acronym"`
	Title     string   `yaml:"title"`
	Name      string   `yaml:"name"`
	Programme string   `yaml:"programme"`
	Topic     string   `yaml:"topic"`
	Action    string   `yaml:"action"`
	CordisID  string   `yaml:"cordis_id"`
	Role      string   `yaml:"role"`
	Start     string   `yaml:"start"`
	End       string   `yaml:"end"`
	Since     string   `yaml:"since"`
	Status    string   `yaml:"status"`
	Decision  string   `yaml:"decision"`
	Level     []string `yaml:"level"`
	GrantEUR  float64  `yaml:"eu_grant_to_council_eur"`
	Note      string   `yaml:"note"`
	Source    string   `yaml:"source"`
}

// Engagements returns the engagements of the demo data set, as the sources give them; Load
// stores them in the register as register.yaml lays them out (register.go).
func Engagements() ([]Engagement, error) {
	var out []Engagement
	if err := decode("engagements.yaml", &out); err != nil {
		return nil, err
	}
	return out, nil
}
