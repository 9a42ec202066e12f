package main

import (
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The performance goals (docs/bench.md), each checked against the figures
// of the same run.
const (
	// goalAPIRatio and goalAPIP99Ratio bound every API scenario against its
	// same-request baseline (the bare handler driven by the same requests,
	// answering the same bytes): requests/s at least, p99 at most this many
	// times its.
	goalAPIRatio    = 0.8
	goalAPIP99Ratio = 1.5
	// goalRedisRatio bounds the valid otark PATCH with the Redis store
	// against the same request with the in-memory store.
	goalRedisRatio = 0.5
	// goalPeerRatio is how many times a peer's requests/s gridtwin answers.
	goalPeerRatio = 20.0
	// The 100k-customer fixture: its start, its memory, and its valid PATCH
	// against the default fixtures'.
	goalScaleFirstAnswerMs = 1500.0
	goalScaleResidentMB    = 150.0
	goalScaleRatio         = 0.9
	// goalBurstRatio bounds serve's GC tuning on a burst against Go's
	// default GC in the same run: no slower.
	goalBurstRatio = 1.0
	// The default fixtures' start and memory.
	goalFirstAnswerMs = 100.0
	goalResidentMB    = 40.0
)

// otarkValidName names the valid otark PATCH with the default fixtures and
// the in-memory store: the reference of the Redis, scale and peer figures.
const otarkValidName = "otark PATCH valid (metadata merge)"

type report struct {
	Time        string   `json:"time"`
	Commit      string   `json:"commit,omitempty"`
	GoVersion   string   `json:"go_version"`
	CPUs        int      `json:"cpus"`
	Connections int      `json:"connections"`
	DurationSec float64  `json:"duration_sec"`
	Rounds      int      `json:"rounds"`
	WarmupSec   float64  `json:"warmup_sec"`
	Results     []result `json:"results"`
	Gridtwin    struct {
		FirstAnswerMs float64 `json:"first_answer_ms"`
		// ResidentMB is read as the load ends; ResidentIdleMB
		// settleAfterRun later, once serve has handed its collector's
		// headroom back. The goal applies to the idle figure: the memory a
		// mock holds while it waits for the next run.
		ResidentMB     float64 `json:"resident_mb_after_run"`
		ResidentIdleMB float64 `json:"resident_mb_idle"`
	} `json:"gridtwin"`
	Scale   *scaleFigures `json:"scale,omitempty"`
	Redis   *redisFigures `json:"redis,omitempty"`
	Peers   []peerFigures `json:"peers,omitempty"`
	Burst   *burstReport  `json:"burst,omitempty"`
	Targets []target      `json:"targets"`
	Skipped []string      `json:"skipped,omitempty"`
	Missed  []string      `json:"missed,omitempty"`
}

type scaleFigures struct {
	Customers     int     `json:"customers"`
	FirstAnswerMs float64 `json:"first_answer_ms"`
	// ResidentLoadedMB is read once the fixtures are loaded, before any
	// load: what the customers cost. The goal applies to it. ResidentMB is
	// read after the run, whose PATCHes wrote every customer once more, so
	// it holds the fixtures and a session's copy of each.
	ResidentLoadedMB float64 `json:"resident_mb_loaded"`
	ResidentMB       float64 `json:"resident_mb_after_run"`
	// ResidentIdleMB is read settleAfterRun after the load, as for the
	// default fixtures.
	ResidentIdleMB float64 `json:"resident_mb_idle"`
	// RatioToDefault compares the valid otark PATCH with many customers to
	// the same scenario with the default fixtures.
	RatioToDefault float64 `json:"ratio_to_default_fixtures"`
}

type redisFigures struct {
	// RatioToMemory compares the valid otark PATCH with the Redis store to
	// the same request with the in-memory store.
	RatioToMemory float64 `json:"ratio_to_memory_store"`
}

type peerFigures struct {
	Peer           string  `json:"peer"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	// GridtwinRatio is gridtwin's requests/s over the peer's, same request.
	GridtwinRatio float64 `json:"gridtwin_ratio_to_peer"`
	// TwinRatio is the same over the PATCH's bare twin: the ratio a server
	// that does nothing but answer would reach in this run, the ceiling of
	// GridtwinRatio on this machine (0: no twin measured).
	TwinRatio float64 `json:"bare_twin_ratio_to_peer,omitempty"`
}

type target struct {
	Name  string  `json:"name"`
	Goal  string  `json:"goal"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Met   bool    `json:"met"`
}

func newReport(load loadConfig) report {
	r := report{
		Time:        time.Now().UTC().Format(time.RFC3339),
		GoVersion:   runtime.Version(),
		CPUs:        runtime.NumCPU(),
		Connections: load.Connections,
		DurationSec: load.Duration.Seconds(),
		Rounds:      load.Rounds,
		WarmupSec:   load.Warmup.Seconds(),
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		r.Commit = strings.TrimSpace(string(out))
	}
	return r
}

// add records a result. The bare baseline is measured first and a
// scenario's reference before it, so every result gets its ratios at once:
// to its reference (the baseline when it names none) and to the baseline.
func (r *report) add(res result) {
	res.RatioToBaseline, res.P99RatioToBaseline, res.P99PooledRatio, res.RatioToSharedBaseline = 1, 1, 1, 1
	if res.ServerCPUPerRequestUs > 0 {
		res.CPURatioToBaseline = 1
	}
	if len(r.Results) > 0 {
		shared, ref := &r.Results[0], &r.Results[0]
		if res.Reference != "" {
			if ref = r.find(res.Reference); ref == nil {
				panic("gridtwin-bench: " + res.Scenario + " measured before its reference " + res.Reference)
			}
		}
		res.Reference = ref.Scenario
		res.RatioToBaseline = quotient(res.RequestsPerSec, ref.RequestsPerSec)
		res.P99PooledRatio = quotient(res.P99Ms, ref.P99Ms)
		res.P99RatioToBaseline = pairedP99Ratio(res.RoundP99Ms, ref.RoundP99Ms, res.P99PooledRatio)
		res.CPURatioToBaseline = quotient(res.ServerCPUPerRequestUs, ref.ServerCPUPerRequestUs)
		res.RatioToSharedBaseline = quotient(res.RequestsPerSec, shared.RequestsPerSec)
	}
	r.Results = append(r.Results, res)
}

// pairedP99Ratio is the median over the rounds of each round's p99 ratio,
// or pooled when the rounds cannot be paired (a result of one round).
func pairedP99Ratio(rounds, ref []float64, pooled float64) float64 {
	if len(rounds) < 2 || len(rounds) != len(ref) {
		return pooled
	}
	ratios := make([]float64, len(rounds))
	for i := range rounds {
		if ratios[i] = quotient(rounds[i], ref[i]); ratios[i] == 0 {
			return pooled
		}
	}
	slices.Sort(ratios)
	if n := len(ratios); n%2 == 0 {
		return (ratios[n/2-1] + ratios[n/2]) / 2
	}
	return ratios[len(ratios)/2]
}

// quotient is a/b, or 0 when b is: a figure the run could not measure.
func quotient(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func (r *report) find(name string) *result {
	for i := range r.Results {
		if r.Results[i].Scenario == name {
			return &r.Results[i]
		}
	}
	return nil
}

// formatValue shows a figure in its unit: a ratio as 0.85x, a time as ms.
func formatValue(v float64, unit string) string {
	switch unit {
	case "x":
		return fmt.Sprintf("%.2fx", v)
	case "":
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
}

// atLeast and atMost record a target; of names what a ratio is taken of.
func (r *report) atLeast(name string, value, goal float64, unit, of string) {
	r.check(name, ">= "+formatValue(goal, unit)+of, value, unit, value >= goal)
}

func (r *report) atMost(name string, value, goal float64, unit, of string) {
	r.check(name, "<= "+formatValue(goal, unit)+of, value, unit, value <= goal)
}

func (r *report) check(name, goal string, value float64, unit string, met bool) {
	r.Targets = append(r.Targets, target{Name: name, Goal: goal, Value: value, Unit: unit, Met: met})
	if !met {
		r.Missed = append(r.Missed, fmt.Sprintf("%s %s (goal %s)", name, formatValue(value, unit), goal))
	}
}

// finish computes the ratios between scenarios and checks every goal.
func (r *report) finish() {
	for _, res := range r.Results {
		if res.Kind == kindAPI {
			of := " bare, same request"
			if res.Reference != twinName(res.Scenario) {
				of = " bare baseline"
			}
			r.atLeast(res.Scenario+" req/s", res.RatioToBaseline, goalAPIRatio, "x", of)
			r.atMost(res.Scenario+" p99", res.P99RatioToBaseline, goalAPIP99Ratio, "x", of+" p99")
		}
	}
	if mem := r.find(otarkValidName); mem != nil {
		r.compareToMemory(mem)
	}
	for _, res := range r.Results {
		if res.Errors > 0 {
			r.check(res.Scenario+" errors", "0", float64(res.Errors), "", false)
		}
	}
	if r.Burst != nil {
		r.atMost("burst time, serve's GC tuning / Go's default", r.Burst.Ratio, goalBurstRatio, "x", "")
		for _, s := range r.Burst.Servers {
			if s.Errors > 0 {
				r.check("burst errors, "+s.Server, "0", float64(s.Errors), "", false)
			}
		}
	}
	r.atMost("default fixtures: first answer", r.Gridtwin.FirstAnswerMs, goalFirstAnswerMs, "ms", "")
	r.atMost("default fixtures: resident, idle after the run", r.Gridtwin.ResidentIdleMB, goalResidentMB, "MB", "")
}

// compareToMemory checks the scenarios whose reference is the valid otark
// PATCH with the default fixtures and the in-memory store.
func (r *report) compareToMemory(mem *result) {
	for _, res := range r.Results {
		switch res.Kind {
		case kindRedis:
			r.Redis = &redisFigures{RatioToMemory: quotient(res.RequestsPerSec, mem.RequestsPerSec)}
			r.atLeast("redis store req/s", r.Redis.RatioToMemory, goalRedisRatio, "x", " in-memory")
		case kindPeer:
			p := peerFigures{Peer: res.Server, RequestsPerSec: res.RequestsPerSec,
				GridtwinRatio: quotient(mem.RequestsPerSec, res.RequestsPerSec)}
			if twin := r.find(mem.Reference); twin != nil && twin.Kind == kindTwin {
				p.TwinRatio = quotient(twin.RequestsPerSec, res.RequestsPerSec)
			}
			r.Peers = append(r.Peers, p)
			r.atLeast("gridtwin req/s vs "+p.Peer, p.GridtwinRatio, goalPeerRatio, "x", " "+p.Peer)
		case kindScale:
			if s := r.Scale; s != nil {
				s.RatioToDefault = quotient(res.RequestsPerSec, mem.RequestsPerSec)
				prefix := fmt.Sprintf("%d customers: ", s.Customers)
				r.atMost(prefix+"first answer", s.FirstAnswerMs, goalScaleFirstAnswerMs, "ms", "")
				r.atMost(prefix+"resident, loaded", s.ResidentLoadedMB, goalScaleResidentMB, "MB", "")
				r.atLeast(prefix+"req/s", s.RatioToDefault, goalScaleRatio, "x", " default fixtures")
			}
		}
	}
}

const rowFormat = "%-44s %7s %8s %8s %6s %8s %7s %8s %8s %7s %8s\n"

// printHeader names the columns. "p99 vs" is the median of the rounds'
// paired p99 ratios, the goal's figure; "p99 pool" is the p99 column over
// the reference's.
func (r *report) printHeader(w io.Writer) {
	fmt.Fprintf(w, rowFormat, "scenario", "req/s", "p50", "p99", "errors", "vs bare", "p99 vs", "p99 pool", "cpu/req", "cpu vs", "vs 1st")
}

func (r *report) printRow(w io.Writer, res result) {
	cpu, cpuRatio := "-", "-"
	if res.ServerCPUPerRequestUs > 0 {
		cpu = fmt.Sprintf("%.1fus", res.ServerCPUPerRequestUs)
		cpuRatio = fmt.Sprintf("%.2fx", res.CPURatioToBaseline)
	}
	fmt.Fprintf(w, rowFormat, res.Scenario,
		fmt.Sprintf("%.0f", res.RequestsPerSec),
		fmt.Sprintf("%.2fms", res.P50Ms), fmt.Sprintf("%.2fms", res.P99Ms),
		fmt.Sprint(res.Errors), fmt.Sprintf("%.2fx", res.RatioToBaseline), fmt.Sprintf("%.2fx", res.P99RatioToBaseline),
		fmt.Sprintf("%.2fx", res.P99PooledRatio), cpu, cpuRatio, fmt.Sprintf("%.2fx", res.RatioToSharedBaseline))
	if len(res.TransportErrors) > 0 {
		fmt.Fprintf(w, "    transport errors: %s\n", strings.Join(res.TransportErrors, "; "))
	}
}

func (r *report) printSummary(w io.Writer) {
	fmt.Fprintf(w, "\ngridtwin (default fixtures): first answer %.1f ms after start, resident %.1f MB as the load ended and %.1f MB %s later, idle\n",
		r.Gridtwin.FirstAnswerMs, r.Gridtwin.ResidentMB, r.Gridtwin.ResidentIdleMB, settleAfterRun)
	if s := r.Scale; s != nil {
		fmt.Fprintf(w, "gridtwin (%d otark customers): first answer %.1f ms after start, resident %.1f MB loaded, %.1f MB as the load ended (it wrote every customer) and %.1f MB idle, valid PATCH at %.2fx of default fixtures\n",
			s.Customers, s.FirstAnswerMs, s.ResidentLoadedMB, s.ResidentMB, s.ResidentIdleMB, s.RatioToDefault)
	}
	if s := r.Redis; s != nil {
		fmt.Fprintf(w, "gridtwin (redis store): valid PATCH at %.2fx of the in-memory store\n", s.RatioToMemory)
	}
	for _, p := range r.Peers {
		fmt.Fprintf(w, "%s: %.0f req/s on the valid PATCH; gridtwin answers %.1fx as many", p.Peer, p.RequestsPerSec, p.GridtwinRatio)
		if p.TwinRatio > 0 {
			fmt.Fprintf(w, " (its bare twin %.1fx)", p.TwinRatio)
		}
		fmt.Fprintln(w)
	}
	if r.Burst != nil {
		r.Burst.print(w)
	}
	fmt.Fprintln(w, "\nsummary: each target, measured vs goal (a report: the exit code does not depend on it)")
	for _, t := range r.Targets {
		mark := "PASS"
		if !t.Met {
			mark = "MISS"
		}
		fmt.Fprintf(w, "  %s  %-52s %10s   goal %s\n", mark, t.Name, formatValue(t.Value, t.Unit), t.Goal)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  SKIP  %s\n", s)
	}
	fmt.Fprintf(w, "  %d of %d targets met", len(r.Targets)-len(r.Missed), len(r.Targets))
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "; scenarios skipped: %d", len(r.Skipped))
	}
	fmt.Fprintln(w)
}
