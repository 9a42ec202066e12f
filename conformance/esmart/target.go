package esmart

import (
	"strings"

	"github.com/gridtwin/gridtwin/conformance/suite"
)

// Target is the esmart section of a target file: what the esmart checks
// need.
type Target struct {
	suite.Common      `yaml:",inline"`
	Username          string `yaml:"username"`
	Password          string `yaml:"password"`
	CustomerID        int    `yaml:"customer_id"`
	ForeignCustomerID int    `yaml:"foreign_customer_id"`
}

// Config returns the esmart section of t, nil when it has none.
func Config(t *suite.Target) *Target {
	s, _ := t.Section("esmart").(*Target)
	return s
}

// Missing names the required keys the section lacks.
func (t *Target) Missing() []string {
	return suite.Required("esmart", suite.Key{Name: "username", Given: t.Username != ""},
		suite.Key{Name: "password", Given: t.Password != ""}, suite.Key{Name: "customer_id", Given: t.CustomerID != 0})
}

// Secrets are the password, in the spellings the checks send it: the
// Basic credentials, and those of the auth check's wrong password, which
// is the real one with a suffix and so gives it away too.
func (t *Target) Secrets() []string {
	return []string{t.Password,
		strings.TrimPrefix(esmartBasic(t.Username, t.Password), "Basic "),
		strings.TrimPrefix(esmartWrongPassword(t), "Basic ")}
}
