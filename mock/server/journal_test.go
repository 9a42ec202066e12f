package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/server"
)

func TestJournalRecordsNewestFirstWithRuleAndNoCredential(t *testing.T) {
	srv := httptest.NewServer(server.New(echoAPI{}))
	defer srv.Close()

	send(t, http.MethodPost, srv.URL+"/echo", map[string]string{
		"X-Api-Key": "key-secret-1", "Authorization": "Basic a2FyaTpzZWNyZXQ=", "Cookie": "sid=cookie-secret",
		"X-Rule": "echo/first-rule",
	}, `{"n":1}`)
	send(t, http.MethodPost, srv.URL+"/echo?x=1", map[string]string{"X-Rule": "echo/second-rule"}, `{"n":2}`)
	send(t, http.MethodPost, srv.URL+"/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		"grant_type=client_credentials&client_secret=form-secret")

	p := journalOf(t, srv.URL, "", "")
	if len(p.Requests) != 3 {
		t.Fatalf("journal has %d entries, want 3", len(p.Requests))
	}
	tok, second, first := p.Requests[0], p.Requests[1], p.Requests[2]
	if first.Path != "/echo" || second.Query != "x=1" || tok.Path != "/token" {
		t.Fatalf("not newest first: %s, %s?%s, %s", tok.Path, second.Path, second.Query, first.Path)
	}
	if first.API != "echo" || first.Method != "POST" || first.Status != 201 || first.Rule != "echo/first-rule" {
		t.Errorf("first entry: api %q method %q status %d rule %q", first.API, first.Method, first.Status, first.Rule)
	}
	if first.Body.Text != `{"n":1}` || first.Response.Body.Text != `{"n":1}` || first.Response.Headers.Get("Content-Type") != "application/json" {
		t.Errorf("first entry bodies: request %q, response %q %v", first.Body.Text, first.Response.Body.Text, first.Response.Headers)
	}
	if first.Duration <= 0 || first.Time.IsZero() {
		t.Errorf("first entry: duration %v, time %v", first.Duration, first.Time)
	}
	if got := first.Headers.Get("Authorization"); got != "Basic [redacted]" {
		t.Errorf("Authorization recorded as %q", got)
	}
	if !tok.Body.Redacted || !tok.Response.Body.Redacted || tok.Body.Text != "" {
		t.Errorf("token exchange bodies kept: %+v %+v", tok.Body, tok.Response.Body)
	}
	_, raw := send(t, http.MethodGet, srv.URL+"/__admin/requests", nil, "")
	for _, secret := range []string{"key-secret-1", "a2FyaTpzZWNyZXQ=", "cookie-secret", "form-secret", "tok-secret-123"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the journal shows the credential %q", secret)
		}
	}
}

func TestJournalFiltersAndClear(t *testing.T) {
	srv := httptest.NewServer(server.New(echoAPI{}))
	defer srv.Close()

	send(t, http.MethodPost, srv.URL+"/echo", nil, "a")
	mid := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	send(t, http.MethodGet, srv.URL+"/echo", nil, "") // 405 from the router: no API
	send(t, http.MethodPost, srv.URL+"/nowhere", nil, "")

	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 3},
		{"?api=echo", 1},
		{"?status=201", 1},
		{"?status=4xx", 2},
		{"?status=404", 1},
		{"?since=" + url.QueryEscape(mid.Format(time.RFC3339Nano)), 2},
		{"?limit=1", 1},
	} {
		if got := len(journalOf(t, srv.URL, tc.query, "").Requests); got != tc.want {
			t.Errorf("GET /__admin/requests%s: %d entries, want %d", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"?status=abc", "?since=yesterday", "?limit=0"} {
		if res, body := send(t, http.MethodGet, srv.URL+"/__admin/requests"+bad, nil, ""); res.StatusCode != 400 || !strings.Contains(body, "error") {
			t.Errorf("GET /__admin/requests%s: %d %s, want 400 with an error", bad, res.StatusCode, body)
		}
	}
	if res, _ := send(t, http.MethodDelete, srv.URL+"/__admin/requests", nil, ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d", res.StatusCode)
	}
	if got := len(journalOf(t, srv.URL, "", "").Requests); got != 0 {
		t.Fatalf("after DELETE: %d entries", got)
	}
}

func TestJournalIsPerSessionAndBounded(t *testing.T) {
	j := journal.New(journal.Options{PerSession: 5, MaxBody: 4})
	srv := httptest.NewServer(server.NewWith(server.Options{Journal: j}, echoAPI{}))
	defer srv.Close()

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send(t, http.MethodPost, srv.URL+"/echo", map[string]string{journal.SessionHeader: "run-a"}, "0123456789")
			if i < 2 {
				send(t, http.MethodPost, srv.URL+"/echo", nil, "x")
			}
		}()
	}
	wg.Wait()
	a := journalOf(t, srv.URL, "", "run-a")
	if a.Session != "run-a" || len(a.Requests) != 5 {
		t.Fatalf("session run-a: %q with %d entries, want 5 (the bound)", a.Session, len(a.Requests))
	}
	if b := a.Requests[0].Body; b.Text != "0123" || !b.Truncated || b.Size != 10 {
		t.Errorf("bounded body: %+v", b)
	}
	if got := len(journalOf(t, srv.URL, "", "").Requests); got != 2 {
		t.Errorf("default session: %d entries, want 2", got)
	}
	send(t, http.MethodDelete, srv.URL+"/__admin/requests", map[string]string{journal.SessionHeader: "run-a"}, "")
	if got := len(journalOf(t, srv.URL, "", "").Requests); got != 2 {
		t.Errorf("clearing run-a cleared the default session: %d entries left", got)
	}
}

func TestOneLogLinePerVendorRequest(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, nil))
	srv := httptest.NewServer(server.NewWith(server.Options{Log: log}, echoAPI{}))
	defer srv.Close()

	send(t, http.MethodPost, srv.URL+"/echo", map[string]string{"X-Rule": "echo/r", "X-Api-Key": "log-secret"}, "{}")
	send(t, http.MethodGet, srv.URL+"/__admin/requests", nil, "")
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1 (admin calls are not logged): %q", len(lines), buf.String())
	}
	for _, want := range []string{`"method":"POST"`, `"path":"/echo"`, `"status":201`, `"rule":"echo/r"`, `"api":"echo"`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %s lacks %s", lines[0], want)
		}
	}
	if strings.Contains(buf.String(), "log-secret") {
		t.Error("the log shows a credential")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
