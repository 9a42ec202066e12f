package conformance

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/otark"
)

// Hostile servers: each test runs the whole suite against a server that
// tries to hurt it, and asserts the harm is bounded.

func TestUnreachableTargetIsOneReasonAndExit3(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	config, _ := suitetest.MockTargetFile(t)
	run := suitetest.RunSuite(t, "--config", config, "--target", url, "--request-timeout", "2s")
	if run.ExitCode != ExitCouldNotRun {
		t.Fatalf("exit %d, want %d\n%s", run.ExitCode, ExitCouldNotRun, run.Output)
	}
	for _, api := range []string{"otark", "podero", "esmart"} {
		got := run.API(api)
		if got.CouldNotRun == 0 || got.Failed+got.Passed != 0 || onlyDestructiveSkipped(got) != "" {
			t.Errorf("%s: passed %d failed %d could not run %d; %s", api, got.Passed, got.Failed, got.CouldNotRun, onlyDestructiveSkipped(got))
		}
	}
	if lines := strings.Count(run.Output, "\n"); lines > 120 {
		t.Errorf("%d lines of output for an unreachable target, want few:\n%s", lines, run.Output)
	}
	if n := strings.Count(run.Output, "cannot be reached"); n > 12 {
		t.Errorf("the reason is shown %d times", n)
	}
}

func TestTargetWithoutSchemeIsExit2(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t)
	for _, target := range []string{"127.0.0.1:8080", "ftp://127.0.0.1", "/just/a/path"} {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"--config", config, "--target", target}, &stdout, &stderr); code != ExitUsage {
			t.Errorf("--target %s: exit %d, want %d; %s", target, code, ExitUsage, stderr.String())
		}
	}
}

func TestConfigLargerThan1MiBIsExit2(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("# padding\n"), 200_000), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--config", path}, &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), "1 MiB") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// An echoing server gets every credential back into every output.
func TestEchoingServerLeaksNoSecret(t *testing.T) {
	t.Parallel()
	_, target := suitetest.MockTargetFile(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		for k, vs := range r.Header {
			w.Header().Set("X-Echo-"+k, strings.Join(vs, ","))
			b.WriteString(k + "=" + strings.Join(vs, ",") + ";")
		}
		body := make([]byte, 4096)
		n, _ := r.Body.Read(body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"echo":"` + strings.ReplaceAll(b.String(), `"`, `'`) + `","body":` + jsonString(string(body[:n])) + `}`))
	}))
	defer srv.Close()
	config, _ := suitetest.MockTargetFile(t)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--junit", junit, "--request-timeout", "2s")
	junitText, _ := os.ReadFile(junit)
	summary := run.SummaryJSON
	for _, secret := range target.Secrets() {
		if secret == "" {
			continue
		}
		for where, text := range map[string]string{"stdout": run.Output, "JUnit": string(junitText), "report": summary} {
			if n := strings.Count(text, secret); n > 0 {
				t.Errorf("%s shows secret %q %d times", where, secret, n)
			}
		}
	}
	if len(junitText) == 0 || summary == "" {
		t.Fatalf("no JUnit or report written\n%s", run.Output)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(" ")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// A redirect to another host must not take the credentials there.
func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	var credentials, requests atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("X-Api-Key") != "" || r.Header.Get("Authorization") != "" {
			credentials.Add(1)
		}
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	config, _ := suitetest.MockTargetFile(t)
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--request-timeout", "2s")
	if credentials.Load() != 0 || requests.Load() != 0 {
		t.Fatalf("the other host got %d requests, %d with credentials", requests.Load(), credentials.Load())
	}
	if run.ExitCode != ExitFailed {
		t.Errorf("exit %d, want %d (a redirect is not a documented answer)", run.ExitCode, ExitFailed)
	}
}

