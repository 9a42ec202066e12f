package otark

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/suite"
)

// fault is the framework's Fault; the table holds this API's.
type fault = suitetest.Fault

var faults = []fault{
	{
		Name: "GET answers a customer without its metadata", API: "otark", Rule: "read-after-patch",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == customerPath(Config(t).CustomerID) && rec.Code == http.StatusOK {
					c := suitetest.DecodeJSON(rec)
					c["metadata"] = map[string]any{}
					suitetest.SetJSON(rec, c)
				}
			})
		},
	},
	{
		Name: "a read-only key may not GET", API: "otark", Rule: "read-scope",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.Header.Get("X-Api-Key") == Config(t).APIKeyReadOnly {
					rec.Code = http.StatusForbidden
					rec.Header().Set("Content-Type", "application/problem+json")
					suitetest.SetJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403,
						"detail": "Missing scope: customers:write. Please create a new API key with the required scopes."})
				}
			})
		},
	},
	{
		Name: "another BRP's customer is 403 on GET", API: "otark", Rule: "read-tenancy",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == customerPath(Config(t).ForeignCustomerID) {
					rec.Code = http.StatusForbidden
					suitetest.SetJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403})
				}
			})
		},
	},
	{
		Name: "the list ignores after", API: "otark", Rule: "list-paging",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				q.Del("after")
				r.URL.RawQuery = q.Encode()
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "pagination.limit is always the default", API: "otark", Rule: "list-limit",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == "/v1/customers" && rec.Code == http.StatusOK {
					l := suitetest.DecodeJSON(rec)
					suitetest.AsMap(l["pagination"])["limit"] = 10
					suitetest.SetJSON(rec, l)
				}
			})
		},
	},
	{
		Name: "metadata replaced instead of merged", API: "otark", Rule: "metadata-merge",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(r *http.Request, body map[string]any) {
				md, ok := body["metadata"].(map[string]any)
				if !ok || len(md) == 0 {
					return
				}
				current := suitetest.DecodeJSON(suitetest.Serve(next, r.Method, r.URL.Path, r.Header, `{}`))
				for k := range suitetest.AsMap(current["metadata"]) {
					if _, given := md[k]; !given {
						md[k] = nil
					}
				}
			})
		},
	},
	{
		Name: "a key set to null is kept", API: "otark", Rule: "metadata-null-removes",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				md, _ := body["metadata"].(map[string]any)
				maps.DeleteFunc(md, func(_ string, v any) bool { return v == nil })
			})
		},
	},
	{
		Name: "a read-only field is ignored", API: "otark", Rule: "read-only-field",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for _, k := range []string{"id", "name", "assigned_at", "activated_at", "created_at"} {
					delete(body, k)
				}
			})
		},
	},
	{
		Name: "an unknown field is ignored", API: "otark", Rule: "unknown-field",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				delete(body, unknownField)
			})
		},
	},
	{
		Name: "a partial change is applied before an error", API: "otark", Rule: "atomic-failure",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := suitetest.Serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				body := suitetest.DecodeJSON(rec)
				_ = json.Unmarshal(raw, &body)
				if md, ok := body["metadata"]; ok && rec.Code >= 400 {
					partial, _ := json.Marshal(map[string]any{"metadata": md})
					suitetest.Serve(next, r.Method, r.URL.Path, r.Header, string(partial))
				}
				suitetest.CopyResponse(w, rec)
			})
		},
	},
	{
		Name: "403 instead of 401", API: "otark", Rule: "auth-missing-key",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					rec.Code = http.StatusForbidden
					suitetest.SetJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403})
				}
			})
		},
	},
	{
		Name: "no 409 for an active customer", API: "otark", Rule: "already-active",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusConflict {
					*rec = *suitetest.Serve(next, r.Method, r.URL.Path, r.Header, `{}`)
				}
			})
		},
	},
	{
		Name: "errors are not application/problem+json", API: "otark", Rule: "problem-details",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code >= 400 {
					rec.Header().Set("Content-Type", "application/json")
				}
			})
		},
	},
	{
		Name: "rate-limit headers are missing", API: "otark", Rule: "rate-limit-headers",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
					rec.Header().Del(h)
				}
			})
		},
	},
	{
		Name: "another BRP's customer is visible", API: "otark", Rule: "tenancy",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			foreign, own := customerPath(Config(t).ForeignCustomerID), customerPath(Config(t).CustomerID)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != foreign {
					next.ServeHTTP(w, r)
					return
				}
				raw, _ := io.ReadAll(r.Body)
				rec := suitetest.Serve(next, r.Method, own, r.Header, string(raw))
				c := suitetest.DecodeJSON(rec)
				c["id"] = Config(t).ForeignCustomerID
				suitetest.SetJSON(rec, c)
				suitetest.CopyResponse(w, rec)
			})
		},
	},
	{
		Name: "an invalid enum value is accepted", API: "otark", Rule: "enum-value",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if s, ok := body["status"].(string); ok && !strings.Contains("pending active deactivated", s) {
					delete(body, "status")
				}
				if bg, ok := body["balance_group"].(map[string]any); ok && bg["tso"] == "INVALID" {
					delete(body, "balance_group")
				}
			})
		},
	},
	{
		Name: "a success answers the customer as it was before the change", API: "otark", Rule: "success-returns-customer",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK {
					c := suitetest.DecodeJSON(rec)
					delete(suitetest.AsMap(c["metadata"]), probeA)
					suitetest.SetJSON(rec, c)
				}
			})
		},
	},
	{
		Name: "401 for an unknown key becomes 404", API: "otark", Rule: "auth-unknown-key",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Api-Key") == unknownKey {
					r.Header.Set("X-Api-Key", Config(t).APIKey)
					r.URL.Path = customerPath(unknownCustomer)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "a key without customers:write may write", API: "otark", Rule: "scope",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Api-Key") == Config(t).APIKeyWithoutWrite {
					r.Header.Set("X-Api-Key", Config(t).APIKey)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "404 without instance", API: "otark", Rule: "customer-not-found",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusNotFound {
					p := suitetest.DecodeJSON(rec)
					delete(p, "instance")
					suitetest.SetJSON(rec, p)
				}
			})
		},
	},
	{
		Name: "{} changes the customer", API: "otark", Rule: "empty-body-no-change",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK && r.ContentLength == 2 {
					c := suitetest.DecodeJSON(rec)
					c["status"] = "deactivated"
					suitetest.SetJSON(rec, c)
				}
			})
		},
	},
	{
		Name: "missing balance_group keys are not reported as required", API: "otark", Rule: "balance-group-required",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return rewriteErrorCodes(next, "required", "validation_failed")
		},
	},
	{
		Name: "type errors are reported with another code", API: "otark", Rule: "invalid-type",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return rewriteErrorCodes(next, "invalid_type", "validation_failed")
		},
	},
	{
		Name: "a TSO that is not enabled is accepted", API: "otark", Rule: "tso-not-enabled",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if bg, ok := body["balance_group"].(map[string]any); ok && bg["tso"] == Config(t).TSONotEnabled.TSO && bg["eic"] == Config(t).TSONotEnabled.EIC {
					delete(body, "balance_group")
				}
			})
		},
	},
	{
		Name: "activation does not set activated_at", API: "otark", Rule: "activation",
		Args: []string{"--allow-destructive"},
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK && strings.HasSuffix(r.URL.Path, Config(t).PendingCustomerID) {
					c := suitetest.DecodeJSON(rec)
					c["activated_at"] = nil
					suitetest.SetJSON(rec, c)
				}
			})
		},
	},
	{
		Name: "otark: a success answer lacks a required field", API: "otark", Rule: "response-schema",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.EveryAnswer(next, http.StatusOK, func(c map[string]any) { delete(c, "created_at") })
		},
	},
}

