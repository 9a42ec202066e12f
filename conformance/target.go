package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Target describes the server under test: one section per API, as in the
// "conformance target file" section of the contract. A nil section means the
// API is not offered and its checks are skipped.
type Target struct {
	// Name optionally names the implementation in the reports.
	Name   string        `yaml:"name"`
	Otark  *OtarkTarget  `yaml:"otark"`
	Podero *PoderoTarget `yaml:"podero"`
	Esmart *EsmartTarget `yaml:"esmart"`
}

// BalanceGroup is an otark (eic, tso) pair.
type BalanceGroup struct {
	EIC string `yaml:"eic" json:"eic"`
	TSO string `yaml:"tso" json:"tso"`
}

// OtarkTarget holds what the otark checks need. Optional keys are empty
// when absent; the checks that need them are skipped with the key's name.
type OtarkTarget struct {
	BaseURL string `yaml:"base_url"`
	// Headers are sent with every request of the API (a tenant header).
	Headers            map[string]string `yaml:"headers"`
	APIKey             string            `yaml:"api_key"`
	APIKeyWithoutWrite string            `yaml:"api_key_without_write"`
	// APIKeyReadOnly has customers:read and not customers:write.
	APIKeyReadOnly    string        `yaml:"api_key_read_only"`
	CustomerID        string        `yaml:"customer_id"`
	ActiveCustomerID  string        `yaml:"active_customer_id"`
	PendingCustomerID string        `yaml:"pending_customer_id"`
	ForeignCustomerID string        `yaml:"foreign_customer_id"`
	BalanceGroup      *BalanceGroup `yaml:"balance_group"`
	TSONotEnabled     *BalanceGroup `yaml:"tso_not_enabled"`
}

// PoderoTarget holds what the podero checks need.
type PoderoTarget struct {
	BaseURL string `yaml:"base_url"`
	// Headers are sent with every request of the API (a tenant header).
	Headers          map[string]string `yaml:"headers"`
	Token            string            `yaml:"token"`
	ClientID         string            `yaml:"client_id"`
	ClientSecret     string            `yaml:"client_secret"`
	OrgID            string            `yaml:"org_id"`
	UserID           string            `yaml:"user_id"`
	EnergyContractID string            `yaml:"energy_contract_id"`
	BuildingID       string            `yaml:"building_id"`
	ForeignOrgID     string            `yaml:"foreign_org_id"`
}

// EsmartTarget holds what the esmart checks need.
type EsmartTarget struct {
	BaseURL string `yaml:"base_url"`
	// Headers are sent with every request of the API (a tenant header).
	Headers           map[string]string `yaml:"headers"`
	Username          string            `yaml:"username"`
	Password          string            `yaml:"password"`
	CustomerID        int               `yaml:"customer_id"`
	ForeignCustomerID int               `yaml:"foreign_customer_id"`
}

// maxTargetFile bounds what --config reads: a target file is a few
// hundred bytes, and a path to a device or a huge file must not take the
// suite's memory.
const maxTargetFile = 1 << 20

// LoadTarget reads and checks a target file.
func LoadTarget(path string) (*Target, error) {
	data, err := readBounded(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("target file %s does not exist (pass --config FILE; fixtures/conformance.yaml describes the mock)", path)
		}
		return nil, fmt.Errorf("target file: %w", err)
	}
	t, err := ParseTarget(data)
	if err != nil {
		return nil, fmt.Errorf("target file %s: %w", path, err)
	}
	return t, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTargetFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTargetFile {
		return nil, fmt.Errorf("larger than %d bytes (1 MiB), the most --config reads", maxTargetFile)
	}
	return data, nil
}

// Secrets are the target file's credentials, redacted in every output.
func (t *Target) Secrets() []string {
	var out []string
	if o := t.Otark; o != nil {
		out = append(out, o.APIKey, o.APIKeyWithoutWrite, o.APIKeyReadOnly)
	}
	if p := t.Podero; p != nil {
		out = append(out, p.Token, p.ClientSecret)
	}
	if e := t.Esmart; e != nil {
		out = append(out, e.Password)
	}
	return out
}

// knownSections are the top-level keys of a target file. An unknown one is
// almost always a typo ("otrak:"), and silently skipping an API because of
// it would make a run look greener than it is.
var knownSections = []string{"name", "otark", "podero", "esmart"}

