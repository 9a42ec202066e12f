package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// tuneGC trades memory for fewer collections, and keeps trading as the
// state grows. A mock's live heap is its fixtures plus what the requests
// wrote plus a few KB per request in flight. With Go's default GOGC=100 a
// small heap is collected dozens of times a second under load, and each
// collection stops the world and takes a core for its marking: on a
// loaded 2-core machine that is the tail latency (a p99 of 1.5-1.6x the
// bare handler's with GOGC=400, 1.4x with a 64 MiB headroom, make bench).
// A fixed percentage would let a large heap grow to many times its size.
// So the collector gets a fixed headroom past the live heap (gcPercent),
// recomputed every gcRetuneEvery from the live heap the last collection
// measured: a session that writes all of 100,000 customers doubles the
// live heap, and a percentage chosen at start would double the headroom
// with it.
//
// It sets no memory limit. A soft limit near the live heap (it was 16 MiB
// above it) is crossed by any burst: a thousand requests in flight hold
// their connection buffers and bodies at once, the live heap jumps past the
// limit, and the collector runs back to back (20 cycles per burst of 1,000
// PATCHes, 2.6 times slower than Go's default, in make bench's burst
// scenario). A limit far enough above to never be crossed would not bound
// anything. GOGC or GOMEMLIMIT in the environment take precedence.
//
// Reading the fixtures and printing the banner leave garbage behind (a
// 100,000 customer file: about 220 MB allocated for 40 MB kept); handing it
// back to the system first keeps the resident set near the live heap from
// the start. The headroom goes back too once the load stops (idleRelease):
// a mock sits idle most of a developer's day. Until then, the start touches
// the headroom once (warmHeap), so that the first clients, a test suite
// starting, are not the ones who pay its page faults. The returned function
// stops the retuning.
func tuneGC() (stop func()) {
	debug.FreeOSMemory()
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := gcPercent(liveHeap())
	debug.SetGCPercent(percent)
	done := make(chan struct{})
	go func() {
		warmed := warmHeap(liveHeap())
		tick := time.NewTicker(gcRetuneEvery)
		defer tick.Stop()
		idle := idleRelease{lastAllocs: heapAllocs(), sinceRelease: warmed, holdTicks: warmFor}
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if idle.due(heapAllocs()) {
					debug.FreeOSMemory()
				}
				// SetGCPercent only when it changes: each call recomputes
				// the pacer under the heap lock.
				if p := gcPercent(liveHeap()); p != percent {
					percent = p
					debug.SetGCPercent(p)
				}
			}
		}
	}()
	return func() { close(done) }
}

// idleRelease decides when to hand the heap's headroom back to the system:
// in the first second the server allocated next to nothing (idleAllocs)
// after it had allocated at least releaseAfter since the last release. The
// headroom is pages the load touched and the collector freed; Go's own
// scavenger keeps them, as they are under the heap goal, so a process
// that served a run would hold 100-114 MB for the rest of the day where it
// needs about 35 (make bench). Under load it never fires, and the first
// load after a release touches the pages again, once.
type idleRelease struct {
	lastAllocs   uint64
	sinceRelease uint64
	// holdTicks keeps what warmHeap touched for the first ticks, quiet or
	// not: the clients a start is for may take a few seconds to come.
	holdTicks int
}

const (
	// idleAllocs is about 90 PATCHes a second: below it the headroom
	// serves no one.
	idleAllocs = 1 << 20
	// releaseAfter is a quarter of the headroom: less than that allocated
	// since the last release leaves little to give back.
	releaseAfter = gcHeadroom / 4
)

// due takes the bytes allocated so far, once every gcRetuneEvery, and says
// whether to release now.
func (r *idleRelease) due(allocs uint64) bool {
	step := allocs - r.lastAllocs
	r.lastAllocs = allocs
	r.sinceRelease += step
	if r.holdTicks > 0 {
		r.holdTicks--
		return false
	}
	if step >= idleAllocs || r.sinceRelease < releaseAfter {
		return false
	}
	r.sinceRelease = 0
	return true
}

// warmHeap touches the heap's first gcHeadroom bytes once and hands them
// to the collector, and returns how many it touched. A heap that grows
// into its headroom faults in a fresh page every 4 KiB: in make bench's
// bursts of 1,000 new connections that made serve's tuning 1.05-1.09x the
// time of Go's default GC, whose small heap reuses its pages, and
// 0.97-1.02x with the pages touched at start (four runs of 25 bursts
// each). A large heap is left alone: it was loaded from fixtures, its
// start is long already, and touching pages beside it would only add to
// its resident set.
func warmHeap(live uint64) uint64 {
	if live >= warmBelow {
		return 0
	}
	b := make([]byte, gcHeadroom-live)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	n := uint64(len(b))
	b = nil
	// The block's pages go back to the heap's free pages, still mapped,
	// where the next allocations find them.
	runtime.GC()
	return n
}

const (
	// warmFor is how many ticks warmHeap's pages are kept whatever the load.
	warmFor = 10
	// warmBelow is the live heap past which warmHeap touches nothing: the
	// default fixtures hold about 5 MB, 100,000 customers about 40 MB.
	warmBelow = gcHeadroom / 4
)

// gcRetuneEvery is often enough to follow a heap that grows by writes (at
// 15,000 PATCHes/s, 100,000 customers take seven seconds to rewrite) and
// rare enough to cost nothing.
const gcRetuneEvery = time.Second

// gcHeadroom is how far past the live heap the heap may grow between
// collections: the default fixtures (about 5 MB live) get GOGC of about
// 1300. It costs resident memory (the default fixtures' process holds
// about 110 MB after make bench's load, 55 MB with GOGC=400) and buys a
// collection every 64 MiB allocated instead of every 20: a third of the
// stops.
//
// A collection's marking grows with the live heap, so a large heap gets at
// least gcMinPercent: 100,000 customers (40 MB live) get 200, not the 160
// the headroom alone would give. With 160 their PATCH ran at 0.85-0.88x of
// the default fixtures' (make bench's scale scenario), with 200 at
// 0.90-0.94x, holding about 240 MB instead of 167 MB once every customer
// was written.
const (
	gcHeadroom   = 64 << 20
	gcMinPercent = 200
)

func gcPercent(live uint64) int {
	// Before the first collection has measured anything, a heap of 1 MiB.
	live = max(live, 1<<20)
	return int(max(gcMinPercent, gcHeadroom*100/live))
}

// liveHeap is the heap the last collection found reachable. runtime/metrics
// reads it without stopping the world, unlike runtime.ReadMemStats.
func liveHeap() uint64 { return readUint64("/gc/heap/live:bytes") }

// heapAllocs is every byte allocated on the heap since the start.
func heapAllocs() uint64 { return readUint64("/gc/heap/allocs:bytes") }

func readUint64(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
