package podero

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
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

// podero is the one document every test answer is checked with.
var poderoSpec = mocktest.LoadSpec(specs.Podero, config.WithFormatAssertions(), config.WithoutSecurityValidation())

type harness struct {
	t   *testing.T
	srv *mocktest.Server
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	api, err := New(fixtures.FS(), opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := mocktest.Start(t, api)
	srv.Check = checkAgainstSpec
	return &harness{t: t, srv: srv}
}

type answer struct{ mocktest.Answer }

func (a answer) json(t *testing.T) any {
	t.Helper()
	return mocktest.Decode[any](t, a.Answer, "JSON")
}

// request is a JSON body (when there is one) with a bearer token (when
// there is one); header's name, value pairs come last and win.
func request(method, path, token, body string, header []string) mocktest.Request {
	r := mocktest.Request{Method: method, Path: path, Header: http.Header{}}
	if body != "" {
		r.Body = []byte(body)
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range mocktest.Header(header...) {
		r.Header[k] = v
	}
	return r
}

// do sends one request and checks the answer against specs/podero.yaml.
func (h *harness) do(method, path, token, body string, header ...string) answer {
	h.t.Helper()
	return answer{h.srv.Do(request(method, path, token, body, header))}
}

// doUnrouted sends a request for a path that none of the API's routes
// matches. Django answers it, not the API, and the spec has no such path,
// so the answer is not checked against the spec; tests check it whole.
func (h *harness) doUnrouted(method, path, token, body string, header ...string) answer {
	h.t.Helper()
	return answer{h.srv.Send(request(method, path, token, body, header))}
}

// checkAgainstSpec checks every status but 405, which the spec does not
// describe, being Django's rather than the API's; the admin API is the
// mock's own.
func checkAgainstSpec(t testing.TB, r mocktest.Request, a mocktest.Answer) {
	t.Helper()
	if a.Status == http.StatusMethodNotAllowed || strings.HasPrefix(r.Path, "/__admin/") {
		return
	}
	req := httptest.NewRequest(r.Method, "https://api.example.com"+r.Path, bytes.NewReader(r.Body))
	req.Header = r.Header.Clone()
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	poderoSpec.CheckAs(t, req, a.Status, a)
}

// mustJSON compares an answer with the expected JSON, ignoring formatting.
func mustJSON(t *testing.T, got answer, status int, want string) {
	t.Helper()
	if got.Status != status {
		t.Fatalf("status %d, want %d; body %s", got.Status, status, got.Body)
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
