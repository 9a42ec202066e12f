package podero

import (
	"net/http"
	"strings"
	"testing"
)

// Bodies are parsed as json.loads parses them (podero/json-loads), then
// judged as pydantic judges the values.
func TestBodyIsParsedAsJSONLoads(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	priceLoc := `["body","payload","energy_prices",0,"price"]`
	finite := `{"detail":[{"type":"finite_number","loc":` + priceLoc + `,"msg":"Input should be a finite number"}]}`
	prices := func(price string) string {
		return `{"energy_contract_type":"spot_hourly","currency_energy_price":"EUR","energy_prices":[{"price":` + price + `,"timestamp":"2026-11-24T00:00:00Z"}]}`
	}
	for _, lit := range []string{"NaN", "Infinity", "-Infinity", "1e400", "-1e400"} {
		t.Run(lit, func(t *testing.T) {
			mustJSON(t, h.do(http.MethodPut, path, tokenA, prices(lit)), 422, finite)
		})
	}
	stringType := `{"detail":[{"type":"string_type","loc":["body","payload","meter_id"],"msg":"Input should be a valid string"}]}`
	mustJSON(t, h.do(http.MethodPut, path, tokenA, `{"meter_id":NaN}`), 422, stringType)
	mustJSON(t, h.do(http.MethodPut, path, tokenA, `{"meter_id":"\ud800"}`), 422,
		`{"detail":[{"type":"string_unicode","loc":["body","payload","meter_id"],"msg":"Input should be a valid string, unable to parse raw data as a unicode string"}]}`)
	// Where nothing reads them, the literals and lone surrogates are just
	// parsed: the body is valid JSON to Python.
	got := h.do(http.MethodPut, path, tokenA, `{"meter_id":"M-1","x":[NaN,-Infinity,1e400,"\udc00"],"supplier":"a","supplier":"b"}`)
	if got.Status != http.StatusOK || !strings.Contains(string(got.Body), `"meter_id": "M-1"`) || !strings.Contains(string(got.Body), `"supplier": "b"`) {
		t.Fatalf("lenient literals outside the model: %d %s", got.Status, got.Body)
	}
	// A pair of surrogates is one character.
	if got := h.do(http.MethodPut, path, tokenA, `{"meter_id":"\ud83d\ude00"}`); got.Status != http.StatusOK || !strings.Contains(string(got.Body), `"meter_id": "\ud83d\ude00"`) {
		t.Fatalf("surrogate pair: %d %s", got.Status, got.Body)
	}
}

func TestJSONLoadsRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	for _, body := range []string{
		`{"meter_id":"M",}`, `{"energy_prices":[1,]}`, `{"meter_id":"M"} // c`, `/* c */{}`,
		`{'meter_id':"M"}`, `{meter_id:"M"}`, `{"meter_id":nan}`, `{"meter_id":+1}`, "{\"meter_id\":\"a\x01\"}",
		"{\"meter_id\":\"\xff\"}", `{"x":` + strings.Repeat("[", 995) + strings.Repeat("]", 995) + `}`,
	} {
		mustJSON(t, h.do(http.MethodPut, path, tokenA, body), 400, `{"detail":"Cannot parse request body"}`)
	}
	// 995 levels in all are within Python's recursion limit.
	deep := `{"meter_id":"D","x":` + strings.Repeat("[", 994) + strings.Repeat("]", 994) + `}`
	if got := h.do(http.MethodPut, path, tokenA, deep); got.Status != http.StatusOK {
		t.Fatalf("995 levels: %d %s", got.Status, got.Body)
	}
}
