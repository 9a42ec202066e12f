package podero

import (
	"encoding/json"
	"net/http"
	"testing"
)

// Every bad item of the worst-case body is listed once, in order, over
// HTTP: those at indexes that are UTF-16 surrogates (55296 to 57343) were
// once merged into one.
func TestEveryInvalidPriceIsListedInOrder(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.srv.Send(contractPut(worstCaseInvalidPrices()))
	var answer struct {
		Detail []struct {
			Type string
			Loc  []any
			Msg  string
		}
	}
	if err := json.Unmarshal(got.Body, &answer); err != nil || got.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, %v", got.Status, err)
	}
	if len(answer.Detail) != worstCaseItems {
		t.Fatalf("%d errors, want %d", len(answer.Detail), worstCaseItems)
	}
	for i, e := range answer.Detail {
		if len(e.Loc) != 4 || e.Loc[2] != "energy_prices" || e.Loc[3] != float64(i) || e.Type != "model_attributes_type" ||
			e.Msg != "Input should be a valid dictionary or object to extract fields from" {
			t.Fatalf("error %d: %+v", i, e)
		}
	}
}
