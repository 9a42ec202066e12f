package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The burst scenario: many clients arrive at once, each on its own new
// connection with one PATCH, as when a test suite or a fleet of frontends
// starts. It is where a GC tuning shows its worst case: every request in
// flight holds its buffers at the same moment, so the live heap jumps far
// above the idle one. The same bursts go, in turns, to gridtwin with
// serve's own tuning and to gridtwin with Go's default GC (GOGC=100 in the
// environment, which serve leaves alone), and the report compares the two.

// burstFigures are one server's bursts.
type burstFigures struct {
	Server string `json:"server"`
	// MedianMs is the median over the bursts of the time from releasing the
	// clients to the last answer.
	MedianMs float64 `json:"median_ms"`
	MaxMs    float64 `json:"max_ms"`
	// GCPerBurst is the server's GC cycles during the bursts, per burst.
	GCPerBurst float64 `json:"gc_cycles_per_burst"`
	Errors     int     `json:"errors"`
}

type burstReport struct {
	Connections int            `json:"connections"`
	Bursts      int            `json:"bursts"`
	Servers     []burstFigures `json:"servers"`
	// Ratio is the tuned server's median over the default GC's.
	Ratio float64 `json:"ratio_tuned_to_default_gc"`
}

// burst releases n clients at once, each with its own connection and one
// request, and returns the time to the last answer and the failed answers.
func burst(sc scenario, baseURL string, n int, seq *uint64) (time.Duration, int) {
	transport := &http.Transport{DisableKeepAlives: true, MaxIdleConns: -1}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	reqs := make([]*http.Request, n)
	for i := range reqs {
		var t vegeta.Target
		*seq++
		sc.target(&t, *seq)
		req, err := http.NewRequest(t.Method, baseURL+t.URL, bytes.NewReader(t.Body))
		if err != nil {
			panic(err) // the scenario builds its own requests
		}
		req.Header = t.Header
		reqs[i] = req
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	start := make(chan struct{})
	for _, req := range reqs {
		wg.Go(func() {
			<-start
			resp, err := client.Do(req)
			ok := err == nil && sc.expect(resp.StatusCode)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if !ok {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	return time.Since(began), failed
}

// gcCycleOf reads N from a GODEBUG=gctrace=1 line, "gc N @...".
func gcCycleOf(line []byte) (int, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("gc "))
	if !ok {
		return 0, false
	}
	num, _, ok := bytes.Cut(rest, []byte(" @"))
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(string(num))
	return n, err == nil
}

// runBursts sends rounds bursts of n to each server in turn, so that the
// machine's changing load falls on both alike, and in alternating order,
// so that neither always comes first.
func runBursts(sc scenario, servers []*server, n, rounds int) burstReport {
	rep := burstReport{Connections: n, Bursts: rounds}
	times := make([][]time.Duration, len(servers))
	errs := make([]int, len(servers))
	gcBefore := make([]int, len(servers))
	for i, s := range servers {
		gcBefore[i] = s.stderr.GCCycles()
	}
	var seq uint64
	for round := range rounds {
		for k := range servers {
			// Every other round goes the other way round: the server that
			// follows a burst pays for its TIME_WAIT sockets and the
			// bench's own collection of the thousand clients before it.
			i := k
			if round%2 == 1 {
				i = len(servers) - 1 - k
			}
			d, failed := burst(sc, servers[i].baseURL, n, &seq)
			times[i] = append(times[i], d)
			errs[i] += failed
		}
	}
	for i, s := range servers {
		slices.Sort(times[i])
		rep.Servers = append(rep.Servers, burstFigures{
			Server:     s.name,
			MedianMs:   ms(times[i][len(times[i])/2]),
			MaxMs:      ms(times[i][len(times[i])-1]),
			GCPerBurst: float64(s.stderr.GCCycles()-gcBefore[i]) / float64(rounds),
			Errors:     errs[i],
		})
	}
	if len(rep.Servers) == 2 && rep.Servers[1].MedianMs > 0 {
		rep.Ratio = rep.Servers[0].MedianMs / rep.Servers[1].MedianMs
	}
	return rep
}

func (r *burstReport) print(w io.Writer) {
	fmt.Fprintf(w, "\nburst: %d bursts of %d new connections, one PATCH each\n", r.Bursts, r.Connections)
	for _, s := range r.Servers {
		fmt.Fprintf(w, "  %-34s median %8.1f ms  max %8.1f ms  %6.1f GC cycles/burst  %d errors\n",
			s.Server, s.MedianMs, s.MaxMs, s.GCPerBurst, s.Errors)
	}
	fmt.Fprintf(w, "  serve's tuning at %.2fx of Go's default GC\n", r.Ratio)
}
