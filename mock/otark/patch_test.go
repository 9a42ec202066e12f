package otark

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/store"
)

func TestSeedExampleMergesMetadata(t *testing.T) {
	e := newEnv(t, 0)
	c := e.patch(custSeed, keyWrite, `{"metadata":{"customer_number":"KD-2026-0815","cost_center":"CC-4200"}}`).customer(t)
	want := customerJSON{
		ID: custSeed, Name: "SolarDach GmbH", Status: "active",
		BalanceGroup: &BalanceGroup{EIC: "11YSOLARDACH--A", TSO: "DE_AMPRION"},
		Metadata:     map[string]string{"customer_number": "KD-2026-0815", "cost_center": "CC-4200", "region": "NRW"},
		AssignedAt:   "2026-01-10T09:00:00Z", CreatedAt: "2026-01-10T09:00:00Z", ActivatedAt: ptr("2026-01-10T11:30:00Z"),
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("customer = %+v\nwant       %+v", c, want)
	}

	c = e.patch(custSeed, keyWrite, `{"metadata":{"cost_center":"CC-5100","contact":"ops@solardach.example"}}`).customer(t)
	c = e.patch(custSeed, keyWrite, `{"metadata":{"tariff":"dynamic"}}`).customer(t)
	wantMD := map[string]string{"customer_number": "KD-2026-0815", "cost_center": "CC-5100", "region": "NRW",
		"contact": "ops@solardach.example", "tariff": "dynamic"}
	if !reflect.DeepEqual(c.Metadata, wantMD) {
		t.Errorf("metadata after two PATCHes = %v, want %v", c.Metadata, wantMD)
	}
	if got := e.stateCustomer(custSeed).Metadata; !reflect.DeepEqual(got, wantMD) {
		t.Errorf("stored metadata = %v, want %v", got, wantMD)
	}
}

func TestMetadataNullRemovesKeyAndEmptyKeepsAll(t *testing.T) {
	e := newEnv(t, 0)
	c := e.patch(custSeed, keyWrite, `{"metadata":{"region":null,"cost_center":"CC-1"}}`).customer(t)
	if want := map[string]string{"customer_number": "KD-2026-0815", "cost_center": "CC-1"}; !reflect.DeepEqual(c.Metadata, want) {
		t.Errorf("metadata = %v, want %v", c.Metadata, want)
	}
	c = e.patch(custSeed, keyWrite, `{"metadata":{"never_there":null}}`).customer(t)
	if len(c.Metadata) != 2 {
		t.Errorf("removing an absent key changed metadata: %v", c.Metadata)
	}
	before := e.state()
	c2 := e.patch(custSeed, keyWrite, `{"metadata":{}}`).customer(t)
	if !reflect.DeepEqual(c2, c) {
		t.Errorf(`"metadata":{} changed the customer: %+v`, c2)
	}
	if c3 := e.patch(custSeed, keyWrite, `{}`).customer(t); !reflect.DeepEqual(c3, c) {
		t.Errorf("{} changed the customer: %+v", c3)
	}
	e.unchanged(before)
}

