package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/server"
	"github.com/gridtwin/gridtwin/mock/store"
)

func inSession(name string) map[string]string {
	if name == "" {
		return nil
	}
	return map[string]string{store.Header: name}
}

// errorOf decodes a JSON error body's member key.
func errorOf(t *testing.T, body, key string) string {
	t.Helper()
	var m map[string]string
	_ = json.Unmarshal([]byte(body), &m)
	return m[key]
}

func TestSessionsHaveTheirOwnStateAndReset(t *testing.T) {
	srv := httptest.NewServer(server.New(counterAPI{}))
	defer srv.Close()

	for session, n := range map[string]int{"": 1, "alice": 2, "bob": 3} {
		for range n {
			if res, body := send(t, http.MethodPost, srv.URL+"/count", inSession(session), ""); res.StatusCode != http.StatusOK {
				t.Fatalf("count in %q: %d %s", session, res.StatusCode, body)
			}
		}
	}
	for session, want := range map[string]int{"": 1, "alice": 2, "bob": 3, "carol": 0} {
		if got := counterWith(t, srv.URL, inSession(session)); got != want {
			t.Errorf("session %q: n = %d, want %d", session, got, want)
		}
	}
	if res, body := send(t, http.MethodPost, srv.URL+"/__admin/reset", inSession("alice"), ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("reset of alice: %d %s", res.StatusCode, body)
	}
	for session, want := range map[string]int{"": 1, "alice": 0, "bob": 3} {
		if got := counterWith(t, srv.URL, inSession(session)); got != want {
			t.Errorf("after resetting alice, session %q: n = %d, want %d", session, got, want)
		}
	}
	res, _ := send(t, http.MethodPost, srv.URL+"/count", inSession("bob"), "")
	if got := res.Header.Get(store.Header); got != "bob" {
		t.Errorf("a session's answer names it as %q, want bob", got)
	}
}

func TestABadSessionNameIsA400InTheVendorsDialect(t *testing.T) {
	srv := httptest.NewServer(server.New(counterAPI{}))
	defer srv.Close()

	for _, bad := range []string{"has space", "semi;colon", strings.Repeat("x", store.MaxSessionNameLen+1)} {
		res, body := send(t, http.MethodPost, srv.URL+"/count", inSession(bad), "")
		if msg := errorOf(t, body, "counter_error"); res.StatusCode != http.StatusBadRequest || !strings.Contains(msg, store.Header) {
			t.Errorf("session %q: %d %s; want 400 naming the header in the API's dialect", bad, res.StatusCode, body)
		}
		res, body = send(t, http.MethodGet, srv.URL+"/__admin/state", inSession(bad), "")
		if msg := errorOf(t, body, "error"); res.StatusCode != http.StatusBadRequest || !strings.Contains(msg, store.Header) {
			t.Errorf("admin state in session %q: %d %s; want 400", bad, res.StatusCode, body)
		}
	}
	if got := counterWith(t, srv.URL, nil); got != 0 {
		t.Fatalf("a refused request changed the default session: n = %d", got)
	}
}

func TestPastTheSessionLimitANewSessionIsA503InTheVendorsDialect(t *testing.T) {
	st := store.NewMemory(store.Options{MaxSessions: 2})
	srv := httptest.NewServer(server.NewWith(server.Options{Store: st}, counterAPI{}))
	defer srv.Close()

	for _, session := range []string{"one", "two", "one", ""} {
		if res, body := send(t, http.MethodPost, srv.URL+"/count", inSession(session), ""); res.StatusCode != http.StatusOK {
			t.Fatalf("session %q within the limit: %d %s", session, res.StatusCode, body)
		}
	}
	res, body := send(t, http.MethodPost, srv.URL+"/count", inSession("three"), "")
	if msg := errorOf(t, body, "counter_error"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(msg, "too many sessions") {
		t.Fatalf("a third session: %d %s; want 503 saying too many sessions", res.StatusCode, body)
	}
}

func TestCORSAllowsAndExposesTheSessionHeader(t *testing.T) {
	srv := httptest.NewServer(server.New(counterAPI{}))
	defer srv.Close()

	res, _ := send(t, http.MethodOptions, srv.URL+"/count", map[string]string{
		"Origin": "http://localhost:5173", "Access-Control-Request-Method": http.MethodPost,
		"Access-Control-Request-Headers": "x-gridtwin-session",
	}, "")
	if got := res.Header.Get("Access-Control-Allow-Headers"); !strings.EqualFold(got, store.Header) {
		t.Errorf("preflight: Access-Control-Allow-Headers = %q, want the session header", got)
	}
	res, _ = send(t, http.MethodPost, srv.URL+"/count", map[string]string{"Origin": "http://localhost:5173", store.Header: "page"}, "")
	if got := res.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, store.Header) {
		t.Errorf("Access-Control-Expose-Headers = %q, want it to name %s", got, store.Header)
	}
}
