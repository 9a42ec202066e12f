package esmart

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/suite"
)

var variants = []suitetest.Variant{
	{
		Name: "esmart: BirthDate without offset (Json.NET, DateTimeKind.Unspecified)", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				return suitetest.MapStrings(body, "", func(key, s string) string {
					if key == "BirthDate" {
						return suitetest.Offset.ReplaceAllString(s, "")
					}
					return s
				})
			})
		},
	},
	{
		Name: "esmart: BirthDate in UTC with seven fractional digits", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(suitetest.LayoutDotNet) })
		},
	},
	{
		Name: "esmart: each answer spells BirthDate another way", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, suitetest.SpellByAnswer)
		},
	},
	{
		Name: "esmart: a successful PATCH answers 204 No Content", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodPatch && rec.Code == http.StatusOK {
					rec.Code = http.StatusNoContent
					rec.Header().Del("Content-Type")
					rec.Body = &bytes.Buffer{}
				}
			})
		},
	},
	{
		Name: "esmart: a successful PATCH answers only the id and the contact fields", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := suitetest.AsMap(body)
				if r.Method != http.MethodPatch || rec.Code != http.StatusOK || c == nil {
					return body
				}
				return map[string]any{"CustomerId": c["CustomerId"], "PhoneNumber": c["PhoneNumber"], "MobileNumber": c["MobileNumber"], "Email": c["Email"]}
			})
		},
	},
	{
		Name: "esmart: extra members, UpdatedAt changing on every answer", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return suitetest.EditJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := suitetest.AsMap(body)
				if c == nil {
					return body
				}
				if rec.Code >= 400 {
					c["MessageDetail"] = "No further detail."
					return c
				}
				c["UpdatedAt"] = time.Now().UTC().Format(time.RFC3339Nano)
				c["TraceId"] = fmt.Sprintf("00-%032x-00", n.Add(1))
				c["MeteringPoints"] = []any{"707057500000000001"}
				if a := suitetest.AsMap(c["Address"]); a != nil {
					a["Country"] = "Norge"
				}
				return c
			})
		},
	},
	{
		Name: "esmart: ModelState keys prefixed with the parameter name request", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return renameModelState(func(k string) string {
				return "request" + strings.TrimPrefix(k, "customer")
			})(next)
		},
	},
	{
		Name: "esmart: ModelState keys without a prefix", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return renameModelState(func(k string) string {
				return strings.TrimPrefix(strings.TrimPrefix(k, "customer"), ".")
			})(next)
		},
	},
	{
		Name: "esmart: other framework wording", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				e := suitetest.AsMap(body)
				if rec.Code < 400 || e == nil {
					return body
				}
				e["Message"] = "Request failed (" + http.StatusText(rec.Code) + ")."
				for k, msgs := range suitetest.AsMap(e["ModelState"]) {
					for i := range suitetest.AsSlice(msgs) {
						suitetest.AsSlice(msgs)[i] = "The field " + k + " is invalid."
					}
				}
				return e
			})
		},
	},
	{
		Name: "esmart: answers in text/json with a charset, members reversed, lower-case headers", API: "esmart",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.LowerCaseHeaders(suitetest.WithContentType(suitetest.ReverseMembers(next), func(string) string { return "text/json; charset=utf-8" }))
		},
	},
	{
		Name: "esmart: another user's customer answered 401 by an authorization filter", API: "esmart",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			foreign := esmartPath(Config(t).ForeignCustomerID)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != foreign {
					next.ServeHTTP(w, r)
					return
				}
				w.Header().Set("WWW-Authenticate", `Basic realm="esmart"`)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"Message":"Authorization has been denied for this request."}`)
			})
		},
	},
}

func TestEveryVariantPassesTheSuite(t *testing.T) {
	t.Parallel()
	suitetest.CheckVariants(t, variants)
}

// renameModelState renames every ModelState key with rename.
func renameModelState(rename func(string) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return suitetest.EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
			e := suitetest.AsMap(body)
			ms := suitetest.AsMap(e["ModelState"])
			if ms == nil {
				return body
			}
			renamed := map[string]any{}
			for k, v := range ms {
				renamed[rename(k)] = v
			}
			e["ModelState"] = renamed
			return e
		})
	}
}
