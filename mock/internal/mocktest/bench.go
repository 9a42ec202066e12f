package mocktest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"
)

// Router is a vendor's routes on a bare router: benchmarks call it
// directly, without sockets, so their figures are the mock's own cost.
func Router(b testing.TB, api interface{ Register(*mux.Router) }) http.Handler {
	b.Helper()
	r := mux.NewRouter()
	api.Register(r)
	return r
}

// ServeDirect answers r by calling h in the calling goroutine.
func ServeDirect(h http.Handler, r Request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(r.Body))
	for k, v := range r.Header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchDirect measures h answering request(i) in iteration i, each with
// want.
func BenchDirect(b *testing.B, h http.Handler, want int, request func(i int) Request) {
	b.Helper()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if rec := ServeDirect(h, request(i)); rec.Code != want {
			b.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
		}
	}
}

// BenchHTTP measures s answering r over HTTP, each answer judged by check.
func BenchHTTP(b *testing.B, s *Server, r Request, check func(Answer) error) {
	b.Helper()
	b.SetBytes(int64(len(r.Body)))
	b.ReportAllocs()
	for b.Loop() {
		a, err := s.TrySend(r)
		if err == nil {
			err = check(a)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
