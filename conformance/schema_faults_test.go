package conformance

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func init() { faults = append(faults, schemaFaults...) }

// schemaFaults break each API's document in its answers; the one check
// that judges the document must catch each.
var schemaFaults = []fault{
	{
		name: "otark: a success answer lacks a required field", api: "otark", rule: "response-schema",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return everyAnswer(next, http.StatusOK, func(c map[string]any) { delete(c, "created_at") })
		},
	},
	{
		name: "podero: a contract's id is a number", api: "podero", rule: "response-schema",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return everyAnswer(next, http.StatusOK, func(c map[string]any) {
				if _, ok := c["id"]; ok && c["access_token"] == nil {
					c["id"] = 42
				}
			})
		},
	},
	{
		name: "esmart: a customer's Email is a number", api: "esmart", rule: "response-schema",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return everyAnswer(next, http.StatusOK, func(c map[string]any) {
				if _, ok := c["Email"]; ok {
					c["Email"] = 7
				}
			})
		},
	},
}

// everyAnswer edits every JSON object answered with status.
func everyAnswer(next http.Handler, status int, edit func(map[string]any)) http.Handler {
	return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if rec.Code != status || !strings.HasPrefix(strings.TrimSpace(rec.Body.String()), "{") {
			return
		}
		c := decodeJSON(rec)
		edit(c)
		setJSON(rec, c)
	})
}

// TestOneSchemaViolationIsOneFailure: an answer that breaks the document
// on every customer fails <api>/response-schema once, with the validator's
// words, and no behavioural check fails for it.
func TestOneSchemaViolationIsOneFailure(t *testing.T) {
	t.Parallel()
	config, target := mockTargetFile(t)
	srv := startMock(t, func(next http.Handler) http.Handler { return schemaFaults[0].wrap(target, next) })
	// The read checks are left out: a GET is judged by the reads' document,
	// so its answer would be a second distinct violation.
	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "otark",
		"--ginkgo.label-filter", "!rule:read-after-patch && !rule:read-scope && !rule:read-tenancy && !rule:list-paging && !rule:list-limit")
	otark := run.summary.api("otark")
	if run.exitCode != ExitFailed || otark.Failed != 1 || len(otark.Failures) != 1 {
		t.Fatalf("exit %d, %d failed, want 1 and the one response-schema check\n%s", run.exitCode, otark.Failed, run.output)
	}
	f := otark.Failures[0]
	for _, want := range []string{"rule otark/response-schema", "1 distinct violation", "created_at", "first seen in check", "response got:"} {
		if f.Rule != "response-schema" || !strings.Contains(f.Message, want) {
			t.Errorf("the failure (rule %s) lacks %q:\n%s", f.Rule, want, f.Message)
		}
	}
}
