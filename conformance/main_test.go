package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock"
	"github.com/gridtwin/gridtwin/mock/server"
)

// Ginkgo runs a suite once per process, so every run of the suite is a
// subprocess: this test binary, re-executed with runSuiteEnv set, which
// makes TestMain call Main instead of the tests. That needs no Go toolchain
// and no build of cmd/gridtwin.
const runSuiteEnv = "GRIDTWIN_CONFORMANCE_RUN_SUITE"

func TestMain(m *testing.M) {
	if os.Getenv(runSuiteEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// suiteRun is the outcome of one subprocess run of the suite.
type suiteRun struct {
	exitCode int
	output   string
	summary  Summary
	// summaryJSON is the report as written; maxRSS the process's peak
	// resident memory in bytes.
	summaryJSON string
	maxRSS      int64
}

// runSuite runs the suite with args plus --report, and decodes the report.
func runSuite(t *testing.T, args ...string) suiteRun {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(os.Args[0], append(args, "--report", report)...)
	// Under -race a process sleeps a second before exiting to let racing
	// goroutines report; the suite's process has none, and a second per run
	// would dominate the fault table's time.
	cmd.Env = append(os.Environ(), runSuiteEnv+"=1", "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	run := suiteRun{output: out.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.exitCode = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the suite: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if data, err := os.ReadFile(report); err == nil {
		run.summaryJSON = string(data)
		if err := json.Unmarshal(data, &run.summary); err != nil {
			t.Fatalf("decoding the summary report: %v\n%s", err, data)
		}
	}
	return run
}

// mockTargetFile writes the target file describing the mock's default
// fixtures (fixtures/conformance.yaml) and returns its path and contents.
func mockTargetFile(t *testing.T) (string, *Target) {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS(), "conformance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	target, err := ParseTarget(data)
	if err != nil {
		t.Fatalf("fixtures/conformance.yaml: %v", err)
	}
	path := filepath.Join(t.TempDir(), "conformance.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, target
}

// idleMocks holds built mocks between tests. Building one compiles three
// specs (about half a second under -race); a reset one is as good as new.
var idleMocks = make(chan *server.Handler, 64)

// startMock serves a mock in its fixture state, wrapped by wrap when it is
// not nil.
func startMock(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	var h *server.Handler
	select {
	case h = <-idleMocks:
		if err := h.Reset(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
	default:
		var err error
		if h, err = mock.New(mock.Config{}); err != nil {
			t.Fatal(err)
		}
	}
	// Registered before srv.Close, so it runs after it: no request is in
	// flight when the mock goes back.
	t.Cleanup(func() {
		select {
		case idleMocks <- h:
		default:
		}
	})
	var handler http.Handler = h
	if wrap != nil {
		handler = wrap(h)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

func adminState(t *testing.T, baseURL string) []byte {
	t.Helper()
	resp, err := http.Get(baseURL + "/__admin/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /__admin/state: %d %v", resp.StatusCode, err)
	}
	return b
}

func (s Summary) api(name string) APISummary {
	for _, a := range s.APIs {
		if a.API == name {
			return a
		}
	}
	return APISummary{}
}
