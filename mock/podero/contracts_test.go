package podero

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestPutReplacesTheContract(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	got := h.do(http.MethodPut, path, tokenA, `{"meter_id":"DE-NEW-1","building_id":"`+buildingA2+`","unknown_field":{"a":1}}`)
	mustJSON(t, got, 200, `{
		"energy_contract_type": null,
		"energy_prices": [],
		"id": "`+contractA1+`",
		"building": "`+buildingA2+`",
		"meter_id": "DE-NEW-1",
		"supplier": null,
		"currency_energy_price": null,
		"energy_price_includes_external_components": null
	}`)
	list := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	if !strings.Contains(string(list.Body), `"meter_id": "DE-NEW-1"`) || strings.Contains(string(list.Body), "unknown_field") {
		t.Fatalf("list after PUT: %s", list.Body)
	}
}

func TestPutSeedExample(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), tokenA, `{
		"energy_contract_type": "spot_hourly",
		"energy_prices": [],
		"building_id": "`+buildingA1+`",
		"meter_id": "<string>",
		"supplier": "<string>",
		"currency_energy_price": "EUR",
		"energy_price_includes_external_components": true
	}`)
	mustJSON(t, got, 200, `{
		"energy_contract_type": "spot_hourly",
		"energy_prices": [],
		"id": "`+contractA1+`",
		"building": "`+buildingA1+`",
		"meter_id": "<string>",
		"supplier": "<string>",
		"currency_energy_price": "EUR",
		"energy_price_includes_external_components": true
	}`)
}

func TestExplicitNullIsStored(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), tokenA, `{
		"energy_contract_type": null, "energy_prices": null, "building_id": null, "meter_id": null,
		"supplier": null, "currency_energy_price": null, "energy_price_includes_external_components": null}`)
	mustJSON(t, got, 200, `{"energy_contract_type":null,"energy_prices":[],"id":"`+contractA1+`","building":null,
		"meter_id":null,"supplier":null,"currency_energy_price":null,"energy_price_includes_external_components":null}`)
}

func TestLaxInputIsCoercedAsPydanticDoes(t *testing.T) {
	h := newHarness(t, Options{})
	upper := strings.ToUpper(buildingA1)
	got := h.do(http.MethodPut, contractURL(strings.ToUpper(orgA), userA1, strings.ReplaceAll(contractA1, "-", "")), tokenA, `{
		"energy_contract_type": "spot_hourly",
		"energy_prices": [
			{"price": "0.25", "timestamp": "2026-11-24"},
			{"price": 1, "timestamp": "2026-11-24T01:00:00.5+01:00"},
			{"price": true, "timestamp": 1795478400}
		],
		"building_id": "`+upper+`",
		"currency_energy_price": "EUR",
		"energy_price_includes_external_components": "yes"}`)
	mustJSON(t, got, 200, `{"energy_contract_type":"spot_hourly","energy_prices":[
			{"price":0.25,"timestamp":"2026-11-24T00:00:00Z"},
			{"price":1,"timestamp":"2026-11-24T00:00:00.500Z"},
			{"price":1,"timestamp":"2026-11-24T00:00:00Z"}],
		"id":"`+contractA1+`","building":"`+buildingA1+`","meter_id":null,"supplier":null,
		"currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
}

func TestCurrencyRules(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	price := `[{"price":0.3,"timestamp":"2026-11-24T00:00:00Z"}]`
	required := `{"detail":[{"type":"value_error","loc":["body","payload","currency_energy_price"],
		"msg":"Value error, currency_energy_price is required when hourly energy prices are given",
		"ctx":{"error":"currency_energy_price is required when hourly energy prices are given"}}]}`
	for name, tc := range map[string]struct {
		body   string
		status int
		want   string
	}{
		"hourly prices without currency": {`{"energy_contract_type":"spot_hourly","energy_prices":` + price + `}`, 422, required},
		"hourly prices, currency null":   {`{"energy_contract_type":"spot_hourly","energy_prices":` + price + `,"currency_energy_price":null}`, 422, required},
		"not an ISO 4217 code": {`{"currency_energy_price":"EURO"}`, 422, `{"detail":[{"type":"value_error",
			"loc":["body","payload","currency_energy_price"],"msg":"Value error, 'EURO' is not an ISO 4217 currency code",
			"ctx":{"error":"'EURO' is not an ISO 4217 currency code"}}]}`},
		"lower-case code": {`{"currency_energy_price":"eur"}`, 422, `{"detail":[{"type":"value_error",
			"loc":["body","payload","currency_energy_price"],"msg":"Value error, 'eur' is not an ISO 4217 currency code",
			"ctx":{"error":"'eur' is not an ISO 4217 currency code"}}]}`},
		// pydantic runs no validator of a field that failed its type:
		// one error, not a second one saying the currency is missing.
		"hourly prices, currency not a string": {`{"energy_contract_type":"spot_hourly","energy_prices":` + price + `,"currency_energy_price":5}`, 422,
			`{"detail":[{"type":"string_type","loc":["body","payload","currency_energy_price"],"msg":"Input should be a valid string"}]}`},
		"reported with other field errors": {`{"energy_contract_type":"spot_hourly","energy_prices":` + price + `,"meter_id":"` + strings.Repeat("9", 20) + `"}`, 422,
			`{"detail":[
				{"type":"string_too_long","loc":["body","payload","meter_id"],"msg":"String should have at most 19 characters","ctx":{"max_length":19}},
				{"type":"value_error","loc":["body","payload","currency_energy_price"],"msg":"Value error, currency_energy_price is required when hourly energy prices are given","ctx":{"error":"currency_energy_price is required when hourly energy prices are given"}}]}`},
	} {
		t.Run(name, func(t *testing.T) { mustJSON(t, h.do(http.MethodPut, path, tokenA, tc.body), tc.status, tc.want) })
	}
	for name, body := range map[string]string{
		"hourly prices with currency":  `{"energy_contract_type":"spot_hourly","energy_prices":` + price + `,"currency_energy_price":"CHF"}`,
		"spot_hourly without prices":   `{"energy_contract_type":"spot_hourly","energy_prices":[]}`,
		"monthly with prices":          `{"energy_contract_type":"monthly","energy_prices":` + price + `}`,
		"currency without any context": `{"currency_energy_price":"NOK"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if got := h.do(http.MethodPut, path, tokenA, body); got.Status != 200 {
				t.Fatalf("status %d: %s", got.Status, got.Body)
			}
		})
	}
}

