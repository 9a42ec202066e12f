package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/mock/store/redistest"
)

func TestOpenRedisRefusesAnUnreachableServer(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	_, err := store.OpenRedis(context.Background(), srv.URL(), store.Options{})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("OpenRedis of a stopped server = %v, want ErrUnavailable", err)
	}
	if _, err := store.OpenRedis(context.Background(), "http://nope", store.Options{}); err == nil {
		t.Fatal("OpenRedis accepted a URL that is not redis://")
	}
}

// TestRedisLostAndBack: every operation on a lost Redis fails with
// ErrUnavailable instead of waiting, and works again once it is back.
func TestRedisLostAndBack(t *testing.T) {
	srv := redistest.Start(t)
	s, err := store.OpenRedis(context.Background(), srv.URL(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tbl := store.NewTable("test.records", seed)
	ctx := context.Background()
	sess := open(t, s, "lost")
	bump := func(record) (record, error) { return record{N: 42}, nil }
	if _, err := tbl.Update(ctx, sess, "a", bump); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	now := time.Now()
	ops := map[string]func() error{
		"Open":   func() error { _, err := s.Open(ctx, "lost"); return err },
		"Get":    func() error { _, _, err := tbl.Get(ctx, sess, "a"); return err },
		"Update": func() error { _, err := tbl.Update(ctx, sess, "a", bump); return err },
		"All":    func() error { _, err := tbl.All(ctx, sess); return err },
		"Count":  func() error { _, err := sess.Count(ctx, "c", "k", now, time.Minute); return err },
		"Issue":  func() error { return sess.Issue(ctx, "t", "tok", "v", now.Add(time.Hour), now) },
		"Lookup": func() error { _, _, err := sess.Lookup(ctx, "t", "tok", now); return err },
		"Reset":  func() error { return sess.Reset(ctx) },
	}
	for name, op := range ops {
		if err := withinBound(t, op); !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s on a lost Redis = %v, want ErrUnavailable", name, err)
		}
	}

	srv.Start() // an empty Redis: the session starts again from the fixtures
	if got := mustGet(t, tbl, open(t, s, "lost"), "a"); got.N != 1 {
		t.Fatalf("after the restart a = %+v, want the fixture", got)
	}
	if _, err := tbl.Update(ctx, sess, "a", bump); err != nil {
		t.Fatalf("Update after the restart: %v", err)
	}
}

// withinBound runs op and fails the test if it has not returned after a
// bound far above the store's timeouts: it guards against a hang, it does
// not measure speed.
func withinBound(t *testing.T, op func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("a store operation hung on a lost Redis")
		return nil
	}
}

// Two replicas on one Redis write the same record in turn and at once. Each
// starts its compare-and-set from what it saw last, which the other has
// made stale: every such guess must be caught, and no increment lost, also
// across a reset by the other replica.
func TestRedisReplicasNeverWriteOverEachOther(t *testing.T) {
	srv := redistest.Start(t)
	var replicas [2]store.Session
	for i := range replicas {
		s, err := store.OpenRedis(context.Background(), srv.URL(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		replicas[i] = open(t, s, "shared")
	}
	tbl := store.NewTable("test.records", seed)
	ctx := context.Background()
	inc := func(cur record) (record, error) { return record{N: cur.N + 1}, nil }
	for i := range 10 {
		if _, err := tbl.Update(ctx, replicas[i%2], "b", inc); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, tbl, replicas[0], "b"); got.N != 12 {
		t.Fatalf("after 10 alternating writes b.N = %d, want 12", got.N)
	}
	parallel(t, 200, func(i int) error {
		_, err := tbl.Update(ctx, replicas[i%2], "b", inc)
		return err
	})
	if got := mustGet(t, tbl, replicas[1], "b"); got.N != 212 {
		t.Fatalf("after 200 concurrent writes b.N = %d, want 212", got.N)
	}
	if err := replicas[1].Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := tbl.Update(ctx, replicas[0], "b", inc); err != nil || got.N != 3 {
		t.Fatalf("first write after the other replica's reset = %+v, %v; want N 3 (the fixture's 2, plus one)", got, err)
	}
}
