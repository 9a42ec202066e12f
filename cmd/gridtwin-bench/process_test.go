package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The bench's own redis-server answers PING on the port it chose, and is
// gone, port and all, once the bench stops every server it started.
func TestStartRedisAnswersAndStopsWithTheBench(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed")
	}
	rs, why, err := startRedis("redis-server")
	if err != nil || why != "" {
		t.Fatalf("startRedis: %v %s", err, why)
	}
	if err := redisPing(rs.addr); err != nil {
		t.Fatalf("PING: %v", err)
	}
	running.stopAll()
	if rs.cmd.ProcessState == nil {
		t.Fatal("redis-server still running after stopAll")
	}
	if err := redisPing(rs.addr); err == nil {
		t.Error("redis-server still answers after stopAll")
	}
}

func TestStartRedisSkipsWithTheReasonWhenAbsent(t *testing.T) {
	rs, why, err := startRedis("gridtwin-no-such-redis-server")
	if err != nil || rs != nil || !strings.Contains(why, "gridtwin-no-such-redis-server not found") {
		t.Errorf("startRedis = %v, %q, %v; want a skip naming the binary", rs, why, err)
	}
}

// A cached Prism is used as it is; without one and without npm the reason
// names npm, so that the scenario is skipped rather than the bench failing.
func TestPrismBinUsesTheCacheOrNamesNPM(t *testing.T) {
	cache := t.TempDir()
	bin := filepath.Join(cache, "node_modules", ".bin", "prism")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	if got, err := prismBin(cache, os.Stderr); err != nil || got != bin {
		t.Errorf("prismBin(cache) = %q, %v; want %q", got, err, bin)
	}
	if _, err := prismBin(t.TempDir(), os.Stderr); err == nil || !strings.Contains(err.Error(), "npm not found") {
		t.Errorf("prismBin(empty) err = %v, want npm not found", err)
	}
}

func TestBenchMainRefusesUnknownKeys(t *testing.T) {
	for _, args := range [][]string{{"--only", "otark-valid,nope"}, {"--peers", "wiremock"}} {
		var stderr strings.Builder
		if code := benchMain(args, os.Stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "unknown") {
			t.Errorf("benchMain(%q) = %d, %q; want 2 and the unknown key", args, code, stderr.String())
		}
	}
}

// A server's stderr is a line per request under load: the bench keeps only
// its end, yet counts every GC trace line, also one split across reads.
func TestStderrLogCountsGCLinesAndKeepsOnlyTheEnd(t *testing.T) {
	script := `exec 1>&2
i=1
while [ $i -le 3000 ]; do
  printf 'time=2026-12-06T04:00:00Z level=INFO msg=request method=PATCH path=/api/customers/1001 status=200 n=%d\n' $i
  if [ $((i % 500)) -eq 0 ]; then printf 'gc %d @1.5s 0%%: 0.1+1+0.1 ms clock\n' $((i / 500)); fi
  i=$((i+1))
done
printf 'last words'`
	var log stderrLog
	cmd := exec.Command("sh", "-c", script)
	cmd.Stderr = &log
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if got := log.GCCycles(); got != 6 {
		t.Errorf("GC cycles = %d, want 6", got)
	}
	out := log.String()
	if len(out) > stderrTail || !strings.HasSuffix(out, "n=3000\ngc 6 @1.5s 0%: 0.1+1+0.1 ms clock\nlast words") {
		t.Errorf("kept %d bytes ending %q; want at most %d ending in the last lines", len(out), out[max(0, len(out)-40):], stderrTail)
	}
	if strings.Contains(out, "n=1 ") {
		t.Error("the first line is still kept")
	}
	var split stderrLog
	for _, part := range []string{"noise\ngc 4", "2 @0.1s 0%: ...\ngc 4", "3 @"} {
		_, _ = split.Write([]byte(part))
	}
	if got := split.GCCycles(); got != 42 {
		t.Errorf("GC cycles after a line split across writes = %d, want 42 (43 has not ended)", got)
	}
}
