package mock_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock"
)

// The journal names the contract rule that decided each otark answer, and
// never the key that was sent.
func TestJournalNamesTheDecidingRule(t *testing.T) {
	h, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for body, want := range map[string]string{
		`{"name":"x"}`:            "otark/read-only-field",
		`{"status":"frozen"}`:     "otark/enum-value",
		`{"metadata":{"a":"b"}}`:  "otark/success-returns-customer",
		`{"status":"active"}`:     "otark/already-active",
		`{"unknown_member":true}`: "otark/unknown-field",
	} {
		session := strings.NewReplacer(`"`, "", "{", "", "}", "", ":", "-", ",", "").Replace(body)
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v1/customers/cust_w1n2d3k4", strings.NewReader(body))
		req.Header.Set("X-Api-Key", "otk_demo_write_nordlicht")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Gridtwin-Session", session)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		jreq, _ := http.NewRequest(http.MethodGet, srv.URL+"/__admin/requests", nil)
		jreq.Header.Set("X-Gridtwin-Session", session)
		jres, err := http.DefaultClient.Do(jreq)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Requests []struct {
				Rule string `json:"rule"`
			} `json:"requests"`
		}
		raw := json.NewDecoder(jres.Body)
		if err := raw.Decode(&page); err != nil || len(page.Requests) != 1 {
			t.Fatalf("%s: journal %+v %v", body, page, err)
		}
		jres.Body.Close()
		if page.Requests[0].Rule != want {
			t.Errorf("PATCH %s (%d): journal names rule %q, want %q", body, res.StatusCode, page.Requests[0].Rule, want)
		}
	}
}
