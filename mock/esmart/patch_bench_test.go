package esmart

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

// The benchmarks measure the per-request work of PATCH api/customers/{id}:
// routing, Basic auth, Json.NET-style binding, the spec's phone and e-mail
// rules, ModelState errors, the state update and encoding. They call the
// router directly (no sockets) so the figures are the mock's own cost; make
// bench measures it over HTTP.

func benchPatch(b *testing.B, body func(i int) []byte, wantStatus int) {
	b.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	mocktest.BenchDirect(b, mocktest.Router(b, api), wantStatus, func(i int) mocktest.Request {
		return call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari,
			contentType: "application/json", body: string(body(i))}.request()
	})
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
