package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/mock/store/redistest"
)

// clock is a fake clock the tests move by hand.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// factory builds a fresh, empty store with opts.
type factory func(t *testing.T, opts store.Options) store.Store

// TestContract holds both stores to the same contract: every case runs
// against Memory and against a real redis-server.
func TestContract(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		runContract(t, func(t *testing.T, opts store.Options) store.Store { return store.NewMemory(opts) })
	})
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		runContract(t, func(t *testing.T, opts store.Options) store.Store {
			srv.Flush()
			r, err := store.OpenRedis(context.Background(), srv.URL(), opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = r.Close() })
			return r
		})
	})
}

func runContract(t *testing.T, newStore factory) {
	for _, c := range contractCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore) })
	}
}

// record is what the cases store: a little document with a map, as a
// vendor's customer is.
type record struct {
	N    int               `json:"n"`
	Tags map[string]string `json:"tags"`
}

var seed = map[string]record{
	"a": {N: 1, Tags: map[string]string{"fixture": "yes"}},
	"b": {N: 2},
}

func open(t *testing.T, s store.Store, name string) store.Session {
	t.Helper()
	sess, err := s.Open(context.Background(), name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	return sess
}

func mustGet(t *testing.T, tbl *store.Table[record], sess store.Session, key string) record {
	t.Helper()
	r, ok, err := tbl.Get(context.Background(), sess, key)
	if err != nil || !ok {
		t.Fatalf("Get(%q) = %v, %v, %v", key, r, ok, err)
	}
	return r
}

var contractCases = []struct {
	name string
	run  func(t *testing.T, newStore factory)
}{
	{"a table reads its fixtures until the session writes", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		tbl := store.NewTable("test.records", seed)
		if got := mustGet(t, tbl, sess, "a"); got.N != 1 || got.Tags["fixture"] != "yes" {
			t.Fatalf("fixture a = %+v", got)
		}
		got, err := tbl.Update(ctx, sess, "a", func(cur record) (record, error) {
			return record{N: cur.N + 10, Tags: cur.Tags}, nil
		})
		if err != nil || got.N != 11 {
			t.Fatalf("Update = %+v, %v; want N=11", got, err)
		}
		if got := mustGet(t, tbl, sess, "a"); got.N != 11 || got.Tags["fixture"] != "yes" {
			t.Fatalf("after update a = %+v, want N=11 with the fixture's tags", got)
		}
		all, err := tbl.All(ctx, sess)
		if err != nil || len(all) != 2 || all["a"].N != 11 || all["b"].N != 2 {
			t.Fatalf("All = %+v, %v", all, err)
		}
		if _, err := tbl.Update(ctx, sess, "missing", func(r record) (record, error) { return r, nil }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Update of a key without fixture = %v, want ErrNotFound", err)
		}
		if _, ok, _ := tbl.Get(ctx, sess, "missing"); ok {
			t.Fatal("Get of a key without fixture found something")
		}
	}},
	{"a failing update writes nothing", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		tbl := store.NewTable("test.records", seed)
		refused := errors.New("rule broken")
		_, err := tbl.Update(ctx, sess, "a", func(cur record) (record, error) { return record{N: 99}, refused })
		if !errors.Is(err, refused) {
			t.Fatalf("Update = %v, want fn's error", err)
		}
		if got := mustGet(t, tbl, sess, "a"); got.N != 1 {
			t.Fatalf("a = %+v after a failed update, want the fixture", got)
		}
	}},
	{"concurrent updates of one key lose nothing", func(t *testing.T, newStore factory) {
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		tbl := store.NewTable("test.records", seed)
		const writers = 40
		parallel(t, writers, func(i int) error {
			_, err := tbl.Update(context.Background(), sess, "b", func(cur record) (record, error) {
				tags := map[string]string{}
				for k, v := range cur.Tags {
					tags[k] = v
				}
				tags[fmt.Sprint("w", i)] = "x"
				return record{N: cur.N + 1, Tags: tags}, nil
			})
			return err
		})
		got := mustGet(t, tbl, sess, "b")
		if got.N != 2+writers || len(got.Tags) != writers {
			t.Fatalf("b = N %d with %d tags, want N %d with %d tags", got.N, len(got.Tags), 2+writers, writers)
		}
	}},
	{"concurrent updates of one key each get their own outcome", func(t *testing.T, newStore factory) {
		// The Redis store commits the updates that queue up on a record
		// together: a refused one must fail alone, and every accepted one
		// must answer the record as its own update left it.
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		tbl := store.NewTable("test.records", seed)
		refused := errors.New("rule broken")
		const writers = 60
		answers := make([]int, writers)
		parallel(t, writers, func(i int) error {
			got, err := tbl.Update(context.Background(), sess, "b", func(cur record) (record, error) {
				if i%3 == 0 {
					return record{N: -1}, refused
				}
				return record{N: cur.N + 1}, nil
			})
			switch {
			case i%3 == 0 && !errors.Is(err, refused):
				return fmt.Errorf("refused update %d = %+v, %v; want its own error", i, got, err)
			case i%3 != 0 && err != nil:
				return fmt.Errorf("accepted update %d failed: %v", i, err)
			}
			answers[i] = got.N
			return nil
		})
		accepted := writers - writers/3
		if got := mustGet(t, tbl, sess, "b"); got.N != 2+accepted {
			t.Fatalf("b.N = %d, want %d (the fixture's 2 plus each accepted update)", got.N, 2+accepted)
		}
		seen := map[int]bool{}
		for i, n := range answers {
			if i%3 != 0 && (n < 3 || n > 2+accepted || seen[n]) {
				t.Fatalf("accepted update %d answered N %d: each must answer a distinct N in 3..%d", i, n, 2+accepted)
			}
			seen[n] = true
		}
	}},
	{"sessions do not see each other's writes", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		s := newStore(t, store.Options{})
		def, one, two := open(t, s, store.DefaultSession), open(t, s, "one"), open(t, s, "two")
		tbl := store.NewTable("test.records", seed)
		for i, sess := range []store.Session{def, one, two} {
			if _, err := tbl.Update(ctx, sess, "a", func(record) (record, error) { return record{N: 100 + i}, nil }); err != nil {
				t.Fatal(err)
			}
		}
		for i, sess := range []store.Session{def, one, two} {
			if got := mustGet(t, tbl, open(t, s, sess.Name()), "a"); got.N != 100+i {
				t.Fatalf("session %q sees N=%d, want %d", sess.Name(), got.N, 100+i)
			}
		}
	}},
	{"reset forgets records, counters and tokens of that session only", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		s := newStore(t, store.Options{})
		def, one := open(t, s, store.DefaultSession), open(t, s, "one")
		tbl := store.NewTable("test.records", seed)
		now := newClock().now()
		for _, sess := range []store.Session{def, one} {
			if _, err := tbl.Update(ctx, sess, "a", func(record) (record, error) { return record{N: 7}, nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := sess.Count(ctx, "test.rate", "key", now, time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := sess.Issue(ctx, "test.tokens", "tok", "org", now.Add(time.Hour), now); err != nil {
				t.Fatal(err)
			}
		}
		if err := one.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, tbl, one, "a"); got.N != 1 {
			t.Fatalf("after reset one sees N=%d, want the fixture's 1", got.N)
		}
		if w, _ := one.Count(ctx, "test.rate", "key", now, time.Minute); w.Count != 1 {
			t.Fatalf("after reset the window counts %d, want a fresh 1", w.Count)
		}
		if _, ok, _ := one.Lookup(ctx, "test.tokens", "tok", now); ok {
			t.Fatal("after reset the token is still known")
		}
		if got := mustGet(t, tbl, def, "a"); got.N != 7 {
			t.Fatalf("the default session lost its write: N=%d", got.N)
		}
		if w, _ := def.Count(ctx, "test.rate", "key", now, time.Minute); w.Count != 2 {
			t.Fatalf("the default session's window counts %d, want 2", w.Count)
		}
		if v, ok, _ := def.Lookup(ctx, "test.tokens", "tok", now); !ok || v != "org" {
			t.Fatalf("the default session's token = %q, %v", v, ok)
		}
	}},
	{"a counter window opens at the first hit and lasts its length", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		clk := newClock()
		start := clk.now()
		for i := 1; i <= 3; i++ {
			w, err := sess.Count(ctx, "test.rate", "k", clk.now(), time.Minute)
			if err != nil || w.Count != i || !w.Start.Equal(start) {
				t.Fatalf("hit %d = %+v, %v; want count %d from %v", i, w, err, i, start)
			}
			clk.advance(10 * time.Second)
		}
		if w, _ := sess.Count(ctx, "test.rate", "other", clk.now(), time.Minute); w.Count != 1 {
			t.Fatalf("another key counts %d, want 1", w.Count)
		}
		clk.advance(time.Minute)
		w, err := sess.Count(ctx, "test.rate", "k", clk.now(), time.Minute)
		if err != nil || w.Count != 1 || !w.Start.Equal(clk.now()) {
			t.Fatalf("after the window = %+v, %v; want a new window", w, err)
		}
	}},
	{"concurrent hits are all counted", func(t *testing.T, newStore factory) {
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		now := newClock().now()
		parallel(t, 50, func(int) error {
			_, err := sess.Count(context.Background(), "test.rate", "k", now, time.Minute)
			return err
		})
		if w, _ := sess.Count(context.Background(), "test.rate", "k", now, time.Minute); w.Count != 51 {
			t.Fatalf("count = %d, want 51", w.Count)
		}
	}},
	{"concurrent hits each get their own place in the window", func(t *testing.T, newStore factory) {
		// The Redis store counts the hits that queue up on a counter
		// together: each must still answer its own count.
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		now := newClock().now()
		const hits = 60
		counts := make([]int, hits)
		parallel(t, hits, func(i int) error {
			w, err := sess.Count(context.Background(), "test.rate", "k", now, time.Minute)
			counts[i] = w.Count
			if err == nil && !w.Start.Equal(now) {
				err = fmt.Errorf("hit %d: window from %v, want %v", i, w.Start, now)
			}
			return err
		})
		slices.Sort(counts)
		for i, c := range counts {
			if c != i+1 {
				t.Fatalf("counts = %v, want each of 1 to %d once", counts, hits)
			}
		}
	}},
	{"tokens live until they expire", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		sess := open(t, newStore(t, store.Options{}), store.DefaultSession)
		clk := newClock()
		if err := sess.Issue(ctx, "test.tokens", "t1", "org-1", clk.now().Add(time.Hour), clk.now()); err != nil {
			t.Fatal(err)
		}
		clk.advance(30 * time.Minute)
		if err := sess.Issue(ctx, "test.tokens", "t2", "org-2", clk.now().Add(time.Hour), clk.now()); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := sess.Lookup(ctx, "test.tokens", "t1", clk.now()); err != nil || !ok || v != "org-1" {
			t.Fatalf("t1 = %q, %v, %v", v, ok, err)
		}
		if n, _ := sess.LiveTokens(ctx, "test.tokens", clk.now()); n != 2 {
			t.Fatalf("live tokens = %d, want 2", n)
		}
		if _, ok, _ := sess.Lookup(ctx, "test.tokens", "nope", clk.now()); ok {
			t.Fatal("an unknown token was found")
		}
		clk.advance(30 * time.Minute) // t1 expires exactly now
		if _, ok, _ := sess.Lookup(ctx, "test.tokens", "t1", clk.now()); ok {
			t.Fatal("t1 is still valid at its expiry")
		}
		if n, _ := sess.LiveTokens(ctx, "test.tokens", clk.now()); n != 1 {
			t.Fatalf("live tokens = %d, want 1", n)
		}
	}},
	{"a session idle past its TTL starts again from the fixtures", func(t *testing.T, newStore factory) {
		ctx := context.Background()
		clk := newClock()
		s := newStore(t, store.Options{SessionTTL: time.Minute, Now: clk.now})
		tbl := store.NewTable("test.records", seed)
		if _, err := tbl.Update(ctx, open(t, s, "idle"), "a", func(record) (record, error) { return record{N: 5}, nil }); err != nil {
			t.Fatal(err)
		}
		clk.advance(50 * time.Second)
		if got := mustGet(t, tbl, open(t, s, "idle"), "a"); got.N != 5 {
			t.Fatalf("within the TTL N=%d, want 5", got.N)
		}
		clk.advance(50 * time.Second) // 50 s since the last use: still alive
		if got := mustGet(t, tbl, open(t, s, "idle"), "a"); got.N != 5 {
			t.Fatalf("used again within the TTL N=%d, want 5", got.N)
		}
		clk.advance(61 * time.Second)
		if got := mustGet(t, tbl, open(t, s, "idle"), "a"); got.N != 1 {
			t.Fatalf("after the TTL N=%d, want the fixture's 1", got.N)
		}
	}},
	{"past the session limit a new session is refused until one expires", func(t *testing.T, newStore factory) {
		clk := newClock()
		s := newStore(t, store.Options{SessionTTL: time.Minute, MaxSessions: 2, Now: clk.now})
		open(t, s, "one")
		open(t, s, "two")
		open(t, s, store.DefaultSession) // not counted
		if _, err := s.Open(context.Background(), "three"); !errors.Is(err, store.ErrTooManySessions) {
			t.Fatalf("third session: %v, want ErrTooManySessions", err)
		}
		open(t, s, "one") // a live session is still served
		clk.advance(45 * time.Second)
		open(t, s, "one")
		clk.advance(30 * time.Second) // "two" idle 75 s: expired; "one" 30 s
		open(t, s, "three")
		if _, err := s.Open(context.Background(), "four"); !errors.Is(err, store.ErrTooManySessions) {
			t.Fatalf("fourth session: %v, want ErrTooManySessions", err)
		}
	}},
	{"session names are bounded and of a safe charset", func(t *testing.T, newStore factory) {
		s := newStore(t, store.Options{})
		long := string(make([]byte, store.MaxSessionNameLen+1))
		for _, bad := range []string{"a b", "a:b", "a/b", "ü", "a\nb", "*", long} {
			if _, err := s.Open(context.Background(), bad); !errors.Is(err, store.ErrInvalidSession) {
				t.Errorf("Open(%q) = %v, want ErrInvalidSession", bad, err)
			}
		}
		open(t, s, "Run-42_a.b")
	}},
}

// parallel runs fn n times at once and fails on any error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if err := fn(i); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
