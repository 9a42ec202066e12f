package podero

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/suite"
)

// The podero faults: each breaks one rule of docs/contract.md, podero in
// middleware around the real mock, and TestEveryFaultFailsTheCheckForItsRule
// asserts the check for that rule fails.
// fault is the framework's Fault; the table holds this API's.
type fault = suitetest.Fault

var poderoUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var faults = []fault{
	{
		Name: "meter_id is not bounded", API: "podero", Rule: "meter-id-max-length",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return truncateField(next, "meter_id", 19)
		},
	},
	{
		Name: "supplier is not bounded", API: "podero", Rule: "supplier-max-length",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return truncateField(next, "supplier", 100)
		},
	},
	{
		Name: "the answer names building_id instead of building", API: "podero", Rule: "building-echo",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method != http.MethodPut || rec.Code != http.StatusOK {
					return
				}
				c := suitetest.DecodeJSON(rec)
				c["building_id"] = c["building"]
				delete(c, "building")
				suitetest.SetJSON(rec, c)
			})
		},
	},
	{
		Name: "requests without a token are served", API: "podero", Rule: "auth-missing-token",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "" {
					r.Header.Set("Authorization", "Bearer "+Config(t).Token)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "an unknown token is accepted", API: "podero", Rule: "auth-invalid-token",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "Bearer "+poderoUnknownToken {
					r.Header.Set("Authorization", "Bearer "+Config(t).Token)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "a building_id that is not a UUID is accepted", API: "podero", Rule: "building-id-uuid",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if id, ok := body["building_id"].(string); ok && !poderoUUID.MatchString(id) {
					body["building_id"] = Config(t).BuildingID
				}
			})
		},
	},
	{
		Name: "an energy_contract_type outside the enum is accepted", API: "podero", Rule: "enum",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if v, ok := body["energy_contract_type"].(string); ok && !slices.Contains([]string{"spot_hourly", "monthly", "yearly"}, v) {
					body["energy_contract_type"] = nil
				}
			})
		},
	},
	{
		Name: "hourly prices are accepted without a currency", API: "podero", Rule: "currency-required",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if prices, _ := body["energy_prices"].([]any); len(prices) > 0 && body["currency_energy_price"] == nil {
					body["currency_energy_price"] = "EUR"
				}
			})
		},
	},
	{
		Name: "an explicit null keeps the stored value", API: "podero", Rule: "explicit-null",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(r *http.Request, body map[string]any) {
				if r.Method != http.MethodPut {
					return
				}
				var contracts []map[string]any
				_ = json.Unmarshal(suitetest.Serve(next, http.MethodGet, path.Dir(r.URL.Path), r.Header, "").Body.Bytes(), &contracts)
				for _, c := range contracts {
					if c["id"] != path.Base(r.URL.Path) {
						continue
					}
					for k, v := range body {
						if v != nil {
							continue
						}
						if k == "building_id" {
							body[k] = c["building"]
						} else {
							body[k] = c[k]
						}
					}
				}
			})
		},
	},
	{
		Name: "a path parameter that is not a UUID is answered 404", API: "podero", Rule: "path-uuid",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.URL.Path, "/"+poderoNotAUUID) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
					return
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "an unknown body field is refused", API: "podero", Rule: "unknown-field-ignored",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				if bytes.Contains(raw, []byte(poderoUnknownField)) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnprocessableEntity)
					_, _ = w.Write([]byte(`{"detail":[{"type":"extra_forbidden","loc":["body","payload","` + poderoUnknownField + `"],"msg":"Extra inputs are not permitted"}]}`))
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "the token endpoint answers another token_type", API: "podero", Rule: "token-endpoint",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.URL.Path == poderoTokenPath && rec.Code == http.StatusOK {
					answer := suitetest.DecodeJSON(rec)
					answer["token_type"] = "mac"
					suitetest.SetJSON(rec, answer)
				}
			})
		},
	},
	{
		Name: "a malformed body is answered 500", API: "podero", Rule: "malformed-json",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusBadRequest {
					rec.Code = http.StatusInternalServerError
					rec.Header().Set("Content-Type", "text/html; charset=utf-8")
					rec.Body = bytes.NewBufferString("<h1>Server Error (500)</h1>")
				}
			})
		},
	},
	{
		Name: "validation stops at the first error", API: "podero", Rule: "validation-error-shape",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code != http.StatusUnprocessableEntity {
					return
				}
				answer := suitetest.DecodeJSON(rec)
				if errs, _ := answer["detail"].([]any); len(errs) > 1 {
					answer["detail"] = errs[:1]
					suitetest.SetJSON(rec, answer)
				}
			})
		},
	},
	{
		Name: "podero: a contract's id is a number", API: "podero", Rule: "response-schema",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.EveryAnswer(next, http.StatusOK, func(c map[string]any) {
				if _, ok := c["id"]; ok && c["access_token"] == nil {
					c["id"] = 42
				}
			})
		},
	},
}

