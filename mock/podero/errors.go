package podero

import (
	"bufio"
	"net/http"
	"strconv"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/specs"
)

// fieldError is one entry of pydantic v2's error list as django-ninja renders
// it: the input is dropped and an exception in ctx is turned into its text.
type fieldError struct {
	Type string         `json:"type"`
	Loc  []any          `json:"loc"`
	Msg  string         `json:"msg"`
	Ctx  map[string]any `json:"ctx,omitempty"`
}

type detailBody struct {
	Detail any `json:"detail"`
}

// writeJSON answers v as django-ninja's renderer does: json.dumps' form
// (jsonparse.PyFormat) and its content type. v holds no float: encoding/json
// would write 1.0 as 1, json.dumps as 1.0.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := jsonparse.Marshal(v)
	writeBody(w, status, jsonparse.PyFormat(body))
}

// writeBody answers JSON in json.dumps' form with the renderer's content
// type, and nothing after it: json.dumps ends with the value. body is built
// for this answer alone: the journal keeps it without a copy.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = journal.Write(w, body)
}

// writeDetail answers django-ninja's {"detail": "..."} errors.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, detailBody{Detail: detail})
}

// writeValidation writes the same bytes as writeJSON would, streamed and
// with each distinct string encoded once: a body may hold 140,000 errors
// that share a handful of messages, and reflection on every one of them was
// a third of the answer's cost.
func writeValidation(w http.ResponseWriter, errs []fieldError) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusUnprocessableEntity)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := stringEncoder{}
	bw.WriteString(`{"detail": [`)
	for i, e := range errs {
		if i > 0 {
			bw.WriteString(", ")
		}
		if err := enc.fieldError(bw, e); err != nil {
			return
		}
	}
	bw.WriteString("]}")
	_ = bw.Flush()
}

// stringEncoder remembers json.dumps' encoding of each string it met.
type stringEncoder map[string][]byte

func (se stringEncoder) str(bw *bufio.Writer, s string) {
	b, ok := se[s]
	if !ok {
		b = jsonparse.AppendPyString(nil, s)
		se[s] = b
	}
	bw.Write(b)
}

func (se stringEncoder) fieldError(bw *bufio.Writer, e fieldError) error {
	bw.WriteString(`{"type": `)
	se.str(bw, e.Type)
	bw.WriteString(`, "loc": [`)
	for i, seg := range e.Loc {
		if i > 0 {
			bw.WriteString(", ")
		}
		switch s := seg.(type) {
		case string:
			se.str(bw, s)
		case int:
			bw.WriteString(strconv.Itoa(s))
		default:
			b, err := jsonparse.Marshal(s)
			if err != nil {
				return err
			}
			bw.Write(jsonparse.PyFormat(b))
		}
	}
	bw.WriteString(`], "msg": `)
	se.str(bw, e.Msg)
	if len(e.Ctx) > 0 {
		b, err := jsonparse.Marshal(e.Ctx)
		if err != nil {
			return err
		}
		bw.WriteString(`, "ctx": `)
		bw.Write(jsonparse.PyFormat(b))
	}
	return bw.WriteByte('}')
}

const (
	detailUnauthorized = "Unauthorized"
	detailForbidden    = "Forbidden"
	detailNotFound     = "Not Found"
	detailCannotParse  = "Cannot parse request body"
)

// valueError is how pydantic reports a ValueError raised by an application
// validator; ninja turns the exception in ctx into its message.
func valueError(loc []any, message string) fieldError {
	return fieldError{
		Type: "value_error",
		Loc:  loc,
		Msg:  "Value error, " + message,
		Ctx:  map[string]any{"error": message},
	}
}

// WriteError answers a failure of the mock itself (a fault, a bad session
// name, an unavailable store) as django-ninja answers an error:
// {"detail": message}. Without a message (Prefer: code=NNN) it is the
// answer the framework gives for that status: its usual detail, pydantic's
// error list for a 422, OAuth's error on the token endpoint.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if message != "" {
		writeDetail(w, status, message)
		return
	}
	if r.URL.Path == tokenPath {
		writeOAuthError(w, status)
		return
	}
	switch status {
	case http.StatusBadRequest:
		writeDetail(w, status, detailCannotParse)
	case http.StatusUnauthorized:
		writeDetail(w, status, detailUnauthorized)
	case http.StatusForbidden:
		writeDetail(w, status, detailForbidden)
	case http.StatusNotFound:
		writeDetail(w, status, detailNotFound)
	case http.StatusUnprocessableEntity:
		writeValidation(w, []fieldError{{Type: "missing", Loc: []any{"body", "payload"}, Msg: "Field required"}})
	default:
		writeDetail(w, status, http.StatusText(status))
	}
}

// writeOAuthError is django-oauth-toolkit's answer for status.
func writeOAuthError(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_client"`)
		writeJSON(w, status, oauthError{Error: "invalid_client"})
	case http.StatusBadRequest:
		writeJSON(w, status, oauthError{Error: "unsupported_grant_type"})
	default:
		writeDetail(w, status, http.StatusText(status))
	}
}

// Specs names the OpenAPI document of the twin's operations.
func (a *API) Specs() []string { return []string{specs.Podero} }

// writeStoreError answers an error of the state store.
func (a *API) writeStoreError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := store.Answer(err)
	a.WriteError(w, r, status, msg)
}
