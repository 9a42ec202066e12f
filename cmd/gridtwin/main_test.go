package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The serve tests need a real process to signal: this test binary,
// re-executed with runMainEnv set, runs main() instead of the tests.
const runMainEnv = "GRIDTWIN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestCommandLineErrors(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantCode int
		wantText string
	}{
		{nil, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--otark-rate-limit", "0"}, 2, "--otark-rate-limit must be at least 1"},
		{[]string{"serve", "--fixtures", "/nonexistent-gridtwin-dir"}, 2, "is not a directory"},
		{[]string{"serve", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"serve", "--store", "postgres://db"}, 2, "--store is memory or redis://"},
		{[]string{"serve", "--session-ttl", "0s"}, 2, "--session-ttl must be positive"},
		{[]string{"serve", "--store", "redis://127.0.0.1:1/0"}, 1, "gridtwin serve: --store:"},
		{[]string{"serve", "--help"}, 0, "-otark-rate-limit int"},
		{[]string{"serve", "--help"}, 0, "-store string"},
		{[]string{"--help"}, 0, "gridtwin conform --config FILE"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.wantCode || !strings.Contains(stdout.String()+stderr.String(), tc.wantText) {
			t.Errorf("gridtwin %v: exit %d, output %q; want exit %d and %q",
				tc.args, code, stdout.String()+stderr.String(), tc.wantCode, tc.wantText)
		}
	}
}

func TestServeFixturesDirWithoutFilesFails(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "--fixtures", t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "otark") {
		t.Fatalf("the error does not say which fixture is missing: %q", stderr.String())
	}
}

// A request in flight when SIGTERM arrives is answered before the process
// exits, and the exit is clean.
func TestServeFinishesRequestsInFlightOnSIGTERM(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	first := lines.Text()
	base, ok := strings.CutPrefix(first, "gridtwin listening on ")
	if !ok {
		t.Fatalf("first line %q does not say where it listens", first)
	}
	var banner strings.Builder
	for lines.Scan() && !strings.Contains(banner.String(), "otk_demo_write_nordlicht") {
		banner.WriteString(lines.Text() + "\n")
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()

	// Send the headers and half of the body, then signal.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"metadata":{"in_flight":"yes"}}`
	half := len(body) / 2
	fmt.Fprintf(conn, "PATCH /v1/customers/cust_r8s9t0u1 HTTP/1.1\r\nHost: x\r\nX-Api-Key: otk_demo_write_nordlicht\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:half])
	time.Sleep(200 * time.Millisecond) // let the server start reading the request
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatalf("the server closed the connection of a request in flight: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"in_flight":"yes"`) {
		t.Fatalf("request in flight: %d %s", res.StatusCode, answer)
	}

	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not exit cleanly after SIGTERM: %v", err)
	}
	if out := <-rest; !strings.Contains(out, "shutting down") {
		t.Errorf("serve did not say it was shutting down: %q", out)
	}
}
