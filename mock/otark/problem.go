package otark

import (
	"encoding/json"
	"net/http"
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

func writeProblem(w http.ResponseWriter, p *Problem) {
	body, err := json.Marshal(p)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}
