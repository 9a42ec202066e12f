package esmart

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

const deniedBody = `{"Message":"Authorization has been denied for this request."}`

func TestBasicAuthIsRequired(t *testing.T) {
	s := newServer(t)
	wrong := credentials{kari.username, "not-the-password", kari.customerID}
	unknown := credentials{"nobody", "x", 0}
	for name, c := range map[string]call{
		"missing":        {method: http.MethodGet, path: pathOf(kari.customerID)},
		"wrong password": {method: http.MethodGet, path: pathOf(kari.customerID), auth: &wrong},
		"unknown user":   {method: http.MethodPatch, path: pathOf(kari.customerID), auth: &unknown, contentType: "application/json", body: `{"Email":"a@b"}`},
	} {
		t.Run(name, func(t *testing.T) {
			a := s.do(c)
			a.expectStatus(t, http.StatusUnauthorized)
			if string(a.Body) != deniedBody {
				t.Errorf("body %s", a.Body)
			}
			if got := a.Header.Get("WWW-Authenticate"); got != `Basic realm="esmart"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
		})
	}
}

func TestBearerIsNotBasic(t *testing.T) {
	s := newServer(t)
	a := s.Do(mocktest.Request{Method: http.MethodGet, Path: pathOf(kari.customerID), Header: mocktest.Header("Authorization", "Bearer abc")})
	if a.Status != http.StatusUnauthorized {
		t.Errorf("status %d", a.Status)
	}
}

func TestAnotherUsersCustomerIsNotFound(t *testing.T) {
	s := newServer(t)
	before := s.get(ola, ola.customerID).customer(t)
	for _, a := range []answer{
		s.get(kari, ola.customerID),
		s.patch(kari, ola.customerID, `{"Email":"stolen@example.org"}`),
		s.get(kari, 999999),
		s.patch(kari, -5, `{}`),
	} {
		a.expectStatus(t, http.StatusNotFound)
		if len(a.Body) != 0 || a.Header.Get("Content-Type") != "" {
			t.Errorf("404 has a body: %q %q", a.Header.Get("Content-Type"), a.Body)
		}
	}
	s.expectUnchanged(ola, before)
}

func TestNonIntegerCustomerIDIsInvalid(t *testing.T) {
	s := newServer(t)
	for _, id := range []string{"abc", "1.5", "2147483648", "1001a"} {
		for _, method := range []string{http.MethodGet, http.MethodPatch} {
			a := s.do(call{method: method, path: "/api/customers/" + id, auth: &kari, contentType: "application/json", body: `{}`})
			a.expectStatus(t, http.StatusBadRequest)
			if string(a.Body) != `{"Message":"The request is invalid."}` {
				t.Errorf("%s %s: body %s", method, id, a.Body)
			}
		}
	}
}

func TestOtherMethodsAreNotAllowed(t *testing.T) {
	s := newServer(t)
	for _, method := range []string{http.MethodDelete, http.MethodPut, http.MethodPost, http.MethodHead, http.MethodOptions} {
		// No credentials: 405 is answered before 401.
		a := s.do(call{method: method, path: pathOf(kari.customerID)})
		a.expectStatus(t, http.StatusMethodNotAllowed)
		if got := a.Header.Get("Allow"); got != "GET, PATCH" {
			t.Errorf("%s: Allow %q", method, got)
		}
		if method == http.MethodHead {
			continue // no body in an answer to HEAD
		}
		want := `{"Message":"The requested resource does not support http method '` + method + `'."}`
		if string(a.Body) != want {
			t.Errorf("%s: body %s", method, a.Body)
		}
	}
}

func TestUnsupportedMediaTypes(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	cases := map[string]string{
		"text/plain":                        `{"Message":"The request entity's media type 'text/plain' is not supported for this resource."}`,
		"application/x-www-form-urlencoded": `{"Message":"The request entity's media type 'application/x-www-form-urlencoded' is not supported for this resource."}`,
		"application/xml; charset=utf-8":    `{"Message":"The request entity's media type 'application/xml' is not supported for this resource."}`,
	}
	for ct, want := range cases {
		a := s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, contentType: ct, body: `{"Email":"x@y"}`})
		a.expectStatus(t, http.StatusUnsupportedMediaType)
		if string(a.Body) != want {
			t.Errorf("%s: body %s", ct, a.Body)
		}
	}
	// A body without any Content-Type. net/http's client sends none when
	// the header is not set.
	a := s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, body: `{"Email":"x@y"}`})
	a.expectStatus(t, http.StatusUnsupportedMediaType)
	want := `{"Message":"The request contains an entity body but no Content-Type header. The inferred media type 'application/octet-stream' is not supported for this resource."}`
	if string(a.Body) != want {
		t.Errorf("no Content-Type: body %s", a.Body)
	}
	s.expectUnchanged(kari, before)
}

// TestOrderOfChecks pins 405, 401, 400 (customerId), 415, 400 (body), 404:
// each request breaks two neighbouring rules and must get the earlier one.
func TestOrderOfChecks(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		name string
		call call
		want int
	}{
		{"405 before 401", call{method: http.MethodDelete, path: "/api/customers/abc"}, http.StatusMethodNotAllowed},
		{"401 before 400 id", call{method: http.MethodPatch, path: "/api/customers/abc", contentType: "text/plain", body: "x"}, http.StatusUnauthorized},
		{"400 id before 415", call{method: http.MethodPatch, path: "/api/customers/abc", auth: &kari, contentType: "text/plain", body: "x"}, http.StatusBadRequest},
		{"415 before 400 body", call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, contentType: "text/plain", body: "{"}, http.StatusUnsupportedMediaType},
		{"400 body before 404", call{method: http.MethodPatch, path: pathOf(ola.customerID), auth: &kari, contentType: "application/json", body: `{"Email":"bad"}`}, http.StatusBadRequest},
		{"404 for a valid body", call{method: http.MethodPatch, path: pathOf(ola.customerID), auth: &kari, contentType: "application/json", body: `{"Email":"ok@example.org"}`}, http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.do(c.call).expectStatus(t, c.want)
		})
	}
}

func TestRoutesMatchCaseInsensitively(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/API/Customers/1001", "/Api/CUSTOMERS/1001/", "/api/customers/%201001"} {
		a := s.do(call{method: http.MethodGet, path: path, auth: &kari})
		a.expectStatus(t, http.StatusOK)
		if a.customer(t).CustomerID != 1001 {
			t.Errorf("%s: %s", path, a.Body)
		}
	}
	a := s.do(call{method: http.MethodPatch, path: "/API/CUSTOMERS/1001", auth: &kari, contentType: "application/json", body: `{"Email":"upper@example.org"}`})
	a.expectStatus(t, http.StatusOK)
	if a.customer(t).Email != "upper@example.org" {
		t.Errorf("not updated: %s", a.Body)
	}
}

func TestErrorsAndCustomersAreNegotiated(t *testing.T) {
	s := newServer(t)
	cases := map[string]string{
		"":                                    "application/json; charset=utf-8",
		"*/*":                                 "application/json; charset=utf-8",
		"application/xml":                     "application/json; charset=utf-8",
		"text/json":                           "text/json; charset=utf-8",
		"application/json;q=0.5, text/json":   "text/json; charset=utf-8",
		"text/html,application/xhtml+xml,*/*": "text/html; charset=utf-8",
	}
	for accept, want := range cases {
		ok := s.do(call{method: http.MethodGet, path: pathOf(kari.customerID), auth: &kari, accept: accept})
		bad := s.do(call{method: http.MethodGet, path: pathOf(kari.customerID), accept: accept})
		for _, a := range []answer{ok, bad} {
			if got := a.Header.Get("Content-Type"); got != want {
				t.Errorf("Accept %q: %d answered as %q, want %q", accept, a.Status, got, want)
			}
			if !strings.HasPrefix(string(a.Body), "{") {
				t.Errorf("Accept %q: body is not JSON: %s", accept, a.Body)
			}
		}
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	s := newServer(t)
	body := `{"Pin":"` + strings.Repeat("1", maxBodyBytes) + `"}`
	a := s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, contentType: "application/json", body: body})
	a.expectStatus(t, http.StatusRequestEntityTooLarge)
}
