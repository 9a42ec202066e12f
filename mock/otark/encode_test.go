package otark

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// reflectedCustomer is the customer as encoding/json writes it without HTML
// escaping (jsonparse.Marshal), the encoder appendJSON replaced, with
// U+2028 and U+2029 unescaped as JSON.stringify leaves them: the oracle for
// its output. (No test string puts a backslash before "u2028".)
func reflectedCustomer(c Customer) []byte {
	stamp := func(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }
	var activated *string
	if c.ActivatedAt != nil {
		s := stamp(*c.ActivatedAt)
		activated = &s
	}
	b, _ := jsonparse.Marshal(customerJSON{c.ID, c.Name, c.Status, c.BalanceGroup, c.Metadata.Map(), stamp(c.AssignedAt), stamp(c.CreatedAt), activated})
	b = bytes.ReplaceAll(b, []byte(`\u2028`), []byte("\u2028"))
	return bytes.ReplaceAll(b, []byte(`\u2029`), []byte("\u2029"))
}

func TestCustomerJSONIsWhatEncodingJSONWrites(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	activated := time.Date(2026, 3, 1, 12, 30, 15, 999_000_000, berlin)
	for _, c := range []Customer{
		{ID: "cust_1", Name: "Plain", Status: "active", AssignedAt: activated, CreatedAt: activated},
		{
			ID: "cust_<&>", Name: "Quote \" backslash \\ tab \t nul \x00 line\u2028sep emoji 🌊 bad \xff", Status: "pending",
			BalanceGroup: &BalanceGroup{EIC: "11XGRIDTWIN-1", TSO: "50Hertz"},
			Metadata:     MetadataOf(map[string]string{"z": "last", "a": "first", "ключ": "значение", "": "empty key"}),
			AssignedAt:   activated, CreatedAt: activated.Add(-time.Hour), ActivatedAt: &activated,
		},
	} {
		got, _ := c.MarshalJSON()
		if !json.Valid(got) {
			t.Fatalf("not JSON: %s", got)
		}
		if string(got) != string(reflectedCustomer(c)) {
			t.Errorf("customer %q:\n got  %s\n want %s", c.ID, got, reflectedCustomer(c))
		}
		var back Customer
		if err := json.Unmarshal(got, &back); err != nil || back.Metadata == nil {
			t.Errorf("customer %q does not read back: %v", c.ID, err)
		}
	}
}

func TestProblemJSONIsWhatEncodingJSONWrites(t *testing.T) {
	field, empty := "metadata.<k>", ""
	for _, p := range []Problem{
		{Type: problemTypeBase + "validation", Title: "Validation Failed", Status: 400, Instance: "/v1/customers/a&b",
			Errors: []FieldError{{Field: &field, Code: "invalid_type", Message: "Expected \"string\"\n"}, {Field: &empty, Code: "c", Message: "m"}, {Code: "whole", Message: "body"}}},
		{Type: problemTypeBase + "customer_not_found", Title: "Customer Not Found", Status: 404, Detail: "no \x01 such"},
	} {
		type plain Problem // no MarshalJSON: encoding/json's reflection, the oracle
		want, _ := json.Marshal(plain(p))
		got, _ := json.Marshal(p)
		if string(got) != string(want) {
			t.Errorf("\n got  %s\n want %s", got, want)
		}
	}
}

// JSON.stringify leaves <, > and &, U+2028 and U+2029 as they are;
// encoding/json would answer \u003c and \u2028. What a client sent comes
// back byte for byte.
func TestAnswersWriteStringsAsJSONStringifyDoes(t *testing.T) {
	e := newEnv(t, 1000)
	r := e.patch(custSeed, keyWrite, `{"metadata":{"team":"R&D <north>","note":"line\u2028sep\u2029end"}}`)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"team":"R&D <north>"`) ||
		!strings.Contains(string(r.Body), "\"note\":\"line\u2028sep\u2029end\"") {
		t.Fatalf("status %d, body %s: want the values as sent, separators unescaped", r.Status, r.Body)
	}
	r = e.patch(custSeed, keyWrite, `{"metadata":{"<k&>":5}}`)
	if r.Status != 400 || !strings.Contains(string(r.Body), `"field":"metadata.<k&>"`) {
		t.Fatalf("status %d, body %s: want the key as sent in the problem", r.Status, r.Body)
	}
}
