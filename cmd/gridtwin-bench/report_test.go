package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// slowServer answers 200 after delay, as a server that needs that long per
// request would.
func slowServer(t *testing.T, delay time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// shortLoad is a load short enough for a test and long enough for a p99.
var shortLoad = loadConfig{Connections: 2, Duration: 150 * time.Millisecond}

func otarkTargets() *targets {
	tg := &targets{}
	tg.Otark.APIKey, tg.Otark.CustomerID = "k", "cust_1"
	return tg
}

// reportWithBaseline measures the baseline scenario on srv as the first result.
func reportWithBaseline(srv *httptest.Server) report {
	r := newReport(shortLoad)
	r.add(run(baselineScenario(), srv.URL, shortLoad))
	return r
}

func targetByName(r *report, name string) *target {
	for i := range r.Targets {
		if r.Targets[i].Name == name {
			return &r.Targets[i]
		}
	}
	return nil
}

// Ratios come from figures measured through real servers: a scenario on a
// server that takes 50 ms a request has a p99 of at least that, and its
// ratios are its figures over the baseline's of the same report. Whether a
// ratio meets its goal is TestFinishChecksEachGoalAtItsBound's, on fixed
// figures: a busy machine can slow the instant baseline past any delay.
func TestReportRatiosToTheBaselineThroughRealServers(t *testing.T) {
	slow := slowServer(t, 50*time.Millisecond)
	r := reportWithBaseline(slowServer(t, 0))
	r.add(run(otarkGet(otarkTargets()), slow.URL, shortLoad))
	base, got := r.Results[0], r.Results[1]
	if got.Kind != kindAPI || got.P99Ms < 50 || got.RequestsPerSec <= 0 || base.RequestsPerSec <= 0 {
		t.Fatalf("slow GET: kind %q, p99 %.2f ms, %.1f req/s (baseline %.1f); want an api scenario, p99 >= 50 ms",
			got.Kind, got.P99Ms, got.RequestsPerSec, base.RequestsPerSec)
	}
	if got.RatioToBaseline != got.RequestsPerSec/base.RequestsPerSec || got.P99RatioToBaseline != got.P99Ms/base.P99Ms {
		t.Errorf("slow GET ratios %.3f, %.3f; want %.3f, %.3f", got.RatioToBaseline, got.P99RatioToBaseline,
			got.RequestsPerSec/base.RequestsPerSec, got.P99Ms/base.P99Ms)
	}
	if base.RatioToBaseline != 1 || base.P99RatioToBaseline != 1 {
		t.Errorf("baseline ratios = %.2f, %.2f; want 1, 1", base.RatioToBaseline, base.P99RatioToBaseline)
	}
	r.finish()
	var out bytes.Buffer
	r.printSummary(&out)
	if !strings.Contains(out.String(), got.Scenario+" p99") {
		t.Errorf("summary lacks the p99 target:\n%s", out.String())
	}
}

// An API scenario with a same-request baseline is held to it: its ratios
// are its figures over that baseline's, and its ratio to the first
// baseline is kept beside them. Here the twin is as slow as the scenario,
// the first baseline much faster.
func TestAPIScenarioRatiosAreToItsSameRequestBaseline(t *testing.T) {
	fast, slow := slowServer(t, 0), slowServer(t, 20*time.Millisecond)
	r := reportWithBaseline(fast)
	get := otarkGet(otarkTargets())
	twin := get
	twin.Name, twin.Kind = twinName(get.Name), kindTwin
	r.add(run(twin, slow.URL, shortLoad))
	get.Reference = twin.Name
	r.add(run(get, slow.URL, shortLoad))
	base, ref, got := r.Results[0], r.Results[1], r.Results[2]
	if got.Reference != twin.Name || got.RatioToBaseline != got.RequestsPerSec/ref.RequestsPerSec ||
		got.P99RatioToBaseline != got.P99Ms/ref.P99Ms {
		t.Errorf("ratios %.3f, %.3f against %q; want %.3f, %.3f against %q", got.RatioToBaseline, got.P99RatioToBaseline,
			got.Reference, got.RequestsPerSec/ref.RequestsPerSec, got.P99Ms/ref.P99Ms, twin.Name)
	}
	if got.RatioToSharedBaseline != got.RequestsPerSec/base.RequestsPerSec || got.RatioToSharedBaseline >= got.RatioToBaseline {
		t.Errorf("ratio to the first baseline %.3f, want %.3f, below the ratio to the twin %.3f",
			got.RatioToSharedBaseline, got.RequestsPerSec/base.RequestsPerSec, got.RatioToBaseline)
	}
	if ref.Reference != base.Scenario {
		t.Errorf("the twin's reference = %q, want the baseline", ref.Reference)
	}
	r.finish()
	if tt := targetByName(&r, get.Name+" req/s"); tt == nil || !strings.Contains(tt.Goal, "same request") {
		t.Errorf("target = %+v, want a goal against the same request", tt)
	}
	if tt := targetByName(&r, twin.Name+" req/s"); tt != nil {
		t.Errorf("the twin got a target: %+v", tt)
	}
}

// The p99 ratio pairs each round's p99 with its reference's in the same
// round and takes the median: a server slowed in one round of three (as a
// neighbour's load would) spoils the pooled ratio, not the paired one. A
// server slow in every round is slow in the paired ratio too.
func TestP99RatioIsTheMedianOfEachRoundsPair(t *testing.T) {
	var delay atomic.Int64
	delay.Store(int64(5 * time.Millisecond))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(delay.Load()))
	}))
	t.Cleanup(api.Close)
	ref := slowServer(t, 5*time.Millisecond)
	slow := slowServer(t, 25*time.Millisecond)
	twin := otarkGet(otarkTargets())
	twin.Name, twin.Kind = twinName(twin.Name), kindTwin
	get := otarkGet(otarkTargets())
	get.Reference = twin.Name
	always := get
	always.Name = "always slow" // its reference is the twin too
	tallies := []*tally{newTally(twin, ref.URL), newTally(get, api.URL), newTally(always, slow.URL)}
	load := loadConfig{Connections: 2}
	for round := range 3 {
		for _, tl := range tallies {
			if tl.sc.Name == get.Name && round == 1 {
				delay.Store(int64(50 * time.Millisecond))
			}
			tl.round(load, 200*time.Millisecond)
			delay.Store(int64(5 * time.Millisecond))
		}
	}
	r := reportWithBaseline(slowServer(t, 0))
	for _, tl := range tallies {
		r.add(tl.result())
	}
	got, steady := r.Results[2], r.Results[3]
	if len(got.RoundP99Ms) != 3 || got.RoundP99Ms[1] < 50 {
		t.Fatalf("round p99s %v ms, want three with the second at least 50", got.RoundP99Ms)
	}
	if got.P99PooledRatio < 4 || got.P99RatioToBaseline > 2 {
		t.Errorf("one slow round: pooled ratio %.2f (want >= 4), paired %.2f (want <= 2)", got.P99PooledRatio, got.P99RatioToBaseline)
	}
	if len(steady.RoundP99Ms) != 3 || steady.P99RatioToBaseline < 3 {
		t.Errorf("slow in every round: paired ratio %.2f, want >= 3 (25 ms against 5)", steady.P99RatioToBaseline)
	}
}

