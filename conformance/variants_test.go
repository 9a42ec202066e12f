package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A variant is the fault table's opposite: middleware around the real mock
// that changes its answers in a way the contract allows (another spelling
// of the same instant, members the spec does not name, another [C] choice,
// another framework's wording). The suite must pass every one: a check that
// fails a variant judges a server on something no document states, and an
// implementation written apart from this project would fail it too.
type variant struct {
	name string
	api  string
	wrap func(t *Target, next http.Handler) http.Handler
}

var variants = []variant{
	// otark
	{
		name: "otark: timestamps with +00:00 instead of Z", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return respellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(layoutPlusZero) })
		},
	},
	{
		name: "otark: timestamps with fractional seconds", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return respellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(layoutMillis) })
		},
	},
	{
		name: "otark: each answer spells the same instant another way", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler { return respellTimes(next, spellByAnswer) },
	},
	{
		name: "otark: extra members in the customer, one of them changing on every answer", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return editJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := asMap(body)
				if rec.Code != http.StatusOK || c == nil {
					return body
				}
				c["updated_at"] = time.Now().UTC().Format(time.RFC3339Nano)
				c["trace_id"] = fmt.Sprintf("trc_%08d", n.Add(1))
				c["object"] = "customer"
				if bg := asMap(c["balance_group"]); bg != nil {
					bg["display_name"] = "Balance group " + fmt.Sprint(bg["eic"])
				}
				return c
			})
		},
	},
	{
		name: "otark: problems with extension members", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return editJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				p := asMap(body)
				if rec.Code < 400 || p == nil {
					return body
				}
				p["trace_id"] = fmt.Sprintf("trc_%08d", n.Add(1))
				if _, ok := p["detail"]; !ok {
					p["detail"] = "See the documentation of " + fmt.Sprint(p["type"]) + "."
				}
				for _, e := range asSlice(p["errors"]) {
					if m := asMap(e); m != nil {
						m["path"] = strings.Split(fmt.Sprint(m["field"]), ".")
						m["severity"] = "error"
					}
				}
				return p
			})
		},
	},
	{
		name: "otark: a charset parameter on every media type", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler { return withContentType(next, addCharset) },
	},
	{
		name: "otark: lower-case header names", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler { return lowerCaseHeaders(next) },
	},
	{
		name: "otark: members in reverse order, indented", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler { return reverseMembers(next) },
	},
	{
		name: "otark: errors[] in another order, with other [C] messages", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				p := asMap(body)
				errs := asSlice(p["errors"])
				slices.Reverse(errs)
				for _, e := range errs {
					m := asMap(e)
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
		name: "otark: only the first error is reported", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				p := asMap(body)
				if errs := asSlice(p["errors"]); len(errs) > 1 {
					p["errors"] = errs[:1]
				}
				return body
			})
		},
	},
	{
		name: "otark: Zod v4 wording of the messages", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				for _, e := range asSlice(asMap(body)["errors"]) {
					m := asMap(e)
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
		name: "otark: instance only where the docs show it, and other rate-limit numbers", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("X-RateLimit-Limit") != "" {
					rec.Header().Set("X-RateLimit-Limit", "5000")
					rec.Header().Set("X-RateLimit-Remaining", fmt.Sprint(5000-n.Add(1)))
					rec.Header().Set("X-RateLimit-Reset", "3599")
				}
				p := decodeJSON(rec)
				if rec.Code >= 400 && rec.Code != http.StatusNotFound && p["type"] != otarkErrorBase+"validation" {
					delete(p, "instance")
					setJSON(rec, p)
				}
			})
		},
	},
	{
		name: "otark: the customer is looked up before the body is validated", api: "otark",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				if r.Method == http.MethodPatch && r.Header.Get("X-Api-Key") != "" && string(raw) != "{}" {
					if probe := serve(next, r.Method, r.URL.Path, r.Header, "{}"); probe.Code == http.StatusNotFound {
						copyResponse(w, probe)
						return
					}
				}
				// RequestURI keeps the query the list endpoint reads.
				copyResponse(w, serve(next, r.Method, r.URL.RequestURI(), r.Header, string(raw)))
			})
		},
	},

	// podero
	{
		name: "podero: price timestamps with +00:00 instead of Z", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return respellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(layoutPlusZero) })
		},
	},
	{
		name: "podero: price timestamps at +01:00 with microseconds", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return respellTimes(next, func(t time.Time, _ int64) string { return t.In(cet).Format(layoutMicros) })
		},
	},
	{
		name: "podero: each answer spells the same instant another way", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler { return respellTimes(next, spellByAnswer) },
	},
	{
		name: "podero: extra members in contracts, updated_at changing on every answer", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			extra := func(c map[string]any) {
				c["updated_at"] = time.Now().UTC().Format(time.RFC3339Nano)
				c["trace_id"] = fmt.Sprintf("%032x", n.Add(1))
				c["created_at"] = "2026-01-05T08:00:00Z"
				for _, p := range asSlice(c["energy_prices"]) {
					asMap(p)["unit"] = "per_kwh"
				}
			}
			return editJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				if rec.Code != http.StatusOK || r.URL.Path == poderoTokenPath {
					return body
				}
				if c := asMap(body); c != nil {
					extra(c)
				}
				for _, c := range asSlice(body) {
					extra(asMap(c))
				}
				return body
			})
		},
	},
	{
		name: "podero: errors with trace_id, and pydantic's input and url in detail[]", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				var sent any
				_ = json.Unmarshal(raw, &sent)
				if e := decodeJSON(rec); rec.Code >= 400 && e != nil && e["detail"] != nil {
					e["trace_id"] = "4bf92f3577b34da6a3ce929d0e0e4736"
					for _, d := range asSlice(e["detail"]) {
						m := asMap(d)
						m["input"] = pydanticInput(sent, asSlice(m["loc"]))
						m["url"] = "https://errors.pydantic.dev/2.9/v/" + fmt.Sprint(m["type"])
					}
					setJSON(rec, e)
				}
				copyResponse(w, rec)
			})
		},
	},
	{
		name: "podero: the list in django-ninja's paginated envelope", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				if list, ok := body.([]any); ok && r.Method == http.MethodGet && rec.Code == http.StatusOK {
					return map[string]any{"items": list, "count": len(list)}
				}
				return body
			})
		},
	},
	{
		name: "podero: another organization answered 404", api: "podero",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusForbidden && strings.Contains(r.URL.Path, t.Podero.ForeignOrgID) {
					rec.Code = http.StatusNotFound
					setJSON(rec, map[string]any{"detail": "Not Found"})
				}
			})
		},
	},
	{
		name: "podero: media types without charset, and capitalised", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return withContentType(next, func(ct string) string {
				bare, _, _ := strings.Cut(ct, ";")
				if n.Add(1)%2 == 0 {
					return strings.ToUpper(bare[:1]) + bare[1:] + "; Charset=UTF-8"
				}
				return bare
			})
		},
	},
	{
		name: "podero: members in reverse order, indented, lower-case headers", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler { return lowerCaseHeaders(reverseMembers(next)) },
	},
	{
		name: "podero: other framework wording", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				e := asMap(body)
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
				for _, d := range asSlice(e["detail"]) {
					m := asMap(d)
					m["msg"] = "value is not valid (" + fmt.Sprint(m["type"]) + ")"
				}
				return body
			})
		},
	},
	{
		name: "podero: the token endpoint takes only the form body, and answers other [C] values", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
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
				if a := decodeJSON(rec); rec.Code == http.StatusOK {
					a["expires_in"], a["scope"] = 3600, "read write groups"
					setJSON(rec, a)
				}
				copyResponse(w, rec)
			})
		},
	},
	{
		name: "podero: UUIDs answered in upper case", api: "podero",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(r *http.Request, _ *httptest.ResponseRecorder, body any) any {
				if r.URL.Path == poderoTokenPath {
					return body
				}
				return mapStrings(body, "", func(_, s string) string {
					if poderoUUID.MatchString(s) {
						return strings.ToUpper(s)
					}
					return s
				})
			})
		},
	},

	// esmart
	{
		name: "esmart: BirthDate without offset (Json.NET, DateTimeKind.Unspecified)", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
				return mapStrings(body, "", func(key, s string) string {
					if key == "BirthDate" {
						return offset.ReplaceAllString(s, "")
					}
					return s
				})
			})
		},
	},
	{
		name: "esmart: BirthDate in UTC with seven fractional digits", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return respellTimes(next, func(t time.Time, _ int64) string { return t.UTC().Format(layoutDotNet) })
		},
	},
	{
		name: "esmart: each answer spells BirthDate another way", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler { return respellTimes(next, spellByAnswer) },
	},
	{
		name: "esmart: a successful PATCH answers 204 No Content", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
				if r.Method == http.MethodPatch && rec.Code == http.StatusOK {
					rec.Code = http.StatusNoContent
					rec.Header().Del("Content-Type")
					rec.Body = &bytes.Buffer{}
				}
			})
		},
	},
	{
		name: "esmart: a successful PATCH answers only the id and the contact fields", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(r *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := asMap(body)
				if r.Method != http.MethodPatch || rec.Code != http.StatusOK || c == nil {
					return body
				}
				return map[string]any{"CustomerId": c["CustomerId"], "PhoneNumber": c["PhoneNumber"], "MobileNumber": c["MobileNumber"], "Email": c["Email"]}
			})
		},
	},
	{
		name: "esmart: extra members, UpdatedAt changing on every answer", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			var n atomic.Int64
			return editJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				c := asMap(body)
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
				if a := asMap(c["Address"]); a != nil {
					a["Country"] = "Norge"
				}
				return c
			})
		},
	},
	{
		name: "esmart: ModelState keys prefixed with the parameter name request", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return renameModelState(func(k string) string {
				return "request" + strings.TrimPrefix(k, "customer")
			})(next)
		},
	},
	{
		name: "esmart: ModelState keys without a prefix", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return renameModelState(func(k string) string {
				return strings.TrimPrefix(strings.TrimPrefix(k, "customer"), ".")
			})(next)
		},
	},
	{
		name: "esmart: other framework wording", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return editJSON(next, func(_ *http.Request, rec *httptest.ResponseRecorder, body any) any {
				e := asMap(body)
				if rec.Code < 400 || e == nil {
					return body
				}
				e["Message"] = "Request failed (" + http.StatusText(rec.Code) + ")."
				for k, msgs := range asMap(e["ModelState"]) {
					for i := range asSlice(msgs) {
						asSlice(msgs)[i] = "The field " + k + " is invalid."
					}
				}
				return e
			})
		},
	},
	{
		name: "esmart: answers in text/json with a charset, members reversed, lower-case headers", api: "esmart",
		wrap: func(_ *Target, next http.Handler) http.Handler {
			return lowerCaseHeaders(withContentType(reverseMembers(next), func(string) string { return "text/json; charset=utf-8" }))
		},
	},
	{
		name: "esmart: another user's customer answered 401 by an authorization filter", api: "esmart",
		wrap: func(t *Target, next http.Handler) http.Handler {
			foreign := esmartPath(t.Esmart.ForeignCustomerID)
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
	perAPI := map[string]int{}
	for _, v := range variants {
		perAPI[v.api]++
	}
	for _, api := range []string{"otark", "podero", "esmart"} {
		if perAPI[api] < 8 {
			t.Errorf("%s has %d variants, want at least 8", api, perAPI[api])
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			config, target := mockTargetFile(t)
			srv := startMock(t, func(next http.Handler) http.Handler { return v.wrap(target, next) })
			run := runSuite(t, "--config", config, "--target", srv.URL, "--api", v.api, "--allow-destructive")
			s := run.summary.api(v.api)
			if run.exitCode == ExitPassed && s.Failed+s.CouldNotRun+s.Skipped == 0 && s.Passed > 0 {
				return
			}
			var b strings.Builder
			for _, c := range s.Failures {
				fmt.Fprintf(&b, "\n--- %s (%s, rule %s)\n%s\n", c.Check, c.Outcome, c.Rule, c.Message)
			}
			for _, c := range s.Checks {
				if c.Outcome == OutcomeSkipped {
					fmt.Fprintf(&b, "\n--- %s skipped: %s\n", c.Check, c.Reason)
				}
			}
			t.Fatalf("exit %d; %s passed %d, failed %d, could not run %d, skipped %d%s",
				run.exitCode, v.api, s.Passed, s.Failed, s.CouldNotRun, s.Skipped, b.String())
		})
	}
}