func TestEveryFaultFailsTheCheckForItsRule(t *testing.T) {
	t.Parallel()
	suitetest.CheckFaults(t, faults)
}

func TestRateLimitedRequestsAreRetriedNotFailed(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t, "otark")
	var limited atomic.Int32
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Every third request is turned away once, as a server at its
			// limit would.
			if limited.Add(1)%3 == 0 {
				w.Header().Set("Retry-After", "0")
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(w, `{"type":"https://brp.otark.team/errors/rate_limit_exceeded","title":"Rate Limit Exceeded","status":429}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark")
	if run.ExitCode != suite.ExitPassed || limited.Load() < 30 {
		t.Fatalf("exit %d after %d requests\n%s", run.ExitCode, limited.Load(), run.Output)
	}
}

func rewriteErrorCodes(next http.Handler, from, to string) http.Handler {
	return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if rec.Code != http.StatusBadRequest {
			return
		}
		p := suitetest.DecodeJSON(rec)
		errs, _ := p["errors"].([]any)
		for _, e := range errs {
			if m := suitetest.AsMap(e); m["code"] == from {
				m["code"] = to
			}
		}
		suitetest.SetJSON(rec, p)
	})
}

func TestAFailureStaysAFailureWhenItsCleanupCannotRun(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t, "otark")
	var broken atomic.Bool
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Once the unknown field has been let through (the failure), the
			// customer is gone: the cleanup's read gets a spec-valid 404,
			// which makes it unable to run.
			if broken.Load() {
				r.URL.Path = customerPath(unknownCustomer)
			}
			raw, _ := io.ReadAll(r.Body)
			if strings.Contains(string(raw), unknownField) {
				broken.Store(true)
				raw = []byte(`{}`)
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
			r.ContentLength = int64(len(raw))
			next.ServeHTTP(w, r)
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--ginkgo.label-filter", "rule:unknown-field")
	o := run.API("otark")
	if run.ExitCode != suite.ExitFailed || o.Failed != 1 || o.CouldNotRun != 0 {
		t.Fatalf("exit %d, %+v\n%s", run.ExitCode, o, run.Output)
	}
}

// TestOneSchemaViolationIsOneFailure: an answer that breaks the document
// on every customer fails <api>/response-schema once, with the validator's
// words, and no behavioural check fails for it.
func TestOneSchemaViolationIsOneFailure(t *testing.T) {
	t.Parallel()
	config, target := suitetest.MockTargetFile(t, "otark")
	i := slices.IndexFunc(faults, func(f fault) bool { return f.Rule == "response-schema" })
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler { return faults[i].Wrap(target, next) })
	// The read checks are left out: a GET is judged by the reads' document,
	// so its answer would be a second distinct violation.
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark",
		"--ginkgo.label-filter", "!rule:read-after-patch && !rule:read-scope && !rule:read-tenancy && !rule:list-paging && !rule:list-limit")
	otark := run.API("otark")
	if run.ExitCode != suite.ExitFailed || otark.Failed != 1 || len(otark.Failures) != 1 {
		t.Fatalf("exit %d, %d failed, want 1 and the one response-schema check\n%s", run.ExitCode, otark.Failed, run.Output)
	}
	f := otark.Failures[0]
	for _, want := range []string{"rule otark/response-schema", "1 distinct violation", "created_at", "first seen in check", "response got:"} {
		if f.Rule != "response-schema" || !strings.Contains(f.Message, want) {
			t.Errorf("the failure (rule %s) lacks %q:\n%s", f.Rule, want, f.Message)
		}
	}
}
