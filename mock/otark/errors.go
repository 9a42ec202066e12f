package otark

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/specs"
)

const problemTypeBase = "https://brp.otark.team/errors/"

// Problem is Otark's RFC 9457 error body.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError is one entry of a validation problem's errors[]. Field is nil
// for an error about the whole body, so that it is absent from the JSON;
// the empty key "" is a field like any other and is present as "".
type FieldError struct {
	Field   *string `json:"field,omitempty"`
	Code    string  `json:"code"`
	Message string  `json:"message"`
}

// MarshalJSON writes the entry with jsonparse.AppendJSString, so that a lone
// surrogate of the body echoed in a field or message is written back as its
// \u escape, as JSON.stringify does, not as U+FFFD.
func (e FieldError) MarshalJSON() ([]byte, error) {
	return e.appendJSON(nil), nil
}

func (e FieldError) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if e.Field != nil {
		b = append(b, `"field":`...)
		b = append(jsonparse.AppendJSString(b, *e.Field), ',')
	}
	b = append(b, `"code":`...)
	b = jsonparse.AppendJSString(b, e.Code)
	b = append(b, `,"message":`...)
	b = jsonparse.AppendJSString(b, e.Message)
	return append(b, '}')
}

// problemKind is a problem class: the slug of its type URI, its stable
// title and its status.
type problemKind struct {
	slug   string
	title  string
	status int
}

var (
	errInvalidAPIKey           = problemKind{"invalid_api_key", "Invalid API Key", http.StatusUnauthorized}
	errInsufficientScopes      = problemKind{"insufficient_scopes", "Insufficient API Key Scopes", http.StatusForbidden}
	errRateLimitExceeded       = problemKind{"rate_limit_exceeded", "Rate Limit Exceeded", http.StatusTooManyRequests}
	errUnsupportedMediaType    = problemKind{"unsupported_media_type", "Unsupported Media Type", http.StatusUnsupportedMediaType}
	errPayloadTooLarge         = problemKind{"payload_too_large", "Payload Too Large", http.StatusRequestEntityTooLarge}
	errInvalidJSON             = problemKind{"invalid_json", "Invalid JSON", http.StatusBadRequest}
	errValidation              = problemKind{"validation", "Validation Failed", http.StatusBadRequest}
	errCustomerNotFound        = problemKind{"customer_not_found", "Customer Not Found", http.StatusNotFound}
	errBalanceGroupNotFound    = problemKind{"balance_group_not_found", "Balance Group Not Found", http.StatusBadRequest}
	errBalanceGroupTSODisabled = problemKind{"balance_group_tso_not_enabled", "Balance Group TSO Not Enabled", http.StatusBadRequest}
	errInvalidTransition       = problemKind{"invalid_status_transition", "Invalid Status Transition", http.StatusConflict}
	errMethodNotAllowed        = problemKind{"method_not_allowed", "Method Not Allowed", http.StatusMethodNotAllowed}
)

// alreadyInStatus is the 409 for setting the status a customer already has.
func alreadyInStatus(status string) problemKind {
	titles := map[string]string{
		"pending":     "Customer Already Pending",
		"active":      "Customer Already Active",
		"deactivated": "Customer Already Deactivated",
	}
	return problemKind{"already_" + status, titles[status], http.StatusConflict}
}

func (k problemKind) problem(r *http.Request, detail string) *Problem {
	return &Problem{
		Type:     problemTypeBase + k.slug,
		Title:    k.title,
		Status:   k.status,
		Detail:   detail,
		Instance: r.URL.EscapedPath(),
	}
}

// MarshalJSON writes the problem as encoding/json would, without its
// reflection and its re-scan of each entry's MarshalJSON: a rejected PATCH
// spent a third of its handler there.
func (p Problem) MarshalJSON() ([]byte, error) {
	return p.appendJSON(make([]byte, 0, 256+128*len(p.Errors))), nil
}

func (p Problem) appendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = jsonparse.AppendJSString(b, p.Type)
	b = append(b, `,"title":`...)
	b = jsonparse.AppendJSString(b, p.Title)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(p.Status), 10)
	if p.Detail != "" {
		b = append(b, `,"detail":`...)
		b = jsonparse.AppendJSString(b, p.Detail)
	}
	if p.Instance != "" {
		b = append(b, `,"instance":`...)
		b = jsonparse.AppendJSString(b, p.Instance)
	}
	if len(p.Errors) > 0 {
		b = append(b, `,"errors":[`...)
		for i, e := range p.Errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func writeProblem(w http.ResponseWriter, p *Problem) {
	body, _ := p.MarshalJSON()
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = journal.Write(w, body)
}

// WriteError answers a failure of the mock itself (a fault, a bad session
// name, an unavailable store) as a problem whose slug is the status text:
// 503 is service_unavailable, "Service Unavailable". Without a message
// (Prefer: code=NNN) a status the contract knows is its problem, as the
// spec's examples show it.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if message == "" {
		if p := a.usualProblem(w, r, status); p != nil {
			writeProblem(w, p)
			return
		}
	}
	text := http.StatusText(status)
	kind := problemKind{strings.ReplaceAll(strings.ToLower(text), " ", "_"), text, status}
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	writeProblem(w, kind.problem(r, message))
}

// writeStoreError answers an error of the state store.
func (a *API) writeStoreError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := store.Answer(err)
	a.WriteError(w, r, status, msg)
}

// session is the request's session; a handler called outside the server
// (a benchmark on the bare router) has none and uses the API's own.
func (a *API) session(r *http.Request) store.Session {
	if s := store.FromContext(r.Context()); s != nil {
		return s
	}
	return a.solo
}

// usualProblem is the problem Otark answers for status, nil for a status
// the contract has no problem for. A 409 is the spec's example conflict.
func (a *API) usualProblem(w http.ResponseWriter, r *http.Request, status int) *Problem {
	scope := scopeWrite
	if r.Method == http.MethodGet {
		scope = scopeRead
	}
	switch status {
	case http.StatusBadRequest:
		return errValidation.problem(r, "")
	case http.StatusUnauthorized:
		return errInvalidAPIKey.problem(r, "")
	case http.StatusForbidden:
		return errInsufficientScopes.problem(r, missingScope(scope))
	case http.StatusNotFound:
		return errCustomerNotFound.problem(r, "")
	case http.StatusConflict:
		return alreadyInStatus("active").problem(r, "")
	case http.StatusTooManyRequests:
		reset := int(rateWindow.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(reset))
		return errRateLimitExceeded.problem(r, fmt.Sprintf(
			"Rate limit of %d requests per %d seconds exceeded. Retry in %d seconds.", a.rateLimit, reset, reset))
	}
	return nil
}

// Specs names the OpenAPI documents of the twin's operations.
func (a *API) Specs() []string { return []string{specs.Otark, specs.OtarkReads} }