// Spellings of one instant; every one is RFC 3339.
const (
	layoutPlusZero = "2006-01-02T15:04:05-07:00"
	layoutMillis   = "2006-01-02T15:04:05.000Z07:00"
	layoutMicros   = "2006-01-02T15:04:05.000000-07:00"
	// layoutDotNet is .NET's round-trip format ("o"): seven digits.
	layoutDotNet = "2006-01-02T15:04:05.0000000Z07:00"
)

var cet = time.FixedZone("CET", 3600)

// spellByAnswer spells the instants of the nth answer one of three ways,
// so that two answers about the same object never agree byte for byte.
func spellByAnswer(t time.Time, n int64) string {
	switch n % 3 {
	case 0:
		return t.UTC().Format(time.RFC3339)
	case 1:
		return t.UTC().Format(layoutMillis)
	}
	return t.In(cet).Format(layoutPlusZero)
}

var (
	rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	offset  = regexp.MustCompile(`(Z|[+-]\d{2}:\d{2})$`)
)

// timeMember reports whether a member holds an instant: metadata values and
// other free text are left alone even when they look like one.
func timeMember(key string) bool {
	return strings.HasSuffix(key, "_at") || key == "timestamp" || key == "BirthDate"
}

// respellTimes rewrites every instant of every JSON answer with spell; n
// counts the answers.
func respellTimes(next http.Handler, spell func(t time.Time, n int64) string) http.Handler {
	var answers atomic.Int64
	return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
		n := answers.Add(1)
		return mapStrings(body, "", func(key, s string) string {
			if !timeMember(key) || !rfc3339.MatchString(s) {
				return s
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return s
			}
			return spell(t, n)
		})
	})
}

