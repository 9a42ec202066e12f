package podero

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/server"
	"github.com/gridtwin/gridtwin/specs"
)

// Fixture ids the tests lean on (fixtures/podero.yaml).
const (
	orgA       = "0b6a3c1e-5d2f-4e8a-9c71-3f2d8e4b6a10"
	orgB       = "1c7b4d2f-6e3a-4f9b-8d82-4a3e9f5c7b21"
	userA1     = "4f9d2c7a-1b3e-4a6f-8d2c-5e7b9a1c3d20"
	userA2     = "5a0e3d8b-2c4f-4b7a-9e3d-6f8c0b2d4e75"
	userB1     = "6b1f4e9c-3d5a-4c8b-8f4e-7a9d1c3e5f08"
	contractA1 = "a1e5c9d3-2f4b-4c6d-8e0a-1b3c5d7e9f53"
	contractA2 = "b2f6d0e4-3a5c-4d7e-9f1b-2c4d6e8f0a64"
	contractA3 = "c3a7e1f5-4b6d-4e8f-a02c-3d5e7f9a1b97" // userA2's
	buildingA1 = "7c2e9f4a-6b1d-4e3a-9f8c-2a4d6b8e0f31"
	buildingA2 = "8d3fa05b-7c2e-4f4b-a09d-3b5e7c9f1a42"
	buildingA3 = "9e4ab16c-8d3f-4a5c-b1ae-4c6f8d0a2b86" // userA2's
	tokenA     = "podero-static-token-lindental"
	tokenB     = "podero-static-token-alpenstrom"
	clientA    = "lindental-client"
	secretA    = "lindental-secret-7f3k9q"
	unknownID  = "00000000-0000-4000-8000-000000000000"
)

func contractURL(org, user, contract string) string {
	return "/api/partners/v2.0/org/" + org + "/users/" + user + "/energy-contracts/" + contract
}

func contractsURL(org, user string) string {
	return "/api/partners/v2.0/org/" + org + "/users/" + user + "/energy-contracts"
}

var (
	specOnce sync.Once
	specDoc  *specs.Document
	specErr  error
)

// responseSpec is the one validator every test answer is checked with.
func responseSpec(t *testing.T) *specs.Document {
	specOnce.Do(func() {
		specDoc, specErr = specs.Load(specs.Podero, config.WithFormatAssertions(), config.WithoutSecurityValidation())
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specDoc
}

// clock is a settable time source for token lifetimes.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t   *testing.T
	srv *httptest.Server
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	api, err := New(fixtures.FS(), opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(api))
	t.Cleanup(srv.Close)
	// Tests see every answer as sent, redirects included.
	srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &harness{t: t, srv: srv}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, a.body)
	}
	return v
}

// do sends one request and checks the answer against specs/podero.yaml
// (every status except 405, which the spec does not describe, being
// Django's rather than the API's; the admin API is the mock's own).
func (h *harness) do(method, path, token, body string, header ...string) answer {
	h.t.Helper()
	resp, got := h.send(method, path, token, body, header...)
	if resp.StatusCode != http.StatusMethodNotAllowed && !strings.HasPrefix(path, "/__admin/") {
		checkAgainstSpec(h.t, method, path, body, header, resp, got)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: got}
}

// doUnrouted sends a request for a path that none of the API's routes
// matches. Django answers it, not the API, and the spec has no such path,
// so the answer is not checked against the spec; tests check it whole.
func (h *harness) doUnrouted(method, path, token, body string, header ...string) answer {
	h.t.Helper()
	resp, got := h.send(method, path, token, body, header...)
	return answer{status: resp.StatusCode, header: resp.Header, body: got}
}

func (h *harness) send(method, path, token, body string, header ...string) (*http.Response, []byte) {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, got
}

func checkAgainstSpec(t *testing.T, method, path, body string, header []string, resp *http.Response, got []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "https://api.example.com"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp.Body = io.NopCloser(bytes.NewReader(got))
	if ok, errs := responseSpec(t).Validator.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errs {
			t.Errorf("%s %s answered %d against specs/podero.yaml: %s (%s)", method, path, resp.StatusCode, e.Message, e.Reason)
			for _, s := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", s.FieldPath, s.Reason)
			}
		}
		t.Logf("body: %s", got)
	}
}

// mustJSON compares an answer with the expected JSON, ignoring formatting.
func mustJSON(t *testing.T, got answer, status int, want string) {
	t.Helper()
	if got.status != status {
		t.Fatalf("status %d, want %d; body %s", got.status, status, got.body)
	}
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	g := got.json(t)
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("answer\n  %s\nwant\n  %s", gb, wb)
	}
}

func field(t *testing.T, v any, key string) any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %v", v)
	}
	return m[key]
}
