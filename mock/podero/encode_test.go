package podero

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
)

// dumped are Python 3's json.dumps of the contracts and the error list
// below, one per line (testdata/json_dumps.txt, written once by Python):
// the oracle for the bytes django-ninja's renderer answers.
func dumped(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/json_dumps.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestContractJSONIsWhatJSONDumpsWrites(t *testing.T) {
	s := func(v string) *string { return &v }
	yes, no := true, false
	prices := []Price{}
	for _, f := range []float64{0, math.Copysign(0, -1), 0.2841, -12.5, 1, 100, 1e20, 1e21, 123456789012345678901234.0,
		1e-6, 9.99e-7, 1e-7, -3.5e-9, 5e-324, math.MaxFloat64, -math.MaxFloat64, 0.3} {
		prices = append(prices, Price{Price: f, Timestamp: "2026-01-10T09:00:00Z"})
	}
	want := dumped(t)
	for i, c := range []Contract{
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
		if string(got) != want[i] {
			t.Errorf("contract %q:\n got  %s\n want %s", c.ID, got, want[i])
		}
		var back Contract
		if err := json.Unmarshal(got, &back); err != nil || back.EnergyPrices == nil {
			t.Errorf("contract %q does not read back with its price list: %v", c.ID, err)
		}
	}
	list := []Contract{{ID: "one"}, {ID: "two", EnergyPrices: prices[:2]}}
	if got := appendContracts(nil, list); string(got) != want[3] {
		t.Errorf("list:\n got  %s\n want %s", got, want[3])
	}
	if got := appendContracts(nil, nil); string(got) != "[]" {
		t.Errorf("empty list: got %s, want []", got)
	}
}

// django-ninja's renderer answers json.dumps' bytes: ", " and ": ",
// every character past ASCII escaped, <, > and & as they are (encoding/json
// would answer \u003c), floats as repr, and no newline after the value.
func TestAnswersAreWhatJSONDumpsWrites(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	got := h.do(http.MethodPut, path, tokenA, `{"supplier":"R&D <Zürich>","energy_contract_type":"spot_hourly","currency_energy_price":"EUR",
		"energy_prices":[{"price":1,"timestamp":"2026-01-10T09:00:00Z"}]}`)
	for _, want := range []string{`"supplier": "R&D <Z\u00fcrich>"`, `"energy_prices": [{"price": 1.0, "timestamp": "2026-01-10T09:00:00Z"}]`} {
		if got.Status != 200 || !strings.Contains(string(got.Body), want) {
			t.Fatalf("status %d, body %s: want %s", got.Status, got.Body, want)
		}
	}
	answers := []string{string(got.Body), string(h.do(http.MethodPut, path, "", "{}").Body)}
	got = h.do(http.MethodPut, path, tokenA, `{"currency_energy_price":"<&>"}`)
	if got.Status != 422 || !strings.Contains(string(got.Body), `"msg": "Value error, '<&>' is not an ISO 4217 currency code"`) {
		t.Fatalf("status %d, body %s: want the currency as sent in the message", got.Status, got.Body)
	}
	for _, body := range append(answers, string(got.Body)) {
		if strings.HasSuffix(body, "\n") {
			t.Errorf("answer %q ends with a newline; json.dumps' does not", body)
		}
	}
}
