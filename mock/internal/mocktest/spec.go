package mocktest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/specs"
)

// Spec is one document of specs/, loaded on first use and then shared by
// every test of the binary: building its validator compiles every schema.
type Spec struct {
	name string
	doc  func() (*specs.Document, error)
}

// LoadSpec names a document of specs/ and the validator options to load it
// with.
func LoadSpec(name string, opts ...config.Option) *Spec {
	return &Spec{name: name, doc: sync.OnceValues(func() (*specs.Document, error) { return specs.Load(name, opts...) })}
}

// CheckAs validates a, answered with status, as the spec's answer to req.
// The vendor decides which of its spec's operations and statuses an answer
// is checked as, for the answers its spec cannot name (an undeclared method,
// a path of no operation, a status of the contract the spec lacks).
func (s *Spec) CheckAs(t testing.TB, req *http.Request, status int, a Answer) {
	t.Helper()
	doc := s.Doc(t)
	resp := &http.Response{
		StatusCode: status,
		Header:     a.Header.Clone(),
		Body:       io.NopCloser(bytes.NewReader(a.Body)),
		Request:    req,
	}
	if ok, errs := doc.Validator.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errs {
			t.Errorf("answer %d to %s %s does not match specs/%s.yaml: %s: %s", a.Status, req.Method, req.URL, s.name, e.Message, e.Reason)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  at %s: %s", f.FieldPath, f.Reason)
			}
		}
		t.Logf("body: %s", a.Body)
	}
}

// Doc is the loaded document, for tests of the document itself.
func (s *Spec) Doc(t testing.TB) *specs.Document {
	t.Helper()
	doc, err := s.doc()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
