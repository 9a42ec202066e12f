package podero

import (
	"net/http/httptest"
	"testing"
)

// The streamed error list is byte for byte what json.dumps writes, as
// django-ninja's renderer answers it.
func TestWriteValidationWritesWhatJSONDumpsWrites(t *testing.T) {
	errs := []fieldError{
		{Type: "missing", Loc: []any{"body", "payload", "meter_id"}, Msg: "Field required"},
		{Type: "string_too_long", Loc: []any{"body", "payload", "energy_prices", 55296, "a<b>&c\u2028"}, Msg: "String should have at most 19 characters", Ctx: map[string]any{"max_length": 19}},
		valueError([]any{"body", "payload", "currency_energy_price"}, "'€<x>' is not an ISO 4217 currency code"),
		{Type: "float_parsing", Loc: []any{"path", "org_id", 1.5}, Msg: "Input should be a valid number"},
	}
	rec := httptest.NewRecorder()
	writeValidation(rec, errs)
	if want := dumped(t)[4]; rec.Code != 422 || rec.Body.String() != want {
		t.Fatalf("status %d\n got %s\nwant %s", rec.Code, rec.Body, want)
	}
	// writeJSON, the unstreamed way, writes the same.
	rec = httptest.NewRecorder()
	writeJSON(rec, 422, detailBody{Detail: errs})
	if want := dumped(t)[4]; rec.Body.String() != want {
		t.Fatalf("writeJSON\n got %s\nwant %s", rec.Body, want)
	}
}
