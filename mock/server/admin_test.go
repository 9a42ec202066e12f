package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/server"
)

func TestAdminRefusesOtherOrigins(t *testing.T) {
	srv := httptest.NewServer(server.New(&counterAPI{}))
	defer srv.Close()
	send(t, http.MethodPost, srv.URL+"/count", nil, "")

	for _, h := range []map[string]string{
		{"Origin": "http://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://sub." + strings.TrimPrefix(srv.URL, "http://")},
	} {
		for _, call := range [][2]string{{"POST", "/__admin/reset"}, {"GET", "/__admin/state"}, {"GET", "/__admin/requests"}, {"OPTIONS", "/__admin/reset"}} {
			res, body := send(t, call[0], srv.URL+call[1], h, "")
			if res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s %s with %v: %d (ACAO %q) %s, want 403 without CORS", call[0], call[1], h, res.StatusCode,
					res.Header.Get("Access-Control-Allow-Origin"), body)
			}
		}
	}
	if got := stateOf(t, srv.URL)["counter"]["n"]; got != 1 {
		t.Fatalf("a cross-origin reset went through: n = %d", got)
	}
	// The page's own origin, and non-browser clients, are served.
	res, _ := send(t, http.MethodPost, srv.URL+"/__admin/reset", map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, "")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("same-origin reset: %d", res.StatusCode)
	}
	// The vendor APIs keep open CORS.
	res, _ = send(t, http.MethodPost, srv.URL+"/count", map[string]string{"Origin": "http://localhost:5173"}, "")
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("vendor API lost its open CORS")
	}
}

func TestAdminTokenIsRequiredWhenSet(t *testing.T) {
	srv := httptest.NewServer(server.NewWith(server.Options{AdminToken: "s3cret-admin"}, &counterAPI{}))
	defer srv.Close()
	send(t, http.MethodPost, srv.URL+"/count", nil, "")

	for _, auth := range []string{"", "Bearer wrong", "s3cret-admin", "Basic s3cret-admin"} {
		for _, call := range [][2]string{{"POST", "/__admin/reset"}, {"GET", "/__admin/state"}, {"GET", "/__admin/requests"}, {"DELETE", "/__admin/requests"}, {"GET", "/__admin/sessions"}} {
			res, body := send(t, call[0], srv.URL+call[1], map[string]string{"Authorization": auth}, "")
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "token") {
				t.Errorf("%s %s with Authorization %q: %d %s, want 401", call[0], call[1], auth, res.StatusCode, body)
			}
		}
	}
	if got := counterWith(t, srv.URL, map[string]string{"Authorization": "Bearer s3cret-admin"}); got != 1 {
		t.Fatalf("refused resets changed state: n = %d", got)
	}
	res, _ := send(t, http.MethodPost, srv.URL+"/__admin/reset", map[string]string{"Authorization": "Bearer s3cret-admin"}, "")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("reset with the token: %d", res.StatusCode)
	}
	for _, path := range []string{"/__admin/health", "/__admin/"} {
		if res, _ := send(t, http.MethodGet, srv.URL+path, nil, ""); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s without the token: %d, want 200 (no data behind it)", path, res.StatusCode)
		}
	}
}

func TestHealthAndDashboardPage(t *testing.T) {
	srv := httptest.NewServer(server.NewWith(server.Options{Version: "v1.2.3"}, &counterAPI{}))
	defer srv.Close()
	res, body := send(t, http.MethodGet, srv.URL+"/__admin/health", nil, "")
	if res.StatusCode != 200 || !strings.Contains(body, `"status": "ok"`) || !strings.Contains(body, "v1.2.3") || !strings.Contains(body, "counter") {
		t.Fatalf("health: %d %s", res.StatusCode, body)
	}
	res, body = send(t, http.MethodGet, srv.URL+"/__admin/", nil, "")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "gridtwin") {
		t.Fatalf("dashboard: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, external := range []string{"http://", "https://", "//cdn"} {
		if strings.Contains(body, "src=\""+external) || strings.Contains(body, "href=\""+external) {
			t.Errorf("the dashboard loads an external asset (%s)", external)
		}
	}
}