func TestOrderOfChecks(t *testing.T) {
	h := newHarness(t, Options{})
	valid := `{"meter_id":"M-1"}`
	invalid := `{"meter_id":5}`
	meterType := `{"detail":[{"type":"string_type","loc":["body","payload","meter_id"],"msg":"Input should be a valid string"}]}`
	for name, tc := range map[string]struct {
		path, token, body string
		status            int
		want              string
	}{
		"401 before malformed JSON":      {contractURL(orgA, userA1, contractA1), "", `{"meter_id":`, 401, `{"detail":"Unauthorized"}`},
		"400 malformed JSON before 422":  {contractURL("nope", userA1, contractA1), tokenA, `{"meter_id":`, 400, `{"detail":"Cannot parse request body"}`},
		"422 before 403":                 {contractURL(orgB, userB1, unknownID), tokenA, invalid, 422, meterType},
		"403 foreign organization":       {contractURL(orgB, userB1, "d4b8f2a6-5c7e-4f9a-b13d-4e6f8a0b2c10"), tokenA, valid, 403, `{"detail":"Forbidden"}`},
		"403 unknown organization":       {contractURL(unknownID, userA1, contractA1), tokenA, valid, 403, `{"detail":"Forbidden"}`},
		"403 before 404":                 {contractURL(orgB, unknownID, unknownID), tokenA, valid, 403, `{"detail":"Forbidden"}`},
		"404 unknown user":               {contractURL(orgA, unknownID, contractA1), tokenA, valid, 404, `{"detail":"Not Found"}`},
		"404 unknown contract":           {contractURL(orgA, userA1, unknownID), tokenA, valid, 404, `{"detail":"Not Found"}`},
		"404 another user's contract":    {contractURL(orgA, userA1, contractA3), tokenA, valid, 404, `{"detail":"Not Found"}`},
		"404 before building 422":        {contractURL(orgA, userA1, unknownID), tokenA, `{"building_id":"` + buildingA3 + `"}`, 404, `{"detail":"Not Found"}`},
		"422 building not the user's":    {contractURL(orgA, userA1, contractA1), tokenA, `{"building_id":"` + buildingA3 + `"}`, 422, buildingWant(buildingA3)},
		"422 building of no one at all":  {contractURL(orgA, userA1, contractA1), tokenA, `{"building_id":"` + unknownID + `"}`, 422, buildingWant(unknownID)},
		"user of another org, own token": {contractURL(orgA, userB1, contractA1), tokenA, valid, 404, `{"detail":"Not Found"}`},
	} {
		t.Run(name, func(t *testing.T) { mustJSON(t, h.do(http.MethodPut, tc.path, tc.token, tc.body), tc.status, tc.want) })
	}
}

