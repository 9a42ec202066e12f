package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// scenario is one kind of request driven at one server.
type scenario struct {
	Name string
	// Server names the process the scenario runs against.
	Server string
	// Kind decides which goals the scenario's figures are checked against.
	Kind string
	// target fills in the request for hit number seq; it must be safe for
	// concurrent use, as vegeta calls it from every worker.
	target func(t *vegeta.Target, seq uint64)
	// expect tells an answered request from an error.
	expect func(code int) bool
	// ExpectText describes expect for the report.
	ExpectText string
	// Reference names the scenario whose figures this one's ratios and
	// goals are taken against; "" is the bare baseline, the first.
	Reference string
}

// result holds one scenario's figures.
type result struct {
	Scenario       string  `json:"scenario"`
	Server         string  `json:"server"`
	Kind           string  `json:"kind"`
	Expect         string  `json:"expect"`
	Requests       uint64  `json:"requests"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	P50Ms          float64 `json:"p50_ms"`
	P99Ms          float64 `json:"p99_ms"`
	MaxMs          float64 `json:"max_ms"`
	Errors         uint64  `json:"errors"`
	// Reference is the scenario the ratios are taken against: an API
	// scenario's same-request baseline, else the bare baseline.
	Reference       string         `json:"reference"`
	StatusCodes     map[string]int `json:"status_codes"`
	TransportErrors []string       `json:"transport_errors,omitempty"`
	RatioToBaseline float64        `json:"ratio_to_baseline"`
	// RatioToSharedBaseline is the requests/s over the first baseline's,
	// the bare handler answering an otark PATCH: the one yardstick of
	// every scenario, whatever its request.
	RatioToSharedBaseline float64 `json:"ratio_to_shared_baseline"`
	// RoundP99Ms is each round's own p99, in round order.
	RoundP99Ms []float64 `json:"round_p99_ms,omitempty"`
	// P99RatioToBaseline is the median, over the rounds, of the round's p99
	// over the reference's p99 in the same round: a scenario and its
	// reference both run in every round (an API scenario right after its
	// twin), so a neighbour's burst of load on the machine spoils one
	// round's pair, not the figure. It is the
	// pooled ratio (P99PooledRatio) when the two have no rounds to pair.
	P99RatioToBaseline float64 `json:"p99_ratio_to_baseline"`
	// P99PooledRatio is P99Ms over the reference's P99Ms: every request of
	// every round at once.
	P99PooledRatio float64 `json:"p99_pooled_ratio"`
	// ServerCPUPerRequestUs is the CPU time the server process used in the
	// measured windows over the requests answered in them, and its ratio
	// the same over the baseline's: the server's own cost, apart from the
	// load generator's share of the cores. 0: not measured (a peer, whose
	// work may run in processes of its own).
	ServerCPUPerRequestUs float64 `json:"server_cpu_us_per_request,omitempty"`
	CPURatioToBaseline    float64 `json:"cpu_ratio_to_baseline,omitempty"`
}

// The kinds of scenario, each with its own goals (docs/bench.md).
const (
	kindBaseline = "baseline"
	// kindTwin is a bare handler driven by an API scenario's own requests
	// and answering what gridtwin answered them: that scenario's limit.
	kindTwin = "baseline-same-request"
	// kindAPI is a vendor API request to gridtwin with its default
	// fixtures and in-memory store, compared with the baseline.
	kindAPI = "api"
	// kindRedis is the valid otark PATCH against the Redis store, compared
	// with the same request against the in-memory store.
	kindRedis = "redis"
	// kindScale is the valid otark PATCH with many customers, compared with
	// the default fixtures.
	kindScale = "scale"
	// kindPeer is the valid otark PATCH to another mock server, compared
	// with gridtwin's.
	kindPeer = "peer"
)

type loadConfig struct {
	Connections int
	// Duration is the measured time per scenario, split over Rounds.
	Duration time.Duration
	// Warmup precedes every round.
	Warmup time.Duration
	Rounds int
}

func successful(code int) bool { return code >= 200 && code < 300 }

// probe sends one request outside the measurement and checks its answer, so
// a misconfigured scenario fails loudly instead of being timed as errors. It
// returns the answer, which the scenario's same-request baseline repeats.
func probe(sc scenario, baseURL string) (answer, error) {
	var t vegeta.Target
	sc.target(&t, 0)
	t.URL = baseURL + t.URL
	req, err := t.Request()
	if err != nil {
		return answer{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProbeBody+1))
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: reading the answer: %w", t.Method, t.URL, err)
	}
	if !sc.expect(resp.StatusCode) {
		return answer{}, fmt.Errorf("%s %s answered %d, want %s: %.2048s", t.Method, t.URL, resp.StatusCode, sc.ExpectText, body)
	}
	if len(body) > maxProbeBody {
		return answer{}, fmt.Errorf("%s %s answered more than %d bytes", t.Method, t.URL, maxProbeBody)
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// maxProbeBody bounds the answer a probe keeps: the bench's scenarios
// answer a few KB.
const maxProbeBody = 1 << 20

// tally accumulates one scenario's rounds.
type tally struct {
	sc        scenario
	baseURL   string
	seq       atomic.Uint64
	metrics   vegeta.Metrics
	errors    uint64
	seconds   float64
	roundP99  []float64
	transport map[string]bool
	// cpu reads the server process's CPU time (nil: not measured); used
	// sums it over the measured windows, and cpuFailed stops it after an
	// error rather than report part of the rounds.
	cpu       func() (time.Duration, error)
	used      time.Duration
	cpuFailed bool
}

func newTally(sc scenario, baseURL string) *tally {
	return &tally{sc: sc, baseURL: baseURL, transport: map[string]bool{}}
}

// round drives the scenario for d as fast as the server answers (closed
// model: a fixed set of workers, each sending its next request when its
// previous one is answered) over a fixed number of keep-alive connections,
// after an unmeasured warm-up.
func (t *tally) round(cfg loadConfig, d time.Duration) {
	targeter := func(tg *vegeta.Target) error {
		t.sc.target(tg, t.seq.Add(1))
		tg.URL = t.baseURL + tg.URL
		return nil
	}
	// The warm-up opens the connections the measurement then uses; they
	// are closed at the end of the round, so that the server never holds
	// more than one round's connections (idle ones cost it memory).
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: vegeta.DefaultTimeout}
	// An Attacker stops for good at the end of an attack, so the warm-up
	// gets its own.
	attack := func(d time.Duration) <-chan *vegeta.Result {
		a := vegeta.NewAttacker(
			vegeta.Client(client),
			vegeta.Workers(uint64(cfg.Connections)),
			vegeta.MaxWorkers(uint64(cfg.Connections)),
			vegeta.Connections(cfg.Connections),
			vegeta.MaxConnections(cfg.Connections),
			vegeta.KeepAlive(true),
			// The figures need only the status code; reading bodies into
			// the results would spend the cores the server needs.
			vegeta.MaxBody(0),
			vegeta.Redirects(vegeta.NoFollow),
		)
		return a.Attack(targeter, vegeta.Rate{Freq: 0}, d, t.sc.Name)
	}
	if cfg.Warmup > 0 {
		for range attack(cfg.Warmup) {
		}
	}
	var first, last time.Time
	var latencies []time.Duration
	before := t.readCPU()
	for res := range attack(d) {
		t.metrics.Add(res)
		latencies = append(latencies, res.Latency)
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if end := res.End(); end.After(last) {
			last = end
		}
		if res.Code == 0 {
			t.transport[res.Error] = true
		}
		if !t.sc.expect(int(res.Code)) {
			t.errors++
		}
	}
	t.seconds += last.Sub(first).Seconds()
	t.roundP99 = append(t.roundP99, ms(p99(latencies)))
	if after := t.readCPU(); !t.cpuFailed {
		t.used += after - before
	}
}

// readCPU is the server's CPU time now, or 0 once a read has failed.
func (t *tally) readCPU() time.Duration {
	if t.cpu == nil || t.cpuFailed {
		return 0
	}
	d, err := t.cpu()
	t.cpuFailed = err != nil
	return d
}

// result sums the rounds: requests over the measured time of all rounds,
// percentiles over every request.
func (t *tally) result() result {
	m := &t.metrics
	m.Close()
	r := result{
		Scenario: t.sc.Name, Server: t.sc.Server, Kind: t.sc.Kind, Expect: t.sc.ExpectText, Reference: t.sc.Reference,
		Requests: m.Requests, Errors: t.errors, StatusCodes: m.StatusCodes, RoundP99Ms: t.roundP99,
		P50Ms: ms(m.Latencies.P50), P99Ms: ms(m.Latencies.P99), MaxMs: ms(m.Latencies.Max),
	}
	if t.seconds > 0 {
		r.RequestsPerSec = float64(m.Requests) / t.seconds
	}
	if t.cpu != nil && !t.cpuFailed && m.Requests > 0 {
		r.ServerCPUPerRequestUs = float64(t.used.Microseconds()) / float64(m.Requests)
	}
	for e := range t.transport {
		r.TransportErrors = append(r.TransportErrors, e)
	}
	return r
}

// run measures a scenario in one round of cfg.Duration.
func run(sc scenario, baseURL string, cfg loadConfig) result {
	t := newTally(sc, baseURL)
	t.round(cfg, cfg.Duration)
	return t.result()
}

// p99 is the latency that 99% of the requests did not exceed; 0 for none.
func p99(latencies []time.Duration) time.Duration {
	if len(latencies) == 0 {
		return 0
	}
	slices.Sort(latencies)
	return latencies[(len(latencies)*99+99)/100-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
