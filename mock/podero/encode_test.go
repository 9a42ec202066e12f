package podero

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// reflectedContract is the contract as encoding/json writes it without HTML
// escaping (jsonparse.Marshal), the encoder appendJSON replaced: the
// oracle for its output. The API answers [] for an absent price list, so
// the oracle is given one.
func reflectedContract(c Contract) []byte {
	type plain Contract // no MarshalJSON: encoding/json's reflection
	if c.EnergyPrices == nil {
		c.EnergyPrices = []Price{}
	}
	b, err := jsonparse.Marshal(plain(c))
	if err != nil {
		panic(err)
	}
	return b
}

func TestContractJSONIsWhatEncodingJSONWrites(t *testing.T) {
	s := func(v string) *string { return &v }
	yes, no := true, false
	prices := []Price{}
	for _, f := range []float64{0, math.Copysign(0, -1), 0.2841, -12.5, 1, 100, 1e20, 1e21, 123456789012345678901234.0,
		1e-6, 9.99e-7, 1e-7, -3.5e-9, 5e-324, math.MaxFloat64, -math.MaxFloat64, 0.1 + 0.2} {
		prices = append(prices, Price{Price: f, Timestamp: "2026-01-10T09:00:00Z"})
	}
	for _, c := range []Contract{
		{ID: "a1e5c9d3-2f4b-4c6d-8e0a-1b3c5d7e9f53"},
		{
			ID: "id <&>", EnergyContractType: s("spot_hourly"), EnergyPrices: prices,
			Building: s("Quote \" backslash \\ tab \t nul \x00 line\u2028sep\u2029 emoji 🌊 ключ"),
			MeterID:  s(""), Supplier: s("<script>&amp;</script>"), CurrencyEnergyPrice: s("EUR"),
			EnergyPriceIncludesExternalComponents: &yes,
		},
		{ID: "x", EnergyPrices: []Price{}, EnergyPriceIncludesExternalComponents: &no},
	} {
		got, _ := c.MarshalJSON()
		if !json.Valid(got) {
			t.Fatalf("not JSON: %s", got)
		}
		if want := reflectedContract(c); string(got) != string(want) {
			t.Errorf("contract %q:\n got  %s\n want %s", c.ID, got, want)
		}
		var back Contract
		if err := json.Unmarshal(got, &back); err != nil || back.EnergyPrices == nil {
			t.Errorf("contract %q does not read back with its price list: %v", c.ID, err)
		}
	}
	list := []Contract{{ID: "one"}, {ID: "two", EnergyPrices: prices[:2]}}
	want, _ := jsonparse.Marshal([]json.RawMessage{reflectedContract(list[0]), reflectedContract(list[1])})
	if got := appendContracts(nil, list); string(got) != string(want) {
		t.Errorf("list:\n got  %s\n want %s", got, want)
	}
	if got := appendContracts(nil, nil); string(got) != "[]" {
		t.Errorf("empty list: got %s, want []", got)
	}
}

// django-ninja's json.dumps leaves <, > and & as they are; encoding/json
// would answer \u003c. Both the stored contract and an error's message say
// what the client sent.
func TestAnswersKeepHTMLCharactersAsJSONDumpsDoes(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	got := h.do(http.MethodPut, path, tokenA, `{"supplier":"R&D <north>"}`)
	if got.Status != 200 || !strings.Contains(string(got.Body), `"supplier":"R&D <north>"`) {
		t.Fatalf("status %d, body %s: want the supplier as sent", got.Status, got.Body)
	}
	got = h.do(http.MethodPut, path, tokenA, `{"currency_energy_price":"<&>"}`)
	if got.Status != 422 || !strings.Contains(string(got.Body), `"msg":"Value error, '<&>' is not an ISO 4217 currency code"`) {
		t.Fatalf("status %d, body %s: want the currency as sent in the message", got.Status, got.Body)
	}
}
