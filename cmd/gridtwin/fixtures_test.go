package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
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

// Fixtures written as JSON (which is YAML too) take the loader's fast path;
// they must serve exactly the state their YAML twin serves.
func TestServeReadsFixturesWrittenAsJSON(t *testing.T) {
	t.Parallel()
	yamlDir, jsonDir := copyFixtures(t), copyFixtures(t)
	for _, name := range []string{"otark.yaml", "podero.yaml", "esmart.yaml"} {
		rewriteAsJSON(t, filepath.Join(jsonDir, name))
	}
	fromYAML := startServe(t, nil, "--addr", "127.0.0.1:0", "--fixtures", yamlDir)
	fromJSON := startServe(t, nil, "--addr", "127.0.0.1:0", "--fixtures", jsonDir)
	_, want := get(t, fromYAML.base+"/__admin/state", nil)
	_, got := get(t, fromJSON.base+"/__admin/state", nil)
	if got != want || !strings.Contains(got, "cust_w1n2d3k4") {
		t.Fatalf("state from JSON fixtures:\n%s\nwant (from YAML):\n%s", got, want)
	}

	breakFixture(t, filepath.Join(jsonDir, "otark.yaml"), `"name":"SolarDach GmbH"`, `"nmae":"SolarDach GmbH"`)
	code, stderr := serveOnce(t, jsonDir)
	if code != 1 || !strings.Contains(stderr, "otark.yaml:1: field nmae not found") {
		t.Fatalf("exit %d, stderr %q; want exit 1 naming otark.yaml:1 and nmae", code, stderr)
	}
}

// A fixture with many customers keeps the banner a screen long.
func TestBannerShortensAFixtureOfManyCustomers(t *testing.T) {
	t.Parallel()
	dir := copyFixtures(t)
	path := filepath.Join(dir, "otark.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var many strings.Builder
	for i := range 200 {
		fmt.Fprintf(&many, "      - {id: cust_many%03d, name: Many, status: pending, assigned_at: 2026-03-12T07:30:00Z, created_at: 2026-03-11T18:05:00Z}\n", i)
	}
	b = bytes.Replace(b, []byte("    customers:\n"), []byte("    customers:\n"+many.String()), 1)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, nil, "--addr", "127.0.0.1:0", "--fixtures", dir)
	if !strings.Contains(s.banner, "more; GET "+s.base+"/__admin/state lists them all") || strings.Contains(s.banner, "cust_many199") {
		t.Fatalf("banner:\n%s", s.banner)
	}
	if _, state := get(t, s.base+"/__admin/state", nil); !strings.Contains(state, "cust_many199") {
		t.Fatal("the state lacks the last customer")
	}
}

// rewriteAsJSON turns a YAML fixture into the same data as one line of JSON.
func rewriteAsJSON(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
