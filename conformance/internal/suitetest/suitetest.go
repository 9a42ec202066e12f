// Package suitetest is what the conformance packages' tests share: running
// the suite in a subprocess of the test binary, serving the mock, writing
// target files, and the middleware with which the fault and variant tables
// break or vary the mock's answers. It is test support only, so it may
// import the mock, which no non-test package of the suite does.
package suitetest

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
	"slices"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock"
	"github.com/gridtwin/gridtwin/mock/server"
)

// Ginkgo runs a suite once per process, so every run of the suite is a
// subprocess: the test binary, re-executed with runSuiteEnv set, which
// makes Main run the suite instead of the tests. That needs no Go
// toolchain and no build of cmd/gridtwin.
const runSuiteEnv = "GRIDTWIN_CONFORMANCE_RUN_SUITE"

// Main is a test package's TestMain, once the package has registered the
// APIs it tests: in the subprocess RunSuite starts it runs the suite with
// those APIs, otherwise the tests.
func Main(m *testing.M) {
	if os.Getenv(runSuiteEnv) == "1" {
		os.Exit(suite.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// Run is the outcome of one subprocess run of the suite.
type Run struct {
	ExitCode int
	Output   string
	Summary  suite.Summary
	// SummaryJSON is the report as written; MaxRSS the process's peak
	// resident memory in bytes.
	SummaryJSON string
	MaxRSS      int64
}

// API returns the report's summary of one API, empty when it has none.
func (r Run) API(name string) suite.APISummary {
	for _, a := range r.Summary.APIs {
		if a.API == name {
			return a
		}
	}
	return suite.APISummary{}
}

// RunSuite runs the suite with args plus --report, and decodes the report.
func RunSuite(t *testing.T, args ...string) Run {
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
	run := Run{Output: out.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.ExitCode = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the suite: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if data, err := os.ReadFile(report); err == nil {
		run.SummaryJSON = string(data)
		if err := json.Unmarshal(data, &run.Summary); err != nil {
			t.Fatalf("decoding the summary report: %v\n%s", err, data)
		}
	}
	return run
}

// MockTargetFile writes the target file describing the mock's default
// fixtures (fixtures/conformance.yaml) and returns its path and contents.
// With apis it keeps only their sections (and the name): a test package
// that registers one API has a suite that knows no other section.
func MockTargetFile(t *testing.T, apis ...string) (string, *suite.Target) {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS(), "conformance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(apis) > 0 {
		data = onlySections(t, data, append(apis, "name"))
	}
	target, err := suite.ParseTarget(data)
	if err != nil {
		t.Fatalf("fixtures/conformance.yaml: %v", err)
	}
	path := filepath.Join(t.TempDir(), "conformance.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, target
}

func onlySections(t *testing.T, data []byte, keep []string) []byte {
	t.Helper()
	var file yaml.Node
	if err := yaml.Unmarshal(data, &file); err != nil || len(file.Content) == 0 {
		t.Fatalf("fixtures/conformance.yaml: %v", err)
	}
	top := file.Content[0]
	var kept []*yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if slices.Contains(keep, top.Content[i].Value) {
			kept = append(kept, top.Content[i], top.Content[i+1])
		}
	}
	top.Content = kept
	out, err := yaml.Marshal(&file)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// WriteTarget writes a target file and returns its path.
func WriteTarget(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// idleMocks holds built mocks between tests. Building one compiles three
// specs (about half a second under -race); a reset one is as good as new.
var idleMocks = make(chan *server.Handler, 64)

// StartMock serves a mock in its fixture state, wrapped by wrap when it is
// not nil.
func StartMock(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
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

// AdminState is the mock's whole state.
func AdminState(t *testing.T, baseURL string) []byte {
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
