package podero

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// The streamed error list is byte for byte what encoding/json writes.
func TestWriteValidationWritesWhatEncodingJSONWrites(t *testing.T) {
	errs := []fieldError{
		{Type: "missing", Loc: []any{"body", "payload", "meter_id"}, Msg: "Field required"},
		{Type: "string_too_long", Loc: []any{"body", "payload", "energy_prices", 55296, "a<b>&c\u2028"}, Msg: "String should have at most 19 characters", Ctx: map[string]any{"max_length": 19}},
		valueError([]any{"body", "payload", "currency_energy_price"}, "'€<x>' is not an ISO 4217 currency code"),
		{Type: "float_parsing", Loc: []any{"path", "org_id", 1.5}, Msg: "Input should be a valid number"},
	}
	rec := httptest.NewRecorder()
	writeValidation(rec, errs)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(detailBody{Detail: errs}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 422 || rec.Body.String() != want.String() {
		t.Fatalf("status %d\n got %s\nwant %s", rec.Code, rec.Body, want.String())
	}
}
