package specs

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
)

func failureKeys(fs []*liberrors.SchemaValidationFailure) []string {
	keys := make([]string, 0, len(fs))
	for _, f := range fs {
		keys = append(keys, fmt.Sprintf("%s | %s | %q | %s | %s", f.FieldPath, f.FieldName, f.InstancePath, f.KeywordLocation, f.Reason))
		if f.OriginalJsonSchemaError == nil {
			keys = append(keys, "missing OriginalJsonSchemaError for "+f.FieldPath)
		}
	}
	slices.Sort(keys)
	return keys
}

// A compiled request body schema must find exactly what the full request
// validator finds in the body, since vendors swap one for the other.
func TestRequestBodySchemaAgreesWithTheValidator(t *testing.T) {
	cases := []struct {
		spec, method, path, url, mediaType string
		bodies                             []string
	}{
		{Otark, "PATCH", "/v1/customers/{customer_id}", "/v1/customers/cust_1", "application/json", []string{
			`{"metadata":{"bench_seq":"1"}}`, `{}`, `{"foo":1}`, `{"metadata":{"a":null}}`,
			`{"status":"bogus"}`, `{"status": true}`, `{"balance_group": {}}`,
			`{"status": 1, "balance_group": {"tso":"INVALID"}, "metadata": {"a": 1, "b": null, "c": {}}}`,
			`{"status": "x", "balance_group": null, "metadata": []}`,
			`{"balance_group": {"eic": 5, "tso": 3}, "metadata": null}`,
			`[]`, `"x"`, `1`, `null`,
		}},
		{Podero, "PUT", "/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}",
			"/api/partners/v2.0/org/0b4f2a8e-6a3b-4c55-9c59-0e5a7a1c2d3e/users/1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/energy-contracts/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
			"application/json", []string{
				`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.28,"timestamp":"2026-01-10T09:00:00Z"}],"currency_energy_price":"EUR"}`,
				`{"energy_contract_type":"hourly","meter_id":"12345678901234567890","energy_prices":[{"price":"x"}]}`,
				`{"energy_price_includes_external_components":"maybe","supplier":5}`, `{}`, `[]`,
			}},
		{Esmart, "PATCH", "/api/customers/{customerId}", "/api/customers/1001", "application/json", []string{
			`{"PhoneNumber":"4722334455"}`, `{"IsPowerCustomer":"x","CustomerId":"y"}`, `{"Address":{"POBox":"z"}}`, `[]`,
		}},
	}
	for _, c := range cases {
		doc, err := Load(c.spec, config.WithoutSecurityValidation())
		if err != nil {
			t.Fatal(err)
		}
		schema, err := doc.RequestBodySchema(c.method, c.path, c.mediaType)
		if err != nil {
			t.Fatal(err)
		}
		invalid := 0
		for _, body := range c.bodies {
			req := httptest.NewRequest(c.method, c.url, strings.NewReader(body))
			req.Header.Set("Content-Type", c.mediaType)
			_, verrs := doc.Validator.ValidateHttpRequestSync(req)
			var want []*liberrors.SchemaValidationFailure
			for _, e := range verrs {
				if e.ValidationType != "requestBody" {
					t.Fatalf("%s %s: unexpected %s error: %s", c.spec, body, e.ValidationType, e.Message)
				}
				want = append(want, e.SchemaValidationErrors...)
			}
			var value any
			if err := json.Unmarshal([]byte(body), &value); err != nil {
				t.Fatal(err)
			}
			got := schema.Validate(value)
			if g, w := failureKeys(got), failureKeys(want); !slices.Equal(g, w) {
				t.Errorf("%s %s:\n got  %q\n want %q", c.spec, body, g, w)
			}
			if (len(got) == 0) != (len(verrs) == 0) {
				t.Errorf("%s %s: schema valid=%v, validator valid=%v", c.spec, body, len(got) == 0, len(verrs) == 0)
			}
			if len(got) > 0 {
				invalid++
			}
		}
		if invalid == 0 || invalid == len(c.bodies) {
			t.Errorf("%s: %d of %d bodies invalid; the cases must cover both", c.spec, invalid, len(c.bodies))
		}
	}
}

func TestSchemaLookupErrorsNameWhatIsMissing(t *testing.T) {
	doc, err := Load(Otark)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.RequestBodySchema("PATCH", "/v1/nope", "application/json"); err == nil || !strings.Contains(err.Error(), "/v1/nope") {
		t.Errorf("unknown path: %v", err)
	}
	if _, err := doc.RequestBodySchema("GET", "/v1/customers/{customer_id}", "application/json"); err == nil {
		t.Error("operation without request body: no error")
	}
	if _, err := doc.ComponentSchema("Nope"); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("unknown component: %v", err)
	}
	if _, err := doc.ComponentSchema("CustomerUpdate"); err != nil {
		t.Errorf("CustomerUpdate: %v", err)
	}
}

func BenchmarkRequestBodySchemaValidate(b *testing.B) {
	doc, err := Load(Otark)
	if err != nil {
		b.Fatal(err)
	}
	schema, err := doc.RequestBodySchema("PATCH", "/v1/customers/{customer_id}", "application/json")
	if err != nil {
		b.Fatal(err)
	}
	for _, body := range []string{`{"metadata":{"bench_seq":"1"}}`, `{"status":"bogus"}`} {
		var value any
		if err := json.Unmarshal([]byte(body), &value); err != nil {
			b.Fatal(err)
		}
		b.Run(body, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				schema.Validate(value)
			}
		})
	}
}
