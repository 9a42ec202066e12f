package esmart

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/server"
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

var (
	specOnce sync.Once
	specDoc  *specs.Document
	specErr  error
)

// spec is loaded once for all tests: building the validator compiles every
// schema.
func spec(t *testing.T) *specs.Document {
	t.Helper()
	specOnce.Do(func() { specDoc, specErr = specs.Load(specs.Esmart) })
	if specErr != nil {
		t.Fatal(specErr)
	}
	return specDoc
}

type testServer struct {
	*httptest.Server
	t *testing.T
}

func newServer(t *testing.T) *testServer {
	t.Helper()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(api))
	t.Cleanup(srv.Close)
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

type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends c and checks the answer against specs/esmart.yaml.
func (s *testServer) do(c call) answer {
	s.t.Helper()
	a := s.send(c)
	checkAgainstSpec(s.t, c, a)
	return a
}

func (s *testServer) send(c call) answer {
	s.t.Helper()
	a, err := s.trySend(c)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// trySend is send for goroutines other than the test's, which must not call
// t.Fatal.
func (s *testServer) trySend(c call) (answer, error) {
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, s.URL+c.path, body)
	if err != nil {
		return answer{}, err
	}
	if c.auth != nil {
		req.SetBasicAuth(c.auth.username, c.auth.password)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.accept != "" {
		req.Header.Set("Accept", c.accept)
	}
	if c.prefer != "" {
		req.Header.Set("Prefer", c.prefer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// checkAgainstSpec validates an answer with libopenapi-validator. The spec
// knows the path in its canonical spelling only, so a request to
// /API/Customers/1001/ is looked up as /api/customers/1001; and a 405 is
// documented on the path's operations, so an undeclared method is looked up
// as GET. A path under api/customers that no route matches is not in the
// spec at all; its 404 is Web API's HttpError with a Message, so it is
// checked as the one documented answer of that shape that has no further
// requirements, GET's 405.
func checkAgainstSpec(t *testing.T, c call, a answer) {
	t.Helper()
	path := strings.SplitN(c.path, "?", 2)[0]
	id, ok := customerIDSegment(path)
	status := a.status
	if !ok {
		if !underCustomers(path) || a.status != http.StatusNotFound {
			t.Fatalf("%s is not a customer path, or answered %d", c.path, a.status)
		}
		id, status = "1", http.StatusMethodNotAllowed
	}
	method := c.method
	if method != http.MethodGet && method != http.MethodPatch || status != a.status {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, "http://127.0.0.1:8080/api/customers/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	resp := &http.Response{
		StatusCode: status,
		Header:     a.header,
		Body:       io.NopCloser(bytes.NewReader(a.body)),
		Request:    req,
	}
	if ok, errs := spec(t).Validator.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errs {
			t.Errorf("%s %s -> %d does not match specs/esmart.yaml: %s: %s", c.method, c.path, a.status, e.Message, e.Reason)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", f.FieldPath, f.Reason)
			}
		}
	}
}

func (a answer) customer(t *testing.T) Customer {
	t.Helper()
	var c Customer
	if err := json.Unmarshal(a.body, &c); err != nil {
		t.Fatalf("answer is not a customer: %v: %s", err, a.body)
	}
	return c
}

// httpError decodes an ASP.NET HttpError with ModelState as a plain map.
type errorBody struct {
	Message    string
	ModelState map[string][]string
}

func (a answer) error(t *testing.T) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("answer is not an HttpError: %v: %s", err, a.body)
	}
	return e
}

func (a answer) expectStatus(t *testing.T, want int) {
	t.Helper()
	if a.status != want {
		t.Fatalf("status %d, want %d; body %s", a.status, want, a.body)
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
