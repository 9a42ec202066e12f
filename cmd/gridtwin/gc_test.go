package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The collector's headroom past the live heap is the same for a small heap
// and a large one, and a large heap gets at least gcMinPercent.
func TestGCPercentKeepsAFixedHeadroom(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 6400},       // nothing measured yet: as for 1 MiB
		{5 << 20, 1280}, // the default fixtures
		{16 << 20, 400}, // the headroom alone
		{40 << 20, 200}, // 100,000 customers: the floor, not 160
		{1 << 30, 200},  // never below the floor
	} {
		if got := gcPercent(tc.live); got != tc.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tc.live>>20, got, tc.want)
		}
		if heap := tc.live + tc.live*uint64(gcPercent(tc.live))/100; tc.live >= 1<<20 && tc.live <= gcHeadroom*100/gcMinPercent && heap != tc.live+gcHeadroom {
			t.Errorf("live %d MiB: heap goal %d MiB, want live + %d MiB", tc.live>>20, heap>>20, gcHeadroom>>20)
		}
	}
}

// The headroom goes back in the first quiet second after a load, once per
// load: not under load, not after next to no allocation, not twice.
func TestIdleReleaseFiresOnceWhenTheLoadStops(t *testing.T) {
	r := idleRelease{}
	var allocs uint64
	for i, tc := range []struct {
		allocated uint64 // in the last second
		want      bool
	}{
		{idleAllocs / 2, false},   // quiet, but nothing to give back
		{releaseAfter / 2, false}, // load
		{releaseAfter, false},     // load: enough to give back, not quiet
		{idleAllocs / 2, true},    // the first quiet second
		{idleAllocs / 2, false},   // given back already
		{idleAllocs, false},       // a trickle is load
		{releaseAfter / 2, false}, // load, not yet enough since
		{0, false},                // quiet, but too little since the release
		{2 * releaseAfter, false}, // load
		{idleAllocs - 1, true},    // quiet again
	} {
		allocs += tc.allocated
		if got := r.due(allocs); got != tc.want {
			t.Errorf("second %d (%d bytes): due = %v, want %v", i, tc.allocated, got, tc.want)
		}
	}
	// What the start touched counts, but is held for the first ticks.
	r = idleRelease{sinceRelease: releaseAfter, holdTicks: 2}
	for i, want := range []bool{false, false, true} {
		if got := r.due(0); got != want {
			t.Errorf("quiet second %d after a warm start: due = %v, want %v", i, got, want)
		}
	}
}

// A serve process touches its headroom at start, for its first clients,
// and gives it back once the load stops and the first ticks have passed,
// without a request to tell it so.
func TestServeWarmsItsHeapAndHandsItBackWhenIdle(t *testing.T) {
	s := startServe(t, []string{"GOGC=", "GOMEMLIMIT="}, "--addr", "127.0.0.1:0", "--quiet")
	waitFor(t, func() bool { return residentMB(t, s.pid) >= 60 }, "the headroom touched at start (60 MB resident)")
	// 1 MiB bodies that are no JSON: each is read whole (otark's limit is
	// 1 MiB) and refused, so the load allocates 60-80 MB and keeps nothing.
	body := strings.Repeat("x", 1<<20)
	for range 40 {
		res, _ := request(t, http.MethodPatch, s.base+"/v1/customers/cust_r8s9t0u1",
			map[string]string{"X-Api-Key": "otk_demo_write_nordlicht", "Content-Type": "application/json"}, body)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("1 MiB of x: %d, want 400 invalid_json", res.StatusCode)
		}
	}
	loaded := residentMB(t, s.pid)
	// The warm pages are held for warmFor ticks, then the first quiet
	// second gives everything back.
	deadline := time.Now().Add(time.Duration(warmFor+10) * gcRetuneEvery)
	for residentMB(t, s.pid) >= 45 {
		if time.Now().After(deadline) {
			t.Fatalf("resident %d MB after the load, still %d MB at %s", loaded, residentMB(t, s.pid), deadline.Format(time.TimeOnly))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// residentMB is VmRSS of process pid.
func residentMB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatalf("VmRSS line %q: %v", line, err)
			}
			return kb >> 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