func TestPairedP99RatioFallsBackToPooledWithoutPairs(t *testing.T) {
	for _, c := range []struct {
		rounds, ref []float64
		want        float64
	}{
		{[]float64{2, 9, 3, 4}, []float64{1, 1, 1, 1}, 3.5},
		{[]float64{2}, []float64{1}, 7},
		{[]float64{2, 3}, []float64{1, 1, 1}, 7},
		{[]float64{2, 3}, []float64{1, 0}, 7},
	} {
		if got := pairedP99Ratio(c.rounds, c.ref, 7); got != c.want {
			t.Errorf("pairedP99Ratio(%v, %v, 7) = %v, want %v", c.rounds, c.ref, got, c.want)
		}
	}
}

// The peer's figure is gridtwin's requests/s over the peer's; a peer that
// takes 20 ms a request is many times slower than one that answers at once.
func TestReportComparesPeerAndRedisToTheInMemoryPatch(t *testing.T) {
	fast, slow := slowServer(t, 0), slowServer(t, 20*time.Millisecond)
	// Results: 0 baseline, 1 the PATCH's twin, 2 in-memory PATCH, 3 peer, 4 Redis.
	r := reportWithBaseline(fast)
	tg := otarkTargets()
	mem := otarkPatch(tg, oneCustomer(tg))
	twin := mem
	twin.Name, twin.Kind = twinName(mem.Name), kindTwin
	r.add(run(twin, fast.URL, shortLoad))
	mem.Reference = twin.Name
	r.add(run(mem, fast.URL, shortLoad))
	peer := mem
	peer.Name, peer.Server, peer.Kind = "peer PATCH", "prism", kindPeer
	r.add(run(peer, slow.URL, shortLoad))
	redis := mem
	redis.Name, redis.Kind = "redis PATCH", kindRedis
	r.add(run(redis, slow.URL, shortLoad))
	r.finish()

	if len(r.Peers) != 1 || r.Peers[0].Peer != "prism" {
		t.Fatalf("peers = %+v, want prism", r.Peers)
	}
	// The figures' sizes are the machine's; what they are compared with is
	// the report's.
	want, wantTwin := r.Results[2].RequestsPerSec/r.Results[3].RequestsPerSec, r.Results[1].RequestsPerSec/r.Results[3].RequestsPerSec
	if p := r.Peers[0]; p.GridtwinRatio != want || p.TwinRatio != wantTwin {
		t.Errorf("gridtwin to peer = %.2f, its twin %.2f; want %.2f, %.2f", p.GridtwinRatio, p.TwinRatio, want, wantTwin)
	}
	var out bytes.Buffer
	r.printSummary(&out)
	if line := fmt.Sprintf("its bare twin %.1fx", wantTwin); !strings.Contains(out.String(), line) {
		t.Errorf("summary lacks %q:\n%s", line, out.String())
	}
	wantRedis := r.Results[4].RequestsPerSec / r.Results[2].RequestsPerSec
	if r.Redis == nil || r.Redis.RatioToMemory != wantRedis {
		t.Fatalf("redis figures = %+v, want the ratio %.3f to the in-memory PATCH", r.Redis, wantRedis)
	}
	if tt := targetByName(&r, "redis store req/s"); tt == nil || tt.Met != (wantRedis >= goalRedisRatio) {
		t.Errorf("redis target = %+v for the ratio %.3f", tt, wantRedis)
	}
	// Only the in-memory API scenarios are held to the baseline goals.
	if tt := targetByName(&r, "peer PATCH req/s"); tt != nil {
		t.Errorf("the peer got an API target: %+v", tt)
	}
}

