package mocktest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// Decode reads a's body as JSON into a T, or fails the test naming what
// the body should have been.
func Decode[T any](t testing.TB, a Answer, what string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(a.Body, &v); err != nil {
		t.Fatalf("answer %d is not %s: %v: %s", a.Status, what, err, a.Body)
	}
	return v
}

// State is vendor's part of GET /__admin/state, raw, for before/after
// comparisons.
func (s *Server) State(vendor string) string {
	s.t.Helper()
	a := s.Send(Request{Method: http.MethodGet, Path: "/__admin/state"})
	if a.Status != http.StatusOK {
		s.t.Fatalf("admin state: %d %s", a.Status, a.Body)
	}
	return string(Decode[map[string]json.RawMessage](s.t, a, "the admin state")[vendor])
}
