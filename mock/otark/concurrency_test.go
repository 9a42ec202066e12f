package otark

import (
	"fmt"
	"sync"
	"testing"
)

func TestConcurrentMetadataPatchesAllLand(t *testing.T) {
	e := newEnv(t, 1000)
	const writers = 64
	var wg sync.WaitGroup
	statuses := make([]int, writers)
	for i := range writers {
		wg.Go(func() {
			r := e.patch(custSeed, keyWrite, fmt.Sprintf(`{"metadata":{"writer_%02d":"%d"}}`, i, i))
			statuses[i] = r.Status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("writer %d: status %d", i, s)
		}
	}
	md := e.stateCustomer(custSeed).Metadata
	for i := range writers {
		if got := md[fmt.Sprintf("writer_%02d", i)]; got != fmt.Sprint(i) {
			t.Errorf("writer_%02d = %q, want %d", i, got, i)
		}
	}
	if md["region"] != "NRW" || len(md) != writers+3 {
		t.Errorf("metadata has %d keys (region %q), want %d", len(md), md["region"], writers+3)
	}
}
