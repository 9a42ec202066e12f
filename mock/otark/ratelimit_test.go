package otark

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func rateHeaders(r response) (limit, remaining, reset string) {
	return r.Header.Get("X-RateLimit-Limit"), r.Header.Get("X-RateLimit-Remaining"), r.Header.Get("X-RateLimit-Reset")
}

func TestRateLimitWindow(t *testing.T) {
	e := newEnv(t, 3)
	want := func(r response, status int, limit, remaining, reset string) {
		t.Helper()
		l, rem, res := rateHeaders(r)
		if r.Status != status || l != limit || rem != remaining || res != reset {
			t.Fatalf("got %d %s/%s/%s, want %d %s/%s/%s (%s)", r.Status, l, rem, res, status, limit, remaining, reset, r.Body)
		}
	}
	want(e.patch(custSeed, keyWrite, `{}`), 200, "3", "2", "60")
	e.clock.Advance(10 * time.Second)
	// Rejected requests of a known key count too.
	want(e.patch(custSeed, keyWrite, `{"status":1}`), 400, "3", "1", "50")
	e.clock.Advance(500 * time.Millisecond)
	want(e.patch("cust_doesnotexist", keyWrite, `{}`), 404, "3", "0", "50") // 49.5 s left, rounded up

	before := e.state()
	r := e.patch(custSeed, keyWrite, `{"metadata":{"over":"limit"}}`)
	want(r, 429, "3", "0", "50")
	wantProblem(t, r, 429, "rate_limit_exceeded", "Rate Limit Exceeded", "/v1/customers/"+custSeed)
	if ra := r.Header.Get("Retry-After"); ra != "50" {
		t.Errorf("Retry-After = %q, want 50 (= X-RateLimit-Reset)", ra)
	}
	e.unchanged(before)

	// Another key has its own window.
	want(e.patch(custForeign, keyForeignWrite, `{}`), 200, "3", "2", "60")

	// The last second of the window still counts as it, with Reset at least 1.
	e.clock.Advance(49*time.Second + 400*time.Millisecond)
	want(e.patch(custSeed, keyWrite, `{}`), 429, "3", "0", "1")
	// The window is fixed: 60 s after the first request a new one opens.
	e.clock.Advance(100 * time.Millisecond)
	want(e.patch(custSeed, keyWrite, `{}`), 200, "3", "2", "60")
}

func TestRateLimitCountsForbiddenRequests(t *testing.T) {
	e := newEnv(t, 2)
	for i, remaining := range []string{"1", "0", "0"} {
		r := e.patch(custSeed, keyReadOnly, `{}`)
		wantProblem(t, r, 403, "insufficient_scopes", "Insufficient API Key Scopes", "/v1/customers/"+custSeed)
		if l, rem, _ := rateHeaders(r); l != "2" || rem != remaining {
			t.Errorf("403 #%d: limit %s remaining %s, want 2 %s", i+1, l, rem, remaining)
		}
	}
}

func TestAdminResetClearsRateLimit(t *testing.T) {
	e := newEnv(t, 1)
	e.patch(custSeed, keyWrite, `{}`).customer(t)
	if r := e.patch(custSeed, keyWrite, `{}`); r.Status != http.StatusTooManyRequests {
		t.Fatalf("second request: %d, want 429", r.Status)
	}
	e.reset()
	if r := e.patch(custSeed, keyWrite, `{}`); r.Status != http.StatusOK || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("after reset: %d remaining %s, want 200 and 0", r.Status, r.Header.Get("X-RateLimit-Remaining"))
	}
}

func TestRateLimitDefaultsTo300(t *testing.T) {
	e := newEnv(t, 0)
	r := e.patch(custSeed, keyWrite, `{}`)
	if l, rem, res := rateHeaders(r); l != "300" || rem != "299" || res != strconv.Itoa(60) {
		t.Errorf("headers %s/%s/%s, want 300/299/60", l, rem, res)
	}
}
