package podero

import (
	"net/http"
	"strings"
	"testing"
)

// one is a 422 answer with a single pydantic error; ctx may be empty.
func one(typ, loc, msg, ctx string) string {
	s := `{"detail":[{"type":"` + typ + `","loc":` + loc + `,"msg":` + quote(msg)
	if ctx != "" {
		s += `,"ctx":` + ctx
	}
	return s + `}]}`
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

const uuidChar = "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found "

func TestValidationErrorsInPydanticWords(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	body := func(field string) string { return `["body","payload","` + field + `"]` }
	price := func(i, f string) string { return `["body","payload","energy_prices",` + i + `,"` + f + `"]` }
	for name, tc := range map[string]struct{ body, want string }{
		"meter_id too long": {`{"meter_id":"` + strings.Repeat("1", 20) + `"}`,
			one("string_too_long", body("meter_id"), "String should have at most 19 characters", `{"max_length":19}`)},
		"supplier too long (characters, not bytes)": {`{"supplier":"` + strings.Repeat("ü", 101) + `"}`,
			one("string_too_long", body("supplier"), "String should have at most 100 characters", `{"max_length":100}`)},
		"supplier of 100 umlauts is fine, meter_id not a string": {`{"supplier":"` + strings.Repeat("ü", 100) + `","meter_id":12}`,
			one("string_type", body("meter_id"), "Input should be a valid string", "")},
		"unknown contract type": {`{"energy_contract_type":"weekly"}`,
			one("enum", body("energy_contract_type"), "Input should be 'spot_hourly', 'monthly' or 'yearly'", `{"expected":"'spot_hourly', 'monthly' or 'yearly'"}`)},
		"contract type not a string": {`{"energy_contract_type":1}`,
			one("enum", body("energy_contract_type"), "Input should be 'spot_hourly', 'monthly' or 'yearly'", `{"expected":"'spot_hourly', 'monthly' or 'yearly'"}`)},
		"building_id bad character": {`{"building_id":"x3c90c3cc-0d44-4b50-8888-8dd25736052"}`,
			one("uuid_parsing", body("building_id"), "Input should be a valid UUID, "+uuidChar+"`x` at 1", `{"error":"`+uuidChar+"`x` at 1"+`"}`)},
		"building_id simple length": {`{"building_id":"12345"}`,
			one("uuid_parsing", body("building_id"), "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 5", `{"error":"invalid length: expected length 32 for simple format, found 5"}`)},
		"building_id group count": {`{"building_id":"3c90c3cc-0d44-4b50-8888"}`,
			one("uuid_parsing", body("building_id"), "Input should be a valid UUID, invalid group count: expected 5, found 4", `{"error":"invalid group count: expected 5, found 4"}`)},
		"building_id group length": {`{"building_id":"3c90c3cc-0d44-4b50-8888-8dd25736052"}`,
			one("uuid_parsing", body("building_id"), "Input should be a valid UUID, invalid group length in group 4: expected 12, found 11", `{"error":"invalid group length in group 4: expected 12, found 11"}`)},
		"building_id first group short": {`{"building_id":"3c90c3c-0d44-4b50-8888-8dd25736052a"}`,
			one("uuid_parsing", body("building_id"), "Input should be a valid UUID, invalid group length in group 0: expected 8, found 7", `{"error":"invalid group length in group 0: expected 8, found 7"}`)},
		"building_id not a string": {`{"building_id":42}`,
			one("uuid_type", body("building_id"), "UUID input should be a string, bytes or UUID object", "")},
		"boolean unreadable": {`{"energy_price_includes_external_components":"maybe"}`,
			one("bool_parsing", body("energy_price_includes_external_components"), "Input should be a valid boolean, unable to interpret input", "")},
		"boolean from 2": {`{"energy_price_includes_external_components":2}`,
			one("bool_parsing", body("energy_price_includes_external_components"), "Input should be a valid boolean, unable to interpret input", "")},
		"boolean from a list": {`{"energy_price_includes_external_components":[]}`,
			one("bool_type", body("energy_price_includes_external_components"), "Input should be a valid boolean", "")},
		"price without timestamp": {`{"energy_prices":[{"price":0.2}]}`,
			one("missing", price("0", "timestamp"), "Field required", "")},
		"price not a number": {`{"energy_prices":[{"price":"cheap","timestamp":"2026-11-24T00:00:00Z"}]}`,
			one("float_parsing", price("0", "price"), "Input should be a valid number, unable to parse string as a number", "")},
		"price of wrong type": {`{"energy_prices":[{"price":{},"timestamp":"2026-11-24T00:00:00Z"}]}`,
			one("float_type", price("0", "price"), "Input should be a valid number", "")},
		"price null": {`{"energy_prices":[{"price":null,"timestamp":"2026-11-24T00:00:00Z"}]}`,
			one("float_type", price("0", "price"), "Input should be a valid number", "")},
		"timestamp with slashes": {`{"energy_prices":[{"price":1,"timestamp":"2026/11/24"}]}`,
			one("datetime_from_date_parsing", price("0", "timestamp"), "Input should be a valid datetime or date, invalid date separator, expected `-`", "{\"error\":\"invalid date separator, expected `-`\"}")},
		"timestamp words": {`{"energy_prices":[{"price":1,"timestamp":"tomorrow!"}]}`,
			one("datetime_from_date_parsing", price("0", "timestamp"), "Input should be a valid datetime or date, input is too short", `{"error":"input is too short"}`)},
		"timestamp letters": {`{"energy_prices":[{"price":1,"timestamp":"next monday 9am"}]}`,
			one("datetime_from_date_parsing", price("0", "timestamp"), "Input should be a valid datetime or date, invalid character in year", `{"error":"invalid character in year"}`)},
		"timestamp hour 24": {`{"energy_prices":[{"price":1,"timestamp":"2026-11-24T24:00:00Z"}]}`,
			one("datetime_from_date_parsing", price("0", "timestamp"), "Input should be a valid datetime or date, unexpected extra characters at the end of the input", `{"error":"unexpected extra characters at the end of the input"}`)},
		"timestamp 30 February": {`{"energy_prices":[{"price":1,"timestamp":"2026-02-30T00:00:00Z"}]}`,
			one("datetime_from_date_parsing", price("0", "timestamp"), "Input should be a valid datetime or date, day value is outside expected range", `{"error":"day value is outside expected range"}`)},
		"timestamp after 9999 in UTC": {`{"energy_prices":[{"price":1,"timestamp":"9999-12-31T23:59:59-05:00"}]}`,
			one("datetime_parsing", price("0", "timestamp"), "Input should be a valid datetime, date value out of range", `{"error":"date value out of range"}`)},
		"timestamp before year 1 in UTC": {`{"energy_prices":[{"price":1,"timestamp":"0001-01-01T00:30:00+01:00"}]}`,
			one("datetime_parsing", price("0", "timestamp"), "Input should be a valid datetime, date value out of range", `{"error":"date value out of range"}`)},
		"timestamp of wrong type": {`{"energy_prices":[{"price":1,"timestamp":false}]}`,
			one("datetime_type", price("0", "timestamp"), "Input should be a valid datetime", "")},
		"price item not an object": {`{"energy_prices":[7]}`,
			one("model_attributes_type", `["body","payload","energy_prices",0]`, "Input should be a valid dictionary or object to extract fields from", "")},
		"prices not a list": {`{"energy_prices":{"price":1}}`,
			one("list_type", body("energy_prices"), "Input should be a valid list", "")},
		"body not an object": {`["meter_id"]`,
			one("model_attributes_type", `["body","payload"]`, "Input should be a valid dictionary or object to extract fields from", "")},
		"body null": {`null`,
			one("model_attributes_type", `["body","payload"]`, "Input should be a valid dictionary or object to extract fields from", "")},
	} {
		t.Run(name, func(t *testing.T) { mustJSON(t, h.do(http.MethodPut, path, tokenA, tc.body), 422, tc.want) })
	}
}

func TestPathAndBodyErrorsTogetherInFieldOrder(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.do(http.MethodPut, contractURL("org-1", userA1, "42"), tokenA, `{
		"energy_price_includes_external_components": "perhaps",
		"meter_id": "`+strings.Repeat("m", 25)+`",
		"energy_prices": [{"price": 1, "timestamp": "2026-11-24T00:00:00Z"}, {"timestamp": "x"}],
		"energy_contract_type": "daily"}`)
	mustJSON(t, got, 422, `{"detail":[
		{"type":"uuid_parsing","loc":["path","org_id"],"msg":"Input should be a valid UUID, `+uuidChar+"`o` at 1"+`","ctx":{"error":"`+uuidChar+"`o` at 1"+`"}},
		{"type":"uuid_parsing","loc":["path","energy_contract_id"],"msg":"Input should be a valid UUID, invalid length: expected length 32 for simple format, found 2","ctx":{"error":"invalid length: expected length 32 for simple format, found 2"}},
		{"type":"enum","loc":["body","payload","energy_contract_type"],"msg":"Input should be 'spot_hourly', 'monthly' or 'yearly'","ctx":{"expected":"'spot_hourly', 'monthly' or 'yearly'"}},
		{"type":"missing","loc":["body","payload","energy_prices",1,"price"],"msg":"Field required"},
		{"type":"datetime_from_date_parsing","loc":["body","payload","energy_prices",1,"timestamp"],"msg":"Input should be a valid datetime or date, input is too short","ctx":{"error":"input is too short"}},
		{"type":"string_too_long","loc":["body","payload","meter_id"],"msg":"String should have at most 19 characters","ctx":{"max_length":19}},
		{"type":"bool_parsing","loc":["body","payload","energy_price_includes_external_components"],"msg":"Input should be a valid boolean, unable to interpret input"}]}`)
}

func TestBodyIsJSONWhateverTheContentType(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	// django-ninja parses the body as JSON without looking at Content-Type.
	if got := h.do(http.MethodPut, path, tokenA, `{"meter_id":"TXT"}`, "Content-Type", "text/plain"); got.Status != 200 {
		t.Fatalf("text/plain JSON body: %d %s", got.Status, got.Body)
	}
	mustJSON(t, h.do(http.MethodPut, path, tokenA, "meter_id=X", "Content-Type", "application/x-www-form-urlencoded"), 400, `{"detail":"Cannot parse request body"}`)
	mustJSON(t, h.do(http.MethodPut, path, tokenA, ""), 422, `{"detail":[{"type":"missing","loc":["body","payload"],"msg":"Field required"}]}`)
}

func TestTimestampsAtTheEdgesOfPythonsDatetime(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), tokenA, `{"energy_contract_type":"spot_hourly","currency_energy_price":"EUR",
		"energy_prices":[{"price":1,"timestamp":"9999-12-31T23:59:59+05:00"},{"price":2,"timestamp":"0001-01-01T00:30:00-01:00"}]}`)
	if got.Status != http.StatusOK {
		t.Fatalf("status %d: %s", got.Status, got.Body)
	}
	// Floats as json.dumps writes them: 1.0, not 1.
	want := `"energy_prices": [{"price": 1.0, "timestamp": "9999-12-31T18:59:59Z"}, {"price": 2.0, "timestamp": "0001-01-01T01:30:00Z"}]`
	if !strings.Contains(string(got.Body), want) {
		t.Errorf("answer %s\nwant it to contain %s", got.Body, want)
	}
}

func TestLeadingByteOrderMarkIsSkipped(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	const bom = "\xef\xbb\xbf"
	got := h.do(http.MethodPut, path, tokenA, bom+`{"meter_id":"BOM-1"}`)
	if got.Status != http.StatusOK || !strings.Contains(string(got.Body), `"meter_id": "BOM-1"`) {
		t.Fatalf("body with a BOM: %d %s", got.Status, got.Body)
	}
	// Python skips one mark on bytes; a second one, or a mark alone, is
	// not JSON.
	mustJSON(t, h.do(http.MethodPut, path, tokenA, bom+bom+`{"meter_id":"BOM-2"}`), 400, `{"detail":"Cannot parse request body"}`)
	mustJSON(t, h.do(http.MethodPut, path, tokenA, bom), 400, `{"detail":"Cannot parse request body"}`)
}