func TestTimestampsAreUTCWholeSeconds(t *testing.T) {
	e := newEnv(t, 0)
	e.clock.Advance(987654321) // 0.987654321 s past the minute: must not show
	c := e.patch(custPending, keyWrite, `{"status":"active"}`).customer(t)
	if c.ActivatedAt == nil || *c.ActivatedAt != "2026-05-04T12:00:00Z" {
		t.Errorf("activated_at = %v, want 2026-05-04T12:00:00Z", deref(c.ActivatedAt))
	}
	if c.CreatedAt != "2026-03-05T12:00:00Z" || c.AssignedAt != "2026-03-05T12:00:00Z" {
		t.Errorf("created_at/assigned_at = %s/%s", c.CreatedAt, c.AssignedAt)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	for name, key := range map[string]string{"missing": "", "unknown": "otk_nope"} {
		t.Run(name, func(t *testing.T) {
			r := e.patch(custSeed, key, `{"status":"deactivated"}`)
			wantProblem(t, r, 401, "invalid_api_key", "Invalid API Key", "/v1/customers/"+custSeed)
			if r.Header.Get("X-RateLimit-Limit") != "" {
				t.Errorf("an unknown key got rate-limit headers")
			}
		})
	}
	r := e.patch(custSeed, keyReadOnly, `{"status":"deactivated"}`)
	p := wantProblem(t, r, 403, "insufficient_scopes", "Insufficient API Key Scopes", "/v1/customers/"+custSeed)
	if p.Detail != "Missing scope: customers:write. Please create a new API key with the required scopes." {
		t.Errorf("detail = %q", p.Detail)
	}
	e.unchanged(before)
}

func TestTenancy(t *testing.T) {
	e := newEnv(t, 0)
	before := e.state()
	for _, id := range []string{custForeign, "cust_doesnotexist"} {
		r := e.patch(id, keyWrite, `{"metadata":{"x":"y"}}`)
		wantProblem(t, r, 404, "customer_not_found", "Customer Not Found", "/v1/customers/"+id)
	}
	e.unchanged(before)
	// The other BRP's key sees its own customer, and not ours.
	if c := e.patch(custForeign, keyForeignWrite, `{"metadata":{"x":"y"}}`).customer(t); c.Metadata["x"] != "y" {
		t.Errorf("foreign BRP could not update its own customer: %+v", c)
	}
	wantProblem(t, e.patch(custSeed, keyForeignWrite, `{}`), 404, "customer_not_found", "Customer Not Found", "/v1/customers/"+custSeed)
}

func TestMethodNotAllowedBeforeAuth(t *testing.T) {
	e := newEnv(t, 0)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead} {
		t.Run(m, func(t *testing.T) {
			r := e.do(m, "/v1/customers/"+custSeed, nil, nil)
			if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, PATCH" {
				t.Fatalf("%s: status %d Allow %q, want 405 GET, PATCH", m, r.Status, r.Header.Get("Allow"))
			}
			if m == http.MethodHead {
				return // no body to read
			}
			wantProblem(t, r, 405, "method_not_allowed", "Method Not Allowed", "/v1/customers/"+custSeed)
		})
	}
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t, 0)
	cases := []struct {
		name string
		body string
		want []FieldError
	}{
		{"tso enum", `{"balance_group":{"eic":"11YSOLARDACH--A","tso":"INVALID"}}`,
			[]FieldError{fe("balance_group.tso", "invalid_enum_value", "Invalid enum value. Expected "+tsoOptions+", received 'INVALID'")}},
		{"status enum", `{"status":"bogus"}`,
			[]FieldError{fe("status", "invalid_enum_value", "Invalid enum value. Expected 'pending' | 'active' | 'deactivated', received 'bogus'")}},
		{"status number", `{"status":1}`,
			[]FieldError{fe("status", "invalid_type", "Expected 'pending' | 'active' | 'deactivated', received number")}},
		{"status null", `{"status":null}`,
			[]FieldError{fe("status", "invalid_type", "Expected 'pending' | 'active' | 'deactivated', received null")}},
		{"metadata value number", `{"metadata":{"region":5}}`,
			[]FieldError{fe("metadata.region", "invalid_type", "Expected string, received number")}},
		{"metadata value object and boolean", `{"metadata":{"b":{},"a":true}}`,
			[]FieldError{fe("metadata.b", "invalid_type", "Expected string, received object"), fe("metadata.a", "invalid_type", "Expected string, received boolean")}},
		// Zod's record walks JavaScript's property order: array indices
		// ascending, then the rest in body order.
		{"metadata integer-like keys first", `{"metadata":{"b":1,"10":1,"01":1,"2":1,"4294967295":1,"4294967294":1}}`,
			[]FieldError{fe("metadata.2", "invalid_type", "Expected string, received number"), fe("metadata.10", "invalid_type", "Expected string, received number"),
				fe("metadata.4294967294", "invalid_type", "Expected string, received number"), fe("metadata.b", "invalid_type", "Expected string, received number"),
				fe("metadata.01", "invalid_type", "Expected string, received number"), fe("metadata.4294967295", "invalid_type", "Expected string, received number")}},
		// JSON.parse reads a number past float64 as Infinity: a number.
		{"number past float64", `{"status":1e400,"metadata":{"a":-1e400}}`,
			[]FieldError{fe("status", "invalid_type", "Expected 'pending' | 'active' | 'deactivated', received number"), fe("metadata.a", "invalid_type", "Expected string, received number")}},
		// JSON.parse has no depth limit of its own: nesting up to the body
		// limit is a value like any other.
		{"deeply nested metadata value", `{"metadata":{"a":` + strings.Repeat("[", 524000) + strings.Repeat("]", 524000) + `}}`,
			[]FieldError{fe("metadata.a", "invalid_type", "Expected string, received array")}},
		{"metadata array", `{"metadata":[]}`,
			[]FieldError{fe("metadata", "invalid_type", "Expected object, received array")}},
		{"metadata null", `{"metadata":null}`,
			[]FieldError{fe("metadata", "invalid_type", "Expected object, received null")}},
		{"balance group null", `{"balance_group":null}`,
			[]FieldError{fe("balance_group", "invalid_type", "Expected object, received null")}},
		{"balance group string", `{"balance_group":"11YSOLARDACH--A"}`,
			[]FieldError{fe("balance_group", "invalid_type", "Expected object, received string")}},
		{"balance group empty", `{"balance_group":{}}`,
			[]FieldError{fe("balance_group.eic", "required", "Required"), fe("balance_group.tso", "required", "Required")}},
		{"balance group without tso", `{"balance_group":{"eic":"11YSOLARDACH--A"}}`,
			[]FieldError{fe("balance_group.tso", "required", "Required")}},
		{"balance group wrong types", `{"balance_group":{"eic":5,"tso":3}}`,
			[]FieldError{fe("balance_group.eic", "invalid_type", "Expected string, received number"), fe("balance_group.tso", "invalid_type", "Expected "+tsoOptions+", received number")}},
		{"balance group unknown key", `{"balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_AMPRION","region":"x"}}`,
			[]FieldError{fe("balance_group.region", "unknown_field", "Unrecognized key(s) in object: 'region'")}},
		{"read-only fields", `{"id":"x","name":"y","assigned_at":"2026-01-01T00:00:00Z","activated_at":null,"created_at":1}`,
			[]FieldError{
				fe("id", "read_only_field", "'id' is read-only and cannot be updated"),
				fe("name", "read_only_field", "'name' is read-only and cannot be updated"),
				fe("assigned_at", "read_only_field", "'assigned_at' is read-only and cannot be updated"),
				fe("activated_at", "read_only_field", "'activated_at' is read-only and cannot be updated"),
				fe("created_at", "read_only_field", "'created_at' is read-only and cannot be updated"),
			}},
		{"unknown fields", `{"foo":1,"Status":"active"}`,
			[]FieldError{fe("foo", "unknown_field", "Unrecognized key(s) in object: 'foo'"), fe("Status", "unknown_field", "Unrecognized key(s) in object: 'Status'")}},
		{"every error at once", `{"status":1,"id":"x","foo":true,"metadata":{"a":1},"balance_group":{"tso":"X"}}`,
			[]FieldError{
				fe("status", "invalid_type", "Expected 'pending' | 'active' | 'deactivated', received number"),
				fe("balance_group.eic", "required", "Required"),
				fe("balance_group.tso", "invalid_enum_value", "Invalid enum value. Expected "+tsoOptions+", received 'X'"),
				fe("metadata.a", "invalid_type", "Expected string, received number"),
				fe("id", "read_only_field", "'id' is read-only and cannot be updated"),
				fe("foo", "unknown_field", "Unrecognized key(s) in object: 'foo'"),
			}},
		{"valid fields beside an invalid one", `{"metadata":{"region":"BY"},"status":"nope"}`,
			[]FieldError{fe("status", "invalid_enum_value", "Invalid enum value. Expected 'pending' | 'active' | 'deactivated', received 'nope'")}},
		{"array body", `[]`, []FieldError{wholeBody("invalid_type", "Expected object, received array")}},
		{"string body", `"x"`, []FieldError{wholeBody("invalid_type", "Expected object, received string")}},
		{"number body", `1`, []FieldError{wholeBody("invalid_type", "Expected object, received number")}},
		{"null body", `null`, []FieldError{wholeBody("invalid_type", "Expected object, received null")}},
		{"boolean body", `true`, []FieldError{wholeBody("invalid_type", "Expected object, received boolean")}},
		// The empty key is a field like any other: present as "", and
		// dotted after its parent.
		{"empty key", `{"":1}`, []FieldError{fe("", "unknown_field", "Unrecognized key(s) in object: ''")}},
		{"empty key in metadata", `{"metadata":{"":1}}`, []FieldError{fe("metadata.", "invalid_type", "Expected string, received number")}},
		{"empty key in balance group", `{"balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_AMPRION","":"x"}}`,
			[]FieldError{fe("balance_group.", "unknown_field", "Unrecognized key(s) in object: ''")}},
	}
	before := e.state()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.patch(custSeed, keyWrite, tc.body)
			p := wantProblem(t, r, 400, "validation", "Validation Failed", "/v1/customers/"+custSeed)
			if !reflect.DeepEqual(p.Errors, tc.want) {
				t.Errorf("errors = %+v\nwant     %+v", p.Errors, tc.want)
			}
			var raw struct{ Errors []map[string]any }
			if err := json.Unmarshal(r.Body, &raw); err != nil || len(raw.Errors) != len(tc.want) {
				t.Fatalf("errors[] of %s: %v", r.Body, err)
			}
			for i, w := range tc.want {
				if _, has := raw.Errors[i]["field"]; has != (w.Field != nil) {
					t.Errorf("errors[%d] has field: %v, want %v: %s", i, has, w.Field != nil, r.Body)
				}
			}
			e.unchanged(before)
		})
	}
}

