package otark

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// get sends a GET with an API key; do checks the answer against
// specs/otark-reads.yaml.
func (e *env) get(path, key string) response {
	e.t.Helper()
	return e.do(http.MethodGet, path, map[string]string{"X-Api-Key": key}, nil)
}

type listJSON struct {
	Customers  []customerJSON `json:"customers"`
	Pagination struct {
		Limit   *int  `json:"limit"`
		HasMore *bool `json:"has_more"`
	} `json:"pagination"`
}

func (r response) list(t testing.TB) listJSON {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	var l listJSON
	if err := json.Unmarshal(r.Body, &l); err != nil {
		t.Fatalf("list body %s: %v", r.Body, err)
	}
	if l.Pagination.Limit == nil || l.Pagination.HasMore == nil {
		t.Fatalf("list without pagination.limit or has_more: %s", r.Body)
	}
	return l
}

func ids(cs []customerJSON) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// brpCustomerIDs are the ids of one BRP's customers in the admin state.
func (e *env) brpCustomerIDs(brpID string) []string {
	e.t.Helper()
	var st struct {
		BRPs []struct {
			ID        string         `json:"id"`
			Customers []customerJSON `json:"customers"`
		} `json:"brps"`
	}
	if err := json.Unmarshal([]byte(e.state()), &st); err != nil {
		e.t.Fatal(err)
	}
	for _, b := range st.BRPs {
		if b.ID == brpID {
			return ids(b.Customers)
		}
	}
	e.t.Fatalf("no BRP %s in state", brpID)
	return nil
}

func TestGetAnswersWhatTheLastPatchReturned(t *testing.T) {
	e := newEnv(t, 0)
	e.patch(custPending, keyWrite, `{"metadata":{"region":"BY"}}`).customer(t)
	patched := e.patch(custPending, keyWrite, `{"status":"active","metadata":{"customer_number":null}}`)
	want := patched.customer(t)
	for _, key := range []string{keyWrite, keyReadOnly} {
		r := e.get("/v1/customers/"+custPending, key)
		if got := r.customer(t); !jsonEqual(t, r.Body, patched.Body) {
			t.Errorf("GET with %s = %+v, want the last PATCH's %+v", key, got, want)
		}
		if r.Header.Get("X-RateLimit-Limit") == "" || r.Header.Get("X-RateLimit-Remaining") == "" {
			t.Errorf("GET with %s lacks the rate-limit headers", key)
		}
	}
	// The list carries the same record.
	l := e.get("/v1/customers?status=active&search=BY", keyReadOnly).list(t)
	if len(l.Customers) != 1 || l.Customers[0].ID != custPending || *l.Customers[0].ActivatedAt != *want.ActivatedAt {
		t.Errorf("list = %+v, want the patched %s", l.Customers, custPending)
	}
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	ax, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(ax) == string(by)
}

func TestReadsNeedTheReadScope(t *testing.T) {
	e := newEnv(t, 0)
	if c := e.get("/v1/customers/"+custSeed, keyReadOnly).customer(t); c.ID != custSeed || c.Name != "SolarDach GmbH" {
		t.Errorf("read-only key: %+v", c)
	}
	if l := e.get("/v1/customers", keyReadOnly).list(t); len(l.Customers) == 0 {
		t.Error("read-only key: empty list")
	}
	for _, path := range []string{"/v1/customers/" + custSeed, "/v1/customers"} {
		r := e.get(path, keyWriteOnly)
		p := wantProblem(t, r, 403, "insufficient_scopes", "Insufficient API Key Scopes", path)
		if want := "Missing scope: customers:read. Please create a new API key with the required scopes."; p.Detail != want {
			t.Errorf("%s detail = %q, want %q", path, p.Detail, want)
		}
		if r.Header.Get("X-RateLimit-Remaining") == "" {
			t.Errorf("%s: a 403 of a known key lacks the rate-limit headers", path)
		}
		wantProblem(t, e.get(path, ""), 401, "invalid_api_key", "Invalid API Key", path)
		wantProblem(t, e.get(path, "otk_nope"), 401, "invalid_api_key", "Invalid API Key", path)
	}
	// Reading does not make the read-only key a writer.
	wantProblem(t, e.patch(custSeed, keyReadOnly, `{}`), 403, "insufficient_scopes", "Insufficient API Key Scopes", "/v1/customers/"+custSeed)
}

func TestGetAnotherBRPsCustomerIsNotFound(t *testing.T) {
	e := newEnv(t, 0)
	for _, id := range []string{custForeign, "cust_doesnotexist"} {
		path := "/v1/customers/" + id
		wantProblem(t, e.get(path, keyWrite), 404, "customer_not_found", "Customer Not Found", path)
	}
	if c := e.get("/v1/customers/"+custForeign, keyForeignRead).customer(t); c.ID != custForeign {
		t.Errorf("the other BRP cannot read its own customer: %+v", c)
	}
	path := "/v1/customers/" + custSeed
	wantProblem(t, e.get(path, keyForeignRead), 404, "customer_not_found", "Customer Not Found", path)
	// Paths the customer route does not match read no customer either.
	for _, path := range unmatchedCustomerPaths {
		wantProblem(t, e.get(path, keyWrite), 404, "customer_not_found", "Customer Not Found", path)
	}
}

