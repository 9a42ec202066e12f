package main

import "testing"

// The collector's headroom past the live heap is the same for a small heap
// and a large one, and a large heap is never collected more often than Go's
// default would.
func TestGCPercentKeepsAFixedHeadroom(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 6400},       // nothing measured yet: as for 1 MiB
		{5 << 20, 1280}, // the default fixtures
		{40 << 20, 160}, // 100,000 customers
		{64 << 20, 100}, // headroom equals the heap
		{1 << 30, 100},  // never below Go's default
	} {
		if got := gcPercent(tc.live); got != tc.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", tc.live>>20, got, tc.want)
		}
		if heap := tc.live + tc.live*uint64(gcPercent(tc.live))/100; tc.live >= 1<<20 && tc.live <= gcHeadroom && heap != tc.live+gcHeadroom {
			t.Errorf("live %d MiB: heap goal %d MiB, want live + %d MiB", tc.live>>20, heap>>20, gcHeadroom>>20)
		}
	}
}
