package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A broken fixture stops serve before it listens, and the message points at
// the file and line to fix: a misspelled key, a repeated id or a value of
// the wrong type would otherwise be served as an empty or default field.
func TestServeStopsOnABrokenFixtureNamingFileAndLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, from, to, want string
	}{
		{"otark misspelled key", "otark.yaml", "    name: SolarDach GmbH", "    nmae: SolarDach GmbH", "field nmae not found in type otark.fixtureCustomer"},
		{"podero misspelled key", "podero.yaml", "supplier: Stadtwerke Lindental", "suplier: Stadtwerke Lindental", "field suplier not found in type podero.Contract"},
		{"esmart misspelled key", "esmart.yaml", "FirstName: Ola", "FirstNmae: Ola", "field FirstNmae not found in type esmart.Customer"},
		{"otark repeated id", "otark.yaml", "id: cust_w1n2d3k4", "id: cust_r8s9t0u1", `customer id "cust_r8s9t0u1" appears twice`},
		{"esmart wrong type", "esmart.yaml", "POBox: 88", "POBox: eighty-eight", "cannot unmarshal !!str `eighty-...` into int32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyFixtures(t)
			line := breakFixture(t, filepath.Join(dir, tc.file), tc.from, tc.to)
			code, stderr := serveOnce(t, dir)
			want := tc.file + ":" + strconv.Itoa(line) + ": " + tc.want
			if code != 1 || !strings.Contains(stderr, want) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
		})
	}
}

// breakFixture replaces the first from in path by to and returns its line.
func breakFixture(t *testing.T, path, from, to string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte(from))
	if at < 0 {
		t.Fatalf("%s no longer has %q", path, from)
	}
	b = bytes.Replace(b, []byte(from), []byte(to), 1)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b[:at], []byte("\n")) + 1
}

// serveOnce runs `gridtwin serve --fixtures dir` as a process that is
// expected to exit on its own, and returns its exit code and stderr.
func serveOnce(t *testing.T, dir string) (int, string) {
	t.Helper()
	// A serve that wrongly starts would run until killed: the minute only
	// turns that hang into a failure.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "serve", "--addr", "127.0.0.1:0", "--fixtures", dir)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	}
	t.Fatal(err)
	return 0, ""
}
