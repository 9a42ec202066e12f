package otark

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// FuzzPatchCustomer sends arbitrary bodies, content types, keys and ids
// through a real listener. Whatever comes in, the answer is never a 5xx,
// is problem+json or a 200 Customer (both checked against the spec by
// do), and a non-200 leaves the state as it was.
func FuzzPatchCustomer(f *testing.F) {
	seeds := []string{
		`{"metadata":{"customer_number":"KD-2026-0815","cost_center":"CC-4200"}}`,
		`{"status":"active"}`, `{"status":"pending"}`, `{"status":"deactivated"}`,
		`{"balance_group":{"eic":"11YSOLARDACH--A","tso":"INVALID"}}`,
		`{"balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_TENNET"}}`,
		`{"balance_group":{"eic":"11YNORDLICHT--B","tso":"DE_50HERTZ"}}`,
		`{"balance_group":null}`, `{"metadata":{"region":null}}`, `{"metadata":[]}`,
		`{"id":"x","foo":1,"status":1}`, `[]`, `"x"`, `1`, `null`, `{}`, ``, `{"status":`,
		"{\"metadata\":{\"a\":\"\xff\"}}", strings.Repeat("[", 100000),
	}
	for i, s := range seeds {
		f.Add("application/json", uint8(i), uint8(0), []byte(s))
	}
	f.Add("text/plain", uint8(0), uint8(0), []byte(`{}`))
	f.Add("", uint8(0), uint8(0), []byte(`{}`))
	f.Add("application/json; charset=utf-8", uint8(1), uint8(1), []byte(`{"status":"active"}`))

	e := newEnv(f, 1<<30)
	ids := []string{custSeed, custActive, custPending, custPendingNoBG, custDeactivated, custForeign, "cust_unknown", "a%20b"}
	keys := []string{keyWrite, keyWrite, keyWrite, keyReadOnly, keyForeignWrite, "", "otk_unknown"}

	f.Fuzz(func(t *testing.T, contentType string, idChoice, keyChoice uint8, body []byte) {
		if strings.ContainsFunc(contentType, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			t.Skip("not a valid header value; the client refuses to send it")
		}
		e := e.For(t)
		header := map[string]string{}
		if contentType != "" {
			header["Content-Type"] = contentType
		}
		if key := keys[int(keyChoice)%len(keys)]; key != "" {
			header["X-Api-Key"] = key
		}
		path := "/v1/customers/" + ids[int(idChoice)%len(ids)]
		before := e.state()
		r := e.do(http.MethodPatch, path, header, body)
		if r.Status >= 500 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		if r.Status == http.StatusOK {
			var c map[string]any
			if err := json.Unmarshal(r.Body, &c); err != nil || c["id"] == nil {
				t.Fatalf("200 without a customer: %s", r.Body)
			}
			return
		}
		if p := r.problem(t); p.Status != r.Status || !strings.HasPrefix(p.Type, problemTypeBase) {
			t.Fatalf("problem %+v for status %d", p, r.Status)
		}
		e.unchanged(before)
	})
}
