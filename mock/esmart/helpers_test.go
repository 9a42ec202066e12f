package esmart

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
	"github.com/gridtwin/gridtwin/specs"
)

// The fixture users (fixtures/esmart.yaml).
var (
	kari = credentials{"kari.nordmann", "Fjord-1001", 1001}
	ola  = credentials{"ola.hansen", "Vidde-1002", 1002}
)

type credentials struct {
	username, password string
	customerID         int
}

// esmartSpec judges every answer the tests receive.
var esmartSpec = mocktest.LoadSpec(specs.Esmart)

type testServer struct {
	*mocktest.Server
	t *testing.T
}

func newServer(t *testing.T) *testServer {
	t.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := mocktest.Start(t, api)
	srv.Check = checkAgainstSpec
	return &testServer{Server: srv, t: t}
}

// call describes one request; zero fields are left out.
type call struct {
	method      string
	path        string
	auth        *credentials
	contentType string
	body        string
	accept      string
	prefer      string
}

func (c call) request() mocktest.Request {
	r := mocktest.Request{Method: c.method, Path: c.path,
		Header: mocktest.Header("Content-Type", c.contentType, "Accept", c.accept, "Prefer", c.prefer)}
	for k, v := range r.Header {
		if v[0] == "" {
			delete(r.Header, k)
		}
	}
	if c.body != "" {
		r.Body = []byte(c.body)
	}
	if c.auth != nil {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.auth.username+":"+c.auth.password)))
	}
	return r
}

type answer struct{ mocktest.Answer }

// do sends c and checks the answer against specs/esmart.yaml.
func (s *testServer) do(c call) answer {
	s.t.Helper()
	return answer{s.Do(c.request())}
}

func (s *testServer) send(c call) answer {
	s.t.Helper()
	return answer{s.Send(c.request())}
}

// trySend is send for goroutines other than the test's, which must not call
// t.Fatal.
func (s *testServer) trySend(c call) (answer, error) {
	a, err := s.TrySend(c.request())
	return answer{a}, err
}

// checkAgainstSpec validates an answer with libopenapi-validator. The spec
// knows the path in its canonical spelling only, so a request to
// /API/Customers/1001/ is looked up as /api/customers/1001; and a 405 is
// documented on the path's operations, so an undeclared method is looked up
// as GET. A path under api/customers that no route matches is not in the
// spec at all; its 404 is Web API's HttpError with a Message, so it is
// checked as the one documented answer of that shape that has no further
// requirements, GET's 405.
func checkAgainstSpec(t testing.TB, r mocktest.Request, a mocktest.Answer) {
	t.Helper()
	path := strings.SplitN(r.Path, "?", 2)[0]
	id, ok := customerIDSegment(path)
	status := a.Status
	if !ok {
		if !underCustomers(path) || a.Status != http.StatusNotFound {
			t.Fatalf("%s is not a customer path, or answered %d", r.Path, a.Status)
		}
		id, status = "1", http.StatusMethodNotAllowed
	}
	method := r.Method
	if method != http.MethodGet && method != http.MethodPatch || status != a.Status {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:8080/api/customers/"+id, nil)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	esmartSpec.CheckAs(t, req, status, a)
}

func (a answer) customer(t *testing.T) Customer {
	t.Helper()
	return mocktest.Decode[Customer](t, a.Answer, "a customer")
}

// httpError decodes an ASP.NET HttpError with ModelState as a plain map.
type errorBody struct {
	Message    string
	ModelState map[string][]string
}

func (a answer) error(t *testing.T) errorBody {
	t.Helper()
	return mocktest.Decode[errorBody](t, a.Answer, "an HttpError")
}

func (a answer) expectStatus(t *testing.T, want int) {
	t.Helper()
	if a.Status != want {
		t.Fatalf("status %d, want %d; body %s", a.Status, want, a.Body)
	}
}

// expectModelState checks a 400 whose ModelState is exactly want.
func (a answer) expectModelState(t *testing.T, want map[string][]string) {
	t.Helper()
	a.expectStatus(t, http.StatusBadRequest)
	e := a.error(t)
	if e.Message != "The request is invalid." {
		t.Errorf("Message %q", e.Message)
	}
	got, _ := json.Marshal(e.ModelState)
	exp, _ := json.Marshal(want)
	if !bytes.Equal(got, exp) {
		t.Errorf("ModelState\n got %s\nwant %s", got, exp)
	}
}

func pathOf(id int) string { return "/api/customers/" + itoa(id) }

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func (s *testServer) get(who credentials, id int) answer {
	s.t.Helper()
	return s.do(call{method: http.MethodGet, path: pathOf(id), auth: &who})
}

func (s *testServer) patch(who credentials, id int, body string) answer {
	s.t.Helper()
	return s.do(call{method: http.MethodPatch, path: pathOf(id), auth: &who, contentType: "application/json", body: body})
}

// unchanged fails unless customer id still reads as before.
func (s *testServer) expectUnchanged(who credentials, before Customer) {
	s.t.Helper()
	after := s.get(who, int(before.CustomerID)).customer(s.t)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if !bytes.Equal(a, b) {
		s.t.Errorf("customer changed\nbefore %s\n after %s", b, a)
	}
}
