package podero

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

// quickBodies are contract bodies around the one a frontend sends: the
// ones quickContract must take (taken), and every way a body can leave its
// path (a type pydantic converts, json.loads's corner cases, duplicates,
// unknown members, refusals, syntax errors).
var (
	frontendBody = `{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],` +
		`"building_id":"` + buildingA1 + `","meter_id":"M1","supplier":"gridtwin bench","currency_energy_price":"EUR",` +
		`"energy_price_includes_external_components":true}`
	taken = []string{
		frontendBody,
		`{}`,
		"\t{ \"meter_id\" : \"M2\" ,\n \"supplier\": \"Stadtwerke \u00dcberlingen\" }\r\n",
		`{"energy_contract_type":null,"energy_prices":null,"building_id":null,"meter_id":null,"supplier":null,` +
			`"currency_energy_price":null,"energy_price_includes_external_components":null}`,
		`{"energy_contract_type":"monthly","energy_prices":[],"energy_price_includes_external_components":false}`,
		`{"energy_contract_type":"spot_hourly","currency_energy_price":"NOK","energy_prices":[` +
			`{"price":1,"timestamp":"2026-01-10T09:00:00+01:00"},{"timestamp":"2026-01-10 10:00","price":-0.5e-1},` +
			`{"price":0,"timestamp":"2026-01-10"},{"price":1.5,"timestamp":"2026-01-10T11:00:00.123456Z"}]}`,
		`{"building_id":"` + strings.ToUpper(buildingA1) + `","supplier":"\u00e9\ud83d\ude00 \"quoted\""}`,
		`{"building_id":"{` + buildingA1 + `}","meter_id":"1234567890123456789"}`,
		`{"building_id":"` + strings.ReplaceAll(buildingA1, "-", "") + `"}`,
		// taken, then refused by Podero's rules or the store: the same answer either way
		`{"currency_energy_price":"XYZ"}`,
		`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"building_id":"` + buildingA3 + `"}`,
		`{"building_id":"` + unknownID + `"}`,
	}
	leaving = []string{
		`{"id":"` + contractA1 + `"}`,
		`{"building":"` + buildingA1 + `"}`,
		`{"meter_id":"M1","meter_id":"M2"}`,
		`{"energy_prices":[{"price":1,"price":2,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":"0.28","timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":true,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":1e400,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":NaN,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":-Infinity,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":null,"timestamp":"2026-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":1,"timestamp":1768035600}]}`,
		`{"energy_prices":[{"price":1,"timestamp":"2026-13-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":1,"timestamp":"0000-01-10T09:00:00Z"}]}`,
		`{"energy_prices":[{"price":1}]}`,
		`{"energy_prices":[{"price":1,"timestamp":"2026-01-10T09:00:00Z","note":"x"}]}`,
		`{"energy_prices":[null]}`,
		`{"energy_prices":[[1]]}`,
		`{"energy_prices":{"price":1}}`,
		`{"energy_prices":"none"}`,
		`{"energy_contract_type":"hourly"}`,
		`{"energy_contract_type":"Monthly"}`,
		`{"energy_price_includes_external_components":"yes"}`,
		`{"energy_price_includes_external_components":1}`,
		`{"building_id":"not-a-uuid"}`,
		`{"building_id":42}`,
		`{"meter_id":"12345678901234567890"}`,
		`{"meter_id":12345}`,
		`{"supplier":"\ud800"}`,
		`{"supplier":"` + strings.Repeat("x", 101) + `"}`,
		`{"meter_id":"M1",}`,
		`{"meter_id":"M1"} {}`,
		`{"meter_id":"M1"`,
		`{"meter_id":'M1'}`,
		`{"meter_id":"M1"} // comment`,
		`[]`,
		`null`,
		`"text"`,
		"{\"supplier\":\"\xff\"}",
		// quickContract sees this one without its mark (readBody trims it),
		// which the servers below check.
		"\xef\xbb\xbf" + frontendBody,
	}
)

// TestQuickContractAgreesWithTheFullPath sends every body to two servers on
// the same fixtures, one with the quick path switched off, and wants the
// same answer from both: the quick path may only ever save time.
func TestQuickContractAgreesWithTheFullPath(t *testing.T) {
	withQuick, fullOnly := quickHarness(t, true), quickHarness(t, false)
	contract := contractURL(orgA, userA1, contractA1)
	contracts := contractsURL(orgA, userA1)
	newID := regexp.MustCompile(`"id": "[0-9a-f-]{36}"`)
	for _, body := range append(append([]string{}, taken...), leaving...) {
		for _, r := range []struct{ method, path string }{{http.MethodPut, contract}, {http.MethodPost, contracts}} {
			quick := withQuick.do(r.method, r.path, tokenA, body)
			full := fullOnly.do(r.method, r.path, tokenA, body)
			// A created contract's id is new in each server.
			quickBody := newID.ReplaceAll(quick.Body, []byte(`"id": "new"`))
			fullBody := newID.ReplaceAll(full.Body, []byte(`"id": "new"`))
			if quick.Status != full.Status || !bytes.Equal(quickBody, fullBody) ||
				quick.Header.Get("Content-Type") != full.Header.Get("Content-Type") {
				t.Errorf("%s %q:\n  quick path %d %s\n  full path  %d %s", r.method, body, quick.Status, quick.Body, full.Status, full.Body)
			}
		}
	}
}

// TestQuickContractTakesTheBodiesAFrontendSends keeps the agreement above
// from holding by a quick path that takes nothing.
func TestQuickContractTakesTheBodiesAFrontendSends(t *testing.T) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []*operation{api.update, api.create} {
		for _, body := range taken {
			if _, ok := quickContract(op, []byte(body)); !ok {
				t.Errorf("%s: quick path left %s", op.method, body)
			}
		}
		for _, body := range leaving {
			if _, ok := quickContract(op, []byte(body)); ok {
				t.Errorf("%s: quick path took %q", op.method, body)
			}
		}
	}
}

// quickHarness serves the fixtures with the quick path on or off.
func quickHarness(t *testing.T, quick bool) *harness {
	t.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	api.update.quick, api.create.quick = quick && api.update.quick, quick && api.create.quick
	srv := mocktest.Start(t, api)
	srv.Check = checkAgainstSpec
	return &harness{t: t, srv: srv}
}
