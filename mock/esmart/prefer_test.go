package esmart

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

func (s *testServer) adminState() string {
	s.t.Helper()
	return s.State("esmart")
}

func wantRefused(t *testing.T, a answer, mentions ...string) {
	t.Helper()
	mocktest.WantRefused(t, a.Status, a.Body, mentions...)
}

// A PATCH that would change kari's customer if it ran.
const changingBody = `{"PhoneNumber":"4799999999"}`

func TestPreferCodeAnswersWebAPIsBodiesAndChangesNothing(t *testing.T) {
	s := newServer(t)
	before := s.adminState()
	patch := func(prefer string) answer {
		return s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari,
			contentType: "application/json", body: changingBody, prefer: prefer})
	}
	for code, message := range map[int]string{
		400: "The request is invalid.",
		401: "Authorization has been denied for this request.",
		405: "The requested resource does not support http method 'PATCH'.",
		415: "The request entity's media type 'text/plain' is not supported for this resource.",
	} {
		a := patch("code=" + itoa(code))
		a.expectStatus(t, code)
		if got := a.error(t).Message; got != message {
			t.Errorf("code=%d: Message %q, want %q", code, got, message)
		}
	}
	if a := patch("code=401"); !strings.HasPrefix(a.Header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("forced 401 WWW-Authenticate = %q", a.Header.Get("WWW-Authenticate"))
	}
	if a := patch("code=405"); a.Header.Get("Allow") != "GET, PATCH" {
		t.Errorf("forced 405 Allow = %q", a.Header.Get("Allow"))
	}
	for _, code := range []int{404, 413} {
		if a := patch("code=" + itoa(code)); a.Status != code || len(a.Body) != 0 {
			t.Errorf("code=%d: %d with body %q, want an empty body", code, a.Status, a.Body)
		}
	}
	if c := patch("code=200").customer(t); c.CustomerID == 0 {
		t.Errorf("forced 200: %+v", c)
	}
	if after := s.adminState(); after != before {
		t.Errorf("forced answers changed the state:\nbefore %s\nafter  %s", before, after)
	}
	if patch("").Status != http.StatusOK || s.adminState() == before {
		t.Error("the real PATCH changed nothing: the test's body proves nothing")
	}
}

func TestPreferCodeOrExampleTheOperationCannotAnswerIsRefused(t *testing.T) {
	s := newServer(t)
	before := s.adminState()
	get := func(prefer string) answer {
		return s.send(call{method: http.MethodGet, path: pathOf(kari.customerID), auth: &kari, prefer: prefer})
	}
	wantRefused(t, get("code=415"), "GET /api/customers/{customerId}", "200, 400, 401, 404, 405")
	wantRefused(t, get("code=503"), "fault=500|503")
	wantRefused(t, get("example=kari"), "example=kari", "names no examples")
	wantRefused(t, s.send(call{method: http.MethodDelete, path: pathOf(kari.customerID), prefer: "code=404"}), "no operation")
	if after := s.adminState(); after != before {
		t.Error("refused preferences changed the state")
	}
}