// A lone surrogate stays one, as in JSON.parse, and is echoed back as its
// escape (JSON.stringify's answer), in the field and in the message.
func TestLoneSurrogateEchoed(t *testing.T) {
	e := newEnv(t, 0)
	r := e.patch(custSeed, keyWrite, `{"status":"\ud800","\udc00x":1}`)
	wantProblem(t, r, 400, "validation", "Validation Failed", "/v1/customers/"+custSeed)
	for _, want := range []string{
		`"message":"Invalid enum value. Expected 'pending' | 'active' | 'deactivated', received '\ud800'"`,
		`"field":"\udc00x"`, `"message":"Unrecognized key(s) in object: '\udc00x'"`,
	} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("answer lacks %s: %s", want, r.Body)
		}
	}
}

// fe is an expected error about one field.
func fe(field, code, message string) FieldError {
	return FieldError{Field: &field, Code: code, Message: message}
}

// wholeBody is an expected error about the whole body, which has no field.
func wholeBody(code, message string) FieldError {
	return FieldError{Code: code, Message: message}
}

func TestBodyErrors(t *testing.T) {
	e := newEnv(t, 0)
	path := "/v1/customers/" + custSeed
	send := func(contentType string, body []byte) response {
		h := map[string]string{"X-Api-Key": keyWrite}
		if contentType != "" {
			h["Content-Type"] = contentType
		}
		return e.do(http.MethodPatch, path, h, body)
	}
	before := e.state()
	cases := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		slug, title string
	}{
		{"text/plain", "text/plain", []byte(`{}`), 415, "unsupported_media_type", "Unsupported Media Type"},
		{"missing content type", "", []byte(`{}`), 415, "unsupported_media_type", "Unsupported Media Type"},
		{"json-like vendor type", "application/merge-patch+json", []byte(`{}`), 415, "unsupported_media_type", "Unsupported Media Type"},
		{"malformed content type", "application/json; =", []byte(`{}`), 415, "unsupported_media_type", "Unsupported Media Type"},
		{"over 1 MiB", "application/json", bigBody(maxBodyBytes + 1), 413, "payload_too_large", "Payload Too Large"},
		{"malformed JSON", "application/json", []byte(`{"status":`), 400, "invalid_json", "Invalid JSON"},
		{"trailing garbage", "application/json", []byte(`{} {}`), 400, "invalid_json", "Invalid JSON"},
		{"empty body", "application/json", nil, 400, "invalid_json", "Invalid JSON"},
		{"blank body", "application/json", []byte(" \n"), 400, "invalid_json", "Invalid JSON"},
		{"invalid UTF-8", "application/json", []byte("{\"metadata\":{\"a\":\"\xff\"}}"), 400, "invalid_json", "Invalid JSON"},
		{"deeply nested", "application/json", []byte(strings.Repeat("[", 100000)), 400, "invalid_json", "Invalid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, send(tc.contentType, tc.body), tc.status, tc.slug, tc.title, path)
			e.unchanged(before)
		})
	}
	// Exactly 1 MiB is still read; it is valid JSON with a metadata value.
	if r := send("application/json", bigBody(maxBodyBytes)); r.Status != http.StatusOK {
		t.Errorf("a body of exactly 1 MiB: status %d", r.Status)
	}
	for _, ct := range []string{"application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON", "application/json ; charset=utf-8"} {
		if r := send(ct, []byte(`{"metadata":{"ct":"ok"}}`)); r.Status != http.StatusOK {
			t.Errorf("Content-Type %q: status %d: %s", ct, r.Status, r.Body)
		}
	}
}

