package main

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/store/redistest"
)

// served is a gridtwin serve process started by a test.
type served struct {
	pid    int
	base   string
	banner string
	mu     sync.Mutex
	rest   bytes.Buffer // stdout after the banner: the log
}

func (s *served) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rest.String()
}

// startServe runs this test binary as gridtwin serve with args and extra
// environment, and reads its banner.
func startServe(t *testing.T, env []string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve"}, args...)...)
	cmd.Env = append(append(os.Environ(), runMainEnv+"=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	s := &served{pid: cmd.Process.Pid}
	var banner strings.Builder
	for lines.Scan() {
		banner.WriteString(lines.Text() + "\n")
		if lines.Text() == bannerEnd {
			break
		}
	}
	s.banner = banner.String()
	first, _, _ := strings.Cut(s.banner, "\n")
	var ok bool
	if s.base, ok = strings.CutPrefix(first, "gridtwin listening on "); !ok {
		t.Fatalf("serve did not start: %q %s", s.banner, stderr.String())
	}
	go func() {
		for lines.Scan() {
			s.mu.Lock()
			s.rest.WriteString(lines.Text() + "\n")
			s.mu.Unlock()
		}
	}()
	return s
}

func get(t *testing.T, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	return request(t, http.MethodGet, url, header, "")
}

func request(t *testing.T, method, url string, header map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestVersionFromBuildInfo(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "gridtwin ") || !strings.Contains(out.String(), "go1.") {
			t.Errorf("gridtwin %v: exit %d, %q", args, code, out.String())
		}
	}
}

func TestServeFlagsFromTheEnvironment(t *testing.T) {
	s := startServe(t, []string{
		"GRIDTWIN_ADDR=127.0.0.1:0", "GRIDTWIN_LATENCY=150ms", "GRIDTWIN_LOG_FORMAT=json",
		"GRIDTWIN_ADMIN_TOKEN=env-token-42", "GRIDTWIN_OTARK_RATE_LIMIT=7",
	})
	start := time.Now()
	res, _ := request(t, http.MethodPatch, s.base+"/v1/customers/cust_r8s9t0u1",
		map[string]string{"X-Api-Key": "otk_demo_write_nordlicht", "Content-Type": "application/json"}, "{}")
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("GRIDTWIN_LATENCY=150ms: answered after %v", took)
	}
	if got := res.Header.Get("X-RateLimit-Limit"); got != "7" {
		t.Errorf("GRIDTWIN_OTARK_RATE_LIMIT=7: X-RateLimit-Limit %q", got)
	}
	if res, _ := get(t, s.base+"/__admin/state", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GRIDTWIN_ADMIN_TOKEN set: admin without it answered %d", res.StatusCode)
	}
	if res, _ := get(t, s.base+"/__admin/state", map[string]string{"Authorization": "Bearer env-token-42"}); res.StatusCode != http.StatusOK {
		t.Errorf("admin with the token from the environment: %d", res.StatusCode)
	}
	waitFor(t, func() bool { return strings.Contains(s.log(), `"msg":"request"`) }, "a JSON log line for the request")

	// A flag wins over the environment; a bad value names its variable.
	var out, errOut bytes.Buffer
	t.Setenv("GRIDTWIN_FAULT_RATE", "lots")
	if code := run([]string{"serve"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "GRIDTWIN_FAULT_RATE") {
		t.Errorf("GRIDTWIN_FAULT_RATE=lots: exit %d, %q", code, errOut.String())
	}
	t.Setenv("GRIDTWIN_FAULT_RATE", "0")
	t.Setenv("GRIDTWIN_LOG_FORMAT", "xml")
	if code := run([]string{"serve", "--log-format", "yaml"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `"yaml"`) {
		t.Errorf("--log-format yaml over GRIDTWIN_LOG_FORMAT=xml: exit %d, %q", code, errOut.String())
	}
}

// An empty variable is no value: serve starts with the flag's default, as
// if the variable were not set, where taking "" literally would be no bool
// and no duration.
func TestEmptyEnvironmentVariableCountsAsUnset(t *testing.T) {
	s := startServe(t, []string{"GRIDTWIN_QUIET=", "GRIDTWIN_LATENCY=", "GRIDTWIN_OTARK_RATE_LIMIT="}, "--addr", "127.0.0.1:0")
	res, _ := get(t, s.base+"/v1/customers/x", nil)
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET without a key: %d, want otark's 401", res.StatusCode)
	}
	waitFor(t, func() bool { return strings.Contains(s.log(), "/v1/customers/x") }, "the request logged, as without GRIDTWIN_QUIET")
}

func TestQuietServeLogsNoRequest(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--quiet")
	get(t, s.base+"/v1/customers/x", nil)
	time.Sleep(200 * time.Millisecond)
	if log := s.log(); log != "" {
		t.Fatalf("--quiet logged %q", log)
	}
}

func TestAdminNeedsATokenBeyondLoopback(t *testing.T) {
	s := startServe(t, nil, "--addr", "0.0.0.0:0")
	_, token, ok := strings.Cut(s.banner, "Authorization: Bearer ")
	token, _, _ = strings.Cut(token, "\n")
	if !ok || len(token) < 32 {
		t.Fatalf("no generated admin token in the banner:\n%s", s.banner)
	}
	local := strings.Replace(s.base, "0.0.0.0", "127.0.0.1", 1)
	if res, _ := get(t, local+"/__admin/state", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin without the token off loopback: %d, want 401", res.StatusCode)
	}
	if res, _ := get(t, local+"/__admin/state", map[string]string{"Authorization": "Bearer " + token}); res.StatusCode != http.StatusOK {
		t.Errorf("admin with the printed token: %d", res.StatusCode)
	}
	if res, _ := get(t, local+"/__admin/health", nil); res.StatusCode != http.StatusOK {
		t.Errorf("health off loopback without the token: %d, want 200", res.StatusCode)
	}
	// On loopback without --admin-token none is needed.
	l := startServe(t, nil, "--addr", "127.0.0.1:0")
	if strings.Contains(l.banner, "admin token") {
		t.Error("a token was generated on loopback")
	}
}

func TestBannerListsEveryCredentialAndID(t *testing.T) {
	s := startServe(t, nil, "--addr", "127.0.0.1:0")
	for _, want := range []string{
		"otk_demo_write_nordlicht", "otk_demo_readonly_alpenstrom", "otk_demo_writeonly_nordlicht", "cust_r8s9t0u1", "cust_a5p6e7n8",
		"lindental-client", "lindental-secret-7f3k9q", "podero-static-token-alpenstrom",
		"4f9d2c7a-1b3e-4a6f-8d2c-5e7b9a1c3d20", "a1e5c9d3-2f4b-4c6d-8e0a-1b3c5d7e9f53", "7c2e9f4a-6b1d-4e3a-9f8c-2a4d6b8e0f31",
		"kari.nordmann", "Vidde-1002", "/__admin/", "/__admin/requests",
	} {
		if !strings.Contains(s.banner, want) {
			t.Errorf("the banner lacks %s", want)
		}
	}
}

func copyFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"otark.yaml", "podero.yaml", "esmart.yaml"} {
		b, err := fs.ReadFile(fixtures.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 10 s for %s", what)
}

func TestWatchReloadsFixturesAndKeepsTheOldStateOnABrokenFile(t *testing.T) {
	dir := copyFixtures(t)
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--fixtures", dir, "--watch")
	stateHas := func(text string) bool {
		_, body := get(t, s.base+"/__admin/state", nil)
		return strings.Contains(body, text)
	}
	path := filepath.Join(dir, "otark.yaml")
	orig, _ := os.ReadFile(path)
	if err := os.WriteFile(path, bytes.Replace(orig, []byte("SolarDach GmbH"), []byte("SolarDach Reloaded AG"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return stateHas("SolarDach Reloaded AG") }, "the changed fixture in the state")

	if err := os.WriteFile(path, []byte("brps: [ {id: broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(s.log(), "fixtures not reloaded") }, "the log to say the broken file was refused")
	if !stateHas("SolarDach Reloaded AG") {
		t.Fatal("a broken fixture file replaced the state")
	}
	if !strings.Contains(s.log(), "otark") {
		t.Errorf("the log does not say which file is broken: %s", s.log())
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"serve", "--watch"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--fixtures") {
		t.Errorf("--watch without --fixtures: exit %d %q", code, errOut.String())
	}
}

// Two serve processes on one Redis are one mock: a write through one is
// read back through the other, and a session stays its own.
func TestTwoServeProcessesOnOneRedisShareState(t *testing.T) {
	redis := redistest.Start(t)
	first := startServe(t, nil, "--addr", "127.0.0.1:0", "--store", redis.URL())
	second := startServe(t, nil, "--addr", "127.0.0.1:0", "--store", redis.URL())
	key := map[string]string{"X-Api-Key": "otk_demo_write_nordlicht", "Content-Type": "application/json"}
	res, body := request(t, http.MethodPatch, first.base+"/v1/customers/cust_w1n2d3k4", key, `{"metadata":{"shared":"yes"}}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH through the first process: %d %s", res.StatusCode, body)
	}
	if _, state := get(t, second.base+"/__admin/state", nil); !strings.Contains(state, `"shared"`) {
		t.Fatalf("the second process does not see the first one's write: %s", state)
	}
	session := map[string]string{"X-Gridtwin-Session": "other"}
	if _, state := get(t, second.base+"/__admin/state", session); strings.Contains(state, `"shared"`) {
		t.Fatalf("session other sees the default session's write: %s", state)
	}
}
