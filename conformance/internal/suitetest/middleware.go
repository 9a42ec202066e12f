package suitetest

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Serve runs one request through h and records the answer.
func Serve(h http.Handler, method, path string, header http.Header, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header = header.Clone()
	r.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// RewriteRequest lets edit change a JSON object body before next sees it.
func RewriteRequest(next http.Handler, edit func(r *http.Request, body map[string]any)) http.Handler {
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

// RewriteResponse lets edit change next's answer before the client sees it.
func RewriteResponse(next http.Handler, edit func(r *http.Request, rec *httptest.ResponseRecorder)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		edit(r, rec)
		CopyResponse(w, rec)
	})
}

// CopyResponse writes a recorded answer to w.
func CopyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	maps.Copy(w.Header(), rec.Header())
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// DecodeJSON decodes a recorded JSON object, empty when it is none.
func DecodeJSON(rec *httptest.ResponseRecorder) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return m
}

// SetJSON replaces a recorded body with v as JSON.
func SetJSON(rec *httptest.ResponseRecorder, v any) {
	b, _ := json.Marshal(v)
	rec.Body = bytes.NewBuffer(b)
}

// AsMap is v as a JSON object, nil when it is none.
func AsMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Spellings of one instant; every one is RFC 3339.
const (
	LayoutPlusZero = "2006-01-02T15:04:05-07:00"
	LayoutMillis   = "2006-01-02T15:04:05.000Z07:00"
	LayoutMicros   = "2006-01-02T15:04:05.000000-07:00"
	// LayoutDotNet is .NET's round-trip format ("o"): seven digits.
	LayoutDotNet = "2006-01-02T15:04:05.0000000Z07:00"
)

// CET is an offset other than UTC.
var CET = time.FixedZone("CET", 3600)

// SpellByAnswer spells the instants of the nth answer one of three ways,
// so that two answers about the same object never agree byte for byte.
func SpellByAnswer(t time.Time, n int64) string {
	switch n % 3 {
	case 0:
		return t.UTC().Format(time.RFC3339)
	case 1:
		return t.UTC().Format(LayoutMillis)
	}
	return t.In(CET).Format(LayoutPlusZero)
}

// rfc3339 matches an RFC 3339 date-time, and Offset its zone.
var (
	rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	Offset  = regexp.MustCompile(`(Z|[+-]\d{2}:\d{2})$`)
)

// timeMember reports whether a member holds an instant: metadata values and
// other free text are left alone even when they look like one.
func timeMember(key string) bool {
	return strings.HasSuffix(key, "_at") || key == "timestamp" || key == "BirthDate"
}

// RespellTimes rewrites every instant of every JSON answer with spell; n
// counts the answers.
func RespellTimes(next http.Handler, spell func(t time.Time, n int64) string) http.Handler {
	var answers atomic.Int64
	return EditJSON(next, func(_ *http.Request, _ *httptest.ResponseRecorder, body any) any {
		n := answers.Add(1)
		return MapStrings(body, "", func(key, s string) string {
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

// EditJSON lets edit replace the decoded JSON answer of next; answers that
// are not JSON pass unchanged.
func EditJSON(next http.Handler, edit func(r *http.Request, rec *httptest.ResponseRecorder, body any) any) http.Handler {
	return RewriteResponse(next, func(r *http.Request, rec *httptest.ResponseRecorder) {
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

// MapStrings applies f to every string in v, with the name of the member
// that holds it (the array's member for an array element).
func MapStrings(v any, key string, f func(key, s string) string) any {
	switch v := v.(type) {
	case string:
		return f(key, v)
	case map[string]any:
		for k, inner := range v {
			v[k] = MapStrings(inner, k, f)
		}
	case []any:
		for i, inner := range v {
			v[i] = MapStrings(inner, key, f)
		}
	}
	return v
}

func AsSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// WithContentType rewrites the Content-Type of every answer that has one.
func WithContentType(next http.Handler, edit func(string) string) http.Handler {
	return RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if ct := rec.Header().Get("Content-Type"); ct != "" {
			rec.Header().Set("Content-Type", edit(ct))
		}
	})
}

func AddCharset(ct string) string {
	if strings.Contains(ct, "charset") {
		return ct
	}
	return ct + "; charset=utf-8"
}

// LowerCaseHeaders writes every header name in lower case. Go's server
// writes names as the map holds them; the nil Content-Type entry stops it
// from sniffing a second, canonical one.
func LowerCaseHeaders(next http.Handler) http.Handler {
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

// ReverseMembers writes every JSON object's members in reverse order, with
// indentation: neither is significant.
func ReverseMembers(next http.Handler) http.Handler {
	return RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
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

// EveryAnswer edits every JSON object answered with status.
func EveryAnswer(next http.Handler, status int, edit func(map[string]any)) http.Handler {
	return RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
		if rec.Code != status || !strings.HasPrefix(strings.TrimSpace(rec.Body.String()), "{") {
			return
		}
		c := DecodeJSON(rec)
		edit(c)
		SetJSON(rec, c)
	})
}
