package otark

import (
	"net/http"
	"testing"
)

// Paths under /v1/customers/ that the customer route does not match are
// answered by the same pipeline, in problem+json, and end in 404
// customer_not_found for the path as sent.
var unmatchedCustomerPaths = []string{
	"/v1/customers/" + custSeed + "/",
	"/v1/customers/" + custSeed + "/x",
	"/v1/customers/cust%2Fx",
	"/v1/customers/",
}

func TestUnmatchedCustomerPathsAreCustomerNotFound(t *testing.T) {
	e := newEnv(t, 0)
	h := map[string]string{"Content-Type": "application/json", "X-Api-Key": keyWrite}
	before := e.state()
	for _, path := range unmatchedCustomerPaths {
		t.Run(path, func(t *testing.T) {
			r := e.do(http.MethodPatch, path, h, []byte(`{"metadata":{"region":"BY"}}`))
			wantProblem(t, r, 404, "customer_not_found", "Customer Not Found", path)
			if r.Header.Get("X-RateLimit-Limit") == "" {
				t.Error("a 404 of a known key lacks the rate-limit headers")
			}
			e.unchanged(before)
		})
	}
}

func TestUnmatchedCustomerPathsCheckInOrder(t *testing.T) {
	e := newEnv(t, 0)
	for _, path := range unmatchedCustomerPaths {
		t.Run(path, func(t *testing.T) {
			r := e.do(http.MethodDelete, path, map[string]string{"X-Api-Key": keyWrite}, nil)
			if r.Header.Get("Allow") != "GET, PATCH" {
				t.Errorf("405 Allow = %q, want GET, PATCH", r.Header.Get("Allow"))
			}
			wantProblem(t, r, 405, "method_not_allowed", "Method Not Allowed", path)

			r = e.do(http.MethodPatch, path, map[string]string{"Content-Type": "application/json"}, []byte(`{}`))
			wantProblem(t, r, 401, "invalid_api_key", "Invalid API Key", path)

			r = e.do(http.MethodPatch, path, map[string]string{"Content-Type": "application/json", "X-Api-Key": keyReadOnly}, []byte(`{}`))
			wantProblem(t, r, 403, "insufficient_scopes", "Insufficient API Key Scopes", path)

			r = e.do(http.MethodPatch, path, map[string]string{"X-Api-Key": keyWrite}, []byte(`{}`))
			wantProblem(t, r, 415, "unsupported_media_type", "Unsupported Media Type", path)

			r = e.do(http.MethodPatch, path, map[string]string{"Content-Type": "application/json", "X-Api-Key": keyWrite}, []byte(`{"status":1}`))
			wantProblem(t, r, 400, "validation", "Validation Failed", path)
		})
	}
}

func TestUnmatchedCustomerPathsAreRateLimited(t *testing.T) {
	e := newEnv(t, 1)
	h := map[string]string{"Content-Type": "application/json", "X-Api-Key": keyWrite}
	e.do(http.MethodPatch, "/v1/customers/"+custSeed+"/x", h, []byte(`{}`))
	r := e.do(http.MethodPatch, "/v1/customers/"+custSeed+"/x", h, []byte(`{}`))
	wantProblem(t, r, 429, "rate_limit_exceeded", "Rate Limit Exceeded", "/v1/customers/"+custSeed+"/x")
}
