package suite

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/specs"
)

// A server mounted under a prefix, and an id that needs escaping (and a
// media type in capitals with a charset, which is never significant): the
// request must reach prefix+path escaped once, and the spec validator must
// still recognise the operation (it would fail the exchange otherwise).
func TestClientEscapesOnceAndValidatesBehindAPrefix(t *testing.T) {
	t.Parallel()
	var gotURI string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotURI = r.RequestURI
		w.Header().Set("Content-Type", "Application/Problem+JSON;Charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type":"https://brp.otark.team/errors/customer_not_found","title":"Customer Not Found","status":404,"instance":"/v1/customers/a%2Fb%20c"}`))
	}))
	defer srv.Close()
	doc, err := specs.Load(specs.Otark)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient("otark", srv.URL+"/otark/", doc, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("the exchange failed: %v", r)
		}
	}()
	x := c.Do(Request{Method: http.MethodPatch, Path: "/v1/customers/" + url.PathEscape("a/b c"), Header: http.Header{"X-Api-Key": {"k"}}, Body: "{}"})
	if want := "/otark/v1/customers/a%2Fb%20c"; gotURI != want {
		t.Errorf("request URI %q, want %q", gotURI, want)
	}
	if x.Status() != http.StatusNotFound || x.MediaType() != "application/problem+json" {
		t.Errorf("exchange: %d %s", x.Status(), x.MediaType())
	}
}

func TestExchangeRedactsCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"echo":"` + r.Header.Get("X-Api-Key") + `"}`))
	}))
	defer srv.Close()
	c, err := NewClient("otark", srv.URL, nil, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Header.Set("X-Api-Key", "s3cret-key")
	c.Secrets = []string{"s3cret-key"}
	x := c.Do(Request{Method: http.MethodPost, Path: "/x", Header: http.Header{"Authorization": {"Bearer tok"}}, Body: `{"key":"s3cret-key"}`})
	shown := x.String()
	for _, secret := range []string{"s3cret-key", "Bearer tok"} {
		if strings.Contains(shown, secret) {
			t.Errorf("exchange shows %q:\n%s", secret, shown)
		}
	}
	if !strings.Contains(shown, "X-Api-Key: <redacted>") || !strings.Contains(shown, "Authorization: <redacted>") {
		t.Errorf("exchange does not show the redacted headers:\n%s", shown)
	}
}
