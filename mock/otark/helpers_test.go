package otark

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
	"github.com/gridtwin/gridtwin/specs"
)

// Demo keys and customers of fixtures/otark.yaml.
const (
	keyWrite        = "otk_demo_write_nordlicht"
	keyReadOnly     = "otk_demo_readonly_nordlicht"
	keyWriteOnly    = "otk_demo_writeonly_nordlicht" // customers:write without customers:read
	keyForeignRead  = "otk_demo_readonly_alpenstrom"
	keyForeignWrite = "otk_demo_write_alpenstrom"

	custSeed        = "cust_r8s9t0u1" // active, 11YSOLARDACH--A/DE_AMPRION
	custActive      = "cust_w1n2d3k4" // active, 11YNORDLICHT--B/DE_TENNET
	custPending     = "cust_p3n4d5g6" // pending, with a balance group
	custPendingNoBG = "cust_n0b4l4nc" // pending, no balance group
	custDeactivated = "cust_d3a5c7v9" // deactivated, activated before
	custForeign     = "cust_a1p2e3n4" // brp_alpenstrom's

	tsoOptions = "'DE_AMPRION' | 'DE_TENNET' | 'DE_TRANSNET_BW' | 'DE_50HERTZ'"
)

var start = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

// otarkSpec judges every answer to a PATCH or any other method but GET
// against specs/otark.yaml, and readsSpec every answer to a GET against
// specs/otark-reads.yaml.
var (
	otarkSpec = mocktest.LoadSpec(specs.Otark)
	readsSpec = mocktest.LoadSpec(specs.OtarkReads)
)

// env is the otark API behind the real server composition (admin API and
// CORS included) on a real listener.
type env struct {
	srv   *mocktest.Server
	t     testing.TB
	clock *mocktest.Clock
}

func newEnv(t testing.TB, rateLimit int) *env {
	t.Helper()
	clock := mocktest.NewClock(start)
	api, err := New(fixtures.FS(), Options{RateLimit: rateLimit, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := mocktest.Start(t, api)
	srv.Check = checkAgainstSpec
	return &env{srv: srv, t: t, clock: clock}
}

// For is e reporting to t.
func (e *env) For(t testing.TB) *env { return &env{srv: e.srv.For(t), t: t, clock: e.clock} }

type response struct{ mocktest.Answer }

func request(method, path string, header map[string]string, body []byte) mocktest.Request {
	r := mocktest.Request{Method: method, Path: path, Header: http.Header{}, Body: body}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return r
}

// do sends one request and checks the answer against the spec.
func (e *env) do(method, path string, header map[string]string, body []byte) response {
	e.t.Helper()
	return response{e.srv.Do(request(method, path, header, body))}
}

// send sends one request and checks nothing: for the mock's own answers,
// which no vendor spec describes.
func (e *env) send(method, path string, header map[string]string, body []byte) response {
	e.t.Helper()
	return response{e.srv.Send(request(method, path, header, body))}
}

// patch sends a JSON PATCH to a customer.
func (e *env) patch(id, key, body string) response {
	e.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		h["X-Api-Key"] = key
	}
	return e.do(http.MethodPatch, "/v1/customers/"+id, h, []byte(body))
}

// customerRoute is the spec's customer path as the router matches it.
var customerRoute = regexp.MustCompile(`^/v1/customers/[^/]+$`)

// documented are the statuses specs/otark.yaml lists for the PATCH.
var documented = map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 409: true}

// checkAgainstSpec judges the answers to the API's paths: a GET's with the
// reads' document, every other method's but OPTIONS (CORS's, the mock's
// own) with the PATCH's.
func checkAgainstSpec(t testing.TB, r mocktest.Request, a mocktest.Answer) {
	t.Helper()
	switch {
	case !strings.HasPrefix(r.Path, "/v1/") || r.Method == http.MethodOptions:
	case r.Method == http.MethodGet:
		checkReadAgainstSpec(t, r.Path, a)
	default:
		checkPatchAgainstSpec(t, r.Path, a)
	}
}

