package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gridtwin/gridtwin/mock/journal"
)

// The faults a request can meet, WireMock's names in brackets: reset
// closes the connection with a TCP RST (CONNECTION_RESET_BY_PEER), empty
// closes it without a byte (EMPTY_RESPONSE), 500 and 503 answer that
// status in the vendor's dialect.
var faultKinds = []string{"reset", "empty", "500", "503"}

func isFault(s string) bool { return slices.Contains(faultKinds, s) }

// retryAfter is what a 503 fault asks the client to wait, in seconds.
const retryAfter = "1"

// ChaosOptions add latency and faults to every vendor API request.
type ChaosOptions struct {
	// LatencyMin and LatencyMax bound the latency added to each request,
	// drawn uniformly; equal values add a fixed latency.
	LatencyMin, LatencyMax time.Duration
	// FaultRate is the share of requests (0 to 1) that meet one of Faults,
	// chosen at random.
	FaultRate float64
	Faults    []string
	// Seed makes the draws repeatable: the same seed and the same sequence
	// of requests meet the same latencies and faults.
	Seed uint64
}

// ParseLatency reads "200ms" (fixed) or "50ms-400ms" (a range).
func ParseLatency(s string) (lo, hi time.Duration, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = time.ParseDuration(a); err != nil {
		return 0, 0, fmt.Errorf("latency %q: %q is not a duration such as 200ms", s, a)
	}
	hi = lo
	if isRange {
		if hi, err = time.ParseDuration(b); err != nil {
			return 0, 0, fmt.Errorf("latency %q: %q is not a duration such as 400ms", s, b)
		}
	}
	if lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("latency %q: want 0 <= low <= high", s)
	}
	return lo, hi, nil
}

// ParseFaults reads a comma-separated list of fault kinds.
func ParseFaults(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !isFault(f) {
			return nil, fmt.Errorf("fault %q: the faults are %s", f, strings.Join(faultKinds, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

type chaos struct {
	opts ChaosOptions
	mu   sync.Mutex
	rng  *rand.Rand
}

func newChaos(opts ChaosOptions) *chaos {
	if len(opts.Faults) == 0 {
		opts.Faults = faultKinds
	}
	return &chaos{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))}
}

// draw picks this request's latency and fault: one lock, so that a seed
// gives the same sequence whatever the interleaving of the draws' callers.
func (c *chaos) draw() (time.Duration, string) {
	if c.opts.LatencyMax == 0 && c.opts.FaultRate <= 0 {
		return 0, ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	latency := c.opts.LatencyMin
	if spread := c.opts.LatencyMax - c.opts.LatencyMin; spread > 0 {
		latency += time.Duration(c.rng.Int64N(int64(spread) + 1))
	}
	fault := ""
	if c.opts.FaultRate > 0 && c.rng.Float64() < c.opts.FaultRate {
		fault = c.opts.Faults[c.rng.IntN(len(c.opts.Faults))]
	}
	return latency, fault
}

// apply waits and fails as the request and the options ask. It reports
// whether the vendor's handler should still answer.
func (c *chaos) apply(w http.ResponseWriter, r *http.Request, api API, p preferences) bool {
	latency, fault := c.draw()
	if p.hasDelay {
		latency = p.delay
	}
	if p.fault != "" {
		fault = p.fault
	}
	if latency > 0 && !sleep(r.Context(), latency) {
		return false // the client left
	}
	if fault == "" {
		return true
	}
	journal.Decide(r, "mock/fault-"+fault)
	switch fault {
	case "reset", "empty":
		closeConnection(w, fault == "reset")
	default:
		status, _ := strconv.Atoi(fault)
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeServerError(w, r, api, status, "gridtwin: fault "+fault+" injected (Prefer: fault or --fault-rate)")
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// closeConnection drops the connection without an answer; with reset, as a
// TCP RST (linger 0), so the client sees "connection reset by peer".
func closeConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot hand its connection over: abort the stream instead.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// writeServerError answers a fault in the API's dialect (otark's
// problem+json, podero's {"detail": ...}, esmart's {"Message": ...}); the
// message says what the mock did.
func writeServerError(w http.ResponseWriter, r *http.Request, api API, status int, message string) {
	api.WriteError(w, r, status, message)
}
