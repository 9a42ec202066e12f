package otark

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

// prefer sends a request with a Prefer header and every credential it
// needs, so that only the preference decides the answer.
func (e *env) prefer(method, path, prefer, body string) response {
	e.t.Helper()
	h := map[string]string{"X-Api-Key": keyWrite, "Content-Type": "application/json", "Prefer": prefer}
	return e.do(method, path, h, []byte(body))
}

func wantRefused(t *testing.T, r response, mentions ...string) {
	t.Helper()
	mocktest.WantRefused(t, r.Status, r.Body, mentions...)
}

func TestPreferCodeAnswersTheSpecsProblemAndChangesNothing(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	path := "/v1/customers/" + custSeed
	// The body would deactivate the customer if the PATCH ran.
	for _, tc := range []struct {
		code        int
		slug, title string
	}{
		{400, "validation", "Validation Failed"},
		{401, "invalid_api_key", "Invalid API Key"},
		{403, "insufficient_scopes", "Insufficient API Key Scopes"},
		{404, "customer_not_found", "Customer Not Found"},
		{409, "already_active", "Customer Already Active"},
	} {
		r := e.prefer(http.MethodPatch, path, "code="+itoa(tc.code), `{"status":"deactivated"}`)
		p := wantProblem(t, r, tc.code, tc.slug, tc.title, path)
		if tc.code == 403 && !strings.Contains(p.Detail, "customers:write") {
			t.Errorf("PATCH 403 detail %q does not name customers:write", p.Detail)
		}
	}
	c := e.prefer(http.MethodPatch, path, "code=200", `{"status":"deactivated"}`).customer(t)
	if c.ID == "" || c.Status == "" {
		t.Errorf("forced 200: %+v", c)
	}
	e.unchanged(before)
}

func TestPreferCodeOnTheReads(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	path := "/v1/customers/" + custSeed
	p := wantProblem(t, e.prefer(http.MethodGet, path, "code=403", ""), 403, "insufficient_scopes", "Insufficient API Key Scopes", path)
	if p.Detail != missingScope(scopeRead) {
		t.Errorf("GET 403 detail %q", p.Detail)
	}
	wantProblem(t, e.prefer(http.MethodGet, path, "code=404", ""), 404, "customer_not_found", "Customer Not Found", path)
	r := e.prefer(http.MethodGet, "/v1/customers", "code=429", "")
	wantProblem(t, r, 429, "rate_limit_exceeded", "Rate Limit Exceeded", "/v1/customers")
	if r.Header.Get("Retry-After") == "" {
		t.Error("forced 429 without Retry-After")
	}
	wantProblem(t, e.prefer(http.MethodGet, "/v1/customers", "code=400", ""), 400, "validation", "Validation Failed", "/v1/customers")
	if l := e.prefer(http.MethodGet, "/v1/customers", "code=200", "").list(t); l.Customers == nil {
		t.Error("forced 200 list without customers")
	}
	e.unchanged(before)
}

func TestPreferCodeTheOperationCannotAnswerIsRefused(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	for _, tc := range []struct {
		method, path, code string
		mentions           []string
	}{
		{http.MethodPatch, "/v1/customers/" + custSeed, "201", []string{"PATCH /v1/customers/{customer_id}", "200, 400, 401, 403, 404, 409"}},
		{http.MethodPatch, "/v1/customers/" + custSeed, "500", []string{"fault=500"}},
		{http.MethodGet, "/v1/customers/" + custSeed, "400", []string{"GET /v1/customers/{customer_id}", "200, 401, 403, 404, 429", "otark-reads"}},
		{http.MethodGet, "/v1/customers", "404", []string{"GET /v1/customers ", "200, 400, 401, 403, 429"}},
		{http.MethodDelete, "/v1/customers/" + custSeed, "404", []string{"DELETE", "no operation"}},
		{http.MethodPatch, "/v1/customers/" + custSeed, "abc", []string{"not an HTTP status code"}},
	} {
		r := e.send(tc.method, tc.path, map[string]string{"X-Api-Key": keyWrite, "Content-Type": "application/json", "Prefer": "code=" + tc.code}, []byte(`{"status":"deactivated"}`))
		wantRefused(t, r, tc.mentions...)
	}
	e.unchanged(before)
}

func TestPreferExample(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	c := e.prefer(http.MethodGet, "/v1/customers/"+custSeed, "example=pending", "").customer(t)
	if c.ID != custPendingNoBG || c.Status != "pending" || c.BalanceGroup != nil || c.ActivatedAt != nil {
		t.Errorf("example=pending: %+v", c)
	}
	l := e.prefer(http.MethodGet, "/v1/customers", "example=first_page", "").list(t)
	if len(l.Customers) != 1 || !*l.Pagination.HasMore || *l.Pagination.Limit != 1 {
		t.Errorf("example=first_page: %+v", l)
	}
	if l := e.prefer(http.MethodGet, "/v1/customers", "code=200, example=empty", "").list(t); len(l.Customers) != 0 {
		t.Errorf("code=200, example=empty: %+v", l)
	}
	wantRefused(t, e.send(http.MethodGet, "/v1/customers/"+custSeed, map[string]string{"Prefer": "example=gone"}, nil),
		"example=gone", "active (200)", "pending (200)")
	wantRefused(t, e.send(http.MethodGet, "/v1/customers/"+custSeed, map[string]string{"Prefer": "code=404; x=y, example=active"}, nil),
		"names no examples")
	wantRefused(t, e.send(http.MethodPatch, "/v1/customers/"+custSeed, map[string]string{"Prefer": "example=active"}, nil),
		"PATCH /v1/customers/{customer_id}", "names no examples")
	e.unchanged(before)
}

func TestForcedAnswersDoNotCountAgainstTheRateLimit(t *testing.T) {
	e := newEnv(t, 1)
	e.prefer(http.MethodPatch, "/v1/customers/"+custSeed, "code=409", `{}`)
	e.prefer(http.MethodGet, "/v1/customers", "example=empty", "")
	if r := e.patch(custSeed, keyWrite, `{}`); r.Status != 200 || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("first real request after forced ones: %d remaining %q", r.Status, r.Header.Get("X-RateLimit-Remaining"))
	}
}

func TestAFaultWinsOverAForcedCode(t *testing.T) {
	e := newEnv(t, 0)
	r := e.send(http.MethodPatch, "/v1/customers/"+custSeed, map[string]string{"Prefer": "code=404, fault=503"}, nil)
	if r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Errorf("code=404, fault=503: %d %s", r.Status, r.Body)
	}
}

func TestForcedAnswersNameTheirRuleInTheJournal(t *testing.T) {
	e := newEnv(t, 0)
	e.prefer(http.MethodPatch, "/v1/customers/"+custSeed, "code=409", `{}`)
	e.prefer(http.MethodGet, "/v1/customers", "example=empty", "")
	e.send(http.MethodGet, "/v1/customers", map[string]string{"Prefer": "code=418"}, nil)
	r := e.send(http.MethodGet, "/__admin/requests", nil, nil)
	var journal struct {
		Requests []struct {
			Rule string `json:"rule"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(r.Body, &journal); err != nil {
		t.Fatalf("journal %d %s: %v", r.Status, r.Body, err)
	}
	var rules []string
	for _, en := range journal.Requests {
		rules = append(rules, en.Rule)
	}
	want := []string{"mock/prefer-refused", "mock/prefer-example", "mock/prefer-code"} // newest first
	if strings.Join(rules, " ") != strings.Join(want, " ") {
		t.Errorf("journal rules %v, want %v", rules, want)
	}
}