// editJSON lets edit replace the decoded JSON answer of next; answers that
// are not JSON pass unchanged.
func editJSON(next http.Handler, edit func(r *http.Request, rec *httptest.ResponseRecorder, body any) any) http.Handler {
	return rewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
		dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
		dec.UseNumber()
		var body any
		if rec.Body.Len() == 0 || dec.Decode(&body) != nil {
			return
		}
		out, err := json.Marshal(edit(r, rec, body))
		if err == nil {
			rec.Body = bytes.NewBuffer(out)
		}
	})
}

// mapStrings applies f to every string in v, with the name of the member
// that holds it (the array's member for an array element).
func mapStrings(v any, key string, f func(key, s string) string) any {
	switch v := v.(type) {
	case string:
		return f(key, v)
	case map[string]any:
		for k, inner := range v {
			v[k] = mapStrings(inner, k, f)
		}
	case []any:
		for i, inner := range v {
			v[i] = mapStrings(inner, key, f)
		}
	}
	return v
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// withContentType rewrites the Content-Type of every answer that has one.
func withContentType(next http.Handler, edit func(string) string) http.Handler {
	return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if ct := rec.Header().Get("Content-Type"); ct != "" {
			rec.Header().Set("Content-Type", edit(ct))
		}
	})
}

func addCharset(ct string) string {
	if strings.Contains(ct, "charset") {
		return ct
	}
	return ct + "; charset=utf-8"
}

