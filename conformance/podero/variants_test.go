package podero

import (
	"encoding/json"
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
		Name: "podero: price timestamps with +00:00 instead of Z", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(suitetest.LayoutPlusZero) })
		},
	},
	{
		Name: "podero: price timestamps at +01:00 with microseconds", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, func(t time.Time, _ int64) string { return t.In(suitetest.CET).Format(suitetest.LayoutMicros) })
		},
	},
	{
		Name: "podero: each answer spells the same instant another way", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.RespellTimes(next, suitetest.SpellByAnswer)
		},
	},
	{
		Name: "podero: extra members in contracts, updated_at changing on every answer", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			extra := func(c map[string]any) {
				c["updated_at"] = time.Now().UTC().Format(time.RFC3339Nano)
				c["trace_id"] = fmt.Sprintf("%032x", n.Add(1))
				c["created_at"] = "2026-01-05T08:00:00Z"
				for _, p := range suitetest.AsSlice(c["energy_prices"]) {
					suitetest.AsMap(p)["unit"] = "per_kwh"
				}
			}
			return suitetest.EditJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				if rec.Code != http.StatusOK || r.URL.Path == poderoTokenPath {
					return body
				}
				if c := suitetest.AsMap(body); c != nil {
					extra(c)
				}
				for _, c := range suitetest.AsSlice(body) {
					extra(suitetest.AsMap(c))
				}
				return body
			})
		},
	},
	{
		Name: "podero: errors with trace_id, and pydantic's input and url in detail[]", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := suitetest.Serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				var sent any
				_ = json.Unmarshal(raw, &sent)
				if e := suitetest.DecodeJSON(rec); rec.Code >= 400 && e != nil && e["detail"] != nil {
					e["trace_id"] = "4bf92f3577b34da6a3ce929d0e0e4736"
					for _, d := range suitetest.AsSlice(e["detail"]) {
						m := suitetest.AsMap(d)
						m["input"] = pydanticInput(sent, suitetest.AsSlice(m["loc"]))
						m["url"] = "https://errors.pydantic.dev/2.9/v/" + fmt.Sprint(m["type"])
					}
					suitetest.SetJSON(rec, e)
				}
				suitetest.CopyResponse(w, rec)
			})
		},
	},
	{
		Name: "podero: the list in django-ninja's paginated envelope", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				if list, ok := body.([]any); ok && r.Method == http.MethodGet && rec.Code == http.StatusOK {
					return map[string]any{"items": list, "count": len(list)}
				}
				return body
			})
		},
	},
	{
		Name: "podero: another organization answered 404", API: "podero",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusForbidden && strings.Contains(r.URL.Path, Config(t).ForeignOrgID) {
					rec.Code = http.StatusNotFound
					suitetest.SetJSON(rec, map[string]any{"detail": "Not Found"})
				}
			})
		},
	},
	{
		Name: "podero: media types without charset, and capitalised", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return suitetest.WithContentType(next, func(ct string) string {
				bare, _, _ := strings.Cut(ct, ";")
				if n.Add(1)%2 == 0 {
					return strings.ToUpper(bare[:1]) + bare[1:] + "; Charset=UTF-8"
				}
				return bare
			})
		},
	},
	{
		Name: "podero: members in reverse order, indented, lower-case headers", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.LowerCaseHeaders(suitetest.ReverseMembers(next))
		},
	},
	{
		Name: "podero: other framework wording", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				e := suitetest.AsMap(body)
				if rec.Code < 400 || e == nil {
					return body
				}
				switch rec.Code {
				case http.StatusUnauthorized:
					e["detail"] = "Authentication credentials were not provided."
				case http.StatusForbidden:
					e["detail"] = "You do not have permission to perform this action."
				case http.StatusBadRequest:
					e["detail"] = "JSON parse error - Expecting value: line 1 column 13 (char 12)"
				}
				for _, d := range suitetest.AsSlice(e["detail"]) {
					m := suitetest.AsMap(d)
					m["msg"] = "value is not valid (" + fmt.Sprint(m["type"]) + ")"
				}
				return body
			})
		},
	},
	{
		Name: "podero: the token endpoint takes only the form body, and answers other [C] values", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != poderoTokenPath {
					next.ServeHTTP(w, r)
					return
				}
				// django-oauth-toolkit reads request.POST: a JSON body has no
				// grant_type.
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"error": "unsupported_grant_type"}`)
					return
				}
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				if a := suitetest.DecodeJSON(rec); rec.Code == http.StatusOK {
					a["expires_in"], a["scope"] = 3600, "read write groups"
					suitetest.SetJSON(rec, a)
				}
				suitetest.CopyResponse(w, rec)
			})
		},
	},
	{
		Name: "podero: UUIDs answered in upper case", API: "podero",
		Wrap: func(_ *suite.Target, next http.Handler) http.Handler {
			return suitetest.EditJSON(next, func(r *http.Request, _ *httptest.ResponseRecorder, body any) any {
				if r.URL.Path == poderoTokenPath {
					return body
				}
				return suitetest.MapStrings(body, "", func(_, s string) string {
					if poderoUUID.MatchString(s) {
						return strings.ToUpper(s)
					}
					return s
				})
			})
		},
	},
}

func TestEveryVariantPassesTheSuite(t *testing.T) {
	t.Parallel()
	suitetest.CheckVariants(t, variants)
}

// pydanticInput is what pydantic v2 puts in an error's input: the value
// found at loc in the body that was sent.
func pydanticInput(sent any, loc []any) any {
	if len(loc) < 2 || loc[0] != "body" {
		return nil
	}
	v := sent
	for _, step := range loc[2:] {
		switch s := step.(type) {
		case string:
			v = suitetest.AsMap(v)[s]
		case json.Number:
			i, _ := s.Int64()
			if list := suitetest.AsSlice(v); int(i) < len(list) {
				v = list[i]
			} else {
				v = nil
			}
		case float64:
			if list := suitetest.AsSlice(v); int(s) < len(list) {
				v = list[int(s)]
			} else {
				v = nil
			}
		}
	}
	return v
}