// truncateField cuts a string field to max characters before the mock sees
// it, so that longer values are accepted.
func truncateField(next http.Handler, field string, max int) http.Handler {
	return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
		if s, ok := body[field].(string); ok && len(s) > max {
			body[field] = s[:max]
		}
	})
}

func TestPoderoSuitePassesAgainstTheMockAndLeavesItsContractsAlone(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, _ := suitetest.MockTargetFile(t, "podero")
	before := poderoState(t, srv.URL)

	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "podero")
	if run.ExitCode != suite.ExitPassed {
		t.Fatalf("exit status %d, want %d\n%s", run.ExitCode, suite.ExitPassed, run.Output)
	}
	podero := run.API("podero")
	if podero.Failed+podero.CouldNotRun != 0 || podero.Passed < 40 {
		t.Fatalf("podero: %+v\n%s", podero, run.Output)
	}
	for _, c := range podero.Checks {
		if c.Outcome == suite.OutcomeSkipped && !strings.Contains(c.Reason, "--allow-destructive") {
			t.Errorf("check %q skipped for %q; the mock's target file offers every input", c.Check, c.Reason)
		}
	}
	after := poderoState(t, srv.URL)
	// The token-endpoint check gets one token, and the contract offers no
	// way to revoke it; everything else must be as it was.
	if got := after["issued_tokens"]; got != before["issued_tokens"].(float64)+1 {
		t.Errorf("issued tokens: before %v, after %v; want exactly the token-endpoint check's one", before["issued_tokens"], got)
	}
	delete(before, "issued_tokens")
	delete(after, "issued_tokens")
	if b, a := mustMarshal(t, before), mustMarshal(t, after); !bytes.Equal(b, a) {
		t.Errorf("the suite changed the podero state\nbefore: %s\nafter:  %s", b, a)
	}
}

func TestPoderoWithOnlyAStaticTokenSkipsTheTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	_, target := suitetest.MockTargetFile(t, "podero")
	p := Config(target)
	config := suitetest.WriteTarget(t, "podero:\n  base_url: "+srv.URL+"\n  token: "+p.Token+
		"\n  org_id: "+p.OrgID+"\n  user_id: "+p.UserID+"\n  energy_contract_id: "+p.EnergyContractID+"\n")

	run := suitetest.RunSuite(t, "--config", config)
	if run.ExitCode != suite.ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	reasons := map[string]string{}
	for _, c := range run.API("podero").Checks {
		if c.Outcome == suite.OutcomeSkipped {
			reasons[c.Rule] = c.Reason
		}
	}
	for rule, key := range map[string]string{
		"token-endpoint": "podero.client_id", "foreign-organization": "podero.foreign_org_id", "building-echo": "podero.building_id",
	} {
		if want := "needs " + key + " in the target file"; reasons[rule] != want {
			t.Errorf("rule %s: skip reason %q, want %q", rule, reasons[rule], want)
		}
	}
	if state := poderoState(t, srv.URL); state["issued_tokens"] != 0.0 {
		t.Errorf("a run with a static token asked for %v tokens", state["issued_tokens"])
	}
}

