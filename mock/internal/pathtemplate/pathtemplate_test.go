package pathtemplate

import (
	"maps"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gorilla/mux"
)

// The oracle is mux itself: for every template and path, a Matcher agrees
// with the regexp route mux builds from the same template, on the match
// and on the variables.
func TestMatchesAsMuxDoes(t *testing.T) {
	templates := []string{
		"/v1/customers/{customer_id}",
		"/v1/customers",
		"/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}",
		"/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts",
	}
	paths := []string{
		"/v1/customers/cust_1", "/v1/customers/", "/v1/customers", "/v1/customers/a/b",
		"/v1/customers/a/", "/v1/customers//", "/v1/Customers/a", "/v1/customersx/a", "/v1/customers/a%2Fb",
		"/v1/customers/é", "/v1/customers/a b", "//v1/customers/a", "/v1/customers/a.json",
		"/api/partners/v2.0/org/o/users/u/energy-contracts/c", "/api/partners/v2.0/org/o/users/u/energy-contracts",
		"/api/partners/v2.0/org/o/users/u/energy-contracts/", "/api/partners/v2.0/org//users/u/energy-contracts/c",
		"/api/partners/v2x0/org/o/users/u/energy-contracts/c", "/api/partners/v2.0/org/o/users/u/energy-contracts/c/d",
	}
	for _, tmpl := range templates {
		r := mux.NewRouter()
		r.Path(tmpl)
		m := MustCompile(tmpl)
		for _, p := range paths {
			req := httptest.NewRequest("GET", "http://h"+(&url.URL{Path: p}).EscapedPath(), nil)
			var want mux.RouteMatch
			wantOK := r.Match(req, &want)
			got, ok := m.Match(req.URL.Path)
			if ok != wantOK || ok && !maps.Equal(got, want.Vars) && !(len(got) == 0 && len(want.Vars) == 0) {
				t.Errorf("%s on %q = %v %v, mux says %v %v", tmpl, p, got, ok, want.Vars, wantOK)
			}
		}
	}
}

func TestPrefixMatchesAsMuxDoes(t *testing.T) {
	paths := []string{
		"/v1/customers/", "/v1/customers", "/v1/customers/a", "/v1/customers/a/b", "/v1/customers/a%2Fb",
		"/v1/Customers/a", "//v1/customers/a", "/oauth2/", "/oauth2", "/oauth2/token/", "/api/partners/x", "/",
	}
	for _, prefix := range []string{"/v1/customers/", "/api/partners/", "/oauth2/"} {
		r := mux.NewRouter()
		r.PathPrefix(prefix)
		matches := Prefix(prefix)
		for _, p := range paths {
			req := httptest.NewRequest("GET", "http://h"+(&url.URL{Path: p}).EscapedPath(), nil)
			var want, got mux.RouteMatch
			wantOK := r.Match(req, &want)
			if ok := matches(req, &got); ok != wantOK || ok && len(got.Vars) != 0 {
				t.Errorf("Prefix(%q) on %q = %v %v, mux says %v", prefix, p, ok, got.Vars, wantOK)
			}
		}
	}
}

func TestCompileRefusesWhatItCannotMatchAsMux(t *testing.T) {
	for _, tmpl := range []string{"/a/{id:[0-9]+}", "/a/{id", "/a/x{id}", "/a/{id}{other}", "/a/{}"} {
		if _, err := Compile(tmpl); err == nil {
			t.Errorf("Compile(%q) accepted a template mux would read otherwise", tmpl)
		}
	}
}
