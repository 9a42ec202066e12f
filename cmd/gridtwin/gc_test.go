package main

import "testing"

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
