package mock_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gridtwin/gridtwin/mock"
	"github.com/gridtwin/gridtwin/mock/otark"
	"github.com/gridtwin/gridtwin/mock/server"
)

// The pipeline benchmarks send make bench's requests through everything
// serve puts around a vendor (journal, request log, CORS, routing,
// sessions, Prefer, chaos), without sockets: the per-request work a
// change to any layer moves.

func benchPipeline(b *testing.B, method, path string, header http.Header, body func(i int) []byte, want int) {
	b.Helper()
	h, err := mock.New(mock.Config{
		Otark:  otark.Options{RateLimit: 1 << 30},
		Server: serverOptionsForBench(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var rd io.Reader = http.NoBody
		if body != nil {
			rd = bytes.NewReader(body(i))
		}
		req := httptest.NewRequest(method, path, rd)
		for k, v := range header {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
	}
}

func serverOptionsForBench() (opts server.Options) {
	opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return opts
}

func otarkHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {"otk_demo_write_nordlicht"}}
}

func BenchmarkPipelineOtarkPatch(b *testing.B) {
	benchPipeline(b, http.MethodPatch, "/v1/customers/cust_r8s9t0u1", otarkHeader(), func(i int) []byte {
		return []byte(`{"metadata":{"bench_seq":"` + strconv.Itoa(i) + `"}}`)
	}, http.StatusOK)
}

func BenchmarkPipelineOtarkRejected(b *testing.B) {
	benchPipeline(b, http.MethodPatch, "/v1/customers/cust_r8s9t0u1", otarkHeader(), func(int) []byte {
		return []byte(`{"status":"bogus"}`)
	}, http.StatusBadRequest)
}

func BenchmarkPipelineOtarkGet(b *testing.B) {
	benchPipeline(b, http.MethodGet, "/v1/customers/cust_r8s9t0u1", otarkHeader(), nil, http.StatusOK)
}

func BenchmarkPipelineOtarkList(b *testing.B) {
	benchPipeline(b, http.MethodGet, "/v1/customers?limit=10", otarkHeader(), nil, http.StatusOK)
}

func BenchmarkPipelinePoderoPut(b *testing.B) {
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer podero-static-token-lindental"}}
	path := "/api/partners/v2.0/org/0b6a3c1e-5d2f-4e8a-9c71-3f2d8e4b6a10/users/4f9d2c7a-1b3e-4a6f-8d2c-5e7b9a1c3d20/energy-contracts/a1e5c9d3-2f4b-4c6d-8e0a-1b3c5d7e9f53"
	benchPipeline(b, http.MethodPut, path, h, func(i int) []byte {
		return []byte(`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],` +
			`"building_id":"7c2e9f4a-6b1d-4e3a-9f8c-2a4d6b8e0f31","meter_id":"M` + strconv.Itoa(i) +
			`","supplier":"gridtwin bench","currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
	}, http.StatusOK)
}

func BenchmarkPipelineEsmartPatch(b *testing.B) {
	h := http.Header{"Content-Type": {"application/json"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("kari.nordmann:Fjord-1001"))}}
	benchPipeline(b, http.MethodPatch, "/api/customers/1001", h, func(i int) []byte {
		return []byte(`{"PhoneNumber":"` + strconv.Itoa(i) + `"}`)
	}, http.StatusOK)
}