// pageThrough follows the after cursor from the first page to the last.
func (e *env) pageThrough(key, query string, limit int) []string {
	e.t.Helper()
	var seen []string
	after := ""
	for pages := 0; pages < 50; pages++ {
		q, _ := url.ParseQuery(query)
		q.Set("limit", itoa(limit))
		if after != "" {
			q.Set("after", after)
		}
		l := e.get("/v1/customers?"+q.Encode(), key).list(e.t)
		if *l.Pagination.Limit != limit || len(l.Customers) > limit {
			e.t.Fatalf("page of %d with pagination.limit %d, asked %d", len(l.Customers), *l.Pagination.Limit, limit)
		}
		seen = append(seen, ids(l.Customers)...)
		if !*l.Pagination.HasMore {
			return seen
		}
		if len(l.Customers) == 0 {
			e.t.Fatal("has_more on an empty page")
		}
		after = l.Customers[len(l.Customers)-1].ID
	}
	e.t.Fatal("the cursor never reached the last page")
	return nil
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestListPagesThroughExactlyTheKeysCustomers(t *testing.T) {
	e := newEnv(t, 0)
	for _, tc := range []struct{ key, brp string }{{keyReadOnly, "brp_nordlicht"}, {keyForeignRead, "brp_alpenstrom"}} {
		want := e.brpCustomerIDs(tc.brp)
		for _, limit := range []int{1, 2, 3, len(want), 100} {
			if got := e.pageThrough(tc.key, "", limit); !slices.Equal(got, want) {
				t.Errorf("%s, limit %d: paged through %v, want exactly %v", tc.brp, limit, got, want)
			}
		}
	}
}

func TestListLimit(t *testing.T) {
	e := newEnv(t, 0)
	all := e.brpCustomerIDs("brp_nordlicht")
	l := e.get("/v1/customers", keyWrite).list(t)
	if *l.Pagination.Limit != 10 || *l.Pagination.HasMore || !slices.Equal(ids(l.Customers), all) {
		t.Errorf("default page: limit %d has_more %v %v, want 10, false, %v", *l.Pagination.Limit, *l.Pagination.HasMore, ids(l.Customers), all)
	}
	for _, n := range []int{1, 2, len(all) - 1} {
		l := e.get("/v1/customers?limit="+itoa(n), keyWrite).list(t)
		if !slices.Equal(ids(l.Customers), all[:n]) || !*l.Pagination.HasMore || *l.Pagination.Limit != n {
			t.Errorf("limit %d: %v has_more %v, want %v and more", n, ids(l.Customers), *l.Pagination.HasMore, all[:n])
		}
	}
	if l := e.get("/v1/customers?limit="+itoa(len(all)), keyWrite).list(t); *l.Pagination.HasMore {
		t.Errorf("limit %d (every customer): has_more", len(all))
	}
	before := e.state()
	for value, want := range map[string]FieldError{
		"0":   {Code: "value_too_small", Message: "Number must be greater than or equal to 1"},
		"-5":  {Code: "value_too_small", Message: "Number must be greater than or equal to 1"},
		"101": {Code: "value_too_large", Message: "Number must be less than or equal to 100"},
		"abc": {Code: "invalid_type", Message: "Expected number, received nan"},
		"1.5": {Code: "invalid_type", Message: "Expected integer, received float"},
	} {
		path := "/v1/customers?limit=" + value
		p := wantProblem(t, e.get(path, keyWrite), 400, "validation", "Validation Failed", "/v1/customers")
		wantOnlyFieldError(t, path, p, "limit", want)
	}
	e.unchanged(before)
}

func wantOnlyFieldError(t testing.TB, path string, p Problem, field string, want FieldError) {
	t.Helper()
	if len(p.Errors) != 1 || p.Errors[0].Field == nil || *p.Errors[0].Field != field ||
		p.Errors[0].Code != want.Code || p.Errors[0].Message != want.Message {
		t.Errorf("%s: errors = %s, want one %s %s %q", path, mustJSON(p.Errors), field, want.Code, want.Message)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestListStatusFilter(t *testing.T) {
	e := newEnv(t, 0)
	for status, want := range map[string][]string{
		"pending":     {custPendingNoBG, custPending},
		"active":      {custSeed, custActive},
		"deactivated": {custDeactivated},
	} {
		l := e.get("/v1/customers?status="+status, keyWrite).list(t)
		if got := ids(l.Customers); !slices.Equal(got, want) {
			t.Errorf("status=%s: %v, want %v", status, got, want)
		}
		for _, c := range l.Customers {
			if c.Status != status {
				t.Errorf("status=%s answered %s %s", status, c.ID, c.Status)
			}
		}
	}
	// The filter reads the state, not the fixtures.
	e.patch(custPending, keyWrite, `{"status":"active"}`).customer(t)
	if got := ids(e.get("/v1/customers?status=pending", keyWrite).list(t).Customers); !slices.Equal(got, []string{custPendingNoBG}) {
		t.Errorf("status=pending after activating %s: %v", custPending, got)
	}
	p := wantProblem(t, e.get("/v1/customers?status=approved", keyWrite), 400, "validation", "Validation Failed", "/v1/customers")
	wantOnlyFieldError(t, "status=approved", p, "status", FieldError{Code: "invalid_enum_value",
		Message: "Invalid enum value. Expected 'pending' | 'active' | 'deactivated', received 'approved'"})
}

func TestListSearch(t *testing.T) {
	e := newEnv(t, 0)
	for search, want := range map[string][]string{
		"solar":        {custSeed},                        // name, case-insensitive
		"KÜHLHAUS":     {custDeactivated},                 // non-ASCII case
		"kd-2026-0901": {custActive},                      // a metadata value
		"nrw":          {custSeed},                        // another metadata value
		"cost_center":  {},                                // a metadata key is not searched
		"bergbahnen":   {},                                // another BRP's customer
		"gmbh":         {custSeed},                        // SolarDach GmbH only: the rest are KG, AG, none
		"":             e.brpCustomerIDs("brp_nordlicht"), // no filter
	} {
		l := e.get("/v1/customers?search="+url.QueryEscape(search), keyWrite).list(t)
		if got := ids(l.Customers); !slices.Equal(got, want) {
			t.Errorf("search=%q: %v, want %v", search, got, want)
		}
	}
	// With status and paging together.
	l := e.get("/v1/customers?search=kd-2026&status=active&limit=1", keyWrite).list(t)
	if got := ids(l.Customers); !slices.Equal(got, []string{custSeed}) || !*l.Pagination.HasMore {
		t.Errorf("search=kd-2026&status=active&limit=1: %v has_more %v", got, *l.Pagination.HasMore)
	}
	l = e.get("/v1/customers?search=kd-2026&status=active&limit=1&after="+custSeed, keyWrite).list(t)
	if got := ids(l.Customers); !slices.Equal(got, []string{custActive}) || *l.Pagination.HasMore {
		t.Errorf("second page: %v has_more %v", got, *l.Pagination.HasMore)
	}
}

func TestListAfterACursorOfNoCustomerIsEmpty(t *testing.T) {
	e := newEnv(t, 0)
	for _, after := range []string{custForeign, "cust_zzzzzzzz", "a"} {
		l := e.get("/v1/customers?after="+after, keyWrite).list(t)
		if len(l.Customers) != 0 || *l.Pagination.HasMore {
			t.Errorf("after=%s: %v has_more %v, want an empty last page", after, ids(l.Customers), *l.Pagination.HasMore)
		}
	}
	// The last customer's id is a cursor too: an empty last page.
	all := e.brpCustomerIDs("brp_nordlicht")
	if l := e.get("/v1/customers?after="+all[len(all)-1], keyWrite).list(t); len(l.Customers) != 0 || *l.Pagination.HasMore {
		t.Errorf("after the last customer: %v", ids(l.Customers))
	}
}

func TestReadsCountAgainstTheRateLimit(t *testing.T) {
	e := newEnv(t, 3)
	e.get("/v1/customers", keyWrite).list(t)
	e.get("/v1/customers/"+custSeed, keyWrite).customer(t)
	r := e.patch(custSeed, keyWrite, `{}`)
	if r.Status != 200 || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("third request: %d remaining %q, want 200 and 0", r.Status, r.Header.Get("X-RateLimit-Remaining"))
	}
	for _, path := range []string{"/v1/customers", "/v1/customers/" + custSeed} {
		r := e.get(path, keyWrite)
		wantProblem(t, r, 429, "rate_limit_exceeded", "Rate Limit Exceeded", path)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: a 429 without Retry-After", path)
		}
	}
}

func TestReadsChangeNothing(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	e.get("/v1/customers?limit=100", keyWrite).list(t)
	e.get("/v1/customers/"+custSeed, keyWrite).customer(t)
	e.unchanged(before)
}

func TestListPathAllowsOnlyGET(t *testing.T) {
	e := newEnv(t, 0)
	for _, m := range []string{http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodDelete} {
		r := e.do(m, "/v1/customers", map[string]string{"X-Api-Key": keyWrite, "Content-Type": "application/json"}, []byte(`{}`))
		if r.Header.Get("Allow") != http.MethodGet {
			t.Errorf("%s: Allow = %q, want GET", m, r.Header.Get("Allow"))
		}
		wantProblem(t, r, 405, "method_not_allowed", "Method Not Allowed", "/v1/customers")
	}
}
