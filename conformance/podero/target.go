package podero

import "github.com/gridtwin/gridtwin/conformance/suite"

// Target is the podero section of a target file: what the podero checks
// need.
type Target struct {
	suite.Common     `yaml:",inline"`
	Token            string `yaml:"token"`
	ClientID         string `yaml:"client_id"`
	ClientSecret     string `yaml:"client_secret"`
	OrgID            string `yaml:"org_id"`
	UserID           string `yaml:"user_id"`
	EnergyContractID string `yaml:"energy_contract_id"`
	BuildingID       string `yaml:"building_id"`
	ForeignOrgID     string `yaml:"foreign_org_id"`
}

// Config returns the podero section of t, nil when it has none.
func Config(t *suite.Target) *Target {
	s, _ := t.Section("podero").(*Target)
	return s
}

// Missing names the required keys the section lacks.
func (t *Target) Missing() []string {
	var missing []string
	if t.Token == "" && (t.ClientID == "" || t.ClientSecret == "") {
		missing = append(missing, "podero.token (or client_id and client_secret)")
	}
	return append(missing, suite.Required("podero", suite.Key{Name: "org_id", Given: t.OrgID != ""},
		suite.Key{Name: "user_id", Given: t.UserID != ""}, suite.Key{Name: "energy_contract_id", Given: t.EnergyContractID != ""})...)
}

// Secrets are the section's static token and client secret.
func (t *Target) Secrets() []string { return []string{t.Token, t.ClientSecret} }
