package esmart

import (
	"net/http"
	"strings"
	"testing"
)

func TestUnmatchedPathsUnderCustomersAreWebAPIsNotFound(t *testing.T) {
	s := newServer(t)
	host := strings.TrimPrefix(s.URL, "http://")
	before := s.get(kari, kari.customerID).customer(t)
	for _, c := range []call{
		{method: http.MethodGet, path: "/api/customers", auth: &kari},
		{method: http.MethodGet, path: "/API/Customers/"},
		{method: http.MethodPatch, path: "/api/customers/1001/x", auth: &kari, contentType: "application/json", body: `{"Email":"never@example.org"}`},
		{method: http.MethodDelete, path: "/api/customers/1001/x/y?z=1"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			a := s.do(c)
			a.expectStatus(t, http.StatusNotFound)
			want := `{"Message":"No HTTP resource was found that matches the request URI 'http://` + host + c.path + `'."}`
			if string(a.Body) != want {
				t.Errorf("body %s\nwant %s", a.Body, want)
			}
			if ct := a.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	// The HttpError is negotiated like every other answer.
	if a := s.do(call{method: http.MethodGet, path: "/api/customers", accept: "text/json"}); a.Header.Get("Content-Type") != "text/json; charset=utf-8" {
		t.Errorf("Accept text/json: Content-Type %q", a.Header.Get("Content-Type"))
	}
	s.expectUnchanged(kari, before)
}

func TestOtherPathsAreNotWebAPIs(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/api/customersx", "/api/partners/v2.0/org/x", "/api"} {
		a := s.send(call{method: http.MethodGet, path: path})
		if a.Status != http.StatusNotFound || strings.Contains(string(a.Body), "No HTTP resource") {
			t.Errorf("%s: %d %s", path, a.Status, a.Body)
		}
	}
}