func buildingWant(id string) string {
	msg := "building " + id + " is not one of the user's buildings"
	return `{"detail":[{"type":"value_error","loc":["body","payload","building_id"],"msg":"Value error, ` + msg + `","ctx":{"error":"` + msg + `"}}]}`
}

func TestFailedRequestsChangeNothing(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), tokenA, `{"building_id":"`+buildingA3+`","meter_id":"CHANGED"}`)
	h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), tokenA, `{"meter_id":"CHANGED","supplier":5}`)
	h.do(http.MethodPost, contractsURL(orgA, userA1), tokenA, `{"building_id":"`+buildingA3+`"}`)
	after := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	if string(before.Body) != string(after.Body) {
		t.Fatalf("state changed:\n%s\n%s", before.Body, after.Body)
	}
}

func TestListAndCreate(t *testing.T) {
	h := newHarness(t, Options{})
	list := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	if list.Status != 200 {
		t.Fatalf("list: %d %s", list.Status, list.Body)
	}
	items, ok := list.json(t).([]any)
	if !ok || len(items) != 2 || field(t, items[0], "id") != contractA1 || field(t, items[1], "id") != contractA2 {
		t.Fatalf("list is not the user's two contracts as a bare array: %s", list.Body)
	}

	created := h.do(http.MethodPost, contractsURL(orgA, userA1), tokenA, `{"energy_contract_type":"yearly","building_id":"`+buildingA2+`","supplier":"Nordstrom"}`)
	if created.Status != 200 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	c := created.json(t)
	id, _ := field(t, c, "id").(string)
	if canonical, ok := parseUUID(id); !ok || canonical != id || id == contractA1 {
		t.Fatalf("new id %q is not a fresh lower-case UUID", id)
	}
	if field(t, c, "building") != buildingA2 || field(t, c, "supplier") != "Nordstrom" || field(t, c, "meter_id") != nil {
		t.Fatalf("created: %s", created.Body)
	}
	list = h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	if items, _ := list.json(t).([]any); len(items) != 3 || field(t, items[2], "id") != id {
		t.Fatalf("list after create: %s", list.Body)
	}
	// The new contract can be replaced like any other.
	if got := h.do(http.MethodPut, contractURL(orgA, userA1, id), tokenA, `{"meter_id":"N-1"}`); got.Status != 200 {
		t.Fatalf("PUT on created contract: %d %s", got.Status, got.Body)
	}

	mustJSON(t, h.do(http.MethodGet, contractsURL(orgB, userB1), tokenA, ""), 403, `{"detail":"Forbidden"}`)
	mustJSON(t, h.do(http.MethodGet, contractsURL(orgA, unknownID), tokenA, ""), 404, `{"detail":"Not Found"}`)
	mustJSON(t, h.do(http.MethodGet, contractsURL(orgA, "u-1"), tokenA, ""), 422, `{"detail":[{"type":"uuid_parsing","loc":["path","user_id"],
		"msg":"Input should be a valid UUID, invalid character: expected an optional prefix of `+"`urn:uuid:`"+` followed by [0-9a-fA-F-], found `+"`u`"+` at 1",
		"ctx":{"error":"invalid character: expected an optional prefix of `+"`urn:uuid:`"+` followed by [0-9a-fA-F-], found `+"`u`"+` at 1"}}]}`)
	mustJSON(t, h.do(http.MethodPost, contractsURL(orgA, userA1), tokenA, ""), 422, `{"detail":[{"type":"missing","loc":["body","payload"],"msg":"Field required"}]}`)
	mustJSON(t, h.do(http.MethodPost, contractsURL(orgA, unknownID), tokenA, `{}`), 404, `{"detail":"Not Found"}`)
	mustJSON(t, h.do(http.MethodPost, contractsURL(orgA, userA1), "", `{}`), 401, `{"detail":"Unauthorized"}`)
}

func TestOtherMethodsAre405(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct{ method, path, allow, body string }{
		{http.MethodDelete, contractURL(orgA, userA1, contractA1), "PUT", "Method not allowed"},
		{http.MethodGet, contractURL(orgA, userA1, contractA1), "PUT", "Method not allowed"},
		{http.MethodPatch, contractsURL(orgA, userA1), "GET, POST", "Method not allowed"},
		{http.MethodGet, "/oauth2/token/", "POST, OPTIONS", ""},
	} {
		got := h.do(tc.method, tc.path, "", "")
		if got.Status != 405 || got.Header.Get("Allow") != tc.allow || string(got.Body) != tc.body {
			t.Errorf("%s %s: %d Allow=%q %q", tc.method, tc.path, got.Status, got.Header.Get("Allow"), got.Body)
		}
	}
}