// The goals are inclusive, and each kind of figure is checked against its own.
func TestFinishChecksEachGoalAtItsBound(t *testing.T) {
	r := report{Results: []result{
		{Scenario: "bare", Kind: kindBaseline, RequestsPerSec: 1000, P99Ms: 2},
		{Scenario: otarkValidName, Kind: kindAPI, RequestsPerSec: 800, P99Ms: 3, RatioToBaseline: 0.8, P99RatioToBaseline: 1.5},
		{Scenario: "scale", Kind: kindScale, RequestsPerSec: 710},
	}}
	r.Scale = &scaleFigures{Customers: 100000, FirstAnswerMs: 1600, ResidentLoadedMB: 150, ResidentMB: 400}
	r.Burst = &burstReport{Ratio: 1.0}
	// The memory goal is the idle figure's: the end of the load's is over it.
	r.Gridtwin.FirstAnswerMs, r.Gridtwin.ResidentMB, r.Gridtwin.ResidentIdleMB = 50, 100, 40
	r.finish()
	want := map[string]bool{
		"default fixtures: resident, idle after the run": true,
		otarkValidName + " req/s":                        true,
		otarkValidName + " p99":                          true,
		"100000 customers: first answer":                 false,
		"100000 customers: resident, loaded":             true,
		"100000 customers: req/s":                        false,
		"burst time, serve's GC tuning / Go's default":   true,
	}
	for name, met := range want {
		if tt := targetByName(&r, name); tt == nil || tt.Met != met {
			t.Errorf("target %q = %+v, want met=%v", name, tt, met)
		}
	}
	if len(r.Missed) != 2 {
		t.Errorf("missed = %q, want the scale start and throughput", r.Missed)
	}
}

