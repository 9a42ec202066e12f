package esmart

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/fixtures"
)

// The benchmarks measure the per-request work of PATCH api/customers/{id}:
// routing, Basic auth, Json.NET-style binding, the spec's phone and e-mail
// rules, ModelState errors, the state update and encoding. They call the
// router directly (no sockets) so the figures are the mock's own cost; make
// bench measures it over HTTP.

// A user of fixtures/esmart.yaml and the customer they own.
const (
	benchUser     = "kari.nordmann"
	benchPassword = "Fjord-1001"
	benchCustomer = 1001
)

func benchPatch(b *testing.B, body func(i int) []byte, wantStatus int) {
	b.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := mux.NewRouter()
	api.Register(r)
	url := "/api/customers/" + strconv.Itoa(benchCustomer)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPatch, url, bytes.NewReader(body(i)))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(benchUser, benchPassword)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != wantStatus {
			b.Fatalf("status %d, want %d: %s", rec.Code, wantStatus, rec.Body)
		}
	}
}

// New contact details on every request.
func BenchmarkPatchContact(b *testing.B) {
	benchPatch(b, func(i int) []byte {
		n := strconv.Itoa(4790000000 + i)
		return []byte(`{"PhoneNumber":"` + n + `","MobileNumber":"` + n + `","Email":"kari` + n + `@example.no"}`)
	}, http.StatusOK)
}

// Rule and binding failures answered as ModelState.
func BenchmarkPatchRejected(b *testing.B) {
	body := []byte(`{"PhoneNumber":"+47 22 33","Email":"no-at-sign","IsPowerCustomer":"x"}`)
	benchPatch(b, func(int) []byte { return body }, http.StatusBadRequest)
}
