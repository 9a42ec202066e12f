package podero

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

func (h *harness) adminState() string {
	h.t.Helper()
	return h.srv.State("podero")
}

func wantRefused(t *testing.T, a answer, mentions ...string) {
	t.Helper()
	mocktest.WantRefused(t, a.Status, a.Body, mentions...)
}

// A PUT that would change the contract if it ran.
const changingBody = `{"energy_contract_type":"monthly","supplier":"Forced GmbH"}`

func TestPreferCodeAnswersDjangoNinjasBodiesAndChangesNothing(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.adminState()
	path := contractURL(orgA, userA1, contractA1)
	for code, want := range map[int]string{
		400: `{"detail":"Cannot parse request body"}`,
		401: `{"detail":"Unauthorized"}`,
		403: `{"detail":"Forbidden"}`,
		404: `{"detail":"Not Found"}`,
		422: `{"detail":[{"type":"missing","loc":["body","payload"],"msg":"Field required"}]}`,
	} {
		mustJSON(t, h.do(http.MethodPut, path, tokenA, changingBody, "Prefer", "code="+itoa(code)), code, want)
	}
	ok := h.do(http.MethodPut, path, tokenA, changingBody, "Prefer", "code=200")
	if ok.Status != 200 || field(t, ok.json(t), "id") == nil {
		t.Errorf("forced 200: %d %s", ok.Status, ok.Body)
	}
	mustJSON(t, h.do(http.MethodGet, contractsURL(orgA, userA1), "", "", "Prefer", "code=403"), 403, `{"detail":"Forbidden"}`)
	if after := h.adminState(); after != before {
		t.Errorf("forced answers changed the state:\nbefore %s\nafter  %s", before, after)
	}
	// The PUT itself still works and changes it.
	h.do(http.MethodPut, path, tokenA, changingBody)
	if h.adminState() == before {
		t.Error("the real PUT changed nothing: the test's body proves nothing")
	}
}

func TestPreferCodeOnTheTokenEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.do(http.MethodPost, "/oauth2/token/", "", `{"grant_type":"client_credentials"}`, "Prefer", "code=401")
	mustJSON(t, a, 401, `{"error":"invalid_client"}`)
	if a.Header.Get("WWW-Authenticate") == "" {
		t.Error("forced 401 of the token endpoint without WWW-Authenticate")
	}
	mustJSON(t, h.do(http.MethodPost, "/oauth2/token/", "", `{}`, "Prefer", "code=400"), 400, `{"error":"unsupported_grant_type"}`)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestPreferCodeOrExampleTheOperationCannotAnswerIsRefused(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.adminState()
	path := contractURL(orgA, userA1, contractA1)
	wantRefused(t, h.doUnrouted(http.MethodPut, path, tokenA, changingBody, "Prefer", "code=409"),
		"PUT /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}", "200, 400, 401, 403, 404, 422")
	wantRefused(t, h.doUnrouted(http.MethodGet, contractsURL(orgA, userA1), tokenA, "", "Prefer", "code=400"), "200, 401, 403, 404, 422")
	wantRefused(t, h.doUnrouted(http.MethodPost, "/oauth2/token/", "", "", "Prefer", "code=403"), "200, 400, 401")
	wantRefused(t, h.doUnrouted(http.MethodPut, path, tokenA, changingBody, "Prefer", "example=spot"), "example=spot", "names no examples")
	if after := h.adminState(); after != before {
		t.Errorf("refused preferences changed the state")
	}
}