// The read scenarios send what otark's read API needs: the key, the path
// and, for the list, the page size.
func TestReadScenariosSendTheKeyAndQuery(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.Header.Get("X-Api-Key") != "otk_x" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		seen = append(seen, r.URL.RequestURI())
	}))
	defer srv.Close()
	tg := &targets{}
	tg.Otark.APIKey, tg.Otark.CustomerID = "otk_x", "cust_1"
	for _, sc := range []scenario{otarkGet(tg), otarkList(tg)} {
		if _, err := probe(sc, srv.URL); err != nil {
			t.Error(err)
		}
	}
	if want := []string{"/v1/customers/cust_1", "/v1/customers?limit=10"}; strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("requests = %q, want %q", seen, want)
	}
}

// A stat line's times are counted from the command name's last closing
// parenthesis, whatever the name holds.
func TestStatCPUReadsUtimeAndStime(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime ...
	line := "4242 (gridtwin (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 9 9 20 0 4 0 1 1 1"
	got, err := statCPU(line)
	if want := 287 * clockTick; err != nil || got != want {
		t.Errorf("statCPU = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"4242 gridtwin S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 4242 4242 0 -1 0 0 0 0 0 u 37 0"} {
		if _, err := statCPU(bad); err == nil {
			t.Errorf("statCPU(%q) took it", bad)
		}
	}
	if own, err := processCPU(os.Getpid()); err != nil || own < 0 {
		t.Errorf("processCPU of the test itself = %v, %v", own, err)
	}
}

// The CPU a scenario's server used in the measured windows is divided by
// the requests answered: a server that hashes 4 MiB for every request
// costs many times the CPU of one that answers at once. Both run in this
// process, so each figure also holds the load generator's share, which is
// the same for both.
func TestReportCPUPerRequestAndItsRatioToTheBaseline(t *testing.T) {
	work := bytes.Repeat([]byte("x"), 4<<20)
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256(work)
		w.Header().Set("X-Sum", fmt.Sprintf("%x", sum[:4]))
	}))
	t.Cleanup(busy.Close)
	self := func() (time.Duration, error) { return processCPU(os.Getpid()) }
	measure := func(sc scenario, url string) result {
		tl := newTally(sc, url)
		tl.cpu = self
		tl.round(loadConfig{Connections: 2}, 300*time.Millisecond)
		return tl.result()
	}
	r := newReport(shortLoad)
	r.add(measure(baselineScenario(), slowServer(t, 0).URL))
	r.add(measure(otarkGet(otarkTargets()), busy.URL))
	base, got := r.Results[0], r.Results[1]
	if base.ServerCPUPerRequestUs <= 0 || base.CPURatioToBaseline != 1 {
		t.Fatalf("baseline: %.1f us a request, ratio %.2f", base.ServerCPUPerRequestUs, base.CPURatioToBaseline)
	}
	if got.CPURatioToBaseline != got.ServerCPUPerRequestUs/base.ServerCPUPerRequestUs || got.CPURatioToBaseline < 3 {
		t.Errorf("hashing server: %.1f us a request, ratio %.2f; baseline %.1f us", got.ServerCPUPerRequestUs, got.CPURatioToBaseline, base.ServerCPUPerRequestUs)
	}
	var out bytes.Buffer
	r.printRow(&out, got)
	if !strings.Contains(out.String(), fmt.Sprintf("%.2fx", got.CPURatioToBaseline)) {
		t.Errorf("row lacks the CPU ratio: %s", out.String())
	}
	if un := run(otarkGet(otarkTargets()), busy.URL, shortLoad); un.ServerCPUPerRequestUs != 0 {
		t.Errorf("a scenario without a CPU reader reported %.1f us", un.ServerCPUPerRequestUs)
	}
}
