package otark

import "github.com/gridtwin/gridtwin/conformance/suite"

// BalanceGroup is an otark (eic, tso) pair.
type BalanceGroup struct {
	EIC string `yaml:"eic" json:"eic"`
	TSO string `yaml:"tso" json:"tso"`
}

// Target is the otark section of a target file: what the otark checks
// need. Optional keys are empty when absent; the checks that need them are
// skipped with the key's name.
type Target struct {
	suite.Common       `yaml:",inline"`
	APIKey             string `yaml:"api_key"`
	APIKeyWithoutWrite string `yaml:"api_key_without_write"`
	// APIKeyReadOnly has customers:read and not customers:write.
	APIKeyReadOnly    string        `yaml:"api_key_read_only"`
	CustomerID        string        `yaml:"customer_id"`
	ActiveCustomerID  string        `yaml:"active_customer_id"`
	PendingCustomerID string        `yaml:"pending_customer_id"`
	ForeignCustomerID string        `yaml:"foreign_customer_id"`
	BalanceGroup      *BalanceGroup `yaml:"balance_group"`
	TSONotEnabled     *BalanceGroup `yaml:"tso_not_enabled"`
}

// Config returns the otark section of t, nil when it has none.
func Config(t *suite.Target) *Target {
	s, _ := t.Section("otark").(*Target)
	return s
}

// Missing names the required keys the section lacks.
func (t *Target) Missing() []string {
	missing := suite.Required("otark", suite.Key{Name: "api_key", Given: t.APIKey != ""},
		suite.Key{Name: "customer_id", Given: t.CustomerID != ""})
	for _, bg := range []struct {
		name string
		bg   *BalanceGroup
	}{{"balance_group", t.BalanceGroup}, {"tso_not_enabled", t.TSONotEnabled}} {
		if bg.bg != nil && (bg.bg.EIC == "" || bg.bg.TSO == "") {
			missing = append(missing, "otark."+bg.name+".eic and .tso")
		}
	}
	return missing
}

// Secrets are the section's API keys.
func (t *Target) Secrets() []string {
	return []string{t.APIKey, t.APIKeyWithoutWrite, t.APIKeyReadOnly}
}
