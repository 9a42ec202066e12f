package otark

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

// The benchmarks measure the per-request work of PATCH /v1/customers/{id}:
// routing, auth, rate limit, validation, translation into problem+json,
// the state update and encoding. They call the router directly (no sockets)
// so the figures are the mock's own cost; make bench measures it over HTTP.

const (
	benchKey      = "otk_demo_write_nordlicht" // fixtures/otark.yaml, scope customers:write
	benchCustomer = "cust_w1n2d3k4"            // one of that key's BRP's customers
)

func benchRouter(b *testing.B) http.Handler {
	b.Helper()
	api, err := New(fixtures.FS(), Options{RateLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	return mocktest.Router(b, api)
}

func benchRequest(body []byte) mocktest.Request {
	return mocktest.Request{Method: http.MethodPatch, Path: "/v1/customers/" + benchCustomer, Body: body,
		Header: mocktest.Header("Content-Type", "application/json", "X-Api-Key", benchKey)}
}

func benchPatch(b *testing.B, h http.Handler, body func(i int) []byte, wantStatus int) {
	b.Helper()
	mocktest.BenchDirect(b, h, wantStatus, func(i int) mocktest.Request { return benchRequest(body(i)) })
}

// A metadata merge that changes the state on every request.
func BenchmarkPatchMetadataMerge(b *testing.B) {
	benchPatch(b, benchRouter(b), func(i int) []byte {
		return []byte(`{"metadata":{"bench_seq":"` + strconv.Itoa(i) + `"}}`)
	}, http.StatusOK)
}

// A balance group change: the TSO check and the merge of a nested object.
func BenchmarkPatchBalanceGroup(b *testing.B) {
	benchPatch(b, benchRouter(b), func(i int) []byte {
		tso := "DE_TENNET"
		if i%2 == 0 {
			tso = "DE_50HERTZ"
		}
		return []byte(`{"balance_group":{"eic":"11YNORDLICHT--B","tso":"` + tso + `"}}`)
	}, http.StatusOK)
}

// A schema failure: the validator's findings translated into Zod's words.
func BenchmarkPatchRejectedEnum(b *testing.B) {
	body := []byte(`{"status":"bogus"}`)
	benchPatch(b, benchRouter(b), func(int) []byte { return body }, http.StatusBadRequest)
}

// Several failures at once, schema and prose rules together.
func BenchmarkPatchRejectedMany(b *testing.B) {
	body := []byte(`{"status":1,"balance_group":{"tso":"INVALID"},"metadata":{"a":1},"id":"x","colour":"red"}`)
	benchPatch(b, benchRouter(b), func(int) []byte { return body }, http.StatusBadRequest)
}

// The state under contention: every goroutine patches the same customer.
func BenchmarkPatchMetadataMergeParallel(b *testing.B) {
	h := benchRouter(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			rec := mocktest.ServeDirect(h, benchRequest([]byte(`{"metadata":{"bench_seq":"`+strconv.Itoa(i)+`"}}`)))
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
