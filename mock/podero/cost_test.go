package podero

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/server"
)

// Every bad item of the worst-case body is listed once, in order, over
// HTTP: those at indexes that are UTF-16 surrogates (55296 to 57343) were
// once merged into one.
func TestEveryInvalidPriceIsListedInOrder(t *testing.T) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(api))
	defer srv.Close()
	url := srv.URL + "/api/partners/v2.0/org/" + benchOrg + "/users/" + benchUser + "/energy-contracts/" + benchContract
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(worstCaseInvalidPrices()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+benchToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		Detail []struct {
			Type string
			Loc  []any
			Msg  string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
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
