package podero

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gridtwin/gridtwin/fixtures"
)

// The seed's own example request must pass the spec as the mock loads it.
func TestSpecAcceptsTheSeedExample(t *testing.T) {
	doc := poderoSpec.Doc(t)
	const seed = `{
  "energy_contract_type": "spot_hourly",
  "energy_prices": [],
  "building_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  "meter_id": "<string>",
  "supplier": "<string>",
  "currency_energy_price": "<string>",
  "energy_price_includes_external_components": true
}`
	id := "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	r := httptest.NewRequest("PUT", "https://api.example.com"+contractURL(id, id, id), strings.NewReader(seed))
	r.Header.Set("Content-Type", "application/json")
	if ok, errs := doc.Validator.ValidateHttpRequestSync(r); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s", e.Message, e.Reason)
		}
	}
}

func TestFixturesAreChecked(t *testing.T) {
	good, err := fixtures.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("podero.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ from, to, want string }{
		"upper-case id":        {orgA, strings.ToUpper(orgA), "not a lower-case UUID"},
		"duplicate id":         {contractA2, contractA1, "appears twice"},
		"foreign building":     {"building: " + buildingA2, "building: " + buildingA3, "not one of user"},
		"duplicate client":     {"alpenstrom-client", clientA, `client_id "lindental-client" appears twice`},
		"unparsable yaml":      {"organizations:", "organizations: [", "podero.yaml"},
		"static token twice":   {tokenB, tokenA, "static token"},
		"contract id not uuid": {contractA2, "contract-2", "not a lower-case UUID"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in the fixtures", tc.from)
			}
			_, err := New(fstest.MapFS{"podero.yaml": {Data: []byte(bad)}}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := New(fstest.MapFS{}, Options{}); err == nil {
		t.Fatal("New without podero.yaml succeeded")
	}
}

func TestCredentialsNameEverythingCurlNeeds(t *testing.T) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(api.Credentials(), "\n")
	for _, want := range []string{orgA, orgB, clientA, secretA, tokenA, tokenB, userA1, contractA1, buildingA1} {
		if !strings.Contains(text, want) {
			t.Errorf("credentials lack %s:\n%s", want, text)
		}
	}
}