// lowerCaseHeaders writes every header name in lower case. Go's server
// writes names as the map holds them; the nil Content-Type entry stops it
// from sniffing a second, canonical one.
func lowerCaseHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[strings.ToLower(k)] = vs
			}
		}
		w.Header()["Content-Type"] = nil
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// reverseMembers writes every JSON object's members in reverse order, with
// indentation: neither is significant.
func reverseMembers(next http.Handler) http.Handler {
	return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
		dec.UseNumber()
		var out bytes.Buffer
		if rec.Body.Len() == 0 || writeReversed(dec, &out) != nil {
			return
		}
		var indented bytes.Buffer
		if json.Indent(&indented, out.Bytes(), "", "    ") == nil {
			rec.Body = &indented
		}
	})
}

func writeReversed(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var members [][]byte
		for dec.More() {
			key, _ := dec.Token()
			var value bytes.Buffer
			if err := writeReversed(dec, &value); err != nil {
				return err
			}
			k, _ := json.Marshal(key)
			members = append(members, append(append(k, ':'), value.Bytes()...))
		}
		_, _ = dec.Token()
		slices.Reverse(members)
		out.WriteString("{" + string(bytes.Join(members, []byte(","))) + "}")
	case json.Delim('['):
		out.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeReversed(dec, out); err != nil {
				return err
			}
		}
		_, _ = dec.Token()
		out.WriteByte(']')
	default:
		b, _ := json.Marshal(tok)
		out.Write(b)
	}
	return nil
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
			v = asMap(v)[s]
		case json.Number:
			i, _ := s.Int64()
			if list := asSlice(v); int(i) < len(list) {
				v = list[i]
			} else {
				v = nil
			}
		case float64:
			if list := asSlice(v); int(s) < len(list) {
				v = list[int(s)]
			} else {
				v = nil
			}
		}
	}
	return v
}

// renameModelState renames every ModelState key with rename.
func renameModelState(rename func(string) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return editJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
			e := asMap(body)
			ms := asMap(e["ModelState"])
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

// A server built from the seed alone has no GET: the read checks are
// skipped with one reason, and nothing else changes.
func TestAServerWithoutReadsSkipsOnlyTheReadChecks(t *testing.T) {
	t.Parallel()
	config, _ := mockTargetFile(t)
	srv := startMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/customers") {
				w.Header().Set("Allow", "PATCH")
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--allow-destructive")
	s := run.summary.api("otark")
	if run.exitCode != ExitPassed || s.Failed+s.CouldNotRun != 0 || s.Passed == 0 {
		t.Fatalf("exit %d; passed %d, failed %d, could not run %d\n%s", run.exitCode, s.Passed, s.Failed, s.CouldNotRun, run.output)
	}
	reads := []string{"read-after-patch", "read-scope", "read-tenancy", "list-paging", "list-limit"}
	for _, c := range s.Checks {
		isRead := slices.Contains(reads, c.Rule)
		if skipped := c.Outcome == OutcomeSkipped; skipped != isRead || (isRead && c.Reason != noReads) {
			t.Errorf("%s (rule %s): %s %q", c.Check, c.Rule, c.Outcome, c.Reason)
		}
	}
}
