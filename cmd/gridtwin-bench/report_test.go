package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
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

// A scenario on a server that takes 50 ms a request is measured slower than
// the baseline on one that answers at once: both its requests/s and its p99
// ratio miss their goals, and the summary says MISS for both. The delay is
// far above what a busy machine adds to the baseline's p99, even under -race.
func TestReportRatiosToTheBaselineThroughRealServers(t *testing.T) {
	slow := slowServer(t, 50*time.Millisecond)
	r := reportWithBaseline(slowServer(t, 0))
	r.add(run(otarkGet(otarkTargets()), slow.URL, shortLoad))
	got := r.Results[1]
	if got.Kind != kindAPI || got.RatioToBaseline <= 0 || got.RatioToBaseline >= goalAPIRatio {
		t.Errorf("slow GET: kind %q, req/s ratio %.3f; want an api scenario under %.1f", got.Kind, got.RatioToBaseline, goalAPIRatio)
	}
	if want := got.P99Ms / r.Results[0].P99Ms; got.P99RatioToBaseline != want || got.P99Ms < 50 {
		t.Errorf("slow GET: p99 %.2f ms, ratio %.3f; want at least 50 ms and the ratio %.3f", got.P99Ms, got.P99RatioToBaseline, want)
	}
	if got.P99RatioToBaseline <= goalAPIP99Ratio {
		t.Errorf("slow GET: p99 %.2f ms vs baseline %.2f ms, ratio %.2f; want over %.1f",
			got.P99Ms, r.Results[0].P99Ms, got.P99RatioToBaseline, goalAPIP99Ratio)
	}
	if r.Results[0].RatioToBaseline != 1 || r.Results[0].P99RatioToBaseline != 1 {
		t.Errorf("baseline ratios = %.2f, %.2f; want 1, 1", r.Results[0].RatioToBaseline, r.Results[0].P99RatioToBaseline)
	}
	r.finish()
	for _, name := range []string{got.Scenario + " req/s", got.Scenario + " p99"} {
		if tt := targetByName(&r, name); tt == nil || tt.Met {
			t.Errorf("target %q = %+v, want a missed one", name, tt)
		}
	}
	var out bytes.Buffer
	r.printSummary(&out)
	if !strings.Contains(out.String(), "MISS  "+got.Scenario+" p99") {
		t.Errorf("summary lacks the missed p99:\n%s", out.String())
	}
}

// The peer's figure is gridtwin's requests/s over the peer's; a peer that
// takes 20 ms a request is many times slower than one that answers at once.
func TestReportComparesPeerAndRedisToTheInMemoryPatch(t *testing.T) {
	fast, slow := slowServer(t, 0), slowServer(t, 20*time.Millisecond)
	r := reportWithBaseline(fast)
	tg := otarkTargets()
	mem := otarkPatch(tg, oneCustomer(tg))
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
	want := r.Results[1].RequestsPerSec / r.Results[2].RequestsPerSec
	if p := r.Peers[0]; p.GridtwinRatio != want || p.GridtwinRatio < 2 {
		t.Errorf("gridtwin to peer = %.2f, want %.2f and well over 1", p.GridtwinRatio, want)
	}
	if r.Redis == nil || r.Redis.RatioToMemory >= 0.5 {
		t.Errorf("redis figures = %+v, want a ratio under 0.5 for a 20 ms store", r.Redis)
	}
	if tt := targetByName(&r, "redis store req/s"); tt == nil || tt.Met {
		t.Errorf("redis target = %+v, want missed", tt)
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
	r.Scale = &scaleFigures{Customers: 100000, FirstAnswerMs: 1600, ResidentMB: 150}
	r.Burst = &burstReport{Ratio: 1.0}
	r.Gridtwin.FirstAnswerMs, r.Gridtwin.ResidentMB = 50, 30
	r.finish()
	want := map[string]bool{
		otarkValidName + " req/s":                      true,
		otarkValidName + " p99":                        true,
		"100000 customers: first answer":               false,
		"100000 customers: resident":                   true,
		"100000 customers: req/s":                      false,
		"burst time, serve's GC tuning / Go's default": true,
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
		if err := probe(sc, srv.URL); err != nil {
			t.Error(err)
		}
	}
	if want := []string{"/v1/customers/cust_1", "/v1/customers?limit=10"}; strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("requests = %q, want %q", seen, want)
	}
}
