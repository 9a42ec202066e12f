package podero

import (
	"encoding/json"
	"net/http"
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

// writeJSON answers with django-ninja's renderer content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeDetail answers django-ninja's {"detail": "..."} errors.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, detailBody{Detail: detail})
}

func writeValidation(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusUnprocessableEntity, detailBody{Detail: errs})
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
