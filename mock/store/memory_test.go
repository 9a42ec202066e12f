package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/store"
)

// The in-memory store runs the rule check outside its lock: a check that
// read a record another write then changed runs again on the new one, and
// after three lost races it runs under the lock, so it always ends.
func TestMemoryUpdateRunsAgainAfterAWriteInBetween(t *testing.T) {
	ctx := context.Background()
	sess, err := store.NewMemory(store.Options{}).Open(ctx, store.DefaultSession)
	if err != nil {
		t.Fatal(err)
	}
	type record struct{ N int }
	tbl := store.NewTable("test.records", map[string]record{"a": {N: 1}, "other": {N: 0}})
	add10 := func(r record) (record, error) { return record{N: r.N + 10}, nil }
	// interfere writes key from another goroutine, as another request
	// would, and reports whether that write landed within wait.
	var pending []chan error
	interfere := func(key string, wait time.Duration) bool {
		done := make(chan error, 1)
		pending = append(pending, done)
		go func() {
			_, err := tbl.Update(ctx, sess, key, add10)
			done <- err
		}()
		select {
		case err := <-done:
			done <- err
			return err == nil
		case <-time.After(wait):
			return false
		}
	}
	var seen []int
	got, err := tbl.Update(ctx, sess, "a", func(cur record) (record, error) {
		seen = append(seen, cur.N)
		key := "other" // the first write in between is to this very record
		if len(seen) == 1 {
			key = "a"
		}
		switch {
		case len(seen) <= 3 && !interfere(key, 5*time.Second):
			t.Errorf("run %d of the check held the lock: no other write could land", len(seen))
		case len(seen) == 4 && interfere("other", 300*time.Millisecond):
			t.Error("run 4 of the check let another write land: it must hold the lock")
		}
		return record{N: cur.N + 1}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, done := range pending {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 4 || seen[0] != 1 || seen[1] != 11 || seen[3] != 11 {
		t.Errorf("the check saw N %v, want [1 11 11 11]", seen)
	}
	if got.N != 12 {
		t.Errorf("Update answered N %d, want 12: the write in between kept, then its own", got.N)
	}
	if stored, _, _ := tbl.Get(ctx, sess, "a"); stored.N != 12 {
		t.Errorf("stored N %d, want 12", stored.N)
	}
	if other, _, _ := tbl.Get(ctx, sess, "other"); other.N != 30 {
		t.Errorf("other N %d, want 30: all three writes to it kept", other.N)
	}
}
