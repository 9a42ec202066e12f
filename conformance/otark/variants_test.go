package otark

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/suite"
)

var variants = []suitetest.Variant{
	{
		Name: "otark: timestamps with +00:00 instead of Z", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(suitetest.LayoutPlusZero) })
		},
	},
	{
		Name: "otark: timestamps with fractional seconds", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(suitetest.LayoutMillis) })
		},
	},
	{
		Name: "otark: each answer spells the same instant another way", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, suitetest.SpellByAnswer)
		},
	},
	{
		Name: "otark: extra members in the customer, one of them changing on every answer", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return suitetest.EditJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := suitetest.AsMap(body)
				if rec.Code != http.StatusOK || c == nil {
					return body
				}
				c["updated_at"] = time.Now().UTC().Format(time.RFC3339Nano)
				c["trace_id"] = fmt.Sprintf("trc_%08d", n.Add(1))
				c["object"] = "customer"
				if bg := suitetest.AsMap(c["balance_group"]); bg != nil {
					bg["display_name"] = "Balance group " + fmt.Sprint(bg["eic"])
				}
				return c
			})
		},
	},
	{
		Name: "otark: problems with extension members", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return suitetest.EditJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				p := suitetest.AsMap(body)
				if rec.Code < 400 || p == nil {
					return body
				}
				p["trace_id"] = fmt.Sprintf("trc_%08d", n.Add(1))
				if _, ok := p["detail"]; !ok {
					p["detail"] = "See the documentation of " + fmt.Sprint(p["type"]) + "."
				}
				for _, e := range suitetest.AsSlice(p["errors"]) {
					if m := suitetest.AsMap(e); m != nil {
						m["path"] = strings.Split(fmt.Sprint(m["field"]), ".")
						m["severity"] = "error"
					}
				}
				return p
			})
		},
	},
	{
		Name: "otark: a charset parameter on every media type", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.WithContentType(next, suitetest.AddCharset)
		},
	},
	{
		Name: "otark: lower-case header names", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler { return suitetest.LowerCaseHeaders(next) },
	},
	{
		Name: "otark: members in reverse order, indented", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler { return suitetest.ReverseMembers(next) },
	},
	{
		Name: "otark: errors[] in another order, with other [C] messages", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				p := suitetest.AsMap(body)
				errs := suitetest.AsSlice(p["errors"])
				slices.Reverse(errs)
				for _, e := range errs {
					m := suitetest.AsMap(e)
					switch m["code"] {
					case "unknown_field":
						m["message"] = "Unknown field " + fmt.Sprint(m["field"])
					case "read_only_field":
						m["message"] = fmt.Sprint(m["field"]) + " cannot be changed"
					}
				}
				if errs != nil {
					p["errors"] = errs
				}
				return body
			})
		},
	},
	{
		Name: "otark: only the first error is reported", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				p := suitetest.AsMap(body)
				if errs := suitetest.AsSlice(p["errors"]); len(errs) > 1 {
					p["errors"] = errs[:1]
				}
				return body
			})
		},
	},
	{
		Name: "otark: Zod v4 wording of the messages", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				for _, e := range suitetest.AsSlice(suitetest.AsMap(body)["errors"]) {
					m := suitetest.AsMap(e)
					switch m["code"] {
					case "invalid_enum_value":
						m["message"] = `Invalid option: expected one of "pending"|"active"|"deactivated"`
					case "invalid_type":
						m["message"] = "Invalid input: expected string, received number"
					case "required":
						m["message"] = "Invalid input: expected string, received undefined"
					case "unknown_field":
						m["message"] = `Unrecognized key: "` + fmt.Sprint(m["field"]) + `"`
					}
				}
				return body
			})
		},
	},
	{
		Name: "otark: instance only where the docs show it, and other rate-limit numbers", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("X-RateLimit-Limit") != "" {
					rec.Header().Set("X-RateLimit-Limit", "5000")
					rec.Header().Set("X-RateLimit-Remaining", fmt.Sprint(5000-n.Add(1)))
					rec.Header().Set("X-RateLimit-Reset", "3599")
				}
				p := suitetest.DecodeJSON(rec)
				if rec.Code >= 400 && rec.Code != http.StatusNotFound && p["type"] != otarkErrorBase+"validation" {
					delete(p, "instance")
					suitetest.SetJSON(rec, p)
				}
			})
		},
	},
	{
		Name: "otark: the customer is looked up before the body is validated", API: "otark",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				if r.Method == http.MethodPatch && r.Header.Get("X-Api-Key") != "" && string(raw) != "{}" {
					if probe := suitetest.Serve(next, r.Method, r.URL.Path, r.Header, "{}"); probe.Code == http.StatusNotFound {
						suitetest.CopyResponse(w, probe)
						return
					}
				}
				// RequestURI keeps the query the list endpoint reads.
				suitetest.CopyResponse(w, suitetest.Serve(next, r.Method, r.URL.RequestURI(), r.Header, string(raw)))
			})
		},
	},
}

func TestEveryVariantPassesTheSuite(t *testing.T) {
	t.Parallel()
	suitetest.CheckVariants(t, variants)
}

// A server built from the seed alone has no GET: the read checks are
// skipped with one reason, and nothing else changes.
func TestAServerWithoutReadsSkipsOnlyTheReadChecks(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t, "otark")
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/customers") {
				w.Header().Set("Allow", "PATCH")
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--allow-destructive")
	s := run.API("otark")
	if run.ExitCode != suite.ExitPassed || s.Failed+s.CouldNotRun != 0 || s.Passed == 0 {
		t.Fatalf("exit %d; passed %d, failed %d, could not run %d\n%s", run.ExitCode, s.Passed, s.Failed, s.CouldNotRun, run.Output)
	}
	reads := []string{"read-after-patch", "read-scope", "read-tenancy", "list-paging", "list-limit"}
	for _, c := range s.Checks {
		isRead := slices.Contains(reads, c.Rule)
		if skipped := c.Outcome == suite.OutcomeSkipped; skipped != isRead || (isRead && c.Reason != noReads) {
			t.Errorf("%s (rule %s): %s %q", c.Check, c.Rule, c.Outcome, c.Reason)
		}
	}
}
