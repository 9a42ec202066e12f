package conformance

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/mock"
	mockotark "github.com/gridtwin/gridtwin/mock/otark"
	"github.com/gridtwin/gridtwin/mock/server"
	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/mock/store/redistest"
)

// sessionTargetFile writes the mock's target file with every API's requests
// carrying X-Gridtwin-Session: session, through the headers: map.
func sessionTargetFile(t *testing.T, session string) string {
	t.Helper()
	path, _ := suitetest.MockTargetFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, section := range doc {
		section["headers"] = map[string]string{store.Header: session}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), session+".yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestParallelRunsInTheirOwnSessionsAllPass: eight runs against one mock
// at once, each in a session of its own, do not see each other's changes,
// and the default session is left as it was.
func TestParallelRunsInTheirOwnSessionsAllPass(t *testing.T) {
	srv := suitetest.StartMock(t, nil)
	before := suitetest.AdminState(t, srv.URL)
	configs := make([]string, 8)
	for i := range configs {
		configs[i] = sessionTargetFile(t, fmt.Sprintf("run-%d", i))
	}
	runs := make([]suitetest.Run, len(configs))
	var wg sync.WaitGroup
	for i, config := range configs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = suitetest.RunSuite(t, "--config", config, "--target", srv.URL)
		}()
	}
	wg.Wait()
	for i, run := range runs {
		if run.ExitCode != ExitPassed {
			t.Errorf("run %d in its own session: exit %d\n%s", i, run.ExitCode, run.Output)
		}
	}
	if after := suitetest.AdminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the default session changed\nbefore: %s\nafter:  %s", before, after)
	}
}

// replicas serves two mocks that share one Redis, behind a proxy that
// sends each request to the next replica in turn.
func replicas(t *testing.T, redisURL string) *httptest.Server {
	t.Helper()
	var backends []*url.URL
	for range 2 {
		st, err := store.OpenRedis(context.Background(), redisURL, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		// The merge test sends 1,000 writes with one key: past otark's 300 per window.
		h, err := mock.New(mock.Config{Otark: mockotark.Options{RateLimit: 1 << 20}, Server: server.Options{Store: st}})
		if err != nil {
			t.Fatal(err)
		}
		replica := httptest.NewServer(h)
		t.Cleanup(replica.Close)
		u, _ := url.Parse(replica.URL)
		backends = append(backends, u)
	}
	var turn atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(backends[turn.Add(1)%uint64(len(backends))])
	}}
	lb := httptest.NewServer(proxy)
	t.Cleanup(lb.Close)
	return lb
}

func TestTwoReplicasOnOneRedisPassTheSuite(t *testing.T) {
	lb := replicas(t, redistest.Start(t).URL())
	config, _ := suitetest.MockTargetFile(t)
	run := suitetest.RunSuite(t, "--config", config, "--target", lb.URL)
	if run.ExitCode != ExitPassed {
		t.Fatalf("two replicas on one Redis: exit %d\n%s", run.ExitCode, run.Output)
	}
}

// TestConcurrentMergesOverTwoReplicasLoseNothing: 1,000 PATCHes, each
// adding its own metadata key to one customer, spread over both replicas;
// every key is there afterwards.
func TestConcurrentMergesOverTwoReplicasLoseNothing(t *testing.T) {
	lb := replicas(t, redistest.Start(t).URL())
	const writers, customer = 1000, "cust_w1n2d3k4"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range writers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			body := fmt.Sprintf(`{"metadata":{"merge_%04d":"v"}}`, i)
			req, _ := http.NewRequest(http.MethodPatch, lb.URL+"/v1/customers/"+customer, strings.NewReader(body))
			req.Header.Set("X-Api-Key", "otk_demo_write_nordlicht")
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
			}
			if resp != nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Fatalf("%d of %d merges failed", n, writers)
	}
	state := string(suitetest.AdminState(t, lb.URL))
	for i := range writers {
		if key := fmt.Sprintf(`"merge_%04d"`, i); !strings.Contains(state, key) {
			t.Fatalf("metadata key %s was lost", key)
		}
	}
}

// TestRedisLostAnswersEachVendorsDialect503AndRecovers: with Redis gone
// every API answers at once with a 503 in its own dialect, and serves again
// when Redis is back.
func TestRedisLostAnswersEachVendorsDialect503AndRecovers(t *testing.T) {
	redis := redistest.Start(t)
	lb := replicas(t, redis.URL())
	requests := map[string]func() *http.Request{
		"otark": func() *http.Request {
			r, _ := http.NewRequest(http.MethodPatch, lb.URL+"/v1/customers/cust_r8s9t0u1", strings.NewReader(`{}`))
			r.Header.Set("X-Api-Key", "otk_demo_write_nordlicht")
			r.Header.Set("Content-Type", "application/json")
			return r
		},
		"podero": func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, lb.URL+"/api/partners/v2.0/org/0b6a3c1e-5d2f-4e8a-9c71-3f2d8e4b6a10/users/4f9d2c7a-1b3e-4a6f-8d2c-5e7b9a1c3d20/energy-contracts", nil)
			r.Header.Set("Authorization", "Bearer podero-static-token-lindental")
			return r
		},
		"esmart": func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, lb.URL+"/api/customers/1001", nil)
			r.SetBasicAuth("kari.nordmann", "Fjord-1001")
			return r
		},
	}
	dialect := map[string]string{"otark": `"type":"https://brp.otark.team/errors/`, "podero": `"detail"`, "esmart": `"Message"`}
	client := &http.Client{Timeout: 20 * time.Second}
	send := func(api string) (int, string) {
		resp, err := client.Do(requests[api]())
		if err != nil {
			t.Fatalf("%s: %v (a lost Redis must not hang a request)", api, err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	redis.Stop()
	for api := range requests {
		if status, body := send(api); status != http.StatusServiceUnavailable || !strings.Contains(body, dialect[api]) {
			t.Errorf("%s with Redis lost: %d %s, want 503 in its dialect", api, status, body)
		}
	}
	redis.Start()
	for api := range requests {
		if status, body := send(api); status != http.StatusOK {
			t.Errorf("%s after Redis is back: %d %s, want 200", api, status, body)
		}
	}
}