// checkPatchAgainstSpec validates a response with libopenapi-validator.
// The spec documents only 200/400/401/403/404/409; the contract's other
// answers (405, 413, 415, 429) are [C] rules the spec cannot know, and a
// 405 comes for another method. Their body and content type are still
// validated against the spec's Problem by checking it relabelled as a
// PATCH's 400, whose schema is Problem.
func checkPatchAgainstSpec(t testing.TB, path string, a mocktest.Answer) {
	t.Helper()
	status := a.Status
	if !documented[status] {
		status = http.StatusBadRequest
	}
	// A path the customer route does not match (a trailing slash, a
	// sub-path) is no operation of the spec; its answer is still the
	// customer path's, so it is validated as one.
	if !customerRoute.MatchString(path) {
		path = "/v1/customers/unmatched"
	}
	otarkSpec.CheckAs(t, httptest.NewRequest(http.MethodPatch, path, nil), status, a)
}

// documentedReads are the statuses specs/otark-reads.yaml lists per read.
var documentedReads = map[string]map[int]bool{
	"list": {200: true, 400: true, 401: true, 403: true, 429: true},
	"get":  {200: true, 401: true, 403: true, 404: true, 429: true},
}

// checkReadAgainstSpec validates the answer to a GET with the reads'
// document. Every status a read answers is documented there, so unlike
// checkPatchAgainstSpec nothing is relabelled: an undocumented status
// fails.
func checkReadAgainstSpec(t testing.TB, target string, a mocktest.Answer) {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	op := "get"
	switch {
	case path == customersPath:
		op = "list"
	case !customerRoute.MatchString(path):
		// Answered by the customer read, as checkPatchAgainstSpec explains.
		target = "/v1/customers/unmatched"
	}
	if !documentedReads[op][a.Status] {
		t.Errorf("GET %s answered %d, which specs/otark-reads.yaml does not document: %s", target, a.Status, a.Body)
		return
	}
	readsSpec.CheckAs(t, httptest.NewRequest(http.MethodGet, target, nil), a.Status, a)
}

func (r response) problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.Status, r.Body)
	}
	return mocktest.Decode[Problem](t, r.Answer, "a problem")
}

// customerJSON is the wire Customer, as a client decodes it.
type customerJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	BalanceGroup *BalanceGroup     `json:"balance_group"`
	Metadata     map[string]string `json:"metadata"`
	AssignedAt   string            `json:"assigned_at"`
	CreatedAt    string            `json:"created_at"`
	ActivatedAt  *string           `json:"activated_at"`
}

func (r response) customer(t testing.TB) customerJSON {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	return mocktest.Decode[customerJSON](t, r.Answer, "a customer")
}

// wantProblem checks a problem's status, type and title, and that its
// instance is the request path.
func wantProblem(t testing.TB, r response, status int, slug, title, instance string) Problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	p := r.problem(t)
	if p.Type != problemTypeBase+slug || p.Title != title || p.Status != status {
		t.Errorf("problem = %q %q %d, want %q %q %d", p.Type, p.Title, p.Status, problemTypeBase+slug, title, status)
	}
	if p.Instance != instance {
		t.Errorf("instance = %q, want %q", p.Instance, instance)
	}
	return p
}

// state is the otark part of GET /__admin/state, raw, for before/after
// comparisons.
func (e *env) state() string {
	e.t.Helper()
	return e.srv.State("otark")
}

// stateCustomer finds one customer in the admin state.
func (e *env) stateCustomer(id string) customerJSON {
	e.t.Helper()
	var st struct {
		BRPs []struct {
			Customers []customerJSON `json:"customers"`
		} `json:"brps"`
	}
	if err := json.Unmarshal([]byte(e.state()), &st); err != nil {
		e.t.Fatal(err)
	}
	for _, b := range st.BRPs {
		for _, c := range b.Customers {
			if c.ID == id {
				return c
			}
		}
	}
	e.t.Fatalf("customer %s not in state", id)
	return customerJSON{}
}

func (e *env) reset() {
	e.t.Helper()
	if r := e.do(http.MethodPost, "/__admin/reset", nil, nil); r.Status != http.StatusNoContent {
		e.t.Fatalf("admin reset: %d", r.Status)
	}
}

// unchanged fails when a failing request changed the state.
func (e *env) unchanged(before string) {
	e.t.Helper()
	if after := e.state(); after != before {
		e.t.Errorf("state changed by a failing request:\nbefore %s\nafter  %s", before, after)
	}
}
