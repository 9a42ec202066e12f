package otark

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSPreflightAndExposedHeaders(t *testing.T) {
	e := newEnv(t, 0)
	// A preflight is answered by the CORS layer before any route; it is not
	// an otark operation, so do() does not check it against the spec.
	r := e.do(http.MethodOptions, "/v1/customers/"+custSeed, map[string]string{
		"Origin":                        "http://localhost:5173",
		"Access-Control-Request-Method": "PATCH",
		// As browsers send it: lower-case and sorted (Fetch standard); rs/cors
		// 1.11 refuses other spellings.
		"Access-Control-Request-Headers": "content-type,x-api-key",
	}, nil)
	if r.Status/100 != 2 {
		t.Fatalf("preflight status %d", r.Status)
	}
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Allow-Origin = %q", got)
	}
	if got := r.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "PATCH") {
		t.Errorf("Allow-Methods = %q, want PATCH", got)
	}
	allowed := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"x-api-key", "content-type"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("Allow-Headers = %q, want %s", allowed, h)
		}
	}

	r = e.do(http.MethodPatch, "/v1/customers/"+custSeed, map[string]string{
		"Origin": "http://localhost:5173", "X-Api-Key": keyWrite, "Content-Type": "application/json",
	}, []byte(`{}`))
	r.customer(t)
	exposed := strings.ToLower(r.Header.Get("Access-Control-Expose-Headers"))
	for _, h := range []string{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"} {
		if !strings.Contains(exposed, h) {
			t.Errorf("Expose-Headers = %q, want %s", exposed, h)
		}
	}
}
