package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// A fault breaks one rule of one API by wrapping the real mock in
// middleware: the default mock never learns about faults. Each fault must
// make the check for its rule fail, with a message that names the rule and
// shows the exchange. Add podero and esmart faults to the same table.
type fault struct {
	name string
	api  string
	rule string
	// args are extra flags, e.g. --allow-destructive for a destructive rule.
	args []string
	wrap func(t *Target, next http.Handler) http.Handler
}

var faults = []fault{
	{
		name: "GET answers a customer without its metadata", api: "otark", rule: "read-after-patch",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == customerPath(t.Otark.CustomerID) && rec.Code == http.StatusOK {
					c := decodeJSON(rec)
					c["metadata"] = map[string]any{}
					setJSON(rec, c)
				}
			})
		},
	},
	{
		name: "a read-only key may not GET", api: "otark", rule: "read-scope",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.Header.Get("X-Api-Key") == t.Otark.APIKeyReadOnly {
					rec.Code = http.StatusForbidden
					rec.Header().Set("Content-Type", "application/problem+json")
					setJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403,
						"detail": "Missing scope: customers:write. Please create a new API key with the required scopes."})
				}
			})
		},
	},
	{
		name: "another BRP's customer is 403 on GET", api: "otark", rule: "read-tenancy",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == customerPath(t.Otark.ForeignCustomerID) {
					rec.Code = http.StatusForbidden
					setJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403})
				}
			})
		},
	},
	{
		name: "the list ignores after", api: "otark", rule: "list-paging",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				q.Del("after")
				r.URL.RawQuery = q.Encode()
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "pagination.limit is always the default", api: "otark", rule: "list-limit",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodGet && r.URL.Path == "/v1/customers" && rec.Code == http.StatusOK {
					l := decodeJSON(rec)
					asMap(l["pagination"])["limit"] = 10
					setJSON(rec, l)
				}
			})
		},
	},
	{
		name: "metadata replaced instead of merged", api: "otark", rule: "metadata-merge",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(r *http.Request, body map[string]any) {
				md, ok := body["metadata"].(map[string]any)
				if !ok || len(md) == 0 {
					return
				}
				current := decodeJSON(serve(next, r.Method, r.URL.Path, r.Header, `{}`))
				for k := range asMap(current["metadata"]) {
					if _, given := md[k]; !given {
						md[k] = nil
					}
				}
			})
		},
	},
	{
		name: "a key set to null is kept", api: "otark", rule: "metadata-null-removes",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				md, _ := body["metadata"].(map[string]any)
				maps.DeleteFunc(md, func(_ string, v any) bool { return v == nil })
			})
		},
	},
	{
		name: "a read-only field is ignored", api: "otark", rule: "read-only-field",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for _, k := range []string{"id", "name", "assigned_at", "activated_at", "created_at"} {
					delete(body, k)
				}
			})
		},
	},
	{
		name: "an unknown field is ignored", api: "otark", rule: "unknown-field",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				delete(body, unknownField)
			})
		},
	},
	{
		name: "a partial change is applied before an error", api: "otark", rule: "atomic-failure",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				body := decodeJSON(rec)
				_ = json.Unmarshal(raw, &body)
				if md, ok := body["metadata"]; ok && rec.Code >= 400 {
					partial, _ := json.Marshal(map[string]any{"metadata": md})
					serve(next, r.Method, r.URL.Path, r.Header, string(partial))
				}
				copyResponse(w, rec)
			})
		},
	},
	{
		name: "403 instead of 401", api: "otark", rule: "auth-missing-key",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					rec.Code = http.StatusForbidden
					setJSON(rec, map[string]any{"type": otarkErrorBase + "insufficient_scopes", "title": "Insufficient API Key Scopes", "status": 403})
				}
			})
		},
	},
	{
		name: "no 409 for an active customer", api: "otark", rule: "already-active",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusConflict {
					*rec = *serve(next, r.Method, r.URL.Path, r.Header, `{}`)
				}
			})
		},
	},
	{
		name: "errors are not application/problem+json", api: "otark", rule: "problem-details",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code >= 400 {
					rec.Header().Set("Content-Type", "application/json")
				}
			})
		},
	},
	{
		name: "rate-limit headers are missing", api: "otark", rule: "rate-limit-headers",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
					rec.Header().Del(h)
				}
			})
		},
	},
	{
		name: "another BRP's customer is visible", api: "otark", rule: "tenancy",
		wrap: func(t *Target, next http.Handler) http.Handler {
			foreign, own := customerPath(t.Otark.ForeignCustomerID), customerPath(t.Otark.CustomerID)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != foreign {
					next.ServeHTTP(w, r)
					return
				}
				raw, _ := io.ReadAll(r.Body)
				rec := serve(next, r.Method, own, r.Header, string(raw))
				c := decodeJSON(rec)
				c["id"] = t.Otark.ForeignCustomerID
				setJSON(rec, c)
				copyResponse(w, rec)
			})
		},
	},
	{
		name: "an invalid enum value is accepted", api: "otark", rule: "enum-value",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
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
		name: "a success answers the customer as it was before the change", api: "otark", rule: "success-returns-customer",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK {
					c := decodeJSON(rec)
					delete(asMap(c["metadata"]), probeA)
					setJSON(rec, c)
				}
			})
		},
	},
	{
		name: "401 for an unknown key becomes 404", api: "otark", rule: "auth-unknown-key",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Api-Key") == unknownKey {
					r.Header.Set("X-Api-Key", t.Otark.APIKey)
					r.URL.Path = customerPath(unknownCustomer)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "a key without customers:write may write", api: "otark", rule: "scope",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Api-Key") == t.Otark.APIKeyWithoutWrite {
					r.Header.Set("X-Api-Key", t.Otark.APIKey)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "404 without instance", api: "otark", rule: "customer-not-found",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusNotFound {
					p := decodeJSON(rec)
					delete(p, "instance")
					setJSON(rec, p)
				}
			})
		},
	},
	{
		name: "{} changes the customer", api: "otark", rule: "empty-body-no-change",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK && r.ContentLength == 2 {
					c := decodeJSON(rec)
					c["status"] = "deactivated"
					setJSON(rec, c)
				}
			})
		},
	},
	{
		name: "missing balance_group keys are not reported as required", api: "otark", rule: "balance-group-required",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteErrorCodes(next, "required", "validation_failed")
		},
	},
	{
		name: "type errors are reported with another code", api: "otark", rule: "invalid-type",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteErrorCodes(next, "invalid_type", "validation_failed")
		},
	},
	{
		name: "a TSO that is not enabled is accepted", api: "otark", rule: "tso-not-enabled",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if bg, ok := body["balance_group"].(map[string]any); ok && bg["tso"] == t.Otark.TSONotEnabled.TSO && bg["eic"] == t.Otark.TSONotEnabled.EIC {
					delete(body, "balance_group")
				}
			})
		},
	},
	{
		name: "activation does not set activated_at", api: "otark", rule: "activation",
		args: []string{"--allow-destructive"},
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusOK && strings.HasSuffix(r.URL.Path, t.Otark.PendingCustomerID) {
					c := decodeJSON(rec)
					c["activated_at"] = nil
					setJSON(rec, c)
				}
			})
		},
	},
}

