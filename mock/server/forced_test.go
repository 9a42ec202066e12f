package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/server"
)

// An API without OpenAPI documents cannot know what an operation answers:
// a forced code is refused, the handler does not run, and without a
// preference it runs as usual.
func TestPreferCodeOfAnAPIWithoutDocumentsIsRefused(t *testing.T) {
	srv := httptest.NewServer(server.New(counterAPI{}))
	defer srv.Close()
	for _, prefer := range []string{"code=404", "example=x"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/count", nil)
		req.Header.Set("Prefer", prefer)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var refusal map[string]string
		if res.StatusCode != 400 || json.Unmarshal(body, &refusal) != nil || !strings.Contains(refusal["gridtwin_error"], "no OpenAPI document for counter") {
			t.Errorf("Prefer: %s: %d %s, want the mock's refusal", prefer, res.StatusCode, body)
		}
	}
	if n := stateOf(t, srv.URL)["counter"]["n"]; n != 0 {
		t.Errorf("refused requests ran the handler: n = %d", n)
	}
	res, err := http.Post(srv.URL+"/count", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if n := stateOf(t, srv.URL)["counter"]["n"]; res.StatusCode != 200 || n != 1 {
		t.Errorf("without Prefer: %d, n = %d", res.StatusCode, n)
	}
}
