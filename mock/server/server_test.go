package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/server"
	"github.com/gridtwin/gridtwin/mock/store"
)

// counterAPI is the smallest stateful API: POST /count increments a
// counter kept in the store; its errors are {"counter_error": ...}.
type counterAPI struct{}

var counters = store.NewTable("counter.n", map[string]int{"n": 0})

func (counterAPI) Name() string { return "counter" }
func (counterAPI) Register(r *mux.Router) {
	r.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		sess := store.FromContext(r.Context())
		if _, err := counters.Update(r.Context(), sess, "n", func(n int) (int, error) { return n + 1, nil }); err != nil {
			status, msg := store.Answer(err)
			counterAPI{}.WriteError(w, r, status, msg)
			return
		}
		w.Header().Set("X-RateLimit-Limit", "1")
		w.WriteHeader(http.StatusOK)
	}).Methods(http.MethodPost)
}
func (counterAPI) State(ctx context.Context, s store.Session) (any, error) {
	n, _, err := counters.Get(ctx, s, "n")
	return map[string]int{"n": n}, err
}
func (counterAPI) WriteError(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"counter_error": msg})
}
func (counterAPI) Credentials() []string { return nil }

func stateOf(t *testing.T, base string) map[string]map[string]int {
	t.Helper()
	res, err := http.Get(base + "/__admin/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("state Content-Type = %q, want application/json", ct)
	}
	var s map[string]map[string]int
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAdminStateAndReset(t *testing.T) {
	srv := httptest.NewServer(server.New(&counterAPI{}))
	defer srv.Close()

	for range 3 {
		res, err := http.Post(srv.URL+"/count", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if got := stateOf(t, srv.URL)["counter"]["n"]; got != 3 {
		t.Fatalf("state after 3 requests: n = %d, want 3", got)
	}
	res, err := http.Post(srv.URL+"/__admin/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("reset status = %d, want 204", res.StatusCode)
	}
	if got := stateOf(t, srv.URL)["counter"]["n"]; got != 0 {
		t.Fatalf("state after reset: n = %d, want 0", got)
	}
}

func TestCORSPreflightAcceptsAnySpellingOfRequestHeaders(t *testing.T) {
	srv := httptest.NewServer(server.New(&counterAPI{}))
	defer srv.Close()

	for _, requested := range []string{"content-type,x-api-key", "X-Api-Key, Content-Type", "authorization"} {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/count", nil)
		req.Header.Set("Origin", "http://localhost:5173")
		req.Header.Set("Access-Control-Request-Method", http.MethodPatch)
		req.Header.Set("Access-Control-Request-Headers", requested)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("preflight with %q: Access-Control-Allow-Origin = %q, want *", requested, got)
		}
		if got := res.Header.Get("Access-Control-Allow-Headers"); got != requested {
			t.Errorf("preflight with %q: Access-Control-Allow-Headers = %q, want the requested headers", requested, got)
		}
	}

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/count", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Expose-Headers"); got == "" {
		t.Fatal("actual response exposes no headers; rate-limit headers would be invisible to a page")
	}
}

func TestAdminOtherMethodsAre405WithAllow(t *testing.T) {
	srv := httptest.NewServer(server.New(&counterAPI{}))
	defer srv.Close()

	for path, allow := range map[string]string{"/__admin/reset": "POST", "/__admin/state": "GET"} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPatch} {
			if method == allow {
				continue
			}
			req, _ := http.NewRequest(method, srv.URL+path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]string
			decodeErr := json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != allow {
				t.Errorf("%s %s: status %d, Allow %q; want 405 with Allow %q", method, path, res.StatusCode, res.Header.Get("Allow"), allow)
			}
			if decodeErr != nil || body["error"] == "" {
				t.Errorf("%s %s: body is not a JSON error: %v", method, path, decodeErr)
			}
		}
	}
	if got := stateOf(t, srv.URL)["counter"]["n"]; got != 0 {
		t.Fatalf("a refused admin call changed state: n = %d", got)
	}
}