func TestEveryFaultFailsTheCheckForItsRule(t *testing.T) {
	t.Parallel()
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			config, target := mockTargetFile(t)
			srv := startMock(t, func(next http.Handler) http.Handler { return f.wrap(target, next) })
			// Only the rule's own checks run: that is the claim under test,
			// and it keeps twenty runs against a race-instrumented mock fast.
			// The response-schema check judges what the others received, so
			// for it the whole API runs.
			args := append([]string{"--config", config, "--target", srv.URL, "--api", f.api}, f.args...)
			if f.rule != "response-schema" {
				args = append(args, "--ginkgo.label-filter", "rule:"+f.rule)
			}
			run := runSuite(t, args...)
			if run.exitCode != ExitFailed {
				t.Errorf("exit status %d, want %d", run.exitCode, ExitFailed)
			}
			var failed []CheckResult
			for _, c := range run.summary.api(f.api).Failures {
				if c.Rule == f.rule && c.Outcome == OutcomeFailed {
					failed = append(failed, c)
				}
			}
			if len(failed) == 0 {
				t.Fatalf("no check of rule %s failed; failures: %+v\n%s", f.rule, run.summary.api(f.api).Failures, run.output)
			}
			msg := failed[0].Message
			for _, want := range []string{"rule " + f.api + "/" + f.rule, "request sent:", "response got:"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the failure message lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, target.Otark.APIKey) {
				t.Errorf("the failure message leaks the API key:\n%s", msg)
			}
		})
	}
}

func TestRateLimitedRequestsAreRetriedNotFailed(t *testing.T) {
	t.Parallel()
	config, _ := mockTargetFile(t)
	var limited atomic.Int32
	srv := startMock(t, func(next http.Handler) http.Handler {
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
	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "otark")
	if run.exitCode != ExitPassed || limited.Load() < 30 {
		t.Fatalf("exit %d after %d requests\n%s", run.exitCode, limited.Load(), run.output)
	}
}

// serve runs one request through h and records the answer.
func serve(h http.Handler, method, path string, header http.Header, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header = header.Clone()
	r.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// rewriteRequest lets edit change a JSON object body before next sees it.
func rewriteRequest(next http.Handler, edit func(r *http.Request, body map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if json.Unmarshal(raw, &body) == nil && body != nil {
			edit(r, body)
			raw, _ = json.Marshal(body)
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
		r.Header.Set("Content-Length", strconv.Itoa(len(raw)))
		next.ServeHTTP(w, r)
	})
}

// rewriteResponse lets edit change next's answer before the client sees it.
func rewriteResponse(next http.Handler, edit func(r *http.Request, rec *httptest.ResponseRecorder)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		edit(r, rec)
		copyResponse(w, rec)
	})
}

func rewriteErrorCodes(next http.Handler, from, to string) http.Handler {
	return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if rec.Code != http.StatusBadRequest {
			return
		}
		p := decodeJSON(rec)
		errs, _ := p["errors"].([]any)
		for _, e := range errs {
			if m := asMap(e); m["code"] == from {
				m["code"] = to
			}
		}
		setJSON(rec, p)
	})
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	maps.Copy(w.Header(), rec.Header())
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func decodeJSON(rec *httptest.ResponseRecorder) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return m
}

func setJSON(rec *httptest.ResponseRecorder, v any) {
	b, _ := json.Marshal(v)
	rec.Body = bytes.NewBuffer(b)
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func TestAFailureStaysAFailureWhenItsCleanupCannotRun(t *testing.T) {
	t.Parallel()
	config, _ := mockTargetFile(t)
	var broken atomic.Bool
	srv := startMock(t, func(next http.Handler) http.Handler {
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
	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--ginkgo.label-filter", "rule:unknown-field")
	o := run.summary.api("otark")
	if run.exitCode != ExitFailed || o.Failed != 1 || o.CouldNotRun != 0 {
		t.Fatalf("exit %d, %+v\n%s", run.exitCode, o, run.output)
	}
}
