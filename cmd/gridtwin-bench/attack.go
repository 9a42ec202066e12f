package main

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// scenario is one kind of request driven at one server.
type scenario struct {
	Name string
	// Server names the process the scenario runs against.
	Server string
	// target fills in the request for hit number seq; it must be safe for
	// concurrent use, as vegeta calls it from every worker.
	target func(t *vegeta.Target, seq uint64)
	// expect tells an answered request from an error.
	expect func(code int) bool
	// ExpectText describes expect for the report.
	ExpectText string
}

// result holds one scenario's figures.
type result struct {
	Scenario        string         `json:"scenario"`
	Server          string         `json:"server"`
	Expect          string         `json:"expect"`
	Requests        uint64         `json:"requests"`
	RequestsPerSec  float64        `json:"requests_per_sec"`
	P50Ms           float64        `json:"p50_ms"`
	P99Ms           float64        `json:"p99_ms"`
	MaxMs           float64        `json:"max_ms"`
	Errors          uint64         `json:"errors"`
	StatusCodes     map[string]int `json:"status_codes"`
	TransportErrors []string       `json:"transport_errors,omitempty"`
	RatioToBaseline float64        `json:"ratio_to_baseline"`
}

type loadConfig struct {
	Connections int
	Duration    time.Duration
	Warmup      time.Duration
}

func successful(code int) bool { return code >= 200 && code < 300 }

// probe sends one request outside the measurement and checks its answer, so
// a misconfigured scenario fails loudly instead of being timed as errors.
func probe(sc scenario, baseURL string) error {
	var t vegeta.Target
	sc.target(&t, 0)
	t.URL = baseURL + t.URL
	req, err := t.Request()
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if !sc.expect(resp.StatusCode) {
		return fmt.Errorf("%s %s answered %d, want %s: %s", t.Method, t.URL, resp.StatusCode, sc.ExpectText, body)
	}
	return nil
}

// run drives the scenario as fast as the server answers (closed model: a
// fixed set of workers, each sending its next request when the previous one
// is answered) over a fixed number of keep-alive connections.
func run(sc scenario, baseURL string, cfg loadConfig) result {
	var seq atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		sc.target(t, seq.Add(1))
		t.URL = baseURL + t.URL
		return nil
	}
	attack := func(d time.Duration, measure func(*vegeta.Result)) {
		a := vegeta.NewAttacker(
			vegeta.Workers(uint64(cfg.Connections)),
			vegeta.MaxWorkers(uint64(cfg.Connections)),
			vegeta.Connections(cfg.Connections),
			vegeta.MaxConnections(cfg.Connections),
			vegeta.KeepAlive(true),
			// The figures need only the status code; reading bodies into the
			// results would spend the cores the server needs.
			vegeta.MaxBody(0),
			vegeta.Redirects(vegeta.NoFollow),
		)
		for res := range a.Attack(targeter, vegeta.Rate{Freq: 0}, d, sc.Name) {
			measure(res)
		}
	}
	if cfg.Warmup > 0 {
		attack(cfg.Warmup, func(*vegeta.Result) {})
	}

	var m vegeta.Metrics
	r := result{Scenario: sc.Name, Server: sc.Server, Expect: sc.ExpectText}
	transportErrs := map[string]bool{}
	attack(cfg.Duration, func(res *vegeta.Result) {
		m.Add(res)
		if res.Code == 0 {
			transportErrs[res.Error] = true
		}
		if !sc.expect(int(res.Code)) {
			r.Errors++
		}
	})
	m.Close()
	r.Requests = m.Requests
	if d := (m.Duration + m.Wait).Seconds(); d > 0 {
		r.RequestsPerSec = float64(m.Requests) / d
	}
	r.P50Ms = ms(m.Latencies.P50)
	r.P99Ms = ms(m.Latencies.P99)
	r.MaxMs = ms(m.Latencies.Max)
	r.StatusCodes = m.StatusCodes
	for e := range transportErrs {
		r.TransportErrors = append(r.TransportErrors, e)
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
