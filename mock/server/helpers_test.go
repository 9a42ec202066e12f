package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/journal"
)

// echoAPI answers POST /echo with its body, deciding a rule named by the
// X-Rule header, and POST /token as a secret exchange.
type echoAPI struct{}

func (echoAPI) Name() string { return "echo" }
func (echoAPI) Register(r *mux.Router) {
	r.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if rule := r.Header.Get("X-Rule"); rule != "" {
			journal.Decide(r, rule)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	}).Methods(http.MethodPost)
	r.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		journal.Secret(r)
		_, _ = io.WriteString(w, `{"access_token":"tok-secret-123"}`)
	}).Methods(http.MethodPost)
}
func (echoAPI) Reset()                { /* stateless */ }
func (echoAPI) State() any            { return map[string]int{} }
func (echoAPI) Credentials() []string { return nil }

// dialectAPI is echoAPI with its own error dialect.
type dialectAPI struct{ echoAPI }

func (dialectAPI) WriteError(w http.ResponseWriter, _ *http.Request, status int, _ string) {
	w.Header().Set("Content-Type", "application/x-dialect")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"dialect":true}`)
}

func send(t *testing.T, method, url string, header map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

type journalPage struct {
	Session  string          `json:"session"`
	Requests []journal.Entry `json:"requests"`
}

func journalOf(t *testing.T, base, query, session string) journalPage {
	t.Helper()
	h := map[string]string{}
	if session != "" {
		h[journal.SessionHeader] = session
	}
	res, body := send(t, http.MethodGet, base+"/__admin/requests"+query, h, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /__admin/requests%s: %d %s", query, res.StatusCode, body)
	}
	var p journalPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// counterWith reads counterAPI's n from /__admin/state sent with header.
func counterWith(t *testing.T, base string, header map[string]string) int {
	t.Helper()
	res, body := send(t, http.MethodGet, base+"/__admin/state", header, "")
	var s map[string]map[string]int
	if err := json.Unmarshal([]byte(body), &s); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("state: %d %s", res.StatusCode, body)
	}
	return s["counter"]["n"]
}
