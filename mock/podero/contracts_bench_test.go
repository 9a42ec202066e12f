package podero

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

// The benchmarks measure the per-request work of the energy-contract PUT:
// routing, token lookup, validation, translation into pydantic's dialect,
// the state update and encoding. They call the router directly (no sockets)
// so the figures are the mock's own cost; make bench measures it over HTTP.

// contractPut is the PUT of the fixture user userA1's contract contractA1
// with the organization's static token.
func contractPut(body []byte) mocktest.Request {
	return mocktest.Request{Method: http.MethodPut, Path: contractURL(orgA, userA1, contractA1), Body: body,
		Header: mocktest.Header("Content-Type", "application/json", "Authorization", "Bearer "+tokenA)}
}

func benchPut(b *testing.B, body func(i int) []byte, wantStatus int) {
	b.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	mocktest.BenchDirect(b, mocktest.Router(b, api), wantStatus, func(i int) mocktest.Request { return contractPut(body(i)) })
}

// A whole contract with hourly prices, a new meter id each time.
func BenchmarkPutContract(b *testing.B) {
	benchPut(b, func(i int) []byte {
		return []byte(`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],` +
			`"building_id":"` + buildingA1 + `","meter_id":"M` + strconv.Itoa(i) + `","supplier":"gridtwin bench",` +
			`"currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
	}, http.StatusOK)
}

// Schema failures answered as pydantic's 422 list.
func BenchmarkPutContractRejected(b *testing.B) {
	body := []byte(`{"energy_contract_type":"hourly","meter_id":"12345678901234567890","energy_prices":[{"price":"x"}]}`)
	benchPut(b, func(int) []byte { return body }, http.StatusUnprocessableEntity)
}
