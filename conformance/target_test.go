package conformance

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/esmart"
	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/otark"
	"github.com/gridtwin/gridtwin/conformance/podero"
)

func TestLoadTarget(t *testing.T) {
	t.Parallel()
	path := suitetest.WriteTarget(t, `
name: ACME otark
otark:
  base_url: http://127.0.0.1:8080
  api_key: k
  customer_id: cust_1
  tso_not_enabled: {eic: 11YX, tso: DE_TENNET}
esmart:
  base_url: http://127.0.0.1:8080
  username: u
  password: p
  customer_id: 1001
`)
	target, err := LoadTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := target.Validate(); err != nil {
		t.Fatal(err)
	}
	if target.Name != "ACME otark" || otark.Config(target).CustomerID != "cust_1" || podero.Config(target) != nil ||
		esmart.Config(target).CustomerID != 1001 || *otark.Config(target).TSONotEnabled != (otark.BalanceGroup{EIC: "11YX", TSO: "DE_TENNET"}) {
		t.Fatalf("decoded %+v", target)
	}
	target.OverrideBaseURL("http://other:9")
	if target.BaseURL("otark") != "http://other:9" || target.BaseURL("esmart") != "http://other:9" || target.BaseURL("podero") != "" {
		t.Fatalf("override: %+v", target)
	}
}

func TestLoadTargetErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml, want string
	}{
		{"bad YAML", "otark:\n  base_url: [\n", "not valid YAML"},
		{"unknown API section", "otrak:\n  base_url: http://x\n", `unknown section "otrak"`},
		{"unknown key in a section", "otark:\n  base_url: http://x\n  apikey: k\n", "field apikey not found"},
		{"no API at all", "name: nothing\n", "no API section"},
		{"empty file", "", "no API section"},
	}
	for _, tc := range cases {
		_, err := LoadTarget(suitetest.WriteTarget(t, tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadTarget(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}

func TestValidateNamesEveryMissingKey(t *testing.T) {
	t.Parallel()
	target, err := ParseTarget([]byte("otark:\n  balance_group: {eic: x}\npodero:\n  org_id: o\nesmart: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = target.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, key := range []string{"otark.base_url", "otark.api_key", "otark.customer_id", "otark.balance_group.eic and .tso",
		"podero.token (or client_id and client_secret)", "podero.user_id", "esmart.username", "esmart.customer_id"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name %s", err, key)
		}
	}
}

func TestHeadersAreValidated(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"X-Api-Key": "set by the suite", "authorization": "set by the suite", "Bad Name": "not a header name",
	} {
		target, err := ParseTarget([]byte("otark:\n  base_url: http://x\n  api_key: k\n  customer_id: c\n  headers: {\"" + name + "\": v}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := target.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("header %q: %v, want %q", name, err, want)
		}
	}
}
