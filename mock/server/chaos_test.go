package server_test

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/server"
)

// freshClient opens a connection per request: Go's transport would retry a
// request that failed on a reused connection, hiding a fault.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestPreferDelayWaitsAtLeastTheDelay(t *testing.T) {
	srv := httptest.NewServer(server.New(echoAPI{}))
	defer srv.Close()
	start := time.Now()
	res, _ := send(t, http.MethodPost, srv.URL+"/echo", map[string]string{"Prefer": "delay=300ms"}, "{}")
	if took := time.Since(start); res.StatusCode != 201 || took < 300*time.Millisecond {
		t.Fatalf("Prefer: delay=300ms: %d after %v, want 201 after at least 300ms", res.StatusCode, took)
	}
}

func TestLatencyRangeIsWithinBounds(t *testing.T) {
	lo, hi, err := server.ParseLatency("50ms-120ms")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.NewWith(server.Options{Chaos: server.ChaosOptions{LatencyMin: lo, LatencyMax: hi}}, echoAPI{}))
	defer srv.Close()
	for range 3 {
		start := time.Now()
		send(t, http.MethodPost, srv.URL+"/echo", nil, "{}")
		if took := time.Since(start); took < lo {
			t.Fatalf("--latency 50ms-120ms: answered after %v", took)
		}
	}
	// The admin API is never slowed down.
	for _, bad := range []string{"fast", "200ms-100ms", "-5ms", "1s-x"} {
		if _, _, err := server.ParseLatency(bad); err == nil {
			t.Errorf("ParseLatency(%q) accepted", bad)
		}
	}
}

func TestEachFaultIsSeenByARealClient(t *testing.T) {
	srv := httptest.NewServer(server.New(dialectAPI{}))
	defer srv.Close()
	do := func(fault string) (*http.Response, string, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/echo", strings.NewReader("{}"))
		req.Header.Set("Prefer", "fault="+fault)
		res, err := freshClient().Do(req)
		if err != nil {
			return nil, "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b), nil
	}
	if _, _, err := do("reset"); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("fault=reset: %v, want connection reset by peer", err)
	}
	if _, _, err := do("empty"); !errors.Is(err, io.EOF) {
		t.Errorf("fault=empty: %v, want EOF before any byte", err)
	}
	res, body, err := do("500")
	if err != nil || res.StatusCode != 500 || body != `{"dialect":true}` {
		t.Errorf("fault=500: %v %v %q, want 500 in the API's dialect", err, res, body)
	}
	res, body, err = do("503")
	if err != nil || res.StatusCode != 503 || body != `{"dialect":true}` || res.Header.Get("Retry-After") == "" {
		t.Errorf("fault=503: %v %v %q, want 503 in the dialect with Retry-After", err, res, body)
	}
	// A dropped connection is journaled just after it closes.
	p := journalOf(t, srv.URL, "", "")
	for deadline := time.Now().Add(5 * time.Second); len(p.Requests) < 4 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		p = journalOf(t, srv.URL, "", "")
	}
	// Dropped connections are journaled when they close, so the order of
	// the four entries is not the order they were sent in.
	status := map[string]int{}
	for _, e := range p.Requests {
		status[e.Rule] = e.Status
	}
	want := map[string]int{"mock/fault-reset": 0, "mock/fault-empty": 0, "mock/fault-500": 500, "mock/fault-503": 503}
	if len(p.Requests) != 4 || !maps.Equal(status, want) {
		t.Errorf("journal of the faults: %+v", p.Requests)
	}
}

func TestRefusedPreferenceSaysWhatIsAccepted(t *testing.T) {
	srv := httptest.NewServer(server.New(echoAPI{}))
	defer srv.Close()
	for prefer, want := range map[string]string{
		"fault=explode":  "reset, empty, 500, 503",
		"delay=soon":     "not a duration",
		"delay=10m":      "between 0 and",
		"code=abc":       "not an HTTP status code",
		"respond-async,": "",
	} {
		res, body := send(t, http.MethodPost, srv.URL+"/echo", map[string]string{"Prefer": prefer}, "{}")
		if want == "" {
			if res.StatusCode != 201 {
				t.Errorf("Prefer: %s (unknown preference): %d, want it ignored", prefer, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != 400 || !strings.Contains(body, "gridtwin_error") || !strings.Contains(body, want) {
			t.Errorf("Prefer: %s: %d %s, want 400 naming %q", prefer, res.StatusCode, body, want)
		}
	}
}

func TestRandomFaultsRepeatWithTheSeed(t *testing.T) {
	run := func(seed uint64) string {
		faults, err := server.ParseFaults("500,503")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.NewWith(server.Options{Chaos: server.ChaosOptions{FaultRate: 0.5, Faults: faults, Seed: seed}}, echoAPI{}))
		defer srv.Close()
		var seq strings.Builder
		for range 40 {
			res, _ := send(t, http.MethodPost, srv.URL+"/echo", nil, "{}")
			seq.WriteString(res.Status[:3] + " ")
		}
		return seq.String()
	}
	a, b, c := run(7), run(7), run(8)
	if a != b {
		t.Fatalf("seed 7 twice gave\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same faults: %s", a)
	}
	for _, code := range []string{"201", "500", "503"} {
		if !strings.Contains(a, code) {
			t.Errorf("rate 0.5 over 40 requests never gave %s: %s", code, a)
		}
	}
	if _, err := server.ParseFaults("reset,boom"); err == nil {
		t.Error("ParseFaults accepted boom")
	}
}