// A server that accepts and never answers costs at most two timeouts per API.
func TestSilentServerCostsTwoTimeoutsPerAPI(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	config, _ := suitetest.MockTargetFile(t)
	start := time.Now()
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--request-timeout", "300ms")
	elapsed := time.Since(start)
	if run.ExitCode != ExitCouldNotRun {
		t.Fatalf("exit %d\n%s", run.ExitCode, run.Output)
	}
	// 3 APIs x 2 timeouts x 300 ms is under 2 s; one timeout per check would be 30 s.
	if elapsed > 20*time.Second {
		t.Errorf("took %v", elapsed)
	}
	for _, api := range []string{"otark", "podero", "esmart"} {
		if got := run.API(api); got.Failed != 0 || got.CouldNotRun == 0 || onlyDestructiveSkipped(got) != "" {
			t.Errorf("%s: failed %d could not run %d; %s (a broken server's checks are could-not-run)", api, got.Failed, got.CouldNotRun, onlyDestructiveSkipped(got))
		}
	}
}

// A 256 MB answer: the suite reads 8 MiB of it and fails the check. Its
// peak memory is compared with a run against a server answering 1 KiB, in
// the same test (the race detector multiplies both): a client that held
// one whole answer would be 256 MiB above it.
func TestHugeResponseIsBoundedInMemory(t *testing.T) {
	t.Parallel()
	peak := func(megabytes int, chunkSize int) suitetest.Run {
		chunk := bytes.Repeat([]byte("x"), chunkSize)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < megabytes; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		defer srv.Close()
		config, _ := suitetest.MockTargetFile(t)
		return suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--request-timeout", "5s")
	}
	small := peak(1, 1<<10)
	huge := peak(256, 1<<20)
	if huge.ExitCode != ExitFailed || !strings.Contains(huge.Output, "response larger than") {
		t.Fatalf("exit %d\n%.3000s", huge.ExitCode, huge.Output)
	}
	t.Logf("peak RSS: %d MiB for 256 MB answers, %d MiB for 1 KiB answers", huge.MaxRSS>>20, small.MaxRSS>>20)
	if huge.MaxRSS >= small.MaxRSS+256<<20 {
		t.Errorf("peak RSS %d MiB for 256 MB answers, %d MiB for 1 KiB ones", huge.MaxRSS>>20, small.MaxRSS>>20)
	}
}

// onlyDestructiveSkipped names a check skipped for another reason than
// --allow-destructive, "" when there is none.
func onlyDestructiveSkipped(a APISummary) string {
	for _, c := range a.Checks {
		if c.Outcome == OutcomeSkipped && !strings.Contains(c.Reason, "--allow-destructive") {
			return "skipped: " + c.Check + ": " + c.Reason
		}
	}
	return ""
}

// headers: in a section reaches every request of that API.
func TestTargetHeadersAreSentWithEveryRequest(t *testing.T) {
	t.Parallel()
	var with, without atomic.Int64
	srv := suitetest.StartMock(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Tenant") == "acme" {
				with.Add(1)
			} else {
				without.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	_, target := suitetest.MockTargetFile(t)
	config := suitetest.WriteTarget(t, "otark:\n  base_url: "+srv.URL+"\n  api_key: "+otark.Config(target).APIKey+"\n  customer_id: "+otark.Config(target).CustomerID+"\n  headers: {X-Tenant: acme}\n")
	run := suitetest.RunSuite(t, "--config", config)
	if run.ExitCode != ExitPassed || with.Load() == 0 || without.Load() != 0 {
		t.Fatalf("exit %d, %d requests with the header, %d without\n%s", run.ExitCode, with.Load(), without.Load(), run.Output)
	}
}

// A run cut by --ginkgo.timeout has failed nothing: the checks it cut and
// the ones it never reached could not run, and the exit says so (3).
func TestSuiteTimeoutIsCouldNotRunExit3(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t)
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(100 * time.Millisecond)
			next.ServeHTTP(w, r)
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--ginkgo.timeout", "2s")
	ot := run.API("otark")
	if run.ExitCode != ExitCouldNotRun || ot.Failed != 0 || ot.CouldNotRun == 0 {
		t.Fatalf("exit %d, failed %d, could not run %d; want exit 3 and only could-not-run\n%s",
			run.ExitCode, ot.Failed, ot.CouldNotRun, run.Output)
	}
	for _, c := range ot.Checks {
		if c.Outcome == OutcomeSkipped && !strings.Contains(c.Reason, "--allow-destructive") {
			t.Errorf("check %q was cut by the timeout yet reported skipped: %s", c.Check, c.Reason)
		}
	}
}
