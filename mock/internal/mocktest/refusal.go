// Package mocktest holds the test helpers every vendor package's tests
// share, so each vendor's tests keep only what is its own (its fixture ids,
// its request sugar, which operation of its spec an odd answer is judged
// as): a server on a real port (Start), requests and answers read whole,
// every answer judged by the vendor's OpenAPI document of specs/ (LoadSpec,
// CheckAs), a clock the test moves (Clock), the benchmarks' loops (Router,
// BenchDirect, BenchHTTP) and the mock's refusal of a preference
// (WantRefused).
package mocktest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// WantRefused checks the mock's own refusal of a preference: 400, its
// gridtwin_error body, naming what would have been accepted.
func WantRefused(t testing.TB, status int, body []byte, mentions ...string) {
	t.Helper()
	var refusal struct {
		Error string `json:"gridtwin_error"`
	}
	if status != http.StatusBadRequest || json.Unmarshal(body, &refusal) != nil || refusal.Error == "" {
		t.Fatalf("status %d %s, want the mock's 400 refusal", status, body)
	}
	for _, m := range mentions {
		if !strings.Contains(refusal.Error, m) {
			t.Errorf("refusal %q does not mention %q", refusal.Error, m)
		}
	}
}