func TestPoderoWithOnlyClientCredentialsObtainsAToken(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	_, target := suitetest.MockTargetFile(t, "podero")
	p := Config(target)
	config := suitetest.WriteTarget(t, "podero:\n  base_url: "+srv.URL+"\n  client_id: "+p.ClientID+"\n  client_secret: "+p.ClientSecret+
		"\n  org_id: "+p.OrgID+"\n  user_id: "+p.UserID+"\n  energy_contract_id: "+p.EnergyContractID+"\n")

	run := suitetest.RunSuite(t, "--config", config, "--ginkgo.label-filter", "rule:auth-missing-token || rule:response-fields || rule:token-endpoint")
	if run.ExitCode != suite.ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	if podero := run.API("podero"); podero.Passed != 3 {
		t.Fatalf("want the three checks to pass: %+v\n%s", podero, run.Output)
	}
	// One token for the run's requests, one from the token-endpoint check.
	if state := poderoState(t, srv.URL); state["issued_tokens"] != 2.0 {
		t.Errorf("issued tokens %v, want 2", state["issued_tokens"])
	}
}

func TestPoderoWrongClientSecretIsCouldNotRun(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	_, target := suitetest.MockTargetFile(t, "podero")
	p := Config(target)
	const wrongSecret = "gridtwin-wrong-secret"
	config := suitetest.WriteTarget(t, "podero:\n  base_url: "+srv.URL+"\n  client_id: "+p.ClientID+"\n  client_secret: "+wrongSecret+
		"\n  org_id: "+p.OrgID+"\n  user_id: "+p.UserID+"\n  energy_contract_id: "+p.EnergyContractID+"\n")

	// The token endpoint's own check too: refusing unknown credentials is
	// right, so it could not run rather than failed.
	run := suitetest.RunSuite(t, "--config", config, "--ginkgo.label-filter", "rule:list-contracts || rule:enum || rule:token-endpoint")
	podero := run.API("podero")
	if run.ExitCode != suite.ExitCouldNotRun || podero.Failed != 0 || podero.CouldNotRun < 3 {
		t.Fatalf("exit %d, %+v\n%s", run.ExitCode, podero, run.Output)
	}
	for _, f := range podero.Failures {
		want := "obtaining a token"
		if f.Rule == "token-endpoint" {
			want = "the server refused podero.client_id"
		}
		if f.Outcome != "could-not-run" || !strings.Contains(f.Message, want) || !strings.Contains(f.Message, "invalid_client") {
			t.Errorf("%s: %s, want could-not-run saying %q and invalid_client:\n%s", f.Check, f.Outcome, want, f.Message)
		}
		if strings.Contains(f.Message, wrongSecret) {
			t.Errorf("the client secret leaks into %s's message", f.Check)
		}
	}
	if strings.Contains(run.Output, wrongSecret) {
		t.Errorf("the client secret leaks into the output:\n%s", run.Output)
	}
}

func TestPoderoFailureMessagesRedactTheToken(t *testing.T) {
	t.Parallel()
	config, target := suitetest.MockTargetFile(t, "podero")
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
			if rec.Code == http.StatusUnauthorized {
				rec.Code = http.StatusForbidden
				suitetest.SetJSON(rec, map[string]any{"detail": "token " + Config(target).Token + " is refused"})
			}
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "podero", "--ginkgo.label-filter", "rule:auth-invalid-token")
	podero := run.API("podero")
	if run.ExitCode != suite.ExitFailed || len(podero.Failures) == 0 {
		t.Fatalf("exit %d, %+v\n%s", run.ExitCode, podero, run.Output)
	}
	msg := podero.Failures[0].Message
	if strings.Contains(msg, Config(target).Token) || strings.Contains(run.Output, Config(target).Token) {
		t.Errorf("the failure leaks the token:\n%s", msg)
	}
	if !strings.Contains(msg, "<redacted>") {
		t.Errorf("the failure does not show the redacted exchange:\n%s", msg)
	}
}

func poderoState(t *testing.T, baseURL string) map[string]any {
	t.Helper()
	var state map[string]map[string]any
	if err := json.Unmarshal(suitetest.AdminState(t, baseURL), &state); err != nil {
		t.Fatal(err)
	}
	return state["podero"]
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEveryFaultFailsTheCheckForItsRule(t *testing.T) {
	t.Parallel()
	suitetest.CheckFaults(t, faults)
}
