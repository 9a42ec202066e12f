package podero

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/fixtures"
)

// The benchmarks measure the per-request work of the energy-contract PUT:
// routing, token lookup, validation, translation into pydantic's dialect,
// the state update and encoding. They call the router directly (no sockets)
// so the figures are the mock's own cost; make bench measures it over HTTP.

// Ids of fixtures/podero.yaml: an organization's static token, one of its
// users, that user's contract and building.
const (
	benchOrg      = "0b6a3c1e-5d2f-4e8a-9c71-3f2d8e4b6a10"
	benchToken    = "podero-static-token-lindental"
	benchUser     = "4f9d2c7a-1b3e-4a6f-8d2c-5e7b9a1c3d20"
	benchContract = "a1e5c9d3-2f4b-4c6d-8e0a-1b3c5d7e9f53"
	benchBuilding = "7c2e9f4a-6b1d-4e3a-9f8c-2a4d6b8e0f31"
)

func benchRouter(b *testing.B) http.Handler {
	b.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := mux.NewRouter()
	api.Register(r)
	return r
}

func benchPut(b *testing.B, body func(i int) []byte, wantStatus int) {
	h := benchRouter(b)
	url := "/api/partners/v2.0/org/" + benchOrg + "/users/" + benchUser + "/energy-contracts/" + benchContract
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPut, url, bytes.NewReader(body(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+benchToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != wantStatus {
			b.Fatalf("status %d, want %d: %s", rec.Code, wantStatus, rec.Body)
		}
	}
}

// A whole contract with hourly prices, a new meter id each time.
func BenchmarkPutContract(b *testing.B) {
	benchPut(b, func(i int) []byte {
		return []byte(`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],` +
			`"building_id":"` + benchBuilding + `","meter_id":"M` + strconv.Itoa(i) + `","supplier":"gridtwin bench",` +
			`"currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
	}, http.StatusOK)
}

// Schema failures answered as pydantic's 422 list.
func BenchmarkPutContractRejected(b *testing.B) {
	body := []byte(`{"energy_contract_type":"hourly","meter_id":"12345678901234567890","energy_prices":[{"price":"x"}]}`)
	benchPut(b, func(int) []byte { return body }, http.StatusUnprocessableEntity)
}