func TestAdminResetRestoresFixturesAndForgetsTokens(t *testing.T) {
	h := newHarness(t, Options{})
	original := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	issued := h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, secretA))
	token, _ := field(t, issued.json(t), "access_token").(string)
	h.do(http.MethodPut, contractURL(orgA, userA1, contractA1), token, `{"meter_id":"CHANGED"}`)
	h.do(http.MethodPost, contractsURL(orgA, userA1), token, `{}`)

	state := h.do(http.MethodGet, "/__admin/state", "", "")
	if !strings.Contains(string(state.Body), `"CHANGED"`) || !strings.Contains(string(state.Body), `"issued_tokens": 1`) {
		t.Fatalf("state before reset: %s", state.Body)
	}
	if got := h.do(http.MethodPost, "/__admin/reset", "", ""); got.Status != http.StatusNoContent {
		t.Fatalf("reset: %d", got.Status)
	}
	mustJSON(t, h.do(http.MethodGet, contractsURL(orgA, userA1), token, ""), 401, `{"detail":"Unauthorized"}`)
	after := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	if string(after.Body) != string(original.Body) {
		t.Fatalf("after reset:\n%s\nwant\n%s", after.Body, original.Body)
	}
}

func TestConcurrentClients(t *testing.T) {
	h := newHarness(t, Options{})
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan string, workers*(rounds+1))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Only the test goroutine may stop the test: failures go to errs.
			var v struct {
				AccessToken string `json:"access_token"`
				ID          string `json:"id"`
				MeterID     string `json:"meter_id"`
			}
			issued := h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, secretA))
			_ = json.Unmarshal(issued.Body, &v)
			token := v.AccessToken
			created := h.do(http.MethodPost, contractsURL(orgA, userA1), token, `{}`)
			_ = json.Unmarshal(created.Body, &v)
			id := v.ID
			if created.Status != 200 {
				errs <- fmt.Sprintf("worker %d create: %d %s", w, created.Status, created.Body)
				return
			}
			for r := range rounds {
				meter := fmt.Sprintf("W%d-R%d", w, r)
				got := h.do(http.MethodPut, contractURL(orgA, userA1, id), token, `{"meter_id":"`+meter+`"}`)
				v.MeterID = ""
				_ = json.Unmarshal(got.Body, &v)
				if got.Status != 200 || v.MeterID != meter {
					errs <- fmt.Sprintf("worker %d round %d: %d %s", w, r, got.Status, got.Body)
				}
				h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
				h.do(http.MethodGet, "/__admin/state", "", "")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	list := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	items, _ := list.json(t).([]any)
	if len(items) != 2+workers {
		t.Fatalf("%d contracts after %d concurrent creates, want %d", len(items), workers, 2+workers)
	}
	for _, it := range items[2:] {
		if m, _ := field(t, it, "meter_id").(string); !strings.HasSuffix(m, fmt.Sprintf("-R%d", rounds-1)) {
			t.Errorf("contract %v ends with meter_id %q, want its worker's last round", field(t, it, "id"), m)
		}
	}
}

// A body pydantic keeps as it is is stored as it came; one that differs
// anywhere (a later item coerced, a member pydantic drops, a field that
// fails) is rebuilt from that point, with the members before it kept.
func TestCoercionAfterUnchangedMembers(t *testing.T) {
	h := newHarness(t, Options{})
	path := contractURL(orgA, userA1, contractA1)
	got := h.do(http.MethodPut, path, tokenA, `{"energy_contract_type":"spot_hourly","energy_prices":[
		{"price":0.5,"timestamp":"2026-11-24T00:00:00Z","note":"dropped"},
		{"price":"0.75","timestamp":"2026-11-24T01:00:00Z"}],
		"currency_energy_price":"EUR","extra":1,"energy_price_includes_external_components":0}`)
	mustJSON(t, got, 200, `{"energy_contract_type":"spot_hourly","energy_prices":[
			{"price":0.5,"timestamp":"2026-11-24T00:00:00Z"},
			{"price":0.75,"timestamp":"2026-11-24T01:00:00Z"}],
		"id":"`+contractA1+`","building":null,"meter_id":null,"supplier":null,
		"currency_energy_price":"EUR","energy_price_includes_external_components":false}`)
	got = h.do(http.MethodPut, path, tokenA, `{"energy_contract_type":"spot_hourly",
		"energy_prices":[{"price":0.5,"timestamp":"2026-11-24T00:00:00Z"}],"currency_energy_price":978}`)
	// The member that failed is left out of what the contract rules see,
	// and pydantic runs no validator of a field that failed: one error.
	mustJSON(t, got, 422, `{"detail":[
		{"type":"string_type","loc":["body","payload","currency_energy_price"],"msg":"Input should be a valid string"}]}`)
}