// ParseTarget decodes a target file. Required keys are checked by Validate,
// once --target has had its say.
func ParseTarget(data []byte) (*Target, error) {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	for key := range top {
		if !slices.Contains(knownSections, key) {
			return nil, fmt.Errorf("unknown section %q (known: %s)", key, strings.Join(knownSections, ", "))
		}
	}
	var t Target
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a valid target file: %w", err)
	}
	if t.Otark == nil && t.Podero == nil && t.Esmart == nil {
		return nil, errors.New("no API section: add at least one of otark, podero, esmart")
	}
	return &t, nil
}

// Validate reports every key a present section cannot run without. It runs
// after --target has filled in base_url.
func (t *Target) Validate() error {
	var missing []string
	need := func(section, key, value string) {
		if value == "" {
			missing = append(missing, section+"."+key)
		}
	}
	if o := t.Otark; o != nil {
		need("otark", "base_url", o.BaseURL)
		need("otark", "api_key", o.APIKey)
		need("otark", "customer_id", o.CustomerID)
		for name, bg := range map[string]*BalanceGroup{"balance_group": o.BalanceGroup, "tso_not_enabled": o.TSONotEnabled} {
			if bg != nil && (bg.EIC == "" || bg.TSO == "") {
				missing = append(missing, "otark."+name+".eic and .tso")
			}
		}
	}
	if p := t.Podero; p != nil {
		need("podero", "base_url", p.BaseURL)
		if p.Token == "" && (p.ClientID == "" || p.ClientSecret == "") {
			missing = append(missing, "podero.token (or client_id and client_secret)")
		}
		need("podero", "org_id", p.OrgID)
		need("podero", "user_id", p.UserID)
		need("podero", "energy_contract_id", p.EnergyContractID)
	}
	if e := t.Esmart; e != nil {
		need("esmart", "base_url", e.BaseURL)
		need("esmart", "username", e.Username)
		need("esmart", "password", e.Password)
		if e.CustomerID == 0 {
			missing = append(missing, "esmart.customer_id")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required keys: %s", strings.Join(missing, ", "))
	}
	for _, api := range knownSections[1:] {
		if err := validateHeaders(t.Headers(api)); err != nil {
			return fmt.Errorf("%s.headers: %w", api, err)
		}
		if base := t.BaseURL(api); base != "" {
			if _, err := ParseBaseURL(base); err != nil {
				return fmt.Errorf("%s.base_url (or --target): %w", api, err)
			}
		}
	}
	return nil
}

// OverrideBaseURL points every present section at url (--target).
func (t *Target) OverrideBaseURL(url string) {
	if t.Otark != nil {
		t.Otark.BaseURL = url
	}
	if t.Podero != nil {
		t.Podero.BaseURL = url
	}
	if t.Esmart != nil {
		t.Esmart.BaseURL = url
	}
}

// BaseURL returns the base URL of an API's section, "" when absent.
func (t *Target) BaseURL(api string) string {
	switch {
	case api == "otark" && t.Otark != nil:
		return t.Otark.BaseURL
	case api == "podero" && t.Podero != nil:
		return t.Podero.BaseURL
	case api == "esmart" && t.Esmart != nil:
		return t.Esmart.BaseURL
	}
	return ""
}

// Headers returns the extra headers of an API's section.
func (t *Target) Headers(api string) map[string]string {
	switch {
	case api == "otark" && t.Otark != nil:
		return t.Otark.Headers
	case api == "podero" && t.Podero != nil:
		return t.Podero.Headers
	case api == "esmart" && t.Esmart != nil:
		return t.Esmart.Headers
	}
	return nil
}

// reservedHeaders are the client's own: credentials (the checks send, omit
// and spoil them on purpose) and the framing of the request.
var reservedHeaders = []string{"Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie",
	"Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection"}

// headerName is RFC 9110's token.
var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func validateHeaders(h map[string]string) error {
	for name, value := range h {
		switch {
		case !headerName.MatchString(name):
			return fmt.Errorf("%q is not a header name", name)
		case slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)):
			return fmt.Errorf("%s is set by the suite itself (credentials come from the section's own keys)", http.CanonicalHeaderKey(name))
		case strings.ContainsAny(value, "\r\n\x00"):
			return fmt.Errorf("the value of %s has a line break or NUL", name)
		}
	}
	return nil
}