// bigBody is a valid PATCH of exactly n bytes.
func bigBody(n int) []byte {
	head, tail := `{"metadata":{"blob":"`, `"}}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

func TestStatusMoves(t *testing.T) {
	e := newEnv(t, 0)
	stamp := "2026-05-04T12:00:00Z"

	// pending -> active stamps activated_at.
	if c := e.patch(custPending, keyWrite, `{"status":"active"}`).customer(t); c.Status != "active" || deref(c.ActivatedAt) != stamp {
		t.Errorf("pending->active: %s activated_at %s", c.Status, deref(c.ActivatedAt))
	}
	// A customer without a balance group may be activated too.
	if c := e.patch(custPendingNoBG, keyWrite, `{"status":"active"}`).customer(t); c.Status != "active" {
		t.Errorf("pending without balance group -> active: %s", c.Status)
	}
	// active -> deactivated keeps activated_at.
	e.clock.Advance(3600e9)
	if c := e.patch(custPending, keyWrite, `{"status":"deactivated"}`).customer(t); c.Status != "deactivated" || deref(c.ActivatedAt) != stamp {
		t.Errorf("active->deactivated: %s activated_at %s, want kept %s", c.Status, deref(c.ActivatedAt), stamp)
	}
	// deactivated -> active stamps it again.
	if c := e.patch(custDeactivated, keyWrite, `{"status":"active"}`).customer(t); c.Status != "active" || deref(c.ActivatedAt) != "2026-05-04T13:00:00Z" {
		t.Errorf("deactivated->active: %s activated_at %s", c.Status, deref(c.ActivatedAt))
	}

	e.reset()
	before := e.state()
	conflicts := []struct {
		id, to, slug, title string
	}{
		{custSeed, "active", "already_active", "Customer Already Active"},
		{custPending, "pending", "already_pending", "Customer Already Pending"},
		{custDeactivated, "deactivated", "already_deactivated", "Customer Already Deactivated"},
		{custSeed, "pending", "invalid_status_transition", "Invalid Status Transition"},
		{custDeactivated, "pending", "invalid_status_transition", "Invalid Status Transition"},
	}
	for _, c := range conflicts {
		r := e.patch(c.id, keyWrite, `{"status":"`+c.to+`","metadata":{"touched":"yes"}}`)
		wantProblem(t, r, 409, c.slug, c.title, "/v1/customers/"+c.id)
	}
	e.unchanged(before)
}

func TestBalanceGroupRules(t *testing.T) {
	e := newEnv(t, 0)
	path := "/v1/customers/" + custSeed
	before := e.state()

	r := e.patch(custSeed, keyWrite, `{"balance_group":{"eic":"11YUNKNOWN----Z","tso":"DE_AMPRION"}}`)
	wantProblem(t, r, 400, "balance_group_not_found", "Balance Group Not Found", path)
	// Another BRP's balance group is not ours to assign.
	r = e.patch(custSeed, keyWrite, `{"balance_group":{"eic":"11YALPENSTROM-C","tso":"DE_AMPRION"}}`)
	wantProblem(t, r, 400, "balance_group_not_found", "Balance Group Not Found", path)

	r = e.patch(custSeed, keyWrite, `{"balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_TENNET"}}`)
	p := wantProblem(t, r, 400, "balance_group_tso_not_enabled", "Balance Group TSO Not Enabled", path)
	if p.Detail != tsoNotEnabledDetail {
		t.Errorf("detail = %q", p.Detail)
	}
	// Breaking a balance-group rule and a status rule: the balance group is answered.
	r = e.patch(custSeed, keyWrite, `{"status":"active","balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_50HERTZ"}}`)
	wantProblem(t, r, 400, "balance_group_tso_not_enabled", "Balance Group TSO Not Enabled", path)
	// A valid balance group with a status conflict changes nothing either.
	r = e.patch(custSeed, keyWrite, `{"status":"active","balance_group":{"eic":"11YNORDLICHT--B","tso":"DE_TENNET"}}`)
	wantProblem(t, r, 409, "already_active", "Customer Already Active", path)
	e.unchanged(before)

	c := e.patch(custSeed, keyWrite, `{"balance_group":{"eic":"11YNORDLICHT--B","tso":"DE_50HERTZ"}}`).customer(t)
	if *c.BalanceGroup != (BalanceGroup{EIC: "11YNORDLICHT--B", TSO: "DE_50HERTZ"}) || c.Status != "active" {
		t.Errorf("after balance group change: %+v", c)
	}
	if got := e.stateCustomer(custSeed).BalanceGroup; *got != *c.BalanceGroup {
		t.Errorf("stored balance group %+v", got)
	}
}

func TestOrderOfChecks(t *testing.T) {
	e := newEnv(t, 2)
	bad := `{"status":1}`
	wantProblem(t, e.patch("cust_doesnotexist", "otk_nope", bad), 401, "invalid_api_key", "Invalid API Key", "/v1/customers/cust_doesnotexist")
	wantProblem(t, e.patch("cust_doesnotexist", keyReadOnly, bad), 403, "insufficient_scopes", "Insufficient API Key Scopes", "/v1/customers/cust_doesnotexist")
	// Validation comes before the customer lookup, the lookup before business rules.
	wantProblem(t, e.patch(custForeign, keyWrite, bad), 400, "validation", "Validation Failed", "/v1/customers/"+custForeign)
	wantProblem(t, e.patch(custForeign, keyWrite, `{"balance_group":{"eic":"nope","tso":"DE_AMPRION"}}`), 404, "customer_not_found", "Customer Not Found", "/v1/customers/"+custForeign)
	// The key's two requests are used up: the limit comes before the body.
	wantProblem(t, e.patch(custSeed, keyWrite, `{"status":`), 429, "rate_limit_exceeded", "Rate Limit Exceeded", "/v1/customers/"+custSeed)
	// The scope is answered before the limit, for a key past its limit too.
	wantProblem(t, e.patch(custSeed, keyReadOnly, `{}`), 403, "insufficient_scopes", "Insufficient API Key Scopes", "/v1/customers/"+custSeed)
	// 415 before 400.
	r := e.do(http.MethodPatch, "/v1/customers/"+custSeed, map[string]string{"X-Api-Key": keyForeignWrite, "Content-Type": "text/plain"}, []byte("{"))
	wantProblem(t, r, 415, "unsupported_media_type", "Unsupported Media Type", "/v1/customers/"+custSeed)
}

func TestCredentialsListKeysAndCustomers(t *testing.T) {
	api, err := New(fixturesFS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(api.Credentials(), "\n")
	for _, want := range []string{keyWrite + "  brp=brp_nordlicht  scopes=customers:read,customers:write", keyReadOnly, custSeed, "active", custPending, "pending", custDeactivated, "deactivated"} {
		if !strings.Contains(lines, want) {
			t.Errorf("credentials lack %q:\n%s", want, lines)
		}
	}
	if api.Name() != "otark" {
		t.Errorf("Name() = %q", api.Name())
	}
}

func TestStateIsADeepCopy(t *testing.T) {
	api, err := New(fixturesFS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := store.NewMemory(store.Options{}).Open(context.Background(), store.DefaultSession)
	state := func() State {
		st, err := api.State(context.Background(), sess)
		if err != nil {
			t.Fatal(err)
		}
		return st.(State)
	}
	st := state()
	st.BRPs[0].Customers[0].Metadata[0].Value = "mutated"
	st.BRPs[0].Customers[0].BalanceGroup.TSO = "MUTATED"
	again := state()
	if again.BRPs[0].Customers[0].Metadata[0].Value == "mutated" || again.BRPs[0].Customers[0].BalanceGroup.TSO == "MUTATED" {
		t.Fatal("changing State()'s result changed the store")
	}
	ids := []string{}
	for _, c := range again.BRPs[0].Customers {
		ids = append(ids, c.ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("customers not sorted by id: %v", ids)
	}
}

func TestAdminResetRestoresFixtures(t *testing.T) {
	e := newEnv(t, 0)
	initial := e.state()
	e.patch(custPending, keyWrite, `{"status":"active","metadata":{"a":"b"}}`).customer(t)
	e.patch(custSeed, keyWrite, `{"metadata":{"region":null}}`).customer(t)
	if e.state() == initial {
		t.Fatal("the PATCHes changed nothing")
	}
	e.reset()
	if got := e.state(); got != initial {
		t.Errorf("state after reset:\n%s\nwant\n%s", got, initial)
	}
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
