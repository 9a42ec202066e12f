package podero

import (
	"encoding/json"
	"math"
	"testing"
)

// reflectedContract is the contract as encoding/json writes it, the
// encoder appendJSON replaced: the oracle for its output. The API answers
// [] for an absent price list, so the oracle is given one.
func reflectedContract(c Contract) []byte {
	type plain Contract // no MarshalJSON: encoding/json's reflection
	if c.EnergyPrices == nil {
		c.EnergyPrices = []Price{}
	}
	b, err := json.Marshal(plain(c))
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
	want, _ := json.Marshal([]json.RawMessage{reflectedContract(list[0]), reflectedContract(list[1])})
	if got := appendContracts(nil, list); string(got) != string(want) {
		t.Errorf("list:\n got  %s\n want %s", got, want)
	}
	if got := appendContracts(nil, nil); string(got) != "[]" {
		t.Errorf("empty list: got %s, want []", got)
	}
}
