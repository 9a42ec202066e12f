package mocktest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/specs"
)

// recorder is a test that keeps what it is told instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...); panic("fatal") }
func (r *recorder) Fatal(a ...any)            { r.Errorf("%v", a...); panic("fatal") }

var esmart = LoadSpec(specs.Esmart)

func check(body string) []string {
	r := &recorder{}
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/api/customers/1001", nil)
	a := Answer{Status: 200, Header: Header("Content-Type", "application/json; charset=utf-8"), Body: []byte(body)}
	esmart.CheckAs(r, req, 200, a)
	return r.errors
}

// An answer the spec describes passes; one it does not fails, naming the
// document.
func TestCheckAsJudgesTheAnswerBySpec(t *testing.T) {
	if errs := check(`{"CustomerId":1001}`); len(errs) != 0 {
		t.Errorf("a customer failed: %v", errs)
	}
	errs := check(`{"CustomerId":"not a number"}`)
	if len(errs) == 0 || !strings.Contains(errs[0], "specs/esmart.yaml") {
		t.Errorf("a CustomerId that is a string passed, or the failure does not name the spec: %v", errs)
	}
}
